"""Network optimisation: a small network whose optimum is seen by hand, the MIP with minimum
sizes, closure ratios before and after, candidates from matches, and bad input."""

from __future__ import annotations

import pytest
from selection_helpers import match, selection_district

from ecodistrict.optimize.network import (
    CandidateExchange,
    CycleBaseline,
    candidates_from_matches,
    closure_baseline,
    optimise_network,
)
from ecodistrict.selection import SelectionError


def exchange(supplier, receiver, available, need, co2, km, **extra):
    return CandidateExchange(
        supplier=supplier,
        supplier_flow="out",
        receiver=receiver,
        receiver_flow="in",
        kind="material",
        available=available,
        need=need,
        distance_km=km,
        co2_per_unit=co2,
        **extra,
    )


# Two outputs (S1 100 t, S2 50 t), two inputs (R1 needs 80 t, R2 60 t).
HAND = [
    exchange("s1", "r1", 100, 80, 1.0, 5),
    exchange("s1", "r2", 100, 60, 0.5, 10),
    exchange("s2", "r1", 50, 80, 2.0, 20),
    exchange("s2", "r2", 50, 60, 0.1, 40),
]


def quantities(solution):
    return {(c.candidate.supplier, c.candidate.receiver): c.quantity for c in solution.chosen}


def test_co2_optimum_seen_by_hand():
    # S2 -> R1 is the best per tonne (2.0): all 50 t; R1's other 30 t from S1 (1.0); S1's
    # remaining 70 t -> R2 up to its need, 60 t (0.5): 100 + 30 + 30 = 160 t CO2e.
    solution = optimise_network(HAND, objective="co2")
    assert solution.status == "OPTIMAL"
    assert solution.objective == pytest.approx(160.0, abs=1e-6)
    assert solution.gap == pytest.approx(0.0, abs=1e-9)
    assert quantities(solution) == pytest.approx(
        {("s2", "r1"): 50.0, ("s1", "r1"): 30.0, ("s1", "r2"): 60.0}, abs=1e-6
    )
    assert solution.totals["co2_avoided_t_per_yr"] == pytest.approx(160.0, abs=1e-6)
    assert solution.is_mip is False


def test_quantity_objective_without_baseline_is_the_tonnes_exchanged():
    # 150 t available, 140 t needed: at most 140 t can move.
    solution = optimise_network(HAND, objective="closure")
    assert solution.objective == pytest.approx(140.0, abs=1e-6)
    assert solution.totals["material_t_per_yr"] == pytest.approx(140.0, abs=1e-6)


def test_maximum_distance_drops_farther_candidates():
    # Only S1's exchanges (5 and 10 km) remain: 80 t to R1 (80) + 20 t to R2 (10) = 90.
    solution = optimise_network(HAND, objective="co2", max_distance_km=15)
    assert solution.candidates_dropped == 2
    assert solution.objective == pytest.approx(90.0, abs=1e-6)
    assert quantities(solution) == pytest.approx({("s1", "r1"): 80.0, ("s1", "r2"): 20.0})


def test_minimum_size_makes_a_mip_and_changes_the_optimum():
    # With 40 t minimum, the LP optimum's 30 t S1 -> R1 is not allowed. Best: S2 -> R1 40 t (80),
    # S1 -> R1 40 t (40), S1 -> R2 60 t (30) = 150 (S2 -> R1 50 t leaves R1 30 t: only 130).
    solution = optimise_network(HAND, objective="co2", min_size=40)
    assert solution.is_mip is True
    assert solution.status == "OPTIMAL"
    assert solution.objective == pytest.approx(150.0, abs=1e-6)
    assert quantities(solution) == pytest.approx(
        {("s2", "r1"): 40.0, ("s1", "r1"): 40.0, ("s1", "r2"): 60.0}, abs=1e-6
    )
    assert solution.best_bound == pytest.approx(150.0, abs=1e-4)


def test_closure_ratios_before_and_after():
    # Matter: 10 of 200 t inflows closed before; a 50 t waste exchange into a declared input
    # gives (10 + 50) / 200 = 30 %; waste: 0 of 100 t before, 50 % after. An inferred exchange
    # (no declared input, 20 t) adds to both terms: (60 + 20) / (200 + 20).
    baseline = {
        "matter": CycleBaseline(10.0, 200.0),
        "energy": CycleBaseline(0.0, 0.0),
        "water": CycleBaseline(0.0, 50.0),
        "waste": CycleBaseline(0.0, 100.0),
    }
    declared = exchange("s1", "r1", 50, 80, 0.0, 1, waste=True)
    solution = optimise_network([declared], baseline=baseline)
    assert solution.closure_before == {"matter": 5.0, "energy": None, "water": 0.0, "waste": 0.0}
    assert solution.closure_after == pytest.approx(
        {"matter": 30.0, "energy": None, "water": 0.0, "waste": 50.0}
    )
    # objective: 50 t × (100 / 200 + 100 / 100) = 75 closure points
    assert solution.objective == pytest.approx(75.0, abs=1e-6)
    inferred = CandidateExchange("s2", "o", "r2", None, "material", 20, None, 1.0, cap=20)
    both = optimise_network([declared, inferred], baseline=baseline)
    assert both.closure_after["matter"] == pytest.approx(100.0 * 80 / 220)


