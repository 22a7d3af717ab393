"""Profiling assessments: a firm's draft, its submitted versions and their review.

The draft is the company of the district file (``format: ecodistrict/1``) as JSON, so the
library validates it with the district file's own rules. Submitting locks the assessment and
stores an immutable version (number, who, when, snapshot and its SHA-256, the indicators
computed from it); staff or a facilitator then validate it or send it back with a comment.
"""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecodistrict_web.accounts.permissions import VIEW, Scope, scope_for
from ecodistrict_web.core.models import recorded_user
from ecodistrict_web.core.querysets import RestrictedQuerySet


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("awaiting validation")
    VALIDATED = "validated", _("validated")
    RETURNED = "returned", _("sent back")


class AssessmentQuerySet(RestrictedQuerySet):
    district_lookup = "interest__district"

    def restrict(self, user: Any, action: str = VIEW) -> Self:
        """The gate of ``RestrictedQuerySet``; a firm user's own rows are the assessments of
        the interest they registered (an applicant belongs to no company yet)."""
        if scope_for(user, action) is Scope.OWN:
            return self.filter(interest__user=user)
        return super().restrict(user, action)


class VersionQuerySet(RestrictedQuerySet):
    district_lookup = "assessment__interest__district"

    def restrict(self, user: Any, action: str = VIEW) -> Self:
        if scope_for(user, action) is Scope.OWN:
            return self.filter(assessment__interest__user=user)
        return super().restrict(user, action)


class Assessment(models.Model):
    """The profiling assessment of one applicant firm."""

    interest = models.OneToOneField(
        "intake.Interest",
        on_delete=models.CASCADE,
        related_name="assessment",
        verbose_name=_("expression of interest"),
    )
    #: The firm's id in the district file the draft is (``applicant-<interest pk>``).
    company_key = models.CharField(_("identifier"), max_length=100, unique=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
        db_index=True,
    )
    #: {"company": <company of the district file>, "practices": {...}}
    draft = models.JSONField(_("draft"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("profiling assessment")
        verbose_name_plural = _("profiling assessments")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return str(self.interest.company_name)

    @property
    def editable(self) -> bool:
        return self.status == AssessmentStatus.DRAFT


class AssessmentVersion(models.Model):
    """A submitted version: its content never changes; only its review does."""

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("assessment"),
    )
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("submitted data"))
    snapshot_sha256 = models.CharField(_("SHA-256 of the data"), max_length=64)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    #: The indicators computed from the snapshot at submission, with the set that computed them.
    indicators = models.JSONField(_("indicators"), default=dict)
    review_status = models.CharField(
        _("review"),
        max_length=20,
        choices=ReviewStatus.choices,
        default=ReviewStatus.PENDING,
        db_index=True,
    )
    review_comment = models.TextField(_("review comment"), blank=True, max_length=2000)
    reviewed_by = recorded_user(_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = VersionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment version")
        verbose_name_plural = _("assessment versions")
        ordering = ["assessment", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "number"], name="unique_assessment_version_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} v{self.number}"
