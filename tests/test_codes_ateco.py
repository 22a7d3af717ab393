"""ATECO 2025 / NACE Rev.2 activity codes and the `codes ateco` CLI."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from ecodistrict.cli_codes import codes_app
from ecodistrict.codes import (
    ActivityCode,
    EditionChoice,
    check_activity_code,
    division_title,
    lookup_activity,
    normalize_activity_code,
    search_activities,
)

TILES = "Fabbricazione di piastrelle in ceramica per pavimenti e rivestimenti"


def ok(raw: str, edition: EditionChoice = "auto") -> ActivityCode:
    check = check_activity_code(raw, edition=edition)
    assert check.error is None, check.error
    assert check.activity is not None
    assert check.ok
    return check.activity


def error(raw: str, edition: EditionChoice = "auto") -> str:
    check = check_activity_code(raw, edition=edition)
    assert check.activity is None
    assert not check.ok
    assert check.error is not None
    return check.error


def test_ateco_2025_class() -> None:
    assert ok("23.31") == ActivityCode(
        code="23.31",
        level="class",
        title_it=TILES,
        division="23",
        given="23.31",
        system="ATECO 2025",
        note=None,
    )


@pytest.mark.parametrize("raw", ["2331", "23,31", " 23.31 ", "23. 31", "23.31."])
def test_tolerated_spellings(raw: str) -> None:
    activity = ok(raw)
    assert activity.code == "23.31"
    assert activity.given == raw.strip()


def test_finer_levels_are_accepted() -> None:
    category = ok("23.31.0")
    assert (category.code, category.level) == ("23.31.0", "category")
    sub = ok("233100")
    assert (sub.code, sub.level, sub.title_it) == ("23.31.00", "subcategory", TILES)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("23", "ATECO code '23' is a division; give a class (NN.NN) or finer"),
        ("23.3", "ATECO code '23.3' is a group; give a class (NN.NN) or finer"),
        ("233", "ATECO code '23.3' is a group; give a class (NN.NN) or finer"),
        ("c", "ATECO code 'C' is a section; give a class (NN.NN) or finer"),
        ("99.99", "unknown ATECO 2025 / NACE Rev.2 code '99.99'"),
        ("23.3.1", "unknown ATECO 2025 / NACE Rev.2 code '23.3.1'"),
        ("", "empty ATECO code"),
        ("   ", "empty ATECO code"),
        ("abc", "'abc' is not an ATECO code; expected NN.NN, NN.NN.N or NN.NN.NN (e.g. 23.31)"),
        (
            "1234567",
            "'1234567' is not an ATECO code; expected NN.NN, NN.NN.N or NN.NN.NN (e.g. 23.31)",
        ),
        (
            "23.31, 23.32",
            "'23.31, 23.32' is not an ATECO code; expected NN.NN, NN.NN.N or NN.NN.NN (e.g. 23.31)",
        ),
    ],
)
def test_rejected(raw: str, message: str) -> None:
    assert error(raw) == message


def test_nace_class_renumbered_in_2025_is_mapped() -> None:
    # 23.19 (NACE Rev.2 / ATECO 2007) does not exist in ATECO 2025; ISTAT maps it to 23.15.
    assert ok("23.19") == ActivityCode(
        code="23.15",
        level="class",
        title_it="Fabbricazione e lavorazione di altro vetro incluso il vetro per usi tecnici",
        division="23",
        given="23.19",
        system="NACE Rev.2",
        note="mapped from NACE Rev.2 23.19",
    )


def test_ambiguous_mapping_takes_the_first_target_and_says_so() -> None:
    activity = ok("14.19")
    assert activity.code == "14.10"
    assert activity.title_it == "Fabbricazione di articoli a maglia e all'uncinetto"
    assert activity.note == "mapped from NACE Rev.2 14.19; ambiguous: also 14.21, 14.22, 14.29"


def test_finer_2022_code_is_mapped() -> None:
    activity = ok("14.11.00")
    assert (activity.code, activity.level) == ("14.24.00", "subcategory")
    assert activity.note == "mapped from ATECO 2007 (2022 update) 14.11.00"


def test_code_valid_in_both_editions_with_another_meaning_is_flagged() -> None:
    activity = ok("38.32")
    assert activity.code == "38.32"
    assert activity.system == "ATECO 2025"
    assert activity.title_it == "Conferimento in discarica o stoccaggio permanente"
    assert activity.note == (
        "read as ATECO 2025; as NACE Rev.2, 38.32 is 'Recupero e cernita di materiali' "
        "(ATECO 2025: 20.16, 38.21)"
    )
    # Same code, same meaning in both editions: no note.
    assert ok("23.31").note is None


def test_explicit_editions() -> None:
    old = ok("38.32", edition="2022")
    assert old.code == "20.16"
    assert old.system == "NACE Rev.2"
    assert old.note == "mapped from NACE Rev.2 38.32; ambiguous: also 38.21"
    assert ok("38.32", edition="2025").note is None
    assert error("23.19", edition="2025") == "unknown ATECO 2025 code '23.19'"
    assert error("99.99", edition="2022") == "unknown NACE Rev.2 code '99.99'"
    assert error("23", edition="2022") == (
        "ATECO code '23' is a division; give a class (NN.NN) or finer"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2331", "23.31"),
        ("23,31", "23.31"),
        ("233", "23.3"),
        ("23310", "23.31.0"),
        ("23 31 00", "23.31.00"),
        ("c", "C"),
        ("23.311", None),
        ("2.31", None),
        ("abc", None),
        ("", None),
    ],
)
def test_normalize_activity_code(raw: str, expected: str | None) -> None:
    assert normalize_activity_code(raw) == expected


def test_lookup_activity() -> None:
    activity = lookup_activity("23.31")
    assert activity is not None
    assert activity.title_it == TILES
    assert lookup_activity("23") is None
    assert lookup_activity("99.99") is None


def test_search_by_italian_words() -> None:
    assert [a.code for a in search_activities("piastrelle")] == ["23.31", "47.52.3", "47.52.32"]
    # Singular and plural, case and accents.
    assert [a.code for a in search_activities("Piastrella")] == ["23.31", "47.52.3", "47.52.32"]
    first = search_activities("piastrelle")[0]
    assert first == ActivityCode("23.31", "class", TILES, "23", "23.31", "ATECO 2025", None)


def test_search_ranks_classes_and_leaves_out_repeated_titles() -> None:
    codes = [a.code for a in search_activities("recupero materiali")]
    assert codes[0] == "38.21"  # "Recupero dei materiali", class
    assert "38.21.0" not in codes  # category repeating the class title would be noise
    assert codes[:5] == ["38.21", "38.21.2", "38.21.3", "38.21.4", "38.21.11"]


def test_search_accent_insensitive() -> None:
    plain = [a.code for a in search_activities("attivita risanamento")]
    accented = [a.code for a in search_activities("ATTIVITÀ risanamento")]
    assert plain == accented
    assert plain == ["39.00", "39.00.09"]
    # A class whose title repeats its group's (39.0) is kept; only finer echoes are dropped.
    assert search_activities("39.0")[0].code == "39.00"


def test_search_by_code_prefix() -> None:
    assert [a.code for a in search_activities("23.3")] == ["23.31", "23.32"]
    assert [a.code for a in search_activities("233")] == ["23.31", "23.32"]
    # A full code that only repeats its parent's title is still found when typed in full.
    assert [a.code for a in search_activities("23.31.00")] == ["23.31.00"]
    assert len(search_activities("23", limit=5)) == 5


@pytest.mark.parametrize("query", ["", "  ", "zzzzqqq", "???"])
def test_search_without_result(query: str) -> None:
    assert search_activities(query) == []


def test_division_title() -> None:
    assert division_title("23") == (
        "Fabbricazione di altri prodotti della lavorazione di minerali non metalliferi"
    )
    assert division_title(" 38 ") == "Attività di raccolta, recupero e smaltimento dei rifiuti"
    assert division_title("23.31") is None
    assert division_title("C") is None
    assert division_title("00") is None


# --- CLI -------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_ateco_check() -> None:
    result = runner.invoke(codes_app, ["ateco", "23.31"])
    assert result.exit_code == 0, result.output
    assert "23.31" in result.stdout
    assert "piastrelle in ceramica" in result.stdout


def test_cli_ateco_json_mapping() -> None:
    result = runner.invoke(codes_app, ["ateco", "38.32", "--edition", "2022", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "code": "20.16",
            "level": "class",
            "title_it": "Fabbricazione di materie plastiche in forme primarie",
            "division": "20",
            "given": "38.32",
            "system": "NACE Rev.2",
            "note": "mapped from NACE Rev.2 38.32; ambiguous: also 38.21",
        }
    ]


def test_cli_ateco_search() -> None:
    result = runner.invoke(codes_app, ["ateco", "piastrelle", "--format", "json", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert [a["code"] for a in json.loads(result.stdout)] == ["23.31"]


def test_cli_ateco_no_match() -> None:
    result = runner.invoke(codes_app, ["ateco", "zzzzqqq"])
    assert result.exit_code == 0
    assert "No ATECO 2025 activity matches 'zzzzqqq'." in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "stderr"),
    [
        (["ateco", "23"], 1, "ATECO code '23' is a division; give a class (NN.NN) or finer"),
        (["ateco", "99.99"], 1, "unknown ATECO 2025 / NACE Rev.2 code '99.99'"),
        (["ateco", "23.3.4.5"], 1, "'23.3.4.5' is not an ATECO code"),
        (["ateco", "23.31", "--edition", "2007"], 2, "--edition"),
    ],
)
def test_cli_ateco_errors(args: list[str], code: int, stderr: str) -> None:
    result = runner.invoke(codes_app, args)
    assert result.exit_code == code
    assert stderr in re.sub(r"[\s│╭╮╰╯─]+", " ", result.stderr)
    assert "Traceback" not in result.output
