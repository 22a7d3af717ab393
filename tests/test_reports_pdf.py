"""The generated PDFs, opened: text extracted with pypdf, pages rendered to PNG with poppler's
pdftoppm, and the figures printed checked against the computed indicators.

Each PDF is generated once per module (WeasyPrint takes about a second per page).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from importlib.resources import files
from pathlib import Path

import pytest
from pypdf import PdfReader

from ecodistrict.indicators import compute_indicators
from ecodistrict.io.district_file import load_district_file
from ecodistrict.matching import match_district
from ecodistrict.reports import (
    build_company_report,
    build_district_report,
    format_value,
    render_pdf,
)

SMALL = Path(__file__).resolve().parents[1] / "web/companies/tests/data/small-district.yaml"
DEMO = Path(str(files("ecodistrict") / "data/demo/formigine-demo.yaml"))
DATE = "2026-10-31"


def _text(pdf: Path) -> str:
    """The PDF's text, whitespace collapsed (table cells and line breaks become one space)."""
    raw = "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    return re.sub(r"\s+", " ", raw)


@pytest.fixture(scope="module")
def small():
    district = load_district_file(SMALL)
    return district, compute_indicators(district), match_district(district)


@pytest.fixture(scope="module")
def alfa_pdf(small, tmp_path_factory):
    district, results, matches = small
    report = build_company_report(
        district, "ceramica-alfa", results=results, matches=matches, data_date=DATE
    )
    path = tmp_path_factory.mktemp("pdf") / "alfa.pdf"
    path.write_bytes(render_pdf(report))
    return path


@pytest.fixture(scope="module")
def demo_district_pdf(tmp_path_factory):
    district = load_district_file(DEMO)
    results = compute_indicators(district)
    report = build_district_report(district, results=results, data_date=DATE)
    path = tmp_path_factory.mktemp("pdf") / "district.pdf"
    path.write_bytes(render_pdf(report))
    return path, results


@pytest.fixture(scope="module")
def demo_company_pdf(tmp_path_factory):
    district = load_district_file(DEMO)
    results = compute_indicators(district)
    report = build_company_report(
        district,
        "gres-lunaverde",
        results=results,
        matches=match_district(district),
        data_date=DATE,
    )
    path = tmp_path_factory.mktemp("pdf") / "lunaverde.pdf"
    path.write_bytes(render_pdf(report))
    return path, results


def test_demo_company_pdf_prints_its_standing_among_all_firms(demo_company_pdf):
    path, results = demo_company_pdf
    text = _text(path)
    value = results.company("gres-lunaverde")["circular_inflow_pct"].value
    shown = format_value(value, "%", "it")
    assert shown == "10,6 %"
    # performance percentile 76 among all firms (docs/positioning.md), fourth quartile, 25 peers
    assert f"Ingressi circolari {shown} – (n=2) 76 (Q4, n=25)" in text
    assert "altri" in text and "sono consultabili sulla piattaforma" in text
    others = [c.name for c in load_district_file(DEMO).companies if c.id != "gres-lunaverde"]
    assert [name for name in others if name in text] == []


def test_company_pdf_prints_the_computed_circular_inflow(small, alfa_pdf):
    _, results, _ = small
    text = _text(alfa_pdf)
    value = results.company("ceramica-alfa")["circular_inflow_pct"].value
    # 300 t recycled of 56,300 t of material inflows = 0.533 %, printed with one decimal.
    assert format_value(value, "%", "it") == "0,5 %"
    assert "Ingressi circolari 0,5 % – (n=0) – (n=1) – ≥ 15,0 %" in text
    assert "Rapporto di posizionamento" in text
    assert "Ceramica Alfa S.p.A." in text


def test_company_pdf_carries_the_set_version_and_the_date_on_every_page(alfa_pdf):
    pages = [re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(alfa_pdf).pages]
    assert len(pages) >= 3
    footer = "Ogni valore: set di indicatori formigine-2026 v1.0, dati al 2026-10-31."
    assert all(footer in page for page in pages)


def test_company_pdf_states_what_is_missing(alfa_pdf):
    text = _text(alfa_pdf)
    assert "Dati mancanti" in text
    assert "Circolarità dell'acqua: nessun ingresso d'acqua dichiarato" in text


def test_company_pdf_names_no_partner(small, alfa_pdf):
    district, _, matches = small
    assert matches.for_supplier("ceramica-alfa") or matches.for_receiver("ceramica-alfa")
    text = _text(alfa_pdf)
    for company in district.companies:
        if company.id != "ceramica-alfa":
            assert company.name not in text
            assert company.id not in text
    assert "Opportunità di simbiosi" in text


def test_district_pdf_prints_the_material_closure_ratio(demo_district_pdf):
    path, results = demo_district_pdf
    text = _text(path)
    closure = results.district["closure_material_pct"].value
    shown = format_value(closure, "%", "it")
    assert shown == "3,1 %"  # 12,012 t received from district firms of 382,563.93 t
    assert f"Materia {shown}" in text
    assert "Rapporto del distretto per il documento strategico del PUG" in text
    assert "dati al 2026-10-31" in text
    assert "Non ancora adottati." in text  # no ranking given
    assert "Nessuno scenario insediativo ancora scelto." in text


def test_district_pdf_names_no_firm_without_consent(demo_district_pdf):
    path, _ = demo_district_pdf
    text = _text(path)
    district = load_district_file(DEMO)
    named = [c.name for c in district.companies if c.name in text]
    assert named == []


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("which", ["company", "district"])
def test_pages_render_to_non_blank_png(which, alfa_pdf, demo_district_pdf, tmp_path):
    from PIL import Image

    pdf = alfa_pdf if which == "company" else demo_district_pdf[0]
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == 2
    for png in pngs:
        with Image.open(png) as image:
            low, high = image.convert("L").getextrema()
        assert low < 128 < high  # dark text on a light page, not a blank page
