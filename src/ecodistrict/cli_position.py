"""`ecodistrict position FILE --company ID`: one firm against peers, reference values and targets.

Registered in `ecodistrict.cli` as `app.command("position")(position)`. This module must not
import `ecodistrict.cli` (that module imports this one), so it defines its own OutputFormat with
the same values.

Exit codes (CONTRACT.md): 0 success, 1 invalid input or unknown company (message on standard
error), 2 wrong usage.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ecodistrict.cli_common import EXIT_INVALID, report_or_exit
from ecodistrict.indicators import IndicatorSet, compute_indicators
from ecodistrict.indicators.positioning import (
    DEFAULT_MIN_PEERS,
    CompanyPosition,
    PeerStanding,
    ReferenceValue,
    position_company,
)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


def position(
    file: Annotated[str, typer.Argument(help="District file (JSON or YAML); '-' reads stdin.")],
    company: Annotated[str, typer.Option("--company", "-c", help="Id of the company to position.")],
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table or json")
    ] = OutputFormat.table,
    min_peers: Annotated[
        int,
        typer.Option(
            "--min-peers",
            min=1,
            help="Fewest peers with a value before a percentile is shown.",
        ),
    ] = DEFAULT_MIN_PEERS,
) -> None:
    """Position a company against its peers, published reference values and district targets."""
    report = report_or_exit(file)
    district = report.district
    assert district is not None  # report_or_exit returns valid reports only
    results = compute_indicators(district)
    try:
        result = position_company(company, results, district, min_peers=min_peers)
    except KeyError:
        known = ", ".join(c.id for c in district.companies[:10])
        more = " ..." if len(district.companies) > 10 else ""
        sys.stderr.write(
            f"{report.source}: no company with id '{company}' (companies: {known}{more})\n"
        )
        raise typer.Exit(EXIT_INVALID) from None
    if output is OutputFormat.json:
        print(json.dumps(result.to_document(), ensure_ascii=False, indent=2))
        return
    name = district.company(company).name
    _print_tables(result, name, results.indicator_set)


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _verdict(better: bool | None, within: bool | None = None) -> str:
    if within:
        return "within range"
    if better is None:
        return "–"
    return "better" if better else "worse"


def _standing_cell(item: PeerStanding) -> str:
    if item.performance_percentile is None or item.quartile is None:
        return f"– (n={item.n_peers})"
    return f"{item.performance_percentile:.0f} (Q{item.quartile}, n={item.n_peers})"


def _print_tables(result: CompanyPosition, name: str, indicator_set: IndicatorSet) -> None:
    console = Console(soft_wrap=True, highlight=False)
    if not console.is_terminal:
        console.width = max(console.width, 120)  # files and pipes: room for the peer table
    units = {d.key: d.unit for d in indicator_set.definitions}
    console.print(
        f"{name} ({result.company}), ATECO {result.ateco or '–'}, "
        f"indicator set {result.indicator_set}"
    )
    _print_peers(console, result, units)
    _print_references(console, result)
    _print_targets(console, result, units)


def _print_peers(console: Console, result: CompanyPosition, units: dict[str, str]) -> None:
    division = f"ATECO {result.division}" if result.division else "division"
    table = Table(title="Peers", title_justify="left")
    table.add_column("indicator", no_wrap=True)
    table.add_column("unit", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column(division, justify="right", no_wrap=True)
    table.add_column("all firms", justify="right", no_wrap=True)
    table.add_column("median (all)", justify="right", no_wrap=True)
    indicators = list(dict.fromkeys(item.indicator for item in result.peers))
    reasons: dict[str, list[str]] = {}
    for key in indicators:
        by_group = {item.group: item for item in result.peers if item.indicator == key}
        mine, everyone = by_group["division"], by_group["all"]
        table.add_row(
            key,
            units.get(key, ""),
            _fmt(everyone.value),
            _standing_cell(mine),
            _standing_cell(everyone),
            _fmt(everyone.median),
        )
        for item in (mine, everyone):
            if item.reason:
                reasons.setdefault(item.reason, []).append(key)
    console.print(table)
    console.print(
        "Cells: performance percentile (100 = best among the peers), quartile of the value "
        f"(Q1 = lowest values), n = other firms with a value; at least {result.min_peers} are "
        "needed."
    )
    if result.division_label:
        console.print(f"{division}: {result.division_label.split(' – ', 1)[-1]}")
    for reason, keys in reasons.items():
        which = "every indicator" if len(keys) == len(indicators) else ", ".join(keys)
        console.print(f"- {reason} ({which})")


def _print_references(console: Console, result: CompanyPosition) -> None:
    if not result.references:
        console.print("No published reference value applies to this company's indicators.")
        return
    table = Table(title="Published reference values", title_justify="left")
    table.add_column("indicator", no_wrap=True)
    table.add_column("reference", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("year", no_wrap=True)
    table.add_column("firm", justify="right", no_wrap=True)
    table.add_column("diff.", justify="right", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    shown: dict[str, ReferenceValue] = {}
    for comparison in result.references:
        ref = comparison.reference
        shown.setdefault(ref.id, ref)
        verdict = (
            "context"
            if comparison.relation == "context"
            else _verdict(comparison.better, comparison.within_range)
        )
        table.add_row(
            comparison.indicator,
            ref.id,
            ref.display_value(),
            f"{ref.year} {ref.geo}",
            _fmt(comparison.value),
            _fmt(comparison.difference),
            verdict,
        )
    console.print(table)
    console.print("context: shown next to the indicator, not compared (the basis differs).")
    for ref in shown.values():
        console.print(
            f"[{ref.id}] {ref.name_en}, {ref.year}, {ref.geo} (reliability {ref.reliability}). "
            f"Source: {ref.source}. {ref.comparability_en}",
            markup=False,
        )


def _print_targets(console: Console, result: CompanyPosition, units: dict[str, str]) -> None:
    if not result.targets:
        console.print("The indicator set has no district target for company indicators.")
        return
    table = Table(title="District targets", title_justify="left")
    table.add_column("indicator", no_wrap=True)
    table.add_column("target", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("met", no_wrap=True)
    table.add_column("gap to go", justify="right", no_wrap=True)
    notes: set[str] = set()
    for standing in result.targets:
        target = standing.target
        sign = "≥" if target.comparison == "at_least" else "≤"
        met = "–" if standing.met is None else ("yes" if standing.met else "no")
        table.add_row(
            target.indicator,
            f"{sign} {target.value:g} {units.get(target.indicator, '')}".rstrip(),
            _fmt(standing.value),
            met,
            _fmt(standing.gap),
        )
        if target.note_en:
            notes.add(target.note_en)
        if standing.reason:
            notes.add(f"{target.indicator}: {standing.reason}")
    console.print(table)
    console.print("gap to go: how far the value still is from the target; negative = beyond it.")
    for note in sorted(notes):
        console.print(f"- {note}")
