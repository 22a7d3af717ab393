from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ecodistrict.units import UnitError
from ecodistrict_web.companies import services
from ecodistrict_web.companies.models import Company, District, Flow, Site
from ecodistrict_web.core.admin_site import RoleModelAdmin, RoleTabularInline


class SiteInline(RoleTabularInline):
    model = Site


@admin.register(District)
class DistrictAdmin(RoleModelAdmin):
    # The change list carries a link to the district-file import page (companies:import).
    change_list_template = "admin/companies/district/change_list.html"
    list_display = ["name", "radius_km", "imported_at", "source_name"]
    search_fields = ["name"]
    readonly_fields = ["imported_at", "source_name"]


@admin.register(Company)
class CompanyAdmin(RoleModelAdmin, SimpleHistoryAdmin):
    list_display = ["name", "slug", "district", "ateco", "employees"]
    list_filter = ["district"]
    list_select_related = ["district"]
    search_fields = ["name", "slug", "ateco"]
    inlines = [SiteInline]


@admin.register(Site)
class SiteAdmin(RoleModelAdmin, SimpleHistoryAdmin):
    list_display = ["company", "name", "lat", "lon", "is_primary"]
    list_select_related = ["company"]
    search_fields = ["company__name", "name"]


class FlowAdminForm(forms.ModelForm):
    class Meta:
        model = Flow
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        quantity, unit, kind = (cleaned.get(name) for name in ("quantity", "unit", "kind"))
        if quantity is not None and unit and kind:
            try:
                services.normalised(quantity, unit, kind)
            except UnitError as exc:
                self.add_error("unit", str(exc))
        return cleaned


@admin.register(Flow)
class FlowAdmin(RoleModelAdmin, SimpleHistoryAdmin):
    form = FlowAdminForm
    readonly_fields = ["quantity_normalised", "unit_normalised"]
    list_display = [
        "company",
        "slug",
        "direction",
        "kind",
        "description",
        "ewc",
        "quantity",
        "unit",
        "quantity_normalised",
        "unit_normalised",
    ]
    list_filter = ["direction", "kind", "company__district"]
    list_select_related = ["company"]
    search_fields = ["slug", "description", "ewc", "company__name"]
    raw_id_fields = ["supplied_by"]
    autocomplete_fields = ["company"]

    def save_model(self, request: HttpRequest, obj: Flow, form: Any, change: bool) -> None:
        services.save_flow(obj)
