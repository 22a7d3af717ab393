"""Reads on indicator sets and runs, shaped for the pages.

Every run a user reaches comes from ``runs_for_user`` (``IndicatorRun.objects.restrict``), every
company from ``companies_for_user``. Pages are built from what a run stored (its results,
positioning and flow balance, and the set version it names), never recomputed, so an old run
shows what it showed on the day it was made.

A firm member reaches only their own firm's values: the firm page takes the firm's entries out of
the run and adds anonymised peer medians (given only with at least ``min_peers`` peers, as the
library decides); no peer's name or value leaves this module for that page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecodistrict.indicators import (
    IndicatorDefinition,
    IndicatorSet,
    IndicatorSetError,
    Target,
    parse_indicator_set,
)
from ecodistrict.indicators.definitions import shipped_set_text as library_shipped_set_text
from ecodistrict.indicators.positioning import ateco_division, division_label
from ecodistrict_web.accounts.permissions import VIEW
from ecodistrict_web.companies.models import Company, District
from ecodistrict_web.companies.selectors import companies_for_user, districts_for_user
from ecodistrict_web.indicators.models import IndicatorRun, IndicatorSetVersion
from ecodistrict_web.indicators.permissions import can_publish_indicator_set

logger = logging.getLogger(__name__)

COMPANY_DIMENSIONS = ("circular_performance", "territorial_integration", "industrial_symbiosis")
DIMENSION_LABELS = {
    "circular_performance": gettext_lazy("Circular performance"),
    "territorial_integration": gettext_lazy("Territorial integration"),
    "industrial_symbiosis": gettext_lazy("Industrial symbiosis"),
    "district_closure": gettext_lazy("Closure of the cycles"),
}
DIRECTION_LABELS = {
    "higher": gettext_lazy("higher is better"),
    "lower": gettext_lazy("lower is better"),
    "neutral": gettext_lazy("no direction"),
}
#: Units as the pages and exports write them (the set's own unit otherwise).
UNIT_LABELS = {
    "count": gettext_lazy("number"),
    "-": "",
    "t/employee": gettext_lazy("t/employee"),
}
#: The four cycles of the closure page, in order, with the district indicator of each.
CYCLES = (
    ("matter", gettext_lazy("Matter"), "closure_material_pct"),
    ("energy", gettext_lazy("Energy"), "closure_energy_pct"),
    ("water", gettext_lazy("Water"), "closure_water_pct"),
    ("waste", gettext_lazy("Waste"), "closure_waste_pct"),
)
CLOSURE_KEYS = tuple(key for _cycle, _label, key in CYCLES)
#: Heavy JSON columns left out of run lists.
RUN_PAYLOAD = ("input_snapshot", "results", "details", "positions", "flow_balance")
SORT_DIRECTIONS = ("asc", "desc")


def unit_label(unit: str) -> str:
    return str(UNIT_LABELS.get(unit, unit))


# --- indicator set versions ---------------------------------------------------------------------


def shipped_set_text() -> str:
    """The YAML text of the indicator set that ships with ecodistrict."""
    return library_shipped_set_text()


def current_set_version() -> IndicatorSetVersion | None:
    """The current indicator set: the most recently published version (public information)."""
    return (
        IndicatorSetVersion.objects.filter(published=True).order_by("-published_at", "-pk").first()
    )


def set_versions_for_user(user: Any) -> QuerySet[IndicatorSetVersion]:
    """Published versions for every signed-in user; drafts too for those who may publish."""
    versions = IndicatorSetVersion.objects.select_related("published_by", "created_by")
    if not getattr(user, "is_authenticated", False):
        return versions.none()
    if not can_publish_indicator_set(user):
        versions = versions.filter(published=True)
    return versions.order_by(F("published_at").desc(nulls_first=True), "-pk")


@lru_cache(maxsize=32)
def _parsed_set(text: str) -> IndicatorSet | None:
    try:
        return parse_indicator_set(text)
    except IndicatorSetError:
        return None


def indicator_set_of(set_version: IndicatorSetVersion) -> IndicatorSet:
    """The set a stored version holds. A version published by an older release whose text this
    release no longer accepts (e.g. an indicator without calculator) is still read, as written."""
    parsed = _parsed_set(set_version.yaml_text)
    return parsed if parsed is not None else _lenient_set(set_version.yaml_text)


def _lenient_set(text: str) -> IndicatorSet:
    data = yaml.safe_load(text) or {}
    return IndicatorSet(
        key=str(data.get("key", "")),
        version=str(data.get("version", "")),
        name_it=str(data.get("name_it", "")),
        name_en=str(data.get("name_en", "")),
        published=data.get("published"),
        publisher=str(data.get("publisher", "")),
        definitions=tuple(
            IndicatorDefinition(
                key=item["key"],
                name_it=item.get("name_it", item["key"]),
                name_en=item.get("name_en", item["key"]),
                level=item.get("level", ""),
                dimension=item.get("dimension", ""),
                unit=item.get("unit", ""),
                direction=item.get("direction", "neutral"),
                formula_it=item.get("formula_it", ""),
                formula_en=item.get("formula_en", ""),
                source=item.get("source", ""),
                version=str(item.get("since", "")),
            )
            for item in data.get("indicators", [])
            if isinstance(item, dict) and "key" in item
        ),
        targets=tuple(
            Target(
                item["indicator"],
                float(item["value"]),
                item.get("comparison", "at_least"),
                item.get("note_it", ""),
                item.get("note_en", ""),
            )
            for item in data.get("targets", [])
            if isinstance(item, dict) and "indicator" in item and "value" in item
        ),
    )


@dataclass(frozen=True)
class DefinitionRow:
    definition: IndicatorDefinition
    name: str
    formula: str
    unit: str
    direction: str
    target: Target | None
    target_note: str


@dataclass(frozen=True)
class DefinitionSection:
    key: str
    label: str
    level: str
    rows: list[DefinitionRow]


@dataclass(frozen=True)
class SetVersionPage:
    set_version: IndicatorSetVersion
    indicator_set: IndicatorSet
    notes: str
    is_current: bool
    sections: list[DefinitionSection]
    run_count: int


def set_version_page(user: Any, pk: int, language: str) -> SetVersionPage | None:
    """One set version the user may see, its definitions by level and dimension, its targets."""
    set_version = set_versions_for_user(user).filter(pk=pk).first()
    if set_version is None:
        return None
    indicator_set = indicator_set_of(set_version)
    current = current_set_version()
    sections = []
    for level, dimensions in (
        ("company", COMPANY_DIMENSIONS),
        ("district", ("district_closure", "industrial_symbiosis")),
    ):
        for dimension in dimensions:
            rows = [
                _definition_row(indicator_set, definition, language)
                for definition in indicator_set.definitions
                if definition.level == level and definition.dimension == dimension
            ]
            if rows:
                sections.append(
                    DefinitionSection(
                        key=f"{level}-{dimension}",
                        label=str(DIMENSION_LABELS.get(dimension, dimension)),
                        level=level,
                        rows=rows,
                    )
                )
    return SetVersionPage(
        set_version=set_version,
        indicator_set=indicator_set,
        notes=indicator_set.notes_it if language.startswith("it") else indicator_set.notes_en,
        is_current=current is not None and current.pk == set_version.pk,
        sections=sections,
        run_count=set_version.runs.count(),
    )


def _definition_row(
    indicator_set: IndicatorSet, definition: IndicatorDefinition, language: str
) -> DefinitionRow:
    target = indicator_set.target(definition.key)
    return DefinitionRow(
        definition=definition,
        name=definition.name(language),
        formula=definition.formula(language),
        unit=unit_label(definition.unit),
        direction=str(DIRECTION_LABELS.get(definition.direction, definition.direction)),
        target=target,
        target_note=(
            (target.note_it if language.startswith("it") else target.note_en) if target else ""
        ),
    )


def set_form_text(user: Any, from_pk: int | None) -> str:
    """The YAML the new-version form starts from: a version the user may see, else the current
    version, else the shipped set."""
    if from_pk is not None:
        chosen = set_versions_for_user(user).filter(pk=from_pk).first()
        if chosen is not None:
            return chosen.yaml_text
    current = current_set_version()
    return current.yaml_text if current is not None else shipped_set_text()


# --- runs ---------------------------------------------------------------------------------------


def runs_for_user(user: Any, action: str = VIEW) -> QuerySet[IndicatorRun]:
    """The runs ``user`` may ``action``: all for staff and facilitators, those of their own
    firm's district for a firm member."""
    return IndicatorRun.objects.restrict(user, action).select_related("set_version", "created_by")


