"""A report asked for on the web, generated in the background, kept as a file under MEDIA_ROOT.

Who may reach a request is ``restrict(user, action)``'s: a request of a firm's report belongs to
that firm (``own_rows_lookup``); a district report or an open data export has no company, so
only staff (scope ALL) reach it. The selectors narrow further to the user's own requests.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecodistrict_web.companies.models import Company, District
from ecodistrict_web.core.querysets import RestrictedQuerySet


class ReportKind(models.TextChoices):
    COMPANY = "company", _("Positioning report of a firm")
    DISTRICT = "district", _("District report for the PUG")
    OPENDATA = "opendata", _("Open data export")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    HTML = "html", "HTML"
    MARKDOWN = "md", "Markdown"
    ZIP = "zip", "ZIP (CSV + JSON)"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ReportRequestQuerySet(RestrictedQuerySet):
    own_rows_lookup = "company"


class ReportRequest(models.Model):
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="report_requests",
        verbose_name=_("requested by"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    output_format = models.CharField(
        _("format"), max_length=8, choices=ReportFormat.choices, default=ReportFormat.PDF
    )
    language = models.CharField(_("language"), max_length=8, default="it")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="report_requests")
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, null=True, blank=True, related_name="report_requests"
    )
    #: District report: the selection runs (web/selection) whose ranking and settlement the
    #: report renders as adopted; plain ids, so this app does not depend on that one.
    ranking_run_id = models.PositiveIntegerField(_("ranking run"), null=True, blank=True)
    settlement_run_id = models.PositiveIntegerField(_("settlement run"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ReportRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report request")
        verbose_name_plural = _("report requests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)
