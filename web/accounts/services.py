"""Writes on accounts: the only place that creates users and memberships."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from ecodistrict_web.accounts.models import Membership, Role, User


@transaction.atomic
def create_user(
    username: str,
    password: str,
    role: str,
    *,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    companies: Iterable[object] = (),
) -> User:
    """Create an active user with a role; a firm user is made a member of ``companies``."""
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(Role.values)}")
    user = User.objects.create_user(
        username=username,
        password=password,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
    )
    for company in companies:
        Membership.objects.create(user=user, company=company)
    return user


def add_membership(user: User, company: object) -> Membership:
    membership, _created = Membership.objects.get_or_create(user=user, company=company)
    return membership
