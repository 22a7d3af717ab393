"""The profiling assessment: steps validated by the district file's rules, submission and
versions, indicators, review, the Excel template, and the scoping of every page."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ecodistrict.io.excel_template import build_assessment_workbook
from ecodistrict_web.assessments.models import Assessment, AssessmentVersion
from ecodistrict_web.core.models import canonical_sha256

COMPANY_STEP = {
    "name": "Officine Secchia S.r.l.",
    "ateco": "25.62",
    "employees": "18",
    "revenue_eur": "3200000",
    "lat": "44.5601",
    "lon": "10.8322",
}
INPUT = {
    "action": "add",
    "kind": "material",
    "description": "Acciaio in barre",
    "quantity": "120",
    "unit": "t/yr",
    "origin": "recycled",
    "source_distance_km": "12",
}
ENERGY = {
    "action": "add",
    "direction": "in",
    "description": "Energia elettrica",
    "quantity": "400",
    "unit": "MWh/yr",
    "origin": "renewable",
}
WASTE = {
    "action": "add",
    "kind": "material",
    "description": "Trucioli di acciaio",
    "ewc": "12 01 01 – limatura e trucioli di metalli ferrosi",
    "legal_status": "waste",
    "destination": "recycling",
    "quantity": "30",
    "unit": "t/yr",
}


def _step(client, assessment, name, data):
    return client.post(reverse("assessments:step", args=[assessment.pk, name]), data)


def _fill(client, assessment):
    assert _step(client, assessment, "company", COMPANY_STEP).status_code == 302
    assert _step(client, assessment, "inputs", INPUT).status_code == 302
    assert _step(client, assessment, "energy", ENERGY).status_code == 302
    assert _step(client, assessment, "outputs", WASTE).status_code == 302


def test_steps_build_a_valid_company_of_the_district_file(applicant, client_for) -> None:
    user, assessment = applicant
    client = client_for(user)
    _fill(client, assessment)
    assessment.refresh_from_db()
    company = assessment.draft["company"]
    assert company["location"] == {"lat": 44.5601, "lon": 10.8322}
    assert (company["employees"], company["revenue_eur"]) == (18, 3200000.0)
    assert company["flows"] == [
        {
            "id": "inputs-1",
            "direction": "in",
            "kind": "material",
            "description": "Acciaio in barre",
            "quantity": 120.0,
            "unit": "t/yr",
            "origin": "recycled",
            "source_distance_km": 12.0,
        },
        {
            "id": "energy-1",
            "kind": "energy",
            "direction": "in",
            "description": "Energia elettrica",
            "quantity": 400.0,
            "unit": "MWh/yr",
            "origin": "renewable",
        },
        {
            "id": "outputs-1",
            "direction": "out",
            "kind": "material",
            "description": "Trucioli di acciaio",
            "ewc": "12 01 01",
            "legal_status": "waste",
            "destination": "recycling",
            "quantity": 30.0,
            "unit": "t/yr",
        },
    ]
    # Every change is in the audit history, with who made it.
    history = list(assessment.history.order_by("history_date"))
    assert len(history) == 5  # created + 4 steps
    assert {h.history_user for h in history[1:]} == {user}


def test_a_rule_of_the_district_file_is_shown_beside_its_field(applicant, client_for) -> None:
    user, assessment = applicant
    client = client_for(user)
    response = _step(client, assessment, "outputs", {**WASTE, "ewc": ""})  # a waste needs EWC
    assert response.status_code == 400
    assert 'data-testid="error-ewc"' in response.content.decode()
    response = _step(client, assessment, "outputs", {**WASTE, "ewc": "12 01 98"})
    assert response.status_code == 400
    assert (
        "EWC code &#x27;12 01 98&#x27; is not in the European List of Waste"
        in response.content.decode()
    )
    assessment.refresh_from_db()
    assert assessment.draft["company"]["flows"] == []


def test_ewc_autocomplete_in_italian(applicant, client_for) -> None:
    user, _assessment = applicant
    response = client_for(user).get(reverse("assessments:ewc"), {"q": "12 01 01"})
    assert response.json() == {
        "results": [
            {"code": "12 01 01", "label": "12 01 01 – limatura e trucioli di metalli ferrosi"}
        ]
    }


def test_submit_locks_stores_a_version_and_shows_indicators(applicant, client_for) -> None:
    user, assessment = applicant
    client = client_for(user)
    _fill(client, assessment)
    response = client.post(reverse("assessments:submit", args=[assessment.pk]))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    version = AssessmentVersion.objects.get()
    assert (version.number, version.submitted_by, version.review_status) == (1, user, "pending")
    assert version.snapshot == assessment.draft
    assert version.snapshot_sha256 == canonical_sha256(assessment.draft)
    values = {row["key"]: row["value"] for row in version.indicators["rows"]}
    # 120 t recycled of 120 t material in; 30 t recycled of 30 t out; 400 MWh renewable.
    assert values["circular_inflow_pct"] == 100.0
    assert values["circular_outflow_pct"] == 100.0
    assert values["renewable_energy_pct"] == 100.0
    assert values["local_inflow_pct"] == 100.0  # 12 km, within the district's radius
    assert version.indicators["indicator_set"].startswith("formigine-2026")
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert 'data-testid="indicators-circular_performance"' in page
    assert 'data-testid="indicators-territorial_integration"' in page
    assert 'data-testid="indicators-industrial_symbiosis"' in page
    assert "Dati dichiarati nella versione 1" in page
    assert "EER 12 01 01 – limatura e trucioli di metalli ferrosi" in page
    # Locked: a further change is refused and changes nothing.
    response = _step(client, assessment, "inputs", INPUT)
    assert "inviato e bloccato" in response.content.decode()
    assessment.refresh_from_db()
    assert len(assessment.draft["company"]["flows"]) == 3


def test_an_incomplete_draft_is_not_submitted(applicant, client_for) -> None:
    user, assessment = applicant
    client = client_for(user)
    client.post(reverse("assessments:submit", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.status == "draft"
    assert AssessmentVersion.objects.count() == 0
    page = client.get(reverse("assessments:step", args=[assessment.pk, "review"])).content
    assert b'data-testid="draft-problems"' in page


def test_review_and_new_version(applicant, client_for, staff_user, client) -> None:
    user, assessment = applicant
    firm = client_for(user)
    _fill(firm, assessment)
    firm.post(reverse("assessments:submit", args=[assessment.pk]))
    client.logout()
    staff = client_for(staff_user)
    response = staff.post(
        reverse("assessments:review", args=[assessment.pk, 1]),
        {"decision": "returned", "comment": "Manca l'acqua di processo."},
    )
    assert response.status_code == 302
    version = AssessmentVersion.objects.get()
    assert (version.review_status, version.reviewed_by, version.review_comment) == (
        "returned",
        staff_user,
        "Manca l'acqua di processo.",
    )
    client.logout()
    firm = client_for(user)
    firm.post(reverse("assessments:new_version", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.status == "draft"
    assert assessment.draft == version.snapshot
    firm.post(reverse("assessments:submit", args=[assessment.pk]))
    assert list(AssessmentVersion.objects.values_list("number", flat=True)) == [2, 1]
    client.logout()
    staff = client_for(staff_user)
    staff.post(reverse("assessments:review", args=[assessment.pk, 2]), {"decision": "validated"})
    assert AssessmentVersion.objects.get(number=2).review_status == "validated"


def test_firm_cannot_review_nor_reach_another_firm(applicant, other_applicant, client_for) -> None:
    user, assessment = applicant
    _other_user, other = other_applicant
    client = client_for(user)
    _fill(client, assessment)
    client.post(reverse("assessments:submit", args=[assessment.pk]))
    response = client.post(
        reverse("assessments:review", args=[assessment.pk, 1]), {"decision": "validated"}
    )
    assert response.status_code == 403
    assert AssessmentVersion.objects.get().review_status == "pending"
    before = Assessment.objects.get(pk=other.pk).draft
    for url in (
        reverse("assessments:detail", args=[other.pk]),
        reverse("assessments:step", args=[other.pk, "company"]),
        reverse("assessments:template", args=[other.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert _step(client, other, "company", COMPANY_STEP).status_code == 404
    assert client.post(reverse("assessments:submit", args=[other.pk])).status_code == 404
    assert Assessment.objects.get(pk=other.pk).draft == before


def test_excel_download_and_upload(applicant, client_for) -> None:
    user, assessment = applicant
    client = client_for(user)
    _fill(client, assessment)
    response = client.get(reverse("assessments:template", args=[assessment.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assessment.refresh_from_db()
    drafted = assessment.draft["company"]
    # Upload the downloaded workbook into a fresh draft: the same company comes back.
    client.post(
        reverse("assessments:step", args=[assessment.pk, "outputs"]),
        {"action": "remove", "flow": "outputs-1"},
    )
    upload = SimpleUploadedFile("assessment.xlsx", response.content)
    client.post(reverse("assessments:upload", args=[assessment.pk]), {"file": upload})
    assessment.refresh_from_db()
    assert assessment.draft["company"] == drafted


def test_a_bad_upload_changes_nothing(applicant, client_for) -> None:
    user, assessment = applicant
    client = client_for(user)
    _fill(client, assessment)
    assessment.refresh_from_db()
    before = assessment.draft
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(build_assessment_workbook("it", before["company"])))
    workbook["Flussi"]["F3"] = "tanta"
    buffer = io.BytesIO()
    workbook.save(buffer)
    for name, content in (
        ("assessment.xlsx", buffer.getvalue()),
        ("assessment.xlsx", b"<html><script>alert(1)</script></html>"),
        ("assessment.xlsx", b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024 + 1)),
    ):
        response = client.post(
            reverse("assessments:upload", args=[assessment.pk]),
            {"file": SimpleUploadedFile(name, content)},
            follow=True,
        )
        assert response.status_code == 200
        assessment.refresh_from_db()
        assert assessment.draft == before
    page = client.post(
        reverse("assessments:upload", args=[assessment.pk]),
        {"file": SimpleUploadedFile("a.xlsx", buffer.getvalue())},
        follow=True,
    ).content.decode()
    assert "Flussi, riga 3, colonna F (quantità): expected a number, got &#x27;tanta&#x27;" in page


HOSTILE = [
    "<script>alert('x')</script>",
    "'; DROP TABLE assessments_assessment; --",
    "x" * 10_000,
    "riga\x00nulla",
    "campanello\x07",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_in_flow_fields(applicant, client_for, text) -> None:
    user, assessment = applicant
    client = client_for(user)
    _fill(client, assessment)
    assessment.refresh_from_db()
    before = assessment.draft
    response = _step(client, assessment, "inputs", {**INPUT, "description": text, "unit": text})
    assert response.status_code == 400
    body = response.content.decode()
    assert "<script>alert" not in body
    assert 'data-testid="error-unit"' in body
    assessment.refresh_from_db()
    assert assessment.draft == before


def test_html_text_is_stored_as_text_and_rendered_escaped(applicant, client_for) -> None:
    user, assessment = applicant
    client = client_for(user)
    _fill(client, assessment)
    _step(
        client,
        assessment,
        "inputs",
        {**INPUT, "description": "<b>Acciaio</b> & <script>x</script>"},
    )
    page = client.get(reverse("assessments:step", args=[assessment.pk, "inputs"])).content.decode()
    assert "&lt;b&gt;Acciaio&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;" in page
    assert "<script>x</script>" not in page


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_in_the_company_step(applicant, client_for, text) -> None:
    user, assessment = applicant
    client = client_for(user)
    before = Assessment.objects.get(pk=assessment.pk).draft
    response = _step(client, assessment, "company", {**COMPANY_STEP, "ateco": text, "lat": text})
    assert response.status_code == 400
    assert 'data-testid="error-ateco"' in response.content.decode()
    assert "<script>alert" not in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).draft == before


def test_facilitators_see_and_validate_only_granted_districts(
    applicant, client_for, make_user, district, client
) -> None:
    from ecodistrict_web.accounts.services import grant_facilitator

    user, assessment = applicant
    firm = client_for(user)
    _fill(firm, assessment)
    firm.post(reverse("assessments:submit", args=[assessment.pk]))
    client.logout()
    analyst = make_user("analyst@test.example", "facilitator")  # no grant yet
    facilitator = client_for(analyst)
    assert facilitator.get(reverse("assessments:detail", args=[assessment.pk])).status_code == 404
    response = facilitator.post(
        reverse("assessments:review", args=[assessment.pk, 1]), {"decision": "validated"}
    )
    assert response.status_code == 404
    assert AssessmentVersion.objects.get().review_status == "pending"
    grant_facilitator(analyst, district=district)
    assert facilitator.get(reverse("assessments:detail", args=[assessment.pk])).status_code == 200
    facilitator.post(
        reverse("assessments:review", args=[assessment.pk, 1]), {"decision": "validated"}
    )
    version = AssessmentVersion.objects.get()
    assert (version.review_status, version.reviewed_by) == ("validated", analyst)


def test_anonymous_visitors_reach_no_assessment_page(applicant, client) -> None:
    _user, assessment = applicant
    for url in (
        reverse("assessments:list"),
        reverse("assessments:detail", args=[assessment.pk]),
        reverse("assessments:step", args=[assessment.pk, "company"]),
        reverse("assessments:template", args=[assessment.pk]),
        reverse("assessments:ewc") + "?q=trucioli",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_products_services_freight_and_practices(applicant, client_for) -> None:
    user, assessment = applicant
    client = client_for(user)
    _step(client, assessment, "company", COMPANY_STEP)
    product = {
        "action": "add",
        "description": "Mandrini per presse ceramiche",
        "quantity": "85",
        "unit": "t/yr",
        "lifetime_years": "15",
        "lifetime_avg_years": "10",
        "use_intensity": "2000",
        "use_intensity_avg": "1600",
    }
    assert _step(client, assessment, "products", product).status_code == 302
    freight = {
        "action": "add",
        "direction": "out",
        "category": "freight",
        "description": "Piastrelle su pallet",
        "destination_place": "Porto di La Spezia",
        "quantity": "120",
        "unit": "trip/yr",
    }
    assert _step(client, assessment, "services", freight).status_code == 302
    competence = {**freight, "direction": "in", "category": "competence"}
    competence.update(description="Saldatura robotizzata", quantity="300", unit="h/yr")
    assert _step(client, assessment, "services", competence).status_code == 302
    practices = {"iso14001": "on", "other_certifications": "ISO 50001", "circular_practices": "x"}
    assert _step(client, assessment, "practices", practices).status_code == 302
    assessment.refresh_from_db()
    flows = assessment.draft["company"]["flows"]
    assert flows[0] == {
        "id": "products-1",
        "direction": "out",
        "kind": "material",
        "legal_status": "product",
        "description": "Mandrini per presse ceramiche",
        "quantity": 85.0,
        "unit": "t/yr",
        "mci": {
            "lifetime_years": 15.0,
            "lifetime_avg_years": 10.0,
            "use_intensity": 2000.0,
            "use_intensity_avg": 1600.0,
        },
    }
    assert [(f["id"], f["direction"], f["description"], f["unit"]) for f in flows[1:]] == [
        (
            "services-1",
            "out",
            "Trasporto merci: Piastrelle su pallet → Porto di La Spezia",
            "trip/yr",
        ),
        ("services-2", "in", "Competenza: Saldatura robotizzata", "h/yr"),
    ]
    assert assessment.draft["practices"] == {
        "iso14001": True,
        "emas": False,
        "other_certifications": "ISO 50001",
        "circular_practices": "x",
    }
    # A lifetime without the sector's average breaks an MCI rule: named, nothing stored.
    response = _step(client, assessment, "products", {**product, "lifetime_avg_years": ""})
    assert response.status_code == 400
    assessment.refresh_from_db()
    assert len(assessment.draft["company"]["flows"]) == 3


def test_pages_in_english(applicant, client_for, client) -> None:
    client.cookies["django_language"] = "en"
    page = client.get(reverse("intake:call")).content.decode()
    assert "Smart Eco District of Formigine: expression of interest in settling" in page
    user, assessment = applicant
    english = client_for(user)
    page = english.get(reverse("assessments:step", args=[assessment.pk, "outputs"])).content
    assert b"Step 5 of 8: Outputs, wastes and by-products" in page
    response = english.get(reverse("assessments:ewc"), {"q": "12 01 01"})
    assert response.json()["results"][0]["label"] == "12 01 01 – ferrous metal filings and turnings"


def test_admin_pages_with_history_for_staff_only(applicant, client_for, staff_user, client):
    user, assessment = applicant
    _fill(client_for(user), assessment)
    client.logout()
    staff = client_for(staff_user)
    for url in (
        reverse("admin:assessments_assessment_changelist"),
        reverse("admin:assessments_assessment_history", args=[assessment.pk]),
        reverse("admin:intake_interest_changelist"),
    ):
        assert staff.get(url).status_code == 200, url
    client.logout()
    firm = client_for(user)
    assert firm.get(reverse("admin:assessments_assessment_changelist")).status_code == 302
