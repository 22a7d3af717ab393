from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScenariosConfig(AppConfig):
    name = "ecodistrict_web.scenarios"
    label = "scenarios"
    verbose_name = _("Co-designed operating models")

    def ready(self) -> None:
        from ecodistrict_web.companies.signals import district_imported

        district_imported.connect(_relink, dispatch_uid="scenarios-relink-after-import")


def _relink(sender: object, district: object, replaced: bool, **kwargs: object) -> None:
    """After a replace-import, attach this app's rows to the new district's companies."""
    if replaced:
        from ecodistrict_web.scenarios.services import relink_to_district

        relink_to_district(district)  # type: ignore[arg-type]
