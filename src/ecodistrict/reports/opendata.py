"""Open data: the district's aggregated indicators and anonymised flows, CSV and JSON, with a
data dictionary, under CC BY 4.0 (docs/open-data.md).

Anonymisation: no company name or id and no free-text description (a description can name a
firm or a product); each firm gets a code derived with HMAC-SHA256 from a secret seed and its id
(the same seed gives the same codes next year; without the seed the codes cannot be linked back
to ids); only the ATECO division (two digits) is kept; coordinates are rounded to 0.01° (about
1.1 km north–south and 0.8 km east–west at Formigine's latitude).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import statistics
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ecodistrict.domain.models import DistrictFile
from ecodistrict.indicators import CONTRACT_COMPANY_KEYS, IndicatorResults, compute_indicators
from ecodistrict.indicators.calculators import canonical_quantity
from ecodistrict.indicators.positioning import ateco_division
from ecodistrict.units import normalise_quantity

LICENCE = "CC-BY-4.0"
LICENCE_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
OPEN_DATA_FORMAT = "ecodistrict/open-data/1"
#: Decimal places kept of latitude and longitude (0.01° ≈ 1 km).
COORDINATE_DECIMALS = 2
#: Fewest firms with a value before a division's aggregate is published.
MIN_GROUP = 3

FLOW_COLUMNS = (
    "firm_code", "ateco_division", "lat", "lon", "direction", "kind", "ewc", "legal_status",
    "destination", "origin", "quantity", "unit", "quantity_canonical", "unit_canonical",
    "supplied_by_firm_code",
)  # fmt: skip
DISTRICT_COLUMNS = ("indicator", "name_it", "name_en", "unit", "value", "note", "indicator_set")
DIVISION_COLUMNS = ("ateco_division", "indicator", "unit", "n_firms", "min", "median", "max",
                    "indicator_set")  # fmt: skip

#: The data dictionary: file, column, type, unit, Italian and English description.
DICTIONARY: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("indicators-district", "indicator", "text", "", "Chiave dell'indicatore", "Indicator key"),
    ("indicators-district", "name_it", "text", "", "Nome in italiano", "Name in Italian"),
    ("indicators-district", "name_en", "text", "", "Nome in inglese", "Name in English"),
    ("indicators-district", "unit", "text", "", "Unità di misura", "Unit"),
    ("indicators-district", "value", "number", "unit", "Valore (vuoto se non calcolabile)",
     "Value (empty when it cannot be computed)"),
    ("indicators-district", "note", "text", "", "Motivo del valore mancante o nota",
     "Why the value is missing, or a note"),
    ("indicators-district", "indicator_set", "text", "", "Set di indicatori e versione",
     "Indicator set and version"),
    ("indicators-divisions", "ateco_division", "text", "", "Divisione ATECO (2 cifre)",
     "ATECO division (2 digits)"),
    ("indicators-divisions", "indicator", "text", "", "Chiave dell'indicatore", "Indicator key"),
    ("indicators-divisions", "unit", "text", "", "Unità di misura", "Unit"),
    ("indicators-divisions", "n_firms", "integer", "", "Imprese con un valore (almeno 3)",
     "Firms with a value (at least 3)"),
    ("indicators-divisions", "min", "number", "unit", "Minimo", "Minimum"),
    ("indicators-divisions", "median", "number", "unit", "Mediana", "Median"),
    ("indicators-divisions", "max", "number", "unit", "Massimo", "Maximum"),
    ("indicators-divisions", "indicator_set", "text", "", "Set di indicatori e versione",
     "Indicator set and version"),
    ("flows", "firm_code", "text", "", "Codice anonimo dell'impresa (HMAC del suo id)",
     "Anonymous code of the firm (HMAC of its id)"),
    ("flows", "ateco_division", "text", "", "Divisione ATECO dell'impresa",
     "ATECO division of the firm"),
    ("flows", "lat", "number", "degrees", "Latitudine arrotondata a 0,01°",
     "Latitude rounded to 0.01°"),
    ("flows", "lon", "number", "degrees", "Longitudine arrotondata a 0,01°",
     "Longitude rounded to 0.01°"),
    ("flows", "direction", "text", "", "in = ingresso, out = uscita", "in or out"),
    ("flows", "kind", "text", "", "material, energy, water, service",
     "material, energy, water, service"),
    ("flows", "ewc", "text", "", "Codice EER (rifiuti)", "EWC code (wastes)"),
    ("flows", "legal_status", "text", "", "Stato giuridico (uscite)", "Legal status (outputs)"),
    ("flows", "destination", "text", "", "Destinazione (uscite)", "Destination (outputs)"),
    ("flows", "origin", "text", "", "Origine (ingressi)", "Origin (inputs)"),
    ("flows", "quantity", "number", "unit", "Quantità dichiarata", "Declared quantity"),
    ("flows", "unit", "text", "", "Unità dichiarata", "Declared unit"),
    ("flows", "quantity_canonical", "number", "unit_canonical",
     "Quantità in unità canonica", "Quantity in the canonical unit"),
    ("flows", "unit_canonical", "text", "", "t/yr, MWh/yr, m3/yr o h/yr",
     "t/yr, MWh/yr, m3/yr or h/yr"),
    ("flows", "supplied_by_firm_code", "text", "",
     "Codice dell'impresa del distretto che fornisce il flusso (scambio in atto)",
     "Code of the district firm supplying the flow (exchange in place)"),
)  # fmt: skip


def firm_code(company_id: str, seed: str) -> str:
    """'F-' and 8 hex digits of HMAC-SHA256(seed, id): stable for one seed, opaque without it."""
    digest = hmac.new(seed.encode("utf-8"), company_id.encode("utf-8"), hashlib.sha256)
    return "F-" + digest.hexdigest()[:8]


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row[k] for k in columns})
    return buffer.getvalue().encode("utf-8")


def _json(metadata: Mapping[str, Any], key: str, rows: list[dict[str, Any]]) -> bytes:
    document = {**metadata, key: rows}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def build_open_data(
    district: DistrictFile,
    *,
    seed: str,
    results: IndicatorResults | None = None,
    data_date: str | None = None,
) -> dict[str, bytes]:
    """The open data files by name: indicators of the district and per ATECO division, the
    anonymised flows (CSV and JSON each), the data dictionary (CSV and Markdown), the licence."""
    if not seed:
        raise ValueError("a seed is needed for the anonymous firm codes")
    results = results if results is not None else compute_indicators(district)
    chosen = results.indicator_set
    metadata = {
        "format": OPEN_DATA_FORMAT,
        "district": district.district.name,
        "indicator_set": chosen.label,
        "data_date": data_date,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
    }
    district_rows = [
        {
            "indicator": key,
            "name_it": chosen.definition(key).name_it,
            "name_en": chosen.definition(key).name_en,
            "unit": chosen.definition(key).unit,
            "value": None if item.value is None else round(item.value, 6),
            "note": item.reason,
            "indicator_set": chosen.label,
        }
        for key, item in results.district.items()
    ]
    division_rows = _division_rows(district, results)
    codes = {c.id: firm_code(c.id, seed) for c in district.companies}
    flow_rows = []
    for company in district.companies:
        for flow in company.flows:
            canonical = canonical_quantity(flow)
            unit = normalise_quantity(0, flow.unit, flow.kind).unit if canonical is not None else ""
            flow_rows.append(
                {
                    "firm_code": codes[company.id],
                    "ateco_division": ateco_division(company.ateco),
                    "lat": round(company.location.lat, COORDINATE_DECIMALS),
                    "lon": round(company.location.lon, COORDINATE_DECIMALS),
                    "direction": flow.direction,
                    "kind": flow.kind,
                    "ewc": flow.ewc,
                    "legal_status": flow.legal_status,
                    "destination": flow.destination,
                    "origin": flow.origin,
                    "quantity": flow.quantity,
                    "unit": flow.unit,
                    "quantity_canonical": None if canonical is None else round(canonical, 6),
                    "unit_canonical": unit,
                    "supplied_by_firm_code": (
                        codes.get(flow.supplied_by.company) if flow.supplied_by else None
                    ),
                }
            )
    dictionary_rows = [
        dict(zip(("file", "column", "type", "unit", "description_it", "description_en"), row,
                 strict=True))
        for row in DICTIONARY
    ]  # fmt: skip
    return {
        "indicators-district.csv": _csv(DISTRICT_COLUMNS, district_rows),
        "indicators-district.json": _json(metadata, "indicators", district_rows),
        "indicators-divisions.csv": _csv(DIVISION_COLUMNS, division_rows),
        "indicators-divisions.json": _json(metadata, "divisions", division_rows),
        "flows.csv": _csv(FLOW_COLUMNS, flow_rows),
        "flows.json": _json(metadata, "flows", flow_rows),
        "data-dictionary.csv": _csv(
            ("file", "column", "type", "unit", "description_it", "description_en"),
            dictionary_rows,
        ),
        "README.md": _readme(metadata, len(district.companies), len(flow_rows)).encode("utf-8"),
        "LICENSE.txt": (
            f"{LICENCE_NAME}\n{LICENCE_URL}\n\n"
            f"Attribution: {district.district.name} – ecodistrict open data.\n"
        ).encode(),
    }


def _division_rows(district: DistrictFile, results: IndicatorResults) -> list[dict[str, Any]]:
    chosen = results.indicator_set
    groups: dict[str, list[str]] = {}
    for company in district.companies:
        division = ateco_division(company.ateco)
        if division is not None:
            groups.setdefault(division, []).append(company.id)
    rows = []
    for division in sorted(groups):
        for key in CONTRACT_COMPANY_KEYS:
            found = [
                v
                for cid in groups[division]
                if (v := results.companies[cid][key].value) is not None
            ]
            if len(found) < MIN_GROUP:
                continue
            rows.append(
                {
                    "ateco_division": division,
                    "indicator": key,
                    "unit": chosen.definition(key).unit,
                    "n_firms": len(found),
                    "min": round(min(found), 6),
                    "median": round(float(statistics.median(found)), 6),
                    "max": round(max(found), 6),
                    "indicator_set": chosen.label,
                }
            )
    return rows


def _readme(metadata: Mapping[str, Any], firms: int, flows: int) -> str:
    lines = [
        f"# Open data – {metadata['district']}",
        "",
        f"Licenza / Licence: **{LICENCE_NAME}** ({LICENCE_URL}).",
        f"Set di indicatori / Indicator set: {metadata['indicator_set']}.",
        f"Data dei dati / Date of the data: {metadata['data_date'] or '–'}.",
        f"Imprese / Firms: {firms}; flussi / flows: {flows}.",
        "",
        "Anonimizzazione: nessun nome, id o descrizione di impresa; codice anonimo per impresa "
        "(HMAC-SHA256 con un seme segreto); solo la divisione ATECO; coordinate arrotondate a "
        "0,01° (~1 km). Aggregati per divisione solo con almeno 3 imprese.",
        "",
        "Anonymisation: no firm name, id or description; an anonymous code per firm "
        "(HMAC-SHA256 with a secret seed); only the ATECO division; coordinates rounded to "
        "0.01° (~1 km). Division aggregates only with at least 3 firms.",
        "",
        "## Data dictionary",
        "",
        "| file | column | type | unit | descrizione | description |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in DICTIONARY:
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def write_open_data(files: Mapping[str, bytes], directory: Path) -> list[Path]:
    """Write the files into `directory` (created when missing); the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        path = directory / name
        path.write_bytes(content)
        written.append(path)
    return written


def open_data_zip(files: Mapping[str, bytes]) -> bytes:
    """The files as one zip archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()
