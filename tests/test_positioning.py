"""Positioning: peers (percentile, quartile), reference values, targets; `ecodistrict position`.

Every expected number below is worked out by hand in the comment next to it, from the
definitions in docs/positioning.md:
    percentile  = 100 × (peers below + 0.5 × peers equal) / n_peers
    quartile    = 1 + min(3, floor(percentile / 25))
    performance = percentile (higher is better) or 100 − percentile (lower is better)
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from ecodistrict.domain.models import DistrictFile
from ecodistrict.indicators import (
    IndicatorDefinition,
    IndicatorResults,
    IndicatorSet,
    IndicatorValue,
    Target,
    compute_indicators,
)
from ecodistrict.indicators.positioning import (
    PeerRecord,
    ReferenceValue,
    compare_reference,
    load_reference_values,
    median_profile,
    peer_standing,
    peer_table,
    percentile_rank,
    position_company,
    position_district,
    quartile_of,
)
from ecodistrict.io.district_file import load_district_file

DEMO = Path(__file__).parents[1] / "src" / "ecodistrict" / "data" / "demo" / "formigine-demo.yaml"
DIV23 = "ATECO 23 – Fabbricazione di altri prodotti della lavorazione di minerali non metalliferi"


# --------------------------------------------------------------------------- hand-built data


def _definition(key: str, level: str, direction: str, unit: str = "%") -> IndicatorDefinition:
    return IndicatorDefinition(
        key=key,
        name_it=key,
        name_en=key,
        level=level,
        dimension="circular_performance",
        unit=unit,
        direction=direction,
        formula_it="-",
        formula_en="-",
        source="test",
        version="1.0",
    )


SET = IndicatorSet(
    key="test-set",
    version="1.0",
    name_it="Insieme di prova",
    name_en="Test set",
    published=datetime.date(2026, 11, 24),
    publisher="tests",
    definitions=(
        _definition("circular_inflow_pct", "company", "higher"),
        _definition("landfill_outflow_pct", "company", "lower"),
        _definition("water_circularity_pct", "company", "higher"),
        _definition("renewable_energy_pct", "company", "higher"),
        _definition("mci", "company", "neutral", "-"),
        _definition("circular_material_use_pct", "district", "higher"),
        _definition("connectance", "district", "higher", "-"),
    ),
    targets=(
        Target("circular_inflow_pct", 15.0, "at_least", "obiettivo", "target"),
        Target("landfill_outflow_pct", 5.0, "at_most", "obiettivo", "target"),
        Target("renewable_energy_pct", 30.0, "at_least", "obiettivo", "target"),
        Target("circular_material_use_pct", 25.0, "at_least", "obiettivo", "target"),
    ),
)

# id -> (ATECO, circular inflow = landfill outflow value, water value, renewable value)
FIRMS: dict[str, tuple[str, float, float | None, float | None]] = {
    "firm": ("23.31", 20.0, 7.0, None),
    "d1": ("23.32", 10.0, 1.0, 10.0),
    "d2": ("23.41", 20.0, 2.0, 20.0),
    "d3": ("23.42", 20.0, 3.0, 30.0),
    "d4": ("23.43", 30.0, None, 40.0),
    "d5": ("23.44", 40.0, None, 50.0),
    "d6": ("23.20", 50.0, None, 60.0),
    "o1": ("25.11", 5.0, None, 70.0),
    "o2": ("10.13", 60.0, None, 80.0),
}


def _district() -> DistrictFile:
    return DistrictFile.model_validate(
        {
            "format": "ecodistrict/1",
            "district": {"name": "Test", "center": {"lat": 44.57, "lon": 10.85}},
            "companies": [
                {
                    "id": cid,
                    "name": cid.upper(),
                    "ateco": ateco,
                    "location": {"lat": 44.57, "lon": 10.85},
                }
                for cid, (ateco, *_rest) in FIRMS.items()
            ],
        }
    )


def _value(value: float | None, reason: str) -> IndicatorValue:
    return IndicatorValue(value, None if value is not None else reason)


def _results() -> IndicatorResults:
    companies = {
        cid: {
            "circular_inflow_pct": _value(x, "-"),
            "landfill_outflow_pct": _value(x, "-"),
            "water_circularity_pct": _value(water, "no water inflow declared"),
            "renewable_energy_pct": _value(renewable, "no energy inflow declared"),
            "mci": _value(0.5, "-"),
        }
        for cid, (_ateco, x, water, renewable) in FIRMS.items()
    }
    district = {
        "circular_material_use_pct": IndicatorValue(22.0),
        "connectance": IndicatorValue(0.1),
    }
    return IndicatorResults(SET, companies, district)


def _reference(ref_id: str, **fields: Any) -> ReferenceValue:
    data: dict[str, Any] = {
        "id": ref_id,
        "indicator": None,
        "context_for": (),
        "name_it": ref_id,
        "name_en": ref_id,
        "value": None,
        "value_min": None,
        "value_max": None,
        "unit": "%",
        "year": 2023,
        "geo": "IT",
        "sector": None,
        "statistic": "aggregate",
        "basis": "test",
        "comparability_it": "prova",
        "comparability_en": "test",
        "source": "https://example.org",
        "reliability": "A",
        "retrieved_from": "test",
    }
    data.update(fields)
    return ReferenceValue(**data)


REFERENCES = (
    _reference("all_sectors", indicator="circular_inflow_pct", value=11.8),
    _reference("ceramic_class", indicator="circular_inflow_pct", value=11.2, sector="23.31"),
    _reference("division_23", indicator="landfill_outflow_pct", value=10.0, sector="23"),
    _reference("metal_class", indicator="circular_inflow_pct", value=30.0, sector="25.11"),
    _reference("context_only", context_for=("circular_inflow_pct",), value=107.0),
    _reference("a_range", indicator="circular_inflow_pct", value_min=15.0, value_max=25.0),
    _reference("other_unit", indicator="circular_inflow_pct", value=3.0, unit="t"),
    _reference("cmu", indicator="circular_material_use_pct", value=20.8),
    _reference("hg", indicator="connectance", value_min=0.5, value_max=0.6, unit="-"),
)


@pytest.fixture
def position() -> Any:
    return position_company("firm", _results(), _district(), references=REFERENCES)


# ------------------------------------------------------------------------- percentile, quartile


def test_percentile_and_quartile_of_the_worked_example():
    peers = [10.0, 20.0, 20.0, 30.0, 40.0, 50.0]
    # 1 peer below (10), 2 equal (20, 20): 100 × (1 + 0.5 × 2) / 6 = 200 / 6 = 33.33…
    assert percentile_rank(20.0, peers) == pytest.approx(100 / 3)
    # floor(33.33 / 25) = 1 → quartile 1 + 1 = 2
    assert quartile_of(20.0, peers) == 2


@pytest.mark.parametrize(
    ("value", "percentile", "quartile"),
    [
        (0.0, 0.0, 1),  # nobody below: 0 → Q1
        (1.5, 25.0, 2),  # 1 of 4 below: 25 exactly → floor(1) → Q2
        (2.5, 50.0, 3),  # 2 of 4 below: 50 → Q3
        (3.5, 75.0, 4),  # 3 of 4 below: 75 → Q4
        (5.0, 100.0, 4),  # all below: 100 → 1 + min(3, 4) = Q4
        (4.0, 87.5, 4),  # 3 below + 0.5 × 1 equal = 3.5 / 4 = 87.5 → Q4
    ],
)
def test_percentile_and_quartile_edges(value, percentile, quartile):
    peers = [1.0, 2.0, 3.0, 4.0]
    assert percentile_rank(value, peers) == pytest.approx(percentile)
    assert quartile_of(value, peers) == quartile


def test_division_standing_higher_is_better(position):
    standing = position.standing("circular_inflow_pct", "division")
    assert standing.group_label == DIV23
    assert standing.value == 20.0
    assert standing.n_peers == 6  # d1…d6; the firm itself is not a peer
    assert standing.percentile == pytest.approx(100 / 3)  # 100 × (1 + 0.5 × 2) / 6
    assert standing.quartile == 2
    assert standing.performance_percentile == pytest.approx(100 / 3)
    assert standing.median == 25.0  # median of 10, 20, 20, 30, 40, 50 = (20 + 30) / 2
    assert standing.reason is None


def test_division_standing_lower_is_better(position):
    standing = position.standing("landfill_outflow_pct", "division")
    assert standing.percentile == pytest.approx(100 / 3)
    assert standing.quartile == 2
    # lower is better: 100 − 33.33 = 66.67
    assert standing.performance_percentile == pytest.approx(200 / 3)


def test_all_firms_standing(position):
    standing = position.standing("circular_inflow_pct", "all")
    assert standing.group_label == "all firms"
    # peers 10, 20, 20, 30, 40, 50, 5, 60: 2 below (10, 5), 2 equal → 100 × (2 + 1) / 8 = 37.5
    assert standing.n_peers == 8
    assert standing.percentile == 37.5
    assert standing.quartile == 2  # floor(37.5 / 25) = 1 → Q2
    assert standing.median == 25.0  # sorted 5 10 20 20 | 30 40 50 60 → (20 + 30) / 2


def test_fewer_than_five_peers_gives_no_standing_and_says_why(position):
    division = position.standing("water_circularity_pct", "division")
    assert division.n_peers == 3  # d1, d2, d3 have a water value
    assert (division.percentile, division.quartile, division.median) == (None, None, None)
    assert division.performance_percentile is None
    assert division.reason == (
        "only 3 peers with a value in ATECO division 23; at least 5 are needed"
    )
    everyone = position.standing("water_circularity_pct", "all")
    assert everyone.reason == "only 3 peers with a value among all firms; at least 5 are needed"


def test_min_peers_is_a_parameter():
    position = position_company("firm", _results(), _district(), references=REFERENCES, min_peers=3)
    standing = position.standing("water_circularity_pct", "division")
    # 7 above 1, 2, 3: 100 × 3 / 3 = 100 → Q4; median of 1, 2, 3 = 2
    assert (standing.percentile, standing.quartile, standing.median) == (100.0, 4, 2.0)
    assert standing.reason is None


def test_firm_without_a_value(position):
    standing = position.standing("renewable_energy_pct", "division")
    assert standing.value is None
    assert standing.percentile is None and standing.quartile is None
    assert standing.reason == "the firm has no value: no energy inflow declared"
    assert standing.n_peers == 6
    assert standing.median == 35.0  # median of 10, 20, 30, 40, 50, 60 = (30 + 40) / 2


def test_indicators_without_direction_are_not_ranked(position):
    assert {p.indicator for p in position.peers} == {
        "circular_inflow_pct",
        "landfill_outflow_pct",
        "water_circularity_pct",
        "renewable_energy_pct",
    }
    assert [p.group for p in position.peers[:2]] == ["division", "all"]
    neutral = peer_standing(
        "mci", "neutral", 0.5, [0.1, 0.2, 0.3, 0.6, 0.7], group="all", group_label="all firms"
    )
    assert neutral.percentile == 60.0  # 3 of 5 below: 100 × 3 / 5
    assert neutral.performance_percentile is None
    assert neutral.reason == "indicator has no direction"


def test_one_peer_and_no_peer_wording():
    one = peer_standing("x", "higher", 1.0, [2.0], group="all", group_label="all firms")
    assert one.reason == "only 1 peer with a value among all firms; at least 5 are needed"
    none = peer_standing(
        "x", "higher", 1.0, [None, None], group="division", group_label="ATECO 10 – Alimentari"
    )
    assert none.reason == "no peers with a value in ATECO division 10; at least 5 are needed"


def test_firm_is_never_its_own_peer_and_other_districts_count():
    results, district = _results(), _district()
    records = [
        *peer_table(results, district),
        # a stale copy of the firm in the database, and a ceramic firm of another district
        PeerRecord("firm", "23", {"circular_inflow_pct": 99.0}),
        PeerRecord("sassuolo-x", "23", {"circular_inflow_pct": 15.0}),
    ]
    position = position_company("firm", results, district, peers=records, references=REFERENCES)
    standing = position.standing("circular_inflow_pct", "division")
    # peers 10, 20, 20, 30, 40, 50, 15: below 10 and 15 (2), equal 2 → 100 × 3 / 7 = 42.857…
    assert standing.n_peers == 7
    assert standing.percentile == pytest.approx(300 / 7)
    assert standing.quartile == 2


def test_unknown_company_is_a_key_error_naming_it():
    with pytest.raises(KeyError, match="nobody"):
        position_company("nobody", _results(), _district(), references=REFERENCES)


def test_peer_table_and_median_profile():
    records = peer_table(_results(), _district())
    assert [r.company for r in records] == list(FIRMS)
    assert records[0].division == "23" and records[7].division == "25"
    profile = median_profile(
        records, ["circular_inflow_pct", "water_circularity_pct"], exclude="firm"
    )
    # inflow: 5 10 20 20 | 30 40 50 60 → 25; water: only 3 values (< 5) → withheld
    assert profile == {"circular_inflow_pct": 25.0, "water_circularity_pct": None}
    # without exclusion the firm counts too: water 7, 1, 2, 3 → sorted 1 2 | 3 7 → 2.5
    assert median_profile(records, ["water_circularity_pct"], min_peers=4) == {
        "water_circularity_pct": 2.5
    }


# ------------------------------------------------------------------------------- references


def _by_id(position: Any, indicator: str) -> dict[str, Any]:
    return {c.reference.id: c for c in position.references if c.indicator == indicator}


def test_references_are_filtered_by_sector(position):
    inflow = _by_id(position, "circular_inflow_pct")
    # the firm is 23.31: all-sector and 23.31 values apply; 25.11 does not
    assert set(inflow) == {"all_sectors", "ceramic_class", "context_only", "a_range", "other_unit"}
    assert set(_by_id(position, "landfill_outflow_pct")) == {"division_23"}  # "23" matches 23.31
    metal = position_company("o1", _results(), _district(), references=REFERENCES)
    assert set(_by_id(metal, "circular_inflow_pct")) == {
        "all_sectors",
        "metal_class",
        "context_only",
        "a_range",
        "other_unit",
    }
    assert _by_id(metal, "landfill_outflow_pct") == {}


def test_reference_difference_and_direction(position):
    inflow = _by_id(position, "circular_inflow_pct")
    assert inflow["all_sectors"].difference == pytest.approx(8.2)  # 20 − 11.8
    assert inflow["all_sectors"].better is True
    assert inflow["ceramic_class"].difference == pytest.approx(8.8)  # 20 − 11.2
    landfill = _by_id(position, "landfill_outflow_pct")["division_23"]
    assert landfill.difference == 10.0  # 20 − 10, and lower is better
    assert landfill.better is False


def test_reference_context_range_and_units(position):
    inflow = _by_id(position, "circular_inflow_pct")
    context = inflow["context_only"]
    assert context.relation == "context"
    assert (context.value, context.difference, context.better) == (20.0, None, None)
    ranged = inflow["a_range"]
    assert (ranged.within_range, ranged.difference, ranged.better) == (True, None, None)
    assert inflow["other_unit"].difference is None
    assert inflow["other_unit"].reason == "units differ (% and t)"
    above = position_company("o2", _results(), _district(), references=REFERENCES)
    ranged = _by_id(above, "circular_inflow_pct")["a_range"]
    assert (ranged.within_range, ranged.better) == (False, True)  # 60 > 25, higher is better


def test_compare_reference_without_value():
    reference = REFERENCES[0]
    comparison = compare_reference(
        reference, "circular_inflow_pct", "higher", None, value_reason="no material inflow"
    )
    assert comparison.reason == "no value: no material inflow"
    assert comparison.difference is None and comparison.better is None
    equal = compare_reference(reference, "circular_inflow_pct", "higher", 11.8)
    assert (equal.difference, equal.better) == (0.0, None)


def test_shipped_references_for_a_ceramic_firm():
    position = position_company("firm", _results(), _district())
    ids = {c.reference.id for c in position.references}
    assert {"cer_recycled_raw_material_2024", "cmu_it_2023"} <= ids
    water = _by_id(position, "water_circularity_pct")["cer_water_recycled_share_2024"]
    assert water.difference == pytest.approx(7.0 - 48.0)
    assert water.better is False
    metal = position_company("o1", _results(), _district())
    assert not any(c.reference.sector for c in metal.references)


# ----------------------------------------------------------------------------------- targets


def test_targets_met_and_unmet_with_gap(position):
    targets = {t.target.indicator: t for t in position.targets}
    assert set(targets) == {"circular_inflow_pct", "landfill_outflow_pct", "renewable_energy_pct"}
    inflow = targets["circular_inflow_pct"]  # at least 15, value 20: gap 15 − 20 = −5, met
    assert (inflow.met, inflow.gap) == (True, -5.0)
    landfill = targets["landfill_outflow_pct"]  # at most 5, value 20: gap 20 − 5 = 15 to go
    assert (landfill.met, landfill.gap) == (False, 15.0)
    renewable = targets["renewable_energy_pct"]
    assert (renewable.met, renewable.gap) == (None, None)
    assert renewable.reason == "no value: no energy inflow declared"


def test_district_position():
    district = position_district(_results(), references=REFERENCES)
    by_id = {c.reference.id: c for c in district.references}
    assert set(by_id) == {"cmu", "hg"}
    assert by_id["cmu"].difference == pytest.approx(1.2)  # 22 − 20.8
    assert by_id["hg"].within_range is False and by_id["hg"].better is False  # 0.1 < 0.5
    (target,) = district.targets  # at least 25, value 22: 3 to go
    assert (target.met, target.gap) == (False, 3.0)


def test_document_is_json(position):
    document = json.loads(json.dumps(position.to_document()))
    assert document["format"] == "ecodistrict/position/1"
    assert document["company"] == "firm"
    assert document["indicator_set"] == "test-set v1.0"
    assert document["division"] == "23"
    assert document["min_peers"] == 5
    first = document["peers"][0]
    assert first["indicator"] == "circular_inflow_pct" and first["group"] == "division"
    assert first["quartile"] == 2
    reference = document["references"][0]
    assert reference["reference"]["source"] == "https://example.org"
    assert reference["reference"]["year"] == 2023
    assert document["targets"][0]["gap"] == -5.0


# ------------------------------------------------------------------------------ the command


def _app() -> typer.Typer:
    from ecodistrict.cli_position import position as position_command

    app = typer.Typer()
    app.command("position")(position_command)

    @app.callback()
    def _root() -> None:
        """Test application."""

    return app


runner = CliRunner()


def test_cli_json_on_the_demo_district():
    result = runner.invoke(
        _app(), ["position", str(DEMO), "--company", "salumi-nonna-ines", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["format"] == "ecodistrict/position/1"
    assert document["division"] == "10"
    assert document["ateco"] == "10.13"
    # cross-check one standing against the indicators computed independently
    district = load_district_file(DEMO)
    results = compute_indicators(district)
    key = "circular_outflow_pct"
    own = results.companies["salumi-nonna-ines"][key].value
    peers = [
        values[key].value
        for cid, values in results.companies.items()
        if cid != "salumi-nonna-ines"
        and district.company(cid).ateco.startswith("10.")
        and values[key].value is not None
    ]
    assert len(peers) == 5
    below = sum(1 for v in peers if v < own)
    equal = sum(1 for v in peers if v == own)
    (standing,) = [
        p for p in document["peers"] if p["indicator"] == key and p["group"] == "division"
    ]
    assert standing["n_peers"] == 5
    assert standing["percentile"] == pytest.approx(100 * (below + 0.5 * equal) / 5)
    assert document["targets"] and document["references"]
    assert all(r["reference"]["source"] and r["reference"]["year"] for r in document["references"])


def test_cli_says_when_a_division_has_too_few_peers():
    result = runner.invoke(
        _app(), ["position", str(DEMO), "-c", "gres-lunaverde", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    division = [p for p in document["peers"] if p["group"] == "division"]
    assert division[0]["reason"] == (
        "only 2 peers with a value in ATECO division 23; at least 5 are needed"
    )
    ids = {r["reference"]["id"] for r in document["references"]}
    assert "cer_water_recycled_share_2024" in ids


def test_cli_table_output_and_min_peers():
    result = runner.invoke(
        _app(), ["position", str(DEMO), "-c", "gres-lunaverde", "--min-peers", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "Peers" in result.stdout
    assert "Published reference values" in result.stdout
    assert "District targets" in result.stdout
    assert "https://www.ceramica.info/en/articoli/redefining-waste" in result.stdout
    assert "at least 2 are needed" in result.stdout


def test_cli_reads_stdin():
    result = runner.invoke(
        _app(),
        ["position", "-", "-c", "gres-lunaverde", "--format", "json"],
        input=DEMO.read_text(encoding="utf-8"),
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["company"] == "gres-lunaverde"


def test_cli_unknown_company_exits_1_naming_it():
    result = runner.invoke(_app(), ["position", str(DEMO), "-c", "ceramica-inesistente"])
    assert result.exit_code == 1
    assert "ceramica-inesistente" in result.stderr
    assert result.stdout == ""


def test_cli_invalid_file_prints_each_problem(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "format: ecodistrict/1\ndistrict: {name: X, center: {lat: 95, lon: 10}}\n",
        encoding="utf-8",
    )
    result = runner.invoke(_app(), ["position", str(path), "-c", "x"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"{path}: ") and "lat" in lines[0]
    assert lines[-1] == f"{path}: 1 problem(s) found"


def test_cli_min_peers_below_one_is_a_usage_error():
    result = runner.invoke(
        _app(), ["position", str(DEMO), "-c", "gres-lunaverde", "--min-peers", "0"]
    )
    assert result.exit_code == 2


def test_shipped_reference_values_load_once():
    assert load_reference_values() is load_reference_values()
