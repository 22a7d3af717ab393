"""End to end in headless Debian chromium: the demo staff member opens "Abbinamenti" and the
district map is drawn by the vendored Leaflet, firms as markers and matches as lines, without
tiles and without any request outside the platform."""

from __future__ import annotations

import io

from ecodistrict_web.core.tests.browser import BROWSER_MARKS

pytestmark = BROWSER_MARKS


def test_staff_see_the_district_map_of_the_matches(live_server, page):
    from ecodistrict_web import commands
    from ecodistrict_web.companies.models import Company
    from ecodistrict_web.matchmaking.models import MatchProposal

    assert commands.load_demo(io.StringIO()) is True
    firms = Company.objects.count()
    water = MatchProposal.objects.filter(kind="water").count()
    assert firms == 30 and water > 0

    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((live_server.url, "data:"))
            else None
        ),
    )
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nome utente (e-mail)").fill("staff@demo.ecodistrict")
    page.get_by_label("Password").fill("demo-staff-2026")
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(live_server.url + "/")

    page.get_by_role("link", name="Abbinamenti", exact=True).first.click()
    page.wait_for_url(live_server.url + "/matchmaking/district/")
    assert page.locator("h1").inner_text() == "Abbinamenti"

    map_element = page.locator("[data-testid=match-map]")
    map_element.wait_for(state="visible", timeout=20_000)
    page.locator("[data-testid=match-map][data-ready=true]").wait_for(timeout=20_000)
    assert "leaflet-container" in (map_element.get_attribute("class") or "")
    # No tiles configured: no tile layer, a plain background.
    assert page.locator("[data-testid=match-map] img.leaflet-tile").count() == 0
    # Firms are circle markers: SVG paths with the class leaflet-interactive (30 firms), drawn
    # over the lines of the matches (interactive too, for their tooltips).
    markers = page.locator("[data-testid=match-map] path.leaflet-interactive")
    total = MatchProposal.objects.count()
    assert markers.count() == firms + total

    # Filter by kind: the map keeps the firms and draws only the water matches.
    page.get_by_label("Tipo").select_option("water")
    page.get_by_role("button", name="Filtra").click()
    page.wait_for_url("**kind=water**")
    page.locator("[data-testid=match-map][data-ready=true]").wait_for(timeout=20_000)
    assert markers.count() == firms + water
    rows = page.locator("[data-testid=matches-table] tbody tr[data-testid=match-row]")
    assert rows.count() == water
    assert outside == []  # Leaflet is served by the platform, no tile or CDN request
