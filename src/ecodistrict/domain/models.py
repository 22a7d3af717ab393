"""The district file (`format: ecodistrict/1`), modelled once.

The same models serve the file reader, the web API, the Excel template and the database import.
Field-level rules live here; rules that relate several fields or several companies live in
`ecodistrict.domain.rules` and run from the model validators, so a model instance is always valid.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from ecodistrict.codes.ateco import check_activity_code
from ecodistrict.codes.ewc import get_ewc, normalize_ewc_code
from ecodistrict.domain.problems import RuleViolation
from ecodistrict.domain.rules import district_problems, flow_problems

FORMAT = "ecodistrict/1"

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9\-_.]+$", min_length=1, max_length=100),
    Field(description="Lower-case letters, digits, '-', '_' and '.'; unique in its list."),
]

Direction = Literal["in", "out"]
FlowKind = Literal["material", "energy", "water", "service"]
LegalStatus = Literal["waste", "by-product", "end-of-waste", "product"]
Destination = Literal[
    "reuse",
    "recycling",
    "composting",
    "energy-recovery",
    "incineration",
    "landfill",
    "internal",
    "unknown",
]
Origin = Literal["virgin", "recycled", "reused", "by-product", "renewable", "unknown"]
Availability = Literal["continuous", "seasonal", "one-off"]


#: One set of field names per distinct combination given (a few dozen in practice): interned
#: like strings, never changed (see `_Strict._share_field_set`).
_FIELD_SETS: dict[frozenset[str], set[str]] = {}


class _Strict(BaseModel):
    # A typo in a field name must not pass silently; numbers must be finite; strict types so
    # that `true` is not read as 1 or "12" as a number (a file says what it means).
    # Frozen: a validated district is data, never changed in place (a changed copy is made with
    # `model_copy(update=...)`), which also lets equal field sets be shared (`_share_field_sets`).
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, allow_inf_nan=False, strict=True, frozen=True
    )

    @model_validator(mode="after")
    def _share_field_set(self) -> Any:
        # Pydantic keeps in every instance the set of the fields its input gave, about 730 bytes
        # for a flow: half a flow's memory, 0.9 GB in a district of 1.26 million flows. Models
        # given the same fields share one set, replaced as soon as each model is built so that
        # the next one reuses the memory. Frozen models never add a name to their set
        # (`model_copy` copies it first), so sharing it is safe.
        given = self.__pydantic_fields_set__
        shared = _FIELD_SETS.setdefault(frozenset(given), given)
        if shared is not given:
            object.__setattr__(self, "__pydantic_fields_set__", shared)
        return self


class GeoPoint(_Strict):
    """A WGS84 position."""

    lat: float = Field(ge=-90, le=90, description="Latitude, decimal degrees (WGS84).")
    lon: float = Field(ge=-180, le=180, description="Longitude, decimal degrees (WGS84).")


class FlowRef(_Strict):
    """A flow of another company of the same file."""

    company: Identifier
    flow: Identifier


Fraction = Annotated[float, Field(ge=0, le=1)]


class MciInputs(_Strict):
    """Material Circularity Indicator inputs of a product (EMF/Granta 2015, 2019 terms).

    Fractions are of the product's mass; the mass M is the flow's quantity. Efficiencies are
    needed only when the matching recycled fraction is above zero. Lifetimes and intensities of
    use are optional; without them the utility X is taken as 1 (industry average).
    """

    feedstock_recycled: Fraction = Field(default=0, description="F_R: recycled feedstock.")
    feedstock_reused: Fraction = Field(default=0, description="F_U: reused components.")
    feedstock_sustained_bio: Fraction = Field(
        default=0, description="F_S: biological feedstock from sustained production."
    )
    collected_recycling: Fraction = Field(default=0, description="C_R: collected for recycling.")
    collected_reuse: Fraction = Field(default=0, description="C_U: going to component reuse.")
    composted: Fraction = Field(default=0, description="C_C: composted (biological).")
    energy_recovered: Fraction = Field(
        default=0, description="C_E: to eligible energy recovery (biological)."
    )
    recycling_efficiency_eol: float | None = Field(
        default=None, gt=0, le=1, description="E_C: efficiency of end-of-life recycling."
    )
    recycling_efficiency_feedstock: float | None = Field(
        default=None, gt=0, le=1, description="E_F: efficiency of producing recycled feedstock."
    )
    lifetime_years: float | None = Field(default=None, gt=0, description="L.")
    lifetime_avg_years: float | None = Field(default=None, gt=0, description="L_av.")
    use_intensity: float | None = Field(default=None, gt=0, description="U.")
    use_intensity_avg: float | None = Field(default=None, gt=0, description="U_av.")

    @model_validator(mode="after")
    def _shares_add_up(self) -> MciInputs:
        feedstock = self.feedstock_recycled + self.feedstock_reused + self.feedstock_sustained_bio
        if feedstock > 1 + 1e-9:
            raise ValueError(f"feedstock fractions add up to {feedstock:g}, more than 1")
        end = (
            self.collected_recycling + self.collected_reuse + self.composted + self.energy_recovered
        )
        if end > 1 + 1e-9:
            raise ValueError(f"end-of-use fractions add up to {end:g}, more than 1")
        if (self.lifetime_years is None) != (self.lifetime_avg_years is None):
            raise ValueError("give lifetime_years and lifetime_avg_years together")
        if (self.use_intensity is None) != (self.use_intensity_avg is None):
            raise ValueError("give use_intensity and use_intensity_avg together")
        return self


class Flow(_Strict):
    """One yearly flow in or out of a company."""

    id: Identifier
    direction: Direction
    kind: FlowKind
    description: str = Field(min_length=1, max_length=500, description="Free text, it or en.")
    ewc: str | None = Field(
        default=None,
        description="EWC/EER code of a waste, six digits ('10 12 08' or '101208').",
    )
    legal_status: LegalStatus | None = Field(default=None, description="Outputs only.")
    destination: Destination | None = Field(default=None, description="Outputs only.")
    quantity: float = Field(ge=0, description="Amount per time, in `unit`.")
    unit: str = Field(
        min_length=1,
        max_length=40,
        description="A rate: t/yr, kg/month, MWh/yr, GJ/yr, kWh/day, Sm3/yr, m3/yr, h/yr ...",
    )
    temperature_c: float | None = Field(
        default=None, ge=-273.15, le=2000, description="Energy or water: carrier temperature."
    )
    available: Availability | None = None
    origin: Origin | None = Field(default=None, description="Inputs only.")
    source_distance_km: float | None = Field(
        default=None, ge=0, le=50000, description="Inputs only: distance to where it comes from."
    )
    supplied_by: FlowRef | None = Field(
        default=None, description="Inputs only: an exchange in place with another firm's output."
    )
    unit_price_eur: float | None = Field(
        default=None,
        ge=0,
        le=1e7,
        description="Inputs only: price paid today, EUR per t, MWh, m3 or h (canonical unit).",
    )
    disposal_cost_eur: float | None = Field(
        default=None,
        ge=0,
        le=1e7,
        description="Outputs only: cost paid today to dispose of it, EUR per t or m3.",
    )
    mci: MciInputs | None = Field(
        default=None,
        description="Material outputs with legal_status product only: inputs of its MCI.",
    )

    @field_validator("ewc", mode="before")
    @classmethod
    def _ewc_exists(cls, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and value >= 100000:
            value = str(value)  # JSON/YAML number such as 101208; chapters 01-09 cannot be so
        if not isinstance(value, str):
            raise ValueError(
                f"write the EWC code as text in quotes, e.g. '10 12 08' (got {value!r}; a bare "
                "number loses its leading zero)"
            )
        code = normalize_ewc_code(value)
        if code is None or len(code) != 8:
            raise ValueError(f"'{value}' is not a six-digit EWC code (e.g. '10 12 08')")
        if get_ewc(code) is None:
            raise ValueError(f"EWC code '{code}' is not in the European List of Waste")
        return code

    @model_validator(mode="after")
    def _cross_field_rules(self) -> Flow:
        problems = flow_problems("?", self.id, self.model_dump())
        if problems:
            raise RuleViolation(problems)
        return self


class Company(_Strict):
    """A firm (or an applicant) with its site and its yearly flows."""

    id: Identifier
    name: str = Field(min_length=1, max_length=200)
    ateco: str = Field(description="ATECO 2025 (or NACE Rev.2) code, class level or finer.")
    location: GeoPoint
    employees: int | None = Field(default=None, ge=0, le=1_000_000)
    revenue_eur: float | None = Field(default=None, ge=0, le=1e12)
    flows: list[Flow] = Field(default_factory=list)

    @field_validator("ateco", mode="before")
    @classmethod
    def _ateco_exists(cls, value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError(
                f'write the ATECO code as text in quotes, e.g. "23.31" (got {value!r}: as a '
                "bare number a final zero is lost)"
            )
        check = check_activity_code(value)
        if check.activity is None:
            raise ValueError(check.error or f"unknown ATECO code '{value}'")
        return check.activity.code


class District(_Strict):
    """The district the file describes."""

    name: str = Field(min_length=1, max_length=200)
    center: GeoPoint
    radius_km: float = Field(
        default=30, gt=0, le=2000, description="'Local' means within this radius of a firm."
    )
    notice: str | None = Field(
        default=None,
        max_length=2000,
        description="Free text shown with the data, e.g. that the data are illustrative.",
    )


class DistrictFile(_Strict):
    """A district file, `format: ecodistrict/1`."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        allow_inf_nan=False,
        strict=True,
        frozen=True,
        title="ecodistrict district file",
        json_schema_extra={
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://ecodistrict.eu/schema/ecodistrict-1.json",
        },
    )

    format: Literal["ecodistrict/1"]
    district: District
    companies: list[Company] = Field(default_factory=list)

    @model_validator(mode="after")
    def _district_rules(self) -> DistrictFile:
        problems = district_problems(self.model_dump(mode="json"), flow_rules=False)
        if problems:
            raise RuleViolation(problems)
        return self

    def company(self, company_id: str) -> Company:
        for company in self.companies:
            if company.id == company_id:
                return company
        raise KeyError(company_id)


def district_json_schema() -> dict[str, Any]:
    """The JSON Schema of the district file (what `ecodistrict schema` prints)."""
    return DistrictFile.model_json_schema()
