"""Network optimisation: which symbiosis exchanges, and how much of each, close the district best.

Input: candidate exchanges, either the matches of `match_district` on a district
(`candidates_from_matches`) or a plain list of `CandidateExchange`. Variables: the quantity q_e of
each candidate, in its cycle's canonical unit (t/yr, MWh/yr, m3/yr). Constraints: what each
output still has available, what each declared input still needs, a maximum distance (candidates
farther are dropped) and an optional minimum size per exchange (q_e = 0 or q_e >= min: one binary
per exchange, so the problem becomes a MIP). Objective, selectable:

- "closure": the percentage points of closure gained, summed over the cycles of matter, energy,
  water and waste: each unit exchanged is worth 100 / (the district's inflows of its cycle), plus
  100 / (the district's waste outflows) when the output is a waste. The denominators are those
  before optimisation (a linear objective); the ratios reported after are exact. Without a
  district baseline every unit is worth 1 (the quantity exchanged).
- "co2": t CO2e/yr avoided, from each match's impact estimate per unit exchanged (virgin
  production and landfill avoided, minus transport).

Solved with OR-Tools MathOpt and HiGHS (an LP, or a MIP with minimum sizes). See
docs/optimisation.md.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ecodistrict.domain.models import DistrictFile
from ecodistrict.indicators.calculators import build_exchange_index, canonical_quantity, compute_all
from ecodistrict.matching import Match
from ecodistrict.selection.call import SelectionError

NETWORK_FORMAT = "ecodistrict/network/1"
Objective = Literal["closure", "co2"]
OBJECTIVES: tuple[str, ...] = ("closure", "co2")
CYCLE_OF_KIND = {"material": "matter", "energy": "energy", "water": "water"}
CYCLE_KEYS = {
    "matter": "closure_material_pct",
    "energy": "closure_energy_pct",
    "water": "closure_water_pct",
    "waste": "closure_waste_pct",
}
#: Quantities below this count as zero (t/yr, MWh/yr, m3/yr).
EPSILON = 1e-6


@dataclass(frozen=True)
class CandidateExchange:
    """One possible exchange from a supplier output to a receiver (input), canonical units."""

    supplier: str
    supplier_flow: str
    receiver: str
    receiver_flow: str | None  # None: the receiver declared no such input (an inferred match)
    kind: str  # material | energy | water
    available: float  # what the supplier output still has (not already taken in the district)
    need: float | None  # what the declared input still needs; None when not declared
    distance_km: float | None
    co2_per_unit: float = 0.0  # t CO2e avoided per unit exchanged
    waste: bool = False  # the output is a waste: it also closes the waste cycle
    cap: float | None = None  # upper bound of this exchange alone (an inferred match's quantity)

    def upper_bound(self) -> float:
        bounds = [self.available]
        if self.need is not None:
            bounds.append(self.need)
        if self.cap is not None:
            bounds.append(self.cap)
        return max(0.0, min(bounds))


@dataclass(frozen=True)
class CycleBaseline:
    """A closure ratio's numerator and denominator before optimisation."""

    numerator: float
    denominator: float

    def pct(self, added: float = 0.0, added_inflow: float = 0.0) -> float | None:
        denominator = self.denominator + added_inflow
        if denominator <= 0:
            return None
        return 100.0 * (self.numerator + added) / denominator


@dataclass(frozen=True)
class ChosenExchange:
    candidate: CandidateExchange
    quantity: float

    def to_dict(self) -> dict[str, Any]:
        c = self.candidate
        return {
            "supplier": c.supplier,
            "supplier_flow": c.supplier_flow,
            "receiver": c.receiver,
            "receiver_flow": c.receiver_flow,
            "kind": c.kind,
            "quantity": round(self.quantity, 6),
            "unit": UNITS[c.kind],
            "distance_km": c.distance_km,
            "co2_avoided_t_per_yr": round(self.quantity * c.co2_per_unit, 6),
        }


UNITS = {"material": "t/yr", "energy": "MWh/yr", "water": "m3/yr"}


