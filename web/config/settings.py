"""Django settings for the ecodistrict web platform, driven by the environment.

Environment variables (all optional in development):

- ``ECODISTRICT_ENV``: ``production`` switches on the production settings below; anything else
  (default ``development``) is development.
- ``ECODISTRICT_DATA_DIR``: where the embedded SQLite database and the development secret key
  live; default ``./var`` under the current directory (created if missing).
- ``DATABASE_URL``: any database dj-database-url reads (``postgres://...``); default SQLite at
  ``$ECODISTRICT_DATA_DIR/ecodistrict.sqlite3``.
- ``ECODISTRICT_SECRET_KEY``: required in production; in development a key is generated once and
  stored in ``$ECODISTRICT_DATA_DIR/secret_key``.
- ``ECODISTRICT_ALLOWED_HOSTS``: comma-separated host names; required in production.
- ``ECODISTRICT_CSRF_TRUSTED_ORIGINS``: comma-separated origins (``https://host``), if needed.
- ``ECODISTRICT_DEBUG``: ``1``/``true`` turns on Django's debug pages (development only; default
  off, so ``ecodistrict serve`` never shows them).
- ``ECODISTRICT_BEHIND_PROXY``: ``1`` trusts ``X-Forwarded-Proto`` from a reverse proxy that
  terminates TLS (production behind nginx/Caddy).
- ``ECODISTRICT_HSTS_SECONDS``: HSTS max-age in production (default one year).
- ``ECODISTRICT_STATIC_ROOT``: target of ``collectstatic``, only if a proxy serves /static/
  itself; WhiteNoise serves static files without it.
- ``ECODISTRICT_MAP_TILES_URL``: the tile server of the background of the district map
  (a Leaflet URL template, e.g. ``https://tile.openstreetmap.org/{z}/{x}/{y}.png``, or a tile
  server of the Comune); default empty: no tiles, the map shows firms and matches on a plain
  background and the browser contacts no other server.
- ``ECODISTRICT_MAP_TILES_ATTRIBUTION``: the attribution the tile provider requires (HTML, shown
  in the corner of the map), e.g. ``&copy; OpenStreetMap contributors``.
- ``ECODISTRICT_EMAIL_BACKEND``: a Django e-mail backend; default the console in development
  and SMTP in production (``ECODISTRICT_EMAIL_HOST``, ``_PORT``, ``_USER``, ``_PASSWORD``,
  ``_TLS``, ``_FROM``).
- ``ECODISTRICT_TASKS_INLINE``: ``1`` runs background tasks in a thread of the web process
  (default in development); ``0`` leaves them queued for a worker command (default in
  production).
- ``ECODISTRICT_LOG_LEVEL``: level of the platform's own log (default WARNING; ``ecodistrict
  serve`` uses INFO, so imports are logged).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent  # the web/ folder (package ecodistrict_web)

TRUE_WORDS = {"1", "true", "yes", "on"}


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in TRUE_WORDS


def _env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


ENVIRONMENT = os.environ.get("ECODISTRICT_ENV", "development").strip().lower() or "development"
PRODUCTION = ENVIRONMENT == "production"

DATA_DIR = Path(os.environ.get("ECODISTRICT_DATA_DIR") or Path.cwd() / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _development_secret_key(data_dir: Path) -> str:
    """A key generated on first use and kept in the data dir, readable by the owner only."""
    path = data_dir / "secret_key"
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key
    key = secrets.token_urlsafe(50)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


if PRODUCTION:
    SECRET_KEY = os.environ.get("ECODISTRICT_SECRET_KEY", "").strip()
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "ECODISTRICT_ENV=production needs ECODISTRICT_SECRET_KEY: set it to a long random "
            'string (e.g. the output of: python -c "import secrets; '
            'print(secrets.token_urlsafe(50))").'
        )
    ALLOWED_HOSTS = _env_list("ECODISTRICT_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ECODISTRICT_ENV=production needs ECODISTRICT_ALLOWED_HOSTS: the comma-separated "
            "host names the site answers to (e.g. ecodistrict.comune.formigine.mo.it)."
        )
    DEBUG = False
else:
    SECRET_KEY = os.environ.get("ECODISTRICT_SECRET_KEY", "").strip() or _development_secret_key(
        DATA_DIR
    )
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", *_env_list("ECODISTRICT_ALLOWED_HOSTS")]
    DEBUG = _env_bool("ECODISTRICT_DEBUG")

CSRF_TRUSTED_ORIGINS = _env_list("ECODISTRICT_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "ecodistrict_web.core.apps.EcodistrictAdminConfig",  # django.contrib.admin, role-gated
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "ninja",  # serves the OpenAPI page's scripts itself (no CDN)
    "ecodistrict_web.core.apps.CoreConfig",
    "ecodistrict_web.accounts",
    "ecodistrict_web.companies",
    "ecodistrict_web.indicators",
    "ecodistrict_web.matchmaking",
    "ecodistrict_web.intake",
    "ecodistrict_web.assessments",
    "ecodistrict_web.scenarios",
    "ecodistrict_web.commitments",
    "ecodistrict_web.selection",
    "ecodistrict_web.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ecodistrict_web.core.middleware.CookieLocaleMiddleware",  # a LocaleMiddleware
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # who made each audited change
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ecodistrict_web.config.urls"
WSGI_APPLICATION = "ecodistrict_web.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ecodistrict_web.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default="sqlite:///" + str(DATA_DIR / "ecodistrict.sqlite3"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the login-throttling counters (see accounts/throttling.py). A database table
# (created by the core app's first migration) is shared by every worker process and survives a
# restart, which an in-memory cache would not.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "ecodistrict_cache",
    }
}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling: this many failed attempts for one username from one IP address lock that
# pair out for LOGIN_LOCKOUT_SECONDS.
LOGIN_FAILURE_LIMIT = 5
LOGIN_LOCKOUT_SECONDS = 15 * 60

LANGUAGE_CODE = "it"
# Each language is named in itself, as language switchers do.
LANGUAGES = [("it", "Italiano"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Only for deployments that want `collectstatic` (e.g. a front proxy serving /static/ itself).
STATIC_ROOT = os.environ.get("ECODISTRICT_STATIC_ROOT") or None
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves static files straight from the app and project folders, so neither
# `ecodistrict serve` nor a production deployment needs collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# The district map's background tiles (matchmaking); empty: no tiles, nothing fetched elsewhere.
ECODISTRICT_MAP_TILES_URL = os.environ.get("ECODISTRICT_MAP_TILES_URL", "").strip()
ECODISTRICT_MAP_TILES_ATTRIBUTION = os.environ.get("ECODISTRICT_MAP_TILES_ATTRIBUTION", "").strip()

# Background tasks (selection runs, ...): true runs each task in a thread of the web process
# right after the request; false leaves it queued for a worker (``manage.py
# run_selection_worker``, ``manage.py run_report_worker``). Default true in development, false
# in production.
ECODISTRICT_TASKS_INLINE = _env_bool("ECODISTRICT_TASKS_INLINE", default=not PRODUCTION)

# Generated files (reports, open data exports), kept under the data dir and served only through
# views that check who asks (never as public media URLs).
MEDIA_ROOT = Path(os.environ.get("ECODISTRICT_MEDIA_ROOT") or DATA_DIR / "media").resolve()
MEDIA_URL = "/media/"

# Uploaded district files are limited in the form (10 MB); this bounds the rest of a request.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Uploads larger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A form with more fields than this is refused (400) before any view reads it.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# E-mail (verification links, invitations to the assessment). Development prints messages on the
# console; tests use Django's in-memory outbox; production names an SMTP server.
EMAIL_BACKEND = os.environ.get("ECODISTRICT_EMAIL_BACKEND", "").strip() or (
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("ECODISTRICT_EMAIL_HOST", "localhost").strip()
EMAIL_PORT = int(os.environ.get("ECODISTRICT_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ECODISTRICT_EMAIL_USER", "").strip()
EMAIL_HOST_PASSWORD = os.environ.get("ECODISTRICT_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("ECODISTRICT_EMAIL_TLS")
DEFAULT_FROM_EMAIL = (
    os.environ.get("ECODISTRICT_EMAIL_FROM", "").strip() or "ecodistrict@comune.formigine.mo.it"
)
# Verification links of new firm accounts expire after this many seconds (3 days).
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("ECODISTRICT_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if _env_bool("ECODISTRICT_BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "ecodistrict_web": {
            "handlers": ["console"],
            "level": os.environ.get("ECODISTRICT_LOG_LEVEL", "WARNING").upper(),
            "propagate": False,
        },
    },
}