def district_runs(user: Any, district: District) -> QuerySet[IndicatorRun]:
    """The runs of a district the user may see, newest first, without their payload. Runs made
    before the district was replaced by a new import of the same name are included (their link
    to the old district rows is gone, their name is kept)."""
    return (
        runs_for_user(user)
        .filter(Q(district=district) | Q(district__isnull=True, district_name=district.name))
        .defer(*RUN_PAYLOAD)
        .order_by("-created_at", "-pk")
    )


class RunNotFound(Exception):
    """A run asked for by number that the user may not see or that is not of this district."""


def _chosen_run(user: Any, district: District, run_pk: int | None) -> IndicatorRun | None:
    runs = (
        runs_for_user(user)
        .filter(Q(district=district) | Q(district__isnull=True, district_name=district.name))
        .order_by("-created_at", "-pk")
    )
    if run_pk is None:
        return runs.first()
    run = runs.filter(pk=run_pk).first()
    if run is None:
        raise RunNotFound(run_pk)
    return run


def run_document(user: Any, pk: int) -> dict[str, Any] | None:
    """A whole run as one JSON document (open data): input, set version, results, positioning."""
    run = runs_for_user(user).filter(pk=pk).first()
    if run is None:
        return None
    return {
        "format": "ecodistrict/indicator-run/1",
        "run": run.pk,
        "district": run.district_name,
        "computed_at": run.created_at.isoformat(),
        "trigger": run.trigger,
        "ecodistrict_version": run.library_version,
        "indicator_set": {
            "label": run.indicator_set_label,
            "key": run.set_version.key,
            "version": run.set_version.version,
            "yaml_sha256": run.set_version.yaml_sha256,
        },
        "input_sha256": run.input_sha256,
        "input": run.input_snapshot,
        "results": run.results,
        "details": run.details,
        "positions": run.positions,
        "flow_balance": run.flow_balance,
    }


