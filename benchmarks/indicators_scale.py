"""Indicators for a generated district of 100,000 firms and 1,000,000 flows: time and memory.

Usage: python benchmarks/indicators_scale.py [--firms 100000] [--repeat 3]

Each firm has 10 flows: 3 material inputs (virgin with a distance, recycled, and one received
from the next firm of its ring of 10), energy (gas and PV), water, 3 material outputs (product,
waste to recycling, waste to landfill) and surplus heat. Rings of 10 firms make the exchange
network cyclic, so the spectral radius is really computed. The district is built with
`model_construct` (no validation: reading and validating files is measured by
bench_validate.py), then `compute_indicators` runs on it; its wall time is the median of
`--repeat` runs. Peak memory is the process's maximum resident set size (ru_maxrss), which
includes the generated district itself.
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import time

from ecodistrict.domain.models import Company, District, DistrictFile, Flow, FlowRef, GeoPoint
from ecodistrict.indicators import compute_indicators

RING = 10


def _flow(**fields: object) -> Flow:
    base: dict[str, object] = {
        "ewc": None,
        "legal_status": None,
        "destination": None,
        "temperature_c": None,
        "available": None,
        "origin": None,
        "source_distance_km": None,
        "supplied_by": None,
        "mci": None,
    }
    base.update(fields)
    return Flow.model_construct(**base)


def generated_district(firms: int) -> DistrictFile:
    companies = []
    for n in range(firms):
        ring_start = n - n % RING
        supplier = ring_start + (n + 1 - ring_start) % RING
        flows = [
            _flow(id="clay", direction="in", kind="material", description="clay", quantity=800.0,
                  unit="t/yr", origin="virgin", source_distance_km=2500.0),
            _flow(id="cullet", direction="in", kind="material", description="cullet",
                  quantity=100.0, unit="t/yr", origin="recycled", source_distance_km=20.0),
            _flow(id="scrap-in", direction="in", kind="material", description="scrap",
                  quantity=20.0, unit="t/yr", origin="recycled",
                  supplied_by=FlowRef.model_construct(company=f"f{supplier}", flow="scrap")),
            _flow(id="gas", direction="in", kind="energy", description="gas",
                  quantity=100000.0, unit="Sm3/yr", origin="virgin"),
            _flow(id="pv", direction="in", kind="energy", description="pv", quantity=100.0,
                  unit="MWh/yr", origin="renewable"),
            _flow(id="water", direction="in", kind="water", description="water",
                  quantity=400.0, unit="m3/yr", origin="virgin"),
            _flow(id="product", direction="out", kind="material", description="product",
                  quantity=850.0, unit="t/yr", legal_status="product", destination="unknown"),
            _flow(id="scrap", direction="out", kind="material", description="scrap",
                  quantity=40.0, unit="t/yr", ewc="10 12 08", legal_status="waste",
                  destination="recycling"),
            _flow(id="mixed", direction="out", kind="material", description="mixed",
                  quantity=10.0, unit="t/yr", ewc="17 09 04", legal_status="waste",
                  destination="landfill"),
            _flow(id="heat", direction="out", kind="energy", description="heat",
                  quantity=50.0, unit="MWh/yr", temperature_c=180.0),
        ]  # fmt: skip
        companies.append(
            Company.model_construct(
                id=f"f{n}",
                name=f"Firm {n}",
                ateco="23.31",
                location=GeoPoint.model_construct(
                    lat=44.5 + (n % 300) * 0.001, lon=10.8 + (n // 300 % 300) * 0.001
                ),
                employees=50,
                revenue_eur=10_000_000.0,
                flows=flows,
            )
        )
    return DistrictFile.model_construct(
        format="ecodistrict/1",
        district=District.model_construct(
            name="generated", center=GeoPoint.model_construct(lat=44.6, lon=10.9),
            radius_km=30.0, notice=None,
        ),
        companies=companies,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    start = time.perf_counter()
    district = generated_district(args.firms)
    built = time.perf_counter() - start
    flows = sum(len(c.flows) for c in district.companies)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        results = compute_indicators(district)
        times.append(time.perf_counter() - start)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"python {platform.python_version()}, {platform.machine()}")
    print(f"firms: {len(district.companies)}, flows: {flows}, generated in {built:.1f} s")
    print(f"compute_indicators: median {statistics.median(times):.2f} s over {args.repeat} runs "
          f"(min {min(times):.2f}, max {max(times):.2f})")
    print(f"peak resident memory: {peak_mib:.0f} MiB")
    print("district:", {k: v.value for k, v in results.district.items()})


if __name__ == "__main__":
    main()
