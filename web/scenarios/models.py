"""Scenarios: co-designed operating models, what-if copies of the declared data.

A scenario copies the declared district file when it is created (``base_data``) and keeps a list
of flow changes (``changes``, format ``ecodistrict/scenario-changes/1``, see the library's
``ecodistrict.scenarios``). The declared companies and flows are never written by this app: the
changes live only here. The last computed comparison is kept with the indicator set version that
produced it. Rows are written only by ``services.py``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecodistrict_web.companies.models import Company, District
from ecodistrict_web.core.models import recorded_user
from ecodistrict_web.core.querysets import RestrictedQuerySet
from ecodistrict_web.indicators.models import IndicatorSetVersion


class ScenarioScope(models.TextChoices):
    COMPANY = "company", _("a firm")
    DISTRICT = "district", _("the whole district")


class ScenarioQuerySet(RestrictedQuerySet):
    # A firm's scenario belongs to the firm; a district scenario (no company) is reached only by
    # those who see every row (municipality staff).
    own_rows_lookup = "company"


class Scenario(models.Model):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    scope = models.CharField(_("scope"), max_length=10, choices=ScenarioScope.choices)
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,  # a district replaced by a new import keeps its scenarios
        null=True,
        related_name="scenarios",
        verbose_name=_("district"),
    )
    district_name = models.CharField(_("district name"), max_length=200)
    company = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,  # relinked after a replacement of the district
        null=True,
        blank=True,
        related_name="scenarios",
        verbose_name=_("company"),
    )
    #: The firm's id in the district file ("" for a district scenario): a firm's scenario
    #: outlives a replacement of its district (``services.relink_to_district``).
    company_slug = models.CharField(_("company identifier"), max_length=100, blank=True)
    base_data = models.JSONField(
        _("declared data"),
        help_text=_(
            "The district file copied when the scenario was created, format ecodistrict/1."
        ),
    )
    base_sha256 = models.CharField(_("SHA-256 of the declared data"), max_length=64)
    changes = models.JSONField(
        _("changes"),
        default=list,
        help_text=_("Flow changes, format ecodistrict/scenario-changes/1."),
    )
    result = models.JSONField(
        _("result"),
        null=True,
        blank=True,
        help_text=_("The last comparison, format ecodistrict/scenario-result/1."),
    )
    result_set_version = models.ForeignKey(
        IndicatorSetVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indicator set version"),
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    created_by = recorded_user(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScenarioQuerySet.as_manager()
    #: Who changed what (the changes), when. The copy of the declared data and the result are
    #: left out: each would repeat a whole district file in every entry.
    history = HistoricalRecords(excluded_fields=["base_data", "result"])

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.name
