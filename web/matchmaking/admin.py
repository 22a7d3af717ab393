"""Matching runs, proposals and exchanges in the admin: read-only records.

Runs and proposals are made by ``services.run_matching``, answers by ``express_interest`` and
status changes by ``change_exchange_status`` (which keep the history and check who acts); the
admin only shows them, so neither the record nor the disclosure rule is bypassed by hand.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ecodistrict_web.core.admin_site import RoleTabularInline
from ecodistrict_web.indicators.admin import ReadOnlyAdmin
from ecodistrict_web.matchmaking.models import (
    ExchangeStatusChange,
    MatchProposal,
    MatchRun,
    ProposedExchange,
)
from ecodistrict_web.matchmaking.selectors import RUN_PAYLOAD


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyAdmin):
    list_display = ["district_name", "created_at", "match_count", "top_k", "trigger", "created_by"]
    list_filter = ["district_name", "trigger"]
    list_select_related = ["created_by"]
    search_fields = ["district_name", "input_sha256"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer(*RUN_PAYLOAD)


@admin.register(MatchProposal)
class MatchProposalAdmin(ReadOnlyAdmin):
    list_display = [
        "supplier_name",
        "supplier_flow",
        "receiver_name",
        "kind",
        "score",
        "basis",
        "distance_km",
        "supplier_interest",
        "receiver_interest",
        "run",
    ]
    list_filter = ["kind", "basis", "run__district_name"]
    list_select_related = ["run"]
    search_fields = ["supplier_name", "receiver_name", "supplier_flow_description", "pair_key"]


class StatusChangeInline(RoleTabularInline):
    model = ExchangeStatusChange
    can_delete = False
    fields = ["changed_at", "from_status", "to_status", "changed_by", "note"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProposedExchange)
class ProposedExchangeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "district_name", "status", "created_at", "updated_at"]
    list_filter = ["status", "district_name"]
    list_select_related = ["proposal"]
    search_fields = ["pair_key", "proposal__supplier_name", "proposal__receiver_name"]
    inlines = [StatusChangeInline]
