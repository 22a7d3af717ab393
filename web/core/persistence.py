"""Saving from background threads: a busy database is waited for, never a lost result.

SQLite locks a table while another connection writes it; a page reading a run's status at the
moment a background thread stores its result would otherwise make the thread fail and the
result be lost. PostgreSQL does not raise here, so the loop costs nothing there.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import OperationalError
from django.db.models import Model

T = TypeVar("T")

#: Attempts before giving up, waiting 0.2 s, 0.4 s, ... between them (about 9 s in all).
SAVE_ATTEMPTS = 10


def save_when_free(row: Model, update_fields: Iterable[str] | None = None) -> None:
    """`row.save(update_fields=...)`, retried while the database reports that it is busy."""
    fields = list(update_fields) if update_fields is not None else None
    when_free(lambda: row.save(update_fields=fields))


def when_free(write: Callable[[], T]) -> T:
    """`write()` (one statement: a save, a queryset `update`), retried while the database
    reports that it is busy; its result."""
    for attempt in range(SAVE_ATTEMPTS):
        try:
            return write()
        except OperationalError:
            if attempt == SAVE_ATTEMPTS - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")
