#!/usr/bin/env python3
"""Generate the illustrative Formigine demo district (30 fictitious firms), `ecodistrict/1`.

    python scripts/generate_demo_district.py [--out PATH]
    python scripts/generate_demo_district.py --coefficients-md   # the coefficient table (docs)
    python scripts/generate_demo_district.py --firms-md          # the firm table (docs)

Every number comes from the per-sector coefficients of reference/formigine-district.md (§6.2,
with §6.1 conversion factors, §6.3 firm mix and §6.4 symbiosis links); each coefficient below
names the section it comes from and its evidence label ([S] sourced, [D] derived, [E] estimate).
A few coefficients the reference does not give (rooftop PV share, service hours, revenue per
employee, wastewater share) are generator assumptions, labelled [E] "generator assumption".

Noise: each firm draws an activity factor exp(0.15·z) shared by all its flows, and each flow an
own factor exp(σ·z) with σ = 0.10 (confidence H/M), 0.15 (L/M) or 0.20 (L); z is a standard
normal clipped to ±2. The main mass flows of a firm (its "mass_group": main inputs, product and
the by-products proportional to them) share a single such draw, so its mass balance holds.
Total spread is about ±18–25% (one sigma). The random generator of each firm is seeded with
"<SEED>:<firm id>", so the file is byte-identical on every run.

The data are illustrative and the companies fictitious.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import textwrap
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "src" / "ecodistrict" / "data" / "demo" / "formigine-demo.yaml"
SCRIPT_NAME = "scripts/generate_demo_district.py"
SEED = 20250401

# ---------------------------------------------------------------------------------------------
# District, zones, conversion factors
# ---------------------------------------------------------------------------------------------

DISTRICT = {
    "name": "Formigine Smart Eco District — demo (dati illustrativi)",
    "center": {"lat": 44.573889, "lon": 10.847778},  # §1.1 Formigine centre (Castello) [S]
    "radius_km": 30,
    "notice": (
        "Dati illustrativi – aziende fittizie. Illustrative data – fictitious companies. "
        "Le aziende, i nomi e i flussi sono inventati: i valori derivano da coefficienti "
        "settoriali medi (reference/formigine-district.md §6.2) con rumore casuale e non "
        "descrivono alcuna impresa reale. Companies, names and flows are invented: values "
        "come from average sector coefficients with random noise and describe no real firm."
    ),
}

#: Productive zones of Formigine, §1.1 (boxes are [E] in the reference).
ZONES: dict[str, dict[str, Any]] = {
    "Z1": {"name": "Corlo – via Radici in Piano", "lat": (44.578, 44.592), "lon": (10.810, 10.835)},
    "Z2": {"name": "Casinalbo", "lat": (44.586, 44.598), "lon": (10.835, 10.862)},
    "Z3": {"name": "Formigine capoluogo, aree artigianali", "lat": (44.562, 44.582),
           "lon": (10.835, 10.868)},
    "Z4": {"name": "Ubersetto – Pedemontana", "lat": (44.545, 44.558), "lon": (10.835, 10.862)},
    "Z5": {"name": "Magreta", "lat": (44.590, 44.603), "lon": (10.788, 10.806)},
    "Z6": {"name": "Colombaro", "lat": (44.546, 44.560), "lon": (10.880, 10.900)},
}
ZONE_MARGIN_DEG = 0.0005  # firms are placed at least ~50 m inside the box edge

#: §6.1 [S]: natural gas LHV 35.253 GJ per 1000 Sm3 = 9.7925 kWh/Sm3.
GAS_KWH_PER_SM3 = 35.253 / 1000 / 3.6 * 1000
#: [D] from §6.1: diesel 2.65 kg CO2/L over 74.1 t CO2/TJ = 35.8 MJ/L = 9.93 kWh/L.
DIESEL_KWH_PER_L = 2.65 / 74.1 * 1000 / 3.6
#: [E] generator assumption: share of electricity from rooftop PV where a firm has it.
PV_SHARE = 0.20

FIRM_SIGMA = 0.15
FLOW_SIGMA = {"H": 0.10, "M": 0.10, "L/M": 0.15, "L": 0.20}
Z_CLIP = 2.0

# ---------------------------------------------------------------------------------------------
# Coefficient table. One entry per flow, quantity per driver unit (employee unless said).
# unit: t, MWh, m3, h as such; "gas" = MWh written as Sm3 of natural gas; "diesel" = litres
# written as MWh. "pool" marks an input that seeded exchanges split (see LINKS).
# ---------------------------------------------------------------------------------------------


def flow(fid: str, direction: str, kind: str, description: str, per: float, unit: str,
         ref: str, ev: str, conf: str | None = None, **fields: Any) -> dict[str, Any]:
    """One coefficient row: a flow template, its value per driver unit and its provenance."""
    return {"id": fid, "direction": direction, "kind": kind, "description": description,
            "per": per, "unit": unit, "ref": ref, "ev": ev, "conf": conf, "fields": fields}


def gas(per: float, ref: str, ev: str = "D", **kw: Any) -> dict[str, Any]:
    return flow("natural-gas", "in", "energy", "Gas naturale", per, "gas", ref, ev,
                origin="virgin", **kw)


def elec(per: float, ref: str, ev: str = "D", **kw: Any) -> dict[str, Any]:
    return flow("grid-electricity", "in", "energy", "Energia elettrica da rete", per, "MWh",
                ref, ev, origin="unknown", **kw)


def water(per: float, ref: str, ev: str = "E", **kw: Any) -> dict[str, Any]:
    return flow("water", "in", "water", "Acqua prelevata da acquedotto e pozzi", per, "m3",
                ref, ev, origin="virgin", **kw)


def waste(fid: str, ewc: str, description: str, per: float, destination: str, ref: str,
          ev: str = "E", **kw: Any) -> dict[str, Any]:
    return flow(fid, "out", "material", description, per, "t", ref, ev, ewc=ewc,
                legal_status="waste", destination=destination, **kw)


def product(fid: str, description: str, per: float, ref: str, ev: str = "D",
            **kw: Any) -> dict[str, Any]:
    return flow(fid, "out", "material", description, per, "t", ref, ev,
                legal_status="product", destination="unknown", **kw)


def mat_in(fid: str, description: str, per: float, origin: str, km: float | None, ref: str,
           ev: str = "E", **kw: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"origin": origin}
    if km is not None:
        fields["source_distance_km"] = km
    return flow(fid, "in", "material", description, per, "t", ref, ev, **fields, **kw)


T = "§6.2 CER-TILE"
ARCHETYPES: dict[str, dict[str, Any]] = {
    "CER-TILE": {
        "mass_group": ["clays", "feldspars", "sands", "kaolin", "secondary-raw-materials", "tiles"],
        "label": "Stabilimento di piastrelle in gres porcellanato, ciclo completo",
        "driver": "employee", "conf": "M", "wastewater_share": 0.0,  # §2.4: ≈zero discharge
        "revenue_per_employee": 350_000,
        "flows": [
            # Body minerals 505 t/employee of which ≈50 secondary: the virgin split 210/215/65/10
            # is scaled by 455/500 [D]; origins from §2.1 (Ukraine clays/kaolin, Turkey feldspar).
            mat_in("clays", "Argille (Ucraina, via porto di Ravenna)", 191, "virgin", 2500,
                   f"{T} clays 210 × 455/500; §2.1", "D"),
            mat_in("feldspars", "Feldspati (Turchia, via porto di Ravenna)", 196, "virgin", 2000,
                   f"{T} feldspars 215 × 455/500; §2.1", "D"),
            mat_in("sands", "Sabbie silicee da cave locali", 59, "virgin", 30,
                   f"{T} sands 65 × 455/500", "D"),
            mat_in("kaolin", "Caolino (Ucraina)", 9, "virgin", 2500,
                   f"{T} kaolin 10 × 455/500; §2.1", "D"),
            mat_in("secondary-raw-materials",
                   "Materie prime seconde (scarti ceramici di terzi, vetro, fanghi)", 50,
                   "recycled", 15, f"{T} ≈50 recycled/secondary; §2.2 (11.2%)", "D"),
            mat_in("glazes-inks", "Smalti, engobbi e inchiostri digitali", 14, "virgin", 10,
                   f"{T} glazes and inks 14; §2.2", "E"),
            mat_in("cardboard", "Scatole in cartone ondulato (fibra riciclata)", 6, "recycled", 40,
                   f"{T} cardboard 6; §2.2", "D"),
            mat_in("wood-pallets", "Pallet in legno nuovi", 8, "virgin", 20,
                   f"{T} wood pallets 8; §2.2", "D"),
            mat_in("stretch-film", "Film estensibile in PE", 0.5, "virgin", 200,
                   f"{T} film 0.5; §2.2", "D"),
            gas(658, f"{T} 658 MWh (28 kWh/m²); §2.3"),
            elec(118, f"{T} 118 MWh (5 kWh/m²); §2.3"),
            water(210, f"{T} fresh 210; §2.2", "D"),
            flow("recycled-water", "in", "water",
                 "Acque reflue di altri stabilimenti ceramici (macinazione a umido)", 13, "m3",
                 "§2.4 recycle factor 107% × (gross 400 − fresh 210)", "D", origin="recycled",
                 source_distance_km=10),
            product("tiles", "Piastrelle in gres porcellanato", 470,
                    f"{T} 23,500 m² ≈ 470 t per employee"),
            flow("unfired-scrap", "out", "material",
                 "Scarti crudi e polveri di pressatura (reimpasto interno, scheda ER n. 6)", 12,
                 "t", f"{T} 10 12 01: 12; §2.5", "E", ewc="10 12 01", legal_status="by-product",
                 destination="internal"),
            flow("fired-scrap", "out", "material",
                 "Scarti di piastrelle cotte (macinati a chamotte in proprio)", 12, "t",
                 f"{T} 10 12 08: 12; §2.5", "E", ewc="10 12 08", legal_status="by-product",
                 destination="internal"),
            flow("sludges", "out", "material",
                 "Fanghi di depurazione e di levigatura (reimpasto interno)", 7, "t",
                 f"{T} 08 02 02 + 10 12 13: 7", "E", ewc="10 12 13", legal_status="by-product",
                 destination="internal"),
            flow("filter-dust", "out", "material", "Polveri dei filtri a maniche", 3.5, "t",
                 f"{T} 10 12 03: 3.5", "E", ewc="10 12 03", legal_status="by-product",
                 destination="internal"),
            flow("exhausted-lime", "out", "material",
                 "Calce esausta dall'abbattimento dei fluoruri", 0.7, "t",
                 f"{T} 10 12 10: 0.7", "E", ewc="10 12 10", legal_status="by-product",
                 destination="internal"),
            flow("glaze-waste", "out", "material", "Residui di smaltatura", 1.9, "t",
                 f"{T} 10 12 12: 1.9", "E", ewc="10 12 12", legal_status="by-product",
                 destination="internal"),
            waste("packaging-waste", "15 01 06",
                  "Imballaggi misti in ingresso (carta, plastica, legno)", 1.2, "recycling",
                  f"{T} 15 01 01/02/03 incoming: 1.2"),
        ],
        # Low-grade kiln heat: 5–10% of the gas input (§6.4 [E]); 7.5% taken.
        "kiln_heat_share_of_gas": 0.075,
    },
    "CER-3F": {
        "mass_group": ["bought-tiles", "decorated-tiles"],
        "label": "Terzo fuoco / decorazione", "driver": "employee", "conf": "L",
        "wastewater_share": 0.8, "revenue_per_employee": 150_000,
        "flows": [
            mat_in("bought-tiles", "Piastrelle cotte da decorare (stabilimenti del distretto)",
                   150, "virgin", 10, "§6.2 CER-3F bought tiles 150"),
            mat_in("lustres-glazes", "Lustri, smalti e materiali per terzo fuoco", 2, "virgin",
                   10, "§6.2 CER-3F lustres and glazes 2"),
            gas(150, "§6.2 CER-3F 150 [80–200]", "E"),
            elec(25, "§6.2 CER-3F 25", "E"),
            water(50, "§6.2 CER-3F 50"),
            product("decorated-tiles", "Piastrelle decorate a terzo fuoco", 146,
                    "§6.2 CER-3F ≈150 t processed − scrap 4 [D]"),
            waste("fired-scrap", "10 12 08", "Scarti di piastrelle cotte", 4, "recycling",
                  "§6.2 CER-3F 10 12 08: 4"),
            waste("glaze-waste", "10 12 11", "Residui di smaltatura contenenti metalli pesanti",
                  0.3, "landfill", "§6.2 CER-3F 10 12 11*/12: 0.3"),
            waste("glaze-sludge", "08 02 02", "Fanghi acquosi di smaltatura", 0.5, "recycling",
                  "§6.2 CER-3F 08 02 02: 0.5"),
            waste("wood-packaging", "15 01 03", "Imballaggi in legno", 1.0, "recycling",
                  "§6.2 CER-3F 15 01 03: 1.0"),
            waste("paper-packaging", "15 01 01", "Imballaggi in carta e cartone", 0.5,
                  "recycling", "§6.2 CER-3F 15 01 01: 0.5"),
        ],
    },
    "CER-GLZ": {
        "mass_group": ["ceramic-raw-materials", "glazes"],
        "label": "Colorificio: smalti, engobbi e inchiostri (senza fritte)", "driver": "employee",
        "conf": "L", "wastewater_share": 0.8, "revenue_per_employee": 400_000,
        "flows": [
            mat_in("ceramic-raw-materials", "Fritte, silicato di zirconio, caolino e feldspati",
                   250, "virgin", None, "§6.2 CER-GLZ frits, zircon, kaolin, feldspar 250"),
            mat_in("pigments-solvents", "Pigmenti ceramici e solventi per inchiostri", 10,
                   "virgin", None, "§6.2 CER-GLZ pigments and solvents 10"),
            gas(40, "§6.2 CER-GLZ 40", "E"),
            elec(60, "§6.2 CER-GLZ 60", "E"),
            water(200, "§6.2 CER-GLZ 200"),
            product("glazes", "Smalti, engobbi e inchiostri ceramici", 250,
                    "§6.2 CER-GLZ ≈250 t of blends", "E"),
            waste("aqueous-suspensions", "08 02 03",
                  "Sospensioni acquose di smalti (recupero negli impasti)", 6, "recycling",
                  "§6.2 CER-GLZ 08 02 02/03: 6"),
            waste("glaze-waste", "10 12 11", "Residui di smalti contenenti metalli pesanti", 0.5,
                  "landfill", "§6.2 CER-GLZ 10 12 11*: 0.5"),
            waste("spent-solvents", "07 01 04", "Solventi esausti degli inchiostri digitali", 0.3,
                  "incineration", "§6.2 CER-GLZ 07 01 04*: 0.3"),
            waste("contaminated-packaging", "15 01 10",
                  "Imballaggi contaminati da sostanze pericolose", 0.4, "incineration",
                  "§6.2 CER-GLZ 15 01 10*: 0.4"),
            waste("mixed-packaging", "15 01 06", "Imballaggi in materiali misti", 1.0,
                  "recycling", "§6.2 CER-GLZ 15 01 06: 1.0"),
        ],
    },
    "MECH-CM": {
        "mass_group": ["steel", "castings", "machinery", "steel-scrap", "nonferrous-chips"],
        "label": "Costruttore di macchine e impianti per ceramica", "driver": "employee",
        "conf": "L", "wastewater_share": 0.8,
        "revenue_per_employee": 300_000,  # §6.2 driver ≈250–350 k€ per employee [E]
        "flows": [
            mat_in("steel", "Lamiere e profilati in acciaio", 8, "virgin", 60,
                   "§6.2 MECH-CM steel 8 [5–12]"),
            mat_in("castings", "Getti in ghisa e altri metalli", 2, "virgin", 120,
                   "§6.2 MECH-CM cast and other metals 2"),
            gas(8, "§6.2 MECH-CM 8 [5–12]", "E"),
            elec(15, "§6.2 MECH-CM 15 [10–20]", "E"),
            water(20, "§6.2 MECH-CM 20"),
            product("machinery", "Macchine e impianti per l'industria ceramica", 8.6,
                    "§6.2 MECH-CM metals 10 − metal scrap 1.4 [D]"),
            waste("steel-scrap", "12 01 01", "Sfridi e trucioli di acciaio", 1.2, "recycling",
                  "§6.2 MECH-CM 12 01 01: 1.2"),
            waste("nonferrous-chips", "12 01 03", "Trucioli di metalli non ferrosi", 0.1,
                  "recycling", "§6.2 MECH-CM 12 01 03: 0.1"),
            waste("machining-emulsions", "12 01 09", "Emulsioni di lavorazione esauste", 0.1,
                  "unknown", "§6.2 MECH-CM 12 01 09*: 0.1"),
            waste("used-oil", "13 02 05", "Oli esausti per motori e ingranaggi", 0.02,
                  "recycling", "§6.2 MECH-CM 13 02 05*: 0.02"),
            waste("crates", "15 01 03", "Casse e gabbie in legno", 0.6, "recycling",
                  "§6.2 MECH-CM 15 01 03 (crates): 0.6"),
            waste("paper-packaging", "15 01 01", "Imballaggi in carta e cartone", 0.1,
                  "recycling", "§6.2 MECH-CM 15 01 01: 0.1"),
            waste("plastic-packaging", "15 01 02", "Imballaggi in plastica", 0.05, "recycling",
                  "§6.2 MECH-CM 15 01 02: 0.05"),
            waste("paint-waste", "08 01 11", "Pitture e vernici di scarto con solventi", 0.02,
                  "incineration", "§6.2 MECH-CM 08 01 11*: 0.02"),
        ],
    },
    "MECH-CNC": {
        "mass_group": ["steel-bar", "nonferrous-bar", "machined-parts", "steel-chips",
                       "nonferrous-chips"],
        "label": "Officina di lavorazioni meccaniche CNC conto terzi", "driver": "employee",
        "conf": "L", "wastewater_share": 0.8, "revenue_per_employee": 110_000,
        "flows": [
            mat_in("steel-bar", "Barre e billette di acciaio", 15, "virgin", 60,
                   "§6.2 MECH-CNC steel bar 15 [10–30]"),
            mat_in("nonferrous-bar", "Barre di alluminio e ottone", 3, "virgin", 100,
                   "§6.2 MECH-CNC Al/brass 3"),
            gas(5, "§6.2 MECH-CNC 5", "E"),
            elec(30, "§6.2 MECH-CNC 30 [20–40]", "E"),
            water(15, "§6.2 MECH-CNC 15"),
            product("machined-parts", "Particolari meccanici lavorati a CNC", 11.8,
                    "§6.2 MECH-CNC metals 18 − chips and swarf 6.2 [D]"),
            waste("steel-chips", "12 01 01", "Trucioli di acciaio", 5, "recycling",
                  "§6.2 MECH-CNC 12 01 01: 5"),
            waste("nonferrous-chips", "12 01 03", "Trucioli di alluminio e ottone", 1.2,
                  "recycling", "§6.2 MECH-CNC 12 01 03: 1.2"),
            waste("machining-emulsions", "12 01 09", "Emulsioni di lavorazione esauste", 0.4,
                  "unknown", "§6.2 MECH-CNC 12 01 09*: 0.4 [0.2–0.6]"),
            waste("grinding-sludge", "12 01 18", "Fanghi di rettifica oleosi", 0.05, "unknown",
                  "§6.2 MECH-CNC 12 01 18*: 0.05"),
            waste("used-oil", "13 02 05", "Oli esausti", 0.03, "recycling",
                  "§6.2 MECH-CNC 13 02 05*: 0.03"),
            waste("mixed-packaging", "15 01 06", "Imballaggi in materiali misti", 0.3,
                  "recycling", "§6.2 MECH-CNC 15 01 06: 0.3"),
        ],
    },
    "MECH-FAB": {
        "mass_group": ["steel-sheet", "coating-powder", "fabricated-parts", "steel-offcuts"],
        "label": "Carpenteria in lamiera e verniciatura a polveri", "driver": "employee",
        "conf": "L", "wastewater_share": 0.8, "revenue_per_employee": 150_000,
        "flows": [
            mat_in("steel-sheet", "Lamiere di acciaio", 30, "virgin", 60,
                   "§6.2 MECH-FAB steel 30 [20–40]"),
            mat_in("coating-powder", "Vernici in polvere", 0.5, "virgin", 30,
                   "§6.2 MECH-FAB powder 0.5"),
            gas(25, "§6.2 MECH-FAB 25 [15–40] (forno di polimerizzazione)", "E"),
            elec(20, "§6.2 MECH-FAB 20", "E"),
            water(40, "§6.2 MECH-FAB 40"),
            product("fabricated-parts", "Carpenteria leggera in lamiera verniciata a polveri",
                    27.3, "§6.2 MECH-FAB inputs 30.5 − wastes 3.2 [D]"),
            waste("steel-offcuts", "12 01 01", "Sfridi di lamiera di acciaio", 3, "recycling",
                  "§6.2 MECH-FAB 12 01 01: 3"),
            waste("powder-waste", "08 02 01", "Polveri di verniciatura di scarto", 0.06,
                  "landfill", "§6.2 MECH-FAB 08 02 01: 0.06"),
            waste("pretreatment-sludge", "11 01 09",
                  "Fanghi del pretrattamento superficiale (fosfatazione)", 0.1, "landfill",
                  "§6.2 MECH-FAB 11 01 10 / 11 01 09*: 0.1"),
            waste("wood-packaging", "15 01 03", "Imballaggi in legno", 0.5, "recycling",
                  "§6.2 MECH-FAB 15 01 03: 0.5"),
            waste("paper-packaging", "15 01 01", "Imballaggi in carta e cartone", 0.2,
                  "recycling", "§6.2 MECH-FAB 15 01 01: 0.2"),
        ],
    },
    "PLAST": {
        "mass_group": ["polymers", "steel-parts", "moulded-products", "plastic-waste",
                       "plastic-shavings"],
        "label": "Stampaggio gomma e materie plastiche, ruote e supporti", "driver": "employee",
        "conf": "L", "wastewater_share": 0.8, "revenue_per_employee": 180_000,
        "flows": [
            mat_in("polymers", "Polimeri (PU, PA, PP) e mescole di gomma", 10, "virgin", 300,
                   "§6.2 PLAST polymers 10"),
            mat_in("steel-parts", "Componenti in acciaio (forcelle, piastre, assi)", 5,
                   "virgin", 60, "§6.2 PLAST steel parts 5"),
            gas(4, "§6.2 PLAST 4", "E"),
            elec(45, "§6.2 PLAST 45 [30–60]", "E"),
            water(15, "§6.2 PLAST 15"),
            product("moulded-products", "Ruote, supporti e articoli stampati in gomma e plastica",
                    13.4, "§6.2 PLAST inputs 15 − wastes 1.6 [D]"),
            waste("plastic-waste", "07 02 13", "Scarti di plastica e materozze", 0.5, "recycling",
                  "§6.2 PLAST 07 02 13: 0.5"),
            waste("plastic-shavings", "12 01 05", "Trucioli di materie plastiche", 0.2,
                  "recycling", "§6.2 PLAST 12 01 05: 0.2"),
            waste("paper-packaging", "15 01 01", "Imballaggi in carta e cartone", 0.4,
                  "recycling", "§6.2 PLAST 15 01 01: 0.4"),
            waste("plastic-packaging", "15 01 02", "Imballaggi in plastica", 0.2, "recycling",
                  "§6.2 PLAST 15 01 02: 0.2"),
            waste("wood-packaging", "15 01 03", "Imballaggi in legno", 0.3, "recycling",
                  "§6.2 PLAST 15 01 03: 0.3"),
        ],
    },
    "FOOD-MEAT": {
        "mass_group": ["fresh-pork", "cured-meats"],
        "label": "Salumificio (salumi stagionati e cotti)", "driver": "employee", "conf": "L/M",
        "wastewater_share": 0.9,
        "revenue_per_employee": 350_000,  # ≈45 t × ≈8 €/kg [E]
        "flows": [
            mat_in("fresh-pork", "Cosce e tagli di suino fresco (allevamenti emiliano-lombardi)",
                   60, "virgin", 60, "§6.2 FOOD-MEAT fresh pork 60 [40–90]; §3.2"),
            mat_in("salt", "Sale per salatura", 1.5, "virgin", 200,
                   "§6.2 FOOD-MEAT salt 1.5"),
            gas(18, "§6.2 FOOD-MEAT 18 [6–48]", "E"),
            elec(36, "§6.2 FOOD-MEAT 36 [24–60]", "E"),
            water(240, "§6.2 FOOD-MEAT 240 [120–480] (2–8 m³/t)"),
            product("cured-meats", "Prosciutti e salumi stagionati e cotti", 45,
                    "§6.2 FOOD-MEAT ≈45 t of product", "E"),
            flow("animal-byproducts", "out", "material",
                 "Sottoprodotti di origine animale cat. 3 (rifilature, grasso, cotenne) "
                 "a rendering", 4.8, "t", "§6.2 FOOD-MEAT Cat. 3 ABP / 02 02 02: 4.8", "E",
                 ewc="02 02 02", legal_status="by-product", destination="recycling"),
            flow("spent-salt", "out", "material",
                 "Sale esausto di salatura (sottoprodotto, scheda ER n. 3) per uso antighiaccio",
                 1.0, "t", "§6.2 FOOD-MEAT spent salt 1.0; §3.2; §4.1 #3", "E",
                 legal_status="by-product", destination="reuse"),
            waste("effluent-sludge", "02 02 04", "Fanghi dal trattamento degli effluenti", 1.2,
                  "composting", "§6.2 FOOD-MEAT 02 02 04: 1.2"),
            waste("paper-packaging", "15 01 01", "Imballaggi in carta e cartone", 0.3,
                  "recycling", "§6.2 FOOD-MEAT 15 01 01: 0.3"),
            waste("plastic-packaging", "15 01 02", "Imballaggi in plastica", 0.2, "recycling",
                  "§6.2 FOOD-MEAT 15 01 02: 0.2"),
            waste("wood-packaging", "15 01 03", "Imballaggi in legno", 0.2, "recycling",
                  "§6.2 FOOD-MEAT 15 01 03: 0.2"),
        ],
    },
    "FOOD-CUT": {
        "mass_group": ["live-pigs", "pork-cuts", "mucosa", "animal-byproducts", "blood"],
        "label": "Macellazione e sezionamento suini", "driver": "employee", "conf": "M",
        "wastewater_share": 0.9,
        "revenue_per_employee": 1_000_000,  # ≈400 t × ≈2.5 €/kg [E]
        "flows": [
            mat_in("live-pigs", "Suini vivi da allevamenti emiliano-lombardi", 540, "virgin", 60,
                   "§6.2 FOOD-CUT live pigs ≈540; §3.2", "D"),
            gas(70, "§6.2 FOOD-CUT 70 (0.176 MWh/t heat); §3.2"),
            elec(60, "§6.2 FOOD-CUT 60 (0.114 MWh/t + chilling); §3.2"),
            water(1080, "§6.2 FOOD-CUT 1,080 (2.7 m³/t); §3.2", "D"),
            product("pork-cuts", "Mezzene e tagli di carne suina", 400,
                    "§6.2 FOOD-CUT 400 t of carcass [300–600]"),
            flow("mucosa", "out", "material",
                 "Intestini e mucosa intestinale suina (materia prima per eparina)", 46, "t",
                 "§6.2 FOOD-CUT intestines and mucosa 46; §3.2", "D",
                 legal_status="by-product", destination="reuse"),
            flow("animal-byproducts", "out", "material",
                 "Ossa, grasso e rifilature cat. 3 a rendering", 80, "t",
                 "§6.2 FOOD-CUT other Cat. 3 80", "D", ewc="02 02 02",
                 legal_status="by-product", destination="recycling"),
            flow("blood", "out", "material", "Sangue (cat. 3) a rendering", 20, "t",
                 "§6.2 FOOD-CUT blood ≈20", "E", conf="L", legal_status="by-product",
                 destination="recycling"),
            waste("effluent-sludge", "02 02 04", "Fanghi dal trattamento degli effluenti", 6,
                  "composting", "§6.2 FOOD-CUT 02 02 01/04 sludges: 6"),
        ],
    },
    "FOOD-DAIRY": {
        "mass_group": ["milk", "cheese", "cream", "whey-biogas", "whey-feed"],
        # Driver: 1,000 t of milk per employee (§6.4: 9 employees ≈ 9,000 t of milk).
        "label": "Caseificio Parmigiano Reggiano", "driver": "employee", "conf": "M",
        "wastewater_share": 0.9,
        "revenue_per_employee": 650_000,  # ≈66 t of cheese × ≈10 €/kg [E]
        "flows": [
            mat_in("milk", "Latte crudo da stalle della zona", 1000, "virgin", 10,
                   "§6.2 FOOD-DAIRY milk 1,000; §6.4 (9 employees ≈ 9,000 t)", "S"),
            mat_in("salt", "Sale per salamoia", 1.3, "virgin", 200,
                   "§6.2 FOOD-DAIRY brine salt 1.3"),
            gas(80, "§6.2 FOOD-DAIRY 80 [40–150]", "E", conf="L"),
            elec(30, "§6.2 FOOD-DAIRY 30 [20–50]", "E", conf="L"),
            water(1500, "§6.2 FOOD-DAIRY 1,500 [1,000–2,000]", conf="L"),
            product("cheese", "Parmigiano Reggiano DOP", 66,
                    "§6.2 FOOD-DAIRY 66 t of cheese per 1,000 t milk; §3.2", "S"),
            product("cream", "Panna di affioramento e burro", 30,
                    "§6.2 FOOD-DAIRY cream/butter 30", "E"),
            flow("whey-biogas", "out", "material", "Siero di latte all'impianto di biogas", 340,
                 "t", "§6.2 FOOD-DAIRY whey 850 × 40% to biogas (split [E]); §6.4", "D",
                 legal_status="by-product", destination="recycling"),
            flow("whey-feed", "out", "material",
                 "Siero di latte per l'alimentazione dei suini", 510, "t",
                 "§6.2 FOOD-DAIRY whey 850 × 60% to pig farms (split [E]); §3.2", "D",
                 legal_status="by-product", destination="reuse"),
            waste("effluent-sludge", "02 05 02", "Fanghi dal trattamento degli effluenti", 3,
                  "composting", "§6.2 FOOD-DAIRY 02 05 02: 3", conf="L"),
            waste("packaging-waste", "15 01 06", "Imballaggi in materiali misti", 0.5,
                  "recycling", "§6.2 FOOD-DAIRY 15 01 xx: 0.5", conf="L"),
        ],
    },
    "FOOD-BALS": {
        "mass_group": ["grape-must", "vinegar"],
        "label": "Acetaia (aceto balsamico di Modena IGP)", "driver": "employee", "conf": "L",
        "wastewater_share": 0.8, "revenue_per_employee": 160_000,
        "flows": [
            mat_in("grape-must", "Mosto d'uva da uve del territorio modenese", 60, "virgin", 15,
                   "§6.2 FOOD-BALS grape must 60"),
            gas(40, "§6.2 FOOD-BALS 40", "E"),
            elec(10, "§6.2 FOOD-BALS 10", "E"),
            water(40, "§6.2 FOOD-BALS 40"),
            product("vinegar", "Aceto balsamico di Modena IGP", 40,
                    "§6.2 FOOD-BALS ≈40 t", "E"),
            waste("lees", "02 07 04", "Fecce e depositi di lavorazione", 1, "composting",
                  "§6.2 FOOD-BALS 02 07 01/04: 1"),
            waste("glass-packaging", "15 01 07", "Imballaggi in vetro", 0.3, "recycling",
                  "§6.2 FOOD-BALS 15 01 07: 0.3"),
            waste("paper-packaging", "15 01 01", "Imballaggi in carta e cartone", 0.5,
                  "recycling", "§6.2 FOOD-BALS 15 01 01: 0.5"),
        ],
    },
    "PHARMA-HEP": {
        "mass_group": ["mucosa", "heparin", "spent-mucosa"],
        "label": "Principio attivo eparina da mucosa suina", "driver": "employee", "conf": "L",
        "wastewater_share": 0.9, "revenue_per_employee": 400_000,
        "flows": [
            mat_in("mucosa", "Mucosa intestinale suina", 300, "by-product", None,
                   "§6.2 PHARMA-HEP porcine mucosa 300; §3.2 (1 : 6,250)", "D", pool=True),
            gas(250, "§6.2 PHARMA-HEP 250", "E"),
            elec(150, "§6.2 PHARMA-HEP 150", "E"),
            water(1500, "§6.2 PHARMA-HEP 1,500"),
            product("heparin", "Eparina sodica grezza (principio attivo)", 0.05,
                    "§6.2 PHARMA-HEP crude heparin ≈0.05 t (ratio 1 : 6,250)", "D"),
            flow("spent-mucosa", "out", "material",
                 "Mucosa esausta e idrolizzato (a mangimi o biogas fuori distretto)", 280, "t",
                 "§6.2 PHARMA-HEP spent mucosa / hydrolysate 280", "E",
                 legal_status="by-product", destination="recycling"),
            waste("spent-solvents", "07 05 04", "Solventi organici esausti", 2, "incineration",
                  "§6.2 PHARMA-HEP 07 05 04*: 2"),
            waste("hazardous-solids", "07 05 13", "Rifiuti solidi con sostanze pericolose", 0.5,
                  "incineration", "§6.2 PHARMA-HEP 07 05 13*: 0.5"),
            waste("effluent-sludge", "07 05 12", "Fanghi dal trattamento degli effluenti", 5,
                  "landfill", "§6.2 PHARMA-HEP 07 05 12: 5"),
        ],
    },
    "LOG-3PL": {
        "label": "Magazzino e logistica conto terzi (piastrelle)", "driver": "employee",
        "conf": "L", "wastewater_share": 0.8, "revenue_per_employee": 120_000,
        "flows": [
            gas(25, "§6.2 LOG-3PL 25", "E"),
            elec(48, "§6.2 LOG-3PL 48 (≈40 kWh/m²)", "E"),
            water(20, "§6.2 LOG-3PL 20"),
            waste("broken-pallets", "15 01 03", "Pallet rotti e imballaggi in legno", 3,
                  "recycling", "§6.2 LOG-3PL 15 01 03: 3"),
            waste("paper-packaging", "15 01 01", "Imballaggi in carta e cartone", 1.5,
                  "recycling", "§6.2 LOG-3PL 15 01 01: 1.5"),
            waste("plastic-film", "15 01 02", "Film e imballaggi in plastica", 0.8, "recycling",
                  "§6.2 LOG-3PL 15 01 02: 0.8"),
            waste("tile-breakage", "10 12 08", "Rotture di piastrelle in magazzino", 5,
                  "recycling", "§6.2 LOG-3PL 10 12 08 (breakage): 5"),
            waste("lead-batteries", "16 06 01", "Batterie al piombo dei carrelli elevatori", 0.1,
                  "recycling", "§6.2 LOG-3PL 16 06 01*: 0.1"),
            flow("warehousing", "out", "service",
                 "Servizi di magazzinaggio e movimentazione conto terzi (capacità disponibile)",
                 160, "h", "generator assumption: 10% of ≈1,600 h/employee offered", "E"),
        ],
    },
    "LOG-TRUCK": {
        "mass_group": ["diesel", "freight-transport"],
        "label": "Autotrasporto merci conto terzi", "driver": "truck", "conf": "M",
        "wastewater_share": 0.8,
        "revenue_per_employee": 150_000,  # ≈180 k€ per truck × 25 trucks / 30 employees [E]
        "flows": [
            flow("diesel", "in", "energy", "Gasolio per autotrazione", 34_100, "diesel",
                 "§6.2 LOG-TRUCK 34,100 L/truck (31 L/100 km); §6.1 (9.93 kWh/L [D])", "D",
                 origin="virgin"),
            elec(2, "§6.2 LOG-TRUCK 2 per truck", "E"),
            water(10, "§6.2 LOG-TRUCK 10 per truck (lavaggio mezzi)"),
            flow("freight-transport", "out", "service",
                 "Trasporto merci su strada conto terzi (autoarticolati 40 t)", 1833, "h",
                 "§6.2 LOG-TRUCK 110,000 km/truck ÷ ≈60 km/h (speed [E])", "D"),
            waste("tyres", "16 01 03", "Pneumatici fuori uso", 0.4, "recycling",
                  "§6.2 LOG-TRUCK 16 01 03: 0.4 per truck"),
            waste("used-oil", "13 02 05", "Oli esausti per motori", 0.08, "recycling",
                  "§6.2 LOG-TRUCK 13 02 05*: 0.08 per truck"),
            waste("oil-filters", "16 01 07", "Filtri dell'olio", 0.02, "recycling",
                  "§6.2 LOG-TRUCK 16 01 07*: 0.02 per truck"),
            waste("lead-batteries", "16 06 01", "Batterie al piombo", 0.05, "recycling",
                  "§6.2 LOG-TRUCK 16 06 01*: 0.05 per truck"),
        ],
    },
    "PACK-PAL": {
        "mass_group": ["timber", "broken-pallets", "pallets", "sawdust", "unrepairable-wood"],
        "label": "Produzione e riparazione di pallet", "driver": "employee", "conf": "L",
        "wastewater_share": 0.8, "revenue_per_employee": 100_000,
        "flows": [
            mat_in("timber", "Legname di conifera segato (Austria)", 90, "virgin", 500,
                   "§6.2 PACK-PAL timber 90 (distance [E])"),
            mat_in("broken-pallets", "Pallet rotti da riparare", 40, "reused", 20,
                   "§6.2 PACK-PAL broken pallets taken in (15 01 03) 40", pool=True),
            gas(20, "§6.2 PACK-PAL 20 (ISPM-15 heat treatment)", "E"),
            elec(20, "§6.2 PACK-PAL 20", "E"),
            water(10, "§6.2 PACK-PAL 10"),
            product("pallets", "Pallet EPAL nuovi e riparati", 80,
                    "§6.2 PACK-PAL ≈80 t (≈3,500 EPAL)", "E"),
            waste("sawdust", "03 01 05", "Segatura e ritagli di legno (a pannelli truciolari)",
                  10, "recycling", "§6.2 PACK-PAL 03 01 05: 10"),
            waste("unrepairable-wood", "15 01 03",
                  "Legno da pallet non riparabili (cippato per pannelli truciolari)", 10,
                  "recycling", "generator assumption: 25% of the 40 t of broken pallets taken "
                  "in (§6.2 PACK-PAL) cannot be repaired; §3.6 #9"),
        ],
    },
    "PACK-BOX": {
        "mass_group": ["containerboard", "boxes", "board-trim"],
        "label": "Scatolificio (cartone ondulato)", "driver": "employee", "conf": "L",
        "wastewater_share": 0.8, "revenue_per_employee": 200_000,
        "flows": [
            mat_in("containerboard", "Carte per ondulatore (fibra riciclata)", 90, "recycled",
                   150, "§6.2 PACK-BOX board / paper 90 (origin and distance [E])"),
            mat_in("starch", "Amido di mais per colla", 1.5, "renewable", 100,
                   "§6.2 PACK-BOX starch 1.5"),
            gas(20, "§6.2 PACK-BOX 20", "E"),
            elec(30, "§6.2 PACK-BOX 30", "E"),
            water(30, "§6.2 PACK-BOX 30"),
            product("boxes", "Scatole e imballaggi in cartone ondulato", 78,
                    "§6.2 PACK-BOX ≈78 t", "E"),
            waste("board-trim", "03 03 08", "Rifili e scarti di cartone ondulato", 11,
                  "recycling", "§6.2 PACK-BOX 15 01 01 / 03 03 08 trim: 11"),
            waste("ink-wastewater", "08 03 08", "Rifiuti liquidi acquosi contenenti inchiostro",
                  0.1, "unknown", "§6.2 PACK-BOX 08 03 08 inks: 0.1"),
        ],
    },
    "REC-INERT": {
        "mass_group": ["ceramic-scrap", "recycled-aggregates", "sorting-residues"],
        "label": "Recupero di scarti ceramici e inerti", "driver": "employee", "conf": "L",
        "wastewater_share": 0.0,  # water is for dust suppression and evaporates [E]
        "revenue_per_employee": 80_000,
        "flows": [
            mat_in("ceramic-scrap", "Scarti ceramici cotti e inerti da costruzione da terzi",
                   2000, "recycled", 15, "§6.2 REC-INERT fired scrap 10 12 08, 17 01 xx: 2,000",
                   pool=True),
            elec(16, "§6.2 REC-INERT 16 (≈8 kWh/t)", "E"),
            flow("diesel", "in", "energy", "Gasolio per frantoi mobili e pale", 2400, "diesel",
                 "§6.2 REC-INERT diesel 2,400 L; §6.1 (9.93 kWh/L [D])", "E", origin="virgin"),
            water(80, "§6.2 REC-INERT 80 (abbattimento polveri)"),
            flow("recycled-aggregates", "out", "material",
                 "Aggregati riciclati e chamotte (cessazione della qualifica di rifiuto)", 1950,
                 "t", "§6.2 REC-INERT ≈1,950 t of aggregates / chamotte", "E",
                 legal_status="end-of-waste", destination="unknown"),
            waste("ferrous-metals", "19 12 02", "Metalli ferrosi separati", 2, "recycling",
                  "§6.2 REC-INERT 19 12 02: 2"),
            waste("sorting-residues", "19 12 12", "Scarti della selezione meccanica", 40,
                  "landfill", "§6.2 REC-INERT 19 12 12: 40"),
        ],
    },
    "ENER-BIOGAS": {
        "mass_group": ["manure", "agrifood-byproducts", "energy-crops", "electricity", "chp-heat",
                       "digestate"],
        "label": "Impianto di biogas agricolo (1 MWe)", "driver": "plant", "conf": "L",
        "wastewater_share": 0.0, "revenue_per_employee": 560_000,  # 8 GWh × ≈280 €/MWh / 4 [E]
        "flows": [
            mat_in("manure", "Liquami e letami zootecnici", 21_000, "by-product", 8,
                   "§6.2 ENER-BIOGAS manure ≈21,000 per plant (distance [E])"),
            mat_in("agrifood-byproducts", "Siero e sottoprodotti agroalimentari", 10_000,
                   "by-product", 20, "§6.2 ENER-BIOGAS whey and agri-food by-products ≈10,000",
                   pool=True),
            mat_in("energy-crops", "Insilati di colture energetiche e di secondo raccolto",
                   4_000, "renewable", 5, "§6.2 ENER-BIOGAS crops ≈4,000"),
            flow("electricity", "out", "energy", "Energia elettrica da biogas immessa in rete",
                 8_000, "MWh", "§6.2 ENER-BIOGAS ≈8 GWh of electricity", "E",
                 legal_status="product", destination="unknown"),
            flow("chp-heat", "out", "energy",
                 "Calore di cogenerazione disponibile (acqua calda)", 5_600, "MWh",
                 "§6.2 ENER-BIOGAS ≈8 GWh of heat × 70% not used by the digesters (share [E])",
                 "D", destination="unknown", temperature_c=85, available="continuous"),
            flow("digestate", "out", "material", "Digestato per uso agronomico", 32_000, "t",
                 "§6.2 ENER-BIOGAS digestate ≈32,000", "E", legal_status="by-product",
                 destination="recycling"),
        ],
    },
}

#: Extra service flows of single firms: generator assumptions [E] (§6.2 gives no figure).
EXTRA_SERVICES: dict[str, list[dict[str, Any]]] = {
    "centesimo-lavorazioni": [
        flow("heat-treatment", "in", "service",
             "Trattamenti termici conto terzi (tempra, bonifica, nitrurazione)", 10, "h",
             "generator assumption: 10 h of furnace time per employee", "E"),
    ],
    "meccanica-girasole": [
        flow("cnc-capacity", "out", "service",
             "Capacità di lavorazione CNC disponibile per conto terzi", 100, "h",
             "generator assumption: 100 spare machine hours per employee", "E"),
    ],
    "mulinello-impianti": [
        flow("precision-machining", "in", "service",
             "Lavorazioni meccaniche di precisione da subfornitori", 50, "h",
             "generator assumption: 50 h bought per employee", "E"),
    ],
    "polverina-carpenteria": [
        flow("powder-coating", "out", "service",
             "Verniciatura a polveri conto terzi (capacità disponibile)", 30, "h",
             "generator assumption: 30 h of line time per employee", "E"),
    ],
}

# ---------------------------------------------------------------------------------------------
# The 30 firms (§6.3: archetype, employees, zone). All names are invented; "(fittizia)" marks it.
# ---------------------------------------------------------------------------------------------

FIRMS: list[dict[str, Any]] = [
    {"id": "gres-lunaverde", "name": "Gres Lunaverde S.p.A. (fittizia)",
     "archetype": "CER-TILE", "ateco": "23.31", "employees": 140, "zone": "Z4"},
    {"id": "ceramiche-pietrachiara", "name": "Ceramiche Pietrachiara S.p.A. (fittizia)",
     "archetype": "CER-TILE", "ateco": "23.31", "employees": 220, "zone": "Z1",
     "overrides": {"fired-scrap": {
         "description": "Scarti di piastrelle cotte (al recuperatore di inerti)",
         "legal_status": "waste", "destination": "recycling"}}},
    {"id": "terzo-fuoco-arcobaleno", "name": "Terzo Fuoco Arcobaleno S.r.l. (fittizia)",
     "archetype": "CER-3F", "ateco": "23.31", "employees": 25, "zone": "Z3"},
    {"id": "colorificio-vetrinaria", "name": "Colorificio Vetrinaria S.r.l. (fittizia)",
     "archetype": "CER-GLZ", "ateco": "20.30", "employees": 70, "zone": "Z4"},
    {"id": "torchiolo-macchine", "name": "Torchiolo Macchine Ceramiche S.r.l. (fittizia)",
     "archetype": "MECH-CM", "ateco": "28.99", "employees": 60, "zone": "Z4"},
    {"id": "mulinello-impianti", "name": "Mulinello Impianti S.p.A. (fittizia)",
     "archetype": "MECH-CM", "ateco": "28.92", "employees": 120, "zone": "Z2"},
    {"id": "ventaglio-forni", "name": "Ventaglio Forni e Linee S.p.A. (fittizia)",
     "archetype": "MECH-CM", "ateco": "28.99", "employees": 230, "zone": "Z6", "pv": True,
     "overrides": {
         "crates": {"description": "Casse e gabbie in legno (al produttore di pallet)",
                    "destination": "reuse"},
         "steel-scrap": {
             "description": "Sfridi di acciaio (sottoprodotto, scheda ER n. 12) a fonderia",
             "legal_status": "by-product"}}},
    {"id": "officina-truciolo-d-oro", "name": "Officina Truciolo d'Oro S.n.c. (fittizia)",
     "archetype": "MECH-CNC", "ateco": "25.53", "employees": 8, "zone": "Z3"},
    {"id": "meccanica-girasole", "name": "Meccanica Girasole S.r.l. (fittizia)",
     "archetype": "MECH-CNC", "ateco": "25.53", "employees": 15, "zone": "Z5"},
    {"id": "tornio-blu", "name": "Tornio Blu Precisione S.r.l. (fittizia)",
     "archetype": "MECH-CNC", "ateco": "25.53", "employees": 28, "zone": "Z1", "pv": True},
    {"id": "centesimo-lavorazioni", "name": "Centesimo Lavorazioni Meccaniche S.r.l. (fittizia)",
     "archetype": "MECH-CNC", "ateco": "25.53", "employees": 45, "zone": "Z3"},
    {"id": "scintilla-lamiere", "name": "Scintilla Lamiere S.n.c. (fittizia)",
     "archetype": "MECH-FAB", "ateco": "25.11", "employees": 18, "zone": "Z5"},
    {"id": "polverina-carpenteria",
     "name": "Polverina Carpenteria e Verniciatura S.r.l. (fittizia)",
     "archetype": "MECH-FAB", "ateco": "25.51", "employees": 55, "zone": "Z3"},
    {"id": "plastiche-fantasia", "name": "Plastiche Fantasia S.r.l. (fittizia)",
     "archetype": "PLAST", "ateco": "22.26", "employees": 35, "zone": "Z3"},
    {"id": "rotolina-ruote", "name": "Rotolina Ruote e Supporti S.p.A. (fittizia)",
     "archetype": "PLAST", "ateco": "22.12", "employees": 160, "zone": "Z6", "pv": True},
    {"id": "salumi-nonna-ines", "name": "Salumi Nonna Ines Immaginaria S.r.l. (fittizia)",
     "archetype": "FOOD-MEAT", "ateco": "10.13", "employees": 12, "zone": "Z2"},
    {"id": "salumi-borgo-immaginario", "name": "Salumificio Borgo Immaginario S.r.l. (fittizia)",
     "archetype": "FOOD-MEAT", "ateco": "10.13", "employees": 30, "zone": "Z3"},
    {"id": "prosciutti-collinargento", "name": "Prosciutti Collinargento S.p.A. (fittizia)",
     "archetype": "FOOD-MEAT", "ateco": "10.13", "employees": 85, "zone": "Z6"},
    {"id": "carni-trebbiolo", "name": "Carni Trebbiolo Sezionamento S.p.A. (fittizia)",
     "archetype": "FOOD-CUT", "ateco": "10.11", "employees": 90, "zone": "Z1"},
    {"id": "caseificio-quattro-prati",
     "name": "Caseificio Sociale Quattro Prati Soc. Coop. Agr. (fittizia)",
     "archetype": "FOOD-DAIRY", "ateco": "10.51", "employees": 9, "zone": "Z5"},
    {"id": "acetaia-botticella-sognata", "name": "Acetaia La Botticella Sognata (fittizia)",
     "archetype": "FOOD-BALS", "ateco": "10.84", "employees": 6, "zone": "Z6"},
    {"id": "mucolina-biofarmaceutici", "name": "Mucolina Biofarmaceutici S.p.A. (fittizia)",
     "archetype": "PHARMA-HEP", "ateco": "21.10", "employees": 150, "zone": "Z1"},
    {"id": "scaffale-logistica", "name": "Scaffale Logistica S.r.l. (fittizia)",
     "archetype": "LOG-3PL", "ateco": "52.10", "employees": 20, "zone": "Z2"},
    {"id": "magazzini-bancale-alto", "name": "Magazzini Bancale Alto S.r.l. (fittizia)",
     "archetype": "LOG-3PL", "ateco": "52.10", "employees": 45, "zone": "Z4"},
    {"id": "piastrella-viaggiante", "name": "Piastrella Viaggiante Logistica S.p.A. (fittizia)",
     "archetype": "LOG-3PL", "ateco": "52.10", "employees": 75, "zone": "Z1", "pv": True,
     "overrides": {"broken-pallets": {
         "description": "Pallet rotti (al produttore di pallet per la riparazione)",
         "destination": "reuse"}}},
    {"id": "autotrasporti-ruotalibera", "name": "Autotrasporti Ruotalibera S.r.l. (fittizia)",
     "archetype": "LOG-TRUCK", "ateco": "49.41", "employees": 30, "trucks": 25, "zone": "Z2"},
    {"id": "bancali-gazza", "name": "Bancali La Gazza Riparatrice S.n.c. (fittizia)",
     "archetype": "PACK-PAL", "ateco": "16.24", "employees": 14, "zone": "Z5"},
    {"id": "scatolificio-ondina", "name": "Scatolificio Ondina S.r.l. (fittizia)",
     "archetype": "PACK-BOX", "ateco": "17.21", "employees": 40, "zone": "Z3", "pv": True},
    {"id": "coccio-recuperi", "name": "Coccio Recuperi Inerti S.r.l. (fittizia)",
     "archetype": "REC-INERT", "ateco": "38.21", "employees": 10, "zone": "Z5"},
    {"id": "agroenergia-stallabuona", "name": "Agroenergia Stallabuona Soc. Agr. (fittizia)",
     "archetype": "ENER-BIOGAS", "ateco": "35.12", "employees": 4, "zone": "Z5"},
]

#: Exchanges already in place (§6.4). The receiver's pool input is split: each linked part takes
#: all of the supplier's output (never more than the pool), the rest stays an external input.
LINKS: list[dict[str, Any]] = [
    {"receiver": "coccio-recuperi", "pool": "ceramic-scrap", "flow": "fired-scrap-pietrachiara",
     "description": "Scarti di piastrelle cotte da Ceramiche Pietrachiara",
     "origin": "recycled", "supplier": "ceramiche-pietrachiara", "supplier_flow": "fired-scrap",
     "ref": "§6.4 TILE (220) → REC-INERT fired scrap ≈2,600"},
    {"receiver": "coccio-recuperi", "pool": "ceramic-scrap",
     "flow": "tile-breakage-piastrella-viaggiante",
     "description": "Rotture di piastrelle dal magazzino Piastrella Viaggiante",
     "origin": "recycled", "supplier": "piastrella-viaggiante", "supplier_flow": "tile-breakage",
     "ref": "§6.4 LOG-3PL (75) → REC-INERT tile breakage ≈375"},
    {"receiver": "bancali-gazza", "pool": "broken-pallets",
     "flow": "broken-pallets-piastrella-viaggiante",
     "description": "Pallet rotti dal magazzino Piastrella Viaggiante", "origin": "reused",
     "supplier": "piastrella-viaggiante", "supplier_flow": "broken-pallets",
     "ref": "§6.4 LOG-3PL (75) → PACK-PAL broken pallets ≈225"},
    {"receiver": "bancali-gazza", "pool": "broken-pallets", "flow": "crates-ventaglio",
     "description": "Casse e gabbie in legno da Ventaglio Forni e Linee", "origin": "reused",
     "supplier": "ventaglio-forni", "supplier_flow": "crates",
     "ref": "§6.4 MECH-CM (230) → PACK-PAL machinery crates ≈140"},
    {"receiver": "mucolina-biofarmaceutici", "pool": "mucosa", "flow": "mucosa-trebbiolo",
     "description": "Mucosa intestinale suina da Carni Trebbiolo (Corlo)",
     "origin": "by-product", "supplier": "carni-trebbiolo", "supplier_flow": "mucosa",
     "ref": "§6.4 FOOD-CUT → PHARMA-HEP intestines / mucosa ≈4,100"},
    {"receiver": "agroenergia-stallabuona", "pool": "agrifood-byproducts",
     "flow": "whey-quattro-prati", "description": "Siero di latte dal Caseificio Quattro Prati",
     "origin": "by-product", "supplier": "caseificio-quattro-prati",
     "supplier_flow": "whey-biogas", "ref": "§6.4 FOOD-DAIRY → BIOGAS whey"},
]

#: Description and distance of what is left of a pool after the seeded exchanges.
POOL_REST = {
    "ceramic-scrap": ("Scarti ceramici cotti e inerti da costruzione da terzi (10 12 08, 17 01 07)",
                      15),
    "broken-pallets": ("Pallet rotti da riparare, da altri clienti", 20),
    "mucosa": ("Mucosa intestinale suina da macelli del Nord Italia e dall'estero", 350),
    "agrifood-byproducts": ("Altri sottoprodotti agroalimentari (vinacce, scarti ortofrutticoli)",
                            20),
}

# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------


def round_sig(value: float, digits: int = 3) -> float | int:
    """Round to `digits` significant figures; an int from 100 upwards (YAML stays clean)."""
    if value == 0:
        return 0
    exponent = math.floor(math.log10(abs(value)))
    rounded = round(value, digits - 1 - exponent)
    if abs(rounded) >= 100:
        return int(rounded)
    return float(rounded)


def _z(rng: random.Random) -> float:
    return max(-Z_CLIP, min(Z_CLIP, rng.normalvariate(0.0, 1.0)))


def _point_in_zone(rng: random.Random, zone: str) -> dict[str, float]:
    box = ZONES[zone]
    lat = rng.uniform(box["lat"][0] + ZONE_MARGIN_DEG, box["lat"][1] - ZONE_MARGIN_DEG)
    lon = rng.uniform(box["lon"][0] + ZONE_MARGIN_DEG, box["lon"][1] - ZONE_MARGIN_DEG)
    return {"lat": round(lat, 6), "lon": round(lon, 6)}


UNIT_OUT = {"t": "t/yr", "MWh": "MWh/yr", "gas": "Sm3/yr", "diesel": "MWh/yr", "m3": "m3/yr",
            "h": "h/yr"}
FIELD_ORDER = ("id", "direction", "kind", "description", "ewc", "legal_status", "destination",
               "quantity", "unit", "temperature_c", "available", "origin", "source_distance_km",
               "supplied_by")


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    return {key: data[key] for key in FIELD_ORDER if key in data}


def _quantity(per: float, unit: str, driver_units: float, factor: float) -> tuple[float, str]:
    value = per * driver_units * factor
    if unit == "gas":  # MWh of gas -> Sm3 at the §6.1 LHV
        value = value * 1000 / GAS_KWH_PER_SM3
    elif unit == "diesel":  # litres -> MWh at 9.93 kWh/L
        value = value * DIESEL_KWH_PER_L / 1000
    return value, UNIT_OUT[unit]


def build_company(firm: dict[str, Any]) -> tuple[dict[str, Any], dict[str, float]]:
    """One company as plain data, plus its unrounded pool inputs (for the seeded exchanges)."""
    arch = ARCHETYPES[firm["archetype"]]
    rng = random.Random(f"{SEED}:{firm['id']}")
    location = _point_in_zone(rng, firm["zone"])
    firm_factor = math.exp(FIRM_SIGMA * _z(rng))
    revenue = firm["employees"] * arch["revenue_per_employee"] * firm_factor * math.exp(
        FLOW_SIGMA["M"] * _z(rng))
    driver_units = {"employee": firm["employees"], "truck": firm.get("trucks", 0),
                    "plant": 1}[arch["driver"]]

    # The main mass flows (inputs, product, the by-products that scale with them) share one
    # draw, so that the firm's mass balance holds whatever the noise.
    group_factor = math.exp(FLOW_SIGMA[arch["conf"]] * _z(rng))
    group = set(arch.get("mass_group", ()))

    flows: list[dict[str, Any]] = []
    pools: dict[str, float] = {}
    gas_mwh = 0.0
    water_in = 0.0
    templates = arch["flows"] + EXTRA_SERVICES.get(firm["id"], [])
    overrides = firm.get("overrides", {})
    for tpl in templates:
        sigma = FLOW_SIGMA[tpl["conf"] or arch["conf"]]
        own_draw = math.exp(sigma * _z(rng))  # drawn for every flow: keeps the sequence stable
        factor = firm_factor * (group_factor if tpl["id"] in group else own_draw)
        value, unit = _quantity(tpl["per"], tpl["unit"], driver_units, factor)
        fields = dict(tpl["fields"])
        pool = fields.pop("pool", False)
        data = {"id": tpl["id"], "direction": tpl["direction"], "kind": tpl["kind"],
                "description": tpl["description"], **fields}
        data.update(overrides.get(tpl["id"], {}))
        if tpl["unit"] == "gas":
            gas_mwh = tpl["per"] * driver_units * factor
        if tpl["kind"] == "water" and tpl["direction"] == "in":
            water_in += value
        if pool:
            pools[tpl["id"]] = value
        if tpl["id"] == "grid-electricity" and firm.get("pv"):
            data["quantity"] = round_sig(value * (1 - PV_SHARE))
            data["unit"] = unit
            flows.append(_ordered(data))
            flows.append(_ordered({
                "id": "pv-electricity", "direction": "in", "kind": "energy",
                "description": "Energia elettrica da fotovoltaico sul tetto (autoconsumo)",
                "quantity": round_sig(value * PV_SHARE), "unit": "MWh/yr",
                "origin": "renewable"}))
            continue
        data["quantity"] = round_sig(value)
        data["unit"] = unit
        flows.append(_ordered(data))

    heat_share = arch.get("kiln_heat_share_of_gas")
    if heat_share:
        flows.append(_ordered({
            "id": "kiln-heat", "direction": "out", "kind": "energy",
            "description": "Calore a bassa temperatura dai fumi e dal raffreddamento dei forni",
            "destination": "unknown", "quantity": round_sig(gas_mwh * heat_share),
            "unit": "MWh/yr", "temperature_c": 180, "available": "continuous"}))
    if arch["wastewater_share"] and water_in:
        flows.append(_ordered({
            "id": "wastewater", "direction": "out", "kind": "water",
            "description": "Acque reflue in fognatura o al depuratore",
            "destination": "unknown",
            "quantity": round_sig(water_in * arch["wastewater_share"]), "unit": "m3/yr"}))

    company = {"id": firm["id"], "name": firm["name"], "ateco": firm["ateco"],
               "location": location, "employees": firm["employees"],
               "revenue_eur": round_sig(revenue), "flows": flows}
    return company, pools


def _find(flows: list[dict[str, Any]], fid: str) -> dict[str, Any]:
    for item in flows:
        if item["id"] == fid:
            return item
    raise KeyError(fid)


def apply_links(companies: dict[str, dict[str, Any]],
                pools: dict[str, dict[str, float]]) -> list[str]:
    """Split each receiver's pool input into the seeded exchanges and the external rest."""
    notes: list[str] = []
    by_pool: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for link in LINKS:
        by_pool.setdefault((link["receiver"], link["pool"]), []).append(link)
    for (receiver, pool_id), links in by_pool.items():
        flows = companies[receiver]["flows"]
        pool_flow = _find(flows, pool_id)
        remaining = pools[receiver][pool_id]
        position = flows.index(pool_flow)
        linked_flows = []
        for link in links:
            assert link["supplier"] != receiver, "a firm cannot supply itself"
            source = _find(companies[link["supplier"]]["flows"], link["supplier_flow"])
            assert source["direction"] == "out" and source["kind"] == pool_flow["kind"]
            assert source["destination"] in ("recycling", "reuse"), link
            taken = min(source["quantity"], round_sig(remaining))
            remaining -= taken
            km = distance_km(companies[receiver]["location"],
                             companies[link["supplier"]]["location"])
            linked_flows.append(_ordered({
                "id": link["flow"], "direction": "in", "kind": pool_flow["kind"],
                "description": link["description"], "quantity": taken,
                "unit": pool_flow["unit"], "origin": link["origin"],
                "source_distance_km": round(km, 1),
                "supplied_by": {"company": link["supplier"], "flow": link["supplier_flow"]}}))
        rest_description, rest_km = POOL_REST[pool_id]
        rest = dict(pool_flow)
        rest.update({"id": f"{pool_id}-other", "description": rest_description,
                     "quantity": round_sig(max(remaining, 0.0)), "source_distance_km": rest_km})
        new = linked_flows + ([_ordered(rest)] if remaining > 0 else [])
        flows[position:position + 1] = new
        local = sum(item["quantity"] for item in linked_flows)
        if remaining > 0 and remaining > 2 * local:
            notes.append(
                f"{receiver}: the seeded exchanges cover only {local:,.0f} of the "
                f"{local + remaining:,.0f} {pool_flow['unit']} of '{pool_id}' it needs; the rest "
                f"comes from outside the district ({rest_km} km)")
    return notes


