"""Forms of the public call: the expression of interest and the first password."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ecodistrict.codes.ateco import check_activity_code
from ecodistrict_web.intake.models import InterestStatus
from ecodistrict_web.intake.validators import (
    normalize_vat_number,
    validate_no_markup,
    validate_plain_text,
    validate_vat_number,
)


class StyledForm(forms.Form):
    """Bootstrap Italia classes on every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)


def style_fields(form: forms.BaseForm) -> None:
    for bound in form:
        widget = bound.field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if bound.errors:
            css += " is-invalid"
        widget.attrs["class"] = css
        if bound.help_text:
            widget.attrs["aria-describedby"] = f"{bound.auto_id}_helptext"


def _text(
    label: str, max_length: int, validators: list[Any] | None = None, **kwargs: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        validators=[validate_plain_text, *(validators or [])],
        **kwargs,
    )


class InterestForm(StyledForm):
    company_name = _text(_("Company name"), 200, validators=[validate_no_markup])
    vat_number = forms.CharField(
        label=_("Partita IVA"),
        max_length=20,
        help_text=_("11 digits, e.g. 01234567897."),
        validators=[validate_vat_number],
    )
    ateco = forms.CharField(
        label=_("ATECO code"),
        max_length=20,
        help_text=_("The main activity, at class level or finer, e.g. 25.62."),
    )
    contact_name = _text(_("Contact person"), 200, validators=[validate_no_markup])
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.RegexField(
        label=_("Phone"),
        max_length=30,
        regex=r"^\+?[0-9 ()./-]{6,30}$",
        error_messages={"invalid": _("Write a phone number: digits, spaces, + ( ) . / -.")},
    )
    activity = _text(
        _("Intended activity"),
        2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the firm would do in the district: production, processes, services."),
    )
    space_m2 = forms.IntegerField(label=_("Space needed (m²)"), min_value=1, max_value=1_000_000)
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and consent to the processing of my data"),
        required=True,
    )

    def clean_vat_number(self) -> str:
        return normalize_vat_number(self.cleaned_data["vat_number"])

    def clean_ateco(self) -> str:
        raw = self.cleaned_data["ateco"]
        validate_plain_text(raw)
        check = check_activity_code(raw)
        if check.activity is None:
            raise ValidationError(
                _("%(code)s is not an ATECO code of class level or finer: %(error)s"),
                params={"code": raw, "error": check.error or ""},
                code="ateco",
            )
        return str(check.activity.code)

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class FirstPasswordForm(SetPasswordForm):
    """The password a firm sets when it verifies its e-mail."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)


class InterestFilterForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("all")), *list(InterestStatus.choices)],
    )
