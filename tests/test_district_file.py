"""The district file: valid files round-trip, every class of bad input gets its located message."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecodistrict.domain import DistrictFile, Problem, validate_district_data
from ecodistrict.io import dump_district, load_district_text, validate_district_text


def problems_of(data: Any) -> list[Problem]:
    district, problems = validate_district_data(data)
    assert district is None, "expected the data to be refused"
    return problems


def where(problems: list[Problem]) -> list[tuple[str | None, str | None, str | None]]:
    return [(p.company, p.flow, p.field) for p in problems]


def flow(data: dict[str, Any], company: int, index: int) -> dict[str, Any]:
    return data["companies"][company]["flows"][index]


# --- valid input -------------------------------------------------------------------------------


def test_valid_file_loads_and_normalises_codes(small_text):
    district = load_district_text(small_text, "valid-small.yaml")
    assert isinstance(district, DistrictFile)
    assert [c.id for c in district.companies] == ["ceramica-alfa", "ceramica-beta"]
    scrap = district.company("ceramica-alfa").flows[0]
    assert scrap.ewc == "10 12 08"  # written "101208", stored in the spaced form
    assert scrap.quantity == 560
    beta_input = district.company("ceramica-beta").flows[0]
    assert beta_input.supplied_by is not None
    assert (beta_input.supplied_by.company, beta_input.supplied_by.flow) == (
        "ceramica-alfa",
        "fired-scrap",
    )
    assert district.district.radius_km == 30


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_round_trip_gives_an_equal_model(small_text, fmt):
    district = load_district_text(small_text, "valid-small.yaml")
    text = dump_district(district, fmt)
    again = load_district_text(text, f"again.{fmt}")
    assert again == district
    assert dump_district(again, fmt) == text


def test_json_and_yaml_inputs_are_equivalent(small_data):
    from_json = load_district_text(json.dumps(small_data), "x.json")
    from_yaml = load_district_text(dump_district(from_json, "yaml"), "x.yaml")
    assert from_json == from_yaml


def test_radius_defaults_to_30_km(small_data):
    del small_data["district"]["radius_km"]
    district, problems = validate_district_data(small_data)
    assert problems == []
    assert district is not None and district.district.radius_km == 30


def test_nace_rev2_class_is_accepted_and_stored_as_ateco_2025(small_data):
    small_data["companies"][0]["ateco"] = "23.31"
    district, problems = validate_district_data(small_data)
    assert problems == [] and district is not None
    assert district.companies[0].ateco == "23.31"


# --- syntax ------------------------------------------------------------------------------------


def test_malformed_yaml_names_line_and_column():
    report = validate_district_text("format: ecodistrict/1\ndistrict: [unclosed\n", "bad.yaml")
    assert not report.ok
    [problem] = report.problems
    assert problem.code == "syntax"
    assert problem.line == 3
    assert str(problem).startswith("line 3, column 1: not valid YAML")


def test_malformed_json_names_line_and_column():
    report = validate_district_text('{"format": "ecodistrict/1",\n "district": }', "bad.json")
    [problem] = report.problems
    assert (problem.line, problem.column, problem.code) == (2, 14, "syntax")
    assert "not valid JSON: Expecting value" in problem.message


def test_yaml_duplicate_key_is_refused():
    report = validate_district_text("format: ecodistrict/1\nformat: ecodistrict/2\n", "d.yaml")
    [problem] = report.problems
    assert problem.message == "not valid YAML: duplicate key 'format'"
    assert problem.line == 2


def test_yaml_alias_is_refused():
    text = "a: &x [1, 2]\nb: *x\n"
    [problem] = validate_district_text(text, "alias.yaml").problems
    assert "aliases (*name) are not allowed" in problem.message


def test_not_a_mapping():
    [problem] = problems_of(["a", "list"])
    assert problem.code == "not_a_mapping"
    assert "a district file is a mapping" in problem.message


def test_wrong_format_version(small_data):
    small_data["format"] = "ecodistrict/2"
    [problem] = problems_of(small_data)
    assert where([problem]) == [(None, None, "format")]
    assert problem.message == "must be one of 'ecodistrict/1' (got 'ecodistrict/2')"


# --- fields ------------------------------------------------------------------------------------


def test_unknown_field_is_an_error_naming_company_flow_and_field(small_data):
    flow(small_data, 0, 1)["quantitty"] = 5
    [problem] = problems_of(small_data)
    assert where([problem]) == [("ceramica-alfa", "clays", "quantitty")]
    assert str(problem) == (
        "company 'ceramica-alfa', flow 'clays', field 'quantitty': unknown field "
        "(not part of format ecodistrict/1); check its spelling"
    )


def test_unknown_top_level_and_company_fields(small_data):
    small_data["companys"] = []
    small_data["companies"][1]["employes"] = 3
    assert where(problems_of(small_data)) == [
        ("ceramica-beta", None, "employes"),
        (None, None, "companys"),
    ]


def test_missing_required_fields(small_data):
    del flow(small_data, 0, 0)["unit"]
    del small_data["companies"][1]["location"]
    problems = problems_of(small_data)
    assert ("ceramica-alfa", "fired-scrap", "unit") in where(problems)
    assert ("ceramica-beta", None, "location") in where(problems)
    assert {p.message for p in problems} == {"required field is missing"}


def test_wrong_types(small_data):
    flow(small_data, 0, 1)["quantity"] = "lots"
    small_data["companies"][0]["employees"] = 12.5
    problems = problems_of(small_data)
    assert sorted(str(p) for p in problems) == [
        "company 'ceramica-alfa', field 'employees': must be a whole number (got 12.5)",
        "company 'ceramica-alfa', flow 'clays', field 'quantity': must be a number (got 'lots')",
    ]


def test_enumerations_list_the_allowed_values(small_data):
    flow(small_data, 0, 0)["direction"] = "outbound"
    [problem] = problems_of(small_data)
    assert problem.message == "must be one of 'in' or 'out' (got 'outbound')"


def test_negative_quantity(small_data):
    flow(small_data, 0, 1)["quantity"] = -5
    [problem] = problems_of(small_data)
    assert str(problem) == (
        "company 'ceramica-alfa', flow 'clays', field 'quantity': must be >= 0 (got -5)"
    )


def test_absurd_quantity_names_the_unit(small_data):
    flow(small_data, 0, 1)["quantity"] = 56000
    flow(small_data, 0, 1)["unit"] = "Mt/yr"
    [problem] = problems_of(small_data)
    assert where([problem]) == [("ceramica-alfa", "clays", "quantity")]
    assert problem.code == "absurd_quantity"
    assert "56000 Mt/yr is 5.6e+10 t/yr, above the plausible limit of 1e+08 t/yr" in (
        problem.message
    )


def test_unit_of_the_wrong_dimension(small_data):
    flow(small_data, 0, 2)["unit"] = "t/yr"  # natural gas declared as an energy flow
    [problem] = problems_of(small_data)
    assert where([problem]) == [("ceramica-alfa", "gas", "unit")]
    assert problem.message.startswith("unit 't/yr' is the wrong dimension for an energy flow")


def test_unknown_unit(small_data):
    flow(small_data, 1, 1)["unit"] = "bushels of wheat"
    [problem] = problems_of(small_data)
    assert where([problem]) == [("ceramica-beta", "process-water", "unit")]
    assert problem.code == "unit"


@pytest.mark.parametrize(
    ("lat", "lon", "field", "message"),
    [
        (91, 10.8, "location.lat", "must be <= 90 (got 91)"),
        (44.5, -181, "location.lon", "must be >= -180 (got -181)"),
    ],
)
def test_location_off_the_globe(small_data, lat, lon, field, message):
    small_data["companies"][0]["location"] = {"lat": lat, "lon": lon}
    [problem] = problems_of(small_data)
    assert (problem.company, problem.field, problem.message) == ("ceramica-alfa", field, message)


def test_bad_identifier(small_data):
    small_data["companies"][0]["id"] = "Ceramica Alfa"
    problems = problems_of(small_data)
    assert ("Ceramica Alfa", None, "id") in where(problems)
    assert any("lower-case letters, digits" in p.message for p in problems)


# --- code lists --------------------------------------------------------------------------------


def test_unknown_ewc_code(small_data):
    flow(small_data, 0, 0)["ewc"] = "10 12 98"
    [problem] = problems_of(small_data)
    assert str(problem) == (
        "company 'ceramica-alfa', flow 'fired-scrap', field 'ewc': EWC code '10 12 98' is not in "
        "the European List of Waste"
    )


def test_ewc_heading_is_not_a_waste_code(small_data):
    flow(small_data, 0, 0)["ewc"] = "10 12"
    [problem] = problems_of(small_data)
    assert problem.message == "'10 12' is not a six-digit EWC code (e.g. '10 12 08')"


def test_ewc_as_bare_number(small_data):
    flow(small_data, 0, 0)["ewc"] = 101208  # JSON number: accepted, no leading zero lost
    district, problems = validate_district_data(small_data)
    assert problems == [] and district is not None
    assert district.companies[0].flows[0].ewc == "10 12 08"
    flow(small_data, 0, 0)["ewc"] = 20304  # "02 03 04" written as a number: ambiguous
    [problem] = problems_of(small_data)
    assert "write the EWC code as text in quotes" in problem.message


def test_waste_output_needs_an_ewc_code(small_data):
    del flow(small_data, 0, 0)["ewc"]
    [problem] = problems_of(small_data)
    assert str(problem) == (
        "company 'ceramica-alfa', flow 'fired-scrap', field 'ewc': a waste output must carry its "
        "EWC code (codice EER)"
    )


def test_unknown_ateco_code(small_data):
    small_data["companies"][1]["ateco"] = "99.98"
    [problem] = problems_of(small_data)
    assert where([problem]) == [("ceramica-beta", None, "ateco")]
    assert "99.98" in problem.message


def test_ateco_division_is_too_coarse(small_data):
    small_data["companies"][1]["ateco"] = "23"
    [problem] = problems_of(small_data)
    assert "division" in problem.message


def test_ateco_written_as_a_number(small_data):
    small_data["companies"][1]["ateco"] = 23.31
    [problem] = problems_of(small_data)
    assert "write the ATECO code as text in quotes" in problem.message


# --- cross-field and cross-company rules -------------------------------------------------------


def test_input_only_field_on_an_output(small_data):
    flow(small_data, 0, 0)["origin"] = "virgin"
    [problem] = problems_of(small_data)
    assert str(problem) == (
        "company 'ceramica-alfa', flow 'fired-scrap', field 'origin': 'origin' applies only to "
        "inputs (direction: in)"
    )


def test_output_only_field_on_an_input(small_data):
    flow(small_data, 0, 1)["destination"] = "landfill"
    [problem] = problems_of(small_data)
    assert (problem.flow, problem.field) == ("clays", "destination")


def test_duplicate_ids(small_data):
    small_data["companies"][1]["id"] = "ceramica-alfa"
    flow(small_data, 0, 1)["id"] = "fired-scrap"
    problems = problems_of(small_data)
    assert ("ceramica-alfa", None, "id") in where(problems)
    assert ("ceramica-alfa", "fired-scrap", "id") in where(problems)
    assert any(
        p.message == "company id 'ceramica-alfa' is used 2 times; ids must be unique"
        for p in problems
    )


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ({"company": "nobody", "flow": "x"}, "supplier company 'nobody' is not in this file"),
        (
            {"company": "ceramica-alfa", "flow": "ghost"},
            "company 'ceramica-alfa' has no flow 'ghost'",
        ),
        (
            {"company": "ceramica-alfa", "flow": "clays"},
            "flow 'clays' of company 'ceramica-alfa' is not an output (direction: out), so it "
            "cannot supply another firm",
        ),
        (
            {"company": "ceramica-beta", "flow": "process-water"},
            "a company cannot supply itself; declare internal reuse with destination: internal "
            "on the output",
        ),
        (
            {"company": "ceramica-alfa", "flow": "kiln-heat"},
            "flow 'kiln-heat' of company 'ceramica-alfa' is energy, but this input is material",
        ),
    ],
)
def test_supplied_by_must_name_another_firms_output(small_data, ref, message):
    flow(small_data, 1, 0)["supplied_by"] = ref
    [problem] = problems_of(small_data)
    assert (problem.company, problem.flow, problem.field) == (
        "ceramica-beta",
        "recycled-scrap",
        "supplied_by",
    )
    assert problem.message == message


def test_receiver_cannot_take_more_than_the_supplier_declares(small_data):
    flow(small_data, 1, 0)["quantity"] = 600  # alfa declares 560 t/yr
    [problem] = problems_of(small_data)
    assert problem.code == "supply_exceeded"
    assert problem.message == (
        "receives 600 but company 'ceramica-alfa' declares only 560 (same unit) on flow "
        "'fired-scrap'"
    )


def test_every_problem_is_reported_at_once(small_data):
    flow(small_data, 0, 0)["ewc"] = "99 99 99"
    flow(small_data, 0, 1)["quantity"] = -1
    flow(small_data, 0, 2)["unit"] = "m3/yr"
    small_data["companies"][1]["location"]["lat"] = 120
    flow(small_data, 1, 0)["supplied_by"]["flow"] = "nothing"
    problems = problems_of(small_data)
    assert sorted(where(problems), key=str) == sorted(
        [
            ("ceramica-alfa", "fired-scrap", "ewc"),
            ("ceramica-alfa", "clays", "quantity"),
            ("ceramica-alfa", "gas", "unit"),
            ("ceramica-beta", None, "location.lat"),
            ("ceramica-beta", "recycled-scrap", "supplied_by"),
        ],
        key=str,
    )


def test_a_flow_with_a_bad_field_still_gets_its_other_problems(small_data):
    # The model validator cannot run on this flow (bad EWC), the raw rules still do.
    flow(small_data, 0, 0)["ewc"] = "00 00 00"
    flow(small_data, 0, 0)["unit"] = "MWh/yr"
    assert sorted(where(problems_of(small_data))) == [
        ("ceramica-alfa", "fired-scrap", "ewc"),
        ("ceramica-alfa", "fired-scrap", "unit"),
    ]


def test_model_cannot_be_built_invalid_directly(small_data):
    small_data["companies"][0]["flows"][0]["origin"] = "virgin"
    with pytest.raises(ValueError, match="applies only to inputs"):
        DistrictFile.model_validate(small_data)


def test_receivers_together_cannot_take_more_than_one_output(small_data):
    second = {
        "id": "more-scrap",
        "direction": "in",
        "kind": "material",
        "description": "Altra chamotte",
        "quantity": 300,
        "unit": "t/yr",
        "origin": "recycled",
        "supplied_by": {"company": "ceramica-alfa", "flow": "fired-scrap"},
    }
    small_data["companies"][1]["flows"].append(second)  # 300 + 300 > 560 t/yr
    [problem] = problems_of(small_data)
    assert (problem.company, problem.flow, problem.field) == (
        "ceramica-alfa",
        "fired-scrap",
        "quantity",
    )
    assert problem.message == (
        "receivers (ceramica-beta/recycled-scrap, ceramica-beta/more-scrap) take 600 in all, "
        "more than the 560 this output declares"
    )


# --- MCI inputs on a product -------------------------------------------------------------------


def _product(**mci: float) -> dict[str, Any]:
    return {
        "id": "tiles",
        "direction": "out",
        "kind": "material",
        "description": "Piastrelle",
        "legal_status": "product",
        "quantity": 800,
        "unit": "t/yr",
        "mci": mci,
    }


def test_mci_inputs_on_a_product_are_accepted(small_data):
    small_data["companies"][0]["flows"].append(
        _product(feedstock_recycled=0.1, recycling_efficiency_feedstock=0.5)
    )
    district, problems = validate_district_data(small_data)
    assert problems == [] and district is not None
    mci = district.companies[0].flows[-1].mci
    assert mci is not None and mci.feedstock_recycled == 0.1


def test_mci_fractions_must_add_up_to_at_most_one(small_data):
    small_data["companies"][0]["flows"].append(
        _product(feedstock_recycled=0.7, feedstock_reused=0.5)
    )
    [problem] = problems_of(small_data)
    assert (problem.company, problem.flow, problem.field) == ("ceramica-alfa", "tiles", "mci")
    assert problem.message == "feedstock fractions add up to 1.2, more than 1"


def test_mci_inputs_only_on_a_product(small_data):
    flow(small_data, 0, 0)["mci"] = {"feedstock_recycled": 0.1}
    [problem] = problems_of(small_data)
    assert problem.message == (
        "MCI inputs apply to a product: an output of kind material with legal_status product"
    )
