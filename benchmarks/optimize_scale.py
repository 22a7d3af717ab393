"""Network optimisation with 1,000 firms and 10,000 candidate exchanges, and settlement of 80
applicants on 40 lots: time, status and gap. Results in docs/benchmarks.md.

Usage: python benchmarks/optimize_scale.py [--firms 1000] [--candidates 10000]
       [--applicants 80] [--lots 40] [--time-limit 60] [--seed 2026] [--pair-probability 0.05]

Network: every firm has two outputs and two inputs (material, energy or water at random, 10 to
5,000 units a year); each candidate joins a random output to a random input of the same kind of
another firm, 0.5 to 60 km apart, with a CO2 factor of 0 to 2 t per unit. Solved four ways:
closure and CO2 objectives as LPs, CO2 with a 30 km maximum distance, and CO2 with a 50-unit
minimum size (a MIP with one binary per candidate). Settlement: lots on a grid 200 m apart
(2,000 to 12,000 m2, a quarter restricted to some ATECO divisions), applicants of six activity
classes needing 1,000 to 10,000 m2, food (10) not within 350 m of waste treatment (38), each
applicant linked to three of 30 firms present and, with probability 5 % (--pair-probability), to
another applicant.
CP-SAT with 2 workers and the time limit; the gap is CP-SAT's own (best bound vs best found).
"""

from __future__ import annotations

import argparse
import platform
import random
import time

from ecodistrict.domain.models import GeoPoint
from ecodistrict.optimize.lots import Incompatibility, Lot, ObjectiveFactors
from ecodistrict.optimize.network import CandidateExchange, CycleBaseline, optimise_network
from ecodistrict.optimize.settlement import (
    Link,
    Position,
    PresentFirm,
    SettlementApplicant,
    SettlementProblem,
    settle,
)

KINDS = ("material", "energy", "water")


def network_candidates(firms: int, count: int, rng: random.Random) -> list[CandidateExchange]:
    outputs = [
        (f"f{i}", f"o{k}", rng.choice(KINDS), rng.uniform(10, 5000))
        for i in range(firms)
        for k in range(2)
    ]
    inputs = [
        (f"f{i}", f"i{k}", rng.choice(KINDS), rng.uniform(10, 5000))
        for i in range(firms)
        for k in range(2)
    ]
    by_kind = {kind: [item for item in inputs if item[2] == kind] for kind in KINDS}
    seen: set[tuple[str, str, str, str]] = set()
    candidates: list[CandidateExchange] = []
    while len(candidates) < count:
        supplier, out_flow, kind, available = rng.choice(outputs)
        receiver, in_flow, _, need = rng.choice(by_kind[kind])
        key = (supplier, out_flow, receiver, in_flow)
        if receiver == supplier or key in seen:
            continue
        seen.add(key)
        candidates.append(
            CandidateExchange(
                supplier=supplier,
                supplier_flow=out_flow,
                receiver=receiver,
                receiver_flow=in_flow,
                kind=kind,
                available=available,
                need=need,
                distance_km=rng.uniform(0.5, 60),
                co2_per_unit=rng.uniform(0, 2),
                waste=kind == "material" and rng.random() < 0.5,
            )
        )
    return candidates


def settlement_instance(
    applicants: int, lots: int, rng: random.Random, pair_probability: float = 0.05
) -> SettlementProblem:
    classes = ("10.51", "38.21", "25.11", "23.31", "22.29", "20.30")
    grid = [
        Lot(
            id=f"l{j:02d}",
            area_m2=rng.randint(4, 24) * 500,
            location=GeoPoint(lat=44.57 + (j // 8) * 0.0018, lon=10.87 + (j % 8) * 0.0025),
            allowed_ateco=rng.choice([["10", "25"], ["22", "23", "20"], ["38", "25"]])
            if j % 4 == 0
            else [],
        )
        for j in range(lots)
    ]
    people = tuple(
        SettlementApplicant(
            f"a{i:02d}", rng.choice(classes), rng.randint(2, 20) * 500, round(rng.random(), 4)
        )
        for i in range(applicants)
    )
    present = tuple(
        PresentFirm(
            f"p{k}",
            rng.choice(classes),
            Position(44.50 + rng.random() * 0.15, 10.75 + rng.random() * 0.2),
        )
        for k in range(30)
    )
    links = [
        Link(a.id, p.id, rng.uniform(0, 400), rng.uniform(0, 3000))
        for a in people
        for p in rng.sample(present, 3)
    ]
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            if rng.random() < pair_probability:
                links.append(Link(a.id, b.id, rng.uniform(0, 200), rng.uniform(0, 1000)))
    rule = Incompatibility(
        id="food-waste",
        label_it="Alimentare non accanto ai rifiuti",
        label_en="Food not next to waste",
        classes_a=["10"],
        classes_b=["38"],
        within_km=0.35,
    )
    return SettlementProblem(
        applicants=people,
        lots=tuple(grid),
        present=present,
        links=tuple(links),
        incompatibilities=(rule,),
        factors=ObjectiveFactors(score_weight=1000),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--firms", type=int, default=1000)
    parser.add_argument("--candidates", type=int, default=10000)
    parser.add_argument("--applicants", type=int, default=80)
    parser.add_argument("--lots", type=int, default=40)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--pair-probability", type=float, default=0.05, help="Link between two applicants."
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"python {platform.python_version()} on {platform.machine()}")
    candidates = network_candidates(args.firms, args.candidates, rng)
    baseline = {
        "matter": CycleBaseline(5000.0, 2_000_000.0),
        "energy": CycleBaseline(0.0, 1_500_000.0),
        "water": CycleBaseline(100.0, 1_000_000.0),
        "waste": CycleBaseline(1000.0, 500_000.0),
    }
    print(f"network: {args.firms} firms, {len(candidates)} candidates")
    runs = [
        ("closure, LP", {"objective": "closure"}),
        ("co2, LP", {"objective": "co2"}),
        ("co2, max 30 km, LP", {"objective": "co2", "max_distance_km": 30.0}),
        ("co2, min size 50, MIP", {"objective": "co2", "min_size": 50.0}),
    ]
    for label, options in runs:
        started = time.perf_counter()
        solution = optimise_network(
            candidates, baseline=baseline, time_limit_s=args.time_limit, **options
        )
        seconds = time.perf_counter() - started
        print(
            f"  {label:24s} {solution.status:8s} {seconds:7.2f} s  gap {solution.gap:.2e}  "
            f"exchanges {len(solution.chosen):5d}  objective {solution.objective:,.1f}"
        )
    problem = settlement_instance(args.applicants, args.lots, rng, args.pair_probability)
    print(
        f"settlement: {args.applicants} applicants, {args.lots} lots, {len(problem.links)} links, "
        f"time limit {args.time_limit:g} s, 2 workers"
    )
    started = time.perf_counter()
    result = settle(problem, time_limit_s=args.time_limit, workers=2)
    seconds = time.perf_counter() - started
    print(
        f"  {result.status:8s} {seconds:7.2f} s  gap {result.gap:.3%}  settled "
        f"{len(result.placements)}  objective {result.objective:,.1f}  bound "
        f"{result.best_bound:,.1f}"
    )


if __name__ == "__main__":
    main()
