"""Who may do what with scenarios, one function per action (see accounts/permissions.py).

A scenario never writes the declared data, so working on a firm's scenarios needs only to see
the firm: its members, the facilitators staff granted it (co-design), and municipality staff.
Which scenarios and companies a user reaches is decided by ``restrict(user, WORK)``.
"""

from __future__ import annotations

from typing import Any

from ecodistrict_web.accounts.permissions import CHANGE, VIEW, Scope, reads_across_firms, scope_for

#: The action a user needs on a firm to create and edit its scenarios.
WORK = VIEW


def can_use_scenarios(user: Any) -> bool:
    """The scenarios pages: any signed-in user who may see a firm."""
    return scope_for(user, WORK) is not Scope.NONE


def can_create_district_scenario(user: Any) -> bool:
    """A scenario of the whole district (changes to several firms): municipality staff."""
    return scope_for(user, CHANGE) is Scope.ALL


def can_see_district_figures(user: Any) -> bool:
    """District-level indicators and partners' names in a result: staff and facilitators."""
    return reads_across_firms(user)


def can_delete_scenario(user: Any, scenario: Any) -> bool:
    """Deleting ends the co-design: who made the scenario, a member of its firm, or staff; a
    facilitator who only reads the firm may work on its scenarios but not delete them."""
    if scenario.created_by_id is not None and scenario.created_by_id == getattr(user, "pk", None):
        return True
    scope = scope_for(user, CHANGE)
    if scope is Scope.ALL:
        return True
    if scope is Scope.OWN and scenario.company_id is not None:
        return user.memberships.filter(company_id=scenario.company_id).exists()
    return False
