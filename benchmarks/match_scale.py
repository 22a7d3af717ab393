"""Matching at scale: districts of 1,000, 10,000 and 100,000 firms (about 12 flows each).

Usage: python benchmarks/match_scale.py [--sizes 1000,10000,100000] [--brute-force-firms 300]

Firms are copies of the 30 demo firms (their real descriptions, EWC codes, ATECO codes and
quantities), spread over a 2° x 3° region around Modena with a fixed seed, without `supplied_by`
links. Each size runs in a fresh subprocess so that its peak memory (ru_maxrss) is its own; the
time is that of `match_district(top_k=5)`, the work of `ecodistrict match --top 5` after the file
is read. The brute-force comparison scores every output against every firm with the same score
function, on a smaller district, checks that the rankings are equal, and reports the speed-up.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from importlib.resources import files

import yaml

from ecodistrict.domain.models import DistrictFile
from ecodistrict.matching import match_district
from ecodistrict.matching.engine import MatchingOptions, brute_force_candidates, rank_candidates


def generated_district(firms: int, seed: int = 7) -> DistrictFile:
    demo = yaml.safe_load((files("ecodistrict") / "data/demo/formigine-demo.yaml").read_text())
    rng = random.Random(seed)
    companies = []
    for n in range(firms):
        template = demo["companies"][n % len(demo["companies"])]
        flows = []
        for flow in template["flows"]:
            copy = {k: v for k, v in flow.items() if k != "supplied_by"}
            flows.append(copy)
        companies.append(
            {
                **{k: v for k, v in template.items() if k not in ("flows", "id", "location")},
                "id": f"{template['id']}-{n}",
                "location": {"lat": 44.0 + rng.random() * 2.0, "lon": 9.5 + rng.random() * 3.0},
                "flows": flows,
            }
        )
    return DistrictFile.model_validate(
        {"format": "ecodistrict/1", "district": demo["district"], "companies": companies}
    )


def measure(firms: int) -> dict[str, float]:
    district = generated_district(firms)
    flows = sum(len(c.flows) for c in district.companies)
    start = time.perf_counter()
    results = match_district(district, top_k=5)
    elapsed = time.perf_counter() - start
    return {
        "firms": firms,
        "flows": flows,
        "matches": len(results.matches),
        "seconds": elapsed,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def brute_force_comparison(firms: int) -> dict[str, float]:
    """Speed-up of the default indexed search over brute force, and equality of the rankings
    when the per-key caps do not bind (unbounded caps: the same candidates, the same scores)."""
    district = generated_district(firms)
    options = MatchingOptions(top_k=5)
    start = time.perf_counter()
    rank_candidates(district, options)
    indexed_seconds = time.perf_counter() - start
    start = time.perf_counter()
    brute = brute_force_candidates(district, options)
    brute_seconds = time.perf_counter() - start
    unbounded, _ = rank_candidates(
        district, MatchingOptions(top_k=5, cap=10**9, max_scored=10**9, cap_inferred=10**9)
    )

    def key(ranked: list) -> list:
        return [[(c.firm.company.id, round(c.score, 12)) for c in group] for group in ranked]

    return {
        "firms": firms,
        "indexed_seconds": indexed_seconds,
        "brute_seconds": brute_seconds,
        "speed_up": brute_seconds / indexed_seconds,
        "equal": key(unbounded) == key(brute),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--brute-force-firms", type=int, default=300)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # run one size, print JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    print("| firms | flows | matches | match_district (s) | peak memory (MiB) |")
    print("| --- | --- | --- | --- | --- |")
    for size in (int(s) for s in args.sizes.split(",")):
        proc = subprocess.run(
            [sys.executable, __file__, "--one", str(size)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        row = json.loads(proc.stdout)
        print(
            f"| {row['firms']:,} | {row['flows']:,} | {row['matches']:,} | "
            f"{row['seconds']:.1f} | {row['peak_mib']:.0f} |"
        )
    if args.brute_force_firms:
        row = brute_force_comparison(args.brute_force_firms)
        print(
            f"\nbrute force on {row['firms']} firms: {row['brute_seconds']:.1f} s, indexed "
            f"{row['indexed_seconds']:.2f} s, speed-up {row['speed_up']:.1f}x, "
            f"rankings equal: {row['equal']}"
        )


if __name__ == "__main__":
    main()
