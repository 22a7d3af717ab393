"""Indicator set versions and indicator runs: what was computed, with which set, on which data.

A run is a record of history. It keeps the exact district data it read (``input_snapshot``),
the version of the indicator set that produced it, and everything the pages show (results,
positioning, flow balances), so a later change of the data, of the set or of the library does
not rewrite it. Rows are written only by ``services.py``; a run is never updated, and a published
set version never changes (editing it creates a new version).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecodistrict_web.companies.models import District
from ecodistrict_web.core.models import DistrictRun, ImmutableRecordError, recorded_user
from ecodistrict_web.core.querysets import RestrictedQuerySet


class IndicatorSetVersion(models.Model):
    """One version of an indicator set (its YAML text), a draft or published.

    The current set is the most recently published version (``selectors.current_set_version``).
    """

    key = models.CharField(_("set"), max_length=100)
    version = models.CharField(_("version"), max_length=50)
    label = models.CharField(_("label"), max_length=200)
    name_it = models.CharField(_("name (Italian)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    yaml_text = models.TextField(_("YAML text"))
    yaml_sha256 = models.CharField(_("SHA-256 of the YAML text"), max_length=64)
    shipped = models.BooleanField(
        _("shipped with the platform"),
        default=False,
        help_text=_("Registered from the set that ships with ecodistrict."),
    )
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = recorded_user(_("published by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = recorded_user(_("created by"))

    class Meta:
        verbose_name = _("indicator set version")
        verbose_name_plural = _("indicator set versions")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="unique_indicator_set_version"),
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            not self._state.adding
            and IndicatorSetVersion.objects.filter(pk=self.pk, published=True).exists()
        ):
            raise ImmutableRecordError(f"{self.label} is published and cannot change")
        super().save(*args, **kwargs)


class RunTrigger(models.TextChoices):
    IMPORT = "import", _("after a district import")
    MANUAL = "manual", _("recomputed by staff")


class IndicatorRunQuerySet(RestrictedQuerySet):
    # A firm member may read the runs of the district of their company (the pages then show them
    # only their own firm's values and anonymised medians).
    own_rows_lookup = "district__companies"
    district_lookup = "district"


class IndicatorRun(DistrictRun):
    """The indicators of a district, computed once and kept as they were (never updated)."""

    immutable_message = "an indicator run is never changed; compute a new one"

    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,  # a district replaced by a new import keeps its history
        null=True,
        blank=True,
        related_name="indicator_runs",
        verbose_name=_("district"),
    )
    set_version = models.ForeignKey(
        IndicatorSetVersion,
        on_delete=models.PROTECT,
        related_name="runs",
        verbose_name=_("indicator set version"),
    )
    indicator_set_label = models.CharField(_("indicator set"), max_length=200)
    results = models.JSONField(
        _("results"), help_text=_("The indicators, format ecodistrict/indicators/1.")
    )
    details = models.JSONField(
        _("details"),
        default=dict,
        help_text=_("Numerators, denominators and the reason of every missing value."),
    )
    positions = models.JSONField(
        _("positioning"),
        default=dict,
        help_text=_("Each firm, and the district, against peers, reference values and targets."),
    )
    flow_balance = models.JSONField(
        _("flow balance"), default=dict, help_text=_("Matter, energy, water and waste flows.")
    )
    trigger = models.CharField(_("trigger"), max_length=10, choices=RunTrigger.choices)

    objects = IndicatorRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator run")
        verbose_name_plural = _("indicator runs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["district", "-created_at"], name="run_district_latest")]

    def __str__(self) -> str:
        return (
            f"{self.district_name} · {self.indicator_set_label} · {self.created_at:%Y-%m-%d %H:%M}"
        )
