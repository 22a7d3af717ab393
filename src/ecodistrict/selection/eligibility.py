"""Conditionalities: each applicant against each must-have requirement, with the value behind it.

Rule for missing values: a requirement whose indicator has no value for an applicant fails, with
the reason "dato mancante / missing value" (and the indicator's own reason when it gives one).
An applicant is eligible when it passes every requirement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ecodistrict.domain.models import DistrictFile
from ecodistrict.indicators import IndicatorResults, IndicatorSet
from ecodistrict.matching import Match
from ecodistrict.selection.call import SPECIAL_INDICATORS, CallFile, Requirement, SelectionError

MISSING_IT = "dato mancante"
MISSING_EN = "missing value"
#: Two values are equal for `==` within this tolerance.
EQUAL_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Value:
    """An applicant's value of one indicator; `reason` says why it is None."""

    value: float | None
    reason: str | None = None


@dataclass(frozen=True)
class RequirementCheck:
    requirement: str
    indicator: str
    operator: str
    threshold: float
    value: float | None
    passed: bool
    reason: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "requirement": self.requirement,
            "indicator": self.indicator,
            "operator": self.operator,
            "threshold": self.threshold,
            "value": self.value,
            "passed": self.passed,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Eligibility:
    checks: dict[str, tuple[RequirementCheck, ...]]  # applicant -> one check per requirement
    eligible: tuple[str, ...]
    excluded: tuple[str, ...]

    def failed(self, company_id: str) -> tuple[RequirementCheck, ...]:
        return tuple(c for c in self.checks[company_id] if not c.passed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "eligible": list(self.eligible),
            "excluded": list(self.excluded),
            "applicants": {
                cid: {
                    "eligible": cid in self.eligible,
                    "checks": [c.to_dict() for c in checks],
                }
                for cid, checks in self.checks.items()
            },
        }


@dataclass
class SymbiosisPotential:
    """What an applicant could exchange, from the matches (either direction)."""

    links_present: int = 0
    links_applicants: int = 0
    material_t: float = 0.0
    energy_mwh: float = 0.0
    co2_avoided_t: float = 0.0
    partners_present: set[str] = field(default_factory=set)


def check_call_against(call: CallFile, district: DistrictFile, indicator_set: IndicatorSet) -> None:
    """Every applicant must be a company of the file and every indicator known; else explain."""
    problems: list[str] = []
    known = {c.id for c in district.companies}
    for i, applicant in enumerate(call.applicants):
        if applicant.company not in known:
            problems.append(
                f"field 'applicants[{i}].company': no company '{applicant.company}' "
                "in the district file"
            )
    if len(call.applicants) >= len(known) and not problems:
        problems.append(
            "field 'applicants': every company of the district file applies; "
            "at least one must be a firm already present"
        )
    allowed = set(indicator_set.keys("company")) | set(SPECIAL_INDICATORS)
    listed: list[tuple[str, list[str]]] = [
        ("requirements", [r.indicator for r in call.requirements]),
        ("criteria", [c.indicator for c in call.criteria]),
    ]
    for name, keys in listed:
        for i, key in enumerate(keys):
            if key not in allowed:
                problems.append(
                    f"field '{name}[{i}].indicator': unknown indicator '{key}' "
                    f"(company indicators of {indicator_set.key} or "
                    f"{', '.join(sorted(SPECIAL_INDICATORS))})"
                )
    if problems:
        raise SelectionError(problems)


def symbiosis_potential(
    applicants: Sequence[str], matches: Sequence[Match]
) -> dict[str, SymbiosisPotential]:
    """Counts and quantities of the matches between each applicant and the others.

    A match counts for an applicant when it is the supplier or the receiver; the partner is a
    firm present (not an applicant) or another applicant. Quantities and CO2 only count the
    matches with firms present (those are sure to be there); a None impact counts 0.
    """
    applying = set(applicants)
    potential: dict[str, SymbiosisPotential] = defaultdict(SymbiosisPotential)
    for match in matches:
        for me, partner in ((match.supplier, match.receiver), (match.receiver, match.supplier)):
            if me not in applying:
                continue
            item = potential[me]
            if partner in applying:
                item.links_applicants += 1
                continue
            item.links_present += 1
            item.partners_present.add(partner)
            quantity = match.quantity_value or 0.0
            if match.kind == "material":
                item.material_t += quantity
            elif match.kind == "energy":
                item.energy_mwh += quantity
            item.co2_avoided_t += match.impact.co2_avoided_t_per_yr or 0.0
    return {cid: potential[cid] for cid in applicants}


