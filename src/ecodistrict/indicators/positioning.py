"""Positioning: a firm against its peers, published reference values and the district's targets.

Plain functions on plain data (the indicator results, the district file, a list of peer records),
so that the CLI, the web platform and batch jobs give the same answer. Method, conventions and
every reference value: docs/positioning.md.

- Peers: the OTHER firms of a group (the firm's ATECO division, or all firms) that have a value
  for the indicator. A standing is given only when there are at least `min_peers` of them (5 by
  default: confidentiality, and a percentile of fewer firms means little).
- Percentile rank ("mean" convention): 100 × (peers below + 0.5 × peers equal) / peers.
- Quartile: 1 + min(3, floor(percentile / 25)); 1 holds the lowest values.
- Performance percentile: the percentile when higher is better, 100 − percentile when lower is
  better, none when the indicator has no direction; 100 is best.
- Reference values (data/reference-values.yaml) are compared when their `indicator` is the
  indicator, shown as context when it is in their `context_for`.
- Targets: met or not, and the gap still to go (positive) or the margin beyond it (negative).
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml

from ecodistrict.codes.ateco import division_title

if TYPE_CHECKING:
    from ecodistrict.domain.models import DistrictFile
    from ecodistrict.indicators.definitions import IndicatorDefinition, IndicatorSet, Target
    from ecodistrict.indicators.values import IndicatorResults, IndicatorValue

POSITION_FORMAT = "ecodistrict/position/1"
DISTRICT_POSITION_FORMAT = "ecodistrict/district-position/1"
REFERENCE_VALUES_FORMAT = "ecodistrict/reference-values/1"
DEFAULT_MIN_PEERS = 5

Group = Literal["division", "all"]
Relation = Literal["comparable", "context"]

ALL_FIRMS_LABEL = "all firms"
STATISTICS: tuple[str, ...] = (
    "aggregate",
    "mean",
    "maximum",
    "range",
    "threshold",
    "policy_target",
)
RELIABILITY_GRADES: tuple[str, ...] = ("A", "B", "C")

# ------------------------------------------------------------------------- reference values


@dataclass(frozen=True)
class ReferenceValue:
    """A published value a firm or the district can be set against, with its provenance."""

    id: str
    indicator: str | None
    context_for: tuple[str, ...]
    name_it: str
    name_en: str
    value: float | None
    value_min: float | None
    value_max: float | None
    unit: str
    year: int
    geo: str
    sector: str | None
    statistic: str
    basis: str
    comparability_it: str
    comparability_en: str
    source: str
    reliability: str
    retrieved_from: str
    year_note: str | None = None

    @property
    def is_range(self) -> bool:
        return self.value is None

    def name(self, lang: str) -> str:
        return self.name_it if lang.startswith("it") else self.name_en

    def comparability(self, lang: str) -> str:
        return self.comparability_it if lang.startswith("it") else self.comparability_en

    def shown_for(self, indicator: str) -> Relation | None:
        """'comparable', 'context' or None: how this value relates to an indicator key."""
        if self.indicator == indicator:
            return "comparable"
        if indicator in self.context_for:
            return "context"
        return None

    def applies_to_sector(self, ateco: str | None) -> bool:
        """True for an all-sector value, or when the firm's ATECO code starts with the sector."""
        if self.sector is None:
            return True
        if ateco is None:
            return False
        return _ateco_digits(ateco).startswith(_ateco_digits(self.sector))

    def display_value(self) -> str:
        if self.value is not None:
            return f"{self.value:g} {self.unit}"
        return f"{self.value_min:g}–{self.value_max:g} {self.unit}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "indicator": self.indicator,
            "context_for": list(self.context_for),
            "name_it": self.name_it,
            "name_en": self.name_en,
            "value": self.value,
            "value_min": self.value_min,
            "value_max": self.value_max,
            "unit": self.unit,
            "year": self.year,
            "year_note": self.year_note,
            "geo": self.geo,
            "sector": self.sector,
            "statistic": self.statistic,
            "basis": self.basis,
            "comparability_it": self.comparability_it,
            "comparability_en": self.comparability_en,
            "source": self.source,
            "reliability": self.reliability,
            "retrieved_from": self.retrieved_from,
        }


