"""The positioning report of one firm, assembled as plain data for the templates.

Confidentiality follows the web list of matches (`web/matchmaking/selectors.py`): the partner of
a match is never named; the report gives its ATECO division, the distance, the basis, the reasons
(with the partner's flow description withheld) and the impact. On the receiver side the resource
is shown by its EWC code (or its kind), not by the supplier's own description.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ecodistrict.codes.ewc import get_ewc
from ecodistrict.domain.models import Company, DistrictFile
from ecodistrict.indicators import IndicatorResults, compute_indicators
from ecodistrict.indicators.positioning import (
    DEFAULT_MIN_PEERS,
    PeerRecord,
    PeerStanding,
    ateco_division,
    division_label,
    position_company,
)
from ecodistrict.matching.results import Match, MatchResults
from ecodistrict.reports.charts import FIRM_COLOUR, MEDIAN_COLOUR, RadarSeries, radar_svg
from ecodistrict.reports.format import NO_VALUE, format_number, format_value
from ecodistrict.reports.labels import coded_value, labels_for, reason_text

COMPANY_DIMENSIONS = ("circular_performance", "territorial_integration", "industrial_symbiosis")
#: The report keeps to the best matches (the platform lists them all): the best
#: MAX_PER_OUTPUT receivers of each of the firm's outputs, and the MAX_AS_RECEIVER best
#: matches where the firm receives, by score; it says how many more there are.
MAX_PER_OUTPUT = 3
MAX_AS_RECEIVER = 10
#: Indicators drawn on the radar: the percentages, whose scale (0–100) is shared.
RADAR_KEYS = (
    "circular_inflow_pct",
    "circular_outflow_pct",
    "renewable_energy_pct",
    "water_circularity_pct",
    "waste_recovery_pct",
    "local_inflow_pct",
    "local_recovery_pct",
    "symbiotic_inflow_pct",
    "symbiotic_outflow_pct",
)


def meta_block(
    district: DistrictFile, results: IndicatorResults, lang: str, data_date: str | None
) -> dict[str, Any]:
    """What every report shows on its cover and footer: the set version and the date of data."""
    words = labels_for(lang)
    chosen = results.indicator_set
    date = data_date or datetime.date.today().isoformat()
    return {
        "lang": lang,
        "district": district.district.name,
        "notice": district.district.notice or "",
        "indicator_set": chosen.label,
        "indicator_set_name": chosen.name_it if lang == "it" else chosen.name_en,
        "indicator_set_published": chosen.published.isoformat(),
        "data_date": date,
        "generated": datetime.date.today().isoformat(),
        "footer": words["footer"] % {"set": chosen.label, "date": date},
    }


def build_company_report(
    district: DistrictFile,
    company_id: str,
    *,
    lang: str = "it",
    results: IndicatorResults | None = None,
    matches: MatchResults | None = None,
    peers: Sequence[PeerRecord] | None = None,
    min_peers: int = DEFAULT_MIN_PEERS,
    commitments: list[dict[str, Any]] | None = None,
    data_date: str | None = None,
) -> dict[str, Any]:
    """Everything the positioning report of `company_id` prints, as plain data.

    `matches`: the district's matches (`match_district`); None leaves the section empty.
    `commitments`: optional dicts with `indicator`, `baseline`, `target`, `deadline` and
    optionally `title`, `current`, `status` (met / on_track / late). KeyError for an unknown id.
    """
    words = labels_for(lang)
    company = district.company(company_id)
    results = results if results is not None else compute_indicators(district)
    chosen = results.indicator_set
    position = position_company(company_id, results, district, peers=peers, min_peers=min_peers)
    values = results.company(company_id)
    median_all: dict[str, float | None] = {}
    dimensions: list[dict[str, Any]] = []
    missing: list[dict[str, str]] = []
    for dimension in COMPANY_DIMENSIONS:
        rows = []
        for definition in chosen.definitions:
            if definition.level != "company" or definition.dimension != dimension:
                continue
            key = definition.key
            item = values.get(key)
            value = item.value if item is not None else None
            by_group = {p.group: p for p in position.peers if p.indicator == key}
            target = chosen.target(key)
            everyone = by_group.get("all")
            median_all[key] = everyone.median if everyone else None
            rows.append(
                {
                    "key": key,
                    "name": definition.name(lang),
                    "unit": definition.unit,
                    "value": value,
                    "shown": format_value(value, definition.unit, lang),
                    "reason": reason_text(item.reason, lang)
                    if item is not None and value is None
                    else "",
                    "division": _standing_cell(by_group.get("division")),
                    "all": _standing_cell(everyone),
                    "median": format_value(
                        everyone.median if everyone else None, definition.unit, lang
                    ),
                    "target": _target_cell(target.comparison, target.value, definition.unit, lang)
                    if target
                    else "",
                }
            )
            if value is None:
                missing.append(
                    {
                        "name": definition.name(lang),
                        "reason": reason_text(item.reason if item else None, lang) or NO_VALUE,
                    }
                )
        dimensions.append({"title": words[f"dim_{dimension}"], "rows": rows})
    radar_keys = [k for k in RADAR_KEYS if k in values]
    radar = radar_svg(
        [chosen.definition(k).name(lang) for k in radar_keys],
        [
            RadarSeries(words["radar_firm"], [values[k].value for k in radar_keys], FIRM_COLOUR),
            RadarSeries(
                words["radar_median"], [median_all.get(k) for k in radar_keys], MEDIAN_COLOUR
            ),
        ],
        words["radar"],
    )
    references = []
    for comparison in position.references:
        ref = comparison.reference
        verdict = words["context"]
        if comparison.relation != "context":
            if comparison.within_range:
                verdict = words["within"]
            elif comparison.better is not None:
                verdict = words["better"] if comparison.better else words["worse"]
            else:
                verdict = NO_VALUE
        unit = chosen.definition(comparison.indicator).unit
        references.append(
            {
                "indicator": chosen.definition(comparison.indicator).name(lang),
                "reference": ref.name(lang),
                "reference_value": _reference_value(
                    ref.value, ref.value_min, ref.value_max, ref.unit, lang
                ),
                "year": f"{ref.year} {ref.geo}",
                "value": format_value(comparison.value, unit, lang),
                "verdict": verdict,
                "source": ref.source,
                "reliability": ref.reliability,
            }
        )
    targets = []
    for standing in position.targets:
        unit = chosen.definition(standing.target.indicator).unit
        targets.append(
            {
                "indicator": chosen.definition(standing.target.indicator).name(lang),
                "target": _target_cell(
                    standing.target.comparison, standing.target.value, unit, lang
                ),
                "value": format_value(standing.value, unit, lang),
                "met": NO_VALUE if standing.met is None else words["yes" if standing.met else "no"],
                "gap": format_value(standing.gap, unit, lang),
                "note": standing.target.note_it if lang == "it" else standing.target.note_en,
                "reason": standing.reason or "",
            }
        )
    return {
        "kind": "company",
        "labels": words,
        "meta": meta_block(district, results, lang, data_date),
        "company": {
            "id": company.id,
            "name": company.name,
            "ateco": company.ateco,
            "division": division_label(ateco_division(company.ateco)),
            "employees": company.employees,
        },
        "flows": _flow_rows(company, lang),
        "min_peers": min_peers,
        "dimensions": dimensions,
        "missing": missing,
        "radar_svg": radar,
        "references": references,
        "targets": targets,
        "opportunities": _opportunities(district, company_id, matches, lang),
        "commitments": _commitments(commitments, results, company_id, lang, data_date),
        "annex": annex_rows(results, "company", lang),
        "annex_notes": chosen.notes_it if lang == "it" else chosen.notes_en,
    }


def annex_rows(results: IndicatorResults, level: str, lang: str) -> list[dict[str, str]]:
    """Each indicator's formula and source, from the indicator set YAML."""
    return [
        {
            "key": d.key,
            "name": d.name(lang),
            "unit": d.unit,
            "formula": d.formula(lang),
            "source": d.source,
            "since": d.version,
        }
        for d in results.indicator_set.definitions
        if d.level == level
    ]


