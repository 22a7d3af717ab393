"""The symbiosis matching engine: for every output of every firm, the firms that could take it.

Two bases, ranked together (CONTRACT.md):

- **declared**: the receiver declared an input the output can serve — the same or a related EWC
  code, a recovery route that turns the output into what the input asks for, shared words in the
  descriptions (Italian and English meet, see `text.py`), heat at a temperature at least the
  need's, treated water for a use that does not need drinking water;
- **inferred**: the receiver declared no such input, but its activity (ATECO) is a known receiver
  of a recovery route that takes the output (`data/recovery-routes.yaml`).

A match's score (0..1) is a weighted sum of five fits, each 0..1 and reported with the match:
technical fit 0.45, quantity fit 0.20, distance 0.20, continuity of availability 0.075, legal
status 0.075 (`WEIGHTS`); for energy and water, carried in pipes, technical 0.35 and distance
0.35 (`PIPED_WEIGHTS`). Candidates come from posting lists (`spatial.py`): a pair that shares no
key has a technical fit of 0 and is never proposed, so up to EXHAUSTIVE_UP_TO_FIRMS firms the
indexed search returns what an all-pairs scan with the same score would
(`brute_force_candidates`, used by the tests and the benchmark); above it the work per output is
bounded (`MatchingOptions.bounded`).
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from ecodistrict.codes.ewc import get_ewc
from ecodistrict.domain.models import Company, DistrictFile, Flow
from ecodistrict.geo import EARTH_RADIUS_KM
from ecodistrict.matching.knowledge import (
    EmissionFactor,
    RecoveryRoute,
    load_emission_factors,
    load_recovery_routes,
    receiving_sector_level,
)
from ecodistrict.matching.spatial import FloatArray, IntArray, NearestPostings, unit_vectors
from ecodistrict.matching.text import WORD, fold, phrase_terms, stem, terms
from ecodistrict.units import UnitError, unit_conversion

#: Road distance from great-circle distance: a network distance is about 1.2 times the
#: straight line (Newell 1980; O'Sullivan 1996: 1.21-1.23; summarised in Wikibooks,
#: "Transportation Geography and Network Science/Circuity"). Short rural trips wind more.
ROAD_CIRCUITY = 1.2

#: Distance at which the distance fit halves, by kind: heat travels a few km in insulated pipes,
#: water some km, materials by truck tens of km (engineering scales, documented in matching.md).
DISTANCE_HALF_KM = {"material": 50.0, "energy": 3.0, "water": 10.0, "service": 25.0}

#: Surplus heat (or cold) is carried in a pipe that the heat it carries must pay for: its
#: distance fit (which halves every 3 km: losses, pumping) is multiplied by the fit of the
#: linear heat density, MWh delivered per metre of pipe and year, LHD / (LHD + 1.5): a pipe is
#: held viable from about 1.5 MWh/(m a) (C.A.R.M.E.N. guideline, as used by nPro,
#: https://www.npro.energy/main/en/help/linear-heat-density ; vicus,
#: https://vicus-software.com/en/knowledge/network-design/heat-line-density/ ; cost-covering
#: from 2 MWh/(m a) in Swiss practice, https://deineenergie.ch/was-bedeutet-liniendichte.html).
#: A small need is no match for a large one at the same distance; with no quantity on either
#: side the plain distance fit applies. The pipe is at least PIPE_MIN_KM long.
LINEAR_HEAT_DENSITY_HALF = 1.5  # MWh per metre of pipe and year at which the fit is 0.5
PIPE_MIN_KM = 0.05
#: The heat an inferred receiver is assumed to take, as a share of the offer (it declared none).
INFERRED_HEAT_SHARE = 0.5

#: Materials and services. The quantity a receiver can take weighs 0.2 (0.15 until 2026-12-07):
#: a firm that needs a sliver of a bulk offer (a concrete plant buying some cement, for a power
#: station's fly ash) is a weaker partner than one that takes most of it (a cement works).
WEIGHTS = {"technical": 0.45, "quantity": 0.2, "distance": 0.2, "continuity": 0.075, "legal": 0.075}
#: Heat, steam and water travel in pipes that cost by the kilometre (and lose heat), so for
#: energy and water the distance weighs as much as the technical fit: a firm next door that
#: declares nothing outranks a declared need across the district (docs/matching.md).
PIPED_WEIGHTS = {
    "technical": 0.35, "quantity": 0.15, "distance": 0.35, "continuity": 0.075, "legal": 0.075
}  # fmt: skip
KIND_WEIGHTS = {"energy": PIPED_WEIGHTS, "water": PIPED_WEIGHTS}

CONTINUITY_FIT = {"continuous": 1.0, "seasonal": 0.7, "one-off": 0.4, None: 0.8}

#: ATECO divisions whose process water must be drinking water (food, beverages, pharma):
#: treated wastewater of another firm is not proposed to them.
POTABLE_DIVISIONS = frozenset({"10", "11", "21"})

#: Water uses, told from the words of the need (stems, so no prefix longer than
#: text.STEM_LENGTH letters: "process" would never match the stem "proces"): drinking water
#: cannot be served by another firm's water; demineralised or purified water needs treatment
#: first; cooling, washing, irrigation, mixing and other process uses take recovered water as
#: it is. "Potable" names a quality, which is the use only when the need names no industrial
#: use: "cooling water, now potable water from the mains" is the classic case for reclaimed
#: water. "Drinking" is the use unless the need names a direct industrial use ("water for
#: quenching, now drawn from the drinking water supply"); treatment alone does not lift it
#: ("raw water to treat by membranes for an aquifer used for drinking water"). Sanitary use
#: ("uso sanitario": washrooms, showers) is always drinking-water quality.
WATER_SANITARY = ("sanita",)
WATER_DRINKING = ("drinki",)
WATER_POTABLE = ("potabi", "potabl")
WATER_NEEDS_TREATMENT = ("demine", "deioni", "purifi", "ultrap", "osmos", "distil", "addolc",
                         "soften", "membra", "ultraf")  # fmt: skip
#: Offers that already have the quality such needs ask for (reverse osmosis, demineralised,
#: deionised, ultrapure, distilled water).
WATER_PURIFIED = ("osmos", "demine", "deioni", "ultrap", "distil")
#: Water collection, treatment and supply: the one activity that may treat another firm's
#: water into drinking water (its own treatment, its own permit).
WATER_UTILITY_DIVISION = "36"
WATER_DIRECT_USES = ("raffre", "coolin", "irrig", "lavagg", "washin", "impast", "mixing",
                     "proces", "indust", "antinc", "fire", "torri", "tower", "abbatt",
                     "scrubb", "rinse", "riscia", "conden", "boiler", "caldai", "quench",
                     "tempr")  # fmt: skip
WATER_USE_FIT = {"treatment": 0.35, "direct": 0.6, "unknown": 0.5}
#: Uses that never touch the product, open to food and pharma firms too (Reg. (EC) 852/2004,
#: Annex II ch. VII: non-drinking water for steam, fire control and cooling).
WATER_NON_CONTACT = ("raffre", "coolin", "antinc", "fire", "torri", "tower", "conden", "boiler",
                     "caldai")  # fmt: skip


@lru_cache(maxsize=65536)
def description_stems(description: str) -> tuple[str, ...]:
    """The stems of a description's words, in order, for the word rules of energy carriers and
    water uses (many firms write the same description: computed once per text)."""
    return tuple(stem(w) for w in WORD.findall(fold(description)))


def water_purified(description: str) -> bool:
    """Water offered already purified (reverse osmosis, demineralised, deionised, ultrapure,
    distilled): it serves a need for purified water as it is."""
    words = description_stems(description)
    return any(w.startswith(WATER_PURIFIED) for w in words)


def water_non_contact(description: str) -> bool:
    words = description_stems(description)
    return any(w.startswith(WATER_NON_CONTACT) for w in words)


@lru_cache(maxsize=65536)  # many firms write the same description
def water_use_fit(description: str, *, water_utility: bool = False) -> float | None:
    """Technical fit of recovered water for a need, from its use; None for drinking water,
    except as raw water that a water utility (ATECO 36) treats itself (indirect potable reuse:
    "raw water to treat by membranes for aquifer recharge")."""
    words = description_stems(description)
    treated = any(w.startswith(WATER_NEEDS_TREATMENT) for w in words)
    direct = any(w.startswith(WATER_DIRECT_USES) for w in words)
    if water_utility and treated:
        return WATER_USE_FIT["treatment"]
    if any(w.startswith(WATER_SANITARY) for w in words):
        return None
    if not direct and any(w.startswith(WATER_DRINKING) for w in words):
        return None
    if treated:
        return WATER_USE_FIT["treatment"]
    if direct:
        return WATER_USE_FIT["direct"]
    if any(w.startswith(WATER_POTABLE) for w in words):
        return None
    return WATER_USE_FIT["unknown"]


#: Technical fit of an inferred receiver: base + slope x the route's confidence, higher when
#: the route names the receiver's ATECO class than when it names only its division.
INFERRED_CLASS_BASE, INFERRED_CLASS_SLOPE = 0.5, 0.45
INFERRED_DIVISION_BASE, INFERRED_DIVISION_SLOPE = 0.4, 0.35

#: Technical fit of a declared input through a recovery route that takes the output and gives
#: what the input's words name: base + slope x the route's confidence, higher when the
#: receiver's activity is one of the route's receivers. SECTOR_SUPPORT: the supporting
#: component when the receiver's activity uses a route that takes the output (weaker than a
#: route the input's words name: the activity says the firm could use it, not that it asks).
DECLARED_ROUTE_BY_SECTOR = (0.6, 0.35)
DECLARED_ROUTE_BY_WORDS = (0.3, 0.15)
SECTOR_SUPPORT = (0.3, 0.3)
#: A need that names only what many other materials also give ("cemento", "aggregates",
#: "water", "feed") is weaker evidence that this output suits it than one naming what few give
#: ("pozzolana", "raw meal", "plasterboard"): the route component is multiplied by
#: GENERIC_REQUEST_FLOOR + (1 - GENERIC_REQUEST_FLOOR) x min(1, SPECIFIC_PHRASE_ROUTES / n),
#: n = the number of routes giving the most specific phrase the need names, counting once the
#: routes that take the output itself (several routes for one material are not several
#: materials). An inverse document frequency over the knowledge base; the floor and the count
#: were chosen on the tune split (docs/matching.md).
SPECIFIC_PHRASE_ROUTES = 3
GENERIC_REQUEST_FLOOR = 0.5

#: Energy carriers, told from the words of a description (first carrier word wins, a stated
#: temperature means heat). Surplus heat serves a heat need at or below its temperature, and a
#: fuel burnt for heating (partly); it never serves an electricity need. See matching.md.
CARRIER_WORDS: dict[str, tuple[str, ...]] = {
    "heat": ("calor", "heat", "vapor", "steam", "termic", "therma", "teleri", "cald", "hot",
             "conden", "riscal"),
    "cold": ("fredd", "cold", "chill", "refrig", "frigor", "raffre", "coolin"),
    "electricity": ("elettr", "electr", "kwh"),
    "fuel": ("gas", "metan", "methan", "gasoli", "diesel", "gpl", "lpg", "fuel", "combus",
             "biogas", "syngas", "pellet", "cippat", "biomas", "carbon", "coal", "idroge",
             "hydrog", "tail"),
}  # fmt: skip
#: Words saying that a fuel input is burnt to make heat (a boiler, a dryer, space heating);
#: stems as `text.stem` makes them.
HEATING_PURPOSE = ("caldai", "boiler", "riscal", "heatin", "vapor", "steam", "essicc", "drying",
                   "dryer", "cald", "hot", "sanita", "pastor", "lavagg", "washin")  # fmt: skip
#: Technical fit of a surplus carrier (row) for a need (column); absent: it cannot serve it.
CARRIER_FIT: dict[tuple[str, str], float] = {
    ("heat", "heat"): 0.9,
    ("heat", "fuel-for-heat"): 0.55,
    ("fuel", "fuel"): 0.8,
    ("fuel", "fuel-for-heat"): 0.8,
    ("fuel", "heat"): 0.45,
    ("electricity", "electricity"): 0.8,
    ("cold", "cold"): 0.85,
}


#: Low-grade heat below a heat need's temperature serves it through a heat pump, when the need
#: is at most HEAT_PUMP_MAX_C and the source at least HEAT_PUMP_SOURCE_MIN_C: large electric
#: heat pumps deliver district-heating water up to about 90 °C (David et al., "Heat Roadmap
#: Europe: large-scale electric heat pumps in district heating systems", Energies 10 (2017)
#: 578; Kalundborg lifts 24-25 °C treated wastewater to 72-87 °C), from sources such as data
#: centres (30-35 °C) and sewage. The lift costs electricity and a machine: the fit is that of
#: water that needs treatment (WATER_USE_FIT), below heat that is hot enough (0.9).
HEAT_PUMP_SOURCE_MIN_C = 20.0
HEAT_PUMP_MAX_C = 90.0
HEAT_PUMP_FIT = 0.35


def heat_pump_lifts(output: _Output, item: _Input, offered: float, needed: float) -> bool:
    """Whether surplus heat at `offered` °C serves a heat need at `needed` °C (above it)
    through a heat pump."""
    return (
        output.carrier == "heat"
        and item.carrier == "heat"
        and offered >= HEAT_PUMP_SOURCE_MIN_C
        and needed <= HEAT_PUMP_MAX_C
    )


@lru_cache(maxsize=65536)  # many firms write the same description
def energy_carrier(description: str, temperature_c: float | None, *, need: bool) -> str | None:
    """heat, cold, electricity, fuel or fuel-for-heat (a need only); None when unknown."""
    words = description_stems(description)
    carrier = None
    for word in words:
        carrier = next(
            (name for name, stems in CARRIER_WORDS.items() if word.startswith(stems)), None
        )
        if carrier is not None:
            break
    if temperature_c is not None and carrier not in ("fuel", "electricity"):
        carrier = "cold" if temperature_c < 10 else "heat"
    if need and carrier == "fuel" and any(w.startswith(HEATING_PURPOSE) for w in words):
        return "fuel-for-heat"
    return carrier


#: Materials burnt for their heating value (biomass, wood, husks, bagasse, plastics, rubber, a
#: stated calorific value), told from the words of an offer or its EWC entry; and needs for a
#: solid or liquid fuel ("solid fuel to co-fire with coal", "combustibile alternativo"). A fuel
#: need can take a combustible material (MATERIAL_FUEL_FIT) when no recovery route or shared
#: word links them: the usual gap when a residue is new to the knowledge base (draff, malt
#: dust, dried sludge) but a boiler, a kiln or a power plant asks for fuel. Words compared whole,
#: as `text.terms` makes them.
COMBUSTIBLE_WORDS = (
    "biomass", "biomassa", "wood", "legno", "legna", "sawdust", "segatura", "bark",
    "corteccia", "husk", "hulls", "lolla", "glumelle", "chaff", "pula", "straw", "paglia",
    "bagasse", "bagassa", "draff", "trebbie", "pomace", "sansa", "vinacce", "cippato", "pellet",
    "plastic", "plastica", "rubber", "gomma", "tyre", "tire", "pneumatici", "calorific",
    "calorifico", "fuel", "combustibile", "rdf", "srf", "css", "cdr",
)  # fmt: skip
COMBUSTIBLE_EWC = frozenset({
    "02 01 03", "02 01 07", "03 01 01", "03 01 05", "03 03 01", "15 01 03", "16 01 03",
    "17 02 01", "19 12 07", "19 12 10", "20 01 38", "20 02 01",
})  # fmt: skip
FUEL_NEED_WORDS = ("fuel", "combustibile", "combustible", "biocombustibile", "biofuel",
                   "calorific", "calorifico")  # fmt: skip
MATERIAL_FUEL_FIT = 0.5


@lru_cache(maxsize=1)
def _fuel_stems() -> tuple[frozenset[str], frozenset[str]]:
    offer = frozenset(t for word in COMBUSTIBLE_WORDS for t in terms(word))
    need = frozenset(t for word in FUEL_NEED_WORDS for t in terms(word))
    return offer, need


def material_carrier(words: frozenset[str], ewc: str | None, *, need: bool) -> str | None:
    """"fuel" for a combustible material offered (`need` False) or a need for fuel, from the
    words of its description (`text.terms`) and its EWC code."""
    offer_stems, need_stems = _fuel_stems()
    if need:
        return "fuel" if words & need_stems else None
    return "fuel" if words & offer_stems or ewc in COMBUSTIBLE_EWC else None


@dataclass(frozen=True)
class MatchingOptions:
    top_k: int = 5
    max_distance_km: float | None = None  # a hard maximum (road estimate); None: no limit
    # Bounds on the work per output, for large districts (None: the default below, or no bound
    # at all in a district of at most EXHAUSTIVE_UP_TO_FIRMS firms, searched exhaustively).
    cap: int | None = None  # receivers looked up per shared key, nearest first
    max_scored: int | None = None  # candidates fully scored per output, strongest keys first
    cap_inferred: int | None = None  # firms per route's receiving sectors, nearest first
    min_technical: float = 0.15  # below this a shared word is noise, not a fit

    def bounded(self, firms: int) -> MatchingOptions:
        """These options with every bound set, for a district of `firms` firms."""
        exhaustive = firms <= EXHAUSTIVE_UP_TO_FIRMS

        def pick(value: int | None, default: int) -> int:
            if value is not None:
                return value
            return UNBOUNDED if exhaustive else default

        return replace(
            self,
            cap=pick(self.cap, DEFAULT_CAP),
            max_scored=pick(self.max_scored, DEFAULT_MAX_SCORED),
            cap_inferred=pick(self.cap_inferred, DEFAULT_CAP_INFERRED),
        )


#: Up to this many firms every candidate sharing a key is scored: the result equals the
#: all-pairs reference exactly (`brute_force_candidates`). Above it, the bounds below apply.
EXHAUSTIVE_UP_TO_FIRMS = 500
DEFAULT_CAP, DEFAULT_MAX_SCORED, DEFAULT_CAP_INFERRED = 24, 32, 8
#: In a bounded search an output looks receivers up by its 6 most specific words (and 3 of its
#: EWC legal text): the other words still count in the similarity of the candidates found.
BOUNDED_KEY_TERMS = 6
UNBOUNDED = 2**31


#: Words of a description that take part in matching: the most specific ones (highest IDF).
#: Bounding them bounds the work per flow; the similarity reads the same words, so the indexed
#: search and the all-pairs reference still agree. 12 dropped the material word of long
#: descriptions when it was a common one ("Sand and soil settled from the water used to wash
#: sugar beet during the campaign..." lost "sand"); 16 dropped "sugar", "syrup" and
#: "concentrated" from a 19-word description of beet thick juice, keeping "about" and "beyond"
#: (the eleventh and twelfth batches, once opened, have longer descriptions); 24 keeps them.
KEY_TERMS = 24

#: Weight of each kind of shared key when candidates must be pruned (an EWC sub-chapter or a
#: recovery route says more than one shared word).
KEY_WEIGHT = {"r": 3.0, "s": 2.0, "heat": 1.0, "water": 1.0, "c": 1.0}


@dataclass(slots=True)
class _Output:
    company: Company
    flow: Flow
    kind: str
    quantity: float | None
    ewc: str | None
    subchapter: str | None
    terms: frozenset[str]
    norm: float
    route_ids: frozenset[str]
    legal_terms: frozenset[str]  # words of the EWC legal text, kept apart from the firm's own
    legal_norm: float
    carrier: str | None = None  # energy: heat, cold, electricity, fuel; material: fuel;
    # water: purified
    position: tuple[float, float, float] = (0.0, 0.0, 1.0)  # lat, lon (radians), cos(lat)
    # Routes taken by EWC code whose keywords the firm's own words do not name: the code alone
    # (a broad one such as 02 03 04, or a "99" n.o.s. code) is weaker evidence than code + words.
    code_only_route_ids: frozenset[str] = frozenset()
    signature: int = 0  # outputs with equal features share it (and so their technical fits)
    number: int = 0  # position in `_Index.outputs` and in the output arrays


@dataclass(slots=True)
class _Input:
    firm: _Firm
    flow: Flow
    kind: str
    quantity: float | None
    ewc: str | None
    subchapter: str | None
    terms: frozenset[str]
    norm: float
    route_ids: frozenset[str]
    carrier: str | None = None  # energy: also fuel-for-heat; material: a fuel need
    water_fit: float | None = None  # water only: fit of recovered water for its use (None: no)
    # Routes of `route_ids` that the need names only by phrases many routes give: route id ->
    # the routes giving each of those phrases (`_Knowledge.generic_routes`; shared, not copied).
    generic_route_ids: dict[str, tuple[frozenset[str], ...]] = field(default_factory=dict)
    signature: int = 0  # inputs with equal features share it (and so their technical fits)
    number: int = 0  # position in `_Index.inputs` and in the input arrays


@dataclass(slots=True)
class _Firm:
    company: Company
    division: str
    sector_route_ids: frozenset[str]
    class_route_ids: frozenset[str]  # the routes naming the firm's ATECO class, not its division
    position: tuple[float, float, float]  # lat, lon (radians), cos(lat)
    inputs: list[_Input] = field(default_factory=list)
    signature: int = 0  # firms of the same activity share it (and their inferred fits)
    number: int = 0  # position in `_Index.firms` and in the firm arrays


@dataclass(slots=True)
class Candidate:
    """A scored (output, receiver) pair, before reasons and impact are written."""

    output: _Output
    firm: _Firm
    input: _Input | None
    basis: str
    score: float
    technical: float
    quantity_fit: float
    distance_fit: float
    continuity_fit: float
    legal_fit: float
    road_km: float | None
    evidence: dict[str, object]


def _phrases_by_word(
    phrases: Iterable[tuple[str, frozenset[str]]],
) -> dict[str, list[tuple[str, frozenset[str]]]]:
    """(route id, phrase terms) filed under one word of the phrase (its least common in the
    list, so that few phrases are checked per word): a text names a phrase only when it holds
    that word, so a text's phrases are found from its own words, not by reading every route."""
    listed = [(route_id, phrase) for route_id, phrase in phrases if phrase]
    frequency = Counter(word for _, phrase in listed for word in phrase)
    by_word: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for route_id, phrase in listed:
        anchor = min(phrase, key=lambda w: (frequency[w], w))
        by_word.setdefault(anchor, []).append((route_id, phrase))
    return by_word


