"""The lots file (`format: ecodistrict/lots/1`): the new area's lots, incompatibilities between
activity classes on neighbouring lots, the municipality's fixed choices and the objective's
factors. Strict: unknown fields are refused and every problem names the field. docs/optimisation.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from ecodistrict.domain.models import GeoPoint
from ecodistrict.domain.problems import DistrictFileError
from ecodistrict.io.district_file import guess_format, parse_district_text, read_source
from ecodistrict.selection.call import SelectionError, pydantic_problems

LOTS_FORMAT = "ecodistrict/lots/1"

Identifier = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9\-_.]+$", min_length=1, max_length=100)
]
#: An ATECO prefix at division level or finer: "10", "10.5", "10.51", "38.21.0".
AtecoPrefix = Annotated[str, StringConstraints(pattern=r"^\d{2}(\.\d{1,2}){0,2}$")]

#: Road freight, articulated truck 40-44 t, average laden (emission-factors.yaml,
#: freight_road_hgv_articulated, UK DESNZ/DEFRA 2024): kg CO2e per tonne-km.
DEFAULT_TRANSPORT_KG_PER_TKM = 0.08


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, allow_inf_nan=False, strict=True
    )


class AreaInfo(_Strict):
    name_it: str = Field(min_length=1)
    name_en: str = Field(min_length=1)


class Lot(_Strict):
    id: Identifier
    area_m2: float = Field(gt=0)
    location: GeoPoint
    allowed_ateco: list[AtecoPrefix] = Field(
        default_factory=list, description="ATECO prefixes allowed on the lot; empty: any."
    )

    def allows(self, ateco: str) -> bool:
        return not self.allowed_ateco or any(ateco_in(ateco, p) for p in self.allowed_ateco)


class Incompatibility(_Strict):
    """Class A and class B may not sit within `within_km` of each other (lot to lot, and a lot
    next to a firm already present)."""

    id: Identifier
    label_it: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    classes_a: list[AtecoPrefix] = Field(min_length=1)
    classes_b: list[AtecoPrefix] = Field(min_length=1)
    within_km: float = Field(ge=0)


class FixedChoice(_Strict):
    company: Identifier
    choice: Literal["in", "out", "lot"]
    lot: Identifier | None = None


class ObjectiveFactors(_Strict):
    score_weight: float = Field(
        default=100.0, ge=0, description="Points per unit of ranking score (score on [0, 1])."
    )
    co2_weight: float = Field(default=1.0, ge=0, description="Points per t CO2e/yr.")
    transport_kg_co2_per_tkm: float = Field(default=DEFAULT_TRANSPORT_KG_PER_TKM, ge=0)


class LotsFile(_Strict):
    format: Literal["ecodistrict/lots/1"]
    area: AreaInfo
    lots: list[Lot] = Field(min_length=1)
    incompatibilities: list[Incompatibility] = Field(default_factory=list)
    fixed: list[FixedChoice] = Field(default_factory=list)
    objective: ObjectiveFactors = Field(default_factory=ObjectiveFactors)


def ateco_in(ateco: str, prefix: str) -> bool:
    """Whether an ATECO code falls under a prefix ("10.51" is under "10" and "10.5")."""
    return ateco == prefix or ateco.startswith(prefix)


def lots_json_schema() -> dict[str, Any]:
    return LotsFile.model_json_schema()


def parse_lots(data: Any) -> LotsFile:
    try:
        lots = LotsFile.model_validate(data)
    except ValidationError as exc:
        raise SelectionError(pydantic_problems(exc)) from None
    problems: list[str] = []
    seen: set[str] = set()
    for i, lot in enumerate(lots.lots):
        if lot.id in seen:
            problems.append(f"field 'lots[{i}].id': duplicate lot id '{lot.id}'")
        seen.add(lot.id)
    for i, fixed in enumerate(lots.fixed):
        if fixed.choice == "lot" and fixed.lot is None:
            problems.append(f"field 'fixed[{i}].lot': choice 'lot' needs the lot's id")
        if fixed.choice != "lot" and fixed.lot is not None:
            problems.append(f"field 'fixed[{i}].lot': only choice 'lot' names a lot")
        if fixed.lot is not None and fixed.lot not in seen:
            problems.append(f"field 'fixed[{i}].lot': no lot '{fixed.lot}'")
    if problems:
        raise SelectionError(problems)
    return lots


def load_lots_file(source: str | Path) -> LotsFile:
    try:
        text, name = read_source(source)
        data = parse_district_text(text, guess_format(name, text))
    except DistrictFileError as exc:
        raise SelectionError([str(p) for p in exc.problems]) from None
    return parse_lots(data)
