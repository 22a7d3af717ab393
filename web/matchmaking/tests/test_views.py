"""The matchmaking pages: who sees what, the disclosure rule on the rendered HTML, the staff
filters and map, the exchange pages. Refused requests change nothing."""

from __future__ import annotations

import html as html_module
import io
import json
import re

import pytest

from ecodistrict_web.companies.models import Company
from ecodistrict_web.matchmaking import services
from ecodistrict_web.matchmaking.models import (
    ExchangeStatusChange,
    MatchProposal,
    MatchRun,
    ProposedExchange,
)
from ecodistrict_web.matchmaking.tests.conftest import DUE, QUATTRO, UNO

pytestmark = pytest.mark.django_db

SCRAP = ("ceramica-due", "fired-scrap", "ceramica-uno", "recycled-scrap")
STAFF_PAGES = ["/matchmaking/district/", "/matchmaking/exchanges/"]


def state() -> tuple:
    return (
        MatchRun.objects.count(),
        list(
            MatchProposal.objects.order_by("pk").values_list(
                "pk", "supplier_interest", "receiver_interest"
            )
        ),
        list(ProposedExchange.objects.order_by("pk").values_list("pk", "status")),
        ExchangeStatusChange.objects.count(),
    )


def table_rows(html: str) -> list[str]:
    """The staff table's rows as their match identities, in order."""
    body = html.split('data-testid="matches-table"', 1)[1]
    return [
        html_module.unescape(pair)
        for pair in re.findall(r'data-testid="match-row" data-pair="([^"]+)"', body)
    ]


