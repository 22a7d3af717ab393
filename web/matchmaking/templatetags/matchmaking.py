"""Template helpers of the matchmaking pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from ecodistrict_web.companies.templatetags.quantities import quantity

register = template.Library()

#: The library's yearly units (``CANONICAL_UNIT``) as the pages write them.
UNIT_LABELS = {
    "t/yr": _("t/yr"),
    "MWh/yr": _("MWh/yr"),
    "m3/yr": _("m3/yr"),
    "h/yr": _("h/yr"),
}


@register.filter
def unit_label(unit: str) -> str:
    return str(UNIT_LABELS.get(unit, unit))


@register.filter
def amount(value: float | int | None, decimals: int = 1) -> str:
    """A number as the active language writes it, "–" when missing."""
    return quantity(value, decimals)


@register.filter
def answer_class(value: bool | None) -> str:
    """A badge colour for an interest answer."""
    if value is True:
        return "success"
    if value is False:
        return "secondary"
    return "light"


@register.filter
def get_item(mapping: dict | None, key: str):
    return mapping.get(key) if mapping else None
