"""Builders shared by the selection and optimisation tests (hand-made matches and calls)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from ecodistrict.io.district_file import load_district_file
from ecodistrict.matching import Impact, Match, MatchingOptions, MatchResults

DATA = Path(__file__).parent / "data"


def selection_district() -> Any:
    return load_district_file(DATA / "selection-district.yaml")


def match(
    supplier: str,
    supplier_flow: str,
    receiver: str,
    receiver_flow: str | None,
    quantity: float,
    co2: float,
    *,
    kind: str = "material",
    distance_km: float = 1.0,
) -> Match:
    return Match(
        supplier=supplier,
        supplier_flow=supplier_flow,
        receiver=receiver,
        receiver_flow=receiver_flow,
        kind=kind,
        rank=1,
        score=0.5,
        basis="declared" if receiver_flow else "inferred",
        distance_km=distance_km,
        quantity_value=quantity,
        quantity_unit={"material": "t/yr", "energy": "MWh/yr", "water": "m3/yr"}[kind],
        reasons_en=("test",),
        reasons_it=("prova",),
        impact=Impact(co2, None, None),
        route=None,
        fits={},
    )


def hand_matches() -> MatchResults:
    """landfill -> present (100 t, 5 t CO2), present -> recycler (200 t, 10 t CO2),
    recycler -> food (10 t, 1 t CO2, between applicants)."""
    return MatchResults(
        "Selection test district",
        MatchingOptions(),
        (
            match("app-landfill", "swarf", "present-ceramics", None, 100, 5.0),
            match("present-ceramics", "scrap", "app-recycler", None, 200, 10.0),
            match("app-recycler", "sludge", "app-food", "whey", 10, 1.0),
        ),
    )


BASE_CALL: dict[str, Any] = {
    "format": "ecodistrict/call/1",
    "call": {"id": "test-call", "name_it": "Bando di prova", "name_en": "Test call"},
    "applicants": [
        {"company": "app-landfill", "space_m2": 1000, "assessment_validated": True},
        {"company": "app-recycler", "space_m2": 2000, "assessment_validated": True},
        {"company": "app-food", "space_m2": 500},
    ],
    "requirements": [
        {
            "id": "landfill",
            "label_it": "Discarica al massimo 50%",
            "label_en": "Landfill at most 50%",
            "indicator": "landfill_outflow_pct",
            "operator": "<=",
            "threshold": 50,
        },
        {
            "id": "link",
            "label_it": "Almeno una simbiosi",
            "label_en": "At least one link",
            "indicator": "symbiosis_links_possible",
            "operator": ">=",
            "threshold": 1,
        },
    ],
    "criteria": [
        {
            "id": "co2",
            "label_it": "CO2 evitata",
            "label_en": "CO2 avoided",
            "indicator": "symbiosis_co2_avoided_t",
            "direction": "benefit",
            "weight": 0.6,
        },
        {
            "id": "circ",
            "label_it": "Circolarità",
            "label_en": "Circularity",
            "indicator": "circularity_pct",
            "direction": "benefit",
            "weight": 0.4,
        },
    ],
}


def call_data() -> dict[str, Any]:
    return copy.deepcopy(BASE_CALL)