def map_data(html: str) -> dict:
    match = re.search(
        r'<script id="match-map-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert match
    return json.loads(match.group(1))


@pytest.fixture
def exchange(matching_district, uno_user, due_user, proposal):
    scrap = proposal(*SCRAP)
    services.express_interest(scrap, uno_user, True)
    return services.express_interest(scrap, due_user, True).exchange


# --- who sees what -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/matchmaking/",
        *STAFF_PAGES,
        "/matchmaking/district/proposals/1/",
        "/matchmaking/runs/1/document.json",
    ],
)
def test_anonymous_visitors_are_sent_to_login(client, matching_district, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_firm_members_get_403_on_the_district_pages(client_for, uno_user, proposal):
    client = client_for(uno_user)
    run = MatchRun.objects.get()
    scrap = proposal(*SCRAP)  # a match of the user's own firm: still not this page
    for url in [
        *STAFF_PAGES,
        f"/matchmaking/district/proposals/{scrap.pk}/",
        f"/matchmaking/runs/{run.pk}/document.json",
    ]:
        assert client.get(url).status_code == 403, url


def test_navigation_by_role(client_for, uno_user, facilitator_user):
    html = client_for(uno_user).get("/").content.decode()
    assert 'href="/matchmaking/"><span>I miei abbinamenti</span>' in html
    assert 'href="/matchmaking/district/"' not in html
    html = client_for(facilitator_user).get("/").content.decode()
    assert 'href="/matchmaking/district/"><span>Abbinamenti</span>' in html
    assert 'href="/matchmaking/exchanges/"><span>Scambi proposti</span>' in html
    assert 'href="/matchmaking/">' not in html


# --- the firm page -----------------------------------------------------------------------------


def test_the_firm_page_lists_matches_anonymised(client_for, due_user):
    html = client_for(due_user).get("/matchmaking/").content.decode()
    assert "<h2 id=" in html and f">{DUE}</h2>" in html
    cards = re.findall(r'<article class="card card-bg match-card[^>]*data-side="(\w+)"', html)
    assert cards == ["supplier"] * 6 + ["receiver"] * 2
    scrap = MatchProposal.objects.get(
        pair_key="ceramica-due/fired-scrap>ceramica-uno/recycled-scrap"
    )
    card = html.split(f'id="match-{scrap.pk}"', 1)[1].split("</article>", 1)[0]
    assert (
        "Impresa del distretto, ATECO 23 – Fabbricazione di altri prodotti della lavorazione "
        "di minerali non metalliferi, a 4 km" in card
    )
    assert "Scarti cotti" in card  # the firm's own output
    assert "il ricevente dichiara un fabbisogno di [descrizione riservata] (300 t/yr)" in card
    assert "16,4 t CO2e/anno" in card and "300 t/anno" in card and "0,91 · dichiarato" in card
    assert "4 km su strada (stima)" in card
    assert "nessun prezzo dichiarato" in card
    assert 'name="interested" value="yes"' in card and "Mi interessa" in card
    assert "Non mi interessa" in card and "Non avete ancora risposto." in card
    assert 'name="csrfmiddlewaretoken"' in card
    # Never the partner's name, id, location or flow descriptions.
    for secret in (UNO, "ceramica-uno", "Chamotte da scarti cotti", "44.5822", "44,5822"):
        assert secret not in html, secret


def test_the_firm_page_in_english_gives_the_english_reasons(client_for, due_user):
    client = client_for(due_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/matchmaking/").content.decode()
    assert "District firm, ATECO 23 – Fabbricazione" in html
    assert "the receiver declares a need for [description withheld] (300 t/yr)" in html
    assert "il ricevente dichiara" not in html
    assert UNO not in html


def test_the_demo_firm_page_never_names_a_partner_before_both_agree(client, django_user_model):
    from ecodistrict_web import commands

    assert commands.load_demo(io.StringIO()) is True
    user = django_user_model.objects.get(username="firm@demo.ecodistrict")
    firm = user.memberships.get().company
    run = MatchRun.objects.get()
    proposals = MatchProposal.objects.filter(run=run)
    mine = proposals.filter(supplier=firm) | proposals.filter(receiver=firm)
    assert mine.count() > 100  # 34 as supplier, about 75 as receiver (the demo's first firm)
    client.force_login(user)
    html = client.get("/matchmaking/").content.decode()
    assert html.count('data-testid="match"') == mine.count()
    own = set(firm.flows.values_list("description", flat=True))
    partners = {p.receiver if p.supplier == firm else p.supplier for p in mine}
    assert len(partners) > 20
    for partner in partners:
        assert partner.name not in html, partner.name
        assert partner.slug not in html, partner.slug
        assert f'href="/companies/{partner.pk}/"' not in html
        site = partner.primary_site
        assert f"{site.lat:.4f}" not in html and f"{site.lon:.4f}" not in html
    for proposal in mine:
        partner_flow = (
            proposal.receiver_flow_description
            if proposal.supplier == firm
            else proposal.supplier_flow_description
        )
        if partner_flow and partner_flow not in own:
            assert f"'{partner_flow}'" not in html, partner_flow
    assert 'data-testid="disclosed"' not in html


def test_mutual_interest_through_the_pages_discloses_names_and_contacts(
    client, uno_user, due_user, quattro_user, proposal
):
    scrap = proposal(*SCRAP)
    url = f"/matchmaking/proposals/{scrap.pk}/interest/"

    client.force_login(uno_user)
    response = client.post(url, {"interested": "yes", "side": "receiver"})
    assert response.status_code == 302
    assert response["Location"] == f"/matchmaking/#match-{scrap.pk}"
    html = client.get("/matchmaking/").content.decode()
    assert "Il vostro interesse è registrato." in html
    assert "Avete espresso interesse; in attesa dell'altra impresa." in html
    assert DUE not in html and "ceramica-due" not in html

    client.force_login(due_user)
    html = client.get("/matchmaking/").content.decode()
    assert UNO not in html  # the supplier is not told who is interested, nor that anyone is
    assert "in attesa dell'altra impresa" not in html
    client.post(url, {"interested": "yes", "side": "supplier"})
    html = client.get("/matchmaking/").content.decode()
    assert "Entrambe le imprese sono interessate: ora nomi e contatti sono visibili" in html
    card = html.split(f'id="match-{scrap.pk}"', 1)[1].split("</article>", 1)[0]
    assert f"<strong>{UNO}</strong>" in card
    assert "Chamotte da scarti cotti di altre aziende" in card
    assert '<a href="mailto:uno@test.example">uno@test.example</a>' in card
    assert "stato <strong>proposto</strong>" in card
    exchanges = html.split('data-testid="firm-exchanges"', 1)[1].split("</table>", 1)[0]
    assert f'<th scope="row">{UNO}</th>' in exchanges

    client.force_login(uno_user)
    html = client.get("/matchmaking/").content.decode()
    assert f"<strong>{DUE}</strong>" in html
    assert '<a href="mailto:due@test.example">due@test.example</a>' in html
    # Other matches between the same two firms stay anonymised.
    heat = proposal("ceramica-uno", "kiln-heat", "ceramica-due", "heat")
    card = html.split(f'id="match-{heat.pk}"', 1)[1].split("</article>", 1)[0]
    assert DUE not in card and "Calore recuperato" not in card

    client.force_login(quattro_user)
    html = client.get("/matchmaking/").content.decode()
    assert UNO not in html and DUE not in html


def test_a_third_firm_cannot_see_or_answer_a_match(
    client_for, quattro_user, facilitator_user, staff_user, proposal
):
    scrap = proposal(*SCRAP)
    url = f"/matchmaking/proposals/{scrap.pk}/interest/"
    before = state()
    html = client_for(quattro_user).get("/matchmaking/").content.decode()
    assert f'id="match-{scrap.pk}"' not in html
    assert client_for(quattro_user).post(url, {"interested": "yes"}).status_code == 404
    assert client_for(facilitator_user).post(url, {"interested": "yes"}).status_code == 404
    assert client_for(staff_user).post(url, {"interested": "yes"}).status_code == 403
    assert client_for(quattro_user).get(url).status_code == 405
    assert state() == before


def test_an_answer_after_both_agreed_is_refused_with_a_message(client_for, exchange, uno_user):
    before = state()
    client = client_for(uno_user)
    url = f"/matchmaking/proposals/{exchange.proposal.pk}/interest/"
    response = client.post(url, {"interested": "no"}, follow=True)
    assert "Entrambe le imprese hanno già espresso interesse" in response.content.decode()
    assert state() == before


def test_a_user_without_a_firm(client_for, staff_user, matching_district):
    html = client_for(staff_user).get("/matchmaking/").content.decode()
    assert 'data-testid="no-companies"' in html
    assert 'href="/matchmaking/district/">Vedi tutti gli abbinamenti del distretto' in html


# --- staff and facilitators: every match -------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "",
            [
                "ceramica-due/fired-scrap>ceramica-uno/recycled-scrap",  # 0.9091
                "serrature-quattro/steel-scrap>fonderia-cinque/scrap-in",  # 0.8562
                "ceramica-uno/fired-scrap>ceramica-due/",  # 0.7726
                "ceramica-uno/fired-scrap>laterizi-tre/shards",  # 0.7421 (generic request)
                "ceramica-due/washing-water>ceramica-uno/",  # 0.732
                "ceramica-due/fired-scrap>laterizi-tre/shards",  # 0.7296 (generic request)
                "ceramica-due/washing-water>serrature-quattro/process-water",  # 0.7185
                "ceramica-uno/kiln-heat>ceramica-due/heat",  # 0.5694
                "ceramica-due/washing-water>laterizi-tre/",  # 0.5522
                "ceramica-due/washing-water>fonderia-cinque/",  # 0.5354
                "serrature-quattro/steel-scrap>laterizi-tre/shards",  # 0.494
                "ceramica-uno/kiln-heat>laterizi-tre/",  # 0.4571
            ],
        ),
        (
            "kind=water",
            [
                "ceramica-due/washing-water>ceramica-uno/",
                "ceramica-due/washing-water>serrature-quattro/process-water",
                "ceramica-due/washing-water>laterizi-tre/",
                "ceramica-due/washing-water>fonderia-cinque/",
            ],
        ),
        (
            "resource=101208",
            [
                "ceramica-due/fired-scrap>ceramica-uno/recycled-scrap",
                "ceramica-uno/fired-scrap>ceramica-due/",
                "ceramica-uno/fired-scrap>laterizi-tre/shards",
                "ceramica-due/fired-scrap>laterizi-tre/shards",
            ],
        ),
        (
            "resource=trucioli",
            [
                "serrature-quattro/steel-scrap>fonderia-cinque/scrap-in",
                "serrature-quattro/steel-scrap>laterizi-tre/shards",
            ],
        ),
        (
            "max_km=5",
            [
                "ceramica-due/fired-scrap>ceramica-uno/recycled-scrap",
                "ceramica-uno/fired-scrap>ceramica-due/",
                "ceramica-due/washing-water>ceramica-uno/",
                "ceramica-uno/kiln-heat>ceramica-due/heat",
            ],
        ),
        (
            "basis=inferred&sort=distance&dir=asc",
            [
                "ceramica-uno/fired-scrap>ceramica-due/",  # 4.0 km, score 0.7726
                "ceramica-due/washing-water>ceramica-uno/",  # 4.0 km, score 0.732: ties by score
                "ceramica-due/washing-water>fonderia-cinque/",
                "ceramica-uno/kiln-heat>laterizi-tre/",
                "ceramica-due/washing-water>laterizi-tre/",
            ],
        ),
        (
            "kind=material&max_km=15&sort=co2&dir=desc",
            [
                "serrature-quattro/steel-scrap>fonderia-cinque/scrap-in",
                "ceramica-uno/fired-scrap>ceramica-due/",
                "ceramica-due/fired-scrap>ceramica-uno/recycled-scrap",
            ],
        ),
        ("kind=service", []),
    ],
)
def test_the_staff_filters(client_for, facilitator_user, matching_district, query, expected):
    html = client_for(facilitator_user).get("/matchmaking/district/?" + query).content.decode()
    assert table_rows(html) == expected
    data = map_data(html)
    assert [(link["from"], link["to"]) for link in data["links"]] == [
        tuple(part.split("/")[0] for part in pair.split(">")) for pair in expected
    ]
    assert len(data["firms"]) == 5


