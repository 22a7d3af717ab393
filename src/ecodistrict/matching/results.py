"""Matches as results: reasons in Italian and English, estimated impact, the JSON document."""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import orjson

from ecodistrict.codes.ateco import lookup_activity
from ecodistrict.domain.models import DistrictFile
from ecodistrict.matching.engine import (
    CONTINUITY_FIT,
    HEAT_PUMP_MAX_C,
    LINEAR_HEAT_DENSITY_HALF,
    PROGRESS_STEP,
    Candidate,
    MatchingOptions,
    _Knowledge,
    build_index,
    generic_request_factor,
    is_material_product,
    linear_heat_density,
    piped_heat,
    rank_outputs,
)
from ecodistrict.matching.knowledge import EmissionFactor, RecoveryRoute, avoided_factor

MATCHES_FORMAT = "ecodistrict/matches/1"

CANONICAL_UNIT = {"material": "t/yr", "energy": "MWh/yr", "water": "m3/yr", "service": "h/yr"}

#: Emission-factor keys the impact estimate reads (emission-factors.yaml).
ROAD_FREIGHT_FACTOR = "freight_road_hgv_articulated"
#: Landfill factor by EWC prefix, first match wins (mineral residues are inert; organic wastes
#: degrade into methane); anything else counts as mixed commercial and industrial waste.
LANDFILL_FACTOR_BY_PREFIX: tuple[tuple[tuple[str, ...], str], ...] = (
    (("01", "10 11", "10 12", "10 13", "17 01", "17 05", "17 08", "19 12 09"), "landfill_inert"),
    (("02", "20 01 08", "20 02", "20 03 02"), "landfill_food_organic"),
    (("03 03", "15 01 01", "20 01 01"), "landfill_paper"),
    (("03 01", "15 01 03", "17 02 01", "20 01 38"), "landfill_wood"),
    (("12 01 01", "12 01 02", "12 01 03", "12 01 04", "16 01 17", "16 01 18", "17 04",
      "16 01 20", "17 02 02", "19 12 05", "20 01 02", "20 01 40"), "landfill_non_degradable"),
)  # fmt: skip
LANDFILL_DEFAULT = "landfill_commercial_industrial"


def landfill_factor_key(ewc: str | None) -> str:
    """The landfill emission factor that fits a waste's EWC code."""
    if ewc:
        for prefixes, key in LANDFILL_FACTOR_BY_PREFIX:
            if ewc.startswith(prefixes):
                return key
    return LANDFILL_DEFAULT


# Impact and Match are not frozen: a frozen dataclass sets each field through
# object.__setattr__, which took up to a tenth of the time of matching a large district
# (measured); nothing mutates them.
@dataclass(slots=True)
class Impact:
    co2_avoided_t_per_yr: float | None
    landfill_avoided_t_per_yr: float | None
    money_eur_per_yr: float | None
    notes_en: tuple[str, ...] = ()
    notes_it: tuple[str, ...] = ()


@dataclass(slots=True)
class Match:
    supplier: str
    supplier_flow: str
    receiver: str
    receiver_flow: str | None
    kind: str
    rank: int
    score: float
    basis: str
    distance_km: float | None
    quantity_value: float | None
    quantity_unit: str
    reasons_en: tuple[str, ...]
    reasons_it: tuple[str, ...]
    impact: Impact
    route: str | None
    fits: dict[str, float]

    def reasons(self, lang: str = "en") -> tuple[str, ...]:
        return self.reasons_it if lang.startswith("it") else self.reasons_en

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "supplier": self.supplier,
            "supplier_flow": self.supplier_flow,
            "receiver": self.receiver,
            "receiver_flow": self.receiver_flow,
            "kind": self.kind,
            "rank": self.rank,
            "score": round(self.score, 4),
            "basis": self.basis,
            "distance_km": None if self.distance_km is None else round(self.distance_km, 1),
            "quantity": {
                "value": None if self.quantity_value is None else round(self.quantity_value, 3),
                "unit": self.quantity_unit,
            },
            "reasons": list(self.reasons_en),
            "reasons_it": list(self.reasons_it),
            "impact": {
                "co2_avoided_t_per_yr": _rounded(self.impact.co2_avoided_t_per_yr),
                "landfill_avoided_t_per_yr": _rounded(self.impact.landfill_avoided_t_per_yr),
                "money_eur_per_yr": _rounded(self.impact.money_eur_per_yr),
                "notes": list(self.impact.notes_en),
            },
            "route": self.route,
            "fits": {k: round(v, 4) for k, v in self.fits.items()},
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


