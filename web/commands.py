"""The bridge the `ecodistrict` CLI calls: serve, import a district file, load the demo.

The library imports this module lazily (inside the command), so it never imports Django at
import time. Each function sets Django up on first use.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TextIO

SETTINGS_MODULE = "ecodistrict_web.config.settings"

EXIT_OK = 0
EXIT_INVALID = 1

#: The demo district file shipped with the library.
DEMO_FILE = "data/demo/formigine-demo.yaml"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    description: str


#: Demo accounts, created by ``load_demo`` only in a database without users. The passwords are
#: public (README): never load the demo into a database that holds real data.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "staff@demo.ecodistrict",
        "demo-staff-2026",
        "staff",
        "municipality staff (Servizio Attività Produttive): every company, import, admin",
    ),
    DemoAccount(
        "facilitator@demo.ecodistrict",
        "demo-facilitator-2026",
        "facilitator",
        "facilitator / analyst: every company of the demo district (granted), read-only",
    ),
    DemoAccount(
        "firm@demo.ecodistrict",
        "demo-firm-2026",
        "firm",
        "member of one firm (the first company of the demo file): that company only",
    ),
)


def setup(*, migrate: bool = False, verbosity: int = 0) -> None:
    """Configure Django (once) and, if asked, bring the database schema up to date."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=verbosity)


def _demo_text() -> tuple[str, str]:
    resource = files("ecodistrict") / DEMO_FILE
    return resource.read_text(encoding="utf-8"), Path(DEMO_FILE).name


def load_demo(stdout: TextIO, source: str | Path | None = None) -> bool:
    """Import the demo district and create the demo accounts, in a database without users.

    ``source`` is a district file to use instead of the shipped demo (tests). Returns True when
    the demo was loaded, False when the database already had users (nothing is changed then).
    Raises ``ValueError`` listing the problems if the demo file is invalid.
    """
    setup()
    from django.db import transaction
    from django.utils import translation

    from ecodistrict_web.accounts import selectors as account_selectors
    from ecodistrict_web.accounts import services as account_services
    from ecodistrict_web.companies import services as company_services
    from ecodistrict_web.companies.models import District

    if source is None:
        text, name = _demo_text()
    else:
        path = Path(source)
        text, name = path.read_text(encoding="utf-8"), path.name

    with transaction.atomic(), translation.override("en"):
        if account_selectors.has_any_user():
            stdout.write("The database already has users: demo data not loaded.\n")
            return False
        result = company_services.import_district(text, name, replace=False)
        if result.ok and result.district is not None:
            district = result.district
            stdout.write(
                f"Demo district '{district.name}' loaded: {result.companies} companies, "
                f"{result.flows} flows, {result.links} exchanges in place.\n"
            )
        else:
            # The district is already stored (e.g. imported by hand): reuse it.
            from ecodistrict.io import validate_district_text

            report = validate_district_text(text, name)
            if report.district is None:
                raise ValueError("the demo district file is invalid: " + "; ".join(result.problems))
            district = District.objects.get(name=report.district.district.name)
            stdout.write(f"Demo district '{district.name}' already stored: kept as it is.\n")
        first_company = district.companies.order_by("pk").first()
        for account in DEMO_ACCOUNTS:
            companies = [first_company] if account.role == "firm" and first_company else []
            user = account_services.create_user(
                account.username,
                account.password,
                account.role,
                email=account.username,
                companies=companies,
            )
            if account.role == "facilitator":
                # Facilitators read only what staff grant them: the demo one, the demo district.
                account_services.grant_facilitator(user, district=district)
        if first_company is not None:
            stdout.write(f"Demo firm account linked to '{first_company.name}'.\n")
        if source is None:
            # The demo call and lots of the new area, for the selection pages.
            from ecodistrict_web.selection import services as selection_services

            selection_services.load_demo_inputs(district)
            stdout.write("Demo call and lots files loaded (selection pages).\n")
    return True


def demo_logins_text() -> str:
    lines = ["Demo accounts (illustrative data, public passwords):"]
    width = max(len(account.username) for account in DEMO_ACCOUNTS)
    for account in DEMO_ACCOUNTS:
        lines.append(
            f"  {account.username.ljust(width)}  {account.password:<22} {account.description}"
        )
    return "\n".join(lines) + "\n"


