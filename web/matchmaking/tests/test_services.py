"""The writers: interest answers (and the disclosure they lead to), exchange statuses. A refused
action changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from ecodistrict_web.matchmaking import selectors, services
from ecodistrict_web.matchmaking.models import (
    ExchangeStatusChange,
    ImmutableRecordError,
    MatchProposal,
    ProposedExchange,
)
from ecodistrict_web.matchmaking.tests.conftest import DUE, UNO

pytestmark = pytest.mark.django_db

SCRAP = ("ceramica-due", "fired-scrap", "ceramica-uno", "recycled-scrap")


def state() -> tuple:
    """Everything an answer or a status change could write."""
    return (
        list(
            MatchProposal.objects.order_by("pk").values_list(
                "pk",
                "supplier_interest",
                "supplier_interest_by",
                "supplier_interest_at",
                "receiver_interest",
                "receiver_interest_by",
                "receiver_interest_at",
            )
        ),
        list(ProposedExchange.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        list(ExchangeStatusChange.objects.order_by("pk").values_list("pk", "to_status")),
    )


def firm_row(user, pair_key: str, side: str):
    (section,) = selectors.firm_matches_page(user, "it")
    rows = section.as_supplier if side == "supplier" else section.as_receiver
    return next(
        row
        for row in rows
        if row.pk == MatchProposal.objects.get(run=section.run, pair_key=pair_key).pk
    )


@pytest.fixture
def exchange(matching_district, uno_user, due_user, proposal):
    scrap = proposal(*SCRAP)
    services.express_interest(scrap, uno_user, True)
    return services.express_interest(scrap, due_user, True).exchange


# --- interest ---------------------------------------------------------------------------------


def test_interest_on_one_side_does_not_disclose(matching_district, uno_user, due_user, proposal):
    scrap = proposal(*SCRAP)
    result = services.express_interest(scrap, uno_user, True)
    assert result.side == "receiver" and result.exchange is None
    scrap.refresh_from_db()
    assert (scrap.supplier_interest, scrap.receiver_interest) == (None, True)
    assert scrap.receiver_interest_by == uno_user and scrap.receiver_interest_at is not None
    assert not ProposedExchange.objects.exists()

    row = firm_row(due_user, scrap.pair_key, "supplier")
    assert not row.disclosed
    assert (row.partner_name, row.partner_flow, row.partner_contacts) == ("", "", [])
    assert row.own_interest is None
    assert row.partner_division == (
        "ATECO 23 – Fabbricazione di altri prodotti della lavorazione di minerali non metalliferi"
    )
    # The receiver's need is quoted by the library's reasons: it is withheld.
    assert (
        row.reasons[1]
        == "il ricevente dichiara un fabbisogno di [descrizione riservata] (300 t/yr)"
    )
    mine = firm_row(uno_user, scrap.pair_key, "receiver")
    assert (mine.own_interest, mine.disclosed, mine.partner_name) == (True, False, "")
    # The offered resource is named by its EWC code, not by the supplier's own words.
    assert (
        mine.resource == "scarti di ceramica, mattoni, mattonelle e materiali da costruzione "
        "(sottoposti a trattamento termico)"
    )


def test_both_sides_interested_disclose_and_make_a_proposed_exchange(
    matching_district, uno_user, due_user, proposal
):
    scrap = proposal(*SCRAP)
    services.express_interest(scrap, due_user, True)
    result = services.express_interest(scrap, uno_user, True)

    exchange = result.exchange
    assert exchange is not None
    assert ProposedExchange.objects.get() == exchange
    assert exchange.status == "proposed"
    assert exchange.proposal == result.proposal
    assert (exchange.supplier.name, exchange.receiver.name) == (DUE, UNO)
    assert exchange.district == matching_district
    assert exchange.pair_key == "ceramica-due/fired-scrap>ceramica-uno/recycled-scrap"
    (created,) = exchange.history.all()
    assert (created.from_status, created.to_status, created.changed_by) == (
        "",
        "proposed",
        uno_user,
    )

    supplier_row = firm_row(due_user, scrap.pair_key, "supplier")
    assert supplier_row.disclosed and supplier_row.partner_name == UNO
    assert supplier_row.partner_contacts == ["uno@test.example"]
    assert supplier_row.partner_flow == "Chamotte da scarti cotti di altre aziende"
    assert supplier_row.exchange_status_label == "proposto"
    assert "'Chamotte da scarti cotti di altre aziende'" in supplier_row.reasons[1]
    receiver_row = firm_row(uno_user, scrap.pair_key, "receiver")
    assert receiver_row.disclosed and receiver_row.partner_name == DUE
    assert receiver_row.partner_contacts == ["due@test.example"]
    assert receiver_row.resource == "Scarti cotti"


def test_a_firm_may_change_its_answer_until_both_agree(
    matching_district, uno_user, due_user, proposal
):
    scrap = proposal(*SCRAP)
    services.express_interest(scrap, uno_user, False)
    services.express_interest(scrap, due_user, True)
    assert not ProposedExchange.objects.exists()
    services.express_interest(scrap, uno_user, True)
    assert ProposedExchange.objects.count() == 1

    before = state()
    with pytest.raises(services.MatchmakingRefused):
        services.express_interest(scrap, uno_user, False)
    assert state() == before


def test_a_third_firm_cannot_answer(matching_district, quattro_user, staff_user, proposal):
    scrap = proposal(*SCRAP)
    before = state()
    for user in (quattro_user, staff_user):
        with pytest.raises(PermissionDenied):
            services.express_interest(scrap, user, True)
    assert state() == before


def test_a_firm_answers_only_for_its_own_side(matching_district, uno_user, proposal):
    scrap = proposal(*SCRAP)
    before = state()
    with pytest.raises(PermissionDenied):
        services.express_interest(scrap, uno_user, True, side="supplier")
    assert state() == before


def test_a_member_of_both_firms_says_for_which_one(matching_district, make_user, company, proposal):
    both = make_user(
        "both@test.example", "firm", [company("ceramica-uno"), company("ceramica-due")]
    )
    scrap = proposal(*SCRAP)
    before = state()
    with pytest.raises(services.MatchmakingRefused):
        services.express_interest(scrap, both, True)
    assert state() == before
    services.express_interest(scrap, both, True, side="supplier")
    scrap.refresh_from_db()
    assert (scrap.supplier_interest, scrap.receiver_interest) == (True, None)


def test_answers_go_on_the_latest_run_only(matching_district, staff_user, uno_user, proposal):
    old = proposal(*SCRAP)
    services.run_matching(matching_district, staff_user)
    before = state()
    with pytest.raises(services.MatchmakingRefused):
        services.express_interest(old, uno_user, True)
    assert state() == before


# --- exchange statuses ------------------------------------------------------------------------


def test_status_transitions_and_history(exchange, staff_user):
    first = services.change_exchange_status(
        exchange, staff_user, "in_negotiation", "  call on 3/2 "
    )
    second = services.change_exchange_status(exchange, staff_user, "active")
    exchange.refresh_from_db()
    assert exchange.status == "active"
    assert [
        (change.from_status, change.to_status, change.note, change.changed_by)
        for change in exchange.history.all()
    ] == [
        ("", "proposed", "", exchange.history.first().changed_by),
        ("proposed", "in_negotiation", "call on 3/2", staff_user),
        ("in_negotiation", "active", "", staff_user),
    ]
    assert [first.pk, second.pk] == list(
        exchange.history.order_by("pk").values_list("pk", flat=True)[1:]
    )

    # active -> proposed is not a move of the life cycle; active -> dropped is.
    before = state()
    with pytest.raises(services.MatchmakingRefused) as refused:
        services.change_exchange_status(exchange, staff_user, "proposed")
    assert str(refused.value) == "Uno scambio attivo non può diventare proposto."
    with pytest.raises(services.MatchmakingRefused):
        services.change_exchange_status(exchange, staff_user, "finished")
    assert state() == before
    services.change_exchange_status(exchange, staff_user, "dropped", "the kiln closed")
    services.change_exchange_status(exchange, staff_user, "in_negotiation", "taken up again")
    exchange.refresh_from_db()
    assert exchange.status == "in_negotiation"
    assert exchange.history.count() == 5


def test_only_staff_change_a_status(exchange, facilitator_user, uno_user, due_user):
    before = state()
    for user in (facilitator_user, uno_user, due_user, None):
        with pytest.raises(PermissionDenied):
            services.change_exchange_status(exchange, user, "in_negotiation")
    assert state() == before


def test_the_history_is_append_only(exchange):
    change = exchange.history.get()
    change.note = "rewritten"
    with pytest.raises(ImmutableRecordError):
        change.save()
    assert exchange.history.get().note == ""
