"""Login throttling, kept in Django's cache (a database table, see settings.CACHES).

How it works: each failed login for a (username, client IP) pair increments a counter stored
under a hashed cache key, with a time-out of LOGIN_LOCKOUT_SECONDS (15 minutes) renewed on every
failure. When the counter reaches LOGIN_FAILURE_LIMIT (5), the pair is locked: a lock entry is
stored for LOGIN_LOCKOUT_SECONDS and every attempt, even with the right password, is refused
until it expires. A successful login clears the counter. The username is case-folded, so
"Staff@..." and "staff@..." count together; keys are hashed so no username is stored in clear.
The IP is REMOTE_ADDR: behind a reverse proxy, have the proxy (or the WSGI server) set it to the
real client address, or every client shares the proxy's address.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _key(kind: str, username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{username.casefold()}|{ip}".encode()).hexdigest()
    return f"login-{kind}:{digest}"


def client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return "-"
    return str(request.META.get("REMOTE_ADDR") or "-")


def is_locked(username: str, ip: str) -> bool:
    return bool(cache.get(_key("lock", username, ip)))


def record_failure(username: str, ip: str) -> int:
    """Count one failed attempt; lock the pair when the limit is reached. Returns the count."""
    key = _key("failures", username, ip)
    failures = int(cache.get(key, 0)) + 1
    cache.set(key, failures, settings.LOGIN_LOCKOUT_SECONDS)
    if failures >= settings.LOGIN_FAILURE_LIMIT:
        cache.set(_key("lock", username, ip), True, settings.LOGIN_LOCKOUT_SECONDS)
    return failures


def clear_failures(username: str, ip: str) -> None:
    cache.delete_many([_key("failures", username, ip), _key("lock", username, ip)])