def _standing_cell(item: PeerStanding | None) -> str:
    if item is None:
        return NO_VALUE
    if item.performance_percentile is None or item.quartile is None:
        return f"{NO_VALUE} (n={item.n_peers})"
    return f"{item.performance_percentile:.0f} (Q{item.quartile}, n={item.n_peers})"


def _target_cell(comparison: str, value: float, unit: str, lang: str) -> str:
    sign = "≥" if comparison == "at_least" else "≤"
    return f"{sign} {format_value(value, unit, lang)}"


def _reference_value(
    value: float | None, low: float | None, high: float | None, unit: str, lang: str
) -> str:
    if value is not None:
        return f"{format_number(value, lang, 1)} {unit}"
    return f"{format_number(low, lang, 1)}–{format_number(high, lang, 1)} {unit}"


def _flow_rows(company: Company, lang: str) -> list[dict[str, str]]:
    words = labels_for(lang)
    rows = []
    for flow in company.flows:
        where: str
        if flow.direction == "in":
            where = coded_value(flow.origin, lang) if flow.origin else ""
            if flow.supplied_by is not None:
                where = f"{where} ({words['from_district']})".strip()
        else:
            where = " / ".join(
                coded_value(x, lang) for x in (flow.legal_status, flow.destination) if x
            )
        rows.append(
            {
                "direction": words[f"dir_{flow.direction}"],
                "kind": words.get(f"kind_{flow.kind}", flow.kind),
                "description": flow.description,
                "ewc": flow.ewc or "",
                "quantity": format_number(flow.quantity, lang, 1),
                "unit": flow.unit,
                "where": where,
            }
        )
    return rows


