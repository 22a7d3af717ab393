"""Who may do what with matches and exchanges, one function per action (see
accounts/permissions.py).

Which runs, proposals and exchanges a user reaches is decided by ``restrict(user, action)``;
these rules gate the pages and actions. Interest is answered only by a member of the firm on that
side of the match: staff and facilitators never answer for a firm.
"""

from __future__ import annotations

from typing import Any

from ecodistrict_web.accounts.models import Membership
from ecodistrict_web.accounts.permissions import CHANGE, Scope, reads_across_firms, scope_for
from ecodistrict_web.matchmaking.models import MatchProposal, Side


def can_view_all_matches(user: Any) -> bool:
    """Every match of a district with the firms' names, the map, the proposed exchanges:
    municipality staff and facilitators (within their grants), not firm members."""
    return reads_across_firms(user)


def can_run_matching(user: Any) -> bool:
    """Recompute the matches of a district ("Ricalcola abbinamenti"): municipality staff."""
    return scope_for(user, CHANGE) is Scope.ALL


def can_change_exchange_status(user: Any) -> bool:
    """Move a proposed exchange to another status: municipality staff."""
    return scope_for(user, CHANGE) is Scope.ALL


def sides_of(user: Any, proposal: MatchProposal) -> list[str]:
    """The sides of ``proposal`` whose firm ``user`` is a member of (usually one, or none)."""
    if scope_for(user, CHANGE) is Scope.NONE:
        return []
    companies = {
        Side.SUPPLIER: proposal.supplier_id,
        Side.RECEIVER: proposal.receiver_id,
    }
    member_of = set(
        Membership.objects.filter(
            user=user, company_id__in=[pk for pk in companies.values() if pk is not None]
        ).values_list("company_id", flat=True)
    )
    return [str(side) for side, pk in companies.items() if pk is not None and pk in member_of]


def can_express_interest(user: Any, proposal: MatchProposal, side: str) -> bool:
    """Answer "interested" or "not interested" for one side of a match: a member of that firm."""
    return side in sides_of(user, proposal)
