"""axe-core (vendored) on the main pages, as each role, in headless Debian chromium: no serious
or critical violation.

The pages are those a visitor, a firm member, municipality staff and a facilitator use most.
On failure every violation is printed with its rule id, impact and the elements it names.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from ecodistrict_web.core.tests.browser import BROWSER_MARKS

pytestmark = BROWSER_MARKS

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
  }));
}"""


def session_cookie(user, url: str) -> dict[str, str]:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}


def pages_by_role(district, users) -> dict[str, list[str]]:
    alfa = district.companies.get(slug="ceramica-alfa").pk
    pages = {
        "anonymous": ["/", "/accounts/login/"],
        "firm": [
            "/companies/",
            f"/companies/{alfa}/",
            f"/indicators/companies/{alfa}/",
            "/matchmaking/",
            "/accounts/tokens/",
        ],
        "staff": [
            "/companies/",
            f"/companies/{alfa}/",
            f"/companies/{alfa}/history/",
            "/indicators/positioning/",
            "/indicators/closure/",
            "/indicators/runs/",
            "/matchmaking/district/",
            "/matchmaking/exchanges/",
            "/accounts/grants/",
        ],
        "facilitator": ["/indicators/positioning/", "/matchmaking/district/"],
    }
    # Helper pages of the call for interest and the assessments, when installed.
    from django.urls import NoReverseMatch, reverse

    for role, name in (
        ("anonymous", "intake:call"),
        ("anonymous", "intake:register"),
        ("staff", "intake:list"),
        ("staff", "assessments:list"),
    ):
        with contextlib.suppress(NoReverseMatch):
            pages[role].append(reverse(name))
    if "applicant" in users:
        assessment = users["applicant_assessment"]
        pages["applicant"] = [
            reverse("assessments:detail", kwargs={"pk": assessment.pk}),
            reverse("assessments:step", kwargs={"pk": assessment.pk, "name": "company"}),
        ]
        pages["staff"].append(reverse("assessments:detail", kwargs={"pk": assessment.pk}))
    return pages


def test_main_pages_have_no_serious_or_critical_violation(
    live_server, page, district, firm_user, staff_user, facilitator_user
):
    users = {"firm": firm_user, "staff": staff_user, "facilitator": facilitator_user}
    from django.apps import apps

    if apps.is_installed("ecodistrict_web.assessments"):
        from ecodistrict_web.assessments.tests.conftest import make_applicant

        users["applicant"], users["applicant_assessment"] = make_applicant(
            "giulia@secchia.example", "12345678903", district
        )
    problems: list[str] = []
    checked = 0
    for role, paths in pages_by_role(district, users).items():
        page.context.clear_cookies()
        if role in users:
            page.context.add_cookies([session_cookie(users[role], live_server.url)])
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, (role, path)
            page.add_script_tag(path=str(AXE))
            for violation in page.evaluate(RUN_AXE):
                if violation["impact"] in ("serious", "critical"):
                    problems.append(
                        f"{role} {path}: {violation['id']} ({violation['impact']}) "
                        f"{violation['help']} -> {violation['targets']}"
                    )
            checked += 1
    assert checked >= 18
    assert problems == [], "\n".join(problems)
