"""Selection of applicants for a call: conditionalities (must-have requirements), multi-criteria
ranking (weighted sum, TOPSIS, PROMETHEE II) and its sensitivity to the weights.

Plain data in, a result out; see docs/selection.md.
"""

from ecodistrict.selection.assess import RANKING_FORMAT, CallAssessment, assess_call
from ecodistrict.selection.call import (
    CALL_FORMAT,
    SPECIAL_INDICATORS,
    Applicant,
    CallFile,
    Criterion,
    Requirement,
    SelectionError,
    call_json_schema,
    load_call_file,
    parse_call,
)
from ecodistrict.selection.eligibility import (
    Eligibility,
    RequirementCheck,
    Value,
    check_requirement,
    evaluate_requirements,
)
from ecodistrict.selection.ranking import METHODS, Ranking, rank_applicants

__all__ = [
    "CALL_FORMAT",
    "METHODS",
    "RANKING_FORMAT",
    "SPECIAL_INDICATORS",
    "Applicant",
    "CallAssessment",
    "CallFile",
    "Criterion",
    "Eligibility",
    "Ranking",
    "Requirement",
    "RequirementCheck",
    "SelectionError",
    "Value",
    "assess_call",
    "call_json_schema",
    "check_requirement",
    "evaluate_requirements",
    "load_call_file",
    "parse_call",
    "rank_applicants",
]
