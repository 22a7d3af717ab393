"""The home page, the layout, the language switch and the static files."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_is_italian_by_default_with_layout(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "it"
    assert '<html lang="it">' in html
    assert "Comune di Formigine" in html
    assert "Smart Eco District – circolarità territoriale" in html
    assert (
        '<a class="visually-hidden-focusable" href="#main-content">Vai al contenuto principale</a>'
        in html
    )
    assert 'id="main-content"' in html
    assert "Accedi" in html
    assert reverse("set_language") == "/i18n/setlang/"
    assert 'action="/i18n/setlang/"' in html


def test_home_shows_the_district_notice(client, district):
    html = client.get("/").content.decode()
    assert "Test district (web)" in html
    assert "Dati illustrativi – aziende fittizie." in html
    assert html.count('data-testid="district-notice"') == 1


def test_home_without_districts_has_no_notice(client):
    html = client.get("/").content.decode()
    assert 'data-testid="district-notice"' not in html


def test_language_switch_shows_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    response = client.get("/")
    html = response.content.decode()
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in html
    assert "Municipality of Formigine" in html
    assert "Skip to main content" in html
    assert "Sign in" in html
    assert "Comune di Formigine" not in html
    client.post("/i18n/setlang/", {"language": "it", "next": "/"})
    assert "Comune di Formigine" in client.get("/").content.decode()


def test_vendored_bootstrap_italia_is_served_without_collectstatic(client):
    html = client.get("/").content.decode()
    for path in (
        "/static/vendor/bootstrap-italia/css/bootstrap-italia.min.css",
        "/static/vendor/bootstrap-italia/js/bootstrap-italia.bundle.min.js",
        "/static/vendor/bootstrap-italia/fonts/fonts.css",
        "/static/vendor/bootstrap-italia/svg/sprites.svg",
    ):
        assert path in html
        response = client.get(path)
        assert response.status_code == 200, path
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html  # no CDN, no external fonts


def test_unknown_page_is_a_localised_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Pagina non trovata" in response.content.decode()
