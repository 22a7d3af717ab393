"""Knowledge base of recovery routes and emission factors (ecodistrict.matching.knowledge)."""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from ecodistrict.codes import check_activity_code, division_title, ewc_catalogue, get_ewc
from ecodistrict.matching.engine import _Knowledge, _knowledge
from ecodistrict.matching.knowledge import (
    KnowledgeBaseError,
    KnowledgeProblem,
    RecoveryRoute,
    avoided_factor,
    load_emission_factors,
    load_recovery_routes,
    receiving_sector_matches,
    routes_for_ewc,
    routes_for_sector,
)
from ecodistrict.matching.text import phrase_terms, terms

DATA = Path(__file__).parents[1] / "src" / "ecodistrict" / "matching" / "data"

SEED_IDS = {
    "dm1998-11-1-oil-refining-residues",
    "dm1998-11-2-deoiled-earths",
    "dm1998-13-3-cement-kiln-fragment",
    "dm1998-13-4-copper-slag-abrasive",
    "dm1998-13-5-pigment-calcium-sulphate",
    "dm1998-13-6-desulphurisation-gypsum",
    "dm1998-a2-rdf-fuel",
    "dm2013-22-css-fuel",
    "dm2024-127-cd-recycled-aggregates",
    "dm2018-69-reclaimed-asphalt",
    "dm2020-188-paper-board",
    "dm2020-78-tyre-rubber-granulate",
    "dm2016-266-community-composting",
    "eu-333-2011-iron-steel-scrap",
    "eu-333-2011-aluminium-scrap",
    "eu-1179-2012-glass-cullet",
    "eu-715-2013-copper-scrap",
    "er-byproduct-apricot-kernels",
    "er-byproduct-peach-kernels",
    "er-byproduct-meat-salting-salt",
    "er-byproduct-black-liquor",
    "er-byproduct-sweetcorn-residues-biogas",
    "er-byproduct-ceramic-residues",
    "puglia-byproduct-terracotta-shards",
    "veneto-byproduct-leather-trimmings",
    "practice-sanitaryware-sludge-to-tiles",
    "practice-fired-ceramic-scrap-in-asphalt",
}


@pytest.fixture(scope="module")
def routes() -> tuple[RecoveryRoute, ...]:
    return load_recovery_routes()


@pytest.fixture(scope="module")
def by_id(routes: tuple[RecoveryRoute, ...]) -> dict[str, RecoveryRoute]:
    return {r.id: r for r in routes}


def _ids(found: list[RecoveryRoute]) -> list[str]:
    return [r.id for r in found]


def _by_keyword(routes: tuple[RecoveryRoute, ...], word: str) -> list[RecoveryRoute]:
    return [r for r in routes if word in (*r.takes.keywords_it, *r.takes.keywords_en)]


# --- the shipped files ------------------------------------------------------------------------


def test_files_load_and_size(routes: tuple[RecoveryRoute, ...]) -> None:
    assert 120 <= len(routes) <= 300
    assert len({r.id for r in routes}) == len(routes)
    assert load_recovery_routes(DATA / "recovery-routes.yaml") == routes
    assert load_recovery_routes() is routes  # shipped data is parsed once
    factors = load_emission_factors()
    assert load_emission_factors(DATA / "emission-factors.yaml") == factors


def test_seed_routes_kept(
    by_id: dict[str, RecoveryRoute], routes: tuple[RecoveryRoute, ...]
) -> None:
    assert set(by_id) >= SEED_IDS
    assert [r.id for r in routes[:27]] == [r.id for r in routes if r.id in SEED_IDS]


def test_every_ewc_chapter_is_covered(routes: tuple[RecoveryRoute, ...]) -> None:
    chapters = [row.code for row in ewc_catalogue().rows if row.level == "chapter"]
    assert len(chapters) == 20
    covered = Counter(
        chapter
        for r in routes
        for chapter in {c[:2] for c in (*r.takes.ewc, *r.takes.ewc_prefixes)}
    )
    assert sorted(covered) == chapters
    # Chapters that matter for a manufacturing district have several routes.
    for chapter in ("02", "03", "07", "08", "10", "12", "13", "15", "16", "17", "19", "20"):
        assert covered[chapter] >= 3, chapter


