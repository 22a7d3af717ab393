"""Multi-criteria ranking of eligible applicants, and its sensitivity to the weights.

Methods: weighted sum (the default: easiest to explain to an applicant), TOPSIS and PROMETHEE II
(through pymcdm). Rules, documented in docs/selection.md:

- Normalisation (weighted sum and TOPSIS): min-max per criterion over the applicants ranked;
  benefit (x - min) / (max - min), cost (max - x) / (max - min); a criterion on which every
  applicant has the same value gives 1 to all (it does not discriminate). PROMETHEE II uses the
  "usual" preference function on the raw values (any positive difference is a full preference).
- Missing values: replaced by the worst value observed among the applicants for that criterion
  (the minimum for a benefit, the maximum for a cost) and flagged in the result; when nobody has
  a value, 0 for all (the criterion then does not discriminate).
- Ties: scores equal within 1e-9 share the best rank of the group (1, 2, 2, 4), and tied
  applicants are listed by company id.
- Sensitivity: each weight in turn is multiplied by 0.8 and by 1.2, the other weights rescaled
  proportionally so that the sum stays 1; an applicant's position is stable when its rank is the
  same in the base ranking and in every such scenario.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ecodistrict.selection.call import Criterion, SelectionError, weight_problems

METHODS = ("weighted-sum", "topsis", "promethee")
TIE_TOLERANCE = 1e-9
SENSITIVITY_STEP = 0.2

NORMALISATION = {
    "weighted-sum": "min-max per criterion: benefit (x-min)/(max-min), cost (max-x)/(max-min); "
    "a constant criterion gives 1",
    "topsis": "min-max per criterion (pymcdm default for TOPSIS); distances to the ideal and "
    "anti-ideal of the weighted normalised matrix",
    "promethee": "none: PROMETHEE II with the 'usual' preference function on raw differences; "
    "score = net outranking flow",
}


@dataclass(frozen=True)
class Imputed:
    applicant: str
    criterion: str
    value_used: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "applicant": self.applicant,
            "criterion": self.criterion,
            "value_used": self.value_used,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class SensitivityRow:
    applicant: str
    base_rank: int
    min_rank: int
    max_rank: int

    @property
    def stable(self) -> bool:
        return self.min_rank == self.max_rank

    def to_dict(self) -> dict[str, Any]:
        return {
            "applicant": self.applicant,
            "base_rank": self.base_rank,
            "min_rank": self.min_rank,
            "max_rank": self.max_rank,
            "stable": self.stable,
        }


@dataclass(frozen=True)
class Scenario:
    criterion: str
    factor: float
    weights: dict[str, float]
    ranks: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "factor": self.factor,
            "weights": {k: round(v, 12) for k, v in self.weights.items()},
            "ranks": self.ranks,
        }


@dataclass(frozen=True)
class Ranking:
    method: str
    criteria: tuple[Criterion, ...]
    applicants: tuple[str, ...]  # in ranking order (rank, then company id)
    values: dict[str, dict[str, float]]  # after imputation
    normalised: dict[str, dict[str, float]] | None  # weighted sum only
    scores: dict[str, float]
    ranks: dict[str, int]
    imputed: tuple[Imputed, ...]
    scenarios: tuple[Scenario, ...]
    sensitivity: tuple[SensitivityRow, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "normalisation": NORMALISATION[self.method],
            "ties": "scores equal within 1e-9 share the best rank; listed by company id",
            "missing_values": "worst observed value of the criterion, flagged in 'imputed'",
            "criteria": [
                {
                    "id": c.id,
                    "indicator": c.indicator,
                    "direction": c.direction,
                    "weight": c.weight,
                    "label_it": c.label_it,
                    "label_en": c.label_en,
                }
                for c in self.criteria
            ],
            "ranking": [
                {
                    "applicant": cid,
                    "rank": self.ranks[cid],
                    "score": round(self.scores[cid], 9),
                    "values": self.values[cid],
                    "normalised": (
                        {k: round(v, 9) for k, v in self.normalised[cid].items()}
                        if self.normalised is not None
                        else None
                    ),
                }
                for cid in self.applicants
            ],
            "imputed": [i.to_dict() for i in self.imputed],
            "sensitivity": {
                "step": SENSITIVITY_STEP,
                "rule": "each weight x0.8 and x1.2, the others rescaled proportionally to sum 1",
                "applicants": [s.to_dict() for s in self.sensitivity],
                "scenarios": [s.to_dict() for s in self.scenarios],
                "stable_positions": [s.base_rank for s in self.sensitivity if s.stable],
            },
        }


def fill_missing(
    rows: Mapping[str, Mapping[str, float | None]], criteria: Sequence[Criterion]
) -> tuple[dict[str, dict[str, float]], list[Imputed]]:
    """Replace each missing value by the worst observed value of its criterion (flagged)."""
    filled: dict[str, dict[str, float]] = {cid: {} for cid in rows}
    imputed: list[Imputed] = []
    for criterion in criteria:
        observed = [v[criterion.id] for v in rows.values() if v.get(criterion.id) is not None]
        present = [float(x) for x in observed if x is not None]
        if present:
            worst = min(present) if criterion.direction == "benefit" else max(present)
            reason = "missing value: worst observed value used"
        else:
            worst, reason = 0.0, "missing for every applicant: 0 used (does not discriminate)"
        for cid, row in rows.items():
            value = row.get(criterion.id)
            if value is None:
                filled[cid][criterion.id] = worst
                imputed.append(Imputed(cid, criterion.id, worst, reason))
            else:
                filled[cid][criterion.id] = float(value)
    return filled, imputed


def min_max(column: NDArray[np.float64], cost: bool) -> NDArray[np.float64]:
    low, high = float(column.min()), float(column.max())
    if high - low <= 0:
        return np.ones_like(column)
    if cost:
        return (high - column) / (high - low)
    return (column - low) / (high - low)


def method_scores(
    matrix: NDArray[np.float64], weights: NDArray[np.float64], cost: Sequence[bool], method: str
) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
    """Preference scores (higher is better) and, for the weighted sum, the normalised matrix."""
    if method == "weighted-sum":
        normalised = np.column_stack(
            [min_max(matrix[:, j], cost[j]) for j in range(matrix.shape[1])]
        )
        return normalised @ weights, normalised
    if matrix.shape[0] == 1:
        return np.ones(1), None  # one applicant: nothing to compare
    from pymcdm.methods import PROMETHEE_II, TOPSIS

    types = np.array([-1 if c else 1 for c in cost])
    if method == "topsis":
        body: Any = TOPSIS()
    elif method == "promethee":
        body = PROMETHEE_II("usual")
    else:
        raise SelectionError([f"unknown ranking method '{method}' (one of {', '.join(METHODS)})"])
    # pymcdm warns when an applicant dominates or is dominated by the others: normal in a call.
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", UserWarning)
        scores = np.asarray(body(matrix, weights, types), dtype=float)
    # TOPSIS divides by zero when every criterion is constant: everyone is then equal.
    return np.nan_to_num(scores, nan=0.0), None


def competition_ranks(scores: Mapping[str, float]) -> tuple[list[str], dict[str, int]]:
    """Order (rank, then id) and ranks; scores within TIE_TOLERANCE share the best rank."""
    order = sorted(scores, key=lambda cid: (-scores[cid], cid))
    ranks: dict[str, int] = {}
    for position, cid in enumerate(order, 1):
        previous = order[position - 2] if position > 1 else None
        if previous is not None and abs(scores[previous] - scores[cid]) <= TIE_TOLERANCE:
            ranks[cid] = ranks[previous]
        else:
            ranks[cid] = position
    order.sort(key=lambda cid: (ranks[cid], cid))
    return order, ranks


def perturbed_weights(weights: Sequence[float], index: int, factor: float) -> list[float]:
    """Weight `index` times `factor`, the others rescaled proportionally to keep the sum 1."""
    moved = weights[index] * factor
    rest = math.fsum(w for i, w in enumerate(weights) if i != index)
    if rest <= 0:
        return list(weights)
    scale = (1.0 - moved) / rest
    return [moved if i == index else w * scale for i, w in enumerate(weights)]


def rank_applicants(
    rows: Mapping[str, Mapping[str, float | None]],
    criteria: Sequence[Criterion],
    method: str = "weighted-sum",
    *,
    sensitivity_step: float = SENSITIVITY_STEP,
) -> Ranking:
    """Rank applicants (rows: applicant -> criterion id -> value or None) by `method`."""
    if method not in METHODS:
        raise SelectionError([f"unknown ranking method '{method}' (one of {', '.join(METHODS)})"])
    if not criteria:
        raise SelectionError(["the ranking needs at least one criterion"])
    if not rows:
        raise SelectionError(["no applicant to rank"])
    problems = weight_problems([c.weight for c in criteria])
    if problems:
        raise SelectionError(problems)
    filled, imputed = fill_missing(rows, criteria)
    ids = list(rows)
    matrix = np.array([[filled[cid][c.id] for c in criteria] for cid in ids], dtype=float)
    weights = [c.weight for c in criteria]
    cost = [c.direction == "cost" for c in criteria]

    def ranks_for(w: Sequence[float]) -> tuple[dict[str, float], NDArray[np.float64] | None]:
        scores, normalised = method_scores(matrix, np.array(w, dtype=float), cost, method)
        return {cid: float(scores[i]) for i, cid in enumerate(ids)}, normalised

    scores, normalised = ranks_for(weights)
    order, ranks = competition_ranks(scores)
    scenarios: list[Scenario] = []
    if len(criteria) > 1:
        for j, criterion in enumerate(criteria):
            for factor in (1.0 - sensitivity_step, 1.0 + sensitivity_step):
                moved = perturbed_weights(weights, j, factor)
                _, moved_ranks = competition_ranks(ranks_for(moved)[0])
                scenarios.append(
                    Scenario(
                        criterion.id,
                        factor,
                        {c.id: moved[k] for k, c in enumerate(criteria)},
                        moved_ranks,
                    )
                )
    sensitivity = tuple(
        SensitivityRow(
            cid,
            ranks[cid],
            min([ranks[cid], *(s.ranks[cid] for s in scenarios)]),
            max([ranks[cid], *(s.ranks[cid] for s in scenarios)]),
        )
        for cid in order
    )
    return Ranking(
        method=method,
        criteria=tuple(criteria),
        applicants=tuple(order),
        values=filled,
        normalised=(
            {
                cid: {c.id: float(normalised[i, j]) for j, c in enumerate(criteria)}
                for i, cid in enumerate(ids)
            }
            if normalised is not None
            else None
        ),
        scores=scores,
        ranks=ranks,
        imputed=tuple(imputed),
        scenarios=tuple(scenarios),
        sensitivity=sensitivity,
    )
