"""The indicator pages: role scoping, the firm page, the positioning database and its exports,
the closure of the cycles with its Sankey data."""

from __future__ import annotations

import csv
import io
import json
import re
from importlib.resources import files

import pytest
from openpyxl import load_workbook

from ecodistrict_web.companies.models import Company, Flow
from ecodistrict_web.companies.services import import_district
from ecodistrict_web.companies.templatetags.quantities import quantity
from ecodistrict_web.indicators.models import IndicatorRun, IndicatorSetVersion

pytestmark = pytest.mark.django_db

ALFA, BETA, GAMMA = "Ceramica Alfa S.p.A.", "Ceramica Beta S.r.l.", "Serrature Gamma S.r.l."
STAFF_PAGES = [
    "/indicators/positioning/",
    "/indicators/positioning/export.csv",
    "/indicators/positioning/export.xlsx",
    "/indicators/closure/",
    "/indicators/runs/",
]


def chart_data(html: str, element_id: str):
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, element_id
    return json.loads(match.group(1))


def positioning_names(html: str) -> list[str]:
    body = html.split('data-testid="positioning-table"', 1)[1]
    return re.findall(
        r'<th scope="row"><a href="/indicators/companies/\d+/">([^<]+)</a></th>', body
    )


def state() -> tuple:
    return (
        IndicatorRun.objects.count(),
        IndicatorSetVersion.objects.count(),
        Flow.objects.count(),
        list(IndicatorRun.objects.values_list("input_sha256", flat=True)),
    )