@pytest.mark.parametrize(
    "code",
    [
        # district entries named in formigine-district.md §2.5, §3.1-3.5
        "10 12 01", "10 12 03", "10 12 05", "10 12 06", "10 12 08", "10 12 10", "10 12 12",
        "10 12 13", "08 02 01", "08 02 02", "08 02 03", "12 01 01", "12 01 02", "12 01 03",
        "12 01 05", "12 01 07", "12 01 09", "12 01 18", "13 02 05", "15 01 01", "15 01 02",
        "15 01 03", "15 01 06", "16 01 03", "16 06 01", "02 02 02", "02 02 04", "02 05 01",
        "02 05 02", "02 07 01", "02 07 04", "07 02 13", "07 05 04", "03 01 05", "03 03 08",
        "17 01 01", "17 01 07", "17 09 04", "19 12 12", "20 01 08", "20 01 25",
    ],
)  # fmt: skip
def test_main_district_entries_have_a_route(routes: tuple[RecoveryRoute, ...], code: str) -> None:
    assert routes_for_ewc(routes, code), code


def test_kinds(routes: tuple[RecoveryRoute, ...]) -> None:
    kinds = Counter(r.kind for r in routes)
    assert set(kinds) == {"material", "energy", "water", "service"}
    for kind in ("energy", "water", "service"):
        assert kinds[kind] >= 4, kind
    for r in routes:
        if r.kind == "service":
            assert not r.takes.ewc and not r.takes.ewc_prefixes, r.id
            assert r.takes.keywords_it and r.takes.keywords_en, r.id


def test_every_route_has_source_or_rationale(routes: tuple[RecoveryRoute, ...]) -> None:
    for r in routes:
        if r.evidence == "documented":
            assert r.source and re.search(r"https?://|DM |Reg|D\.Lgs|\.md", r.source), r.id
        else:
            assert r.evidence == "engineering" and r.rationale, r.id
        assert 0 <= r.confidence <= 1


def test_every_ewc_code_and_prefix_exists(routes: tuple[RecoveryRoute, ...]) -> None:
    for r in routes:
        for code in r.takes.ewc:
            row = get_ewc(code)
            assert row is not None and row.level == "entry" and row.code == code, (r.id, code)
        for code in r.takes.ewc_prefixes:
            row = get_ewc(code)
            assert row is not None and row.level in ("chapter", "subchapter"), (r.id, code)


def test_every_ateco_code_exists_in_2025(routes: tuple[RecoveryRoute, ...]) -> None:
    for r in routes:
        assert r.receiving_sectors, r.id
        for code in r.receiving_sectors:
            if len(code) == 2:
                assert division_title(code), (r.id, code)
            else:
                activity = check_activity_code(code, edition="2025").activity
                assert activity is not None and activity.code == code, (r.id, code)
                assert activity.level == "class", (r.id, code)


def test_no_ateco_2007_codes_left(routes: tuple[RecoveryRoute, ...]) -> None:
    # Classes of the seed that moved or changed meaning in ATECO 2025.
    old = {"22.19", "22.29", "23.19", "25.61", "14.11", "14.19", "81.29", "16.10"}
    assert not old & {c for r in routes for c in r.receiving_sectors}
    # The seed's 2007 "38.32 recupero e cernita" became 38.21; 38.32 is landfill in 2025 and is
    # kept only for the landfill-cover use of DM 5/2/1998 tip. 11.2.
    assert [r.id for r in routes if "38.32" in r.receiving_sectors] == [
        "dm1998-11-2-deoiled-earths"
    ]


def test_substitutes_are_factor_keys_in_the_right_unit(routes: tuple[RecoveryRoute, ...]) -> None:
    factors = load_emission_factors()
    units = {"material": "kg CO2e/t", "energy": "kg CO2e/MWh", "water": "kg CO2e/m3"}
    for r in routes:
        if r.substitutes is None:
            continue
        assert r.substitutes in factors, (r.id, r.substitutes)
        unit = factors[r.substitutes].unit
        if r.kind == "service":
            assert unit == "kg CO2e/tkm", r.id
        else:
            assert unit.startswith(units[r.kind]) and "tkm" not in unit, (r.id, unit)


def test_keywords_are_lower_case(routes: tuple[RecoveryRoute, ...]) -> None:
    for r in routes:
        for word in (*r.takes.keywords_it, *r.takes.keywords_en, *r.gives.keywords_it):
            assert word == word.strip().lower() and word, (r.id, word)


# --- exact lookups ----------------------------------------------------------------------------


