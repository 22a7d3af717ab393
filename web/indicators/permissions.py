"""Who may do what with indicators, one function per action (see accounts/permissions.py).

Which runs and companies a user reaches is decided by ``restrict(user, action)``; these rules
only gate the pages and actions that concern the whole district.
"""

from __future__ import annotations

from typing import Any

from ecodistrict_web.accounts.permissions import CHANGE, Scope, reads_across_firms, scope_for


def can_view_district_indicators(user: Any) -> bool:
    """The positioning database of all firms, the closure of the cycles, the list of runs:
    municipality staff and facilitators (within their grants), not firm members."""
    return reads_across_firms(user)


def can_compute_indicators(user: Any) -> bool:
    """Recompute the indicators of a district ("Ricalcola indicatori"): municipality staff."""
    return scope_for(user, CHANGE) is Scope.ALL


def can_publish_indicator_set(user: Any) -> bool:
    """Save and publish a new version of the indicator set: municipality staff."""
    return scope_for(user, CHANGE) is Scope.ALL
