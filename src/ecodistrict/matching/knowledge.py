"""Knowledge base for inferred symbiosis matches: recovery routes and emission factors.

A *recovery route* says what a supplier's output can become for which receiving activities:
waste (EWC code) or resource -> recovery operation (R-code) -> product -> receiving ATECO 2025
sectors. It lets the matcher propose a partner whose activity is known to use a resource even
when that firm declared no such input. An *emission factor* (kg CO2e per unit) prices the
avoided virgin production, the avoided disposal and the freight of a match.

Both are documented data shipped in ``data/`` (``recovery-routes.yaml``,
``emission-factors.yaml``; provenance in ``data/README.md`` and ``docs/recovery-routes.md``).
A facilitator extends them without code: copy a file, add entries, pass its path to the
loaders. Every problem found is reported at once, with the route id (or factor key) and field,
as a :class:`KnowledgeBaseError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from ecodistrict.codes.ateco import check_activity_code, division_title, normalize_activity_code
from ecodistrict.codes.ewc import get_ewc, normalize_ewc_code
from ecodistrict.codes.recovery import get_operation

RouteKind = Literal["material", "energy", "water", "service"]
LegalBasis = Literal["waste-recovery", "by-product", "end-of-waste", "energy", "water", "service"]
RouteEvidence = Literal["documented", "engineering"]
FactorEvidence = Literal["sourced", "estimate"]

ROUTES_FILENAME = "recovery-routes.yaml"
FACTORS_FILENAME = "emission-factors.yaml"

# Which legal bases fit which kind of route.
_BASES_BY_KIND: dict[str, frozenset[str]] = {
    "material": frozenset({"waste-recovery", "by-product", "end-of-waste"}),
    "energy": frozenset({"energy"}),
    "water": frozenset({"water"}),
    "service": frozenset({"service"}),
}
_BASES_NEEDING_OPERATION = frozenset({"waste-recovery", "end-of-waste"})
# A by-product is not waste, but a route may record the R-code that applies when the same residue
# is handled as waste (the schema's example route does).
_BASES_ALLOWING_OPERATION = _BASES_NEEDING_OPERATION | {"by-product"}
# The unit a route's `substitutes` factor must have, so that the engine knows what quantity
# (tonnes of material, MWh of energy, m3 of water, tonne-km of freight) the factor multiplies.
_SUBSTITUTE_UNIT_BY_KIND: dict[str, re.Pattern[str]] = {
    "material": re.compile(r"kg CO2e/t(?: .+)?"),
    "energy": re.compile(r"kg CO2e/MWh"),
    "water": re.compile(r"kg CO2e/m3"),
    "service": re.compile(r"kg CO2e/tkm"),
}
_DIVISION = re.compile(r"\d{2}")
_CLASS = re.compile(r"\d{2}\.\d{2}")
_ENTRY = re.compile(r"\d{2} \d{2} \d{2}")
_PREFIX = re.compile(r"\d{2}(?: \d{2})?")

_Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
_RouteId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
_FactorKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:_[a-z0-9]+)*$")]
_M = TypeVar("_M", bound=BaseModel)
_Add = Callable[[str, str], None]


# --- public data types -------------------------------------------------------------------


@dataclass(frozen=True)
class RouteTakes:
    """What a route takes: the supplier's output, by EWC code, EWC heading or words."""

    ewc: tuple[str, ...]
    ewc_prefixes: tuple[str, ...]
    keywords_it: tuple[str, ...]
    keywords_en: tuple[str, ...]
    # Energy routes: the lowest carrier temperature the route needs (°C); None otherwise.
    min_temperature_c: float | None


@dataclass(frozen=True)
class RouteGives:
    """What the receiver obtains, and the words it would use for the input it covers."""

    products_it: tuple[str, ...]
    products_en: tuple[str, ...]
    keywords_it: tuple[str, ...]
    keywords_en: tuple[str, ...]


@dataclass(frozen=True)
class RecoveryRoute:
    """One documented (or reasoned) way a resource is recovered by receiving activities."""

    id: str
    kind: RouteKind
    title_it: str
    title_en: str
    takes: RouteTakes
    operation: str | None
    legal_basis: LegalBasis
    gives: RouteGives
    # ATECO 2025 classes ("23.31") or divisions ("23").
    receiving_sectors: tuple[str, ...]
    # Key of the emission factor of the virgin material/energy replaced, or None.
    substitutes: str | None
    evidence: RouteEvidence
    source: str | None
    rationale: str | None
    confidence: float


