"""Writes on profiling assessments: the only code that changes a draft, submits it as a new
version, reopens it, or records a review.

Every write checks the draft with the district file's own rules
(``ecodistrict.domain.validation.validate_district_data`` on a one-company district), so what
the platform stores is always a valid company of the district file.
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ecodistrict.domain.models import FORMAT, DistrictFile
from ecodistrict.domain.problems import Problem
from ecodistrict.domain.validation import validate_district_data
from ecodistrict.indicators import compute_indicators, parse_indicator_set
from ecodistrict.io.excel_template import describe_problem, read_assessment_workbook
from ecodistrict_web.assessments.models import (
    Assessment,
    AssessmentStatus,
    AssessmentVersion,
    ReviewStatus,
)
from ecodistrict_web.core.models import canonical_sha256
from ecodistrict_web.intake.models import Interest

logger = logging.getLogger(__name__)

#: The centre of Formigine (WGS84): the district of an applicant when no district is stored.
FORMIGINE_CENTER = {"lat": 44.5739, "lon": 10.8478}
#: Flow steps of the assessment, in order; each flow belongs to exactly one (``step_of``).
FLOW_STEPS = ("products", "inputs", "energy", "outputs", "services")
MAX_FLOWS = 500


@dataclass(frozen=True)
class StepResult:
    """What a write did, or why it did nothing: ``errors`` maps a form field (None for the whole
    form) to its messages."""

    ok: bool
    errors: dict[str | None, list[str]] = field(default_factory=dict)


def step_of(flow: dict[str, Any]) -> str:
    """The step of the assessment where a flow of the district file is declared."""
    kind, direction = flow.get("kind"), flow.get("direction")
    if kind == "service":
        return "services"
    if kind == "energy":
        return "energy"
    if direction == "in":
        return "inputs"
    if flow.get("legal_status") == "product":
        return "products"
    return "outputs"


def new_draft(interest: Interest, company_key: str) -> dict[str, Any]:
    return {
        "company": {
            "id": company_key,
            "name": interest.company_name,
            "ateco": interest.ateco,
            "flows": [],
        },
        "practices": {},
    }


def open_assessment(interest: Interest) -> Assessment:
    """The firm's assessment, created on first call with a draft from its interest."""
    existing = Assessment.objects.filter(interest=interest).first()
    if existing is not None:
        return existing
    key = f"applicant-{interest.pk}"
    return Assessment.objects.create(
        interest=interest, company_key=key, draft=new_draft(interest, key)
    )


def company_problems(company: dict[str, Any]) -> list[Problem]:
    """Every problem of one company, by the district file's rules."""
    location = company.get("location")
    center = location if _is_point(location) else FORMIGINE_CENTER
    data = {
        "format": FORMAT,
        "district": {"name": "Smart Eco District", "center": center},
        "companies": [company],
    }
    return validate_district_data(data)[1]


def _is_point(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("lat"), float)
        and isinstance(value.get("lon"), float)
        and -90 <= value["lat"] <= 90
        and -180 <= value["lon"] <= 180
    )


def _form_field(problem: Problem) -> str:
    name = problem.field or ""
    if name.startswith(("mci.", "location.")):
        return name.split(".", 1)[1]
    return "lat" if name == "location" else name


def _errors(problems: list[Problem]) -> dict[str | None, list[str]]:
    """Messages by the field they concern (a form field's name where one exists)."""
    errors: dict[str | None, list[str]] = {}
    for problem in problems:
        errors.setdefault(_form_field(problem) or None, []).append(problem.message)
    return errors


def _locked() -> StepResult:
    return StepResult(
        ok=False,
        errors={None: [_("The assessment is submitted and locked: start a new version to edit.")]},
    )


def _editable(assessment: Assessment) -> Assessment | None:
    row = Assessment.objects.select_for_update().get(pk=assessment.pk)
    return row if row.status == AssessmentStatus.DRAFT else None


