"""European List of Waste (EWC / EER codes), Decision 2000/532/EC as amended by 2014/955/EU.

The shipped `data/ewc.csv` holds all 973 rows (20 chapters, 111 sub-chapters, 842 entries) with
English and official Italian wording; see `data/README-ewc.md` and `data/PROVENANCE.md`. A deployer
can replace the Italian wording with `import_italian_ewc_text`, which writes `ewc-it.csv` to the
data directory; `ewc_catalogue` picks it up.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from ecodistrict.codes._text import blob, query_words

EwcLevel = Literal["chapter", "subchapter", "entry"]
EntryType = Literal[
    "absolute_hazardous", "mirror_hazardous", "mirror_non_hazardous", "absolute_non_hazardous"
]
ItalianSource = Literal["shipped", "override"]

DATA_DIR_ENV = "ECODISTRICT_DATA_DIR"
ITALIAN_OVERRIDE_FILENAME = "ewc-it.csv"

_LEVELS: tuple[EwcLevel, ...] = ("chapter", "subchapter", "entry")
_ENTRY_TYPES: tuple[EntryType, ...] = (
    "absolute_hazardous",
    "mirror_hazardous",
    "mirror_non_hazardous",
    "absolute_non_hazardous",
)
_LEVEL_NAMES: dict[str, EwcLevel] = {name: name for name in _LEVELS}
_ENTRY_TYPE_NAMES: dict[str, EntryType] = {name: name for name in _ENTRY_TYPES}
_CSV_COLUMNS = (
    "code", "level", "chapter", "subchapter", "hazardous", "entry_type",
    "description_en", "description_it",
)  # fmt: skip

# Two-digit groups with optional separators; a trailing asterisk (hazard mark) is tolerated.
_CODE_SHAPE = re.compile(r"(\d{2})(?:[\s.\-]*(\d{2}))?(?:[\s.\-]*(\d{2}))?\s*\*?")
_CODE_QUERY = re.compile(r"[\d\s.\-]*\d[\d\s.\-]*\*?")
_NUMERIC_TOKEN = re.compile(r"[\d.\-]*\d[\d.\-]*\*?")

# Search aid, not legal text: words people type for which the Italian list uses another word.
# The tile district says "piastrelle"; the Italian EWC says "mattonelle" (10 12 08, 17 01 03) and
# "cemento" for concrete (17 01 01). Keys are folded word stems.
_IT_SEARCH_SYNONYMS: tuple[tuple[str, str], ...] = (
    ("piastrell", "mattonell"),
    ("calcestruzz", "cement"),
)
_MIN_SYNONYM_PREFIX = 5


@dataclass(frozen=True)
class EwcCode:
    """One row of the List of Waste: a chapter, a sub-chapter or a six-digit entry."""

    code: str
    level: EwcLevel
    chapter: str
    subchapter: str | None
    hazardous: bool
    entry_type: EntryType | None
    description_en: str
    description_it: str | None
    # True when `description_it` is official wording: the shipped EUR-Lex text or a deployer's file.
    italian_is_official: bool
    italian_source: ItalianSource | None = None

    @property
    def display_code(self) -> str:
        """Code as printed in the Decision: hazardous entries carry an asterisk."""
        return f"{self.code}*" if self.hazardous else self.code

    @property
    def compact_code(self) -> str:
        return self.code.replace(" ", "")

    def description(self, lang: str) -> str:
        """Italian text for `lang="it"` when there is one, otherwise English."""
        return self.description_label(lang)[0]

    def description_label(self, lang: str) -> tuple[str, bool]:
        """(text, is_fallback): is_fallback is True when English stands in for another language."""
        primary = _primary_language(lang)
        if primary == "it" and self.description_it is not None:
            return self.description_it, False
        return self.description_en, primary != "en"


@dataclass(frozen=True)
class _IndexRow:
    position: int
    row: EwcCode
    compact: str
    it: str
    en: str


@dataclass(frozen=True)
class EwcCatalogue:
    """The whole list, in Annex order, with lookups and search."""

    rows: tuple[EwcCode, ...]
    entries: tuple[EwcCode, ...]
    chapters: tuple[EwcCode, ...]
    subchapters: tuple[EwcCode, ...]
    by_code: Mapping[str, EwcCode]
    italian_override: Path | None = None
    _index: tuple[_IndexRow, ...] = field(default=(), repr=False, compare=False)

    @classmethod
    def from_rows(
        cls, rows: Iterable[EwcCode], italian_override: Path | None = None
    ) -> EwcCatalogue:
        ordered = tuple(rows)
        index = tuple(
            _IndexRow(
                position=i,
                row=r,
                compact=r.compact_code,
                it=blob(r.description_it) if r.description_it is not None else "",
                en=blob(r.description_en),
            )
            for i, r in enumerate(ordered)
        )
        return cls(
            rows=ordered,
            entries=tuple(r for r in ordered if r.level == "entry"),
            chapters=tuple(r for r in ordered if r.level == "chapter"),
            subchapters=tuple(r for r in ordered if r.level == "subchapter"),
            by_code=MappingProxyType({r.code: r for r in ordered}),
            italian_override=italian_override,
            _index=index,
        )

    def get(self, code: str) -> EwcCode | None:
        normal = normalize_ewc_code(code)
        return None if normal is None else self.by_code.get(normal)

    def counts(self) -> dict[str, int]:
        counts = {
            "rows": len(self.rows),
            "chapters": len(self.chapters),
            "subchapters": len(self.subchapters),
            "entries": len(self.entries),
            "hazardous": sum(1 for e in self.entries if e.hazardous),
            "non_hazardous": sum(1 for e in self.entries if not e.hazardous),
            "rows_with_italian": sum(1 for r in self.rows if r.description_it is not None),
        }
        for kind in _ENTRY_TYPES:
            counts[kind] = sum(1 for e in self.entries if e.entry_type == kind)
        return counts

    def search(
        self, query: str, lang: str = "it", limit: int = 20, entries_only: bool = True
    ) -> list[EwcCode]:
        """See `search_ewc`."""
        if limit <= 0:
            return []
        text = query.strip()
        if not text:
            return []
        if _CODE_QUERY.fullmatch(text):
            return self._scan(_digits(text), None, lang, limit, entries_only)
        tokens = text.split()
        prefix = "".join(_digits(t) for t in tokens if _NUMERIC_TOKEN.fullmatch(t))
        words = query_words(" ".join(t for t in tokens if not _NUMERIC_TOKEN.fullmatch(t)))
        if not words:
            # Only punctuation besides the digits: a code search, or nothing at all.
            return self._scan(prefix, None, lang, limit, entries_only) if prefix else []
        return self._scan(prefix, words, lang, limit, entries_only)

    def _scan(
        self,
        prefix: str,
        words: list[str] | None,
        lang: str,
        limit: int,
        entries_only: bool,
    ) -> list[EwcCode]:
        if len(prefix) > 6:
            return []
        italian_first = _primary_language(lang) == "it"
        ranked: list[tuple[int, int, EwcCode]] = []
        alternatives = [_alternatives(w) for w in words] if words else []
        for item in self._index:
            if entries_only and item.row.level != "entry":
                continue
            if prefix and not item.compact.startswith(prefix):
                continue
            if not alternatives:
                ranked.append((0, item.position, item.row))
                continue
            italian = item.it or item.en  # a blanked Italian row is searched in English
            primary, secondary = (italian, item.en) if italian_first else (item.en, italian)
            if _all_match(primary, alternatives):
                starts = any(primary.startswith(" " + a) for a in alternatives[0])
                ranked.append((0 if starts else 1, item.position, item.row))
            elif _all_match(secondary, alternatives):
                ranked.append((2, item.position, item.row))
        ranked.sort(key=lambda t: (t[0], t[1]))
        return [row for _, _, row in ranked[:limit]]


class ItalianImportError(ValueError):
    """The Italian text file is unusable; `problems` lists (row, code, reason) where known."""

    def __init__(self, message: str, problems: tuple[tuple[int, str, str], ...] = ()) -> None:
        self.problems = problems
        if problems:
            lines = [f"row {row}: {code!r}: {reason}" for row, code, reason in problems]
            message = message + "\n" + "\n".join(lines)
        super().__init__(message)


@dataclass(frozen=True)
class ItalianImportReport:
    """Outcome of `import_italian_ewc_text`; codes are in Annex order."""

    path: Path
    imported: int
    changed_codes: tuple[str, ...]
    blank_codes: tuple[str, ...]
    missing_codes: tuple[str, ...]
    delimiter: str


def normalize_ewc_code(raw: str) -> str | None:
    """Spaced form of a code: "101208", "10.12.08", "10-12-08", "10 12 08*" -> "10 12 08".

    Two- and four-digit heading codes are accepted too ("10", "10.12" -> "10 12").

    Only the shape is checked (two-digit groups, at most three); not whether the code exists.
    """
    match = _CODE_SHAPE.fullmatch(raw.strip())
    if match is None:
        return None
    return " ".join(g for g in match.groups() if g is not None)


def ewc_catalogue(data_dir: Path | None = None) -> EwcCatalogue:
    """The catalogue, with the Italian override of `data_dir` (or $ECODISTRICT_DATA_DIR) if any.

    Cached; the override file's stat is part of the cache key, so a fresh import is seen without
    a restart.
    """
    directory = _resolve_data_dir(data_dir)
    if directory is not None:
        path = directory / ITALIAN_OVERRIDE_FILENAME
        try:
            st = path.stat()
        except FileNotFoundError:
            pass
        else:
            return _catalogue(path.resolve(), (st.st_mtime_ns, st.st_size, st.st_ino))
    return _catalogue(None, None)


def get_ewc(code: str, *, data_dir: Path | None = None) -> EwcCode | None:
    """Row for any normalisable form of a code; None if malformed or not in the list."""
    return ewc_catalogue(data_dir).get(code)


def search_ewc(
    query: str,
    lang: str = "it",
    limit: int = 20,
    entries_only: bool = True,
    *,
    data_dir: Path | None = None,
) -> list[EwcCode]:
    """Autocomplete search over codes and both languages.

    A query of digits and separators ("1012", "10 12", "10.12") is a code prefix. Otherwise every
    word must start a word of the description (accent- and case-insensitive), in the same
    language; digit groups mixed with words ("10 12 scarti") restrict by code prefix. Order:
    descriptions in `lang` starting with the first word, other matches in `lang`, matches only in
    the other language; Annex order within each group.
    """
    return ewc_catalogue(data_dir).search(query, lang, limit, entries_only)


def import_italian_ewc_text(csv_path: Path, data_dir: Path) -> ItalianImportReport:
    """Check a deployer's `code,description_it` CSV and write it as `data_dir/ewc-it.csv`.

    UTF-8 (a BOM is fine), delimiter `,` or `;`, other columns ignored. Rows are counted with
    the header as row 1. Malformed or unknown codes, or a code repeated with different text,
    raise ItalianImportError and nothing is written. A blank text is allowed: that row then has
    no Italian and shows the English text. Codes of the list absent from the CSV keep the shipped
    Italian and are reported in `missing_codes`.
    """
    shipped = _catalogue(None, None)
    texts, delimiter = _read_italian_csv(csv_path, shipped)
    target = data_dir / ITALIAN_OVERRIDE_FILENAME
    ordered = [r.code for r in shipped.rows if r.code in texts]
    _write_atomically(target, [(code, texts[code]) for code in ordered])
    return ItalianImportReport(
        path=target,
        imported=len(ordered),
        changed_codes=tuple(c for c in ordered if texts[c] != shipped.by_code[c].description_it),
        blank_codes=tuple(c for c in ordered if not texts[c]),
        missing_codes=tuple(r.code for r in shipped.rows if r.code not in texts),
        delimiter=delimiter,
    )


# --- loading -------------------------------------------------------------------------------


def _primary_language(lang: str) -> str:
    return re.split(r"[-_]", lang.strip().lower(), maxsplit=1)[0]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _alternatives(word: str) -> tuple[str, ...]:
    alts = [word]
    for stem, other in _IT_SEARCH_SYNONYMS:
        if word.startswith(stem) or (len(word) >= _MIN_SYNONYM_PREFIX and stem.startswith(word)):
            alts.append(other)
    return tuple(alts)


def _all_match(text_blob: str, alternatives: list[tuple[str, ...]]) -> bool:
    return bool(text_blob) and all(any(" " + a in text_blob for a in alts) for alts in alternatives)


def _resolve_data_dir(data_dir: Path | None) -> Path | None:
    if data_dir is not None:
        return data_dir
    env = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(env) if env else None


@lru_cache(maxsize=1)
def _shipped_rows() -> tuple[EwcCode, ...]:
    source = resources.files("ecodistrict.codes") / "data" / "ewc.csv"
    reader = csv.DictReader(io.StringIO(source.read_text(encoding="utf-8"), newline=""))
    if tuple(reader.fieldnames or ()) != _CSV_COLUMNS:
        raise RuntimeError(f"ewc.csv: unexpected header {reader.fieldnames!r}")
    return tuple(_parse_shipped_row(row, n) for n, row in enumerate(reader, start=2))


def _parse_shipped_row(row: dict[str, str], n: int) -> EwcCode:
    level = _LEVEL_NAMES.get(row["level"])
    entry_type = _ENTRY_TYPE_NAMES.get(row["entry_type"])
    if level is None or (row["entry_type"] and entry_type is None):
        raise RuntimeError(f"ewc.csv row {n}: bad level or entry_type")
    italian = row["description_it"].strip() or None
    return EwcCode(
        code=row["code"],
        level=level,
        chapter=row["chapter"],
        subchapter=row["subchapter"] or None,
        hazardous=row["hazardous"] == "true",
        entry_type=entry_type,
        description_en=row["description_en"],
        description_it=italian,
        italian_is_official=italian is not None,
        italian_source="shipped" if italian is not None else None,
    )


@lru_cache(maxsize=8)
def _catalogue(override: Path | None, stamp: tuple[int, int, int] | None) -> EwcCatalogue:
    # `stamp` only keys the cache: a rewritten override file gets a fresh catalogue.
    del stamp
    rows = _shipped_rows()
    if override is None:
        return EwcCatalogue.from_rows(rows)
    shipped = _catalogue(None, None)
    try:
        texts, _ = _read_italian_csv(override, shipped)
    except ItalianImportError as exc:
        raise ItalianImportError(f"Italian override {override} is invalid: {exc}") from None
    merged = [_with_italian(r, texts[r.code]) if r.code in texts else r for r in rows]
    return EwcCatalogue.from_rows(merged, italian_override=override)


def _with_italian(row: EwcCode, text: str) -> EwcCode:
    if not text:
        return replace(row, description_it=None, italian_is_official=False, italian_source=None)
    return replace(row, description_it=text, italian_is_official=True, italian_source="override")


def _read_italian_csv(path: Path, catalogue: EwcCatalogue) -> tuple[dict[str, str], str]:
    """Parse and validate a code,description_it file; returns ({code: text}, delimiter)."""
    try:
        content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ItalianImportError(f"{path}: not UTF-8 (byte {exc.start})") from None
    first_line = content.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    records = list(csv.reader(io.StringIO(content, newline=""), delimiter=delimiter))
    if not records:
        raise ItalianImportError(f"{path}: empty file")
    header = [h.strip().lower() for h in records[0]]
    if "code" not in header or "description_it" not in header:
        raise ItalianImportError(
            f"{path}: needs the columns code and description_it; found {records[0]!r}"
        )
    code_at, text_at = header.index("code"), header.index("description_it")
    texts: dict[str, str] = {}
    first_row: dict[str, int] = {}
    problems: list[tuple[int, str, str]] = []
    for n, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        raw = record[code_at].strip() if code_at < len(record) else ""
        text = record[text_at].strip() if text_at < len(record) else ""
        code = normalize_ewc_code(raw)
        if code is None:
            problems.append((n, raw, "not an EWC code"))
        elif code not in catalogue.by_code:
            problems.append((n, code, "not in the List of Waste"))
        elif code in texts and texts[code] != text:
            problems.append((n, code, f"repeats row {first_row[code]} with different text"))
        elif code not in texts:
            texts[code] = text
            first_row[code] = n
    if problems:
        message = f"{path}: {len(problems)} bad row(s), nothing written"
        raise ItalianImportError(message, tuple(problems))
    if not texts:
        raise ItalianImportError(f"{path}: no data rows")
    return texts, delimiter


def _write_atomically(target: Path, rows: list[tuple[str, str]]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    # Temp file in the same directory so os.replace is an atomic rename; readers never see a
    # half-written file.
    fd, tmp_name = tempfile.mkstemp(prefix=".ewc-it-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["code", "description_it"])
            writer.writerows(rows)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