@dataclass(frozen=True)
class MatchResults:
    district: str
    options: MatchingOptions
    matches: tuple[Match, ...]

    def to_document(self) -> dict[str, Any]:
        """The JSON document of `ecodistrict match --format json` (CONTRACT.md)."""
        return {"format": MATCHES_FORMAT, "matches": [m.to_dict() for m in self.matches]}

    def for_supplier(self, company_id: str) -> tuple[Match, ...]:
        return tuple(m for m in self.matches if m.supplier == company_id)

    def for_receiver(self, company_id: str) -> tuple[Match, ...]:
        return tuple(m for m in self.matches if m.receiver == company_id)


def match_district(
    district: DistrictFile,
    *,
    top_k: int = 5,
    max_distance_km: float | None = None,
    routes: Sequence[RecoveryRoute] | None = None,
    factors: dict[str, EmissionFactor] | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> MatchResults:
    """Every output of every firm with its best `top_k` receivers, reasons and impact.

    `workers`: processes that rank and explain the outputs (None: one per core, up to
    MAX_WORKERS, when the district has at least PARALLEL_MIN_OUTPUTS outputs, else one). The
    result does not depend on it: each process ranks whole outputs with the same index.
    """
    options = MatchingOptions(top_k=top_k, max_distance_km=max_distance_km)
    matches: list[Match] = []
    for part in iter_match_chunks(
        district, options, routes=routes, factors=factors, progress=progress, workers=workers
    ):
        matches.extend(part)
    return MatchResults(district.district.name, options, tuple(matches))


def write_matches_json(
    district: DistrictFile,
    stream: TextIO,
    *,
    top_k: int = 5,
    max_distance_km: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> int:
    """Write the document of `MatchResults.to_document` to `stream`, chunk by chunk, without
    holding every match in memory (each process turns its own chunk into JSON text); returns
    the number of matches written. The same JSON values as `json.dumps(to_document())`, one
    match per line."""
    options = MatchingOptions(top_k=top_k, max_distance_km=max_distance_km)
    stream.write('{"format": ' + json.dumps(MATCHES_FORMAT) + ', "matches": [')
    written = 0
    for count, text in iter_match_chunks(
        district, options, progress=progress, workers=workers, render=_json_lines
    ):
        if count:
            stream.write(("\n" if written == 0 else ",\n") + text)
            written += count
    stream.write("\n]}\n" if written else "]}\n")
    return written


def _json_lines(matches: list[Match]) -> tuple[int, str]:
    # orjson: the same JSON values as the standard library (compact separators; a NaN, which no
    # score or impact can be, would be written null), several times faster.
    return len(matches), ",\n".join(orjson.dumps(m.to_dict()).decode() for m in matches)


def iter_match_chunks(
    district: DistrictFile,
    options: MatchingOptions,
    *,
    routes: Sequence[RecoveryRoute] | None = None,
    factors: dict[str, EmissionFactor] | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    render: Callable[[list[Match]], Any] | None = None,
) -> Iterator[Any]:
    """The matches of the district chunk by chunk, in output order: lists of Match, or what
    `render` makes of each list (computed in the process that ranked the chunk)."""
    # Millions of small objects and no reference cycles: the cyclic garbage collector would only
    # rescan the growing heap again and again (measured: it made large districts superlinear).
    collecting = gc.isenabled()
    gc.disable()
    try:
        index = build_index(district, routes=routes, factors=factors)
        index.prepare(options)  # the k-d trees, built once and shared by the forked processes
        radius = district.district.radius_km
        total = len(index.outputs)
        chunks = [(s, min(total, s + PROGRESS_STEP)) for s in range(0, total, PROGRESS_STEP)]
        chosen = workers if workers is not None else _default_workers(total)
        if chosen > 1 and len(chunks) > 1 and "fork" in multiprocessing.get_all_start_methods():
            global _FORKED
            _FORKED = (index, options, radius, render)  # inherited by the forked processes
            try:
                with multiprocessing.get_context("fork").Pool(min(chosen, len(chunks))) as pool:
                    parts = pool.imap(_match_chunk, chunks)
                    for (_, stop), part in zip(chunks, parts, strict=True):
                        yield part
                        if progress is not None:
                            progress(stop, total)
            finally:
                _FORKED = None
        else:
            for start, stop in chunks:
                found = _chunk_matches(index, options, radius, start, stop)
                yield render(found) if render is not None else found
                if progress is not None:
                    progress(stop, total)
    finally:
        if collecting:
            gc.enable()


#: Ranking in several processes pays off from this many outputs (below it, forking and sending
#: the matches back cost more than they save); at most MAX_WORKERS processes.
PARALLEL_MIN_OUTPUTS = 20_000
MAX_WORKERS = 8

#: The index, options and renderer of the match in progress, for the processes forked to rank
#: it; set only while the pool runs (a forked process inherits it without pickling the index).
_FORKED: tuple[Any, MatchingOptions, float, Callable[[list[Match]], Any] | None] | None = None


def _default_workers(outputs: int) -> int:
    # Forking a process that runs other threads (a web server, a task thread) can copy a lock
    # held by another thread into the child: then one process only.
    if outputs < PARALLEL_MIN_OUTPUTS or threading.active_count() > 1:
        return 1
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def _chunk_matches(
    index: Any, options: MatchingOptions, radius: float, start: int, stop: int
) -> list[Match]:
    # The sentences that depend on one output, one input or one activity only are written once
    # per chunk (an output has up to top_k matches, an input is found by many outputs).
    said: dict[tuple[object, ...], Any] = {}
    return [
        build_match(candidate, rank, index.knowledge, radius, said)
        for candidates in rank_outputs(index, options, start, stop)
        for rank, candidate in enumerate(candidates, 1)
    ]


def _match_chunk(chunk: tuple[int, int]) -> Any:
    """In a forked process: the matches of outputs chunk[0]..chunk[1], rendered if asked."""
    assert _FORKED is not None
    gc.disable()  # as in the parent: no cycles among the objects made here
    index, options, radius, render = _FORKED
    found = _chunk_matches(index, options, radius, chunk[0], chunk[1])
    return render(found) if render is not None else found


def build_match(
    candidate: Candidate,
    rank: int,
    knowledge: _Knowledge,
    radius_km: float,
    said: dict[tuple[object, ...], Any] | None = None,
) -> Match:
    """The match of a ranked candidate, with its reasons and impact; `said` keeps the sentences
    of one output, input or activity for the next matches (any dict; None: none kept)."""
    output = candidate.output
    route = knowledge.routes.get(str(candidate.evidence.get("route", "")))
    exchanged: float | None
    if candidate.input is not None and output.quantity is not None:
        exchanged = min(output.quantity, candidate.input.quantity or 0.0)
    else:
        exchanged = output.quantity
    reasons_en, reasons_it = _reasons(
        candidate, route, exchanged, radius_km, said if said is not None else {}
    )
    return Match(
        supplier=output.company.id,
        supplier_flow=output.flow.id,
        receiver=candidate.firm.company.id,
        receiver_flow=candidate.input.flow.id if candidate.input else None,
        kind=output.kind,
        rank=rank,
        score=candidate.score,
        basis=candidate.basis,
        distance_km=candidate.road_km,
        quantity_value=exchanged,
        quantity_unit=CANONICAL_UNIT[output.kind],
        reasons_en=tuple(reasons_en),
        reasons_it=tuple(reasons_it),
        impact=estimate_impact(candidate, route, exchanged, knowledge.factors),
        route=route.id if route else None,
        fits={
            "technical": candidate.technical,
            "quantity": candidate.quantity_fit,
            "distance": candidate.distance_fit,
            "continuity": candidate.continuity_fit,
            "legal": candidate.legal_fit,
        },
    )


def _reasons(
    candidate: Candidate,
    route: RecoveryRoute | None,
    exchanged: float | None,
    radius_km: float,
    said: dict[tuple[object, ...], Any],
) -> tuple[list[str], list[str]]:
    output, item, evidence = candidate.output, candidate.input, candidate.evidence
    en: list[str] = []
    it: list[str] = []
    if "same_ewc" in evidence:
        en.append(f"the receiver declares an input with the same EWC code {evidence['same_ewc']}")
        it.append(
            f"il ricevente dichiara un ingresso con lo stesso codice EER {evidence['same_ewc']}"
        )
    elif "same_subchapter" in evidence:
        subchapter = evidence["same_subchapter"]
        en.append(f"the receiver's input is in the same EWC sub-chapter {subchapter}")
        it.append(f"l'ingresso del ricevente è nello stesso sottocapitolo EER {subchapter}")
    if route is not None:
        chosen = route  # not None, also inside the closure
        sentence = _once(
            said, ("route", output.number, chosen.id), lambda: _route_sentence(output, chosen)
        )
        en.append(sentence[0])
        it.append(sentence[1])
        if "generic_request" in evidence:
            givers = int(evidence["generic_request"])  # type: ignore[call-overload]
            kept = round(100 * generic_request_factor(givers))
            en.append(
                f"the need names only what {givers} recovery routes give (a generic request): "
                f"the route counts at {kept} %"
            )
            it.append(
                f"il fabbisogno nomina solo ciò che danno {givers} percorsi di recupero "
                f"(richiesta generica): peso del percorso {kept} %"
            )
    if item is not None:
        sentence = _once(said, ("need", item.number), lambda: _need_sentence(item))
        en.append(sentence[0])
        it.append(sentence[1])
        if evidence.get("shared_terms"):
            words = ", ".join(str(t) for t in evidence["shared_terms"])  # type: ignore[attr-defined]
            en.append(f"the descriptions share the terms: {words}")
            it.append(f"le descrizioni hanno in comune i termini: {words}")
    else:
        ateco = candidate.firm.company.ateco
        sentence = _once(said, ("activity", ateco), lambda: _activity_sentence(ateco))
        en.append(sentence[0])
        it.append(sentence[1])
    if "temperature" in evidence:
        temperatures: tuple[float, float] = evidence["temperature"]  # type: ignore[assignment]
        offered, needed = temperatures
        en.append(f"heat at {offered:g} °C covers a need at {needed:g} °C")
        it.append(f"calore a {offered:g} °C copre un fabbisogno a {needed:g} °C")
    if "heat_pump" in evidence:
        lifted: tuple[float, float] = evidence["heat_pump"]  # type: ignore[assignment]
        low, high = lifted
        en.append(
            f"heat at {low:g} °C, below the need's {high:g} °C: a heat pump can lift it "
            f"(up to {HEAT_PUMP_MAX_C:g} °C)"
        )
        it.append(
            f"calore a {low:g} °C, sotto i {high:g} °C del fabbisogno: una pompa di calore "
            f"può innalzarlo (fino a {HEAT_PUMP_MAX_C:g} °C)"
        )
    if evidence.get("non_potable_use"):
        en.append("the receiver's use does not need drinking water")
        it.append("l'uso del ricevente non richiede acqua potabile")
    if evidence.get("purified_water"):
        en.append("the water offered is already purified, as the need asks")
        it.append("l'acqua offerta è già trattata al grado di purezza richiesto dal fabbisogno")
    if evidence.get("fuel_need"):
        en.append("a combustible material offered for a declared need for fuel")
        it.append("materiale combustibile offerto per un fabbisogno dichiarato di combustibile")
    if candidate.road_km is not None:
        inside = candidate.road_km <= radius_km
        en.append(
            f"distance {candidate.road_km:.1f} km by road (estimate), "
            + ("within" if inside else "beyond")
            + f" the district radius of {radius_km:g} km"
        )
        it.append(
            f"distanza {candidate.road_km:.1f} km su strada (stima), "
            + ("entro" if inside else "oltre")
            + f" il raggio del distretto di {radius_km:g} km"
        )
    heat = piped_heat(output, item)
    if heat is not None and candidate.road_km is not None:
        density = linear_heat_density(heat, candidate.road_km)
        assumed_en = ", if it takes half the offer" if item is None else ""
        assumed_it = ", se prende metà dell'offerta" if item is None else ""
        en.append(
            f"a heat pipe to the receiver would carry {density:.2f} MWh per metre and year"
            f"{assumed_en} (a pipe pays from about {LINEAR_HEAT_DENSITY_HALF:g})"
        )
        it.append(
            f"un condotto di calore fino al ricevente porterebbe {density:.2f} MWh per metro "
            f"all'anno{assumed_it} (un condotto si ripaga da circa {LINEAR_HEAT_DENSITY_HALF:g})"
        )
    if item is not None and exchanged is not None and item.quantity and output.quantity:
        need_share = 100 * exchanged / item.quantity
        offer_share = 100 * exchanged / output.quantity
        en.append(f"covers {need_share:.0f}% of the need and uses {offer_share:.0f}% of the offer")
        it.append(
            f"copre il {need_share:.0f}% del fabbisogno e usa il {offer_share:.0f}% dell'offerta"
        )
    elif output.quantity == 0 or (item is not None and not item.quantity):
        en.append("a quantity of zero is declared: the exchange cannot be sized")
        it.append("è dichiarata una quantità nulla: lo scambio non è dimensionabile")
    operation = route.operation if route else None
    tail = _once(said, ("tail", output.number, operation),
                 lambda: _availability_and_status(output, operation))  # fmt: skip
    en.extend(tail[0])
    it.extend(tail[1])
    return en, it


def _once(
    said: dict[tuple[object, ...], Any], key: tuple[object, ...], write: Callable[[], Any]
) -> Any:
    """What `write` says, written once per key (`said` keeps it for the next matches)."""
    found = said.get(key)
    if found is None:
        found = said[key] = write()
    return found


def _route_sentence(output: Any, route: RecoveryRoute) -> tuple[str, str]:
    operation = f" ({route.operation})" if route.operation else ""
    source = "EWC " + output.ewc if output.ewc else f"'{output.flow.description}'"
    return (
        f"{source} is recovered as {_first(route.gives.products_en)}{operation}: "
        f"route '{route.title_en}'",
        f"{'EER ' + output.ewc if output.ewc else source} è recuperato come "
        f"{_first(route.gives.products_it)}{operation}: percorso '{route.title_it}'",
    )


def _need_sentence(item: Any) -> tuple[str, str]:
    need = f"'{item.flow.description}'"
    amount = f" ({item.quantity:g} {CANONICAL_UNIT[item.kind]})" if item.quantity else ""
    return (
        f"the receiver declares a need for {need}{amount}",
        f"il ricevente dichiara un fabbisogno di {need}{amount}",
    )


def _activity_sentence(ateco: str) -> tuple[str, str]:
    activity = lookup_activity(ateco)
    title = activity.title_it if activity else ""
    return (
        f"the receiver declares no such input, but its activity (ATECO "
        f"{ateco} {title}) is a known user of this resource",
        f"il ricevente non dichiara questo ingresso, ma la sua attività (ATECO "
        f"{ateco} {title}) è un utilizzatore noto della risorsa",
    )


def _availability_and_status(
    output: Any, operation: str | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The sentences on the output's availability and legal status (English, Italian)."""
    en: list[str] = []
    it: list[str] = []
    availability = output.flow.available
    if availability in CONTINUITY_FIT and availability is not None:
        en.append(AVAILABILITY_LABELS[availability][0])
        it.append(AVAILABILITY_LABELS[availability][1])
    status = output.flow.legal_status
    if status in ("by-product", "end-of-waste"):
        en.append(f"legal status {status}: it travels as a product, no waste authorisation")
        it.append(
            f"stato giuridico {'sottoprodotto' if status == 'by-product' else 'end-of-waste'}:"
            " circola come prodotto, senza autorizzazione al trattamento rifiuti"
        )
    elif status == "product":
        en.append("legal status product: sold as a product, outside the waste rules")
        it.append(
            "stato giuridico prodotto: ceduto come prodotto, fuori dalla disciplina dei rifiuti"
        )
    elif status == "waste":
        en.append(
            "legal status waste: the receiver needs an authorisation"
            + (f" for {operation}" if operation else "")
        )
        it.append(
            "stato giuridico rifiuto: il ricevente deve essere autorizzato"
            + (f" all'operazione {operation}" if operation else "")
        )
    return tuple(en), tuple(it)


AVAILABILITY_LABELS = {
    "continuous": ("available continuously", "disponibile in continuo"),
    "seasonal": ("available seasonally", "disponibile stagionalmente"),
    "one-off": ("available once", "disponibile una tantum"),
}


def _first(items: Sequence[str]) -> str:
    return items[0] if items else "a secondary resource"


def estimate_impact(
    candidate: Candidate,
    route: RecoveryRoute | None,
    exchanged: float | None,
    factors: dict[str, EmissionFactor],
) -> Impact:
    """CO2 avoided (virgin production and disposal avoided, minus transport), landfill avoided,
    money saved where prices are given. Each factor comes from emission-factors.yaml."""
    output = candidate.output
    notes_en: list[str] = []
    notes_it: list[str] = []
    if exchanged is None:
        return Impact(None, None, None, ("quantity unknown",), ("quantità non nota",))
    landfill = (
        exchanged if output.kind == "material" and output.flow.destination == "landfill" else 0.0
    )
    if is_material_product(output.flow):
        # Selling a product to a neighbour replaces the same product bought elsewhere: no
        # production, disposal or purchase is avoided that this engine could count.
        return Impact(
            None, 0.0, None,
            ("a product sold to a neighbour: no avoided production, disposal or purchase "
             "is counted",),
            ("un prodotto ceduto a un'impresa vicina: non si conteggiano produzione, "
             "smaltimento o acquisti evitati",),
        )  # fmt: skip
    co2_kg = 0.0
    substitutes = route.substitutes if route else None
    if substitutes and substitutes in factors:
        factor = factors[substitutes]
        credit = avoided_factor(factors, substitutes)  # net of the secondary route, if given
        co2_kg += credit * exchanged
        notes_en.append(f"avoided production: {factor.description_en} ({credit:g} {factor.unit})")
        notes_it.append(f"produzione evitata: {factor.description_it} ({credit:g} {factor.unit})")
    else:
        notes_en.append("no avoided-production factor for this resource: not counted")
        notes_it.append("nessun fattore di produzione evitata per questa risorsa: non conteggiata")
    if landfill > 0:
        key = landfill_factor_key(output.ewc)
        if key in factors:
            co2_kg += factors[key].value * landfill
            notes_en.append(f"avoided landfill: {factors[key].description_en}")
            notes_it.append(f"discarica evitata: {factors[key].description_it}")
    if output.kind == "material" and candidate.road_km and ROAD_FREIGHT_FACTOR in factors:
        transport = factors[ROAD_FREIGHT_FACTOR].value * exchanged * candidate.road_km
        co2_kg -= transport
        notes_en.append(f"minus transport: {exchanged:g} t × {candidate.road_km:.1f} km by truck")
        notes_it.append(
            f"meno il trasporto: {exchanged:g} t × {candidate.road_km:.1f} km su camion"
        )
    money: float | None = None
    price = candidate.input.flow.unit_price_eur if candidate.input else None
    disposal = output.flow.disposal_cost_eur
    if price is not None or disposal is not None:
        money = exchanged * ((price or 0.0) + (disposal or 0.0))
        notes_en.append(
            "money: purchase and disposal avoided, before transport and treatment costs"
        )
        notes_it.append(
            "denaro: acquisto e smaltimento evitati, prima dei costi di trasporto e trattamento"
        )
    return Impact(co2_kg / 1000.0, landfill, money, tuple(notes_en), tuple(notes_it))