@dataclass(frozen=True)
class DistrictChoice:
    districts: list[District]
    district: District | None


def district_choice(user: Any, district_pk: int | None) -> DistrictChoice | None:
    """The districts the user may see and the one chosen (the first when none is asked); None
    when a district is asked for that the user may not see."""
    districts = list(districts_for_user(user))
    if district_pk is None:
        return DistrictChoice(districts, districts[0] if districts else None)
    chosen = next((d for d in districts if d.pk == district_pk), None)
    return DistrictChoice(districts, chosen) if chosen is not None else None


@dataclass(frozen=True)
class RunsPage:
    choice: DistrictChoice
    runs: list[IndicatorRun]
    current_set: IndicatorSetVersion | None


def runs_page(user: Any, district_pk: int | None) -> RunsPage | None:
    choice = district_choice(user, district_pk)
    if choice is None:
        return None
    runs = list(district_runs(user, choice.district)) if choice.district else []
    return RunsPage(choice=choice, runs=runs, current_set=current_set_version())


# --- the firm page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CompanyIndicatorRow:
    key: str
    name: str
    unit: str
    is_percent: bool
    direction: str
    direction_label: str
    formula: str
    source: str
    since: str
    value: float | None
    reason: str | None
    numerator: float | None
    denominator: float | None
    #: The firm among the other firms of its ATECO division and among all firms (plain dicts of
    #: the library's PeerStanding: n_peers, percentile, quartile, median, reason ...), or None
    #: for an indicator without direction (no standing is computed).
    division: Mapping[str, Any] | None
    overall: Mapping[str, Any] | None
    target: Mapping[str, Any] | None

    @property
    def median(self) -> float | None:
        return self.overall.get("median") if self.overall else None


@dataclass(frozen=True)
class DimensionSection:
    key: str
    label: str
    rows: list[CompanyIndicatorRow]


