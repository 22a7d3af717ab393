"""Sign-in, sign-out and the login throttling."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from ecodistrict_web.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def login(client, username, password, ip="192.0.2.10"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_login_page_is_italian(client):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Accedi</h1>" in html
    assert "Nome utente (e-mail)" in html


def test_login_with_the_right_password(client, staff_user):
    response = login(client, "staff@test.example", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(staff_user.pk)
    assert staff_user.password.startswith("argon2$")


def test_login_redirects_to_next(client, staff_user):
    response = client.post(
        "/accounts/login/?next=/companies/",
        {"username": "staff@test.example", "password": PASSWORD, "next": "/companies/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/companies/"


def test_wrong_password_is_refused(client, staff_user):
    response = login(client, "staff@test.example", "wrong-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert 'data-testid="login-error"' in response.content.decode()


def test_five_failures_lock_the_username_and_ip_for_15_minutes(client, staff_user):
    for _ in range(5):
        assert login(client, "staff@test.example", "wrong-password").status_code == 200
    response = login(client, "staff@test.example", PASSWORD)  # right password, but locked
    html = response.content.decode()
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert (
        "Troppi tentativi non riusciti. Per sicurezza l&#x27;accesso a questo utente da questo "
        "indirizzo è bloccato per 15 minuti." in html
    )
    # The lock is per username + IP, whatever the case of the username; the same user from
    # another address can still sign in.
    from ecodistrict_web.accounts import throttling

    assert throttling.is_locked("STAFF@test.example", "192.0.2.10")
    assert not throttling.is_locked("staff@test.example", "198.51.100.7")
    assert login(client, "staff@test.example", PASSWORD, ip="198.51.100.7").status_code == 302
    assert client.session["_auth_user_id"] == str(staff_user.pk)


def test_lock_expires(client, staff_user):
    from ecodistrict_web.accounts import throttling

    for _ in range(5):
        login(client, "staff@test.example", "wrong-password")
    assert throttling.is_locked("staff@test.example", "192.0.2.10")
    cache.clear()  # stands in for the 15 minutes passing (entries expire)
    assert login(client, "staff@test.example", PASSWORD).status_code == 302


def test_success_clears_the_failure_count(client, staff_user):
    from ecodistrict_web.accounts import throttling

    for _ in range(4):
        login(client, "staff@test.example", "wrong-password")
    assert login(client, "staff@test.example", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    assert throttling.record_failure("staff@test.example", "192.0.2.10") == 1
    assert not throttling.is_locked("staff@test.example", "192.0.2.10")


def test_logout_is_a_post(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session
