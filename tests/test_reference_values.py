"""The shipped reference values: provenance on every entry, the published numbers, the checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecodistrict.codes import check_activity_code
from ecodistrict.indicators import load_indicator_set
from ecodistrict.indicators.positioning import (
    ReferenceValuesError,
    load_reference_values,
    parse_reference_values,
)

DOCS = Path(__file__).parents[1] / "docs" / "positioning.md"

VALID_ENTRY = """\
format: ecodistrict/reference-values/1
references:
  - id: one
    indicator: circular_inflow_pct
    name_it: uno
    name_en: one
    value: 1.5
    unit: "%"
    year: 2023
    geo: IT
    sector: null
    statistic: aggregate
    basis: b
    comparability_it: c
    comparability_en: c
    source: https://example.org
    reliability: A
    retrieved_from: test
"""


@pytest.fixture(scope="module")
def shipped():
    return {r.id: r for r in load_reference_values()}


def test_every_entry_has_source_year_basis_and_comparability(shipped):
    assert len(shipped) >= 15
    for ref in shipped.values():
        assert ref.source.strip(), ref.id
        assert 1990 <= ref.year <= 2030, ref.id
        assert ref.basis and ref.comparability_it and ref.comparability_en, ref.id
        assert ref.reliability in ("A", "B", "C"), ref.id
        assert re.search(r"(indicators-catalogue|formigine-district)\.md §", ref.retrieved_from)


@pytest.mark.parametrize(
    ("ref_id", "indicator", "value", "year", "geo", "sector", "statistic"),
    [
        # Eurostat CMU (indicators-catalogue.md §8.1, §8.6)
        ("cmu_it_2023", "circular_material_use_pct", 20.8, 2023, "IT", None, "aggregate"),
        ("cmu_eu27_2023", "circular_material_use_pct", 11.8, 2023, "EU27", None, "aggregate"),
        ("cmu_it_2022", "circular_material_use_pct", 18.7, 2022, "IT", None, "aggregate"),
        ("cmu_eu27_2022", "circular_material_use_pct", 11.5, 2022, "EU27", None, "aggregate"),
        (
            "cmu_eu_target_2030",
            "circular_material_use_pct",
            23.2,
            2030,
            "EU27",
            None,
            "policy_target",
        ),
        # ceramic tiles, ATECO 23.31 (formigine-district.md §2.2, §2.4-2.5; catalogue §8.4)
        (
            "cer_recycled_raw_material_2024",
            "circular_inflow_pct",
            11.2,
            2024,
            "IT",
            "23.31",
            "aggregate",
        ),
        (
            "cer_recycled_raw_material_older",
            "circular_inflow_pct",
            9.3,
            2020,
            "IT",
            "23.31",
            "aggregate",
        ),
        (
            "cer_water_recycled_share_2024",
            "water_circularity_pct",
            48.0,
            2024,
            "IT-ER",
            "23.31",
            "aggregate",
        ),
        (
            "cer_water_recycled_share_2020",
            "water_circularity_pct",
            56.0,
            2020,
            "IT-ER",
            "23.31",
            "aggregate",
        ),
        ("cer_process_waste_reuse_2019", None, 100.0, 2019, "IT", "23.31", "aggregate"),
        ("cer_process_waste_reuse_aia", None, 99.9, 2020, "IT-ER", "23.31", "aggregate"),
        ("cer_water_recycle_factor_2020", None, 107.0, 2020, "IT-ER", "23.31", "mean"),
        ("cer_water_recycle_ecolabel_min", None, 50.0, 2020, "EU27", "23.31", "threshold"),
        ("cer_water_recycle_bat_min", None, 97.0, 2007, "IT", "23.31", "threshold"),
    ],
)
def test_published_values_are_present(
    shipped, ref_id, indicator, value, year, geo, sector, statistic
):
    ref = shipped[ref_id]
    assert (ref.indicator, ref.value, ref.year, ref.geo, ref.sector, ref.statistic) == (
        indicator,
        value,
        year,
        geo,
        sector,
        statistic,
    )
    assert ref.unit == "%"


def test_context_relations(shipped):
    # CMU is compared with the district analogue and shown next to a firm's circular inflow
    assert shipped["cmu_it_2023"].context_for == ("circular_inflow_pct",)
    # process-waste reuse is context for the outflow side, never compared
    for ref_id in ("cer_process_waste_reuse_2019", "cer_process_waste_reuse_aia"):
        assert {"circular_outflow_pct", "landfill_outflow_pct"} <= set(shipped[ref_id].context_for)
    # the recycle factor (recovered / produced, may exceed 100%) is not water circularity
    assert shipped["cer_water_recycle_factor_2020"].context_for == ("water_circularity_pct",)


def test_connectance_range_says_the_normalisation_differs(shipped):
    ref = shipped["eip_connectance_hardy_graedel"]
    assert (ref.indicator, ref.value, ref.value_min, ref.value_max, ref.year) == (
        "connectance",
        None,
        0.5,
        0.6,
        2002,
    )
    assert ref.is_range and ref.display_value() == "0.5–0.6 -"
    assert "normalisation" in ref.comparability_en
    assert "normalizzazione" in ref.comparability_it.lower()


def test_years_that_the_sources_do_not_state_are_explained(shipped):
    for ref_id in (
        "cer_recycled_raw_material_older",
        "cer_process_waste_reuse_aia",
        "cer_water_recycle_ecolabel_min",
    ):
        assert shipped[ref_id].year_note, ref_id


def test_indicator_keys_exist_in_the_shipped_set(shipped):
    indicator_set = load_indicator_set()
    keys = {d.key for d in indicator_set.definitions}
    for ref in shipped.values():
        if ref.indicator is not None:
            assert ref.indicator in keys, ref.id
            assert ref.unit == indicator_set.definition(ref.indicator).unit, ref.id
        assert set(ref.context_for) <= keys, ref.id


def test_sectors_are_real_ateco_codes(shipped):
    for ref in shipped.values():
        if ref.sector is not None and "." in ref.sector:
            assert check_activity_code(ref.sector).activity is not None, ref.id


def test_sector_matching():
    (ref,) = parse_reference_values(VALID_ENTRY.replace("sector: null", 'sector: "23.31"'))
    assert ref.applies_to_sector("23.31")
    assert ref.applies_to_sector("23.31.00")
    assert not ref.applies_to_sector("23.32")
    assert not ref.applies_to_sector(None)
    (division,) = parse_reference_values(VALID_ENTRY.replace("sector: null", 'sector: "23"'))
    assert division.applies_to_sector("23.32") and not division.applies_to_sector("25.11")


def test_every_reference_is_documented(shipped):
    text = DOCS.read_text(encoding="utf-8")
    for ref_id in shipped:
        assert f"`{ref_id}`" in text, ref_id


def test_a_valid_entry_parses():
    (ref,) = parse_reference_values(VALID_ENTRY)
    assert (ref.id, ref.value, ref.year, ref.context_for) == ("one", 1.5, 2023, ())


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("    source: https://example.org\n", ""), "reference 'one': field 'source' is missing"),
        (("    year: 2023\n", ""), "reference 'one': field 'year' is missing"),
        (("    year: 2023\n", "    year: recent\n"), "field 'year' must be a year"),
        (("    value: 1.5\n", ""), "give 'value', or both 'value_min' and 'value_max'"),
        (("    value: 1.5\n", "    value: 1.5\n    value_max: 2\n"), "not both"),
        (("    reliability: A\n", "    reliability: D\n"), "must be A, B or C"),
        (("    statistic: aggregate\n", "    statistic: guess\n"), "field 'statistic'"),
        (("    geo: IT\n", "    geo: IT\n    colour: red\n"), "unknown field 'colour'"),
        (("sector: null", "sector: ceramics"), "field 'sector' must be an ATECO code"),
        (("format: ecodistrict/reference-values/1", "format: other"), "'format' must be"),
    ],
)
def test_invalid_entries_are_refused_with_a_clear_message(edit, message):
    old, new = edit
    assert old in VALID_ENTRY
    with pytest.raises(ReferenceValuesError) as excinfo:
        parse_reference_values(VALID_ENTRY.replace(old, new))
    assert any(message in problem for problem in excinfo.value.problems), excinfo.value.problems


def test_every_problem_is_reported_and_duplicates_are_refused():
    entry = VALID_ENTRY.split("references:\n", 1)[1]
    broken = entry.replace("    source: https://example.org\n", "").replace("    year: 2023\n", "")
    text = VALID_ENTRY + entry + broken.replace("id: one", "id: two")
    with pytest.raises(ReferenceValuesError) as excinfo:
        parse_reference_values(text)
    assert excinfo.value.problems == [
        "reference 'one': the id is used more than once",
        "reference 'two': field 'source' is missing",
        "reference 'two': field 'year' is missing",
    ]


def test_load_from_a_path(tmp_path):
    path = tmp_path / "refs.yaml"
    path.write_text(VALID_ENTRY, encoding="utf-8")
    assert [r.id for r in load_reference_values(path)] == ["one"]
    with pytest.raises(ReferenceValuesError, match="cannot read"):
        load_reference_values(tmp_path / "missing.yaml")
