from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from ecodistrict_web.accounts import throttling


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing a username+IP pair after repeated failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many failed attempts. For your security, sign-in for this account from this "
            "address is blocked for %(minutes)d minutes."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        ip = throttling.client_ip(self.request)
        if username and throttling.is_locked(username, ip):
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.LOGIN_LOCKOUT_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                throttling.record_failure(username, ip)
            raise
        throttling.clear_failures(username, ip)
        return cleaned


class GrantForm(forms.Form):
    """Staff grant a facilitator a whole district or one company (exactly one of the two)."""

    facilitator = forms.ModelChoiceField(queryset=None, label=_("Facilitator"))
    district = forms.ModelChoiceField(queryset=None, required=False, label=_("District"))
    company = forms.ModelChoiceField(queryset=None, required=False, label=_("Company"))

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = choices.facilitators
        self.fields["district"].queryset = choices.districts
        self.fields["company"].queryset = choices.companies

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if bool(cleaned.get("district")) == bool(cleaned.get("company")):
            raise forms.ValidationError(
                _("Choose either a district or a company."), code="one_target"
            )
        return cleaned


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("To recognise it later, e.g. the script that uses it."),
    )
