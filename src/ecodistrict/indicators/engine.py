"""Compute the indicators of a district with a given indicator set."""

from __future__ import annotations

from ecodistrict.domain.models import DistrictFile
from ecodistrict.indicators.calculators import compute_all
from ecodistrict.indicators.definitions import IndicatorSet, load_indicator_set
from ecodistrict.indicators.values import IndicatorResults


def compute_indicators(
    district: DistrictFile, indicator_set: IndicatorSet | None = None
) -> IndicatorResults:
    """Every indicator of the set for every company and for the district.

    The default set is the shipped `formigine-2026`. Results keep the set's key order and say
    which set and version produced them.
    """
    chosen = indicator_set or load_indicator_set()
    companies, district_values = compute_all(district)
    company_keys = chosen.keys("company")
    district_keys = chosen.keys("district")
    return IndicatorResults(
        indicator_set=chosen,
        companies={
            cid: {key: values[key] for key in company_keys} for cid, values in companies.items()
        },
        district={key: district_values[key] for key in district_keys},
    )
