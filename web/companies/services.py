"""Writes on districts, companies, sites and flows: the only code that changes them."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from dataclasses import replace as replace_fields
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from ecodistrict.codes.ateco import lookup_activity
from ecodistrict.domain.models import DistrictFile
from ecodistrict.io import validate_district_text
from ecodistrict.units import NormalisedQuantity, normalise_quantity
from ecodistrict_web.accounts.models import FacilitatorGrant, Membership
from ecodistrict_web.companies import mapping
from ecodistrict_web.companies.models import Company, District, Flow, Site
from ecodistrict_web.companies.signals import district_imported
from ecodistrict_web.indicators.services import compute_after_import
from ecodistrict_web.matchmaking.services import match_after_import

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportResult:
    """What an import did, or why it did nothing (``problems``, one readable line each)."""

    ok: bool
    problems: list[str] = field(default_factory=list)
    district: District | None = None
    companies: int = 0
    flows: int = 0
    links: int = 0  # supplied_by exchanges in place
    replaced: bool = False
    #: The indicators computed right after the import (indicators.IndicatorRun), or None with
    #: the reason in ``indicator_error`` (the import stands; staff can recompute).
    indicator_run: Any = None
    indicator_error: str = ""
    #: The matches computed right after the import (matchmaking.MatchRun), or None with the
    #: reason in ``match_error`` (the import stands; staff can recompute).
    match_run: Any = None
    match_error: str = ""


class DistrictExistsError(Exception):
    """A district of the same name is stored and replacing it was not asked for."""


def import_district(text: str, name: str, *, replace: bool) -> ImportResult:
    """Validate a district file and store it whole, or store nothing.

    ``text`` is the file's content, ``name`` its file name (it picks JSON or YAML and names the
    input in messages). The problems are those of ``ecodistrict validate``, each as ``str()``.
    A district with the same name is refused unless ``replace`` is true; then it is deleted and
    stored again in the same transaction, keeping the firm memberships of companies whose id is
    still in the file. Once stored, the district's indicators are computed and kept as a run
    (``indicators.services.compute_after_import``), and so are its symbiosis matches
    (``matchmaking.services.match_after_import``); earlier runs are kept as they were.
    """
    report = validate_district_text(text, name)
    if report.district is None or report.problems:
        return ImportResult(ok=False, problems=[str(problem) for problem in report.problems])
    try:
        result = _store(report.district, name, replace=replace)
    except DistrictExistsError as exc:
        return ImportResult(ok=False, problems=[str(exc)])
    run, error = compute_after_import(result.district)
    match_run, match_error = match_after_import(result.district)
    return replace_fields(
        result,
        indicator_run=run,
        indicator_error=error,
        match_run=match_run,
        match_error=match_error,
    )


@transaction.atomic
def _store(data: DistrictFile, source_name: str, *, replace: bool) -> ImportResult:
    district_name = data.district.name
    existing = District.objects.select_for_update().filter(name=district_name).first()
    kept_members: dict[str, list[int]] = {}
    kept_grants: list[dict[str, Any]] = []
    if existing is not None:
        if not replace:
            raise DistrictExistsError(
                _(
                    "a district named '%(name)s' is already stored; to replace it, import with "
                    "--replace (command line) or tick 'replace' (import page)"
                )
                % {"name": district_name}
            )
        for slug, user_id in Membership.objects.filter(company__district=existing).values_list(
            "company__slug", "user_id"
        ):
            kept_members.setdefault(slug, []).append(user_id)
        kept_grants = _grants_of(existing)
        existing.delete()

    district = District.objects.create(
        **mapping.district_row(data.district), source_name=source_name[:500]
    )
    # Every row stored gets its first audit-history entry (who imported it, when, from which
    # file), written in the same transaction.
    reason = f"import of {source_name}"[:100]
    companies = bulk_create_with_history(
        [
            Company(
                district=district,
                ateco_title=_ateco_title(company.ateco),
                **mapping.company_row(company),
            )
            for company in data.companies
        ],
        Company,
        default_change_reason=reason,
    )
    by_slug = {company.slug: company for company in companies}
    bulk_create_with_history(
        [
            Site(company=by_slug[company.id], **mapping.site_row(company))
            for company in data.companies
        ],
        Site,
        default_change_reason=reason,
    )

    flows: list[Flow] = []
    for company in data.companies:
        for flow in company.flows:
            normalised = normalise_quantity(flow.quantity, flow.unit, flow.kind)
            flows.append(
                Flow(
                    company=by_slug[company.id],
                    quantity_normalised=normalised.value,
                    unit_normalised=normalised.unit,
                    **mapping.flow_row(flow),
                )
            )
    flows = Flow.objects.bulk_create(flows)
    links = _link_exchanges(data, flows)
    # The flows' history is written once their exchanges are linked, so the first entry holds
    # the flow as imported (an entry per flow, not one for the insert and one for the link).
    Flow.history.bulk_history_create(flows, default_change_reason=reason)

    Membership.objects.bulk_create(
        [
            Membership(user_id=user_id, company=by_slug[slug])
            for slug, user_ids in kept_members.items()
            if slug in by_slug
            for user_id in user_ids
        ]
    )
    _restore_grants(kept_grants, district, by_slug)
    # Rows of other apps tied to the replaced district by name are reattached (signals.py).
    district_imported.send(sender=District, district=district, replaced=existing is not None)
    logger.info(
        "imported district %r from %s: %d companies, %d flows, %d exchanges%s",
        district.name,
        source_name,
        len(companies),
        len(flows),
        links,
        " (replaced)" if existing is not None else "",
    )
    return ImportResult(
        ok=True,
        district=district,
        companies=len(companies),
        flows=len(flows),
        links=links,
        replaced=existing is not None,
    )


def _grants_of(district: District) -> list[dict[str, Any]]:
    """The facilitator grants on a district about to be replaced, to give them again."""
    return [
        {
            "user_id": grant.user_id,
            "whole_district": grant.district_id is not None,
            "slug": grant.company.slug if grant.company_id is not None else "",
            "granted_by_id": grant.granted_by_id,
        }
        for grant in FacilitatorGrant.objects.filter(
            Q(district=district) | Q(company__district=district)
        ).select_related("company")
    ]


def _restore_grants(
    kept: list[dict[str, Any]], district: District, by_slug: dict[str, Company]
) -> None:
    """Grants survive a replacement of their district: on the new district, or on the company
    of the same id (a company no longer in the file loses its grants)."""
    FacilitatorGrant.objects.bulk_create(
        [
            FacilitatorGrant(
                user_id=grant["user_id"],
                granted_by_id=grant["granted_by_id"],
                district=district if grant["whole_district"] else None,
                company=None if grant["whole_district"] else by_slug[grant["slug"]],
            )
            for grant in kept
            if grant["whole_district"] or grant["slug"] in by_slug
        ]
    )


def _link_exchanges(data: DistrictFile, flows: list[Flow]) -> int:
    """Set ``supplied_by`` on inputs fed by another firm's output; return how many."""
    by_key = {(flow.company.slug, flow.slug): flow for flow in flows}
    linked: list[Flow] = []
    for company in data.companies:
        for flow in company.flows:
            if flow.supplied_by is None:
                continue
            receiver = by_key[(company.id, flow.id)]
            receiver.supplied_by = by_key[(flow.supplied_by.company, flow.supplied_by.flow)]
            linked.append(receiver)
    Flow.objects.bulk_update(linked, ["supplied_by"])
    return len(linked)


