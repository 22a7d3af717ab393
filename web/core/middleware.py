"""Language selection: Italian for everyone until the visitor picks English.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an English-language
browser would get English on a municipal Italian service. This subclass reads only the language
cookie that the switcher (Django's ``set_language`` view) sets, and otherwise uses
``LANGUAGE_CODE`` (``it``). The response handling (Content-Language, Vary) is Django's.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def language_from_cookie(request: HttpRequest) -> str:
    """The language chosen with the switcher, or the site's default language."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    available = {code for code, _name in settings.LANGUAGES}
    if chosen in available and translation.check_for_language(chosen):
        return chosen
    return settings.LANGUAGE_CODE


class CookieLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        language = language_from_cookie(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
