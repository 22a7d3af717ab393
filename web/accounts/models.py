"""Users with a role, and the membership of firm users in companies."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FIRM = "firm", _("Firm member")
    STAFF = "staff", _("Municipality staff (Servizio Attività Produttive)")
    FACILITATOR = "facilitator", _("Facilitator")


class User(AbstractUser):
    """A person who signs in. What they may see and do follows from ``role``.

    - ``firm``: a member of one or more firms (see ``Membership``); sees only those firms.
    - ``staff``: municipality staff (Servizio Attività Produttive); sees and manages everything.
    - ``facilitator``: technical partner or analyst; sees every firm (writes come later).
    """

    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.FIRM, db_index=True
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_username()


class Membership(models.Model):
    """A firm user belongs to a company (a user may belong to several)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("company"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "company"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.company}"


class FacilitatorGrant(models.Model):
    """Staff let a facilitator read one district (all its firms) or one company.

    Exactly one of ``district`` and ``company`` is set. The gate (``RestrictedQuerySet.restrict``)
    reads these rows: a facilitator without grants reads nothing.
    """

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="facilitator_grants",
        limit_choices_to={"role": Role.FACILITATOR},
        verbose_name=_("facilitator"),
    )
    district = models.ForeignKey(
        "companies.District",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="facilitator_grants",
        verbose_name=_("district"),
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="facilitator_grants",
        verbose_name=_("company"),
    )
    granted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("facilitator grant")
        verbose_name_plural = _("facilitator grants")
        ordering = ["user", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(district__isnull=False, company__isnull=True)
                    | models.Q(district__isnull=True, company__isnull=False)
                ),
                name="grant_district_xor_company",
            ),
            models.UniqueConstraint(
                fields=["user", "district"],
                condition=models.Q(district__isnull=False),
                name="unique_district_grant",
            ),
            models.UniqueConstraint(
                fields=["user", "company"],
                condition=models.Q(company__isnull=False),
                name="unique_company_grant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.district or self.company}"


class ApiToken(models.Model):
    """A personal token for scripts calling the JSON API (``Authorization: Bearer <token>``).

    Only the SHA-256 of the token is stored: the token itself is shown once, when created.
    ``prefix`` (its first characters) lets the owner tell their tokens apart.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12)
    token_sha256 = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["user", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} · {self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
