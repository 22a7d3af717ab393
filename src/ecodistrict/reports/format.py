"""Numbers as the reports print them: Italian or English separators, a dash for no value.

Tests compare the text of the PDFs with these functions, so a figure is formatted in one place.
"""

from __future__ import annotations

import math

NO_VALUE = "–"


def format_number(value: float | None, lang: str = "it", digits: int = 1) -> str:
    """12345.678 -> '12.345,7' (it) or '12,345.7' (en); None or not finite -> '–'."""
    if value is None or not math.isfinite(value):
        return NO_VALUE
    text = f"{value:,.{digits}f}"
    if lang.startswith("it"):
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if text.startswith("-") and round(value, digits) == 0:
        text = text[1:]  # no "-0,0" for a value that rounds to zero
    return text


def digits_for(unit: str) -> int:
    """Decimals shown for a unit: counts whole, ratios without unit three, the rest one."""
    if unit == "count":
        return 0
    if unit == "-":
        return 3
    return 1


def format_value(value: float | None, unit: str, lang: str = "it") -> str:
    """A value with its unit as printed in the reports: '12,5 %', '3 ', '0,214'."""
    shown = format_number(value, lang, digits_for(unit))
    if value is None or shown == NO_VALUE or unit in ("count", "-", ""):
        return shown
    return f"{shown} {unit}"
