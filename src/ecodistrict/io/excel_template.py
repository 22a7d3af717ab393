"""The offline Excel template of the profiling assessment: build it, read it back.

A firm that prefers to work offline downloads the template, fills one company and its yearly
flows, and uploads it. ``build_assessment_workbook`` writes the workbook (sheets ``Istruzioni``,
``Azienda``, ``Flussi`` and a hidden ``Codici`` sheet that feeds the drop-down lists);
``read_assessment_workbook`` turns a filled workbook into the company of the district file
(``format: ecodistrict/1``) and checks it with the same rules as the district file. Every
problem names the sheet, the row and the column, e.g. ``Flussi, riga 7, colonna F (quantità)``.

The sheet names are the same in both languages, so a workbook is read whatever language it was
downloaded in; headers and drop-down values are accepted in Italian, in English, or as the
district file's own codes (``in``, ``material``, ...).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ecodistrict.codes.ewc import ewc_catalogue, normalize_ewc_code
from ecodistrict.domain.models import FORMAT
from ecodistrict.domain.problems import Problem, column_letter
from ecodistrict.domain.validation import validate_district_data

SHEET_INSTRUCTIONS = "Istruzioni"
SHEET_COMPANY = "Azienda"
SHEET_FLOWS = "Flussi"
SHEET_CODES = "Codici"

#: Uploads larger than this (bytes) are refused before they are opened.
MAX_WORKBOOK_BYTES = 5 * 1024 * 1024
#: The unpacked content of the xlsx (a zip archive) may not exceed this: a guard against zip bombs.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
#: Rows of the Flussi sheet that are read (and that carry drop-down lists).
MAX_FLOW_ROWS = 2000

#: The choice lists: district-file code -> (Italian label, English label).
CHOICES: dict[str, dict[str, tuple[str, str]]] = {
    "direction": {"in": ("ingresso", "input"), "out": ("uscita", "output")},
    "kind": {
        "material": ("materia", "material"),
        "energy": ("energia", "energy"),
        "water": ("acqua", "water"),
        "service": ("servizio", "service"),
    },
    "legal_status": {
        "waste": ("rifiuto", "waste"),
        "by-product": ("sottoprodotto", "by-product"),
        "end-of-waste": ("end of waste", "end-of-waste"),
        "product": ("prodotto", "product"),
    },
    "destination": {
        "reuse": ("riutilizzo", "reuse"),
        "recycling": ("riciclo", "recycling"),
        "composting": ("compostaggio", "composting"),
        "energy-recovery": ("recupero energetico", "energy recovery"),
        "incineration": ("incenerimento", "incineration"),
        "landfill": ("discarica", "landfill"),
        "internal": ("interno", "internal"),
        "unknown": ("non noto", "unknown"),
    },
    "origin": {
        "virgin": ("vergine", "virgin"),
        "recycled": ("riciclata", "recycled"),
        "reused": ("riutilizzata", "reused"),
        "by-product": ("sottoprodotto", "by-product"),
        "renewable": ("rinnovabile", "renewable"),
        "unknown": ("non nota", "unknown"),
    },
    "available": {
        "continuous": ("continua", "continuous"),
        "seasonal": ("stagionale", "seasonal"),
        "one-off": ("una tantum", "one-off"),
    },
}

#: Units offered in the drop-down list, per kind (any other rate of the right dimension is
#: accepted too: the list does not refuse what it does not show).
UNITS: dict[str, tuple[str, ...]] = {
    "material": ("t/yr", "kg/yr", "t/month", "kg/month", "t/day"),
    "energy": ("MWh/yr", "kWh/yr", "GJ/yr", "Sm3/yr", "MWh/month", "kWh/day"),
    "water": ("m3/yr", "m3/month", "m3/day", "L/day"),
    "service": ("h/yr", "h/month", "trip/yr", "tkm/yr"),
}


@dataclass(frozen=True)
class _Column:
    key: str
    label_it: str
    label_en: str
    type: str  # text | number | integer | choice | ewc
    width: int = 16

    def label(self, language: str) -> str:
        return self.label_it if language == "it" else self.label_en


COMPANY_FIELDS: tuple[_Column, ...] = (
    _Column("id", "identificativo", "identifier", "text"),
    _Column("name", "ragione sociale", "company name", "text"),
    _Column("ateco", "codice ATECO", "ATECO code", "text"),
    _Column("lat", "latitudine", "latitude", "number"),
    _Column("lon", "longitudine", "longitude", "number"),
    _Column("employees", "addetti", "employees", "integer"),
    _Column("revenue_eur", "fatturato (EUR)", "revenue (EUR)", "number"),
)

MCI_KEYS = ("lifetime_years", "lifetime_avg_years", "use_intensity", "use_intensity_avg")

FLOW_COLUMNS: tuple[_Column, ...] = (
    _Column("id", "identificativo", "identifier", "text", 16),
    _Column("direction", "direzione", "direction", "choice", 11),
    _Column("kind", "tipo", "kind", "choice", 11),
    _Column("description", "descrizione", "description", "text", 40),
    _Column("ewc", "codice EER", "EWC code", "ewc", 24),
    _Column("quantity", "quantità", "quantity", "number", 12),
    _Column("unit", "unità", "unit", "text", 11),
    _Column("legal_status", "stato giuridico", "legal status", "choice", 15),
    _Column("destination", "destinazione", "destination", "choice", 18),
    _Column("origin", "origine", "origin", "choice", 13),
    _Column("source_distance_km", "distanza di provenienza (km)", "source distance (km)", "number"),
    _Column("temperature_c", "temperatura (°C)", "temperature (°C)", "number"),
    _Column("available", "disponibilità", "availability", "choice", 13),
    _Column("unit_price_eur", "prezzo unitario (EUR)", "unit price (EUR)", "number"),
    _Column("disposal_cost_eur", "costo di smaltimento (EUR)", "disposal cost (EUR)", "number"),
    _Column("lifetime_years", "vita utile (anni)", "lifetime (years)", "number"),
    _Column(
        "lifetime_avg_years",
        "vita utile media del settore (anni)",
        "sector average lifetime (years)",
        "number",
    ),
    _Column("use_intensity", "intensità d'uso", "intensity of use", "number"),
    _Column(
        "use_intensity_avg",
        "intensità d'uso media del settore",
        "sector average intensity",
        "number",
    ),
)

INSTRUCTIONS: dict[str, tuple[str, ...]] = {
    "it": (
        "Modello di assessment di profilazione – Smart Eco District",
        "",
        "1. Nel foglio «Azienda» compilate la colonna B: ragione sociale, codice ATECO (tra "
        "virgolette non serve: scrivetelo come testo, es. 23.31), posizione del sito in gradi "
        "decimali (latitudine e longitudine), addetti e fatturato annuo.",
        "2. Nel foglio «Flussi» scrivete una riga per ogni flusso annuo in ingresso o in uscita: "
        "materie prime, energia, acqua, prodotti, rifiuti, sottoprodotti, servizi e competenze.",
        "3. Le colonne con un elenco a discesa (direzione, tipo, stato giuridico, destinazione, "
        "origine, disponibilità, codice EER, unità) accettano i valori dell'elenco.",
        "4. Ogni quantità è annua o riferita a un periodo: usate un'unità come t/yr (tonnellate "
        "all'anno), MWh/yr, Sm3/yr (gas naturale), m3/yr (acqua), h/yr (ore di servizio).",
        "5. Un rifiuto in uscita (stato giuridico «rifiuto») deve avere il suo codice EER.",
        "6. L'identificativo di un flusso può restare vuoto: viene assegnato dal numero di riga.",
        "7. Per i prodotti potete indicare vita utile e intensità d'uso, insieme ai valori medi "
        "del settore.",
        "8. Caricate il file compilato nella pagina del vostro assessment. Se ci sono errori, "
        "ciascuno indica foglio, riga e colonna e nulla viene salvato finché non sono corretti.",
        "",
        "Non rinominate i fogli né le intestazioni delle colonne.",
    ),
    "en": (
        "Profiling assessment template – Smart Eco District",
        "",
        "1. In the 'Azienda' (company) sheet fill column B: company name, ATECO code (as text, "
        "e.g. 23.31), site position in decimal degrees (latitude and longitude), employees and "
        "yearly revenue.",
        "2. In the 'Flussi' (flows) sheet write one row per yearly flow in or out: raw materials, "
        "energy, water, products, wastes, by-products, services and competences.",
        "3. Columns with a drop-down list (direction, kind, legal status, destination, origin, "
        "availability, EWC code, unit) take the values of the list.",
        "4. Every quantity is a rate: use a unit such as t/yr (tonnes per year), MWh/yr, Sm3/yr "
        "(natural gas), m3/yr (water), h/yr (hours of service).",
        "5. A waste output (legal status 'waste') needs its EWC code.",
        "6. A flow's identifier may stay empty: it is assigned from the row number.",
        "7. For products you may give the lifetime and the intensity of use, with the sector's "
        "average values.",
        "8. Upload the filled file on your assessment's page. Any error names the sheet, row and "
        "column, and nothing is saved until every error is fixed.",
        "",
        "Do not rename the sheets or the column headers.",
    ),
}

#: Words of the located problem text, per language.
_WORDS = {"it": ("riga", "colonna"), "en": ("row", "column")}

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="0066CC")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_EWC_PREFIX = re.compile(r"^\s*(\d{2}[ .]?\d{2}[ .]?\d{2})\*?")


def _language(language: str) -> str:
    return "en" if language.lower().startswith("en") else "it"


def _choice_label(field: str, code: str, language: str) -> str:
    labels = CHOICES[field].get(code)
    if labels is None:
        return code
    return labels[0] if language == "it" else labels[1]


def _ewc_options(language: str) -> list[str]:
    return [
        f"{entry.code} – {entry.description(language)}"[:250] for entry in ewc_catalogue().entries
    ]


# --- writing ----------------------------------------------------------------------------------


def build_assessment_workbook(
    language: str = "it", company: Mapping[str, Any] | None = None
) -> bytes:
    """The template as xlsx bytes, in Italian (default) or English (``language="en"``).

    With ``company`` (a company of the district file) the sheets are filled with its data, so a
    firm can download what it has declared so far and go on offline.
    """
    lang = _language(language)
    workbook = Workbook()
    instructions = workbook.active
    assert instructions is not None
    instructions.title = SHEET_INSTRUCTIONS
    for row, text in enumerate(INSTRUCTIONS[lang], start=1):
        cell = instructions.cell(row=row, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    instructions["A1"].font = Font(bold=True, size=14)
    instructions.column_dimensions["A"].width = 110

    codes = workbook.create_sheet(SHEET_CODES)
    ranges = _write_codes(codes, lang)
    codes.sheet_state = "hidden"

    company_sheet = workbook.create_sheet(SHEET_COMPANY, 1)
    _write_company(company_sheet, lang, company or {})

    flows_sheet = workbook.create_sheet(SHEET_FLOWS, 2)
    _write_flows(flows_sheet, lang, list((company or {}).get("flows") or []), ranges)

    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header(sheet: Worksheet, labels: Sequence[str]) -> None:
    for column, label in enumerate(labels, start=1):
        cell = sheet.cell(row=1, column=column, value=label)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def _write_codes(sheet: Worksheet, lang: str) -> dict[str, str]:
    """One column per list; returns the absolute range of each list for the validations."""
    lists: dict[str, list[str]] = {
        field: [_choice_label(field, code, lang) for code in values]
        for field, values in CHOICES.items()
    }
    lists["unit"] = [unit for units in UNITS.values() for unit in units]
    lists["ewc"] = _ewc_options(lang)
    ranges: dict[str, str] = {}
    for column, (field, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(column)
        sheet.cell(row=1, column=column, value=field)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=column, value=value)
        ranges[field] = f"{SHEET_CODES}!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _write_company(sheet: Worksheet, lang: str, company: Mapping[str, Any]) -> None:
    _header(sheet, ("campo", "valore") if lang == "it" else ("field", "value"))
    location = company.get("location") or {}
    for row, spec in enumerate(COMPANY_FIELDS, start=2):
        sheet.cell(row=row, column=1, value=spec.label(lang)).font = Font(bold=True)
        value = location.get(spec.key) if spec.key in ("lat", "lon") else company.get(spec.key)
        cell = sheet.cell(row=row, column=2, value=value)
        if spec.type == "text":
            cell.number_format = "@"  # ATECO 23.10 must stay text, not the number 23.1
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 50


def _write_flows(
    sheet: Worksheet, lang: str, flows: list[Mapping[str, Any]], ranges: Mapping[str, str]
) -> None:
    _header(sheet, [spec.label(lang) for spec in FLOW_COLUMNS])
    last = MAX_FLOW_ROWS + 1
    for column, spec in enumerate(FLOW_COLUMNS, start=1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = spec.width
        list_range = ranges.get(spec.key)
        if list_range is None:
            continue
        # The unit and EWC lists suggest; other values are checked on upload (any rate of the
        # right dimension is a valid unit).
        strict = spec.type == "choice"
        validation = DataValidation(
            type="list",
            formula1=f"={list_range}",
            allow_blank=True,
            showErrorMessage=strict,
            errorStyle="stop" if strict else "information",
        )
        validation.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(validation)
    for row, flow in enumerate(flows, start=2):
        mci = flow.get("mci") or {}
        for column, spec in enumerate(FLOW_COLUMNS, start=1):
            value = mci.get(spec.key) if spec.key in MCI_KEYS else flow.get(spec.key)
            if value is not None and spec.type == "choice":
                value = _choice_label(spec.key, str(value), lang)
            cell = sheet.cell(row=row, column=column, value=value)
            if spec.type in ("text", "ewc"):
                cell.number_format = "@"


# --- reading ----------------------------------------------------------------------------------


def describe_problem(problem: Problem, language: str = "it") -> str:
    """A problem of the template as a reader sees it: ``Flussi, riga 7, colonna F (quantità):
    ...`` in Italian, ``Flussi, row 7, column F (quantity): ...`` in English."""
    if problem.sheet is None:
        return str(problem)
    lang = _language(language)
    row_word, column_word = _WORDS[lang]
    parts = [problem.sheet]
    if problem.line is not None:
        parts.append(f"{row_word} {problem.line}")
    if problem.column is not None:
        parts.append(f"{column_word} {column_letter(problem.column)}")
    if problem.field is not None:
        spec = _spec(problem.sheet, problem.field)
        parts[-1] += f" ({spec.label(lang) if spec else problem.field})"
    return f"{', '.join(parts)}: {problem.message}"


def _spec(sheet: str, key: str) -> _Column | None:
    specs = COMPANY_FIELDS if sheet == SHEET_COMPANY else FLOW_COLUMNS
    return next((spec for spec in specs if spec.key == key), None)


@dataclass
class _Reader:
    problems: list[Problem]

    def add(
        self, sheet: str, row: int | None, column: int | None, key: str | None, msg: str
    ) -> None:
        self.problems.append(Problem(msg, field=key, line=row, column=column, sheet=sheet))

    def value(self, sheet: str, row: int, column: int, spec: _Column, raw: Any) -> Any:
        """The cell's value converted to the field's type, or None (a problem is then added)."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if spec.type in ("number", "integer"):
            number: float | None = None
            if isinstance(raw, bool):
                number = None
            elif isinstance(raw, int | float):
                number = float(raw)
            elif isinstance(raw, str) and _NUMBER.fullmatch(raw.strip()):
                number = float(raw.strip().replace(",", "."))
            if number is None:
                self.add(sheet, row, column, spec.key, f"expected a number, got {_shown(raw)}")
                return None
            if spec.type == "integer":
                if not number.is_integer():
                    self.add(
                        sheet, row, column, spec.key, f"expected a whole number, got {_shown(raw)}"
                    )
                    return None
                return int(number)
            return int(number) if number.is_integer() and abs(number) < 2**53 else number
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            self.add(sheet, row, column, spec.key, f"expected text, got {_shown(raw)}")
            return None
        text = raw if isinstance(raw, str) else _number_text(raw)
        text = text.strip()
        if spec.type == "ewc":
            if isinstance(raw, int) and not isinstance(raw, bool):
                text = f"{raw:06d}"  # a code typed as a number lost its leading zero
            match = _EWC_PREFIX.match(text)
            code = normalize_ewc_code(match.group(1)) if match else None
            return code or text  # an unknown text is reported by the district-file rules
        if spec.type == "choice":
            wanted = text.casefold()
            for code, (label_it, label_en) in CHOICES[spec.key].items():
                if wanted in (code.casefold(), label_it.casefold(), label_en.casefold()):
                    return code
            allowed = ", ".join(label for label, _ in CHOICES[spec.key].values())
            self.add(
                sheet,
                row,
                column,
                spec.key,
                f"{_shown(raw)} is not one of the values of the list ({allowed})",
            )
            return None
        return text


