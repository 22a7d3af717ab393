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
