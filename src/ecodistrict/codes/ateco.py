"""Economic activity codes: ATECO 2025 (ISTAT), accepting NACE Rev.2 / ATECO 2007 input.

Wraps the `ateco` package (ISTAT data, CC BY 4.0). Its levels are section (C), division (23),
group (23.3), class (23.31), category (23.31.0) and subcategory (23.31.00). A firm's activity
must be a class or finer. Titles are Italian only: the package ships no English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import ateco as istat

from ecodistrict.codes._text import blob, query_words

EditionChoice = Literal["auto", "2025", "2022"]
ActivitySystem = Literal["ATECO 2025", "NACE Rev.2"]

ACCEPTED_LEVELS: tuple[str, ...] = ("class", "category", "subcategory")
_LEVEL_RANK = {level: rank for rank, level in enumerate(ACCEPTED_LEVELS)}
_DOTTED = re.compile(r"\d{2}(?:\.\d{1,2}(?:\.\d{1,2})?)?")
_CODE_QUERY = re.compile(r"[\d\s.,]*\d[\d\s.,]*")
_EXPECTED = "expected NN.NN, NN.NN.N or NN.NN.NN (e.g. 23.31)"


@dataclass(frozen=True)
class ActivityCode:
    """A class-or-finer ATECO 2025 code, with what the user wrote and how it was read."""

    code: str
    level: str
    title_it: str
    division: str
    given: str
    # "NACE Rev.2" means the input was read in ATECO 2007 (2022 update), equal to NACE Rev.2 up
    # to class level, and mapped to ATECO 2025.
    system: ActivitySystem
    note: str | None = None


@dataclass(frozen=True)
class ActivityCheck:
    """Result of `check_activity_code`: exactly one of activity and error is set."""

    activity: ActivityCode | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.activity is not None


@dataclass(frozen=True)
class _Node:
    code: str
    level: str
    title: str
    parent: str | None


@dataclass(frozen=True)
class _SearchRow:
    position: int
    node: _Node
    compact: str
    words: str
    repeats_parent: bool


def normalize_activity_code(raw: str) -> str | None:
    """Dotted form of an ATECO/NACE code as typed, or None if the shape is wrong.

    Blanks are removed and a comma is read as a dot ("23,31" -> "23.31": Italian keyboards type
    the decimal comma). Compact digits are split ISTAT's way: "2331" -> "23.31",
    "233100" -> "23.31.00". A lone letter is a section ("c" -> "C"). Existence is not checked.
    """
    text = re.sub(r"\s+", "", raw).replace(",", ".").rstrip(".")
    if text.isascii() and text.isdigit() and 2 <= len(text) <= 6:
        return _dotted(text)
    if _DOTTED.fullmatch(text):
        return text
    if len(text) == 1 and text.isascii() and text.isalpha():
        return text.upper()
    return None


@lru_cache(maxsize=8192)  # a pure function of its arguments; districts repeat a few codes
def check_activity_code(raw: str, *, edition: EditionChoice = "auto") -> ActivityCheck:
    """Validate a firm's activity code and return it as ATECO 2025.

    edition="auto" tries ATECO 2025 first, then ATECO 2007 (2022 update) = NACE Rev.2, mapped
    with ISTAT's 2022->2025 correspondence (first target if one-to-many, the others in `note`).
    A code valid in both editions is read as 2025; when its 2022 meaning differs, `note` says so.
    Pass edition="2022" for data written in NACE Rev.2 / ATECO 2007 (e.g. recovery-routes.yaml).
    """
    given = raw.strip()
    if not given:
        return _fail("empty ATECO code")
    code = normalize_activity_code(given)
    if code is None:
        return _fail(f"'{given}' is not an ATECO code; {_EXPECTED}")
    if edition in ("auto", "2025"):
        node = _lookup(code, "2025")
        if node is not None:
            if node.level not in ACCEPTED_LEVELS:
                return _fail(_level_error(node))
            note = _reading_note(code) if edition == "auto" else None
            return ActivityCheck(_activity(node, given, "ATECO 2025", note), None)
    if edition in ("auto", "2022"):
        old = _lookup(code, "2022")
        if old is not None:
            if old.level not in ACCEPTED_LEVELS:
                return _fail(_level_error(old))
            return _map_2022(old, given)
    systems = {"auto": "ATECO 2025 / NACE Rev.2", "2025": "ATECO 2025", "2022": "NACE Rev.2"}
    return _fail(f"unknown {systems[edition]} code '{code}'")


def lookup_activity(code: str, *, edition: EditionChoice = "auto") -> ActivityCode | None:
    """The ATECO 2025 activity for a code, or None (see `check_activity_code` for why)."""
    return check_activity_code(code, edition=edition).activity


def search_activities(query: str, limit: int = 20) -> list[ActivityCode]:
    """ATECO 2025 classes and finer by code prefix ("23.3", "233") or Italian title words.

    Words are matched as word prefixes, case- and accent-insensitive, all required. Categories
    and subcategories whose title repeats their parent's are left out unless typed in full.
    Titles starting with the first word come first, then classes before finer levels.
    """
    text = query.strip()
    if limit <= 0 or not text:
        return []
    rows = _search_index()
    if _CODE_QUERY.fullmatch(text):
        digits = re.sub(r"\D", "", text)
        hits = [
            r
            for r in rows
            if r.compact.startswith(digits) and (not r.repeats_parent or r.compact == digits)
        ]
        return [_activity(r.node, r.node.code, "ATECO 2025", None) for r in hits[:limit]]
    words = query_words(text)
    if not words:
        return []
    ranked = sorted(
        (
            (0 if r.words.startswith(" " + words[0]) else 1, _LEVEL_RANK[r.node.level], r.position),
            r,
        )
        for r in rows
        if not r.repeats_parent and all(" " + w in r.words for w in words)
    )
    return [_activity(r.node, r.node.code, "ATECO 2025", None) for _, r in ranked[:limit]]


def division_title(division: str) -> str | None:
    """Italian title of an ATECO 2025 division ("23"), or None."""
    text = division.strip()
    if not re.fullmatch(r"\d{2}", text):
        return None
    node = _lookup(text, "2025")
    return node.title if node is not None and node.level == "division" else None


# --- helpers -------------------------------------------------------------------------------


def _dotted(digits: str) -> str:
    parts = [digits[:2], digits[2:4], digits[4:]]
    return ".".join(p for p in parts if p)


def _fail(message: str) -> ActivityCheck:
    return ActivityCheck(None, message)


def _level_error(node: _Node) -> str:
    return f"ATECO code '{node.code}' is a {node.level}; give a class (NN.NN) or finer"


def _old_label(code: str) -> str:
    # NACE Rev.2 stops at classes; finer 2022 codes are Italian ATECO 2007 extensions.
    return "NACE Rev.2" if code.count(".") == 1 else "ATECO 2007 (2022 update)"


def _map_2022(old: _Node, given: str) -> ActivityCheck:
    mapped = istat.map_code(old.code, "2022", "2025")
    targets = [n for n in (_lookup(str(t), "2025") for t in mapped.targets) if n is not None]
    if not targets:
        return _fail(f"{_old_label(old.code)} code '{old.code}' has no ATECO 2025 correspondence")
    note = f"mapped from {_old_label(old.code)} {old.code}"
    if len(targets) > 1:
        note += "; ambiguous: also " + ", ".join(t.code for t in targets[1:])
    return ActivityCheck(_activity(targets[0], given, "NACE Rev.2", note), None)


def _reading_note(code: str) -> str | None:
    """Warn when a code read as ATECO 2025 meant something else in ATECO 2007 / NACE Rev.2."""
    old = _lookup(code, "2022")
    if old is None:
        return None
    targets = tuple(str(t) for t in istat.map_code(code, "2022", "2025").targets)
    if code in targets:
        return None
    return (
        f"read as ATECO 2025; as {_old_label(code)}, {code} is '{old.title}' "
        f"(ATECO 2025: {', '.join(targets)})"
    )


def _activity(node: _Node, given: str, system: ActivitySystem, note: str | None) -> ActivityCode:
    return ActivityCode(
        code=node.code,
        level=node.level,
        title_it=node.title,
        division=node.code[:2],
        given=given,
        system=system,
        note=note,
    )


def _to_node(raw: Any) -> _Node:
    # Accepts the package's AtecoNode and the raw dicts of its loader.
    fields = raw if isinstance(raw, dict) else raw.__dict__
    parent = fields.get("parent")
    return _Node(
        code=str(fields["code"]),
        level=str(fields["level"]),
        title=str(fields["title"]).strip(),
        parent=str(parent) if parent else None,
    )


@lru_cache(maxsize=4096)
def _lookup(code: str, edition: str) -> _Node | None:
    node = istat.lookup(code, edition=edition)
    return None if node is None else _to_node(node)


@lru_cache(maxsize=1)
def _search_index() -> tuple[_SearchRow, ...]:
    # The package has no public "all nodes" call; its loader is the only way to list them.
    from ateco._load import load_nodes

    nodes = {str(code): _to_node(raw) for code, raw in load_nodes("2025").items()}
    rows: list[_SearchRow] = []
    for node in nodes.values():
        if node.level not in ACCEPTED_LEVELS:
            continue
        parent = nodes.get(node.parent) if node.parent else None
        rows.append(
            _SearchRow(
                position=len(rows),
                node=node,
                compact=node.code.replace(".", ""),
                words=blob(node.title),
                # Only below class level: a class that repeats its group's title is still a
                # valid choice, whereas 23.31.0 / 23.31.00 would only echo 23.31.
                repeats_parent=node.level != "class"
                and parent is not None
                and blob(parent.title) == blob(node.title),
            )
        )
    return tuple(rows)
