"""The symbiosis matching engine: for every output of every firm, the firms that could take it.

Two bases, ranked together (CONTRACT.md):

- **declared**: the receiver declared an input the output can serve — the same or a related EWC
  code, a recovery route that turns the output into what the input asks for, shared words in the
  descriptions (Italian and English meet, see `text.py`), heat at a temperature at least the
  need's, treated water for a use that does not need drinking water;
- **inferred**: the receiver declared no such input, but its activity (ATECO) is a known receiver
  of a recovery route that takes the output (`data/recovery-routes.yaml`).

A match's score (0..1) is a weighted sum of five fits, each 0..1 and reported with the match:
technical fit 0.50, quantity fit 0.15, distance 0.20, continuity of availability 0.075, legal
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
from ecodistrict.matching.spatial import SpatialPostings
from ecodistrict.matching.text import fold, phrase_terms, stem, terms
from ecodistrict.units import UnitError, unit_conversion

#: Road distance from great-circle distance: a network distance is about 1.2 times the
#: straight line (Newell 1980; O'Sullivan 1996: 1.21-1.23; summarised in Wikibooks,
#: "Transportation Geography and Network Science/Circuity"). Short rural trips wind more.
ROAD_CIRCUITY = 1.2

#: Distance at which the distance fit halves, by kind: heat travels a few km in insulated pipes,
#: water some km, materials by truck tens of km (engineering scales, documented in matching.md).
DISTANCE_HALF_KM = {"material": 50.0, "energy": 3.0, "water": 10.0, "service": 25.0}

WEIGHTS = {"technical": 0.5, "quantity": 0.15, "distance": 0.2, "continuity": 0.075, "legal": 0.075}
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

#: Water uses, told from the words of the need (stems): drinking water cannot be served by
#: another firm's water; demineralised or purified water needs treatment first; cooling,
#: washing, irrigation, mixing and other process uses take recovered water as it is.
WATER_DRINKING = ("potabi", "drinki", "potable", "sanita")
WATER_NEEDS_TREATMENT = ("demine", "deioni", "purifi", "ultrap", "osmos", "distil", "addolc",
                         "soften")  # fmt: skip
WATER_DIRECT_USES = ("raffre", "coolin", "irrig", "lavagg", "washin", "impast", "mixing",
                     "process", "industr", "antinc", "fire", "torri", "tower", "abbatt",
                     "scrubb", "rinse", "risciac", "condens", "boiler", "caldai")  # fmt: skip
WATER_USE_FIT = {"treatment": 0.35, "direct": 0.6, "unknown": 0.5}
#: Uses that never touch the product, open to food and pharma firms too (Reg. (EC) 852/2004,
#: Annex II ch. VII: non-drinking water for steam, fire control and cooling).
WATER_NON_CONTACT = ("raffre", "coolin", "antinc", "fire", "torri", "tower", "condens", "boiler",
                     "caldai")  # fmt: skip


@lru_cache(maxsize=65536)
def description_stems(description: str) -> tuple[str, ...]:
    """The stems of a description's words, in order, for the word rules of energy carriers and
    water uses (many firms write the same description: computed once per text)."""
    return tuple(stem(w) for w in fold(description).replace("-", " ").split())


def water_non_contact(description: str) -> bool:
    words = description_stems(description)
    return any(w.startswith(WATER_NON_CONTACT) for w in words)


def water_use_fit(description: str) -> float | None:
    """Technical fit of recovered water for a need, from its use; None for drinking water."""
    words = description_stems(description)
    if any(w.startswith(WATER_DRINKING) for w in words):
        return None
    if any(w.startswith(WATER_NEEDS_TREATMENT) for w in words):
        return WATER_USE_FIT["treatment"]
    if any(w.startswith(WATER_DIRECT_USES) for w in words):
        return WATER_USE_FIT["direct"]
    return WATER_USE_FIT["unknown"]


#: Technical fit of an inferred receiver: base + slope x the route's confidence, higher when
#: the route names the receiver's ATECO class than when it names only its division.
INFERRED_CLASS_BASE, INFERRED_CLASS_SLOPE = 0.5, 0.45
INFERRED_DIVISION_BASE, INFERRED_DIVISION_SLOPE = 0.4, 0.35

#: Energy carriers, told from the words of a description (first carrier word wins, a stated
#: temperature means heat). Surplus heat serves a heat need at or below its temperature, and a
#: fuel burnt for heating (partly); it never serves an electricity need. See matching.md.
CARRIER_WORDS: dict[str, tuple[str, ...]] = {
    "heat": ("calor", "heat", "vapor", "steam", "termic", "therma", "teleri", "cald", "hot",
             "conden"),
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
#: search and the all-pairs reference still agree.
KEY_TERMS = 12

#: Weight of each kind of shared key when candidates must be pruned (an EWC sub-chapter or a
#: recovery route says more than one shared word).
KEY_WEIGHT = {"r": 3.0, "s": 2.0, "heat": 1.0, "water": 1.0}


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
    carrier: str | None = None  # energy only: heat, cold, electricity, fuel
    position: tuple[float, float, float] = (0.0, 0.0, 1.0)  # lat, lon (radians), cos(lat)
    # Routes taken by EWC code whose keywords the firm's own words do not name: the code alone
    # (a broad one such as 02 03 04, or a "99" n.o.s. code) is weaker evidence than code + words.
    code_only_route_ids: frozenset[str] = frozenset()
    signature: int = 0  # outputs with equal features share it (and so their technical fits)


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
    carrier: str | None = None  # energy only: heat, cold, electricity, fuel, fuel-for-heat
    water_fit: float | None = None  # water only: fit of recovered water for its use (None: no)
    signature: int = 0  # inputs with equal features share it (and so their technical fits)


@dataclass(slots=True)
class _Firm:
    company: Company
    division: str
    sector_route_ids: frozenset[str]
    class_route_ids: frozenset[str]  # the routes naming the firm's ATECO class, not its division
    position: tuple[float, float, float]  # lat, lon (radians), cos(lat)
    inputs: list[_Input] = field(default_factory=list)
    signature: int = 0  # firms of the same activity share it (and their inferred fits)


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


@dataclass
class _Knowledge:
    routes: dict[str, RecoveryRoute]
    route_takes: list[tuple[RecoveryRoute, frozenset[str], tuple[frozenset[str], ...]]]
    route_gives: list[tuple[RecoveryRoute, tuple[frozenset[str], ...]]]
    factors: dict[str, EmissionFactor]


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


def _takes(route: RecoveryRoute, kind: str, ewc: str | None, own_words: frozenset[str],
           temperature: float | None, take_ewc: frozenset[str],
           keywords: tuple[frozenset[str], ...]) -> bool:  # fmt: skip
    """Does the route take this output? By EWC code when both have codes, else by keywords.

    Keywords are read in the firm's own description only, not in the EWC legal text, whose
    generic words ("scarti", "materials unsuitable for ...") would tie any route to any waste.
    A route that lists EWC codes takes a coded output only through its codes.
    """
    if route.kind != kind:
        return False
    minimum = route.takes.min_temperature_c
    if minimum is not None and (temperature is None or temperature < minimum):
        return False
    route_has_codes = bool(take_ewc or route.takes.ewc_prefixes)
    if ewc is not None and route_has_codes:
        return ewc in take_ewc or any(ewc.startswith(p) for p in route.takes.ewc_prefixes)
    return any(k and k <= own_words for k in keywords)


def _routes_taking(
    knowledge: _Knowledge, kind: str, ewc: str | None, own_words: frozenset[str],
    temperature: float | None,
) -> tuple[frozenset[str], frozenset[str]]:  # fmt: skip
    """The routes that take an output, and those of them that take it by its code only (the
    route lists keywords and the firm's own description names none of them)."""
    taken: set[str] = set()
    code_only: set[str] = set()
    for route, take_ewc, keywords in knowledge.route_takes:
        if _takes(route, kind, ewc, own_words, temperature, take_ewc, keywords):
            taken.add(route.id)
            if keywords and not any(k and k <= own_words for k in keywords):
                code_only.add(route.id)
    return frozenset(taken), frozenset(code_only)


class _Index:
    """Features of every flow and firm, and the posting lists that find candidates."""

    def __init__(self, district: DistrictFile, knowledge: _Knowledge) -> None:
        self.knowledge = knowledge
        self.firms: list[_Firm] = []
        self.outputs: list[_Output] = []
        document_frequency: Counter[str] = Counter()
        flow_count = 0
        routes_of_sector: dict[str, frozenset[str]] = {}
        class_routes: dict[str, frozenset[str]] = {}
        # Flows (and firms) with equal features have equal technical fits: one number each,
        # so that the fit of a pair is computed once (the memo of `_technical`).
        signatures: dict[tuple[object, ...], int] = {}
        self.technical_memo: dict[tuple[int, int], _TechnicalFit | None] = {}
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
                document_frequency.update(terms(flow.description) | _ewc_terms(flow.ewc))
                flow_count += 1
        count = max(1, flow_count)
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
        gives_cache: dict[tuple[object, ...], frozenset[str]] = {}
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
                        own, kept, math.sqrt(sum(idf[t] ** 2 for t in kept)) or 1.0
                    )
                own_words, matched_words, norm = described
                coded = legal_cache.get(flow.ewc)
                if coded is None:
                    legal = key_terms(_ewc_terms(flow.ewc))
                    coded = legal_cache[flow.ewc] = (
                        legal, math.sqrt(sum(idf[t] ** 2 for t in legal)) or 1.0
                    )
                legal_words, legal_norm = coded
                subchapter = flow.ewc[:5] if flow.ewc else None
                if flow.direction == "out":
                    # Many firms write the same description: route matching once per text.
                    takes_key = (flow.kind, flow.ewc, flow.description, flow.temperature_c)
                    taken = takes_cache.get(takes_key)
                    if taken is None:
                        taken = takes_cache[takes_key] = _routes_taking(
                            knowledge, flow.kind, flow.ewc, own_words, flow.temperature_c
                        )
                    routes, code_only = taken
                    if flow.legal_status == "product":
                        # A product is offered as it is: only a firm that asks for it (same
                        # code, or its words) is proposed, never a recovery route's receivers
                        # (machines are not "recovered aggregate", new pallets not wood waste).
                        routes = code_only = frozenset()
                    carrier = (
                        energy_carrier(flow.description, flow.temperature_c, need=False)
                        if flow.kind == "energy"
                        else None
                    )
                    self.outputs.append(
                        _Output(firm.company, flow, flow.kind, _quantity(flow), flow.ewc,
                                subchapter, matched_words, norm, routes, legal_words, legal_norm,
                                carrier, firm.position, code_only,
                                signatures.setdefault(
                                    ("out", *takes_key, flow.legal_status == "product"),
                                    len(signatures)))
                    )  # fmt: skip
                else:
                    gives_key = (flow.kind, flow.description)
                    given = gives_cache.get(gives_key)
                    if given is None:
                        given = gives_cache[gives_key] = frozenset(
                            route.id
                            for route, keywords in knowledge.route_gives
                            if route.kind == flow.kind and any(k <= own_words for k in keywords)
                        )
                    carrier = (
                        energy_carrier(flow.description, flow.temperature_c, need=True)
                        if flow.kind == "energy"
                        else None
                    )
                    water_fit = None
                    if flow.kind == "water" and (
                        firm.division not in POTABLE_DIVISIONS
                        or water_non_contact(flow.description)
                    ):  # food and pharma: water touching the product must be drinking water
                        water_fit = water_use_fit(flow.description)
                    firm.inputs.append(
                        _Input(firm, flow, flow.kind, _quantity(flow), flow.ewc, subchapter,
                               matched_words, norm, given, carrier, water_fit,
                               signatures.setdefault(
                                   ("in", flow.kind, flow.description, flow.ewc,
                                    flow.temperature_c, firm.company.ateco),
                                   len(signatures)))
                    )  # fmt: skip

        self.declared: SpatialPostings[_Input] = SpatialPostings()
        self.by_sector: SpatialPostings[_Firm] = SpatialPostings()
        for firm in self.firms:
            lat, lon = firm.company.location.lat, firm.company.location.lon
            for item in firm.inputs:
                for posting in input_keys(item):
                    self.declared.add(posting, lat, lon, item)
            # Firms of a route's named classes and of its named divisions are looked up apart:
            # the class is the stronger evidence, and must not be crowded out by a division.
            for route_id in firm.sector_route_ids:
                level = "class" if route_id in firm.class_route_ids else "division"
                self.by_sector.add((level, route_id), lat, lon, firm)


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
        best = sum(idf[t] ** 2 for t in shared) / (output.norm * item.norm)
        best = max(best, RARE_TERM_WEIGHT * max(idf[t] for t in shared) / index.max_idf)
        shared_best = shared
    legal_shared = output.legal_terms & item.terms
    if legal_shared:
        value = 0.7 * sum(idf[t] ** 2 for t in legal_shared) / (output.legal_norm * item.norm)
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
            if offered < needed:
                return None  # heat below the need's temperature cannot serve it
            components.append(carrier_fit if carrier_fit is not None else 0.9)
            if evidence is not None:
                evidence["temperature"] = (offered, needed)
        elif carrier_fit is not None:
            components.append(carrier_fit)
    elif output.kind == "water":
        if item.water_fit is None:
            return None  # drinking water, or water touching food: never another firm's water
        components.append(item.water_fit)
        if evidence is not None:
            evidence["non_potable_use"] = True
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
            best, factor = _strongest_route(shared_routes, index, output)
            # A route is strong evidence when the receiver's activity is one of its receivers;
            # when only the input's words name what the route gives, it is weaker.
            strong = best.id in item.firm.sector_route_ids
            components.append(
                factor * ((0.6 if strong else 0.3) + (0.35 if strong else 0.15) * best.confidence)
            )
            route_id = best.id
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
            components.append(factor * (0.35 + 0.35 * best.confidence))
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


