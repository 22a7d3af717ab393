"""Indicator set versions and runs in the admin: read-only records.

Runs are made by ``services.compute_and_store`` and set versions by the publishing page; the
admin only shows them (no add, change or delete), so history is not rewritten by hand.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ecodistrict_web.core.admin_site import RoleModelAdmin
from ecodistrict_web.indicators.models import IndicatorRun, IndicatorSetVersion
from ecodistrict_web.indicators.selectors import RUN_PAYLOAD


class ReadOnlyAdmin(RoleModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IndicatorSetVersion)
class IndicatorSetVersionAdmin(ReadOnlyAdmin):
    list_display = [
        "label",
        "key",
        "version",
        "published",
        "published_at",
        "published_by",
        "shipped",
    ]
    list_filter = ["key", "published"]
    search_fields = ["key", "version", "label"]


@admin.register(IndicatorRun)
class IndicatorRunAdmin(ReadOnlyAdmin):
    list_display = ["district_name", "indicator_set_label", "created_at", "trigger", "created_by"]
    list_filter = ["district_name", "indicator_set_label", "trigger"]
    list_select_related = ["created_by"]
    search_fields = ["district_name", "indicator_set_label", "input_sha256"]

    def get_queryset(self, request: HttpRequest) -> Any:
        # The change list needs none of the JSON payload; a run's page loads it when shown.
        return super().get_queryset(request).defer(*RUN_PAYLOAD)
