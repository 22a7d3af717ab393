"""Indicators of territorial circularity: versioned sets, calculators, positioning.

Plain functions on plain data: `compute_indicators(district)` returns every indicator of the
set for every company and for the district, each value traceable to its formula and source.
"""

from ecodistrict.indicators.balance import CycleBalance, district_flow_balance
from ecodistrict.indicators.calculators import COMPANY_KEYS, DISTRICT_KEYS
from ecodistrict.indicators.definitions import (
    CONTRACT_COMPANY_KEYS,
    CONTRACT_DISTRICT_KEYS,
    DIMENSIONS,
    IndicatorDefinition,
    IndicatorSet,
    IndicatorSetError,
    Target,
    load_indicator_set,
    parse_indicator_set,
)
from ecodistrict.indicators.engine import compute_indicators
from ecodistrict.indicators.mci import MciResult, material_circularity_indicator
from ecodistrict.indicators.values import IndicatorResults, IndicatorValue

__all__ = [
    "COMPANY_KEYS",
    "CONTRACT_COMPANY_KEYS",
    "CONTRACT_DISTRICT_KEYS",
    "DIMENSIONS",
    "DISTRICT_KEYS",
    "CycleBalance",
    "IndicatorDefinition",
    "IndicatorResults",
    "IndicatorSet",
    "IndicatorSetError",
    "IndicatorValue",
    "MciResult",
    "Target",
    "compute_indicators",
    "district_flow_balance",
    "load_indicator_set",
    "material_circularity_indicator",
    "parse_indicator_set",
]
