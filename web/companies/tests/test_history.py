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
