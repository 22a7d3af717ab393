"""Writes on matching runs, proposals and exchanges: the only code that creates or changes them.

- ``run_matching`` stores a new run and its proposals (staff, or the import flow);
- ``express_interest`` records one firm's answer on one side of a match and, on the second
  "yes", makes the ``ProposedExchange`` that discloses the two firms to each other;
- ``change_exchange_status`` moves an exchange along its life cycle (staff), with its history.

Each checks who is acting (``permissions.py``) and works in one transaction: a refusal
(``PermissionDenied`` or ``MatchmakingRefused``) leaves the database as it was. There is no
update of a run, no delete of anything.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import ecodistrict
from ecodistrict.domain.models import DistrictFile
from ecodistrict.matching import Match, match_district
from ecodistrict_web.companies import selectors as company_selectors
from ecodistrict_web.companies.models import Company, District
from ecodistrict_web.matchmaking.models import (
    EXCHANGE_TRANSITIONS,
    ExchangeStatus,
    ExchangeStatusChange,
    MatchProposal,
    MatchRun,
    MatchTrigger,
    ProposedExchange,
    Side,
    canonical_sha256,
    pair_key,
)
from ecodistrict_web.matchmaking.permissions import (
    can_change_exchange_status,
    can_run_matching,
    sides_of,
)
from ecodistrict_web.matchmaking.selectors import latest_run_pk

logger = logging.getLogger(__name__)

#: Receivers proposed per output (the library's and the CLI's default) and the largest choice.
DEFAULT_TOP_K = 5
MAX_TOP_K = 20
#: The longest note accepted on a status change (characters).
MAX_NOTE_CHARS = 2000


class MatchmakingRefused(Exception):
    """An action the user may take in general but not now (e.g. answering on an old run, a move
    the life cycle does not allow). The message is for the page, in the active language."""


# --- runs -------------------------------------------------------------------------------------


def run_matching(
    district: District,
    user: Any,
    trigger: str = MatchTrigger.MANUAL,
    *,
    top_k: int = DEFAULT_TOP_K,
    max_distance_km: float | None = None,
) -> MatchRun:
    """Match the firms of ``district`` and store the result as a new run with its proposals.

    The run keeps the district data exactly as read (``input_snapshot`` and its SHA-256), the
    options and the library's results document; the library computes on the snapshot itself.
    Each match becomes a ``MatchProposal`` carrying the interest answers of the latest earlier
    proposal of the same district with the same identity (``pair_key``), and the district's
    exchanges are linked to the current company rows. Staff only, except after an import
    (``trigger="import"``, made by the platform on behalf of the staff member who imported).
    """
    if trigger != MatchTrigger.IMPORT and not can_run_matching(user):
        raise PermissionDenied(_("Only municipality staff can recompute the matches."))
    if not 1 <= top_k <= MAX_TOP_K:
        raise ValueError(f"top_k must be between 1 and {MAX_TOP_K}, not {top_k}")
    if max_distance_km is not None and max_distance_km <= 0:
        raise ValueError("max_distance_km must be positive")
    snapshot = company_selectors.district_file(district).model_dump(mode="json", exclude_none=True)
    data = DistrictFile.model_validate(snapshot)
    # One process: forking a threaded web server (waitress) is unsafe; a large district is
    # matched from the command line, which uses every core.
    results = match_district(data, top_k=top_k, max_distance_km=max_distance_km, workers=1)
    document = results.to_document()
    with transaction.atomic():
        run = MatchRun.objects.create(
            district=district,
            district_name=district.name,
            input_snapshot=snapshot,
            input_sha256=canonical_sha256(snapshot),
            results=document,
            top_k=top_k,
            max_distance_km=max_distance_km,
            match_count=len(results.matches),
            library_version=ecodistrict.__version__,
            trigger=trigger,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        companies = {company.slug: company for company in Company.objects.filter(district=district)}
        answers = _earlier_answers(district.name, run)
        by_id = {company["id"]: company for company in snapshot["companies"]}
        MatchProposal.objects.bulk_create(
            [
                _proposal(run, match, stored, by_id, companies, answers)
                for match, stored in zip(results.matches, document["matches"], strict=True)
            ],
            batch_size=500,
        )
        _link_exchanges(district, companies)
    logger.info("matches of %r computed: %d (run %d)", district.name, run.match_count, run.pk)
    return run


def match_after_import(district: District) -> tuple[MatchRun | None, str]:
    """The run made after each district import: ``(run, "")``, or ``(None, reason)`` when the
    matches could not be computed. The import stands either way (its data are valid); the
    failure is logged, and staff can recompute."""
    try:
        with transaction.atomic():
            run = run_matching(district, None, MatchTrigger.IMPORT)
    except Exception as exc:  # the import must not be lost to a failure of the matching
        logger.exception("matches of %r not computed after the import", district.name)
        return None, str(exc) or exc.__class__.__name__
    return run, ""


def _earlier_answers(district_name: str, run: MatchRun) -> dict[str, dict[str, Any]]:
    """The interest answers of the latest earlier proposal of each match identity of the
    district (proposals without any answer are skipped: a later one always copies them)."""
    answers: dict[str, dict[str, Any]] = {}
    fields = [
        f"{side}_interest{suffix}" for side in Side.values for suffix in ("", "_by_id", "_at")
    ]
    rows = (
        MatchProposal.objects.filter(run__district_name=district_name)
        .exclude(run=run)
        .exclude(supplier_interest__isnull=True, receiver_interest__isnull=True)
        .order_by("run__created_at", "run_id", "pk")
        .values("pair_key", *fields)
    )
    for row in rows:
        answers[row.pop("pair_key")] = row
    return answers


def _proposal(
    run: MatchRun,
    match: Match,
    stored: Mapping[str, Any],
    by_id: Mapping[str, Mapping[str, Any]],
    companies: Mapping[str, Company],
    answers: Mapping[str, Mapping[str, Any]],
) -> MatchProposal:
    """One match as a proposal row, from the stored document (rounded as the JSON is) and the
    Italian notes of the impact, which the document does not carry."""
    supplier, receiver = by_id[match.supplier], by_id[match.receiver]
    supplier_flow = _flow(supplier, match.supplier_flow)
    receiver_flow = _flow(receiver, match.receiver_flow) if match.receiver_flow else {}
    impact = stored["impact"]
    key = pair_key(match.supplier, match.supplier_flow, match.receiver, match.receiver_flow)
    return MatchProposal(
        run=run,
        pair_key=key,
        supplier=companies.get(match.supplier),
        supplier_slug=match.supplier,
        supplier_name=supplier["name"],
        supplier_flow=match.supplier_flow,
        supplier_flow_description=supplier_flow.get("description", ""),
        supplier_flow_ewc=supplier_flow.get("ewc", ""),
        receiver=companies.get(match.receiver),
        receiver_slug=match.receiver,
        receiver_name=receiver["name"],
        receiver_flow=match.receiver_flow or "",
        receiver_flow_description=receiver_flow.get("description", ""),
        kind=match.kind,
        rank=match.rank,
        score=stored["score"],
        basis=match.basis,
        distance_km=stored["distance_km"],
        quantity=stored["quantity"]["value"],
        unit=stored["quantity"]["unit"],
        reasons_it=list(match.reasons_it),
        reasons_en=list(match.reasons_en),
        impact={
            "co2_avoided_t_per_yr": impact["co2_avoided_t_per_yr"],
            "landfill_avoided_t_per_yr": impact["landfill_avoided_t_per_yr"],
            "money_eur_per_yr": impact["money_eur_per_yr"],
            "notes_it": list(match.impact.notes_it),
            "notes_en": list(match.impact.notes_en),
        },
        co2_avoided_t=impact["co2_avoided_t_per_yr"],
        landfill_avoided_t=impact["landfill_avoided_t_per_yr"],
        money_eur=impact["money_eur_per_yr"],
        route=match.route or "",
        fits=stored["fits"],
        **answers.get(key, {}),
    )


def _flow(company: Mapping[str, Any], flow_id: str) -> Mapping[str, Any]:
    return next((flow for flow in company.get("flows", []) if flow["id"] == flow_id), {})


def _link_exchanges(district: District, companies: Mapping[str, Company]) -> None:
    """Point the district's exchanges at the current rows of the district and its firms (a new
    import of the district replaces the rows; the exchanges are kept by district name)."""
    exchanges = ProposedExchange.objects.filter(district_name=district.name).select_related(
        "proposal"
    )
    for exchange in exchanges:
        supplier = companies.get(exchange.proposal.supplier_slug)
        receiver = companies.get(exchange.proposal.receiver_slug)
        current = (exchange.district_id, exchange.supplier_id, exchange.receiver_id)
        wanted = (
            district.pk,
            supplier.pk if supplier else None,
            receiver.pk if receiver else None,
        )
        if current != wanted:
            ProposedExchange.objects.filter(pk=exchange.pk).update(
                district=district, supplier=supplier, receiver=receiver
            )


# --- interest ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InterestResult:
    """An answer recorded: the proposal as stored now, the side answered, and the exchange made
    by this answer (when it was the second "yes"), else None."""

    proposal: MatchProposal
    side: str
    exchange: ProposedExchange | None


def express_interest(
    proposal: MatchProposal, user: Any, interested: bool, *, side: str | None = None
) -> InterestResult:
    """Record that the firm on one side of a match is (or is not) interested in it.

    Only a member of that firm may answer, for their own side (``side`` is needed only for a
    member of both firms); only on the latest run of the district; and not once both firms have
    agreed (the exchange is then followed by staff). A firm may change its answer until then.
    When both sides are interested a ``ProposedExchange`` is made, status "proposed", and the
    two firms see each other's name and contacts.
    """
    with transaction.atomic():
        row = MatchProposal.objects.select_for_update().select_related("run").get(pk=proposal.pk)
        sides = sides_of(user, row)
        if side is None:
            if not sides:
                raise PermissionDenied(_("Only the firms of a match can answer for it."))
            if len(sides) > 1:
                raise MatchmakingRefused(
                    _("You are a member of both firms of this match: say for which one you answer.")
                )
            side = sides[0]
        elif side not in sides:
            raise PermissionDenied(_("Only a member of a firm can answer for it."))
        if latest_run_pk(row.run.district_id) != row.run_id:
            raise MatchmakingRefused(
                _("This match is from an earlier computation: answer on the latest matches.")
            )
        if _exchange_of(row) is not None:
            raise MatchmakingRefused(
                _(
                    "Both firms are already interested in this match: it is a proposed exchange "
                    "followed by the municipality staff."
                )
            )
        setattr(row, f"{side}_interest", bool(interested))
        setattr(row, f"{side}_interest_by", user)
        setattr(row, f"{side}_interest_at", timezone.now())
        row.save(update_fields=[f"{side}_interest{suffix}" for suffix in ("", "_by", "_at")])
        exchange = None
        if row.both_interested:
            exchange = ProposedExchange.objects.create(
                proposal=row,
                district=row.run.district,
                district_name=row.run.district_name,
                pair_key=row.pair_key,
                supplier=row.supplier,
                receiver=row.receiver,
                status=ExchangeStatus.PROPOSED,
            )
            ExchangeStatusChange.objects.create(
                exchange=exchange,
                from_status="",
                to_status=ExchangeStatus.PROPOSED,
                changed_by=user,
            )
    logger.info(
        "match %d: %s %s interested%s",
        row.pk,
        side,
        "is" if interested else "is not",
        f", exchange {exchange.pk} proposed" if exchange else "",
    )
    return InterestResult(proposal=row, side=side, exchange=exchange)


def _exchange_of(proposal: MatchProposal) -> ProposedExchange | None:
    return ProposedExchange.objects.filter(
        district_name=proposal.run.district_name, pair_key=proposal.pair_key
    ).first()


# --- exchanges --------------------------------------------------------------------------------


def change_exchange_status(
    exchange: ProposedExchange, user: Any, status: str, note: str = ""
) -> ExchangeStatusChange:
    """Move an exchange to ``status`` (staff), along the life cycle
    proposed → in negotiation → active, any of them → dropped, dropped → in negotiation; the
    change is added to the exchange's history with who, when and the note."""
    if not can_change_exchange_status(user):
        raise PermissionDenied(_("Only municipality staff can change the status of an exchange."))
    note = (note or "").strip()
    if len(note) > MAX_NOTE_CHARS:
        raise MatchmakingRefused(_("The note is longer than 2,000 characters."))
    with transaction.atomic():
        row = ProposedExchange.objects.select_for_update().get(pk=exchange.pk)
        if status not in ExchangeStatus.values:
            raise MatchmakingRefused(_("Unknown status."))
        if status not in EXCHANGE_TRANSITIONS.get(row.status, ()):
            raise MatchmakingRefused(
                _("An exchange that is %(current)s cannot become %(new)s.")
                % {
                    "current": ExchangeStatus(row.status).label,
                    "new": ExchangeStatus(status).label,
                }
            )
        previous = row.status
        row.status = status
        row.save(update_fields=["status", "updated_at"])
        change = ExchangeStatusChange.objects.create(
            exchange=row, from_status=previous, to_status=status, note=note, changed_by=user
        )
    logger.info("exchange %d: %s -> %s", row.pk, previous, status)
    return change
