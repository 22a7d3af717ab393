"""Reads on accounts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ecodistrict_web.accounts.models import ApiToken, FacilitatorGrant, Role, User
from ecodistrict_web.accounts.permissions import CHANGE, can_manage_grants


def has_any_user() -> bool:
    """Whether the database holds any account (demo accounts are created only when not)."""
    return User.objects.exists()


def role_label(user: Any) -> str:
    """The user's role as shown in the header, or an empty string for anonymous visitors."""
    if not getattr(user, "is_authenticated", False):
        return ""
    if user.is_superuser and user.role != "staff":
        return str(_("Administrator"))
    return str(user.get_role_display())


@dataclass(frozen=True)
class GrantChoices:
    facilitators: QuerySet[User]
    districts: QuerySet[Any]
    companies: QuerySet[Any]


def grant_choices(user: Any) -> GrantChoices:
    """What staff may pick on the grants page: active facilitators, the districts and companies
    the staff member may change."""
    from ecodistrict_web.companies.models import Company, District

    return GrantChoices(
        facilitators=User.objects.filter(role=Role.FACILITATOR, is_active=True).order_by(
            "username"
        ),
        districts=District.objects.restrict(user, CHANGE).order_by("name"),
        companies=Company.objects.restrict(user, CHANGE)
        .select_related("district")
        .order_by("district__name", "name"),
    )


def grants_for_user(user: Any) -> QuerySet[FacilitatorGrant]:
    """Every facilitator grant, for those who manage them (staff); none for anyone else."""
    if not can_manage_grants(user):
        return FacilitatorGrant.objects.none()
    return FacilitatorGrant.objects.select_related(
        "user", "district", "company__district", "granted_by"
    ).order_by("user__username", "pk")


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """The user's own API tokens (a token is only ever its owner's), newest first."""
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
