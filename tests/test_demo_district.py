"""The shipped demo district (src/ecodistrict/data/demo/formigine-demo.yaml) and its generator.

Facts asserted here come from reference/formigine-district.md (§1.1 zone boxes, §6.3 firm mix,
§6.4 symbiosis links) and from docs/demo-district.md. The contract checks are plain Python so
that they do not depend on the validator; the validator itself is run at the end.
"""

from __future__ import annotations

import csv
import importlib.resources
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "src" / "ecodistrict" / "data" / "demo" / "formigine-demo.yaml"
SCRIPT = REPO / "scripts" / "generate_demo_district.py"
EWC_CANDIDATES = [
    REPO / "src" / "ecodistrict" / "codes" / "data" / "ewc.csv",
    Path("/work/shared/reference/ewc.csv"),
]

# §1.1 zone boxes: (lat min, lat max, lon min, lon max)
ZONES = {
    "Z1": (44.578, 44.592, 10.810, 10.835),
    "Z2": (44.586, 44.598, 10.835, 10.862),
    "Z3": (44.562, 44.582, 10.835, 10.868),
    "Z4": (44.545, 44.558, 10.835, 10.862),
    "Z5": (44.590, 44.603, 10.788, 10.806),
    "Z6": (44.546, 44.560, 10.880, 10.900),
}

# id: (archetype, zone, employees, ATECO 2025)
FIRMS = {
    "gres-lunaverde": ("CER-TILE", "Z4", 140, "23.31"),
    "ceramiche-pietrachiara": ("CER-TILE", "Z1", 220, "23.31"),
    "terzo-fuoco-arcobaleno": ("CER-3F", "Z3", 25, "23.31"),
    "colorificio-vetrinaria": ("CER-GLZ", "Z4", 70, "20.30"),
    "torchiolo-macchine": ("MECH-CM", "Z4", 60, "28.99"),
    "mulinello-impianti": ("MECH-CM", "Z2", 120, "28.92"),
    "ventaglio-forni": ("MECH-CM", "Z6", 230, "28.99"),
    "officina-truciolo-d-oro": ("MECH-CNC", "Z3", 8, "25.53"),
    "meccanica-girasole": ("MECH-CNC", "Z5", 15, "25.53"),
    "tornio-blu": ("MECH-CNC", "Z1", 28, "25.53"),
    "centesimo-lavorazioni": ("MECH-CNC", "Z3", 45, "25.53"),
    "scintilla-lamiere": ("MECH-FAB", "Z5", 18, "25.11"),
    "polverina-carpenteria": ("MECH-FAB", "Z3", 55, "25.51"),
    "plastiche-fantasia": ("PLAST", "Z3", 35, "22.26"),
    "rotolina-ruote": ("PLAST", "Z6", 160, "22.12"),
    "salumi-nonna-ines": ("FOOD-MEAT", "Z2", 12, "10.13"),
    "salumi-borgo-immaginario": ("FOOD-MEAT", "Z3", 30, "10.13"),
    "prosciutti-collinargento": ("FOOD-MEAT", "Z6", 85, "10.13"),
    "carni-trebbiolo": ("FOOD-CUT", "Z1", 90, "10.11"),
    "caseificio-quattro-prati": ("FOOD-DAIRY", "Z5", 9, "10.51"),
    "acetaia-botticella-sognata": ("FOOD-BALS", "Z6", 6, "10.84"),
    "mucolina-biofarmaceutici": ("PHARMA-HEP", "Z1", 150, "21.10"),
    "scaffale-logistica": ("LOG-3PL", "Z2", 20, "52.10"),
    "magazzini-bancale-alto": ("LOG-3PL", "Z4", 45, "52.10"),
    "piastrella-viaggiante": ("LOG-3PL", "Z1", 75, "52.10"),
    "autotrasporti-ruotalibera": ("LOG-TRUCK", "Z2", 30, "49.41"),
    "bancali-gazza": ("PACK-PAL", "Z5", 14, "16.24"),
    "scatolificio-ondina": ("PACK-BOX", "Z3", 40, "17.21"),
    "coccio-recuperi": ("REC-INERT", "Z5", 10, "38.21"),
    "agroenergia-stallabuona": ("ENER-BIOGAS", "Z5", 4, "35.12"),
}

