"""The shapes the JSON API returns (pydantic, through django-ninja; no postponed annotations:
ninja reads them at import)."""

from datetime import datetime
from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    detail: str


class DistrictRef(Schema):
    id: int
    name: str


class CompanyOut(Schema):
    id: int
    slug: str
    name: str
    ateco: str
    ateco_title: str
    employees: int | None
    revenue_eur: float | None
    district: DistrictRef
    flow_count: int


class LocationOut(Schema):
    lat: float
    lon: float


class CompanyDetailOut(CompanyOut):
    location: LocationOut | None


class FlowOut(Schema):
    id: int
    company_id: int
    slug: str
    direction: str
    kind: str
    description: str
    ewc: str
    legal_status: str
    destination: str
    origin: str
    quantity: float
    unit: str
    quantity_normalised: float
    unit_normalised: str
    available: str
    temperature_c: float | None
    source_distance_km: float | None
    #: The supplying flow of an exchange in place, when the user may see the supplier.
    supplied_by_id: int | None


class IndicatorValueOut(Schema):
    key: str
    name: str
    dimension: str
    unit: str
    value: float | None
    reason: str | None


class CompanyIndicatorsOut(Schema):
    company_id: int
    run_id: int | None
    computed_at: datetime | None
    indicator_set: str
    indicators: list[IndicatorValueOut]


class DistrictIndicatorsOut(Schema):
    district_id: int
    run_id: int | None
    computed_at: datetime | None
    indicator_set: str
    district: dict[str, float | None]
    companies: dict[str, dict[str, float | None]]


class MatchOut(Schema):
    """One match of a company in the latest matching run. Before both firms said they are
    interested, a firm sees no partner identity (``partner_name`` and ``partner_flow`` empty),
    exactly as on its web page."""

    id: int
    side: str
    kind: str
    basis: str
    score: float
    own_flow: str
    resource: str
    resource_ewc: str
    partner_division: str
    disclosed: bool
    partner_name: str
    partner_flow: str
    distance_km: float | None
    quantity: float | None
    unit: str
    co2_avoided_t: float | None
    landfill_avoided_t: float | None
    money_eur: float | None
    reasons: list[str]


class CompanyMatchesOut(Schema):
    company_id: int
    run_id: int | None
    computed_at: datetime | None
    matches: list[MatchOut]


class AssessmentVersionOut(Schema):
    number: int
    submitted_at: datetime
    review_status: str
    review_comment: str
    reviewed_at: datetime | None


class AssessmentOut(Schema):
    id: int
    company_name: str
    company_key: str
    status: str
    created_at: datetime
    updated_at: datetime
    versions: list[AssessmentVersionOut]


class AssessmentDetailOut(AssessmentOut):
    #: The draft as the district file's company (what the firm declared so far).
    draft: dict[str, Any]
    #: The indicators computed when the latest version was submitted ({} before any).
    indicators: dict[str, Any]
