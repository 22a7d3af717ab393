"""Who may do what with the manifesto, signatures and commitments (see accounts/permissions.py).

The municipality (staff) publishes the texts. Only a member of a firm signs for it and states
its commitments: staff and facilitators never sign or commit on a firm's behalf. Which firms a
user acts for, and which commitments they read, is ``restrict()``'s.
"""

from __future__ import annotations

from typing import Any

from ecodistrict_web.accounts.permissions import CHANGE, Scope, reads_across_firms, scope_for


def can_publish_charter(user: Any) -> bool:
    """Publish a new version of the manifesto or of the guidelines: municipality staff."""
    return scope_for(user, CHANGE) is Scope.ALL


def can_act_for_firms(user: Any) -> bool:
    """Sign and state commitments: firm members (on their own firms only)."""
    return scope_for(user, CHANGE) is Scope.OWN


def can_view_all_commitments(user: Any) -> bool:
    """Every firm's commitments with names: staff, and facilitators within their grants."""
    return reads_across_firms(user)
