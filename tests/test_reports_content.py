"""The report data and its HTML and Markdown renderings (no PDF: fast)."""

from __future__ import annotations

import json
import statistics
from importlib.resources import files
from pathlib import Path

import pytest

from ecodistrict.domain.models import DistrictFile
from ecodistrict.indicators import compute_indicators
from ecodistrict.io.district_file import load_district_file
from ecodistrict.matching import match_district
from ecodistrict.reports import (
    build_company_report,
    build_district_report,
    format_number,
    format_value,
    recommended_conditionalities,
    render_html,
    render_markdown,
)
from ecodistrict.reports.charts import MapPoint, map_svg

SMALL = Path(__file__).resolve().parents[1] / "web/companies/tests/data/small-district.yaml"
DEMO = Path(str(files("ecodistrict") / "data/demo/formigine-demo.yaml"))


@pytest.fixture(scope="module")
def demo() -> DistrictFile:
    return load_district_file(DEMO)


def test_numbers_are_formatted_per_language():
    assert format_number(12345.678, "it") == "12.345,7"
    assert format_number(12345.678, "en") == "12,345.7"
    assert format_number(-0.01, "it") == "0,0"
    assert format_number(None, "it") == "–"
    assert format_value(3.0, "count", "it") == "3"
    assert format_value(0.21428, "-", "en") == "0.214"
    assert format_value(50, "%", "it") == "50,0 %"


def test_a_firm_without_flows_gets_a_report_saying_what_is_missing():
    data = load_district_file(SMALL).model_dump(mode="json", exclude_none=True)
    data["companies"].append(
        {"id": "nuova", "name": "Nuova S.r.l.", "ateco": "25.11",
         "location": {"lat": 44.57, "lon": 10.84}, "flows": []}
    )  # fmt: skip
    district = DistrictFile.model_validate(data)
    report = build_company_report(district, "nuova", data_date="2026-10-31")
    names = {m["name"] for m in report["missing"]}
    assert "Ingressi circolari" in names
    assert "Uscite circolari" in names
    html = render_html(report)
    assert "L&#39;impresa non ha dichiarato alcun flusso." in html
    assert "Dati mancanti" in html
    assert "nessun ingresso di materia dichiarato" in html  # the library's reason, in Italian
    english = build_company_report(district, "nuova", lang="en")
    assert {m["reason"] for m in english["missing"]} >= {"no material inflows declared"}


def test_company_report_in_english_and_its_opportunities_hide_the_partner():
    district = load_district_file(SMALL)
    matches = match_district(district)
    report = build_company_report(
        district, "ceramica-alfa", lang="en", matches=matches, data_date="2026-10-31"
    )
    html = render_html(report)
    assert "Positioning report" in html
    assert "Every figure: indicator set formigine-2026 v1.0, data as of 2026-10-31." in html
    rows = report["opportunities"]["as_supplier"] + report["opportunities"]["as_receiver"]
    assert len(rows) == len(matches.for_supplier("ceramica-alfa")) + len(
        matches.for_receiver("ceramica-alfa")
    )
    partner_texts = {
        f.description for c in district.companies if c.id != "ceramica-alfa" for f in c.flows
    }
    for row in rows:
        assert row["partner"].startswith("ATECO ")
        for reason in row["reasons"]:
            for description in partner_texts:
                assert f"'{description}'" not in reason
    for company in district.companies[1:]:
        assert company.name not in html


def test_commitments_show_progress():
    district = load_district_file(SMALL)
    report = build_company_report(
        district,
        "ceramica-alfa",
        data_date="2026-10-31",
        commitments=[
            {"indicator": "circular_inflow_pct", "baseline": 0.5, "target": 10,
             "deadline": "2028-12-31"},
            {"indicator": "landfill_outflow_pct", "baseline": 100, "target": 50,
             "deadline": "2025-12-31"},
            {"indicator": "circular_outflow_pct", "baseline": 0, "target": 0,
             "deadline": "2027-12-31", "title": "Nessun peggioramento"},
        ],
    )  # fmt: skip
    rows = report["commitments"]
    assert [r["status"] for r in rows] == ["in corso", "in ritardo", "raggiunto"]
    assert rows[0]["current"] == "0,5 %"
    assert rows[0]["target"] == "10,0 %"
    assert rows[2]["title"] == "Nessun peggioramento"


def test_district_report_markdown_has_every_section_and_figure(demo):
    results = compute_indicators(demo)
    report = build_district_report(demo, results=results, data_date="2026-10-31")
    text = render_markdown(report)
    closure = format_value(results.district["closure_waste_pct"].value, "%", "it")
    assert f"| Rifiuti | {closure} |" in text
    for heading in ("## 1. Indicatori del distretto", "## 2. Chiusura dei cicli",
                    "## 3. Mappa", "## 4. Flussi per ciclo", "## 5. Banca dati",
                    "## 6. Requisiti", "## 7. Scenario", "## 8. Condizionalità"):  # fmt: skip
        assert heading in text
    assert text.count("<svg") == 1 + 1 + 4  # closure bars, map, four Sankeys
    assert "formigine-2026 v1.0" in text


