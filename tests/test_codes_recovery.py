"""R1-R13 / D1-D15 waste operations and the `codes operation` CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ecodistrict.cli_codes import codes_app
from ecodistrict.codes import (
    WasteOperation,
    disposal_operations,
    get_operation,
    normalize_operation_code,
    recovery_operations,
    waste_operations,
)


def test_counts_and_order() -> None:
    assert [op.code for op in recovery_operations()] == [f"R{n}" for n in range(1, 14)]
    assert [op.code for op in disposal_operations()] == [f"D{n}" for n in range(1, 16)]
    assert len(waste_operations()) == 28
    assert {op.kind for op in recovery_operations()} == {"recovery"}
    assert {op.kind for op in disposal_operations()} == {"disposal"}


def test_r5() -> None:
    assert get_operation("R5") == WasteOperation(
        code="R5",
        kind="recovery",
        text_it="Riciclaggio/recupero di altre sostanze inorganiche",
        text_en="Recycling/reclamation of other inorganic materials",
        rentri_label_it="Riciclo/recupero di altre sostanze inorganiche",
        role="material_recovery",
        note_en=None,
    )


@pytest.mark.parametrize("raw", ["r5", "R 5", " R5 ", "R05", "r.5"])
def test_accepted_spellings(raw: str) -> None:
    op = get_operation(raw)
    assert op is not None
    assert op.code == "R5"


@pytest.mark.parametrize("raw", ["R14", "D16", "R0", "X5", "5", "", "R", "RR5", "R 1 3"])
def test_unknown_or_malformed(raw: str) -> None:
    assert get_operation(raw) is None


def test_normalize_operation_code() -> None:
    assert normalize_operation_code("d 15") == "D15"
    assert normalize_operation_code("R14") == "R14"  # shape only
    assert normalize_operation_code("R-5") is None


def test_long_texts_and_notes() -> None:
    r13 = get_operation("R13")
    assert r13 is not None
    assert r13.text_it == (
        "Messa in riserva di rifiuti per sottoporli a una delle operazioni indicate nei punti da "
        "R1 a R12 (escluso il deposito temporaneo, prima della raccolta, nel luogo in cui sono "
        "prodotti)"
    )
    assert r13.role == "storage_pending_recovery"
    d11 = get_operation("D11")
    assert d11 is not None
    assert d11.text_en == "Incineration at sea"
    assert (
        d11.note_en
        == "This operation is prohibited by EU legislation and international conventions."
    )
    d1 = get_operation("D1")
    assert d1 is not None
    assert d1.note_en is None


def test_text_by_language_and_number() -> None:
    d15 = get_operation("D15")
    assert d15 is not None
    assert d15.number == 15
    assert d15.text("it").startswith("Deposito preliminare prima di una delle operazioni")
    assert d15.text("en").startswith("Storage pending any of the operations numbered D 1 to D 14")


# --- CLI -------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_operation_table() -> None:
    result = runner.invoke(codes_app, ["operation", "r13"])
    assert result.exit_code == 0, result.output
    assert "R13" in result.stdout
    assert "Messa in riserva" in result.stdout
    assert "storage_pending_recovery" in result.stdout


def test_cli_operation_json() -> None:
    result = runner.invoke(codes_app, ["operation", "D11", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["code"] == "D11"
    assert payload["kind"] == "disposal"
    assert payload["text_it"] == "Incenerimento in mare"
    assert (
        payload["note_en"]
        == "This operation is prohibited by EU legislation and international conventions."
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("R14", "Error: unknown operation 'R14'; expected R1..R13 or D1..D15"),
        ("X5", "Error: 'X5' is not an operation code; expected R1..R13 or D1..D15"),
    ],
)
def test_cli_operation_errors(raw: str, message: str) -> None:
    result = runner.invoke(codes_app, ["operation", raw])
    assert result.exit_code == 1
    assert result.stderr.strip() == message
    assert result.stdout == ""