@transaction.atomic
def save_company(assessment: Assessment, data: dict[str, Any]) -> StepResult:
    """Step 1: name, ATECO, site, employees, revenue. Stored only if the company's own fields
    are valid (problems of flows are shown on their steps)."""
    row = _editable(assessment)
    if row is None:
        return _locked()
    draft = copy.deepcopy(row.draft)
    company = draft["company"]
    for key in ("name", "ateco", "employees", "revenue_eur"):
        if data.get(key) is None or data.get(key) == "":
            company.pop(key, None)
        else:
            company[key] = data[key]
    company["location"] = {"lat": float(data["lat"]), "lon": float(data["lon"])}
    own = [p for p in company_problems(company) if p.flow is None]
    if own:
        return StepResult(ok=False, errors=_errors(own))
    row.draft = draft
    row.save()
    return StepResult(ok=True)


@transaction.atomic
def add_flow(assessment: Assessment, step: str, flow: dict[str, Any]) -> StepResult:
    """Add one flow to a step; stored only if the flow is valid by the district file's rules."""
    row = _editable(assessment)
    if row is None:
        return _locked()
    draft = copy.deepcopy(row.draft)
    flows = draft["company"].setdefault("flows", [])
    if len(flows) >= MAX_FLOWS:
        return StepResult(ok=False, errors={None: [_("At most 500 flows per assessment.")]})
    numbers = [
        int(match.group(1))
        for existing in flows
        if (match := re.fullmatch(rf"{step}-(\d+)", str(existing.get("id", ""))))
    ]
    flow = {"id": f"{step}-{max(numbers, default=0) + 1}", **flow}
    flows.append(flow)
    problems = [p for p in company_problems(draft["company"]) if p.flow == flow["id"]]
    if problems:
        return StepResult(ok=False, errors=_errors(problems))
    row.draft = draft
    row.save()
    return StepResult(ok=True)


@transaction.atomic
def remove_flow(assessment: Assessment, flow_id: str) -> StepResult:
    row = _editable(assessment)
    if row is None:
        return _locked()
    draft = copy.deepcopy(row.draft)
    flows = draft["company"].get("flows", [])
    kept = [flow for flow in flows if flow.get("id") != flow_id]
    if len(kept) == len(flows):
        return StepResult(ok=False, errors={None: [_("No such flow.")]})
    draft["company"]["flows"] = kept
    row.draft = draft
    row.save()
    return StepResult(ok=True)


@transaction.atomic
def save_practices(assessment: Assessment, data: dict[str, Any]) -> StepResult:
    """Step 7: certifications and circular practices (kept beside the company in the draft)."""
    row = _editable(assessment)
    if row is None:
        return _locked()
    draft = copy.deepcopy(row.draft)
    draft["practices"] = {
        "iso14001": bool(data.get("iso14001")),
        "emas": bool(data.get("emas")),
        "other_certifications": data.get("other_certifications") or "",
        "circular_practices": data.get("circular_practices") or "",
    }
    row.draft = draft
    row.save()
    return StepResult(ok=True)


@dataclass(frozen=True)
class UploadResult:
    ok: bool
    problems: list[str] = field(default_factory=list)


@transaction.atomic
def fill_from_workbook(assessment: Assessment, data: bytes, language: str) -> UploadResult:
    """Replace the draft's company with the one of a filled Excel template; nothing changes if
    the workbook has any problem (each named by sheet, row and column)."""
    row = _editable(assessment)
    if row is None:
        return UploadResult(ok=False, problems=_locked().errors[None])
    company, problems = read_assessment_workbook(data, company_id=row.company_key)
    if company is None:
        return UploadResult(ok=False, problems=[describe_problem(p, language) for p in problems])
    draft = copy.deepcopy(row.draft)
    draft["company"] = company
    row.draft = draft
    row.save()
    return UploadResult(ok=True)


@dataclass(frozen=True)
class SubmitResult:
    ok: bool
    problems: list[str] = field(default_factory=list)
    version: AssessmentVersion | None = None


