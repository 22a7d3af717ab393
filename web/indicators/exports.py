"""The positioning database as CSV and Excel files (Italian headers, as the Comune files them).

Both exports hold the rows and columns the page shows (same division filter, same order). The
CSV is RFC 4180 (comma-separated, UTF-8, decimal point, values exactly as stored); the Excel
workbook has the table on the sheet "Posizionamento" and, on the sheet "Fonti", each indicator's
formula and source with the indicator set version and the date of the run.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ecodistrict_web.indicators.selectors import DIMENSION_LABELS, PositioningTable

FIXED_HEADER = ["Impresa", "Identificativo", "Codice ATECO", "Divisione ATECO"]
SOURCES_HEADER = [
    "Indicatore",
    "Chiave",
    "Unità",
    "Dimensione",
    "Direzione",
    "Formula",
    "Fonte",
    "Set di indicatori",
    "Data del calcolo",
    "Calcolo n.",
]
DIRECTIONS_IT = {"higher": "più alto è meglio", "lower": "più basso è meglio", "neutral": "neutro"}
DIMENSIONS_IT = {
    "circular_performance": "Prestazione circolare",
    "territorial_integration": "Integrazione territoriale",
    "industrial_symbiosis": "Simbiosi industriale",
    "district_closure": "Chiusura dei cicli",
}
assert set(DIMENSIONS_IT) == set(DIMENSION_LABELS)


def header(table: PositioningTable) -> list[str]:
    """The header row: fixed columns, then each indicator's Italian name with its unit."""
    return FIXED_HEADER + [
        f"{column.name_it} ({column.unit_it})" if column.unit_it else column.name_it
        for column in table.columns
    ]


def rows(table: PositioningTable) -> list[list[Any]]:
    return [[row.name, row.company_id, row.ateco, row.division, *row.values] for row in table.rows]


def file_name(table: PositioningTable, extension: str) -> str:
    assert table.run is not None and table.choice.district is not None
    parts = ["posizionamento", slugify(table.choice.district.name)[:60], f"calcolo-{table.run.pk}"]
    if table.division:
        parts.append(f"ateco-{table.division}")
    return "-".join(parts) + f".{extension}"


def positioning_csv(table: PositioningTable) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header(table))
    for row in rows(table):
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue()


def positioning_workbook(table: PositioningTable) -> bytes:
    assert table.run is not None
    run_date = timezone.localtime(table.run.created_at).replace(tzinfo=None)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Posizionamento"
    sheet.append(header(table))
    for row in rows(table):
        sheet.append(row)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 36
    for index in range(2, len(FIXED_HEADER) + len(table.columns) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 16

    sources = workbook.create_sheet("Fonti")
    sources.append(SOURCES_HEADER)
    for column in table.columns:
        sources.append(
            [
                column.name_it,
                column.key,
                column.unit_it,
                DIMENSIONS_IT.get(column.dimension, column.dimension),
                DIRECTIONS_IT.get(column.direction, column.direction),
                column.formula_it,
                column.source,
                table.run.indicator_set_label,
                run_date,
                table.run.pk,
            ]
        )
    for cell in sources[1]:
        cell.font = bold
    for cell in sources["I"][1:]:
        cell.number_format = "yyyy-mm-dd hh:mm"
    for letter, width in zip("ABCDEFGHIJ", (36, 28, 12, 24, 20, 80, 60, 22, 18, 10), strict=True):
        sources.column_dimensions[letter].width = width
    for cell in sources["F"][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