def withhold(texts: Iterable[str], description: str, placeholder: str) -> list[str]:
    """The texts with a partner's flow description (quoted by the matching engine, 'like this')
    replaced by a neutral phrase, as the web's list of matches does."""
    if not description:
        return list(texts)
    quoted = f"'{description}'"
    return [text.replace(quoted, placeholder) for text in texts]


def _opportunities(
    district: DistrictFile, company_id: str, matches: MatchResults | None, lang: str
) -> dict[str, Any]:
    words = labels_for(lang)
    if matches is None:
        return {"computed": False, "as_supplier": [], "as_receiver": [], "left_out": 0}
    flows = {(c.id, f.id): f for c in district.companies for f in c.flows}
    atecos = {c.id: c.ateco for c in district.companies}

    def row(found: Match, supplier_side: bool) -> dict[str, Any]:
        partner = found.receiver if supplier_side else found.supplier
        partner_flow_id = found.receiver_flow if supplier_side else found.supplier_flow
        partner_flow = flows.get((partner, partner_flow_id)) if partner_flow_id else None
        supplier_flow = flows[(found.supplier, found.supplier_flow)]
        if supplier_side:
            resource = supplier_flow.description
        elif supplier_flow.ewc:
            entry = get_ewc(supplier_flow.ewc)
            title = "" if entry is None else entry.description(lang)
            resource = f"{words['ewc']} {supplier_flow.ewc} {title}".strip()
        else:
            resource = words.get(f"kind_{found.kind}", found.kind)
        hidden = partner_flow.description if partner_flow is not None else ""
        division = ateco_division(atecos.get(partner))
        impact = found.impact
        return {
            "own_flow": (
                supplier_flow.description
                if supplier_side
                else (
                    flows[(company_id, found.receiver_flow)].description
                    if found.receiver_flow
                    else ""
                )
            ),
            "kind": words.get(f"kind_{found.kind}", found.kind),
            "resource": resource,
            "partner": division_label(division) if division else NO_VALUE,
            "distance": format_value(found.distance_km, "km", lang),
            "basis": words.get(f"basis_{found.basis}", found.basis),
            "quantity": f"{format_number(found.quantity_value, lang, 1)} {found.quantity_unit}",
            "reasons": withhold(found.reasons(lang), hidden, words["withheld"]),
            "co2": format_value(impact.co2_avoided_t_per_yr, "t/yr", lang),
            "landfill": format_value(impact.landfill_avoided_t_per_yr, "t/yr", lang),
            "money": format_value(impact.money_eur_per_yr, "EUR/yr", lang),
        }

    supplied = [m for m in matches.for_supplier(company_id) if m.rank <= MAX_PER_OUTPUT]
    received = sorted(matches.for_receiver(company_id), key=lambda m: -m.score)
    shown_received = received[:MAX_AS_RECEIVER]
    left_out = len(matches.for_supplier(company_id)) - len(supplied)
    left_out += len(received) - len(shown_received)
    return {
        "computed": True,
        "as_supplier": [row(m, True) for m in supplied],
        "as_receiver": [row(m, False) for m in shown_received],
        "left_out": left_out,
    }


def _commitments(
    commitments: list[dict[str, Any]] | None,
    results: IndicatorResults,
    company_id: str,
    lang: str,
    data_date: str | None,
) -> list[dict[str, str]]:
    words = labels_for(lang)
    rows = []
    values: Mapping[str, Any] = results.company(company_id)
    for item in commitments or []:
        key = str(item.get("indicator", ""))
        try:
            definition = results.indicator_set.definition(key)
            name, unit, direction = definition.name(lang), definition.unit, definition.direction
        except KeyError:
            name, unit, direction = key, "", "higher"
        current = item.get("current")
        if current is None and key in values:
            current = values[key].value
        target = item.get("target")
        status = item.get("status") or _status(
            current, target, direction, item.get("deadline"), data_date
        )
        rows.append(
            {
                "title": str(item.get("title") or name),
                "indicator": name,
                "baseline": format_value(_number(item.get("baseline")), unit, lang),
                "target": format_value(_number(target), unit, lang),
                "deadline": str(item.get("deadline") or NO_VALUE),
                "current": format_value(_number(current), unit, lang),
                "status": words.get(f"status_{status}", str(status)),
            }
        )
    return rows


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _status(current: Any, target: Any, direction: str, deadline: Any, data_date: str | None) -> str:
    """met; late once the deadline is before the date of the data; otherwise in progress (the
    commitments app of the web may pass a finer status, e.g. on_track, computed from the
    trajectory)."""
    if not isinstance(current, int | float) or not isinstance(target, int | float):
        return "unknown"
    met = current <= target if direction == "lower" else current >= target
    if met:
        return "met"
    today = data_date or datetime.date.today().isoformat()
    if deadline is not None and str(deadline) < today:
        return "late"
    return "in_progress"
