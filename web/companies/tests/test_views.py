"""The companies pages and the upload page: role scoping, anonymous redirects, messages."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ecodistrict_web.companies.models import Company, District, Flow, Site

pytestmark = pytest.mark.django_db

ALL_COMPANIES = ["Ceramica Alfa S.p.A.", "Ceramica Beta S.r.l.", "Serrature Gamma S.r.l."]


def company_names(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/companies/\d+/">([^<]+)</a></th>', html)


def counts() -> tuple[int, int, int, int]:
    return (
        District.objects.count(),
        Company.objects.count(),
        Site.objects.count(),
        Flow.objects.count(),
    )


@pytest.mark.parametrize("url", ["/companies/", "/companies/1/", "/companies/import/"])
def test_anonymous_visitors_are_sent_to_login(client, district, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_staff_sees_every_company(client_for, staff_user, district):
    response = client_for(staff_user).get("/companies/")
    html = response.content.decode()
    assert response.status_code == 200
    assert company_names(html) == ALL_COMPANIES
    assert "3 imprese" in html
    assert 'href="/companies/import/"' in html
    # flows per company: Alfa 5, Beta 3, Gamma 2
    assert re.findall(r'<td class="number">(\d+)</td>\s*</tr>', html) == ["5", "3", "2"]


def test_facilitator_sees_every_company_but_cannot_import(client_for, facilitator_user, district):
    html = client_for(facilitator_user).get("/companies/").content.decode()
    assert company_names(html) == ALL_COMPANIES
    assert 'href="/companies/import/"' not in html


def test_firm_member_sees_only_their_company(client_for, firm_user, district):
    client = client_for(firm_user)
    html = client.get("/companies/").content.decode()
    assert company_names(html) == ["Ceramica Alfa S.p.A."]
    assert "1 impresa" in html
    alfa = Company.objects.get(slug="ceramica-alfa")
    response = client.get(f"/companies/{alfa.pk}/")
    assert response.status_code == 200


def test_firm_member_gets_404_for_another_firm_and_nothing_changes(client_for, firm_user, district):
    before = counts()
    beta = Company.objects.get(slug="ceramica-beta")
    client = client_for(firm_user)
    assert client.get(f"/companies/{beta.pk}/").status_code == 404
    assert client.post(f"/companies/{beta.pk}/").status_code == 404
    assert counts() == before
    assert Company.objects.get(pk=beta.pk).name == "Ceramica Beta S.r.l."


def test_user_without_membership_sees_nothing(client_for, make_user, district):
    lonely = make_user("lonely@test.example", "firm")
    html = client_for(lonely).get("/companies/").content.decode()
    assert company_names(html) == []
    assert 'data-testid="no-companies"' in html


def test_company_page_shows_flows_with_ewc_description(client_for, staff_user, district):
    alfa = Company.objects.get(slug="ceramica-alfa")
    html = client_for(staff_user).get(f"/companies/{alfa.pk}/").content.decode()
    assert "<h1>Ceramica Alfa S.p.A.</h1>" in html
    assert "23.31 – Fabbricazione di piastrelle in ceramica per pavimenti e rivestimenti" in html
    assert "10 12 08" in html
    assert (
        "scarti di ceramica, mattoni, mattonelle e materiali da costruzione (sottoposti a "
        "trattamento termico)" in html
    )
    assert "56.000 t/yr" in html  # Italian number format
    assert "1.000 Sm3/yr" in html and "= 9,7925 MWh/yr" in html
    assert "da Ceramica Beta S.r.l." in html  # recycled-scrap is supplied by Beta
    assert "a Ceramica Beta S.r.l." in html  # kiln-heat feeds Beta
    assert "discarica" in html


def test_company_page_in_english_uses_the_english_ewc_text(client_for, staff_user, district):
    client = client_for(staff_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    alfa = Company.objects.get(slug="ceramica-alfa")
    html = client.get(f"/companies/{alfa.pk}/").content.decode()
    assert (
        "waste ceramics, bricks, tiles and construction products (after thermal processing)" in html
    )
    assert "56,000 t/yr" in html
    assert "Yearly inputs" in html


def test_firm_member_does_not_see_the_name_of_a_partner_firm(client_for, firm_user, district):
    alfa = Company.objects.get(slug="ceramica-alfa")
    html = client_for(firm_user).get(f"/companies/{alfa.pk}/").content.decode()
    assert "Ceramica Beta" not in html
    assert "da un'altra impresa del distretto" in html


# --- upload page ------------------------------------------------------------------------------


def upload(client, name: str, content: bytes, replace: bool = False):
    data = {"file": SimpleUploadedFile(name, content)}
    if replace:
        data["replace"] = "on"
    return client.post("/companies/import/", data)


@pytest.mark.parametrize("role", ["firm", "facilitator"])
def test_upload_is_refused_to_non_staff(client_for, make_user, small_district_text, role):
    user = make_user(f"{role}@test.example", role)
    client = client_for(user)
    for response in (
        client.get("/companies/import/"),
        upload(client, "d.yaml", small_district_text.encode()),
    ):
        assert response.status_code == 403
        assert "Solo il personale del Comune può importare un file del distretto." in (
            response.content.decode()
        )
    assert counts() == (0, 0, 0, 0)


def test_staff_uploads_a_good_file(client_for, staff_user, small_district_text):
    client = client_for(staff_user)
    assert client.get("/companies/import/").status_code == 200
    response = upload(client, "small-district.yaml", small_district_text.encode())
    assert response.status_code == 302
    assert response["Location"] == "/companies/"
    assert counts() == (1, 3, 3, 10)
    html = client.get("/companies/").content.decode()
    assert (
        "Distretto &#x27;Test district (web)&#x27; importato: 3 imprese, 10 flussi, "
        "2 scambi in atto." in html
    )


def test_upload_lists_every_problem_and_stores_nothing(client_for, staff_user, small_district_text):
    bad = small_district_text.replace('ateco: "25.62"', 'ateco: "99.99"').replace(
        "quantity: 80\n", "quantity: -80\n"
    )
    response = upload(client_for(staff_user), "bad.yaml", bad.encode())
    html = response.content.decode()
    assert response.status_code == 400
    assert "Il file non è stato importato: 2 problemi." in html
    items = re.findall(r"<li>(company [^<]*)</li>", html)
    assert len(items) == 2
    assert items[1] == (
        "company &#x27;serrature-gamma&#x27;, flow &#x27;steel-scrap&#x27;, field "
        "&#x27;quantity&#x27;: must be &gt;= 0 (got -80)"
    )
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("district.txt", b"format: ecodistrict/1", "Il file deve terminare in .yaml, .yml o .json"),
        (
            "district.yaml",
            b"name: caf\xe8",
            "Il file non è testo UTF-8 (il byte 9 non è leggibile).",
        ),
        ("district.yaml", b"#" * (10 * 1024 * 1024 + 1), "Il file supera i 10 MB."),
    ],
)
def test_upload_refuses_bad_files(client_for, staff_user, name, content, message):
    response = upload(client_for(staff_user), name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts() == (0, 0, 0, 0)


def test_upload_refuses_a_second_import_unless_replace(
    client_for, staff_user, district, small_district_text
):
    client = client_for(staff_user)
    changed = small_district_text.replace("Ceramica Beta S.r.l.", "Ceramica Beta Due")
    response = upload(client, "again.yaml", changed.encode())
    assert response.status_code == 400
    assert "è già presente" in response.content.decode()
    assert Company.objects.filter(name="Ceramica Beta Due").count() == 0
    response = upload(client, "again.yaml", changed.encode(), replace=True)
    assert response.status_code == 302
    assert Company.objects.filter(name="Ceramica Beta Due").count() == 1
    assert counts() == (1, 3, 3, 10)


# --- admin ------------------------------------------------------------------------------------


def test_admin_is_for_staff(client_for, staff_user, district):
    client = client_for(staff_user)
    assert client.get("/admin/").status_code == 200
    for model in ("district", "company", "site", "flow"):
        assert client.get(f"/admin/companies/{model}/").status_code == 200, model
    for model in ("user", "membership"):
        assert client.get(f"/admin/accounts/{model}/").status_code == 200, model
    html = client.get("/admin/companies/district/").content.decode()
    assert 'href="/companies/import/"' in html
    alfa = Company.objects.get(slug="ceramica-alfa")
    gas = Flow.objects.get(slug="natural-gas")
    for url in (
        f"/admin/companies/district/{district.pk}/change/",
        f"/admin/companies/company/{alfa.pk}/change/",
        f"/admin/companies/flow/{gas.pk}/change/",
        "/admin/companies/flow/add/",
        f"/admin/accounts/user/{staff_user.pk}/change/",
        "/admin/accounts/user/add/",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["firm", "facilitator"])
def test_admin_is_closed_to_other_roles(client_for, make_user, district, role):
    client = client_for(make_user(f"{role}@test.example", role))
    response = client.get("/admin/companies/company/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_edit_of_a_flow_recomputes_the_normalised_quantity(client_for, staff_user, district):
    gas = Flow.objects.get(slug="natural-gas")
    form = {
        "company": gas.company_id,
        "slug": gas.slug,
        "direction": "in",
        "kind": "energy",
        "description": gas.description,
        "quantity": "2000",
        "unit": "Sm3/yr",
        "origin": "virgin",
    }
    client = client_for(staff_user)
    response = client.post(f"/admin/companies/flow/{gas.pk}/change/", form)
    assert response.status_code == 302
    gas.refresh_from_db()
    assert (gas.quantity, gas.unit_normalised) == (2000.0, "MWh/yr")
    assert gas.quantity_normalised == pytest.approx(19.585, abs=1e-9)
    # A unit of the wrong dimension is refused with the library's message.
    response = client.post(f"/admin/companies/flow/{gas.pk}/change/", form | {"unit": "t/yr"})
    assert response.status_code == 200
    assert "is the wrong dimension for an energy flow" in response.content.decode()
    gas.refresh_from_db()
    assert gas.unit == "Sm3/yr"
