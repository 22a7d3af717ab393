"""Reads on districts, companies and flows. Every query a user reaches starts from
``restrict(user, action)``; nothing here filters by role on its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ecodistrict.codes.ewc import get_ewc
from ecodistrict.domain.models import DistrictFile
from ecodistrict_web.accounts.permissions import CHANGE, VIEW
from ecodistrict_web.companies import mapping
from ecodistrict_web.companies.models import Company, District, Flow, Site


def companies_for_user(user: Any, action: str = VIEW) -> QuerySet[Company]:
    """The companies ``user`` may ``action``, with their district and number of flows."""
    # The number of flows as a subquery per company, not a GROUP BY over every flow: on a page
    # of the list (LIMIT) only the companies shown are counted.
    flow_count = (
        Flow.objects.filter(company=OuterRef("pk"))
        .order_by()
        .values("company")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        Company.objects.restrict(user, action)
        .select_related("district")
        .annotate(flow_count=Coalesce(Subquery(flow_count), 0))
        .order_by("district__name", "name")
    )


def districts_for_user(user: Any, action: str = VIEW) -> QuerySet[District]:
    return District.objects.restrict(user, action).order_by("name")


def flows_for_user(user: Any, action: str = VIEW) -> QuerySet[Flow]:
    return Flow.objects.restrict(user, action).select_related("company")


@dataclass(frozen=True)
class FlowRow:
    """A flow as the company page shows it."""

    flow: Flow
    ewc_description: str
    #: The supplying firm of an input fed by an exchange in place: its name when the user may
    #: see that firm, "" when the user may not (the page then says "another district firm").
    supplier_name: str
    has_supplier: bool
    #: Firms the user may see that take up this output through an exchange in place.
    receiver_names: list[str]


@dataclass(frozen=True)
class CompanyPage:
    company: Company
    site: Site | None
    inputs: list[FlowRow]
    outputs: list[FlowRow]


def company_page(user: Any, pk: int, language: str) -> CompanyPage | None:
    """One company the user may see, with its primary site and its flows; None otherwise."""
    company = companies_for_user(user).filter(pk=pk).first()
    if company is None:
        return None
    site = Site.objects.restrict(user).filter(company=company, is_primary=True).first()
    # Only the ids: the ordering and the flow counts of companies_for_user are not needed here.
    visible = set(
        Company.objects.restrict(user)
        .filter(district=company.district)
        .values_list("pk", flat=True)
    )
    receivers = flows_for_user(user).order_by("company__name")
    flows = (
        flows_for_user(user)
        .filter(company=company)
        .select_related("supplied_by__company")
        .prefetch_related(Prefetch("supplies", queryset=receivers, to_attr="visible_supplies"))
        .order_by("pk")
    )
    rows = [
        FlowRow(
            flow=flow,
            ewc_description=ewc_description(flow.ewc, language),
            supplier_name=(
                flow.supplied_by.company.name
                if flow.supplied_by is not None and flow.supplied_by.company_id in visible
                else ""
            ),
            has_supplier=flow.supplied_by_id is not None,
            receiver_names=[receiver.company.name for receiver in flow.visible_supplies],
        )
        for flow in flows
    ]
    return CompanyPage(
        company=company,
        site=site,
        inputs=[row for row in rows if row.flow.direction == "in"],
        outputs=[row for row in rows if row.flow.direction == "out"],
    )


@dataclass(frozen=True)
class PublicNotice:
    """A district's name and notice: public (shown on the home page to every visitor)."""

    name: str
    notice: str


def public_district_notices() -> list[PublicNotice]:
    """The notices of the stored districts, e.g. that their data are illustrative.

    Deliberately not restricted: a district's name and notice are public information, and the
    home page must warn every visitor when the data are fictitious. Nothing else is read.
    """
    return [
        PublicNotice(name=name, notice=notice)
        for name, notice in District.objects.exclude(notice="")
        .order_by("name")
        .values_list("name", "notice")
    ]


def ewc_description(code: str, language: str) -> str:
    """The EWC/EER entry's description in ``language`` (Italian or English), or ""."""
    if not code:
        return ""
    entry = get_ewc(code)
    return entry.description(language) if entry is not None else ""


def district_file_data(district: District) -> dict[str, Any]:
    """The stored district as a district file (a plain dict, ``format: ecodistrict/1``).

    Not a user-facing read: callers pass a district they reached through ``districts_for_user``
    or a service. Companies and flows come in the order they were imported (the file's order);
    the mapping is the import's, reversed (``companies/mapping.py``).
    """
    flows_by_company: dict[int, list[dict[str, Any]]] = {}
    for flow in (
        Flow.objects.filter(company__district=district)
        .select_related("supplied_by__company")
        .order_by("company_id", "pk")
    ):
        flows_by_company.setdefault(flow.company_id, []).append(mapping.flow_data(flow))
    sites = {
        site.company_id: site
        for site in Site.objects.filter(company__district=district, is_primary=True)
    }
    companies = [
        mapping.company_data(company, sites[company.pk], flows_by_company.get(company.pk, []))
        for company in Company.objects.filter(district=district).order_by("pk")
    ]
    return mapping.district_data(district, companies)


def district_file(district: District) -> DistrictFile:
    """The stored district as a validated ``DistrictFile`` (what the library computes on).

    Raises ``pydantic.ValidationError`` if rows edited by hand broke a rule of the format.
    """
    return DistrictFile.model_validate(district_file_data(district))


def flow_to_edit(user: Any, company_pk: int, flow_pk: int) -> Flow | None:
    """A flow of the company that ``user`` may change (a member of its firm, or staff)."""
    return (
        flows_for_user(user, CHANGE)
        .select_related("company__district")
        .filter(company_id=company_pk, pk=flow_pk)
        .first()
    )
