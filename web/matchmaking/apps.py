from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "ecodistrict_web.matchmaking"
    label = "matchmaking"
    verbose_name = _("Industrial symbiosis matchmaking")
