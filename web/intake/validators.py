"""Checks of the fields a firm types on the public pages (Partita IVA, plain text)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: Control characters (C0 and C1, DEL) other than tab and line breaks: never legitimate in a
#: form field, and a way to corrupt logs, e-mails and exported files.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def vat_check_digit(first_ten: str) -> int:
    """The check digit of an Italian Partita IVA from its first ten digits.

    The official algorithm (DM 23/12/1976; Agenzia delle Entrate): digits in odd positions
    (1st, 3rd, ... 9th) are added as they are; digits in even positions are doubled, and 9 is
    subtracted from a double above 9; the check digit is what brings the sum to a multiple of 10.
    """
    total = 0
    for position, char in enumerate(first_ten, start=1):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def normalize_vat_number(raw: str) -> str:
    """The Partita IVA without spaces and without the optional 'IT' prefix."""
    text = re.sub(r"\s+", "", raw or "").upper()
    return text[2:] if text.startswith("IT") else text


def validate_vat_number(raw: str) -> None:
    value = normalize_vat_number(raw)
    if not re.fullmatch(r"\d{11}", value):
        raise ValidationError(_("A Partita IVA has exactly 11 digits."), code="vat_format")
    if value[:7] == "0000000":
        raise ValidationError(_("This is not a valid Partita IVA."), code="vat_zero")
    if vat_check_digit(value[:10]) != int(value[10]):
        raise ValidationError(
            _("The check digit of this Partita IVA is wrong: please check the number."),
            code="vat_check_digit",
        )


def validate_plain_text(value: str) -> None:
    """Refuse control characters (tab and line breaks are allowed)."""
    if value and CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _("The text contains control characters; please remove them."), code="control"
        )


def validate_no_markup(value: str) -> None:
    """Names (of a firm, of a person) never need angle brackets; refusing them keeps markup out
    of e-mails and exports as well as pages (which escape everything anyway)."""
    if value and ("<" in value or ">" in value):
        raise ValidationError(_("A name cannot contain < or >."), code="markup")