def _named(by_word: dict[str, list[tuple[str, frozenset[str]]]], words: frozenset[str]) -> set[str]:
    """Ids of the routes one of whose phrases the words contain whole."""
    found: set[str] = set()
    for word in words:
        for route_id, phrase in by_word.get(word, ()):
            if route_id not in found and phrase <= words:
                found.add(route_id)
    return found


@dataclass
class _Knowledge:
    routes: dict[str, RecoveryRoute]
    route_takes: list[tuple[RecoveryRoute, frozenset[str], tuple[frozenset[str], ...]]]
    route_gives: list[tuple[RecoveryRoute, tuple[frozenset[str], ...]]]
    factors: dict[str, EmissionFactor]
    # Derived from the lists above in `__post_init__`, never passed: their phrases filed by
    # word (`_phrases_by_word`), whether a route lists take keywords, the kind of each route.
    takes_by_word: dict[str, list[tuple[str, frozenset[str]]]] = field(init=False)
    gives_by_word: dict[str, list[tuple[str, frozenset[str]]]] = field(init=False)
    _keywords: dict[str, bool] = field(init=False)
    _gives_kind: dict[str, str] = field(init=False)
    # Per phrase of `gives`: the routes that give it.
    _givers: dict[frozenset[str], frozenset[str]] = field(init=False)
    # Per (kind, EWC code, temperature): the routes that take such an output by its code, and
    # those that would take it by the words of its description.
    _by_code: dict[
        tuple[str, str | None, float | None], tuple[frozenset[str], frozenset[str]]
    ] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.takes_by_word = _phrases_by_word(
            (route.id, k) for route, _, keywords in self.route_takes for k in keywords
        )
        self.gives_by_word = _phrases_by_word(
            (route.id, k) for route, keywords in self.route_gives for k in keywords
        )
        self._keywords = {route.id: bool(keywords) for route, _, keywords in self.route_takes}
        self._gives_kind = {route.id: route.kind for route, _ in self.route_gives}
        givers: dict[frozenset[str], set[str]] = {}
        for route, keywords in self.route_gives:
            for keyword in keywords:
                givers.setdefault(keyword, set()).add(route.id)
        self._givers = {keyword: frozenset(ids) for keyword, ids in givers.items()}

    def routes_taking(
        self, kind: str, ewc: str | None, own_words: frozenset[str], temperature: float | None
    ) -> tuple[frozenset[str], frozenset[str]]:
        """The routes that take an output, and those of them that take it by its code only
        (the route lists keywords and the firm's own description names none of them)."""
        key = (kind, ewc, temperature)
        found = self._by_code.get(key)
        if found is None:
            by_code, by_words = set(), set()
            for route, take_ewc, _ in self.route_takes:
                if route.kind != kind:
                    continue
                minimum = route.takes.min_temperature_c
                if minimum is not None and (temperature is None or temperature < minimum):
                    continue
                # A route that lists EWC codes takes a coded output through its codes, or
                # through its keywords when one of the two codes is the "99" (not otherwise
                # specified) entry of the other's sub-chapter: the same producing process,
                # eggshells coded 02 02 03 and the route's 02 02 99. Two specific codes of one
                # sub-chapter name different materials (19 12 01 paper, 19 12 05 glass).
                if ewc is not None and (take_ewc or route.takes.ewc_prefixes):
                    if ewc in take_ewc or any(ewc.startswith(p) for p in route.takes.ewc_prefixes):
                        by_code.add(route.id)
                    elif any(_unspecified_of_same_process(code, ewc) for code in take_ewc):
                        by_words.add(route.id)
                else:
                    by_words.add(route.id)
            found = self._by_code[key] = (frozenset(by_code), frozenset(by_words))
        by_code_ids, by_words_ids = found
        # Keywords are read in the firm's own description only, not in the EWC legal text,
        # whose generic words ("scarti", "materials unsuitable for ...") would tie any route
        # to any waste.
        named = _named(self.takes_by_word, own_words)
        taken = by_code_ids | (by_words_ids & named)
        code_only = frozenset(r for r in by_code_ids if self._keywords[r] and r not in named)
        return frozenset(taken), code_only

    def generic_routes(
        self, own_words: frozenset[str], route_ids: frozenset[str]
    ) -> dict[str, tuple[frozenset[str], ...]]:
        """Of `route_ids` (the routes an input names), those that the words name only by
        phrases more than SPECIFIC_PHRASE_ROUTES routes give, with the givers of each phrase."""
        named: dict[str, set[frozenset[str]]] = {}
        for word in own_words:
            for route_id, phrase in self.gives_by_word.get(word, ()):
                if route_id in route_ids and phrase <= own_words:
                    named.setdefault(route_id, set()).add(self._givers[phrase])
        return {
            route_id: tuple(sorted(found, key=sorted))
            for route_id, found in named.items()
            if all(len(givers) > SPECIFIC_PHRASE_ROUTES for givers in found)
        }

    def routes_giving(self, kind: str, own_words: frozenset[str]) -> frozenset[str]:
        """The routes of this kind whose product or keywords an input's words name."""
        return frozenset(
            r for r in _named(self.gives_by_word, own_words) if self._gives_kind[r] == kind
        )