def test_the_staff_page_shows_names_the_map_and_the_run(client_for, staff_user, matching_district):
    html = client_for(staff_user).get("/matchmaking/district/").content.decode()
    assert "<h1>Abbinamenti</h1>" in html
    assert "12 abbinamenti su 12" in html
    assert 'data-testid="recompute"' in html
    assert "Calcolato automaticamente dopo l'importazione del file del distretto." in html
    row = html.split('data-pair="ceramica-due/fired-scrap&gt;ceramica-uno/recycled-scrap"', 1)[1]
    row = row.split("</tr>", 1)[0]
    assert f'<th scope="row">{DUE}</th>' in row and UNO in row
    assert "Chamotte da scarti cotti di altre aziende" in row
    assert '<td class="number">4</td>' in row and '<td class="number">0,91</td>' in row
    data = map_data(html)
    assert data["tiles"] == {"url": "", "attribution": ""}
    assert data["center"] == [44.5739, 10.8478] and data["radius_km"] == 30.0
    assert data["firms"][0] == {
        "id": "ceramica-uno",
        "name": UNO,
        "ateco": "ATECO 23 – Fabbricazione di altri prodotti della lavorazione di minerali non "
        "metalliferi",
        "lat": 44.5822,
        "lon": 10.8233,
    }
    assert data["links"][0] == {
        "from": "ceramica-due",
        "to": "ceramica-uno",
        "kind": "material",
        "score": 0.9091,
        "title": f"{DUE} → {UNO}: Scarti cotti (materia)",
    }
    assert '<script src="/static/vendor/leaflet/leaflet.js"></script>' in html
    assert '<script src="/static/js/matchmap.js"></script>' in html
    assert "unpkg" not in html and "cdn" not in html.lower()