class ReferenceValuesError(ValueError):
    """A reference-values file that cannot be used; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


_REQUIRED_TEXT = (
    "name_it",
    "name_en",
    "unit",
    "geo",
    "statistic",
    "basis",
    "comparability_it",
    "comparability_en",
    "source",
    "reliability",
    "retrieved_from",
)
_KNOWN_FIELDS = frozenset(
    {
        "id",
        "indicator",
        "context_for",
        "value",
        "value_min",
        "value_max",
        "year",
        "year_note",
        "sector",
        *_REQUIRED_TEXT,
    }
)
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_SECTOR = re.compile(r"^\d{2}(\.\d{1,2}(\.\d{1,2})?)?$")


def load_reference_values(path: Path | None = None) -> tuple[ReferenceValue, ...]:
    """The shipped reference values, or those of a file in the same format.

    Raises ReferenceValuesError listing every problem (a missing source or year is one).
    """
    if path is None:
        return _shipped_reference_values()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ReferenceValuesError([f"cannot read {path}: {exc.strerror}"]) from None
    return parse_reference_values(text)


@cache
def _shipped_reference_values() -> tuple[ReferenceValue, ...]:
    resource = files("ecodistrict") / "indicators" / "data" / "reference-values.yaml"
    return parse_reference_values(resource.read_text(encoding="utf-8"))


def parse_reference_values(text: str) -> tuple[ReferenceValue, ...]:
    """Read reference values from YAML text; ReferenceValuesError lists every problem."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ReferenceValuesError([f"not valid YAML: {exc}"]) from None
    if not isinstance(data, dict):
        raise ReferenceValuesError(["the file must be a mapping with 'format' and 'references'"])
    problems: list[str] = []
    if data.get("format") != REFERENCE_VALUES_FORMAT:
        problems.append(f"'format' must be '{REFERENCE_VALUES_FORMAT}'")
    entries = data.get("references")
    if not isinstance(entries, list) or not entries:
        problems.append("'references' must be a non-empty list")
        raise ReferenceValuesError(problems)
    values: list[ReferenceValue] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        parsed = _parse_reference(position, entry, problems)
        if parsed is None:
            continue
        if parsed.id in seen:
            problems.append(f"reference '{parsed.id}': the id is used more than once")
        seen.add(parsed.id)
        values.append(parsed)
    if problems:
        raise ReferenceValuesError(problems)
    return tuple(values)