# --- who sees what -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/indicators/",
        "/indicators/companies/1/",
        *STAFF_PAGES,
        "/indicators/runs/1/document.json",
        "/indicators/sets/",
        "/indicators/sets/new/",
    ],
)
def test_anonymous_visitors_are_sent_to_login(client, district, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_a_firm_member_sees_only_their_own_firm(client_for, firm_user, district):
    client = client_for(firm_user)
    alfa = Company.objects.get(slug="ceramica-alfa")
    response = client.get("/indicators/")
    assert response.status_code == 302
    assert response["Location"] == f"/indicators/companies/{alfa.pk}/"
    html = client.get(f"/indicators/companies/{alfa.pk}/").content.decode()
    assert f"<h1>Indicatori di {ALFA}</h1>" in html
    # Anonymised: no other firm is named, neither by name nor by id.
    for other in ("Ceramica Beta", "ceramica-beta", "Serrature Gamma", "serrature-gamma"):
        assert other not in html
    assert 'href="/indicators/positioning/"' not in html  # no staff navigation


def test_a_firm_member_gets_404_for_another_firm_and_nothing_changes(
    client_for, firm_user, district
):
    before = state()
    client = client_for(firm_user)
    beta = Company.objects.get(slug="ceramica-beta")
    assert client.get(f"/indicators/companies/{beta.pk}/").status_code == 404
    assert client.post(f"/indicators/companies/{beta.pk}/").status_code == 404
    assert state() == before


@pytest.mark.parametrize("url", [*STAFF_PAGES, "/indicators/runs/1/document.json"])
def test_district_pages_are_refused_to_firm_members(client_for, firm_user, district, url):
    assert client_for(firm_user).get(url).status_code == 403


def test_only_staff_may_recompute(client_for, firm_user, facilitator_user, staff_user, district):
    before = state()
    for user in (firm_user, facilitator_user):
        response = client_for(user).post("/indicators/runs/recompute/", {"district": district.pk})
        assert response.status_code == 403
    assert state() == before
    response = client_for(staff_user).post("/indicators/runs/recompute/", {"district": district.pk})
    assert response.status_code == 302
    assert response["Location"] == f"/indicators/runs/?district={district.pk}"
    run = IndicatorRun.objects.order_by("-pk").first()
    assert (run.trigger, run.created_by) == ("manual", staff_user)
    assert IndicatorRun.objects.count() == before[0] + 1


def test_facilitators_read_the_district_pages(client_for, facilitator_user, district):
    client = client_for(facilitator_user)
    for url in STAFF_PAGES:
        assert client.get(url).status_code == 200, url
    html = client.get("/indicators/positioning/").content.decode()
    assert positioning_names(html) == [ALFA, BETA, GAMMA]
    assert 'data-testid="recompute"' not in html
    beta = Company.objects.get(slug="ceramica-beta")
    assert client.get(f"/indicators/companies/{beta.pk}/").status_code == 200


def test_a_run_of_another_district_is_not_reachable(
    client_for, firm_user, staff_user, district, small_district_text
):
    other = import_district(
        small_district_text.replace("name: Test district (web)", "name: Other district"),
        "other.yaml",
        replace=False,
    )
    assert other.ok
    alfa = Company.objects.get(district=district, slug="ceramica-alfa")
    other_run = other.indicator_run
    own_run = IndicatorRun.objects.get(district=district)
    client = client_for(firm_user)
    assert client.get(f"/indicators/companies/{alfa.pk}/?run={own_run.pk}").status_code == 200
    assert client.get(f"/indicators/companies/{alfa.pk}/?run={other_run.pk}").status_code == 404
    assert client.get(f"/indicators/companies/{alfa.pk}/?run=abc").status_code == 404
    staff = client_for(staff_user)
    url = f"/indicators/positioning/?district={district.pk}&run={other_run.pk}"
    assert staff.get(url).status_code == 404


# --- the firm page ----------------------------------------------------------------------------


def test_the_firm_page_shows_values_targets_sources_and_the_radar_data(
    client_for, firm_user, district
):
    alfa = Company.objects.get(slug="ceramica-alfa")
    html = client_for(firm_user).get(f"/indicators/companies/{alfa.pk}/").content.decode()
    assert "con il set di indicatori <strong>formigine-2026 v1.0</strong>" in html
    for heading in ("Prestazione circolare", "Integrazione territoriale", "Simbiosi industriale"):
        assert f">{heading}</h2>" in html
    # A value with its numerator and denominator, a missing value with its reason in Italian.
    assert "0,5329 %" in html and "300 / 56.300" in html
    assert "nessun ingresso d&#x27;acqua dichiarato" in html
    # Targets: circular inflow 0.53 % against at least 15 %, landfill 100 % against at most 5 %.
    row = html.split('data-indicator="circular_inflow_pct"', 1)[1].split("</tr>", 1)[0]
    assert "≥ 15 %" in row and "non raggiunto" in row
    assert "solo 1 altra impresa con un valore (ne servono 5)" in row
    # A published reference value, with year and area (context only for a firm's inflow).
    references = html.split('data-testid="references"', 1)[1].split("</table>", 1)[0]
    assert "Tasso di uso circolare di materia (CMU), Italia" in references
    assert "2023 · IT" in references and "solo contesto, non confrontato" in references
    # Formulas and sources.
    assert "WBCSD Circular Transition Indicators (% circular inflow)" in html
    assert "Massa degli ingressi di materia con origine riciclata" in html
    # The radar: the firm's percentage indicators, the anonymised median, the targets.
    radar = chart_data(html, "radar-data")
    assert radar["kind"] == "radar"
    assert radar["axes"] == [
        "Ingressi circolari",
        "Uscite circolari",
        "Circolarità",
        "Energia rinnovabile",
        "Circolarità dell'acqua",
        "Uscite in discarica",
        "Rifiuti avviati a recupero di materia",
        "Rifiuti pericolosi",
        "Ingressi locali",
        "Uscite recuperate nel raggio del distretto",
        "Ingressi da simbiosi",
        "Uscite verso la simbiosi",
    ]
    firm, median, target = radar["series"]
    assert firm == {
        "role": "firm",
        "name": ALFA,
        "values": [
            0.5328596802841918,
            0.0,
            0.5276116778051354,
            0.0,
            None,
            100.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.5328596802841918,
            0.0,
        ],
    }
    # Three firms: fewer than 5 peers, so no median is given.
    assert median["name"] == "Mediana delle altre imprese (anonima)"
    assert median["values"] == [None] * 12
    assert target["values"] == [
        15.0,
        50.0,
        None,
        30.0,
        None,
        5.0,
        None,
        None,
        30.0,
        None,
        5.0,
        None,
    ]
    assert '<script src="/static/vendor/plotly/plotly.min.js"></script>' in html


def test_the_firm_page_gives_anonymised_medians_with_enough_peers(client_for, make_user, db):
    text = (files("ecodistrict") / "data/demo/formigine-demo.yaml").read_text(encoding="utf-8")
    result = import_district(text, "formigine-demo.yaml", replace=False)
    assert result.ok
    first = result.district.companies.order_by("pk").first()
    member = make_user("demo-firm@test.example", "firm", [first])
    html = client_for(member).get(f"/indicators/companies/{first.pk}/").content.decode()
    position = result.indicator_run.positions["companies"][first.slug]
    medians = {p["indicator"]: p["median"] for p in position["peers"] if p["group"] == "all"}
    radar = chart_data(html, "radar-data")
    assert radar["series"][1]["values"][0] == medians["circular_inflow_pct"]
    assert any(value is not None for value in radar["series"][1]["values"])
    standing = next(
        p
        for p in position["peers"]
        if p["group"] == "all" and p["indicator"] == "circular_inflow_pct"
    )
    row = html.split('data-indicator="circular_inflow_pct"', 1)[1].split("</tr>", 1)[0]
    assert f"percentile {quantity(standing['percentile'], 1)}" in row
    assert f"quartile {standing['quartile']}" in row
    assert f"fra {standing['n_peers']} altre imprese" in row
    others = Company.objects.filter(district=result.district).exclude(pk=first.pk)
    for name in others.values_list("name", flat=True):
        assert name not in html


def test_the_firm_page_in_english(client_for, firm_user, district):
    client = client_for(firm_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    alfa = Company.objects.get(slug="ceramica-alfa")
    html = client.get(f"/indicators/companies/{alfa.pk}/").content.decode()
    assert f"<h1>Indicators of {ALFA}</h1>" in html
    assert "no water inflows declared" in html
    assert chart_data(html, "radar-data")["axes"][0] == "Circular inflow"


# --- the positioning database -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", [ALFA, BETA, GAMMA]),
        ("?sort=name&dir=desc", [GAMMA, BETA, ALFA]),
        ("?sort=circularity_pct&dir=asc", [ALFA, GAMMA, BETA]),
        ("?sort=circularity_pct&dir=desc", [BETA, GAMMA, ALFA]),
        # Missing values come last in both directions, in name order.
        ("?sort=water_circularity_pct&dir=asc", [BETA, ALFA, GAMMA]),
        ("?sort=water_circularity_pct&dir=desc", [BETA, ALFA, GAMMA]),
        # Ties keep name order.
        ("?sort=symbiotic_links&dir=desc", [ALFA, BETA, GAMMA]),
        ("?sort=symbiotic_links&dir=asc", [GAMMA, ALFA, BETA]),
        ("?sort=ateco&dir=desc", [GAMMA, ALFA, BETA]),
        ("?division=23&sort=circularity_pct&dir=desc", [BETA, ALFA]),
        ("?division=25", [GAMMA]),
        ("?sort=no_such_column", [ALFA, BETA, GAMMA]),
    ],
)
def test_the_positioning_table_sorts_and_filters(client_for, staff_user, district, query, names):
    html = client_for(staff_user).get("/indicators/positioning/" + query).content.decode()
    assert positioning_names(html) == names


