"""Matching runs: made after each import and on request, stored with their data, never changed;
the firms' answers carry over to the same match in a later run."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from ecodistrict.io import validate_district_text
from ecodistrict_web.companies.models import Company, District, Flow
from ecodistrict_web.companies.services import import_district, save_flow
from ecodistrict_web.matchmaking import services
from ecodistrict_web.matchmaking.models import (
    ImmutableRecordError,
    MatchProposal,
    MatchRun,
    ProposedExchange,
    canonical_sha256,
)
from ecodistrict_web.matchmaking.tests.conftest import MATCHING_DISTRICT

pytestmark = pytest.mark.django_db

#: Every match of the test district: supplier flow -> receiver flow, kind, basis, rank, score,
#: distance (km), quantity, CO2 avoided (t/yr).
EXPECTED = [
    # Materials: 0.45 technical + 0.2 quantity + 0.2 distance + 0.075 continuity + 0.075 legal.
    # The tile maker 4 km away, inferred (declared no quantity: fit 0.3): 0.45 x 0.905
    # + 0.2 x 0.3 + 0.2 x 0.9265 + 0.075 x 0.8 + 0.075 x 0.8 = 0.7726.
    ("ceramica-uno/fired-scrap>ceramica-due/", "material", "inferred", 1, 0.7726, 4.0, 560.0,
     31.328),
    # The brickworks asks for "rottami ceramici macinati per impasti": of what it names, the
    # routes give only ceramic-body phrases that five materials give (the routes taking fired
    # scrap counted once), a generic request: the by-product route (confidence 0.85, the
    # receiver's class) counts at 0.5 + 0.5 x 3/5 = 80 %, (0.6 + 0.35 x 0.85) x 0.8 = 0.718,
    # plus a tenth of the sector support of the fired-scrap route 0.3 + 0.3 x 0.9: technical
    # 0.775; no R-code on that route, legal 0.6; score 0.45 x 0.775 + 0.2 x 0.868
    # + 0.2 x 0.5738 + 0.075 x 0.8 + 0.075 x 0.6 = 0.7421 (0.8229 without the generic discount).
    ("ceramica-uno/fired-scrap>laterizi-tre/shards", "material", "declared", 2, 0.7421, 37.1,
     560.0, 29.842),
    # Surplus heat: the distance fit (halving every 3 km) times the fit of the linear heat
    # density. 200 MWh/yr over 3.966 km of pipe: 0.0504 MWh/(m a), fit 0.0504 / 1.5504; distance
    # fit 0.4307 x 0.0325 = 0.0140; score 0.35 x 0.9572 + 0.15 x 0.58 + 0.35 x 0.0140
    # + 0.075 x 1.0 + 0.075 x 0.9 = 0.5694 (0.7153 on distance alone).
    ("ceramica-uno/kiln-heat>ceramica-due/heat", "energy", "declared", 1, 0.5694, 4.0, 200.0,
     44.76),
    # Inferred: half the 500 MWh offer over 37.1 km, 0.0067 MWh/(m a): the distance fit is
    # 0.0747 x 0.0045 = 0.0003 (0.4831 on distance alone); score 0.35 x 0.77 + 0.15 x 0.3
    # + 0.35 x 0.0003 + 0.075 x 1.0 + 0.075 x 0.9 = 0.4571.
    ("ceramica-uno/kiln-heat>laterizi-tre/", "energy", "inferred", 2, 0.4571, 37.1, 500.0,
     111.9),
    ("ceramica-due/fired-scrap>ceramica-uno/recycled-scrap", "material", "declared", 1, 0.9091,
     4.0, 300.0, 16.405),
    # Technical 0.775 as above: 0.45 x 0.775 + 0.2 x 0.82 + 0.2 x 0.5593 + 0.075 x 0.8
    # + 0.075 x 0.6 = 0.7296.
    ("ceramica-due/fired-scrap>laterizi-tre/shards", "material", "declared", 2, 0.7296, 39.4,
     400.0, 20.739),
    # Inferred water: 0.35 x 0.8825 + 0.15 x 0.3 + 0.35 x 0.716 + 0.075 x 0.8 + 0.075 x 0.9
    # = 0.732.
    ("ceramica-due/washing-water>ceramica-uno/", "water", "inferred", 1, 0.732, 4.0, 8000.0,
     1.53),
    # Water travels in pipes: the declared need 6.8 km away now comes before the brickworks
    # 39.4 km away (piped kinds weigh distance as much as the technical fit). Of the routes
    # both flows name, the one whose receivers include the lock maker's division (25) counts:
    # treated wastewater to industrial reuse, confidence 0.55, technical 0.6 + 0.35 x 0.55
    # + 0.1 x 0.6 (water for washing) = 0.8525; score 0.35 x 0.8525 + 0.15 x 0.5625
    # + 0.35 x 0.5951 + 0.075 x 0.8 + 0.075 x 0.9 = 0.7185 (0.6498 when the route of highest
    # confidence counted, whatever its receivers).
    ("ceramica-due/washing-water>serrature-quattro/process-water", "water", "declared", 2, 0.7185,
     6.8, 3000.0, 0.574),
    ("ceramica-due/washing-water>laterizi-tre/", "water", "inferred", 3, 0.5522, 39.4, 8000.0,
     1.53),
    # The foundry's division (24) receives treated wastewater for reuse (confidence 0.55):
    # technical 0.4 + 0.35 x 0.55 = 0.5925 (0.61 through the cooling-water cascade, which took
    # every water output through its keyword "raw water", "raw" being a stop word).
    ("ceramica-due/washing-water>fonderia-cinque/", "water", "inferred", 4, 0.5354, 12.5, 8000.0,
     1.53),
    ("serrature-quattro/steel-scrap>fonderia-cinque/scrap-in", "material", "declared", 1, 0.8562,
     13.0, 80.0, 83.117),
    # "Rottami" names the steel-scrap route by words only (0.3 + 0.15 x 0.85) and nine
    # materials give scrap: x (0.5 + 0.5 x 3/9), technical 0.285; score 0.45 x 0.285
    # + 0.2 x 0.724 + 0.2 x 0.5799 + 0.075 x 0.8 + 0.075 x 0.6 = 0.4940.
    ("serrature-quattro/steel-scrap>laterizi-tre/shards", "material", "declared", 2, 0.494, 36.2,
     80.0, 82.968),
]  # fmt: skip


def file_snapshot() -> dict:
    report = validate_district_text(MATCHING_DISTRICT.read_text(encoding="utf-8"), "x.yaml")
    return report.district.model_dump(mode="json", exclude_none=True)


def proposal_rows(run: MatchRun) -> list[tuple]:
    return [
        (
            p.pair_key,
            p.kind,
            p.basis,
            p.rank,
            p.score,
            p.distance_km,
            p.quantity,
            p.co2_avoided_t,
        )
        for p in run.proposals.order_by("pk")
    ]


def test_an_import_matches_the_district_and_stores_the_run(matching_district):
    run = MatchRun.objects.get()
    assert run.trigger == "import"
    assert run.created_by is None
    assert run.district == matching_district
    assert run.district_name == "Matching test district"
    assert (run.top_k, run.max_distance_km, run.match_count) == (5, None, 12)
    assert run.input_snapshot == file_snapshot()
    assert run.input_sha256 == canonical_sha256(file_snapshot())
    assert run.snapshot_intact()
    assert run.results["format"] == "ecodistrict/matches/1"
    assert len(run.results["matches"]) == 12
    assert proposal_rows(run) == EXPECTED

    alfa_scrap = run.proposals.get(pair_key="ceramica-due/fired-scrap>ceramica-uno/recycled-scrap")
    assert alfa_scrap.supplier == Company.objects.get(slug="ceramica-due")
    assert alfa_scrap.receiver == Company.objects.get(slug="ceramica-uno")
    assert (alfa_scrap.supplier_name, alfa_scrap.receiver_name) == (
        "Ceramica Due S.r.l.",
        "Ceramica Uno S.p.A.",
    )
    assert alfa_scrap.supplier_flow_description == "Scarti cotti"
    assert alfa_scrap.supplier_flow_ewc == "10 12 08"
    assert alfa_scrap.receiver_flow_description == "Chamotte da scarti cotti di altre aziende"
    assert alfa_scrap.unit == "t/yr"
    assert alfa_scrap.route == "ceramic-fired-scrap-to-tile-bodies"
    assert alfa_scrap.landfill_avoided_t == 0.0 and alfa_scrap.money_eur is None
    assert alfa_scrap.reasons_it[1] == (
        "il ricevente dichiara un fabbisogno di 'Chamotte da scarti cotti di altre aziende' "
        "(300 t/yr)"
    )
    assert alfa_scrap.reasons_en[1] == (
        "the receiver declares a need for 'Chamotte da scarti cotti di altre aziende' (300 t/yr)"
    )
    assert alfa_scrap.impact["notes_it"][-1] == "meno il trasporto: 300 t × 4.0 km su camion"
    assert alfa_scrap.fits == {
        # The route 0.6 + 0.35 x 0.9 = 0.915 plus a tenth of the next component, the shared
        # words' similarity 0.6009 (above the sector support 0.3 + 0.3 x 0.9 = 0.57).
        "technical": 0.9751,
        "quantity": 0.825,  # 0.3 x (300 of the 300 t need) + 0.7 x (300 of the 400 t offer)
        "distance": 0.9265,
        "continuity": 0.8,
        "legal": 0.8,
    }
    assert (alfa_scrap.supplier_interest, alfa_scrap.receiver_interest) == (None, None)


def test_a_run_and_its_proposals_cannot_be_changed(matching_district):
    run = MatchRun.objects.get()
    run.results = {"tampered": True}
    with pytest.raises(ImmutableRecordError):
        run.save()
    proposal = run.proposals.order_by("pk").first()
    proposal.score = 1.0
    with pytest.raises(ImmutableRecordError):
        proposal.save()
    with pytest.raises(ImmutableRecordError):
        proposal.save(update_fields=["score", "supplier_interest"])
    run.refresh_from_db()
    proposal.refresh_from_db()
    assert run.results["format"] == "ecodistrict/matches/1"
    assert proposal.score == 0.7726  # the first match stored, unchanged
    writers = {name for name in dir(services) if not name.startswith("_")}
    assert not {name for name in writers if name.startswith(("update", "delete"))}


def test_a_later_change_of_the_flows_does_not_touch_an_earlier_run(matching_district, staff_user):
    first = MatchRun.objects.get()
    heat = Flow.objects.get(company__slug="ceramica-due", slug="heat")
    heat.quantity = 100
    save_flow(heat)

    second = services.run_matching(matching_district, staff_user)

    first.refresh_from_db()
    assert first.input_snapshot == file_snapshot()
    assert first.snapshot_intact()
    assert proposal_rows(first) == EXPECTED
    assert (second.trigger, second.created_by) == ("manual", staff_user)
    assert second.input_sha256 != first.input_sha256
    heat_match = second.proposals.get(pair_key="ceramica-uno/kiln-heat>ceramica-due/heat")
    assert heat_match.quantity == 100.0
    assert first.proposals.get(pair_key=heat_match.pair_key).quantity == 200.0


def test_options_of_a_run(matching_district, staff_user):
    run = services.run_matching(matching_district, staff_user, top_k=1, max_distance_km=10)
    assert (run.top_k, run.max_distance_km, run.match_count) == (1, 10.0, 4)
    assert sorted(run.proposals.values_list("pair_key", flat=True)) == [
        "ceramica-due/fired-scrap>ceramica-uno/recycled-scrap",
        "ceramica-due/washing-water>ceramica-uno/",
        "ceramica-uno/fired-scrap>ceramica-due/",
        "ceramica-uno/kiln-heat>ceramica-due/heat",
    ]


def test_only_staff_may_run_matching(matching_district, facilitator_user, uno_user):
    for user in (facilitator_user, uno_user, None):
        with pytest.raises(PermissionDenied):
            services.run_matching(matching_district, user)
    assert MatchRun.objects.count() == 1


def test_an_import_stands_when_matching_fails(db, matching_text, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("matcher exploded")

    monkeypatch.setattr(services, "match_district", broken)
    result = import_district(matching_text, "matching-district.yaml", replace=False)
    assert result.ok
    assert (result.match_run, result.match_error) == (None, "matcher exploded")
    assert result.indicator_run is not None
    assert Company.objects.count() == 5
    assert MatchRun.objects.count() == 0
    assert MatchProposal.objects.count() == 0


def test_answers_are_kept_when_matching_is_re_run(
    matching_district, staff_user, uno_user, due_user, proposal
):
    scrap = proposal("ceramica-due", "fired-scrap", "ceramica-uno", "recycled-scrap")
    heat = proposal("ceramica-uno", "kiln-heat", "ceramica-due", "heat")
    services.express_interest(scrap, uno_user, True)
    services.express_interest(heat, uno_user, False)
    first_run = scrap.run

    second_run = services.run_matching(matching_district, staff_user)

    again = second_run.proposals.get(pair_key=scrap.pair_key)
    assert again.pk != scrap.pk
    assert (again.supplier_interest, again.receiver_interest) == (None, True)
    assert again.receiver_interest_by == uno_user
    assert again.receiver_interest_at == MatchProposal.objects.get(pk=scrap.pk).receiver_interest_at
    assert second_run.proposals.get(pair_key=heat.pair_key).supplier_interest is False
    untouched = second_run.proposals.exclude(pair_key__in=[scrap.pair_key, heat.pair_key])
    assert not untouched.filter(supplier_interest__isnull=False).exists()
    assert not untouched.filter(receiver_interest__isnull=False).exists()

    # The second "yes", on the new run, makes the exchange; the first run is left as it was.
    result = services.express_interest(again, due_user, True)
    assert result.exchange is not None and result.exchange.proposal == again
    assert MatchProposal.objects.get(pk=scrap.pk).supplier_interest is None
    assert first_run.pk != second_run.pk

    # A third run: both answers carry over, and the exchange is found by the match identity.
    third_run = services.run_matching(matching_district, staff_user)
    latest = third_run.proposals.get(pair_key=scrap.pair_key)
    assert (latest.supplier_interest, latest.receiver_interest) == (True, True)
    assert ProposedExchange.objects.get().pair_key == latest.pair_key


def test_a_new_import_keeps_the_runs_the_answers_and_the_exchanges(
    matching_district, matching_text, uno_user, due_user, proposal
):
    scrap = proposal("ceramica-due", "fired-scrap", "ceramica-uno", "recycled-scrap")
    services.express_interest(scrap, uno_user, True)
    exchange = services.express_interest(scrap, due_user, True).exchange
    first_run = scrap.run

    result = import_district(matching_text, "matching-district.yaml", replace=True)
    assert result.ok and result.replaced and result.match_error == ""

    new_district = District.objects.get()
    first_run.refresh_from_db()
    assert first_run.district is None and first_run.district_name == "Matching test district"
    assert MatchProposal.objects.get(pk=scrap.pk).supplier is None  # the old rows are gone
    latest = result.match_run.proposals.get(pair_key=scrap.pair_key)
    assert (latest.supplier_interest, latest.receiver_interest) == (True, True)
    assert latest.supplier == Company.objects.get(district=new_district, slug="ceramica-due")
    exchange.refresh_from_db()
    assert exchange.district == new_district
    assert exchange.supplier == latest.supplier and exchange.receiver == latest.receiver
    assert exchange.status == "proposed"