@dataclass(frozen=True)
class EmissionFactor:
    """A conversion factor in kg CO2e per unit, with its source and year."""

    key: str
    value: float
    unit: str
    description_it: str
    description_en: str
    source: str
    year: int
    evidence: FactorEvidence
    rationale: str | None
    # System boundary in words ("cradle-to-gate", "combustion only", ...), where stated.
    basis: str | None
    # Key of the factor for making the same material from the recovered (secondary) source:
    # the net credit per unit substituted is `value` minus that factor's value.
    secondary_key: str | None


@dataclass(frozen=True)
class KnowledgeProblem:
    """One problem in a data file: the route id or factor key, the field, what is wrong."""

    item: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.item}.{self.field}" if self.item and self.field else self.item or self.field
        return f"{where}: {self.message}" if where else self.message


class KnowledgeBaseError(ValueError):
    """A routes or factors file is unusable; `problems` lists every problem found."""

    def __init__(self, problems: Sequence[KnowledgeProblem], source: str = "") -> None:
        self.problems: tuple[KnowledgeProblem, ...] = tuple(problems)
        self.source = source
        head = f"{source}: " if source else ""
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{head}{len(self.problems)} problem(s)\n{lines}")


# --- loaders ------------------------------------------------------------------------------


def load_emission_factors(path: Path | None = None) -> dict[str, EmissionFactor]:
    """Emission factors by key, from the shipped file or from `path` (a facilitator's copy).

    Raises KnowledgeBaseError listing every problem (unknown field, missing source, an estimate
    without rationale, duplicate key, a `secondary_key` that is unknown or in another unit).
    """
    if path is None:
        return dict(_shipped_factors())
    return _parse_factors(_read_yaml(path, str(path)), str(path))


def load_recovery_routes(
    path: Path | None = None,
    *,
    emission_factors: Mapping[str, EmissionFactor] | None = None,
) -> tuple[RecoveryRoute, ...]:
    """Recovery routes in file order, from the shipped file or from `path`.

    `substitutes` keys are checked against `emission_factors` (default: the shipped factors;
    pass a facilitator's extended set when the routes use new keys). Raises KnowledgeBaseError
    listing every problem with route id and field: unknown EWC code or heading, unknown ATECO
    2025 code, R-code, unknown `substitutes` key, a documented route without `source`, an
    engineering route without `rationale`, duplicate id, fields outside the schema.
    """
    if path is None and emission_factors is None:
        return _shipped_routes()
    factors = emission_factors if emission_factors is not None else _shipped_factors()
    if path is None:
        return _parse_routes(_read_shipped(ROUTES_FILENAME), ROUTES_FILENAME, factors)
    return _parse_routes(_read_yaml(path, str(path)), str(path), factors)


# --- queries ------------------------------------------------------------------------------


def routes_for_ewc(routes: Iterable[RecoveryRoute], code: str) -> list[RecoveryRoute]:
    """Routes that take an EWC code: exact code first, then sub-chapter, then chapter prefixes.

    Any spelling `normalize_ewc_code` accepts works ("101208", "10.12.08", "10 12 08*"). For a
    heading ("10 12" or "10") the first group is the routes taking any entry or heading inside
    it, then those with a wider prefix. File order is kept within each group.
    """
    norm = normalize_ewc_code(code)
    if norm is None:
        return []
    groups: tuple[list[RecoveryRoute], list[RecoveryRoute], list[RecoveryRoute]] = ([], [], [])
    for route in routes:
        rank = _ewc_rank(route.takes, norm)
        if rank is not None:
            groups[rank].append(route)
    return groups[0] + groups[1] + groups[2]


def receiving_sector_matches(route: RecoveryRoute, ateco_code: str) -> bool:
    """Whether a firm's ATECO 2025 code is among the route's receiving sectors.

    True when the code's class equals a class entry ("23.31.00" -> "23.31") or its division
    equals a division entry ("23.31" with "23"). Codes are compared as ATECO 2025: convert a
    NACE Rev.2 / ATECO 2007 code first (`ecodistrict.codes.lookup_activity`).
    """
    return receiving_sector_level(route, ateco_code) is not None