def test_candidates_from_matches_read_available_and_need_from_the_file():
    district = selection_district()
    found = candidates_from_matches(
        district,
        [
            match("present-ceramics", "scrap", "app-recycler", None, 200, 10.0),
            match("app-recycler", "sludge", "app-food", "whey", 10, 1.0),
            match("app-recycler", "sludge", "app-food", "whey", 10, 1.0),  # duplicate: once
            match("app-landfill", "swarf", "present-ceramics", None, 100, 5.0, kind="energy"),
        ],
    )
    assert [(c.supplier, c.receiver, c.available, c.need, c.cap, c.waste) for c in found] == [
        ("present-ceramics", "app-recycler", 200.0, None, 200.0, True),
        ("app-recycler", "app-food", 50.0, 10.0, None, True),
        ("app-landfill", "present-ceramics", 100.0, None, 100.0, True),
    ]
    assert found[0].co2_per_unit == pytest.approx(0.05)
    baseline = closure_baseline(district)
    assert (baseline["matter"].numerator, baseline["matter"].denominator) == (0.0, 1010.0)
    assert (baseline["waste"].numerator, baseline["waste"].denominator) == (0.0, 350.0)


def test_a_material_product_sold_to_a_neighbour_is_no_candidate_exchange():
    from selection_helpers import DATA

    from ecodistrict.io.district_file import load_district_text

    text = (DATA / "selection-district.yaml").read_text(encoding="utf-8")
    waste = 'ewc: "101208", legal_status: waste, destination: landfill'
    assert waste in text
    district = load_district_text(text.replace(waste, "legal_status: product"), "d.yaml")
    found = candidates_from_matches(
        district,
        [
            match("present-ceramics", "scrap", "app-recycler", None, 200, 10.0),
            match("app-recycler", "sludge", "app-food", "whey", 10, 1.0),
        ],
    )
    # Only the waste closes a cycle of matter; the tiles sold as a product do not.
    assert [(c.supplier, c.receiver) for c in found] == [("app-recycler", "app-food")]


def test_bad_candidates_are_explained():
    bad = [
        exchange("s1", "r1", 100, -5, 1.0, 5),
        exchange("s1", "r2", 90, 60, 0.5, 10),
    ]
    with pytest.raises(SelectionError) as caught:
        optimise_network(bad)
    assert caught.value.problems == [
        "candidate 1 (s1/out -> r1), field 'need': negative (-5)",
        "candidate 2 (s1/out -> r2), field 'available': 90 differs from 100 given for the same "
        "output",
    ]


def test_bad_settings_are_explained():
    with pytest.raises(SelectionError) as caught:
        optimise_network(HAND, objective="money")
    assert caught.value.problems == ["unknown objective 'money' (closure or co2)"]
    with pytest.raises(SelectionError) as caught:
        optimise_network(HAND, min_size=-1)
    assert caught.value.problems == ["minimum size must be >= 0, not -1"]


def test_no_candidates_gives_an_empty_optimal_network():
    solution = optimise_network([], objective="co2")
    assert (solution.status, solution.objective, solution.chosen) == ("OPTIMAL", 0.0, ())


def test_district_network_end_to_end_with_closure_by_hand():
    # Material inflows 1,010 t (clays 1,000 + whey 10), waste outflows 350 t (200 + 100 + 50).
    # Scrap -> recycler (inferred, 200 t, a new inflow) and sludge -> food (declared whey, 10 t):
    # both wastes, both taken whole. Matter after: 210 / (1,010 + 200); waste: 210 / 350.
    from ecodistrict.optimize.network import optimise_district_network

    solution = optimise_district_network(
        selection_district(),
        [
            match("present-ceramics", "scrap", "app-recycler", None, 200, 10.0),
            match("app-recycler", "sludge", "app-food", "whey", 10, 1.0),
        ],
    )
    assert solution.status == "OPTIMAL"
    assert quantities(solution) == pytest.approx(
        {("present-ceramics", "app-recycler"): 200.0, ("app-recycler", "app-food"): 10.0}
    )
    assert solution.closure_before == {"matter": 0.0, "energy": None, "water": None, "waste": 0.0}
    assert solution.closure_after["matter"] == pytest.approx(100 * 210 / 1210)
    assert solution.closure_after["waste"] == pytest.approx(60.0)
    assert solution.objective == pytest.approx(210 * (100 / 1010 + 100 / 350))
    assert solution.totals["co2_avoided_t_per_yr"] == pytest.approx(11.0)
    document = solution.to_document()
    assert document["format"] == "ecodistrict/network/1"
    assert document["solver"] == "OR-Tools MathOpt / HiGHS LP"
