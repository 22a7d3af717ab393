"""`ecodistrict serve --demo` end to end: a real waitress process on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

from ecodistrict_web.commands import waitress_options


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_with_demo_answers_and_prints_the_logins(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECODISTRICT_")}
    env.pop("DATABASE_URL", None)
    env["ECODISTRICT_DATA_DIR"] = str(tmp_path)
    code = (
        "import sys; from ecodistrict_web.commands import serve; "
        f"sys.exit(serve('127.0.0.1', {port}, True))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = ""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    assert response.status == 200
                    assert response.headers["X-Frame-Options"] == "DENY"
                    body = response.read().decode()
                break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                time.sleep(0.3)
        assert "Comune di Formigine" in body
        assert "Dati illustrativi – aziende fittizie" in body
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/vendor/bootstrap-italia/css/bootstrap-italia.min.css"
        ) as response:
            assert response.status == 200
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert f"ecodistrict web platform: http://127.0.0.1:{port}/" in output
    assert "staff@demo.ecodistrict" in output and "demo-staff-2026" in output
    assert (tmp_path / "ecodistrict.sqlite3").exists()


def test_waitress_options_behind_a_proxy(monkeypatch):
    monkeypatch.delenv("ECODISTRICT_BEHIND_PROXY", raising=False)
    assert waitress_options("127.0.0.1", 8000) == {
        "host": "127.0.0.1",
        "port": 8000,
        "threads": 8,
        "ident": "ecodistrict",
        "max_request_body_size": 12 * 1024 * 1024,
    }
    monkeypatch.setenv("ECODISTRICT_BEHIND_PROXY", "1")
    monkeypatch.setenv("ECODISTRICT_TRUSTED_PROXY", "10.0.0.2")
    options = waitress_options("127.0.0.1", 8000)
    assert options["trusted_proxy"] == "10.0.0.2"
    assert options["trusted_proxy_headers"] == {"x-forwarded-for", "x-forwarded-proto"}
    assert options["clear_untrusted_proxy_headers"] is True
