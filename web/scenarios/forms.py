"""Forms of the scenario pages. Each measure form turns what the user typed into flow changes
(format ``ecodistrict/scenario-changes/1``); whether the changes keep the rules of the district
file is checked by the service, with the library's rules."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecodistrict_web.scenarios.selectors import FlowChoice

MAX_JSON_CHARS = 20_000


class ScenarioCreateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, max_length=5000, widget=forms.Textarea
    )
    subject = forms.ChoiceField(label=gettext_lazy("Copy the declared data of"))

    def __init__(self, *args: Any, companies: Any = (), districts: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [(f"company:{c.pk}", c.name) for c in companies]
        choices += [
            (f"district:{d.pk}", _("the whole district %(name)s") % {"name": d.name})
            for d in districts
        ]
        self.fields["subject"].choices = choices


def _new_flow_id(flows: list[dict[str, Any]], base: str) -> str:
    taken = {flow["id"] for flow in flows}
    number = 1
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


class MeasureForm(forms.Form):
    """A measure of a scenario. ``flows`` are the flows it may change (the scenario's state);
    ``companies`` the firms it may change (one for a firm's scenario)."""

    #: Which flows the ``flow`` field offers: (direction, kind) pairs; None for every flow.
    flow_filter: tuple[tuple[str, str], ...] | None = None
    flow_required = True

    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)

    def __init__(
        self,
        *args: Any,
        flows: Sequence[FlowChoice] = (),
        companies: Sequence[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.flow_rows = {
            choice.value: choice
            for choice in flows
            if self.flow_filter is None
            or (choice.flow["direction"], choice.flow["kind"]) in self.flow_filter
        }
        self.all_flows = list(flows)
        if "flow" in self.fields:
            self.fields["flow"].choices = [("", "—")] + [
                (value, row.label) for value, row in self.flow_rows.items()
            ]
            self.fields["flow"].required = self.flow_required
        if "company" in self.fields:
            self.fields["company"].choices = list(companies)

    def chosen(self, name: str = "flow") -> FlowChoice | None:
        value = self.cleaned_data.get(name)
        return self.flow_rows.get(value) if value else None

    def company_flows(self, company: str) -> list[dict[str, Any]]:
        return [choice.flow for choice in self.all_flows if choice.company == company]

    def _note(self, change: dict[str, Any]) -> dict[str, Any]:
        note = self.cleaned_data.get("note")
        return change | {"note": note} if note else change

    def reduce(self, row: FlowChoice, by: float) -> dict[str, Any]:
        """The change that takes ``by`` off a flow (removing it when nothing is left)."""
        left = float(row.flow["quantity"]) - by
        if left <= 1e-9:
            return {"action": "remove", "company": row.company, "flow": row.flow["id"]}
        return {
            "action": "modify",
            "company": row.company,
            "flow": row.flow["id"],
            "fields": {"quantity": round(left, 6)},
        }

    def check_reduction(self, row: FlowChoice | None, by: float | None, field: str) -> None:
        if row is not None and by is not None and by > float(row.flow["quantity"]) + 1e-9:
            self.add_error(
                field,
                _("%(amount)s is more than the flow's quantity (%(quantity)s %(unit)s).")
                % {
                    "amount": f"{by:g}",
                    "quantity": f"{row.flow['quantity']:g}",
                    "unit": row.flow["unit"],
                },
            )

    def changes(self) -> list[dict[str, Any]]:
        raise NotImplementedError


class SecondarySupplierForm(MeasureForm):
    """A new supplier of secondary raw material replaces part of a material input."""

    flow_filter = (("in", "material"),)

    flow = forms.ChoiceField(label=gettext_lazy("Material input it replaces"))
    quantity = forms.FloatField(
        label=gettext_lazy("Quantity replaced (in the unit of that input)"), min_value=0.000001
    )
    description = forms.CharField(label=gettext_lazy("Secondary raw material"), max_length=500)
    origin = forms.ChoiceField(
        label=gettext_lazy("Origin"),
        choices=[
            ("by-product", gettext_lazy("by-product")),
            ("recycled", gettext_lazy("recycled")),
            ("reused", gettext_lazy("reused")),
        ],
    )
    source_distance_km = forms.FloatField(
        label=gettext_lazy("Distance of the supplier (km)"),
        min_value=0,
        max_value=50000,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_reduction(self.chosen(), data.get("quantity"), "quantity")
        return data

    def changes(self) -> list[dict[str, Any]]:
        row = self.chosen()
        assert row is not None
        data = self.cleaned_data
        fields: dict[str, Any] = {
            "direction": "in",
            "kind": "material",
            "description": data["description"],
            "quantity": data["quantity"],
            "unit": row.flow["unit"],
            "origin": data["origin"],
        }
        if data.get("source_distance_km") is not None:
            fields["source_distance_km"] = data["source_distance_km"]
        new_id = _new_flow_id(self.company_flows(row.company), "secondary")
        return [
            self._note(self.reduce(row, data["quantity"])),
            self._note({"action": "add", "company": row.company, "flow": new_id, "fields": fields}),
        ]


class HeatRecoveryForm(MeasureForm):
    """Heat recovery: a recovered heat output offered to others, and/or less fuel bought."""

    flow_filter = (("in", "energy"),)
    flow_required = False

    company = forms.ChoiceField(label=gettext_lazy("Firm"))
    description = forms.CharField(
        label=gettext_lazy("Recovered heat offered (description)"), max_length=500, required=False
    )
    quantity_mwh = forms.FloatField(
        label=gettext_lazy("Recovered heat (MWh/yr)"), min_value=0.000001, required=False
    )
    temperature_c = forms.FloatField(
        label=gettext_lazy("Temperature of the heat carrier (°C)"),
        min_value=-273.15,
        max_value=2000,
        required=False,
    )
    flow = forms.ChoiceField(label=gettext_lazy("Fuel input reduced"))
    fuel_reduction = forms.FloatField(
        label=gettext_lazy("Fuel saved (in the unit of that input)"),
        min_value=0.000001,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        offers = data.get("quantity_mwh") is not None
        saves = bool(data.get("flow")) and data.get("fuel_reduction") is not None
        if not offers and not saves:
            raise forms.ValidationError(
                _("Give the recovered heat (MWh/yr), or a fuel input and the fuel saved.")
            )
        if offers and not data.get("description"):
            self.add_error("description", _("Describe the recovered heat."))
        if bool(data.get("flow")) != (data.get("fuel_reduction") is not None):
            self.add_error("fuel_reduction", _("Give the fuel input and the fuel saved together."))
        row = self.chosen()
        if row is not None and row.company != data.get("company"):
            self.add_error("flow", _("This fuel input belongs to another firm."))
        self.check_reduction(row, data.get("fuel_reduction"), "fuel_reduction")
        return data

    def changes(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        company = data["company"]
        result = []
        if data.get("quantity_mwh") is not None:
            fields: dict[str, Any] = {
                "direction": "out",
                "kind": "energy",
                "description": data["description"],
                "quantity": data["quantity_mwh"],
                "unit": "MWh/yr",
                "available": "continuous",
            }
            if data.get("temperature_c") is not None:
                fields["temperature_c"] = data["temperature_c"]
            new_id = _new_flow_id(self.company_flows(company), "recovered-heat")
            result.append({"action": "add", "company": company, "flow": new_id, "fields": fields})
        row = self.chosen()
        if row is not None:
            result.append(self.reduce(row, data["fuel_reduction"]))
        return [self._note(change) for change in result]


class WaterPlantForm(MeasureForm):
    """A shared water plant: recovered water replaces part of a water input, and/or less
    wastewater leaves the firm."""

    flow_filter = (("in", "water"),)
    flow_required = False

    company = forms.ChoiceField(label=gettext_lazy("Firm"))
    quantity_m3 = forms.FloatField(
        label=gettext_lazy("Recovered water received (m3/yr)"), min_value=0.000001
    )
    flow = forms.ChoiceField(label=gettext_lazy("Water input it replaces (optional)"))
    wastewater = forms.ChoiceField(
        label=gettext_lazy("Wastewater output reduced (optional)"), required=False
    )
    wastewater_reduction = forms.FloatField(
        label=gettext_lazy("Less wastewater (in the unit of that output)"),
        min_value=0.000001,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outputs = {
            c.value: c
            for c in self.all_flows
            if (c.flow["direction"], c.flow["kind"]) == ("out", "water")
        }
        self.fields["wastewater"].choices = [("", "—")] + [
            (v, c.label) for v, c in self.outputs.items()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        company = data.get("company")
        row = self.chosen()
        if row is not None and row.company != company:
            self.add_error("flow", _("This water input belongs to another firm."))
        self.check_reduction(row, data.get("quantity_m3"), "quantity_m3")
        waste = self.outputs.get(data.get("wastewater") or "")
        if (waste is None) != (data.get("wastewater_reduction") is None):
            self.add_error(
                "wastewater_reduction", _("Give the wastewater output and the reduction together.")
            )
        if waste is not None and waste.company != company:
            self.add_error("wastewater", _("This output belongs to another firm."))
        self.check_reduction(waste, data.get("wastewater_reduction"), "wastewater_reduction")
        return data

    def changes(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        company = data["company"]
        new_id = _new_flow_id(self.company_flows(company), "recovered-water")
        result: list[dict[str, Any]] = [
            {
                "action": "add",
                "company": company,
                "flow": new_id,
                "fields": {
                    "direction": "in",
                    "kind": "water",
                    "description": _("Recovered water from the shared plant"),
                    "quantity": data["quantity_m3"],
                    "unit": "m3/yr",
                    "origin": "recycled",
                },
            }
        ]
        row = self.chosen()
        if row is not None:
            result.append(self.reduce(row, data["quantity_m3"]))
        waste = self.outputs.get(data.get("wastewater") or "")
        if waste is not None:
            result.append(self.reduce(waste, data["wastewater_reduction"]))
        return [self._note(change) for change in result]


class LogisticsForm(MeasureForm):
    """Pooled logistics: an input travels a shorter distance (e.g. through a shared hub)."""

    flow_filter = (("in", "material"),)

    flow = forms.ChoiceField(label=gettext_lazy("Material input"))
    source_distance_km = forms.FloatField(
        label=gettext_lazy("Distance after pooling (km)"), min_value=0, max_value=50000
    )

    def changes(self) -> list[dict[str, Any]]:
        row = self.chosen()
        assert row is not None
        return [
            self._note(
                {
                    "action": "modify",
                    "company": row.company,
                    "flow": row.flow["id"],
                    "fields": {"source_distance_km": self.cleaned_data["source_distance_km"]},
                }
            )
        ]


FLOW_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")


class FlowEditForm(MeasureForm):
    """Any flow edit: add a flow, change fields of a flow, or remove it (fields as JSON)."""

    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=[
            ("add", gettext_lazy("Add a flow")),
            ("modify", gettext_lazy("Modify a flow")),
            ("remove", gettext_lazy("Remove a flow")),
        ],
    )
    company = forms.ChoiceField(label=gettext_lazy("Firm"))
    flow_id = forms.CharField(label=gettext_lazy("Flow id"), max_length=100)
    fields_json = forms.CharField(
        label=gettext_lazy("Fields (JSON object; null removes a field)"),
        required=False,
        max_length=MAX_JSON_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_flow_id(self) -> str:
        value = self.cleaned_data["flow_id"].strip()
        if not FLOW_ID.match(value):
            raise forms.ValidationError(
                _("Use lower-case letters, digits, '-', '_' or '.', e.g. secondary-clay.")
            )
        return value

    def clean_fields_json(self) -> dict[str, Any]:
        text = self.cleaned_data.get("fields_json", "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Not valid JSON (line %(line)s, column %(column)s): %(message)s")
                % {"line": exc.lineno, "column": exc.colno, "message": exc.msg}
            ) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_('Write a JSON object, e.g. {"quantity": 500}.'))
        return value

    def changes(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        change: dict[str, Any] = {
            "action": data["action"],
            "company": data["company"],
            "flow": data["flow_id"],
        }
        if data["action"] != "remove":
            change["fields"] = data["fields_json"]
        return [self._note(change)]


#: The measures of the scenario page, by the name in the URL.
MEASURES: dict[str, type[MeasureForm]] = {
    "secondary-supplier": SecondarySupplierForm,
    "heat-recovery": HeatRecoveryForm,
    "water-plant": WaterPlantForm,
    "logistics": LogisticsForm,
    "flow-edit": FlowEditForm,
}
MEASURE_TITLES = {
    "secondary-supplier": gettext_lazy("A new supplier of secondary raw material"),
    "heat-recovery": gettext_lazy("Heat recovery"),
    "water-plant": gettext_lazy("A shared water plant"),
    "logistics": gettext_lazy("Pooled logistics"),
    "flow-edit": gettext_lazy("Any flow edit"),
}