def _quantity_fit(output: _Output, item: _Input | None) -> float:
    if item is None:
        return 0.5  # an inferred receiver declared no quantity
    if not output.quantity or not item.quantity:
        return 0.0
    covered = min(output.quantity, item.quantity)
    need_share, offer_share = covered / item.quantity, covered / output.quantity
    return NEED_SHARE_WEIGHT * need_share + OFFER_SHARE_WEIGHT * offer_share


_TechnicalFit = tuple[float, str | None, dict[str, object] | None]
#: Pairs of signatures whose technical fit is kept: about 300 bytes each, so at most some 60 MB
#: in each process (each forked process has its own memo).
TECHNICAL_MEMO_SIZE = 200_000


def _technical(
    output: _Output, firm: _Firm, item: _Input | None, index: _Index, explain: bool
) -> _TechnicalFit | None:
    if explain:
        return (
            _declared_technical(output, item, index, True)
            if item is not None
            else _inferred_technical(output, firm, index, True)
        )
    # Equal features, equal fit: computed once per pair of signatures (the memo is emptied
    # when it grows past TECHNICAL_MEMO_SIZE, to bound the memory).
    memo = index.technical_memo
    key = (output.signature, item.signature if item is not None else firm.signature)
    if key in memo:
        return memo[key]
    if len(memo) >= TECHNICAL_MEMO_SIZE:
        memo.clear()
    found = memo[key] = (
        _declared_technical(output, item, index, False)
        if item is not None
        else _inferred_technical(output, firm, index, False)
    )
    return found


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


