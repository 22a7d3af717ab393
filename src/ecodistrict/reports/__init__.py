"""Reports: the positioning report of a firm, the district report for the PUG, open data.

Plain data in (a district file, indicator results, matches, optional ranking and settlement
documents), plain data out (a dict per report), rendered to HTML and Markdown with the Jinja2
templates of this package and to PDF with WeasyPrint. Charts are SVG strings (`charts.py`).
"""

from ecodistrict.reports.company import build_company_report
from ecodistrict.reports.district import (
    build_district_report,
    division_distributions,
    recommended_conditionalities,
)
from ecodistrict.reports.format import format_number, format_value
from ecodistrict.reports.labels import LABELS, LANGUAGES, labels_for
from ecodistrict.reports.opendata import (
    LICENCE,
    build_open_data,
    firm_code,
    open_data_zip,
    write_open_data,
)
from ecodistrict.reports.render import render_html, render_markdown, render_pdf

__all__ = [
    "LABELS",
    "LANGUAGES",
    "LICENCE",
    "build_company_report",
    "build_district_report",
    "build_open_data",
    "division_distributions",
    "firm_code",
    "format_number",
    "format_value",
    "labels_for",
    "open_data_zip",
    "recommended_conditionalities",
    "render_html",
    "render_markdown",
    "render_pdf",
    "write_open_data",
]
