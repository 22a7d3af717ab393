"""Settlement on lots: a small case enumerated by hand, a brute-force check on random cases,
contradictory fixed choices and lots too small explained, scenarios compared side by side."""

from __future__ import annotations

import copy
import itertools
import random

import pytest
from selection_helpers import call_data, hand_matches, selection_district

from ecodistrict.domain.models import GeoPoint
from ecodistrict.geo import great_circle_km
from ecodistrict.optimize.lots import (
    FixedChoice,
    Incompatibility,
    Lot,
    ObjectiveFactors,
    load_lots_file,
    parse_lots,
)
from ecodistrict.optimize.scenario import applicant_links, compare_scenarios, settle_call
from ecodistrict.optimize.settlement import (
    Link,
    Position,
    PresentFirm,
    SettlementApplicant,
    SettlementProblem,
    evaluate_assignment,
    lot_refusal,
    placement_points,
    settle,
)
from ecodistrict.selection import SelectionError, assess_call, parse_call

FOOD_WASTE = Incompatibility(
    id="food-waste",
    label_it="Alimentare non accanto ai rifiuti",
    label_en="Food not next to waste",
    classes_a=["10", "11"],
    classes_b=["38"],
    within_km=2.0,
)
NO_TRANSPORT = ObjectiveFactors(score_weight=100, co2_weight=1, transport_kg_co2_per_tkm=0)


def lot(lot_id: str, area: float, lat: float, lon: float, allowed=()) -> Lot:
    return Lot(
        id=lot_id, area_m2=area, location=GeoPoint(lat=lat, lon=lon), allowed_ateco=list(allowed)
    )


def hand_problem(**changes) -> SettlementProblem:
    """L1 1000 m2 and L2 500 m2, 0.8 km apart. A (800 m2, score 0.5) fits only L1; B (food,
    score 0.9) and C (waste, score 0.6, 30 t CO2 with a firm present, 5 t CO2 with A) fit both,
    but food and waste may not be within 2 km."""
    base = SettlementProblem(
        applicants=(
            SettlementApplicant("a", "25.11", 800, 0.5),
            SettlementApplicant("b", "10.51", 400, 0.9),
            SettlementApplicant("c", "38.21", 300, 0.6),
        ),
        lots=(lot("l1", 1000, 44.0, 10.0), lot("l2", 500, 44.0, 10.01)),
        present=(PresentFirm("p", "23.31", Position(44.1, 10.0)),),
        links=(Link("c", "p", 30.0, 0.0), Link("a", "c", 5.0, 0.0)),
        incompatibilities=(FOOD_WASTE,),
        factors=NO_TRANSPORT,
    )
    return SettlementProblem(**{**base.__dict__, **changes})


def test_small_settlement_enumerated_by_hand():
    # A alone 50, B 90, C 60 + 30 = 90; B and C cannot both settle. A + B = 140,
    # A + C = 50 + 90 + 5 (their exchange) = 145: the optimum.
    solution = settle(hand_problem(), time_limit_s=10)
    assert solution.status == "OPTIMAL"
    assert solution.assignment() == {"a": "l1", "c": "l2"}
    assert solution.objective == pytest.approx(145.0, abs=1e-9)
    assert solution.pair_points == pytest.approx(5.0, abs=1e-9)
    assert solution.gap == 0.0
    assert solution.not_settled == {"b": "the lots give more points to other applicants"}


def test_fixed_choices_change_the_optimum():
    forced_b = hand_problem(fixed=(FixedChoice(company="b", choice="in"),))
    solution = settle(forced_b, time_limit_s=10)
    assert solution.assignment() == {"a": "l1", "b": "l2"}
    assert solution.objective == pytest.approx(140.0, abs=1e-9)
    a_out = hand_problem(fixed=(FixedChoice(company="a", choice="out"),))
    solution = settle(a_out, time_limit_s=10)
    assert solution.objective == pytest.approx(90.0, abs=1e-9)
    assert solution.not_settled["a"] == "kept out by a fixed choice"
    on_l1 = hand_problem(fixed=(FixedChoice(company="c", choice="lot", lot="l1"),))
    solution = settle(on_l1, time_limit_s=10)
    assert solution.assignment() == {"c": "l1"}  # A fits only l1; B is incompatible with C
    assert solution.objective == pytest.approx(90.0, abs=1e-9)


