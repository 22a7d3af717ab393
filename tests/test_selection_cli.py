"""`ecodistrict rank`, `optimize`, `settle`: exit codes 0/1/2, JSON documents, clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from ecodistrict.cli import app

DEMO = Path("src/ecodistrict/data/demo")
DISTRICT = str(DEMO / "formigine-demo.yaml")
CALL = str(DEMO / "formigine-call.yaml")
LOTS = str(DEMO / "formigine-lots.yaml")
runner = CliRunner()


def test_rank_demo_json_lists_eligibility_ranking_and_sensitivity():
    result = runner.invoke(app, ["rank", DISTRICT, "--call", CALL, "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["format"] == "ecodistrict/ranking/1"
    assert document["eligibility"]["excluded"] == ["acetaia-botticella-sognata"]
    ranking = document["ranking"]
    assert ranking["method"] == "weighted-sum"
    assert sorted(r["applicant"] for r in ranking["ranking"]) == sorted(
        document["eligibility"]["eligible"]
    )
    assert [r["rank"] for r in ranking["ranking"]] == list(range(1, 8))
    assert [c["weight"] for c in ranking["criteria"]] == [0.25, 0.15, 0.15, 0.15, 0.2, 0.1]
    assert len(ranking["sensitivity"]["scenarios"]) == 12  # 6 criteria × (−20 %, +20 %)


def test_rank_table_and_other_methods():
    result = runner.invoke(app, ["rank", DISTRICT, "--call", CALL, "--method", "topsis"])
    assert result.exit_code == 0, result.output
    assert "Graduatoria / Ranking — topsis" in result.stdout
    assert "acetaia-botticella-sognata" in result.stdout


def test_rank_bad_call_exits_1_naming_the_field(tmp_path):
    data = yaml.safe_load(Path(CALL).read_text(encoding="utf-8"))
    data["criteria"][0]["weight"] = 0.3
    data["applicants"][0]["company"] = "ghost-firm"
    path = tmp_path / "call.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = runner.invoke(app, ["rank", DISTRICT, "--call", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{path}: field 'criteria[*].weight': the weights must sum to 1 (±1e-09); they sum to "
        "1.05 (0.3 + 0.15 + 0.15 + 0.15 + 0.2 + 0.1)"
    )
    data["criteria"][0]["weight"] = 0.25
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = runner.invoke(app, ["rank", DISTRICT, "--call", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}: field 'applicants[0].company': no company 'ghost-firm' in the district file",
        f"{path}: 1 problem(s) found",
    ]
    assert "Traceback" not in result.output


def test_rank_usage_errors_exit_2():
    assert runner.invoke(app, ["rank", DISTRICT]).exit_code == 2  # --call missing
    result = runner.invoke(app, ["rank", DISTRICT, "--call", CALL, "--method", "electre"])
    assert result.exit_code == 2


def test_optimize_demo_json_is_optimal_with_closure_before_and_after():
    result = runner.invoke(
        app,
        ["optimize", DISTRICT, "--objective", "co2", "--max-distance", "20", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["format"] == "ecodistrict/network/1"
    assert (document["status"], document["relative_gap"]) == ("OPTIMAL", 0.0)
    assert all(e["distance_km"] <= 20 for e in document["exchanges"])
    before, after = document["closure_before_pct"], document["closure_after_pct"]
    assert set(before) == {"matter", "energy", "water", "waste"}
    assert all(after[k] >= before[k] for k in before if before[k] is not None)


def test_optimize_minimum_size_table():
    result = runner.invoke(app, ["optimize", DISTRICT, "--min-size", "100"])
    assert result.exit_code == 0, result.output
    assert "Stato / status: OPTIMAL" in result.stdout
    assert runner.invoke(app, ["optimize", DISTRICT, "--objective", "money"]).exit_code == 2


def test_settle_demo_json_is_a_scenario_document(tmp_path):
    result = runner.invoke(
        app,
        ["settle", DISTRICT, "--call", CALL, "--lots", LOTS, "--time-limit", "20",
         "--format", "json", "--name", "base"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["format"] == "ecodistrict/scenario/1"
    assert document["name"] == "base"
    assert document["settlement"]["status"] == "OPTIMAL"
    assert len(document["settled"]) == 6  # six lots, seven eligible applicants
    assert "acetaia-botticella-sognata" not in document["settled"]
    assert set(document["closure_potential_pct"]) == {"matter", "energy", "water", "waste"}
    assert "closure_material_pct" in document["district_indicators"]


def test_settle_lots_too_small_exits_1_with_an_explanation(tmp_path):
    data = yaml.safe_load(Path(LOTS).read_text(encoding="utf-8"))
    for item in data["lots"]:
        item["area_m2"] = 100
    path = tmp_path / "lots.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = runner.invoke(app, ["settle", DISTRICT, "--call", CALL, "--lots", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(
        f"{path}: no applicant fits any lot: the largest lot ('l01') has 100 m2 and the smallest "
        "need is 1500 m2 ('officina-truciolo-d-oro')"
    )


def test_settle_contradictory_fixed_choices_exit_1(tmp_path):
    data = yaml.safe_load(Path(LOTS).read_text(encoding="utf-8"))
    data["fixed"] = [
        {"company": "coccio-recuperi", "choice": "in"},
        {"company": "coccio-recuperi", "choice": "out"},
    ]
    path = tmp_path / "lots.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = runner.invoke(app, ["settle", DISTRICT, "--call", CALL, "--lots", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{path}: field 'fixed[1]': 'coccio-recuperi' is forced out and, by fixed[0], in"
    )
    assert runner.invoke(app, ["settle", DISTRICT, "--call", CALL]).exit_code == 2


def test_demo_call_and_lots_are_printed():
    call = runner.invoke(app, ["demo-call"])
    lots = runner.invoke(app, ["demo-lots"])
    assert call.exit_code == lots.exit_code == 0
    assert yaml.safe_load(call.stdout)["format"] == "ecodistrict/call/1"
    assert yaml.safe_load(lots.stdout)["format"] == "ecodistrict/lots/1"


def test_call_and_lots_schemas_are_printed():
    call = json.loads(runner.invoke(app, ["call-schema"]).stdout)
    lots = json.loads(runner.invoke(app, ["lots-schema"]).stdout)
    assert call["title"] == "CallFile"
    assert call["additionalProperties"] is False
    assert set(call["required"]) == {"format", "call", "applicants", "criteria"}
    assert lots["title"] == "LotsFile"
    assert set(lots["required"]) == {"format", "area", "lots"}


def test_compare_saved_scenarios(tmp_path):
    base = runner.invoke(
        app,
        ["settle", DISTRICT, "--call", CALL, "--lots", LOTS, "--format", "json", "--name", "base"],
    )
    data = yaml.safe_load(Path(LOTS).read_text(encoding="utf-8"))
    data["fixed"] = [{"company": "coccio-recuperi", "choice": "out"}]
    lots_path = tmp_path / "lots.yaml"
    lots_path.write_text(yaml.safe_dump(data), encoding="utf-8")
    forced = runner.invoke(
        app,
        ["settle", DISTRICT, "--call", CALL, "--lots", str(lots_path), "--format", "json",
         "--name", "no-recycler"],
    )  # fmt: skip
    assert base.exit_code == forced.exit_code == 0, base.output + forced.output
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(base.stdout, encoding="utf-8")
    second.write_text(forced.stdout, encoding="utf-8")
    result = runner.invoke(app, ["compare-scenarios", str(first), str(second), "--format", "json"])
    assert result.exit_code == 0, result.output
    compared = json.loads(result.stdout)
    assert compared["scenarios"] == ["base", "no-recycler"]
    assert json.loads(first.read_text())["settled"]["coccio-recuperi"]
    assert "coccio-recuperi" in compared["only_in_a"]
    recycler = next(r for r in compared["who"] if r["applicant"] == "coccio-recuperi")
    assert (recycler["b"], recycler["same"]) == (None, False)
    table = runner.invoke(app, ["compare-scenarios", str(first), str(second)])
    assert table.exit_code == 0
    assert "closure potential — matter %" in table.stdout


def test_compare_refuses_a_document_that_is_not_a_scenario(tmp_path):
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"format": "ecodistrict/network/1"}), encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    result = runner.invoke(app, ["compare-scenarios", str(wrong), str(wrong)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{wrong}: field 'format': expected 'ecodistrict/scenario/1', found 'ecodistrict/network/1'"
    )
    result = runner.invoke(app, ["compare-scenarios", str(broken), str(wrong)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{broken}: not valid JSON: ")
