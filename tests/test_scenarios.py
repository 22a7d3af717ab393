"""Scenarios (what-if flow changes) and the progress rule of commitments, worked by hand.

The district below: Fornace (a tile maker) takes 900 t of virgin clay and 100 t of recycled
chamotte (circular inflow 100 / 1000 = 10 %), sends 60 t of fired scrap to landfill and sells
800 t of tiles; Mulino (a grinder, 5 km away) sends 40 t of fired scrap to landfill.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ecodistrict.scenarios import (
    ScenarioError,
    apply_changes,
    changed_companies,
    commitment_progress,
    compare_scenario,
    validate_changes,
)


def _district() -> dict[str, Any]:
    return {
        "format": "ecodistrict/1",
        "district": {"name": "Scenario test", "center": {"lat": 44.57, "lon": 10.85}},
        "companies": [
            {
                "id": "fornace",
                "name": "Fornace",
                "ateco": "23.31",
                "location": {"lat": 44.58, "lon": 10.82},
                "flows": [
                    {
                        "id": "clay",
                        "direction": "in",
                        "kind": "material",
                        "description": "Argilla",
                        "quantity": 900,
                        "unit": "t/yr",
                        "origin": "virgin",
                        "source_distance_km": 400,
                    },
                    {
                        "id": "chamotte",
                        "direction": "in",
                        "kind": "material",
                        "description": "Chamotte",
                        "quantity": 100,
                        "unit": "t/yr",
                        "origin": "recycled",
                    },
                    {
                        "id": "tiles",
                        "direction": "out",
                        "kind": "material",
                        "description": "Piastrelle",
                        "quantity": 800,
                        "unit": "t/yr",
                        "legal_status": "product",
                        "destination": "unknown",
                    },
                    {
                        "id": "scrap",
                        "direction": "out",
                        "kind": "material",
                        "description": "Scarti di piastrelle cotte",
                        "ewc": "10 12 08",
                        "legal_status": "waste",
                        "destination": "landfill",
                        "quantity": 60,
                        "unit": "t/yr",
                    },
                ],
            },
            {
                "id": "mulino",
                "name": "Mulino",
                "ateco": "23.99",
                "location": {"lat": 44.62, "lon": 10.82},
                "flows": [
                    {
                        "id": "scrap",
                        "direction": "out",
                        "kind": "material",
                        "description": "Scarti cotti",
                        "ewc": "10 12 08",
                        "legal_status": "waste",
                        "destination": "landfill",
                        "quantity": 40,
                        "unit": "t/yr",
                    }
                ],
            },
        ],
    }


SECONDARY_SUPPLIER = [
    # 100 t of the virgin clay replaced by a secondary raw material from 12 km away.
    {"action": "modify", "company": "fornace", "flow": "clay", "fields": {"quantity": 800}},
    {
        "action": "add",
        "company": "fornace",
        "flow": "secondary-clay",
        "fields": {
            "direction": "in",
            "kind": "material",
            "description": "Materia prima seconda da scarti ceramici",
            "quantity": 100,
            "unit": "t/yr",
            "origin": "by-product",
            "source_distance_km": 12,
        },
    },
]


def test_apply_changes_does_not_mutate_the_declared_data() -> None:
    data = _district()
    kept = copy.deepcopy(data)
    changed = apply_changes(data, SECONDARY_SUPPLIER)
    assert data == kept
    flows = {flow["id"]: flow for flow in changed["companies"][0]["flows"]}
    assert flows["clay"]["quantity"] == 800
    assert flows["secondary-clay"]["origin"] == "by-product"
    assert [f["id"] for f in changed["companies"][0]["flows"]] == [
        "clay",
        "chamotte",
        "tiles",
        "scrap",
        "secondary-clay",
    ]


def test_modify_with_null_removes_a_field_and_remove_drops_the_flow() -> None:
    changed = apply_changes(
        _district(),
        [
            {
                "action": "modify",
                "company": "fornace",
                "flow": "clay",
                "fields": {"source_distance_km": None},
            },
            {"action": "remove", "company": "mulino", "flow": "scrap"},
        ],
    )
    assert "source_distance_km" not in changed["companies"][0]["flows"][0]
    assert changed["companies"][1]["flows"] == []


def test_removing_an_output_detaches_the_inputs_it_fed() -> None:
    data = _district()
    data["companies"][1]["flows"].append(
        {
            "id": "fired-scrap-in",
            "direction": "in",
            "kind": "material",
            "description": "Scarti cotti da macinare",
            "quantity": 60,
            "unit": "t/yr",
            "origin": "recycled",
            "supplied_by": {"company": "fornace", "flow": "scrap"},
        }
    )
    changed = apply_changes(data, [{"action": "remove", "company": "fornace", "flow": "scrap"}])
    fed = changed["companies"][1]["flows"][1]
    assert fed["id"] == "fired-scrap-in"
    assert "supplied_by" not in fed
    assert fed["quantity"] == 60
    assert data["companies"][1]["flows"][1]["supplied_by"] == {
        "company": "fornace",
        "flow": "scrap",
    }


def test_change_problems_name_the_change_company_flow_and_field() -> None:
    problems = validate_changes(
        _district(),
        [
            {"action": "rename", "company": "fornace", "flow": "clay"},
            {"action": "modify", "company": "nobody", "flow": "clay", "fields": {}},
            {"action": "modify", "company": "fornace", "flow": "ghost", "fields": {}},
            {"action": "add", "company": "fornace", "flow": "clay", "fields": {}},
        ],
    )
    assert [(p.company, p.flow, p.field) for p in problems] == [
        ("fornace", "clay", "action"),
        ("nobody", "clay", "company"),
        ("fornace", "ghost", "flow"),
        ("fornace", "clay", "flow"),
    ]
    assert problems[0].message == (
        "change 1: action must be one of add, modify, remove (got 'rename')"
    )


def test_district_file_rules_name_the_flow_and_field() -> None:
    with pytest.raises(ScenarioError) as caught:
        apply_changes(
            _district(),
            [
                {
                    "action": "modify",
                    "company": "fornace",
                    "flow": "clay",
                    "fields": {"quantity": -5, "unit": "MWh/yr"},
                },
            ],
        )
    located = {(p.company, p.flow, p.field) for p in caught.value.problems}
    assert ("fornace", "clay", "quantity") in located
    assert ("fornace", "clay", "unit") in located


def test_changed_companies_in_first_seen_order() -> None:
    changes = [*SECONDARY_SUPPLIER, {"action": "remove", "company": "mulino", "flow": "scrap"}]
    assert changed_companies(changes) == ["fornace", "mulino"]


def test_secondary_supplier_raises_circular_inflow_by_ten_points() -> None:
    comparison = compare_scenario(_district(), SECONDARY_SUPPLIER, with_matches=False)
    inflow = comparison.delta("circular_inflow_pct", "fornace")
    # before (100 recycled) / 1000 = 10 %; after (100 + 100) / (800 + 100 + 100) = 20 %.
    assert inflow.before == pytest.approx(10.0)
    assert inflow.after == pytest.approx(20.0)
    assert inflow.difference == pytest.approx(10.0)
    local = comparison.delta("local_inflow_pct", "fornace")
    # distances known: 900 t at 400 km (none local) -> 0 %; after 800 t at 400 km + 100 t at
    # 12 km -> 100 / 900 = 11.11 %.
    assert local.before == pytest.approx(0.0)
    assert local.after == pytest.approx(100 / 900 * 100)
    assert comparison.companies == ("fornace",)
    assert comparison.matches_before is None


def test_removing_landfill_waste_changes_the_district_and_the_matches() -> None:
    data = _district()
    comparison = compare_scenario(
        data, [{"action": "remove", "company": "mulino", "flow": "scrap"}]
    )
    landfill = comparison.delta("landfill_outflow_pct", "mulino")
    assert landfill.before == pytest.approx(100.0)
    assert landfill.after is None  # no material outflow left: the data cannot give it
    assert landfill.difference is None
    before, after = comparison.matches_before, comparison.matches_after
    assert before is not None and after is not None
    # Before: Fornace's 60 t of scrap go (inferred) to Mulino, a grinder, and Mulino's 40 t to
    # Fornace's declared chamotte input; each is its output's best match, so 100 t leave landfill.
    assert (before.count, before.best_count) == (2, 2)
    assert before.landfill_avoided_t_per_yr == pytest.approx(100.0)
    # After: Mulino's output is gone, Fornace's scrap still goes to Mulino.
    assert (after.count, after.best_count) == (1, 1)
    assert after.landfill_avoided_t_per_yr == pytest.approx(60.0)
    assert comparison.lost_matches == 1
    assert comparison.new_matches == ()
    document = comparison.to_document()
    assert document["format"] == "ecodistrict/scenario-result/1"
    assert document["matches"]["difference"]["count"] == -1
    assert document["matches"]["difference"]["landfill_avoided_t_per_yr"] == -40.0
    assert data == _district()


def test_a_new_output_opens_a_new_match_with_its_impact() -> None:
    base = apply_changes(_district(), [{"action": "remove", "company": "mulino", "flow": "scrap"}])
    restored = _district()["companies"][1]["flows"][0]
    fields = {key: value for key, value in restored.items() if key != "id"}
    comparison = compare_scenario(
        base,
        [{"action": "add", "company": "mulino", "flow": "scrap", "fields": fields}],
        companies=["mulino"],
    )
    assert [(m.supplier, m.receiver, m.receiver_flow) for m in comparison.new_matches] == [
        ("mulino", "fornace", "chamotte")
    ]
    assert comparison.new_matches[0].impact.landfill_avoided_t_per_yr == pytest.approx(40.0)
    assert comparison.to_document()["matches"]["difference"]["landfill_avoided_t_per_yr"] == 40.0


def test_invalid_base_data_is_refused() -> None:
    data = _district()
    data["companies"][0]["flows"][0]["unit"] = "parsecs"
    with pytest.raises(ScenarioError) as caught:
        compare_scenario(data, [])
    assert caught.value.problems[0].field == "unit"
    assert caught.value.problems[0].flow == "clay"


# --- commitment progress, worked by hand --------------------------------------------------------


def test_on_track_half_way_in_time_and_in_progress() -> None:
    # baseline 20 % in 2025, target 40 % by 2029, 30 % in 2027:
    # progress (30 − 20) / (40 − 20) = 0.5; elapsed (2027 − 2025) / (2029 − 2025) = 0.5.
    result = commitment_progress((2025, 20.0), 40.0, 2029, {2027: 30.0}, "higher")
    assert result.status == "on_track"
    assert result.progress_share == 0.5
    assert result.elapsed_share == 0.5
    assert (result.latest_year, result.latest_value) == (2027, 30.0)


def test_late_when_progress_lags_the_time() -> None:
    # 25 % in 2027: progress 5 / 20 = 0.25 < elapsed 0.5.
    result = commitment_progress((2025, 20.0), 40.0, 2029, {2026: 22.0, 2027: 25.0}, "higher")
    assert result.status == "late"
    assert result.progress_share == 0.25
    assert result.elapsed_share == 0.5


def test_met_when_the_target_is_reached_in_the_direction() -> None:
    # lower is better: landfill 30 % in 2025, target 10 % by 2028, 8 % in 2026 -> met.
    result = commitment_progress((2025, 30.0), 10.0, 2028, {2026: 8.0}, "lower")
    assert result.status == "met"
    assert result.progress_share == pytest.approx(1.1)  # (8 − 30) / (10 − 30)
    assert result.elapsed_share == pytest.approx(1 / 3)


def test_lower_is_better_on_track() -> None:
    # 30 % -> 10 % by 2029; 20 % in 2026: progress −10 / −20 = 0.5 ≥ elapsed 1/4.
    result = commitment_progress((2025, 30.0), 10.0, 2029, {2026: 20.0}, "lower")
    assert result.status == "on_track"
    assert result.progress_share == 0.5
    assert result.elapsed_share == 0.25


def test_past_deadline_not_met_is_late_even_with_old_good_progress() -> None:
    # 39 % in 2026 is progress 0.95 ≥ elapsed 0.25, but it is 2030 and the 2029 deadline passed.
    result = commitment_progress((2025, 20.0), 40.0, 2029, {2026: 39.0}, "higher", as_of_year=2030)
    assert result.status == "late"
    assert commitment_progress((2025, 20.0), 40.0, 2029, {2026: 39.0}, "higher").status == (
        "on_track"
    )


def test_no_new_data_is_on_track_at_the_start() -> None:
    # Only the baseline: progress 0, elapsed 0 -> on track; values before the baseline ignored.
    result = commitment_progress((2025, 20.0), 40.0, 2029, {2024: 90.0}, "higher")
    assert result.status == "on_track"
    assert (result.progress_share, result.elapsed_share) == (0.0, 0.0)
    assert result.latest_value == 20.0


@pytest.mark.parametrize(
    ("baseline", "target", "deadline", "direction", "message"),
    [
        ((2025, 20.0), 40.0, 2025, "higher", "the deadline 2025 must come after"),
        ((2025, 20.0), 10.0, 2029, "higher", "the target 10 must be above the baseline 20"),
        ((2025, 20.0), 30.0, 2029, "lower", "the target 30 must be below the baseline 20"),
        ((2025, 20.0), 30.0, 2029, "neutral", "a commitment needs an indicator with a direction"),
    ],
)
def test_impossible_commitments_are_refused(
    baseline: tuple[int, float], target: float, deadline: int, direction: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        commitment_progress(baseline, target, deadline, {}, direction)