def _number_text(value: int | float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def read_assessment_workbook(
    data: bytes, *, company_id: str | None = None
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The company of a filled template, in the district-file format, or None and every problem.

    Each problem names the sheet, the row and the column (``Problem.sheet``, ``line``,
    ``column``, ``field``; ``describe_problem`` writes it in Italian or English). The company is
    checked with the rules of the district file. ``company_id`` replaces the identifier written
    in the workbook (the platform keeps its own).
    """
    problems, workbook = _open(data)
    if workbook is None:
        return None, problems
    reader = _Reader(problems)
    missing = [name for name in (SHEET_COMPANY, SHEET_FLOWS) if name not in workbook.sheetnames]
    for name in missing:
        reader.add(name, None, None, None, f"the sheet '{name}' is missing")
    if missing:
        return None, reader.problems
    company, company_rows = _read_company(workbook[SHEET_COMPANY], reader)
    flows, flow_rows = _read_flows(workbook[SHEET_FLOWS], reader)
    if reader.problems:
        return None, reader.problems
    if company_id is not None:
        company["id"] = company_id
    elif "id" not in company and "name" in company:
        company["id"] = _slug(str(company["name"]))
    company["flows"] = flows
    location = company.get("location")
    center = dict(location) if isinstance(location, dict) and len(location) == 2 else None
    district = {
        "format": FORMAT,
        "district": {"name": "assessment", "center": center or {"lat": 0.0, "lon": 0.0}},
        "companies": [company],
    }
    _, found = validate_district_data(district)
    if not found:
        return company, []
    return None, [_place(problem, company_rows, flow_rows) for problem in found]


def _open(data: bytes) -> tuple[list[Problem], Any]:
    def refuse(message: str) -> tuple[list[Problem], Any]:
        return [Problem(message, code="not-xlsx")], None

    if len(data) > MAX_WORKBOOK_BYTES:
        return refuse(f"the file is larger than {MAX_WORKBOOK_BYTES // (1024 * 1024)} MB")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return refuse("this is an old Excel file (.xls): save it as an Excel workbook (.xlsx)")
    if not data.startswith(b"PK\x03\x04"):
        return refuse("the file is not an Excel workbook (.xlsx)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                return refuse("the workbook unpacks to more than 50 MB")
            if "xl/workbook.xml" not in archive.namelist():
                return refuse("the file is a zip archive but not an Excel workbook (.xlsx)")
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        return refuse("the file is not a readable Excel workbook (.xlsx)")
    return [], workbook


def _read_company(sheet: Worksheet, reader: _Reader) -> tuple[dict[str, Any], dict[str, int]]:
    company: dict[str, Any] = {}
    location: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for row, spec in enumerate(COMPANY_FIELDS, start=2):
        rows[spec.key] = row
        label = sheet.cell(row=row, column=1).value
        if not _is_label(label, spec):
            reader.add(
                SHEET_COMPANY,
                row,
                1,
                spec.key,
                f"expected the field '{spec.label_it}' ('{spec.label_en}'), found {_shown(label)}",
            )
            continue
        value = reader.value(SHEET_COMPANY, row, 2, spec, sheet.cell(row=row, column=2).value)
        if value is None:
            continue
        if spec.key in ("lat", "lon"):
            location[spec.key] = float(value)
        else:
            company[spec.key] = value
    if location:
        company["location"] = location
    return company, rows


def _is_label(value: Any, spec: _Column) -> bool:
    return isinstance(value, str) and value.strip().casefold() in (
        spec.label_it.casefold(),
        spec.label_en.casefold(),
        spec.key,
    )


def _read_flows(sheet: Worksheet, reader: _Reader) -> tuple[list[dict[str, Any]], dict[str, int]]:
    headers = [cell.value for cell in sheet[1]][: len(FLOW_COLUMNS)]
    wrong = False
    for column, spec in enumerate(FLOW_COLUMNS, start=1):
        found = headers[column - 1] if column <= len(headers) else None
        if not _is_label(found, spec):
            wrong = True
            reader.add(
                SHEET_FLOWS,
                1,
                column,
                spec.key,
                f"expected the header '{spec.label_it}' ('{spec.label_en}'), found {_shown(found)}",
            )
    if wrong:
        return [], {}
    if sheet.max_row > MAX_FLOW_ROWS + 1:
        reader.add(SHEET_FLOWS, None, None, None, f"more than {MAX_FLOW_ROWS} rows of flows")
        return [], {}
    flows: list[dict[str, Any]] = []
    rows: dict[str, int] = {}
    for row, cells in enumerate(
        sheet.iter_rows(min_row=2, max_col=len(FLOW_COLUMNS), values_only=True), start=2
    ):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
            continue
        flow: dict[str, Any] = {}
        mci: dict[str, Any] = {}
        for column, (spec, raw) in enumerate(zip(FLOW_COLUMNS, cells, strict=False), start=1):
            value = reader.value(SHEET_FLOWS, row, column, spec, raw)
            if value is None:
                continue
            if spec.key in MCI_KEYS:
                mci[spec.key] = value
            else:
                flow[spec.key] = value
        if mci:
            flow["mci"] = mci
        flow.setdefault("id", f"riga-{row}")
        rows[str(flow["id"])] = row
        rows[f"#{len(flows) + 1}"] = row
        flows.append(flow)
    return flows, rows


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    return slug[:100] or "azienda"


def _place(
    problem: Problem,
    company_rows: Mapping[str, int],
    flow_rows: Mapping[str, int],
) -> Problem:
    """A district-file problem moved to the sheet, row and column it comes from."""
    field = problem.field or ""
    key = field.split(".")[-1] if field.startswith(("mci.", "location.")) else field
    if problem.flow is not None:
        row = flow_rows.get(problem.flow)
        spec = _spec(SHEET_FLOWS, key)
        column = FLOW_COLUMNS.index(spec) + 1 if spec else None
        return replace(
            problem,
            company=None,
            flow=None,
            sheet=SHEET_FLOWS,
            line=row,
            column=column,
            field=spec.key if spec else problem.field,
        )
    if key == "location":
        key = "lat"
    spec = _spec(SHEET_COMPANY, key)
    if spec is None:
        return replace(problem, company=None, sheet=SHEET_COMPANY)
    return replace(
        problem, company=None, sheet=SHEET_COMPANY, line=company_rows.get(key), column=2, field=key
    )
