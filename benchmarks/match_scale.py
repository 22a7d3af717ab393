"""Matching at scale: districts of 1,000, 10,000 and 100,000 firms (about 12 flows each).

Usage: python benchmarks/match_scale.py [--sizes 1000,10000,100000] [--workers N]
                                       [--brute-force-firms 300] [--agreement-firms 2000]

Firms are copies of the 30 demo firms (their real descriptions, EWC codes, ATECO codes and
quantities), spread over a 2° x 3° region around Modena with a fixed seed, without `supplied_by`
links. Each size runs in a fresh subprocess so that its peak memory is its own; the time is
that of `ecodistrict match --top 5 --format json` once the file is read: `write_matches_json`,
the matches streamed as JSON into the null device, in one process per core from 20,000 outputs.
Peak memory is measured twice: the sum of the proportional set sizes (PSS, from
/proc/PID/smaps_rollup: a page shared by two processes counts half in each) of the process and
its forked processes, sampled by a watcher process (every 0.5 s or more, so that it takes at
most a tenth of a core); and, as a bound, the parent's peak RSS plus the largest forked
process's peak RSS (which counts the shared pages twice). The brute-force comparison scores
every output against every firm with the same score function, on a smaller district, checks
that the rankings are equal, and reports the speed-up.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from importlib.resources import files
from pathlib import Path

import yaml

from ecodistrict.domain.models import DistrictFile
from ecodistrict.matching.engine import (
    UNBOUNDED,
    MatchingOptions,
    brute_force_candidates,
    rank_candidates,
)
from ecodistrict.matching.results import write_matches_json


def generated_district(firms: int, seed: int = 7, unique: bool = False) -> DistrictFile:
    """Copies of the demo firms; with `unique`, every description ends with the firm's own
    plant name (a made-up word), so that no two firms write the same text: the case where
    equal descriptions save nothing."""
    demo = yaml.safe_load((files("ecodistrict") / "data/demo/formigine-demo.yaml").read_text())
    rng = random.Random(seed)
    companies = []
    for n in range(firms):
        template = demo["companies"][n % len(demo["companies"])]
        flows = []
        plant = f"stabilimento {_made_up_word(n)}"
        for flow in template["flows"]:
            copy = {k: v for k, v in flow.items() if k != "supplied_by"}
            if unique:
                copy["description"] = f"{copy['description']} ({plant})"
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


def _made_up_word(n: int) -> str:
    letters = "bcdfglmnprstvz"
    vowels = "aeiou"
    word = ""
    while True:  # n written in alternating consonants and vowels: a pronounceable, unique word
        n, c = divmod(n, len(letters))
        n, v = divmod(n, len(vowels))
        word += letters[c] + vowels[v]
        if n == 0:
            return word


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass  # the process has just ended
    return 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The parent pid is the 2nd field after the parenthesised command name.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def watch(pid: int) -> None:
    """Sample the PSS of `pid` and its children until SIGTERM; then print the peak (MiB)."""
    peak = 0

    def stop(*_: object) -> None:
        print(f"{peak / 1024:.0f}", flush=True)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    me = os.getpid()  # the watcher is a child of the watched process too: not counted
    while Path(f"/proc/{pid}").exists():  # ends by itself if the watched process dies
        began = time.perf_counter()
        children = [c for c in _children(pid) if c != me]
        peak = max(peak, _pss_kib(pid) + sum(_pss_kib(c) for c in children))
        # Reading smaps_rollup walks the page tables of gigabytes: at most a tenth of one core.
        time.sleep(max(0.5, 9 * (time.perf_counter() - began)))
    stop()


def measure(firms: int, workers: int | None, unique: bool = False) -> dict[str, float]:
    # The watcher is a process, not a thread: matching forks its workers only when the
    # process runs a single thread.
    watcher = subprocess.Popen(
        [sys.executable, __file__, "--watch", str(os.getpid())], stdout=subprocess.PIPE, text=True
    )
    try:
        district = generated_district(firms, unique=unique)
        flows = sum(len(c.flows) for c in district.companies)
        start = time.perf_counter()
        # What `ecodistrict match --top 5 --format json` does once the file is read: the
        # matches streamed as JSON, chunk by chunk (here into the null device).
        with open(os.devnull, "w", encoding="utf-8") as sink:
            matches = write_matches_json(district, sink, top_k=5, workers=workers)
        elapsed = time.perf_counter() - start
    finally:
        watcher.send_signal(signal.SIGTERM)
        pss_mib = float(watcher.communicate()[0].strip() or "nan")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "firms": firms,
        "flows": flows,
        "matches": matches,
        "seconds": elapsed,
        # The forked processes share the parent's pages until they write them: the sum of the
        # parent's peak and the largest child's peak is an upper bound of the memory used.
        "peak_mib": own + children,
        "peak_pss_mib": pss_mib,
    }


def _key(ranked: list) -> list:
    return [[(c.firm.company.id, round(c.score, 12)) for c in group] for group in ranked]


def brute_force_comparison(firms: int) -> dict[str, float]:
    """Speed-up of the indexed search over brute force, and equality of the rankings (a
    district of at most EXHAUSTIVE_UP_TO_FIRMS firms is searched exhaustively)."""
    district = generated_district(firms)
    options = MatchingOptions(top_k=5)
    start = time.perf_counter()
    indexed, _ = rank_candidates(district, options)
    indexed_seconds = time.perf_counter() - start
    start = time.perf_counter()
    brute = brute_force_candidates(district, options)
    brute_seconds = time.perf_counter() - start
    return {
        "firms": firms,
        "indexed_seconds": indexed_seconds,
        "brute_seconds": brute_seconds,
        "speed_up": brute_seconds / indexed_seconds,
        "equal": _key(indexed) == _key(brute),
    }


def bounded_agreement(firms: int) -> dict[str, float]:
    """How often the bounded search (above EXHAUSTIVE_UP_TO_FIRMS) returns the exhaustive top 5."""
    district = generated_district(firms)
    bounded, _ = rank_candidates(district, MatchingOptions(top_k=5))
    every = UNBOUNDED
    unbounded = MatchingOptions(top_k=5, cap=every, max_scored=every, cap_inferred=every)
    exhaustive, _ = rank_candidates(district, unbounded)
    pairs = list(zip(_key(bounded), _key(exhaustive), strict=True))
    same_list = sum(1 for a, b in pairs if a == b)
    same_best = sum(1 for a, b in pairs if a[:1] == b[:1])
    found = sum(len(set(a) & set(b)) for a, b in pairs)
    return {
        "firms": firms,
        "outputs": len(pairs),
        "same_list": same_list / len(pairs),
        "same_best": same_best / len(pairs),
        "recall": found / max(1, sum(len(b) for _, b in pairs)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: cores)")
    parser.add_argument("--brute-force-firms", type=int, default=300)
    parser.add_argument("--agreement-firms", type=int, default=2000)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # run one size, print JSON
    parser.add_argument("--watch", type=int, help=argparse.SUPPRESS)  # sample a process's PSS
    parser.add_argument(
        "--unique-descriptions",
        action="store_true",
        help="every firm's descriptions end with its own plant name (no two texts equal)",
    )
    args = parser.parse_args()
    if args.watch:
        watch(args.watch)
        return
    if args.one:
        print(json.dumps(measure(args.one, args.workers, args.unique_descriptions)))
        return
    print(
        "| firms | flows | matches | match, streamed JSON (s) | peak PSS, all processes (MiB) "
        "| bound: parent + largest child peak RSS (MiB) |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for size in (int(s) for s in args.sizes.split(",")):
        command = [sys.executable, __file__, "--one", str(size)]
        if args.unique_descriptions:
            command.append("--unique-descriptions")
        if args.workers is not None:
            command += ["--workers", str(args.workers)]
        proc = subprocess.run(command, capture_output=True, text=True, check=True)
        row = json.loads(proc.stdout)
        print(
            f"| {row['firms']:,} | {row['flows']:,} | {row['matches']:,} | "
            f"{row['seconds']:.1f} | {row['peak_pss_mib']:.0f} | {row['peak_mib']:.0f} |",
            flush=True,
        )
    if args.brute_force_firms:
        row = brute_force_comparison(args.brute_force_firms)
        print(
            f"\nbrute force on {row['firms']} firms: {row['brute_seconds']:.1f} s, indexed "
            f"{row['indexed_seconds']:.2f} s, speed-up {row['speed_up']:.1f}x, "
            f"rankings equal: {row['equal']}"
        )
    if args.agreement_firms:
        row = bounded_agreement(args.agreement_firms)
        print(
            f"bounded search on {row['firms']:,} firms ({row['outputs']:,} outputs): the same "
            f"top 5 as the exhaustive search for {100 * row['same_list']:.1f}% of the outputs, "
            f"the same best receiver for {100 * row['same_best']:.1f}%, "
            f"{100 * row['recall']:.1f}% of the exhaustive top-5 pairs found"
        )


if __name__ == "__main__":
    main()