@dataclass(frozen=True)
class ReferenceRow:
    indicator: str
    name: str
    value: str
    year: int
    year_note: str
    geo: str
    sector: str
    statistic: str
    relation: str
    own_value: float | None
    difference: float | None
    better: bool | None
    within_range: bool | None
    comparability: str
    source: str
    reliability: str
    reason: str | None


@dataclass(frozen=True)
class CompanyIndicatorsPage:
    company: Company
    run: IndicatorRun | None
    runs: list[IndicatorRun]
    #: False when the run was made before the firm was in the district's data.
    in_run: bool
    sections: list[DimensionSection]
    references: list[ReferenceRow]
    radar: dict[str, Any] | None
    division: str | None
    division_label: str
    min_peers: int
    set_version: IndicatorSetVersion | None


def company_indicators_page(
    user: Any, pk: int, run_pk: int | None, language: str
) -> CompanyIndicatorsPage | None:
    """A firm's indicators in the latest run of its district (or the run asked for), for a user
    who may see the firm; None otherwise. Raises ``RunNotFound`` for a run number the user may
    not see or that is not of this firm's district."""
    company = companies_for_user(user).filter(pk=pk).first()
    if company is None:
        return None
    run = _chosen_run(user, company.district, run_pk)
    runs = list(district_runs(user, company.district))
    empty = CompanyIndicatorsPage(
        company=company,
        run=run,
        runs=runs,
        in_run=False,
        sections=[],
        references=[],
        radar=None,
        division=None,
        division_label="",
        min_peers=0,
        set_version=run.set_version if run else None,
    )
    if run is None or company.slug not in run.results.get("companies", {}):
        return empty
    indicator_set = indicator_set_of(run.set_version)
    values = run.results["companies"][company.slug]
    details = run.details.get("companies", {}).get(company.slug, {})
    reasons = run.results.get("reasons", {}).get("companies", {}).get(company.slug, {})
    position = run.positions.get("companies", {}).get(company.slug, {})
    standings = {(p["indicator"], p["group"]): p for p in position.get("peers", [])}
    targets = {t["indicator"]: t for t in position.get("targets", [])}

    sections = []
    for dimension in COMPANY_DIMENSIONS:
        rows = []
        for definition in indicator_set.definitions:
            if definition.level != "company" or definition.dimension != dimension:
                continue
            if definition.key not in values:
                continue
            detail = details.get(definition.key, {})
            rows.append(
                CompanyIndicatorRow(
                    key=definition.key,
                    name=definition.name(language),
                    unit=unit_label(definition.unit),
                    is_percent=definition.unit == "%",
                    direction=definition.direction,
                    direction_label=str(
                        DIRECTION_LABELS.get(definition.direction, definition.direction)
                    ),
                    formula=definition.formula(language),
                    source=definition.source,
                    since=definition.version,
                    value=values[definition.key],
                    reason=reasons.get(definition.key) or detail.get("reason"),
                    numerator=detail.get("numerator"),
                    denominator=detail.get("denominator"),
                    division=standings.get((definition.key, "division")),
                    overall=standings.get((definition.key, "all")),
                    target=targets.get(definition.key),
                )
            )
        if rows:
            sections.append(
                DimensionSection(dimension, str(DIMENSION_LABELS[dimension]), rows=rows)
            )
    names = {d.key: d.name(language) for d in indicator_set.definitions}
    catalogue = run.positions.get("references", {})
    return CompanyIndicatorsPage(
        company=company,
        run=run,
        runs=runs,
        in_run=True,
        sections=sections,
        references=[
            _reference_row(item, catalogue, names, language)
            for item in position.get("references", [])
        ],
        radar=_radar(company, sections, language),
        division=position.get("division"),
        division_label=position.get("division_label") or "",
        min_peers=position.get("min_peers", 0),
        set_version=run.set_version,
    )


