"""Italian for the reasons the library gives when a value is missing.

The library (``ecodistrict.indicators``) writes its reasons in English. They are a short, fixed
list; each is named here with ``gettext_noop`` so that ``makemessages`` puts it in the catalogue,
and the pages translate a reason when it is one of them. A reason not listed here (a new one, or
one carrying data such as an MCI note) is shown as the library wrote it.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

KNOWN_REASONS = (
    gettext_noop("no material inflows declared"),
    gettext_noop("no material outflows declared (internal ones do not count)"),
    gettext_noop("no waste outflows declared"),
    gettext_noop("no material inflows or outflows declared"),
    gettext_noop("no energy inflows declared"),
    gettext_noop("no water inflows declared"),
    gettext_noop("no material inflow with a known source_distance_km"),
    gettext_noop("no material inflow with a known distance"),
    gettext_noop("employees not declared"),
    gettext_noop("employees is 0"),
    gettext_noop("revenue_eur not declared"),
    gettext_noop("revenue_eur is 0"),
    gettext_noop(
        "no linear material inflow (all material inflows are circular, or none is declared)"
    ),
    gettext_noop("no product outflows declared"),
    gettext_noop("no product output with MCI inputs (mci) declared"),
    gettext_noop("no material inflows in the district"),
    gettext_noop("no energy inflows in the district"),
    gettext_noop("no water inflows in the district"),
    gettext_noop("no waste outflows in the district"),
    gettext_noop("no wastes or by-products generated in the district"),
    gettext_noop("no firms in the district"),
    gettext_noop("fewer than 2 firms: no possible link"),
    gettext_noop("not computed"),
)
_KNOWN = frozenset(KNOWN_REASONS)


def translate_reason(reason: str | None) -> str:
    """The reason in the active language when it is a known one (each part of a "; " list)."""
    if not reason:
        return ""
    return "; ".join(gettext(part) if part in _KNOWN else part for part in reason.split("; "))
