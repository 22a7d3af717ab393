"""Report requests in the admin: read-only records (made by the request pages)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ecodistrict_web.core.admin_site import RoleModelAdmin
from ecodistrict_web.reports.models import ReportRequest


@admin.register(ReportRequest)
class ReportRequestAdmin(RoleModelAdmin):
    list_display = ["pk", "kind", "output_format", "district", "company", "status", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["district", "company"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
