"""One pint registry for the whole platform, and the normalisation of declared flow quantities.

Every quantity in a district file is a rate (something per time). It is normalised to the
canonical unit of its flow's kind:

| kind     | accepted dimension                              | canonical unit |
| -------- | ----------------------------------------------- | -------------- |
| material | mass / time                                     | t/yr           |
| energy   | energy / time (Sm3 of natural gas counts)       | MWh/yr         |
| water    | volume / time                                   | m3/yr          |
| service  | time / time (h/yr), count / time, tkm / time    | h/yr, 1/yr, tkm/yr |

Documented conversions (see docs/data-format.md):

- ``yr`` is pint's year, 365.25 days; ``month`` is a twelfth of it; ``day`` is 24 h.
- ``Sm3`` (standard cubic metre of natural gas) is an energy unit at the lower heating value of
  the Italian ETS national standard parameters: 35.253 GJ per 1000 Sm3, i.e. 9.7925 kWh/Sm3
  (source: MASE, tabella dei parametri standard nazionali, 2018; cited in
  reference/formigine-district.md §6.1). Water or materials in Sm3 are therefore rejected.
- ``m3``, ``L``, ``t`` (tonne), ``tkm`` (tonne-kilometre), ``trip`` (a counted event).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final, Literal

import pint

FlowKind = Literal["material", "energy", "water", "service"]

#: Lower heating value of natural gas used for Sm3 -> energy (GJ per Sm3).
NATURAL_GAS_LHV_GJ_PER_SM3: Final = 0.035253

CANONICAL_UNIT: Final[dict[str, str]] = {
    "material": "t/yr",
    "energy": "MWh/yr",
    "water": "m3/yr",
}

#: Largest plausible single-flow rates, in canonical units. Beyond these a value is a typo
#: (the whole Sassuolo tile district moves about 30 Mt/yr; Italy uses about 300 TWh/yr of
#: electricity and about 9 billion m3/yr of water for industry and homes).
ABSURD_LIMIT: Final[dict[str, float]] = {
    "material": 1e8,  # t/yr
    "energy": 1e8,  # MWh/yr
    "water": 1e9,  # m3/yr
    "service": 1e9,
}

_EXTRA_DEFINITIONS = (
    f"Sm3 = {NATURAL_GAS_LHV_GJ_PER_SM3} * GJ = standard_cubic_metre_natural_gas = Scm",
    "trip = [event] = shipment = delivery",
    "tkm = tonne * kilometer = tonne_kilometre",
)

# pint does not read "m3" or "m2" as powers; the district file does, as engineers write them.
_POWER_SUFFIX = re.compile(r"(?<![A-Za-z])(m|cm|dm|km|mm)([23])(?![0-9A-Za-z])")


@lru_cache(maxsize=1)
def unit_registry() -> pint.UnitRegistry[Any]:
    """The single pint registry (built once, read-only afterwards)."""
    registry: pint.UnitRegistry[Any] = pint.UnitRegistry(autoconvert_offset_to_baseunit=False)
    for definition in _EXTRA_DEFINITIONS:
        registry.define(definition)
    return registry


class UnitError(ValueError):
    """A unit that cannot be read or does not fit the flow's kind."""


@dataclass(frozen=True)
class NormalisedQuantity:
    """A declared rate converted to its kind's canonical unit."""

    value: float
    unit: str


def _parse_unit(unit: str) -> pint.Unit:
    text = unit.strip()
    if not text:
        raise UnitError("the unit is empty")
    text = _POWER_SUFFIX.sub(r"\1**\2", text.replace("³", "3").replace("²", "2"))
    text = text.replace("·", "*")
    registry = unit_registry()
    try:
        parsed = registry.parse_units(text)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError) as exc:
        raise UnitError(f"unknown unit '{unit}'") from exc
    except Exception as exc:  # pint raises assorted errors on garbage (tokenizer, syntax)
        raise UnitError(f"unreadable unit '{unit}'") from exc
    return parsed


