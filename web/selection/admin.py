"""Calls, lots and selection runs in the admin: read-only records.

Versions are saved by ``services.save_call_version`` / ``save_lots_version`` (which validate
them with the library) and runs by ``services.queue_run`` / ``execute_run`` (which keep their
inputs); the admin only shows them, so no unchecked file and no edited run gets in by hand.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ecodistrict_web.indicators.admin import ReadOnlyAdmin
from ecodistrict_web.selection.models import CallVersion, LotsVersion, SelectionRun
from ecodistrict_web.selection.selectors import RUN_PAYLOAD


@admin.register(CallVersion)
class CallVersionAdmin(ReadOnlyAdmin):
    list_display = ["district_name", "number", "file_id", "name_it", "created_at", "created_by"]
    list_filter = ["district_name"]
    search_fields = ["district_name", "file_id", "text_sha256"]


@admin.register(LotsVersion)
class LotsVersionAdmin(ReadOnlyAdmin):
    list_display = ["district_name", "number", "name_it", "created_at", "created_by"]
    list_filter = ["district_name"]
    search_fields = ["district_name", "text_sha256"]


@admin.register(SelectionRun)
class SelectionRunAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "kind",
        "district_name",
        "status",
        "created_at",
        "duration_s",
        "created_by",
    ]
    list_filter = ["kind", "status", "district_name"]
    list_select_related = ["created_by"]
    search_fields = ["district_name", "input_sha256", "name"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer(*RUN_PAYLOAD)
