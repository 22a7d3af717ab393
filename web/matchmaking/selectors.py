"""Reads on matching runs, proposals and exchanges, shaped for the pages.

Every run, proposal and exchange a user reaches comes from ``restrict(user, action)``. Pages are
built from what a run stored, never recomputed.

**Disclosure.** A firm member reaches the proposals of their own firm (either side), but the
partner's identity leaves this module only once both firms said they are interested, that is
once a ``ProposedExchange`` exists for the match. Before that the firm page gets a
``FirmMatchRow`` that holds no name, id, location or flow description of the partner: only its
ATECO division and the distance, and the match's reasons with the partner's flow description
withheld. The row is built field by field; the proposal row itself (which holds both names)
never reaches a firm's template.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecodistrict.indicators.positioning import ateco_division, division_label
from ecodistrict_web.accounts.models import User
from ecodistrict_web.accounts.permissions import VIEW
from ecodistrict_web.companies.models import Company, District, FlowKind
from ecodistrict_web.companies.selectors import ewc_description
from ecodistrict_web.indicators.selectors import DistrictChoice, district_choice
from ecodistrict_web.matchmaking.models import (
    ExchangeStatus,
    MatchBasis,
    MatchProposal,
    MatchRun,
    ProposedExchange,
    Side,
)

#: Heavy JSON columns left out of run lists.
RUN_PAYLOAD = ("input_snapshot", "results")
SORT_DIRECTIONS = ("asc", "desc")
#: Sortable columns of the staff table: key -> model field. Missing values come last.
SORT_FIELDS = {
    "score": "score",
    "distance": "distance_km",
    "quantity": "quantity",
    "co2": "co2_avoided_t",
    "landfill": "landfill_avoided_t",
    "money": "money_eur",
    "supplier": "supplier_name",
    "receiver": "receiver_name",
    "kind": "kind",
    "basis": "basis",
}
DEFAULT_SORT = "score"


class RunNotFound(Exception):
    """A run asked for by number that the user may not see or that is not of this district."""


def _is_italian(language: str) -> bool:
    return language.startswith("it")


def kind_label(kind: str) -> str:
    return str(FlowKind(kind).label) if kind in FlowKind.values else kind


def basis_label(basis: str) -> str:
    return str(MatchBasis(basis).label) if basis in MatchBasis.values else basis


# --- runs ---------------------------------------------------------------------------------------


def runs_for_user(user: Any, action: str = VIEW) -> QuerySet[MatchRun]:
    """The runs ``user`` may ``action``: all for staff and facilitators, those of their own
    firm's district for a firm member."""
    return MatchRun.objects.restrict(user, action).select_related("created_by")


def district_runs(user: Any, district: District) -> QuerySet[MatchRun]:
    """The runs of a district the user may see, newest first, without their payload (runs made
    before the district was imported again under the same name included)."""
    return (
        runs_for_user(user)
        .filter(Q(district=district) | Q(district__isnull=True, district_name=district.name))
        .defer(*RUN_PAYLOAD)
        .order_by("-created_at", "-pk")
    )


def _chosen_run(user: Any, district: District, run_pk: int | None) -> MatchRun | None:
    runs = runs_for_user(user).filter(
        Q(district=district) | Q(district__isnull=True, district_name=district.name)
    )
    if run_pk is None:
        return runs.filter(district=district).order_by("-created_at", "-pk").first()
    run = runs.filter(pk=run_pk).first()
    if run is None:
        raise RunNotFound(run_pk)
    return run


