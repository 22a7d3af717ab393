"""The `ecodistrict` command line.

Exit codes (CONTRACT.md): 0 success, 1 invalid input (messages on standard error, no traceback),
2 wrong usage. `--format json` prints one JSON document on standard output.

`serve` and `import` need the web platform. They import it lazily, inside the command, so that the
library itself never imports Django (a test checks this).
"""

from __future__ import annotations

import importlib
import json
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ecodistrict import __version__
from ecodistrict.cli_codes import codes_app
from ecodistrict.cli_common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, refuse, report_or_exit
from ecodistrict.cli_position import position
from ecodistrict.cli_report import register as register_report_commands
from ecodistrict.cli_selection import register as register_selection_commands
from ecodistrict.domain.models import district_json_schema
from ecodistrict.io.district_file import validate_district_file
from ecodistrict.units import normalise_quantity


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


app = typer.Typer(
    name="ecodistrict",
    help="Circular industrial districts: validate district files, compute, serve the platform.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(codes_app, name="codes", help="Code lists: EWC/EER wastes, ATECO, R/D operations.")
app.command("position")(position)
register_selection_commands(app)  # rank, optimize, settle, compare-scenarios, demo and schema files
register_report_commands(app)  # report company, report district, opendata

FileArg = Annotated[str, typer.Argument(help="District file (JSON or YAML); '-' reads stdin.")]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", help="table or json")]


def _stdout() -> Console:
    return Console(soft_wrap=True)


@app.command()
def validate(file: FileArg, output: FormatOpt = OutputFormat.table) -> None:
    """Check a district file and print every problem found, not only the first."""
    report = validate_district_file(file)
    if output is OutputFormat.json:
        document: dict[str, Any] = {
            "format": "ecodistrict/validation/1",
            "source": report.source,
            "valid": report.ok,
            "problems": [p.as_dict() for p in report.problems],
        }
        if report.district is not None:
            document["companies"] = len(report.district.companies)
            document["flows"] = sum(len(c.flows) for c in report.district.companies)
        print(json.dumps(document, ensure_ascii=False, indent=2))
        raise typer.Exit(EXIT_OK if report.ok else EXIT_INVALID)
    if not report.ok:
        refuse(report.source, report.problems)
    assert report.district is not None
    district = report.district
    flows = sum(len(c.flows) for c in district.companies)
    links = sum(1 for c in district.companies for f in c.flows if f.supplied_by is not None)
    _stdout().print(
        f"{report.source}: valid ecodistrict/1 file — district '{district.district.name}', "
        f"{len(district.companies)} companies, {flows} flows, {links} exchanges in place"
    )


@app.command()
def schema() -> None:
    """Print the JSON Schema of the district file."""
    print(json.dumps(district_json_schema(), ensure_ascii=False, indent=2))


@app.command()
def flows(file: FileArg, output: FormatOpt = OutputFormat.table) -> None:
    """List every flow with its quantity normalised to t/yr, MWh/yr, m3/yr (or h/yr)."""
    report = report_or_exit(file)
    assert report.district is not None
    rows: list[dict[str, Any]] = []
    table = Table("company", "flow", "dir", "kind", "EWC", "declared", "normalised")
    for company in report.district.companies:
        for flow in company.flows:
            normalised = normalise_quantity(flow.quantity, flow.unit, flow.kind)
            rows.append(
                {
                    "company": company.id,
                    "flow": flow.id,
                    "direction": flow.direction,
                    "kind": flow.kind,
                    "ewc": flow.ewc,
                    "quantity": {"value": flow.quantity, "unit": flow.unit},
                    "normalised": {"value": normalised.value, "unit": normalised.unit},
                }
            )
            table.add_row(
                company.id,
                flow.id,
                flow.direction,
                flow.kind,
                flow.ewc or "",
                f"{flow.quantity:g} {flow.unit}",
                f"{normalised.value:.6g} {normalised.unit}",
            )
    if output is OutputFormat.json:
        print(json.dumps({"format": "ecodistrict/flows/1", "flows": rows}, indent=2))
        return
    _stdout().print(table)


@app.command()
def indicators(
    file: FileArg,
    output: FormatOpt = OutputFormat.table,
    indicator_set: Annotated[
        str,
        typer.Option("--set", help="Indicator set: a shipped name or a YAML file path."),
    ] = "formigine-2026",
) -> None:
    """Indicators of every company and of the district."""
    from ecodistrict.indicators import IndicatorSetError, compute_indicators, load_indicator_set

    report = report_or_exit(file)
    assert report.district is not None
    try:
        chosen = load_indicator_set(indicator_set)
    except IndicatorSetError as exc:
        for problem in exc.problems:
            sys.stderr.write(f"{indicator_set}: {problem}\n")
        raise typer.Exit(EXIT_INVALID) from None
    results = compute_indicators(report.district, chosen)
    if output is OutputFormat.json:
        print(json.dumps(results.to_document(), ensure_ascii=False, indent=2))
        return
    console = _stdout()
    company_keys = chosen.keys("company")
    for dimension in ("circular_performance", "territorial_integration", "industrial_symbiosis"):
        keys = [k for k in company_keys if chosen.definition(k).dimension == dimension]
        if not keys:
            continue
        table = Table(
            "company",
            *(f"{k}\n[{chosen.definition(k).unit}]" for k in keys),
            title=f"{chosen.label} — {dimension.replace('_', ' ')}",
        )
        for company_id, values in results.companies.items():
            table.add_row(company_id, *(_shown(values[k].value) for k in keys))
        console.print(table)
    district_table = Table("district indicator", "value", "unit", "note", title=chosen.label)
    for key, value in results.district.items():
        definition = chosen.definition(key)
        district_table.add_row(key, _shown(value.value), definition.unit, value.reason or "")
    console.print(district_table)


@app.command()
def match(
    file: FileArg,
    top: Annotated[int, typer.Option("--top", min=1, max=100, help="Best K per output.")] = 5,
    max_distance_km: Annotated[
        float | None,
        typer.Option("--max-distance", min=0, help="Hard maximum road distance (km)."),
    ] = None,
    output: FormatOpt = OutputFormat.table,
    lang: Annotated[str, typer.Option("--lang", help="Language of the reasons: en or it.")] = "en",
) -> None:
    """Symbiosis matches: the best K receivers of every output, with reasons and impact."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from ecodistrict.matching import match_district
    from ecodistrict.matching.results import write_matches_json

    if lang not in ("en", "it"):
        sys.stderr.write("--lang is 'en' or 'it'\n")
        raise typer.Exit(EXIT_USAGE)
    report = report_or_exit(file)
    assert report.district is not None
    district = report.district
    outputs = sum(1 for c in district.companies for f in c.flows if f.direction == "out")
    progress_bar = Progress(
        TextColumn("matching outputs"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=outputs < 1000,  # a bar only where it helps: large files
        # Redrawn at each finished chunk, without rich's refresh thread: matching forks one
        # process per core only from a program that runs no other thread.
        auto_refresh=False,
    )
    with progress_bar:
        task = progress_bar.add_task("match", total=outputs)

        def advance(done: int, total: int) -> None:
            progress_bar.update(task, completed=done, total=total)
            progress_bar.refresh()

        if output is OutputFormat.json:
            # Streamed chunk by chunk: a district of 100,000 firms never holds all its matches.
            write_matches_json(
                district, sys.stdout, top_k=top, max_distance_km=max_distance_km, progress=advance
            )
            return
        results = match_district(
            district, top_k=top, max_distance_km=max_distance_km, progress=advance
        )
    table = Table(
        "supplier / output", "receiver / input", "rank", "score", "basis", "km", "quantity",
        "CO2 t/yr", "first reason", title=f"{len(results.matches)} matches",
    )  # fmt: skip
    for found in results.matches:
        table.add_row(
            f"{found.supplier} / {found.supplier_flow}",
            f"{found.receiver} / {found.receiver_flow or '—'}",
            str(found.rank),
            f"{found.score:.3f}",
            found.basis,
            _shown(found.distance_km),
            f"{_shown(found.quantity_value)} {found.quantity_unit}",
            _shown(found.impact.co2_avoided_t_per_yr),
            found.reasons(lang)[0] if found.reasons(lang) else "",
        )
    _stdout().print(table)


def _shown(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.3g}"


@app.command("demo-file")
def demo_file() -> None:
    """Print the embedded demo district file (illustrative data, fictitious companies)."""
    from importlib.resources import files

    sys.stdout.write((files("ecodistrict") / "data/demo/formigine-demo.yaml").read_text("utf-8"))


class TemplateLanguage(StrEnum):
    it = "it"
    en = "en"


@app.command()
def template(
    output: Annotated[
        str, typer.Option("-o", "--output", help="Where to write the .xlsx; '-' is stdout.")
    ] = "modello-assessment.xlsx",
    lang: Annotated[
        TemplateLanguage, typer.Option("--lang", help="Language of the instructions: it or en.")
    ] = TemplateLanguage.it,
) -> None:
    """Write the offline Excel template of the profiling assessment."""
    from ecodistrict.io.excel_template import build_assessment_workbook

    data = build_assessment_workbook(lang.value)
    if output == "-":
        sys.stdout.buffer.write(data)
        return
    with open(output, "wb") as handle:
        handle.write(data)
    sys.stderr.write(f"{output}: template written ({lang.value})\n")


def _web_commands() -> Any:
    try:
        return importlib.import_module("ecodistrict_web.commands")
    except ImportError as exc:  # pragma: no cover - only when installed without the web half
        sys.stderr.write(f"the web platform is not installed: {exc}\n")
        raise typer.Exit(EXIT_USAGE) from None


@app.command("import")
def import_(
    file: FileArg,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace a district of the same name.")
    ] = False,
) -> None:
    """Load a district file into the platform's database: all of it or nothing."""
    raise typer.Exit(_web_commands().import_file(file, replace=replace))


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    demo: Annotated[
        bool, typer.Option("--demo", help="Load the demo district and accounts into an empty DB.")
    ] = False,
) -> None:
    """Serve the web platform (SQLite unless DATABASE_URL names another database)."""
    raise typer.Exit(_web_commands().serve(host=host, port=port, demo=demo))


def _version_callback(value: bool) -> None:
    if value:
        print(f"ecodistrict {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True, help="Show version."),
    ] = False,
) -> None:
    """ecodistrict: open platform for circular industrial districts."""


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
