"""Settlement scenarios: a call, its lots and a district in; a plain, comparable document out.

A scenario document holds its inputs' identity (call, lots file, method, settings), who settles on
which lot, the solver's verdict, and the district's indicators as they would be with the settled
applicants on their lots and the others gone (closure ratios included), plus the closure the
optimal exchange network could reach in that district. Documents can be saved as JSON and
compared later with `compare_scenarios`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from ecodistrict.domain.models import DistrictFile, GeoPoint
from ecodistrict.indicators import compute_indicators
from ecodistrict.indicators.calculators import canonical_quantity
from ecodistrict.matching import Match, match_district
from ecodistrict.optimize.lots import DEFAULT_TRANSPORT_KG_PER_TKM, LotsFile
from ecodistrict.optimize.network import CYCLE_KEYS, optimise_district_network
from ecodistrict.optimize.settlement import (
    Link,
    Position,
    PresentFirm,
    SettlementApplicant,
    SettlementProblem,
    SettlementSolution,
    settle,
)
from ecodistrict.selection.assess import CallAssessment
from ecodistrict.selection.call import CallFile

SCENARIO_FORMAT = "ecodistrict/scenario/1"


def _flow_key(match: Match, applicant: str) -> tuple[str, ...]:
    if match.supplier == applicant:
        return ("out", match.supplier_flow)
    if match.receiver_flow is not None:
        return ("in", match.receiver_flow)
    return ("inferred", match.supplier, match.supplier_flow)


def applicant_links(
    district: DistrictFile, applicants: Sequence[str], matches: Sequence[Match]
) -> list[Link]:
    """What each applicant's exchanges are worth with each partner, flow by flow.

    An applicant's flow (its output, or its declared input) is allotted to its matched partners
    greedily, best CO2 per unit first, never beyond the flow's quantity (an inferred input: the
    match's quantity). The CO2 counted is the match's estimate with its transport added back
    (transport is then charged from the lot). Applicant-to-applicant links are taken once, from
    the supplier's side.
    """
    applying = set(applicants)
    flows = {(c.id, f.id): f for c in district.companies for f in c.flows}
    grouped: dict[tuple[str, tuple[str, ...]], list[Match]] = defaultdict(list)
    for match in matches:
        if match.quantity_value is None or match.quantity_value <= 0:
            continue
        for me, partner in ((match.supplier, match.receiver), (match.receiver, match.supplier)):
            if me not in applying:
                continue
            if partner in applying and me != match.supplier:
                continue  # counted once, from the supplier applicant's side
            grouped[(me, _flow_key(match, me))].append(match)
    co2: dict[tuple[str, str], float] = defaultdict(float)
    tonnes: dict[tuple[str, str], float] = defaultdict(float)
    for (me, key), found in grouped.items():
        if key[0] == "inferred":
            remaining = max(m.quantity_value or 0.0 for m in found)
        else:
            own = flows[(me, key[1])]
            remaining = canonical_quantity(own) or 0.0

        def gross_per_unit(m: Match) -> float:
            quantity = m.quantity_value or 0.0
            value = (m.impact.co2_avoided_t_per_yr or 0.0) * 1000.0
            if m.kind == "material" and m.distance_km:
                value += DEFAULT_TRANSPORT_KG_PER_TKM * quantity * m.distance_km
            return value / 1000.0 / quantity

        for m in sorted(found, key=lambda m: (-gross_per_unit(m), m.supplier, m.receiver)):
            if remaining <= 0:
                break
            allotted = min(remaining, m.quantity_value or 0.0)
            remaining -= allotted
            partner = m.receiver if m.supplier == me else m.supplier
            co2[(me, partner)] += allotted * gross_per_unit(m)
            if m.kind == "material":
                tonnes[(me, partner)] += allotted
    return [
        Link(me, partner, co2[(me, partner)], tonnes[(me, partner)])
        for (me, partner) in sorted(co2)
    ]


def settlement_problem(
    district: DistrictFile, assessment: CallAssessment, lots: LotsFile
) -> SettlementProblem:
    """The settlement problem of a call: eligible applicants with their scores, the lots, links."""
    call = assessment.call
    companies = {c.id: c for c in district.companies}
    applying = set(call.applicant_ids())
    applicants = tuple(
        SettlementApplicant(
            id=a.company,
            ateco=companies[a.company].ateco,
            space_m2=a.space_m2,
            score=assessment.unit_score(a.company) if a.company in assessment.ranking.scores else 0,
            eligible=a.company in assessment.eligibility.eligible,
            failed=tuple(c.requirement for c in assessment.eligibility.failed(a.company)),
        )
        for a in call.applicants
    )
    present = tuple(
        PresentFirm(c.id, c.ateco, Position(c.location.lat, c.location.lon))
        for c in district.companies
        if c.id not in applying
    )
    links = applicant_links(district, call.applicant_ids(), assessment.matches.matches)
    return SettlementProblem(
        applicants=applicants,
        lots=tuple(lots.lots),
        present=present,
        links=tuple(links),
        incompatibilities=tuple(lots.incompatibilities),
        fixed=tuple(lots.fixed),
        factors=lots.objective,
    )


def scenario_district(
    district: DistrictFile, call: CallFile, lots: LotsFile, assignment: Mapping[str, str]
) -> DistrictFile:
    """The district with the settled applicants on their lots and the other applicants gone."""
    gone = set(call.applicant_ids()) - set(assignment)
    where = {lot.id: lot.location for lot in lots.lots}
    companies = []
    for company in district.companies:
        if company.id in gone:
            continue
        flows = [
            f.model_copy(update={"supplied_by": None})
            if f.supplied_by is not None and f.supplied_by.company in gone
            else f
            for f in company.flows
        ]
        update: dict[str, Any] = {"flows": flows}
        if company.id in assignment:
            location = where[assignment[company.id]]
            update["location"] = GeoPoint(lat=location.lat, lon=location.lon)
        companies.append(company.model_copy(update=update))
    return district.model_copy(update={"companies": companies})


def settle_call(
    district: DistrictFile,
    assessment: CallAssessment,
    lots: LotsFile,
    *,
    time_limit_s: float = 30.0,
    workers: int = 2,
    name: str = "scenario",
    with_network: bool = True,
) -> dict[str, Any]:
    """Solve the settlement of a call and return the scenario document."""
    problem = settlement_problem(district, assessment, lots)
    solution = settle(problem, time_limit_s=time_limit_s, workers=workers)
    return scenario_document(
        district, assessment, lots, solution, name=name, with_network=with_network
    )


def scenario_document(
    district: DistrictFile,
    assessment: CallAssessment,
    lots: LotsFile,
    solution: SettlementSolution,
    *,
    name: str,
    with_network: bool,
) -> dict[str, Any]:
    chosen = scenario_district(district, assessment.call, lots, solution.assignment())
    indicators = compute_indicators(chosen, assessment.indicator_set)
    document: dict[str, Any] = {
        "format": SCENARIO_FORMAT,
        "name": name,
        "call": assessment.call.call.id,
        "lots_area": lots.area.name_en,
        "method": assessment.ranking.method,
        "settlement": solution.to_document(),
        "settled": solution.assignment(),
        "district_indicators": {k: v.value for k, v in indicators.district.items()},
    }
    if with_network:
        matches = match_district(chosen, top_k=assessment.call.matching_top_k)
        network = optimise_district_network(chosen, matches.matches)
        document["closure_potential_pct"] = network.closure_after
    return document


def scenario_problems(document: Any) -> list[str]:
    """What makes a saved document unusable as a scenario (empty when it is fine)."""
    if not isinstance(document, dict):
        return ["not a scenario document (a JSON object is expected)"]
    if document.get("format") != SCENARIO_FORMAT:
        return [f"field 'format': expected '{SCENARIO_FORMAT}', found {document.get('format')!r}"]
    problems: list[str] = []
    expected: tuple[tuple[str, type], ...] = (
        ("name", str),
        ("settled", dict),
        ("settlement", dict),
        ("district_indicators", dict),
    )
    for key, kind in expected:
        if not isinstance(document.get(key), kind):
            problems.append(f"field '{key}': missing or not a {kind.__name__}")
    settlement = document.get("settlement")
    if isinstance(settlement, dict):
        for key in ("objective_points", "status"):
            if key not in settlement:
                problems.append(f"field 'settlement.{key}': missing")
    return problems


def compare_scenarios(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """Two scenario documents side by side: who is in, district indicators, closure ratios."""
    in_a, in_b = dict(a["settled"]), dict(b["settled"])
    firms = sorted(set(in_a) | set(in_b))
    keys = list(dict.fromkeys([*a["district_indicators"], *b["district_indicators"]]))
    closure_keys = list(CYCLE_KEYS)

    def delta(x: float | None, y: float | None) -> float | None:
        return None if x is None or y is None else round(y - x, 9)

    potential_a = a.get("closure_potential_pct") or {}
    potential_b = b.get("closure_potential_pct") or {}
    return {
        "format": "ecodistrict/scenario-comparison/1",
        "scenarios": [a["name"], b["name"]],
        "objective_points": [
            a["settlement"]["objective_points"],
            b["settlement"]["objective_points"],
        ],
        "status": [a["settlement"]["status"], b["settlement"]["status"]],
        "who": [
            {
                "applicant": cid,
                "a": in_a.get(cid),
                "b": in_b.get(cid),
                "same": in_a.get(cid) == in_b.get(cid),
            }
            for cid in firms
        ],
        "only_in_a": sorted(set(in_a) - set(in_b)),
        "only_in_b": sorted(set(in_b) - set(in_a)),
        "district_indicators": [
            {
                "indicator": key,
                "a": a["district_indicators"].get(key),
                "b": b["district_indicators"].get(key),
                "difference": delta(
                    a["district_indicators"].get(key), b["district_indicators"].get(key)
                ),
            }
            for key in keys
        ],
        "closure_potential_pct": [
            {
                "cycle": cycle,
                "a": potential_a.get(cycle),
                "b": potential_b.get(cycle),
                "difference": delta(potential_a.get(cycle), potential_b.get(cycle)),
            }
            for cycle in closure_keys
        ],
    }