def receiving_sector_level(route: RecoveryRoute, ateco_code: str) -> str | None:
    """The level at which a route names a firm's ATECO code: "class", "division" or None.

    A class names the activity itself; a division is a broader, weaker hint."""
    code = normalize_activity_code(ateco_code)
    if code is None or not _DIVISION.fullmatch(code[:2]):
        return None
    klass = code[:5] if _CLASS.fullmatch(code[:5]) else None
    level = None
    for sector in route.receiving_sectors:
        if len(sector) == 2:
            if sector == code[:2]:
                level = "division"
        elif sector == klass:
            return "class"
    return level


def routes_for_sector(routes: Iterable[RecoveryRoute], ateco_code: str) -> list[RecoveryRoute]:
    """Routes whose receiving sectors include the firm's ATECO 2025 code, in file order."""
    return [r for r in routes if receiving_sector_matches(r, ateco_code)]


def avoided_factor(factors: Mapping[str, EmissionFactor], key: str) -> float:
    """Net credit per unit substituted: the factor minus its `secondary_key` factor, if any."""
    factor = factors[key]
    if factor.secondary_key is None:
        return factor.value
    return factor.value - factors[factor.secondary_key].value


# --- parsing: emission factors --------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _FactorModel(_Strict):
    key: _FactorKey
    value: Annotated[float, Field(ge=0)]
    unit: _Text
    description_it: _Text
    description_en: _Text
    source: _Text
    year: Annotated[int, Field(ge=1990, le=2100)]
    evidence: FactorEvidence
    rationale: _Text | None = None
    basis: _Text | None = None
    secondary_key: _FactorKey | None = None


def _parse_factors(document: Any, source: str) -> dict[str, EmissionFactor]:
    problems: list[KnowledgeProblem] = []
    items = _top_list(document, source)
    models: list[_FactorModel] = []
    for index, raw in enumerate(items, start=1):
        label = _label(raw, "key", index)
        model = _validate(_FactorModel, raw, label, problems)
        if model is not None:
            models.append(model)
    by_key: dict[str, _FactorModel] = {}
    for model in models:
        if model.key in by_key:
            problems.append(KnowledgeProblem(model.key, "key", "duplicate key"))
        by_key[model.key] = model
    for model in models:
        if model.evidence == "estimate" and model.rationale is None:
            problems.append(KnowledgeProblem(model.key, "rationale", "an estimate needs one"))
        secondary = model.secondary_key
        if secondary is None:
            continue
        other = by_key.get(secondary)
        if secondary == model.key:
            problems.append(KnowledgeProblem(model.key, "secondary_key", "refers to itself"))
        elif other is None:
            problems.append(
                KnowledgeProblem(model.key, "secondary_key", f"unknown factor {secondary!r}")
            )
        elif other.unit != model.unit:
            problems.append(
                KnowledgeProblem(
                    model.key,
                    "secondary_key",
                    f"{secondary!r} is in {other.unit!r}, not {model.unit!r}",
                )
            )
    if problems:
        raise KnowledgeBaseError(problems, source)
    return {m.key: _factor(m) for m in models}


def _factor(model: _FactorModel) -> EmissionFactor:
    return EmissionFactor(
        key=model.key,
        value=model.value,
        unit=model.unit,
        description_it=model.description_it,
        description_en=model.description_en,
        source=model.source,
        year=model.year,
        evidence=model.evidence,
        rationale=model.rationale,
        basis=model.basis,
        secondary_key=model.secondary_key,
    )


# --- parsing: recovery routes ---------------------------------------------------------------


class _TakesModel(_Strict):
    ewc: list[str] = Field(default_factory=list)
    ewc_prefixes: list[str] = Field(default_factory=list)
    keywords_it: list[str] = Field(default_factory=list)
    keywords_en: list[str] = Field(default_factory=list)
    min_temperature_c: float | None = None


class _GivesModel(_Strict):
    products_it: Annotated[list[_Text], Field(min_length=1)]
    products_en: Annotated[list[_Text], Field(min_length=1)]
    keywords_it: list[str] = Field(default_factory=list)
    keywords_en: list[str] = Field(default_factory=list)


class _RouteModel(_Strict):
    id: _RouteId
    kind: RouteKind
    title_it: _Text
    title_en: _Text
    takes: _TakesModel
    operation: str | None = None
    legal_basis: LegalBasis
    gives: _GivesModel
    receiving_sectors: list[str]
    substitutes: str | None = None
    evidence: RouteEvidence
    source: _Text | None = None
    rationale: _Text | None = None
    confidence: Annotated[float, Field(ge=0, le=1)]


