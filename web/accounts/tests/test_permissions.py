"""The role rules: one table, checked in full."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from ecodistrict_web.accounts.models import Role, User
from ecodistrict_web.accounts.permissions import (
    ACTIONS,
    Scope,
    can_administer,
    can_import_district,
    scope_for,
)


def user(role: str, **extra) -> User:
    return User(
        username=f"{role}@x",
        role=role,
        is_active=extra.get("is_active", True),
        is_superuser=extra.get("is_superuser", False),
    )


def test_role_values():
    assert Role.values == ["firm", "staff", "facilitator"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("staff", {"view": "all", "add": "all", "change": "all", "delete": "all", "import": "all"}),
        (
            "facilitator",
            {
                "view": "granted",
                "add": "none",
                "change": "none",
                "delete": "none",
                "import": "none",
            },
        ),
        (
            "firm",
            {"view": "own", "add": "none", "change": "own", "delete": "none", "import": "none"},
        ),
    ],
)
def test_scope_table(role, expected):
    assert {action: scope_for(user(role), action).value for action in ACTIONS} == expected


def test_anonymous_and_inactive_users_get_nothing():
    for action in ACTIONS:
        assert scope_for(AnonymousUser(), action) is Scope.NONE
        assert scope_for(None, action) is Scope.NONE
        assert scope_for(user("staff", is_active=False), action) is Scope.NONE


def test_superuser_gets_everything():
    assert {scope_for(user("firm", is_superuser=True), a) for a in ACTIONS} == {Scope.ALL}


def test_admin_and_import_are_for_staff_only():
    assert [can_administer(user(r)) for r in Role.values] == [False, True, False]
    assert [can_import_district(user(r)) for r in Role.values] == [False, True, False]
    assert can_administer(AnonymousUser()) is False


def test_unknown_action_is_an_error():
    with pytest.raises(ValueError, match="unknown action 'publish'"):
        scope_for(user("staff"), "publish")
