"""Reads on calls, lots and selection runs, shaped for the pages.

Every district, version and run a user reaches comes from ``restrict(user, action)``: staff
reach all, a facilitator the districts granted whole, a firm member nothing. Pages are built
from what a run stored (its snapshot and its result), never recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecodistrict.indicators import IndicatorSetError, parse_indicator_set
from ecodistrict.optimize.scenario import compare_scenarios, scenario_problems
from ecodistrict_web.accounts.permissions import VIEW
from ecodistrict_web.assessments.models import AssessmentVersion, ReviewStatus
from ecodistrict_web.companies.templatetags.quantities import quantity
from ecodistrict_web.indicators.selectors import DistrictChoice, district_choice
from ecodistrict_web.selection.models import (
    CallVersion,
    LotsVersion,
    RunKind,
    RunStatus,
    SelectionRun,
)

#: Heavy JSON columns left out of run lists.
RUN_PAYLOAD = ("input_snapshot", "result")
#: Links drawn in a Sankey diagram of the chosen exchanges (the largest).
MAX_SANKEY_LINKS = 30
KIND_COLORS = {"material": "material", "energy": "energy", "water": "water"}


def _italian(language: str) -> bool:
    return language.startswith("it")


def _indicator_labels(snapshot: dict[str, Any], language: str) -> dict[str, str]:
    """Indicator key -> its name and unit, from the indicator set the run read."""
    text = (snapshot.get("indicator_set") or {}).get("yaml")
    if not text:
        return {}
    try:
        indicator_set = parse_indicator_set(text)
    except IndicatorSetError:
        return {}
    labels = {}
    for key in indicator_set.keys("district"):
        definition = indicator_set.definition(key)
        name = definition.name_it if _italian(language) else definition.name_en
        labels[key] = f"{name} ({definition.unit})" if definition.unit else name
    return labels


#: The library's reasons why an applicant is not settled (optimize/settlement.py), as msgids.
NOT_SETTLED_REASONS = {
    "the lots give more points to other applicants": gettext_lazy(
        "the lots give more points to other applicants"
    ),
    "kept out by a fixed choice": gettext_lazy("kept out by a fixed choice"),
    "fits no lot (area, allowed classes, incompatibilities)": gettext_lazy(
        "fits no lot (area, allowed classes, incompatibilities)"
    ),
}


def not_settled_reason(text: str) -> str:
    """The library's English reason, in the page's language when it is a known one."""
    if text in NOT_SETTLED_REASONS:
        return str(NOT_SETTLED_REASONS[text])
    free_prefix = (
        "settling it adds no points (ranking score and exchanges worth nothing net of "
        "transport); lot "
    )
    if text.startswith(free_prefix) and text.endswith(" stays free"):
        lot = text[len(free_prefix) : -len(" stays free")]
        return _(
            "settling it adds no points (ranking score and exchanges worth nothing net of "
            "transport); lot %(lot)s stays free"
        ) % {"lot": lot}
    if text.startswith("not eligible (fails ") and text.endswith(")"):
        failed = text[len("not eligible (fails ") : -1]
        return _("not eligible (fails %(requirements)s)") % {"requirements": failed}
    return text


def _label(item: dict[str, Any], language: str) -> str:
    return str(item.get("label_it" if _italian(language) else "label_en") or item.get("id", ""))


# --- lists ----------------------------------------------------------------------------------------


def calls_for_user(user: Any, action: str = VIEW) -> QuerySet[CallVersion]:
    return CallVersion.objects.restrict(user, action)


def lots_for_user(user: Any, action: str = VIEW) -> QuerySet[LotsVersion]:
    return LotsVersion.objects.restrict(user, action)


def runs_for_user(user: Any, action: str = VIEW) -> QuerySet[SelectionRun]:
    return SelectionRun.objects.restrict(user, action).select_related(
        "created_by", "call_version", "lots_version"
    )


@dataclass(frozen=True)
class PlatformApplicant:
    """A firm that applied through the platform: the latest submitted version of its
    profiling assessment (assessments app), for the district its expression of interest chose."""

    key: str  # its id in the district file of a run (``applicant-<interest pk>``)
    name: str
    space_m2: int | None
    version: int
    validated: bool
    company: dict[str, Any]


def platform_applicants(district: Any) -> list[PlatformApplicant]:
    """The district's applicants with a submitted assessment, by id. Staff-side: the caller
    reached the district through the gate (``selectors.district_choice``)."""
    latest: dict[int, AssessmentVersion] = {}
    for version in (
        AssessmentVersion.objects.filter(assessment__interest__district=district)
        .select_related("assessment__interest")
        .order_by("assessment_id", "number")
    ):
        latest[version.assessment_id] = version  # the highest number wins
    applicants = [
        PlatformApplicant(
            key=version.assessment.company_key,
            name=version.assessment.interest.company_name,
            space_m2=version.assessment.interest.space_m2,
            version=version.number,
            validated=version.review_status == ReviewStatus.VALIDATED,
            company=dict(version.snapshot.get("company") or {}),
        )
        for version in latest.values()
    ]
    return sorted(applicants, key=lambda applicant: applicant.key)


@dataclass(frozen=True)
class IndexPage:
    choice: DistrictChoice
    calls: list[CallVersion]
    lots: list[LotsVersion]
    runs: list[SelectionRun]
    settle_runs: list[SelectionRun]
    applicants: list[PlatformApplicant]


def index_page(user: Any, district_pk: int | None) -> IndexPage | None:
    """The district's calls, lots and runs; None when the user may not see the district or,
    outside staff, sees no district at all."""
    choice = district_choice(user, district_pk)
    if choice is None:
        return None
    district = choice.district
    if district is None:
        return IndexPage(choice, [], [], [], [], [])
    runs = list(
        runs_for_user(user).filter(district=district).defer(*RUN_PAYLOAD).order_by("-pk")[:100]
    )
    return IndexPage(
        choice=choice,
        calls=list(calls_for_user(user).filter(district=district).order_by("-number")),
        lots=list(lots_for_user(user).filter(district=district).order_by("-number")),
        runs=runs,
        settle_runs=[r for r in runs if r.kind == RunKind.SETTLE and r.status == RunStatus.DONE],
        applicants=platform_applicants(district),
    )


def call_version(user: Any, pk: int, action: str = VIEW) -> CallVersion | None:
    return calls_for_user(user, action).select_related("district").filter(pk=pk).first()


def lots_version(user: Any, pk: int, action: str = VIEW) -> LotsVersion | None:
    return lots_for_user(user, action).select_related("district").filter(pk=pk).first()


def run_for_user(user: Any, pk: int) -> SelectionRun | None:
    return runs_for_user(user).filter(pk=pk).first()


def run_status(user: Any, pk: int) -> dict[str, Any] | None:
    """What the page polls while a run is queued or running."""
    row = (
        runs_for_user(user)
        .filter(pk=pk)
        .values("status", "progress", "progress_message", "error")
        .first()
    )
    if row is None:
        return None
    return {
        "status": row["status"],
        "status_label": str(RunStatus(row["status"]).label),
        "progress": row["progress"],
        "message": _(row["progress_message"]) if row["progress_message"] else "",
        "finished": row["status"] in (RunStatus.DONE, RunStatus.FAILED),
    }


def run_document(user: Any, pk: int) -> dict[str, Any] | None:
    """A run for audit: its inputs with their SHA-256, parameters and result or error."""
    run = run_for_user(user, pk)
    if run is None:
        return None
    return {
        "format": "ecodistrict-web/selection-run/1",
        "run": run.pk,
        "kind": run.kind,
        "district": run.district_name,
        "name": run.name,
        "call_version": run.call_version.number if run.call_version else None,
        "lots_version": run.lots_version.number if run.lots_version else None,
        "parameters": run.parameters,
        "status": run.status,
        "error": run.error,
        "library_version": run.library_version,
        "created_at": run.created_at.isoformat(),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "duration_s": run.duration_s,
        "created_by": run.created_by.get_username() if run.created_by else None,
        "input_sha256": run.input_sha256,
        "input_intact": run.snapshot_intact(),
        "input": run.input_snapshot,
        "result": run.result,
    }


# --- the run page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    passed: bool
    value: float | None
    reason: str | None


@dataclass(frozen=True)
class ApplicantRow:
    id: str
    name: str
    eligible: bool
    checks: list[Check]


@dataclass(frozen=True)
class RankRow:
    id: str
    name: str
    rank: int
    score: float
    values: list[tuple[float | None, bool, float | None]]  # value, imputed, normalised
    min_rank: int
    max_rank: int
    stable: bool


@dataclass(frozen=True)
class RankSection:
    requirements: list[dict[str, Any]]
    applicants: list[ApplicantRow]
    method: str
    normalisation: str
    ties: str
    missing_values: str
    criteria: list[dict[str, Any]]
    rows: list[RankRow]
    sensitivity_rule: str
    indicator_set: str


@dataclass(frozen=True)
class ExchangeRow:
    supplier: str
    receiver: str
    kind: str
    resource: str
    quantity: float
    unit: str
    distance_km: float | None
    co2_t: float


@dataclass(frozen=True)
class ClosureRow:
    cycle: str
    before: float | None
    after: float | None


@dataclass(frozen=True)
class NetworkSection:
    document: dict[str, Any]
    exchanges: list[ExchangeRow]
    closure: list[ClosureRow]
    map: dict[str, Any]
    charts: list[dict[str, Any]]


@dataclass(frozen=True)
class LotRow:
    id: str
    area_m2: float
    allowed: str
    firm: str
    firm_space_m2: float | None


@dataclass(frozen=True)
class SettleSection:
    document: dict[str, Any]
    settled: list[dict[str, Any]]
    not_settled: list[tuple[str, str]]
    lots: list[LotRow]
    map: dict[str, Any]
    indicators: list[tuple[str, float | None]]
    closure: list[tuple[str, float | None]]
    area: str


@dataclass(frozen=True)
class RunPage:
    run: SelectionRun
    names: dict[str, str]
    rank: RankSection | None = None
    network: NetworkSection | None = None
    settle: SettleSection | None = None
    #: The stored progress message and error lines are English msgids (or the library's
    #: English text), translated here for the page.
    progress_message: str = ""
    error_lines: list[str] = field(default_factory=list)


def _names(snapshot: dict[str, Any]) -> dict[str, str]:
    return {
        c["id"]: c.get("name", c["id"]) for c in snapshot.get("district", {}).get("companies", [])
    }


def run_page(user: Any, pk: int, language: str) -> RunPage | None:
    run = run_for_user(user, pk)
    if run is None:
        return None
    snapshot = run.input_snapshot or {}
    names = _names(snapshot)
    if run.status != RunStatus.DONE or not isinstance(run.result, dict):
        return RunPage(
            run=run,
            names=names,
            progress_message=_(run.progress_message) if run.progress_message else "",
            error_lines=[_(line) for line in run.error.splitlines() if line.strip()],
        )
    result = run.result
    if run.kind == RunKind.RANK:
        return RunPage(run=run, names=names, rank=_rank_section(result, names, language))
    if run.kind == RunKind.OPTIMIZE:
        return RunPage(run=run, names=names, network=_network_section(result, snapshot, language))
    ranking = result.get("ranking")
    return RunPage(
        run=run,
        names=names,
        rank=_rank_section(ranking, names, language) if isinstance(ranking, dict) else None,
        settle=_settle_section(result, snapshot, names, language),
    )


def _rank_section(document: dict[str, Any], names: dict[str, str], language: str) -> RankSection:
    eligibility = document["eligibility"]
    applicants = [
        ApplicantRow(
            id=cid,
            name=names.get(cid, cid),
            eligible=row["eligible"],
            checks=[Check(c["passed"], c["value"], c["reason"]) for c in row["checks"]],
        )
        for cid, row in eligibility["applicants"].items()
    ]
    ranking = document["ranking"]
    criteria = [{**c, "label": _label(c, language)} for c in ranking["criteria"]]
    imputed = {(i["applicant"], i["criterion"]) for i in ranking["imputed"]}
    stability = {s["applicant"]: s for s in ranking["sensitivity"]["applicants"]}
    rows = []
    for row in ranking["ranking"]:
        cid = row["applicant"]
        span = stability.get(cid, {})
        rows.append(
            RankRow(
                id=cid,
                name=names.get(cid, cid),
                rank=row["rank"],
                score=row["score"],
                values=[
                    (
                        row["values"].get(c["id"]),
                        (cid, c["id"]) in imputed,
                        (row.get("normalised") or {}).get(c["id"]),
                    )
                    for c in criteria
                ],
                min_rank=span.get("min_rank", row["rank"]),
                max_rank=span.get("max_rank", row["rank"]),
                stable=bool(span.get("stable", False)),
            )
        )
    return RankSection(
        requirements=[{**r, "label": _label(r, language)} for r in document["requirements"]],
        applicants=applicants,
        method=ranking["method"],
        normalisation=ranking["normalisation"],
        ties=ranking["ties"],
        missing_values=ranking["missing_values"],
        criteria=criteria,
        rows=rows,
        sensitivity_rule=ranking["sensitivity"]["rule"],
        indicator_set=document.get("indicator_set", ""),
    )


def map_tiles() -> dict[str, str]:
    """The background map's tile URL and attribution (settings); an empty URL: no tiles."""
    return {
        "url": settings.ECODISTRICT_MAP_TILES_URL,
        "attribution": settings.ECODISTRICT_MAP_TILES_ATTRIBUTION,
    }


