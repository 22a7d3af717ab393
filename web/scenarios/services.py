"""Writes on scenarios: the only code that creates, changes, computes or deletes them.

Nothing here writes a company, a site or a flow: a scenario keeps its own copy of the declared
data and its own list of changes (``ecodistrict.scenarios``), so the declared profile is never
overwritten.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecodistrict.domain.problems import Problem
from ecodistrict.scenarios import (
    ScenarioError,
    changed_companies,
    compare_scenario,
    validate_changes,
)
from ecodistrict_web.companies.models import Company, District
from ecodistrict_web.companies.selectors import district_file_data
from ecodistrict_web.core.models import canonical_sha256
from ecodistrict_web.indicators.selectors import indicator_set_of
from ecodistrict_web.indicators.services import ensure_default_indicator_set
from ecodistrict_web.scenarios.models import Scenario, ScenarioScope

logger = logging.getLogger(__name__)

#: The most changes one scenario holds (a scenario is a handful of measures, not a new file).
MAX_CHANGES = 200


@dataclass(frozen=True)
class ScenarioResult:
    """What a write did, or why it did nothing (``problems``, each naming the place)."""

    ok: bool
    problems: list[str] = field(default_factory=list)
    scenario: Scenario | None = None


def create_scenario(
    user: Any,
    *,
    name: str,
    description: str = "",
    company: Company | None = None,
    district: District | None = None,
) -> Scenario:
    """A new scenario with a copy of the declared data of the company's district (a firm's
    scenario) or of ``district`` (a district scenario). Callers pass rows the user reached
    through ``restrict``."""
    if company is not None:
        district = company.district
        scope = ScenarioScope.COMPANY
    elif district is not None:
        scope = ScenarioScope.DISTRICT
    else:
        raise ValueError("a scenario needs a company or a district")
    base = district_file_data(district)
    scenario = Scenario.objects.create(
        name=name,
        description=description,
        scope=scope,
        district=district,
        district_name=district.name,
        company=company,
        company_slug=company.slug if company is not None else "",
        base_data=base,
        base_sha256=canonical_sha256(base),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    logger.info("scenario %d %r created", scenario.pk, name)
    return scenario


def _scope_problems(scenario: Scenario, changes: Sequence[Any]) -> list[str]:
    own = scenario.company_slug
    if not own:
        return []
    name = scenario.company.name if scenario.company is not None else own
    problems = []
    for index, change in enumerate(changes):
        if not isinstance(change, dict) or change.get("company") != own:
            problems.append(
                _("change %(number)s: a firm's scenario changes only the flows of %(company)s")
                % {"number": index + 1, "company": name}
            )
        elif (change.get("fields") or {}).get("supplied_by") is not None:
            # Naming another firm's flow would let a firm probe which firms and flows exist;
            # exchanges with named firms go through matchmaking, with both firms' consent.
            problems.append(
                _(
                    "change %(number)s, field supplied_by: a firm's scenario does not name "
                    "another firm's flow; use the origin and the distance of the input"
                )
                % {"number": index + 1}
            )
    return problems


def add_changes(scenario: Scenario, new_changes: list[dict[str, Any]], user: Any) -> ScenarioResult:
    """Append ``new_changes`` if the whole list still applies to the declared data and keeps
    every rule of the district file; otherwise store nothing and say why. The last result is
    dropped (it no longer describes the scenario)."""
    with transaction.atomic():
        row = Scenario.objects.select_for_update().get(pk=scenario.pk)
        changes = [*row.changes, *new_changes]
        if len(changes) > MAX_CHANGES:
            return ScenarioResult(
                False, [_("A scenario holds at most %(count)s changes.") % {"count": MAX_CHANGES}]
            )
        problems = _scope_problems(row, new_changes)
        if not problems:
            problems = _shown(row, validate_changes(row.base_data, changes))
        if problems:
            return ScenarioResult(False, problems, row)
        row.changes = changes
        _drop_result(row)
        row.save()
    return ScenarioResult(True, scenario=row)


def _shown(scenario: Scenario, problems: Sequence[Problem]) -> list[str]:
    """The problems as text. In a firm's scenario, a problem located in another firm's data
    (an exchange in place that the change breaks) does not name that firm."""
    own = scenario.company_slug
    shown: list[str] = []
    for problem in problems:
        if own and problem.company not in (None, own):
            text = _(
                "the change breaks an exchange in place with another district firm; change the "
                "input or output of your firm that takes part in it instead"
            )
        else:
            text = str(problem)
        if text not in shown:
            shown.append(text)
    return shown


def remove_change(scenario: Scenario, index: int, user: Any) -> ScenarioResult:
    """Take out the change at ``index`` (0-based), if the others still apply without it (a later
    change may modify a flow an earlier one added)."""
    with transaction.atomic():
        row = Scenario.objects.select_for_update().get(pk=scenario.pk)
        if not 0 <= index < len(row.changes):
            return ScenarioResult(False, [_("There is no such change.")], row)
        changes = [change for position, change in enumerate(row.changes) if position != index]
        problems = _shown(row, validate_changes(row.base_data, changes))
        if problems:
            return ScenarioResult(False, problems, row)
        row.changes = changes
        _drop_result(row)
        row.save()
    return ScenarioResult(True, scenario=row)


def _drop_result(row: Scenario) -> None:
    row.result = None
    row.result_set_version = None
    row.computed_at = None


def compute_scenario(scenario: Scenario, user: Any) -> ScenarioResult:
    """Compare the scenario with the declared data using the current indicator set, and keep
    the comparison with the set version. A firm's scenario reports that firm's indicators; a
    district scenario the firms its changes touch. District indicators are always computed."""
    set_version = ensure_default_indicator_set()
    indicator_set = indicator_set_of(set_version)
    focus = (
        [scenario.company_slug] if scenario.company_slug else changed_companies(scenario.changes)
    )
    try:
        comparison = compare_scenario(
            scenario.base_data, scenario.changes, indicator_set, companies=focus
        )
    except ScenarioError as exc:
        return ScenarioResult(False, _shown(scenario, exc.problems), scenario)
    with transaction.atomic():
        row = Scenario.objects.select_for_update().get(pk=scenario.pk)
        if row.changes != scenario.changes:
            return ScenarioResult(
                False, [_("The scenario changed while it was computed: compute it again.")], row
            )
        row.result = comparison.to_document()
        row.result_set_version = set_version
        row.computed_at = timezone.now()
        row.save()
    logger.info("scenario %d computed with %s", row.pk, set_version.label)
    return ScenarioResult(True, scenario=row)


def relink_to_district(district: District) -> int:
    """Attach the scenarios of a district replaced by a new import (same name) to the new
    district and to its companies of the same id; returns how many were relinked. Called after
    an import."""
    orphans = Scenario.objects.filter(district_name=district.name).exclude(district=district)
    relinked = 0
    companies = {company.slug: company for company in district.companies.all()}
    for scenario in orphans:
        scenario.district = district
        if scenario.company_slug:
            scenario.company = companies.get(scenario.company_slug)
        scenario.save(update_fields=["district", "company"])
        relinked += 1
    return relinked


def delete_scenario(scenario: Scenario, user: Any) -> None:
    scenario.delete()
