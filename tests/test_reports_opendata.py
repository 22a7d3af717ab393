"""Open data: anonymised, documented, licensed; and the report commands of the CLI."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from importlib.resources import files
from pathlib import Path

from typer.testing import CliRunner

from ecodistrict.cli import app
from ecodistrict.indicators import compute_indicators
from ecodistrict.io.district_file import load_district_file
from ecodistrict.reports import build_open_data, firm_code, open_data_zip
from ecodistrict.reports.opendata import DICTIONARY

SMALL = Path(__file__).resolve().parents[1] / "web/companies/tests/data/small-district.yaml"
DEMO = Path(str(files("ecodistrict") / "data/demo/formigine-demo.yaml"))


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def test_open_data_holds_no_name_id_or_description():
    district = load_district_file(DEMO)
    out = build_open_data(district, seed="secret", data_date="2026-10-31")
    everything = b"\n".join(out.values()).decode("utf-8")
    for company in district.companies:
        assert company.name not in everything
        assert f",{company.id}," not in everything and f'"{company.id}"' not in everything
    flows = _rows(out["flows.csv"])
    assert len(flows) == sum(len(c.flows) for c in district.companies)
    assert {row["firm_code"] for row in flows} == {
        firm_code(c.id, "secret") for c in district.companies if c.flows
    }
    for row in flows:
        assert len(row["ateco_division"]) == 2
        assert len(row["lat"].split(".")[1]) <= 2 and len(row["lon"].split(".")[1]) <= 2


def test_firm_codes_are_seeded():
    assert firm_code("ceramica-alfa", "a") == firm_code("ceramica-alfa", "a")
    assert firm_code("ceramica-alfa", "a") != firm_code("ceramica-alfa", "b")
    assert firm_code("ceramica-alfa", "a").startswith("F-") and len(firm_code("x", "a")) == 10


def test_open_data_indicators_and_exchanges():
    district = load_district_file(SMALL)
    results = compute_indicators(district)
    out = build_open_data(district, seed="s", results=results, data_date="2026-10-31")
    rows = {r["indicator"]: r for r in _rows(out["indicators-district.csv"])}
    assert float(rows["closure_material_pct"]["value"]) == round(
        results.district["closure_material_pct"].value, 6
    )
    assert rows["closure_material_pct"]["indicator_set"] == "formigine-2026 v1.0"
    document = json.loads(out["indicators-district.json"])
    assert document["licence"] == "CC-BY-4.0"
    assert document["data_date"] == "2026-10-31"
    # two exchanges in place, each pointing at the supplier's code
    linked = [r for r in _rows(out["flows.csv"]) if r["supplied_by_firm_code"]]
    assert sorted(r["supplied_by_firm_code"] for r in linked) == sorted(
        [firm_code("ceramica-beta", "s"), firm_code("ceramica-alfa", "s")]
    )
    # three firms in three divisions... only division 23 has two: below 3, nothing published
    assert _rows(out["indicators-divisions.csv"]) == []
    assert "CC BY 4.0" in out["README.md"].decode() and "CC BY 4.0" in out["LICENSE.txt"].decode()


def test_data_dictionary_covers_every_column():
    district = load_district_file(DEMO)
    out = build_open_data(district, seed="s")
    described = {(f, c) for f, c, *_ in DICTIONARY}
    for name in ("indicators-district", "indicators-divisions", "flows"):
        header = out[f"{name}.csv"].decode().splitlines()[0].split(",")
        assert {(name, column) for column in header} <= described
    assert len(_rows(out["data-dictionary.csv"])) == len(DICTIONARY)
    archive = zipfile.ZipFile(io.BytesIO(open_data_zip(out)))
    assert sorted(archive.namelist()) == sorted(out)


def test_cli_report_commands(tmp_path):
    runner = CliRunner()
    pdf = tmp_path / "alfa.pdf"
    result = runner.invoke(
        app,
        ["report", "company", str(SMALL), "--company", "ceramica-alfa", "-o", str(pdf),
         "--lang", "en", "--data-date", "2026-10-31"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF-")
    md = tmp_path / "district.md"
    result = runner.invoke(
        app, ["report", "district", str(SMALL), "-o", str(md), "--format", "md",
              "--data-date", "2026-10-31"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "dati al 2026-10-31" in md.read_text("utf-8")
    result = runner.invoke(app, ["opendata", str(SMALL), "-o", str(tmp_path / "od")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "od" / "flows.csv").exists()
    assert (tmp_path / "od" / "data-dictionary.csv").exists()


def test_cli_refuses_bad_input(tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        app, ["report", "company", str(SMALL), "--company", "nobody", "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == 1
    assert "no company with id 'nobody'" in result.output
    assert not (tmp_path / "x").exists()
    bad = tmp_path / "rank.json"
    bad.write_text('{"format": "something/else"}')
    result = runner.invoke(
        app, ["report", "district", str(SMALL), "-o", str(tmp_path / "y"), "--ranking", str(bad)]
    )
    assert result.exit_code == 1
    assert "expected a document with format 'ecodistrict/ranking/1'" in result.output
    result = runner.invoke(
        app, ["report", "district", str(SMALL), "-o", str(tmp_path / "y"), "--data-date", "x"]
    )
    assert result.exit_code == 2
