"""Reads of the JSON API, each built on the selectors of the web pages so that the API shows a
user exactly what the pages show them (same gate, same anonymisation)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet

from ecodistrict_web.accounts.permissions import reads_across_firms
from ecodistrict_web.companies.models import Company, Flow
from ecodistrict_web.companies.selectors import companies_for_user, flows_for_user
from ecodistrict_web.indicators import selectors as indicator_selectors
from ecodistrict_web.matchmaking import selectors as match_selectors
from ecodistrict_web.matchmaking.models import Side


def companies(user: Any) -> QuerySet[Company]:
    # A total order: pages of the list never repeat or skip a company.
    return companies_for_user(user).order_by("district", "name", "pk")


def company(user: Any, pk: int) -> dict[str, Any] | None:
    row = companies_for_user(user).filter(pk=pk).first()
    if row is None:
        return None
    site = row.sites.filter(is_primary=True).first()
    return {
        **company_data(row),
        "location": {"lat": site.lat, "lon": site.lon} if site is not None else None,
    }


def company_data(row: Company) -> dict[str, Any]:
    return {
        "id": row.pk,
        "slug": row.slug,
        "name": row.name,
        "ateco": row.ateco,
        "ateco_title": row.ateco_title,
        "employees": row.employees,
        "revenue_eur": row.revenue_eur,
        "district": {"id": row.district.pk, "name": row.district.name},
        "flow_count": getattr(row, "flow_count", 0),
    }


def flows(user: Any, company_pk: int | None) -> QuerySet[Flow]:
    rows = flows_for_user(user).order_by("company_id", "pk")
    if company_pk is not None:
        rows = rows.filter(company_id=company_pk)
    return rows


def flow_data(row: Flow, visible_flows: set[int]) -> dict[str, Any]:
    """A flow; the supplier of an exchange in place is named only when the user may see it."""
    data = {
        name: getattr(row, name)
        for name in (
            "slug",
            "direction",
            "kind",
            "description",
            "ewc",
            "legal_status",
            "destination",
            "origin",
            "quantity",
            "unit",
            "quantity_normalised",
            "unit_normalised",
            "available",
            "temperature_c",
            "source_distance_km",
        )
    }
    supplied_by = row.supplied_by_id if row.supplied_by_id in visible_flows else None
    return {"id": row.pk, "company_id": row.company_id, **data, "supplied_by_id": supplied_by}


def visible_flow_ids(user: Any, supplier_ids: set[int]) -> set[int]:
    return set(flows_for_user(user).filter(pk__in=supplier_ids).values_list("pk", flat=True))


def company_indicators(user: Any, pk: int, language: str) -> dict[str, Any] | None:
    """The company's values in the latest indicator run of its district (as its page shows)."""
    page = indicator_selectors.company_indicators_page(user, pk, None, language)
    if page is None:
        return None
    return {
        "company_id": page.company.pk,
        "run_id": page.run.pk if page.run and page.in_run else None,
        "computed_at": page.run.created_at if page.run and page.in_run else None,
        "indicator_set": page.run.indicator_set_label if page.run and page.in_run else "",
        "indicators": [
            {
                "key": row.key,
                "name": row.name,
                "dimension": section.key,
                "unit": row.unit,
                "value": row.value,
                "reason": row.reason,
            }
            for section in page.sections
            for row in section.rows
        ],
    }


def district_indicators(user: Any, pk: int) -> dict[str, Any] | None:
    """Every value of the latest indicator run of a district: staff and facilitators granted the
    district (the same rule as the district pages)."""
    if not reads_across_firms(user):
        return None
    choice = indicator_selectors.district_choice(user, pk)
    if choice is None or choice.district is None:
        return None
    run = (
        indicator_selectors.runs_for_user(user)
        .filter(district=choice.district)
        .order_by("-created_at", "-pk")
        .first()
    )
    results = run.results if run is not None else {}
    return {
        "district_id": choice.district.pk,
        "run_id": run.pk if run else None,
        "computed_at": run.created_at if run else None,
        "indicator_set": run.indicator_set_label if run else "",
        "district": results.get("district", {}),
        "companies": results.get("companies", {}),
    }