def _unspecified_of_same_process(code: str, other: str) -> bool:
    """Two EWC codes of one sub-chapter (the same producing process), one of them its "99"
    entry (wastes not otherwise specified)."""
    return code[:5] == other[:5] and (code.endswith("99") or other.endswith("99"))


def _knowledge(
    routes: Sequence[RecoveryRoute] | None, factors: dict[str, EmissionFactor] | None
) -> _Knowledge:
    chosen = tuple(routes) if routes is not None else load_recovery_routes()
    takes = []
    gives = []
    for route in chosen:
        keywords = (*route.takes.keywords_it, *route.takes.keywords_en)
        takes.append((route, frozenset(route.takes.ewc), tuple(phrase_terms(k) for k in keywords)))
        given = (
            *route.gives.keywords_it,
            *route.gives.keywords_en,
            *route.gives.products_it,
            *route.gives.products_en,
        )
        gives.append((route, tuple(phrase_terms(k) for k in given if phrase_terms(k))))
    return _Knowledge(
        routes={r.id: r for r in chosen},
        route_takes=takes,
        route_gives=gives,
        factors=factors if factors is not None else load_emission_factors(),
    )


def _quantity(flow: Flow) -> float | None:
    try:
        return flow.quantity * unit_conversion(flow.unit, flow.kind).factor
    except (UnitError, ValueError):
        return None


def _ewc_terms(code: str | None) -> frozenset[str]:
    entry = get_ewc(code) if code else None
    if entry is None:
        return frozenset()
    return terms(entry.description_en) | terms(entry.description_it or "")