@dataclass(frozen=True)
class NetworkSolution:
    objective_kind: str
    status: str  # OPTIMAL | FEASIBLE | INFEASIBLE | NO_SOLUTION
    objective: float
    best_bound: float
    gap: float
    is_mip: bool
    candidates: int
    candidates_dropped: int
    chosen: tuple[ChosenExchange, ...]
    closure_before: dict[str, float | None]
    closure_after: dict[str, float | None]
    totals: dict[str, float]
    seconds: float
    settings: dict[str, Any] = field(default_factory=dict)

    def to_document(self) -> dict[str, Any]:
        return {
            "format": NETWORK_FORMAT,
            "objective": self.objective_kind,
            "settings": self.settings,
            "solver": "OR-Tools MathOpt / HiGHS " + ("MIP" if self.is_mip else "LP"),
            "status": self.status,
            "objective_value": round(self.objective, 9),
            "best_bound": round(self.best_bound, 9),
            "relative_gap": round(self.gap, 9),
            "seconds": round(self.seconds, 3),
            "candidates": self.candidates,
            "candidates_dropped": self.candidates_dropped,
            "exchanges": [c.to_dict() for c in self.chosen],
            "closure_before_pct": _rounded(self.closure_before),
            "closure_after_pct": _rounded(self.closure_after),
            "totals": {k: round(v, 6) for k, v in self.totals.items()},
        }


def _rounded(values: Mapping[str, float | None]) -> dict[str, float | None]:
    return {k: (None if v is None else round(v, 6)) for k, v in values.items()}


def closure_baseline(district: DistrictFile) -> dict[str, CycleBaseline]:
    """Numerator and denominator of each closure ratio (docs/indicators.md), before any change."""
    _, values = compute_all(district)
    baseline: dict[str, CycleBaseline] = {}
    for cycle, key in CYCLE_KEYS.items():
        value = values[key]
        baseline[cycle] = CycleBaseline(value.numerator or 0.0, value.denominator or 0.0)
    return baseline


def candidates_from_matches(
    district: DistrictFile, matches: Iterable[Match]
) -> list[CandidateExchange]:
    """Candidate exchanges from matches: available and needed quantities read from the file.

    Available = the output's quantity minus what district firms already take from it; need = the
    declared input's quantity, or 0 when that input is already supplied by a district firm; an
    inferred match (no declared input) is bounded by the match's quantity. Service matches are
    left out (no cycle to close), and so are material products (selling a product to a
    neighbour closes no cycle of matter; surplus heat or water sold as a product does).
    """
    index = build_exchange_index(district)
    flows = {(c.id, f.id): f for c in district.companies for f in c.flows}
    seen: set[tuple[str, str, str, str | None]] = set()
    candidates: list[CandidateExchange] = []
    for match in matches:
        if match.kind not in UNITS:
            continue
        key = (match.supplier, match.supplier_flow, match.receiver, match.receiver_flow)
        if key in seen:
            continue
        seen.add(key)
        output = flows[(match.supplier, match.supplier_flow)]
        if output.kind == "material" and output.legal_status == "product":
            continue
        produced = canonical_quantity(output) or 0.0
        available = max(0.0, produced - index.received.get((match.supplier, output.id), 0.0))
        need: float | None = None
        cap: float | None = None
        if match.receiver_flow is not None:
            receiver_input = flows[(match.receiver, match.receiver_flow)]
            declared = canonical_quantity(receiver_input) or 0.0
            need = 0.0 if receiver_input.supplied_by is not None else declared
        else:
            cap = match.quantity_value if match.quantity_value is not None else available
        co2 = match.impact.co2_avoided_t_per_yr
        per_unit = co2 / match.quantity_value if co2 is not None and match.quantity_value else 0.0
        candidates.append(
            CandidateExchange(
                supplier=match.supplier,
                supplier_flow=match.supplier_flow,
                receiver=match.receiver,
                receiver_flow=match.receiver_flow,
                kind=match.kind,
                available=available,
                need=need,
                distance_km=match.distance_km,
                co2_per_unit=per_unit,
                waste=output.legal_status == "waste",
                cap=cap,
            )
        )
    return candidates


