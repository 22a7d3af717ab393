"""End to end in headless Debian chromium: staff start a settlement from the form, the page
follows the run's progress by itself and then draws the lots map with the vendored Leaflet,
without tiles and without any request outside the platform."""

from __future__ import annotations

from ecodistrict_web.core.tests.browser import BROWSER_MARKS
from ecodistrict_web.selection.tests.conftest import CALL, LOTS

pytestmark = BROWSER_MARKS


def test_staff_start_a_settlement_and_see_the_lots_map(live_server, page, settings):
    from ecodistrict_web.accounts.services import create_user
    from ecodistrict_web.companies.services import import_district
    from ecodistrict_web.conftest import PASSWORD, SMALL_DISTRICT
    from ecodistrict_web.selection import services
    from ecodistrict_web.selection.models import RunStatus, SelectionRun

    settings.ECODISTRICT_TASKS_INLINE = True
    district = import_district(
        SMALL_DISTRICT.read_text(encoding="utf-8"), "small.yaml", replace=False
    ).district
    staff = create_user("staff@test.example", PASSWORD, "staff", email="staff@test.example")
    call = services.save_call_version(district, CALL, staff).version
    services.save_lots_version(district, LOTS, staff)

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
    page.get_by_label("Nome utente (e-mail)").fill("staff@test.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(live_server.url + "/")

    page.get_by_role("link", name="Selezione e insediamento", exact=True).first.click()
    page.wait_for_url(live_server.url + "/selection/")
    page.locator("#run-kind").select_option("settle")
    page.locator("#run-call").select_option(index=1)
    page.locator("#run-lots").select_option(index=1)
    page.locator("#run-time").fill("5")
    page.get_by_role("button", name="Avvia").click()
    page.wait_for_url("**/selection/runs/*/")
    # The page polls the status and reloads itself when the run is done.
    page.locator("[data-testid=settle-summary]").wait_for(timeout=60_000)
    run = SelectionRun.objects.get()
    assert run.status == RunStatus.DONE
    lots_map = page.locator("[data-lots-map][data-ready=true]")
    lots_map.wait_for(timeout=20_000)
    assert page.locator("[data-lots-map] path.leaflet-interactive").count() == 2
    assert page.locator("[data-lots-map] img.leaflet-tile").count() == 0
    labels = page.locator("[data-lots-map] .lot-label").all_inner_texts()
    assert sorted(labels) == [
        "lotto l1, 2.000 m²\nCeramica Beta S.r.l.",
        "lotto l2, 1.000 m²\nlibero",
    ]
    assert outside == []

    # The exchange network: map and Sankey drawn.
    page.goto(live_server.url + "/selection/")
    page.locator("#run-kind").select_option("optimize")
    page.get_by_role("button", name="Avvia").click()
    page.locator("[data-testid=network-summary]").wait_for(timeout=60_000)
    page.locator("[data-map=network-map][data-ready=true]").wait_for(timeout=20_000)
    page.locator("[data-chart=sankey-material] .sankey").wait_for(timeout=20_000)
    network_url = page.url

    # axe-core: no serious or critical violation on the run pages and the index.
    from ecodistrict_web.core.tests.test_accessibility import AXE, RUN_AXE

    problems = []
    for path in (
        f"/selection/runs/{run.pk}/",
        network_url.removeprefix(live_server.url),
        "/selection/",
        f"/selection/call/{call.pk}/",
    ):
        page.goto(live_server.url + path)
        page.add_script_tag(path=str(AXE))
        problems += [
            f"{path}: {v['id']} ({v['impact']}) {v['help']} -> {v['targets']}"
            for v in page.evaluate(RUN_AXE)
            if v["impact"] in ("serious", "critical")
        ]
    assert problems == [], "\n".join(problems)
