from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ecodistrict_web.accounts.models import Membership, User
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