def _parse_reference(position: int, entry: Any, problems: list[str]) -> ReferenceValue | None:
    if not isinstance(entry, dict):
        problems.append(f"reference #{position}: must be a mapping")
        return None
    raw_id = entry.get("id")
    ref_id = raw_id if isinstance(raw_id, str) and _ID.match(raw_id) else None
    where = f"reference '{ref_id}'" if ref_id else f"reference #{position}"
    before = len(problems)

    def fail(message: str) -> None:
        problems.append(f"{where}: {message}")

    if ref_id is None:
        fail("field 'id' is missing or not of the form [a-z0-9_]")
    for name in sorted(set(entry) - _KNOWN_FIELDS):
        fail(f"unknown field '{name}'")
    texts: dict[str, str] = {}
    for name in _REQUIRED_TEXT:
        raw = entry.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            fail(f"field '{name}' is missing")
        elif not isinstance(raw, str):
            fail(f"field '{name}' must be text")
        else:
            texts[name] = " ".join(raw.split())
    year = entry.get("year")
    if year is None:
        fail("field 'year' is missing")
    elif isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100:
        fail(f"field 'year' must be a year such as 2023 (got {year!r})")
    year_note = entry.get("year_note")
    if year_note is not None and not isinstance(year_note, str):
        fail("field 'year_note' must be text")
    indicator = entry.get("indicator")
    if indicator is not None and not (isinstance(indicator, str) and _KEY.match(indicator)):
        fail(f"field 'indicator' must be an indicator key or null (got {indicator!r})")
    context_raw = entry.get("context_for", [])
    context: tuple[str, ...] = ()
    if context_raw is None:
        context_raw = []
    if not isinstance(context_raw, list) or not all(
        isinstance(k, str) and _KEY.match(k) for k in context_raw
    ):
        fail("field 'context_for' must be a list of indicator keys")
    else:
        context = tuple(context_raw)
        if indicator is not None and indicator in context:
            fail(f"indicator '{indicator}' cannot be both compared and context")
    sector = entry.get("sector")
    if sector is not None and not (isinstance(sector, str) and _SECTOR.match(sector)):
        fail('field \'sector\' must be an ATECO code such as "23.31" or "23", or null')
    numbers = {name: entry.get(name) for name in ("value", "value_min", "value_max")}
    for name, number in numbers.items():
        if number is not None and (
            isinstance(number, bool)
            or not isinstance(number, int | float)
            or not math.isfinite(number)
        ):
            fail(f"field '{name}' must be a number")
    value, low, high = numbers["value"], numbers["value_min"], numbers["value_max"]
    if value is None and (low is None or high is None):
        fail("give 'value', or both 'value_min' and 'value_max'")
    elif value is not None and (low is not None or high is not None):
        fail("give either 'value' or 'value_min' and 'value_max', not both")
    elif (
        value is None
        and isinstance(low, int | float)
        and isinstance(high, int | float)
        and low > high
    ):
        fail("'value_min' is greater than 'value_max'")
    statistic = texts.get("statistic")
    if statistic is not None and statistic not in STATISTICS:
        fail(f"field 'statistic' must be one of {', '.join(STATISTICS)} (got '{statistic}')")
    reliability = texts.get("reliability")
    if reliability is not None and reliability not in RELIABILITY_GRADES:
        fail(f"field 'reliability' must be A, B or C (got '{reliability}')")
    if len(problems) > before:
        return None
    assert ref_id is not None and isinstance(year, int)
    return ReferenceValue(
        id=ref_id,
        indicator=indicator,
        context_for=context,
        name_it=texts["name_it"],
        name_en=texts["name_en"],
        value=None if value is None else float(value),
        value_min=None if low is None else float(low),
        value_max=None if high is None else float(high),
        unit=texts["unit"],
        year=year,
        geo=texts["geo"],
        sector=sector,
        statistic=texts["statistic"],
        basis=texts["basis"],
        comparability_it=texts["comparability_it"],
        comparability_en=texts["comparability_en"],
        source=texts["source"],
        reliability=texts["reliability"],
        retrieved_from=texts["retrieved_from"],
        year_note=None if year_note is None else " ".join(year_note.split()),
    )


# ------------------------------------------------------------------------------ result types


@dataclass(frozen=True)
class PeerRecord:
    """One firm of the peer database: its id, ATECO division and indicator values."""

    company: str
    division: str | None
    values: Mapping[str, float | None]


@dataclass(frozen=True)
class PeerStanding:
    """Where a firm's value stands among its peers for one indicator and one peer group."""

    indicator: str
    group: Group
    group_label: str
    value: float | None
    n_peers: int
    percentile: float | None
    quartile: int | None
    performance_percentile: float | None
    median: float | None
    reason: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "group": self.group,
            "group_label": self.group_label,
            "value": self.value,
            "n_peers": self.n_peers,
            "percentile": self.percentile,
            "quartile": self.quartile,
            "performance_percentile": self.performance_percentile,
            "median": self.median,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ReferenceComparison:
    """A firm's (or the district's) value next to one published reference value."""

    reference: ReferenceValue
    indicator: str
    relation: Relation
    value: float | None
    difference: float | None
    within_range: bool | None
    better: bool | None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "relation": self.relation,
            "value": self.value,
            "difference": self.difference,
            "within_range": self.within_range,
            "better": self.better,
            "reason": self.reason,
            "reference": self.reference.as_dict(),
        }