def _min_technical(output: _Output, options: MatchingOptions) -> float:
    if output.flow.legal_status == "product":
        return max(options.min_technical, PRODUCT_MIN_TECHNICAL)
    return options.min_technical


def pair_score(
    output: _Output, firm: _Firm, item: _Input | None, index: _Index, options: MatchingOptions
) -> float | None:
    """The score of `score_pair`, without building the candidate (the ranking's inner loop)."""
    if firm.company.id == output.company.id:
        return None
    found = _technical(output, firm, item, index, False)
    if found is None or found[0] < _min_technical(output, options):
        return None
    fits = _fits(output, firm, item, found[0], found[1], index, options)
    return None if fits is None else fits[0]


def score_pair(
    output: _Output,
    firm: _Firm,
    item: _Input | None,
    index: _Index,
    options: MatchingOptions,
    explain: bool = True,
) -> Candidate | None:
    """The score of one output with one receiver (through one input, or inferred).

    With `explain` false the evidence is not collected (ranking); the winners are scored again
    with it, by the same function, so the score cannot differ."""
    if firm.company.id == output.company.id:
        return None  # a firm is never matched with itself
    found = _technical(output, firm, item, index, explain)
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
    h = math.sin((b[0] - a[0]) / 2) ** 2 + a[2] * b[2] * math.sin((b[1] - a[1]) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _best_per_receiver(candidates: Iterable[Candidate], top_k: int) -> list[Candidate]:
    best: dict[str, Candidate] = {}
    for candidate in candidates:
        receiver = candidate.firm.company.id
        kept = best.get(receiver)
        if kept is None or _order(candidate) < _order(kept):
            best[receiver] = candidate
    return heapq.nsmallest(top_k, best.values(), key=_order)


def _rank_key(
    score: float, receiver: str, item: _Input | None
) -> tuple[float, str, int, str]:
    # Highest score first; ties broken by receiver id, basis (declared first), input id.
    return (-round(score, 12), receiver, 0 if item is not None else 1,
            item.flow.id if item is not None else "")  # fmt: skip


def _order(candidate: Candidate) -> tuple[float, str, int, str]:
    return _rank_key(candidate.score, candidate.firm.company.id, candidate.input)


def _output_candidates(output: _Output, index: _Index, options: MatchingOptions) -> list[Candidate]:
    """The best `top_k` receivers of one output, with options already `bounded`."""
    cap = options.cap if options.cap is not None else UNBOUNDED
    max_scored = options.max_scored if options.max_scored is not None else UNBOUNDED
    cap_inferred = options.cap_inferred if options.cap_inferred is not None else UNBOUNDED
    lat, lon = output.company.location.lat, output.company.location.lon
    items: dict[int, _Input] = {}
    weight: dict[int, float] = {}
    bounded = max_scored < UNBOUNDED
    for key in (
        output_keys(output, index.idf, BOUNDED_KEY_TERMS) if bounded else output_keys(output)
    ):
        key_weight = index.idf.get(key[2], 1.0) if key[1] == "t" else KEY_WEIGHT[key[1]]
        for item in index.declared.query(key, lat, lon, cap):
            items[id(item)] = item
            weight[id(item)] = weight.get(id(item), 0.0) + key_weight
    chosen: Iterable[_Input] = items.values()
    if len(items) > max_scored:
        # Many receivers share a key: score those sharing the strongest keys, the nearest first
        # among equals (distance is part of the score); then by receiver and input id, never by
        # memory address or set order.
        h_lat, h_lon, h_cos = output.position
        ranked_items = heapq.nsmallest(
            max_scored,
            (
                (
                    -weight[key],
                    (item.firm.position[0] - h_lat) ** 2
                    + (h_cos * (item.firm.position[1] - h_lon)) ** 2,
                    item.firm.company.id,
                    item.flow.id,
                    key,
                )
                for key, item in items.items()
            ),
        )
        chosen = [items[entry[4]] for entry in ranked_items]
    # Best entry per receiver, ordered as `_order` orders candidates: highest score, then
    # receiver id, declared before inferred, input id. Candidates are built for the winners only.
    best: dict[str, tuple[tuple[float, str, int, str], float, _Firm, _Input | None]] = {}
    for item in chosen:
        score = pair_score(output, item.firm, item, index, options)
        if score is not None:
            receiver = item.firm.company.id
            rank_key = _rank_key(score, receiver, item)
            kept = best.get(receiver)
            if kept is None or rank_key < kept[0]:
                best[receiver] = (rank_key, score, item.firm, item)
    declared_firms = set(best)
    inferred_firms: set[str] = set()
    for route_id in sorted(output.route_ids):
        for level in ("class", "division"):
            for firm in index.by_sector.query((level, route_id), lat, lon, cap_inferred):
                receiver = firm.company.id
                if receiver in declared_firms or receiver in inferred_firms:
                    continue  # a declared fitting input stands for it; one inferred per firm
                inferred_firms.add(receiver)
                score = pair_score(output, firm, None, index, options)
                if score is not None:
                    best[receiver] = (_rank_key(score, receiver, None), score, firm, None)
    winners = heapq.nsmallest(options.top_k, best.values(), key=lambda entry: entry[0])
    explained = []
    for _, score, firm, winner_input in winners:
        # The winners scored again with their evidence (same formula, so the same score).
        again = score_pair(output, firm, winner_input, index, options)
        assert again is not None and again.score == score
        explained.append(again)
    return explained


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
    """The best candidates of the outputs `start`..`stop` of the index, in output order."""
    bounded = options.bounded(len(index.firms))
    return [_output_candidates(output, index, bounded) for output in index.outputs[start:stop]]


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