def test_fired_ceramic_scrap(routes: tuple[RecoveryRoute, ...]) -> None:
    found = routes_for_ewc(routes, "10 12 08")
    assert _ids(found) == [
        "er-byproduct-ceramic-residues",
        "practice-fired-ceramic-scrap-in-asphalt",
        "ceramic-fired-scrap-to-tile-bodies",
        "ceramic-fired-scrap-to-recycled-aggregates",
    ]
    chamotte = found[2]
    assert chamotte.legal_basis == "by-product" and chamotte.operation == "R5"
    assert chamotte.receiving_sectors == ("23.31", "23.32", "23.20")
    assert chamotte.substitutes == "ceramic_raw_materials_imported"
    # other spellings of the code give the same answer
    assert routes_for_ewc(routes, "101208") == found
    assert routes_for_ewc(routes, "10.12.08") == found


def test_prefix_matches_come_after_exact_ones(routes: tuple[RecoveryRoute, ...]) -> None:
    # 10 12 11* (glaze waste with heavy metals) is taken only through the "10 12" prefix.
    assert _ids(routes_for_ewc(routes, "10 12 11")) == ["ceramic-fired-scrap-to-tile-bodies"]
    # 10 12 06 (discarded moulds): two exact routes, then the prefix route.
    assert _ids(routes_for_ewc(routes, "10 12 06")) == [
        "ceramic-plaster-moulds-to-gypsum",
        "ceramic-moulds-metal-to-scrap",
        "ceramic-fired-scrap-to-tile-bodies",
    ]
    assert _ids(routes_for_ewc(routes, "05 01 09")) == ["refinery-oily-sludge-to-cement-kiln"]
    assert routes_for_ewc(routes, "99 99 99") == []
    assert routes_for_ewc(routes, "not a code") == []


def test_heading_lookup(routes: tuple[RecoveryRoute, ...]) -> None:
    inside = _ids(routes_for_ewc(routes, "09"))
    assert inside == ["photographic-waste-silver-recovery"]
    assert "ceramic-fired-scrap-to-tile-bodies" in _ids(routes_for_ewc(routes, "10 12"))


def test_whey(routes: tuple[RecoveryRoute, ...], by_id: dict[str, RecoveryRoute]) -> None:
    assert _ids(routes_for_ewc(routes, "02 05 01")) == [
        "whey-to-animal-feed",
        "whey-to-biogas",
        "offspec-organic-products-to-feed-biogas",
    ]
    feed = by_id["whey-to-animal-feed"]
    assert "siero" in feed.takes.keywords_it and "whey" in feed.takes.keywords_en
    assert feed.receiving_sectors == ("01.46", "10.91", "10.51")
    assert feed.legal_basis == "by-product" and feed.operation is None
    assert feed.substitutes == "animal_feed"
    assert _ids(_by_keyword(routes, "siero")) == ["whey-to-animal-feed", "whey-to-biogas"]


def test_spent_salt(routes: tuple[RecoveryRoute, ...]) -> None:
    (salt,) = _by_keyword(routes, "sale esausto")
    assert salt.id == "er-byproduct-meat-salting-salt"
    assert salt.receiving_sectors == ("81.23", "84.11", "15.11", "42.11", "52.21")
    assert salt.substitutes == "salt_rock"
    assert receiving_sector_matches(salt, "15.11.00")


def test_mucosa(routes: tuple[RecoveryRoute, ...]) -> None:
    assert _ids(_by_keyword(routes, "mucosa")) == ["porcine-mucosa-to-heparin"]
    (heparin,) = _by_keyword(routes, "mucosa")
    assert heparin.receiving_sectors == ("21.10",)
    assert not heparin.takes.ewc  # generic 02 02 02 tissue is not offered to API makers
    assert heparin not in routes_for_ewc(routes, "02 02 02")


def test_wooden_packaging(routes: tuple[RecoveryRoute, ...]) -> None:
    found = routes_for_ewc(routes, "15 01 03")
    assert _ids(found) == [
        "dm2016-266-community-composting",
        "wooden-pallets-repair-reuse",
        "wood-waste-to-particleboard",
        "clean-wood-to-animal-bedding",
    ]
    assert found[1].receiving_sectors == ("16.24", "33.19", "52.10")
    assert found[2].receiving_sectors == ("16.21", "38.21")
    assert {r.substitutes for r in found[1:3]} == {"wood_primary"}
    # Shavings for bedding: sawmills and wood processors, or the livestock farms themselves.
    assert found[3].receiving_sectors == (
        "16.11", "16.12", "01.41", "01.42", "01.43", "01.46", "01.47"
    )
    assert found[3].substitutes is None