@dataclass(frozen=True)
class TargetStanding:
    """A value against one of the district's targets."""

    target: Target
    value: float | None
    met: bool | None
    gap: float | None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.target.indicator,
            "target": self.target.value,
            "comparison": self.target.comparison,
            "note_it": self.target.note_it,
            "note_en": self.target.note_en,
            "value": self.value,
            "met": self.met,
            "gap": self.gap,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class CompanyPosition:
    """Everything a firm is positioned against: peers, reference values, targets."""

    company: str
    indicator_set: str
    division: str | None
    peers: tuple[PeerStanding, ...]
    references: tuple[ReferenceComparison, ...]
    targets: tuple[TargetStanding, ...]
    ateco: str | None = None
    division_label: str | None = None
    min_peers: int = DEFAULT_MIN_PEERS
    values: Mapping[str, float | None] = field(default_factory=dict)

    def standing(self, indicator: str, group: Group) -> PeerStanding:
        for item in self.peers:
            if item.indicator == indicator and item.group == group:
                return item
        raise KeyError((indicator, group))

    def to_document(self) -> dict[str, Any]:
        """Plain data for JSON (`format: ecodistrict/position/1`)."""
        return {
            "format": POSITION_FORMAT,
            "company": self.company,
            "indicator_set": self.indicator_set,
            "ateco": self.ateco,
            "division": self.division,
            "division_label": self.division_label,
            "min_peers": self.min_peers,
            "values": dict(self.values),
            "peers": [p.as_dict() for p in self.peers],
            "references": [r.as_dict() for r in self.references],
            "targets": [t.as_dict() for t in self.targets],
        }


@dataclass(frozen=True)
class DistrictPosition:
    """The district's indicators against published reference values and the district targets."""

    indicator_set: str
    references: tuple[ReferenceComparison, ...]
    targets: tuple[TargetStanding, ...]

    def to_document(self) -> dict[str, Any]:
        """Plain data for JSON (`format: ecodistrict/district-position/1`)."""
        return {
            "format": DISTRICT_POSITION_FORMAT,
            "indicator_set": self.indicator_set,
            "references": [r.as_dict() for r in self.references],
            "targets": [t.as_dict() for t in self.targets],
        }


# ------------------------------------------------------------------------------ peer statistics


def ateco_division(ateco: str | None) -> str | None:
    """The two-digit ATECO division of a code ("23.31" -> "23"), or None."""
    if ateco is None:
        return None
    digits = _ateco_digits(ateco)
    return digits[:2] if len(digits) >= 2 else None


def division_label(division: str | None) -> str:
    """'ATECO 23 – <Italian title>' (or 'ATECO 23' when the title is unknown)."""
    if division is None:
        return "no ATECO division"
    title = division_title(division)
    return f"ATECO {division} – {title}" if title else f"ATECO {division}"


def percentile_rank(value: float, peer_values: Sequence[float]) -> float:
    """100 × (peers below + 0.5 × peers equal) / peers (the "mean" percentile-rank convention)."""
    if not peer_values:
        raise ValueError("a percentile rank needs at least one peer value")
    below, equal = _below_equal(value, peer_values)
    return 100.0 * (below + 0.5 * equal) / len(peer_values)


