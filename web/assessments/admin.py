from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ecodistrict_web.assessments.models import Assessment, AssessmentVersion
from ecodistrict_web.core.admin_site import RoleModelAdmin


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin, RoleModelAdmin):
    list_display = ["interest", "status", "updated_at"]
    list_filter = ["status"]


@admin.register(AssessmentVersion)
class AssessmentVersionAdmin(SimpleHistoryAdmin, RoleModelAdmin):
    list_display = ["assessment", "number", "review_status", "submitted_at"]
    list_filter = ["review_status"]
    readonly_fields = ["snapshot", "snapshot_sha256", "indicators"]
