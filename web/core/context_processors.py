"""Values every page's header needs."""

from typing import Any

from django.http import HttpRequest

from ecodistrict_web.accounts.permissions import (
    can_administer,
    can_import_district,
    can_manage_grants,
)
from ecodistrict_web.accounts.selectors import role_label
from ecodistrict_web.indicators.permissions import (
    can_publish_indicator_set,
    can_view_district_indicators,
)
from ecodistrict_web.matchmaking.permissions import can_view_all_matches


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = bool(getattr(user, "is_authenticated", False))
    district_view = can_view_district_indicators(user)
    return {
        "nav_role": role_label(user),
        "nav_can_administer": can_administer(user),
        "nav_can_manage_grants": can_manage_grants(user),
        "nav_can_import": can_import_district(user),
        # "I miei indicatori" for firm members; the district pages for staff and facilitators.
        "nav_my_indicators": signed_in and not district_view,
        "nav_district_indicators": district_view,
        "nav_can_publish_set": can_publish_indicator_set(user),
        # "I miei abbinamenti" for firm members; every match and the exchanges for the others.
        "nav_my_matches": signed_in and not can_view_all_matches(user),
        "nav_all_matches": can_view_all_matches(user),
    }
