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
def facilitator_user(make_user, district):
    """A facilitator granted the test district (a facilitator without grants reads nothing)."""
    from ecodistrict_web.accounts.services import grant_facilitator

    user = make_user("facilitator@test.example", "facilitator")
    grant_facilitator(user, district=district)
    return user


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


@pytest.fixture
def page(monkeypatch):
    """A page of headless Debian chromium (browser tests; see core/tests/browser.py)."""
    from ecodistrict_web.core.tests.browser import CHROMIUM, CHROMIUM_ARGS

    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
    # thread with a running loop unless told it is safe (the test owns the thread).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-US")  # the site stays Italian regardless
        yield context.new_page()
        context.close()
        browser.close()