def test_steel_turnings(routes: tuple[RecoveryRoute, ...]) -> None:
    found = routes_for_ewc(routes, "12 01 01")
    assert _ids(found) == [
        "eu-333-2011-iron-steel-scrap",
        "steel-offcuts-to-foundries-byproduct",
        "metal-swarf-to-scrap-processors",
    ]
    assert found[0].receiving_sectors == ("24.10", "24.51", "24.52")
    assert found[0].operation == "R4" and found[0].legal_basis == "end-of-waste"
    # Emilia-Romagna by-product scheme n. 12: foundries, no waste operation.
    assert found[1].receiving_sectors == ("24.51", "24.52", "24.10")
    assert found[1].legal_basis == "by-product" and found[1].operation is None
    assert found[2].receiving_sectors == ("38.21", "46.87", "38.11")
    assert _ids(_by_keyword(routes, "sfridi di acciaio")) == [found[1].id]
    assert routes_for_sector(routes, "24.51.00")[0].id == "eu-333-2011-iron-steel-scrap"


def test_heat_bands(by_id: dict[str, RecoveryRoute], routes: tuple[RecoveryRoute, ...]) -> None:
    temps = {
        "heat-below-60c-to-heat-pumps-district": 20,
        "heat-below-60c-to-greenhouses": 30,
        "heat-below-60c-to-aquaculture": 20,
        "heat-60-90c-to-space-district-heating": 60,
        "heat-60-90c-to-food-washing": 60,
        "heat-60-90c-to-absorption-cooling": 80,
        "heat-for-pallet-heat-treatment": 70,
        "heat-90-150c-to-drying": 90,
        "heat-above-150c-to-orc-power": 150,
        "steam-exchange-to-process-users": 120,
        "geothermal-heat-to-direct-uses": 30,
    }
    assert {k: by_id[k].takes.min_temperature_c for k in temps} == temps
    energy = {r.id for r in routes if r.kind == "energy"}
    assert energy - set(temps) == {
        "biogas-biomethane-to-users",
        "chp-surplus-electricity-to-neighbours",
        "lng-cold-energy-to-users",
    }
    # LNG regasification cold: air separation, cold stores, frozen food, data centres.
    assert by_id["lng-cold-energy-to-users"].receiving_sectors == (
        "20.11", "52.10", "10.11", "10.13", "10.39", "10.85", "63.10"
    )
    assert "23.31" in by_id["heat-90-150c-to-drying"].receiving_sectors
    assert by_id["heat-below-60c-to-greenhouses"].receiving_sectors[0] == "01.13"


def test_water_needs_potable_quality_for_food_and_pharma(
    routes: tuple[RecoveryRoute, ...], by_id: dict[str, RecoveryRoute]
) -> None:
    utility = "nonpotable-utility-water-in-food-plants"
    for r in routes:
        if r.kind != "water" or r.id == utility:
            continue
        for food_or_pharma in ("10.51", "10.13", "11.05", "21.10", "21.20", "20.42"):
            assert not receiving_sector_matches(r, food_or_pharma), (r.id, food_or_pharma)
    assert receiving_sector_matches(by_id[utility], "10.13")
    milling = by_id["process-water-to-ceramic-wet-milling"]
    assert milling.receiving_sectors == ("23.31", "23.32", "23.42")
    assert milling.substitutes == "water_supply"


def test_receiving_sector_matches(by_id: dict[str, RecoveryRoute]) -> None:
    chamotte = by_id["ceramic-fired-scrap-to-tile-bodies"]  # classes 23.31, 23.32, 23.20
    assert receiving_sector_matches(chamotte, "23.31")
    assert receiving_sector_matches(chamotte, "23.31.00")
    assert receiving_sector_matches(chamotte, "2331")
    assert not receiving_sector_matches(chamotte, "23.42")
    assert not receiving_sector_matches(chamotte, "23")  # a division is not a class
    assert not receiving_sector_matches(chamotte, "nonsense")
    maintenance = by_id["shared-maintenance-competences"]  # divisions 23, 25, ... and 33.12
    assert receiving_sector_matches(maintenance, "25.62.00")
    assert receiving_sector_matches(maintenance, "23")
    assert receiving_sector_matches(maintenance, "33.12")
    assert not receiving_sector_matches(maintenance, "33.11")


# --- emission factors -------------------------------------------------------------------------