def check_candidates(candidates: Sequence[CandidateExchange]) -> None:
    """Refuse inconsistent input with a message naming the exchange and the field."""
    problems: list[str] = []
    available: dict[tuple[str, str], float] = {}
    needs: dict[tuple[str, str], float] = {}
    for i, c in enumerate(candidates):
        where = f"candidate {i + 1} ({c.supplier}/{c.supplier_flow} -> {c.receiver})"
        if c.kind not in UNITS:
            problems.append(f"{where}, field 'kind': '{c.kind}' is not material, energy or water")
        for name in ("available", "need", "distance_km", "co2_per_unit", "cap"):
            value = getattr(c, name)
            if value is not None and not math.isfinite(value):
                problems.append(f"{where}, field '{name}': not a finite number")
            elif value is not None and name != "co2_per_unit" and value < 0:
                problems.append(f"{where}, field '{name}': negative ({value:g})")
        previous = available.setdefault((c.supplier, c.supplier_flow), c.available)
        if previous != c.available:
            problems.append(
                f"{where}, field 'available': {c.available:g} differs from {previous:g} given "
                "for the same output"
            )
        if c.need is not None and c.receiver_flow is not None:
            before = needs.setdefault((c.receiver, c.receiver_flow), c.need)
            if before != c.need:
                problems.append(
                    f"{where}, field 'need': {c.need:g} differs from {before:g} given for the "
                    "same input"
                )
    if problems:
        raise SelectionError(problems)


def optimise_network(
    candidates: Sequence[CandidateExchange],
    *,
    objective: str = "closure",
    max_distance_km: float | None = None,
    min_size: float | None = None,
    baseline: Mapping[str, CycleBaseline] | None = None,
    time_limit_s: float | None = None,
) -> NetworkSolution:
    """Choose exchange quantities maximising closure (or CO2 avoided); see the module doc."""
    from datetime import timedelta

    from ortools.math_opt.python import mathopt

    if objective not in OBJECTIVES:
        raise SelectionError([f"unknown objective '{objective}' (closure or co2)"])
    if max_distance_km is not None and (not math.isfinite(max_distance_km) or max_distance_km < 0):
        raise SelectionError([f"maximum distance must be >= 0 km, not {max_distance_km}"])
    if min_size is not None and (not math.isfinite(min_size) or min_size < 0):
        raise SelectionError([f"minimum size must be >= 0, not {min_size}"])
    check_candidates(candidates)
    started = time.perf_counter()
    usable: list[CandidateExchange] = []
    for c in candidates:
        if max_distance_km is not None and (
            c.distance_km is None or c.distance_km > max_distance_km
        ):
            continue
        bound = c.upper_bound()
        if bound <= EPSILON or (min_size and bound < min_size):
            continue
        usable.append(c)
    weights = [_unit_value(c, objective, baseline) for c in usable]
    is_mip = bool(min_size)

    model = mathopt.Model(name="ecodistrict-network")
    q = [model.add_variable(lb=0.0, ub=c.upper_bound(), name=f"q{i}") for i, c in enumerate(usable)]
    by_output: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_input: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, c in enumerate(usable):
        by_output[(c.supplier, c.supplier_flow)].append(i)
        if c.need is not None and c.receiver_flow is not None:
            by_input[(c.receiver, c.receiver_flow)].append(i)
    for indices in by_output.values():
        if len(indices) > 1:
            model.add_linear_constraint(
                mathopt.fast_sum(q[i] for i in indices) <= usable[indices[0]].available
            )
    for indices in by_input.values():
        need = usable[indices[0]].need
        if len(indices) > 1 and need is not None:
            model.add_linear_constraint(mathopt.fast_sum(q[i] for i in indices) <= need)
    if is_mip:
        assert min_size is not None
        for i, c in enumerate(usable):
            chosen = model.add_binary_variable(name=f"z{i}")
            model.add_linear_constraint(q[i] >= min_size * chosen)
            model.add_linear_constraint(q[i] <= c.upper_bound() * chosen)
    model.maximize(mathopt.fast_sum(w * q[i] for i, w in enumerate(weights) if w != 0))
    params = mathopt.SolveParameters()  # HiGHS through MathOpt takes no thread count
    if time_limit_s is not None:
        params.time_limit = timedelta(seconds=time_limit_s)
    result = mathopt.solve(model, mathopt.SolverType.HIGHS, params=params)
    status = _status(result)
    quantities = result.variable_values(q) if result.has_primal_feasible_solution() else []
    chosen_exchanges = tuple(
        ChosenExchange(c, float(v)) for c, v in zip(usable, quantities, strict=False) if v > EPSILON
    )
    primal = float(result.objective_value()) if result.has_primal_feasible_solution() else 0.0
    bound = float(result.termination.objective_bounds.dual_bound)
    if not math.isfinite(bound):
        bound = primal
    gap = abs(bound - primal) / max(abs(primal), 1e-9) if bound != primal else 0.0
    before, after, totals = _closure_report(chosen_exchanges, baseline)
    return NetworkSolution(
        objective_kind=objective,
        status=status,
        objective=primal,
        best_bound=bound,
        gap=gap,
        is_mip=is_mip,
        candidates=len(candidates),
        candidates_dropped=len(candidates) - len(usable),
        chosen=chosen_exchanges,
        closure_before=before,
        closure_after=after,
        totals=totals,
        seconds=time.perf_counter() - started,
        settings={
            "max_distance_km": max_distance_km,
            "min_size": min_size,
            "time_limit_s": time_limit_s,
        },
    )