def _ateco_title(code: str) -> str:
    activity = lookup_activity(code)
    return activity.title_it if activity is not None else ""


def normalised(quantity: float, unit: str, kind: str) -> NormalisedQuantity:
    """The quantity in its kind's canonical unit (raises ecodistrict.units.UnitError)."""
    return normalise_quantity(quantity, unit, kind)


def save_flow(flow: Flow) -> Flow:
    """Save a flow edited by hand, recomputing its normalised quantity from quantity and unit."""
    result = normalise_quantity(flow.quantity, flow.unit, flow.kind)
    flow.quantity_normalised = result.value
    flow.unit_normalised = result.unit
    flow.save()
    return flow


#: The fields of a declared flow its firm may correct on the platform (kind, direction and the
#: exchange links stay as imported: changing them is a new declaration, e.g. an assessment).
EDITABLE_FLOW_FIELDS = ("description", "quantity", "unit", "ewc", "temperature_c")


@dataclass(frozen=True)
class FlowUpdateResult:
    ok: bool
    #: Messages by form field (None: about the flow as a whole).
    errors: dict[str | None, list[str]] = field(default_factory=dict)


def update_flow(flow: Flow, changes: dict[str, Any]) -> FlowUpdateResult:
    """Correct a declared flow (the caller reached it through ``restrict(user, CHANGE)``).

    The whole district, with the change, is checked by the library's rules of the district file;
    on any problem of this flow nothing is stored. The audit history records who, when, what
    (django-simple-history, from the request)."""
    from ecodistrict.domain.validation import validate_district_data
    from ecodistrict_web.companies.selectors import district_file_data

    unknown = set(changes) - set(EDITABLE_FLOW_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    data = district_file_data(flow.company.district)
    for company in data["companies"]:
        if company["id"] != flow.company.slug:
            continue
        for entry in company["flows"]:
            if entry["id"] != flow.slug:
                continue
            for name, value in changes.items():
                if value in (None, ""):
                    entry.pop(name, None)
                else:
                    entry[name] = value
    _parsed, problems = validate_district_data(data)
    mine = [p for p in problems if p.company == flow.company.slug and p.flow == flow.slug]
    if mine or _parsed is None:
        errors: dict[str | None, list[str]] = {}
        for problem in mine or problems[:3]:
            name = problem.field if problem.field in EDITABLE_FLOW_FIELDS else None
            errors.setdefault(name, []).append(problem.message)
        return FlowUpdateResult(ok=False, errors=errors)
    with transaction.atomic():
        row = Flow.objects.select_for_update().get(pk=flow.pk)
        for name, value in changes.items():
            setattr(row, name, "" if value is None and name == "ewc" else value)
        save_flow(row)
    return FlowUpdateResult(ok=True)
