"""The audit history of declared data: who changed what, when."""

from __future__ import annotations

import pytest

from ecodistrict_web.companies.models import Company, Flow

pytestmark = pytest.mark.django_db


def test_an_import_records_the_first_entry_of_every_row(district):
    alfa = district.companies.get(slug="ceramica-alfa")
    (entry,) = alfa.history.all()
    assert entry.history_type == "+"
    assert entry.history_change_reason == "import of small-district.yaml"
    assert Flow.history.filter(company_id=alfa.pk).count() == alfa.flows.count() == 5
    recycled = Flow.history.get(company_id=alfa.pk, slug="recycled-scrap")
    assert recycled.supplied_by_id is not None  # the exchange is part of the first entry


def test_a_change_by_a_user_names_the_user_the_field_and_both_values(
    client_for, staff_user, firm_user, district
):
    alfa = district.companies.get(slug="ceramica-alfa")
    client = client_for(staff_user)
    response = client.post(
        f"/admin/companies/company/{alfa.pk}/change/",
        {
            "district": district.pk,
            "slug": alfa.slug,
            "name": "Ceramica Alfa Due S.p.A.",
            "ateco": alfa.ateco,
            "ateco_title": alfa.ateco_title,
            "employees": 130,
            "revenue_eur": alfa.revenue_eur,
            "sites-TOTAL_FORMS": 0,
            "sites-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = alfa.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == staff_user
    delta = latest.diff_against(latest.prev_record)
    assert sorted((c.field, c.old, c.new) for c in delta.changes) == [
        ("employees", 120, 130),
        ("name", "Ceramica Alfa S.p.A.", "Ceramica Alfa Due S.p.A."),
    ]
    page = client.get(f"/companies/{alfa.pk}/history/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "staff@test.example" in html
    assert "<code>employees</code>: 120 → 130" in html
    assert "<code>name</code>: Ceramica Alfa S.p.A. → Ceramica Alfa Due S.p.A." in html


@pytest.mark.parametrize("role", ["firm", "facilitator"])
def test_only_staff_see_the_history(client_for, firm_user, facilitator_user, district, role):
    user = firm_user if role == "firm" else facilitator_user
    alfa = district.companies.get(slug="ceramica-alfa")
    before = Company.history.count()
    assert client_for(user).get(f"/companies/{alfa.pk}/history/").status_code == 404
    assert Company.history.count() == before


def test_a_firm_corrects_its_flow_and_the_history_says_who_and_what(
    client_for, firm_user, district
):
    from django.urls import reverse

    from ecodistrict_web.companies.models import Flow

    alfa = district.companies.get(slug="ceramica-alfa")
    flow = alfa.flows.filter(direction="in", kind="material").order_by("pk").first()
    client = client_for(firm_user)
    url = reverse("companies:flow_edit", args=[alfa.pk, flow.pk])
    page = client.get(reverse("companies:detail", args=[alfa.pk])).content.decode()
    assert f'href="{url}"' in page
    # A wrong unit for a material is refused by the rules of the district file; nothing stored.
    before = Flow.objects.values().get(pk=flow.pk)
    response = client.post(
        url, {"description": "Argille", "quantity": "120", "unit": "MWh/yr", "ewc": ""}
    )
    assert response.status_code == 200
    assert "is the wrong dimension for a material flow" in response.content.decode()
    assert Flow.objects.values().get(pk=flow.pk) == before
    # Hostile text: control characters refused beside the field, nothing stored.
    response = client.post(
        url, {"description": "Argille\x07", "quantity": "120", "unit": "t/yr", "ewc": ""}
    )
    assert "Qui non sono ammessi caratteri di controllo." in response.content.decode()
    assert Flow.objects.values().get(pk=flow.pk) == before
    # A valid correction: 2,500,000 kg/yr is stored, normalised to 2,500 t/yr, with its history.
    response = client.post(
        url,
        {"description": "Argille <b>rosse</b>", "quantity": "2500000", "unit": "kg/yr", "ewc": ""},
    )
    assert response.status_code == 302
    flow.refresh_from_db()
    assert (flow.description, flow.quantity, flow.unit) == ("Argille <b>rosse</b>", 2.5e6, "kg/yr")
    assert (flow.quantity_normalised, flow.unit_normalised) == (2500.0, "t/yr")
    latest = flow.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == firm_user
    changed = {change.field for change in latest.diff_against(latest.prev_record).changes}
    assert changed == {"description", "quantity", "unit", "quantity_normalised"}
    page = client.get(reverse("companies:detail", args=[alfa.pk])).content.decode()
    assert "Argille &lt;b&gt;rosse&lt;/b&gt;" in page and "<b>rosse</b>" not in page


def test_a_firm_cannot_correct_another_firms_flow(client_for, firm_user, district):
    from django.urls import reverse

    from ecodistrict_web.companies.models import Flow

    beta = district.companies.get(slug="ceramica-beta")
    flow = beta.flows.order_by("pk").first()
    before = Flow.objects.values().get(pk=flow.pk)
    url = reverse("companies:flow_edit", args=[beta.pk, flow.pk])
    client = client_for(firm_user)
    assert client.get(url).status_code == 404
    data = {"description": "x", "quantity": "1", "unit": "t/yr", "ewc": ""}
    assert client.post(url, data).status_code == 404
    assert Flow.objects.values().get(pk=flow.pk) == before