def _unit_value(
    c: CandidateExchange, objective: str, baseline: Mapping[str, CycleBaseline] | None
) -> float:
    if objective == "co2":
        return c.co2_per_unit
    if baseline is None:
        return 1.0
    value = 0.0
    cycle = baseline[CYCLE_OF_KIND[c.kind]]
    if cycle.denominator > 0:
        value += 100.0 / cycle.denominator
    elif c.receiver_flow is None:
        # A cycle with no inflow yet: any new inflow closes it entirely (100 %), whatever its size.
        value += 100.0 / max(c.upper_bound(), 1.0)
    waste = baseline["waste"]
    if c.waste and waste.denominator > 0:
        value += 100.0 / waste.denominator
    return value


def _status(result: Any) -> str:
    from ortools.math_opt.python import mathopt

    reason = result.termination.reason
    if reason == mathopt.TerminationReason.OPTIMAL:
        return "OPTIMAL"
    if reason == mathopt.TerminationReason.INFEASIBLE:
        return "INFEASIBLE"
    if result.has_primal_feasible_solution():
        return "FEASIBLE"
    return "NO_SOLUTION"


def _closure_report(
    chosen: Sequence[ChosenExchange], baseline: Mapping[str, CycleBaseline] | None
) -> tuple[dict[str, float | None], dict[str, float | None], dict[str, float]]:
    added: dict[str, float] = defaultdict(float)
    added_inflow: dict[str, float] = defaultdict(float)
    totals: dict[str, float] = defaultdict(float)
    for item in chosen:
        c = item.candidate
        cycle = CYCLE_OF_KIND[c.kind]
        added[cycle] += item.quantity
        if c.receiver_flow is None:
            added_inflow[cycle] += item.quantity  # a new inflow: it enters the denominator too
        if c.waste:
            added["waste"] += item.quantity
        totals[f"{c.kind}_{UNITS[c.kind].split('/')[0]}_per_yr"] += item.quantity
        totals["co2_avoided_t_per_yr"] += item.quantity * c.co2_per_unit
    totals.setdefault("co2_avoided_t_per_yr", 0.0)
    totals["exchanges"] = float(len(chosen))
    if baseline is None:
        return {}, {}, dict(totals)
    before = {cycle: baseline[cycle].pct() for cycle in CYCLE_KEYS}
    after = {cycle: baseline[cycle].pct(added[cycle], added_inflow[cycle]) for cycle in CYCLE_KEYS}
    return before, after, dict(totals)


def optimise_district_network(
    district: DistrictFile,
    matches: Iterable[Match],
    *,
    objective: str = "closure",
    max_distance_km: float | None = None,
    min_size: float | None = None,
    time_limit_s: float | None = None,
) -> NetworkSolution:
    """`optimise_network` on a district's matches, with its closure ratios before and after."""
    return optimise_network(
        candidates_from_matches(district, matches),
        objective=objective,
        max_distance_km=max_distance_km,
        min_size=min_size,
        baseline=closure_baseline(district),
        time_limit_s=time_limit_s,
    )
