"""Matching runs, the matches they propose, and the exchanges firms agree to explore.

- ``MatchRun`` is a record of history, like ``indicators.IndicatorRun``: the exact district data
  matching read (``input_snapshot`` and its SHA-256), the options, the library's results document.
  It is never updated.
- ``MatchProposal`` is one match of a run (one output of a supplier, one receiver). What the
  library said about it never changes; only the two interest answers (supplier side, receiver
  side) are written, by ``services.express_interest``.
- ``ProposedExchange`` is made by ``services.express_interest`` when both sides said they are
  interested: from then on the two firms see each other's name and contacts, and staff follow the
  exchange through its statuses; every change is kept in ``ExchangeStatusChange`` (append-only).

Identity across runs: a match is the same match in another run when it joins the same supplier
flow to the same receiver and the same receiver flow (``pair_key``, made of the district file's
ids). A new run copies the interest answers of the latest earlier proposal with the same key, and
an exchange is found by its district name and key, so neither is lost when matching is re-run or
the district file is imported again.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecodistrict_web.accounts.permissions import VIEW, Scope, scope_for
from ecodistrict_web.companies.models import Company, District, FlowKind
from ecodistrict_web.core.models import (
    DistrictRun,
    ImmutableRecordError,
    canonical_sha256,
    recorded_user,
)
from ecodistrict_web.core.querysets import RestrictedQuerySet, company_ids_in_scope

__all__ = [
    "ExchangeStatus",
    "ExchangeStatusChange",
    "ImmutableRecordError",
    "MatchBasis",
    "MatchProposal",
    "MatchRun",
    "MatchTrigger",
    "ProposedExchange",
    "Side",
    "canonical_sha256",
    "pair_key",
]


def pair_key(supplier: str, supplier_flow: str, receiver: str, receiver_flow: str | None) -> str:
    """The identity of a match across runs: supplier flow → receiver (and its flow, if declared),
    written with the district file's ids (``ceramica-beta/fired-scrap>ceramica-alfa/recycled-
    scrap``; an inferred match ends with ``>receiver/``)."""
    return f"{supplier}/{supplier_flow}>{receiver}/{receiver_flow or ''}"


class MatchTrigger(models.TextChoices):
    IMPORT = "import", _("after a district import")
    MANUAL = "manual", _("recomputed by staff")


class MatchBasis(models.TextChoices):
    DECLARED = "declared", _("declared")
    INFERRED = "inferred", _("inferred")


class Side(models.TextChoices):
    SUPPLIER = "supplier", _("supplier")
    RECEIVER = "receiver", _("receiver")


class ExchangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    IN_NEGOTIATION = "in_negotiation", _("in negotiation")
    ACTIVE = "active", _("active")
    DROPPED = "dropped", _("dropped")


#: The moves staff may make (``services.change_exchange_status``). A dropped exchange can be
#: taken up again, in negotiation.
EXCHANGE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ExchangeStatus.PROPOSED: (ExchangeStatus.IN_NEGOTIATION, ExchangeStatus.DROPPED),
    ExchangeStatus.IN_NEGOTIATION: (ExchangeStatus.ACTIVE, ExchangeStatus.DROPPED),
    ExchangeStatus.ACTIVE: (ExchangeStatus.DROPPED,),
    ExchangeStatus.DROPPED: (ExchangeStatus.IN_NEGOTIATION,),
}


class EitherSideQuerySet(RestrictedQuerySet):
    """Rows that belong to two companies (a supplier and a receiver): a firm member reaches a row
    when they are a member of either. Everything else is ``RestrictedQuerySet``'s rule."""

    own_rows_lookups: ClassVar[tuple[str, ...]] = ("supplier", "receiver")

    def restrict(self, user: Any, action: str = VIEW) -> Self:
        scope = scope_for(user, action)
        if scope is Scope.ALL:
            return self
        if scope is Scope.OWN:
            either = Q()
            for lookup in self.own_rows_lookups:
                either |= Q(**{f"{lookup}__memberships__user": user})
            own = self.model._default_manager.filter(either)
            return self.filter(pk__in=own.values("pk"))
        if scope is Scope.GRANTED:
            # A facilitator sees a match only when every firm in it was granted (a grant of one
            # firm must not reveal its partners' names).
            granted = company_ids_in_scope(user, scope)
            both = Q()
            for lookup in self.own_rows_lookups:
                both &= Q(**{f"{lookup}__isnull": True}) | Q(**{f"{lookup}__pk__in": granted})
            return self.filter(both)
        return self.none()


class MatchRunQuerySet(RestrictedQuerySet):
    # A firm member may reach the runs of their firm's district; the pages then show them only
    # their own firm's matches, anonymised (selectors.firm_matches_page).
    own_rows_lookup = "district__companies"
    district_lookup = "district"


class MatchRun(DistrictRun):
    """The matches of a district, computed once and kept as they were (never updated)."""

    immutable_message = "a matching run is never changed; compute a new one"

    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,  # a district replaced by a new import keeps its history
        null=True,
        blank=True,
        related_name="match_runs",
        verbose_name=_("district"),
    )
    results = models.JSONField(
        _("results"), help_text=_("The matches, format ecodistrict/matches/1.")
    )
    top_k = models.PositiveSmallIntegerField(
        _("candidates per output"), help_text=_("At most this many receivers per output.")
    )
    max_distance_km = models.FloatField(
        _("maximum distance (km)"),
        null=True,
        blank=True,
        help_text=_("Road distance (estimate) beyond which no match is proposed; empty: none."),
    )
    match_count = models.PositiveIntegerField(_("matches"), default=0)
    trigger = models.CharField(_("trigger"), max_length=10, choices=MatchTrigger.choices)

    objects = MatchRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["district", "-created_at"], name="matchrun_district_latest")
        ]

    def __str__(self) -> str:
        return f"{self.district_name} · {self.created_at:%Y-%m-%d %H:%M}"