# §6.3 composition
ARCHETYPE_COUNTS = {
    "CER-TILE": 2, "CER-3F": 1, "CER-GLZ": 1, "MECH-CM": 3, "MECH-CNC": 4, "MECH-FAB": 2,
    "PLAST": 2, "FOOD-MEAT": 3, "FOOD-CUT": 1, "FOOD-DAIRY": 1, "FOOD-BALS": 1,
    "PHARMA-HEP": 1, "LOG-3PL": 3, "LOG-TRUCK": 1, "PACK-PAL": 1, "PACK-BOX": 1,
    "REC-INERT": 1, "ENER-BIOGAS": 1,
}

# (receiver, receiver flow, supplier, supplier flow) — §6.4
LINKS = {
    ("coccio-recuperi", "fired-scrap-pietrachiara", "ceramiche-pietrachiara", "fired-scrap"),
    ("coccio-recuperi", "tile-breakage-piastrella-viaggiante", "piastrella-viaggiante",
     "tile-breakage"),
    ("bancali-gazza", "broken-pallets-piastrella-viaggiante", "piastrella-viaggiante",
     "broken-pallets"),
    ("bancali-gazza", "crates-ventaglio", "ventaglio-forni", "crates"),
    ("mucolina-biofarmaceutici", "mucosa-trebbiolo", "carni-trebbiolo", "mucosa"),
    ("agroenergia-stallabuona", "whey-quattro-prati", "caseificio-quattro-prati", "whey-biogas"),
}

REAL_NAMES = [
    "opocrin", "tellure", "italgraniti", "siti b&t", "siti-b", "iris", "maletti", "worgas",
    "cooltech", "rcm", "ghirri", "gresmalt", "granterre", "zenit", "kore", "fondovalle",
    "settecento", "medlog",
]

ID_RE = re.compile(r"^[a-z0-9\-_.]+$")
DIRECTIONS = {"in", "out"}
KINDS = {"material", "energy", "water", "service"}
LEGAL = {"waste", "by-product", "end-of-waste", "product"}
DESTINATIONS = {"reuse", "recycling", "composting", "energy-recovery", "incineration", "landfill",
                "internal", "unknown"}
ORIGINS = {"virgin", "recycled", "reused", "by-product", "renewable", "unknown"}
AVAILABLE = {"continuous", "seasonal", "one-off"}
UNITS = {"material": {"t/yr"}, "energy": {"MWh/yr", "Sm3/yr"}, "water": {"m3/yr"},
         "service": {"h/yr"}}
FLOW_FIELDS = {"id", "direction", "kind", "description", "ewc", "legal_status", "destination",
               "quantity", "unit", "temperature_c", "available", "origin", "source_distance_km",
               "supplied_by"}
COMPANY_FIELDS = {"id", "name", "ateco", "location", "employees", "revenue_eur", "flows"}


@pytest.fixture(scope="module")
def text() -> str:
    return DEMO.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def data(text: str) -> dict[str, Any]:
    return yaml.safe_load(text)


