"""Settlement strategy: which eligible applicants go on which lots of the new area (CP-SAT).

Variables: x[a, l] = 1 when applicant a settles on lot l (only where the lot is large enough,
allows the applicant's activity class and is not next to an incompatible firm already present),
and y[a, b] = 1 when two settled applicants can exchange with each other. Each applicant takes at
most one lot, each lot holds at most one applicant; fixed choices force a firm in, out or onto a
given lot; two incompatible classes may not sit on lots within the rule's distance.

Objective (points, maximised; docs/optimisation.md):

    sum over settled a on lot l of
        score_weight × score(a)                                   ranking score on [0, 1]
      + co2_weight × sum over firms present p linked with a of
            max(0, CO2(a, p) − tonnes(a, p) × km(l, p) × transport factor / 1000)
    + sum over pairs of settled applicants (a, b) of
        co2_weight × max(0, CO2(a, b) − tonnes(a, b) × D × transport factor / 1000)

CO2(a, p) is the CO2 the matched exchanges between a and p avoid before transport (t CO2e/yr),
tonnes(a, p) the material moved by road; D is the largest distance between two lots (applicants
on the new area are at most that far apart: a conservative, linear stand-in for the exact
distance, which the result reports). Solved by CP-SAT on integer coefficients (points × 1000),
with a time limit and 2 workers; the result says OPTIMAL or FEASIBLE and the relative gap.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ecodistrict.geo import great_circle_km
from ecodistrict.optimize.lots import (
    FixedChoice,
    Incompatibility,
    Lot,
    ObjectiveFactors,
    ateco_in,
)
from ecodistrict.selection.call import SelectionError

SETTLEMENT_FORMAT = "ecodistrict/settlement/1"
#: CP-SAT works on integers: objective coefficients are points × SCALE, rounded.
SCALE = 1000


@dataclass(frozen=True)
class Position:
    lat: float
    lon: float


@dataclass(frozen=True)
class SettlementApplicant:
    id: str
    ateco: str
    space_m2: float
    score: float  # ranking score on [0, 1]
    eligible: bool = True
    failed: tuple[str, ...] = ()  # requirements it failed, when not eligible


@dataclass(frozen=True)
class PresentFirm:
    id: str
    ateco: str
    location: Position


@dataclass(frozen=True)
class Link:
    """Exchanges an applicant would enable with a partner (a firm present or another applicant)."""

    applicant: str
    partner: str
    co2_t: float  # t CO2e/yr avoided before transport
    tonnes: float  # material moved by road, t/yr


@dataclass(frozen=True)
class SettlementProblem:
    applicants: tuple[SettlementApplicant, ...]
    lots: tuple[Lot, ...]
    present: tuple[PresentFirm, ...] = ()
    links: tuple[Link, ...] = ()
    incompatibilities: tuple[Incompatibility, ...] = ()
    fixed: tuple[FixedChoice, ...] = ()
    factors: ObjectiveFactors = field(default_factory=ObjectiveFactors)


@dataclass(frozen=True)
class Placement:
    applicant: str
    lot: str
    score_points: float
    exchange_points: float  # with firms present, net of transport from the lot

    def to_dict(self) -> dict[str, Any]:
        return {
            "applicant": self.applicant,
            "lot": self.lot,
            "score_points": round(self.score_points, 6),
            "exchange_points": round(self.exchange_points, 6),
        }


@dataclass(frozen=True)
class SettlementSolution:
    status: str
    objective: float
    best_bound: float
    gap: float
    seconds: float
    placements: tuple[Placement, ...]
    pair_points: float
    not_settled: dict[str, str]
    transport_t_co2: float  # exact, with the chosen lots
    settings: dict[str, Any]

    def assignment(self) -> dict[str, str]:
        return {p.applicant: p.lot for p in self.placements}

    def to_document(self) -> dict[str, Any]:
        return {
            "format": SETTLEMENT_FORMAT,
            "solver": "OR-Tools CP-SAT",
            "status": self.status,
            "objective_points": round(self.objective, 6),
            "best_bound_points": round(self.best_bound, 6),
            "relative_gap": round(self.gap, 9),
            "seconds": round(self.seconds, 3),
            "settings": self.settings,
            "settled": [p.to_dict() for p in self.placements],
            "applicant_pair_points": round(self.pair_points, 6),
            "transport_t_co2_per_yr": round(self.transport_t_co2, 6),
            "not_settled": self.not_settled,
        }


def _km(a: Any, b: Any) -> float:
    return great_circle_km(a, b)


def _in_classes(ateco: str, classes: Sequence[str]) -> bool:
    return any(ateco_in(ateco, p) for p in classes)


def _blocked_by_present(lot: Lot, ateco: str, problem: SettlementProblem) -> tuple[str, str] | None:
    """(rule id, present firm id) that forbids this class on this lot, if any."""
    for rule in problem.incompatibilities:
        for mine, theirs in ((rule.classes_a, rule.classes_b), (rule.classes_b, rule.classes_a)):
            if not _in_classes(ateco, mine):
                continue
            for firm in problem.present:
                if _in_classes(firm.ateco, theirs) and _km(lot.location, firm.location) <= (
                    rule.within_km
                ):
                    return rule.id, firm.id
    return None


def lot_refusal(applicant: SettlementApplicant, lot: Lot, problem: SettlementProblem) -> str | None:
    """Why an applicant cannot go on a lot, or None when it can."""
    if lot.area_m2 < applicant.space_m2:
        return (
            f"lot '{lot.id}' has {lot.area_m2:g} m2, '{applicant.id}' needs {applicant.space_m2:g}"
        )
    if not lot.allows(applicant.ateco):
        return (
            f"lot '{lot.id}' allows ATECO {', '.join(lot.allowed_ateco)}, "
            f"'{applicant.id}' is {applicant.ateco}"
        )
    blocked = _blocked_by_present(lot, applicant.ateco, problem)
    if blocked is not None:
        return (
            f"lot '{lot.id}' is within the distance of incompatibility '{blocked[0]}' from "
            f"'{blocked[1]}', a firm already present"
        )
    return None


def check_settlement(problem: SettlementProblem) -> dict[str, list[str]]:
    """Explain contradictions before solving; return the lots each candidate applicant may take."""
    problems: list[str] = []
    applicants = {a.id: a for a in problem.applicants}
    lots = {lot.id: lot for lot in problem.lots}
    forced_in: dict[str, int] = {}
    forced_out: dict[str, int] = {}
    forced_lot: dict[str, tuple[int, str]] = {}
    lot_taken: dict[str, tuple[int, str]] = {}
    for i, fixed in enumerate(problem.fixed):
        where = f"field 'fixed[{i}]'"
        applicant = applicants.get(fixed.company)
        if applicant is None:
            problems.append(
                f"field 'fixed[{i}].company': '{fixed.company}' is not an applicant of the call"
            )
            continue
        if fixed.choice == "out":
            forced_out[fixed.company] = i
            continue
        if not applicant.eligible:
            problems.append(
                f"{where}: '{fixed.company}' is forced in but is not eligible "
                f"(fails {', '.join(applicant.failed)})"
            )
        if fixed.choice == "in":
            forced_in[fixed.company] = i
            continue
        assert fixed.lot is not None
        lot = lots.get(fixed.lot)
        if lot is None:
            problems.append(f"field 'fixed[{i}].lot': no lot '{fixed.lot}'")
            continue
        if fixed.company in forced_lot and forced_lot[fixed.company][1] != fixed.lot:
            j, other = forced_lot[fixed.company]
            problems.append(
                f"{where}: '{fixed.company}' is forced on lot '{fixed.lot}' and, by fixed[{j}], "
                f"on lot '{other}'"
            )
        forced_lot[fixed.company] = (i, fixed.lot)
        if fixed.lot in lot_taken and lot_taken[fixed.lot][1] != fixed.company:
            j, other = lot_taken[fixed.lot]
            problems.append(
                f"{where}: lot '{fixed.lot}' is given to '{fixed.company}' and, by fixed[{j}], "
                f"to '{other}'"
            )
        lot_taken[fixed.lot] = (i, fixed.company)
        refusal = lot_refusal(applicant, lot, problem)
        if refusal is not None:
            problems.append(f"{where}: '{fixed.company}' cannot be forced there: {refusal}")
    for company, i in forced_out.items():
        also: list[tuple[str, int]] = []
        if company in forced_in:
            also.append(("in", forced_in[company]))
        if company in forced_lot:
            also.append((f"on lot '{forced_lot[company][1]}'", forced_lot[company][0]))
        for kind, j in also:
            problems.append(
                f"field 'fixed[{i}]': '{company}' is forced out and, by fixed[{j}], {kind}"
            )
    if problems:
        raise SelectionError(problems)
    options: dict[str, list[str]] = {}
    for applicant in problem.applicants:
        if not applicant.eligible or applicant.id in forced_out:
            continue
        if applicant.id in forced_lot:
            options[applicant.id] = [forced_lot[applicant.id][1]]
            continue
        options[applicant.id] = [
            lot.id for lot in problem.lots if lot_refusal(applicant, lot, problem) is None
        ]
    for company in forced_in:
        if not options.get(company):
            reasons = "; ".join(
                r
                for lot in problem.lots
                if (r := lot_refusal(applicants[company], lot, problem)) is not None
            )
            problems.append(f"'{company}' is forced in but fits no lot: {reasons}")
    candidates = [a for a in problem.applicants if a.eligible and a.id not in forced_out]
    if candidates and not any(options.get(a.id) for a in candidates):
        largest = max(problem.lots, key=lambda lot: lot.area_m2)
        smallest = min(candidates, key=lambda a: a.space_m2)
        problems.append(
            "no applicant fits any lot: the largest lot "
            f"('{largest.id}') has {largest.area_m2:g} m2 and the smallest need is "
            f"{smallest.space_m2:g} m2 ('{smallest.id}'), or the lots' allowed classes and "
            "incompatibilities exclude every applicant"
        )
    if problems:
        raise SelectionError(problems)
    return options


def _net_co2(link: Link, km: float, factors: ObjectiveFactors) -> float:
    return max(0.0, link.co2_t - link.tonnes * km * factors.transport_kg_co2_per_tkm / 1000.0)


def placement_points(
    problem: SettlementProblem, applicant: SettlementApplicant, lot: Lot
) -> tuple[float, float]:
    """(score points, exchange points with firms present) of an applicant on a lot."""
    present = {p.id: p for p in problem.present}
    exchange = 0.0
    for link in problem.links:
        if link.applicant == applicant.id and link.partner in present:
            km = _km(lot.location, present[link.partner].location)
            exchange += problem.factors.co2_weight * _net_co2(link, km, problem.factors)
    return problem.factors.score_weight * applicant.score, exchange


def _lot_diameter(lots: Sequence[Lot]) -> float:
    return max(
        (_km(a.location, b.location) for a, b in itertools.combinations(lots, 2)), default=0.0
    )


def pair_links(problem: SettlementProblem) -> dict[tuple[str, str], Link]:
    """Links between two applicants, one per unordered pair (summed)."""
    applying = {a.id for a in problem.applicants}
    pairs: dict[tuple[str, str], Link] = {}
    for link in problem.links:
        if link.partner not in applying or link.partner == link.applicant:
            continue
        first, second = sorted((link.applicant, link.partner))
        known = pairs.get((first, second))
        pairs[(first, second)] = Link(
            first,
            second,
            link.co2_t + (known.co2_t if known else 0.0),
            link.tonnes + (known.tonnes if known else 0.0),
        )
    return pairs


def evaluate_assignment(problem: SettlementProblem, assignment: Mapping[str, str]) -> float:
    """The objective (points) of an assignment applicant -> lot, as the model counts it."""
    applicants = {a.id: a for a in problem.applicants}
    lots = {lot.id: lot for lot in problem.lots}
    total = 0.0
    for cid, lot_id in assignment.items():
        total += sum(placement_points(problem, applicants[cid], lots[lot_id]))
    diameter = _lot_diameter(problem.lots)
    for (a, b), link in pair_links(problem).items():
        if a in assignment and b in assignment:
            total += problem.factors.co2_weight * _net_co2(link, diameter, problem.factors)
    return total


def settle(
    problem: SettlementProblem, *, time_limit_s: float = 30.0, workers: int = 2
) -> SettlementSolution:
    """Choose who settles where (see the module doc); SelectionError explains bad input."""
    from ortools.sat.python import cp_model

    if not math.isfinite(time_limit_s) or time_limit_s <= 0:
        raise SelectionError([f"the time limit must be > 0 s, not {time_limit_s}"])
    started = time.perf_counter()
    options = check_settlement(problem)
    applicants = {a.id: a for a in problem.applicants}
    lots = {lot.id: lot for lot in problem.lots}
    model = cp_model.CpModel()
    x: dict[tuple[str, str], Any] = {}
    terms: list[tuple[Any, int]] = []
    for cid, allowed in options.items():
        for lot_id in allowed:
            var = model.new_bool_var(f"x[{cid},{lot_id}]")
            x[(cid, lot_id)] = var
            points = sum(placement_points(problem, applicants[cid], lots[lot_id]))
            terms.append((var, round(points * SCALE)))
    settled: dict[str, Any] = {}
    by_lot: dict[str, list[Any]] = defaultdict(list)
    for (_, lot_id), var in x.items():
        by_lot[lot_id].append(var)
    for cid in options:
        mine = [x[(cid, lot_id)] for lot_id in options[cid]]
        if not mine:
            continue
        settled[cid] = model.new_bool_var(f"in[{cid}]")
        model.add(sum(mine) == settled[cid])
    for variables in by_lot.values():
        model.add_at_most_one(variables)
    for fixed in problem.fixed:
        if fixed.choice in ("in", "lot") and fixed.company in settled:
            model.add(settled[fixed.company] == 1)
    _add_incompatibilities(model, problem, x, options)
    diameter = _lot_diameter(problem.lots)
    for (a, b), link in pair_links(problem).items():
        value = problem.factors.co2_weight * _net_co2(link, diameter, problem.factors)
        if a in settled and b in settled and round(value * SCALE) > 0:
            both = model.new_bool_var(f"y[{a},{b}]")
            model.add_implication(both, settled[a])
            model.add_implication(both, settled[b])
            terms.append((both, round(value * SCALE)))
    model.maximize(sum(coef * var for var, coef in terms if coef))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    # The exchange between two settled applicants (y <= in_a, y <= in_b) needs the full LP
    # relaxation to get a useful bound. With 2 workers CP-SAT's default portfolio has no such
    # worker and proved nothing (gap 70 % after 60 s on the benchmark); one worker at each
    # linearisation level proves the optimum in under a second (docs/benchmarks.md).
    if workers == 2:
        solver.parameters.subsolvers.extend(["max_lp", "default_lp"])
    elif workers == 1:
        solver.parameters.linearization_level = 2
    status_code = solver.solve(model)
    status = solver.status_name(status_code)
    if status_code == cp_model.INFEASIBLE:
        raise SelectionError(
            [
                "the fixed choices cannot all be met together: the firms forced in do not fit "
                "the lots at the same time (areas, allowed classes, incompatibilities between "
                "neighbouring lots)"
            ]
        )
    if status_code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise SelectionError(
            [f"no settlement found within {time_limit_s:g} s (solver status {status})"]
        )
    assignment = {cid: lot_id for (cid, lot_id), var in x.items() if solver.value(var)}
    placements = []
    for cid, lot_id in sorted(assignment.items(), key=lambda item: item[1]):
        score, exchange = placement_points(problem, applicants[cid], lots[lot_id])
        placements.append(Placement(cid, lot_id, score, exchange))
    objective = evaluate_assignment(problem, assignment)
    pair_points = objective - sum(p.score_points + p.exchange_points for p in placements)
    bound = solver.best_objective_bound / SCALE
    scaled = solver.objective_value / SCALE
    gap = abs(bound - scaled) / max(abs(scaled), 1e-9) if bound != scaled else 0.0
    return SettlementSolution(
        status=status,
        objective=objective,
        best_bound=bound,
        gap=gap,
        seconds=time.perf_counter() - started,
        placements=tuple(placements),
        pair_points=pair_points,
        not_settled=_not_settled(problem, options, assignment),
        transport_t_co2=_transport(problem, assignment),
        settings={
            "time_limit_s": time_limit_s,
            "workers": workers,
            "score_weight": problem.factors.score_weight,
            "co2_weight": problem.factors.co2_weight,
            "transport_kg_co2_per_tkm": problem.factors.transport_kg_co2_per_tkm,
            "lot_diameter_km": round(diameter, 6),
        },
    )


def _add_incompatibilities(
    model: Any,
    problem: SettlementProblem,
    x: Mapping[tuple[str, str], Any],
    options: Mapping[str, list[str]],
) -> None:
    """Class A on lot l and class B on lot m within the rule's distance: at most one of them."""
    applicants = {a.id: a for a in problem.applicants}
    for rule in problem.incompatibilities:
        class_a = [cid for cid in options if _in_classes(applicants[cid].ateco, rule.classes_a)]
        class_b = [cid for cid in options if _in_classes(applicants[cid].ateco, rule.classes_b)]
        if not class_a or not class_b:
            continue
        for first, second in itertools.permutations(problem.lots, 2):
            if _km(first.location, second.location) > rule.within_km:
                continue
            on_first = [x[(cid, first.id)] for cid in class_a if (cid, first.id) in x]
            on_second = [x[(cid, second.id)] for cid in class_b if (cid, second.id) in x]
            if on_first and on_second:
                model.add(sum(on_first) + sum(on_second) <= 1)