def quartile_of(value: float, peer_values: Sequence[float]) -> int:
    """1 + min(3, floor(percentile / 25)), computed exactly (1 holds the lowest values)."""
    if not peer_values:
        raise ValueError("a quartile needs at least one peer value")
    below, equal = _below_equal(value, peer_values)
    # percentile / 25 = 4 × (below + equal / 2) / n = (4·below + 2·equal) / n, in integers
    return 1 + min(3, (4 * below + 2 * equal) // len(peer_values))


def performance_of(percentile: float | None, direction: str) -> float | None:
    """Direction-aware percentile, 100 = best: p for 'higher', 100 − p for 'lower', else None."""
    if percentile is None:
        return None
    if direction == "higher":
        return percentile
    if direction == "lower":
        return 100.0 - percentile
    return None


def peer_standing(
    indicator: str,
    direction: str,
    value: float | None,
    peer_values: Iterable[float | None],
    *,
    group: Group,
    group_label: str,
    min_peers: int = DEFAULT_MIN_PEERS,
    value_reason: str | None = None,
) -> PeerStanding:
    """The standing of one value among peer values (the firm itself must not be among them).

    Peer values that are None or not finite are not peers. The percentile, quartile and median are
    given only with at least `min_peers` peers; the percentile and quartile also need the firm's
    own value. `value_reason` is why the firm has no value (the IndicatorValue's reason).
    """
    if min_peers < 1:
        raise ValueError("min_peers must be at least 1")
    peers = _finite(peer_values)
    own = value if _usable(value) else None
    n_peers = len(peers)
    enough = n_peers >= min_peers
    reasons: list[str] = []
    if own is None:
        reasons.append(
            f"the firm has no value: {value_reason}" if value_reason else "the firm has no value"
        )
    if not enough:
        reasons.append(_too_few_peers(n_peers, group, group_label, min_peers))
    percentile: float | None = None
    quartile: int | None = None
    if own is not None and enough:
        percentile = percentile_rank(own, peers)
        quartile = quartile_of(own, peers)
    performance = performance_of(percentile, direction)
    if direction not in ("higher", "lower"):
        reasons.append("indicator has no direction")
    return PeerStanding(
        indicator=indicator,
        group=group,
        group_label=group_label,
        value=own,
        n_peers=n_peers,
        percentile=percentile,
        quartile=quartile,
        performance_percentile=performance,
        median=float(statistics.median(peers)) if enough else None,
        reason="; ".join(reasons) or None,
    )


def peer_table(results: IndicatorResults, district: DistrictFile) -> list[PeerRecord]:
    """The peer database of one district file as plain data, one record per firm."""
    records: list[PeerRecord] = []
    for company in district.companies:
        computed = results.companies.get(company.id, {})
        records.append(
            PeerRecord(
                company=company.id,
                division=ateco_division(company.ateco),
                values={key: item.value for key, item in computed.items()},
            )
        )
    return records


def median_profile(
    records: Iterable[PeerRecord],
    keys: Iterable[str],
    *,
    min_peers: int = DEFAULT_MIN_PEERS,
    exclude: str | None = None,
) -> dict[str, float | None]:
    """The peers' median per indicator (None with fewer than `min_peers` values): anonymised."""
    rows = [r for r in records if r.company != exclude]
    profile: dict[str, float | None] = {}
    for key in keys:
        values = _finite(r.values.get(key) for r in rows)
        profile[key] = (
            float(statistics.median(values)) if values and len(values) >= min_peers else None
        )
    return profile


# ------------------------------------------------------------------------ reference comparison


def compare_reference(
    reference: ReferenceValue,
    indicator: str,
    direction: str,
    value: float | None,
    *,
    unit: str | None = None,
    value_reason: str | None = None,
) -> ReferenceComparison:
    """A value next to a reference: difference (value − reference) and whether it is better.

    A context reference (the indicator is in its `context_for`) gives no difference and no
    verdict. A range gives `within_range` and a verdict only outside the range. `better` is None
    when the two are equal, when the indicator has no direction or when either value is missing.
    """
    relation = reference.shown_for(indicator)
    if relation is None:
        raise ValueError(f"reference '{reference.id}' is not about indicator '{indicator}'")
    own = value if _usable(value) else None
    if own is None:
        reason = f"no value: {value_reason}" if value_reason else "no value"
        return ReferenceComparison(reference, indicator, relation, None, None, None, None, reason)
    if relation == "context":
        return ReferenceComparison(
            reference, indicator, relation, own, None, None, None, "context only, not compared"
        )
    if unit is not None and unit != reference.unit:
        return ReferenceComparison(
            reference,
            indicator,
            relation,
            own,
            None,
            None,
            None,
            f"units differ ({unit} and {reference.unit})",
        )
    if reference.value is not None:
        difference = own - reference.value
        return ReferenceComparison(
            reference,
            indicator,
            relation,
            own,
            difference,
            None,
            _better(difference, direction),
            None,
        )
    assert reference.value_min is not None and reference.value_max is not None
    within = reference.value_min <= own <= reference.value_max
    if within:
        verdict = None
    elif own > reference.value_max:
        verdict = _better(own - reference.value_max, direction)
    else:
        verdict = _better(own - reference.value_min, direction)
    return ReferenceComparison(reference, indicator, relation, own, None, within, verdict, None)


def target_standing(
    target: Target, value: float | None, *, reason: str | None = None
) -> TargetStanding:
    """Met or not, and the gap: target − value for 'at_least', value − target for 'at_most'.

    A positive gap is still to go; zero or negative means met (by that margin).
    """
    own = value if _usable(value) else None
    if own is None:
        return TargetStanding(
            target, None, None, None, f"no value: {reason}" if reason else "no value"
        )
    if target.comparison == "at_least":
        gap = target.value - own
    elif target.comparison == "at_most":
        gap = own - target.value
    else:
        return TargetStanding(target, own, None, None, f"unknown comparison '{target.comparison}'")
    return TargetStanding(target, own, gap <= 0, gap, None)


# ----------------------------------------------------------------------------------- positions


def position_company(
    company_id: str,
    results: IndicatorResults,
    district: DistrictFile,
    *,
    peers: Sequence[PeerRecord] | None = None,
    references: Sequence[ReferenceValue] | None = None,
    min_peers: int = DEFAULT_MIN_PEERS,
) -> CompanyPosition:
    """Position one firm against its peers, published reference values and the district targets.

    `peers` defaults to the firms of the same file (`peer_table`); the web passes firms of other
    districts too. The firm is never its own peer (matched by id). `references` defaults to the
    shipped reference values. An unknown company raises KeyError with its id.
    """
    if min_peers < 1:
        raise ValueError("min_peers must be at least 1")
    try:
        company = district.company(company_id)
    except KeyError:
        raise KeyError(company_id) from None
    if company_id not in results.companies:
        raise KeyError(company_id)
    indicator_set = results.indicator_set
    computed = results.companies[company_id]
    records = list(peers) if peers is not None else peer_table(results, district)
    others = [r for r in records if r.company != company_id]
    refs = tuple(references) if references is not None else load_reference_values()
    division = ateco_division(company.ateco)
    div_label = division_label(division)
    company_defs = [d for d in indicator_set.definitions if d.level == "company"]

    standings: list[PeerStanding] = []
    comparisons: list[ReferenceComparison] = []
    own_values: dict[str, float | None] = {}
    for definition in company_defs:
        item = computed.get(definition.key)
        value = item.value if item is not None else None
        why = item.reason if item is not None else "not computed"
        own_values[definition.key] = value if _usable(value) else None
        if definition.direction in ("higher", "lower"):
            groups: tuple[tuple[Group, str, list[float | None]], ...] = (
                (
                    "division",
                    div_label,
                    [
                        r.values.get(definition.key)
                        for r in others
                        if division is not None and r.division == division
                    ],
                ),
                ("all", ALL_FIRMS_LABEL, [r.values.get(definition.key) for r in others]),
            )
            for group, label, values in groups:
                standings.append(
                    peer_standing(
                        definition.key,
                        definition.direction,
                        value,
                        values,
                        group=group,
                        group_label=label,
                        min_peers=min_peers,
                        value_reason=why,
                    )
                )
        for reference in refs:
            if reference.shown_for(definition.key) and reference.applies_to_sector(company.ateco):
                comparisons.append(
                    compare_reference(
                        reference,
                        definition.key,
                        definition.direction,
                        value,
                        unit=definition.unit,
                        value_reason=why,
                    )
                )
    company_keys = {d.key for d in company_defs}
    targets = tuple(
        target_standing(
            target,
            own_values.get(target.indicator),
            reason=_reason_of(computed, target.indicator),
        )
        for target in indicator_set.targets
        if target.indicator in company_keys
    )
    return CompanyPosition(
        company=company_id,
        indicator_set=indicator_set.label,
        division=division,
        peers=tuple(standings),
        references=tuple(comparisons),
        targets=targets,
        ateco=company.ateco,
        division_label=div_label if division is not None else None,
        min_peers=min_peers,
        values=own_values,
    )


def position_district(
    results: IndicatorResults, *, references: Sequence[ReferenceValue] | None = None
) -> DistrictPosition:
    """The district-level indicators against all-sector reference values and the targets."""
    indicator_set: IndicatorSet = results.indicator_set
    refs = tuple(references) if references is not None else load_reference_values()
    district_defs: list[IndicatorDefinition] = [
        d for d in indicator_set.definitions if d.level == "district"
    ]
    comparisons: list[ReferenceComparison] = []
    for definition in district_defs:
        item = results.district.get(definition.key)
        for reference in refs:
            if reference.shown_for(definition.key) and reference.sector is None:
                comparisons.append(
                    compare_reference(
                        reference,
                        definition.key,
                        definition.direction,
                        item.value if item is not None else None,
                        unit=definition.unit,
                        value_reason=_reason_of(results.district, definition.key),
                    )
                )
    district_keys = {d.key for d in district_defs}
    targets = tuple(
        target_standing(
            target,
            _value_of(results.district, target.indicator),
            reason=_reason_of(results.district, target.indicator),
        )
        for target in indicator_set.targets
        if target.indicator in district_keys
    )
    return DistrictPosition(indicator_set.label, tuple(comparisons), targets)


# ------------------------------------------------------------------------------------ helpers


def _ateco_digits(code: str) -> str:
    return re.sub(r"\D", "", code)


def _usable(value: float | None) -> bool:
    return value is not None and not isinstance(value, bool) and math.isfinite(value)


def _finite(values: Iterable[float | None]) -> list[float]:
    return [float(v) for v in values if v is not None and _usable(v)]


def _below_equal(value: float, peer_values: Sequence[float]) -> tuple[int, int]:
    below = equal = 0
    for peer in peer_values:
        if math.isclose(peer, value, rel_tol=1e-9, abs_tol=1e-12):
            equal += 1
        elif peer < value:
            below += 1
    return below, equal


def _too_few_peers(n_peers: int, group: str, group_label: str, min_peers: int) -> str:
    if group == "all":
        where = "among all firms"
    elif group_label.startswith("ATECO "):
        # "ATECO 23 – title" -> "in ATECO division 23"
        where = f"in ATECO division {group_label.split()[1]}"
    else:
        where = f"in {group_label}"
    if n_peers == 0:
        count = "no peers"
    elif n_peers == 1:
        count = "only 1 peer"
    else:
        count = f"only {n_peers} peers"
    return f"{count} with a value {where}; at least {min_peers} are needed"


def _better(difference: float, direction: str) -> bool | None:
    if difference == 0 or direction not in ("higher", "lower"):
        return None
    return difference > 0 if direction == "higher" else difference < 0


def _value_of(values: Mapping[str, IndicatorValue], key: str) -> float | None:
    item = values.get(key)
    return item.value if item is not None and _usable(item.value) else None


def _reason_of(values: Mapping[str, IndicatorValue], key: str) -> str | None:
    item = values.get(key)
    return "not computed" if item is None else item.reason
