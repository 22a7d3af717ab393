"""Reads on scenarios, shaped for the pages. Every scenario and company a user reaches comes
from ``restrict(user, WORK)``; a firm member sees only their firm's indicators in a result and
never the name of a partner firm (that is matchmaking's disclosure rule)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ecodistrict.scenarios import ScenarioError, apply_changes
from ecodistrict_web.companies.models import Company, District, FlowKind
from ecodistrict_web.companies.selectors import companies_for_user, districts_for_user
from ecodistrict_web.indicators.selectors import indicator_set_of, unit_label
from ecodistrict_web.scenarios.models import Scenario
from ecodistrict_web.scenarios.permissions import (
    WORK,
    can_create_district_scenario,
    can_see_district_figures,
)


def scenarios_for_user(user: Any) -> QuerySet[Scenario]:
    return (
        Scenario.objects.restrict(user, WORK)
        .select_related("company", "district", "created_by", "result_set_version")
        .defer("base_data")
    )


def scenario_for_user(user: Any, pk: int) -> Scenario | None:
    return (
        Scenario.objects.restrict(user, WORK)
        .select_related("company", "district", "result_set_version")
        .filter(pk=pk)
        .first()
    )


def companies_for_scenarios(user: Any) -> QuerySet[Company]:
    """The firms whose scenarios the user may create."""
    return companies_for_user(user, WORK)


def districts_for_scenarios(user: Any) -> QuerySet[District]:
    """The districts whose whole-district scenarios the user may create (staff)."""
    if not can_create_district_scenario(user):
        return District.objects.none()
    return districts_for_user(user, WORK)


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario's district data with its changes applied (the declared copy if they no
    longer apply, which the services never let happen)."""
    try:
        return apply_changes(scenario.base_data, scenario.changes)
    except ScenarioError:
        return dict(scenario.base_data)


@dataclass(frozen=True)
class FlowChoice:
    value: str  # "company-id::flow-id"
    label: str
    company: str
    flow: dict[str, Any]


def flow_choices(scenario: Scenario) -> list[FlowChoice]:
    """The flows the scenario may change, as they stand after its changes: the firm's own for a
    firm's scenario, every firm's for a district scenario."""
    data = scenario_data(scenario)
    own = scenario.company_slug or None
    choices = []
    for company in data.get("companies", []):
        if own is not None and company["id"] != own:
            continue
        for flow in company.get("flows", []):
            arrow = "→" if flow["direction"] == "in" else "←"
            label = (
                f"{company['name']} · {arrow} {flow['id']}: {flow['description']} "
                f"({flow['quantity']:g} {flow['unit']})"
            )
            if own is not None:
                label = label.split(" · ", 1)[1]
            choices.append(FlowChoice(f"{company['id']}::{flow['id']}", label, company["id"], flow))
    return choices


def company_choices(scenario: Scenario) -> list[tuple[str, str]]:
    data = scenario.base_data
    own = scenario.company_slug or None
    return [
        (company["id"], company["name"])
        for company in data.get("companies", [])
        if own is None or company["id"] == own
    ]


# --- the scenario page ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    index: int
    action: str
    company_name: str
    flow: str
    fields: list[tuple[str, str]]
    note: str


@dataclass(frozen=True)
class IndicatorRow:
    key: str
    name: str
    unit: str
    before: float | None
    after: float | None
    difference: float | None
    #: "better", "worse" or "" (no change, no value, or an indicator without direction).
    trend: str


@dataclass(frozen=True)
class IndicatorGroup:
    title: str
    rows: list[IndicatorRow]


@dataclass(frozen=True)
class NewMatchRow:
    supplier: str
    receiver: str
    kind: str
    quantity: float | None
    unit: str
    distance_km: float | None
    co2: float | None
    landfill: float | None
    reasons: list[str]


@dataclass(frozen=True)
class ScenarioPage:
    scenario: Scenario
    changes: list[ChangeRow]
    groups: list[IndicatorGroup]
    matches: dict[str, Any] | None
    new_matches: list[NewMatchRow]
    district_figures: bool


def _action_label(action: str) -> str:
    return {"add": _("Add"), "modify": _("Modify"), "remove": _("Remove")}.get(action, action)


def _trend(difference: float | None, direction: str) -> str:
    if difference is None or abs(difference) < 1e-9 or direction not in ("higher", "lower"):
        return ""
    better = difference > 0 if direction == "higher" else difference < 0
    return "better" if better else "worse"


def scenario_page(user: Any, pk: int, language: str) -> ScenarioPage | None:
    scenario = scenario_for_user(user, pk)
    if scenario is None:
        return None
    names = {c["id"]: c["name"] for c in scenario.base_data.get("companies", [])}
    changes = [
        ChangeRow(
            index=index,
            action=_action_label(str(change.get("action"))),
            company_name=names.get(change.get("company"), str(change.get("company"))),
            flow=str(change.get("flow")),
            fields=[(str(k), str(v)) for k, v in (change.get("fields") or {}).items()],
            note=str(change.get("note") or ""),
        )
        for index, change in enumerate(scenario.changes)
    ]
    district_figures = can_see_district_figures(user)
    groups: list[IndicatorGroup] = []
    new_matches: list[NewMatchRow] = []
    matches = None
    result = scenario.result
    if result is not None and scenario.result_set_version is not None:
        indicator_set = indicator_set_of(scenario.result_set_version)
        by_group: dict[str | None, list[IndicatorRow]] = {}
        for item in result["indicators"]:
            if item["company"] is None and not district_figures:
                continue
            try:
                definition = indicator_set.definition(item["key"])
                name, unit, direction = (
                    definition.name(language),
                    definition.unit,
                    definition.direction,
                )
            except KeyError:
                name, unit, direction = item["key"], "", "neutral"
            by_group.setdefault(item["company"], []).append(
                IndicatorRow(
                    key=item["key"],
                    name=name,
                    unit=unit_label(unit),
                    before=item["before"],
                    after=item["after"],
                    difference=item["difference"],
                    trend=_trend(item["difference"], direction),
                )
            )
        for company, rows in by_group.items():
            title = names.get(company, str(company)) if company is not None else _("District")
            groups.append(IndicatorGroup(title, rows))
        matches = result.get("matches")
        for match in (matches or {}).get("new", []):
            new_matches.append(_new_match_row(match, scenario, names, district_figures, language))
    return ScenarioPage(scenario, changes, groups, matches, new_matches, district_figures)


def _new_match_row(
    match: dict[str, Any],
    scenario: Scenario,
    names: dict[str, str],
    district_figures: bool,
    language: str,
) -> NewMatchRow:
    own = scenario.company_slug or None

    def shown(company: str) -> str:
        # A firm member learns a partner's name only through matchmaking, with consent.
        if district_figures or company == own:
            return names.get(company, company)
        return _("another district firm")

    impact = match.get("impact") or {}
    return NewMatchRow(
        supplier=shown(match["supplier"]),
        receiver=shown(match["receiver"]),
        kind=str(FlowKind(match["kind"]).label)
        if match["kind"] in FlowKind.values
        else match["kind"],
        quantity=(match.get("quantity") or {}).get("value"),
        unit=(match.get("quantity") or {}).get("unit", ""),
        distance_km=match.get("distance_km"),
        co2=impact.get("co2_avoided_t_per_yr"),
        landfill=impact.get("landfill_avoided_t_per_yr"),
        reasons=(
            list(match.get("reasons_it" if language.startswith("it") else "reasons", []))
            if district_figures
            else []
        ),
    )
