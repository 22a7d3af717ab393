"""Fixtures of the API tests: one user per role with a personal token."""

from __future__ import annotations

import pytest


@pytest.fixture
def second_firm_user(make_user, district):
    """A member of Ceramica Beta only (the "second firm" whose data must not leak)."""
    return make_user("beta@test.example", "firm", [district.companies.get(slug="ceramica-beta")])


@pytest.fixture
def ungranted_facilitator(make_user, district):
    return make_user("nogrant@test.example", "facilitator")


@pytest.fixture
def bearer():
    from ecodistrict_web.accounts.services import create_api_token

    def header(user) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": "Bearer " + create_api_token(user, "test").secret}

    return header
