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