def distance_km(a: dict[str, float], b: dict[str, float]) -> float:
    """Great-circle distance (haversine, mean Earth radius 6,371 km)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def capacity_notes(companies: dict[str, dict[str, Any]]) -> list[str]:
    """§6.4 warns: the heparin plant's spent mucosa is far beyond a 1 MWe biogas plant."""
    spent = _find(companies["mucolina-biofarmaceutici"]["flows"], "spent-mucosa")["quantity"]
    biogas_in = sum(item["quantity"] for item in companies["agroenergia-stallabuona"]["flows"]
                    if item["direction"] == "in" and item["kind"] == "material")
    return [
        f"capacity mismatch (§6.4): the {spent:,} t/yr of spent mucosa of "
        f"mucolina-biofarmaceutici would add {spent / biogas_in:.0%} to the {biogas_in:,} t/yr "
        "feedstock of the 1 MWe plant agroenergia-stallabuona; no exchange is seeded, the spent "
        "mucosa goes to feed or biogas plants outside the district"
    ]


def build_district() -> tuple[dict[str, Any], list[str]]:
    companies: dict[str, dict[str, Any]] = {}
    pools: dict[str, dict[str, float]] = {}
    for firm in FIRMS:
        company, firm_pools = build_company(firm)
        companies[firm["id"]] = company
        pools[firm["id"]] = firm_pools
    notes = apply_links(companies, pools)
    notes += capacity_notes(companies)
    data = {"format": "ecodistrict/1", "district": dict(DISTRICT),
            "companies": [companies[firm["id"]] for firm in FIRMS]}
    return data, notes