def company_matches(user: Any, pk: int, language: str) -> dict[str, Any] | None:
    """The company's matches in the latest run of its district. A firm member gets the rows of
    their firm's web page (``firm_matches_page``: no partner identity before mutual interest);
    staff and facilitators get every match of the company with both names."""
    row = companies_for_user(user).filter(pk=pk).first()
    if row is None:
        return None
    if not reads_across_firms(user):
        for section in match_selectors.firm_matches_page(user, language):
            if section.company.pk == row.pk:
                return {
                    "company_id": row.pk,
                    "run_id": section.run.pk if section.run else None,
                    "computed_at": section.run.created_at if section.run else None,
                    "matches": [
                        _firm_match(item) for item in [*section.as_supplier, *section.as_receiver]
                    ],
                }
        return {"company_id": row.pk, "run_id": None, "computed_at": None, "matches": []}
    run = (
        match_selectors.runs_for_user(user)
        .filter(district=row.district)
        .defer(*match_selectors.RUN_PAYLOAD)
        .order_by("-created_at", "-pk")
        .first()
    )
    matches = []
    if run is not None:
        for proposal in (
            match_selectors.proposals_for_user(user)
            .filter(run=run)
            .filter(supplier=row)
            .order_by("-score", "pk")
        ):
            matches.append(_full_match(proposal, Side.SUPPLIER, language))
        for proposal in (
            match_selectors.proposals_for_user(user)
            .filter(run=run)
            .filter(receiver=row)
            .order_by("-score", "pk")
        ):
            matches.append(_full_match(proposal, Side.RECEIVER, language))
    return {
        "company_id": row.pk,
        "run_id": run.pk if run else None,
        "computed_at": run.created_at if run else None,
        "matches": matches,
    }


def _firm_match(item: match_selectors.FirmMatchRow) -> dict[str, Any]:
    data = asdict(item)
    data["id"] = data.pop("pk")
    return data


def _full_match(proposal: Any, side: str, language: str) -> dict[str, Any]:
    supplier_side = side == Side.SUPPLIER
    return {
        "id": proposal.pk,
        "side": str(side),
        "kind": proposal.kind,
        "basis": proposal.basis,
        "score": proposal.score,
        "own_flow": (
            proposal.supplier_flow_description
            if supplier_side
            else proposal.receiver_flow_description
        ),
        "resource": proposal.supplier_flow_description,
        "resource_ewc": proposal.supplier_flow_ewc,
        "partner_division": "",
        "disclosed": True,
        "partner_name": proposal.receiver_name if supplier_side else proposal.supplier_name,
        "partner_flow": (
            proposal.receiver_flow_description
            if supplier_side
            else proposal.supplier_flow_description
        ),
        "distance_km": proposal.distance_km,
        "quantity": proposal.quantity,
        "unit": proposal.unit,
        "co2_avoided_t": proposal.co2_avoided_t,
        "landfill_avoided_t": proposal.landfill_avoided_t,
        "money_eur": proposal.money_eur,
        "reasons": match_selectors.reasons(proposal, language),
    }


def assessments(user: Any) -> list[dict[str, Any]]:
    """The profiling assessments the user may see (an applicant: their own; staff: all;
    facilitators: those of the districts granted them)."""
    from ecodistrict_web.assessments.selectors import assessments_for_user

    return [assessment_data(row) for row in assessments_for_user(user).prefetch_related("versions")]


def assessment(user: Any, pk: int) -> dict[str, Any] | None:
    from ecodistrict_web.assessments.selectors import assessment_for_user

    row = assessment_for_user(user, pk)
    if row is None:
        return None
    data = assessment_data(row)
    latest = row.versions.order_by("-number").first()
    return {
        **data,
        "draft": row.draft,
        "indicators": latest.indicators if latest is not None else {},
    }


def assessment_data(row: Any) -> dict[str, Any]:
    return {
        "id": row.pk,
        "company_name": row.interest.company_name,
        "company_key": row.company_key,
        "status": row.status,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "versions": [
            {
                "number": version.number,
                "submitted_at": version.submitted_at,
                "review_status": version.review_status,
                "review_comment": version.review_comment,
                "reviewed_at": version.reviewed_at,
            }
            for version in sorted(row.versions.all(), key=lambda v: v.number)
        ],
    }
