"""URL routes of the web platform.

URLs do not carry the language: LocaleMiddleware picks it from the language cookie that the
language switcher (Django's set_language view, /i18n/setlang/) sets, then from the browser's
Accept-Language, then LANGUAGE_CODE (Italian).
"""

from django.contrib import admin
from django.urls import include, path

from ecodistrict_web.api.api import api

urlpatterns = [
    path("", include("ecodistrict_web.core.urls")),
    path("accounts/", include("ecodistrict_web.accounts.urls")),
    path("companies/", include("ecodistrict_web.companies.urls")),
    path("indicators/", include("ecodistrict_web.indicators.urls")),
    path("matchmaking/", include("ecodistrict_web.matchmaking.urls")),
    path("call/", include("ecodistrict_web.intake.urls")),
    path("assessments/", include("ecodistrict_web.assessments.urls")),
    path("scenarios/", include("ecodistrict_web.scenarios.urls")),
    path("commitments/", include("ecodistrict_web.commitments.urls")),
    path("selection/", include("ecodistrict_web.selection.urls")),
    path("reports/", include("ecodistrict_web.reports.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
