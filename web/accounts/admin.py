from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ecodistrict_web.accounts.models import ApiToken, FacilitatorGrant, Membership, User
from ecodistrict_web.core.admin_site import RoleModelAdmin, RoleTabularInline


class MembershipInline(RoleTabularInline):
    model = Membership
    autocomplete_fields = ["company"]


@admin.register(User)
class UserAdmin(RoleModelAdmin, DjangoUserAdmin):
    list_display = ["username", "email", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_superuser"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Role"), {"fields": ("role", "is_active", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "role", "password1", "password2")}),
    )
    inlines = [MembershipInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly.append("is_superuser")  # only a superuser makes another
        return readonly


@admin.register(Membership)
class MembershipAdmin(RoleModelAdmin):
    list_display = ["user", "company", "created_at"]
    list_select_related = ["user", "company"]
    autocomplete_fields = ["user", "company"]
    search_fields = ["user__username", "company__name"]


@admin.register(FacilitatorGrant)
class FacilitatorGrantAdmin(RoleModelAdmin):
    list_display = ["user", "district", "company", "granted_by", "granted_at"]
    list_select_related = ["user", "district", "company", "granted_by"]
    autocomplete_fields = ["user", "company"]
    readonly_fields = ["granted_by", "granted_at"]
    search_fields = ["user__username", "district__name", "company__name"]

    def save_model(
        self, request: HttpRequest, obj: FacilitatorGrant, form: Any, change: bool
    ) -> None:
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ApiToken)
class ApiTokenAdmin(RoleModelAdmin):
    """Tokens are created by their owner (page or command); staff may only revoke them."""

    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
