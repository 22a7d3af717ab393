"""save_when_free and when_free: a busy database is waited for; one busy for good is reported."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import OperationalError

from ecodistrict_web.core import persistence

pytestmark = pytest.mark.django_db


def test_a_row_is_saved_once_the_database_is_free(monkeypatch):
    group = Group.objects.create(name="before")
    group.name = "after"
    original = Group.save
    calls: list[object] = []
    waits: list[float] = []

    def busy_three_times(self, *args, **kwargs):
        calls.append(kwargs.get("update_fields"))
        if len(calls) <= 3:
            raise OperationalError("database is locked")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Group, "save", busy_three_times)
    monkeypatch.setattr(persistence.time, "sleep", waits.append)
    persistence.save_when_free(group, update_fields=["name"])
    assert calls == [["name"]] * 4
    assert waits == pytest.approx([0.2, 0.4, 0.6])
    assert Group.objects.get(pk=group.pk).name == "after"


def test_a_database_busy_for_every_attempt_raises_and_changes_nothing(monkeypatch):
    group = Group.objects.create(name="before")
    group.name = "after"

    def always_busy(self, *args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(Group, "save", always_busy)
    monkeypatch.setattr(persistence.time, "sleep", lambda seconds: None)
    with pytest.raises(OperationalError):
        persistence.save_when_free(group)
    monkeypatch.undo()
    assert Group.objects.get(pk=group.pk).name == "before"


def test_a_claim_by_update_is_retried_once_the_database_is_free(monkeypatch):
    # The background jobs claim a queued row with one UPDATE: busy twice, then it runs once.
    group = Group.objects.create(name="queued")
    waits: list[float] = []
    attempts: list[int] = []

    def claim() -> int:
        attempts.append(1)
        if len(attempts) <= 2:
            raise OperationalError("database table is locked: auth_group")
        return Group.objects.filter(pk=group.pk, name="queued").update(name="running")

    monkeypatch.setattr(persistence.time, "sleep", waits.append)
    assert persistence.when_free(claim) == 1
    assert len(attempts) == 3 and waits == pytest.approx([0.2, 0.4])
    assert Group.objects.get(pk=group.pk).name == "running"
    assert persistence.when_free(claim) == 0  # already claimed: nothing changes
    assert Group.objects.get(pk=group.pk).name == "running"
