"""Reads on accounts."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ecodistrict_web.accounts.models import User


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
