"""Writes on the manifesto, signatures and commitments: the only code that creates them.

A published text and a signature are never changed (a new text is a new version). A commitment
takes its baseline from the firm's latest indicator run, and is checked with the library's rule
(``ecodistrict.scenarios.commitment_progress``) before it is stored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ecodistrict.scenarios import commitment_progress
from ecodistrict_web.commitments import selectors
from ecodistrict_web.commitments.models import CharterKind, CharterVersion, Commitment, Signature
from ecodistrict_web.companies.models import Company, District

logger = logging.getLogger(__name__)

#: The latest deadline a commitment may have, in years after its baseline.
MAX_HORIZON_YEARS = 30


@dataclass(frozen=True)
class CommitmentResult:
    ok: bool
    problems: list[str] = field(default_factory=list)
    commitment: Commitment | None = None


def publish_charter_version(
    kind: str, *, title_it: str, title_en: str, body_it: str, body_en: str, user: Any
) -> CharterVersion:
    """A new version of the manifesto or of the guidelines (the next number)."""
    if kind not in CharterKind.values:
        raise ValueError(f"unknown document {kind!r}")
    with transaction.atomic():
        latest = (
            CharterVersion.objects.select_for_update()
            .filter(kind=kind)
            .aggregate(latest=Max("version"))["latest"]
        )
        row = CharterVersion.objects.create(
            kind=kind,
            version=(latest or 0) + 1,
            title_it=title_it,
            title_en=title_en,
            body_it=body_it,
            body_en=body_en,
            published_by=user if getattr(user, "is_authenticated", False) else None,
        )
    logger.info("%s version %d published", kind, row.version)
    return row


def sign_charters(company: Company, user: Any, *, public_consent: bool) -> list[Signature]:
    """Sign, for ``company``, the current manifesto and guidelines it has not signed yet.

    Returns the new signatures (none when every current text was already signed). Callers pass a
    company the user is a member of (``selectors.firms_for_user``).
    """
    signer = (user.get_full_name() or user.get_username())[:200]
    created = []
    for document in selectors.current_charters().values():
        try:
            with transaction.atomic():
                created.append(
                    Signature.objects.create(
                        company=company,
                        company_slug=company.slug,
                        company_name=company.name,
                        district_name=company.district.name,
                        document=document,
                        signed_by=user,
                        signer_name=signer,
                        public_consent=public_consent,
                    )
                )
        except IntegrityError:
            continue  # already signed: a signature is never replaced
    return created


def state_commitment(
    company: Company, user: Any, *, indicator_key: str, target: float, deadline_year: int
) -> CommitmentResult:
    """A commitment of ``company`` on an indicator: the baseline is the indicator's value in the
    firm's latest indicator run; the target must lie in the indicator's direction and the
    deadline after the baseline year. Nothing is stored when a check fails."""
    if not selectors.has_signed_manifesto(company):
        return CommitmentResult(False, [_("Sign the manifesto before stating commitments.")])
    baseline = selectors.baseline_for(company, indicator_key)
    if baseline is None:
        return CommitmentResult(
            False,
            [
                _(
                    "indicator %(key)s: the latest indicator run has no value for this firm; "
                    "complete the firm's data and recompute the indicators first"
                )
                % {"key": indicator_key}
            ],
        )
    if deadline_year > baseline.year + MAX_HORIZON_YEARS:
        return CommitmentResult(
            False,
            [
                _("deadline: at most %(years)s years after the baseline year %(year)s")
                % {"years": MAX_HORIZON_YEARS, "year": baseline.year}
            ],
        )
    try:
        commitment_progress(
            (baseline.year, baseline.value), target, deadline_year, {}, baseline.direction
        )
    except ValueError as exc:
        return CommitmentResult(
            False,
            [_("indicator %(key)s: %(problem)s") % {"key": indicator_key, "problem": str(exc)}],
        )
    row = Commitment.objects.create(
        company=company,
        company_slug=company.slug,
        company_name=company.name,
        district_name=company.district.name,
        indicator_key=indicator_key,
        indicator_name_it=baseline.name_it,
        indicator_name_en=baseline.name_en,
        unit=baseline.unit,
        direction=baseline.direction,
        baseline_value=baseline.value,
        baseline_year=baseline.year,
        baseline_run=baseline.run,
        indicator_set_label=baseline.run.indicator_set_label,
        target_value=target,
        deadline_year=deadline_year,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    logger.info("commitment %d of %r on %s stated", row.pk, company.name, indicator_key)
    return CommitmentResult(True, commitment=row)


def relink_to_district(district: District) -> int:
    """Attach the signatures and commitments of a district replaced by a new import (same name)
    to its companies of the same id; returns how many rows were relinked. Called after an
    import. The rows' content is not changed (an update of the link only)."""
    relinked = 0
    for company in district.companies.all():
        for model in (Signature, Commitment):
            relinked += (
                model.objects.filter(district_name=district.name, company_slug=company.slug)
                .exclude(company=company)
                .update(company=company)
            )
    return relinked
