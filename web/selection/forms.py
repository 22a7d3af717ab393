"""Forms of the selection pages: a call or lots file as text, the parameters of a run."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ecodistrict_web.selection import services
from ecodistrict_web.selection.models import RunKind


class FileTextForm(forms.Form):
    text = forms.CharField(
        label=_("File text (YAML or JSON)"),
        max_length=services.MAX_FILE_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 28, "spellcheck": "false", "class": "font-monospace"}),
    )


class RunForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RunKind.choices)
    call = forms.IntegerField(label=_("Call"), required=False, min_value=1)
    lots = forms.IntegerField(label=_("Lots"), required=False, min_value=1)
    name = forms.CharField(label=_("Scenario name"), required=False, max_length=100)
    method = forms.ChoiceField(
        label=_("Ranking method"),
        required=False,
        choices=[("", _("the call's method")), *((m, m) for m in services.METHODS)],
    )
    objective = forms.ChoiceField(
        label=_("Objective of the network"),
        required=False,
        choices=[("closure", _("closure of the cycles")), ("co2", _("CO2 avoided"))],
    )
    max_distance_km = forms.FloatField(
        label=_("Maximum distance (km)"), required=False, min_value=0, max_value=1000
    )
    min_size = forms.FloatField(
        label=_("Minimum size of an exchange"), required=False, min_value=0, max_value=1e9
    )
    top_k = forms.IntegerField(
        label=_("Candidates per output"), required=False, min_value=1, max_value=100
    )
    time_limit_s = forms.FloatField(
        label=_("Solver time limit (s)"),
        required=False,
        min_value=0.1,
        max_value=services.MAX_TIME_LIMIT_S,
    )

    def parameters(self) -> dict[str, Any]:
        """The parameters the run's kind uses (the others are not stored)."""
        data = self.cleaned_data
        kind = data["kind"]
        if kind == RunKind.OPTIMIZE:
            return {
                "objective": data.get("objective") or "closure",
                "max_distance_km": data.get("max_distance_km"),
                "min_size": data.get("min_size"),
                "top_k": data.get("top_k") or services.DEFAULT_TOP_K,
                "time_limit_s": data.get("time_limit_s"),
            }
        parameters: dict[str, Any] = {"method": data.get("method") or None}
        if kind == RunKind.SETTLE:
            parameters["time_limit_s"] = data.get("time_limit_s") or services.DEFAULT_TIME_LIMIT_S
        return parameters
