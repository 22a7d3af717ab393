"""Who may ask for which report, one function per action (see accounts/permissions.py).

Which firms a user may ask a positioning report for is ``restrict()``'s (companies_for_user):
a firm member their own firm, a facilitator the firms staff granted them, staff every firm.
"""

from __future__ import annotations

from typing import Any

from ecodistrict_web.accounts.permissions import CHANGE, Scope, scope_for


def can_request_district_report(user: Any) -> bool:
    """The district report for the PUG: municipality staff."""
    return scope_for(user, CHANGE) is Scope.ALL


def can_request_open_data(user: Any) -> bool:
    """The open data export of a district: municipality staff."""
    return scope_for(user, CHANGE) is Scope.ALL
