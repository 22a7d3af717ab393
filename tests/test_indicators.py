"""Every indicator on a hand-worked district (tests/data/indicators-handworked.yaml).

The arithmetic is written beside each expectation. Quantities are already in t/yr, MWh/yr, m3/yr.
Firm A (tiles-a): material in 800 clay (virgin, 2500 km) + 100 sand (virgin, 20 km) + 100
chamotte (recycled, from B); material out (internal excluded) 800 tiles (product) + 40 scrap
(waste, recycling, 30 taken by B) + 10 used oil (hazardous waste, energy recovery) + 50 mixed
(waste, landfill) = 900; 50 powders stay internal. Energy in 900 gas + 100 PV + 50 heat from C.
Water in 300 mains + 100 recycled. 10 employees, EUR 2,000,000.
Firm B (recycler-b): in 30 scrap from A + 70 inerts (recycled, 15 km); out 100 chamotte
(by-product, reuse) all taken by A; 20 MWh electricity (origin unknown).
Firm C (foundry-c), 130 km away: 1000 MWh gas in, 200 MWh waste heat out (50 to A).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecodistrict import load_district_file
from ecodistrict.cli import app
from ecodistrict.indicators import (
    CONTRACT_COMPANY_KEYS,
    CONTRACT_DISTRICT_KEYS,
    IndicatorSetError,
    compute_indicators,
    district_flow_balance,
    load_indicator_set,
    parse_indicator_set,
)
from ecodistrict.indicators.definitions import shipped_set_text

DATA = Path(__file__).parent / "data"
HANDWORKED = DATA / "indicators-handworked.yaml"


@pytest.fixture(scope="module")
def results():
    return compute_indicators(load_district_file(HANDWORKED))


def value(results, company, key):
    return results.companies[company][key].value


EXPECTED_A = {
    "circular_inflow_pct": 100 * 100 / 1000,  # chamotte / all material inflows
    "circular_outflow_pct": 100 * 40 / 900,  # scrap to recycling / outflows without internal
    "circularity_pct": 100 * (100 + 40) / (1000 + 900),
    "renewable_energy_pct": 100 * 100 / 1050,  # PV / (gas + PV + recovered heat)
    "water_circularity_pct": 100 * 100 / 400,
    "landfill_outflow_pct": 100 * 50 / 900,
    "waste_recovery_pct": 100 * 40 / 100,  # wastes 40 + 10 + 50; only recycling counts
    "hazardous_waste_pct": 100 * 10 / 100,  # 13 02 05* used oil
    "waste_t_per_employee": 100 / 10,
    "waste_t_per_meur": 100 / 2,
    "material_productivity_eur_per_t": 2_000_000 / 900,  # revenue / linear inflow
    # MCI of the tiles, M = 800: V = 720, W0 = 640, WC = 800*0.25*0.2 = 40,
    # WF = 800*0.1*0.5/0.5 = 80, W = 640 + 60 = 700, LFI = 1420 / (1600 + 20) = 1420/1620,
    # MCI = 1 - 0.9 * 1420/1620 = 342/1620
    "mci": 342 / 1620,
    "local_inflow_pct": 100 * 100 / 900,  # sand within 30 km / inflows with a distance
    "supply_distance_km": (800 * 2500 + 100 * 20) / 900,
    "transport_intensity_tkm_per_t": (800 * 2500 + 100 * 20) / 800,  # per tonne of tiles
    "local_recovery_pct": 100 * 30 / 900,  # B, 1.4 km away, takes 30 t of scrap
    "symbiotic_inflow_pct": 100 * 100 / 1000,
    "symbiotic_outflow_pct": 100 * 30 / 900,
    "symbiotic_links": 2,  # B (both ways) and C
}


@pytest.mark.parametrize(("key", "expected"), sorted(EXPECTED_A.items()))
def test_company_a_every_indicator(results, key, expected):
    assert value(results, "tiles-a", key) == pytest.approx(expected, rel=1e-12)


EXPECTED_B = {
    "circular_inflow_pct": 100.0,
    "circular_outflow_pct": 100.0,  # by-product to reuse
    "circularity_pct": 100.0,
    "renewable_energy_pct": 0.0,  # electricity of unknown origin is not renewable
    "landfill_outflow_pct": 0.0,
    "waste_t_per_employee": 0.0,  # a declared zero is a zero, not a null
    "waste_t_per_meur": 0.0,
    "local_inflow_pct": 100.0,  # only the inerts (15 km) declare a distance
    "supply_distance_km": 15.0,
    "local_recovery_pct": 100.0,
    "symbiotic_inflow_pct": 30.0,
    "symbiotic_outflow_pct": 100.0,
    "symbiotic_links": 1,
}


@pytest.mark.parametrize(("key", "expected"), sorted(EXPECTED_B.items()))
def test_company_b_every_indicator(results, key, expected):
    assert value(results, "recycler-b", key) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("company", "key", "reason"),
    [
        ("recycler-b", "water_circularity_pct", "no water inflows declared"),
        ("recycler-b", "waste_recovery_pct", "no waste outflows declared"),
        ("recycler-b", "hazardous_waste_pct", "no waste outflows declared"),
        (
            "recycler-b",
            "material_productivity_eur_per_t",
            "no linear material inflow (all material inflows are circular, or none is declared)",
        ),
        ("recycler-b", "mci", "no product output with MCI inputs (mci) declared"),
        ("recycler-b", "transport_intensity_tkm_per_t", "no product outflows declared"),
        ("foundry-c", "circular_inflow_pct", "no material inflows declared"),
        (
            "foundry-c",
            "circular_outflow_pct",
            "no material outflows declared (internal ones do not count)",
        ),
        ("foundry-c", "circularity_pct", "no material inflows or outflows declared"),
        ("foundry-c", "waste_t_per_employee", "employees not declared"),
        ("foundry-c", "waste_t_per_meur", "revenue_eur not declared"),
        ("foundry-c", "local_inflow_pct", "no material inflow with a known source_distance_km"),
    ],
)
def test_missing_data_gives_null_with_its_reason(results, company, key, reason):
    result = results.companies[company][key]
    assert result.value is None
    assert result.reason == reason


def test_ratios_keep_their_terms_for_traceability(results):
    circular_inflow = results.companies["tiles-a"]["circular_inflow_pct"]
    assert (circular_inflow.numerator, circular_inflow.denominator) == (100.0, 1000.0)


EXPECTED_DISTRICT = {
    "closure_material_pct": 100 * (100 + 30) / (1000 + 100),  # chamotte + scrap / all inflows
    "closure_energy_pct": 100 * 50 / (1050 + 20 + 1000),
    "closure_water_pct": 0.0,
    "closure_waste_pct": 100 * 30 / 100,  # 30 t of A's 100 t of waste taken by B
    "circular_material_use_pct": 100 * (100 + 100) / 1100,  # recycled inflows of A and B
    "symbiosis_intensity_pct": 100 * (30 + 100) / (100 + 100),  # wastes + by-products
    "network_nodes": 3,
    "network_links": 3,  # B->A, A->B, C->A
    "link_density": 3 / 3,
    "connectance": 3 / (3 * 2),
    "cyclicity": 1.0,  # the A<->B loop is a simple cycle
}


@pytest.mark.parametrize(("key", "expected"), sorted(EXPECTED_DISTRICT.items()))
def test_district_every_indicator(results, key, expected):
    assert results.district[key].value == pytest.approx(expected, rel=1e-12)


def test_results_carry_every_contract_key_and_the_set_version(results):
    document = results.to_document()
    assert document["format"] == "ecodistrict/indicators/1"
    assert document["indicator_set"] == "formigine-2026 v1.0"
    for company in ("tiles-a", "recycler-b", "foundry-c"):
        assert set(CONTRACT_COMPANY_KEYS) <= set(document["companies"][company])
    assert set(CONTRACT_DISTRICT_KEYS) <= set(document["district"])
    assert document["companies"]["foundry-c"]["circular_inflow_pct"] is None
    assert document["reasons"]["companies"]["foundry-c"]["circular_inflow_pct"] == (
        "no material inflows declared"
    )
    assert document["district"]["network_links"] == 3  # counts are integers in JSON


def test_flow_balance_per_cycle():
    balance = district_flow_balance(load_district_file(HANDWORKED))
    matter = balance["matter"]
    # from outside: clay 800 + sand 100 + B's inerts 70; inside: chamotte 100 + scrap 30;
    # to outside: A's 900 minus the 30 B takes, B's 100 all taken by A; internal: powders 50.
    assert (matter.from_outside, matter.inside, matter.to_outside, matter.internal) == (
        970.0,
        130.0,
        870.0,
        50.0,
    )
    assert sorted(matter.exchanges) == [
        ("recycler-b", "tiles-a", 100.0),
        ("tiles-a", "recycler-b", 30.0),
    ]
    energy = balance["energy"]
    assert (energy.from_outside, energy.inside, energy.to_outside) == (2020.0, 50.0, 150.0)
    waste = balance["waste"]
    # inside: B's scrap from A's waste; from outside: B's inerts carry an EWC code;
    # to outside: A's 100 t of waste minus the 30 t taken.
    assert (waste.from_outside, waste.inside, waste.to_outside, waste.internal) == (
        70.0,
        30.0,
        70.0,
        0.0,
    )
    assert balance["water"].unit == "m3/yr"
    assert balance["water"].from_outside == 400.0


def test_a_district_without_flows_gives_nulls_not_zero_division(small_data):
    from ecodistrict.domain import validate_district_data

    small_data["companies"] = []
    district, problems = validate_district_data(small_data)
    assert problems == [] and district is not None
    result = compute_indicators(district)
    assert result.district["closure_material_pct"].value is None
    assert result.district["closure_material_pct"].reason == "no material inflows in the district"
    assert result.district["connectance"].reason == "no firms in the district"


# --- the indicator set as data -----------------------------------------------------------------


def test_shipped_set_describes_every_indicator():
    indicator_set = load_indicator_set()
    assert indicator_set.label == "formigine-2026 v1.0"
    assert len(indicator_set.definitions) == 30
    circular = indicator_set.definition("circular_inflow_pct")
    assert circular.name_it == "Ingressi circolari"
    assert circular.dimension == "circular_performance"
    assert circular.direction == "higher"
    assert circular.source.startswith("WBCSD Circular Transition Indicators")
    assert indicator_set.definition("landfill_outflow_pct").direction == "lower"
    assert {d.dimension for d in indicator_set.definitions} == {
        "circular_performance",
        "territorial_integration",
        "industrial_symbiosis",
        "district_closure",
    }
    target = indicator_set.target("landfill_outflow_pct")
    assert target is not None and (target.value, target.comparison) == (5, "at_most")
    assert target.is_met(4.0) is True and target.is_met(6.0) is False


def test_a_new_version_of_the_set_is_reported_in_the_results():
    text = shipped_set_text().replace('version: "1.0"', 'version: "1.1"')
    results = compute_indicators(load_district_file(HANDWORKED), parse_indicator_set(text))
    assert results.to_document()["indicator_set"] == "formigine-2026 v1.1"


def test_a_set_may_leave_out_optional_indicators():
    text = shipped_set_text()
    start = text.index("  - key: mci\n")
    end = text.index("  # ---", start)
    results = compute_indicators(
        load_district_file(HANDWORKED), parse_indicator_set(text[:start] + text[end:])
    )
    assert "mci" not in results.companies["tiles-a"]
    assert "circular_inflow_pct" in results.companies["tiles-a"]


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (("key: circular_inflow_pct", "key: circular_inflow_percent"),
         "indicator 'circular_inflow_percent' has no calculator in this release"),
        (("key: circular_inflow_pct", "key: circular_inflow_percent"),
         "indicator 'circular_inflow_pct' is required by the public contract"),
        (
            (
                "    name_en: Connectance\n    level: district",
                "    name_en: Connectance\n    level: company",
            ),
            "indicator 'connectance' is computed at district level, not company",
        ),
        (("direction: lower", "direction: down"), "indicators.5.direction"),
    ],
)
def test_a_bad_set_lists_its_problems(edit, problem):
    text = shipped_set_text().replace(*edit, 1)
    with pytest.raises(IndicatorSetError) as excinfo:
        parse_indicator_set(text)
    assert any(problem in p for p in excinfo.value.problems), excinfo.value.problems


def test_unknown_shipped_set():
    with pytest.raises(IndicatorSetError, match="no shipped indicator set named 'nowhere'"):
        load_indicator_set("nowhere")


# --- command line ------------------------------------------------------------------------------


def test_cli_indicators_json_is_the_contract_document():
    result = CliRunner().invoke(app, ["indicators", str(HANDWORKED), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["companies"]["tiles-a"]["circular_inflow_pct"] == 10.0
    assert document["district"]["closure_waste_pct"] == 30.0


def test_cli_indicators_table_and_bad_file(tmp_path):
    ok = CliRunner().invoke(app, ["indicators", str(HANDWORKED)])
    assert ok.exit_code == 0
    assert "closure_waste_pct" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: ecodistrict/1\ndistrict: {name: x}\n", encoding="utf-8")
    refused = CliRunner().invoke(app, ["indicators", str(bad)])
    assert refused.exit_code == 1
    assert "field 'district.center': required field is missing" in refused.stderr


def test_cli_indicators_with_a_set_file(tmp_path):
    path = tmp_path / "set.yaml"
    path.write_text(shipped_set_text().replace('version: "1.0"', 'version: "2.0"'), "utf-8")
    result = CliRunner().invoke(
        app, ["indicators", str(HANDWORKED), "--set", str(path), "--format", "json"]
    )
    assert json.loads(result.stdout)["indicator_set"] == "formigine-2026 v2.0"
    broken = tmp_path / "broken.yaml"
    broken.write_text("key: x\n", "utf-8")
    refused = CliRunner().invoke(app, ["indicators", str(HANDWORKED), "--set", str(broken)])
    assert refused.exit_code == 1
    assert "version: Field required" in refused.stderr


def test_cli_position_is_registered_on_the_main_app():
    demo = Path(__file__).parents[1] / "src/ecodistrict/data/demo/formigine-demo.yaml"
    result = CliRunner().invoke(
        app, ["position", str(demo), "--company", "gres-lunaverde", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["format"] == "ecodistrict/position/1"
    assert document["company"] == "gres-lunaverde"
    unknown = CliRunner().invoke(app, ["position", str(demo), "--company", "nobody"])
    assert unknown.exit_code == 1
    assert "nobody" in unknown.stderr


def test_an_unvalidated_flow_of_the_wrong_dimension_is_left_out_with_a_reason():
    district = load_district_file(HANDWORKED)
    # Batch jobs may build models without validation; the calculators must not crash on them.
    sand = district.company("tiles-a").flows[1]
    broken = sand.model_copy(update={"unit": "MWh/yr"})
    district.company("tiles-a").flows[1] = broken
    results = compute_indicators(district)
    circular = results.companies["tiles-a"]["circular_inflow_pct"]
    assert circular.value == pytest.approx(100 * 100 / 900)  # sand's 100 t left out
    assert circular.reason == "flow 'sand' left out: unit 'MWh/yr' does not fit a material flow"
