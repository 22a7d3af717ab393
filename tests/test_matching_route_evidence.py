"""How much a recovery route counts when the output's code alone, or its words too, reach it;
and product outputs, which are matched like any other."""

from __future__ import annotations

from typing import Any

import pytest
from matching_helpers import CENTRE, validated_district

from ecodistrict.matching import match_district
from ecodistrict.matching.engine import (
    CODE_ONLY_ROUTE_FACTOR,
    CONTRADICTED_ROUTE_FACTOR,
    GENERIC_REQUEST_FLOOR,
    INFERRED_CLASS_BASE,
    INFERRED_CLASS_SLOPE,
    PRODUCT_MIN_TECHNICAL,
    SPECIFIC_PHRASE_ROUTES,
)
from ecodistrict.matching.knowledge import RecoveryRoute, RouteGives, RouteTakes


def _route(
    route_id: str,
    keyword: str,
    sector: str,
    confidence: float,
    gives: tuple[str, ...] | None = None,
    ewc: str | None = "02 02 99",
) -> RecoveryRoute:
    """A route taking `ewc` (if any) or `keyword`, giving `gives` (by default `keyword`) to
    `sector`."""
    given = gives if gives is not None else (keyword,)
    return RecoveryRoute(
        id=route_id,
        kind="material",
        title_it=route_id,
        title_en=route_id,
        takes=RouteTakes((ewc,) if ewc else (), (), (keyword,), (), None),
        operation=None,
        legal_basis="by-product",
        gives=RouteGives(given, given, (), ()),
        receiving_sectors=(sector,),
        substitutes=None,
        evidence="engineering",
        source=None,
        rationale="test route",
        confidence=confidence,
    )


SALT = _route("test-salt", "sale", "81.23", 0.7)
FISH = _route("test-fish", "pesce", "10.91", 0.9)
HERE = CENTRE
# The two receivers stand at the same distance from the supplier (east and west of it).
EAST = {"lat": 44.58, "lon": 10.86}
WEST = {"lat": 44.58, "lon": 10.78}


def _district(description: str, legal_status: str = "by-product") -> Any:
    return validated_district(
        {"id": "hams", "name": "Hams", "ateco": "10.13", "location": HERE, "flows": [
            {"id": "salt", "direction": "out", "kind": "material",
             "description": description, "quantity": 100, "unit": "t/yr",
             "ewc": "02 02 99", "legal_status": legal_status}]},
        {"id": "roads", "name": "Roads", "ateco": "81.23", "location": EAST, "flows": [
            {"id": "power", "direction": "in", "kind": "energy",
             "description": "Energia elettrica", "quantity": 10, "unit": "MWh/yr"}]},
        {"id": "feed", "name": "Feed", "ateco": "10.91", "location": WEST, "flows": [
            {"id": "power", "direction": "in", "kind": "energy",
             "description": "Energia elettrica", "quantity": 10, "unit": "MWh/yr"}]},
    )  # fmt: skip


def _technical(results: Any) -> dict[str, float]:
    return {m.receiver: m.fits["technical"] for m in results.matches}


def test_a_route_reached_by_code_only_counts_less_when_the_words_name_another_route():
    results = match_district(_district("Sale di salatura dei prosciutti"), routes=(SALT, FISH))
    technical = _technical(results)
    # Salt: named by the words, class receiver: 0.5 + 0.45 x 0.7 = 0.815.
    assert technical["roads"] == pytest.approx(INFERRED_CLASS_BASE + INFERRED_CLASS_SLOPE * 0.7)
    assert technical["roads"] == pytest.approx(0.815)
    # Fish: reached by the code 02 02 99 alone while the words say salt: (0.5 + 0.45 x 0.9) x 0.7.
    assert technical["feed"] == pytest.approx(0.905 * CONTRADICTED_ROUTE_FACTOR)
    assert technical["feed"] == pytest.approx(0.6335)
    ranked = [m.receiver for m in sorted(results.matches, key=lambda m: m.rank)]
    assert ranked == ["roads", "feed"]


def test_when_the_words_name_no_route_every_code_route_counts_at_the_code_only_share():
    results = match_district(_district("Residui vari di lavorazione"), routes=(SALT, FISH))
    technical = _technical(results)
    assert technical["roads"] == pytest.approx(0.815 * CODE_ONLY_ROUTE_FACTOR)
    assert technical["feed"] == pytest.approx(0.905 * CODE_ONLY_ROUTE_FACTOR)
    assert technical == {"roads": pytest.approx(0.7335), "feed": pytest.approx(0.8145)}


def test_a_product_is_proposed_only_to_a_firm_that_asks_for_it():
    model = validated_district(
        {"id": "saltworks", "name": "Saltworks", "ateco": "08.93", "location": HERE,
         "flows": [
             {"id": "salt", "direction": "out", "kind": "material",
              "description": "Sale marino grezzo", "quantity": 100, "unit": "t/yr",
              "legal_status": "product", "destination": "landfill"}]},
        # Asks for it in its own words.
        {"id": "hams", "name": "Hams", "ateco": "10.13", "location": EAST, "flows": [
            {"id": "salt-in", "direction": "in", "kind": "material",
             "description": "Sale marino grezzo per la salatura", "quantity": 50,
             "unit": "t/yr", "unit_price_eur": 80}]},
        # A known user of spent salt (route receiver) that asks for nothing: not proposed.
        {"id": "roads", "name": "Roads", "ateco": "81.23", "location": WEST, "flows": [
            {"id": "power", "direction": "in", "kind": "energy",
             "description": "Energia elettrica", "quantity": 10, "unit": "MWh/yr"}]},
    )  # fmt: skip
    results = match_district(model, routes=(SALT, FISH))
    (match,) = results.matches
    assert (match.receiver, match.basis, match.route) == ("hams", "declared", None)
    assert match.fits["legal"] == 0.9
    assert match.fits["technical"] >= PRODUCT_MIN_TECHNICAL
    assert "legal status product: sold as a product, outside the waste rules" in match.reasons_en
    # Selling a product avoids no production, disposal or purchase that could be counted.
    assert match.impact.co2_avoided_t_per_yr is None
    assert match.impact.money_eur_per_yr is None
    assert match.impact.landfill_avoided_t_per_yr == 0.0


