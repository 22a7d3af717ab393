"""Indicator sets as data: definitions, targets, versions; loading and checking them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

Level = Literal["company", "district"]
Dimension = Literal[
    "circular_performance", "territorial_integration", "industrial_symbiosis", "district_closure"
]
Direction = Literal["higher", "lower", "neutral"]
Comparison = Literal["at_least", "at_most"]

DIMENSIONS: tuple[str, ...] = (
    "circular_performance",
    "territorial_integration",
    "industrial_symbiosis",
    "district_closure",
)

#: Keys the public contract (CONTRACT.md) requires in every result, whatever the set says.
CONTRACT_COMPANY_KEYS: tuple[str, ...] = (
    "circular_inflow_pct",
    "circular_outflow_pct",
    "circularity_pct",
    "renewable_energy_pct",
    "water_circularity_pct",
    "local_inflow_pct",
    "symbiotic_inflow_pct",
    "landfill_outflow_pct",
)
CONTRACT_DISTRICT_KEYS: tuple[str, ...] = (
    "closure_material_pct",
    "closure_energy_pct",
    "closure_water_pct",
    "closure_waste_pct",
)

DEFAULT_SET = "formigine-2026"


@dataclass(frozen=True, slots=True)
class IndicatorDefinition:
    """One indicator of a set: what it measures, how, and where the method comes from."""

    key: str
    name_it: str
    name_en: str
    level: str
    dimension: str
    unit: str
    direction: str
    formula_it: str
    formula_en: str
    source: str
    version: str

    def name(self, lang: str) -> str:
        return self.name_it if lang.startswith("it") else self.name_en

    def formula(self, lang: str) -> str:
        return self.formula_it if lang.startswith("it") else self.formula_en


@dataclass(frozen=True, slots=True)
class Target:
    """A district target for one indicator, set by the municipality."""

    indicator: str
    value: float
    comparison: str
    note_it: str
    note_en: str

    def is_met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value >= self.value if self.comparison == "at_least" else value <= self.value


@dataclass(frozen=True)
class IndicatorSet:
    """A published, versioned set of indicators with the district's targets."""

    key: str
    version: str
    name_it: str
    name_en: str
    published: datetime.date
    publisher: str
    definitions: tuple[IndicatorDefinition, ...]
    targets: tuple[Target, ...]
    notes_it: str = ""
    notes_en: str = ""

    @property
    def label(self) -> str:
        return f"{self.key} v{self.version}"

    def definition(self, key: str) -> IndicatorDefinition:
        for definition in self.definitions:
            if definition.key == key:
                return definition
        raise KeyError(key)

    def keys(self, level: str) -> tuple[str, ...]:
        return tuple(d.key for d in self.definitions if d.level == level)

    def target(self, key: str) -> Target | None:
        return next((t for t in self.targets if t.indicator == key), None)


class IndicatorSetError(ValueError):
    """An indicator set that cannot be used; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _DefinitionIn(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_it: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    level: Level
    dimension: Dimension
    unit: str = Field(min_length=1)
    direction: Direction
    formula_it: str = Field(min_length=1)
    formula_en: str = Field(min_length=1)
    source: str = Field(min_length=1)
    since: str = Field(min_length=1)


class _TargetIn(_Strict):
    indicator: str
    value: float = Field(allow_inf_nan=False)
    comparison: Comparison
    note_it: str = ""
    note_en: str = ""


class _SetIn(_Strict):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9\-_.]*$")
    version: str = Field(min_length=1, max_length=20)
    name_it: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    published: datetime.date
    publisher: str = Field(min_length=1)
    notes_it: str = ""
    notes_en: str = ""
    indicators: list[_DefinitionIn] = Field(min_length=1)
    targets: list[_TargetIn] = Field(default_factory=list)


def _known_levels() -> dict[str, str]:
    from ecodistrict.indicators.calculators import COMPANY_KEYS, DISTRICT_KEYS

    return {**dict.fromkeys(COMPANY_KEYS, "company"), **dict.fromkeys(DISTRICT_KEYS, "district")}


def parse_indicator_set(text: str) -> IndicatorSet:
    """Read an indicator set from YAML text; IndicatorSetError lists every problem."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise IndicatorSetError([f"not valid YAML: {exc}"]) from None
    try:
        parsed = _SetIn.model_validate(data)
    except ValidationError as exc:
        raise IndicatorSetError(
            [
                f"{'.'.join(str(p) for p in err['loc']) or 'set'}: {err['msg']}"
                for err in exc.errors()
            ]
        ) from None

    problems: list[str] = []
    known = _known_levels()
    keys = [d.key for d in parsed.indicators]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(f"indicator '{key}' is defined more than once")
    for definition in parsed.indicators:
        if definition.key not in known:
            problems.append(f"indicator '{definition.key}' has no calculator in this release")
        elif known[definition.key] != definition.level:
            problems.append(
                f"indicator '{definition.key}' is computed at {known[definition.key]} level, "
                f"not {definition.level}"
            )
    for required in (*CONTRACT_COMPANY_KEYS, *CONTRACT_DISTRICT_KEYS):
        if required not in keys:
            problems.append(f"indicator '{required}' is required by the public contract")
    for target in parsed.targets:
        if target.indicator not in keys:
            problems.append(f"target for '{target.indicator}', which is not in the set")
    if problems:
        raise IndicatorSetError(problems)

    return IndicatorSet(
        key=parsed.key,
        version=parsed.version,
        name_it=parsed.name_it,
        name_en=parsed.name_en,
        published=parsed.published,
        publisher=parsed.publisher,
        notes_it=parsed.notes_it,
        notes_en=parsed.notes_en,
        definitions=tuple(
            IndicatorDefinition(
                key=d.key,
                name_it=d.name_it,
                name_en=d.name_en,
                level=d.level,
                dimension=d.dimension,
                unit=d.unit,
                direction=d.direction,
                formula_it=d.formula_it,
                formula_en=d.formula_en,
                source=d.source,
                version=d.since,
            )
            for d in parsed.indicators
        ),
        targets=tuple(
            Target(t.indicator, t.value, t.comparison, t.note_it, t.note_en)
            for t in parsed.targets
        ),
    )


def shipped_set_text(name: str = DEFAULT_SET) -> str:
    """The YAML text of a set shipped with the package."""
    resource = files("ecodistrict.indicators") / "sets" / f"{name}.yaml"
    if not resource.is_file():
        raise IndicatorSetError([f"no shipped indicator set named '{name}'"])
    return resource.read_text(encoding="utf-8")


def load_indicator_set(name_or_path: str | Path = DEFAULT_SET) -> IndicatorSet:
    """A shipped set by name (default 'formigine-2026'), or a set file by path."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return parse_indicator_set(candidate.read_text(encoding="utf-8"))
    return parse_indicator_set(shipped_set_text(str(name_or_path)))
