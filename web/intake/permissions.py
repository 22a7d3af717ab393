"""Who may do what with expressions of interest (see accounts/permissions.py)."""

from __future__ import annotations

from typing import Any

from ecodistrict_web.accounts.permissions import CHANGE, Scope, reads_across_firms, scope_for


def can_list_interests(user: Any) -> bool:
    """The list of every interest: staff, and facilitators within their grants."""
    return reads_across_firms(user)


def can_invite(user: Any) -> bool:
    """Invite a firm to the profiling assessment: municipality staff."""
    return scope_for(user, CHANGE) is Scope.ALL
