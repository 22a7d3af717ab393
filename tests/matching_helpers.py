"""Builders shared by the matching tests."""

from __future__ import annotations

from typing import Any

from ecodistrict.domain import validate_district_data

#: The centre of the hand-built test districts (Formigine).
CENTRE = {"lat": 44.58, "lon": 10.82}


def validated_district(*companies: dict[str, Any]) -> Any:
    """A validated district of these companies around CENTRE; it must have no problems."""
    data: dict[str, Any] = {
        "format": "ecodistrict/1",
        "district": {"name": "Test", "center": CENTRE, "radius_km": 30},
        "companies": list(companies),
    }
    model, problems = validate_district_data(data)
    assert problems == []
    return model
