"""The call file (`format: ecodistrict/call/1`): applicants, must-have requirements, criteria.

A call for settlement names which companies of a district file apply (the others are the firms
already present), the space each applicant needs, the requirements each must meet (pass/fail) and
the weighted criteria of the ranking. Strict like the district file: unknown fields are refused,
and every problem names the field (`requirements[2].operator`). See docs/selection.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from ecodistrict.domain.problems import DistrictFileError
from ecodistrict.io.district_file import guess_format, parse_district_text, read_source

CALL_FORMAT = "ecodistrict/call/1"

#: Indicators computed by the selection itself (not in the indicator set).
#: assessment_validated is read from the applicant's entry of the call file (1 yes, 0 no).
SPECIAL_INDICATORS: dict[str, tuple[str, str, str]] = {
    # key: (unit, label_it, label_en)
    "assessment_validated": ("0/1", "Assessment validato", "Assessment validated"),
    "symbiosis_links_possible": (
        "n",
        "Simbiosi possibili con le imprese presenti",
        "Possible symbiosis links with the firms present",
    ),
    "symbiosis_links_applicants": (
        "n",
        "Simbiosi possibili con gli altri candidati",
        "Possible symbiosis links with the other applicants",
    ),
    "symbiosis_material_t": (
        "t/yr",
        "Materia scambiabile con le imprese presenti",
        "Material exchangeable with the firms present",
    ),
    "symbiosis_energy_mwh": (
        "MWh/yr",
        "Energia scambiabile con le imprese presenti",
        "Energy exchangeable with the firms present",
    ),
    "symbiosis_co2_avoided_t": (
        "t CO2e/yr",
        "CO2 evitata dagli scambi con le imprese presenti",
        "CO2 avoided by the exchanges with the firms present",
    ),
}

Identifier = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9\-_.]+$", min_length=1, max_length=100)
]
Operator = Literal[">=", "<=", "=="]
Direction = Literal["benefit", "cost"]
Method = Literal["weighted-sum", "topsis", "promethee"]

#: Weights must sum to one within this tolerance.
WEIGHT_TOLERANCE = 1e-9


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, allow_inf_nan=False, strict=True
    )


class CallInfo(_Strict):
    id: Identifier
    name_it: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    indicator_set: str = Field(default="formigine-2026", min_length=1)


class Applicant(_Strict):
    """A company of the district file that applies for a lot."""

    company: Identifier
    space_m2: float = Field(gt=0, description="Land the applicant needs (m2).")
    assessment_validated: bool | None = Field(
        default=None, description="Whether a facilitator validated its assessment; null unknown."
    )


class Requirement(_Strict):
    """A must-have condition: `indicator operator threshold`."""

    id: Identifier
    label_it: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    indicator: str = Field(min_length=1)
    operator: Operator
    threshold: float


class Criterion(_Strict):
    """A ranking criterion: the indicator it reads, benefit or cost, and its weight."""

    id: Identifier
    label_it: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    indicator: str = Field(min_length=1)
    direction: Direction
    weight: float = Field(gt=0, le=1)


class CallFile(_Strict):
    format: Literal["ecodistrict/call/1"]
    call: CallInfo
    applicants: list[Applicant] = Field(min_length=1)
    requirements: list[Requirement] = Field(default_factory=list)
    criteria: list[Criterion] = Field(min_length=1)
    method: Method = "weighted-sum"
    matching_top_k: int = Field(
        default=10, ge=1, le=100, description="Matches kept per output when counting links."
    )

    def applicant(self, company_id: str) -> Applicant:
        for item in self.applicants:
            if item.company == company_id:
                return item
        raise KeyError(company_id)

    def applicant_ids(self) -> list[str]:
        return [a.company for a in self.applicants]


class SelectionError(ValueError):
    """Input that the selection or optimisation cannot use; `problems` explain why, one each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def call_json_schema() -> dict[str, Any]:
    """The JSON Schema of the call file."""
    return CallFile.model_json_schema()


def _field_path(loc: Iterable[Any]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "file"


def pydantic_problems(exc: ValidationError) -> list[str]:
    """One message per pydantic error, naming the field by its path."""
    return [f"field '{_field_path(err['loc'])}': {err['msg']}" for err in exc.errors()]


def parse_call(data: Any) -> CallFile:
    """A CallFile from plain data; SelectionError listing every problem otherwise."""
    try:
        call = CallFile.model_validate(data)
    except ValidationError as exc:
        raise SelectionError(pydantic_problems(exc)) from None
    problems: list[str] = []
    seen: set[str] = set()
    for i, applicant in enumerate(call.applicants):
        if applicant.company in seen:
            problems.append(
                f"field 'applicants[{i}].company': '{applicant.company}' is listed twice"
            )
        seen.add(applicant.company)
    listed: list[tuple[str, list[str]]] = [
        ("requirements", [r.id for r in call.requirements]),
        ("criteria", [c.id for c in call.criteria]),
    ]
    for name, item_ids in listed:
        ids: set[str] = set()
        for i, item_id in enumerate(item_ids):
            if item_id in ids:
                problems.append(f"field '{name}[{i}].id': duplicate id '{item_id}'")
            ids.add(item_id)
    problems.extend(weight_problems([c.weight for c in call.criteria]))
    if problems:
        raise SelectionError(problems)
    return call


def weight_problems(weights: list[float]) -> list[str]:
    total = math.fsum(weights)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        shown = " + ".join(f"{w:g}" for w in weights)
        return [
            f"field 'criteria[*].weight': the weights must sum to 1 (±{WEIGHT_TOLERANCE:g}); "
            f"they sum to {total:.12g} ({shown})"
        ]
    return []


def load_call_file(source: str | Path) -> CallFile:
    """Read and check a call file (JSON or YAML; '-' is standard input)."""
    try:
        text, name = read_source(source)
        data = parse_district_text(text, guess_format(name, text))
    except DistrictFileError as exc:
        raise SelectionError([str(p) for p in exc.problems]) from None
    return parse_call(data)
