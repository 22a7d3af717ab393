"""`ecodistrict rank`, `optimize`, `settle`; the demo call and lots files and their schemas.

Registered in `ecodistrict.cli`. This module must not import `ecodistrict.cli` (that module
imports this one), so it defines its own OutputFormat with the same values.

Exit codes (CONTRACT.md): 0 success, 1 invalid input (every problem on standard error, naming
the file and the field), 2 wrong usage.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from importlib.resources import files
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ecodistrict.cli_common import district_or_exit, refuse
from ecodistrict.selection.call import CallFile, SelectionError


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


class RankMethod(StrEnum):
    weighted_sum = "weighted-sum"
    topsis = "topsis"
    promethee = "promethee"


class NetworkObjective(StrEnum):
    closure = "closure"
    co2 = "co2"


FileArg = Annotated[str, typer.Argument(help="District file (JSON or YAML); '-' reads stdin.")]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", help="table or json")]
CallOpt = Annotated[str, typer.Option("--call", help="Call file (CALL.yaml): applicants, rules.")]


def _console() -> Console:
    console = Console(soft_wrap=True, highlight=False)
    if not console.is_terminal:
        console.width = max(console.width, 160)  # files and pipes: room for the tables
    return console


def _call(source: str) -> CallFile:
    from ecodistrict.selection import load_call_file

    try:
        return load_call_file(source)
    except SelectionError as exc:
        refuse(source, exc.problems)


def _num(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}g}" if abs(value) < 1000 else f"{value:,.0f}"


def rank(
    file: FileArg,
    call: CallOpt,
    method: Annotated[
        RankMethod | None,
        typer.Option("--method", help="weighted-sum (default of the call), topsis, promethee"),
    ] = None,
    output: FormatOpt = OutputFormat.table,
) -> None:
    """Requirements of a call for every applicant, then the ranking with its sensitivity."""
    from ecodistrict.selection import assess_call

    district = district_or_exit(file)
    call_file = _call(call)
    try:
        assessment = assess_call(district, call_file, method=method.value if method else None)
    except SelectionError as exc:
        refuse(call, exc.problems)
    if output is OutputFormat.json:
        print(json.dumps(assessment.to_document(), ensure_ascii=False, indent=2))
        return
    console = _console()
    requirements = Table(
        title="Requisiti / Requirements — " + call_file.call.name_it, title_justify="left"
    )
    requirements.add_column("candidato / applicant", no_wrap=True)
    for r in call_file.requirements:
        requirements.add_column(f"{r.id}\n{r.indicator} {r.operator} {r.threshold:g}")
    requirements.add_column("ammesso / eligible", no_wrap=True)
    for cid, checks in assessment.eligibility.checks.items():
        cells = [
            ("✓ " if c.passed else "✗ ")
            + ("dato mancante / missing" if c.value is None else _num(c.value))
            for c in checks
        ]
        ok = cid in assessment.eligibility.eligible
        requirements.add_row(cid, *cells, "sì / yes" if ok else "no")
    console.print(requirements)
    ranking = assessment.ranking
    table = Table(title=f"Graduatoria / Ranking — {ranking.method}", title_justify="left")
    table.add_column("pos.", no_wrap=True)
    table.add_column("candidato / applicant", no_wrap=True)
    table.add_column("punteggio / score", justify="right")
    for c in ranking.criteria:
        table.add_column(f"{c.id}\n{c.direction} w={c.weight:g}", justify="right")
    table.add_column("range ±20%", no_wrap=True)
    stability = {s.applicant: s for s in ranking.sensitivity}
    imputed = {(i.applicant, i.criterion) for i in ranking.imputed}
    for cid in ranking.applicants:
        row = stability[cid]
        table.add_row(
            str(ranking.ranks[cid]),
            cid,
            f"{ranking.scores[cid]:.4f}",
            *(
                _num(ranking.values[cid][c.id]) + ("*" if (cid, c.id) in imputed else "")
                for c in ranking.criteria
            ),
            f"{row.min_rank}–{row.max_rank}" + (" stabile" if row.stable else ""),
        )
    console.print(table)
    from ecodistrict.selection.ranking import NORMALISATION

    console.print(f"Normalisation: {NORMALISATION[ranking.method]}.")
    console.print(
        "Pari merito / ties: same score within 1e-9 share the rank, listed by company id. "
        "* = dato mancante, peggior valore osservato / missing value, worst observed value used."
    )


def optimize(
    file: FileArg,
    objective: Annotated[
        NetworkObjective, typer.Option("--objective", help="closure (default) or co2")
    ] = NetworkObjective.closure,
    max_distance_km: Annotated[
        float | None, typer.Option("--max-distance", min=0, help="Longest exchange (km).")
    ] = None,
    min_size: Annotated[
        float | None,
        typer.Option("--min-size", min=0, help="Smallest exchange (t/yr, MWh/yr or m3/yr)."),
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, max=100, help="Matches per output.")] = 10,
    time_limit_s: Annotated[
        float | None, typer.Option("--time-limit", min=0.1, help="Solver time limit (s).")
    ] = None,
    output: FormatOpt = OutputFormat.table,
) -> None:
    """Choose the exchanges that best close the district's cycles (or avoid most CO2)."""
    from ecodistrict.matching import match_district
    from ecodistrict.optimize.network import optimise_district_network

    district = district_or_exit(file)
    matches = match_district(district, top_k=top)
    try:
        solution = optimise_district_network(
            district,
            matches.matches,
            objective=objective.value,
            max_distance_km=max_distance_km,
            min_size=min_size,
            time_limit_s=time_limit_s,
        )
    except SelectionError as exc:
        refuse(file, exc.problems)
    if output is OutputFormat.json:
        print(json.dumps(solution.to_document(), ensure_ascii=False, indent=2))
        return
    console = _console()
    console.print(
        f"Stato / status: {solution.status} — obiettivo / objective ({solution.objective_kind}) "
        f"{solution.objective:,.3f}, limite / bound {solution.best_bound:,.3f}, "
        f"gap {solution.gap:.2%}, {solution.seconds:.2f} s, "
        f"{len(solution.chosen)} scambi / exchanges of {solution.candidates} candidates"
    )
    table = Table(
        "fornitore / supplier",
        "ricevente / receiver",
        "quantità / quantity",
        "km",
        "CO2 t/yr",
        title="Scambi scelti / Chosen exchanges",
        title_justify="left",
    )
    for item in sorted(solution.chosen, key=lambda e: -e.quantity * e.candidate.co2_per_unit):
        c = item.candidate
        table.add_row(
            f"{c.supplier} / {c.supplier_flow}",
            f"{c.receiver} / {c.receiver_flow or '—'}",
            f"{_num(item.quantity)} {item.to_dict()['unit']}",
            _num(c.distance_km),
            _num(item.quantity * c.co2_per_unit),
        )
    console.print(table)
    closure = Table(
        "ciclo / cycle", "prima / before %", "dopo / after %", title="Chiusura dei cicli / Closure"
    )
    for cycle, before in solution.closure_before.items():
        closure.add_row(cycle, _num(before), _num(solution.closure_after.get(cycle)))
    console.print(closure)
    console.print(
        ", ".join(f"{k}: {_num(v)}" for k, v in solution.totals.items()),
    )