def _reference_row(
    item: Mapping[str, Any],
    catalogue: Mapping[str, Any],
    names: Mapping[str, str],
    language: str,
) -> ReferenceRow:
    reference = item["reference"] if "reference" in item else catalogue[item["reference_id"]]
    italian = language.startswith("it")
    if reference.get("value") is not None:
        shown = f"{reference['value']:g}"
    else:
        shown = f"{reference['value_min']:g}–{reference['value_max']:g}"
    return ReferenceRow(
        indicator=names.get(item["indicator"], item["indicator"]),
        name=reference["name_it"] if italian else reference["name_en"],
        value=f"{shown} {reference['unit']}".strip(),
        year=reference["year"],
        year_note=reference.get("year_note") or "",
        geo=reference["geo"],
        sector=reference.get("sector") or "",
        statistic=reference["statistic"],
        relation=item["relation"],
        own_value=item.get("value"),
        difference=item.get("difference"),
        better=item.get("better"),
        within_range=item.get("within_range"),
        comparability=reference["comparability_it" if italian else "comparability_en"],
        source=reference["source"],
        reliability=reference["reliability"],
        reason=item.get("reason"),
    )


def _radar(
    company: Company, sections: Iterable[DimensionSection], language: str
) -> dict[str, Any] | None:
    """The radar chart's data: the firm's percentage indicators, the anonymised median of the
    other firms and the district targets, on 0-100 %."""
    rows = [row for section in sections for row in section.rows if row.is_percent]
    if not rows:
        return None
    return {
        "kind": "radar",
        "separators": ",." if language.startswith("it") else ".,",
        "unit": "%",
        "axes": [row.name for row in rows],
        "series": [
            {"role": "firm", "name": company.name, "values": [row.value for row in rows]},
            {
                "role": "median",
                "name": _("Median of the other firms (anonymised)"),
                "values": [row.median for row in rows],
            },
            {
                "role": "target",
                "name": _("District target"),
                "values": [row.target["target"] if row.target else None for row in rows],
            },
        ],
    }


# --- the positioning database ------------------------------------------------------------------


@dataclass(frozen=True)
class PositioningColumn:
    key: str
    name: str
    name_it: str
    unit: str
    unit_it: str
    dimension: str
    direction: str
    formula_it: str
    source: str
    sorted: str  # "asc", "desc" or ""


@dataclass(frozen=True)
class PositioningRow:
    company_id: str
    name: str
    ateco: str
    division: str
    company_pk: int | None
    values: list[float | None]


@dataclass(frozen=True)
class PositioningTable:
    choice: DistrictChoice
    run: IndicatorRun | None
    runs: list[IndicatorRun]
    columns: list[PositioningColumn]
    rows: list[PositioningRow]
    sort: str
    direction: str
    division: str
    divisions: list[tuple[str, str]]
    set_version: IndicatorSetVersion | None


def positioning_table(
    user: Any,
    district_pk: int | None,
    run_pk: int | None,
    *,
    division: str = "",
    sort: str = "name",
    direction: str = "asc",
    language: str = "it",
) -> PositioningTable | None:
    """Every firm of a district run with its company-level indicators, filtered by ATECO division
    and sorted by a column (``name``, ``ateco`` or an indicator key; missing values last in
    both directions). None when the district is not one the user may see; raises
    ``RunNotFound`` for a run number that is not the user's to see."""
    choice = district_choice(user, district_pk)
    if choice is None:
        return None
    direction = direction if direction in SORT_DIRECTIONS else "asc"
    empty = PositioningTable(choice, None, [], [], [], "name", direction, "", [], None)
    if choice.district is None:
        return empty
    run = _chosen_run(user, choice.district, run_pk)
    runs = list(district_runs(user, choice.district))
    if run is None:
        return PositioningTable(choice, None, runs, [], [], "name", direction, "", [], None)
    indicator_set = indicator_set_of(run.set_version)
    definitions = [d for d in indicator_set.definitions if d.level == "company"]
    keys = [d.key for d in definitions]
    if sort not in ("name", "ateco", *keys):
        sort = "name"
    columns = [
        PositioningColumn(
            key=d.key,
            name=d.name(language),
            name_it=d.name_it,
            unit=unit_label(d.unit),
            unit_it=_unit_label_it(d.unit),
            dimension=d.dimension,
            direction=d.direction,
            formula_it=d.formula_it,
            source=d.source,
            sorted=direction if sort == d.key else "",
        )
        for d in definitions
    ]
    # Firms of the current district rows, by id, for links to their pages.
    pks = dict(companies_for_user(user).filter(district=choice.district).values_list("slug", "pk"))
    results = run.results.get("companies", {})
    all_rows = []
    for company in run.input_snapshot.get("companies", []):
        values = results.get(company["id"], {})
        company_division = ateco_division(company["ateco"]) or ""
        all_rows.append(
            PositioningRow(
                company_id=company["id"],
                name=company["name"],
                ateco=company["ateco"],
                division=company_division,
                company_pk=pks.get(company["id"]),
                values=[values.get(key) for key in keys],
            )
        )
    divisions = sorted({row.division for row in all_rows if row.division})
    rows = [row for row in all_rows if not division or row.division == division]
    rows = _sorted_rows(rows, sort, direction, keys)
    return PositioningTable(
        choice=choice,
        run=run,
        runs=runs,
        columns=columns,
        rows=rows,
        sort=sort,
        direction=direction,
        division=division if division in divisions else "",
        divisions=[(code, division_label(code)) for code in divisions],
        set_version=run.set_version,
    )


