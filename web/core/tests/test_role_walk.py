"""The role walk: every URL of the project, and every API endpoint, requested by every role.

The URL patterns are enumerated from the resolver (so a new page cannot be forgotten: a name
missing from ``EXPECTED`` fails the test, asking for its row). Each is requested with GET and
POST by an anonymous visitor, a member of firm 1 (Serrature Gamma), municipality staff, a
facilitator granted the district and a facilitator without grants. Ids are filled with rows
that belong to a second firm (Ceramica Beta, and its match and exchange with Ceramica Alfa) or
to the district, so that what firm 1's member gets is what they get for someone else's data.
Each request runs in a transaction rolled back afterwards (the requests do not disturb each
other); a refused request must leave the database as it found it, and no page given to an
outsider (anonymous, firm 1, a facilitator without grants) may name Alfa or Beta.

Expected codes: 200/201/302/400/403/404/405/401/422, "login" (a redirect to the sign-in page).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "firm", "staff", "facilitator", "facilitator without grant")
#: Tables whose content a refused request must not change.
WATCHED = (
    "companies.District",
    "companies.Company",
    "companies.Site",
    "companies.Flow",
    "accounts.User",
    "accounts.Membership",
    "accounts.FacilitatorGrant",
    "accounts.ApiToken",
    "indicators.IndicatorSetVersion",
    "indicators.IndicatorRun",
    "matchmaking.MatchRun",
    "matchmaking.MatchProposal",
    "matchmaking.ProposedExchange",
    "intake.Interest",
    "assessments.Assessment",
    "assessments.AssessmentVersion",
    "scenarios.Scenario",
    "reports.ReportRequest",
    "selection.SelectionRun",
    "selection.CallVersion",
    "selection.LotsVersion",
    "commitments.CharterVersion",
    "commitments.Signature",
    "commitments.Commitment",
)
#: Admin pages: the site is one gate (staff only); a sample of its pages is walked.
ADMIN_SAMPLE = (
    "admin:index",
    "admin:companies_company_changelist",
    "admin:companies_company_change",
)

#: Apps whose URLs are walked with ids no row has (their rows are not built by the walk yet).
PLACEHOLDER_APPS: tuple[str, ...] = ()
MISSING_ID = 999999
PLACEHOLDER = {"file_kind": "call", "measure": "walk", "slug": "walk", "name": "walk"}

#: Roles that must never see the names of Alfa and Beta (firm 1 is Gamma).
OUTSIDERS = ("anonymous", "firm", "facilitator without grant")
OTHER_FIRMS = ("Ceramica Alfa", "Ceramica Beta")
#: Public pages that may name firms: none today (the OpenAPI documents name no firm either).
PUBLIC_DOCUMENTS: tuple[str, ...] = ()

# (GET anonymous, firm, staff, facilitator, facilitator without grant), then the same for POST.
L = "login"
EXPECTED: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]] = {
    "accounts:grant_withdraw": ((L, 405, 405, 405, 405), (L, 404, 302, 404, 404)),
    "accounts:grants": ((L, 403, 200, 403, 403), (L, 403, 400, 403, 403)),
    "accounts:login": ((200, 302, 302, 302, 302), (200, 302, 302, 302, 302)),
    "accounts:logout": ((405, 405, 405, 405, 405), (302, 302, 302, 302, 302)),
    "accounts:token_revoke": ((L, 405, 405, 405, 405), (L, 404, 404, 404, 404)),
    "accounts:tokens": ((L, 200, 200, 200, 200), (L, 200, 200, 200, 200)),
    "admin:companies_company_change": ((L, L, 200, L, L), (L, L, 200, L, L)),
    "admin:companies_company_changelist": ((L, L, 200, L, L), (L, L, 200, L, L)),
    "admin:index": ((L, L, 200, L, L), (L, L, 200, L, L)),
    "api:api-root": ((404, 404, 404, 404, 404), (404, 404, 404, 404, 404)),
    "api:get_assessment": ((401, 404, 200, 200, 404), (405, 405, 405, 405, 405)),
    "api:list_assessments": ((401, 200, 200, 200, 200), (405, 405, 405, 405, 405)),
    "api:get_company": ((401, 404, 200, 200, 404), (405, 405, 405, 405, 405)),
    "api:get_company_indicators": ((401, 404, 200, 200, 404), (405, 405, 405, 405, 405)),
    "api:get_company_matches": ((401, 404, 200, 200, 404), (405, 405, 405, 405, 405)),
    "api:get_district_indicators": ((401, 404, 200, 200, 404), (405, 405, 405, 405, 405)),
    "api:list_companies": ((401, 200, 200, 200, 200), (405, 405, 405, 405, 405)),
    "api:list_flows": ((401, 200, 200, 200, 200), (405, 405, 405, 405, 405)),
    "api:openapi-json": ((200, 200, 200, 200, 200), (200, 200, 200, 200, 200)),
    "api:openapi-view": ((200, 200, 200, 200, 200), (200, 200, 200, 200, 200)),
    "assessments:detail": ((L, 404, 200, 200, 404), (L, 404, 200, 200, 404)),
    "assessments:ewc": ((L, 200, 200, 200, 200), (L, 405, 405, 405, 405)),
    "assessments:list": ((L, 200, 200, 200, 200), (L, 200, 200, 200, 200)),
    "assessments:new_version": ((L, 405, 405, 405, 405), (L, 404, 302, 404, 404)),
    "assessments:review": ((L, 405, 405, 405, 405), (L, 403, 404, 404, 404)),
    "assessments:step": ((L, 404, 200, 200, 404), (L, 404, 400, 404, 404)),
    "assessments:submit": ((L, 405, 405, 405, 405), (L, 404, 302, 404, 404)),
    "assessments:template": ((L, 404, 200, 200, 404), (L, 405, 405, 405, 405)),
    "assessments:upload": ((L, 405, 405, 405, 405), (L, 404, 302, 404, 404)),
    "companies:detail": ((L, 404, 200, 200, 404), (L, 404, 200, 200, 404)),
    "companies:history": ((L, 404, 200, 404, 404), (L, 404, 200, 404, 404)),
    "companies:flow_edit": ((L, 404, 200, 404, 404), (L, 404, 200, 404, 404)),
    "companies:import": ((L, 403, 200, 403, 403), (L, 403, 302, 403, 403)),
    "companies:list": ((L, 200, 200, 200, 200), (L, 200, 200, 200, 200)),
    "core:home": ((200, 200, 200, 200, 200), (200, 200, 200, 200, 200)),
    "indicators:closure": ((L, 403, 200, 200, 200), (L, 403, 200, 200, 200)),
    "indicators:company": ((L, 404, 200, 200, 404), (L, 404, 200, 200, 404)),
    "indicators:mine": ((L, 302, 200, 200, 200), (L, 302, 200, 200, 200)),
    "indicators:positioning": ((L, 403, 200, 200, 200), (L, 403, 200, 200, 200)),
    "indicators:positioning_csv": ((L, 403, 200, 200, 404), (L, 403, 200, 200, 404)),
    "indicators:positioning_xlsx": ((L, 403, 200, 200, 404), (L, 403, 200, 200, 404)),
    "indicators:recompute": ((L, 405, 405, 405, 405), (L, 403, 302, 403, 403)),
    "indicators:run_document": ((L, 403, 200, 200, 404), (L, 403, 200, 200, 404)),
    "indicators:runs": ((L, 403, 200, 200, 200), (L, 403, 200, 200, 200)),
    "indicators:set_detail": ((L, 200, 200, 200, 200), (L, 200, 200, 200, 200)),
    "indicators:set_list": ((L, 200, 200, 200, 200), (L, 200, 200, 200, 200)),
    "indicators:set_new": ((L, 403, 200, 403, 403), (L, 403, 400, 403, 403)),
    "indicators:set_publish": ((L, 405, 405, 405, 405), (L, 403, 302, 403, 403)),
    "indicators:set_yaml": ((L, 200, 200, 200, 200), (L, 200, 200, 200, 200)),
    "intake:call": ((200, 200, 200, 200, 200), (200, 200, 200, 200, 200)),
    "intake:invite": ((L, 405, 405, 405, 405), (L, 403, 302, 403, 403)),
    "intake:list": ((L, 403, 200, 200, 200), (L, 403, 200, 200, 200)),
    "intake:mine": ((L, 404, 404, 404, 404), (L, 404, 404, 404, 404)),
    "intake:privacy": ((200, 200, 200, 200, 200), (200, 200, 200, 200, 200)),
    "intake:register": ((200, 200, 200, 200, 200), (200, 200, 200, 200, 200)),
    "intake:verify": ((400, 400, 400, 400, 400), (400, 400, 400, 400, 400)),
    "matchmaking:district": ((L, 403, 200, 200, 200), (L, 403, 200, 200, 200)),
    "matchmaking:exchange_status": ((L, 405, 405, 405, 405), (L, 403, 302, 403, 403)),
    "matchmaking:exchanges": ((L, 403, 200, 200, 200), (L, 403, 200, 200, 200)),
    "matchmaking:interest": ((L, 405, 405, 405, 405), (L, 404, 403, 404, 404)),
    "matchmaking:mine": ((L, 200, 200, 200, 200), (L, 200, 200, 200, 200)),
    "matchmaking:proposal": ((L, 403, 200, 200, 404), (L, 403, 200, 200, 404)),
    "matchmaking:recompute": ((L, 405, 405, 405, 405), (L, 403, 302, 403, 403)),
    "matchmaking:run_document": ((L, 403, 200, 200, 404), (L, 403, 200, 200, 404)),
    "set_language": ((302, 302, 302, 302, 302), (302, 302, 302, 302, 302)),
    "commitments:all": ((L, 403, 200, 200, 200), (L, 403, 200, 200, 200)),
    "commitments:charter": ((200, 200, 200, 200, 200), (200, 200, 200, 200, 200)),
    "commitments:charter_version": ((200, 200, 200, 200, 200), (200, 200, 200, 200, 200)),
    "commitments:commit": ((L, 405, 405, 405, 405), (L, 404, 403, 403, 403)),
    "commitments:mine": ((L, 200, 403, 403, 403), (L, 200, 403, 403, 403)),
    "commitments:public": ((200, 200, 200, 200, 200), (200, 200, 200, 200, 200)),
    "commitments:publish": ((L, 403, 200, 403, 403), (L, 403, 400, 403, 403)),
    "commitments:sign": ((L, 405, 405, 405, 405), (L, 400, 403, 403, 403)),
    "reports:detail": ((L, 404, 404, 404, 404), (L, 405, 405, 405, 405)),
    "reports:download": ((L, 404, 404, 404, 404), (L, 405, 405, 405, 405)),
    "reports:index": ((L, 200, 200, 200, 200), (L, 405, 405, 405, 405)),
    "reports:request_company": ((L, 405, 405, 405, 405), (L, 302, 302, 302, 302)),
    "reports:request_district": ((L, 405, 405, 405, 405), (L, 302, 302, 302, 302)),
    "reports:request_open_data": ((L, 405, 405, 405, 405), (L, 302, 302, 302, 302)),
    "scenarios:add_measure": ((L, 405, 405, 405, 405), (L, 404, 404, 404, 404)),
    "scenarios:compute": ((L, 405, 405, 405, 405), (L, 404, 400, 400, 404)),
    "scenarios:create": ((L, 405, 405, 405, 405), (L, 400, 400, 400, 400)),
    "scenarios:delete": ((L, 405, 405, 405, 405), (L, 404, 302, 403, 404)),
    "scenarios:detail": ((L, 404, 200, 200, 404), (L, 404, 200, 200, 404)),
    "scenarios:list": ((L, 200, 200, 200, 200), (L, 200, 200, 200, 200)),
    "scenarios:remove_change": ((L, 405, 405, 405, 405), (L, 404, 400, 400, 404)),
    "selection:compare": ((L, 404, 200, 200, 404), (L, 404, 200, 200, 404)),
    "selection:file": ((L, 404, 200, 200, 404), (L, 404, 200, 200, 404)),
    "selection:file_edit": ((L, 404, 200, 403, 404), (L, 404, 200, 403, 404)),
    "selection:file_new": ((L, 404, 404, 403, 404), (L, 404, 404, 403, 404)),
    "selection:index": ((L, 404, 200, 200, 404), (L, 404, 200, 200, 404)),
    "selection:run": ((L, 404, 200, 200, 404), (L, 404, 200, 200, 404)),
    "selection:run_document": ((L, 404, 200, 200, 404), (L, 404, 200, 200, 404)),
    "selection:run_start": ((L, 405, 405, 405, 405), (L, 404, 404, 403, 404)),
    "selection:run_status": ((L, 404, 200, 200, 404), (L, 404, 200, 200, 404)),
}


def walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, inner)
        elif pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def checksum() -> str:
    digest = hashlib.sha256()
    for label in WATCHED:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        rows = model._default_manager.order_by("pk").values_list()
        digest.update(f"{label}:{list(rows)!r}".encode())
    return digest.hexdigest()


@pytest.fixture
def world(district, make_user, firm_user, staff_user, facilitator_user):
    """The rows the URLs are filled with, and a client per role."""
    from ecodistrict_web.accounts.services import create_api_token, grant_facilitator
    from ecodistrict_web.indicators.models import IndicatorRun, IndicatorSetVersion
    from ecodistrict_web.matchmaking.models import MatchProposal, MatchRun, ProposedExchange
    from ecodistrict_web.matchmaking.services import express_interest

    alfa = district.companies.get(slug="ceramica-alfa")
    beta = district.companies.get(slug="ceramica-beta")
    gamma = district.companies.get(slug="serrature-gamma")
    beta_user = make_user("beta@test.example", "firm", [beta])
    gamma_user = make_user("gamma@test.example", "firm", [gamma])
    ungranted = make_user("nogrant@test.example", "facilitator")
    other_facilitator = make_user("other-facilitator@test.example", "facilitator")
    grant = grant_facilitator(other_facilitator, company=beta, granted_by=staff_user)
    token = create_api_token(beta_user, "beta's script").token
    run = MatchRun.objects.filter(district=district).latest("created_at")
    # A match between Alfa and Beta that both found interesting (an exchange): none of the
    # business of firm 1 (Gamma).
    proposal = MatchProposal.objects.filter(run=run, supplier=alfa, receiver=beta).first()
    assert proposal is not None, "the test district has a match from Alfa to Beta"
    express_interest(proposal, firm_user, True)
    express_interest(proposal, beta_user, True)
    exchange = ProposedExchange.objects.first()
    assessment = None
    if apps.is_installed("ecodistrict_web.assessments"):
        from ecodistrict_web.assessments.tests.conftest import make_applicant

        _applicant, assessment = make_applicant("other@applicant.example", "12345678903", district)
    scenario = report = None
    if apps.is_installed("ecodistrict_web.scenarios"):
        from ecodistrict_web.scenarios.models import Scenario

        scenario = Scenario.objects.create(
            name="Beta's scenario",
            scope="company",
            district=district,
            district_name=district.name,
            company=beta,
            company_slug=beta.slug,
            base_data={},
            base_sha256="0" * 64,
        )
    if apps.is_installed("ecodistrict_web.reports"):
        from ecodistrict_web.reports.models import ReportRequest

        report = ReportRequest.objects.create(
            requested_by=beta_user, kind="company", district=district, company=beta
        )
    call_version = selection_run = None
    if apps.is_installed("ecodistrict_web.selection"):
        from ecodistrict_web.selection import services as selection_services
        from ecodistrict_web.selection.tests.conftest import CALL

        call_version = selection_services.save_call_version(district, CALL, staff_user).version
        # Queued inside the test's transaction: never started (no commit), a real row to walk.
        selection_run = selection_services.queue_run(
            district, "rank", staff_user, call_version=call_version
        )
    if apps.is_installed("ecodistrict_web.commitments"):
        from ecodistrict_web.commitments import services as commitment_services

        # Beta signs and commits: rows of the second firm that firm 1 (Gamma) must not reach.
        commitment_services.sign_charters(beta, beta_user, public_consent=False)
    users = {
        "anonymous": None,
        "firm": gamma_user,
        "staff": staff_user,
        "facilitator": facilitator_user,
        "facilitator without grant": ungranted,
    }
    clients = {}
    cookies = {}
    for role, user in users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        clients[role] = client
        saved = client.cookies.output(header="", sep=";")
        cookies[role] = lambda saved=saved: SimpleCookie(saved)
    return {
        "district": district,
        "alfa": alfa,
        "beta": beta,
        "grant": grant,
        "token": token,
        "indicator_run": IndicatorRun.objects.filter(district=district).latest("created_at"),
        "set_version": IndicatorSetVersion.objects.order_by("pk").first(),
        "match_run": run,
        "proposal": proposal,
        "exchange": exchange,
        "assessment": assessment,
        "scenario": scenario,
        "report": report,
        "call_version": call_version,
        "selection_run": selection_run,
        "clients": clients,
        "cookies": cookies,
        "small_district_text": (
            district.source_name and SMALL_DISTRICT_PATH.read_text(encoding="utf-8")
        ),
    }


from ecodistrict_web.conftest import SMALL_DISTRICT as SMALL_DISTRICT_PATH  # noqa: E402


def kwargs_for(name: str, pattern: URLPattern, w: dict[str, Any]) -> dict[str, Any]:
    """Real ids for a URL's converters: the second firm's rows, or the district's."""
    keys = set(pattern.pattern.converters) | set(pattern.pattern.regex.groupindex)
    if not keys:
        return {}
    beta, district = w["beta"], w["district"]
    assessment = w["assessment"]
    by_name: dict[str, dict[str, Any]] = {
        "accounts:grant_withdraw": {"pk": w["grant"].pk},
        "accounts:token_revoke": {"pk": w["token"].pk},
        "companies:detail": {"pk": beta.pk},
        "companies:history": {"pk": beta.pk},
        "companies:flow_edit": {"pk": beta.pk, "flow_pk": beta.flows.order_by("pk").first().pk},
        "indicators:company": {"pk": beta.pk},
        "indicators:run_document": {"pk": w["indicator_run"].pk},
        "indicators:set_detail": {"pk": w["set_version"].pk},
        "indicators:set_yaml": {"pk": w["set_version"].pk},
        "indicators:set_publish": {"pk": w["set_version"].pk},
        "matchmaking:interest": {"pk": w["proposal"].pk},
        "matchmaking:proposal": {"pk": w["proposal"].pk},
        "matchmaking:run_document": {"pk": w["match_run"].pk},
        "matchmaking:exchange_status": {"pk": w["exchange"].pk if w["exchange"] else 1},
        "api:get_company": {"pk": beta.pk},
        "api:get_company_indicators": {"pk": beta.pk},
        "api:get_company_matches": {"pk": beta.pk},
        "api:get_district_indicators": {"pk": district.pk},
        "api:get_assessment": {"pk": assessment.pk if assessment else 1},
        "intake:verify": {"uidb64": "MQ", "token": "not-a-token"},
        "intake:invite": {"pk": assessment.interest.pk if assessment else 1},
        "assessments:detail": {"pk": assessment.pk if assessment else 1},
        "assessments:step": {"pk": assessment.pk if assessment else 1, "name": "company"},
        "assessments:submit": {"pk": assessment.pk if assessment else 1},
        "assessments:new_version": {"pk": assessment.pk if assessment else 1},
        "assessments:review": {"pk": assessment.pk if assessment else 1, "number": 1},
        "assessments:template": {"pk": assessment.pk if assessment else 1},
        "assessments:upload": {"pk": assessment.pk if assessment else 1},
        "admin:companies_company_change": {"object_id": str(beta.pk)},
    }
    scenario, report = w["scenario"], w["report"]
    if scenario is not None:
        by_name |= {
            "scenarios:detail": {"pk": scenario.pk},
            "scenarios:add_measure": {"pk": scenario.pk, "measure": "walk"},
            "scenarios:remove_change": {"pk": scenario.pk, "index": 0},
            "scenarios:compute": {"pk": scenario.pk},
            "scenarios:delete": {"pk": scenario.pk},
        }
    if report is not None:
        by_name |= {
            "reports:detail": {"pk": report.pk},
            "reports:download": {"pk": report.pk},
        }
    if w["call_version"] is not None:
        by_name |= {
            "selection:file": {"file_kind": "call", "pk": w["call_version"].pk},
            "selection:file_edit": {"file_kind": "call", "pk": w["call_version"].pk},
            "selection:file_new": {"file_kind": "call"},
            "selection:run": {"pk": w["selection_run"].pk},
            "selection:run_status": {"pk": w["selection_run"].pk},
            "selection:run_document": {"pk": w["selection_run"].pk},
        }
    by_name |= {
        "commitments:charter": {"kind": "manifesto"},
        "commitments:charter_version": {"kind": "manifesto", "version": 1},
    }
    if name in by_name:
        return by_name[name]
    # Pages whose rows the walk does not build yet: an id no row has (every role must then get
    # a refusal or a 404, never a server error). Give them real rows here when their app is done.
    if name.split(":")[0] in PLACEHOLDER_APPS:
        return {key: PLACEHOLDER.get(key, MISSING_ID) for key in keys}
    raise AssertionError(f"the role walk does not know how to fill the ids of {name!r}")