def test_the_tile_server_is_a_setting(client_for, staff_user, matching_district, settings):
    settings.ECODISTRICT_MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.ECODISTRICT_MAP_TILES_ATTRIBUTION = "© Example"
    html = client_for(staff_user).get("/matchmaking/district/").content.decode()
    assert map_data(html)["tiles"] == {
        "url": "https://tiles.example.org/{z}/{x}/{y}.png",
        "attribution": "© Example",
    }


def test_sorting_and_malformed_parameters(client_for, staff_user, matching_district):
    client = client_for(staff_user)
    html = client.get("/matchmaking/district/?sort=supplier&dir=asc").content.decode()
    rows = table_rows(html)
    assert [row.split("/")[0] for row in rows] == ["ceramica-due"] * 6 + ["ceramica-uno"] * 4 + [
        "serrature-quattro"
    ] * 2
    assert client.get("/matchmaking/district/?sort=nonsense").status_code == 200
    assert client.get("/matchmaking/district/?run=abc").status_code == 404
    assert client.get("/matchmaking/district/?district=999").status_code == 404
    # A superscript digit passes str.isdigit() but not int(): still a page that does not exist.
    assert client.get("/matchmaking/district/?district=²").status_code == 404
    assert client.get("/companies/?page=²").status_code == 404
    html = client.get("/matchmaking/district/?max_km=far").content.decode()
    assert len(table_rows(html)) == 12


