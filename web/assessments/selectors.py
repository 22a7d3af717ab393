"""Reads on assessments, always through ``restrict(user, action)``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from ecodistrict.codes.ewc import get_ewc, search_ewc
from ecodistrict.domain.problems import Problem
from ecodistrict_web.accounts.permissions import CHANGE, VIEW
from ecodistrict_web.assessments.models import Assessment, AssessmentVersion
from ecodistrict_web.assessments.services import FLOW_STEPS, company_problems, step_of

DIMENSION_ORDER = ("circular_performance", "territorial_integration", "industrial_symbiosis")


def assessments_for_user(user: Any, action: str = VIEW) -> QuerySet[Assessment]:
    return (
        Assessment.objects.restrict(user, action).select_related("interest").order_by("-updated_at")
    )


def assessment_for_user(user: Any, pk: int, action: str = VIEW) -> Assessment | None:
    return assessments_for_user(user, action).filter(pk=pk).first()


def editable_assessment(user: Any, pk: int) -> Assessment | None:
    return assessment_for_user(user, pk, CHANGE)


def version_for_user(user: Any, pk: int, number: int) -> AssessmentVersion | None:
    return (
        AssessmentVersion.objects.restrict(user)
        .filter(assessment_id=pk, number=number)
        .select_related("assessment")
        .first()
    )


def versions_to_review(user: Any, review_status: str = "") -> QuerySet[AssessmentVersion]:
    rows = AssessmentVersion.objects.restrict(user).select_related(
        "assessment__interest", "submitted_by", "reviewed_by"
    )
    if review_status:
        rows = rows.filter(review_status=review_status)
    return rows.order_by("-submitted_at")


def flows_of_step(assessment: Assessment, step: str, language: str) -> list[dict[str, Any]]:
    """The draft's flows declared at ``step``, with the EWC description for the page."""
    rows = []
    for flow in assessment.draft.get("company", {}).get("flows", []):
        if step_of(flow) != step:
            continue
        entry = get_ewc(flow["ewc"]) if flow.get("ewc") else None
        rows.append({**flow, "ewc_text": entry.description(language) if entry else ""})
    return rows


def declared_flows(company: dict[str, Any], language: str) -> list[dict[str, Any]]:
    """Every flow of a company (a draft or a version's snapshot), in the order of the steps,
    with its step and its EWC description, for the assessment page."""
    order = {name: position for position, name in enumerate(FLOW_STEPS)}
    rows = []
    for flow in company.get("flows", []):
        entry = get_ewc(flow["ewc"]) if flow.get("ewc") else None
        step = step_of(flow)
        rows.append(
            {
                **flow,
                "step": step,
                "ewc_text": entry.description(language) if entry else "",
            }
        )
    return sorted(rows, key=lambda row: order[row["step"]])


def draft_problems(assessment: Assessment) -> list[Problem]:
    return company_problems(assessment.draft.get("company", {}))


@dataclass(frozen=True)
class IndicatorGroup:
    dimension: str
    rows: list[dict[str, Any]]


def indicator_groups(version: AssessmentVersion | None, language: str) -> list[IndicatorGroup]:
    """The version's company indicators grouped by the three benchmark dimensions."""
    if version is None:
        return []
    rows = version.indicators.get("rows", [])
    groups = []
    for dimension in DIMENSION_ORDER:
        chosen = [
            {**row, "name": row["name_en"] if language == "en" else row["name_it"]}
            for row in rows
            if row["dimension"] == dimension
        ]
        if chosen:
            groups.append(IndicatorGroup(dimension, chosen))
    return groups


def ewc_suggestions(query: str, language: str, limit: int = 15) -> list[dict[str, str]]:
    """EWC entries matching what the user typed, for the autocomplete (code and description)."""
    if len(query) > 100:
        return []
    return [
        {"code": entry.code, "label": f"{entry.display_code} – {entry.description(language)}"}
        for entry in search_ewc(query, language, limit)
    ]