def settle(
    file: FileArg,
    call: CallOpt,
    lots: Annotated[str, typer.Option("--lots", help="Lots file (LOTS.yaml).")],
    time_limit_s: Annotated[
        float, typer.Option("--time-limit", min=0.1, help="CP-SAT time limit (s).")
    ] = 30.0,
    method: Annotated[
        RankMethod | None, typer.Option("--method", help="Ranking method for the scores.")
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Name of the scenario.")] = "scenario",
    output: FormatOpt = OutputFormat.table,
) -> None:
    """Which applicants settle on which lots: the scenario, with the district's indicators."""
    from ecodistrict.optimize.lots import load_lots_file
    from ecodistrict.optimize.scenario import settle_call
    from ecodistrict.selection import assess_call

    district = district_or_exit(file)
    call_file = _call(call)
    try:
        lots_file = load_lots_file(lots)
    except SelectionError as exc:
        refuse(lots, exc.problems)
    try:
        assessment = assess_call(district, call_file, method=method.value if method else None)
    except SelectionError as exc:
        refuse(call, exc.problems)
    try:
        document = settle_call(
            district, assessment, lots_file, time_limit_s=time_limit_s, name=name
        )
    except SelectionError as exc:
        refuse(lots, exc.problems)
    if output is OutputFormat.json:
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return
    _print_scenario(document)


def _print_scenario(document: dict[str, Any]) -> None:
    console = _console()
    result = document["settlement"]
    console.print(
        f"Stato / status: {result['status']} — obiettivo / objective "
        f"{result['objective_points']:,.1f} punti / points, limite / bound "
        f"{result['best_bound_points']:,.1f}, gap {result['relative_gap']:.2%}, "
        f"{result['seconds']:.2f} s"
    )
    table = Table(
        "lotto / lot",
        "candidato / applicant",
        "punti graduatoria / score points",
        "punti scambi / exchange points",
        title="Insediamento / Settlement",
        title_justify="left",
    )
    for placed in result["settled"]:
        table.add_row(
            placed["lot"],
            placed["applicant"],
            f"{placed['score_points']:,.1f}",
            f"{placed['exchange_points']:,.1f}",
        )
    console.print(table)
    console.print(
        f"Scambi tra candidati / between applicants: {result['applicant_pair_points']:,.1f} "
        f"points; trasporto / transport {result['transport_t_co2_per_yr']:,.2f} t CO2e/yr"
    )
    for cid, reason in result["not_settled"].items():
        console.print(f"- non insediato / not settled: {cid}: {reason}")
    closure = Table(
        "indicatore / indicator",
        "valore / value",
        title="Distretto / District",
        title_justify="left",
    )
    for key, value in document["district_indicators"].items():
        closure.add_row(key, _num(value))
    for cycle, value in (document.get("closure_potential_pct") or {}).items():
        closure.add_row(f"closure potential (optimal network) — {cycle} %", _num(value))
    console.print(closure)


def compare_scenarios_command(
    first: Annotated[str, typer.Argument(help="Scenario document (settle --format json).")],
    second: Annotated[str, typer.Argument(help="Another scenario document.")],
    output: FormatOpt = OutputFormat.table,
) -> None:
    """Two saved scenarios side by side: who is in, district indicators, closure potential."""
    from ecodistrict.optimize.scenario import compare_scenarios, scenario_problems

    documents = []
    for source in (first, second):
        try:
            with open(source, encoding="utf-8") as handle:
                document = json.load(handle)
        except OSError as exc:
            refuse(source, [f"cannot read the file: {exc.strerror}"])
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            refuse(source, [f"not valid JSON: {exc}"])
        problems = scenario_problems(document)
        if problems:
            refuse(source, problems)
        documents.append(document)
    compared = compare_scenarios(documents[0], documents[1])
    if output is OutputFormat.json:
        print(json.dumps(compared, ensure_ascii=False, indent=2))
        return
    console = _console()
    name_a, name_b = compared["scenarios"]
    who = Table(title="Chi si insedia / Who settles", title_justify="left")
    for column in ("candidato / applicant", name_a, name_b):
        who.add_column(column, no_wrap=True)
    for row in compared["who"]:
        who.add_row(row["applicant"], row["a"] or "—", row["b"] or "—")
    console.print(who)
    table = Table(title="Distretto / District", title_justify="left")
    for column in ("indicatore / indicator", name_a, name_b, "differenza / difference"):
        table.add_column(column, no_wrap=True)
    for row in compared["district_indicators"]:
        table.add_row(row["indicator"], _num(row["a"]), _num(row["b"]), _num(row["difference"]))
    for row in compared["closure_potential_pct"]:
        table.add_row(
            f"closure potential — {row['cycle']} %",
            _num(row["a"]),
            _num(row["b"]),
            _num(row["difference"]),
        )
    console.print(table)


def demo_call() -> None:
    """Print the demo call file for the demo district (eight applicants)."""
    sys.stdout.write((files("ecodistrict") / "data/demo/formigine-call.yaml").read_text("utf-8"))


def demo_lots() -> None:
    """Print the demo lots file of the new area."""
    sys.stdout.write((files("ecodistrict") / "data/demo/formigine-lots.yaml").read_text("utf-8"))


def call_schema() -> None:
    """Print the JSON Schema of the call file (CALL.yaml)."""
    from ecodistrict.selection import call_json_schema

    print(json.dumps(call_json_schema(), ensure_ascii=False, indent=2))


def lots_schema() -> None:
    """Print the JSON Schema of the lots file (LOTS.yaml)."""
    from ecodistrict.optimize.lots import lots_json_schema

    print(json.dumps(lots_json_schema(), ensure_ascii=False, indent=2))


def register(app: typer.Typer) -> None:
    """Add the commands of this module to the `ecodistrict` application."""
    app.command("rank")(rank)
    app.command("optimize")(optimize)
    app.command("settle")(settle)
    app.command("demo-call")(demo_call)
    app.command("demo-lots")(demo_lots)
    app.command("call-schema")(call_schema)
    app.command("lots-schema")(lots_schema)
    app.command("compare-scenarios")(compare_scenarios_command)
