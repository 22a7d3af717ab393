"""The published test vectors (tests/data/indicator-test-vectors.yaml) pass."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ecodistrict.indicators.calculators import CIRCULAR_ORIGINS
from ecodistrict.indicators.frameworks import (
    EIP_FRAMEWORK_2017,
    UNI_TS_11820_2022,
    circularity_gap_pct,
    classify_inflow,
    classify_outflow,
    origin_attributes,
    uni_ts_11820_claim,
    uni_ts_11820_minimum_indicators,
)
from ecodistrict.indicators.mci import material_circularity_indicator, recycling_process_efficiency
from ecodistrict.indicators.positioning import load_reference_values

VECTORS = {
    v["id"]: v
    for v in yaml.safe_load(
        (Path(__file__).parent / "data" / "indicator-test-vectors.yaml").read_text("utf-8")
    )["vectors"]
}


def test_every_vector_is_covered():
    covered = {
        "MCI-001", "MCI-002", "MCI-003", "CTI-001", "CTI-002", "CTI-003", "CTI-004", "CTI-005",
        "CGR-001", "CMU-001", "UNI-001", "UNI-002", "UNI-003", "EIP-001",
    }  # fmt: skip
    assert set(VECTORS) == covered


@pytest.mark.parametrize("vector_id", ["MCI-001", "MCI-002"])
def test_mci_vectors(vector_id):
    vector = VECTORS[vector_id]
    result = material_circularity_indicator(**vector["inputs"])
    for name, expected in vector["expected"].items():
        assert getattr(result, name) == pytest.approx(expected, abs=vector["tolerance_abs"])


def test_mci_recycling_efficiency_vector():
    vector = VECTORS["MCI-003"]
    inputs = vector["inputs"]
    assert recycling_process_efficiency(
        inputs["discarded_input_mass"], inputs["recycled_output_mass"]
    ) == pytest.approx(vector["expected"]["E_F"], abs=vector["tolerance_abs"])


def test_mci_clamps_at_zero_below_average_utility():
    # catalogue §2.3 [D]: a linear product with X = 0.5 gives 1 - 1 * 0.9/0.5 < 0 -> 0
    result = material_circularity_indicator(M=1.0, L=1.0, L_av=2.0)
    assert (result.X, result.MCI) == (0.5, 0.0)


@pytest.mark.parametrize("vector_id", ["CTI-001", "CTI-002", "CTI-003"])
def test_cti_inflow_vectors(vector_id):
    vector = VECTORS[vector_id]
    assert classify_inflow(**vector["inputs"]) == vector["expected"]["classification"]


@pytest.mark.parametrize("vector_id", ["CTI-004", "CTI-005"])
def test_cti_outflow_vectors(vector_id):
    vector = VECTORS[vector_id]
    assert classify_outflow(**vector["inputs"]) == vector["expected"]["classification"]


@pytest.mark.parametrize(
    "origin", ["virgin", "recycled", "reused", "by-product", "renewable", "unknown", None]
)
def test_calculator_origins_follow_the_cti_rule(origin):
    expected = classify_inflow(*origin_attributes(origin))
    assert ("circular" if origin in CIRCULAR_ORIGINS else "linear") == expected


def test_circularity_gap_vector():
    vector = VECTORS["CGR-001"]
    assert circularity_gap_pct(vector["inputs"]["circularity_metric_percent"]) == pytest.approx(
        vector["expected"]["circularity_gap_percent"], abs=vector["tolerance_abs"]
    )


def test_cmu_target_vector_matches_the_shipped_reference_value():
    vector = VECTORS["CMU-001"]
    inputs = vector["inputs"]
    expected = vector["expected"]["cmu_target_2030_percent"]
    assert inputs["cmu_reference_percent"] * inputs["multiplier"] == pytest.approx(expected)
    targets = [r for r in load_reference_values() if r.statistic == "policy_target"]
    assert any(r.value == pytest.approx(expected) for r in targets)


def test_uni_claim_vector():
    vector = VECTORS["UNI-001"]
    inputs = vector["inputs"]
    claim = uni_ts_11820_claim(
        organisation=inputs["organisation"],
        perimeter=inputs["perimeter"],
        ateco=inputs["ateco"],
        year=inputs["year"],
        level_percent=inputs["level_percent"],
        standard=inputs["standard"],
    )
    assert claim == vector["expected"]["claim"]


def test_uni_minimum_indicator_vectors():
    for case in VECTORS["UNI-002"]["cases"]:
        organisation_type = case["inputs"]["organisation_type"]
        assert uni_ts_11820_minimum_indicators(organisation_type) == case["expected"][
            "min_indicators"
        ]
        assert UNI_TS_11820_2022["total_indicators"] == case["expected"]["total_indicators"]


def test_uni_completeness_vector():
    expected = VECTORS["UNI-003"]["expected"]
    for key, value in expected.items():
        assert UNI_TS_11820_2022[key] == value


def test_eip_checklist_vector():
    expected = VECTORS["EIP-001"]["expected"]
    assert EIP_FRAMEWORK_2017["item_count"] == expected["item_count"]
    assert list(EIP_FRAMEWORK_2017["categories"]) == expected["categories"]
