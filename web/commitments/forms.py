"""Forms of the manifesto and commitments pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from ecodistrict_web.commitments.models import CharterKind


class SignForm(forms.Form):
    company = forms.IntegerField(widget=forms.HiddenInput)
    agree = forms.BooleanField(
        label=gettext_lazy("I sign the manifesto and the guidelines on behalf of the firm")
    )
    public_consent = forms.BooleanField(
        label=gettext_lazy("The firm's name and its progress may be listed on the public page"),
        required=False,
    )


class CommitmentForm(forms.Form):
    company = forms.IntegerField(widget=forms.HiddenInput)
    indicator = forms.ChoiceField(label=gettext_lazy("Indicator"))
    target = forms.FloatField(label=gettext_lazy("Target"), min_value=-1e12, max_value=1e12)
    deadline_year = forms.IntegerField(
        label=gettext_lazy("Deadline (year)"), min_value=2000, max_value=2100
    )

    def __init__(
        self, *args: Any, indicators: Sequence[tuple[str, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = list(indicators)


class CharterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Document"), choices=CharterKind.choices)
    title_it = forms.CharField(label=gettext_lazy("Title (Italian)"), max_length=300)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=300)
    body_it = forms.CharField(
        label=gettext_lazy("Text (Italian)"), max_length=100_000, widget=forms.Textarea
    )
    body_en = forms.CharField(
        label=gettext_lazy("Text (English)"), max_length=100_000, widget=forms.Textarea
    )
