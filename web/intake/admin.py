from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ecodistrict_web.core.admin_site import RoleModelAdmin
from ecodistrict_web.intake.models import Interest


@admin.register(Interest)
class InterestAdmin(SimpleHistoryAdmin, RoleModelAdmin):
    list_display = ["company_name", "vat_number", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["company_name", "vat_number", "email"]
