"""Published rules of the indicator frameworks the platform follows or records.

- WBCSD CTI classification of inflows and outflows (ctitool.com definitions);
- Circle Economy's circularity gap (100 % minus the circularity metric);
- UNI/TS 11820:2022: the wording of a circularity claim and its completeness rules (the platform
  records a certified level; it does not recompute it, the indicator tables are not public);
- UNIDO / World Bank / GIZ International Framework for Eco-Industrial Parks (2017): the size and
  categories of the checklist UNIDO applied.

Each rule is checked against the published test vectors (tests/data/indicator-test-vectors.yaml).
"""

from __future__ import annotations

from typing import Literal

Classification = Literal["circular", "linear"]


def classify_inflow(
    virgin: bool, renewable: bool, sustainably_managed: bool | None = None
) -> Classification:
    """CTI: circular inflow is non-virgin, or renewable and used in line with natural cycles."""
    if not virgin:
        return "circular"
    return "circular" if renewable and sustainably_managed else "linear"


def classify_outflow(full_recovery_potential: bool, demonstrably_recovered: bool) -> Classification:
    """CTI: circular outflow needs full recovery potential AND demonstrable recovery."""
    return "circular" if full_recovery_potential and demonstrably_recovered else "linear"


def origin_attributes(origin: str | None) -> tuple[bool, bool, bool | None]:
    """(virgin, renewable, sustainably managed) that a district-file origin declares.

    `renewable` in the district file asserts a renewable resource used at a sustainable rate (the
    CTI condition); `unknown` or a missing origin is treated as virgin non-renewable, so that
    circularity is never claimed without a declaration.
    """
    if origin in ("recycled", "reused", "by-product"):
        return (False, False, None)
    if origin == "renewable":
        return (True, True, True)
    return (True, False, None)


def circularity_gap_pct(circularity_metric_pct: float) -> float:
    """Circle Economy: the circularity gap is 100 % minus the circularity metric."""
    if not 0 <= circularity_metric_pct <= 100:
        raise ValueError("the circularity metric is a percentage between 0 and 100")
    return 100.0 - circularity_metric_pct


#: UNI/TS 11820:2022 completeness rules (public summaries; the tables themselves are licensed).
UNI_TS_11820_2022 = {
    "total_indicators": 71,
    "min_indicators": {"products": 33, "services": 27},
    "core_required_share": 1.0,
    "specific_min_share": 0.5,
    "premiante_required_share": 0.0,
    "minimum_circularity_level": None,
    "scale_max": 100,
}


def uni_ts_11820_minimum_indicators(organisation_type: str) -> int:
    """Minimum number of the 71 indicators an organisation must compile (products or services)."""
    minimums: dict[str, int] = UNI_TS_11820_2022["min_indicators"]  # type: ignore[assignment]
    try:
        return minimums[organisation_type]
    except KeyError:
        raise ValueError("organisation_type is 'products' or 'services'") from None


def uni_ts_11820_claim(
    organisation: str,
    perimeter: str,
    ateco: str,
    year: str | int,
    level_percent: str | float,
    standard: str = "UNI/TS 11820:2022",
) -> str:
    """The wording of a circularity claim (asserzione di circolarità) as published."""
    level = f"{level_percent:g}" if isinstance(level_percent, float) else str(level_percent)
    return (
        f"Livello di circolarità dell'organizzazione {organisation} relativo al perimetro di "
        f"valutazione {perimeter} (codice ATECO {ateco}) misurato nell'anno {year} secondo la "
        f"{standard} pari al {level} %."
    )


#: The checklist UNIDO applied to 50 parks (van Beers et al., Sustainability 2020, 12(24), 10611).
EIP_FRAMEWORK_2017 = {
    "item_count": 51,
    "categories": ("park_management", "environmental", "social", "economic"),
}