def _flow_descriptions(snapshot: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {
        (c["id"], f["id"]): f.get("description", f["id"])
        for c in snapshot.get("district", {}).get("companies", [])
        for f in c.get("flows", [])
    }


def _cycle_label(cycle: str) -> str:
    labels = {
        "matter": _("matter"),
        "energy": _("energy"),
        "water": _("water"),
        "waste": _("waste"),
        "material": _("material"),
    }
    return labels.get(cycle, cycle)


def _network_section(
    document: dict[str, Any], snapshot: dict[str, Any], language: str
) -> NetworkSection:
    companies = snapshot.get("district", {}).get("companies", [])
    names = _names(snapshot)
    flows = _flow_descriptions(snapshot)
    exchanges = [
        ExchangeRow(
            supplier=names.get(e["supplier"], e["supplier"]),
            receiver=names.get(e["receiver"], e["receiver"]),
            kind=e["kind"],
            resource=flows.get((e["supplier"], e["supplier_flow"]), e["supplier_flow"]),
            quantity=e["quantity"],
            unit=e["unit"],
            distance_km=e["distance_km"],
            co2_t=e["co2_avoided_t_per_yr"],
        )
        for e in sorted(document["exchanges"], key=lambda e: -e["co2_avoided_t_per_yr"])
    ]
    before, after = document["closure_before_pct"], document["closure_after_pct"]
    closure = [ClosureRow(_cycle_label(k), before.get(k), after.get(k)) for k in before]
    largest = max((e["quantity"] for e in document["exchanges"]), default=0) or 1
    used = {e["supplier"] for e in document["exchanges"]} | {
        e["receiver"] for e in document["exchanges"]
    }
    map_data = {
        "tiles": map_tiles(),
        "center": [None, None],
        "radius_km": None,
        "firms": [
            {
                "id": c["id"],
                "name": c.get("name", c["id"]),
                "ateco": c.get("ateco", ""),
                "lat": c["location"]["lat"],
                "lon": c["location"]["lon"],
            }
            for c in companies
            if c["id"] in used and c.get("location")
        ],
        "links": [
            {
                "from": e["supplier"],
                "to": e["receiver"],
                "kind": e["kind"],
                "score": e["quantity"] / largest,
                "title": (
                    f"{names.get(e['supplier'], e['supplier'])} → "
                    f"{names.get(e['receiver'], e['receiver'])}: {e['quantity']:,.1f} {e['unit']}"
                ),
            }
            for e in document["exchanges"]
        ],
    }
    charts = []
    for kind in ("material", "energy", "water"):
        every = [e for e in document["exchanges"] if e["kind"] == kind and e["quantity"] > 0]
        if not every:
            continue
        # The largest exchanges only: beyond a few dozen links a Sankey is unreadable (the
        # table under it has them all).
        rows = sorted(every, key=lambda e: -e["quantity"])[:MAX_SANKEY_LINKS]
        # Suppliers on the left, receivers on the right: a firm that gives and takes appears on
        # both sides, so the diagram has no loop.
        nodes: list[str] = []
        roles: list[str] = []
        source, target, value = [], [], []
        for e in rows:
            left = names.get(e["supplier"], e["supplier"]) + " ›"
            right = "› " + names.get(e["receiver"], e["receiver"])
            for node, role in ((left, "firms"), (right, "exchanges")):
                if node not in nodes:
                    nodes.append(node)
                    roles.append(role)
            source.append(nodes.index(left))
            target.append(nodes.index(right))
            value.append(e["quantity"])
        charts.append(
            {
                "id": f"sankey-{kind}",
                "title": _cycle_label(kind),
                "unit": rows[0]["unit"],
                "shown": len(rows),
                "total": len(every),
                "chart": {
                    "kind": "sankey",
                    "separators": ",." if _italian(language) else ".,",
                    "unit": rows[0]["unit"],
                    "nodes": nodes,
                    "roles": roles,
                    "links": {"source": source, "target": target, "value": value},
                },
            }
        )
    return NetworkSection(
        document=document, exchanges=exchanges, closure=closure, map=map_data, charts=charts
    )


def _settle_section(
    document: dict[str, Any], snapshot: dict[str, Any], names: dict[str, str], language: str
) -> SettleSection:
    settlement = document["settlement"]
    lots = snapshot.get("lots", {})
    by_lot = {lot_id: cid for cid, lot_id in document["settled"].items()}
    spaces = {a["company"]: a["space_m2"] for a in snapshot.get("call", {}).get("applicants", [])}
    lot_rows = [
        LotRow(
            id=lot["id"],
            area_m2=lot["area_m2"],
            allowed=", ".join(lot.get("allowed_ateco") or []),
            firm=names.get(by_lot[lot["id"]], by_lot[lot["id"]]) if lot["id"] in by_lot else "",
            firm_space_m2=spaces.get(by_lot[lot["id"]]) if lot["id"] in by_lot else None,
        )
        for lot in lots.get("lots", [])
    ]
    map_data = {
        "tiles": map_tiles(),
        "lots": [
            {
                "id": lot["id"],
                "lat": lot["location"]["lat"],
                "lon": lot["location"]["lon"],
                "area_m2": lot["area_m2"],
                "firm": names.get(by_lot[lot["id"]], "") if lot["id"] in by_lot else "",
                "title": _("lot %(id)s, %(area)s m²")
                % {"id": lot["id"], "area": quantity(lot["area_m2"], 0)},
                "occupant": names.get(by_lot[lot["id"]], by_lot[lot["id"]])
                if lot["id"] in by_lot
                else _("free"),
            }
            for lot in lots.get("lots", [])
        ],
    }
    area = lots.get("area", {})
    labels = _indicator_labels(snapshot, language)
    return SettleSection(
        document=document,
        settled=[
            {**p, "name": names.get(p["applicant"], p["applicant"])} for p in settlement["settled"]
        ],
        not_settled=[
            (names.get(cid, cid), not_settled_reason(reason))
            for cid, reason in settlement["not_settled"].items()
        ],
        lots=lot_rows,
        map=map_data,
        indicators=[
            (labels.get(key, key), value)
            for key, value in document.get("district_indicators", {}).items()
        ],
        closure=[
            (_cycle_label(k), v) for k, v in (document.get("closure_potential_pct") or {}).items()
        ],
        area=str(area.get("name_it" if _italian(language) else "name_en", "")),
    )


# --- comparison ----------------------------------------------------------------------------------


class CompareRefused(Exception):
    """Two runs that cannot be compared; the message says why."""


@dataclass(frozen=True)
class ComparePage:
    choice: DistrictChoice
    settle_runs: list[SelectionRun]
    a: SelectionRun | None
    b: SelectionRun | None
    comparison: dict[str, Any] | None
    names: dict[str, str]


def compare_page(
    user: Any, district_pk: int | None, a_pk: int | None, b_pk: int | None, language: str = "it"
) -> ComparePage | None:
    """Two done settlement runs of a district side by side (``compare_scenarios``)."""
    choice = district_choice(user, district_pk)
    if choice is None or choice.district is None:
        return None
    settle_runs = list(
        runs_for_user(user)
        .filter(district=choice.district, kind=RunKind.SETTLE, status=RunStatus.DONE)
        .defer(*RUN_PAYLOAD)
        .order_by("-pk")
    )
    chosen = {run.pk: run for run in settle_runs}
    if (a_pk is not None and a_pk not in chosen) or (b_pk is not None and b_pk not in chosen):
        raise CompareRefused(_("Choose two finished settlement runs of this district."))
    a = chosen.get(a_pk) if a_pk is not None else None
    b = chosen.get(b_pk) if b_pk is not None else None
    comparison = None
    names: dict[str, str] = {}
    if a is not None and b is not None:
        # The list above leaves the payloads out; the two runs compared are read whole.
        full = {run.pk: run for run in SelectionRun.objects.filter(pk__in=[a.pk, b.pk])}
        results = [full[a.pk].result, full[b.pk].result]
        for result in results:
            if scenario_problems(result):
                raise CompareRefused(_("A stored result is not a scenario document."))
        comparison = compare_scenarios(results[0], results[1])
        labels: dict[str, str] = {}
        for run in full.values():
            names.update(_names(run.input_snapshot))
            labels.update(_indicator_labels(run.input_snapshot, language))
        comparison["who"] = [
            {**row, "name": names.get(row["applicant"], row["applicant"])}
            for row in comparison["who"]
        ]
        comparison["district_indicators"] = [
            {**row, "label": labels.get(row["indicator"], row["indicator"])}
            for row in comparison["district_indicators"]
        ]
        comparison["closure_potential_pct"] = [
            {**row, "label": _cycle_label(row["cycle"])}
            for row in comparison["closure_potential_pct"]
        ]
    return ComparePage(choice, settle_runs, a, b, comparison, names)
