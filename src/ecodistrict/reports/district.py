"""The district report for the PUG's strategy document, assembled as plain data.

No firm is identifiable unless it consented (`consenting`, a set of company ids): the map names
only consenting firms, the positioning database is aggregated per ATECO division with at least
`MIN_GROUP` firms, and applicants of the ranking and the settlement are shown by an anonymous
code unless they consented.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from ecodistrict.domain.models import DistrictFile
from ecodistrict.indicators import (
    CONTRACT_COMPANY_KEYS,
    IndicatorResults,
    compute_indicators,
    district_flow_balance,
)
from ecodistrict.indicators.positioning import ateco_division, division_label, position_district
from ecodistrict.reports.charts import (
    CYCLE_COLOURS,
    MapPoint,
    SankeyLabels,
    bar_svg,
    map_svg,
    sankey_svg,
)
from ecodistrict.reports.company import annex_rows, meta_block
from ecodistrict.reports.format import NO_VALUE, format_number, format_value
from ecodistrict.reports.labels import labels_for, reason_text

#: Fewest firms of a division before its distribution is shown (three: with two, each firm
#: could read the other's value off the minimum or the maximum).
MIN_GROUP = 3
CLOSURE_KEYS = {
    "matter": "closure_material_pct",
    "energy": "closure_energy_pct",
    "water": "closure_water_pct",
    "waste": "closure_waste_pct",
}
#: The main indicators a conditionality is derived from, with the comparison that makes a
#: firm at least as good as the district median.
CONDITIONALITY_KEYS = (
    "circular_inflow_pct",
    "circular_outflow_pct",
    "landfill_outflow_pct",
    "renewable_energy_pct",
    "local_inflow_pct",
)


def anonymous_codes(company_ids: Sequence[str]) -> dict[str, str]:
    """'A01', 'A02', ... in the order given (the order of the district file or the ranking)."""
    return {cid: f"A{i:02d}" for i, cid in enumerate(company_ids, start=1)}


def division_distributions(
    district: DistrictFile, results: IndicatorResults, lang: str, min_group: int = MIN_GROUP
) -> list[dict[str, Any]]:
    """Min, median and max of each company indicator per ATECO division with at least
    `min_group` firms having a value (plus 'all firms')."""
    chosen = results.indicator_set
    groups: dict[str, list[str]] = {}
    for company in district.companies:
        division = ateco_division(company.ateco)
        if division is not None:
            groups.setdefault(division, []).append(company.id)
    everyone = [c.id for c in district.companies]
    ordered: list[tuple[str, list[str]]] = [(d, groups[d]) for d in sorted(groups)]
    ordered.append(("", everyone))
    words = labels_for(lang)
    out = []
    for division, members in ordered:
        if len(members) < min_group:
            continue
        rows = []
        for key in CONTRACT_COMPANY_KEYS:
            unit = chosen.definition(key).unit
            found = [v for cid in members if (v := results.companies[cid][key].value) is not None]
            if len(found) < min_group:
                continue
            rows.append(
                {
                    "key": key,
                    "name": chosen.definition(key).name(lang),
                    "n": len(found),
                    "min": format_value(min(found), unit, lang),
                    "median": format_value(float(statistics.median(found)), unit, lang),
                    "max": format_value(max(found), unit, lang),
                }
            )
        if rows:
            title = division_label(division) if division else words["all_peers"]
            out.append({"division": title, "n": len(members), "rows": rows})
    return out


def recommended_conditionalities(
    district: DistrictFile, results: IndicatorResults, lang: str, min_group: int = MIN_GROUP
) -> list[dict[str, Any]]:
    """Documented rules derived from the data (docs/reports.md): for each main indicator, a
    threshold at the district median of the firms with a value (at least `min_group` of them),
    'at least' when higher is better and 'at most' when lower is better; and complete data."""
    words = labels_for(lang)
    chosen = results.indicator_set
    rules = []
    for key in CONDITIONALITY_KEYS:
        definition = chosen.definition(key)
        found = [v for values in results.companies.values() if (v := values[key].value) is not None]
        if len(found) < min_group or definition.direction == "neutral":
            continue
        median = float(statistics.median(found))
        comparison = "at_least" if definition.direction == "higher" else "at_most"
        shown = format_value(median, definition.unit, lang)
        rules.append(
            {
                "key": key,
                "comparison": comparison,
                "threshold": median,
                "rule": words["rule_median"]
                % {
                    "name": definition.name(lang),
                    "cmp": words[comparison],
                    "value": shown,
                    "n": len(found),
                },
                "basis": f"{words['median']}: {shown} (n={len(found)})",
            }
        )
    total = len(results.companies)
    if total:
        complete = sum(
            1
            for values in results.companies.values()
            if all(values[k].value is not None for k in CONTRACT_COMPANY_KEYS)
        )
        rules.append(
            {
                "key": "complete_data",
                "comparison": "",
                "threshold": None,
                "rule": words["rule_complete"],
                "basis": words["rule_complete_value"] % {"n": complete, "total": total},
            }
        )
    return rules


def build_district_report(
    district: DistrictFile,
    *,
    lang: str = "it",
    results: IndicatorResults | None = None,
    consenting: Collection[str] = frozenset(),
    ranking: Mapping[str, Any] | None = None,
    settlement: Mapping[str, Any] | None = None,
    data_date: str | None = None,
) -> dict[str, Any]:
    """Everything the district report prints, as plain data.

    `ranking`: the document of `ecodistrict rank --format json` (format ecodistrict/ranking/1);
    `settlement`: the document of `ecodistrict settle --format json` (ecodistrict/scenario/1);
    either None renders the section as not yet adopted.
    """
    words = labels_for(lang)
    results = results if results is not None else compute_indicators(district)
    chosen = results.indicator_set
    consenting = frozenset(consenting)
    position = position_district(results)
    targets = {t.target.indicator: t for t in position.targets}
    indicator_rows = []
    for key, item in results.district.items():
        definition = chosen.definition(key)
        target = targets.get(key)
        indicator_rows.append(
            {
                "key": key,
                "name": definition.name(lang),
                "dimension": words.get(f"dim_{definition.dimension}", definition.dimension),
                "unit": definition.unit,
                "value": item.value,
                "shown": format_value(item.value, definition.unit, lang),
                "reason": reason_text(item.reason, lang),
                "target": (
                    ("≥ " if target.target.comparison == "at_least" else "≤ ")
                    + format_value(target.target.value, definition.unit, lang)
                    if target
                    else ""
                ),
            }
        )
    balances = district_flow_balance(district)
    cycles = []
    for cycle, balance in balances.items():
        key = CLOSURE_KEYS[cycle]
        closure = results.district[key].value if key in results.district else None
        unit = balance.unit.removesuffix("/yr") + "/yr"
        printed = {
            "from_outside": format_value(balance.from_outside, unit, lang),
            "inside": format_value(balance.inside, unit, lang),
            "to_outside": format_value(balance.to_outside, unit, lang),
            "internal": format_value(balance.internal, unit, lang),
        }
        cycles.append(
            {
                "cycle": cycle,
                "name": words[f"cycle_{cycle}"],
                "closure": closure,
                "closure_shown": format_value(closure, "%", lang),
                "closure_reason": reason_text(results.district[key].reason, lang)
                if key in results.district
                else "",
                "unit": unit,
                **printed,
                "sankey_svg": sankey_svg(
                    balance.from_outside,
                    balance.inside,
                    balance.to_outside,
                    balance.internal,
                    SankeyLabels(
                        words["from_outside"],
                        words["inside"],
                        words["firms"],
                        words["to_outside"],
                        words["internal"],
                    ),
                    printed,
                    CYCLE_COLOURS[cycle],
                    f"{words['sankey']} – {words[f'cycle_{cycle}']}",
                ),
            }
        )
    closure_svg = bar_svg(
        [(str(c["name"]), _closure(c), str(c["closure_shown"])) for c in cycles],
        words["closure"],
    )
    order = [c.id for c in district.companies]
    index = {cid: i for i, cid in enumerate(order)}
    points = [
        MapPoint(c.location.lat, c.location.lon, c.name if c.id in consenting else "")
        for c in district.companies
    ]
    links: dict[tuple[int, int], float] = {}
    for balance in balances.values():
        if balance.cycle == "waste":
            continue  # waste exchanges are already in the matter cycle
        for supplier, receiver, quantity in balance.exchanges:
            if supplier in index and receiver in index:
                pair = (index[supplier], index[receiver])
                links[pair] = links.get(pair, 0.0) + quantity
    chart_map = map_svg(points, [(a, b, q) for (a, b), q in links.items()], words["map"])
    consenting_rows = [
        {
            "name": c.name,
            "ateco": c.ateco,
            "values": [
                format_value(results.companies[c.id][k].value, chosen.definition(k).unit, lang)
                for k in CONTRACT_COMPANY_KEYS
            ],
        }
        for c in district.companies
        if c.id in consenting
    ]
    return {
        "kind": "district",
        "labels": words,
        "meta": meta_block(district, results, lang, data_date),
        "counts": {
            "companies": len(district.companies),
            "flows": sum(len(c.flows) for c in district.companies),
            "exchanges": sum(
                1 for c in district.companies for f in c.flows if f.supplied_by is not None
            ),
        },
        "indicators": indicator_rows,
        "cycles": cycles,
        "closure_svg": closure_svg,
        "map_svg": chart_map,
        "min_group": MIN_GROUP,
        "distributions": division_distributions(district, results, lang),
        "contract_names": [chosen.definition(k).name(lang) for k in CONTRACT_COMPANY_KEYS],
        "consenting": consenting_rows,
        "selection": _selection(ranking, consenting, lang),
        "settlement": _settlement(settlement, ranking, consenting, results, lang),
        "conditionalities": recommended_conditionalities(district, results, lang),
        "annex": annex_rows(results, "district", lang),
        "annex_notes": chosen.notes_it if lang == "it" else chosen.notes_en,
    }


def _closure(cycle: Mapping[str, Any]) -> float | None:
    value = cycle["closure"]
    return float(value) if isinstance(value, int | float) else None


def _who(applicant: str, codes: Mapping[str, str], consenting: Collection[str], lang: str) -> str:
    if applicant in consenting:
        return applicant
    return labels_for(lang)["anonymous_firm"] % {"code": codes.get(applicant, "?")}


def _applicant_codes(ranking: Mapping[str, Any] | None, extra: Sequence[str]) -> dict[str, str]:
    order: list[str] = []
    if ranking is not None:
        order.extend(
            str(a.get("id", a)) if isinstance(a, dict) else str(a)
            for a in ranking.get("applicants", [])
        )
    order.extend(x for x in extra if x not in order)
    return anonymous_codes(order)


def _selection(
    ranking: Mapping[str, Any] | None, consenting: Collection[str], lang: str
) -> dict[str, Any] | None:
    if not ranking:
        return None
    words = labels_for(lang)
    codes = _applicant_codes(ranking, [])
    method = ranking.get("ranking", {})
    requirements = [
        {
            "label": r.get("label_it" if lang == "it" else "label_en") or r.get("id", ""),
            "indicator": r.get("indicator", ""),
            "threshold": f"{r.get('operator', '')} {format_number(r.get('threshold'), lang, 1)}",
        }
        for r in ranking.get("requirements", [])
    ]
    criteria = [
        {
            "label": c.get("label_it" if lang == "it" else "label_en") or c.get("id", ""),
            "indicator": c.get("indicator", ""),
            "direction": c.get("direction", ""),
            "weight": format_number(c.get("weight"), lang, 2),
        }
        for c in method.get("criteria", [])
    ]
    ranked = [
        {
            "rank": r.get("rank"),
            "applicant": _who(str(r.get("applicant")), codes, consenting, lang),
            "score": format_number(r.get("score"), lang, 3),
        }
        for r in method.get("ranking", [])
    ]
    excluded = [
        _who(str(e if not isinstance(e, dict) else e.get("applicant")), codes, consenting, lang)
        for e in ranking.get("eligibility", {}).get("excluded", [])
    ]
    return {
        "call": ranking.get("call", ""),
        "method": method.get("method", NO_VALUE),
        "normalisation": method.get("normalisation", ""),
        "requirements": requirements,
        "criteria": criteria,
        "ranking": ranked,
        "excluded": excluded,
        "words": words,
    }


def _settlement(
    scenario: Mapping[str, Any] | None,
    ranking: Mapping[str, Any] | None,
    consenting: Collection[str],
    results: IndicatorResults,
    lang: str,
) -> dict[str, Any] | None:
    if not scenario:
        return None
    settled: Mapping[str, str] = scenario.get("settled", {})
    not_settled: Mapping[str, str] = scenario.get("settlement", {}).get("not_settled", {})
    codes = _applicant_codes(ranking, [*settled, *not_settled])
    chosen = results.indicator_set
    indicators = []
    for key, value in scenario.get("district_indicators", {}).items():
        try:
            definition = chosen.definition(key)
        except KeyError:
            continue
        indicators.append(
            {
                "name": definition.name(lang),
                "shown": format_value(value, definition.unit, lang),
            }
        )
    words = labels_for(lang)
    potential = [
        {"cycle": words.get(f"cycle_{cycle}", cycle), "shown": format_value(value, "%", lang)}
        for cycle, value in scenario.get("closure_potential_pct", {}).items()
    ]
    return {
        "name": scenario.get("name", ""),
        "status": scenario.get("settlement", {}).get("status", NO_VALUE),
        "settled": [
            {"applicant": _who(a, codes, consenting, lang), "lot": lot}
            for a, lot in settled.items()
        ],
        "not_settled": [
            {"applicant": _who(a, codes, consenting, lang), "reason": why}
            for a, why in not_settled.items()
        ],
        "indicators": indicators,
        "potential": potential,
    }
