"""The held-out proxy: each opened batch, evaluated with the knowledge base of its one reading.

Usage:
    python benchmarks/evaluate_matching_proxy.py [--batches 12c,12d,...]

Every batch of `benchmarks/symbiosis_cases/` was read once as the held-out test split and then
opened for tuning; routes were then written from its misses, so that evaluating it with today's
knowledge base flatters the engine. This script evaluates each opened batch with the recovery
routes as they stood at the commit of its reading (`git show <commit>:<routes file>`, so it
needs the repository's history) and today's engine code: a check that a change to the scoring
helps where the knowledge base does not yet know the topics. It becomes tuning data in its turn
once its misses are looked at (docs/matching.md): it informs, the unread test split decides.

Prints recall@1 / recall@5 per batch and scenario, and recall@1/3/5 and MRR over all.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import evaluate_matching as em

from ecodistrict.matching import match_district
from ecodistrict.matching.knowledge import RecoveryRoute, load_recovery_routes

REPO = Path(__file__).resolve().parent.parent
ROUTES_FILE = "src/ecodistrict/matching/data/recovery-routes.yaml"
#: Batch file tag -> commit of the engine (and knowledge base) at its one reading as the test
#: split (docs/matching.md, the table of held-out readings).
READ_AT = {
    "12c": "9bd7d69",
    "12d": "4756686",
    "12e": "4c4a0b8",
    "12f": "1ba9ec4",
    "12g": "d981b16",
    "12h": "e14aa23",
    "12i": "925bce8",
    "12j": "852f87c",
    "12k": "95c20d1",
    "12l": "95c20d1",
}


def routes_at(commit: str) -> tuple[RecoveryRoute, ...]:
    """The recovery routes of the knowledge base at `commit`."""
    text = subprocess.run(
        ["git", "-C", str(REPO), "show", f"{commit}:{ROUTES_FILE}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "recovery-routes.yaml"
        path.write_text(text, encoding="utf-8")
        return load_recovery_routes(path)


def batch_cases(tag: str) -> list[dict]:
    """The exchanges of one batch (`exchanges-2026-<tag>-*.yaml`), all evaluated."""
    cases = [
        dict(case)
        for path in em.case_files()
        if path.name.startswith(f"exchanges-2026-{tag}-")
        for case in em.load_cases(path)
    ]
    for case in cases:
        case["split"] = "tune"  # evaluate() selects by split: every case of the batch counts
    return cases


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", default=",".join(READ_AT), help="comma-separated tags")
    args = parser.parse_args(argv)
    tags = [t.strip() for t in args.batches.split(",") if t.strip()]
    unknown = [t for t in tags if t not in READ_AT]
    if unknown:
        parser.error(f"no reading commit for batch(es) {', '.join(unknown)}")
    distractors = em.load_distractors()
    ranks: dict[str, list[int | None]] = {scenario: [] for scenario in em.SCENARIOS}
    print("| batch | exchanges | declared R@1 / R@5 | inferred R@1 / R@5 |")
    print("| --- | --- | --- | --- |")
    for tag in tags:
        routes = routes_at(READ_AT[tag])
        cases = batch_cases(tag)

        def engine(district: Any, top_k: int, routes: Sequence[RecoveryRoute] = routes) -> Any:
            return match_district(district, top_k=top_k, routes=routes)

        results = em.evaluate(cases, distractors, splits=("tune",), engine=engine)
        row = []
        for scenario in em.SCENARIOS:
            found = [r.rank for r in results if r.method == "engine" and r.scenario == scenario]
            ranks[scenario].extend(found)
            summary = em.summarise(found)
            row.append(f"{summary['recall@1']:.2f} / {summary['recall@5']:.2f}")
        print(f"| {tag} ({READ_AT[tag]}) | {len(cases)} | {row[0]} | {row[1]} |")
    print()
    for scenario, found in ranks.items():
        s = em.summarise(found)
        print(
            f"all, {scenario}: {int(s['n'])} exchanges, recall@1 {s['recall@1']:.3f}, "
            f"recall@3 {s['recall@3']:.3f}, recall@5 {s['recall@5']:.3f}, MRR {s['mrr']:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
