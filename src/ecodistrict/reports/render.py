"""HTML, Markdown and PDF from the report data, through the Jinja2 templates of this package.

The templates live in `ecodistrict/reports/templates/` (Jinja2, not Django: the library never
imports Django); the web serves the same HTML and the same PDF. SVG charts are inlined as they
are: WeasyPrint draws them as vector graphics.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

TEMPLATES = {"company": "company.html", "district": "district.html"}


@cache
def _environment(markdown: bool = False) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("ecodistrict.reports", "templates"),
        autoescape=not markdown,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,  # a missing field is a bug, not an empty cell
        keep_trailing_newline=True,
    )


def render_html(report: dict[str, Any]) -> str:
    """The report as one self-contained HTML page (styles and charts inline)."""
    template = _environment().get_template(TEMPLATES[report["kind"]])
    return template.render(**report)


def render_markdown(report: dict[str, Any]) -> str:
    """The district report as Markdown (the editable version); charts as inline SVG."""
    if report["kind"] != "district":
        raise ValueError("only the district report has a Markdown version")
    template = _environment(markdown=True).get_template("district.md")
    return template.render(**report)


def render_pdf(report: dict[str, Any]) -> bytes:
    """The report as PDF (WeasyPrint, imported here: it loads Pango when first used)."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # no stubs shipped

    base = Path(__file__).parent / "templates"
    result = HTML(string=render_html(report), base_url=str(base)).write_pdf()
    assert result is not None
    return bytes(result)
