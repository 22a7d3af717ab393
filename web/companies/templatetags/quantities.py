"""Numbers as the active language writes them: 56.000 and 9,7925 in Italian."""

from __future__ import annotations

import math

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def quantity(value: float | int | None, decimals: int = 4) -> str:
    """At most ``decimals`` decimal places (more below 1, to keep 4 significant digits), no
    trailing zeros, thousands grouped."""
    if value is None:
        return "–"
    number = float(value)
    decimals = int(decimals)
    if 0 < abs(number) < 1:
        decimals = max(decimals, 3 - math.floor(math.log10(abs(number))))
    rounded = round(number, decimals)
    if rounded == int(rounded):
        return number_format(int(rounded), force_grouping=True)
    text = f"{rounded:.{decimals}f}".rstrip("0")
    places = len(text.split(".")[1])
    return number_format(rounded, decimal_pos=places, force_grouping=True)
