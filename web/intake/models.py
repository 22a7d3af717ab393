"""Expressions of interest in settling in the Smart Eco District.

An interest is an applicant firm, not yet a company of the district: it is tied to the user
who registered it (``user``) until staff take it further. Every change a firm makes is kept in
the audit history (``history``).
"""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecodistrict_web.accounts.permissions import VIEW, Scope, scope_for
from ecodistrict_web.core.querysets import RestrictedQuerySet


class InterestStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("e-mail not verified")
    VERIFIED = "verified", _("verified")
    INVITED = "invited", _("invited to the assessment")


class InterestQuerySet(RestrictedQuerySet):
    # A facilitator reaches the interests of the districts staff granted them whole.
    district_lookup = "district"

    def restrict(self, user: Any, action: str = VIEW) -> Self:
        """The gate of ``RestrictedQuerySet``; a firm user's own rows are the interests they
        registered (an applicant belongs to no company yet)."""
        if scope_for(user, action) is Scope.OWN:
            return self.filter(user=user)
        return super().restrict(user, action)


class Interest(models.Model):
    """A firm's expression of interest in settling in the district."""

    district = models.ForeignKey(
        "companies.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interests",
        verbose_name=_("district"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interest",
        verbose_name=_("account"),
    )
    company_name = models.CharField(_("company name"), max_length=200)
    vat_number = models.CharField(_("Partita IVA"), max_length=11, unique=True)
    ateco = models.CharField(_("ATECO code"), max_length=20)
    contact_name = models.CharField(_("contact person"), max_length=200)
    email = models.EmailField(_("e-mail"), unique=True)
    phone = models.CharField(_("phone"), max_length=30)
    activity = models.TextField(_("intended activity"), max_length=2000)
    space_m2 = models.PositiveIntegerField(
        _("space needed (m²)"), validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    consent_at = models.DateTimeField(_("consent to data processing given at"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InterestStatus.choices,
        default=InterestStatus.UNVERIFIED,
        db_index=True,
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)

    objects = InterestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.company_name} ({self.vat_number})"
