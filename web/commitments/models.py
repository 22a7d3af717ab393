"""The manifesto and the guidelines (versioned texts published by the municipality), the firms'
signatures of them, and the firms' commitments tied to indicators of the set.

A published text version and a signature never change (a new text is a new version; a signature
says who signed which version, when, and whether the firm may be named publicly). Commitments
and signatures keep an audit history (django-simple-history). Rows are written only by
``services.py``. A commitment and a signature keep the company's id in the district file and the
district's name, so that they outlive a replacement of the district by a new import
(``services.relink_to_district`` attaches them to the new rows).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecodistrict_web.companies.models import Company
from ecodistrict_web.core.models import ImmutableRecordError, recorded_user
from ecodistrict_web.core.querysets import RestrictedQuerySet
from ecodistrict_web.indicators.models import IndicatorRun


class CharterKind(models.TextChoices):
    MANIFESTO = "manifesto", _("manifesto of territorial circularity")
    GUIDELINES = "guidelines", _("guidelines")


class CharterVersion(models.Model):
    """One published version of the manifesto or of the guidelines, in Italian and English.

    The body is plain paragraphs separated by a blank line; a line starting with "## " is a
    heading and one starting with "- " an item of a list.
    """

    kind = models.CharField(_("document"), max_length=20, choices=CharterKind.choices)
    version = models.PositiveIntegerField(_("version"))
    title_it = models.CharField(_("title (Italian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    body_it = models.TextField(_("text (Italian)"))
    body_en = models.TextField(_("text (English)"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = recorded_user(_("published by"))

    class Meta:
        verbose_name = _("manifesto or guidelines version")
        verbose_name_plural = _("manifesto and guidelines versions")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="unique_charter_version"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecordError("a published text never changes; publish a new version")
        super().save(*args, **kwargs)


class SignatureQuerySet(RestrictedQuerySet):
    own_rows_lookup = "company"


class Signature(models.Model):
    """A firm's signature of one version of the manifesto or of the guidelines (immutable)."""

    company = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,  # relinked after a replacement of the district
        null=True,
        related_name="charter_signatures",
        verbose_name=_("company"),
    )
    company_slug = models.CharField(_("company identifier"), max_length=100)
    company_name = models.CharField(_("company name"), max_length=200)
    district_name = models.CharField(_("district name"), max_length=200)
    document = models.ForeignKey(
        CharterVersion,
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("document"),
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signer_name = models.CharField(_("signed by (name)"), max_length=200)
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)
    public_consent = models.BooleanField(
        _("may be listed publicly"),
        default=False,
        help_text=_("The firm's name and progress may appear on the public page."),
    )

    objects = SignatureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-signed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district_name", "company_slug", "document"],
                name="one_signature_per_company_and_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_name} · {self.document}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecordError("a signature never changes")
        super().save(*args, **kwargs)


class CommitmentQuerySet(RestrictedQuerySet):
    own_rows_lookup = "company"


class Commitment(models.Model):
    """A firm's commitment: an indicator of the set, its baseline from the firm's latest
    indicator run, a target and a deadline year."""

    company = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,  # relinked after a replacement of the district
        null=True,
        related_name="commitments",
        verbose_name=_("company"),
    )
    company_slug = models.CharField(_("company identifier"), max_length=100)
    company_name = models.CharField(_("company name"), max_length=200)
    district_name = models.CharField(_("district name"), max_length=200)
    indicator_key = models.CharField(_("indicator"), max_length=100)
    indicator_name_it = models.CharField(_("indicator (Italian)"), max_length=300)
    indicator_name_en = models.CharField(_("indicator (English)"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    direction = models.CharField(_("direction"), max_length=10)
    baseline_value = models.FloatField(_("baseline"))
    baseline_year = models.PositiveIntegerField(_("baseline year"))
    baseline_run = models.ForeignKey(
        IndicatorRun,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("baseline indicator run"),
    )
    indicator_set_label = models.CharField(_("indicator set"), max_length=200)
    target_value = models.FloatField(_("target"))
    deadline_year = models.PositiveIntegerField(_("deadline year"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("stated by"),
    )
    created_at = models.DateTimeField(_("stated at"), auto_now_add=True)

    objects = CommitmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["company_name", "indicator_key", "pk"]

    def __str__(self) -> str:
        target = f"{self.target_value:g} ({self.deadline_year})"
        return f"{self.company_name} · {self.indicator_key} → {target}"