@pytest.fixture(scope="module")
def companies(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {company["id"]: company for company in data["companies"]}


def flows_of(company: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {flow["id"]: flow for flow in company["flows"]}


def ewc_entries() -> dict[str, bool]:
    path = next(p for p in EWC_CANDIDATES if p.exists())
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["hazardous"] == "true" for row in csv.DictReader(handle)
                if row["level"] == "entry"}


def test_header_says_generated_and_illustrative(text: str) -> None:
    header = text.split("format: ecodistrict/1")[0]
    assert "GENERATED FILE" in header
    assert "scripts/generate_demo_district.py" in header
    assert "Dati illustrativi – aziende fittizie" in header
    assert "Illustrative data – fictitious companies" in header
    assert "capacity mismatch" in header  # §6.4: spent mucosa vs a 1 MWe biogas plant


def test_district_block(data: dict[str, Any]) -> None:
    assert list(data) == ["format", "district", "companies"]
    assert data["format"] == "ecodistrict/1"
    district = data["district"]
    assert district["name"] == "Formigine Smart Eco District — demo (dati illustrativi)"
    assert district["center"] == {"lat": 44.573889, "lon": 10.847778}
    assert district["radius_km"] == 30
    assert district["notice"].startswith(
        "Dati illustrativi – aziende fittizie. Illustrative data – fictitious companies."
    )


def test_thirty_firms_as_in_section_6_3(companies: dict[str, dict[str, Any]]) -> None:
    assert len(companies) == 30
    assert set(companies) == set(FIRMS)
    assert Counter(arch for arch, *_ in FIRMS.values()) == ARCHETYPE_COUNTS
    for cid, (_, _, employees, ateco) in FIRMS.items():
        assert companies[cid]["employees"] == employees, cid
        assert companies[cid]["ateco"] == ateco, cid
    assert sum(c["employees"] for c in companies.values()) == 1849  # §6.3 "≈1,850"


def test_every_firm_inside_its_zone_box(companies: dict[str, dict[str, Any]]) -> None:
    for cid, (_, zone, _, _) in FIRMS.items():
        lat_min, lat_max, lon_min, lon_max = ZONES[zone]
        location = companies[cid]["location"]
        assert lat_min <= location["lat"] <= lat_max, (cid, zone, location)
        assert lon_min <= location["lon"] <= lon_max, (cid, zone, location)


def test_names_are_fictitious(companies: dict[str, dict[str, Any]]) -> None:
    for company in companies.values():
        assert company["name"].endswith("(fittizia)"), company["name"]
        lowered = company["name"].lower()
        for real in REAL_NAMES:
            assert not re.search(rf"\b{re.escape(real)}\b", lowered), (company["name"], real)


def test_ateco_codes_exist_in_the_2025_edition(companies: dict[str, dict[str, Any]]) -> None:
    ateco = pytest.importorskip("ateco")
    for company in companies.values():
        node = ateco.lookup(company["ateco"])
        assert node is not None, company["ateco"]
        assert node.level == "class" and node.edition == "2025", company["ateco"]


def test_contract_rules_by_hand(companies: dict[str, dict[str, Any]]) -> None:
    """Plain-Python check of CONTRACT.md: ids, required fields, enumerations, units, directions."""
    ewc = ewc_entries()
    for cid, company in companies.items():
        assert ID_RE.match(cid)
        assert set(company) <= COMPANY_FIELDS and {"id", "name", "ateco", "location"} <= set(
            company)
        assert re.fullmatch(r"\d\d\.\d\d", company["ateco"])
        assert company["revenue_eur"] > 0
        ids = [flow["id"] for flow in company["flows"]]
        assert len(ids) == len(set(ids)), cid
        for flow in company["flows"]:
            where = (cid, flow["id"])
            assert ID_RE.match(flow["id"]), where
            assert set(flow) <= FLOW_FIELDS, where
            assert {"id", "direction", "kind", "description", "quantity", "unit"} <= set(flow)
            assert flow["direction"] in DIRECTIONS and flow["kind"] in KINDS, where
            assert isinstance(flow["quantity"], int | float) and flow["quantity"] > 0, where
            assert flow["unit"] in UNITS[flow["kind"]], where
            if flow["unit"] == "Sm3/yr":
                assert flow["id"] == "natural-gas", where
            if flow["direction"] == "in":
                assert not {"legal_status", "destination"} & set(flow), where
                if flow["kind"] != "service":
                    assert flow["origin"] in ORIGINS, where
            else:
                assert not {"origin", "source_distance_km", "supplied_by"} & set(flow), where
                assert flow.get("destination", "unknown") in DESTINATIONS, where
                if flow["kind"] != "service":
                    assert "destination" in flow, where
                if "legal_status" in flow:
                    assert flow["legal_status"] in LEGAL, where
                if flow.get("legal_status") == "waste":
                    assert "ewc" in flow, where
            if "ewc" in flow:
                assert flow["kind"] == "material", where
                assert re.fullmatch(r"\d\d \d\d \d\d", flow["ewc"]), where
                assert flow["ewc"] in ewc, where
            if "temperature_c" in flow or "available" in flow:
                assert flow["kind"] == "energy", where
                assert flow.get("available", "continuous") in AVAILABLE, where
            if flow["kind"] in ("energy", "service"):
                assert flow.get("legal_status") in (None, "product"), where


def test_hazardous_ewc_codes_used(companies: dict[str, dict[str, Any]]) -> None:
    ewc = ewc_entries()
    used = {flow["ewc"] for c in companies.values() for flow in c["flows"] if "ewc" in flow}
    hazardous = {code for code in used if ewc[code]}
    assert {"12 01 09", "13 02 05", "07 05 04", "16 06 01", "10 12 11"} <= hazardous


def test_seeded_exchanges(companies: dict[str, dict[str, Any]]) -> None:
    found = {
        (cid, flow["id"], flow["supplied_by"]["company"], flow["supplied_by"]["flow"])
        for cid, company in companies.items()
        for flow in company["flows"]
        if "supplied_by" in flow
    }
    assert found == LINKS
    for receiver, rflow_id, supplier, sflow_id in LINKS:
        assert receiver != supplier
        rflow = flows_of(companies[receiver])[rflow_id]
        sflow = flows_of(companies[supplier])[sflow_id]
        assert rflow["direction"] == "in" and sflow["direction"] == "out"
        assert rflow["kind"] == sflow["kind"] == "material"
        assert rflow["unit"] == sflow["unit"]
        assert rflow["quantity"] <= sflow["quantity"]
        assert sflow["destination"] in ("recycling", "reuse")
        assert rflow["origin"] in ("recycled", "reused", "by-product")
        assert 0 < rflow["source_distance_km"] < 30  # both firms are in Formigine
    # Several receivers of one supplier output never take more than it declares.
    taken = Counter()
    for receiver, rflow_id, supplier, sflow_id in LINKS:
        taken[(supplier, sflow_id)] += flows_of(companies[receiver])[rflow_id]["quantity"]
    for (supplier, sflow_id), total in taken.items():
        assert total <= flows_of(companies[supplier])[sflow_id]["quantity"]


def test_section_6_4_magnitudes(companies: dict[str, dict[str, Any]]) -> None:
    """The seeded quantities stay near the §6.4 figures (noise of ±15–30% one sigma)."""
    section_6_4 = {
        ("ceramiche-pietrachiara", "fired-scrap"): 2600,
        ("ventaglio-forni", "crates"): 140,
        ("piastrella-viaggiante", "broken-pallets"): 225,
        ("piastrella-viaggiante", "tile-breakage"): 375,
        ("carni-trebbiolo", "mucosa"): 4100,
        ("caseificio-quattro-prati", "milk"): 9000,
        ("prosciutti-collinargento", "spent-salt"): 85,
    }
    for (cid, fid), reference in section_6_4.items():
        value = flows_of(companies[cid])[fid]["quantity"]
        assert 0.55 * reference <= value <= 1.8 * reference, (cid, fid, value, reference)


def test_heparin_buys_most_mucosa_from_far_away(companies: dict[str, dict[str, Any]]) -> None:
    flows = flows_of(companies["mucolina-biofarmaceutici"])
    local, other = flows["mucosa-trebbiolo"], flows["mucosa-other"]
    assert other["quantity"] > 3 * local["quantity"]
    assert other["source_distance_km"] >= 300
    assert other["origin"] == "by-product" and "supplied_by" not in other


def test_energy_water_and_services(companies: dict[str, dict[str, Any]]) -> None:
    for cid in ("gres-lunaverde", "ceramiche-pietrachiara"):
        flows = flows_of(companies[cid])
        heat = flows["kiln-heat"]
        assert heat["kind"] == "energy" and heat["direction"] == "out"
        assert "legal_status" not in heat and heat["destination"] == "unknown"
        assert heat["temperature_c"] == 180 and heat["available"] == "continuous"
        assert flows["recycled-water"]["origin"] == "recycled"
        assert flows["natural-gas"]["unit"] == "Sm3/yr"
        tiles_per_employee = flows["tiles"]["quantity"] / companies[cid]["employees"]
        assert 250 <= tiles_per_employee <= 800  # §6.2: ≈470 t per employee
    pv = {cid for cid, c in companies.items() if "pv-electricity" in flows_of(c)}
    assert pv == {"ventaglio-forni", "tornio-blu", "rotolina-ruote", "piastrella-viaggiante",
                  "scatolificio-ondina"}
    for cid in pv:
        assert flows_of(companies[cid])["pv-electricity"]["origin"] == "renewable"
    services = {(cid, f["id"], f["direction"]) for cid, c in companies.items()
                for f in c["flows"] if f["kind"] == "service"}
    assert ("autotrasporti-ruotalibera", "freight-transport", "out") in services
    assert ("centesimo-lavorazioni", "heat-treatment", "in") in services
    assert {("scaffale-logistica", "warehousing", "out"),
            ("magazzini-bancale-alto", "warehousing", "out"),
            ("piastrella-viaggiante", "warehousing", "out")} <= services


def test_material_balances_are_plausible(companies: dict[str, dict[str, Any]]) -> None:
    """Material out over material in, for firms that transform materials."""
    for cid, company in companies.items():
        ins = sum(f["quantity"] for f in company["flows"]
                  if f["kind"] == "material" and f["direction"] == "in")
        outs = sum(f["quantity"] for f in company["flows"]
                   if f["kind"] == "material" and f["direction"] == "out")
        if ins == 0:
            assert FIRMS[cid][0] in ("LOG-3PL", "LOG-TRUCK")
            continue
        # ≥0.6: balsamic must is cooked down; ≤1.2: incoming packaging is not an input here
        assert 0.6 <= outs / ins <= 1.2, (cid, ins, outs)


def test_shipped_as_package_data() -> None:
    resource = importlib.resources.files("ecodistrict.data.demo") / "formigine-demo.yaml"
    assert resource.is_file()
    assert resource.read_bytes() == DEMO.read_bytes()


def test_regeneration_is_byte_identical(tmp_path: Path) -> None:
    out = tmp_path / "demo.yaml"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == DEMO.read_bytes()


def test_passes_the_district_file_validator() -> None:
    try:
        from ecodistrict.io import load_district_file
    except ImportError as exc:  # the validator is written in parallel
        pytest.skip(f"ecodistrict.io not importable yet: {exc}")
    district = load_district_file(DEMO)
    assert len(district.companies) == 30


def test_cli_validate_exits_zero() -> None:
    try:
        import ecodistrict.cli  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"ecodistrict.cli not importable yet: {exc}")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "src"), *filter(None, [env.get("PYTHONPATH")])]
    )
    result = subprocess.run(
        [sys.executable, "-m", "ecodistrict.cli", "validate", str(DEMO)],
        capture_output=True, text=True, check=False, env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("option", ["--firms-md", "--coefficients-md"])
def test_docs_carry_the_generators_tables(option: str) -> None:
    """docs/demo-district.md embeds the generator's own firm and coefficient tables verbatim."""
    result = subprocess.run(
        [sys.executable, str(SCRIPT), option], capture_output=True, text=True, check=True
    )
    docs = (REPO / "docs" / "demo-district.md").read_text(encoding="utf-8")
    assert result.stdout.strip() in docs
    assert "Dati illustrativi – aziende fittizie" in docs
