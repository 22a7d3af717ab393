"""The district data model: companies, their sites and their yearly flows."""

from ecodistrict.domain.models import (
    FORMAT,
    Company,
    District,
    DistrictFile,
    Flow,
    FlowRef,
    GeoPoint,
    MciInputs,
    district_json_schema,
)
from ecodistrict.domain.problems import DistrictFileError, Problem, RuleViolation
from ecodistrict.domain.validation import validate_district_data

__all__ = [
    "FORMAT",
    "Company",
    "District",
    "DistrictFile",
    "DistrictFileError",
    "Flow",
    "FlowRef",
    "GeoPoint",
    "MciInputs",
    "Problem",
    "RuleViolation",
    "district_json_schema",
    "validate_district_data",
]