def _sorted_rows(
    rows: list[PositioningRow], sort: str, direction: str, keys: list[str]
) -> list[PositioningRow]:
    by_name = sorted(rows, key=lambda row: (row.name.casefold(), row.company_id))
    if sort == "name":
        return by_name[::-1] if direction == "desc" else by_name
    if sort == "ateco":
        return sorted(by_name, key=lambda row: row.ateco, reverse=direction == "desc")
    index = keys.index(sort)
    present = [row for row in by_name if row.values[index] is not None]
    missing = [row for row in by_name if row.values[index] is None]
    # sorted() is stable: equal values stay in name order in both directions.
    present = sorted(present, key=lambda row: row.values[index], reverse=direction == "desc")
    return present + missing


def _unit_label_it(unit: str) -> str:
    from django.utils import translation

    with translation.override("it"):
        return unit_label(unit)


# --- the closure of the cycles -----------------------------------------------------------------


@dataclass(frozen=True)
class DistrictIndicatorRow:
    key: str
    name: str
    unit: str
    dimension: str
    direction_label: str
    formula: str
    source: str
    value: float | None
    reason: str | None
    numerator: float | None
    denominator: float | None
    target: Mapping[str, Any] | None


@dataclass(frozen=True)
class FlowRow:
    label: str
    quantity: float


@dataclass(frozen=True)
class ExchangeRow:
    supplier: str
    receiver: str
    quantity: float


@dataclass(frozen=True)
class CycleSection:
    cycle: str
    label: str
    unit: str
    closure: DistrictIndicatorRow | None
    flows: list[FlowRow]
    exchanges: list[ExchangeRow]
    chart: dict[str, Any] | None


@dataclass(frozen=True)
class ClosurePage:
    choice: DistrictChoice
    run: IndicatorRun | None
    runs: list[IndicatorRun]
    closure: list[DistrictIndicatorRow]
    others: list[DistrictIndicatorRow]
    cycles: list[CycleSection]
    references: list[ReferenceRow]
    set_version: IndicatorSetVersion | None


