"""End to end in headless Debian chromium: the demo firm member opens "I miei indicatori" and the
radar chart is drawn by the vendored plotly.js (no network)."""

from __future__ import annotations

import io

from ecodistrict_web.core.tests.browser import BROWSER_MARKS

pytestmark = BROWSER_MARKS


def test_the_demo_firm_member_sees_the_radar_chart(live_server, page):
    from ecodistrict_web import commands
    from ecodistrict_web.accounts.models import User

    assert commands.load_demo(io.StringIO()) is True
    firm = User.objects.get(username="firm@demo.ecodistrict").memberships.get().company

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
    page.get_by_label("Nome utente (e-mail)").fill("firm@demo.ecodistrict")
    page.get_by_label("Password").fill("demo-firm-2026")
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(live_server.url + "/")

    page.get_by_role("link", name="I miei indicatori").first.click()
    page.wait_for_url(f"{live_server.url}/indicators/companies/{firm.pk}/")
    assert page.locator("h1").inner_text() == f"Indicatori di {firm.name}"

    chart = page.locator("[data-chart=radar-data].js-plotly-plot")
    chart.wait_for(state="visible", timeout=20_000)
    # Three traces drawn on the polar axes: the firm, the anonymised median, the targets.
    assert page.locator("[data-chart=radar-data] .scatterlayer .trace").count() == 3
    legend = page.locator("[data-chart=radar-data] .legendtext").all_text_contents()
    assert legend == [firm.name, "Mediana delle altre imprese (anonima)", "Obiettivo del distretto"]
    assert outside == []  # plotly.js is served by the platform, nothing from a CDN