class _Index:
    """Features of every flow and firm, and the posting lists that find candidates."""

    def __init__(self, district: DistrictFile, knowledge: _Knowledge) -> None:
        self.knowledge = knowledge
        self.firms: list[_Firm] = []
        self.outputs: list[_Output] = []
        # Document frequencies counted once per distinct (description, code): many firms write
        # the same texts.
        texts: Counter[tuple[str, str | None]] = Counter()
        routes_of_sector: dict[str, frozenset[str]] = {}
        class_routes: dict[str, frozenset[str]] = {}
        # Flows (and firms) with equal features have equal technical fits: one number each,
        # so that the fit of a pair is computed once (the memo of `_technical`).
        signatures: dict[tuple[object, ...], int] = {}
        for company in district.companies:
            division = company.ateco[:2]
            if company.ateco not in routes_of_sector:
                levels = {
                    route.id: receiving_sector_level(route, company.ateco)
                    for route in knowledge.routes.values()
                }
                routes_of_sector[company.ateco] = frozenset(r for r, v in levels.items() if v)
                class_routes[company.ateco] = frozenset(
                    r for r, v in levels.items() if v == "class"
                )
            lat, lon = math.radians(company.location.lat), math.radians(company.location.lon)
            firm = _Firm(
                company, division, routes_of_sector[company.ateco], class_routes[company.ateco],
                (lat, lon, math.cos(lat)),
            )  # fmt: skip
            firm.signature = signatures.setdefault(("firm", company.ateco), len(signatures))
            self.firms.append(firm)
            for flow in company.flows:
                texts[(flow.description, flow.ewc)] += 1
        document_frequency: Counter[str] = Counter()
        for (description, code), flows in texts.items():
            for term in terms(description) | _ewc_terms(code):
                document_frequency[term] += flows
        count = max(1, texts.total())
        self.idf = {
            t: math.log((count + 1) / (df + 1)) + 1.0 for t, df in document_frequency.items()
        }
        idf = self.idf
        self.max_idf = math.log((count + 1) / 2) + 1.0  # a word of one flow only

        def key_terms(words: frozenset[str]) -> frozenset[str]:
            if len(words) <= KEY_TERMS:
                return words
            return frozenset(sorted(words, key=lambda t: (-idf[t], t))[:KEY_TERMS])

        takes_cache: dict[tuple[object, ...], tuple[frozenset[str], frozenset[str]]] = {}
        gives_cache: dict[
            tuple[object, ...], tuple[frozenset[str], dict[str, tuple[frozenset[str], ...]]]
        ] = {}
        # Features of a text (and of an EWC code) once per distinct text: equal descriptions
        # share one set of words, which keeps a district of 100,000 firms in memory.
        words_cache: dict[str, tuple[frozenset[str], frozenset[str], float]] = {}
        legal_cache: dict[str | None, tuple[frozenset[str], float]] = {}
        for firm in self.firms:
            for flow in firm.company.flows:
                described = words_cache.get(flow.description)
                if described is None:
                    own = terms(flow.description)
                    kept = key_terms(own)
                    described = words_cache[flow.description] = (
                        own,
                        kept,
                        math.sqrt(math.fsum(idf[t] ** 2 for t in kept)) or 1.0,
                    )
                own_words, matched_words, norm = described
                coded = legal_cache.get(flow.ewc)
                if coded is None:
                    legal = key_terms(_ewc_terms(flow.ewc))
                    coded = legal_cache[flow.ewc] = (
                        legal,
                        math.sqrt(math.fsum(idf[t] ** 2 for t in legal)) or 1.0,
                    )
                legal_words, legal_norm = coded
                subchapter = flow.ewc[:5] if flow.ewc else None
                if flow.direction == "out":
                    # Many firms write the same description: route matching once per text.
                    takes_key = (flow.kind, flow.ewc, flow.description, flow.temperature_c)
                    taken = takes_cache.get(takes_key)
                    if taken is None:
                        taken = takes_cache[takes_key] = knowledge.routes_taking(
                            flow.kind, flow.ewc, own_words, flow.temperature_c
                        )
                    routes, code_only = taken
                    if is_material_product(flow):
                        # A product is offered as it is: only a firm that asks for it (same
                        # code, or its words) is proposed, never a recovery route's receivers
                        # (machines are not "recovered aggregate", new pallets not wood waste).
                        # Heat, water or a service sold as a product keep their cascades.
                        routes = code_only = frozenset()
                    carrier = (
                        energy_carrier(flow.description, flow.temperature_c, need=False)
                        if flow.kind == "energy"
                        else material_carrier(own_words, flow.ewc, need=False)
                        if flow.kind == "material"
                        else "purified"
                        if flow.kind == "water" and water_purified(flow.description)
                        else None
                    )
                    self.outputs.append(
                        _Output(firm.company, flow, flow.kind, _quantity(flow), flow.ewc,
                                subchapter, matched_words, norm, routes, legal_words, legal_norm,
                                carrier, firm.position, code_only,
                                signatures.setdefault(
                                    ("out", *takes_key, is_material_product(flow)),
                                    len(signatures)))
                    )  # fmt: skip
                else:
                    gives_key = (flow.kind, flow.description)
                    cached = gives_cache.get(gives_key)
                    if cached is None:
                        routes = knowledge.routes_giving(flow.kind, own_words)
                        cached = gives_cache[gives_key] = (
                            routes,
                            knowledge.generic_routes(own_words, routes),
                        )
                    given, generic = cached
                    carrier = (
                        energy_carrier(flow.description, flow.temperature_c, need=True)
                        if flow.kind == "energy"
                        else material_carrier(own_words, flow.ewc, need=True)
                        if flow.kind == "material"
                        else None
                    )
                    water_fit = None
                    if flow.kind == "water" and (
                        firm.division not in POTABLE_DIVISIONS
                        or water_non_contact(flow.description)
                    ):  # food and pharma: water touching the product must be drinking water
                        water_fit = water_use_fit(
                            flow.description,
                            water_utility=firm.division == WATER_UTILITY_DIVISION,
                        )
                    firm.inputs.append(
                        _Input(firm, flow, flow.kind, _quantity(flow), flow.ewc, subchapter,
                               matched_words, norm, given, carrier, water_fit, generic,
                               signatures.setdefault(
                                   ("in", flow.kind, flow.description, flow.ewc,
                                    flow.temperature_c, firm.company.ateco),
                                   len(signatures)))
                    )  # fmt: skip

        self._build_arrays()
        self._keys_memo: dict[tuple[int, bool], tuple[list[tuple[str, ...]], list[float]]] = {}
        # Technical fit (NaN: none) and "rests on a route with a recovery operation", per pair
        # of signatures: computed once per pair (emptied past TECHNICAL_MEMO_SIZE entries).
        self.fit_memo: dict[tuple[int, int], tuple[float, bool]] = {}
        # The same with the evidence, for the pairs explained (`_technical`).
        self.explained_memo: dict[tuple[int, int, bool], _TechnicalFit | None] = {}

    def _build_arrays(self) -> None:
        """The numbers the ranking reads, one array per feature (columnar: a chunk of outputs
        is ranked with array operations), and the posting lists of inputs and firms."""
        self.inputs: list[_Input] = [item for firm in self.firms for item in firm.inputs]
        for number, firm in enumerate(self.firms):
            firm.number = number
        for number, item in enumerate(self.inputs):
            item.number = number
        for number, output in enumerate(self.outputs):
            output.number = number
        self.output_of_signature = {o.signature: o for o in reversed(self.outputs)}
        self.input_of_signature = {i.signature: i for i in reversed(self.inputs)}
        self.firm_of_signature = {f.signature: f for f in reversed(self.firms)}
        self.signature_count = 1 + max(
            (*self.output_of_signature, *self.input_of_signature, *self.firm_of_signature),
            default=0,
        )
        firm_xyz = unit_vectors(
            (f.company.location.lat, f.company.location.lon) for f in self.firms
        )
        self.firm_lat = np.array([f.position[0] for f in self.firms], dtype=np.float64)
        self.firm_lon = np.array([f.position[1] for f in self.firms], dtype=np.float64)
        self.firm_cos = np.array([f.position[2] for f in self.firms], dtype=np.float64)
        self.firm_xyz = firm_xyz
        self.firm_signature = np.array([f.signature for f in self.firms], dtype=np.int64)
        # Ties are broken by receiver id and input id: their ranks among all ids.
        self.firm_order = _ordinals([f.company.id for f in self.firms])
        self.input_firm = np.array([i.firm.number for i in self.inputs], dtype=np.int64)
        self.input_signature = np.array([i.signature for i in self.inputs], dtype=np.int64)
        self.input_quantity = _quantities(i.quantity for i in self.inputs)
        self.input_order = _ordinals([i.flow.id for i in self.inputs])
        firm_of_company = {f.company.id: f.number for f in self.firms}
        self.output_firm = np.array(
            [firm_of_company[o.company.id] for o in self.outputs], dtype=np.int64
        )
        self.output_signature = np.array([o.signature for o in self.outputs], dtype=np.int64)
        self.output_quantity = _quantities(o.quantity for o in self.outputs)
        self.output_continuity = np.array(
            [CONTINUITY_FIT.get(o.flow.available, 0.8) for o in self.outputs], dtype=np.float64
        )
        # Legal fit without a route: NaN for a waste, whose fit depends on the route's operation.
        self.output_legal = np.array(
            [np.nan if o.flow.legal_status == "waste" else _legal_fit(o, None, self)
             for o in self.outputs], dtype=np.float64,
        )  # fmt: skip
        self.output_product = np.array(
            [is_material_product(o.flow) for o in self.outputs], dtype=bool
        )
        self.output_half_km = np.array(
            [DISTANCE_HALF_KM[o.kind] for o in self.outputs], dtype=np.float64
        )
        self.output_heat = np.array([is_piped_heat(o) for o in self.outputs], dtype=bool)
        weights = [KIND_WEIGHTS.get(o.kind, WEIGHTS) for o in self.outputs]
        self.output_weights = {
            name: np.array([w[name] for w in weights], dtype=np.float64) for name in WEIGHTS
        }
        self.declared = NearestPostings(firm_xyz[self.input_firm])
        self.by_sector = NearestPostings(firm_xyz)
        # Inputs of equal signature have equal keys, firms of one ATECO code equal routes: the
        # posting lists are filled group by group (item numbers ascending within each key).
        inputs_of: dict[int, list[int]] = {}
        first_of: dict[int, _Input] = {}
        for item in self.inputs:
            inputs_of.setdefault(item.signature, []).append(item.number)
            first_of.setdefault(item.signature, item)
        for signature, numbers in inputs_of.items():
            for posting in input_keys(first_of[signature]):
                self.declared.extend(posting, numbers)
        firms_of: dict[str, list[_Firm]] = {}
        for firm in self.firms:
            firms_of.setdefault(firm.company.ateco, []).append(firm)
        for same in firms_of.values():
            # Firms of a route's named classes and of its named divisions are looked up apart:
            # the class is the stronger evidence, and must not be crowded out by a division.
            for route_id in same[0].sector_route_ids:
                level = "class" if route_id in same[0].class_route_ids else "division"
                self.by_sector.extend((level, route_id), [firm.number for firm in same])
        self.declared.freeze()
        self.by_sector.freeze()

    def prepare(self, options: MatchingOptions) -> None:
        """Build what the ranking with these options will query (the k-d trees of the crowded
        keys): called before forking, so that the processes share it."""
        bounded = options.bounded(len(self.firms))
        self.declared.prepare(bounded.cap if bounded.cap is not None else UNBOUNDED)
        self.by_sector.prepare(
            bounded.cap_inferred if bounded.cap_inferred is not None else UNBOUNDED
        )

    def keys_of(self, output: _Output, bounded: bool) -> tuple[list[tuple[str, ...]], list[float]]:
        """The keys an output looks receivers up by, and the weight of each (a word weighs its
        IDF): equal for outputs of equal signature, so computed once per signature."""
        memo_key = (output.signature, bounded)
        found = self._keys_memo.get(memo_key)
        if found is None:
            keys = sorted(
                output_keys(output, self.idf, BOUNDED_KEY_TERMS) if bounded else output_keys(output)
            )
            weights = [
                self.idf.get(key[2], 1.0) if key[1] == "t" else KEY_WEIGHT[key[1]] for key in keys
            ]
            if len(self._keys_memo) >= KEYS_MEMO_SIZE:
                self._keys_memo.clear()  # unique descriptions: one entry per output otherwise
            found = self._keys_memo[memo_key] = (keys, weights)
        return found


