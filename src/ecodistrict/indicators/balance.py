"""The district's flow balance per cycle: from outside, exchanged inside, to outside.

Feeds the Sankey diagrams of the cycles of matter, energy, water and waste. Quantities are in
the cycle's canonical unit. "Inside" is what district firms receive from other district firms
(exchanges in place, `supplied_by`); "to outside" is what leaves the firms and is not taken up
by another district firm; "internal" is reuse inside the same firm (destination internal).
The waste cycle counts outputs with legal status waste, and as "from outside" the inputs that
carry an EWC code without a district supplier (wastes a recycler takes in from elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass

from ecodistrict.domain.models import DistrictFile
from ecodistrict.indicators.calculators import build_exchange_index, canonical_quantity

CYCLES: dict[str, tuple[str, str]] = {
    "matter": ("material", "t/yr"),
    "energy": ("energy", "MWh/yr"),
    "water": ("water", "m3/yr"),
    "waste": ("material", "t/yr"),
}


@dataclass(frozen=True)
class CycleBalance:
    cycle: str
    unit: str
    from_outside: float
    inside: float
    to_outside: float
    internal: float
    exchanges: tuple[tuple[str, str, float], ...]  # (supplier id, receiver id, quantity)


def district_flow_balance(district: DistrictFile) -> dict[str, CycleBalance]:
    """Balance of each cycle ("matter", "energy", "water", "waste") of the district."""
    index = build_exchange_index(district)
    flows = {(c.id, f.id): f for c in district.companies for f in c.flows}
    balances: dict[str, CycleBalance] = {}
    for cycle, (kind, unit) in CYCLES.items():
        waste_only = cycle == "waste"
        from_outside = inside = to_outside = internal = 0.0
        exchanges: list[tuple[str, str, float]] = []
        for company in district.companies:
            for flow in company.flows:
                if flow.kind != kind:
                    continue
                quantity = canonical_quantity(flow)
                if quantity is None:
                    continue  # a unit that does not fit the kind: reported by the indicators
                if flow.direction == "in":
                    supplier = (
                        flows.get((flow.supplied_by.company, flow.supplied_by.flow))
                        if flow.supplied_by
                        else None
                    )
                    if waste_only and not (
                        (supplier is not None and supplier.legal_status == "waste")
                        or (supplier is None and flow.ewc is not None)
                    ):
                        continue
                    if supplier is not None and flow.supplied_by is not None:
                        inside += quantity
                        exchanges.append((flow.supplied_by.company, company.id, quantity))
                    else:
                        from_outside += quantity
                    continue
                if waste_only and flow.legal_status != "waste":
                    continue
                if flow.destination == "internal":
                    internal += quantity
                    continue
                taken = min(quantity, index.received.get((company.id, flow.id), 0.0))
                to_outside += quantity - taken
        balances[cycle] = CycleBalance(
            cycle, unit, from_outside, inside, to_outside, internal, tuple(exchanges)
        )
    return balances
