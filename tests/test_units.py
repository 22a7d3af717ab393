"""Unit normalisation: exact conversions worked out by hand, and wrong units refused."""

import pytest

from ecodistrict.units import UnitError, canonical_unit_for, normalise_quantity


@pytest.mark.parametrize(
    ("value", "unit", "kind", "expected", "canonical"),
    [
        (560, "t/yr", "material", 560.0, "t/yr"),
        (1, "kg/month", "material", 0.012, "t/yr"),  # 1 kg x 12 months / 1000
        (3, "t/month", "material", 36.0, "t/yr"),
        (2, "t/day", "material", 730.5, "t/yr"),  # a year is 365.25 days
        (500, "kg/yr", "material", 0.5, "t/yr"),
        (1000, "Sm3/yr", "energy", 9.7925, "MWh/yr"),  # 35.253 GJ per 1000 Sm3 / 3.6
        (36000, "GJ/yr", "energy", 10000.0, "MWh/yr"),
        (2, "kWh/day", "energy", 0.7305, "MWh/yr"),  # 2 x 365.25 / 1000
        (1.5, "GWh/yr", "energy", 1500.0, "MWh/yr"),
        (10, "m3/yr", "water", 10.0, "m3/yr"),
        (10, "m³/yr", "water", 10.0, "m3/yr"),
        (25, "L/day", "water", 9.13125, "m3/yr"),  # 25 x 365.25 / 1000
        (100, "m^3/month", "water", 1200.0, "m3/yr"),
        (40, "h/yr", "service", 40.0, "h/yr"),
        (2, "h/month", "service", 24.0, "h/yr"),
        (12, "trip/yr", "service", 12.0, "trip/yr"),
        (1000, "tkm/yr", "service", 1000.0, "tkm/yr"),
    ],
)
def test_normalise_quantity_exact(value, unit, kind, expected, canonical):
    result = normalise_quantity(value, unit, kind)
    assert result.unit == canonical
    assert result.value == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("unit", "kind", "fragment"),
    [
        ("MWh/yr", "material", "wrong dimension for a material flow"),
        ("t/yr", "energy", "wrong dimension for an energy flow"),
        ("m3/yr", "energy", "wrong dimension for an energy flow"),
        ("Sm3/yr", "water", "wrong dimension for a water flow"),  # Sm3 is natural gas only
        ("t", "material", "is not a rate"),
        ("MWh", "energy", "is not a rate"),
        ("widgets/yr", "material", "unknown unit 'widgets/yr'"),
        ("t/yr/", "material", "unreadable unit"),
        ("", "material", "the unit is empty"),
        ("%", "service", "does not fit a service"),
        ("t/yr", "service", "does not fit a service"),
    ],
)
def test_wrong_units_are_refused_with_a_reason(unit, kind, fragment):
    with pytest.raises(UnitError) as excinfo:
        normalise_quantity(1, unit, kind)
    assert fragment in str(excinfo.value)


def test_non_finite_quantity_is_refused():
    with pytest.raises(UnitError, match="not a finite number"):
        normalise_quantity(float("nan"), "t/yr", "material")


def test_canonical_unit_for_each_kind():
    assert canonical_unit_for("material", "kg/day") == "t/yr"
    assert canonical_unit_for("energy", "Sm3/month") == "MWh/yr"
    assert canonical_unit_for("water", "L/yr") == "m3/yr"
