"""The company list is paged (a district of 1,000 firms is slow to render on one page)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def row_names(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/companies/\d+/">([^<]+)</a></th>', html)


def test_small_lists_have_one_page(client_for, staff_user, district):
    html = client_for(staff_user).get("/companies/").content.decode()
    assert len(row_names(html)) == 3
    assert 'data-testid="companies-pages"' not in html


def test_pages_of_the_list(client_for, staff_user, district, monkeypatch):
    from ecodistrict_web.companies import views

    monkeypatch.setattr(views, "COMPANIES_PER_PAGE", 2)
    client = client_for(staff_user)
    first = client.get("/companies/").content.decode()
    second = client.get("/companies/?page=2").content.decode()
    assert row_names(first) == ["Ceramica Alfa S.p.A.", "Ceramica Beta S.r.l."]
    assert row_names(second) == ["Serrature Gamma S.r.l."]
    assert "Pagina 1 di 2" in first and 'href="?page=2"' in first
    assert "Pagina 2 di 2" in second and 'href="?page=1"' in second
    # Past the end: the last page; not a number: no such page.
    assert row_names(client.get("/companies/?page=9").content.decode()) == row_names(second)
    assert client.get("/companies/?page=abc").status_code == 404