def test_transport_from_the_lot_is_charged_per_tonne_km():
    factors = ObjectiveFactors(score_weight=100, co2_weight=1, transport_kg_co2_per_tkm=0.08)
    problem = hand_problem(links=(Link("c", "p", 30.0, 1000.0),), factors=factors)
    lots = {item.id: item for item in problem.lots}
    km = great_circle_km(lots["l2"].location, Position(44.1, 10.0))
    assert km == pytest.approx(11.1, abs=0.05)
    score, exchange = placement_points(problem, problem.applicants[2], lots["l2"])
    assert score == pytest.approx(60.0)
    assert exchange == pytest.approx(30.0 - 1000.0 * km * 0.08 / 1000.0)


def _feasible(problem: SettlementProblem, assignment: dict[str, str]) -> bool:
    applicants = {a.id: a for a in problem.applicants}
    lots = {item.id: item for item in problem.lots}
    if len(set(assignment.values())) != len(assignment):
        return False
    for cid, lot_id in assignment.items():
        if lot_refusal(applicants[cid], lots[lot_id], problem) is not None:
            return False
    for rule in problem.incompatibilities:
        for (c1, l1), (c2, l2) in itertools.permutations(assignment.items(), 2):
            a_class = any(applicants[c1].ateco.startswith(p) for p in rule.classes_a)
            b_class = any(applicants[c2].ateco.startswith(p) for p in rule.classes_b)
            near = great_circle_km(lots[l1].location, lots[l2].location) <= rule.within_km
            if a_class and b_class and near:
                return False
    return True


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_cp_sat_equals_brute_force_on_random_small_cases(seed):
    rng = random.Random(seed)
    classes = ["10.51", "38.21", "25.11", "23.31"]
    applicants = tuple(
        SettlementApplicant(
            f"a{i}", rng.choice(classes), rng.randint(2, 10) * 100, round(rng.random(), 3)
        )
        for i in range(5)
    )
    lots = tuple(
        lot(
            f"l{j}",
            rng.randint(3, 10) * 100,
            44.5 + rng.random() * 0.02,
            10.8 + rng.random() * 0.02,
        )
        for j in range(4)
    )
    present = (
        PresentFirm("p1", "23.31", Position(44.52, 10.82)),
        PresentFirm("p2", "10.13", Position(44.60, 10.90)),
    )
    links = []
    for a in applicants:
        for p in ("p1", "p2"):
            if rng.random() < 0.6:
                links.append(Link(a.id, p, round(rng.random() * 80, 2), rng.randint(0, 500)))
    for a, b in itertools.combinations(applicants, 2):
        if rng.random() < 0.3:
            links.append(Link(a.id, b.id, round(rng.random() * 40, 2), rng.randint(0, 100)))
    rule = Incompatibility(
        id="food-waste",
        label_it="x",
        label_en="x",
        classes_a=["10"],
        classes_b=["38"],
        within_km=1.0,
    )
    problem = SettlementProblem(
        applicants=applicants,
        lots=lots,
        present=present,
        links=tuple(links),
        incompatibilities=(rule,),
        factors=ObjectiveFactors(score_weight=100, co2_weight=1, transport_kg_co2_per_tkm=0.08),
    )
    best = 0.0
    choices = [None, *(item.id for item in lots)]
    for picks in itertools.product(choices, repeat=len(applicants)):
        assignment = {a.id: p for a, p in zip(applicants, picks, strict=True) if p is not None}
        if _feasible(problem, assignment):
            best = max(best, evaluate_assignment(problem, assignment))
    solution = settle(problem, time_limit_s=20)
    assert solution.status == "OPTIMAL"
    assert _feasible(problem, solution.assignment())
    # CP-SAT works on points × 1000 rounded: at most 0.0005 per term apart.
    assert solution.objective == pytest.approx(best, abs=0.01)


def _problems(problem: SettlementProblem) -> list[str]:
    with pytest.raises(SelectionError) as caught:
        settle(problem, time_limit_s=5)
    return caught.value.problems


