"""Writes on expressions of interest: register, verify the e-mail, invite to the assessment."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from ecodistrict_web.accounts.models import Role, User
from ecodistrict_web.companies.models import District
from ecodistrict_web.intake.models import Interest, InterestStatus

logger = logging.getLogger(__name__)

#: At most this many registrations per hour from one client address.
REGISTRATIONS_PER_HOUR = 5

#: Builds an absolute URL (scheme and host of the request) from a path.
UrlBuilder = Callable[[str], str]


@dataclass(frozen=True)
class RegistrationResult:
    ok: bool
    interest: Interest | None = None
    #: field name ("" for the whole form) -> message
    errors: dict[str, str] = field(default_factory=dict)


def register_interest(
    data: dict[str, Any], absolute_url: UrlBuilder, *, client_key: str = ""
) -> RegistrationResult:
    """Store an expression of interest with an inactive firm account, and e-mail the link that
    verifies the address; or store nothing and say why (a Partita IVA or an e-mail already
    registered, too many registrations from one address)."""
    throttle_key = f"intake:register:{client_key}"
    if client_key and cache.get(throttle_key, 0) >= REGISTRATIONS_PER_HOUR:
        return RegistrationResult(
            ok=False,
            errors={"": _("Too many registrations from this address: please try again later.")},
        )
    duplicate = _duplicate(data["vat_number"], data["email"])
    if duplicate:
        return RegistrationResult(ok=False, errors=duplicate)
    try:
        with transaction.atomic():
            user = User(username=data["email"], email=data["email"], role=Role.FIRM)
            user.is_active = False  # until the e-mail is verified
            user.set_unusable_password()
            user.save()
            interest = Interest.objects.create(
                district=District.objects.order_by("pk").first(),
                user=user,
                company_name=data["company_name"],
                vat_number=data["vat_number"],
                ateco=data["ateco"],
                contact_name=data["contact_name"],
                email=data["email"],
                phone=data["phone"],
                activity=data["activity"],
                space_m2=data["space_m2"],
                consent_at=timezone.now(),
            )
    except IntegrityError:  # a registration of the same firm at the same moment
        return RegistrationResult(ok=False, errors=_duplicate(data["vat_number"], data["email"]))
    if client_key:
        cache.add(throttle_key, 0, 3600)
        cache.incr(throttle_key)
    send_verification_email(interest, absolute_url)
    logger.info("expression of interest %d registered", interest.pk)
    return RegistrationResult(ok=True, interest=interest)


def _duplicate(vat_number: str, email: str) -> dict[str, str]:
    if Interest.objects.filter(vat_number=vat_number).exists():
        return {
            "vat_number": _(
                "An expression of interest with this Partita IVA is already registered. If it "
                "is yours, follow the link in the e-mail we sent, or write to the Servizio "
                "Attività Produttive."
            )
        }
    if User.objects.filter(username__iexact=email).exists():
        return {"email": _("An account with this e-mail already exists.")}
    return {}


def verification_path(user: User) -> str:
    return reverse(
        "intake:verify",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def send_verification_email(interest: Interest, absolute_url: UrlBuilder) -> None:
    context = {"interest": interest, "link": absolute_url(verification_path(interest.user))}
    send_mail(
        _("Smart Eco District: confirm your e-mail address"),
        render_to_string("intake/email/verify.txt", context),
        None,
        [interest.email],
    )


def user_for_token(uidb64: str, token: str) -> User | None:
    """The not yet verified user a verification link names, if the link is valid and unexpired
    (the token is signed and expires after ``PASSWORD_RESET_TIMEOUT``; it stops working once
    the password is set)."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, interest__isnull=False).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


@transaction.atomic
def complete_verification(user: User, password_form: Any) -> User:
    """Set the first password (a valid ``SetPasswordForm``), activate the account, and mark the
    interest verified."""
    password_form.save(commit=False)
    user.is_active = True
    user.save()
    interest = Interest.objects.select_for_update().get(user=user)
    if interest.status == InterestStatus.UNVERIFIED:
        interest.status = InterestStatus.VERIFIED
        interest.verified_at = timezone.now()
        interest.save()
    return user


@dataclass(frozen=True)
class InvitationResult:
    ok: bool
    message: str = ""


def invite_to_assessment(
    interest: Interest, user: Any, absolute_url: UrlBuilder
) -> InvitationResult:
    """Open the firm's profiling assessment and e-mail the firm the link to it."""
    from ecodistrict_web.assessments.services import open_assessment

    if interest.status == InterestStatus.UNVERIFIED:
        return InvitationResult(
            ok=False, message=_("The firm has not verified its e-mail address yet.")
        )
    with transaction.atomic():
        assessment = open_assessment(interest)
        if interest.status != InterestStatus.INVITED:
            interest.status = InterestStatus.INVITED
            interest.invited_at = timezone.now()
            interest.save()
    link = absolute_url(reverse("assessments:detail", kwargs={"pk": assessment.pk}))
    send_mail(
        _("Smart Eco District: your profiling assessment is open"),
        render_to_string("intake/email/invite.txt", {"interest": interest, "link": link}),
        None,
        [interest.email],
    )
    logger.info("interest %d invited to assessment %d", interest.pk, assessment.pk)
    return InvitationResult(ok=True)