def test_division_distributions_need_three_firms(demo):
    results = compute_indicators(demo)
    report = build_district_report(demo, results=results)
    divisions = {d["division"]: d for d in report["distributions"]}
    counts: dict[str, int] = {}
    for company in demo.companies:
        counts[company.ateco[:2]] = counts.get(company.ateco[:2], 0) + 1
    shown = {k for k, n in counts.items() if n >= 3}
    assert {k.split()[1] for k in divisions if k.startswith("ATECO")} == shown
    # the minimum, median and maximum of division 23's circular inflow, as printed
    members = [c.id for c in demo.companies if c.ateco.startswith("23")]
    values = [
        v for cid in members if (v := results.companies[cid]["circular_inflow_pct"].value)
        is not None
    ]  # fmt: skip
    row = next(
        r for d in report["distributions"] if d["division"].startswith("ATECO 23 ")
        for r in d["rows"] if r["key"] == "circular_inflow_pct"
    )  # fmt: skip
    assert row["n"] == len(values)
    assert row["median"] == format_value(statistics.median(values), "%", "it")
    assert row["min"] == format_value(min(values), "%", "it")


def test_only_consenting_firms_are_named(demo):
    chosen = demo.companies[0]
    report = build_district_report(demo, consenting={chosen.id})
    html = render_html(report)
    assert chosen.name in html
    assert all(c.name not in html for c in demo.companies[1:])


def test_conditionalities_sit_at_the_district_median():
    district = load_district_file(SMALL)
    results = compute_indicators(district)
    rules = {r["key"]: r for r in recommended_conditionalities(district, results, "it")}
    # landfill outflow of the three firms: its median, "at most"
    landfill = [v["landfill_outflow_pct"].value for v in results.companies.values()]
    assert rules["landfill_outflow_pct"]["comparison"] == "at_most"
    assert rules["landfill_outflow_pct"]["threshold"] == statistics.median(landfill)
    assert "circular_inflow_pct" not in rules  # only two firms have a value
    assert rules["complete_data"]["basis"] == "0 imprese su 3 oggi li hanno tutti"


def test_ranking_and_settlement_documents_are_rendered(demo, tmp_path):
    ranking = {
        "format": "ecodistrict/ranking/1",
        "call": "call-x",
        "applicants": ["a-firm", "b-firm"],
        "requirements": [{"id": "r", "label_it": "Assessment validato", "label_en": "Validated",
                          "indicator": "assessment_validated", "operator": "==",
                          "threshold": 1.0}],
        "eligibility": {"eligible": ["a-firm"], "excluded": ["b-firm"]},
        "ranking": {"method": "weighted-sum", "normalisation": "min-max",
                    "criteria": [{"id": "c", "indicator": "circularity_pct",
                                  "direction": "benefit", "weight": 0.25,
                                  "label_it": "Circolarità", "label_en": "Circularity"}],
                    "ranking": [{"applicant": "a-firm", "rank": 1, "score": 0.9}]},
    }  # fmt: skip
    scenario = {
        "format": "ecodistrict/scenario/1",
        "name": "base",
        "settlement": {"status": "OPTIMAL", "not_settled": {"b-firm": "not eligible"}},
        "settled": {"a-firm": "l01"},
        "district_indicators": {"closure_material_pct": 3.28},
        "closure_potential_pct": {"matter": 22.0},
    }
    report = build_district_report(
        demo, ranking=ranking, settlement=scenario, consenting={"a-firm"}
    )
    assert report["selection"]["ranking"] == [{"rank": 1, "applicant": "a-firm", "score": "0,900"}]
    assert report["selection"]["excluded"] == ["Impresa A02"]
    assert report["settlement"]["settled"] == [{"applicant": "a-firm", "lot": "l01"}]
    assert report["settlement"]["not_settled"] == [
        {"applicant": "Impresa A02", "reason": "not eligible"}
    ]
    html = render_html(report)
    assert "Circolarità" in html and "0,25" in html and "OPTIMAL" in html
    assert "3,3 %" in html  # the scenario's material closure
    json.dumps(report, default=str)  # plain data


def test_map_projects_latitude_and_longitude():
    svg = map_svg(
        [MapPoint(44.0, 10.0, "A"), MapPoint(44.1, 10.0, ""), MapPoint(44.0, 10.1, "")],
        [(0, 1, 5.0)],
        "map",
    )
    assert svg.startswith("<svg") and svg.count("<circle") == 3 and svg.count("<line") == 2
    assert ">A</text>" in svg


def test_coded_values_of_the_flows_are_named_in_the_reports_language():
    district = load_district_file(SMALL)
    rows = {
        lang: [row["where"] for row in build_company_report(district, "ceramica-alfa", lang=lang)[
            "flows"
        ]]
        for lang in ("it", "en")
    }  # fmt: skip
    # Alfa: clays (virgin), gas (virgin), chamotte (recycled, from a district firm), fired scrap
    # (waste to landfill).
    assert rows["it"][:4] == [
        "vergine",
        "vergine",
        "riciclata (da impresa del distretto)",
        "rifiuto / discarica",
    ]
    assert rows["en"][:4] == [
        "virgin",
        "virgin",
        "recycled (from a district firm)",
        "waste / landfill",
    ]
