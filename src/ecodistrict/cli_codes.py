"""`ecodistrict codes ...`: look up EWC/EER, ATECO and R/D codes; load updated Italian EWC text.

Exit codes: 0 ok (also "no match"), 1 invalid input (message on stderr), 2 usage error.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ecodistrict.codes.ateco import (
    ActivityCode,
    check_activity_code,
    normalize_activity_code,
    search_activities,
)
from ecodistrict.codes.ewc import (
    DATA_DIR_ENV,
    EwcCode,
    ItalianImportError,
    ewc_catalogue,
    import_italian_ewc_text,
)
from ecodistrict.codes.recovery import WasteOperation, get_operation, normalize_operation_code

codes_app = typer.Typer(
    help="Look up EWC/EER waste codes, ATECO activity codes and R/D operations.",
    no_args_is_help=True,
    add_completion=False,
)

_MISSING_SHOWN = 10


class Lang(StrEnum):
    it = "it"
    en = "en"


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


class Edition(StrEnum):
    auto = "auto"
    ateco2025 = "2025"
    ateco2022 = "2022"


LimitOption = Annotated[int, typer.Option("--limit", min=1, max=1000, help="Maximum results.")]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="Output format.")]
DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar=DATA_DIR_ENV,
        file_okay=False,
        help=f"Deployment data directory (default: ${DATA_DIR_ENV}).",
    ),
]


def _fail(message: str) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code=1)


def _print_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))


@codes_app.command("ewc")
def ewc_command(
    query: Annotated[
        str, typer.Argument(help="Code, code prefix or words: 101208, 10 12, mattonelle.")
    ],
    lang: Annotated[Lang, typer.Option("--lang", help="Description language.")] = Lang.it,
    limit: LimitOption = 20,
    output: FormatOption = OutputFormat.table,
    headings: Annotated[
        bool, typer.Option("--headings", help="Include chapter and sub-chapter headings.")
    ] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Search the European List of Waste (EWC / EER codes)."""
    text = query.strip()
    if not text:
        _fail("empty query")
    if re.fullmatch(r"[\d\s.\-]+\*?", text) and len(re.sub(r"\D", "", text)) > 6:
        _fail(f"'{text}' is not an EWC code or code prefix (at most six digits)")
    try:
        catalogue = ewc_catalogue(data_dir)
    except ItalianImportError as exc:
        _fail(str(exc))
    rows = catalogue.search(text, lang.value, limit, entries_only=not headings)
    if output is OutputFormat.json:
        _print_json([_ewc_json(row, lang.value) for row in rows])
        return
    if not rows:
        typer.echo(f"No EWC code matches '{text}'.")
        return
    table = Table("Code", "Type", "Description")
    for row in rows:
        description, fallback = row.description_label(lang.value)
        cell = Text(description)
        if fallback:
            cell.append(" (testo inglese)", style="dim")
        table.add_row(row.display_code, _ewc_kind(row), cell)
    Console().print(table)


@codes_app.command("ateco")
def ateco_command(
    query: Annotated[str, typer.Argument(help="A class code (23.31) to check, or Italian words.")],
    limit: LimitOption = 20,
    output: FormatOption = OutputFormat.table,
    edition: Annotated[
        Edition,
        typer.Option("--edition", help="Read codes as: auto (2025, else NACE Rev.2), 2025, 2022."),
    ] = Edition.auto,
) -> None:
    """Check an ATECO 2025 / NACE Rev.2 code, or search ATECO 2025 titles."""
    text = query.strip()
    if not text:
        _fail("empty query")
    if re.fullmatch(r"[\d\s.,]+", text) or normalize_activity_code(text) is not None:
        check = check_activity_code(text, edition=edition.value)
        if check.activity is None:
            _fail(check.error or f"invalid ATECO code '{text}'")
        activities = [check.activity]
    else:
        activities = search_activities(text, limit)
    if output is OutputFormat.json:
        _print_json([asdict(a) for a in activities])
        return
    if not activities:
        typer.echo(f"No ATECO 2025 activity matches '{text}'.")
        return
    Console().print(_ateco_table(activities))