def test_sort_links_reverse_the_sorted_column(client_for, staff_user, district):
    html = (
        client_for(staff_user)
        .get("/indicators/positioning/?sort=circularity_pct&dir=asc")
        .content.decode()
    )
    assert 'aria-sort="ascending"' in html
    assert (
        f'href="?district={district.pk}&amp;sort=circularity_pct&amp;dir=desc" '
        'data-sort="circularity_pct"'
    ) in html


CSV_HEADER = (
    "Impresa,Identificativo,Codice ATECO,Divisione ATECO,Ingressi circolari (%),"
    "Uscite circolari (%),Circolarità (%),Energia rinnovabile (%),Circolarità dell'acqua (%),"
    "Uscite in discarica (%),Rifiuti avviati a recupero di materia (%),Rifiuti pericolosi (%),"
    "Rifiuti per addetto (t/addetto),Rifiuti per milione di euro di fatturato (t/MEUR),"
    "Produttività circolare dei materiali (EUR/t),"
    "Indicatore di circolarità dei materiali (MCI) dei prodotti,Ingressi locali (%),"
    "Distanza media di approvvigionamento (km),Intensità di trasporto in ingresso (tkm/t),"
    "Uscite recuperate nel raggio del distretto (%),Ingressi da simbiosi (%),"
    "Uscite verso la simbiosi (%),Legami di simbiosi attivi (numero)"
)
CSV_GAMMA = (
    "Serrature Gamma S.r.l.,serrature-gamma,25.62,25,0.0,100.0,21.05263157894737,,,0.0,100.0,"
    "0.0,,,,,,,,0.0,0.0,0.0,0"
)


def test_the_csv_export(client_for, staff_user, district):
    response = client_for(staff_user).get(
        "/indicators/positioning/export.csv?sort=circularity_pct&dir=desc"
    )
    run = IndicatorRun.objects.get()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="posizionamento-test-district-web-calcolo-{run.pk}.csv"'
    )
    lines = response.content.decode("utf-8").split("\r\n")
    assert lines[0] == CSV_HEADER
    assert lines[2] == CSV_GAMMA
    assert [row[0] for row in csv.reader(io.StringIO(response.content.decode()))][1:] == [
        BETA,
        GAMMA,
        ALFA,
    ]


