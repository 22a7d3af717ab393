"""Settings driven by the environment, checked in fresh interpreters (settings load once)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

WEB_DIR = Path(__file__).resolve().parents[2]
MANAGE = WEB_DIR / "manage.py"
PRODUCTION_KEY = "q8Vw2mZkR4tYp7LxN1cB6dJf3hS9gU0aE5iO-_KzTnWvXyQrPsMlHjGfDbCaZ2w8e"


def run(args: list[str], env_extra: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE is a test-only switch (browser test) that check --deploy flags.
        if not key.startswith("ECODISTRICT_")
        and key not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "ECODISTRICT_ENV": "production",
        "ECODISTRICT_SECRET_KEY": PRODUCTION_KEY,
        "ECODISTRICT_ALLOWED_HOSTS": "ecodistrict.example.org",
        "ECODISTRICT_DATA_DIR": str(tmp_path / "data"),
    }


def test_check_deploy_is_clean_in_production(tmp_path):
    result = run(
        [str(MANAGE), "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path),
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_production_settings_values(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_CONTENT_TYPE_NOSNIFF, s.X_FRAME_OPTIONS, "
        "s.ALLOWED_HOSTS, s.PASSWORD_HASHERS[0].rsplit('.', 1)[1])"
    )
    env = production_env(tmp_path) | {"DJANGO_SETTINGS_MODULE": "ecodistrict_web.config.settings"}
    result = run(["-c", code], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "False True True True 31536000 True DENY ['ecodistrict.example.org'] Argon2PasswordHasher"
    )


def test_production_without_secret_key_fails_clearly(tmp_path):
    env = production_env(tmp_path)
    del env["ECODISTRICT_SECRET_KEY"]
    result = run([str(MANAGE), "check"], env, tmp_path)
    assert result.returncode != 0
    assert "ECODISTRICT_ENV=production needs ECODISTRICT_SECRET_KEY" in result.stderr


def test_production_without_allowed_hosts_fails_clearly(tmp_path):
    env = production_env(tmp_path)
    del env["ECODISTRICT_ALLOWED_HOSTS"]
    result = run([str(MANAGE), "check"], env, tmp_path)
    assert result.returncode != 0
    assert "ECODISTRICT_ENV=production needs ECODISTRICT_ALLOWED_HOSTS" in result.stderr


def test_development_defaults(tmp_path):
    """No environment: SQLite and a generated secret key in ./var, debug off, Italian."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG); print(s.DATABASES['default']['ENGINE']); "
        "print(s.DATABASES['default']['NAME']); print(s.SECRET_KEY); "
        "print(s.LANGUAGE_CODE, s.TIME_ZONE, s.WHITENOISE_USE_FINDERS)"
    )
    env = {"DJANGO_SETTINGS_MODULE": "ecodistrict_web.config.settings"}
    first = run(["-c", code], env, tmp_path)
    assert first.returncode == 0, first.stderr
    debug, engine, name, key, locale = first.stdout.splitlines()
    var = (tmp_path / "var").resolve()
    assert debug == "False"
    assert engine == "django.db.backends.sqlite3"
    assert name == str(var / "ecodistrict.sqlite3")
    assert key == (var / "secret_key").read_text().strip()
    assert len(key) >= 50
    assert (var / "secret_key").stat().st_mode & 0o777 == 0o600
    assert locale == "it Europe/Rome True"
    second = run(["-c", code], env, tmp_path)
    assert second.stdout.splitlines()[3] == key  # generated once, then reused


def test_database_url_is_read(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; print(d['ENGINE'], d['NAME'], d['HOST'], d['PORT'])"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "ecodistrict_web.config.settings",
        "DATABASE_URL": "postgres://eco:secret@db.example.org:5433/ecodistrict",
    }
    result = run(["-c", code], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql ecodistrict db.example.org 5433"


@pytest.mark.django_db
def test_migrations_are_up_to_date():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "No changes detected"
