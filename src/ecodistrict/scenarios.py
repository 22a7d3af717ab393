"""What-if scenarios on a district file, and the progress of a commitment.

A scenario is a list of flow changes (add, modify or remove flows of one company or of several)
applied to a copy of a district file's data. ``compare_scenario`` recomputes the indicators and
the symbiosis matches of the changed copy and returns, for every indicator, the value before, the
value after and the difference, with the impact of the matches the change opens. The input data
are never mutated: the declared profile stays as it was.

``commitment_progress`` tells whether a commitment (baseline, target, deadline year) is met, on
track or late, from the values of later years (see docs/scenarios.md and docs/commitments.md).

A change is a plain dict (``CHANGES_FORMAT``)::

    {"action": "add", "company": "ceramica-alfa", "flow": "secondary-clay",
     "fields": {"direction": "in", "kind": "material", "description": "...", "quantity": 100,
                "unit": "t/yr", "origin": "by-product", "source_distance_km": 12}}
    {"action": "modify", "company": "ceramica-alfa", "flow": "clays",
     "fields": {"quantity": 55900}}           # a null value removes the field
    {"action": "remove", "company": "ceramica-alfa", "flow": "natural-gas"}

An optional ``note`` (text) says why. Removing an output that feeds another firm's input (an
exchange in place) detaches that input: it keeps its quantity without ``supplied_by``.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ecodistrict.domain.models import DistrictFile
from ecodistrict.domain.problems import Problem
from ecodistrict.domain.validation import validate_district_data
from ecodistrict.indicators.definitions import IndicatorSet, load_indicator_set
from ecodistrict.indicators.engine import compute_indicators
from ecodistrict.indicators.values import IndicatorResults
from ecodistrict.matching.results import Match, MatchResults, match_district

CHANGES_FORMAT = "ecodistrict/scenario-changes/1"
RESULT_FORMAT = "ecodistrict/scenario-result/1"
ACTIONS = ("add", "modify", "remove")
CHANGE_KEYS = frozenset({"action", "company", "flow", "fields", "note"})
#: Fields a change may not set: the flow's id is the change's ``flow``.
FIXED_FIELDS = frozenset({"id"})

STATUS_MET = "met"
STATUS_ON_TRACK = "on_track"
STATUS_LATE = "late"
STATUSES = (STATUS_MET, STATUS_ON_TRACK, STATUS_LATE)


class ScenarioError(ValueError):
    """The changes cannot be applied, or the changed data break the district-file rules.

    ``problems`` lists every problem found, each naming the change, company, flow and field.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))


# --- applying changes ---------------------------------------------------------------------------


def _change_problem(index: int, change: Any, message: str, field_name: str | None) -> Problem:
    company = change.get("company") if isinstance(change, Mapping) else None
    flow = change.get("flow") if isinstance(change, Mapping) else None
    return Problem(
        f"change {index + 1}: {message}",
        company=company if isinstance(company, str) else None,
        flow=flow if isinstance(flow, str) else None,
        field=field_name,
        code="scenario",
    )


def _find(items: Any, ident: str) -> dict[str, Any] | None:
    if not isinstance(items, list):
        return None
    for item in items:
        if isinstance(item, dict) and item.get("id") == ident:
            return item
    return None