def payload_for(name: str, w: dict[str, Any]) -> dict[str, Any]:
    """A plausible POST body: what the page's own form would send."""
    district = w["district"]
    return {
        "accounts:grants": {"facilitator": "", "district": district.pk},
        "accounts:tokens": {"name": "walk"},
        "companies:import": {
            "file": SimpleUploadedFile("small-district.yaml", w["small_district_text"].encode()),
            "replace": "on",
        },
        "indicators:recompute": {"district": district.pk},
        "matchmaking:recompute": {"district": district.pk},
        "matchmaking:interest": {"interested": "yes"},
        "matchmaking:exchange_status": {"status": "in-negotiation", "note": "walk"},
        "indicators:set_new": {"yaml_text": "", "action": "save"},
        "intake:invite": {},
        "assessments:step": {"name": "Walk S.r.l."},
        "assessments:review": {"decision": "validated", "comment": "walk"},
    }.get(name, {"field": "value"})


def outcome(response: Any) -> Any:
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return L
    if response.status_code == 302 and response["Location"].startswith("/admin/login/"):
        return L
    return response.status_code


def observe(
    w: dict[str, Any],
) -> tuple[dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]], list[str]]:
    results: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]] = {}
    changed: list[str] = []
    # Every request is rolled back, so the database is the same before each one.
    before = checksum()
    for name, pattern in walk(get_resolver().url_patterns):
        if name.startswith("admin:") and name not in ADMIN_SAMPLE:
            continue
        url = reverse(name, kwargs=kwargs_for(name, pattern, w))
        row: list[tuple[Any, ...]] = []
        for method in ("get", "post"):
            codes = []
            for role in ROLES:
                with transaction.atomic():
                    client = w["clients"][role]
                    # Sign-out clears the client's cookie; every request starts signed in again.
                    client.cookies = w["cookies"][role]()
                    if method == "get":
                        response = client.get(url)
                    else:
                        response = client.post(url, payload_for(name, w))
                    code = outcome(response)
                    if role in OUTSIDERS and code == 200 and name not in PUBLIC_DOCUMENTS:
                        body = b"".join(response) if response.streaming else response.content
                        for other in OTHER_FIRMS:
                            if other.encode() in body:
                                changed.append(f"{method.upper()} {url} as {role} shows {other}")
                    refused = code in (L, 400, 401, 403, 404, 405, 422)
                    if refused and checksum() != before:  # (each request is rolled back)
                        changed.append(f"{method.upper()} {url} as {role} -> {code}")
                    transaction.set_rollback(True)
                codes.append(code)
            row.append(tuple(codes))
        results[name] = (row[0], row[1])
    return results, changed


def test_every_url_and_endpoint_with_every_role(world, capsys):
    observed, changed = observe(world)
    unknown = sorted(set(observed) - set(EXPECTED))
    with capsys.disabled():
        if unknown:
            lines = [f"    {name!r}: {observed[name]!r}," for name in unknown]
            print("\nRows to classify (observed codes):\n" + "\n".join(lines))
            if os.environ.get("ROLE_WALK_ROWS"):
                Path(os.environ["ROLE_WALK_ROWS"]).write_text("\n".join(lines), encoding="utf-8")
    assert unknown == [], f"URL names missing from the role walk's table: {unknown}"
    assert changed == [], "refused requests changed the database, or a page leaked a firm"
    wrong = {
        name: {"expected": EXPECTED[name], "observed": observed[name]}
        for name in observed
        if observed[name] != EXPECTED[name]
    }
    assert wrong == {}, "\n".join(f"{n}: {v}" for n, v in wrong.items())
    assert sorted(set(EXPECTED) - set(observed)) == [], "rows for URLs that no longer exist"
