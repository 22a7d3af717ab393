"""End to end in headless Debian chromium: a new firm opens the call, registers its interest,
verifies its e-mail from the link it receives, sets its password; staff invite it; the firm
fills the assessment through the forms (an input, an energy, a waste with its EWC code chosen
from the Italian autocomplete), submits it and sees its indicators; staff see it in the list and
validate it. Screenshots of the main pages go to artifacts/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

from django.core import mail

from ecodistrict_web.core.tests.browser import BROWSER_MARKS

pytestmark = BROWSER_MARKS

SCREENSHOTS = Path(__file__).resolve().parents[3] / "artifacts" / "screenshots"
PASSWORD = "Piastrelle-Formigine-2026"


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(base + "/")


def test_a_new_firm_from_the_call_to_validated_assessment(live_server, page):
    from ecodistrict_web.accounts.services import create_user
    from ecodistrict_web.assessments.models import AssessmentVersion
    from ecodistrict_web.intake.models import Interest

    base = live_server.url
    create_user("staff@comune.example", PASSWORD, "staff", email="staff@comune.example")

    # 1. The public call, then the expression of interest.
    page.goto(base + "/")
    page.locator("nav a[href='/call/']").click()
    page.wait_for_url(base + "/call/")
    assert "Smart Eco District di Formigine" in page.locator("h1").inner_text()
    _shot(page, "01-call")
    page.locator("[data-testid=register-link]").click()
    page.fill("#id_company_name", "Officine Secchia S.r.l.")
    page.fill("#id_vat_number", "12345678903")
    page.fill("#id_ateco", "25.62")
    page.fill("#id_contact_name", "Giulia Ferrari")
    page.fill("#id_email", "giulia@secchia.example")
    page.fill("#id_phone", "+39 059 123456")
    page.fill("#id_activity", "Lavorazioni meccaniche di precisione per macchine ceramiche.")
    page.fill("#id_space_m2", "2500")
    page.locator("label[for=id_consent]").click()
    assert page.is_checked("#id_consent")
    _shot(page, "02-register")
    page.locator("[data-testid=interest-form] button[type=submit]").click()
    page.locator("[data-testid=registered]").wait_for()

    # 2. The verification link from the e-mail; the first password.
    link = re.search(r"https?://\S+/call/verify/\S+/", mail.outbox[-1].body)
    assert link is not None
    page.goto(link.group(0))
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(base + "/call/mine/")
    assert page.locator("[data-testid=interest-status]").inner_text() == "verificata"

    # 3. Staff invite the firm (in their own browser context).
    staff_context = page.context.browser.new_context(locale="it-IT")
    staff = staff_context.new_page()
    _sign_in(staff, base, "staff@comune.example", PASSWORD)
    staff.goto(base + "/call/interests/")
    _shot(staff, "03-staff-interests")
    staff.locator("[data-testid=invite-12345678903]").click()
    staff.wait_for_url(base + "/call/interests/")
    interest = Interest.objects.get()
    assert interest.status == "invited"
    invitation = re.search(r"https?://\S+/assessments/\d+/", mail.outbox[-1].body)
    assert invitation is not None

    # 4. The firm fills the assessment step by step.
    page.goto(invitation.group(0))
    _shot(page, "04-assessment")
    page.locator("[data-testid=start]").click()
    page.fill("#id_employees", "18")
    page.fill("#id_revenue_eur", "3200000")
    page.fill("#id_lat", "44.5601")
    page.fill("#id_lon", "10.8322")
    _shot(page, "05-step-company")
    page.locator("[data-testid=step-form] button[type=submit]").click()
    page.wait_for_url("**/step/products/")

    page.locator("[data-testid=next-step]").click()
    page.wait_for_url("**/step/inputs/")
    page.fill("#id_description", "Acciaio in barre")
    page.fill("#id_quantity", "120")
    page.select_option("#id_unit", "t/yr")
    page.select_option("#id_origin", "recycled")
    page.fill("#id_source_distance_km", "12")
    page.locator("[data-testid=add-flow]").click()
    page.locator("[data-testid=flow-inputs-1]").wait_for()

    page.locator("[data-testid=next-step]").click()
    page.wait_for_url("**/step/energy/")
    page.fill("#id_description", "Energia elettrica")
    page.fill("#id_quantity", "400")
    page.select_option("#id_unit", "MWh/yr")
    page.select_option("#id_origin", "renewable")
    page.locator("[data-testid=add-flow]").click()
    page.locator("[data-testid=flow-energy-1]").wait_for()

    page.locator("[data-testid=next-step]").click()
    page.wait_for_url("**/step/outputs/")
    page.fill("#id_description", "Trucioli di acciaio")
    page.locator("#id_ewc").press_sequentially("trucioli metalli ferrosi", delay=20)
    page.locator("#id_ewc[data-suggestions]").wait_for(state="attached")
    option = page.locator("#ewc-options option").first
    choice = option.get_attribute("value")
    assert choice == "12 01 01 – limatura e trucioli di metalli ferrosi"
    page.fill("#id_ewc", choice)
    page.select_option("#id_legal_status", "waste")
    page.select_option("#id_destination", "recycling")
    page.fill("#id_quantity", "30")
    page.select_option("#id_unit", "t/yr")
    _shot(page, "06-step-outputs")
    page.locator("[data-testid=add-flow]").click()
    page.locator("[data-testid=flow-outputs-1]").wait_for()
    assert "EER 12 01 01" in page.locator("[data-testid=flow-outputs-1]").inner_text()

    # 5. Review and submit; the indicators appear.
    page.goto(page.url.replace("/step/outputs/", "/step/review/"))
    _shot(page, "07-step-review")
    page.locator("[data-testid=submit]").click()
    page.locator("[data-testid=indicators-circular_performance]").wait_for()
    assert page.locator("[data-testid=indicator-circular_inflow_pct] td").nth(1).inner_text() == (
        "100,0"
    )
    _shot(page, "08-indicators")

    # 6. Staff see it in the list and validate it.
    staff.goto(base + "/assessments/")
    staff.locator("[data-testid=versions-list]").get_by_role(
        "link", name="Officine Secchia S.r.l."
    ).click()
    staff.select_option("#id_decision", "validated")
    _shot(staff, "09-staff-review")
    staff.locator("[data-testid=review-submit]").click()
    staff.locator("[data-testid=versions]").wait_for()
    version = AssessmentVersion.objects.get()
    assert (version.number, version.review_status, version.reviewed_by.username) == (
        1,
        "validated",
        "staff@comune.example",
    )
    staff_context.close()
