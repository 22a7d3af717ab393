"""Template helpers of the indicator pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from ecodistrict_web.companies.templatetags.quantities import quantity
from ecodistrict_web.indicators.reasons import translate_reason

register = template.Library()


@register.filter
def reason(text: str | None) -> str:
    """A missing value's reason, in Italian when the library's English text is a known one."""
    return translate_reason(text)


@register.filter
def indicator_value(value: float | int | None, unit: str = "") -> str:
    """A value with its unit ("0,53 %", "450 km", "1"); "–" when missing."""
    if value is None:
        return "–"
    text = quantity(value, 2)
    return f"{text} {unit}".strip() if unit else text


@register.filter
def percentile(value: float | None) -> str:
    if value is None:
        return "–"
    return _("percentile %(value)s") % {"value": quantity(value, 1)}


@register.filter
def get_item(mapping: dict | None, key: str):
    return mapping.get(key) if mapping else None