class MatchProposal(models.Model):
    """One match of a run: an output of the supplier that the receiver could take.

    The match as the library computed it is fixed; only the interest answers change
    (``INTEREST_FIELDS``, written by ``services.express_interest``). Companies are linked while
    their rows exist (a new import of the district replaces them); their ids and names stay.
    """

    run = models.ForeignKey(
        MatchRun, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("run")
    )
    pair_key = models.CharField(_("match identity"), max_length=420, db_index=True)
    supplier = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supplier_proposals",
        verbose_name=_("supplier"),
    )
    supplier_slug = models.CharField(_("supplier id"), max_length=100)
    supplier_name = models.CharField(_("supplier name"), max_length=200)
    supplier_flow = models.CharField(_("supplier flow"), max_length=100)
    supplier_flow_description = models.CharField(_("resource offered"), max_length=500)
    supplier_flow_ewc = models.CharField(_("EWC code"), max_length=8, blank=True)
    receiver = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="receiver_proposals",
        verbose_name=_("receiver"),
    )
    receiver_slug = models.CharField(_("receiver id"), max_length=100)
    receiver_name = models.CharField(_("receiver name"), max_length=200)
    receiver_flow = models.CharField(
        _("receiver flow"),
        max_length=100,
        blank=True,
        help_text=_("Empty when the receiver declared no such input (an inferred match)."),
    )
    receiver_flow_description = models.CharField(_("need"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=FlowKind.choices)
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    basis = models.CharField(_("basis"), max_length=10, choices=MatchBasis.choices)
    distance_km = models.FloatField(_("distance (km)"), null=True, blank=True)
    quantity = models.FloatField(_("quantity"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20)
    reasons_it = models.JSONField(_("reasons (Italian)"), default=list)
    reasons_en = models.JSONField(_("reasons (English)"), default=list)
    impact = models.JSONField(
        _("estimated impact"),
        default=dict,
        help_text=_("CO2 and landfill avoided, money saved, with the notes in both languages."),
    )
    co2_avoided_t = models.FloatField(_("CO2 avoided (t/yr)"), null=True, blank=True)
    landfill_avoided_t = models.FloatField(_("landfill avoided (t/yr)"), null=True, blank=True)
    money_eur = models.FloatField(_("money saved (EUR/yr)"), null=True, blank=True)
    route = models.CharField(_("recovery route"), max_length=200, blank=True)
    fits = models.JSONField(_("fits"), default=dict)

    supplier_interest = models.BooleanField(_("supplier interested"), null=True, blank=True)
    supplier_interest_by = recorded_user(_("supplier answered by"))
    supplier_interest_at = models.DateTimeField(_("supplier answered at"), null=True, blank=True)
    receiver_interest = models.BooleanField(_("receiver interested"), null=True, blank=True)
    receiver_interest_by = recorded_user(_("receiver answered by"))
    receiver_interest_at = models.DateTimeField(_("receiver answered at"), null=True, blank=True)

    objects = EitherSideQuerySet.as_manager()

    #: The only fields a stored proposal may change, through ``services.express_interest``.
    INTEREST_FIELDS: ClassVar[frozenset[str]] = frozenset(
        f"{side}_interest{suffix}" for side in Side.values for suffix in ("", "_by", "_at")
    )

    class Meta:
        verbose_name = _("proposed match")
        verbose_name_plural = _("proposed matches")
        ordering = ["run", "-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "pair_key"], name="unique_match_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_name} → {self.receiver_name} ({self.supplier_flow})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= self.INTEREST_FIELDS:
                raise ImmutableRecordError(
                    "a proposed match is never changed, except its interest answers"
                )
        super().save(*args, **kwargs)

    @property
    def both_interested(self) -> bool:
        return self.supplier_interest is True and self.receiver_interest is True


class ProposedExchange(models.Model):
    """A match both firms want to explore: names are disclosed, staff follow it.

    Made once per district and match identity; linked to the proposal on which the second "yes"
    was given. ``supplier``, ``receiver`` and ``district`` point to the current rows and are
    linked again after a new import of the district (``services.run_matching``).
    """

    proposal = models.OneToOneField(
        MatchProposal,
        on_delete=models.PROTECT,
        related_name="exchange",
        verbose_name=_("proposed match"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_exchanges",
        verbose_name=_("district"),
    )
    district_name = models.CharField(_("district name"), max_length=200, db_index=True)
    pair_key = models.CharField(_("match identity"), max_length=420)
    supplier = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supplier_exchanges",
        verbose_name=_("supplier"),
    )
    receiver = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="receiver_exchanges",
        verbose_name=_("receiver"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ExchangeStatus.choices,
        default=ExchangeStatus.PROPOSED,
        db_index=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EitherSideQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposed exchange")
        verbose_name_plural = _("proposed exchanges")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district_name", "pair_key"], name="unique_exchange_per_match"
            ),
        ]

    def __str__(self) -> str:
        return str(self.proposal)

    def next_statuses(self) -> tuple[str, ...]:
        return EXCHANGE_TRANSITIONS.get(self.status, ())


class ExchangeStatusChange(models.Model):
    """One line of an exchange's history (append-only): who moved it, when, from what, to what."""

    exchange = models.ForeignKey(
        ProposedExchange,
        on_delete=models.CASCADE,
        related_name="history",
        verbose_name=_("proposed exchange"),
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=ExchangeStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=ExchangeStatus.choices)
    note = models.TextField(_("note"), blank=True)
    changed_by = recorded_user(_("by"))
    changed_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["exchange", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '–'} → {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecordError("the history of an exchange is never changed")
        super().save(*args, **kwargs)
