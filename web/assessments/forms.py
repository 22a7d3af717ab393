"""Forms of the assessment's steps. Each flow form turns its fields into a flow of the district
file (``to_flow``); the district file's rules then check it in the service."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ecodistrict.codes.ateco import check_activity_code
from ecodistrict.codes.ewc import normalize_ewc_code
from ecodistrict.io.excel_template import UNITS
from ecodistrict_web.assessments.models import ReviewStatus
from ecodistrict_web.companies.models import Availability, Destination, LegalStatus, Origin
from ecodistrict_web.intake.forms import StyledForm
from ecodistrict_web.intake.validators import validate_plain_text

STEPS: list[tuple[str, Any]] = [
    ("company", _("Company and site")),
    ("products", _("Products and life cycle")),
    ("inputs", _("Materials and water in")),
    ("energy", _("Energy")),
    ("outputs", _("Outputs, wastes and by-products")),
    ("services", _("Services, competences and freight")),
    ("practices", _("Current practices")),
    ("review", _("Review and submit")),
]
STEP_NAMES = [name for name, _label in STEPS]


def _units(*kinds: str) -> list[tuple[str, str]]:
    return [(unit, unit) for kind in kinds for unit in UNITS[kind]]


def _optional(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


def _text(label: Any, max_length: int = 500, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, validators=[validate_plain_text], **kwargs
    )


def _number(label: Any, **kwargs: Any) -> forms.FloatField:
    return forms.FloatField(label=label, required=False, **kwargs)


class CompanyForm(StyledForm):
    name = _text(_("Company name"), 200)
    ateco = forms.CharField(label=_("ATECO code"), max_length=20, help_text=_("e.g. 25.62"))
    employees = forms.IntegerField(
        label=_("Employees"), required=False, min_value=0, max_value=1_000_000
    )
    revenue_eur = forms.FloatField(
        label=_("Yearly revenue (EUR)"), required=False, min_value=0, max_value=1e12
    )
    lat = forms.FloatField(
        label=_("Latitude of the site"),
        min_value=-90,
        max_value=90,
        help_text=_("Decimal degrees (WGS84), e.g. 44.5739; or click on the map."),
    )
    lon = forms.FloatField(
        label=_("Longitude of the site"),
        min_value=-180,
        max_value=180,
        help_text=_("Decimal degrees (WGS84), e.g. 10.8478."),
    )

    def clean_ateco(self) -> str:
        raw = self.cleaned_data["ateco"]
        validate_plain_text(raw)
        check = check_activity_code(raw)
        if check.activity is None:
            raise ValidationError(check.error or _("Unknown ATECO code."), code="ateco")
        return str(check.activity.code)

    def company_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class FlowForm(StyledForm):
    """Fields shared by every flow."""

    description = _text(_("Description"), 500)
    quantity = forms.FloatField(label=_("Quantity per year"), min_value=0)

    #: Fixed values of the flows of this step (direction, kind, legal status ...).
    fixed: dict[str, Any] = {}
    #: Fields that go into the flow's ``mci`` block.
    mci_fields: tuple[str, ...] = ()

    def to_flow(self) -> dict[str, Any]:
        flow: dict[str, Any] = dict(self.fixed)
        mci: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if value is None or value == "":
                continue
            if name in self.mci_fields:
                mci[name] = value
            else:
                flow[name] = value
        if mci:
            flow["mci"] = mci
        return flow


class ProductForm(FlowForm):
    fixed = {"direction": "out", "kind": "material", "legal_status": "product"}
    mci_fields = ("lifetime_years", "lifetime_avg_years", "use_intensity", "use_intensity_avg")
    unit = forms.ChoiceField(label=_("Unit"), choices=_units("material"))
    destination = forms.ChoiceField(
        label=_("Destination"), required=False, choices=_optional(Destination.choices)
    )
    lifetime_years = _number(_("Lifetime of the product (years)"), min_value=0.01)
    lifetime_avg_years = _number(_("Average lifetime in the sector (years)"), min_value=0.01)
    use_intensity = _number(
        _("Intensity of use (uses per year)"),
        min_value=0.0001,
        help_text=_("How much the product is used, e.g. cycles or hours per year."),
    )
    use_intensity_avg = _number(_("Average intensity of use in the sector"), min_value=0.0001)


class InputForm(FlowForm):
    fixed = {"direction": "in"}
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("material", _("material")), ("water", _("water"))]
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=_units("material", "water"))
    origin = forms.ChoiceField(label=_("Origin"), required=False, choices=_optional(Origin.choices))
    source_distance_km = _number(_("Distance of the supplier (km)"), min_value=0, max_value=50000)
    unit_price_eur = _number(_("Price paid (EUR per t or m³)"), min_value=0, max_value=1e7)


class EnergyForm(FlowForm):
    fixed = {"kind": "energy"}
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[("in", _("used (input)")), ("out", _("surplus offered (output)"))],
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=_units("energy"))
    origin = forms.ChoiceField(
        label=_("Origin (inputs)"), required=False, choices=_optional(Origin.choices)
    )
    temperature_c = _number(_("Temperature of the carrier (°C)"), min_value=-273.15, max_value=2000)
    available = forms.ChoiceField(
        label=_("Availability"), required=False, choices=_optional(Availability.choices)
    )


class OutputForm(FlowForm):
    fixed = {"direction": "out"}
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("material", _("material")), ("water", _("water"))]
    )
    ewc = forms.CharField(
        label=_("EWC (EER) code"),
        max_length=300,
        required=False,
        help_text=_("Type a word or a code and choose from the list, e.g. 'trucioli' or '12 01'."),
    )
    legal_status = forms.ChoiceField(
        label=_("Legal status"),
        choices=[(v, label) for v, label in LegalStatus.choices if v != "product"],
    )
    destination = forms.ChoiceField(
        label=_("Destination"), required=False, choices=_optional(Destination.choices)
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=_units("material", "water"))
    disposal_cost_eur = _number(_("Disposal cost (EUR per t or m³)"), min_value=0, max_value=1e7)
    available = forms.ChoiceField(
        label=_("Availability"), required=False, choices=_optional(Availability.choices)
    )

    def clean_ewc(self) -> str:
        raw = self.cleaned_data.get("ewc") or ""
        validate_plain_text(raw)
        match = re.match(r"\s*(\d{2}[ .]?\d{2}[ .]?\d{2})", raw)
        code = normalize_ewc_code(match.group(1)) if match else None
        if raw.strip() and code is None:
            raise ValidationError(
                _("Choose an EWC code from the list, or write its six digits (e.g. 12 01 01)."),
                code="ewc",
            )
        return code or ""


class ServiceForm(FlowForm):
    fixed = {"kind": "service"}
    direction = forms.ChoiceField(
        label=_("Offered or sought"), choices=[("out", _("offered")), ("in", _("sought"))]
    )
    category = forms.ChoiceField(
        label=_("Type"),
        choices=[
            ("service", _("service")),
            ("competence", _("competence")),
            ("freight", _("freight shipments")),
        ],
    )
    destination_place = _text(
        _("Destination of the shipments"),
        200,
        required=False,
        help_text=_("Freight only: where the goods go, e.g. 'Porto di La Spezia'."),
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=_units("service"))

    CATEGORY_PREFIX = {"competence": "Competenza: ", "freight": "Trasporto merci: "}

    def to_flow(self) -> dict[str, Any]:
        data = self.cleaned_data
        description = self.CATEGORY_PREFIX.get(data["category"], "") + data["description"]
        if data["category"] == "freight" and data.get("destination_place"):
            description += " → " + data["destination_place"]
        return {
            "direction": data["direction"],
            "kind": "service",
            "description": description[:500],
            "quantity": data["quantity"],
            "unit": data["unit"],
        }


FLOW_FORMS: dict[str, type[FlowForm]] = {
    "products": ProductForm,
    "inputs": InputForm,
    "energy": EnergyForm,
    "outputs": OutputForm,
    "services": ServiceForm,
}


class PracticesForm(StyledForm):
    iso14001 = forms.BooleanField(label=_("ISO 14001 certified"), required=False)
    emas = forms.BooleanField(label=_("EMAS registered"), required=False)
    other_certifications = _text(
        _("Other certifications"), 500, required=False, help_text=_("e.g. ISO 50001, EPD, FSC.")
    )
    circular_practices = _text(
        _("Circular practices in place"),
        2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("e.g. internal reuse of scraps, returnable packaging, heat recovery."),
    )


class UploadForm(StyledForm):
    file = forms.FileField(
        label=_("Filled Excel template (.xlsx, at most 5 MB)"), allow_empty_file=False
    )


class ReviewForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ReviewStatus.VALIDATED, _("validate")),
            (ReviewStatus.RETURNED, _("send back to the firm")),
        ],
    )
    comment = _text(_("Comment"), 2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