@codes_app.command("operation")
def operation_command(
    code: Annotated[str, typer.Argument(help="R1..R13 or D1..D15 (r5 and 'R 5' are accepted).")],
    output: FormatOption = OutputFormat.table,
) -> None:
    """Show a recovery (R) or disposal (D) operation."""
    operation = get_operation(code)
    if operation is None:
        if normalize_operation_code(code) is None:
            _fail(f"'{code.strip()}' is not an operation code; expected R1..R13 or D1..D15")
        _fail(f"unknown operation '{normalize_operation_code(code)}'; expected R1..R13 or D1..D15")
    if output is OutputFormat.json:
        _print_json(asdict(operation))
        return
    Console().print(_operation_table(operation))


@codes_app.command("load-ewc-italian")
def load_ewc_italian_command(
    csv_path: Annotated[
        Path,
        typer.Argument(
            metavar="CSV",
            exists=True,
            dir_okay=False,
            help="UTF-8 CSV with columns code,description_it (',' or ';').",
        ),
    ],
    data_dir: DataDirOption = None,
) -> None:
    """Check a CSV of official Italian EWC text and install it as the deployment's override."""
    if data_dir is None:
        raise typer.BadParameter(
            f"no data directory: pass --data-dir DIR or set {DATA_DIR_ENV}",
            param_hint="--data-dir",
        )
    try:
        report = import_italian_ewc_text(csv_path, data_dir)
    except ItalianImportError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write {data_dir}: {exc.strerror or exc}")
    typer.echo(f"Wrote {report.path}")
    typer.echo(
        f"{report.imported} codes imported: {len(report.changed_codes)} differ from the shipped "
        f"text, {len(report.blank_codes)} blank (English shown)."
    )
    if report.missing_codes:
        shown = ", ".join(report.missing_codes[:_MISSING_SHOWN])
        more = len(report.missing_codes) - _MISSING_SHOWN
        suffix = f" and {more} more" if more > 0 else ""
        typer.echo(
            f"{len(report.missing_codes)} codes of the list are not in the CSV and keep the "
            f"shipped Italian text: {shown}{suffix}"
        )


# --- rendering -----------------------------------------------------------------------------


def _ewc_kind(row: EwcCode) -> str:
    if row.level != "entry":
        return row.level
    return (row.entry_type or ("hazardous" if row.hazardous else "non_hazardous")).replace("_", " ")


def _ewc_json(row: EwcCode, lang: str) -> dict[str, Any]:
    description, fallback = row.description_label(lang)
    return {
        "code": row.code,
        "display_code": row.display_code,
        "level": row.level,
        "hazardous": row.hazardous,
        "entry_type": row.entry_type,
        "description": description,
        "description_is_fallback": fallback,
        "description_en": row.description_en,
        "description_it": row.description_it,
    }


def _ateco_table(activities: list[ActivityCode]) -> Table:
    with_notes = any(a.note for a in activities)
    table = Table("Code", "Level", "Titolo (ISTAT)")
    if with_notes:
        table.add_column("Note")
    for a in activities:
        cells = [Text(a.code), Text(a.level), Text(a.title_it)]
        if with_notes:
            cells.append(Text(a.note or ""))
        table.add_row(*cells)
    return table


def _operation_table(op: WasteOperation) -> Table:
    table = Table("Field", "Value", show_header=False)
    rows = [
        ("Code", op.code),
        ("Kind", op.kind),
        ("Italiano", op.text_it),
        ("English", op.text_en),
        ("RENTRI label", op.rentri_label_it),
        ("Role (ours)", op.role),
    ]
    if op.note_en:
        rows.append(("Note", op.note_en))
    for name, value in rows:
        table.add_row(name, Text(value))
    return table
