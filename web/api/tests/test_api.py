"""The JSON API: authentication, the same scoping as the pages, JSON errors."""

from __future__ import annotations

import pytest
from django.test import Client

from ecodistrict_web.accounts.models import ApiToken
from ecodistrict_web.accounts.services import create_api_token, revoke_api_token

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


def test_anonymous_gets_a_json_401(district):
    response = Client().get("/api/companies")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "detail": "Authentication required: sign in, or send 'Authorization: Bearer <token>'."
    }


def test_the_openapi_schema_and_docs_are_served():
    schema = Client().get("/api/openapi.json").json()
    assert sorted(schema["paths"]) == [
        "/api/assessments",
        "/api/assessments/{pk}",
        "/api/companies",
        "/api/companies/{pk}",
        "/api/companies/{pk}/indicators",
        "/api/companies/{pk}/matches",
        "/api/districts/{pk}/indicators",
        "/api/flows",
    ]
    docs = Client().get("/api/docs")
    assert docs.status_code == 200
    assert b"/static/ninja/swagger-ui-bundle.js" in docs.content  # served here, no CDN


def test_a_firm_sees_only_its_own_company(district, firm_user, bearer):
    client = Client()
    headers = bearer(firm_user)
    assert names(client.get("/api/companies", **headers)) == ["Ceramica Alfa S.p.A."]
    beta = district.companies.get(slug="ceramica-beta")
    response = client.get(f"/api/companies/{beta.pk}", **headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "No such company, or you may not see it."}
    assert client.get(f"/api/flows?company={beta.pk}", **headers).json() == {
        "items": [],
        "count": 0,
    }


def test_staff_and_facilitators_by_grant(
    district, staff_user, facilitator_user, ungranted_facilitator, bearer
):
    client = Client()
    every = ["Ceramica Alfa S.p.A.", "Ceramica Beta S.r.l.", "Serrature Gamma S.r.l."]
    assert names(client.get("/api/companies", **bearer(staff_user))) == every
    assert names(client.get("/api/companies", **bearer(facilitator_user))) == every
    assert names(client.get("/api/companies", **bearer(ungranted_facilitator))) == []


def test_company_detail_and_flows(district, firm_user, bearer):
    alfa = district.companies.get(slug="ceramica-alfa")
    client = Client()
    headers = bearer(firm_user)
    detail = client.get(f"/api/companies/{alfa.pk}", **headers).json()
    assert detail["slug"] == "ceramica-alfa"
    assert detail["location"] == {"lat": 44.5822, "lon": 10.8233}
    assert detail["district"]["name"] == "Test district (web)"
    flows = client.get(f"/api/flows?company={alfa.pk}", **headers).json()
    assert [flow["slug"] for flow in flows["items"]][:3] == [
        "clays",
        "natural-gas",
        "recycled-scrap",
    ]
    recycled = next(f for f in flows["items"] if f["slug"] == "recycled-scrap")
    # The supplier (Ceramica Beta) is another firm: its flow is not named to Alfa's member.
    assert recycled["supplied_by_id"] is None


def test_indicators_of_a_company_and_of_the_district(district, firm_user, staff_user, bearer):
    alfa = district.companies.get(slug="ceramica-alfa")
    client = Client()
    mine = client.get(f"/api/companies/{alfa.pk}/indicators", **bearer(firm_user)).json()
    assert mine["run_id"] is not None
    values = {row["key"]: row["value"] for row in mine["indicators"]}
    assert "circular_inflow_pct" in values
    # Firm members do not read the district's run (every firm's values).
    refused = client.get(f"/api/districts/{district.pk}/indicators", **bearer(firm_user))
    assert refused.status_code == 404
    whole = client.get(f"/api/districts/{district.pk}/indicators", **bearer(staff_user)).json()
    assert sorted(whole["companies"]) == ["ceramica-alfa", "ceramica-beta", "serrature-gamma"]
    assert (
        whole["companies"]["ceramica-alfa"]["circular_inflow_pct"] == values["circular_inflow_pct"]
    )


def test_tokens_hashed_revocable_and_refused_once_revoked(district, firm_user):
    new = create_api_token(firm_user, "script")
    stored = ApiToken.objects.get()
    assert new.secret.startswith("eco_")
    assert stored.token_sha256 != new.secret and new.secret not in stored.token_sha256
    assert len(stored.token_sha256) == 64
    client = Client()
    auth = {"HTTP_AUTHORIZATION": "Bearer " + new.secret}
    assert client.get("/api/companies", **auth).status_code == 200
    revoke_api_token(stored)
    assert client.get("/api/companies", **auth).status_code == 401
    bogus = {"HTTP_AUTHORIZATION": "Bearer eco_not-a-token"}
    assert client.get("/api/companies", **bogus).status_code == 401


def test_an_inactive_users_token_is_refused(district, firm_user, bearer):
    headers = bearer(firm_user)
    firm_user.is_active = False
    firm_user.save()
    assert Client().get("/api/companies", **headers).status_code == 401