def applicant_values(
    call: CallFile,
    results: IndicatorResults,
    potential: Mapping[str, SymbiosisPotential],
) -> dict[str, dict[str, Value]]:
    """Every indicator a requirement or criterion reads, for every applicant."""
    keys = {r.indicator for r in call.requirements} | {c.indicator for c in call.criteria}
    values: dict[str, dict[str, Value]] = {}
    for applicant in call.applicants:
        cid = applicant.company
        mine = potential[cid]
        special: dict[str, Value] = {
            "assessment_validated": (
                Value(None, "assessment_validated not given in the call file")
                if applicant.assessment_validated is None
                else Value(1.0 if applicant.assessment_validated else 0.0)
            ),
            "symbiosis_links_possible": Value(float(mine.links_present)),
            "symbiosis_links_applicants": Value(float(mine.links_applicants)),
            "symbiosis_material_t": Value(mine.material_t),
            "symbiosis_energy_mwh": Value(mine.energy_mwh),
            "symbiosis_co2_avoided_t": Value(mine.co2_avoided_t),
        }
        row: dict[str, Value] = {}
        for key in sorted(keys):
            if key in special:
                row[key] = special[key]
            else:
                indicator = results.companies[cid][key]
                row[key] = Value(indicator.value, indicator.reason)
        values[cid] = row
    return values


def check_requirement(requirement: Requirement, value: Value) -> RequirementCheck:
    """Pass or fail one requirement; a missing value fails ("dato mancante / missing value")."""
    if value.value is None:
        reason = f"{MISSING_IT} / {MISSING_EN}"
        if value.reason:
            reason += f" ({value.reason})"
        passed = False
    else:
        reason = None
        if requirement.operator == ">=":
            passed = value.value >= requirement.threshold - EQUAL_TOLERANCE
        elif requirement.operator == "<=":
            passed = value.value <= requirement.threshold + EQUAL_TOLERANCE
        else:
            passed = abs(value.value - requirement.threshold) <= EQUAL_TOLERANCE
    return RequirementCheck(
        requirement=requirement.id,
        indicator=requirement.indicator,
        operator=requirement.operator,
        threshold=requirement.threshold,
        value=value.value,
        passed=passed,
        reason=reason,
    )


def evaluate_requirements(call: CallFile, values: Mapping[str, Mapping[str, Value]]) -> Eligibility:
    """Each applicant against each requirement, in the order of the call file."""
    checks: dict[str, tuple[RequirementCheck, ...]] = {}
    eligible: list[str] = []
    excluded: list[str] = []
    for applicant in call.applicants:
        cid = applicant.company
        mine = tuple(check_requirement(r, values[cid][r.indicator]) for r in call.requirements)
        checks[cid] = mine
        (eligible if all(c.passed for c in mine) else excluded).append(cid)
    return Eligibility(checks, tuple(eligible), tuple(excluded))


def no_one_eligible_problems(eligibility: Eligibility) -> list[str]:
    """Explain, requirement by requirement, who each one eliminated."""
    by_requirement: dict[str, list[str]] = defaultdict(list)
    for cid, checks in eligibility.checks.items():
        for check in checks:
            if not check.passed:
                shown = "missing" if check.value is None else f"{check.value:.4g}"
                by_requirement[check.requirement].append(f"{cid} ({shown})")
    problems = ["no applicant meets every requirement of the call"]
    for requirement, who in by_requirement.items():
        problems.append(f"requirement '{requirement}' eliminated: {', '.join(who)}")
    return problems
