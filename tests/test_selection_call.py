"""Call files and conditionalities: strict format, pass/fail with the value, clear refusals."""

from __future__ import annotations

import pytest
from selection_helpers import call_data, hand_matches, selection_district

from ecodistrict.selection import (
    SelectionError,
    assess_call,
    check_requirement,
    load_call_file,
    parse_call,
)
from ecodistrict.selection.call import Requirement
from ecodistrict.selection.eligibility import Value, symbiosis_potential


def test_demo_call_file_loads_with_eight_applicants():
    call = load_call_file("src/ecodistrict/data/demo/formigine-call.yaml")
    assert call.call.id == "formigine-sed-2026"
    assert len(call.applicants) == 8
    assert sum(c.weight for c in call.criteria) == pytest.approx(1.0, abs=1e-12)


def test_unknown_field_is_refused_naming_it():
    data = call_data()
    data["requirements"][1]["treshold"] = 1
    with pytest.raises(SelectionError) as caught:
        parse_call(data)
    assert caught.value.problems == [
        "field 'requirements[1].treshold': Extra inputs are not permitted"
    ]


def test_bad_operator_and_missing_space_name_their_fields():
    data = call_data()
    data["requirements"][0]["operator"] = ">"
    del data["applicants"][2]["space_m2"]
    with pytest.raises(SelectionError) as caught:
        parse_call(data)
    assert caught.value.problems == [
        "field 'applicants[2].space_m2': Field required",
        "field 'requirements[0].operator': Input should be '>=', '<=' or '=='",
    ]


def test_weights_not_summing_to_one_are_refused():
    data = call_data()
    data["criteria"][1]["weight"] = 0.5
    with pytest.raises(SelectionError) as caught:
        parse_call(data)
    assert caught.value.problems == [
        "field 'criteria[*].weight': the weights must sum to 1 (±1e-09); they sum to 1.1 "
        "(0.6 + 0.5)"
    ]


def test_duplicate_applicant_is_refused():
    data = call_data()
    data["applicants"].append({"company": "app-food", "space_m2": 1})
    with pytest.raises(SelectionError) as caught:
        parse_call(data)
    assert caught.value.problems == ["field 'applicants[3].company': 'app-food' is listed twice"]


def test_unknown_company_and_unknown_indicator_are_explained():
    data = call_data()
    data["applicants"][0]["company"] = "nobody"
    data["criteria"][1]["indicator"] = "happiness_pct"
    with pytest.raises(SelectionError) as caught:
        assess_call(selection_district(), parse_call(data), matches=hand_matches())
    problems = caught.value.problems
    assert problems[0] == "field 'applicants[0].company': no company 'nobody' in the district file"
    assert problems[1].startswith(
        "field 'criteria[1].indicator': unknown indicator 'happiness_pct' (company indicators of "
        "formigine-2026 or assessment_validated, "
    )
    assert len(problems) == 2


def test_each_applicant_gets_pass_or_fail_with_the_value_behind_it():
    assessment = assess_call(selection_district(), parse_call(call_data()), matches=hand_matches())
    checks = {
        cid: [(c.requirement, c.value, c.passed, c.reason) for c in found]
        for cid, found in assessment.eligibility.checks.items()
    }
    assert checks["app-landfill"] == [("landfill", 100.0, False, None), ("link", 1.0, True, None)]
    assert checks["app-recycler"] == [("landfill", 0.0, True, None), ("link", 1.0, True, None)]
    assert checks["app-food"][1] == ("link", 0.0, False, None)
    assert checks["app-food"][0] == (
        "landfill",
        None,
        False,
        "dato mancante / missing value (no material outflows declared (internal ones do not "
        "count))",
    )
    assert assessment.eligibility.eligible == ("app-recycler",)
    assert assessment.eligibility.excluded == ("app-landfill", "app-food")


def test_symbiosis_potential_counts_both_directions_and_separates_applicants():
    potential = symbiosis_potential(
        ["app-landfill", "app-recycler", "app-food"], hand_matches().matches
    )
    landfill, recycler, food = (
        potential["app-landfill"],
        potential["app-recycler"],
        potential["app-food"],
    )
    assert (landfill.links_present, landfill.links_applicants) == (1, 0)
    assert (landfill.material_t, landfill.co2_avoided_t) == (100.0, 5.0)
    assert (recycler.links_present, recycler.links_applicants) == (1, 1)
    assert (recycler.material_t, recycler.co2_avoided_t) == (200.0, 10.0)
    assert (food.links_present, food.links_applicants, food.material_t) == (0, 1, 0.0)


def test_nobody_eligible_says_which_requirement_eliminated_whom():
    data = call_data()
    data["requirements"][1]["threshold"] = 5
    with pytest.raises(SelectionError) as caught:
        assess_call(selection_district(), parse_call(data), matches=hand_matches())
    assert caught.value.problems == [
        "no applicant meets every requirement of the call",
        "requirement 'landfill' eliminated: app-landfill (100), app-food (missing)",
        "requirement 'link' eliminated: app-landfill (1), app-recycler (1), app-food (0)",
    ]


@pytest.mark.parametrize(
    ("operator", "value", "passed"),
    [
        (">=", 10.0, True),
        (">=", 9.999, False),
        ("<=", 10.0, True),
        ("<=", 10.001, False),
        ("==", 10.0, True),
        ("==", 10.5, False),
    ],
)
def test_operators(operator, value, passed):
    requirement = Requirement(
        id="r", label_it="r", label_en="r", indicator="x", operator=operator, threshold=10.0
    )
    assert check_requirement(requirement, Value(value)).passed is passed


def test_missing_value_fails_with_the_documented_reason():
    requirement = Requirement(
        id="r", label_it="r", label_en="r", indicator="x", operator=">=", threshold=0.0
    )
    check = check_requirement(requirement, Value(None))
    assert (check.passed, check.reason) == (False, "dato mancante / missing value")


def test_assessment_validated_is_read_from_the_call_file():
    data = call_data()
    data["requirements"] = [
        {
            "id": "validated",
            "label_it": "Validato",
            "label_en": "Validated",
            "indicator": "assessment_validated",
            "operator": "==",
            "threshold": 1,
        }
    ]
    assessment = assess_call(selection_district(), parse_call(data), matches=hand_matches())
    values = {cid: checks[0].value for cid, checks in assessment.eligibility.checks.items()}
    assert values == {"app-landfill": 1.0, "app-recycler": 1.0, "app-food": None}
    assert assessment.eligibility.eligible == ("app-landfill", "app-recycler")