def closure_page(
    user: Any, district_pk: int | None, run_pk: int | None, language: str
) -> ClosurePage | None:
    """The district's closure ratios, its other district indicators and the flow balance of
    each cycle (for the Sankey diagrams), from a stored run."""
    choice = district_choice(user, district_pk)
    if choice is None:
        return None
    if choice.district is None:
        return ClosurePage(choice, None, [], [], [], [], [], None)
    run = _chosen_run(user, choice.district, run_pk)
    runs = list(district_runs(user, choice.district))
    if run is None:
        return ClosurePage(choice, None, runs, [], [], [], [], None)
    indicator_set = indicator_set_of(run.set_version)
    values = run.results.get("district", {})
    details = run.details.get("district", {})
    reasons = run.results.get("reasons", {}).get("district", {})
    position = run.positions.get("district", {})
    targets = {t["indicator"]: t for t in position.get("targets", [])}
    rows = {
        d.key: DistrictIndicatorRow(
            key=d.key,
            name=d.name(language),
            unit=unit_label(d.unit),
            dimension=str(DIMENSION_LABELS.get(d.dimension, d.dimension)),
            direction_label=str(DIRECTION_LABELS.get(d.direction, d.direction)),
            formula=d.formula(language),
            source=d.source,
            value=values.get(d.key),
            reason=reasons.get(d.key) or details.get(d.key, {}).get("reason"),
            numerator=details.get(d.key, {}).get("numerator"),
            denominator=details.get(d.key, {}).get("denominator"),
            target=targets.get(d.key),
        )
        for d in indicator_set.definitions
        if d.level == "district" and d.key in values
    }
    names = {company["id"]: company["name"] for company in run.input_snapshot.get("companies", [])}
    cycles = []
    for cycle, label, closure_key in CYCLES:
        balance = run.flow_balance.get(cycle)
        if balance is None:
            continue
        cycles.append(
            _cycle_section(cycle, str(label), balance, rows.get(closure_key), names, language)
        )
    all_names = {d.key: d.name(language) for d in indicator_set.definitions}
    catalogue = run.positions.get("references", {})
    return ClosurePage(
        choice=choice,
        run=run,
        runs=runs,
        closure=[rows[key] for key in CLOSURE_KEYS if key in rows],
        others=[row for key, row in rows.items() if key not in CLOSURE_KEYS],
        cycles=cycles,
        references=[
            _reference_row(item, catalogue, all_names, language)
            for item in position.get("references", [])
        ],
        set_version=run.set_version,
    )


#: The Sankey's nodes: key -> (label, colour role).
SANKEY_NODES = {
    "from_outside": (gettext_lazy("From outside"), "outside"),
    "firms": (gettext_lazy("District firms"), "firms"),
    "to_outside": (gettext_lazy("To outside"), "outside"),
    "exchanges": (gettext_lazy("Internal exchanges"), "exchanges"),
    "internal": (gettext_lazy("Internal reuse"), "internal"),
}


def _cycle_section(
    cycle: str,
    label: str,
    balance: Mapping[str, Any],
    closure: DistrictIndicatorRow | None,
    names: Mapping[str, str],
    language: str,
) -> CycleSection:
    def node_label(key: str) -> str:
        return str(SANKEY_NODES[key][0])

    flows = [
        FlowRow(node_label("from_outside"), balance["from_outside"]),
        FlowRow(node_label("exchanges"), balance["inside"]),
        FlowRow(node_label("internal"), balance["internal"]),
        FlowRow(node_label("to_outside"), balance["to_outside"]),
    ]
    # Nodes: from outside -> district firms -> to outside; internal exchanges and internal reuse
    # are loops that leave the firms and come back to them.
    links = [
        ("from_outside", "firms", balance["from_outside"]),
        ("firms", "exchanges", balance["inside"]),
        ("exchanges", "firms", balance["inside"]),
        ("firms", "internal", balance["internal"]),
        ("internal", "firms", balance["internal"]),
        ("firms", "to_outside", balance["to_outside"]),
    ]
    links = [link for link in links if link[2] > 0]
    nodes: list[str] = []
    for source, target, _value in links:
        for node in (source, target):
            if node not in nodes:
                nodes.append(node)
    chart = (
        {
            "kind": "sankey",
            "separators": ",." if language.startswith("it") else ".,",
            "unit": balance["unit"],
            "nodes": [node_label(node) for node in nodes],
            "roles": [SANKEY_NODES[node][1] for node in nodes],
            "links": {
                "source": [nodes.index(source) for source, _t, _v in links],
                "target": [nodes.index(target) for _s, target, _v in links],
                "value": [value for _s, _t, value in links],
            },
        }
        if links
        else None
    )
    return CycleSection(
        cycle=cycle,
        label=label,
        unit=balance["unit"],
        closure=closure,
        flows=flows,
        exchanges=[
            ExchangeRow(
                supplier=names.get(item["supplier"], item["supplier"]),
                receiver=names.get(item["receiver"], item["receiver"]),
                quantity=item["quantity"],
            )
            for item in balance["exchanges"]
        ],
        chart=chart,
    )


def firm_companies(user: Any) -> list[Company]:
    """The firms whose indicators the user may open ("I miei indicatori")."""
    return list(companies_for_user(user))
