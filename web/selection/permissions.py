"""Who may do what with calls, lots and selection runs, one function per action.

Which districts, versions and runs a user reaches is decided by ``restrict(user, action)``
(``DistrictRowsQuerySet`` in models.py); these rules gate the pages and the writes.
"""

from __future__ import annotations

from typing import Any

from ecodistrict_web.accounts.permissions import CHANGE, Scope, reads_across_firms, scope_for


def can_view_selection(user: Any) -> bool:
    """The call, ranking, network and settlement pages: municipality staff, and facilitators
    (read-only, the districts granted to them). Firm members never: they compete in the call."""
    return reads_across_firms(user)


def can_manage_selection(user: Any) -> bool:
    """Upload or edit a call or lots file and start a run: municipality staff."""
    return scope_for(user, CHANGE) is Scope.ALL
