"""Expression of interest: Partita IVA check, registration, verification, staff list, invite."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from ecodistrict_web.accounts.models import User
from ecodistrict_web.assessments.models import Assessment
from ecodistrict_web.intake.models import Interest, InterestStatus
from ecodistrict_web.intake.validators import validate_vat_number, vat_check_digit

# Worked by hand. 1234567890: odd positions 1+3+5+7+9 = 25; even positions 2,4,6,8,0 doubled
# 4,8,12-9=3,16-9=7,0 -> 22; total 47; check digit (10 - 7) % 10 = 3 -> 12345678903.
# 0123456789: odd 0+2+4+6+8 = 20; even 1,3,5,7,9 doubled 2,6,10-9=1,14-9=5,18-9=9 -> 23;
# total 43; check digit 7 -> 01234567897.
VALID_VAT = "12345678903"
OTHER_VAT = "01234567897"

FORM = {
    "company_name": "Officine Secchia S.r.l.",
    "vat_number": VALID_VAT,
    "ateco": "25.62",
    "contact_name": "Giulia Ferrari",
    "email": "giulia@secchia.example",
    "phone": "+39 059 123456",
    "activity": "Lavorazioni meccaniche di precisione per macchine ceramiche.",
    "space_m2": "2500",
    "consent": "on",
}


def test_vat_check_digit_worked_by_hand() -> None:
    assert vat_check_digit("1234567890") == 3
    assert vat_check_digit("0123456789") == 7
    validate_vat_number(VALID_VAT)
    validate_vat_number("IT " + OTHER_VAT)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12345678901", "vat_check_digit"),
        ("1234567890", "vat_format"),
        ("1234567890A", "vat_format"),
        ("00000000000", "vat_zero"),
    ],
)
def test_bad_vat_numbers(value: str, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_vat_number(value)
    assert error.value.code == code


def _register(client, **changes):
    return client.post(reverse("intake:register"), {**FORM, **changes})


def _verification_link() -> str:
    match = re.search(r"http://testserver(/call/verify/[^\s]+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


@pytest.mark.django_db
def test_public_pages_are_open_to_anonymous_visitors(client) -> None:
    assert "Smart Eco District di Formigine" in client.get(reverse("intake:call")).content.decode()
    privacy = client.get(reverse("intake:privacy")).content.decode()
    assert "art. 13 del Regolamento (UE) 2016/679" in privacy


@pytest.mark.django_db
def test_register_verify_and_set_password(client) -> None:
    response = _register(client)
    assert response.status_code == 200
    assert 'data-testid="registered"' in response.content.decode()
    interest = Interest.objects.get()
    assert (interest.vat_number, interest.ateco, interest.space_m2) == (VALID_VAT, "25.62", 2500)
    assert interest.status == InterestStatus.UNVERIFIED
    user = interest.user
    assert (user.username, user.role, user.is_active, user.has_usable_password()) == (
        "giulia@secchia.example",
        "firm",
        False,
        False,
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["giulia@secchia.example"]
    link = _verification_link()
    assert client.get(link).status_code == 200
    response = client.post(
        link, {"new_password1": "Piastrelle-2026!", "new_password2": "Piastrelle-2026!"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:mine")
    user.refresh_from_db()
    interest.refresh_from_db()
    assert user.is_active and user.check_password("Piastrelle-2026!")
    assert interest.status == InterestStatus.VERIFIED
    # The link works once: the token depends on the password.
    assert client.get(link).status_code == 400
    assert interest.history.count() == 2  # created, verified


@pytest.mark.django_db
def test_a_forged_link_is_refused(client) -> None:
    _register(client)
    link = _verification_link()
    forged = link.rsplit("/", 2)[0] + "/abc-123/"
    assert client.get(forged).status_code == 400
    assert client.get("/call/verify/zzz/abc/").status_code == 400
    assert User.objects.get().is_active is False


@pytest.mark.django_db
def test_duplicate_partita_iva_is_refused_with_a_message(client) -> None:
    _register(client)
    response = _register(client, email="other@secchia.example")
    assert response.status_code == 200
    assert "già registrata una manifestazione" in response.content.decode()
    assert Interest.objects.count() == 1 and User.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_invalid_fields_are_named_and_nothing_is_stored(client) -> None:
    response = _register(client, vat_number="12345678901", ateco="99.99", consent="", space_m2="-5")
    body = response.content.decode()
    assert 'data-testid="error-vat_number"' in body
    assert 'data-testid="error-ateco"' in body
    assert 'data-testid="error-consent"' in body
    assert 'data-testid="error-space_m2"' in body
    assert Interest.objects.count() == 0 and User.objects.count() == 0


@pytest.mark.django_db
def test_registrations_are_throttled_per_address(client) -> None:
    vats = ["12345678903", "01234567897", "11111111115", "22222222220", "33333333335"]
    for number, vat in enumerate(vats):
        response = _register(client, vat_number=vat, email=f"user{number}@example.com")
        assert 'data-testid="registered"' in response.content.decode(), vat
    response = _register(client, vat_number="44444444440", email="six@example.com")
    assert "Troppe registrazioni da questo indirizzo" in response.content.decode()
    assert Interest.objects.count() == 5


@pytest.mark.django_db
def test_staff_list_filter_and_invite(client_for, staff_user, client) -> None:
    _register(client)
    link = _verification_link()
    client.post(link, {"new_password1": "Piastrelle-2026!", "new_password2": "Piastrelle-2026!"})
    client.logout()
    staff = client_for(staff_user)
    page = staff.get(reverse("intake:list"), {"status": "verified"}).content.decode()
    assert "Officine Secchia S.r.l." in page
    page = staff.get(reverse("intake:list"), {"status": "invited"}).content.decode()
    assert "Officine Secchia S.r.l." not in page
    interest = Interest.objects.get()
    response = staff.post(reverse("intake:invite", args=[interest.pk]))
    assert response.status_code == 302
    interest.refresh_from_db()
    assert interest.status == InterestStatus.INVITED
    assessment = Assessment.objects.get()
    assert assessment.interest == interest
    assert assessment.draft["company"] == {
        "id": f"applicant-{interest.pk}",
        "name": "Officine Secchia S.r.l.",
        "ateco": "25.62",
        "flows": [],
    }
    assert mail.outbox[-1].to == ["giulia@secchia.example"]
    assert f"/assessments/{assessment.pk}/" in mail.outbox[-1].body


@pytest.mark.django_db
def test_firms_and_anonymous_cannot_list_or_invite(client, client_for, firm_user) -> None:
    _register(client)
    interest = Interest.objects.get()
    assert client.get(reverse("intake:list")).status_code == 302  # to the login page
    firm = client_for(firm_user)
    assert firm.get(reverse("intake:list")).status_code == 403
    assert firm.post(reverse("intake:invite", args=[interest.pk])).status_code == 403
    interest.refresh_from_db()
    assert interest.status == InterestStatus.UNVERIFIED
    assert Assessment.objects.count() == 0


@pytest.mark.django_db
def test_an_unverified_interest_is_not_invited(client_for, staff_user, client) -> None:
    _register(client)
    interest = Interest.objects.get()
    client_for(staff_user).post(reverse("intake:invite", args=[interest.pk]))
    interest.refresh_from_db()
    assert interest.status == InterestStatus.UNVERIFIED
    assert Assessment.objects.count() == 0


HTML = "<script>alert('x')</script>"
SQL = "'; DROP TABLE intake_interest; --"
LONG = "x" * 10_000
CONTROL = ["nome\x00nullo", "campanello\x07\x1b[31m"]
TEXT_FIELDS = ["company_name", "vat_number", "ateco", "contact_name", "email", "phone", "activity"]
REFUSED = [
    *[(name, text) for name in TEXT_FIELDS for text in [LONG, *CONTROL]],
    *[(name, HTML) for name in TEXT_FIELDS if name != "activity"],
    *[(name, SQL) for name in ("vat_number", "ateco", "email", "phone")],
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "text"), REFUSED)
def test_hostile_text_is_refused_with_a_message(client, name: str, text: str) -> None:
    response = _register(client, **{name: text})
    body = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="error-{name}"' in body
    assert "<script>alert" not in body
    assert Interest.objects.count() == 0 and User.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "text"),
    [("company_name", SQL), ("contact_name", SQL), ("activity", SQL), ("activity", HTML)],
)
def test_free_text_is_stored_verbatim_and_shown_escaped(
    client, client_for, name: str, text: str
) -> None:
    response = _register(client, **{name: text})
    assert 'data-testid="registered"' in response.content.decode()
    assert getattr(Interest.objects.get(), name) == text
    user = Interest.objects.get().user
    user.is_active = True
    user.save()
    page = client_for(user).get(reverse("intake:mine")).content.decode()
    assert "<script>alert" not in page
    shown = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert shown.replace("'", "&#x27;") in page
