"""End to end in headless Debian chromium: a firm member opens "Modelli operativi", copies the
declared profile into a scenario, adds a new supplier of secondary raw material through the
accordion of measures, computes, and reads the circular inflow before and after (0,53 → 0,71)."""

from __future__ import annotations

from ecodistrict_web.conftest import PASSWORD
from ecodistrict_web.core.tests.browser import BROWSER_MARKS

pytestmark = BROWSER_MARKS


def test_a_firm_member_co_designs_a_scenario(live_server, page, firm_user):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nome utente (e-mail)").fill(firm_user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(live_server.url + "/")

    page.get_by_role("link", name="Modelli operativi").first.click()
    page.wait_for_url(live_server.url + "/scenarios/")
    page.get_by_label("Nome", exact=True).fill("Alfa con materia prima seconda")
    page.get_by_role("button", name="Copia i dati dichiarati in un nuovo scenario").click()
    page.wait_for_url(f"{live_server.url}/scenarios/*/")
    assert page.locator("h1").inner_text() == "Alfa con materia prima seconda"

    page.get_by_role("button", name="Un nuovo fornitore di materia prima seconda").click()
    form = page.locator("[data-testid=measure-secondary-supplier]")
    form.wait_for(state="visible")
    form.get_by_label("Materia in ingresso che sostituisce").select_option("ceramica-alfa::clays")
    form.get_by_label("Quantità sostituita (nell'unità di quell'ingresso)").fill("100")
    form.get_by_label("Materia prima seconda").fill("Fanghi ceramici essiccati")
    form.get_by_label("Origine").select_option("by-product")
    form.get_by_role("button", name="Aggiungi allo scenario").click()
    page.locator("[data-testid=changes] tbody tr").nth(1).wait_for()
    assert page.locator("[data-testid=changes] tbody tr").count() == 2

    page.get_by_role("button", name="Calcola prima e dopo").click()
    row = page.locator("[data-testid=indicators] tr[data-key=circular_inflow_pct]")
    row.wait_for()
    cells = row.locator("td")
    assert cells.all_inner_texts()[:2] == ["0,53", "0,71"]
    assert " ".join(cells.nth(2).text_content().split()) == "+0,18 (migliora)"
    assert "text-success" in cells.nth(2).get_attribute("class")
