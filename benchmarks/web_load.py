"""Web load: 1,000 firms in PostgreSQL, 20 concurrent users for 60 s, p50/p95 latency.

Usage:
    python benchmarks/web_load.py [--firms 1000] [--users 20] [--seconds 60] [--threads 8]
        [--database-url postgres://postgres@127.0.0.1:5432/ecodistrict_bench] [--keep]

What it does, end to end:

1. drops and creates the database named by ``--database-url`` (default ``ecodistrict_bench``
   on the local PostgreSQL), migrates it;
2. imports a district of ``--firms`` firms, each a copy of one of the 30 demo firms (its real
   descriptions, EWC and ATECO codes, quantities) with its first 10 flows, spread over a 2° x 3°
   region around Modena (fixed seed); the import computes its indicators and matches as usual;
3. creates one staff account and 20 firm accounts (each a member of a different firm) and a
   signed-in session for each;
4. serves the platform with waitress in a subprocess (``--threads`` worker threads), or in
   ``--processes`` subprocesses on as many ports, the users spread over them as a reverse proxy
   would;
5. runs ``--users`` concurrent users (threads with ``http.client``) for ``--seconds`` seconds,
   each request picked at random: half the firm dashboard (a firm member's own company page,
   ``/companies/<pk>/``), half the staff company list (``/companies/``, its first page); a user
   waits ``--think`` seconds on average (uniform, 0.5-1.5 times) between two requests, 0 by
   default (the next request as soon as the last one is answered);
6. prints the number of requests, errors (any status other than 200, or a connection error),
   p50/p95/max latency per page and overall, and the number of SQL queries each page makes
   (measured once in-process with Django's test client); drops the database unless ``--keep``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ecodistrict_bench"
FLOWS_PER_FIRM = 10
FIRM_USERS = 20


def district_text(firms: int, seed: int = 7) -> str:
    demo = yaml.safe_load((files("ecodistrict") / "data/demo/formigine-demo.yaml").read_text())
    rng = random.Random(seed)
    companies = []
    for n in range(firms):
        template = demo["companies"][n % len(demo["companies"])]
        flows = [
            {k: v for k, v in flow.items() if k != "supplied_by"}
            for flow in template["flows"][:FLOWS_PER_FIRM]
        ]
        companies.append(
            {
                **{k: v for k, v in template.items() if k not in ("flows", "id", "location")},
                "id": f"{template['id']}-{n}",
                "name": f"{template['name']} #{n}",
                "location": {"lat": 44.0 + rng.random() * 2.0, "lon": 9.5 + rng.random() * 3.0},
                "flows": flows,
            }
        )
    district = {**demo["district"], "name": f"Load test district ({firms} firms)"}
    return json.dumps({"format": "ecodistrict/1", "district": district, "companies": companies})


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


def prepare(firms: int) -> dict[str, Any]:
    """Migrate, import the district, create the accounts and their sessions (in this process,
    on the database of DATABASE_URL)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ecodistrict_web.accounts.services import create_user
    from ecodistrict_web.companies.services import import_district

    call_command("migrate", interactive=False, verbosity=0)
    start = time.perf_counter()
    result = import_district(district_text(firms), "load-test.json", replace=False)
    assert result.ok and result.district is not None, result.problems
    imported = time.perf_counter() - start
    companies = list(result.district.companies.order_by("pk"))
    staff = create_user("staff@load.test", "load-test-password-1", "staff")
    firm_users = [
        create_user(f"firm{n}@load.test", "load-test-password-1", "firm", companies=[company])
        for n, company in enumerate(companies[:: max(1, len(companies) // FIRM_USERS)][:FIRM_USERS])
    ]

    def session(user: Any) -> str:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        return client.cookies["sessionid"].value

    queries = {}
    for label, user, path in (
        (
            "firm dashboard",
            firm_users[0],
            f"/companies/{firm_users[0].memberships.get().company_id}/",
        ),
        ("staff company list", staff, "/companies/"),
    ):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        client.get(path)  # warm caches (ATECO, templates)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        queries[label] = len(captured)
    return {
        "import_s": imported,
        "companies": result.companies,
        "flows": result.flows,
        "staff": session(staff),
        "firms": [
            (session(user), f"/companies/{user.memberships.get().company_id}/")
            for user in firm_users
        ],
        "queries": queries,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def load(
    ports: list[int], setup: dict[str, Any], users: int, seconds: float, think: float
) -> dict[str, Any]:
    samples: dict[str, list[float]] = {"firm dashboard": [], "staff company list": []}
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def user(index: int) -> None:
        rng = random.Random(index)
        port = ports[index % len(ports)]  # users spread over the server processes
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop_at:
            if rng.random() < 0.5:
                label = "firm dashboard"
                cookie, path = setup["firms"][rng.randrange(len(setup["firms"]))]
            else:
                label, cookie, path = "staff company list", setup["staff"], "/companies/"
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status = 0
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                with lock:
                    errors.append(f"{path}: {exc!r}")
            elapsed = time.perf_counter() - start
            with lock:
                samples[label].append(elapsed)
                if status not in (0, 200):
                    errors.append(f"{path}: HTTP {status}")
            if think:
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))
        connection.close()

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"samples": samples, "errors": errors}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=1000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="waitress processes, each on its own port (users are spread over them, as a "
        "reverse proxy would)",
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean pause of a user between two requests, s (0: each user sends its next request "
        "as soon as the last one is answered)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)

    data_dir = tempfile.mkdtemp(prefix="ecodistrict-load-")
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "ECODISTRICT_DATA_DIR": data_dir,
        "DJANGO_SETTINGS_MODULE": "ecodistrict_web.config.settings",
    }
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "ECODISTRICT_DATA_DIR")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecodistrict_web.config.settings")
    print(f"database {args.database_url}: recreated", flush=True)
    recreate_database(args.database_url)
    servers: list[subprocess.Popen[bytes]] = []
    try:
        setup = prepare(args.firms)
        print(
            f"imported {setup['companies']} firms, {setup['flows']} flows in "
            f"{setup['import_s']:.1f} s (indicators and matches included)",
            flush=True,
        )
        ports = [free_port() for _ in range(args.processes)]
        for index, port in enumerate(ports):
            # A file, not a pipe: a pipe nobody reads fills up and blocks the server's logging.
            server_log = open(Path(data_dir) / f"waitress-{index}.log", "wb")  # noqa: SIM115
            servers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "waitress",
                        f"--listen=127.0.0.1:{port}",
                        f"--threads={args.threads}",
                        "ecodistrict_web.config.wsgi:application",
                    ],
                    env=env,
                    cwd=str(Path(data_dir)),
                    stdout=server_log,
                    stderr=subprocess.STDOUT,
                )
            )
        for port in ports:
            wait_until_up(port)
        print(
            f"serving with {args.processes} waitress process(es), {args.threads} threads each, "
            f"on ports {', '.join(map(str, ports))}",
            flush=True,
        )
        outcome = load(ports, setup, args.users, args.seconds, args.think)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(args.database_url)

    all_samples = [value for values in outcome["samples"].values() for value in values]
    print(
        f"\n{args.users} users (think time {args.think:g} s), {args.seconds:.0f} s, "
        f"{len(all_samples)} requests, "
        f"{len(outcome['errors'])} errors ({len(all_samples) / args.seconds:.1f} requests/s)"
    )
    print("| page | requests | p50 (ms) | p95 (ms) | max (ms) | SQL queries |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, values in [*outcome["samples"].items(), ("all", all_samples)]:
        print(
            f"| {label} | {len(values)} | {percentile(values, 0.5) * 1000:.0f} | "
            f"{percentile(values, 0.95) * 1000:.0f} | {max(values) * 1000:.0f} | "
            f"{setup['queries'].get(label, '')} |"
        )
    for error in outcome["errors"][:10]:
        print("error:", error)
    return 0 if not outcome["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
