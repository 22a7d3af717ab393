"""Rules across fields and across companies of a district file.

They read plain dicts (raw input or a model dump) and tolerate missing or mistyped values, because
they also run on input whose fields failed validation: a file is reported in full in one pass.
A rule that needs a field skips silently when that field is absent or malformed; the field's own
validation reports it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

from ecodistrict.domain.problems import Problem
from ecodistrict.units import ABSURD_LIMIT, UnitError, normalise_quantity

IN_ONLY = ("origin", "source_distance_km", "supplied_by", "unit_price_eur")
OUT_ONLY = ("legal_status", "destination", "disposal_cost_eur")
EWC_KINDS = ("material", "water")
TEMPERATURE_KINDS = ("energy", "water")


def item_label(item: Any, index: int) -> str:
    """The id of a company or flow as written, or its 1-based position when it has none."""
    if isinstance(item, Mapping):
        ident = item.get("id")
        if isinstance(ident, str) and ident.strip():
            return ident.strip()
    return f"#{index + 1}"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def normalised_quantity(flow: Mapping[str, Any]) -> float | None:
    """The flow's quantity in its kind's canonical unit, or None if it cannot be worked out."""
    quantity = _number(flow.get("quantity"))
    unit, kind = flow.get("unit"), flow.get("kind")
    if quantity is None or not isinstance(unit, str) or not isinstance(kind, str):
        return None
    try:
        return normalise_quantity(quantity, unit, kind).value
    except (UnitError, ValueError):
        return None


def flow_problems(company: str, flow_label: str, flow: Mapping[str, Any]) -> list[Problem]:
    """Rules that relate a flow's fields to each other (direction, kind, unit, status)."""
    problems: list[Problem] = []

    def add(field: str, message: str, code: str) -> None:
        problems.append(Problem(message, company=company, flow=flow_label, field=field, code=code))

    direction, kind = flow.get("direction"), flow.get("kind")
    if direction == "out":
        for name in IN_ONLY:
            if flow.get(name) is not None:
                add(name, f"'{name}' applies only to inputs (direction: in)", "direction_field")
    elif direction == "in":
        for name in OUT_ONLY:
            if flow.get(name) is not None:
                add(name, f"'{name}' applies only to outputs (direction: out)", "direction_field")

    if kind in ("energy", "service") and flow.get("ewc") is not None:
        add("ewc", f"an EWC code applies to material or water flows, not to {kind}", "ewc_kind")
    if kind in ("energy", "service") and flow.get("legal_status") in (
        "waste",
        "by-product",
        "end-of-waste",
    ):
        add(
            "legal_status",
            f"legal status '{flow.get('legal_status')}' applies to material or water flows",
            "status_kind",
        )
    if (
        direction == "out"
        and kind in EWC_KINDS
        and flow.get("legal_status") == "waste"
        and flow.get("ewc") in (None, "")
    ):
        add("ewc", "a waste output must carry its EWC code (codice EER)", "ewc_required")
    if flow.get("mci") is not None and (
        direction != "out" or kind != "material" or flow.get("legal_status") != "product"
    ):
        add(
            "mci",
            "MCI inputs apply to a product: an output of kind material with legal_status product",
            "mci_not_product",
        )
    if kind in ("material", "service") and flow.get("temperature_c") is not None:
        add("temperature_c", "a temperature applies to energy or water flows", "temperature_kind")

    unit, quantity = flow.get("unit"), _number(flow.get("quantity"))
    if (
        isinstance(unit, str)
        and isinstance(kind, str)
        and kind
        in (
            "material",
            "energy",
            "water",
            "service",
        )
    ):
        try:
            normalised = normalise_quantity(quantity if quantity is not None else 0.0, unit, kind)
        except UnitError as exc:
            add("unit", str(exc), "unit")
        else:
            limit = ABSURD_LIMIT[kind]
            if quantity is not None and normalised.value > limit:
                add(
                    "quantity",
                    f"{quantity:g} {unit} is {normalised.value:.3g} {normalised.unit}, above the "
                    f"plausible limit of {limit:.0e} {normalised.unit} for one flow; check the "
                    "unit",
                    "absurd_quantity",
                )
    return problems