def test_emission_factors() -> None:
    factors = load_emission_factors()
    assert factors["freight_road_hgv_articulated"].value == 0.08
    assert factors["freight_road_hgv_average"].value == 0.10
    assert factors["freight_road_hgv_average"].unit == "kg CO2e/tkm"
    assert factors["natural_gas_combustion"].value == 201.4
    assert factors["natural_gas_combustion"].unit == "kg CO2e/MWh"
    assert factors["heat_natural_gas_boiler"].value == pytest.approx(201.4 / 0.9, abs=0.05)
    assert factors["electricity_grid_it"].value == 260
    assert factors["electricity_grid_it"].evidence == "estimate"
    assert factors["landfill_inert"].value == 1.26
    assert factors["landfill_commercial_industrial"].value == 520.5
    assert factors["landfill_food_organic"].value == 700.3
    assert factors["cement_clinker"].value == 766
    assert factors["fertiliser_n"].unit == "kg CO2e/t N"
    expected = {
        "ceramic_raw_materials_imported", "natural_aggregates", "steel_primary", "steel_secondary",
        "aluminium_primary", "copper_primary", "paper_board", "wood_primary", "plastics_pe",
        "plastics_pp", "plastics_pet", "glass", "cement_clinker", "gypsum_natural", "animal_feed",
        "fertiliser_n", "fertiliser_p", "salt_rock", "solvents_virgin", "water_supply",
    }  # fmt: skip
    assert expected <= set(factors)
    for factor in factors.values():
        assert factor.source and factor.description_it and factor.description_en
        assert factor.evidence == "sourced" or factor.rationale, factor.key
    assert avoided_factor(factors, "steel_primary") == pytest.approx(2863.9 - 1823.9)
    assert avoided_factor(factors, "aluminium_primary") == pytest.approx(9115.9 - 995.1)
    assert avoided_factor(factors, "water_supply") == 0.1913


# --- a facilitator's extension file -----------------------------------------------------------

GOOD_ROUTE = """\
- id: my-route
  kind: material
  title_it: Scarti di prova
  title_en: Test scrap
  takes: {ewc: ["10 12 08"], ewc_prefixes: [], keywords_it: [cocci], keywords_en: [shards]}
  operation: R5
  legal_basis: waste-recovery
  gives: {products_it: [chamotte], products_en: [chamotte], keywords_it: [argilla]}
  receiving_sectors: ["23.31", "23"]
  substitutes: natural_aggregates
  evidence: engineering
  rationale: a facilitator's note
  confidence: 0.5
"""

BAD_ROUTES = """\
- id: bad-codes
  kind: material
  title_it: Codici sbagliati
  title_en: Wrong codes
  takes:
    ewc: ["10 12 98", "101208"]
    ewc_prefixes: ["10 13 14", "77"]
    keywords_it: [Cocci]
  operation: R5
  legal_basis: waste-recovery
  gives: {products_it: [x], products_en: [x], keywords_it: [x]}
  receiving_sectors: ["22.29", "38.3", "04"]
  substitutes: unobtainium
  evidence: documented
  confidence: 0.5
- id: bad-codes
  kind: energy
  title_it: Doppione
  title_en: Duplicate
  takes: {keywords_it: [calore]}
  operation: R1
  legal_basis: energy
  gives: {products_it: [calore], products_en: [heat], keywords_it: [calore]}
  receiving_sectors: ["35.30"]
  substitutes: natural_aggregates
  evidence: engineering
  confidence: 0.4
- id: bad-fields
  kind: material
  title_it: Campi sbagliati
  title_en: Wrong fields
  takes: {keywords_it: [x]}
  legal_basis: waste-recovery
  gives: {products_it: [x], products_en: [x], keywords_it: [x]}
  receiving_sectors: [23.31]
  evidence: documented
  source: somewhere
  confidence: 1.5
  colour: red
"""


def _problems(error: pytest.ExceptionInfo[KnowledgeBaseError]) -> set[tuple[str, str]]:
    return {(p.item, p.field) for p in error.value.problems}


def test_facilitator_extension(tmp_path: Path, routes: tuple[RecoveryRoute, ...]) -> None:
    shipped = (DATA / "recovery-routes.yaml").read_text(encoding="utf-8")
    extended = tmp_path / "routes.yaml"
    extended.write_text(shipped + "\n" + GOOD_ROUTE, encoding="utf-8")
    loaded = load_recovery_routes(extended)
    assert len(loaded) == len(routes) + 1
    mine = loaded[-1]
    assert mine.id == "my-route" and mine.takes.min_temperature_c is None
    assert mine.gives.keywords_en == ()
    assert mine in routes_for_ewc(loaded, "10 12 08")
    assert receiving_sector_matches(mine, "23.42")  # through the division "23"