def test_forced_in_and_out_is_contradictory():
    fixed = (FixedChoice(company="a", choice="in"), FixedChoice(company="a", choice="out"))
    assert _problems(hand_problem(fixed=fixed)) == [
        "field 'fixed[1]': 'a' is forced out and, by fixed[0], in"
    ]


def test_two_firms_forced_on_one_lot():
    fixed = (
        FixedChoice(company="b", choice="lot", lot="l2"),
        FixedChoice(company="c", choice="lot", lot="l2"),
    )
    assert _problems(hand_problem(fixed=fixed)) == [
        "field 'fixed[1]': lot 'l2' is given to 'c' and, by fixed[0], to 'b'"
    ]


def test_forced_on_a_lot_too_small_or_of_a_disallowed_class():
    fixed = (FixedChoice(company="a", choice="lot", lot="l2"),)
    assert _problems(hand_problem(fixed=fixed)) == [
        "field 'fixed[0]': 'a' cannot be forced there: lot 'l2' has 500 m2, 'a' needs 800"
    ]
    lots = (lot("l1", 1000, 44.0, 10.0, allowed=["25"]), lot("l2", 500, 44.0, 10.01))
    fixed = (FixedChoice(company="b", choice="lot", lot="l1"),)
    assert _problems(hand_problem(lots=lots, fixed=fixed)) == [
        "field 'fixed[0]': 'b' cannot be forced there: lot 'l1' allows ATECO 25, 'b' is 10.51"
    ]


def test_forced_firm_that_is_not_an_applicant_or_not_eligible():
    applicants = (
        SettlementApplicant("a", "25.11", 800, 0.5),
        SettlementApplicant("b", "10.51", 400, 0.0, eligible=False, failed=("landfill",)),
    )
    fixed = (FixedChoice(company="b", choice="in"), FixedChoice(company="zeta", choice="in"))
    assert _problems(hand_problem(applicants=applicants, fixed=fixed)) == [
        "field 'fixed[0]': 'b' is forced in but is not eligible (fails landfill)",
        "field 'fixed[1].company': 'zeta' is not an applicant of the call",
    ]


def test_forced_firms_that_cannot_all_fit_together():
    fixed = (FixedChoice(company="b", choice="in"), FixedChoice(company="c", choice="in"))
    assert _problems(hand_problem(fixed=fixed)) == [
        "the fixed choices cannot all be met together: the firms forced in do not fit the lots "
        "at the same time (areas, allowed classes, incompatibilities between neighbouring lots)"
    ]


def test_a_lot_set_too_small_for_anyone():
    lots = (lot("tiny", 100, 44.0, 10.0), lot("small", 250, 44.0, 10.01))
    assert _problems(hand_problem(lots=lots)) == [
        "no applicant fits any lot: the largest lot ('small') has 250 m2 and the smallest need "
        "is 300 m2 ('c'), or the lots' allowed classes and incompatibilities exclude every "
        "applicant"
    ]


def test_forced_in_firm_that_fits_no_lot():
    lots = (lot("l1", 1000, 44.0, 10.0), lot("l2", 500, 44.0, 10.01))
    fixed = (FixedChoice(company="a", choice="in"),)
    problem = hand_problem(lots=lots[1:], fixed=fixed)
    assert _problems(problem) == [
        "'a' is forced in but fits no lot: lot 'l2' has 500 m2, 'a' needs 800"
    ]


DEMO_LOTS = "src/ecodistrict/data/demo/formigine-lots.yaml"


def test_demo_lots_file_and_strict_lots_format():
    lots = load_lots_file(DEMO_LOTS)
    assert [item.id for item in lots.lots] == ["l01", "l02", "l03", "l04", "l05", "l06"]
    assert lots.objective.transport_kg_co2_per_tkm == 0.08
    data = {
        "format": "ecodistrict/lots/1",
        "area": {"name_it": "x", "name_en": "x"},
        "lots": [{"id": "l1", "area_m2": 10, "location": {"lat": 44, "lon": 10}, "colour": 1}],
        "fixed": [{"company": "a", "choice": "lot"}, {"company": "b", "choice": "lot", "lot": "z"}],
    }
    with pytest.raises(SelectionError) as caught:
        parse_lots(data)
    assert caught.value.problems == ["field 'lots[0].colour': Extra inputs are not permitted"]
    good = copy.deepcopy(data)
    del good["lots"][0]["colour"]
    with pytest.raises(SelectionError) as caught:
        parse_lots(good)
    assert caught.value.problems == [
        "field 'fixed[0].lot': choice 'lot' needs the lot's id",
        "field 'fixed[1].lot': no lot 'z'",
    ]