def district_problems(data: Any, *, flow_rules: bool = True) -> list[Problem]:
    """Rules across the file: duplicate ids, per-flow rules, and `supplied_by` references.

    `flow_rules=False` skips the per-flow rules, for callers whose flows were already checked
    (the model validator of DistrictFile: each Flow model checked itself).
    """
    if not isinstance(data, Mapping):
        return []
    companies = data.get("companies")
    if not isinstance(companies, list):
        return []
    problems: list[Problem] = []

    labels = [item_label(c, i) for i, c in enumerate(companies)]
    for label, count in Counter(labels).items():
        if count > 1 and not label.startswith("#"):
            problems.append(
                Problem(
                    f"company id '{label}' is used {count} times; ids must be unique",
                    company=label,
                    field="id",
                    code="duplicate_id",
                )
            )

    flows_by_company: dict[str, dict[str, Mapping[str, Any]]] = {}
    for company, label in zip(companies, labels, strict=True):
        if not isinstance(company, Mapping) or not isinstance(company.get("flows"), list):
            continue
        flows = company["flows"]
        flow_labels = [item_label(f, j) for j, f in enumerate(flows)]
        for flow_label, count in Counter(flow_labels).items():
            if count > 1 and not flow_label.startswith("#"):
                problems.append(
                    Problem(
                        f"flow id '{flow_label}' is used {count} times in this company",
                        company=label,
                        flow=flow_label,
                        field="id",
                        code="duplicate_id",
                    )
                )
        for flow, flow_label in zip(flows, flow_labels, strict=True):
            if flow_rules and isinstance(flow, Mapping):
                problems.extend(flow_problems(label, flow_label, flow))
        flows_by_company.setdefault(
            label,
            {fl: f for f, fl in zip(flows, flow_labels, strict=True) if isinstance(f, Mapping)},
        )

    problems.extend(_reference_problems(companies, labels, flows_by_company))
    return problems


def _reference_problems(
    companies: list[Any],
    labels: list[str],
    flows_by_company: dict[str, dict[str, Mapping[str, Any]]],
) -> list[Problem]:
    problems: list[Problem] = []
    taken: dict[tuple[str, str], float] = defaultdict(float)
    takers: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for company, label in zip(companies, labels, strict=True):
        if not isinstance(company, Mapping) or not isinstance(company.get("flows"), list):
            continue
        for j, flow in enumerate(company["flows"]):
            if not isinstance(flow, Mapping):
                continue
            ref = flow.get("supplied_by")
            if not isinstance(ref, Mapping):
                continue
            flow_label = item_label(flow, j)

            def add(
                message: str, code: str, label: str = label, flow_label: str = flow_label
            ) -> None:
                problems.append(
                    Problem(message, company=label, flow=flow_label, field="supplied_by", code=code)
                )

            supplier, supplier_flow = ref.get("company"), ref.get("flow")
            if not isinstance(supplier, str) or not isinstance(supplier_flow, str):
                continue  # the field validation names the missing part
            if supplier == label:
                add(
                    "a company cannot supply itself; declare internal reuse with "
                    "destination: internal on the output",
                    "self_supply",
                )
                continue
            if supplier not in flows_by_company:
                add(f"supplier company '{supplier}' is not in this file", "unknown_supplier")
                continue
            source = flows_by_company[supplier].get(supplier_flow)
            if source is None:
                add(
                    f"company '{supplier}' has no flow '{supplier_flow}'",
                    "unknown_supplier_flow",
                )
                continue
            if source.get("direction") != "out":
                if source.get("direction") != "in":
                    continue  # its own direction error is reported on that flow
                add(
                    f"flow '{supplier_flow}' of company '{supplier}' is not an output "
                    "(direction: out), so it cannot supply another firm",
                    "supplier_flow_not_output",
                )
                continue
            if (
                isinstance(source.get("kind"), str)
                and isinstance(flow.get("kind"), str)
                and source.get("kind") != flow.get("kind")
            ):
                add(
                    f"flow '{supplier_flow}' of company '{supplier}' is {source.get('kind')}, "
                    f"but this input is {flow.get('kind')}",
                    "supplier_kind_mismatch",
                )
                continue
            received, supplied = normalised_quantity(flow), normalised_quantity(source)
            if received is not None and supplied is not None:
                key = (supplier, supplier_flow)
                taken[key] += received
                takers[key].append((label, flow_label))
                if received > supplied * (1 + 1e-9):
                    add(
                        f"receives {received:g} but company '{supplier}' declares only "
                        f"{supplied:g} (same unit) on flow '{supplier_flow}'",
                        "supply_exceeded",
                    )
    for (supplier, supplier_flow), total in taken.items():
        source_qty = normalised_quantity(flows_by_company[supplier][supplier_flow])
        shared = len(takers[(supplier, supplier_flow)]) > 1
        if source_qty is not None and shared and total > source_qty * (1 + 1e-9):
            names = ", ".join(f"{c}/{f}" for c, f in takers[(supplier, supplier_flow)])
            problems.append(
                Problem(
                    f"receivers ({names}) take {total:g} in all, more than the {source_qty:g} "
                    "this output declares",
                    company=supplier,
                    flow=supplier_flow,
                    field="quantity",
                    code="supply_exceeded",
                )
            )
    return problems