def _not_settled(
    problem: SettlementProblem, options: Mapping[str, list[str]], assignment: Mapping[str, str]
) -> dict[str, str]:
    out = {f.company for f in problem.fixed if f.choice == "out"}
    taken = set(assignment.values())
    reasons: dict[str, str] = {}
    for applicant in problem.applicants:
        if applicant.id in assignment:
            continue
        if not applicant.eligible:
            reasons[applicant.id] = "not eligible (fails " + ", ".join(applicant.failed) + ")"
        elif applicant.id in out:
            reasons[applicant.id] = "kept out by a fixed choice"
        elif not options.get(applicant.id):
            reasons[applicant.id] = "fits no lot (area, allowed classes, incompatibilities)"
        elif free := [lot for lot in options[applicant.id] if lot not in taken]:
            # A lot it fits stays empty: settling it would add nothing to the objective (a
            # ranking score and exchanges worth 0, or transport cancelling them).
            reasons[applicant.id] = (
                "settling it adds no points (ranking score and exchanges worth nothing net of "
                "transport); lot " + free[0] + " stays free"
            )
        else:
            reasons[applicant.id] = "the lots give more points to other applicants"
    return reasons


def _transport(problem: SettlementProblem, assignment: Mapping[str, str]) -> float:
    """t CO2e/yr of road transport of the enabled exchanges, with the exact lot distances."""
    lots = {lot.id: lot for lot in problem.lots}
    present = {p.id: p for p in problem.present}
    factor = problem.factors.transport_kg_co2_per_tkm / 1000.0
    total = 0.0
    for link in problem.links:
        if link.applicant not in assignment:
            continue
        here = lots[assignment[link.applicant]].location
        if link.partner in present:
            total += link.tonnes * _km(here, present[link.partner].location) * factor
        elif link.partner in assignment:
            total += link.tonnes * _km(here, lots[assignment[link.partner]].location) * factor
    return total