def test_an_earlier_run_is_shown_when_asked(client_for, staff_user, matching_district):
    first = MatchRun.objects.get()
    second = services.run_matching(matching_district, staff_user, top_k=1)
    client = client_for(staff_user)
    assert len(table_rows(client.get("/matchmaking/district/").content.decode())) == 5
    html = client.get(f"/matchmaking/district/?run={first.pk}").content.decode()
    assert len(table_rows(html)) == 12
    assert f'<option value="{second.pk}">' in html and "(più recente)" in html


def test_the_proposal_page_and_the_run_document(client_for, facilitator_user, exchange):
    client = client_for(facilitator_user)
    html = client.get(f"/matchmaking/district/proposals/{exchange.proposal.pk}/").content.decode()
    assert f'<h1 class="h2">{DUE} → {UNO}</h1>' in html
    assert "Compatibilità tecnica" in html and "0,9751" in html
    assert "uno@test.example" in html and "Scambio proposto: proposto" in html
    run = MatchRun.objects.get()
    response = client.get(f"/matchmaking/runs/{run.pk}/document.json")
    document = json.loads(response.content)
    assert document["format"] == "ecodistrict/match-run/1"
    assert document["results"]["format"] == "ecodistrict/matches/1"
    assert document["input_sha256"] == run.input_sha256
    assert document["options"] == {"top_k": 5, "max_distance_km": None}


