"""Fixtures shared by the web tests: the small test district, imported, and one user per role."""

from __future__ import annotations

from pathlib import Path

import pytest

SMALL_DISTRICT = (
    Path(__file__).resolve().parent / "companies" / "tests" / "data" / "small-district.yaml"
)

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def small_district_text() -> str:
    return SMALL_DISTRICT.read_text(encoding="utf-8")


@pytest.fixture
def district(db, small_district_text):
    from ecodistrict_web.companies.services import import_district

    result = import_district(small_district_text, "small-district.yaml", replace=False)
    assert result.ok, result.problems
    return result.district


@pytest.fixture
def make_user(db):
    from ecodistrict_web.accounts.services import create_user

    def make(username: str, role: str, companies=()):
        return create_user(username, PASSWORD, role, email=username, companies=companies)

    return make


@pytest.fixture
def staff_user(make_user):
    return make_user("staff@test.example", "staff")


@pytest.fixture
def facilitator_user(make_user):
    return make_user("facilitator@test.example", "facilitator")


@pytest.fixture
def firm_user(make_user, district):
    """A member of Ceramica Alfa only."""
    return make_user("alfa@test.example", "firm", [district.companies.get(slug="ceramica-alfa")])


@pytest.fixture
def client_for(client):
    """A logged-in test client for a user (force_login: no password hashing per test)."""

    def login(user):
        client.force_login(user)
        return client

    return login
