"""Calculators of every indicator, company and district level, in one pass over the flows.

Quantities are normalised to t/yr, MWh/yr and m3/yr with the platform's unit registry (the
conversion of each unit is computed once). A value the data cannot give is None with a reason,
never a silent zero. Definitions: indicators/sets/*.yaml and docs/indicators.md.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ecodistrict.codes.ewc import get_ewc
from ecodistrict.domain.models import Company, DistrictFile, Flow
from ecodistrict.geo import great_circle_km
from ecodistrict.indicators.mci import MciInputError, material_circularity_indicator
from ecodistrict.indicators.network import exchange_network_metrics
from ecodistrict.indicators.values import IndicatorValue
from ecodistrict.units import UnitError, unit_conversion

CIRCULAR_ORIGINS = frozenset({"recycled", "reused", "by-product", "renewable"})
SECONDARY_ORIGINS = frozenset({"recycled", "reused", "by-product"})  # CMU: no virgin renewables
CIRCULAR_DESTINATIONS = frozenset({"reuse", "recycling", "composting"})
CIRCULAR_STATUSES = frozenset({"by-product", "end-of-waste"})

COMPANY_KEYS: tuple[str, ...] = (
    "circular_inflow_pct",
    "circular_outflow_pct",
    "circularity_pct",
    "renewable_energy_pct",
    "water_circularity_pct",
    "landfill_outflow_pct",
    "waste_recovery_pct",
    "hazardous_waste_pct",
    "waste_t_per_employee",
    "waste_t_per_meur",
    "material_productivity_eur_per_t",
    "mci",
    "local_inflow_pct",
    "supply_distance_km",
    "transport_intensity_tkm_per_t",
    "local_recovery_pct",
    "symbiotic_inflow_pct",
    "symbiotic_outflow_pct",
    "symbiotic_links",
)
DISTRICT_KEYS: tuple[str, ...] = (
    "closure_material_pct",
    "closure_energy_pct",
    "closure_water_pct",
    "closure_waste_pct",
    "circular_material_use_pct",
    "symbiosis_intensity_pct",
    "network_nodes",
    "network_links",
    "link_density",
    "connectance",
    "cyclicity",
)


def canonical_quantity(flow: Flow) -> float | None:
    """The flow's quantity in its kind's canonical unit (t/yr, MWh/yr, m3/yr, ...).

    None when the unit does not fit the kind. Validation refuses such flows, but the calculators
    also accept models built without validation (batch jobs), and must not crash on them.
    """
    try:
        return flow.quantity * unit_conversion(flow.unit, flow.kind).factor
    except (UnitError, ValueError):
        return None


@dataclass
class ExchangeIndex:
    """Who takes what from whom: the `supplied_by` links of a district, quantities normalised."""

    received: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    received_within_radius: dict[tuple[str, str], float] = field(
        default_factory=lambda: defaultdict(float)
    )
    links: set[tuple[str, str]] = field(default_factory=set)
    exchanges: list[tuple[str, str, str, str, float]] = field(default_factory=list)


def build_exchange_index(district: DistrictFile) -> ExchangeIndex:
    """Index every exchange in place: (supplier, supplier flow) -> quantity received."""
    index = ExchangeIndex()
    locations = {c.id: c.location for c in district.companies}
    radius = district.district.radius_km
    for company in district.companies:
        for flow in company.flows:
            ref = flow.supplied_by
            if ref is None or flow.direction != "in":
                continue
            quantity = canonical_quantity(flow)
            if quantity is None:
                continue
            key = (ref.company, ref.flow)
            index.received[key] += quantity
            index.links.add((ref.company, company.id))
            index.exchanges.append((ref.company, ref.flow, company.id, flow.id, quantity))
            supplier_location = locations.get(ref.company)
            if (
                supplier_location is not None
                and great_circle_km(supplier_location, company.location) <= radius
            ):
                index.received_within_radius[key] += quantity
    return index


@dataclass
class _Sums:
    """Mass, energy and water sums of one company (or of the district), canonical units."""

    m_in: float = 0.0
    m_in_circular: float = 0.0
    m_in_secondary: float = 0.0
    m_in_linear: float = 0.0
    m_in_symbiotic: float = 0.0
    m_in_known_distance: float = 0.0
    m_in_local: float = 0.0
    tkm_in: float = 0.0
    m_out: float = 0.0
    m_out_circular: float = 0.0
    m_out_landfill: float = 0.0
    m_out_taken: float = 0.0
    m_out_taken_local: float = 0.0
    m_product: float = 0.0
    waste: float = 0.0
    waste_recovered: float = 0.0
    waste_hazardous: float = 0.0
    waste_taken: float = 0.0
    residues: float = 0.0  # wastes + by-products generated
    residues_taken: float = 0.0
    e_in: float = 0.0
    e_in_renewable: float = 0.0
    e_in_symbiotic: float = 0.0
    w_in: float = 0.0
    w_in_circular: float = 0.0
    w_in_symbiotic: float = 0.0
    mci_mass: float = 0.0
    mci_weighted: float = 0.0
    mci_notes: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)

    def add(self, other: _Sums) -> None:
        for name in self.__dataclass_fields__:
            if name not in ("mci_notes", "left_out"):
                setattr(self, name, getattr(self, name) + getattr(other, name))


def _company_sums(company: Company, index: ExchangeIndex, radius_km: float) -> _Sums:
    sums = _Sums()
    hazard_cache: dict[str, bool] = {}
    for flow in company.flows:
        quantity = canonical_quantity(flow)
        if quantity is None:
            sums.left_out.append(
                f"flow '{flow.id}' left out: unit '{flow.unit}' does not fit a {flow.kind} flow"
            )
            continue
        if flow.direction == "in":
            if flow.kind == "material":
                sums.m_in += quantity
                if flow.origin in CIRCULAR_ORIGINS:
                    sums.m_in_circular += quantity
                else:
                    sums.m_in_linear += quantity  # virgin or unknown origin: linear (CTI)
                if flow.origin in SECONDARY_ORIGINS:
                    sums.m_in_secondary += quantity
                if flow.supplied_by is not None:
                    sums.m_in_symbiotic += quantity
                if flow.source_distance_km is not None:
                    sums.m_in_known_distance += quantity
                    sums.tkm_in += quantity * flow.source_distance_km
                    if flow.source_distance_km <= radius_km:
                        sums.m_in_local += quantity
            elif flow.kind == "energy":
                sums.e_in += quantity
                if flow.origin == "renewable":
                    sums.e_in_renewable += quantity
                if flow.supplied_by is not None:
                    sums.e_in_symbiotic += quantity
            elif flow.kind == "water":
                sums.w_in += quantity
                if flow.origin in SECONDARY_ORIGINS:
                    sums.w_in_circular += quantity
                if flow.supplied_by is not None:
                    sums.w_in_symbiotic += quantity
            continue
        if flow.kind != "material" or flow.destination == "internal":
            continue  # internal outflows stay in the firm: in neither part (CONTRACT.md)
        key = (company.id, flow.id)
        taken = min(quantity, index.received.get(key, 0.0))
        sums.m_out += quantity
        sums.m_out_taken += taken
        sums.m_out_taken_local += min(quantity, index.received_within_radius.get(key, 0.0))
        if flow.destination in CIRCULAR_DESTINATIONS or flow.legal_status in CIRCULAR_STATUSES:
            sums.m_out_circular += quantity
        if flow.destination == "landfill":
            sums.m_out_landfill += quantity
        if flow.legal_status == "product":
            sums.m_product += quantity
            if flow.mci is not None:
                _add_mci(sums, flow, quantity)
        if flow.legal_status in ("waste", "by-product"):
            sums.residues += quantity
            sums.residues_taken += taken
        if flow.legal_status == "waste":
            sums.waste += quantity
            sums.waste_taken += taken
            if flow.destination in CIRCULAR_DESTINATIONS:
                sums.waste_recovered += quantity
            if flow.ewc is not None:
                if flow.ewc not in hazard_cache:
                    entry = get_ewc(flow.ewc)
                    hazard_cache[flow.ewc] = bool(entry and entry.hazardous)
                if hazard_cache[flow.ewc]:
                    sums.waste_hazardous += quantity
    return sums


def _add_mci(sums: _Sums, flow: Flow, mass: float) -> None:
    data = flow.mci
    assert data is not None
    try:
        result = material_circularity_indicator(
            M=mass if mass > 0 else 1.0,
            F_R=data.feedstock_recycled,
            F_U=data.feedstock_reused,
            F_S=data.feedstock_sustained_bio,
            C_R=data.collected_recycling,
            C_U=data.collected_reuse,
            C_C=data.composted,
            C_E=data.energy_recovered,
            E_C=data.recycling_efficiency_eol,
            E_F=data.recycling_efficiency_feedstock,
            L=data.lifetime_years,
            L_av=data.lifetime_avg_years,
            U=data.use_intensity,
            U_av=data.use_intensity_avg,
        )
    except MciInputError as exc:
        sums.mci_notes.append(f"product '{flow.id}': {exc}")
        return
    if mass <= 0:
        sums.mci_notes.append(f"product '{flow.id}': quantity 0, no weight in the average")
        return
    sums.mci_mass += mass
    sums.mci_weighted += mass * result.MCI


def _pct(numerator: float, denominator: float, reason: str) -> IndicatorValue:
    if denominator <= 0:
        return IndicatorValue(None, reason)
    return IndicatorValue(100.0 * numerator / denominator, None, numerator, denominator)


def _ratio(numerator: float, denominator: float, reason: str) -> IndicatorValue:
    if denominator <= 0:
        return IndicatorValue(None, reason)
    return IndicatorValue(numerator / denominator, None, numerator, denominator)


def company_indicators(
    company: Company, sums: _Sums, partner_count: int
) -> dict[str, IndicatorValue]:
    """Every company-level indicator from the company's sums."""
    no_in = "no material inflows declared"
    no_out = "no material outflows declared (internal ones do not count)"
    no_waste = "no waste outflows declared"
    values: dict[str, IndicatorValue] = {
        "circular_inflow_pct": _pct(sums.m_in_circular, sums.m_in, no_in),
        "circular_outflow_pct": _pct(sums.m_out_circular, sums.m_out, no_out),
        "circularity_pct": _pct(
            sums.m_in_circular + sums.m_out_circular,
            sums.m_in + sums.m_out,
            "no material inflows or outflows declared",
        ),
        "renewable_energy_pct": _pct(sums.e_in_renewable, sums.e_in, "no energy inflows declared"),
        "water_circularity_pct": _pct(sums.w_in_circular, sums.w_in, "no water inflows declared"),
        "landfill_outflow_pct": _pct(sums.m_out_landfill, sums.m_out, no_out),
        "waste_recovery_pct": _pct(sums.waste_recovered, sums.waste, no_waste),
        "hazardous_waste_pct": _pct(sums.waste_hazardous, sums.waste, no_waste),
        "local_inflow_pct": _pct(
            sums.m_in_local,
            sums.m_in_known_distance,
            "no material inflow with a known source_distance_km",
        ),
        "supply_distance_km": _ratio(
            sums.tkm_in, sums.m_in_known_distance, "no material inflow with a known distance"
        ),
        "local_recovery_pct": _pct(sums.m_out_taken_local, sums.m_out, no_out),
        "symbiotic_inflow_pct": _pct(sums.m_in_symbiotic, sums.m_in, no_in),
        "symbiotic_outflow_pct": _pct(sums.m_out_taken, sums.m_out, no_out),
    }
    if company.employees is None:
        values["waste_t_per_employee"] = IndicatorValue(None, "employees not declared")
    else:
        values["waste_t_per_employee"] = _ratio(
            sums.waste, float(company.employees), "employees is 0"
        )
    if company.revenue_eur is None:
        values["waste_t_per_meur"] = IndicatorValue(None, "revenue_eur not declared")
        values["material_productivity_eur_per_t"] = IndicatorValue(None, "revenue_eur not declared")
    else:
        values["waste_t_per_meur"] = _ratio(
            sums.waste, company.revenue_eur / 1e6, "revenue_eur is 0"
        )
        values["material_productivity_eur_per_t"] = _ratio(
            company.revenue_eur,
            sums.m_in_linear,
            "no linear material inflow (all material inflows are circular, or none is declared)",
        )
    if sums.tkm_in > 0 or sums.m_in_known_distance > 0:
        values["transport_intensity_tkm_per_t"] = _ratio(
            sums.tkm_in, sums.m_product, "no product outflows declared"
        )
    else:
        values["transport_intensity_tkm_per_t"] = IndicatorValue(
            None, "no material inflow with a known distance"
        )
    if sums.mci_mass > 0:
        values["mci"] = IndicatorValue(
            sums.mci_weighted / sums.mci_mass,
            "; ".join(sums.mci_notes) or None,
            sums.mci_weighted,
            sums.mci_mass,
        )
    else:
        values["mci"] = IndicatorValue(
            None,
            "; ".join(sums.mci_notes) or "no product output with MCI inputs (mci) declared",
        )
    values["symbiotic_links"] = IndicatorValue(float(partner_count))
    if sums.left_out:
        note = "; ".join(sums.left_out)
        values = {
            key: IndicatorValue(v.value, f"{v.reason}; {note}" if v.reason else note,
                                v.numerator, v.denominator)
            for key, v in values.items()
        }  # fmt: skip
    return values


