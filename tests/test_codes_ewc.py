"""EWC/EER catalogue, search, Italian override import; CLI `ewc` and `load-ewc-italian`."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecodistrict.cli_codes import codes_app
from ecodistrict.codes import (
    DATA_DIR_ENV,
    EwcCode,
    ItalianImportError,
    ewc_catalogue,
    get_ewc,
    import_italian_ewc_text,
    normalize_ewc_code,
    search_ewc,
)

IT_101208 = (
    "scarti di ceramica, mattoni, mattonelle e materiali da costruzione "
    "(sottoposti a trattamento termico)"
)
EN_101208 = "waste ceramics, bricks, tiles and construction products (after thermal processing)"
SUBCHAPTER_1012 = [
    "10 12 01", "10 12 03", "10 12 05", "10 12 06", "10 12 08", "10 12 09",
    "10 12 10", "10 12 11", "10 12 12", "10 12 13", "10 12 99",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _no_deployment_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The developer's own $ECODISTRICT_DATA_DIR must not change what the tests see.
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    yield


def codes(rows: list[EwcCode]) -> list[str]:
    return [r.code for r in rows]


# --- shipped data ----------------------------------------------------------------------------


def test_counts_from_the_data() -> None:
    assert ewc_catalogue().counts() == {
        "rows": 973,
        "chapters": 20,
        "subchapters": 111,
        "entries": 842,
        "hazardous": 408,
        "non_hazardous": 434,
        "rows_with_italian": 973,
        "absolute_hazardous": 235,
        "mirror_hazardous": 173,
        "mirror_non_hazardous": 178,
        "absolute_non_hazardous": 256,
    }


def test_italian_text_on_every_row_and_marked_official() -> None:
    rows = ewc_catalogue().rows
    assert len(rows) == 973
    assert all(r.description_it for r in rows)
    assert all(r.italian_is_official and r.italian_source == "shipped" for r in rows)


def test_annex_order_and_levels() -> None:
    cat = ewc_catalogue()
    assert cat.rows[0].code == "01"
    assert cat.rows[1].code == "01 01"
    assert cat.entries[0].code == "01 01 01"
    assert cat.entries[-1].code == "20 03 99"
    assert {e.level for e in cat.entries} == {"entry"}
    assert len(cat.by_code) == 973
    # Hazard is only ever set on entries, and always with a hazardous entry type.
    assert all(not r.hazardous for r in cat.chapters + cat.subchapters)
    assert all(
        e.hazardous == (e.entry_type in ("absolute_hazardous", "mirror_hazardous"))
        for e in cat.entries
    )


def test_entry_101208() -> None:
    row = get_ewc("101208")
    assert row is not None
    assert row.code == "10 12 08"
    assert row.level == "entry"
    assert row.chapter == "10"
    assert row.subchapter == "10 12"
    assert row.hazardous is False
    assert row.entry_type == "absolute_non_hazardous"
    assert row.display_code == "10 12 08"
    assert row.description_en == EN_101208
    assert row.description_it == IT_101208
    assert row.description("it") == IT_101208
    assert row.description("en") == EN_101208
    assert row.description_label("it") == (IT_101208, False)
    assert row.description_label("en") == (EN_101208, False)


def test_hazardous_entries() -> None:
    weee = get_ewc("16 02 13")
    assert weee is not None
    assert weee.hazardous is True
    assert weee.display_code == "16 02 13*"
    assert weee.entry_type == "absolute_hazardous"
    # The footnote mark "(1)" of the Decision is not part of the text.
    assert weee.description_en == (
        "discarded equipment containing hazardous components other than those mentioned in "
        "16 02 09 to 16 02 12"
    )
    emulsions = get_ewc("12.01.09")
    assert emulsions is not None
    assert emulsions.hazardous is True
    assert emulsions.display_code == "12 01 09*"
    assert emulsions.description_en == "machining emulsions and solutions free of halogens"


def test_headings() -> None:
    chapter = get_ewc("10")
    assert chapter is not None
    assert chapter.level == "chapter"
    assert chapter.subchapter is None
    assert chapter.description_en == "WASTES FROM THERMAL PROCESSES"
    assert chapter.description_it == "RIFIUTI PROVENIENTI DA PROCESSI TERMICI"
    sub = get_ewc("10.12")
    assert sub is not None
    assert sub.level == "subchapter"
    assert sub.display_code == "10 12"
    assert sub.description_en == (
        "wastes from manufacture of ceramic goods, bricks, tiles and construction products"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("101208", "10 12 08"),
        ("10 12 08", "10 12 08"),
        ("10.12.08", "10 12 08"),
        ("10-12-08", "10 12 08"),
        (" 10 12 08* ", "10 12 08"),
        ("16 02 13*", "16 02 13"),
        ("1012 08", "10 12 08"),
        ("10", "10"),
        ("1012", "10 12"),
        ("10.12", "10 12"),
        ("99 99 99", "99 99 99"),  # shape only, existence is not checked
        ("", None),
        ("   ", None),
        ("1", None),
        ("101", None),
        ("10121", None),
        ("1012080", None),
        ("10 12 08 01", None),
        ("1 01208", None),
        ("ab1208", None),
        ("10 12 08**", None),
        ("*", None),
        ("10/12/08", None),
    ],
)
def test_normalize_ewc_code(raw: str, expected: str | None) -> None:
    assert normalize_ewc_code(raw) == expected


@pytest.mark.parametrize("raw", ["10 12 02", "99 99 99", "21", "10 15", "abc", "", "1012089"])
def test_unknown_or_malformed_code_is_none(raw: str) -> None:
    assert get_ewc(raw) is None


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["1012", "10 12", "10.12", "10-12", " 10 12 "])
def test_search_code_prefix(query: str) -> None:
    assert codes(search_ewc(query, limit=50)) == SUBCHAPTER_1012


def test_search_code_prefix_with_headings_and_limit() -> None:
    assert codes(search_ewc("10 12", entries_only=False, limit=3)) == [
        "10 12",
        "10 12 01",
        "10 12 03",
    ]
    assert codes(search_ewc("1012", limit=2)) == ["10 12 01", "10 12 03"]
    assert codes(search_ewc("10 12 08*")) == ["10 12 08"]
    assert search_ewc("1012089") == []


def test_search_italian_tiles_finds_the_legal_word() -> None:
    # The Italian list says "mattonelle"; "piastrelle" is what the district types.
    expected = ["17 01 03", "10 12 08", "17 01 06", "17 01 07"]
    assert codes(search_ewc("piastrelle")) == expected
    assert codes(search_ewc("piastr")) == expected
    assert codes(search_ewc("mattonelle")) == expected


def test_search_english_and_italian_word_prefix() -> None:
    in_annex_order = ["08 02 02", "08 02 03", "10 12 08", "17 01 03", "17 01 06", "17 01 07"]
    assert codes(search_ewc("ceramic", lang="en")) == in_annex_order
    # "ceramica" (singular) reaches "ceramiche" and "ceramici" too.
    assert codes(search_ewc("ceramica", lang="it")) == in_annex_order


def test_search_all_words_must_match_and_stop_words_are_ignored() -> None:
    assert codes(search_ewc("scarti ceramica")) == ["10 12 08"]
    assert codes(search_ewc("rifiuti da smaltatura")) == ["10 12 11", "10 12 12"]
    assert codes(search_ewc("imballaggi carta")) == ["15 01 01"]
    assert search_ewc("ceramica alluminio") == []


def test_search_is_case_and_accent_insensitive() -> None:
    expected = ["01", "08 01", "19", "20", "20 01 33"]
    assert codes(search_ewc("nonché", entries_only=False)) == expected
    assert codes(search_ewc("NONCHE", entries_only=False)) == expected


def test_search_ranks_descriptions_starting_with_the_word_first() -> None:
    # "Vetro" and "vetro, plastica e legno ..." start with the word (Annex order among them);
    # "scarti di materiali in fibra a base di vetro" comes after.
    assert codes(search_ewc("vetro", limit=6)) == [
        "16 01 20", "17 02 02", "17 02 04", "19 12 05", "20 01 02", "10 11 03",
    ]  # fmt: skip


def test_search_other_language_matches_come_after() -> None:
    # Italian first; an English-only match still turns up, after the Italian ones.
    result = codes(search_ewc("concrete", lang="it"))
    assert result == ["10 13 14", "17 01 01", "17 01 06", "17 01 07"]
    assert codes(search_ewc("cemento", lang="en"))[:1] == ["10 13 09"]


def test_search_mixed_code_prefix_and_words() -> None:
    assert codes(search_ewc("10 12 smalt")) == ["10 12 11", "10 12 12"]


@pytest.mark.parametrize("query", ["", "   ", "???", "zzzzqqq"])
def test_search_without_result(query: str) -> None:
    assert search_ewc(query) == []


def test_search_limit_zero() -> None:
    assert search_ewc("rifiuti", limit=0) == []


# --- Italian override ------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_import_writes_override_and_catalogue_uses_it(tmp_path: Path) -> None:
    src = write(
        tmp_path / "it.csv",
        "code,description_it\n"
        '101208,"scarti ceramici cotti, testo di prova"\n'
        "16.02.13*,apparecchiature di prova\n",
    )
    data_dir = tmp_path / "deploy"
    report = import_italian_ewc_text(src, data_dir)
    target = data_dir / "ewc-it.csv"
    assert report.path == target
    assert report.imported == 2
    assert report.changed_codes == ("10 12 08", "16 02 13")
    assert report.blank_codes == ()
    assert len(report.missing_codes) == 971
    assert report.missing_codes[:2] == ("01", "01 01")
    assert report.delimiter == ","
    assert target.read_text(encoding="utf-8") == (
        "code,description_it\n"
        '10 12 08,"scarti ceramici cotti, testo di prova"\n'
        "16 02 13,apparecchiature di prova\n"
    )
    assert [p.name for p in data_dir.iterdir()] == ["ewc-it.csv"]  # no temp file left

    cat = ewc_catalogue(data_dir=data_dir)
    row = cat.by_code["10 12 08"]
    assert row.description_it == "scarti ceramici cotti, testo di prova"
    assert row.italian_is_official is True
    assert row.italian_source == "override"
    untouched = cat.by_code["10 12 01"]
    assert (
        untouched.description_it
        == "residui di miscela di preparazione non sottoposti a trattamento termico"
    )
    assert untouched.italian_source == "shipped"
    # The shipped catalogue is unaffected.
    assert ewc_catalogue().by_code["10 12 08"].description_it == IT_101208
    # Search uses the new text.
    assert codes(search_ewc("testo prova", data_dir=data_dir)) == ["10 12 08"]


def test_override_found_through_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write(tmp_path / "it.csv", "code;description_it\n10 12 08;testo dal deployer\n")
    report = import_italian_ewc_text(src, tmp_path / "d")
    assert report.delimiter == ";"
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "d"))
    row = get_ewc("101208")
    assert row is not None
    assert row.description_it == "testo dal deployer"


def test_reimport_is_picked_up_without_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "d"
    import_italian_ewc_text(
        write(tmp_path / "a.csv", "code,description_it\n101208,primo\n"), data_dir
    )
    assert ewc_catalogue(data_dir).by_code["10 12 08"].description_it == "primo"
    import_italian_ewc_text(
        write(tmp_path / "b.csv", "code,description_it\n101208,secondo testo\n"), data_dir
    )
    assert ewc_catalogue(data_dir).by_code["10 12 08"].description_it == "secondo testo"


def test_blank_italian_falls_back_to_english(tmp_path: Path) -> None:
    src = write(
        tmp_path / "it.csv", "\ufeffCode,Description_IT,note\n10 12 08,,x\n17 01 01,Calcestruzzo,\n"
    )
    report = import_italian_ewc_text(src, tmp_path / "d")
    assert report.blank_codes == ("10 12 08",)
    assert report.changed_codes == ("10 12 08", "17 01 01")
    row = ewc_catalogue(tmp_path / "d").by_code["10 12 08"]
    assert row.description_it is None
    assert row.italian_is_official is False
    assert row.italian_source is None
    assert row.description("it") == EN_101208
    assert row.description_label("it") == (EN_101208, True)
    assert row.description_label("en") == (EN_101208, False)
    # A blanked row is still found by its English words, whatever the language asked for.
    assert "10 12 08" in codes(search_ewc("thermal processing", data_dir=tmp_path / "d"))


def test_unknown_codes_are_rejected_and_nothing_written(tmp_path: Path) -> None:
    data_dir = tmp_path / "d"
    import_italian_ewc_text(
        write(tmp_path / "ok.csv", "code,description_it\n101208,prima\n"), data_dir
    )
    before = (data_dir / "ewc-it.csv").read_bytes()
    bad = write(
        tmp_path / "bad.csv",
        "code,description_it\n101208,nuovo\n10 12 02,inesistente\nabc,non un codice\n99,capitolo\n",
    )
    with pytest.raises(ItalianImportError) as info:
        import_italian_ewc_text(bad, data_dir)
    assert info.value.problems == (
        (3, "10 12 02", "not in the List of Waste"),
        (4, "abc", "not an EWC code"),
        (5, "99", "not in the List of Waste"),
    )
    assert "row 3: '10 12 02'" in str(info.value)
    assert (data_dir / "ewc-it.csv").read_bytes() == before
    assert [p.name for p in data_dir.iterdir()] == ["ewc-it.csv"]


def test_unknown_code_into_empty_dir_writes_nothing(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.csv", "code,description_it\n10 12 02,inesistente\n")
    with pytest.raises(ItalianImportError):
        import_italian_ewc_text(bad, tmp_path / "d")
    assert not (tmp_path / "d" / "ewc-it.csv").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,testo\n101208,x\n", "needs the columns code and description_it"),
        ("", "empty file"),
        ("code,description_it\n\n", "no data rows"),
        ("code,description_it\n101208,uno\n10 12 08,due\n", "repeats row 2 with different text"),
    ],
)
def test_malformed_files_are_rejected(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(ItalianImportError, match=re.escape(message)):
        import_italian_ewc_text(write(tmp_path / "x.csv", content), tmp_path / "d")
    assert not (tmp_path / "d" / "ewc-it.csv").exists()


def test_non_utf8_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("code,description_it\n101208,attività\n".encode("latin-1"))
    with pytest.raises(ItalianImportError, match="not UTF-8"):
        import_italian_ewc_text(path, tmp_path / "d")


def test_identical_duplicate_is_accepted(tmp_path: Path) -> None:
    src = write(tmp_path / "x.csv", "code,description_it\n101208,uno\n10 12 08,uno\n")
    assert import_italian_ewc_text(src, tmp_path / "d").imported == 1


def test_hand_edited_invalid_override_fails_loudly(tmp_path: Path) -> None:
    write(tmp_path / "ewc-it.csv", "code,description_it\n10 12 02,inesistente\n")
    with pytest.raises(ItalianImportError, match=r"Italian override .* is invalid"):
        ewc_catalogue(tmp_path)


# --- provenance ------------------------------------------------------------------------------


def test_provenance_lists_every_shipped_file_with_its_hash() -> None:
    data = resources.files("ecodistrict.codes") / "data"
    provenance = (data / "PROVENANCE.md").read_text(encoding="utf-8")
    shipped = sorted(p.name for p in data.iterdir() if p.name != "PROVENANCE.md")
    assert shipped == [
        "README-ewc.md",
        "README-recovery.md",
        "ewc.csv",
        "recovery-codes.yaml",
        "recovery-routes.yaml",
    ]
    for name in shipped:
        digest = hashlib.sha256((data / name).read_bytes()).hexdigest()
        assert f"| `{name}` | `{digest}` |" in provenance, name


# --- CLI -------------------------------------------------------------------------------------

runner = CliRunner()


def flat(text: str) -> str:
    """Usage errors come in a rich box that wraps lines; compare on single-spaced text."""
    return re.sub(r"[\s│╭╮╰╯─]+", " ", text)


def test_cli_ewc_table() -> None:
    result = runner.invoke(codes_app, ["ewc", "16 02 13"])
    assert result.exit_code == 0, result.output
    assert "16 02 13*" in result.stdout
    assert "absolute hazardous" in result.stdout


def test_cli_ewc_json() -> None:
    result = runner.invoke(codes_app, ["ewc", "piastrelle", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [p["code"] for p in payload] == ["17 01 03", "10 12 08", "17 01 06", "17 01 07"]
    assert payload[1]["description"] == IT_101208
    assert payload[2]["display_code"] == "17 01 06*"


def test_cli_ewc_english_and_limit() -> None:
    result = runner.invoke(
        codes_app, ["ewc", "1012", "--lang", "en", "--limit", "2", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [p["code"] for p in payload] == ["10 12 01", "10 12 03"]
    assert payload[0]["description"] == "waste preparation mixture before thermal processing"


def test_cli_ewc_no_match_is_not_an_error() -> None:
    result = runner.invoke(codes_app, ["ewc", "zzzzqqq"])
    assert result.exit_code == 0
    assert "No EWC code matches 'zzzzqqq'." in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "stderr"),
    [
        (["ewc", "1234567"], 1, "not an EWC code or code prefix"),
        (["ewc", "  "], 1, "empty query"),
        (["ewc", "carta", "--lang", "de"], 2, "--lang"),
        (["ewc", "carta", "--limit", "0"], 2, "--limit"),
        (["ewc"], 2, "Missing argument"),
    ],
)
def test_cli_ewc_errors(args: list[str], code: int, stderr: str) -> None:
    result = runner.invoke(codes_app, args)
    assert result.exit_code == code
    assert stderr in flat(result.stderr)
    assert "Traceback" not in result.output


def test_cli_load_ewc_italian(tmp_path: Path) -> None:
    src = write(tmp_path / "it.csv", "code,description_it\n101208,testo nuovo\n")
    result = runner.invoke(
        codes_app, ["load-ewc-italian", str(src), "--data-dir", str(tmp_path / "d")]
    )
    assert result.exit_code == 0, result.output
    assert f"Wrote {tmp_path / 'd' / 'ewc-it.csv'}" in result.stdout
    assert "1 codes imported: 1 differ from the shipped text, 0 blank" in result.stdout
    assert "972 codes of the list are not in the CSV" in result.stdout
    assert "01, 01 01, 01 01 01" in result.stdout
    assert "and 962 more" in result.stdout
    shown = runner.invoke(codes_app, ["ewc", "101208", "--data-dir", str(tmp_path / "d")])
    assert "testo nuovo" in shown.stdout


def test_cli_load_ewc_italian_uses_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write(tmp_path / "it.csv", "code,description_it\n101208,testo nuovo\n")
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "env"))
    result = runner.invoke(codes_app, ["load-ewc-italian", str(src)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "env" / "ewc-it.csv").exists()


def test_cli_load_ewc_italian_rejects_unknown_codes(tmp_path: Path) -> None:
    src = write(tmp_path / "it.csv", "code,description_it\n101208,ok\n10 12 02,no\n")
    result = runner.invoke(
        codes_app, ["load-ewc-italian", str(src), "--data-dir", str(tmp_path / "d")]
    )
    assert result.exit_code == 1
    assert "row 3: '10 12 02': not in the List of Waste" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "d" / "ewc-it.csv").exists()


def test_cli_load_ewc_italian_needs_a_data_dir(tmp_path: Path) -> None:
    src = write(tmp_path / "it.csv", "code,description_it\n101208,ok\n")
    result = runner.invoke(codes_app, ["load-ewc-italian", str(src)])
    assert result.exit_code == 2
    assert f"no data directory: pass --data-dir DIR or set {DATA_DIR_ENV}" in flat(result.stderr)


def test_cli_load_ewc_italian_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(
        codes_app, ["load-ewc-italian", str(tmp_path / "nope.csv"), "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "does not exist" in flat(result.stderr)
