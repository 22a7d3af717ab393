"""The offline Excel template: written, read back, and every problem located by sheet/row/column."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook
from typer.testing import CliRunner

from ecodistrict.cli import app
from ecodistrict.domain.problems import Problem
from ecodistrict.io.excel_template import (
    SHEET_CODES,
    build_assessment_workbook,
    describe_problem,
    read_assessment_workbook,
)

COMPANY = {
    "id": "acme",
    "name": "Acme Meccanica S.r.l.",
    "ateco": "25.62",
    "location": {"lat": 44.57, "lon": 10.84},
    "employees": 12,
    "revenue_eur": 2500000,
    "flows": [
        {
            "id": "steel",
            "direction": "in",
            "kind": "material",
            "description": "Acciaio in barre",
            "quantity": 120,
            "unit": "t/yr",
            "origin": "virgin",
            "source_distance_km": 80,
        },
        {
            "id": "chips",
            "direction": "out",
            "kind": "material",
            "description": "Trucioli di acciaio",
            "ewc": "12 01 01",
            "legal_status": "waste",
            "destination": "recycling",
            "quantity": 14.5,
            "unit": "t/yr",
        },
        {
            "id": "parts",
            "direction": "out",
            "kind": "material",
            "description": "Componenti lavorati",
            "legal_status": "product",
            "quantity": 100,
            "unit": "t/yr",
            "mci": {"lifetime_years": 12, "lifetime_avg_years": 10},
        },
        {
            "id": "power",
            "direction": "in",
            "kind": "energy",
            "description": "Energia elettrica",
            "quantity": 850,
            "unit": "MWh/yr",
            "origin": "renewable",
        },
    ],
}


def _edit(data: bytes, sheet: str, cell: str, value: object) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    workbook[sheet][cell] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_workbook_read_back_equals_the_company_written() -> None:
    company, problems = read_assessment_workbook(build_assessment_workbook("it", COMPANY))
    assert problems == []
    assert company == COMPANY


def test_english_workbook_reads_back_too() -> None:
    company, problems = read_assessment_workbook(build_assessment_workbook("en", COMPANY))
    assert problems == []
    assert company == COMPANY


def test_sheets_instructions_and_drop_down_lists() -> None:
    workbook = load_workbook(io.BytesIO(build_assessment_workbook("it")))
    assert workbook.sheetnames == ["Istruzioni", "Azienda", "Flussi", "Codici"]
    assert workbook[SHEET_CODES].sheet_state == "hidden"
    assert workbook["Istruzioni"]["A1"].value == (
        "Modello di assessment di profilazione – Smart Eco District"
    )
    flows = workbook["Flussi"]
    assert flows["F1"].value == "quantità"
    formulas = {str(v.sqref): v.formula1 for v in flows.data_validations.dataValidation}
    assert formulas["B2:B2001"] == "=Codici!$A$2:$A$3"  # direction: ingresso, uscita
    codes = workbook[SHEET_CODES]
    assert [codes["A2"].value, codes["A3"].value] == ["ingresso", "uscita"]
    english = load_workbook(io.BytesIO(build_assessment_workbook("en")))
    assert english["Flussi"]["F1"].value == "quantity"
    assert english["Istruzioni"]["A1"].value == "Profiling assessment template – Smart Eco District"


def test_a_wrong_type_names_sheet_row_and_column() -> None:
    data = _edit(build_assessment_workbook("it", COMPANY), "Flussi", "F3", "molte")
    company, problems = read_assessment_workbook(data)
    assert company is None
    assert problems == [
        Problem(
            "expected a number, got 'molte'", field="quantity", line=3, column=6, sheet="Flussi"
        )
    ]
    assert describe_problem(problems[0]) == (
        "Flussi, riga 3, colonna F (quantità): expected a number, got 'molte'"
    )
    assert describe_problem(problems[0], "en") == (
        "Flussi, row 3, column F (quantity): expected a number, got 'molte'"
    )


def test_district_file_rules_are_located_in_the_sheet() -> None:
    data = _edit(build_assessment_workbook("it", COMPANY), "Flussi", "E3", None)  # waste, no EWC
    data = _edit(data, "Azienda", "B4", "99.99")
    company, problems = read_assessment_workbook(data)
    assert company is None
    places = sorted((p.sheet, p.line, p.column, p.field) for p in problems)
    assert places == [("Azienda", 4, 2, "ateco"), ("Flussi", 3, 5, "ewc")]


def test_a_bad_choice_and_a_bad_unit() -> None:
    data = _edit(build_assessment_workbook("it", COMPANY), "Flussi", "B2", "dentro")
    data = _edit(data, "Flussi", "G5", "t/yr")  # energy in tonnes
    company, problems = read_assessment_workbook(data)
    assert company is None
    assert [(p.line, p.column, p.field) for p in problems] == [(2, 2, "direction")]
    data = _edit(build_assessment_workbook("it", COMPANY), "Flussi", "G5", "t/yr")
    company, problems = read_assessment_workbook(data)
    assert [(p.sheet, p.line, p.column, p.field) for p in problems] == [("Flussi", 5, 7, "unit")]


def test_missing_sheet_and_wrong_header_are_refused() -> None:
    workbook = load_workbook(io.BytesIO(build_assessment_workbook("it")))
    del workbook["Flussi"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    company, problems = read_assessment_workbook(buffer.getvalue())
    assert company is None
    assert [describe_problem(p) for p in problems] == ["Flussi: the sheet 'Flussi' is missing"]
    data = _edit(build_assessment_workbook("it"), "Flussi", "F1", "kg")
    company, problems = read_assessment_workbook(data)
    assert [(p.sheet, p.line, p.column) for p in problems] == [("Flussi", 1, 6)]


def test_not_an_xlsx_is_refused_with_a_message() -> None:
    assert read_assessment_workbook(b"name;quantity\n") == (
        None,
        [Problem("the file is not an Excel workbook (.xlsx)", code="not-xlsx")],
    )
    old = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
    assert read_assessment_workbook(old)[1][0].message.startswith("this is an old Excel file")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert read_assessment_workbook(buffer.getvalue())[1][0].message == (
        "the file is a zip archive but not an Excel workbook (.xlsx)"
    )
    assert read_assessment_workbook(b"PK\x03\x04" + b"\0" * 50)[1][0].message == (
        "the file is not a readable Excel workbook (.xlsx)"
    )
    assert read_assessment_workbook(b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024))[1][0].message == (
        "the file is larger than 5 MB"
    )


def test_ewc_code_typed_as_number_or_with_description() -> None:
    data = _edit(build_assessment_workbook("it", COMPANY), "Flussi", "E3", 120101)
    company, problems = read_assessment_workbook(data)
    assert problems == [] and company is not None
    assert company["flows"][1]["ewc"] == "12 01 01"
    data = _edit(data, "Flussi", "E3", "12 01 01 – limatura e trucioli di metalli ferrosi")
    company, _ = read_assessment_workbook(data)
    assert company is not None and company["flows"][1]["ewc"] == "12 01 01"


def test_company_id_given_by_the_platform_and_blank_flow_ids() -> None:
    data = _edit(build_assessment_workbook("it", COMPANY), "Flussi", "A2", None)
    company, problems = read_assessment_workbook(data, company_id="applicant-7")
    assert problems == [] and company is not None
    assert company["id"] == "applicant-7"
    assert company["flows"][0]["id"] == "riga-2"


def test_cli_template_writes_the_workbook(tmp_path) -> None:
    target = tmp_path / "modello.xlsx"
    result = CliRunner().invoke(app, ["template", "-o", str(target), "--lang", "en"])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(target)
    assert workbook["Flussi"]["F1"].value == "quantity"
    result = CliRunner().invoke(app, ["template", "--lang", "de"])
    assert result.exit_code == 2


def test_problem_location_names_the_sheet_and_the_contract_is_unchanged() -> None:
    located = Problem("bad", field="quantity", line=7, column=6, sheet="Flussi")
    assert str(located) == "Flussi, row 7, column F (quantity): bad"
    assert located.as_dict()["sheet"] == "Flussi"
    plain = Problem("bad", company="acme", field="ateco")
    assert str(plain) == "company 'acme', field 'ateco': bad"
    assert "sheet" not in plain.as_dict()
    assert Problem("x", sheet="Flussi", column=27).location() == "Flussi, column AA"