def test_bad_extension_lists_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_ROUTES, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as error:
        load_recovery_routes(path)
    assert _problems(error) == {
        ("bad-codes", "takes.ewc[0]"),  # unknown entry
        ("bad-codes", "takes.ewc[1]"),  # not written "NN NN NN"
        ("bad-codes", "takes.ewc_prefixes[0]"),  # an entry, not a heading
        ("bad-codes", "takes.ewc_prefixes[1]"),  # unknown chapter
        ("bad-codes", "takes.keywords_it[0]"),  # upper case
        ("bad-codes", "receiving_sectors[0]"),  # 22.29 no longer exists in ATECO 2025
        ("bad-codes", "receiving_sectors[1]"),  # malformed
        ("bad-codes", "receiving_sectors[2]"),  # no division 04
        ("bad-codes", "substitutes"),  # unknown factor
        ("bad-codes", "source"),  # documented without source
        ("bad-codes", "id"),  # duplicate
        ("bad-codes", "operation"),  # energy routes have no R-code
        ("bad-codes", "rationale"),  # engineering without rationale
        ("bad-fields", "receiving_sectors.0"),  # unquoted 23.31 is a number
        ("bad-fields", "confidence"),
        ("bad-fields", "colour"),  # not in the schema
    }
    duplicate = [p for p in error.value.problems if p.field == "substitutes"]
    assert len(duplicate) == 2  # unknown key, and a per-tonne factor on an energy route
    assert str(error.value).startswith(f"{path}: 17 problem(s)")
    assert "bad-codes.takes.ewc[0]: '10 12 98' is not an entry of the List of Waste" in str(
        error.value
    )