def test_the_excel_export(client_for, staff_user, district):
    response = client_for(staff_user).get("/indicators/positioning/export.xlsx?division=23")
    run = IndicatorRun.objects.get()
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="posizionamento-test-district-web-calcolo-{run.pk}-ateco-23.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Posizionamento", "Fonti"]
    table = workbook["Posizionamento"]
    assert [cell.value for cell in table[1]] == CSV_HEADER.split(",")
    assert [row[0] for row in table.iter_rows(min_row=2, values_only=True)] == [ALFA, BETA]
    assert table["E2"].value == 0.5328596802841918  # Alfa's circular inflow, a number
    assert table["I2"].value is None  # its water circularity has no value
    sources = workbook["Fonti"]
    assert [cell.value for cell in sources[1]] == [
        "Indicatore",
        "Chiave",
        "Unità",
        "Dimensione",
        "Direzione",
        "Formula",
        "Fonte",
        "Set di indicatori",
        "Data del calcolo",
        "Calcolo n.",
    ]
    first = [cell.value for cell in sources[2]]
    assert first[:5] == [
        "Ingressi circolari",
        "circular_inflow_pct",
        "%",
        "Prestazione circolare",
        "più alto è meglio",
    ]
    assert first[6] == (
        "WBCSD Circular Transition Indicators (% circular inflow); ISO 59020:2024 resource inflows"
    )
    assert first[7] == "formigine-2026 v1.0"
    assert first[9] == run.pk
    assert sources.max_row == 1 + 19  # one row per company-level indicator


# --- the closure of the cycles ----------------------------------------------------------------


def test_the_closure_page_renders_the_sankey_data(client_for, staff_user, district):
    html = client_for(staff_user).get("/indicators/closure/").content.decode()
    matter = chart_data(html, "sankey-matter")
    assert matter == {
        "kind": "sankey",
        "separators": ",.",
        "unit": "t/yr",
        "nodes": ["Dall'esterno", "Imprese del distretto", "Scambi interni", "Verso l'esterno"],
        "roles": ["outside", "firms", "exchanges", "outside"],
        "links": {
            "source": [0, 1, 2, 1],
            "target": [1, 2, 1, 3],
            "value": [56300.0, 300.0, 300.0, 740.0],
        },
    }
    energy = chart_data(html, "sankey-energy")
    assert energy["unit"] == "MWh/yr"
    assert energy["links"]["value"] == [9.7925, 200.0, 200.0, 300.0]
    water = chart_data(html, "sankey-water")
    assert (water["nodes"], water["links"]["value"]) == (
        ["Dall'esterno", "Imprese del distretto"],
        [12000.0],
    )
    waste = chart_data(html, "sankey-waste")
    assert waste["nodes"] == ["Imprese del distretto", "Scambi interni", "Verso l'esterno"]
    assert waste["links"] == {
        "source": [0, 1, 0],
        "target": [1, 0, 2],
        "value": [300.0, 300.0, 740.0],
    }
    # The text alternative: a table per cycle, and the exchanges with the firms' names.
    balance = html.split('data-testid="balance-matter"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'<th scope="row">([^<]+)</th><td class="number">([^<]+)</td>', balance) == [
        ("Dall&#x27;esterno", "56.300"),
        ("Scambi interni", "300"),
        ("Riuso interno", "0"),
        ("Verso l&#x27;esterno", "740"),
    ]
    exchanges = html.split('data-testid="exchanges-matter"', 1)[1].split("</table>", 1)[0]
    assert f'<th scope="row">{BETA}</th><td>{ALFA}</td>' in exchanges
    # The closure ratios and the network metrics with their convention.
    closure = html.split('data-testid="closure-ratios"', 1)[1].split("</table>", 1)[0]
    assert "Chiusura del ciclo della materia" in closure and "0,53 %" in closure
    assert "95,33 %" in closure  # energy: 200 / 209.7925 MWh
    assert "28,85 %" in closure  # waste: 300 / 1,040 t
    others = html.split('data-testid="district-others"', 1)[1].split("</table>", 1)[0]
    assert "Connettanza" in others and "L / (N (N − 1))" in others and "0,33" in others


def test_pages_without_a_run_say_so(client_for, staff_user, db, small_district_text, monkeypatch):
    from ecodistrict_web.indicators import services

    monkeypatch.setattr(services, "compute_and_store", lambda *a, **k: 1 / 0)
    assert import_district(small_district_text, "small.yaml", replace=False).ok
    client = client_for(staff_user)
    for url in ("/indicators/positioning/", "/indicators/closure/"):
        html = client.get(url).content.decode()
        assert 'data-testid="no-run"' in html
    assert client.get("/indicators/positioning/export.csv").status_code == 404


def test_the_district_pages_in_english(client_for, staff_user, district):
    client = client_for(staff_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/indicators/positioning/").content.decode()
    assert "<h1>Positioning database</h1>" in html
    assert "Circular inflow" in html
    html = client.get("/indicators/closure/").content.decode()
    assert "<h1>Closure of the cycles</h1>" in html
    assert chart_data(html, "sankey-matter")["nodes"][0] == "From outside"
    assert chart_data(html, "sankey-matter")["separators"] == ".,"
    # The exports stay in Italian.
    csv_text = client.get("/indicators/positioning/export.csv").content.decode()
    assert csv_text.startswith(CSV_HEADER + "\r\n")