@transaction.atomic
def submit(assessment: Assessment, user: Any) -> SubmitResult:
    """Lock the draft and store it as a new immutable version with its indicators; or, if the
    draft breaks any rule of the district file, store nothing and list every problem."""
    row = _editable(assessment)
    if row is None:
        return SubmitResult(ok=False, problems=_locked().errors[None])
    company = row.draft.get("company", {})
    problems = company_problems(company)
    if problems:
        return SubmitResult(ok=False, problems=[str(p) for p in problems])
    snapshot = copy.deepcopy(row.draft)
    number = (row.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = AssessmentVersion.objects.create(
        assessment=row,
        number=number,
        snapshot=snapshot,
        snapshot_sha256=canonical_sha256(snapshot),
        submitted_by=user if getattr(user, "is_authenticated", False) else None,
        indicators=compute_applicant_indicators(row, company),
    )
    row.status = AssessmentStatus.SUBMITTED
    row.save()
    logger.info("assessment %d submitted as version %d", row.pk, number)
    return SubmitResult(ok=True, version=version)


def compute_applicant_indicators(assessment: Assessment, company: dict[str, Any]) -> dict[str, Any]:
    """The applicant's indicators with the current set, computed on the district's firms plus
    the applicant (so local and symbiotic shares see the district), as a plain document."""
    from ecodistrict_web.companies.selectors import district_file_data
    from ecodistrict_web.indicators.services import ensure_default_indicator_set

    try:
        set_version = ensure_default_indicator_set()
        indicator_set = parse_indicator_set(set_version.yaml_text)
        district = assessment.interest.district
        if district is not None:
            data = district_file_data(district)
        else:
            data = {
                "format": FORMAT,
                "district": {"name": "Smart Eco District", "center": FORMIGINE_CENTER},
                "companies": [],
            }
        data["companies"] = [c for c in data["companies"] if c.get("id") != company["id"]]
        data["companies"].append(company)
        results = compute_indicators(DistrictFile.model_validate(data), indicator_set)
    except Exception as exc:  # the submission must stand even if the computation fails
        logger.exception("indicators of assessment %d not computed", assessment.pk)
        return {"error": str(exc) or exc.__class__.__name__}
    values = results.company(company["id"])
    return {
        "indicator_set": indicator_set.label,
        "district": data["district"]["name"],
        "rows": [
            {
                "key": definition.key,
                "name_it": definition.name_it,
                "name_en": definition.name_en,
                "dimension": definition.dimension,
                "unit": definition.unit,
                "value": values[definition.key].value,
                "reason": values[definition.key].reason,
            }
            for definition in indicator_set.definitions
            if definition.level == "company" and definition.key in values
        ],
    }


@transaction.atomic
def start_new_version(assessment: Assessment) -> StepResult:
    """Reopen a submitted assessment as a draft, starting from its last version."""
    row = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if row.status == AssessmentStatus.DRAFT:
        return StepResult(ok=False, errors={None: [_("The assessment is already a draft.")]})
    last = row.versions.order_by("-number").first()
    if last is not None:
        row.draft = copy.deepcopy(last.snapshot)
    row.status = AssessmentStatus.DRAFT
    row.save()
    return StepResult(ok=True)


@transaction.atomic
def review_version(
    version: AssessmentVersion, user: Any, decision: str, comment: str
) -> StepResult:
    """Validate a submitted version, or send it back to the firm with a comment."""
    row = AssessmentVersion.objects.select_for_update().get(pk=version.pk)
    if row.review_status != ReviewStatus.PENDING:
        return StepResult(ok=False, errors={None: [_("This version has already been reviewed.")]})
    if decision == ReviewStatus.RETURNED and not comment.strip():
        return StepResult(ok=False, errors={"comment": [_("Say what the firm should change.")]})
    row.review_status = decision
    row.review_comment = comment
    row.reviewed_by = user
    row.reviewed_at = timezone.now()
    row.save()
    return StepResult(ok=True)
