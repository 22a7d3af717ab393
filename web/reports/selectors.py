"""Reads on report requests, shaped for the pages. Every query starts from ``restrict()``
(directly, or through ``companies_for_user`` / ``districts_for_user``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import QuerySet

from ecodistrict_web.companies.models import Company, District
from ecodistrict_web.companies.selectors import companies_for_user, districts_for_user
from ecodistrict_web.reports.models import ReportRequest, ReportStatus
from ecodistrict_web.reports.permissions import (
    can_request_district_report,
    can_request_open_data,
)

RECENT = 20


def requests_for_user(user: Any) -> QuerySet[ReportRequest]:
    """The user's own requests that they may still see (a firm member who left a firm no longer
    reaches its reports)."""
    return (
        ReportRequest.objects.restrict(user)
        .filter(requested_by=user)
        .select_related("district", "company")
    )


@dataclass(frozen=True)
class ReportsPage:
    companies: list[Company]
    districts: list[District]
    can_district: bool
    can_open_data: bool
    requests: list[ReportRequest]
    ranking_runs: list[Any]
    settlement_runs: list[Any]


def reports_page(user: Any) -> ReportsPage:
    """What the user may ask for, and their recent requests."""
    can_district = can_request_district_report(user)
    can_open_data = can_request_open_data(user)
    districts = list(districts_for_user(user)) if (can_district or can_open_data) else []
    ranking = list(selection_runs(user, "rank")) if can_district else []
    settlement = list(selection_runs(user, "settle")) if can_district else []
    return ReportsPage(
        companies=list(companies_for_user(user)),
        districts=districts,
        can_district=can_district,
        can_open_data=can_open_data,
        requests=list(requests_for_user(user)[:RECENT]),
        ranking_runs=ranking,
        settlement_runs=settlement,
    )


def selection_runs(user: Any, kind: str) -> QuerySet[Any]:
    """The finished selection runs of a kind ("rank" or "settle") the user may see, newest
    first, without their payload; none when the selection app is not installed."""
    if not apps.is_installed("ecodistrict_web.selection"):
        return ReportRequest.objects.none()
    model = apps.get_model("selection", "SelectionRun")
    return (
        model.objects.restrict(user)
        .filter(kind=kind, status="done", district__isnull=False)
        .defer("input_snapshot", "result")
        .select_related("district")
        .order_by("-created_at", "-pk")[:RECENT]
    )


def selection_run_result(user: Any, pk: int, kind: str, district_pk: int) -> dict[str, Any] | None:
    """The result document of a finished selection run of a district that the user may see;
    None otherwise."""
    if not apps.is_installed("ecodistrict_web.selection"):
        return None
    model = apps.get_model("selection", "SelectionRun")
    run = (
        model.objects.restrict(user)
        .filter(pk=pk, kind=kind, status="done", district_id=district_pk)
        .first()
    )
    if run is None or not isinstance(run.result, dict):
        return None
    return dict(run.result)


def request_for_user(user: Any, pk: int) -> ReportRequest | None:
    return requests_for_user(user).filter(pk=pk).first()


def download_for_user(user: Any, pk: int) -> ReportRequest | None:
    """A finished request of the user's, with its file; None otherwise."""
    return requests_for_user(user).filter(pk=pk, status=ReportStatus.DONE).first()
