"""Rules for companies and flows, named after what they allow (see accounts/permissions.py).

Row visibility itself is decided by ``restrict(user, action)`` on each model's queryset.
"""

from __future__ import annotations

from typing import Any

from ecodistrict_web.accounts.permissions import can_import_district
from ecodistrict_web.companies.models import Company

__all__ = ["can_change_company", "can_import_district", "can_see_company"]


def can_see_company(user: Any, company: Company) -> bool:
    """Whether ``user`` may see this company's identity and data (e.g. an exchange partner)."""
    return Company.objects.restrict(user, "view").filter(pk=company.pk).exists()


def can_change_company(user: Any, company: Company) -> bool:
    """Whether ``user`` may correct this company's declared flows: a member, or staff."""
    return Company.objects.restrict(user, "change").filter(pk=company.pk).exists()
