from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ecodistrict_web.core"
    label = "core"
    verbose_name = _("Platform")


class EcodistrictAdminConfig(AdminConfig):
    """Django's admin with a site that admits users by role (see core/admin_site.py)."""

    default_site = "ecodistrict_web.core.admin_site.EcodistrictAdminSite"
