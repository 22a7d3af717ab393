"""Reads on expressions of interest, always through ``restrict(user, action)``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ecodistrict_web.accounts.permissions import VIEW
from ecodistrict_web.intake.models import Interest


def interests_for_user(user: Any, status: str = "", action: str = VIEW) -> QuerySet[Interest]:
    rows = Interest.objects.restrict(user, action).select_related("district", "user")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at")


def interest_for_user(user: Any, pk: int, action: str = VIEW) -> Interest | None:
    return interests_for_user(user, action=action).filter(pk=pk).first()


def own_interest(user: Any) -> Interest | None:
    """The interest the signed-in firm user registered, if any."""
    return Interest.objects.restrict(user).filter(user=user).select_related("user").first()