def compute_all(
    district: DistrictFile,
) -> tuple[dict[str, dict[str, IndicatorValue]], dict[str, IndicatorValue]]:
    """Company and district indicators of a validated district, every known key."""
    index = build_exchange_index(district)
    radius = district.district.radius_km
    total = _Sums()
    companies: dict[str, dict[str, IndicatorValue]] = {}
    partners: dict[str, set[str]] = defaultdict(set)
    for supplier, receiver in index.links:
        partners[supplier].add(receiver)
        partners[receiver].add(supplier)
    for company in district.companies:
        sums = _company_sums(company, index, radius)
        total.add(sums)
        companies[company.id] = company_indicators(company, sums, len(partners.get(company.id, ())))
    return companies, district_indicators(total, index, len(district.companies))


def district_indicators(
    total: _Sums, index: ExchangeIndex, company_count: int
) -> dict[str, IndicatorValue]:
    """Closure ratios, district circular material use, symbiosis intensity, network metrics."""
    values: dict[str, IndicatorValue] = {
        "closure_material_pct": _pct(
            total.m_in_symbiotic, total.m_in, "no material inflows in the district"
        ),
        "closure_energy_pct": _pct(
            total.e_in_symbiotic, total.e_in, "no energy inflows in the district"
        ),
        "closure_water_pct": _pct(
            total.w_in_symbiotic, total.w_in, "no water inflows in the district"
        ),
        "closure_waste_pct": _pct(
            total.waste_taken, total.waste, "no waste outflows in the district"
        ),
        "circular_material_use_pct": _pct(
            total.m_in_secondary, total.m_in, "no material inflows in the district"
        ),
        "symbiosis_intensity_pct": _pct(
            total.residues_taken,
            total.residues,
            "no wastes or by-products generated in the district",
        ),
    }
    values.update(exchange_network_metrics(company_count, index.links))
    return values