def test_only_staff_recompute(
    client_for, staff_user, facilitator_user, uno_user, matching_district
):
    before = state()
    for user in (facilitator_user, uno_user):
        response = client_for(user).post(
            "/matchmaking/runs/recompute/", {"district": matching_district.pk}
        )
        assert response.status_code == 403
    assert state() == before
    response = client_for(staff_user).post(
        "/matchmaking/runs/recompute/",
        {"district": matching_district.pk, "top_k": "2", "max_distance_km": "10"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/matchmaking/district/?district={matching_district.pk}"
    run = MatchRun.objects.order_by("-pk").first()
    assert (run.trigger, run.created_by, run.top_k, run.max_distance_km) == (
        "manual",
        staff_user,
        2,
        10.0,
    )
    assert run.match_count == 5


# --- proposed exchanges ------------------------------------------------------------------------


def test_the_exchanges_page(client_for, staff_user, exchange):
    html = client_for(staff_user).get("/matchmaking/exchanges/").content.decode()
    card = html.split(f'id="exchange-{exchange.pk}"', 1)[1].split("</article>", 1)[0]
    assert f"{DUE} → {UNO}" in card
    assert 'data-testid="exchange-status">proposto</span>' in card
    assert "proposto: entrambe le imprese sono interessate" in card
    assert '<a href="mailto:due@test.example">due@test.example</a>' in card
    assert 'data-testid="status-form"' in card
    assert '<option value="in_negotiation">in trattativa</option>' in card
    assert '<option value="dropped">abbandonato</option>' in card
    assert '<option value="active">' not in card
    assert "Proposto (1)" not in html and "proposto (1)" in html


def test_facilitators_cannot_change_a_status(client_for, facilitator_user, uno_user, exchange):
    html = client_for(facilitator_user).get("/matchmaking/exchanges/").content.decode()
    assert f'id="exchange-{exchange.pk}"' in html and 'data-testid="status-form"' not in html
    before = state()
    url = f"/matchmaking/exchanges/{exchange.pk}/status/"
    for user in (facilitator_user, uno_user):
        response = client_for(user).post(url, {"status": "in_negotiation", "note": "x"})
        assert response.status_code == 403
    assert state() == before


def test_staff_move_an_exchange_along_its_life_cycle(client_for, staff_user, exchange):
    client = client_for(staff_user)
    url = f"/matchmaking/exchanges/{exchange.pk}/status/"
    response = client.post(url, {"status": "in_negotiation", "note": "incontro fissato"})
    assert response.status_code == 302
    assert response["Location"] == (
        f"/matchmaking/exchanges/?district={exchange.district_id}#exchange-{exchange.pk}"
    )
    before = state()
    response = client.post(url, {"status": "proposed"}, follow=True)
    assert "Uno scambio in trattativa non può diventare proposto." in response.content.decode()
    assert state() == before
    client.post(url, {"status": "active"})
    exchange.refresh_from_db()
    assert exchange.status == "active"
    html = client.get("/matchmaking/exchanges/?status=active").content.decode()
    history = html.split('data-testid="history"', 1)[1].split("</table>", 1)[0]
    assert "proposto → in trattativa" in history and "incontro fissato" in history
    assert "in trattativa → attivo" in history
    assert "staff@test.example" in history
    assert (
        client.get("/matchmaking/exchanges/?status=dropped")
        .content.decode()
        .count('data-testid="exchange"')
        == 0
    )
    assert Company.objects.filter(pk=exchange.supplier_id).exists()


def test_the_firm_sees_the_status_staff_record(client_for, staff_user, uno_user, exchange):
    services.change_exchange_status(exchange, staff_user, "in_negotiation", "nota interna")
    html = client_for(uno_user).get("/matchmaking/").content.decode()
    exchanges = html.split('data-testid="firm-exchanges"', 1)[1].split("</table>", 1)[0]
    assert f'<th scope="row">{DUE}</th>' in exchanges and "in trattativa" in exchanges
    assert "nota interna" not in html  # staff notes stay with staff
    assert QUATTRO not in html


def test_recompute_reports_data_that_break_the_format(client_for, staff_user, matching_district):
    # A flow edited by hand into an unknown unit: the district file can no longer be read.
    Company.objects.get(slug="ceramica-uno").flows.filter(slug="clays").update(unit="bushels")
    before = state()
    response = client_for(staff_user).post(
        "/matchmaking/runs/recompute/", {"district": matching_district.pk}, follow=True
    )
    assert response.status_code == 200
    assert "Non è stato possibile calcolare gli abbinamenti" in response.content.decode()
    assert state() == before
