"""Forms of the matchmaking pages: the staff filters, the interest answer, the status change,
the recomputation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ecodistrict_web.companies.models import FlowKind
from ecodistrict_web.matchmaking.models import ExchangeStatus, MatchBasis, Side
from ecodistrict_web.matchmaking.selectors import MatchFilters
from ecodistrict_web.matchmaking.services import DEFAULT_TOP_K, MAX_NOTE_CHARS, MAX_TOP_K


class MatchFilterForm(forms.Form):
    """Filters of "Abbinamenti" (GET): kind, resource, maximum distance, basis."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *FlowKind.choices]
    )
    resource = forms.CharField(
        label=_("Resource"),
        required=False,
        max_length=100,
        help_text=_("Words of the offered flow's description, or its EWC code."),
    )
    max_km = forms.FloatField(
        label=_("Maximum distance (km)"), required=False, min_value=0, max_value=10_000
    )
    basis = forms.ChoiceField(
        label=_("Basis"),
        required=False,
        choices=[("", _("Declared and inferred")), *MatchBasis.choices],
    )

    def filters(self) -> MatchFilters:
        """The valid filters (a malformed field is ignored and shown with its error)."""
        data = self.cleaned_data if self.is_valid() else getattr(self, "cleaned_data", {})
        return MatchFilters(
            kind=data.get("kind") or "",
            resource=(data.get("resource") or "").strip(),
            max_km=data.get("max_km"),
            basis=data.get("basis") or "",
        )


class InterestForm(forms.Form):
    """ "Mi interessa" / "Non mi interessa" on one match."""

    interested = forms.ChoiceField(choices=[("yes", _("Interested")), ("no", _("Not interested"))])
    side = forms.ChoiceField(required=False, choices=[("", ""), *Side.choices])


class ExchangeStatusForm(forms.Form):
    """Move a proposed exchange to another status, with a note (staff)."""

    status = forms.ChoiceField(label=_("New status"), choices=ExchangeStatus.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RecomputeMatchesForm(forms.Form):
    """ "Ricalcola abbinamenti": which district, and the options of the run."""

    district = forms.IntegerField(widget=forms.HiddenInput)
    top_k = forms.IntegerField(
        label=_("Candidates per output"),
        min_value=1,
        max_value=MAX_TOP_K,
        initial=DEFAULT_TOP_K,
        required=False,
    )
    max_distance_km = forms.FloatField(
        label=_("Maximum distance (km)"),
        required=False,
        min_value=0.1,
        max_value=10_000,
        help_text=_("Empty: no limit."),
    )
