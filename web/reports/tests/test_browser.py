"""End to end in headless Debian chromium: a firm member of the small district asks for the
positioning report of their firm from the "Rapporti" page in Italian, the request's page reloads
itself until the report is ready (inline background thread), and the PDF downloads."""

from __future__ import annotations

import pytest

from ecodistrict_web.core.tests.browser import BROWSER_MARKS
from ecodistrict_web.core.tests.test_accessibility import AXE, RUN_AXE

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True)]


def test_firm_member_requests_and_downloads_its_report(
    live_server, page, firm_user, settings, tmp_path
):
    from ecodistrict_web.conftest import PASSWORD

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ECODISTRICT_TASKS_INLINE = True
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nome utente (e-mail)").fill(firm_user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(live_server.url + "/")

    page.get_by_role("link", name="Rapporti").first.click()
    page.wait_for_url(live_server.url + "/reports/")
    page.add_script_tag(path=str(AXE))
    serious = [v for v in page.evaluate(RUN_AXE) if v["impact"] in ("serious", "critical")]
    assert serious == []
    options = page.locator("#report-company option").all_text_contents()
    assert options == ["Ceramica Alfa S.p.A. (Test district (web))"]
    page.get_by_test_id("company-report-form").get_by_role(
        "button", name="Genera il rapporto"
    ).click()

    download_link = page.get_by_test_id("report-download")
    download_link.wait_for(state="visible", timeout=60_000)  # after one or more reloads
    with page.expect_download() as info:
        download_link.click()
    path = info.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert info.value.suggested_filename.startswith("report-ceramica-alfa-")
