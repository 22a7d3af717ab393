"""The matching engine on a hand-built district with two hand-built recovery routes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from matching_helpers import CENTRE, validated_district
from typer.testing import CliRunner

from ecodistrict import load_district_file
from ecodistrict.cli import app
from ecodistrict.domain import validate_district_data
from ecodistrict.geo import great_circle_km
from ecodistrict.matching import engine, load_emission_factors, match_district
from ecodistrict.matching.engine import (
    EXHAUSTIVE_UP_TO_FIRMS,
    ROAD_CIRCUITY,
    MatchingOptions,
    brute_force_candidates,
    energy_carrier,
    material_carrier,
    rank_candidates,
    water_use_fit,
)
from ecodistrict.matching.knowledge import (
    RecoveryRoute,
    RouteGives,
    RouteTakes,
    avoided_factor,
)
from ecodistrict.matching.results import write_matches_json
from ecodistrict.matching.text import STEM_LENGTH, phrase_terms, terms

SCRAP_ROUTE = RecoveryRoute(
    id="test-fired-scrap-to-bodies",
    kind="material",
    title_it="Scarti cotti negli impasti",
    title_en="Fired scrap into tile bodies",
    takes=RouteTakes(("10 12 08",), (), ("scarti cotti",), ("fired scrap",), None),
    operation="R5",
    legal_basis="waste-recovery",
    gives=RouteGives(("chamotte",), ("chamotte",), ("chamotte", "argilla"), ("chamotte", "clay")),
    receiving_sectors=("23.31",),
    substitutes="ceramic_raw_materials_imported",
    evidence="engineering",
    source=None,
    rationale="test route",
    confidence=0.9,
)
HEAT_ROUTE = RecoveryRoute(
    id="test-heat-to-greenhouses",
    kind="energy",
    title_it="Calore alle serre",
    title_en="Heat to greenhouses",
    takes=RouteTakes((), (), ("calore",), ("heat",), 60.0),
    operation=None,
    legal_basis="energy",
    gives=RouteGives(("calore",), ("heat",), ("serre",), ("greenhouse",)),
    receiving_sectors=("01.13",),
    substitutes="heat_natural_gas_boiler",
    evidence="engineering",
    source=None,
    rationale="test route",
    confidence=0.8,
)
ROUTES = (SCRAP_ROUTE, HEAT_ROUTE)

S = CENTRE  # the supplier, at the centre of the test districts
A = {"lat": 44.59, "lon": 10.83}
FAR = {"lat": 45.5, "lon": 11.9}


def _flow(fid: str, direction: str, kind: str, description: str, quantity: float, unit: str,
          **extra: Any) -> dict[str, Any]:  # fmt: skip
    return {"id": fid, "direction": direction, "kind": kind, "description": description,
            "quantity": quantity, "unit": unit, **extra}  # fmt: skip


def _company(cid: str, ateco: str, location: dict[str, float], *flows: dict[str, Any]) -> dict:
    return {"id": cid, "name": cid.title(), "ateco": ateco, "location": location,
            "flows": list(flows)}  # fmt: skip


def district_data() -> dict[str, Any]:
    return {
        "format": "ecodistrict/1",
        "district": {"name": "Test", "center": S, "radius_km": 30},
        "companies": [
            _company(
                "supplier", "23.31", S,
                _flow("fired-scrap", "out", "material", "Scarti di piastrelle cotte", 560, "t/yr",
                      ewc="10 12 08", legal_status="waste", destination="landfill",
                      disposal_cost_eur=30),
                _flow("kiln-heat", "out", "energy", "Calore dai fumi del forno", 1000, "MWh/yr",
                      temperature_c=180, available="continuous"),
                _flow("dryer-heat", "in", "energy", "Calore per essiccatoi", 800, "MWh/yr",
                      temperature_c=120, origin="virgin"),
            ),
            _company("tiles-near", "23.31", A,
                     _flow("clay", "in", "material", "Argilla", 1000, "t/yr", origin="virgin",
                           unit_price_eur=40)),
            _company("bricks-far", "23.32", FAR,
                     _flow("chamotte", "in", "material", "Chamotte", 200, "t/yr",
                           origin="recycled")),
            _company("tiles-silent", "23.31", {"lat": 44.57, "lon": 10.81},
                     _flow("power", "in", "energy", "Energia elettrica", 500, "MWh/yr")),
            _company("greenhouse", "01.13", {"lat": 44.60, "lon": 10.84},
                     _flow("heat", "in", "energy", "Calore per le serre", 500, "MWh/yr",
                           temperature_c=40, origin="virgin")),
            _company("hot-process", "20.14", {"lat": 44.585, "lon": 10.825},
                     _flow("steam", "in", "energy", "Vapore di processo", 300, "MWh/yr",
                           temperature_c=200, origin="virgin")),
            _company("dairy", "10.51", {"lat": 44.59, "lon": 10.80},
                     _flow("water", "in", "water", "Acqua di processo", 1000, "m3/yr",
                           origin="virgin")),
        ],
    }  # fmt: skip


@pytest.fixture(scope="module")
def district():
    model, problems = validate_district_data(district_data())
    assert problems == []
    return model


@pytest.fixture(scope="module")
def results(district):
    return match_district(district, top_k=5, routes=ROUTES)


def matches_of(results, flow):
    return [m for m in results.matches if m.supplier_flow == flow]


def test_fired_scrap_ranking_and_bases(results):
    found = matches_of(results, "fired-scrap")
    # The silent tile plant nearby is a known user of the route (its ATECO class 23.31 is
    # named by the route, inferred: 0.5 + 0.45 x 0.9); the far brick plant declared chamotte,
    # but its activity is not among the route's receivers (weaker evidence, 0.3 + 0.15 x 0.9)
    # and it is 160 km away.
    assert [(m.receiver, m.basis, m.rank) for m in found] == [
        ("tiles-near", "declared", 1),
        ("tiles-silent", "inferred", 2),
        ("bricks-far", "declared", 3),
    ]
    assert found[1].receiver_flow is None  # inferred: no declared input
    assert found[1].fits["technical"] == pytest.approx(0.5 + 0.45 * 0.9)


def test_score_of_the_best_match_worked_by_hand(results):
    best = matches_of(results, "fired-scrap")[0]
    # technical: shared route 0.6 + 0.35 x 0.9 = 0.915, plus a tenth of the sector evidence
    # 0.3 + 0.3 x 0.9 = 0.57 -> 0.972. No shared words ("Argilla" vs "scarti ... cotte").
    technical = 0.915 + 0.1 * 0.57
    # quantity: 560 of a 1000 t need and of a 560 t offer: 0.3 x 0.56 + 0.7 x 1 = 0.868
    quantity = 0.3 * 560 / 1000 + 0.7 * 560 / 560
    road = ROAD_CIRCUITY * great_circle_km(_Point(**S), _Point(**A))
    distance = 1 / (1 + road / 50)
    continuity, legal = 0.8, 0.8  # availability not declared; a waste with an R5 route
    expected = 0.45 * technical + 0.2 * quantity + 0.2 * distance + 0.075 * continuity
    expected += 0.075 * legal
    assert best.fits["technical"] == pytest.approx(technical)
    assert best.fits["quantity"] == pytest.approx(quantity)
    assert best.distance_km == pytest.approx(road)
    assert best.score == pytest.approx(expected)
    assert best.quantity_value == 560 and best.quantity_unit == "t/yr"
    assert best.route == "test-fired-scrap-to-bodies"


class _Point:
    def __init__(self, lat: float, lon: float) -> None:
        self.lat, self.lon = lat, lon


def test_impact_worked_by_hand(results):
    best = matches_of(results, "fired-scrap")[0]
    factors = load_emission_factors()
    avoided = avoided_factor(factors, "ceramic_raw_materials_imported") * 560
    landfill = factors["landfill_inert"].value * 560  # 10 12 08 is a mineral, inert waste
    transport = factors["freight_road_hgv_articulated"].value * 560 * best.distance_km
    assert best.impact.co2_avoided_t_per_yr == pytest.approx(
        (avoided + landfill - transport) / 1000
    )
    assert best.impact.landfill_avoided_t_per_yr == 560
    # money: 560 t x (40 EUR/t of clay not bought + 30 EUR/t of disposal not paid)
    assert best.impact.money_eur_per_yr == pytest.approx(560 * 70)


def test_reasons_in_both_languages(results):
    best = matches_of(results, "fired-scrap")[0]
    assert best.reasons_en[0] == (
        "EWC 10 12 08 is recovered as chamotte (R5): route 'Fired scrap into tile bodies'"
    )
    assert best.reasons_it[0] == (
        "EER 10 12 08 è recuperato come chamotte (R5): percorso 'Scarti cotti negli impasti'"
    )
    assert "the receiver declares a need for 'Argilla' (1000 t/yr)" in best.reasons_en
    assert "legal status waste: the receiver needs an authorisation for R5" in best.reasons_en
    inferred = matches_of(results, "fired-scrap")[1]
    assert any("is a known user of this resource" in r for r in inferred.reasons_en)
    assert any("è un utilizzatore noto della risorsa" in r for r in inferred.reasons_it)


def test_heat_cascade_by_temperature_and_never_self(results):
    found = matches_of(results, "kiln-heat")
    receivers = [m.receiver for m in found]
    assert "supplier" not in receivers  # its own dryer needs heat too: never matched with itself
    assert "hot-process" not in receivers  # 180 °C cannot serve a 200 °C need
    assert receivers[0] == "greenhouse"
    assert "heat at 180 °C covers a need at 40 °C" in found[0].reasons_en


def test_low_grade_heat_serves_a_district_heating_need_through_a_heat_pump():
    # Data-centre heat at 35 °C was never proposed to a district heating network that needs
    # 80 °C: heat below the need's temperature was always refused. A heat pump lifts it up to
    # 90 °C; above that (steam at 120 °C), or from a source under 20 °C, it still cannot serve.
    centre = _flow("heat", "out", "energy", "Hot water from the cooling circuits of servers",
                   50000, "MWh/yr", temperature_c=35, available="continuous")
    network = _flow("dh", "in", "energy", "Town district heating network supply",
                    40000, "MWh/yr", temperature_c=80)
    steam = _flow("steam", "in", "energy", "Process steam", 40000, "MWh/yr", temperature_c=120)
    model = validated_district(
        _company("servers", "63.10", S, centre),
        _company("network", "35.30", A, network),
        _company("plant", "20.14", A, steam),
    )
    found = [m for m in match_district(model, routes=()).matches if m.supplier_flow == "heat"]
    assert [m.receiver for m in found] == ["network"]
    (lifted,) = found
    assert lifted.fits["technical"] == 0.35  # HEAT_PUMP_FIT alone: no route, no shared word
    assert "heat at 35 °C, below the need's 80 °C: a heat pump can lift it (up to 90 °C)" in (
        lifted.reasons_en
    )
    assert "calore a 35 °C, sotto gli 80 °C del fabbisogno" not in " ".join(lifted.reasons_it)
    assert any("pompa di calore" in r for r in lifted.reasons_it)


def test_score_of_a_heat_match_worked_by_hand(results):
    best = matches_of(results, "kiln-heat")[0]
    # technical: heat at 180 °C for a 40 °C heat need 0.9, plus a tenth of the shared route
    # (0.6 + 0.35 x 0.8 = 0.88, the greenhouse's class is the route's receiver) -> 0.988.
    technical = 0.9 + 0.1 * 0.88
    quantity = 0.3 * 500 / 500 + 0.7 * 500 / 1000  # the whole 500 MWh need, half the offer
    road = ROAD_CIRCUITY * great_circle_km(_Point(**S), _Point(lat=44.60, lon=10.84))
    # Heat halves its distance fit every 3 km, times the fit of the linear heat density: the
    # 500 MWh exchanged over a pipe as long as the road, per metre.
    density = 500 / (road * 1000)
    distance = 1 / (1 + road / 3) * (density / (density + 1.5))
    continuity, legal = 1.0, 0.9  # continuous; energy carries no waste status
    # Piped kinds (heat, water): distance weighs as much as the technical fit.
    expected = 0.35 * technical + 0.15 * quantity + 0.35 * distance + 0.075 * continuity
    expected += 0.075 * legal
    assert best.receiver == "greenhouse"
    assert best.fits["technical"] == pytest.approx(technical)
    assert best.fits["quantity"] == pytest.approx(0.65)
    assert best.score == pytest.approx(expected)
    # 3.28 km of pipe for 500 MWh/yr: 0.153 MWh/(m a), far below the 1.5 a heat pipe pays from.
    assert round(road, 2) == 3.28 and round(density, 3) == 0.153
    assert best.fits["distance"] == pytest.approx(0.4780 * 0.1526 / 1.6526, abs=1e-4)
    assert (
        "a heat pipe to the receiver would carry 0.15 MWh per metre and year "
        "(a pipe pays from about 1.5)"
    ) in best.reasons_en


def test_a_hard_maximum_distance_drops_far_partners(district):
    near = match_district(district, top_k=5, max_distance_km=50, routes=ROUTES)
    assert "bricks-far" not in [m.receiver for m in near.matches]


def _whole(ranked):
    # Every field of every candidate: the ranking takes the fits of its winners from its arrays
    # and their evidence from a memo, the brute force computes both with `score_pair`.
    return [
        [(c.firm.company.id, c.input.flow.id if c.input else None, c.basis, c.score,
          c.technical, c.quantity_fit, c.distance_fit, c.continuity_fit, c.legal_fit,
          c.road_km, c.evidence) for c in group]
        for group in ranked
    ]  # fmt: skip


def test_indexed_search_equals_brute_force(district):
    options = MatchingOptions(top_k=5)
    indexed, _ = rank_candidates(district, options, routes=ROUTES)
    brute = brute_force_candidates(district, options, routes=ROUTES)
    assert _whole(indexed) == _whole(brute)


def test_indexed_search_equals_brute_force_on_the_demo_with_the_shipped_routes():
    demo = load_district_file(
        Path(__file__).parents[1] / "src/ecodistrict/data/demo/formigine-demo.yaml"
    )
    options = MatchingOptions(top_k=5)
    indexed, _ = rank_candidates(demo, options)
    brute = brute_force_candidates(demo, options)
    assert _whole(indexed) == _whole(brute)
    assert sum(len(g) for g in indexed) > 0


def _replicated_demo(copies: int) -> Any:
    """The demo firms `copies` times over, each copy moved 0.05° further north-east."""
    demo = Path(__file__).parents[1] / "src/ecodistrict/data/demo/formigine-demo.yaml"
    data = yaml.safe_load(demo.read_text(encoding="utf-8"))
    companies = []
    for n in range(copies):
        for company in data["companies"]:
            copy = json.loads(json.dumps(company))
            copy["id"] = f"{company['id']}-{n}"
            copy["location"]["lat"] += 0.05 * n
            copy["location"]["lon"] += 0.05 * n
            for flow in copy["flows"]:
                flow.pop("supplied_by", None)
            companies.append(copy)
    data["companies"] = companies
    district, problems = validate_district_data(data)
    assert problems == [] and district is not None
    return district


def test_processes_give_the_same_matches_as_one():
    # 300 firms and about 1,500 outputs: two chunks, ranked by two forked processes or here.
    district = _replicated_demo(10)
    one = match_district(district, top_k=3, workers=1)
    two = match_district(district, top_k=3, workers=2)
    assert len(one.matches) > 1000
    assert one.to_document() == two.to_document()
    # The streamed JSON of the command line, made chunk by chunk in the processes, is the same.
    streamed = io.StringIO()
    written = write_matches_json(district, streamed, top_k=3, workers=2)
    assert written == len(one.matches)
    assert json.loads(streamed.getvalue()) == one.to_document()


def test_streamed_json_of_an_empty_match_list_is_valid():
    data = district_data()
    data["companies"] = data["companies"][:1]
    lonely, _ = validate_district_data(data)
    assert lonely is not None
    streamed = io.StringIO()
    assert write_matches_json(lonely, streamed) == 0
    assert json.loads(streamed.getvalue()) == {"format": "ecodistrict/matches/1", "matches": []}


def test_default_bounds_apply_only_above_the_exhaustive_limit():
    small = MatchingOptions().bounded(EXHAUSTIVE_UP_TO_FIRMS)
    large = MatchingOptions().bounded(EXHAUSTIVE_UP_TO_FIRMS + 1)
    assert (small.cap, small.max_scored, small.cap_inferred) == (2**31, 2**31, 2**31)
    assert (large.cap, large.max_scored, large.cap_inferred) == (24, 32, 8)
    chosen = MatchingOptions(cap=5).bounded(10)
    assert (chosen.cap, chosen.max_scored) == (5, 2**31)  # a bound set by the caller stays


def test_one_firm_and_zero_quantities_do_not_crash():
    data = district_data()
    data["companies"] = data["companies"][:1]
    lonely, problems = validate_district_data(data)
    assert problems == [] and lonely is not None
    assert match_district(lonely, routes=ROUTES).matches == ()
    data = district_data()
    data["companies"][0]["flows"][0]["quantity"] = 0
    zero, _ = validate_district_data(data)
    assert zero is not None
    found = matches_of(match_district(zero, routes=ROUTES), "fired-scrap")
    declared = [m for m in found if m.basis == "declared"]
    assert declared[0].fits["quantity"] == 0.0
    assert "a quantity of zero is declared: the exchange cannot be sized" in declared[0].reasons_en


def test_json_document_follows_the_contract(results):
    document = results.to_document()
    assert document["format"] == "ecodistrict/matches/1"
    first = document["matches"][0]
    assert set(first) >= {
        "supplier", "supplier_flow", "receiver", "receiver_flow", "kind", "rank", "score",
        "basis", "distance_km", "quantity", "reasons", "impact",
    }  # fmt: skip
    assert set(first["impact"]) >= {"co2_avoided_t_per_yr", "landfill_avoided_t_per_yr"}
    for match in document["matches"]:
        assert match["supplier"] != match["receiver"]
        assert match["basis"] in ("declared", "inferred")
        assert (match["receiver_flow"] is None) == (match["basis"] == "inferred")


def test_cli_match(tmp_path):
    path = tmp_path / "district.json"
    path.write_text(json.dumps(district_data()), encoding="utf-8")
    result = CliRunner().invoke(app, ["match", str(path), "--top", "2", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    ranks: dict[tuple[str, str], list[int]] = {}
    for match in document["matches"]:
        ranks.setdefault((match["supplier"], match["supplier_flow"]), []).append(match["rank"])
    assert all(r == list(range(1, len(r) + 1)) and len(r) <= 2 for r in ranks.values())
    assert CliRunner().invoke(app, ["match", str(path), "--top", "0"]).exit_code == 2
    table = CliRunner().invoke(app, ["match", str(path), "--lang", "it"])
    assert table.exit_code == 0 and " matches" in table.stdout.splitlines()[0]


def test_results_do_not_depend_on_the_hash_seed():
    import os
    import subprocess
    import sys

    demo = Path(__file__).parents[1] / "src/ecodistrict/data/demo/formigine-demo.yaml"
    outputs = []
    for seed in ("1", "2"):
        proc = subprocess.run(
            [sys.executable, "-m", "ecodistrict.cli", "match", str(demo), "--format", "json"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]


def test_heat_for_a_need_that_states_no_temperature_is_found_by_its_carrier():
    # "Riscaldamento degli uffici" shares no word, code or route with the kiln's heat and states
    # no temperature: only the carriers (heat offered, heat needed) tie them. The search must
    # still find the pair the all-pairs reference scores: technical fit = heat for heat, 0.9.
    data = district_data()
    data["companies"].append(
        _company("offices", "68.20", {"lat": 44.581, "lon": 10.821},
                 _flow("space-heating", "in", "energy", "Riscaldamento degli uffici", 200,
                       "MWh/yr", origin="virgin"))
    )  # fmt: skip
    model, problems = validate_district_data(data)
    assert problems == [] and model is not None
    found = match_district(model, top_k=10, routes=ROUTES)
    offices = [
        m for m in found.matches if m.supplier_flow == "kiln-heat" and m.receiver == "offices"
    ]
    assert len(offices) == 1
    assert offices[0].fits["technical"] == pytest.approx(0.9)
    assert offices[0].receiver_flow == "space-heating"
    options = MatchingOptions(top_k=10)
    indexed, _ = rank_candidates(model, options, routes=ROUTES)
    brute = brute_force_candidates(model, options, routes=ROUTES)
    assert [[(c.firm.company.id, c.score) for c in g] for g in indexed] == [
        [(c.firm.company.id, c.score) for c in g] for g in brute
    ]


def test_heat_sold_as_a_product_keeps_its_cascade_and_its_avoided_emissions():
    # Only a material product is matched "as it is"; heat sold under contract still reaches
    # the route's receivers and still replaces boiler heat. The kiln heat, declared a product,
    # gives the same matches as undeclared (the greenhouse first, by the heat route).
    data = district_data()
    data["companies"][0]["flows"][1]["legal_status"] = "product"
    model, problems = validate_district_data(data)
    assert problems == [] and model is not None
    unsold, _ = validate_district_data(district_data())

    def kiln_heat(district: Any) -> list[Any]:
        found = match_district(district, top_k=5, routes=ROUTES).matches
        return [m for m in found if m.supplier_flow == "kiln-heat"]

    sold, plain = kiln_heat(model), kiln_heat(unsold)
    assert [(m.receiver, m.score, m.route) for m in sold] == [
        (m.receiver, m.score, m.route) for m in plain
    ]
    assert sold[0].receiver == "greenhouse" and sold[0].route == "test-heat-to-greenhouses"
    assert sold[0].impact.co2_avoided_t_per_yr == plain[0].impact.co2_avoided_t_per_yr
    assert (sold[0].impact.co2_avoided_t_per_yr or 0.0) > 0


def test_a_bounded_search_ranks_an_output_the_same_alone_or_in_a_chunk():
    # The ranking works a chunk of outputs at a time (one k-d tree query per key for all the
    # outputs carrying it): with tight bounds, each output's result must not depend on which
    # other outputs share its chunk.
    from ecodistrict.matching.engine import build_index, rank_outputs

    district = _replicated_demo(10)
    index = build_index(district)
    options = MatchingOptions(top_k=3, cap=3, max_scored=4, cap_inferred=2)
    index.prepare(options)
    together = rank_outputs(index, options, 0, 150)
    alone = [rank_outputs(index, options, n, n + 1)[0] for n in range(150)]

    def key(ranked):
        return [[(c.firm.company.id, c.input.flow.id if c.input else None, c.score)
                 for c in group] for group in ranked]  # fmt: skip

    assert key(together) == key(alone)
    assert sum(len(group) for group in together) > 150


@pytest.mark.parametrize(
    ("need", "fit"),
    [
        ("Acqua potabile per i servizi igienici", None),  # potable, and no industrial use
        ("Acqua calda sanitaria", None),
        ("Drinking water for the canteen", None),
        ("Potable water", None),
        # "Potable" names the source the need replaces when an industrial use is named:
        ("Feed water for the ultrapure water plant, now potable water from the mains", 0.35),
        ("Acqua potabile di rete usata per il raffreddamento", 0.6),
        # ... and so does "drinking"; sanitary use is always drinking-water quality:
        ("Water for quenching and cooling, now drawn from the drinking water supply", 0.6),
        ("Acqua sanitaria e di raffreddamento", None),
        ("Acqua per la tempra dei pezzi", 0.6),
        ("Process water", 0.6),
        ("Industrial water for the scrubbers", 0.6),
        ("Acqua per risciacquo", 0.6),
        ("Condensate make-up", 0.6),
        ("Acqua", 0.5),
    ],
)
def test_water_use_from_the_words_of_the_need(need: str, fit: float | None) -> None:
    assert water_use_fit(need) == fit


def test_word_rules_are_prefixes_of_stems() -> None:
    # The rules test the stems of a description's words, which are at most STEM_LENGTH letters:
    # a longer prefix ("process", "condens") would never match.
    rules = [
        engine.WATER_SANITARY, engine.WATER_DRINKING, engine.WATER_POTABLE,
        engine.WATER_NEEDS_TREATMENT,
        engine.WATER_DIRECT_USES, engine.WATER_NON_CONTACT, engine.HEATING_PURPOSE,
        *engine.CARRIER_WORDS.values(),
    ]  # fmt: skip
    for rule in rules:
        assert all(len(prefix) <= STEM_LENGTH for prefix in rule), rule


def test_a_long_description_keeps_its_common_material_word():
    # Fourteen words of the output are rarer than "sand", which three other firms also name:
    # with only the 12 most specific words kept, "sand" was dropped and the road builder who
    # asks for sand was never found.
    beet = _flow(
        "soil", "out", "material",
        "Sand and soil settled from the water used to wash sugar beet during the campaign, "
        "drained, previously spread back on fields by contractors with spreaders",
        12500, "t/yr", ewc="02 04 01", legal_status="waste",
    )  # fmt: skip
    road = _flow("sand", "in", "material", "Sand for road sub-bases", 5000, "t/yr")
    others = [
        _company(f"glass{n}", "23.13", A, _flow("s", "in", "material", "Silica sand", 100, "t/yr"))
        for n in range(3)
    ]
    model = validated_district(_company("sugar", "10.81", S, beet),
                               _company("roads", "42.11", A, road), *others)  # fmt: skip
    found = match_district(model, routes=()).matches
    receivers = {m.receiver for m in found if m.supplier_flow == "soil"}
    assert "roads" in receivers
    (to_roads,) = (m for m in found if m.receiver == "roads")
    assert "the descriptions share the terms: sand" in to_roads.reasons_en


@pytest.mark.parametrize(
    ("description", "ewc", "need", "carrier"),
    [
        ("Draff - wet spent malted barley grains", None, False, "fuel"),
        ("Lolla di riso separata nella sbramatura", None, False, "fuel"),
        ("Residui di lavorazione", "03 01 05", False, "fuel"),  # sawdust, shavings: by code
        ("Fanghi di decantazione", "10 12 13", False, None),
        ("Solid fuel to co-fire with coal in the CHP boilers", None, True, "fuel"),
        ("Combustibile alternativo per il forno da clinker", None, True, "fuel"),
        ("Argilla per impasti", None, True, None),
    ],
)
def test_combustible_materials_and_fuel_needs(description, ewc, need, carrier) -> None:
    assert material_carrier(terms(description), ewc, need=need) == carrier


def test_a_combustible_residue_new_to_the_routes_meets_a_need_for_fuel():
    # No route takes draff and no word is shared with the boiler's need: only the fuel evidence
    # links them, technical 0.5; the brickworks asking for clay gets nothing.
    draff = _flow("draff", "out", "material", "Draff - wet spent malted barley grains", 30000,
                  "t/yr", legal_status="by-product")  # fmt: skip
    boiler = _flow("fuel", "in", "material", "Solid fuel to co-fire with coal", 50000, "t/yr")
    clay = _flow("clay", "in", "material", "Argilla per impasti", 5000, "t/yr")
    model = validated_district(
        _company("distillery", "11.01", S, draff), _company("power", "35.12", A, boiler),
        _company("bricks", "23.32", A, clay),
    )  # fmt: skip
    (match,) = match_district(model, routes=()).matches
    assert (match.receiver, match.basis, match.fits["technical"]) == ("power", "declared", 0.5)
    assert "a combustible material offered for a declared need for fuel" in match.reasons_en
    assert (
        "materiale combustibile offerto per un fabbisogno dichiarato di combustibile"
        in match.reasons_it
    )


def test_word_rules_read_words_inside_brackets_and_after_slashes():
    # Words were split on spaces only: "(steam)" and "heating/cooling" matched no rule.
    assert energy_carrier("Surplus (steam) from the boilers", None, need=False) == "heat"
    assert water_use_fit("Acqua industriale (raffreddamento)") == 0.6
    assert water_use_fit("Water for rinsing/cooling") == 0.6


def test_a_carbonate_is_not_carbon_and_alumina_is_not_aluminium():
    # Cut to six letters, "carbonate" was "carbon" and "allumina" was "alluminio".
    assert not terms("Sodium carbonate") & terms("Carbon black")
    assert terms("carbonato di sodio") & terms("sodium carbonate") == {"carbnt"}
    assert not terms("Allumina calcinata") & terms("Rottami di alluminio")
    assert terms("alumina") == terms("allumina")


def test_short_words_keep_three_letters_of_their_stem():
    # Dropping every final vowel made "soia" and the preposition "sui" both "s", and "uva" the
    # "UV" of a disinfection: a soybean-meal need shared a word with any text "sui fertilizzanti".
    assert not terms("Farina di estrazione di soia") & terms("normativa sui fertilizzanti")
    assert terms("Farina di estrazione di soia") == {"estraz", "farin", "soi"}
    assert not terms("Uva da vino") & terms("UV disinfection")
    assert terms("olio") == terms("oli") == {"oli", "oil"}  # with the glossary's English


def test_a_specific_name_also_gives_its_family():
    # "Polipropilene e polietilene" shared no word with "plastiche a base poliolefinica", and a
    # need for "fermentable sugar" none with dextrose syrup: both now meet through the family.
    need = terms("Polimeri termoplastici (polipropilene e polietilene) per lo stampaggio")
    assert need & terms("Granulo di plastiche miste a base poliolefinica") == {"polyolf"}
    assert terms("Dextrose (glucose) syrup") & terms("Fermentable sugar feedstock") == {"sugar"}
    assert terms("granuli di PP e PE") == {"granul", "polypr", "polyet", "polyolf"}
    assert "polyolf" not in terms("Polyols for flexible foams")  # a polyol is no polyolefin
    # A keyword asks for its own words: "polietilene" is not named by any polyolefin.
    assert phrase_terms("polietilene") == {"poliet"}


def test_a_base_di_says_what_a_flow_is_made_of_not_what_it_is():
    # "a base poliolefinica" shared the stem "bas" with a need for "basi per gelato".
    assert not terms("Plastiche a base poliolefinica") & terms("Zucchero e basi per gelato")
    assert terms("Vernici a base d'acqua") == terms("vernici acqua")
    assert terms("Water-based paints") == {"paint", "water"}
    assert "bas" in terms("Olio base rigenerato")  # "base oil" is a product


def test_a_long_description_keeps_the_words_other_firms_also_use():
    # Nineteen words, three of them ("sugar", "syrup", "concentrated") common in the district:
    # with the 16 rarest words kept, the distiller who asks for concentrated sugar syrup shared
    # no word with the beet factory's thick juice.
    juice = _flow(
        "juice", "out", "material",
        "Sugar beet thick juice, concentrated sucrose syrup of about 67 % dry matter from the "
        "evaporation station of a beet sugar factory, storable, available beyond "
        "crystallisation capacity",
        20000, "t/yr", legal_status="by-product",
    )  # fmt: skip
    assert len(terms(juice["description"])) == 19
    need = _flow("syrup", "in", "material", "Concentrated sugar syrup to ferment", 9000, "t/yr")
    others = [
        _company(f"sweets{n}", "10.82", A,
                 _flow("s", "in", "material", "Sugar syrup, concentrated", 100, "t/yr"))
        for n in range(3)
    ]  # fmt: skip
    model = validated_district(_company("sugar", "10.81", S, juice),
                               _company("distiller", "11.01", A, need), *others)  # fmt: skip
    found = match_district(model, routes=()).matches
    (to_distiller,) = (m for m in found if m.receiver == "distiller")
    assert "the descriptions share the terms: concen, sugar, syrup" in to_distiller.reasons_en


def test_what_happens_to_a_flow_now_is_not_what_the_flow_is():
    # "Otherwise sent to composting" named the compost route for fresh apple pomace, and
    # "today raised in oil-fired boilers" gave a steam need the words of a fuel.
    pomace = "Fresh apple pomace from cider pressing, otherwise sent to composting"
    assert terms(pomace) == {"fresh", "appl", "pomac", "cider", "pressi"}
    assert terms("Process steam for the dryers, today raised in oil-fired boilers") == {
        "steam", "dryer"
    }  # "process" is a stop word
    assert terms("Ceneri pesanti, attualmente smaltite in discarica; palabili") == {
        "cener", "ash", "pesant", "palabi"
    }
    assert terms("Known grades") == {"known", "grad"}  # "now" only as a word


def test_only_a_water_utility_may_treat_recovered_water_into_drinking_water():
    need = "Raw water to treat by membranes for recharging an aquifer used for drinking water"
    assert water_use_fit(need) is None
    assert water_use_fit(need, water_utility=True) == 0.35
    assert water_use_fit("Drinking water for the canteen", water_utility=True) is None


def test_a_coded_output_is_taken_by_the_words_of_a_route_of_its_sub_chapter():
    # The route lists 02 02 99; eggshells coded 02 02 03 (same sub-chapter) are taken by its
    # keyword, a brick's 10 12 08 "eggshell-coloured" is not (another sub-chapter). The paper
    # route lists 20 01 01: paper cups coded 20 01 99 (not otherwise specified) are taken by its
    # keyword, glass coded 20 01 02 that names paper among its impurities is not (two specific
    # codes of one sub-chapter are two materials).
    paper = RecoveryRoute(
        id="test-paper", kind="material", title_it="Carta", title_en="Paper",
        takes=RouteTakes(("20 01 01",), (), ("carta",), ("paper",), None),
        operation="R3", legal_basis="end-of-waste",
        gives=RouteGives(("macero",), ("recovered paper",), (), ()),
        receiving_sectors=("17.12",), substitutes=None, evidence="engineering", source=None,
        rationale="test route", confidence=0.6,
    )  # fmt: skip
    shells = RecoveryRoute(
        id="test-eggshells", kind="material", title_it="Gusci", title_en="Eggshells",
        takes=RouteTakes(("02 02 99",), (), ("gusci",), ("eggshells",), None),
        operation="R3", legal_basis="by-product",
        gives=RouteGives(("carbonato di calcio",), ("calcium carbonate",), ("calce",), ("lime",)),
        receiving_sectors=("20.15",), substitutes=None, evidence="engineering", source=None,
        rationale="test route", confidence=0.6,
    )  # fmt: skip
    model = validated_district(
        _company("eggs", "10.89", S, _flow("shells", "out", "material", "Broken eggshells", 4000,
                                           "t/yr", ewc="02 02 03", legal_status="waste")),
        _company("tiles", "23.31", S, _flow("scrap", "out", "material",
                                            "Eggshells-coloured fired scrap", 100, "t/yr",
                                            ewc="10 12 08", legal_status="waste")),
        _company("lime", "20.15", A),
        _company("sorting", "38.32", S,
                 _flow("glass", "out", "material", "Glass cullet with paper labels and caps", 900,
                       "t/yr", ewc="20 01 02", legal_status="waste"),
                 _flow("cups", "out", "material", "Used paper cups", 500, "t/yr",
                       ewc="20 01 99", legal_status="waste")),
        _company("mill", "17.12", A),
    )  # fmt: skip
    found = match_district(model, routes=(shells, paper)).matches
    assert sorted((m.supplier, m.supplier_flow, m.receiver, m.basis, m.route) for m in found) == [
        ("eggs", "shells", "lime", "inferred", "test-eggshells"),
        ("sorting", "cups", "mill", "inferred", "test-paper"),
    ]


def test_purified_water_serves_a_need_for_purified_water_as_it_is():
    # A wafer fab asks for water to feed its ultrapure plant (it needs treatment: 0.35); an
    # offer already through reverse osmosis serves it as it is (0.6), with its reason. No route
    # and no shared word: the water-use fit is the whole technical fit.
    model = validated_district(
        _company("ro", "36.00", S, _flow("permeate", "out", "water",
                                         "Permeate of a reverse osmosis unit", 100000, "m3/yr")),
        _company("wwtp", "37.00", S, _flow("effluent", "out", "water",
                                           "Treated effluent of the sewage works", 100000,
                                           "m3/yr")),
        _company("fab", "26.11", A, _flow("feed", "in", "water",
                                          "Feed water for the ultrapure water plant", 50000,
                                          "m3/yr", origin="virgin")),
    )  # fmt: skip
    found = {m.supplier: m for m in match_district(model, routes=()).matches}
    assert found["ro"].fits["technical"] == 0.6
    assert found["wwtp"].fits["technical"] == 0.35
    assert "the water offered is already purified, as the need asks" in found["ro"].reasons_en
    assert "l'acqua offerta è già trattata al grado di purezza richiesto dal fabbisogno" in (
        found["ro"].reasons_it
    )
    assert not any("purified" in r for r in found["wwtp"].reasons_en)