def import_file(source: str, replace: bool) -> int:
    """Import a district file (a path, or '-' for standard input) into the database.

    Prints problems on standard error as ``ecodistrict validate`` does (``FILE: problem``, one
    per line, then a count). Returns 0 when the file was stored, 1 on invalid input (nothing is
    stored then, not even part of the file).
    """
    from ecodistrict.domain.problems import DistrictFileError
    from ecodistrict.io.district_file import read_source

    try:
        text, name = read_source(source)
    except DistrictFileError as exc:
        for problem in exc.problems:
            sys.stderr.write(f"{source}: {problem}\n")
        return EXIT_INVALID

    setup(migrate=True)
    from django.utils import translation

    from ecodistrict_web.companies import services

    with translation.override("en"):
        result = services.import_district(text, name, replace=replace)
    if not result.ok or result.district is None:
        for problem in result.problems:
            sys.stderr.write(f"{name}: {problem}\n")
        sys.stderr.write(f"{name}: {len(result.problems)} problem(s) found; nothing stored\n")
        return EXIT_INVALID
    action = "replaced" if result.replaced else "imported"
    sys.stdout.write(
        f"{name}: district '{result.district.name}' {action}: {result.companies} companies, "
        f"{result.flows} flows, {result.links} exchanges in place\n"
    )
    return EXIT_OK


_WILDCARD_HOSTS = {"0.0.0.0", "::", ""}
MAX_REQUEST_BODY_BYTES = 12 * 1024 * 1024


def waitress_options(host: str, port: int) -> dict[str, object]:
    """waitress settings; behind a reverse proxy (ECODISTRICT_BEHIND_PROXY=1) the client address
    and scheme come from the proxy's X-Forwarded-For/-Proto, so that login throttling counts
    per real client. ECODISTRICT_TRUSTED_PROXY names the proxy's address (default 127.0.0.1)."""
    options: dict[str, object] = {
        "host": host,
        "port": port,
        "threads": 8,
        "ident": "ecodistrict",
        # The largest legitimate request is a 10 MB district file; refuse bigger bodies before
        # Django reads them (waitress's default is 1 GB).
        "max_request_body_size": MAX_REQUEST_BODY_BYTES,
    }
    if os.environ.get("ECODISTRICT_BEHIND_PROXY", "").strip().lower() in {"1", "true", "yes", "on"}:
        options.update(
            trusted_proxy=os.environ.get("ECODISTRICT_TRUSTED_PROXY", "127.0.0.1"),
            trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto"},
            clear_untrusted_proxy_headers=True,
        )
    return options


def serve(host: str, port: int, demo: bool) -> int:
    """Migrate, load the demo if asked (empty database only), and serve with waitress."""
    if os.environ.get("ECODISTRICT_ENV", "").strip().lower() != "production":
        # Development: answer to the address served on. On a wildcard address any Host header
        # is accepted (the operator chose to listen everywhere); production names its hosts.
        extra = "*" if host in _WILDCARD_HOSTS else host.strip("[]")
        if host.count(":") > 1 and extra != "*":
            extra = f"[{extra}]"
        current = os.environ.get("ECODISTRICT_ALLOWED_HOSTS", "")
        os.environ["ECODISTRICT_ALLOWED_HOSTS"] = ",".join(filter(None, [current, extra]))
    os.environ.setdefault("ECODISTRICT_LOG_LEVEL", "INFO")
    setup(migrate=True)

    from django.conf import settings
    from waitress import serve as waitress_serve

    from ecodistrict_web.accounts import selectors as account_selectors
    from ecodistrict_web.config.wsgi import application

    if demo:
        if account_selectors.has_any_user():
            sys.stdout.write("The database already has users: demo data not loaded.\n")
        else:
            load_demo(sys.stdout)
    shown_host = "127.0.0.1" if host in _WILDCARD_HOSTS else host
    if ":" in shown_host and not shown_host.startswith("["):
        shown_host = f"[{shown_host}]"
    sys.stdout.write(f"ecodistrict web platform: http://{shown_host}:{port}/\n")
    sys.stdout.write(f"Database: {settings.DATABASES['default']['NAME']}\n")
    if demo:
        sys.stdout.write(demo_logins_text())
    sys.stdout.write("Press Ctrl+C to stop.\n")
    sys.stdout.flush()
    try:
        waitress_serve(application, **waitress_options(host, port))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        sys.stderr.write(f"cannot serve on {host}:{port}: {exc.strerror or exc}\n")
        return EXIT_INVALID
    return EXIT_OK
