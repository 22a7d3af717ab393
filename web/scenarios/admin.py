"""Scenarios in the admin: read-only (they are written by ``services.py``, which checks the
changes against the rules of the district file)."""

from __future__ import annotations

from django.contrib import admin

from ecodistrict_web.indicators.admin import ReadOnlyAdmin
from ecodistrict_web.scenarios.models import Scenario


@admin.register(Scenario)
class ScenarioAdmin(ReadOnlyAdmin):
    list_display = ["name", "scope", "district_name", "company", "computed_at", "updated_at"]
    list_filter = ["scope", "district_name"]
    list_select_related = ["company"]
    search_fields = ["name", "district_name", "company__name"]
