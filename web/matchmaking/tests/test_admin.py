"""The admin shows matching runs, proposals and exchanges read-only: answers and statuses are
written only by the services, which check who acts and keep the history."""

from __future__ import annotations

import pytest

from ecodistrict_web.matchmaking import services
from ecodistrict_web.matchmaking.models import MatchProposal, MatchRun

pytestmark = pytest.mark.django_db


def test_matchmaking_records_are_read_only_in_the_admin(
    client_for, staff_user, uno_user, due_user, proposal
):
    scrap = proposal("ceramica-due", "fired-scrap", "ceramica-uno", "recycled-scrap")
    services.express_interest(scrap, uno_user, True)
    exchange = services.express_interest(scrap, due_user, True).exchange
    run = MatchRun.objects.get()
    client = client_for(staff_user)
    for model, pk in (
        ("matchrun", run.pk),
        ("matchproposal", scrap.pk),
        ("proposedexchange", exchange.pk),
    ):
        assert client.get(f"/admin/matchmaking/{model}/").status_code == 200, model
        assert client.get(f"/admin/matchmaking/{model}/{pk}/change/").status_code == 200, model
        assert client.get(f"/admin/matchmaking/{model}/add/").status_code == 403, model
        assert client.get(f"/admin/matchmaking/{model}/{pk}/delete/").status_code == 403, model
    response = client.post(
        f"/admin/matchmaking/proposedexchange/{exchange.pk}/change/", {"status": "active"}
    )
    assert response.status_code == 403
    exchange.refresh_from_db()
    assert exchange.status == "proposed"
    assert MatchProposal.objects.get(pk=scrap.pk).supplier_interest is True


def test_firm_members_have_no_admin(client_for, uno_user):
    assert client_for(uno_user).get("/admin/matchmaking/matchproposal/").status_code == 302
