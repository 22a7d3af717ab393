"""Indicator values and results, as plain data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecodistrict.indicators.definitions import IndicatorSet

RESULTS_FORMAT = "ecodistrict/indicators/1"


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    """A computed value, or None with the reason the data cannot give it.

    `numerator` and `denominator` are the two terms of a ratio (canonical units), kept so that a
    figure can be traced back to the flows behind it.
    """

    value: float | None
    reason: str | None = None
    numerator: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class IndicatorResults:
    """Every indicator of every company and of the district, with the set that produced them."""

    indicator_set: IndicatorSet
    companies: Mapping[str, Mapping[str, IndicatorValue]]
    district: Mapping[str, IndicatorValue]

    def company(self, company_id: str) -> Mapping[str, IndicatorValue]:
        return self.companies[company_id]

    def to_document(self) -> dict[str, Any]:
        """The JSON document of `ecodistrict indicators --format json` (CONTRACT.md).

        Values are numbers or null; `reasons` says why each null is null (and carries notes).
        """
        reasons: dict[str, Any] = {
            "companies": {
                cid: {k: v.reason for k, v in values.items() if v.reason is not None}
                for cid, values in self.companies.items()
            },
            "district": {k: v.reason for k, v in self.district.items() if v.reason is not None},
        }
        reasons["companies"] = {cid: r for cid, r in reasons["companies"].items() if r}
        counts = {d.key for d in self.indicator_set.definitions if d.unit == "count"}

        def shown(key: str, value: float | None) -> float | int | None:
            return int(value) if key in counts and value is not None else value

        return {
            "format": RESULTS_FORMAT,
            "indicator_set": self.indicator_set.label,
            "companies": {
                cid: {k: shown(k, v.value) for k, v in values.items()}
                for cid, values in self.companies.items()
            },
            "district": {k: shown(k, v.value) for k, v in self.district.items()},
            "reasons": reasons,
        }
