"""Calls, lots and the selection runs computed on them, kept for audit.

- ``CallVersion`` and ``LotsVersion`` are the text of a call file (``ecodistrict/call/1``) and of
  a lots file (``ecodistrict/lots/1``) for a district, numbered per district. A version may be
  edited until a run uses it; from then on it never changes (an edit makes a new version).
- ``SelectionRun`` is one ranking, network optimisation or settlement, run as a background task.
  It keeps the exact inputs it read (district file, call, lots, indicator set) with their
  SHA-256, its parameters, its progress, and the library's result document or its error. Once
  it is done or failed it is never changed.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecodistrict_web.companies.models import District
from ecodistrict_web.core.models import ImmutableRecordError, canonical_sha256, recorded_user
from ecodistrict_web.core.querysets import RestrictedQuerySet

__all__ = [
    "CallVersion",
    "ImmutableRecordError",
    "LotsVersion",
    "RunKind",
    "RunStatus",
    "SelectionRun",
    "canonical_sha256",
]


class DistrictRowsQuerySet(RestrictedQuerySet):
    # Rows about a whole district (every applicant's data): staff see all, a facilitator only
    # the districts granted whole, a firm member nothing (no own_rows_lookup).
    own_rows_lookup = None
    district_lookup = "district"


class InputFileVersion(models.Model):
    """The text of an input file for a district, numbered per district and kind."""

    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,  # a district replaced by a new import keeps its history
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    district_name = models.CharField(_("district name"), max_length=200, db_index=True)
    number = models.PositiveIntegerField(_("version"))
    file_id = models.CharField(_("identifier in the file"), max_length=200)
    name_it = models.CharField(_("name (Italian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    text = models.TextField(_("file text (YAML or JSON)"))
    text_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = recorded_user(_("created by"))

    objects = DistrictRowsQuerySet.as_manager()

    #: The name of the run field that points at this kind of version.
    run_field: ClassVar[str] = ""

    class Meta:
        abstract = True
        ordering = ["district_name", "-number"]

    def __str__(self) -> str:
        return f"{self.file_id} v{self.number}"

    def used_by_run(self) -> bool:
        if self.pk is None:
            return False
        return SelectionRun.objects.filter(**{self.run_field: self.pk}).exists()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self.used_by_run():
            raise ImmutableRecordError(
                "a version used by a run is never changed; save the edit as a new version"
            )
        super().save(*args, **kwargs)


class CallVersion(InputFileVersion):
    run_field = "call_version"

    class Meta(InputFileVersion.Meta):
        verbose_name = _("call version")
        verbose_name_plural = _("call versions")
        constraints = [
            models.UniqueConstraint(
                fields=["district_name", "number"], name="selection_call_version_unique"
            )
        ]


class LotsVersion(InputFileVersion):
    run_field = "lots_version"

    class Meta(InputFileVersion.Meta):
        verbose_name = _("lots version")
        verbose_name_plural = _("lots versions")
        constraints = [
            models.UniqueConstraint(
                fields=["district_name", "number"], name="selection_lots_version_unique"
            )
        ]


class RunKind(models.TextChoices):
    RANK = "rank", _("ranking of the applicants")
    OPTIMIZE = "optimize", _("exchange network")
    SETTLE = "settle", _("settlement on the lots")


class RunStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("run status", "queued")
    RUNNING = "running", pgettext_lazy("run status", "running")
    DONE = "done", pgettext_lazy("run status", "done")
    FAILED = "failed", pgettext_lazy("run status", "failed")


FINAL_STATUSES = (RunStatus.DONE, RunStatus.FAILED)


class SelectionRun(models.Model):
    """A ranking, a network optimisation or a settlement, with the inputs it read."""

    kind = models.CharField(_("kind"), max_length=10, choices=RunKind.choices)
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="selection_runs",
        verbose_name=_("district"),
    )
    district_name = models.CharField(_("district name"), max_length=200, db_index=True)
    call_version = models.ForeignKey(
        CallVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="runs",
        verbose_name=_("call version"),
    )
    lots_version = models.ForeignKey(
        LotsVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="runs",
        verbose_name=_("lots version"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_message = models.CharField(_("progress message"), max_length=300, blank=True)
    input_snapshot = models.JSONField(
        _("input data"),
        help_text=_("The district file, the call, the lots and the indicator set the run read."),
    )
    input_sha256 = models.CharField(_("SHA-256 of the input data"), max_length=64)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    library_version = models.CharField(_("ecodistrict version"), max_length=40)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    duration_s = models.FloatField(_("duration (s)"), null=True, blank=True)
    created_by = recorded_user(_("started by"))

    objects = DistrictRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("selection run")
        verbose_name_plural = _("selection runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.district_name})"

    @property
    def finished(self) -> bool:
        return self.status in FINAL_STATUSES

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A run may move forward while queued or running; once the database holds it done or
        # failed it is a record of history and never changes.
        if not self._state.adding:
            stored = type(self)._default_manager.filter(pk=self.pk).values_list("status", flat=True)
            if stored.first() in FINAL_STATUSES:
                raise ImmutableRecordError("a finished selection run is never changed")
        super().save(*args, **kwargs)

    def snapshot_intact(self) -> bool:
        """Whether the stored input data still hash to ``input_sha256``."""
        return canonical_sha256(self.input_snapshot) == self.input_sha256
