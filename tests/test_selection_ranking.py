"""Multi-criteria ranking: weighted sum worked by hand, TOPSIS and PROMETHEE II against pymcdm's
published examples, ties, missing values and the ±20% weight sensitivity."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymcdm.methods import WSM
from pymcdm.normalizations import minmax_normalization

from ecodistrict.selection import Criterion, SelectionError, rank_applicants
from ecodistrict.selection.ranking import perturbed_weights


def criterion(cid: str, direction: str, weight: float) -> Criterion:
    return Criterion(
        id=cid,
        label_it=cid,
        label_en=cid,
        indicator="circularity_pct",
        direction=direction,
        weight=weight,
    )


HAND_CRITERIA = [
    criterion("c1", "benefit", 0.5),
    criterion("c2", "cost", 0.3),
    criterion("c3", "benefit", 0.2),
]
# b misses c3: it gets the worst observed value, 5 (the minimum of a benefit criterion).
HAND_ROWS = {
    "a": {"c1": 10.0, "c2": 100.0, "c3": 5.0},
    "b": {"c1": 30.0, "c2": 300.0, "c3": None},
    "c": {"c1": 20.0, "c2": 200.0, "c3": 15.0},
    "d": {"c1": 30.0, "c2": 300.0, "c3": 5.0},
}


def test_weighted_sum_worked_by_hand():
    # Min-max: c1 (10..30) a 0, b 1, c 0.5, d 1; c2 cost (100..300) a 1, b 0, c 0.5, d 0;
    # c3 (5..15) a 0, b 0, c 1, d 0.
    # Scores: a 0.3·1 = 0.3; b 0.5·1 = 0.5; c 0.5·0.5 + 0.3·0.5 + 0.2·1 = 0.6; d 0.5.
    ranking = rank_applicants(HAND_ROWS, HAND_CRITERIA)
    assert {k: round(v, 12) for k, v in ranking.scores.items()} == {
        "a": 0.3,
        "b": 0.5,
        "c": 0.6,
        "d": 0.5,
    }
    assert ranking.applicants == ("c", "b", "d", "a")  # b and d tie: listed by id
    assert ranking.ranks == {"c": 1, "b": 2, "d": 2, "a": 4}
    assert ranking.normalised is not None
    assert ranking.normalised["c"] == {"c1": 0.5, "c2": 0.5, "c3": 1.0}
    assert [i.to_dict() for i in ranking.imputed] == [
        {
            "applicant": "b",
            "criterion": "c3",
            "value_used": 5.0,
            "reason": "missing value: worst observed value used",
        }
    ]
    document = ranking.to_dict()
    assert [c["weight"] for c in document["criteria"]] == [0.5, 0.3, 0.2]
    assert document["normalisation"].startswith("min-max per criterion")


def test_sensitivity_worked_by_hand():
    # c1 × 1.2 → weights 0.6, 0.24, 0.16: a 0.24, b 0.6, c 0.3 + 0.12 + 0.16 = 0.58, d 0.6:
    # b and d move to 1, c to 3. Every other scenario keeps c 1, b = d 2, a 4.
    ranking = rank_applicants(HAND_ROWS, HAND_CRITERIA)
    up = next(s for s in ranking.scenarios if s.criterion == "c1" and s.factor == 1.2)
    assert {k: round(v, 12) for k, v in up.weights.items()} == {"c1": 0.6, "c2": 0.24, "c3": 0.16}
    assert up.ranks == {"b": 1, "d": 1, "c": 3, "a": 4}
    assert len(ranking.scenarios) == 6
    assert [s.to_dict() for s in ranking.sensitivity] == [
        {"applicant": "c", "base_rank": 1, "min_rank": 1, "max_rank": 3, "stable": False},
        {"applicant": "b", "base_rank": 2, "min_rank": 1, "max_rank": 2, "stable": False},
        {"applicant": "d", "base_rank": 2, "min_rank": 1, "max_rank": 2, "stable": False},
        {"applicant": "a", "base_rank": 4, "min_rank": 4, "max_rank": 4, "stable": True},
    ]
    assert ranking.to_dict()["sensitivity"]["stable_positions"] == [4]


def test_perturbed_weights_keep_the_sum_and_the_proportions():
    moved = perturbed_weights([0.5, 0.3, 0.2], 1, 0.8)
    assert moved == pytest.approx([0.5 * 0.76 / 0.7, 0.24, 0.2 * 0.76 / 0.7], abs=1e-15)
    assert math.fsum(moved) == pytest.approx(1.0, abs=1e-12)


def test_weighted_sum_agrees_with_pymcdm_wsm_on_min_max():
    rows = {k: {c: v if v is not None else 5.0 for c, v in r.items()} for k, r in HAND_ROWS.items()}
    ranking = rank_applicants(rows, HAND_CRITERIA)
    matrix = np.array([[rows[k][c] for c in ("c1", "c2", "c3")] for k in "abcd"])
    reference = WSM(minmax_normalization)(matrix, np.array([0.5, 0.3, 0.2]), np.array([1, -1, 1]))
    assert [ranking.scores[k] for k in "abcd"] == pytest.approx(list(reference), abs=1e-12)


def test_topsis_matches_pymcdm_published_example():
    # pymcdm 1.4.0, TOPSIS class docstring (method of Hwang & Yoon 1981): matrix
    # [[1, 3000], [2, 3750], [5, 4500]], weights 0.5/0.5, types cost/benefit →
    # preferences [0.500, 0.617, 0.500]. By hand: b has D+ = √0.078125, D- = √0.203125,
    # P = D- / (D+ + D-) = 0.6172178.
    rows = {
        "a": {"x": 1.0, "y": 3000.0},
        "b": {"x": 2.0, "y": 3750.0},
        "c": {"x": 5.0, "y": 4500.0},
    }
    criteria = [criterion("x", "cost", 0.5), criterion("y", "benefit", 0.5)]
    ranking = rank_applicants(rows, criteria, "topsis")
    assert round(ranking.scores["a"], 3) == 0.5
    by_hand = math.sqrt(0.203125) / (math.sqrt(0.078125) + math.sqrt(0.203125))
    assert ranking.scores["b"] == pytest.approx(by_hand, abs=1e-12)
    assert round(ranking.scores["b"], 3) == 0.617
    assert round(ranking.scores["c"], 3) == 0.5
    assert ranking.ranks == {"b": 1, "a": 2, "c": 2}


def test_promethee_ii_matches_pymcdm_published_example():
    # pymcdm 1.4.0, PROMETHEE_II docstring, 'usual' preference: net flows [0.1, -0.3, 0.2]
    # (by hand: φ+(a) = (0.8 + 0.3) / 2, φ-(a) = (0.2 + 0.7) / 2, ...).
    rows = {
        "a": {"p": 4.0, "q": 3.0, "r": 2.0},
        "b": {"p": 3.0, "q": 2.0, "r": 4.0},
        "c": {"p": 5.0, "q": 1.0, "r": 3.0},
    }
    criteria = [
        criterion("p", "benefit", 0.5),
        criterion("q", "benefit", 0.3),
        criterion("r", "benefit", 0.2),
    ]
    ranking = rank_applicants(rows, criteria, "promethee")
    assert {k: round(v, 9) for k, v in ranking.scores.items()} == {"a": 0.1, "b": -0.3, "c": 0.2}
    assert ranking.applicants == ("c", "a", "b")


def test_weights_must_sum_to_one():
    criteria = [criterion("x", "benefit", 0.5), criterion("y", "benefit", 0.4)]
    with pytest.raises(SelectionError) as caught:
        rank_applicants({"a": {"x": 1.0, "y": 2.0}}, criteria)
    assert caught.value.problems == [
        "field 'criteria[*].weight': the weights must sum to 1 (±1e-09); they sum to 0.9 "
        "(0.5 + 0.4)"
    ]


def test_a_criterion_missing_for_everyone_does_not_discriminate():
    criteria = [criterion("x", "benefit", 0.7), criterion("y", "cost", 0.3)]
    ranking = rank_applicants({"a": {"x": 1.0, "y": None}, "b": {"x": 3.0, "y": None}}, criteria)
    assert ranking.scores == {"a": 0.3, "b": 1.0}
    assert [i.reason for i in ranking.imputed] == [
        "missing for every applicant: 0 used (does not discriminate)"
    ] * 2


def test_one_applicant_ranks_first_with_every_method():
    criteria = [criterion("x", "benefit", 1.0)]
    for method in ("weighted-sum", "topsis", "promethee"):
        ranking = rank_applicants({"only": {"x": 3.0}}, criteria, method)
        assert ranking.ranks == {"only": 1}


def test_unknown_method_is_refused():
    with pytest.raises(SelectionError) as caught:
        rank_applicants({"a": {"x": 1.0}}, [criterion("x", "benefit", 1.0)], "electre")
    assert caught.value.problems == [
        "unknown ranking method 'electre' (one of weighted-sum, topsis, promethee)"
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=2, max_value=6).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=4).flatmap(
                lambda ks: st.tuples(
                    st.just(ks),
                    st.lists(
                        st.lists(
                            st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6)),
                            min_size=len(ks),
                            max_size=len(ks),
                        ),
                        min_size=n,
                        max_size=n,
                    ),
                )
            ),
            st.sampled_from(["weighted-sum", "topsis", "promethee"]),
        )
    )
)
def test_ranking_invariants(case):
    (ks, matrix), method = case
    total = sum(ks)
    criteria = [
        criterion(f"k{j}", "benefit" if j % 2 == 0 else "cost", k / total) for j, k in enumerate(ks)
    ]
    rows = {f"a{i}": {f"k{j}": v for j, v in enumerate(row)} for i, row in enumerate(matrix)}
    ranking = rank_applicants(rows, criteria, method)
    ranks = [ranking.ranks[cid] for cid in ranking.applicants]
    assert ranks == sorted(ranks) and ranks[0] == 1
    for position, cid in enumerate(ranking.applicants, 1):
        better = sum(1 for other in ranking.applicants if ranking.ranks[other] < ranking.ranks[cid])
        assert ranking.ranks[cid] == better + 1 <= position
    if method == "weighted-sum":
        assert all(-1e-12 <= s <= 1 + 1e-12 for s in ranking.scores.values())
    for row in ranking.sensitivity:
        assert row.min_rank <= row.base_rank <= row.max_rank
    for scenario in ranking.scenarios:
        assert math.fsum(scenario.weights.values()) == pytest.approx(1.0, abs=1e-12)
    missing = sum(1 for row in matrix for v in row if v is None)
    assert len(ranking.imputed) == missing
