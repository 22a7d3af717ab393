"""The admin site: open to municipality staff (role ``staff``) and superusers only.

The role on the user is the single source of who may administer; Django's ``is_staff`` flag is
not used. Every ModelAdmin of the project derives from ``RoleModelAdmin`` so each model page
applies the same rule and goes through the model's ``restrict()`` scoping.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ecodistrict_web.accounts.permissions import can_administer


class EcodistrictAdminSite(admin.AdminSite):
    site_header = _("Smart Eco District – administration")
    site_title = _("Smart Eco District")
    index_title = _("Data administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return can_administer(request.user)


class RoleModelAdmin(admin.ModelAdmin):
    """Full access for administrators (see ``can_administer``), none for anyone else."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_administer(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_administer(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_administer(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_administer(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_administer(request.user)

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)
        restrict = getattr(queryset, "restrict", None)
        return restrict(request.user, "view") if restrict else queryset


class RoleTabularInline(admin.TabularInline):
    """An inline with the same rule as ``RoleModelAdmin``."""

    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_administer(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_administer(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_administer(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_administer(request.user)
