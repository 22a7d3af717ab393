"""One end-to-end run in headless Debian chromium: home, sign in as staff, the companies page."""

from __future__ import annotations

import io

from ecodistrict_web.core.tests.browser import BROWSER_MARKS

pytestmark = BROWSER_MARKS


def test_staff_signs_in_and_sees_the_demo_companies(live_server, page):
    from ecodistrict_web import commands
    from ecodistrict_web.companies.models import Company

    assert commands.load_demo(io.StringIO()) is True
    names = list(Company.objects.order_by("name").values_list("name", flat=True))
    assert len(names) >= 3

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "it"
    assert page.locator(".it-brand-title").inner_text() == "Comune di Formigine"
    assert (
        "Dati illustrativi – aziende fittizie"
        in page.locator("[data-testid=district-notice]").inner_text()
    )
    # The vendored stylesheet is applied (Bootstrap Italia's header background).
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('.it-header-slim-wrapper')).backgroundColor"
        )
        != "rgba(0, 0, 0, 0)"
    )

    page.get_by_role("link", name="Accedi").first.click()
    page.get_by_label("Nome utente (e-mail)").fill("staff@demo.ecodistrict")
    page.get_by_label("Password").fill("demo-staff-2026")
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(live_server.url + "/")
    assert "staff@demo.ecodistrict" in page.locator("[data-testid=signed-in-as]").inner_text()

    page.get_by_role("link", name="Imprese", exact=True).first.click()
    page.wait_for_url(live_server.url + "/companies/")
    rows = page.locator("[data-testid=companies-table] tbody th[scope=row]")
    assert rows.all_inner_texts() == names
