"""A call assessed end to end: indicators and matches, requirements, ranking, sensitivity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecodistrict.domain.models import DistrictFile
from ecodistrict.indicators import IndicatorSet, compute_indicators, load_indicator_set
from ecodistrict.indicators.definitions import IndicatorSetError
from ecodistrict.matching import MatchResults, match_district
from ecodistrict.selection.call import CallFile, SelectionError
from ecodistrict.selection.eligibility import (
    Eligibility,
    SymbiosisPotential,
    Value,
    applicant_values,
    check_call_against,
    evaluate_requirements,
    no_one_eligible_problems,
    symbiosis_potential,
)
from ecodistrict.selection.ranking import Ranking, rank_applicants

RANKING_FORMAT = "ecodistrict/ranking/1"


@dataclass(frozen=True)
class CallAssessment:
    call: CallFile
    indicator_set: IndicatorSet
    values: dict[str, dict[str, Value]]
    potential: dict[str, SymbiosisPotential]
    eligibility: Eligibility
    ranking: Ranking
    matches: MatchResults

    def unit_score(self, company_id: str) -> float:
        """The ranking score on [0, 1] (PROMETHEE's net flow in [-1, 1] is mapped linearly)."""
        score = self.ranking.scores[company_id]
        return (score + 1.0) / 2.0 if self.ranking.method == "promethee" else score

    def to_document(self) -> dict[str, Any]:
        return {
            "format": RANKING_FORMAT,
            "call": self.call.call.id,
            "indicator_set": self.indicator_set.label,
            "applicants": self.call.applicant_ids(),
            "values": {
                cid: {k: {"value": v.value, "reason": v.reason} for k, v in row.items()}
                for cid, row in self.values.items()
            },
            "requirements": [
                {
                    "id": r.id,
                    "label_it": r.label_it,
                    "label_en": r.label_en,
                    "indicator": r.indicator,
                    "operator": r.operator,
                    "threshold": r.threshold,
                }
                for r in self.call.requirements
            ],
            "eligibility": self.eligibility.to_dict(),
            "ranking": self.ranking.to_dict(),
        }


def assess_call(
    district: DistrictFile,
    call: CallFile,
    *,
    method: str | None = None,
    indicator_set: IndicatorSet | None = None,
    matches: MatchResults | None = None,
) -> CallAssessment:
    """Requirements, then the ranking of the eligible applicants with its sensitivity.

    Raises SelectionError with an explanation when the call does not fit the district (unknown
    company or indicator) or when no applicant meets every requirement.
    """
    if indicator_set is None:
        try:
            indicator_set = load_indicator_set(call.call.indicator_set)
        except IndicatorSetError as exc:
            raise SelectionError(
                [f"field 'call.indicator_set': {p}" for p in exc.problems]
            ) from None
    check_call_against(call, district, indicator_set)
    results = compute_indicators(district, indicator_set)
    if matches is None:
        matches = match_district(district, top_k=call.matching_top_k)
    potential = symbiosis_potential(call.applicant_ids(), matches.matches)
    values = applicant_values(call, results, potential)
    eligibility = evaluate_requirements(call, values)
    if not eligibility.eligible:
        raise SelectionError(no_one_eligible_problems(eligibility))
    rows = {
        cid: {c.id: values[cid][c.indicator].value for c in call.criteria}
        for cid in eligibility.eligible
    }
    ranking = rank_applicants(rows, call.criteria, method or call.method)
    return CallAssessment(call, indicator_set, values, potential, eligibility, ranking, matches)