def test_compare_scenarios_side_by_side():
    def document(name, settled, closure, potential, points):
        return {
            "name": name,
            "settled": settled,
            "settlement": {"objective_points": points, "status": "OPTIMAL"},
            "district_indicators": {"closure_material_pct": closure, "network_links": 3.0},
            "closure_potential_pct": potential,
        }

    a = document("base", {"x": "l1", "y": "l2"}, 5.0, {"matter": 20.0}, 100.0)
    b = document("food-first", {"x": "l2", "z": "l1"}, 7.5, {"matter": 22.5}, 90.0)
    compared = compare_scenarios(a, b)
    assert compared["scenarios"] == ["base", "food-first"]
    assert compared["who"] == [
        {"applicant": "x", "a": "l1", "b": "l2", "same": False},
        {"applicant": "y", "a": "l2", "b": None, "same": False},
        {"applicant": "z", "a": None, "b": "l1", "same": False},
    ]
    assert (compared["only_in_a"], compared["only_in_b"]) == (["y"], ["z"])
    assert compared["district_indicators"][0] == {
        "indicator": "closure_material_pct",
        "a": 5.0,
        "b": 7.5,
        "difference": 2.5,
    }
    assert compared["closure_potential_pct"][0] == {
        "cycle": "matter",
        "a": 20.0,
        "b": 22.5,
        "difference": 2.5,
    }
    assert compared["objective_points"] == [100.0, 90.0]


def test_scenario_from_a_call_links_and_assignment_by_hand():
    district = selection_district()
    data = call_data()
    data["requirements"] = []
    assessment = assess_call(district, parse_call(data), matches=hand_matches())
    # Scores: co2 (0.6) 5, 10, 0 → 0.5, 1, 0; circularity (0.4) 0, 100, 0 → 0, 1, 0.
    assert assessment.ranking.scores == pytest.approx(
        {"app-recycler": 1.0, "app-landfill": 0.3, "app-food": 0.0}
    )
    # The matches' CO2 with their 1 km of transport added back (0.08 kg/tkm); the recycler's
    # 50 t of sludge give 10 t to the food applicant (counted once, from the supplier's side).
    links = applicant_links(district, assessment.call.applicant_ids(), hand_matches().matches)
    assert [(k.applicant, k.partner, round(k.co2_t, 6), k.tonnes) for k in links] == [
        ("app-landfill", "present-ceramics", 5.008, 100.0),
        ("app-recycler", "app-food", 1.0008, 10.0),
        ("app-recycler", "present-ceramics", 10.016, 200.0),
    ]
    lots = parse_lots(
        {
            "format": "ecodistrict/lots/1",
            "area": {"name_it": "Area", "name_en": "Area"},
            "lots": [
                {"id": "big", "area_m2": 3000, "location": {"lat": 44.57, "lon": 10.85}},
                {"id": "small", "area_m2": 600, "location": {"lat": 44.571, "lon": 10.85}},
            ],
        }
    )
    document = settle_call(district, assessment, lots, time_limit_s=10, with_network=False)
    # big: recycler 100 + 10.016 (0 km from the firm present) beats landfill 30 + 5.008 − ...;
    # small fits only the food applicant, whose pair with the recycler is worth
    # 1.0008 − 10 t × D × 0.08 / 1000.
    diameter = great_circle_km(GeoPoint(lat=44.57, lon=10.85), GeoPoint(lat=44.571, lon=10.85))
    assert document["settled"] == {"app-recycler": "big", "app-food": "small"}
    expected = 100.0 + 10.016 + 1.0008 - 10 * diameter * 0.08 / 1000
    assert document["settlement"]["objective_points"] == pytest.approx(expected, abs=1e-6)
    assert document["settlement"]["not_settled"] == {
        "app-landfill": "the lots give more points to other applicants"
    }
    assert document["district_indicators"]["network_nodes"] == 3.0
    assert "closure_potential_pct" not in document