def _parse_routes(
    document: Any, source: str, factors: Mapping[str, EmissionFactor]
) -> tuple[RecoveryRoute, ...]:
    problems: list[KnowledgeProblem] = []
    items = _top_list(document, source)
    routes: list[RecoveryRoute] = []
    seen: set[str] = set()
    for index, raw in enumerate(items, start=1):
        label = _label(raw, "id", index)
        model = _validate(_RouteModel, raw, label, problems)
        if model is None:
            continue
        if model.id in seen:
            problems.append(KnowledgeProblem(model.id, "id", "duplicate id"))
        seen.add(model.id)
        found = _check_route(model, factors)
        problems.extend(found)
        if not found:
            routes.append(_route(model))
    if problems:
        raise KnowledgeBaseError(problems, source)
    return tuple(routes)


def _check_route(
    model: _RouteModel, factors: Mapping[str, EmissionFactor]
) -> list[KnowledgeProblem]:
    rid = model.id
    out: list[KnowledgeProblem] = []

    def add(field: str, message: str) -> None:
        out.append(KnowledgeProblem(rid, field, message))

    takes = model.takes
    for i, code in enumerate(takes.ewc):
        problem = _ewc_entry_problem(code)
        if problem:
            add(f"takes.ewc[{i}]", problem)
    for i, code in enumerate(takes.ewc_prefixes):
        problem = _ewc_prefix_problem(code)
        if problem:
            add(f"takes.ewc_prefixes[{i}]", problem)
    _check_keywords(takes.keywords_it, "takes.keywords_it", add)
    _check_keywords(takes.keywords_en, "takes.keywords_en", add)
    if not (takes.ewc or takes.ewc_prefixes or takes.keywords_it or takes.keywords_en):
        add("takes", "give at least one EWC code, EWC heading or keyword")
    if takes.min_temperature_c is not None and model.kind != "energy":
        add("takes.min_temperature_c", "only energy routes have a temperature")

    gives = model.gives
    _check_keywords(gives.keywords_it, "gives.keywords_it", add)
    _check_keywords(gives.keywords_en, "gives.keywords_en", add)
    if not (gives.keywords_it or gives.keywords_en):
        add("gives", "give at least one keyword for the input the route covers")

    if model.legal_basis not in _BASES_BY_KIND[model.kind]:
        allowed = ", ".join(sorted(_BASES_BY_KIND[model.kind]))
        add("legal_basis", f"{model.legal_basis!r} does not fit a {model.kind} route ({allowed})")
    if model.operation is None:
        if model.legal_basis in _BASES_NEEDING_OPERATION:
            add("operation", f"a {model.legal_basis} route needs an R-code (R1..R13)")
    else:
        operation = get_operation(model.operation)
        if operation is None or operation.code != model.operation or operation.kind != "recovery":
            add("operation", f"{model.operation!r} is not a recovery operation R1..R13")
        elif model.legal_basis not in _BASES_ALLOWING_OPERATION:
            add("operation", f"a {model.legal_basis} route has no waste operation; use null")

    if not model.receiving_sectors:
        add("receiving_sectors", "give at least one ATECO 2025 class or division")
    for i, sector in enumerate(model.receiving_sectors):
        problem = _ateco_problem(sector)
        if problem:
            add(f"receiving_sectors[{i}]", problem)
    if len(set(model.receiving_sectors)) != len(model.receiving_sectors):
        add("receiving_sectors", "repeated code")

    if model.substitutes is not None:
        factor = factors.get(model.substitutes)
        if factor is None:
            add("substitutes", f"unknown emission factor {model.substitutes!r}")
        elif not _SUBSTITUTE_UNIT_BY_KIND[model.kind].fullmatch(factor.unit):
            unit = factor.unit
            add(
                "substitutes",
                f"{model.substitutes!r} is in {unit!r}, wrong for a {model.kind} route",
            )

    if model.evidence == "documented" and model.source is None:
        add("source", "a documented route needs its source")
    if model.evidence == "engineering" and model.rationale is None:
        add("rationale", "an engineering route needs its rationale")
    return out


def _check_keywords(words: list[str], field: str, add: _Add) -> None:
    for i, word in enumerate(words):
        if not word.strip():
            add(f"{field}[{i}]", "empty keyword")
        elif word != word.strip().lower():
            add(f"{field}[{i}]", f"{word!r}: keywords are lower case, without outer blanks")


def _ewc_entry_problem(code: str) -> str | None:
    if not _ENTRY.fullmatch(code):
        return f"{code!r}: write six-digit EWC entries as 'NN NN NN'"
    row = get_ewc(code)
    if row is None or row.level != "entry":
        return f"{code!r} is not an entry of the List of Waste"
    return None


