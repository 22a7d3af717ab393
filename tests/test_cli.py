"""The command line: contract exit codes, stdin, JSON output, no traceback on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecodistrict.cli import app

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def test_validate_valid_file_exits_0():
    result = runner.invoke(app, ["validate", str(DATA / "valid-small.yaml")])
    assert result.exit_code == 0, result.output
    assert "2 companies, 6 flows, 1 exchanges in place" in result.stdout


def test_validate_reads_stdin(small_text):
    result = runner.invoke(app, ["validate", "-"], input=small_text)
    assert result.exit_code == 0
    assert "<stdin>: valid ecodistrict/1 file" in result.stdout


def test_validate_prints_every_problem_and_exits_1(small_data, tmp_path):
    small_data["companies"][0]["flows"][0]["ewc"] = "99 99 99"
    small_data["companies"][1]["flows"][1]["unit"] = "kWh/yr"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(small_data), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"{path}: company 'ceramica-alfa', flow 'fired-scrap', field 'ewc': EWC code '99 99 99' "
        "is not in the European List of Waste",
        f"{path}: company 'ceramica-beta', flow 'process-water', field 'unit': unit 'kWh/yr' is "
        "the wrong dimension for a water flow; use a volume per time, e.g. m3/yr or L/day",
        f"{path}: 2 problem(s) found",
    ]
    assert result.stdout == ""


def test_validate_json_output(small_data):
    small_data["companies"][0]["flows"][1]["quantity"] = -3
    result = runner.invoke(app, ["validate", "-", "--format", "json"], input=json.dumps(small_data))
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["format"] == "ecodistrict/validation/1"
    assert document["valid"] is False
    assert [(p["company"], p["flow"], p["field"]) for p in document["problems"]] == [
        ("ceramica-alfa", "clays", "quantity")
    ]


def test_validate_missing_file_exits_1():
    result = runner.invoke(app, ["validate", "/nonexistent/district.yaml"])
    assert result.exit_code == 1
    assert "file not found: /nonexistent/district.yaml" in result.stderr


@pytest.mark.parametrize(
    "args", [["validate"], ["no-such-command"], ["validate", "x", "--format", "xml"]]
)
def test_wrong_usage_exits_2(args):
    assert runner.invoke(app, args).exit_code == 2


def test_schema_is_the_json_schema_of_the_file():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "ecodistrict district file"
    assert schema["required"] == ["format", "district"]
    assert schema["properties"]["format"]["const"] == "ecodistrict/1"
    flow = schema["$defs"]["Flow"]
    assert flow["additionalProperties"] is False
    assert flow["properties"]["direction"]["enum"] == ["in", "out"]


def test_flows_lists_normalised_quantities():
    result = runner.invoke(app, ["flows", str(DATA / "valid-small.yaml"), "--format", "json"])
    assert result.exit_code == 0
    rows = {(r["company"], r["flow"]): r for r in json.loads(result.stdout)["flows"]}
    assert rows[("ceramica-alfa", "gas")]["normalised"] == {"value": 9792.5, "unit": "MWh/yr"}
    assert rows[("ceramica-beta", "process-water")]["normalised"]["value"] == pytest.approx(9.13125)


def test_installed_console_script_has_no_traceback_on_garbage(tmp_path):
    path = tmp_path / "garbage.yaml"
    path.write_bytes(b"\xff\xfe\x00 not utf8")
    proc = subprocess.run(
        [sys.executable, "-m", "ecodistrict.cli", "validate", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "not UTF-8 text" in proc.stderr


def test_library_never_imports_django():
    code = (
        "import sys, ecodistrict, ecodistrict.cli, ecodistrict.codes, ecodistrict.io, "
        "ecodistrict.units, ecodistrict.domain; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django'"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