def render(data: dict[str, Any], notes: list[str]) -> str:
    header = [
        "# Formigine Smart Eco District — demo district (format ecodistrict/1)",
        f"# GENERATED FILE, do not edit by hand: python {SCRIPT_NAME}",
        "# Dati illustrativi – aziende fittizie. Illustrative data – fictitious companies.",
        "# Figures come from the per-sector coefficients of reference/formigine-district.md",
        f"# (§6.2, §6.1, §6.3, §6.4) with deterministic lognormal noise (seed {SEED}).",
        "# Every coefficient and assumption is listed in docs/demo-district.md.",
        "# Notes:",
    ]
    for note in notes:
        header += textwrap.wrap(note, width=98, initial_indent="# - ",
                                subsequent_indent="#   ")
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(header) + "\n" + body


def coefficients_markdown() -> str:
    lines = ["| Archetype | Flow | Dir. | Per driver unit | Unit | Source | Ev. |",
             "| --- | --- | --- | ---: | --- | --- | --- |"]
    unit_label = {"gas": "MWh (as Sm3)", "diesel": "L (as MWh)"}
    for name, arch in ARCHETYPES.items():
        for tpl in arch["flows"]:
            per = f"{tpl['per']:,}"
            lines.append(f"| {name} | `{tpl['id']}` {tpl['description']} | {tpl['direction']} | "
                         f"{per} | {unit_label.get(tpl['unit'], tpl['unit'])} | {tpl['ref']} | "
                         f"[{tpl['ev']}] |")
    for firm_id, extras in EXTRA_SERVICES.items():
        for tpl in extras:
            lines.append(f"| ({firm_id}) | `{tpl['id']}` {tpl['description']} | "
                         f"{tpl['direction']} | {tpl['per']:,} | {tpl['unit']} | {tpl['ref']} | "
                         f"[{tpl['ev']}] |")
    return "\n".join(lines) + "\n"


def firms_markdown() -> str:
    lines = ["| id | Name | Archetype | ATECO 2025 | Zone | Employees |",
             "| --- | --- | --- | --- | --- | ---: |"]
    for firm in FIRMS:
        extra = f" ({firm['trucks']} trucks)" if "trucks" in firm else ""
        lines.append(f"| `{firm['id']}` | {firm['name']} | {firm['archetype']} | "
                     f"{firm['ateco']} | {firm['zone']} {ZONES[firm['zone']]['name']} | "
                     f"{firm['employees']}{extra} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"where to write the YAML (default: {DEFAULT_OUT.relative_to(REPO)})")
    parser.add_argument("--coefficients-md", action="store_true",
                        help="print the coefficient table as Markdown and exit")
    parser.add_argument("--firms-md", action="store_true",
                        help="print the firm table as Markdown and exit")
    args = parser.parse_args(argv)
    if args.coefficients_md:
        sys.stdout.write(coefficients_markdown())
        return 0
    if args.firms_md:
        sys.stdout.write(firms_markdown())
        return 0
    data, notes = build_district()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(render(data, notes))
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {args.out} ({len(data['companies'])} companies)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
