"""Writes on accounts: the only place that creates users, memberships, facilitator grants and
API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecodistrict_web.accounts.models import ApiToken, FacilitatorGrant, Membership, Role, User

#: Every token starts with this, so a leaked one is recognisable (e.g. by secret scanners).
TOKEN_PREFIX = "eco_"


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


class GrantError(ValueError):
    """A grant that cannot be given (not a facilitator, or not exactly one target)."""


@transaction.atomic
def grant_facilitator(
    user: User,
    *,
    district: object | None = None,
    company: object | None = None,
    granted_by: User | None = None,
) -> FacilitatorGrant:
    """Let a facilitator read a whole district or one company (idempotent)."""
    if user.role != Role.FACILITATOR:
        raise GrantError(_("Only a facilitator can be granted access to a district or a company."))
    if (district is None) == (company is None):
        raise GrantError(_("Choose either a district or a company."))
    grant, _created = FacilitatorGrant.objects.get_or_create(
        user=user, district=district, company=company, defaults={"granted_by": granted_by}
    )
    return grant


def withdraw_grant(grant: FacilitatorGrant) -> None:
    grant.delete()


@dataclass(frozen=True)
class NewToken:
    """A token just created: ``secret`` is shown to the user once and never stored."""

    token: ApiToken
    secret: str


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_api_token(user: User, name: str) -> NewToken:
    """A new personal API token for ``user``; only its hash is kept."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=(name.strip() or "token")[:100],
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        token_sha256=hash_token(secret),
    )
    return NewToken(token=token, secret=secret)


def revoke_api_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def authenticate_token(secret: str) -> User | None:
    """The active user of an active token, or None; records when the token was last used."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_sha256=hash_token(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # One write a minute at most, not one per request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
