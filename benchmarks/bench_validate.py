"""Measure reading + validating district files of growing size (time and peak memory).

Usage: python benchmarks/bench_validate.py [--sizes 30,300,3000] [--repeat 3]

The inputs are the embedded demo district replicated with new company ids (links kept inside
each copy), so every size has the same mix of flows. Results go to standard output as a Markdown
table, to be copied into docs/benchmarks.md with the machine and date.
"""

from __future__ import annotations

import argparse
import copy
import platform
import statistics
import time
import tracemalloc
from importlib.resources import files

import yaml

from ecodistrict.io import dump_district, load_district_text, validate_district_text


def replicated_district(copies: int) -> str:
    base = yaml.safe_load((files("ecodistrict") / "data/demo/formigine-demo.yaml").read_text())
    companies = []
    for n in range(copies):
        for company in base["companies"]:
            clone = copy.deepcopy(company)
            clone["id"] = f"{company['id']}-{n}"
            for flow in clone.get("flows", []):
                ref = flow.get("supplied_by")
                if ref:
                    ref["company"] = f"{ref['company']}-{n}"
            companies.append(clone)
    base["companies"] = companies
    return yaml.safe_dump(base, allow_unicode=True, sort_keys=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1,10,100")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.processor()}")
    print(
        "| companies | flows | YAML size | validate YAML (s, median) | validate JSON (s) | "
        "peak memory (MB) |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for copies in (int(s) for s in args.sizes.split(",")):
        text = replicated_district(copies)
        district = load_district_text(text, "bench.yaml")
        as_json = dump_district(district, "json")
        flows = sum(len(c.flows) for c in district.companies)
        yaml_times, json_times = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            assert validate_district_text(text, "bench.yaml").ok
            yaml_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            assert validate_district_text(as_json, "bench.json").ok
            json_times.append(time.perf_counter() - start)
        tracemalloc.start()
        validate_district_text(as_json, "bench.json")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"| {len(district.companies)} | {flows} | {len(text) / 1e6:.2f} MB | "
            f"{statistics.median(yaml_times):.3f} | {statistics.median(json_times):.3f} | "
            f"{peak / 2**20:.1f} |"
        )


if __name__ == "__main__":
    main()