def latest_run_pk(district_id: int | None) -> int | None:
    """The newest run of a district: the one firms see and answer on."""
    if district_id is None:
        return None
    return (
        MatchRun.objects.filter(district_id=district_id)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


def run_document(user: Any, pk: int) -> dict[str, Any] | None:
    """A whole run as one JSON document: options, input data and the library's matches."""
    run = runs_for_user(user).filter(pk=pk).first()
    if run is None:
        return None
    return {
        "format": "ecodistrict/match-run/1",
        "run": run.pk,
        "district": run.district_name,
        "computed_at": run.created_at.isoformat(),
        "trigger": run.trigger,
        "ecodistrict_version": run.library_version,
        "options": {"top_k": run.top_k, "max_distance_km": run.max_distance_km},
        "input_sha256": run.input_sha256,
        "input": run.input_snapshot,
        "results": run.results,
    }


def proposals_for_user(user: Any, action: str = VIEW) -> QuerySet[MatchProposal]:
    """The proposals ``user`` may ``action``: all for staff (and facilitators, reading), those
    of their own firms (either side) for a firm member."""
    # The run's payload (input snapshot and results, megabytes of JSON) is never read through a
    # proposal: joined into every row it would be decoded once per proposal.
    return (
        MatchProposal.objects.restrict(user, action)
        .select_related("run")
        .defer(*(f"run__{field}" for field in RUN_PAYLOAD))
    )


def exchanges_for_user(user: Any, action: str = VIEW) -> QuerySet[ProposedExchange]:
    return (
        ProposedExchange.objects.restrict(user, action)
        .select_related("proposal__run")
        .defer(*(f"proposal__run__{field}" for field in RUN_PAYLOAD))
    )


def _exchanges_by_key(user: Any, district_name: str) -> dict[str, ProposedExchange]:
    return {
        exchange.pair_key: exchange
        for exchange in exchanges_for_user(user).filter(district_name=district_name)
    }


def _contacts(company_id: int | None) -> list[str]:
    """The e-mail addresses of the active members of a firm. Read only for a partner already
    disclosed (a ``ProposedExchange`` exists) or for staff and facilitators."""
    if company_id is None:
        return []
    return list(
        User.objects.filter(memberships__company_id=company_id, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )


def reasons(proposal: MatchProposal, language: str) -> list[str]:
    return list(proposal.reasons_it if _is_italian(language) else proposal.reasons_en)


def impact_notes(proposal: MatchProposal, language: str) -> list[str]:
    key = "notes_it" if _is_italian(language) else "notes_en"
    return list(proposal.impact.get(key, []))


def withhold(texts: Iterable[str], description: str) -> list[str]:
    """The texts with a partner's flow description (quoted by the library, 'like this')
    replaced by a neutral phrase."""
    if not description:
        return list(texts)
    quoted = f"'{description}'"
    placeholder = _("[description withheld]")
    return [text.replace(quoted, placeholder) for text in texts]


# --- the firm page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FirmMatchRow:
    """A match as a firm sees it. Partner fields (``partner_*``) are filled only once the match
    is disclosed; before that only ``partner_division`` and the distance describe the partner."""

    pk: int
    side: str
    kind: str
    kind_label: str
    #: This firm's own flow: the output offered (supplier side) or the declared need (receiver
    #: side; "" for an inferred match).
    own_flow: str
    own_flow_ewc: str
    #: What the supplier offers, as this firm may see it: the supplier's description once
    #: disclosed (or to the supplier), else its EWC code and the code's description.
    resource: str
    resource_ewc: str
    partner_division: str
    disclosed: bool
    partner_name: str
    partner_flow: str
    partner_contacts: list[str]
    exchange_status: str
    exchange_status_label: str
    reasons: list[str]
    impact_notes: list[str]
    distance_km: float | None
    quantity: float | None
    unit: str
    co2_avoided_t: float | None
    landfill_avoided_t: float | None
    money_eur: float | None
    score: float
    basis: str
    basis_label: str
    own_interest: bool | None
    can_answer: bool


@dataclass(frozen=True)
class FirmExchangeRow:
    """A proposed exchange of the firm: the partner is disclosed."""

    pk: int
    side: str
    partner_name: str
    partner_contacts: list[str]
    resource: str
    kind_label: str
    status: str
    status_label: str
    created_at: Any
    updated_at: Any


@dataclass(frozen=True)
class FirmSection:
    company: Company
    run: MatchRun | None
    as_supplier: list[FirmMatchRow] = field(default_factory=list)
    as_receiver: list[FirmMatchRow] = field(default_factory=list)
    exchanges: list[FirmExchangeRow] = field(default_factory=list)


def member_companies(user: Any) -> list[Company]:
    """The firms the user is a member of (the ones they answer for)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Company.objects.restrict(user)
        .filter(memberships__user=user)
        .select_related("district")
        .order_by("district__name", "name")
    )


def firm_matches_page(user: Any, language: str) -> list[FirmSection]:
    """ "I miei abbinamenti": for each firm of the user, its matches in the latest run of its
    district, as supplier and as receiver, anonymised until both firms are interested, and the
    firm's proposed exchanges."""
    sections = []
    for company in member_companies(user):
        run = (
            runs_for_user(user)
            .filter(district=company.district)
            .order_by("-created_at", "-pk")
            .first()
        )
        exchanges = list(
            exchanges_for_user(user)
            .filter(Q(supplier=company) | Q(receiver=company))
            .order_by("-created_at", "-pk")
        )
        exchange_rows = [_firm_exchange_row(exchange, company, language) for exchange in exchanges]
        if run is None:
            sections.append(FirmSection(company=company, run=None, exchanges=exchange_rows))
            continue
        proposals = list(
            proposals_for_user(user)
            .filter(run=run)
            .filter(Q(supplier=company) | Q(receiver=company))
            .order_by("-score", "pk")
        )
        by_key = {exchange.pair_key: exchange for exchange in exchanges}
        atecos = {item["id"]: item.get("ateco", "") for item in run.input_snapshot["companies"]}
        as_supplier = [
            _firm_row(p, Side.SUPPLIER, by_key.get(p.pair_key), atecos, language)
            for p in sorted(proposals, key=lambda p: (p.supplier_flow_description, p.rank))
            if p.supplier_id == company.pk
        ]
        as_receiver = [
            _firm_row(p, Side.RECEIVER, by_key.get(p.pair_key), atecos, language)
            for p in proposals
            if p.receiver_id == company.pk
        ]
        sections.append(FirmSection(company, run, as_supplier, as_receiver, exchange_rows))
    return sections


def _firm_row(
    proposal: MatchProposal,
    side: str,
    exchange: ProposedExchange | None,
    atecos: Mapping[str, str],
    language: str,
) -> FirmMatchRow:
    supplier_side = side == Side.SUPPLIER
    disclosed = exchange is not None
    partner_slug = proposal.receiver_slug if supplier_side else proposal.supplier_slug
    partner_flow = (
        proposal.receiver_flow_description if supplier_side else proposal.supplier_flow_description
    )
    division = ateco_division(atecos.get(partner_slug)) or None
    if supplier_side or disclosed:
        resource = proposal.supplier_flow_description
    else:
        resource = (
            ewc_description(proposal.supplier_flow_ewc, language)
            if (proposal.supplier_flow_ewc)
            else kind_label(proposal.kind)
        )
    texts = reasons(proposal, language)
    return FirmMatchRow(
        pk=proposal.pk,
        side=side,
        kind=proposal.kind,
        kind_label=kind_label(proposal.kind),
        own_flow=(
            proposal.supplier_flow_description
            if supplier_side
            else proposal.receiver_flow_description
        ),
        own_flow_ewc=proposal.supplier_flow_ewc if supplier_side else "",
        resource=resource,
        resource_ewc=proposal.supplier_flow_ewc,
        partner_division=division_label(division) if division else _("ATECO division unknown"),
        disclosed=disclosed,
        partner_name=(
            (proposal.receiver_name if supplier_side else proposal.supplier_name)
            if disclosed
            else ""
        ),
        partner_flow=partner_flow if disclosed else "",
        partner_contacts=(
            _contacts(exchange.receiver_id if supplier_side else exchange.supplier_id)
            if exchange is not None
            else []
        ),
        exchange_status=exchange.status if exchange else "",
        exchange_status_label=str(ExchangeStatus(exchange.status).label) if exchange else "",
        reasons=texts if disclosed else withhold(texts, partner_flow),
        impact_notes=(
            impact_notes(proposal, language)
            if disclosed
            else withhold(impact_notes(proposal, language), partner_flow)
        ),
        distance_km=proposal.distance_km,
        quantity=proposal.quantity,
        unit=proposal.unit,
        co2_avoided_t=proposal.co2_avoided_t,
        landfill_avoided_t=proposal.landfill_avoided_t,
        money_eur=proposal.money_eur,
        score=proposal.score,
        basis=proposal.basis,
        basis_label=basis_label(proposal.basis),
        own_interest=getattr(proposal, f"{side}_interest"),
        can_answer=not disclosed,
    )


def _firm_exchange_row(
    exchange: ProposedExchange, company: Company, language: str
) -> FirmExchangeRow:
    proposal = exchange.proposal
    supplier_side = exchange.supplier_id == company.pk
    return FirmExchangeRow(
        pk=exchange.pk,
        side=Side.SUPPLIER if supplier_side else Side.RECEIVER,
        partner_name=proposal.receiver_name if supplier_side else proposal.supplier_name,
        partner_contacts=_contacts(exchange.receiver_id if supplier_side else exchange.supplier_id),
        resource=proposal.supplier_flow_description,
        kind_label=kind_label(proposal.kind),
        status=exchange.status,
        status_label=str(ExchangeStatus(exchange.status).label),
        created_at=exchange.created_at,
        updated_at=exchange.updated_at,
    )


# --- staff and facilitators: every match --------------------------------------------------------


@dataclass(frozen=True)
class MatchFilters:
    kind: str = ""
    resource: str = ""
    max_km: float | None = None
    basis: str = ""

    @property
    def active(self) -> bool:
        return bool(self.kind or self.resource or self.max_km is not None or self.basis)


@dataclass(frozen=True)
class DistrictMatchesPage:
    choice: DistrictChoice
    run: MatchRun | None
    runs: list[MatchRun]
    rows: list[MatchProposal]
    total: int
    filters: MatchFilters
    sort: str
    direction: str
    exchanges: dict[str, ProposedExchange]
    map: dict[str, Any] | None


def filter_proposals(
    proposals: QuerySet[MatchProposal], filters: MatchFilters
) -> QuerySet[MatchProposal]:
    """Filters of the staff page: kind, basis, a maximum distance (matches without a distance
    are left out), and a text searched in the supplier's flow description and EWC code (with or
    without spaces: "101208" finds "10 12 08")."""
    if filters.kind:
        proposals = proposals.filter(kind=filters.kind)
    if filters.basis:
        proposals = proposals.filter(basis=filters.basis)
    if filters.max_km is not None:
        proposals = proposals.filter(distance_km__lte=filters.max_km)
    text = filters.resource.strip()
    if text:
        compact = text.replace(" ", "")
        proposals = proposals.annotate(
            ewc_compact=Replace(F("supplier_flow_ewc"), Value(" "), Value(""))
        ).filter(
            Q(supplier_flow_description__icontains=text)
            | Q(supplier_flow_ewc__icontains=text)
            | Q(ewc_compact__icontains=compact)
        )
    return proposals


def sort_proposals(
    proposals: QuerySet[MatchProposal], sort: str, direction: str
) -> QuerySet[MatchProposal]:
    name = SORT_FIELDS[sort]
    order = F(name).desc(nulls_last=True) if direction == "desc" else F(name).asc(nulls_last=True)
    return proposals.order_by(order, "-score", "supplier_name", "receiver_name", "pk")


def district_matches_page(
    user: Any,
    district_pk: int | None,
    run_pk: int | None,
    filters: MatchFilters,
    *,
    sort: str = DEFAULT_SORT,
    direction: str = "desc",
    language: str = "it",
) -> DistrictMatchesPage | None:
    """Every match of a district run (the latest unless asked), filtered and sorted, with the
    map's data. None for a district the user may not see; raises ``RunNotFound``."""
    choice = district_choice(user, district_pk)
    if choice is None:
        return None
    if sort not in SORT_FIELDS:
        sort = DEFAULT_SORT
    if direction not in SORT_DIRECTIONS:
        direction = "desc"
    empty = DistrictMatchesPage(choice, None, [], [], 0, filters, sort, direction, {}, None)
    if choice.district is None:
        return empty
    run = _chosen_run(user, choice.district, run_pk)
    runs = list(district_runs(user, choice.district))
    if run is None:
        return DistrictMatchesPage(choice, None, runs, [], 0, filters, sort, direction, {}, None)
    proposals = proposals_for_user(user).filter(run=run)
    rows = list(sort_proposals(filter_proposals(proposals, filters), sort, direction))
    return DistrictMatchesPage(
        choice=choice,
        run=run,
        runs=runs,
        rows=rows,
        total=proposals.count(),
        filters=filters,
        sort=sort,
        direction=direction,
        exchanges=_exchanges_by_key(user, run.district_name),
        map=map_data(run, rows, language),
    )


def map_tiles() -> dict[str, str]:
    """The background map's tile URL and attribution (settings); an empty URL: no tiles."""
    return {
        "url": getattr(settings, "ECODISTRICT_MAP_TILES_URL", "") or "",
        "attribution": getattr(settings, "ECODISTRICT_MAP_TILES_ATTRIBUTION", "") or "",
    }


def map_data(run: MatchRun, rows: Iterable[MatchProposal], language: str) -> dict[str, Any]:
    """The district map (staff): every firm of the run as a marker, each listed match as a line
    from supplier to receiver; read by static/js/matchmap.js."""
    district = run.input_snapshot.get("district", {})
    firms = []
    for company in run.input_snapshot.get("companies", []):
        location = company.get("location") or {}
        if "lat" not in location or "lon" not in location:
            continue
        division = ateco_division(company.get("ateco"))
        firms.append(
            {
                "id": company["id"],
                "name": company["name"],
                "ateco": division_label(division) if division else "",
                "lat": location["lat"],
                "lon": location["lon"],
            }
        )
    center = district.get("center") or {}
    return {
        "tiles": map_tiles(),
        "center": [center.get("lat"), center.get("lon")] if center else None,
        "radius_km": district.get("radius_km"),
        "firms": firms,
        "links": [
            {
                "from": row.supplier_slug,
                "to": row.receiver_slug,
                "kind": row.kind,
                "score": row.score,
                "title": f"{row.supplier_name} → {row.receiver_name}: "
                f"{row.supplier_flow_description} ({kind_label(row.kind)})",
            }
            for row in rows
        ],
        "labels": {
            "map": _("Map of the district: firms and matches"),
            "radius": _("District radius"),
        },
    }


@dataclass(frozen=True)
class ProposalPage:
    proposal: MatchProposal
    reasons: list[str]
    impact_notes: list[str]
    fits: list[tuple[str, float]]
    exchange: ProposedExchange | None
    is_latest: bool


FIT_LABELS = {
    "technical": gettext_lazy("Technical fit"),
    "quantity": gettext_lazy("Quantity fit"),
    "distance": gettext_lazy("Distance fit"),
    "continuity": gettext_lazy("Continuity of availability"),
    "legal": gettext_lazy("Legal status"),
}


def proposal_page(user: Any, pk: int, language: str) -> ProposalPage | None:
    """One match with everything the run stored about it (staff and facilitators)."""
    proposal = (
        proposals_for_user(user)
        .select_related("supplier_interest_by", "receiver_interest_by")
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        return None
    exchange = (
        exchanges_for_user(user)
        .filter(district_name=proposal.run.district_name, pair_key=proposal.pair_key)
        .first()
    )
    return ProposalPage(
        proposal=proposal,
        reasons=reasons(proposal, language),
        impact_notes=impact_notes(proposal, language),
        fits=[(str(FIT_LABELS.get(key, key)), value) for key, value in proposal.fits.items()],
        exchange=exchange,
        is_latest=latest_run_pk(proposal.run.district_id) == proposal.run_id,
    )


# --- proposed exchanges -------------------------------------------------------------------------


@dataclass(frozen=True)
class ExchangeRow:
    exchange: ProposedExchange
    proposal: MatchProposal
    supplier_contacts: list[str]
    receiver_contacts: list[str]
    history: list[Any]
    next_statuses: list[tuple[str, str]]


@dataclass(frozen=True)
class ExchangesPage:
    choice: DistrictChoice
    rows: list[ExchangeRow]
    status: str
    counts: dict[str, int]


def exchanges_page(user: Any, district_pk: int | None, status: str = "") -> ExchangesPage | None:
    """The proposed exchanges of a district, newest first, with their history (staff and
    facilitators), optionally of one status."""
    choice = district_choice(user, district_pk)
    if choice is None:
        return None
    if status not in ExchangeStatus.values:
        status = ""
    if choice.district is None:
        return ExchangesPage(choice, [], status, {})
    exchanges = exchanges_for_user(user).filter(
        Q(district=choice.district) | Q(district_name=choice.district.name)
    )
    counts = {value: 0 for value in ExchangeStatus.values}
    for value in exchanges.values_list("status", flat=True):
        counts[value] += 1
    if status:
        exchanges = exchanges.filter(status=status)
    rows = [
        ExchangeRow(
            exchange=exchange,
            proposal=exchange.proposal,
            supplier_contacts=_contacts(exchange.supplier_id),
            receiver_contacts=_contacts(exchange.receiver_id),
            history=list(exchange.history.select_related("changed_by").all()),
            next_statuses=[
                (value, str(ExchangeStatus(value).label)) for value in exchange.next_statuses()
            ],
        )
        for exchange in exchanges.order_by("-created_at", "-pk")
    ]
    return ExchangesPage(choice, rows, status, counts)


def exchange_for_action(user: Any, pk: int, action: str) -> ProposedExchange | None:
    return exchanges_for_user(user, action).filter(pk=pk).first()


def proposal_for_action(user: Any, pk: int, action: str) -> MatchProposal | None:
    return proposals_for_user(user, action).filter(pk=pk).first()
