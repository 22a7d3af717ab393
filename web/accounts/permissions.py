"""Who may do what: the role rules, in one place.

``scope_for(user, action)`` answers, for a user and an action, whether they may act on all rows,
only on the rows of their own companies, only on the rows staff granted them (facilitators, see
``accounts.models.FacilitatorGrant``), or on none. Every queryset a user can reach is narrowed
by ``RestrictedQuerySet.restrict(user, action)`` (core/querysets.py), which asks this function.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from ecodistrict_web.accounts.models import Role

VIEW = "view"
ADD = "add"
CHANGE = "change"
DELETE = "delete"
IMPORT = "import"  # load a district file
ACTIONS = (VIEW, ADD, CHANGE, DELETE, IMPORT)


class Scope(Enum):
    NONE = "none"
    OWN = "own"  # rows of the companies the user is a member of
    GRANTED = "granted"  # rows of the districts and companies staff granted the user
    ALL = "all"


#: The rules. An action missing from a role's row is refused.
ROLE_SCOPES: dict[str, dict[str, Scope]] = {
    Role.STAFF: {action: Scope.ALL for action in ACTIONS},
    Role.FACILITATOR: {VIEW: Scope.GRANTED},
    Role.FIRM: {VIEW: Scope.OWN, CHANGE: Scope.OWN},
}


def scope_for(user: Any, action: str) -> Scope:
    """The rows ``user`` may ``action``: all of them, their own companies' rows, or none."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope.NONE
    if user.is_superuser:
        return Scope.ALL
    return ROLE_SCOPES.get(getattr(user, "role", ""), {}).get(action, Scope.NONE)


def reads_across_firms(user: Any) -> bool:
    """Whether the user reads firms other than their own (the district-wide pages): staff, and
    facilitators within what staff granted them. Which rows they reach is ``restrict()``'s."""
    return scope_for(user, VIEW) in (Scope.ALL, Scope.GRANTED)


def can_manage_grants(user: Any) -> bool:
    """Grant or withdraw a facilitator's access to a district or a company: staff."""
    return scope_for(user, CHANGE) is Scope.ALL


def can_administer(user: Any) -> bool:
    """The Django admin: municipality staff and superusers."""
    return scope_for(user, CHANGE) is Scope.ALL


def can_import_district(user: Any) -> bool:
    """Load or replace a whole district file: municipality staff and superusers."""
    return scope_for(user, IMPORT) is Scope.ALL
