"""Values every page's header needs."""

from typing import Any

from django.http import HttpRequest

from ecodistrict_web.accounts.permissions import can_administer, can_import_district
from ecodistrict_web.accounts.selectors import role_label


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "nav_role": role_label(user),
        "nav_can_administer": can_administer(user),
        "nav_can_import": can_import_district(user),
    }