def apply_changes(data: Mapping[str, Any], changes: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A copy of ``data`` (a district file as plain data) with ``changes`` applied in order.

    ``data`` is not mutated. Raises ``ScenarioError`` listing every problem: a malformed change
    (unknown action, company or flow; an added flow whose id exists) and every rule of the
    district file the changed data break (each naming the company, the flow and the field).
    """
    result = copy.deepcopy(dict(data))
    problems: list[Problem] = []
    if not isinstance(changes, Sequence) or isinstance(changes, str | bytes):
        raise ScenarioError([Problem("the changes must be a list", code="scenario")])
    for index, change in enumerate(changes):
        problems.extend(_apply_one(result, index, change))
    if problems:
        raise ScenarioError(problems)
    _model, district_problems = validate_district_data(result)
    if district_problems:
        raise ScenarioError(district_problems)
    return result


def _apply_one(data: dict[str, Any], index: int, change: Any) -> list[Problem]:
    if not isinstance(change, Mapping):
        return [_change_problem(index, change, "a change must be an object", None)]
    unknown = sorted(set(change) - CHANGE_KEYS)
    if unknown:
        return [_change_problem(index, change, f"unknown key {name!r}", name) for name in unknown]
    action, company_id, flow_id = change.get("action"), change.get("company"), change.get("flow")
    if action not in ACTIONS:
        return [
            _change_problem(
                index,
                change,
                f"action must be one of {', '.join(ACTIONS)} (got {action!r})",
                "action",
            )
        ]
    if not isinstance(company_id, str) or not company_id:
        return [_change_problem(index, change, "name the company (its id)", "company")]
    if not isinstance(flow_id, str) or not flow_id:
        return [_change_problem(index, change, "name the flow (its id)", "flow")]
    company = _find(data.get("companies"), company_id)
    if company is None:
        return [_change_problem(index, change, f"no company {company_id!r}", "company")]
    fields = change.get("fields", {})
    if fields is None:
        fields = {}
    if not isinstance(fields, Mapping):
        return [_change_problem(index, change, "fields must be an object", "fields")]
    fixed = sorted(FIXED_FIELDS & set(fields))
    if fixed:
        return [
            _change_problem(index, change, "the flow's id is the change's 'flow'", name)
            for name in fixed
        ]
    flows = company.setdefault("flows", [])
    existing = _find(flows, flow_id)
    if action == "add":
        if existing is not None:
            return [
                _change_problem(
                    index, change, f"company {company_id!r} already has a flow {flow_id!r}", "flow"
                )
            ]
        flows.append({"id": flow_id} | {k: v for k, v in fields.items() if v is not None})
        return []
    if existing is None:
        return [
            _change_problem(
                index, change, f"company {company_id!r} has no flow {flow_id!r}", "flow"
            )
        ]
    if action == "remove":
        flows.remove(existing)
        _detach_receivers(data, company_id, flow_id)
        return []
    for name, value in fields.items():
        if value is None:
            existing.pop(name, None)
        else:
            existing[name] = copy.deepcopy(value)
    return []


def _detach_receivers(data: dict[str, Any], company_id: str, flow_id: str) -> None:
    """A removed output no longer supplies anyone: the inputs it fed lose their ``supplied_by``
    (the receiver still needs the resource, from elsewhere)."""
    for company in data.get("companies") or []:
        if not isinstance(company, dict):
            continue
        for flow in company.get("flows") or []:
            if isinstance(flow, dict) and flow.get("supplied_by") == {
                "company": company_id,
                "flow": flow_id,
            }:
                del flow["supplied_by"]


def validate_changes(
    data: Mapping[str, Any], changes: Sequence[Mapping[str, Any]]
) -> list[Problem]:
    """Every problem of applying ``changes`` to ``data``; empty when they apply cleanly."""
    try:
        apply_changes(data, changes)
    except ScenarioError as exc:
        return exc.problems
    return []


def changed_companies(changes: Iterable[Mapping[str, Any]]) -> list[str]:
    """The ids of the companies the changes touch, in first-seen order."""
    seen: dict[str, None] = {}
    for change in changes:
        company = change.get("company") if isinstance(change, Mapping) else None
        if isinstance(company, str):
            seen.setdefault(company, None)
    return list(seen)


# --- comparing before and after -----------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorDelta:
    """One indicator before and after the changes; ``difference`` is after − before (None when
    either side has no value)."""

    key: str
    level: str  # company | district
    company: str | None
    before: float | None
    after: float | None

    @property
    def difference(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "level": self.level,
            "company": self.company,
            "before": self.before,
            "after": self.after,
            "difference": self.difference,
        }


@dataclass(frozen=True)
class MatchImpact:
    """The matches touching the focus companies: how many, and the impact of the best match of
    each output (rank 1: one receiver per output, so no tonne is counted twice)."""

    count: int
    best_count: int
    co2_avoided_t_per_yr: float
    landfill_avoided_t_per_yr: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "best_count": self.best_count,
            "co2_avoided_t_per_yr": round(self.co2_avoided_t_per_yr, 3),
            "landfill_avoided_t_per_yr": round(self.landfill_avoided_t_per_yr, 3),
        }


@dataclass(frozen=True)
class ScenarioComparison:
    indicator_set: IndicatorSet
    companies: tuple[str, ...]
    indicators: tuple[IndicatorDelta, ...]
    matches_before: MatchImpact | None
    matches_after: MatchImpact | None
    new_matches: tuple[Match, ...] = field(default=())
    lost_matches: int = 0

    def delta(self, key: str, company: str | None = None) -> IndicatorDelta:
        for row in self.indicators:
            if row.key == key and row.company == company:
                return row
        raise KeyError((key, company))

    def to_document(self) -> dict[str, Any]:
        matches: dict[str, Any] | None = None
        if self.matches_before is not None and self.matches_after is not None:
            before, after = self.matches_before, self.matches_after
            matches = {
                "before": before.to_dict(),
                "after": after.to_dict(),
                "difference": {
                    "count": after.count - before.count,
                    "co2_avoided_t_per_yr": round(
                        after.co2_avoided_t_per_yr - before.co2_avoided_t_per_yr, 3
                    ),
                    "landfill_avoided_t_per_yr": round(
                        after.landfill_avoided_t_per_yr - before.landfill_avoided_t_per_yr, 3
                    ),
                },
                "new": [match.to_dict() for match in self.new_matches],
                "lost": self.lost_matches,
            }
        return {
            "format": RESULT_FORMAT,
            "indicator_set": self.indicator_set.label,
            "companies": list(self.companies),
            "indicators": [row.to_dict() for row in self.indicators],
            "matches": matches,
        }


def _value(results: IndicatorResults, key: str, company: str | None) -> float | None:
    values = results.district if company is None else results.companies.get(company, {})
    item = values.get(key)
    if item is None or item.value is None or not math.isfinite(item.value):
        return None
    return float(item.value)


def _match_key(match: Match) -> tuple[str, str, str, str | None]:
    return (match.supplier, match.supplier_flow, match.receiver, match.receiver_flow)


def _impact(matches: Iterable[Match]) -> MatchImpact:
    rows = list(matches)
    best = [match for match in rows if match.rank == 1]
    return MatchImpact(
        count=len(rows),
        best_count=len(best),
        co2_avoided_t_per_yr=sum(m.impact.co2_avoided_t_per_yr or 0.0 for m in best),
        landfill_avoided_t_per_yr=sum(m.impact.landfill_avoided_t_per_yr or 0.0 for m in best),
    )


def _touching(results: MatchResults, companies: Sequence[str]) -> list[Match]:
    wanted = set(companies)
    return [m for m in results.matches if m.supplier in wanted or m.receiver in wanted]


def compare_scenario(
    data: Mapping[str, Any],
    changes: Sequence[Mapping[str, Any]],
    indicator_set: IndicatorSet | None = None,
    *,
    companies: Sequence[str] | None = None,
    with_matches: bool = True,
    top_k: int = 5,
) -> ScenarioComparison:
    """Every indicator before and after ``changes``, and the matches they open or close.

    ``companies``: the firms whose indicators are reported (default: those the changes touch);
    district indicators are always reported. Matches are counted when they touch these firms
    (as supplier or receiver). Raises ``ScenarioError`` when the data or the changes are invalid.
    """
    before_file, problems = validate_district_data(dict(data))
    if before_file is None:
        raise ScenarioError(problems)
    after_file = DistrictFile.model_validate(apply_changes(data, changes))
    chosen_set = indicator_set or load_indicator_set()
    focus = tuple(companies) if companies is not None else tuple(changed_companies(changes))
    before = compute_indicators(before_file, chosen_set)
    after = compute_indicators(after_file, chosen_set)
    rows: list[IndicatorDelta] = []
    for company in focus:
        for key in chosen_set.keys("company"):
            rows.append(
                IndicatorDelta(
                    key,
                    "company",
                    company,
                    _value(before, key, company),
                    _value(after, key, company),
                )
            )
    for key in chosen_set.keys("district"):
        rows.append(
            IndicatorDelta(
                key, "district", None, _value(before, key, None), _value(after, key, None)
            )
        )
    if not with_matches:
        return ScenarioComparison(chosen_set, focus, tuple(rows), None, None)
    # One process: a scenario is computed inside a web request or a small batch job.
    matches_before = _touching(match_district(before_file, top_k=top_k, workers=1), focus)
    matches_after = _touching(match_district(after_file, top_k=top_k, workers=1), focus)
    keys_before = {_match_key(m) for m in matches_before}
    keys_after = {_match_key(m) for m in matches_after}
    return ScenarioComparison(
        indicator_set=chosen_set,
        companies=focus,
        indicators=tuple(rows),
        matches_before=_impact(matches_before),
        matches_after=_impact(matches_after),
        new_matches=tuple(m for m in matches_after if _match_key(m) not in keys_before),
        lost_matches=len(keys_before - keys_after),
    )


# --- commitments --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentProgress:
    """Where a commitment stands.

    ``progress_share``: (latest − baseline) / (target − baseline); ``elapsed_share``: (year of
    the latest value − baseline year) / (deadline − baseline year).
    """

    status: str
    latest_value: float
    latest_year: int
    progress_share: float
    elapsed_share: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "latest_value": self.latest_value,
            "latest_year": self.latest_year,
            "progress_share": self.progress_share,
            "elapsed_share": self.elapsed_share,
        }


def commitment_progress(
    baseline: tuple[int, float],
    target: float,
    deadline: int,
    values_by_year: Mapping[int, float],
    direction: str,
    *,
    as_of_year: int | None = None,
) -> CommitmentProgress:
    """Met, on track or late.

    ``baseline`` is ``(year, value)``; ``values_by_year`` the indicator's value in later years
    (years before the baseline year are ignored; with none, the latest value is the baseline);
    ``direction`` is ``higher`` or ``lower`` (the indicator's direction in the set).

    The rule: **met** when the latest value reaches the target in the indicator's direction
    (≥ target when higher is better, ≤ when lower is better). Otherwise **late** when the
    deadline has passed (``as_of_year``, default the year of the latest value, is after the
    deadline); otherwise **on track** when the progress share ≥ the elapsed time share, and
    **late** when it is below.

    Raises ``ValueError`` for a direction other than higher/lower, a deadline not after the
    baseline year, or a target that does not lie in the indicator's direction from the baseline.
    """
    baseline_year, baseline_value = baseline
    if direction not in ("higher", "lower"):
        raise ValueError(f"a commitment needs an indicator with a direction (got {direction!r})")
    if deadline <= baseline_year:
        raise ValueError(
            f"the deadline {deadline} must come after the baseline year {baseline_year}"
        )
    gap = target - baseline_value
    if (direction == "higher" and gap <= 0) or (direction == "lower" and gap >= 0):
        raise ValueError(
            f"the target {target:g} must be {'above' if direction == 'higher' else 'below'} "
            f"the baseline {baseline_value:g}"
        )
    later = {year: value for year, value in values_by_year.items() if year >= baseline_year}
    if later:
        latest_year = max(later)
        latest_value = float(later[latest_year])
    else:
        latest_year, latest_value = baseline_year, float(baseline_value)
    progress = (latest_value - baseline_value) / gap
    elapsed = (latest_year - baseline_year) / (deadline - baseline_year)
    met = latest_value >= target if direction == "higher" else latest_value <= target
    today = max(latest_year, as_of_year if as_of_year is not None else latest_year)
    if met:
        status = STATUS_MET
    elif today > deadline or progress < elapsed:
        status = STATUS_LATE
    else:
        status = STATUS_ON_TRACK
    return CommitmentProgress(status, latest_value, latest_year, progress, elapsed)
