"""`ecodistrict report company|district` and `ecodistrict opendata`.

Registered in `ecodistrict.cli` by `register(app)`. This module must not import `ecodistrict.cli`
(that module imports this one). Exit codes (CONTRACT.md): 0 success, 1 invalid input (messages
on standard error), 2 wrong usage.
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ecodistrict.cli_common import EXIT_INVALID, district_or_exit

report_app = typer.Typer(
    help="Reports: a firm's positioning report, the district report for the PUG.",
    no_args_is_help=True,
)


class Language(StrEnum):
    it = "it"
    en = "en"


class CompanyFormat(StrEnum):
    pdf = "pdf"
    html = "html"


class DistrictFormat(StrEnum):
    pdf = "pdf"
    html = "html"
    md = "md"


FileArg = Annotated[str, typer.Argument(help="District file (JSON or YAML); '-' reads stdin.")]
LangOpt = Annotated[Language, typer.Option("--lang", help="Language of the report: it or en.")]
DateOpt = Annotated[
    str | None,
    typer.Option(
        "--data-date",
        help="Date of the data (YYYY-MM-DD); default: the file's modification date.",
    ),
]


def _data_date(file: str, given: str | None) -> str:
    if given is not None:
        try:
            return datetime.date.fromisoformat(given).isoformat()
        except ValueError:
            sys.stderr.write(f"--data-date: '{given}' is not a date YYYY-MM-DD\n")
            raise typer.Exit(2) from None
    if file != "-" and os.path.exists(file):
        return datetime.date.fromtimestamp(os.path.getmtime(file)).isoformat()
    return datetime.date.today().isoformat()


def _read_json(path: str | None, option: str) -> Any:
    if path is None:
        return None
    try:
        return json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"{option} {path}: cannot read a JSON document ({exc})\n")
        raise typer.Exit(EXIT_INVALID) from None


def _write(output: str, content: bytes) -> None:
    if output == "-":
        sys.stdout.buffer.write(content)
        return
    Path(output).write_bytes(content)
    sys.stderr.write(f"{output}: written ({len(content)} bytes)\n")


@report_app.command("company")
def report_company(
    file: FileArg,
    company: Annotated[str, typer.Option("--company", "-c", help="Id of the company.")],
    output: Annotated[str, typer.Option("-o", "--output", help="Where to write; '-' is stdout.")],
    lang: LangOpt = Language.it,
    output_format: Annotated[
        CompanyFormat, typer.Option("--format", help="pdf or html")
    ] = CompanyFormat.pdf,
    commitments: Annotated[
        str | None,
        typer.Option("--commitments", help="JSON file: a list of commitments of the firm."),
    ] = None,
    no_matches: Annotated[
        bool, typer.Option("--no-matches", help="Leave out the symbiosis opportunities.")
    ] = False,
    data_date: DateOpt = None,
) -> None:
    """The positioning report of one firm (PDF by default, Italian by default)."""
    from ecodistrict.matching import match_district
    from ecodistrict.reports import build_company_report, render_html, render_pdf

    district = district_or_exit(file)
    if company not in {c.id for c in district.companies}:
        sys.stderr.write(f"{file}: no company with id '{company}'\n")
        raise typer.Exit(EXIT_INVALID)
    given = _read_json(commitments, "--commitments")
    if given is not None and not isinstance(given, list):
        sys.stderr.write(f"--commitments {commitments}: expected a JSON list of objects\n")
        raise typer.Exit(EXIT_INVALID)
    report = build_company_report(
        district,
        company,
        lang=lang.value,
        matches=None if no_matches else match_district(district),
        commitments=given,
        data_date=_data_date(file, data_date),
    )
    if output_format is CompanyFormat.html:
        _write(output, render_html(report).encode("utf-8"))
    else:
        _write(output, render_pdf(report))


@report_app.command("district")
def report_district(
    file: FileArg,
    output: Annotated[str, typer.Option("-o", "--output", help="Where to write; '-' is stdout.")],
    output_format: Annotated[
        DistrictFormat, typer.Option("--format", help="pdf, html or md")
    ] = DistrictFormat.pdf,
    lang: LangOpt = Language.it,
    ranking: Annotated[
        str | None,
        typer.Option("--ranking", help="JSON of `ecodistrict rank --format json` (as adopted)."),
    ] = None,
    settlement: Annotated[
        str | None,
        typer.Option("--settlement", help="JSON of `ecodistrict settle --format json`."),
    ] = None,
    consent: Annotated[
        list[str] | None,
        typer.Option("--consent", help="Id of a firm that consented to be named (repeatable)."),
    ] = None,
    data_date: DateOpt = None,
) -> None:
    """The district report for the PUG's strategy document (PDF, HTML or Markdown)."""
    from ecodistrict.reports import (
        build_district_report,
        render_html,
        render_markdown,
        render_pdf,
    )

    district = district_or_exit(file)
    ranking_doc = _read_json(ranking, "--ranking")
    settlement_doc = _read_json(settlement, "--settlement")
    for option, document, expected in (
        ("--ranking", ranking_doc, "ecodistrict/ranking/1"),
        ("--settlement", settlement_doc, "ecodistrict/scenario/1"),
    ):
        if document is not None and (
            not isinstance(document, dict) or document.get("format") != expected
        ):
            sys.stderr.write(f"{option}: expected a document with format '{expected}'\n")
            raise typer.Exit(EXIT_INVALID)
    report = build_district_report(
        district,
        lang=lang.value,
        ranking=ranking_doc,
        settlement=settlement_doc,
        consenting=frozenset(consent or ()),
        data_date=_data_date(file, data_date),
    )
    if output_format is DistrictFormat.md:
        _write(output, render_markdown(report).encode("utf-8"))
    elif output_format is DistrictFormat.html:
        _write(output, render_html(report).encode("utf-8"))
    else:
        _write(output, render_pdf(report))


def opendata(
    file: FileArg,
    output: Annotated[str, typer.Option("-o", "--output", help="Directory to write into.")],
    seed: Annotated[
        str | None,
        typer.Option(
            "--seed",
            envvar="ECODISTRICT_OPENDATA_SEED",
            help="Secret seed of the anonymous firm codes; keep it to keep the codes next year. "
            "Default: a new random seed (codes change every export).",
        ),
    ] = None,
    data_date: DateOpt = None,
) -> None:
    """Open data: aggregated indicators and anonymised flows (CSV, JSON), CC BY 4.0."""
    from ecodistrict.reports import build_open_data, write_open_data

    district = district_or_exit(file)
    files = build_open_data(
        district, seed=seed or secrets.token_hex(16), data_date=_data_date(file, data_date)
    )
    written = write_open_data(files, Path(output))
    sys.stderr.write(f"{output}: {len(written)} files written (licence CC BY 4.0)\n")


def register(app: typer.Typer) -> None:
    """Add `report company`, `report district` and `opendata` to the main application."""
    app.add_typer(report_app, name="report")
    app.command("opendata")(opendata)