def test_of_the_routes_both_flows_name_the_one_that_fits_the_receiver_counts():
    # Both routes take the salt and give what the road contractor asks for; the one of higher
    # confidence goes to feed mills, the other to road maintenance, the receiver's own class.
    feed = _route("test-salt-feed", "sale", "10.91", 0.9, gives=("disgelo",))
    roads = _route("test-salt-roads", "sale", "81.23", 0.5, gives=("disgelo",))
    model = validated_district(
        {"id": "hams", "name": "Hams", "ateco": "10.13", "location": HERE, "flows": [
            {"id": "salt", "direction": "out", "kind": "material",
             "description": "Sale di salatura dei prosciutti", "quantity": 100, "unit": "t/yr",
             "ewc": "02 02 99", "legal_status": "by-product"}]},
        {"id": "roads", "name": "Roads", "ateco": "81.23", "location": EAST, "flows": [
            {"id": "thaw", "direction": "in", "kind": "material",
             "description": "Prodotto per il disgelo delle strade", "quantity": 100,
             "unit": "t/yr"}]},
    )  # fmt: skip
    (match,) = match_district(model, routes=(feed, roads)).matches
    assert (match.basis, match.route) == ("declared", "test-salt-roads")
    # Road route, the receiver's class: 0.6 + 0.35 x 0.5 = 0.775; the same route as support of
    # the receiver's activity: 0.3 + 0.3 x 0.5 = 0.45, a tenth of it added: 0.82. (The feed
    # route, of higher confidence but not the receiver's, would give 0.3 + 0.15 x 0.9.)
    assert match.fits["technical"] == pytest.approx(0.82)


def test_a_need_that_names_only_what_many_routes_give_counts_less():
    # "cemento" is given by six routes: two take the ash (counted once: one material) and four
    # take other residues, so five materials give it; "pozzolana" is given by one route.
    ash = _route("test-ash", "ceneri", "23.63", 0.6, ("cemento", "pozzolana"), "10 01 02")
    ash_to_kilns = _route("test-ash-kilns", "ceneri", "23.51", 0.6, ("cemento",), "10 01 02")
    others = [
        _route(f"test-other-{n}", f"residuo{n}", "23.51", 0.6, ("cemento",), None) for n in range(4)
    ]
    model = validated_district(
        {"id": "power", "name": "Power", "ateco": "35.11", "location": HERE, "flows": [
            {"id": "ash", "direction": "out", "kind": "material",
             "description": "Ceneri leggere di carbone", "quantity": 100, "unit": "t/yr",
             "ewc": "10 01 02", "legal_status": "waste"}]},
        {"id": "concrete", "name": "Concrete", "ateco": "23.63", "location": EAST, "flows": [
            {"id": "cement", "direction": "in", "kind": "material",
             "description": "Cemento Portland", "quantity": 100, "unit": "t/yr"}]},
        {"id": "blend", "name": "Blend", "ateco": "23.63", "location": WEST, "flows": [
            {"id": "pozzolan", "direction": "in", "kind": "material",
             "description": "Pozzolana per cementi di miscela", "quantity": 100, "unit": "t/yr"}]},
    )  # fmt: skip
    results = match_district(model, routes=(ash, ash_to_kilns, *others))
    technical = _technical(results)
    # Pozzolana names the ash route by its most specific phrase (one route gives it), though
    # "cementi" names the generic one too: route 0.6 + 0.35 x 0.6 = 0.81, plus a tenth of the
    # receiver activity's support 0.3 + 0.3 x 0.6 = 0.48: 0.858.
    assert technical["blend"] == pytest.approx(0.858)
    # Cemento is given by five materials: the route counts at 0.5 + 0.5 x 3/5 = 80 %, 0.648,
    # plus a tenth of the support: 0.696 (six routes counted apart would give 75 %, 0.6555).
    assert GENERIC_REQUEST_FLOOR == 0.5 and SPECIFIC_PHRASE_ROUTES == 3
    assert technical["concrete"] == pytest.approx(0.696)
    ranked = [m.receiver for m in sorted(results.matches, key=lambda m: m.rank)]
    assert ranked == ["blend", "concrete"]
    (concrete,) = (m for m in results.matches if m.receiver == "concrete")
    assert (
        "the need names only what 5 recovery routes give (a generic request): the route counts "
        "at 80 %" in concrete.reasons_en
    )
    assert (
        "il fabbisogno nomina solo ciò che danno 5 percorsi di recupero (richiesta generica): "
        "peso del percorso 80 %" in concrete.reasons_it
    )
    (blend,) = (m for m in results.matches if m.receiver == "blend")
    assert not any("generic request" in reason for reason in blend.reasons_en)
