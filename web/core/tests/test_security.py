"""Security of the public service: CSRF on every form, error pages without debug information,
upload limits, password hashing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils.html import escape

from ecodistrict_web.core.tests.test_settings import production_env, run

WEB_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db

#: Forms in templates that post to the site without {% csrf_token %} (none).
FORM = re.compile(r"<form\b[^>]*>(.*?)</form>", re.S | re.I)


def test_every_post_form_in_every_template_has_a_csrf_token():
    missing = []
    for path in sorted(WEB_DIR.glob("*/templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        for match in FORM.finditer(text):
            opening = match.group(0)[: match.group(0).index(">") + 1].lower()
            if 'method="post"' in opening and "{% csrf_token %}" not in match.group(1):
                missing.append(f"{path.relative_to(WEB_DIR)}: {opening}")
    assert missing == []


def test_a_post_without_csrf_token_is_refused(staff_user, district):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    response = client.post("/accounts/tokens/", {"name": "x"})
    assert response.status_code == 403
    assert staff_user.api_tokens.count() == 0


def test_passwords_are_hashed_with_argon2_and_pbkdf2_still_read(make_user):
    from django.contrib.auth.hashers import make_password

    user = make_user("hash@test.example", "firm")
    assert user.password.startswith("argon2$")
    assert settings.PASSWORD_HASHERS[1] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    user.password = make_password("old-password-123", hasher="pbkdf2_sha256")
    user.save()
    assert user.check_password("old-password-123")
    user.refresh_from_db()
    assert user.password.startswith("argon2$")  # upgraded on the next sign-in


def test_upload_limits():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("district.exe", b"format: ecodistrict/1\n", "extension"),
        ("district.yaml", b"x" * (10 * 1024 * 1024 + 1), "too_large"),
        ("district.yaml", b"\xff\xfe\x00bad", "encoding"),
    ],
)
def test_the_import_refuses_wrong_uploads_clearly(client_for, staff_user, name, content, code):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ecodistrict_web.companies.models import Company, District

    response = client_for(staff_user).post(
        "/companies/import/", {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400
    (error,) = response.context["form"].errors.as_data()["file"]
    assert error.code == code
    message = error.message % error.params if error.params else error.message
    assert escape(str(message)) in response.content.decode()
    assert (District.objects.count(), Company.objects.count()) == (0, 0)


PAGES_SCRIPT = """
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(raise_request_exception=False, HTTP_HOST="ecodistrict.example.org")
missing = client.get("/companies/no-such-page/", secure=True)
print(missing.status_code)
print("Pagina non trovata" in missing.content.decode(), "Traceback" in missing.content.decode())
import ecodistrict_web.core.views as views
def boom(request):
    raise RuntimeError("forced error")
views.home.__code__ = boom.__code__
error = client.get("/", secure=True)
print(error.status_code)
text = error.content.decode()
print("Errore del server" in text, "forced error" in text, "Traceback" in text)
"""


def test_production_error_pages_are_the_sites_own(tmp_path):
    """A 404 and a forced error, with production settings: the site's pages, no debug page."""
    env = production_env(tmp_path) | {"DJANGO_SETTINGS_MODULE": "ecodistrict_web.config.settings"}
    result = run(["-c", PAGES_SCRIPT], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:4] == ["404", "True False", "500", "True False False"]
