"""Shared model pieces: stored runs that are never changed once computed."""

from __future__ import annotations

import hashlib
import json
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ImmutableRecordError(Exception):
    """A stored run, or a published set version, was about to be changed."""


def canonical_sha256(document: Any) -> str:
    """The SHA-256 of a JSON document written canonically (sorted keys, no spaces), so that the
    digest does not depend on how the database orders an object's keys."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def recorded_user(verbose_name: str | Promise) -> models.ForeignKey:
    """The user who published, created or computed a row: kept as null (the row stays) when the
    account is deleted, and no reverse accessor on the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


class DistrictRun(models.Model):
    """A computation on a district kept with the data it read; it is never updated.

    Subclasses add their district link (each with its own related name), their results and their
    trigger choices.
    """

    immutable_message: ClassVar[str] = "a run is never changed; compute a new one"

    district_name = models.CharField(_("district name"), max_length=200, db_index=True)
    input_snapshot = models.JSONField(
        _("input data"), help_text=_("The district file the run read, format ecodistrict/1.")
    )
    input_sha256 = models.CharField(_("SHA-256 of the input data"), max_length=64)
    library_version = models.CharField(_("ecodistrict version"), max_length=40)
    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    created_by = recorded_user(_("computed by"))

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecordError(self.immutable_message)
        super().save(*args, **kwargs)

    def snapshot_intact(self) -> bool:
        """Whether the stored input data still hash to ``input_sha256``."""
        return canonical_sha256(self.input_snapshot) == self.input_sha256
