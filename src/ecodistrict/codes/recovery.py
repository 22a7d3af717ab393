"""Waste recovery (R1-R13) and disposal (D1-D15) operations.

Italian: D.Lgs. 152/2006 Parte IV, Allegato C (R) and Allegato B (D); English: Directive
2008/98/EC Annexes II and I. Data: `data/recovery-codes.yaml`, see `data/README-recovery.md`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml

OperationKind = Literal["recovery", "disposal"]

_OPERATION_CODE = re.compile(r"([RD])[\s.]*0*(\d{1,2})")
_SECTIONS: tuple[tuple[str, OperationKind, str], ...] = (
    ("recovery_operations", "recovery", "R"),
    ("disposal_operations", "disposal", "D"),
)


@dataclass(frozen=True)
class WasteOperation:
    """One R or D operation."""

    code: str
    kind: OperationKind
    text_it: str
    text_en: str
    # Label of the RENTRI API enumeration: older wording for some R codes; match on `code`.
    rentri_label_it: str
    # Our tag for the matcher, not legal text (e.g. R13 is "storage_pending_recovery").
    role: str
    note_en: str | None = None

    @property
    def number(self) -> int:
        return int(self.code[1:])

    def text(self, lang: str) -> str:
        return self.text_it if lang.strip().lower().startswith("it") else self.text_en


def normalize_operation_code(raw: str) -> str | None:
    """Canonical operation code: "r5", "R 5", "R05", "R.5" -> "R5"; None if malformed.

    Existence is not checked ("R14" -> "R14").
    """
    match = _OPERATION_CODE.fullmatch(raw.strip().upper())
    if match is None:
        return None
    return f"{match.group(1)}{int(match.group(2))}"


def get_operation(code: str) -> WasteOperation | None:
    normal = normalize_operation_code(code)
    if normal is None:
        return None
    return _by_code().get(normal)


def recovery_operations() -> tuple[WasteOperation, ...]:
    """R1..R13 in order."""
    return _operations()[0]


def disposal_operations() -> tuple[WasteOperation, ...]:
    """D1..D15 in order."""
    return _operations()[1]


def waste_operations() -> tuple[WasteOperation, ...]:
    """R1..R13 then D1..D15."""
    recovery, disposal = _operations()
    return recovery + disposal


@lru_cache(maxsize=1)
def _operations() -> tuple[tuple[WasteOperation, ...], tuple[WasteOperation, ...]]:
    source = resources.files("ecodistrict.codes") / "data" / "recovery-codes.yaml"
    with source.open("r", encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    if not isinstance(document, dict):
        raise RuntimeError("recovery-codes.yaml: expected a mapping at top level")
    recovery, disposal = (
        tuple(_parse(item, kind, letter) for item in _list(document, key))
        for key, kind, letter in _SECTIONS
    )
    return recovery, disposal


@lru_cache(maxsize=1)
def _by_code() -> dict[str, WasteOperation]:
    return {op.code: op for op in waste_operations()}


def _list(document: dict[str, Any], key: str) -> list[Any]:
    items = document.get(key)
    if not isinstance(items, list):
        raise RuntimeError(f"recovery-codes.yaml: {key} must be a list")
    return items


def _parse(item: Any, kind: OperationKind, letter: str) -> WasteOperation:
    if not isinstance(item, dict):
        raise RuntimeError(f"recovery-codes.yaml: bad {kind} item {item!r}")
    fields = {k: _text(item, k) for k in ("code", "it", "it_rentri_label", "en", "role")}
    if normalize_operation_code(fields["code"]) != fields["code"] or fields["code"][0] != letter:
        raise RuntimeError(f"recovery-codes.yaml: bad {kind} code {fields['code']!r}")
    note = item.get("en_note")
    return WasteOperation(
        code=fields["code"],
        kind=kind,
        text_it=fields["it"],
        text_en=fields["en"],
        rentri_label_it=fields["it_rentri_label"],
        role=fields["role"],
        note_en=str(note).strip() if note else None,
    )


def _text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RuntimeError(f"recovery-codes.yaml: missing {key} in {item.get('code')!r}")
    return value.strip()