def test_routes_are_checked_against_the_given_factors(tmp_path: Path) -> None:
    path = tmp_path / "routes.yaml"
    path.write_text(GOOD_ROUTE, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as error:
        load_recovery_routes(path, emission_factors={})
    assert _problems(error) == {("my-route", "substitutes")}


def test_bad_factors(tmp_path: Path) -> None:
    path = tmp_path / "factors.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            - {key: a, value: 1, unit: kg CO2e/t, description_it: a, description_en: a,
               source: s, year: 2024, evidence: estimate, secondary_key: b}
            - {key: b, value: 1, unit: kg CO2e/MWh, description_it: b, description_en: b,
               source: s, year: 2024, evidence: sourced, secondary_key: zzz}
            - {key: a, value: -1, unit: kg CO2e/t, description_it: a, description_en: a,
               source: s, year: 2024, evidence: sourced}
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeBaseError) as error:
        load_emission_factors(path)
    assert _problems(error) == {
        ("a", "value"),  # negative
        ("a", "rationale"),  # estimate without rationale
        ("a", "secondary_key"),  # other unit
        ("b", "secondary_key"),  # unknown key
    }


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError) as error:
        load_recovery_routes(tmp_path / "missing.yaml")
    assert "cannot read" in str(error.value)
    path = tmp_path / "notalist.yaml"
    path.write_text("id: x\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as error:
        load_recovery_routes(path)
    assert error.value.problems == (
        KnowledgeProblem("", "", "the file must be a YAML list of entries"),
    )
    path.write_text("- [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="not valid YAML"):
        load_emission_factors(path)


# --------------------------------------------------------------------------- route lookup


def _routes_taking_by_reading_every_route(
    knowledge: _Knowledge,
    kind: str,
    ewc: str | None,
    words: frozenset[str],
    temperature: float | None,
) -> tuple[frozenset[str], frozenset[str]]:
    """The rule of `_Knowledge.routes_taking`, read route by route (the reference)."""
    taken, code_only = set(), set()
    for route, take_ewc, keywords in knowledge.route_takes:
        if route.kind != kind:
            continue
        minimum = route.takes.min_temperature_c
        if minimum is not None and (temperature is None or temperature < minimum):
            continue
        named = any(k and k <= words for k in keywords)
        if ewc is not None and (take_ewc or route.takes.ewc_prefixes):
            took = ewc in take_ewc or any(ewc.startswith(p) for p in route.takes.ewc_prefixes)
            # ... or its words, when its code or one of the route's is the "99" entry of the
            # other's sub-chapter
            same_process = [code for code in take_ewc if code.split()[:2] == ewc.split()[:2]]
            took = took or (
                named and any("99" in (ewc.split()[2], code.split()[2]) for code in same_process)
            )
        else:
            took = named
        if took:
            taken.add(route.id)
            if keywords and not named:
                code_only.add(route.id)
    return frozenset(taken), frozenset(code_only)


def test_route_lookup_by_word_equals_reading_every_route() -> None:
    # The lookup through phrases filed by word must find exactly the routes a reading of all
    # the knowledge base finds, for every flow of the demo district and of the evaluation set.
    knowledge = _knowledge(None, None)
    demo = yaml.safe_load((files("ecodistrict") / "data/demo/formigine-demo.yaml").read_text())
    flows = [
        (f["kind"], f.get("ewc"), f["description"], f.get("temperature_c"), f["direction"])
        for company in demo["companies"]
        for f in company["flows"]
    ]
    cases_dir = Path(__file__).resolve().parent.parent / "benchmarks" / "symbiosis_cases"
    for path in sorted(cases_dir.glob("exchanges*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["exchanges"]:
            out, need = case["supplier"]["output"], case["receiver"]["input"]
            ewc = out.get("ewc")
            code = ewc.replace(" ", "") if ewc else None
            code = f"{code[:2]} {code[2:4]} {code[4:]}" if code else None
            flows.append((case["kind"], code, out["description"], out.get("temperature_c"), "out"))
            flows.append((case["kind"], None, need["description"], None, "in"))
    taken_somewhere = named_somewhere = 0
    for kind, ewc, description, temperature, direction in flows:
        words = terms(description)
        if direction == "out":
            found = knowledge.routes_taking(kind, ewc, words, temperature)
            assert found == _routes_taking_by_reading_every_route(
                knowledge, kind, ewc, words, temperature
            ), description
            taken_somewhere += bool(found[0])
        else:
            expected = frozenset(
                route.id
                for route, keywords in knowledge.route_gives
                if route.kind == kind and any(k <= words for k in keywords)
            )
            assert knowledge.routes_giving(kind, words) == expected, description
            named_somewhere += bool(expected)
    # The comparison is not vacuous: most outputs reach routes, many inputs name one.
    assert taken_somewhere > 150
    assert named_somewhere > 50


def test_no_water_route_takes_every_water_output(routes: tuple[RecoveryRoute, ...]) -> None:
    # A keyword whose other words are stop words ("raw water", "recovered water", "process
    # water") reduces to "water" and would tie the route to every water output.
    for route in routes:
        if route.kind != "water":
            continue
        for keyword in (*route.takes.keywords_it, *route.takes.keywords_en):
            assert not phrase_terms(keyword) <= {"water", "acq"}, (route.id, keyword)


#: Words that say how a material was processed or what it generically is, not what it is:
#: "crushed and screened", "filtrato", "waste". A keyword reduced to one of them alone.
PROCESS_WORDS = (
    "screened", "washed", "crushed", "milled", "ground", "dried", "pressed", "sorted",
    "shredded", "cooled", "cleaned", "treated", "filtered", "sieved", "separated", "mixed",
    "granulated", "settled", "drained", "purified", "waste", "residue", "by-product",
    "vagliato", "lavato", "frantumato", "macinato", "essiccato", "filtrato", "filtrati",
    "separato", "trattato", "depurato", "selezionato", "triturato", "miscelato", "residuo",
    "scarto", "rifiuto",
)  # fmt: skip


def test_no_keyword_is_only_a_process_word(routes: tuple[RecoveryRoute, ...]) -> None:
    # A keyword whose other words are stop words or lost to stemming ("e-waste" is "waste",
    # "used filters" is "filter", "screenings" is "screen") would take every output described
    # by that process: crushed and screened wood chips were taken as flour-mill screenings.
    # (A service route may be named by its process: "depuratore" is the shared plant.)
    process_terms = {phrase_terms(word) for word in PROCESS_WORDS}
    for route in routes:
        if route.kind != "material":
            continue
        for keyword in (*route.takes.keywords_it, *route.takes.keywords_en):
            assert phrase_terms(keyword) not in process_terms, (route.id, keyword)


@pytest.mark.parametrize(
    ("need", "named", "not_named"),
    [
        # "Recovered paper" lost "recovered" (a stop word) and named every need for paper: a
        # converter asking for parent reels of tissue is no buyer of waste paper.
        ("Bobine madri di carta tissue", set(), {"dm2020-188-paper-board"}),
        ("Paper reels for corrugating", set(), {"dm2020-188-paper-board"}),
        ("Carta da macero per l'impasto", {"dm2020-188-paper-board"}, set()),
        ("Paper for recycling, sorted grades", {"dm2020-188-paper-board"}, set()),
        # "Recovered oil" was "oil": a need for vegetable oils named the used-oil routes.
        ("Oli vegetali e cere", set(), {"machining-emulsions-treatment-oil-recovery",
                                         "separator-oils-sludges-recovery"}),
    ],
)
def test_a_need_for_a_product_does_not_name_the_route_of_its_waste(
    need: str, named: set[str], not_named: set[str]
) -> None:
    given = _knowledge(None, None).routes_giving("material", terms(need))
    assert named <= given
    assert not (not_named & given)


@pytest.mark.parametrize(
    ("kind", "ewc", "description", "receiver", "route"),
    [
        # Gaps seen in the opened batches, each a documented practice (recovery-routes.yaml).
        ("material", None, "High-purity gypsum cake from zinc refining, agricultural grade",
         "01.14", "byproduct-gypsum-to-soil-amendment"),
        ("material", "19 01 13", "Fly ash from the melting furnaces, high in heavy metals",
         "24.44", "melting-fly-ash-to-nonferrous-smelters"),
        ("material", "02 01 06", "Pollina con lettiera esausta a fine ciclo",
         "20.15", "poultry-manure-to-organic-fertiliser"),
        ("material", None, "Concentrated potato fruit juice after starch and protein recovery",
         "01.11", "potato-fruit-juice-to-fertiliser"),
        ("material", None, "Sciroppo di glucosio da idrolisi dell'amido di mais",
         "20.16", "starch-sugars-to-fermentation"),
        # Gaps of the inferred scenario of the tune split.
        ("water", None, "Treated effluent of the municipal wastewater plant", "36.00",
         "treated-effluent-to-water-reclamation-utility"),
        ("material", None, "Desalination brine, reject of the reverse osmosis plant", "08.93",
         "desalination-brine-to-salt-works"),
        ("material", "05 01 08", "Visbreaker tar and vacuum residue", "35.11",
         "refinery-heavy-residues-to-gasification-power"),
        ("material", None, "Captured CO2 from the ethylene glycol plant", "20.14",
         "captured-co2-to-methanol-urea-synthesis"),
        ("material", None, "Calcite pellets from drinking water softening", "22.21",
         "calcium-carbonate-residues-to-mineral-filler"),
        ("material", "02 04 01", "Terra di lavaggio delle barbabietole", "42.11",
         "beet-washing-soil-to-land-and-fill"),
        ("material", "19 02 10", "Blended waste fuel from solvents and sludges", "23.51",
         "blended-waste-fuel-to-cement-kiln"),
        # Breadth: common symbiosis types from the literature.
        ("material", "19 01 13", "Ceneri leggere da incenerimento di rifiuti urbani", "23.51",
         "incineration-fly-ash-to-ecocement-backfill"),
        ("material", None, "Terre decoloranti esauste dalla raffinazione degli oli", "35.21",
         "spent-bleaching-earth-to-biogas-cement"),
        ("material", None, "Acque di vegetazione dei frantoi oleari", "01.26",
         "olive-mill-wastewater-to-land-spreading-biogas"),
        ("material", None, "Crude tall oil from kraft pulping soap", "20.14",
         "pulp-mill-tall-oil-turpentine-lignin-to-chemicals"),
        ("material", None, "Old fishing nets in nylon 6", "20.60",
         "nylon-nets-carpets-to-polyamide-regeneration"),
        # From the opened eleventh and twelfth batches.
        ("material", None, "Lana sucida della tosatura, in balle", "13.99",
         "raw-wool-to-insulation-felt-fertiliser"),
        ("material", "03 03 07", "Scarto di pulper (plastiche miste, film)", "22.26",
         "pulper-rejects-to-srf-or-plastics"),
    ],
)
def test_routes_added_from_the_opened_batches(
    by_id: dict[str, RecoveryRoute], kind: str, ewc: str | None, description: str,
    receiver: str, route: str,
) -> None:  # fmt: skip
    taken, _ = _knowledge(None, None).routes_taking(kind, ewc, terms(description), None)
    assert route in taken
    assert receiving_sector_matches(by_id[route], receiver)


def test_a_lignin_rich_residue_is_not_kraft_lignin() -> None:
    # "Lignin- and cellulose-rich" oat hulls were taken by the tall-oil and lignin route (bare
    # "lignin" keyword) and offered to a paint maker asking for resins.
    knowledge = _knowledge(None, None)
    hulls = terms("Extracted oat-hull residue, lignin- and cellulose-rich, wet")
    taken, _ = knowledge.routes_taking("material", None, hulls, None)
    assert "pulp-mill-tall-oil-turpentine-lignin-to-chemicals" not in taken
    lignin = terms("Kraft lignin powder from the black liquor")
    taken, _ = knowledge.routes_taking("material", None, lignin, None)
    assert "pulp-mill-tall-oil-turpentine-lignin-to-chemicals" in taken