def _ordinals(ids: Sequence[str]) -> IntArray:
    """The rank of each id among all (equal ids, equal rank): comparing ranks compares ids."""
    distinct = {value: n for n, value in enumerate(sorted(set(ids)))}
    return np.array([distinct[value] for value in ids], dtype=np.int64)


def _quantities(values: Iterable[float | None]) -> FloatArray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def output_keys(
    output: _Output, idf: dict[str, float] | None = None, words: int | None = None
) -> set[tuple[str, ...]]:
    """The keys under which an output looks for receivers' inputs: every word key, or (with
    `idf` and `words`, in a bounded search) only its `words` most specific own words and half
    as many of its EWC legal text."""
    kind = output.kind
    chosen: set[str] | frozenset[str]
    if idf is None or words is None:
        chosen = output.terms | output.legal_terms
    else:
        chosen = set(sorted(output.terms, key=lambda w: (-idf[w], w))[:words])
        chosen |= set(sorted(output.legal_terms, key=lambda w: (-idf[w], w))[: words // 2])
    keys: set[tuple[str, ...]] = {(kind, "t", t) for t in chosen}
    keys |= {(kind, "r", r) for r in output.route_ids}
    if output.ewc:
        keys.add((kind, "s", output.ewc[:5]))
    if kind == "energy" and output.flow.temperature_c is not None:
        keys.add((kind, "heat"))
    if kind == "energy" and output.carrier is not None:
        # A carrier fits a need by carrier alone (surplus heat for "space heating", no
        # temperature stated): a key per carrier it can serve.
        keys |= {(kind, "c", need) for offer, need in CARRIER_FIT if offer == output.carrier}
    if kind == "material" and output.carrier is not None:
        keys.add((kind, "c", output.carrier))
    if kind == "water":
        keys.add((kind, "water"))
    return keys


def input_keys(item: _Input) -> set[tuple[str, ...]]:
    kind = item.kind
    keys: set[tuple[str, ...]] = {(kind, "t", t) for t in item.terms}
    keys |= {(kind, "r", r) for r in item.route_ids}
    if item.ewc:
        keys.add((kind, "s", item.ewc[:5]))
    if kind == "energy" and item.flow.temperature_c is not None:
        keys.add((kind, "heat"))
    if kind in ("energy", "material") and item.carrier is not None:
        keys.add((kind, "c", item.carrier))
    if kind == "water":
        keys.add((kind, "water"))
    return keys


#: A rare word shared by both descriptions ("sulphur", "whey") is evidence even when the rest of
#: the descriptions differ: it counts RARE_TERM_WEIGHT x its IDF over the largest possible IDF.
RARE_TERM_WEIGHT = 0.6


def _similarity(
    output: _Output, item: _Input, index: _Index, explain: bool = True
) -> tuple[float, list[str]]:
    """Cosine similarity (IDF-weighted) of the receiver's words with the supplier's own words,
    or, at 0.7 of its value, with the EWC legal text of the supplier's code; at least the
    weight of the rarest word the receiver shares with the supplier's own words."""
    idf = index.idf
    best, shared_best = 0.0, frozenset[str]()
    shared = output.terms & item.terms
    if shared:
        # fsum: a set's order changes with the string hash seed, a plain sum's last bit with it.
        best = math.fsum(idf[t] ** 2 for t in shared) / (output.norm * item.norm)
        best = max(best, RARE_TERM_WEIGHT * max(idf[t] for t in shared) / index.max_idf)
        shared_best = shared
    legal_shared = output.legal_terms & item.terms
    if legal_shared:
        value = 0.7 * math.fsum(idf[t] ** 2 for t in legal_shared) / (output.legal_norm * item.norm)
        if value > best:
            best, shared_best = value, legal_shared
    if not explain:
        return best, []
    return best, sorted(shared_best, key=lambda t: (-idf[t], t))


#: A route that takes an output by its EWC code while the firm's own words name none of the
#: route's keywords counts at a share of its fit: CODE_ONLY_ROUTE_FACTOR when the words name no
#: route at all (the code is all we know), CONTRADICTED_ROUTE_FACTOR when they name another
#: route ("Sale di salatura" coded 02 02 99 is not fish for fishmeal; tomato peels coded
#: 02 03 04 are not fats for biodiesel).
CODE_ONLY_ROUTE_FACTOR = 0.9
CONTRADICTED_ROUTE_FACTOR = 0.7


def _route_factor(output: _Output, route_id: str) -> float:
    if route_id not in output.code_only_route_ids:
        return 1.0
    if output.route_ids - output.code_only_route_ids:
        return CONTRADICTED_ROUTE_FACTOR
    return CODE_ONLY_ROUTE_FACTOR


def _strongest_route(
    route_ids: Iterable[str], index: _Index, output: _Output
) -> tuple[RecoveryRoute, float]:
    """The route with the most evidence (confirmed by the firm's words first, then by
    confidence; ties broken by id, so that results never depend on set order), and its factor."""
    best = max(
        (index.knowledge.routes[r] for r in route_ids),
        key=lambda r: (_route_factor(output, r.id), r.confidence, r.id),
    )
    return best, _route_factor(output, best.id)


def _declared_route_fit(output: _Output, route: RecoveryRoute, item: _Input) -> float:
    """The component of a route that takes the output and gives what the input names."""
    strong = route.id in item.firm.sector_route_ids
    base, slope = DECLARED_ROUTE_BY_SECTOR if strong else DECLARED_ROUTE_BY_WORDS
    fit = _route_factor(output, route.id) * (base + slope * route.confidence)
    givers = _generic_givers(output, route.id, item)
    return fit if givers is None else fit * generic_request_factor(givers)


def _generic_givers(output: _Output, route_id: str, item: _Input) -> int | None:
    """How many materials give what the input names of `route_id` (the routes giving its most
    specific phrase, those that take the output counted once), or None when that is at most
    SPECIFIC_PHRASE_ROUTES: the request is specific."""
    phrases = item.generic_route_ids.get(route_id)
    if phrases is None:
        return None
    givers = min(len(g - output.route_ids) + 1 for g in phrases)
    return givers if givers > SPECIFIC_PHRASE_ROUTES else None


def generic_request_factor(givers: int) -> float:
    """Share of a route's component kept when the need names it by a phrase `givers` routes
    give (`GENERIC_REQUEST_FLOOR`)."""
    specificity = min(1.0, SPECIFIC_PHRASE_ROUTES / givers)
    return GENERIC_REQUEST_FLOOR + (1.0 - GENERIC_REQUEST_FLOOR) * specificity


def _combine(components: Iterable[float]) -> float:
    ordered = sorted((c for c in components if c > 0), reverse=True)
    if not ordered:
        return 0.0
    return min(1.0, ordered[0] + (0.1 * ordered[1] if len(ordered) > 1 else 0.0))


def _declared_technical(
    output: _Output, item: _Input, index: _Index, explain: bool
) -> tuple[float, str | None, dict[str, object] | None] | None:
    """Technical fit of an output for a declared input, the route it rests on, and (when
    `explain`) the evidence the reasons are written from. None: it cannot serve the input."""
    if output.kind != item.kind:
        return None
    evidence: dict[str, object] | None = {} if explain else None
    components: list[float] = []
    route_id: str | None = None
    if output.kind == "energy":
        if output.carrier is not None and item.carrier is not None:
            carrier_fit = CARRIER_FIT.get((output.carrier, item.carrier))
            if carrier_fit is None:
                return None  # e.g. heat cannot serve an electricity need
            if evidence is not None:
                evidence["carrier"] = (output.carrier, item.carrier)
        else:
            carrier_fit = None
        offered, needed = output.flow.temperature_c, item.flow.temperature_c
        if offered is not None and needed is not None:
            if offered >= needed:
                components.append(carrier_fit if carrier_fit is not None else 0.9)
                if evidence is not None:
                    evidence["temperature"] = (offered, needed)
            elif heat_pump_lifts(output, item, offered, needed):
                components.append(HEAT_PUMP_FIT)
                if evidence is not None:
                    evidence["heat_pump"] = (offered, needed)
            else:
                return None  # heat below the need's temperature cannot serve it
        elif carrier_fit is not None:
            components.append(carrier_fit)
    elif output.kind == "water":
        if item.water_fit is None:
            return None  # drinking water, or water touching food: never another firm's water
        if item.water_fit == WATER_USE_FIT["treatment"] and output.carrier == "purified":
            # The need asks for purified water, and the offer already is.
            components.append(WATER_USE_FIT["direct"])
            if evidence is not None:
                evidence["purified_water"] = True
        else:
            components.append(item.water_fit)
        if evidence is not None:
            evidence["non_potable_use"] = True
    elif output.carrier == "fuel" and item.carrier == "fuel":
        components.append(MATERIAL_FUEL_FIT)  # a combustible material for a fuel need
        if evidence is not None:
            evidence["fuel_need"] = True
    if output.ewc and item.ewc:
        if output.ewc == item.ewc:
            components.append(1.0)
            if evidence is not None:
                evidence["same_ewc"] = output.ewc
        elif output.subchapter == item.subchapter:
            components.append(0.6)
            if evidence is not None:
                evidence["same_subchapter"] = output.subchapter
    if output.route_ids and item.route_ids:
        shared_routes = output.route_ids & item.route_ids
        if shared_routes:
            # A route is strong evidence when the receiver's activity is one of its receivers;
            # when only the input's words name what the route gives, it is weaker. Of the
            # routes both name, the one that fits best counts (ties: by id, never set order):
            # CO2 for greenhouses, not CO2 for beverages, when the receiver grows vegetables.
            route_fit, best_id = max(
                (_declared_route_fit(output, index.knowledge.routes[r], item), r)
                for r in sorted(shared_routes)
            )
            components.append(route_fit)
            route_id = best_id
            givers = _generic_givers(output, best_id, item)
            if evidence is not None and givers is not None:
                evidence["generic_request"] = givers
    similarity, shared_terms = _similarity(output, item, index, explain)
    if similarity > 0:
        components.append(similarity)
        if evidence is not None:
            evidence["shared_terms"] = shared_terms[:5]
            evidence["similarity"] = similarity
    if not components:
        return None
    # The receiver's activity is a known user of a route that takes the output: supporting
    # evidence that separates a real user from a firm that only shares words.
    if output.route_ids and item.firm.sector_route_ids:
        sector_routes = output.route_ids & item.firm.sector_route_ids
        if sector_routes:
            best, factor = _strongest_route(sector_routes, index, output)
            base, slope = SECTOR_SUPPORT
            components.append(factor * (base + slope * best.confidence))
            if route_id is None:
                route_id = best.id
            if evidence is not None:
                evidence["sector_route"] = best.id
    if evidence is not None and route_id is not None:
        evidence["route"] = route_id
    return _combine(components), route_id, evidence


def _inferred_technical(
    output: _Output, firm: _Firm, index: _Index, explain: bool
) -> tuple[float, str | None, dict[str, object] | None] | None:
    shared = output.route_ids & firm.sector_route_ids
    if not shared:
        return None
    if output.kind == "water" and firm.division in POTABLE_DIVISIONS:
        return None
    # A route naming the receiver's class (35.30 district heating for surplus heat) says more
    # than one naming its whole division (20 chemicals): the class is the activity itself.
    by_class = shared & firm.class_route_ids
    best, factor = _strongest_route(by_class or shared, index, output)
    technical = factor * (
        INFERRED_CLASS_BASE + INFERRED_CLASS_SLOPE * best.confidence
        if by_class
        else INFERRED_DIVISION_BASE + INFERRED_DIVISION_SLOPE * best.confidence
    )
    evidence: dict[str, object] | None = (
        {"route": best.id, "sector": firm.company.ateco} if explain else None
    )
    return technical, best.id, evidence


def _legal_fit(output: _Output, route_id: str | None, index: _Index) -> float:
    status = output.flow.legal_status
    if status in ("by-product", "end-of-waste"):
        return 1.0
    if status == "product":
        return 0.9
    if status == "waste":
        route = index.knowledge.routes.get(route_id) if route_id else None
        return 0.8 if route is not None and route.operation else 0.6
    return 0.9  # energy, water and services carry no waste status


#: Quantity fit = 0.3 x share of the need covered + 0.7 x share of the offer placed: the ranking
#: is the supplier's (who can take my output?) and the tonnes exchanged, which make the impact,
#: are the offer's share; covering the whole need is the receiver's secondary gain.
NEED_SHARE_WEIGHT, OFFER_SHARE_WEIGHT = 0.3, 0.7
#: An inferred receiver declared no quantity: it is scored as a typical declared pair, not
#: better (the median quantity fit of the declared candidate pairs of the tune split is 0.32).
#: 0.5 placed an unknown above most firms that declared their need; docs/matching.md has the
#: trade-off between the two scenarios this sets.
INFERRED_QUANTITY_FIT = 0.3


def _quantity_fit(output: _Output, item: _Input | None) -> float:
    if item is None:
        return INFERRED_QUANTITY_FIT  # an inferred receiver declared no quantity
    if not output.quantity or not item.quantity:
        return 0.0
    covered = min(output.quantity, item.quantity)
    need_share, offer_share = covered / item.quantity, covered / output.quantity
    return NEED_SHARE_WEIGHT * need_share + OFFER_SHARE_WEIGHT * offer_share


_TechnicalFit = tuple[float, str | None, dict[str, object] | None]
#: Pairs of signatures whose technical fit the ranking keeps: about 200 bytes each, so at most
#: some 40 MB in each process (each forked process has its own memo).
TECHNICAL_MEMO_SIZE = 200_000
#: Output signatures whose search keys are kept (about 1 KB each).
KEYS_MEMO_SIZE = 20_000


def _technical(
    output: _Output, firm: _Firm, item: _Input | None, index: _Index
) -> _TechnicalFit | None:
    """Technical fit, route and evidence of a pair: computed once per pair of signatures (equal
    features, equal fit; the evidence is shared, and only read)."""
    key = (output.signature, item.signature if item is not None else firm.signature, item is None)
    memo = index.explained_memo
    if key in memo:
        return memo[key]
    if len(memo) >= TECHNICAL_MEMO_SIZE:
        memo.clear()
    found = memo[key] = (
        _declared_technical(output, item, index, True)
        if item is not None
        else _inferred_technical(output, firm, index, True)
    )
    return found


def is_piped_heat(output: _Output) -> bool:
    """Surplus heat or cold: an energy output whose carrier is heat or cold."""
    return output.kind == "energy" and output.carrier in ("heat", "cold")


def piped_heat(output: _Output, item: _Input | None) -> float | None:
    """MWh/yr of heat a pipe would carry to this receiver, or None when it is not surplus heat
    or not sized (no quantity): the exchange of a declared need, a share of the offer for an
    inferred receiver."""
    if not is_piped_heat(output) or not output.quantity:
        return None
    if item is None:
        return output.quantity * INFERRED_HEAT_SHARE
    if not item.quantity:
        return None
    return min(output.quantity, item.quantity)


def linear_heat_density(exchanged: float, road_km: float) -> float:
    """MWh per metre of pipe and year for `exchanged` MWh/yr over a pipe as long as the road."""
    return exchanged / (max(road_km, PIPE_MIN_KM) * 1000.0)


def _fits(
    output: _Output, firm: _Firm, item: _Input | None, technical: float, route_id: str | None,
    index: _Index, options: MatchingOptions,
) -> tuple[float, float, float, float, float, float] | None:  # fmt: skip
    """Score, quantity, distance, continuity and legal fits and road km of a technically fitting
    pair (None beyond the hard maximum distance): the one formula of the score."""
    road_km = ROAD_CIRCUITY * _great_circle_km(output.position, firm.position)
    if options.max_distance_km is not None and road_km > options.max_distance_km:
        return None
    distance_fit = 1.0 / (1.0 + road_km / DISTANCE_HALF_KM[output.kind])
    exchanged = piped_heat(output, item)
    if exchanged is not None:
        density = linear_heat_density(exchanged, road_km)
        distance_fit = distance_fit * (density / (density + LINEAR_HEAT_DENSITY_HALF))
    quantity_fit = _quantity_fit(output, item)
    continuity_fit = CONTINUITY_FIT.get(output.flow.available, 0.8)
    legal_fit = _legal_fit(output, route_id, index)
    weights = KIND_WEIGHTS.get(output.kind, WEIGHTS)
    score = (
        weights["technical"] * technical
        + weights["quantity"] * quantity_fit
        + weights["distance"] * distance_fit
        + weights["continuity"] * continuity_fit
        + weights["legal"] * legal_fit
    )
    return score, quantity_fit, distance_fit, continuity_fit, legal_fit, road_km


#: A product is proposed only on strong evidence that the receiver asks for it (the same EWC
#: code, or most of its words): one shared stem ("piastrelle" / "piastre") is not a customer.
PRODUCT_MIN_TECHNICAL = 0.5


def is_material_product(flow: Flow) -> bool:
    """A material sold as a product (not a waste, by-product or end-of-waste): matched only
    with firms that ask for it, with no recovery route and no avoided impact counted."""
    return flow.kind == "material" and flow.legal_status == "product"


def _min_technical(output: _Output, options: MatchingOptions) -> float:
    if is_material_product(output.flow):
        return max(options.min_technical, PRODUCT_MIN_TECHNICAL)
    return options.min_technical


def score_pair(
    output: _Output,
    firm: _Firm,
    item: _Input | None,
    index: _Index,
    options: MatchingOptions,
) -> Candidate | None:
    """The score of one output with one receiver (through one input, or inferred), with the
    evidence its reasons are written from: the reference formula, which the ranking's arrays
    (`_scored`) repeat operation by operation."""
    if firm.company.id == output.company.id:
        return None  # a firm is never matched with itself
    found = _technical(output, firm, item, index)
    if found is None:
        return None
    technical, route_id, evidence = found
    if technical < _min_technical(output, options):
        return None
    fits = _fits(output, firm, item, technical, route_id, index, options)
    if fits is None:
        return None
    score, quantity_fit, distance_fit, continuity_fit, legal_fit, road_km = fits
    return Candidate(
        output, firm, item, "declared" if item is not None else "inferred", score, technical,
        quantity_fit, distance_fit, continuity_fit, legal_fit, road_km,
        evidence if evidence is not None else {},
    )  # fmt: skip


def _great_circle_km(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """Haversine distance from precomputed (lat rad, lon rad, cos lat): `geo.great_circle_km`
    without re-converting the same coordinates for every pair."""
    # Squares as products: `x ** 2` calls the C library's pow, which NumPy's arrays do not, and
    # the two may differ in the last bit; `_great_circle_km_arrays` must give the same numbers.
    sin_lat, sin_lon = math.sin((b[0] - a[0]) / 2), math.sin((b[1] - a[1]) / 2)
    h = sin_lat * sin_lat + a[2] * b[2] * (sin_lon * sin_lon)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _best_per_receiver(candidates: Iterable[Candidate], top_k: int) -> list[Candidate]:
    best: dict[str, Candidate] = {}
    for candidate in candidates:
        receiver = candidate.firm.company.id
        kept = best.get(receiver)
        if kept is None or _order(candidate) < _order(kept):
            best[receiver] = candidate
    return heapq.nsmallest(top_k, best.values(), key=_order)


def _order(candidate: Candidate) -> tuple[float, str, int, str]:
    # Highest score first; ties broken by receiver id, basis (declared first), input id.
    item = candidate.input
    return (-round(candidate.score, 12), candidate.firm.company.id, 0 if item is not None else 1,
            item.flow.id if item is not None else "")  # fmt: skip


def _rank_chunk(
    index: _Index, options: MatchingOptions, start: int, stop: int
) -> list[list[Candidate]]:
    """The best `top_k` receivers of the outputs `start`..`stop`, with options already
    `bounded`: candidates found, pruned and scored for the whole chunk with array operations;
    the winners explained one by one, with the evidence of `_technical`."""
    outputs = index.outputs[start:stop]
    if not outputs:
        return []
    cap = options.cap if options.cap is not None else UNBOUNDED
    max_scored = options.max_scored if options.max_scored is not None else UNBOUNDED
    cap_inferred = options.cap_inferred if options.cap_inferred is not None else UNBOUNDED
    places = index.firm_xyz[index.output_firm[start:stop]]
    declared = _declared_pairs(index, outputs, places, start, cap, max_scored)
    declared = _scored(index, options, start, declared, inferred=False)
    declared = _best_per_receiver_rows(index, declared)
    inferred = _inferred_pairs(index, outputs, places, start, cap_inferred, declared)
    inferred = _scored(index, options, start, inferred, inferred=True)
    # One entry per receiver and output: the best of the declared inputs, else the inferred one.
    rows = _Pairs.joined(declared, inferred)
    basis = np.concatenate(
        (np.zeros(len(declared.out), np.int64), np.ones(len(inferred.out), np.int64))
    )
    # As `_order` orders candidates: highest score (to 12 decimals), receiver id, declared
    # before inferred, input id.
    order = np.lexsort((
        np.where(rows.item >= 0, index.input_order[np.maximum(rows.item, 0)], -1)
        if len(index.inputs)
        else rows.item,
        basis,
        index.firm_order[rows.firm],
        -np.round(rows.score, 12),
        rows.out,
    ))  # fmt: skip
    ranked_out = rows.out[order]
    winners = order[_rank_in_group(ranked_out) < options.top_k]
    explained: list[list[Candidate]] = [[] for _ in outputs]
    for row in winners.tolist():
        output = outputs[int(rows.out[row])]
        firm = index.firms[int(rows.firm[row])]
        item_number = int(rows.item[row])
        item = index.inputs[item_number] if item_number >= 0 else None
        # The winners take their evidence from `_technical` (memoised per pair of signatures)
        # and their fits from the arrays: what `score_pair` computes, without computing it
        # again (a test checks that they are equal).
        found = _technical(output, firm, item, index)
        assert found is not None
        technical, _, evidence = found
        quantity_fit, distance_fit, legal_fit, road_km = rows.parts[row].tolist()
        candidate = Candidate(
            output, firm, item, "declared" if item is not None else "inferred",
            float(rows.score[row]), technical, quantity_fit, distance_fit,
            float(index.output_continuity[output.number]), legal_fit, road_km,
            evidence if evidence is not None else {},
        )  # fmt: skip
        explained[output.number - start].append(candidate)
    return explained


@dataclass(frozen=True, slots=True)
class _Pairs:
    """Candidate pairs of a chunk, one per row: output (its row in the chunk), receiving firm,
    input (-1: inferred) and, once scored, the score and its parts (quantity fit, distance
    fit, legal fit, road km: one row of `parts` each)."""

    out: IntArray
    firm: IntArray
    item: IntArray
    score: FloatArray
    parts: FloatArray

    @staticmethod
    def empty() -> _Pairs:
        none = np.empty(0, dtype=np.int64)
        return _Pairs(none, none, none, np.empty(0), np.empty((0, 4)))

    @staticmethod
    def unscored(out: IntArray, firm: IntArray, item: IntArray) -> _Pairs:
        return _Pairs(out, firm, item, np.full(len(out), np.nan), np.full((len(out), 4), np.nan))

    @staticmethod
    def joined(first: _Pairs, second: _Pairs) -> _Pairs:
        return _Pairs(
            np.concatenate((first.out, second.out)),
            np.concatenate((first.firm, second.firm)),
            np.concatenate((first.item, second.item)),
            np.concatenate((first.score, second.score)),
            np.concatenate((first.parts, second.parts)),
        )

    def take(self, rows: IntArray | NDArray[np.bool_]) -> _Pairs:
        return _Pairs(
            self.out[rows], self.firm[rows], self.item[rows], self.score[rows], self.parts[rows]
        )


def _rank_in_group(groups: IntArray) -> IntArray:
    """For a sorted array of group numbers, each element's position within its group."""
    positions = np.arange(len(groups))
    if not len(groups):
        return positions
    first = np.ones(len(groups), dtype=bool)
    first[1:] = groups[1:] != groups[:-1]
    ranks: IntArray = positions - np.maximum.accumulate(np.where(first, positions, 0))
    return ranks


def _declared_pairs(
    index: _Index, outputs: Sequence[_Output], places: FloatArray, start: int, cap: int,
    max_scored: int,
) -> _Pairs:  # fmt: skip
    """(output, input) pairs sharing a key: every key's items (the `cap` nearest of a crowded
    key); when an output finds more than `max_scored` inputs, those sharing the strongest keys
    (summed key weights), the nearest first among equals, then by receiver and input id."""
    bounded = max_scored < UNBOUNDED
    askers: dict[tuple[str, ...], list[int]] = {}
    weight_of: dict[tuple[str, ...], float] = {}
    for row, output in enumerate(outputs):
        keys, weights = index.keys_of(output, bounded)
        for key, key_weight in zip(keys, weights, strict=True):
            askers.setdefault(key, []).append(row)
            weight_of[key] = key_weight
    out, item, key_position = index.declared.query_all(askers, places, cap)
    if not len(out):
        return _Pairs.empty()
    weight = np.array([weight_of[key] for key in askers], dtype=np.float64)[key_position]
    foreign = index.input_firm[item] != index.output_firm[start + out]  # never the firm itself
    out, item, weight = out[foreign], item[foreign], weight[foreign]
    # One row per (output, input), its keys' weights summed.
    code = out * len(index.inputs) + item
    pairs, inverse = np.unique(code, return_inverse=True)
    summed = np.bincount(inverse.ravel(), weights=weight, minlength=len(pairs))
    out, item = pairs // len(index.inputs), pairs % len(index.inputs)
    if bounded and len(out) and np.bincount(out).max() > max_scored:
        firm = index.input_firm[item]
        near = ((index.firm_xyz[firm] - places[out]) ** 2).sum(axis=1)
        order = np.lexsort((index.input_order[item], index.firm_order[firm], near, -summed, out))
        kept = order[_rank_in_group(out[order]) < max_scored]
        out, item = out[kept], item[kept]
    return _Pairs.unscored(out, index.input_firm[item], item)


def _inferred_pairs(
    index: _Index, outputs: Sequence[_Output], places: FloatArray, start: int, cap: int,
    declared: _Pairs,
) -> _Pairs:  # fmt: skip
    """(output, firm) pairs of the firms whose activity receives a route that takes the output
    (the `cap` nearest per route and level, class and division apart), but for the output's own
    firm and the firms already fitting through a declared input."""
    askers: dict[tuple[str, str], list[int]] = {}
    for row, output in enumerate(outputs):
        for route_id in output.route_ids:
            for level in ("class", "division"):
                askers.setdefault((level, route_id), []).append(row)
    found_out, found_firm, _ = index.by_sector.query_all(askers, places, cap)
    if not len(found_out):
        return _Pairs.empty()
    firm_count = len(index.firms)
    code = np.unique(found_out * firm_count + found_firm)
    out, firm = code // firm_count, code % firm_count
    taken = declared.out * firm_count + declared.firm
    kept = (firm != index.output_firm[start + out]) & ~np.isin(code, taken)
    out, firm = out[kept], firm[kept]
    return _Pairs.unscored(out, firm, np.full(len(out), -1, dtype=np.int64))


def _scored(
    index: _Index, options: MatchingOptions, start: int, pairs: _Pairs, *, inferred: bool
) -> _Pairs:
    """The pairs that fit, with their score: the formula of `_fits`, on arrays (the same
    operations in the same order, so the same numbers as `score_pair`)."""
    out = pairs.out
    if not len(out):
        return _Pairs.empty()
    number = start + out
    other = index.firm_signature[pairs.firm] if inferred else index.input_signature[pairs.item]
    technical, operation = _technical_fits(index, index.output_signature[number], other, inferred)
    minimum = np.where(
        index.output_product[number],
        max(options.min_technical, PRODUCT_MIN_TECHNICAL),
        options.min_technical,
    )
    fits = technical >= minimum  # NaN (no fit) is never
    out, number, technical, operation = out[fits], number[fits], technical[fits], operation[fits]
    firm, item = pairs.firm[fits], pairs.item[fits]
    road_km = ROAD_CIRCUITY * _great_circle_km_arrays(index, index.output_firm[number], firm)
    if options.max_distance_km is not None:
        near = road_km <= options.max_distance_km
        out, number, technical, operation = (
            out[near],
            number[near],
            technical[near],
            operation[near],
        )
        firm, item, road_km = firm[near], item[near], road_km[near]
    distance_fit = 1.0 / (1.0 + road_km / index.output_half_km[number])
    offered = index.output_quantity[number]
    has_offer = (offered != 0) & ~np.isnan(offered)
    if inferred:
        quantity_fit = np.full(len(out), INFERRED_QUANTITY_FIT)
        heat = np.where(
            index.output_heat[number] & has_offer, offered * INFERRED_HEAT_SHARE, np.nan
        )
    else:
        needed = index.input_quantity[item]
        sized = has_offer & (needed != 0) & ~np.isnan(needed)
        with np.errstate(divide="ignore", invalid="ignore"):
            covered = np.minimum(offered, needed)
            quantity_fit = np.where(
                sized,
                NEED_SHARE_WEIGHT * (covered / needed) + OFFER_SHARE_WEIGHT * (covered / offered),
                0.0,
            )
        heat = np.where(index.output_heat[number] & sized, covered, np.nan)
    # Surplus heat: the fit of the linear heat density (`_fits`), where the pipe can be sized.
    piped = ~np.isnan(heat)
    if piped.any():
        density = heat[piped] / (np.maximum(road_km[piped], PIPE_MIN_KM) * 1000.0)
        distance_fit[piped] = distance_fit[piped] * (density / (density + LINEAR_HEAT_DENSITY_HALF))
    legal = index.output_legal[number]
    legal = np.where(np.isnan(legal), np.where(operation, 0.8, 0.6), legal)
    weights = index.output_weights
    score = (
        weights["technical"][number] * technical
        + weights["quantity"][number] * quantity_fit
        + weights["distance"][number] * distance_fit
        + weights["continuity"][number] * index.output_continuity[number]
        + weights["legal"][number] * legal
    )
    parts = np.column_stack((quantity_fit, distance_fit, legal, road_km))
    return _Pairs(out, firm, item, score, parts)


def _technical_fits(
    index: _Index, output_signature: IntArray, other_signature: IntArray, inferred: bool
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Technical fit (NaN: none) and "its route has a recovery operation" of each pair, from
    one output and one input (or firm, `inferred`) of each signature: equal features, equal
    fit, so each pair of signatures is computed once (and kept in the index's memo)."""
    code = output_signature * index.signature_count + other_signature
    distinct, inverse = np.unique(code, return_inverse=True)
    memo = index.fit_memo
    technical = np.empty(len(distinct), dtype=np.float64)
    operation = np.zeros(len(distinct), dtype=bool)
    for n, value in enumerate(distinct.tolist()):
        key = (value, 1 if inferred else 0)
        found = memo.get(key)
        if found is None:
            output = index.output_of_signature[value // index.signature_count]
            other = value % index.signature_count
            fit = (
                _inferred_technical(output, index.firm_of_signature[other], index, False)
                if inferred
                else _declared_technical(output, index.input_of_signature[other], index, False)
            )
            route = index.knowledge.routes.get(fit[1]) if fit is not None and fit[1] else None
            found = (
                fit[0] if fit is not None else math.nan,
                route is not None and bool(route.operation),
            )
            if len(memo) >= TECHNICAL_MEMO_SIZE:
                memo.clear()
            memo[key] = found
        technical[n], operation[n] = found
    return technical[inverse.ravel()], operation[inverse.ravel()]


def _great_circle_km_arrays(index: _Index, a: IntArray, b: IntArray) -> FloatArray:
    """`_great_circle_km` between firms `a` and `b`, pair by pair: the same operations in the
    same order, the sines and arcsines by `math` (NumPy's may differ in the last bit), so the
    numbers equal those of the one-pair function exactly."""
    lat, lon, cos = index.firm_lat, index.firm_lon, index.firm_cos
    sin_lat = _math_map(math.sin, (lat[b] - lat[a]) / 2)
    sin_lon = _math_map(math.sin, (lon[b] - lon[a]) / 2)
    h = sin_lat * sin_lat + cos[a] * cos[b] * (sin_lon * sin_lon)
    arc = _math_map(math.asin, np.minimum(1.0, np.sqrt(h)))
    distance: FloatArray = 2 * EARTH_RADIUS_KM * arc
    return distance


def _math_map(function: Callable[[float], float], values: FloatArray) -> FloatArray:
    return np.fromiter(map(function, values.tolist()), dtype=np.float64, count=len(values))


def _best_per_receiver_rows(index: _Index, rows: _Pairs) -> _Pairs:
    """Of each receiver's fitting inputs for an output, the best (highest score to 12
    decimals, then input id), as `_order` chooses."""
    if not len(rows.out):
        return rows
    order = np.lexsort((
        index.input_order[rows.item], -np.round(rows.score, 12), rows.firm, rows.out
    ))  # fmt: skip
    out, firm = rows.out[order], rows.firm[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (out[1:] != out[:-1]) | (firm[1:] != firm[:-1])
    kept = order[first]
    return rows.take(kept)


def build_index(
    district: DistrictFile,
    *,
    routes: Sequence[RecoveryRoute] | None = None,
    factors: dict[str, EmissionFactor] | None = None,
) -> _Index:
    """Features of every flow and the posting lists: the part shared by every output's search."""
    return _Index(district, _knowledge(routes, factors))


def rank_outputs(
    index: _Index, options: MatchingOptions, start: int = 0, stop: int | None = None
) -> list[list[Candidate]]:
    """The best candidates of the outputs `start`..`stop` of the index, in output order
    (ranked PROGRESS_STEP outputs at a time, which bounds the arrays of a chunk)."""
    bounded = options.bounded(len(index.firms))
    end = len(index.outputs) if stop is None else min(stop, len(index.outputs))
    ranked: list[list[Candidate]] = []
    for first in range(start, end, PROGRESS_STEP):
        ranked.extend(_rank_chunk(index, bounded, first, min(end, first + PROGRESS_STEP)))
    return ranked


def rank_candidates(
    district: DistrictFile,
    options: MatchingOptions | None = None,
    *,
    routes: Sequence[RecoveryRoute] | None = None,
    factors: dict[str, EmissionFactor] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[list[Candidate]], _Knowledge]:
    """The best candidates of every output, in output order (indexed search)."""
    chosen = options or MatchingOptions()
    index = build_index(district, routes=routes, factors=factors)
    ranked: list[list[Candidate]] = []
    total = len(index.outputs)
    for start in range(0, total, PROGRESS_STEP):
        ranked.extend(rank_outputs(index, chosen, start, start + PROGRESS_STEP))
        if progress is not None:
            progress(len(ranked), total)
    return ranked, index.knowledge


#: Outputs ranked between two progress reports (and per task when ranking in processes).
PROGRESS_STEP = 1000


def brute_force_candidates(
    district: DistrictFile,
    options: MatchingOptions | None = None,
    *,
    routes: Sequence[RecoveryRoute] | None = None,
    factors: dict[str, EmissionFactor] | None = None,
) -> list[list[Candidate]]:
    """Every output scored against every other firm (and each of its inputs): the reference."""
    chosen = options or MatchingOptions()
    index = _Index(district, _knowledge(routes, factors))
    ranked = []
    for output in index.outputs:
        scored: list[Candidate] = []
        for firm in index.firms:
            declared = [
                c for item in firm.inputs if (c := score_pair(output, firm, item, index, chosen))
            ]
            if declared:
                scored.extend(declared)
            elif (candidate := score_pair(output, firm, None, index, chosen)) is not None:
                scored.append(candidate)
        ranked.append(_best_per_receiver(scored, chosen.top_k))
    return ranked