def _ewc_prefix_problem(code: str) -> str | None:
    if not _PREFIX.fullmatch(code):
        return f"{code!r}: write a chapter as 'NN' or a sub-chapter as 'NN NN'"
    if get_ewc(code) is None:
        return f"{code!r} is not a chapter or sub-chapter of the List of Waste"
    return None


def _ateco_problem(code: str) -> str | None:
    if _DIVISION.fullmatch(code):
        return None if division_title(code) else f"{code!r} is not an ATECO 2025 division"
    if _CLASS.fullmatch(code):
        check = check_activity_code(code, edition="2025")
        activity = check.activity
        if activity is None or activity.code != code or activity.level != "class":
            return f"{code!r} is not an ATECO 2025 class"
        return None
    return f"{code!r}: give an ATECO 2025 class 'NN.NN' or a division 'NN' (quoted in YAML)"


def _route(model: _RouteModel) -> RecoveryRoute:
    takes, gives = model.takes, model.gives
    return RecoveryRoute(
        id=model.id,
        kind=model.kind,
        title_it=model.title_it,
        title_en=model.title_en,
        takes=RouteTakes(
            ewc=tuple(takes.ewc),
            ewc_prefixes=tuple(takes.ewc_prefixes),
            keywords_it=tuple(takes.keywords_it),
            keywords_en=tuple(takes.keywords_en),
            min_temperature_c=takes.min_temperature_c,
        ),
        operation=model.operation,
        legal_basis=model.legal_basis,
        gives=RouteGives(
            products_it=tuple(gives.products_it),
            products_en=tuple(gives.products_en),
            keywords_it=tuple(gives.keywords_it),
            keywords_en=tuple(gives.keywords_en),
        ),
        receiving_sectors=tuple(model.receiving_sectors),
        substitutes=model.substitutes,
        evidence=model.evidence,
        source=model.source,
        rationale=model.rationale,
        confidence=model.confidence,
    )


def _ewc_rank(takes: RouteTakes, norm: str) -> int | None:
    """0: the code itself (or, for a heading, anything inside it); 1: sub-chapter; 2: chapter."""
    inside = norm + " "
    if norm in takes.ewc or norm in takes.ewc_prefixes:
        return 0
    if len(norm) < 8 and any(c.startswith(inside) for c in (*takes.ewc, *takes.ewc_prefixes)):
        return 0
    if len(norm) == 8 and norm[:5] in takes.ewc_prefixes:
        return 1
    if len(norm) > 2 and norm[:2] in takes.ewc_prefixes:
        return 2
    return None


# --- shared helpers ---------------------------------------------------------------------------


def _validate(
    model_type: type[_M], raw: Any, label: str, problems: list[KnowledgeProblem]
) -> _M | None:
    try:
        return model_type.model_validate(raw)
    except ValidationError as error:
        for detail in error.errors():
            field = ".".join(str(part) for part in detail["loc"])
            problems.append(KnowledgeProblem(label, field, detail["msg"]))
        return None


def _label(raw: Any, key: str, index: int) -> str:
    if isinstance(raw, dict):
        value = raw.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return f"#{index}"


def _top_list(document: Any, source: str) -> list[Any]:
    if not isinstance(document, list):
        problem = KnowledgeProblem("", "", "the file must be a YAML list of entries")
        raise KnowledgeBaseError([problem], source)
    return document


def _read_yaml(path: Path, source: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        problem = KnowledgeProblem("", "", f"cannot read: {error}")
        raise KnowledgeBaseError([problem], source) from error
    return _load_text(text, source)


def _read_shipped(filename: str) -> Any:
    text = (resources.files("ecodistrict.matching") / "data" / filename).read_text("utf-8")
    return _load_text(text, filename)


def _load_text(text: str, source: str) -> Any:
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        problem = KnowledgeProblem("", "", f"not valid YAML: {error}")
        raise KnowledgeBaseError([problem], source) from error


@lru_cache(maxsize=1)
def _shipped_factors() -> Mapping[str, EmissionFactor]:
    return _parse_factors(_read_shipped(FACTORS_FILENAME), FACTORS_FILENAME)


@lru_cache(maxsize=1)
def _shipped_routes() -> tuple[RecoveryRoute, ...]:
    return _parse_routes(_read_shipped(ROUTES_FILENAME), ROUTES_FILENAME, _shipped_factors())