def _service_canonical(parsed: pint.Unit) -> str | None:
    """Service rates: hours per time, counted events per time, or tonne-km per time."""
    registry = unit_registry()
    dims = registry.get_dimensionality(parsed)
    if dims == registry.get_dimensionality("1/yr"):
        return "1/yr"
    if dims == registry.get_dimensionality("trip/yr"):
        return "trip/yr"
    if dims == registry.get_dimensionality("tkm/yr"):
        return "tkm/yr"
    if not dims:
        # Dimensionless: only accept a genuine time-over-time ratio such as h/yr, not "%".
        has_time_up = has_time_down = False
        for name, exponent in parsed._units.items():
            if registry.get_dimensionality(name) == registry.get_dimensionality("s"):
                has_time_up |= float(exponent.real) > 0
                has_time_down |= float(exponent.real) < 0
        if has_time_up and has_time_down:
            return "h/yr"
    return None


def canonical_unit_for(kind: str, unit: str) -> str:
    """The canonical unit a declared unit converts to for this kind, or UnitError."""
    parsed = _parse_unit(unit)
    registry = unit_registry()
    if kind == "service":
        canonical = _service_canonical(parsed)
        if canonical is None:
            raise UnitError(
                f"unit '{unit}' does not fit a service; use hours per time (h/yr), "
                "counted trips per time (trip/yr) or tonne-km per time (tkm/yr)"
            )
        return canonical
    canonical = CANONICAL_UNIT.get(kind)
    if canonical is None:
        raise UnitError(f"unknown flow kind '{kind}'")
    target = registry.parse_units(_POWER_SUFFIX.sub(r"\1**\2", canonical))
    if registry.get_dimensionality(parsed) != registry.get_dimensionality(target):
        expected = {
            "material": "a mass per time, e.g. t/yr or kg/month",
            "energy": "an energy per time, e.g. MWh/yr, GJ/yr, kWh/day or Sm3/yr of natural gas",
            "water": "a volume per time, e.g. m3/yr or L/day",
        }[kind]
        if registry.get_dimensionality(parsed) == registry.get_dimensionality(
            registry.parse_units("t")
        ) or not _has_time_denominator(parsed):
            raise UnitError(f"unit '{unit}' is not a rate; {_article(kind)} flow needs {expected}")
        raise UnitError(
            f"unit '{unit}' is the wrong dimension for {_article(kind)} flow; use {expected}"
        )
    return canonical


def _article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _has_time_denominator(parsed: pint.Unit) -> bool:
    registry = unit_registry()
    second = registry.get_dimensionality("s")
    return any(
        float(exponent.real) < 0 and registry.get_dimensionality(name) == second
        for name, exponent in parsed._units.items()
    )


@dataclass(frozen=True)
class UnitConversion:
    """How a declared unit converts to its kind's canonical unit: canonical = declared x factor."""

    canonical: str
    factor: float


@lru_cache(maxsize=4096)
def unit_conversion(unit: str, kind: str) -> UnitConversion:
    """The conversion of a declared unit for a kind (cached: files repeat a few units)."""
    canonical = canonical_unit_for(kind, unit)
    registry = unit_registry()
    source = _POWER_SUFFIX.sub(r"\1**\2", unit.strip().replace("³", "3").replace("²", "2"))
    source = source.replace("·", "*")
    target = _POWER_SUFFIX.sub(r"\1**\2", canonical)
    factor = registry.Quantity(1.0, source).to(target).magnitude
    return UnitConversion(canonical=canonical, factor=float(factor))


def normalise_quantity(value: float, unit: str, kind: str) -> NormalisedQuantity:
    """Convert a declared rate to the canonical unit of its kind (t/yr, MWh/yr, m3/yr, ...).

    The result is rounded to 12 significant digits, so that 1,000,000 Sm3/yr is exactly
    9792.5 MWh/yr rather than 9792.499999999998 (declared data carry far fewer digits).
    """
    if not math.isfinite(value):
        raise UnitError("the quantity is not a finite number")
    conversion = unit_conversion(unit, kind)
    return NormalisedQuantity(
        value=float(f"{value * conversion.factor:.12g}"), unit=conversion.canonical
    )