def test_session_authentication(district, client_for, firm_user):
    response = client_for(firm_user).get("/api/companies")
    assert response.status_code == 200
    assert names(response) == ["Ceramica Alfa S.p.A."]


@pytest.mark.parametrize(
    "path",
    ["/api/companies/0", "/api/companies/99999999999999999999999", "/api/flows?company=abc"],
)
def test_bad_ids_are_a_json_422(district, staff_user, bearer, path):
    response = Client().get(path, **bearer(staff_user))
    assert response.status_code == 422
    assert response.json()["detail"] == "Invalid request."
    assert response.json()["problems"][0]["place"] in ("path.pk", "query.company")


def test_the_token_page_shows_a_new_token_once(client_for, firm_user):
    client = client_for(firm_user)
    response = client.post("/accounts/tokens/", {"name": "my script"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("eco_")
    assert secret not in client.get("/accounts/tokens/").content.decode()
    token = ApiToken.objects.get(user=firm_user)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_token_cannot_be_revoked_by_someone_else(client_for, firm_user, staff_user):
    token = create_api_token(firm_user, "mine").token
    assert client_for(staff_user).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_command_creates_a_token(district, firm_user):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("create_api_token", firm_user.username, "--name", "cron", stdout=out)
    secret = out.getvalue().strip()
    response = Client().get("/api/companies", HTTP_AUTHORIZATION="Bearer " + secret)
    assert names(response) == ["Ceramica Alfa S.p.A."]
    assert ApiToken.objects.get().name == "cron"


def test_matches_as_the_firm_page_shows_them(district, firm_user, staff_user, bearer):
    from ecodistrict_web.matchmaking.models import MatchProposal
    from ecodistrict_web.matchmaking.selectors import firm_matches_page

    alfa = district.companies.get(slug="ceramica-alfa")
    client = Client()
    mine = client.get(f"/api/companies/{alfa.pk}/matches", **bearer(firm_user)).json()
    (section,) = firm_matches_page(firm_user, "it")
    expected = [row.pk for row in [*section.as_supplier, *section.as_receiver]]
    assert [match["id"] for match in mine["matches"]] == expected
    assert expected, "the test district gives Alfa matches"
    # Nobody expressed interest: no partner is named to the firm.
    assert {(m["disclosed"], m["partner_name"], m["partner_flow"]) for m in mine["matches"]} == {
        (False, "", "")
    }
    for match in mine["matches"]:
        proposal = MatchProposal.objects.get(pk=match["id"])
        partner = proposal.receiver_name if match["side"] == "supplier" else proposal.supplier_name
        assert partner not in str(match)
    full = client.get(f"/api/companies/{alfa.pk}/matches", **bearer(staff_user)).json()
    assert sorted(m["id"] for m in full["matches"]) == sorted(expected)
    assert all(m["partner_name"] for m in full["matches"])


def test_assessments_by_role(district, staff_user, facilitator_user, bearer):
    from ecodistrict_web.assessments.tests.conftest import make_applicant

    giulia, own = make_applicant("giulia@secchia.example", "12345678903", district)
    _mario, other = make_applicant("mario@panaro.example", "01234567897", district)
    client = Client()
    mine = client.get("/api/assessments", **bearer(giulia)).json()
    assert [row["id"] for row in mine["items"]] == [own.pk]
    assert mine["items"][0]["status"] == "draft"
    assert client.get(f"/api/assessments/{other.pk}", **bearer(giulia)).status_code == 404
    detail = client.get(f"/api/assessments/{own.pk}", **bearer(giulia)).json()
    assert detail["company_key"] == own.company_key
    assert detail["draft"] == own.draft
    assert detail["versions"] == [] and detail["indicators"] == {}
    for user in (staff_user, facilitator_user):
        rows = client.get("/api/assessments", **bearer(user)).json()["items"]
        assert sorted(row["id"] for row in rows) == sorted([own.pk, other.pk])


def test_a_bug_is_a_json_500_without_internals(district, staff_user, bearer, monkeypatch):
    from ecodistrict_web.api import selectors

    def broken(user):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "companies", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/api/companies", **bearer(staff_user))
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal error: the operators have been told."}
    assert b"secret internals" not in response.content


def test_pages_are_read_in_the_database_and_a_huge_offset_is_an_empty_page(
    district, staff_user, bearer
):
    client = Client()
    headers = bearer(staff_user)
    every = client.get("/api/flows?limit=1000", **headers).json()
    second = client.get("/api/flows?limit=2&offset=2", **headers).json()
    assert second["count"] == every["count"]
    assert [f["slug"] for f in second["items"]] == [f["slug"] for f in every["items"][2:4]]
    # An offset beyond any 64-bit integer (found by Schemathesis): no rows, not a 500.
    huge = client.get("/api/flows?limit=9619&offset=2677684996859325479111268237312", **headers)
    assert huge.status_code == 200
    assert huge.json() == {"items": [], "count": every["count"]}
