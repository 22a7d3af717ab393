"""Small helpers every app's views share: the page language and query parameters."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def page_language() -> str:
    """The language of the page being rendered ("it" unless the user switched)."""
    return get_language() or "it"


def is_whole_number(raw: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts "²", which int() refuses."""
    return raw.isascii() and raw.isdecimal() and len(raw) <= 18


def int_param(request: HttpRequest, name: str) -> int | None:
    """An optional whole-number query parameter; a malformed one is a page that does not exist."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    if not is_whole_number(raw):
        raise Http404(_("No such page."))
    return int(raw)
