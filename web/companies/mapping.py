"""The one mapping between the district file (``ecodistrict.domain``) and the database rows.

The import service (file -> rows) and ``selectors.district_file`` (rows -> file) both use these
tables, so a field added to the format is mapped in one place. Optional text fields of the file
are stored as "" when absent and given back as absent (not as "").
"""

from __future__ import annotations

from typing import Any

from ecodistrict.domain import models as domain

#: Fields with the same name and meaning in the file and in the database.
DISTRICT_FIELDS = ("name", "radius_km")
COMPANY_FIELDS = ("name", "ateco", "employees", "revenue_eur")
FLOW_FIELDS = (
    "direction",
    "kind",
    "description",
    "quantity",
    "unit",
    "temperature_c",
    "source_distance_km",
    "unit_price_eur",
    "disposal_cost_eur",
)
#: Optional text fields: absent in the file, "" in the database.
DISTRICT_OPTIONAL_TEXT = ("notice",)
FLOW_OPTIONAL_TEXT = ("ewc", "legal_status", "destination", "available", "origin")


def district_row(district: domain.District) -> dict[str, Any]:
    """The ``companies.District`` field values of the file's ``district`` block."""
    values = {name: getattr(district, name) for name in DISTRICT_FIELDS}
    values.update({name: getattr(district, name) or "" for name in DISTRICT_OPTIONAL_TEXT})
    values.update(center_lat=district.center.lat, center_lon=district.center.lon)
    return values


def company_row(company: domain.Company) -> dict[str, Any]:
    """The ``companies.Company`` field values of a company of the file (without district)."""
    values = {name: getattr(company, name) for name in COMPANY_FIELDS}
    values["slug"] = company.id
    return values


def site_row(company: domain.Company) -> dict[str, Any]:
    """The primary ``companies.Site`` of a company of the file: its ``location``."""
    return {"lat": company.location.lat, "lon": company.location.lon, "is_primary": True}


def flow_row(flow: domain.Flow) -> dict[str, Any]:
    """The ``companies.Flow`` field values of a flow of the file (without company, supplier and
    normalised quantity, which the import sets)."""
    values = {name: getattr(flow, name) for name in FLOW_FIELDS}
    values.update({name: getattr(flow, name) or "" for name in FLOW_OPTIONAL_TEXT})
    values["slug"] = flow.id
    values["mci"] = flow.mci.model_dump(mode="json", exclude_none=True) if flow.mci else None
    return values


def district_data(district: Any, companies: list[dict[str, Any]]) -> dict[str, Any]:
    """A district file (a plain dict, ``format: ecodistrict/1``) from a ``District`` row and its
    companies as ``company_data`` built them."""
    block: dict[str, Any] = {name: getattr(district, name) for name in DISTRICT_FIELDS}
    block["center"] = {"lat": district.center_lat, "lon": district.center_lon}
    block.update(
        {
            name: getattr(district, name)
            for name in DISTRICT_OPTIONAL_TEXT
            if getattr(district, name)
        }
    )
    return {"format": domain.FORMAT, "district": block, "companies": companies}


def company_data(company: Any, site: Any, flows: list[dict[str, Any]]) -> dict[str, Any]:
    """A company of the file from a ``Company`` row, its primary ``Site`` and its flows."""
    data: dict[str, Any] = {"id": company.slug}
    data.update(
        {
            name: getattr(company, name)
            for name in COMPANY_FIELDS
            if getattr(company, name) is not None
        }
    )
    data["location"] = {"lat": site.lat, "lon": site.lon}
    data["flows"] = flows
    return data


def flow_data(flow: Any) -> dict[str, Any]:
    """A flow of the file from a ``Flow`` row (``supplied_by__company`` loaded)."""
    data: dict[str, Any] = {"id": flow.slug}
    data.update(
        {name: getattr(flow, name) for name in FLOW_FIELDS if getattr(flow, name) is not None}
    )
    data.update({name: getattr(flow, name) for name in FLOW_OPTIONAL_TEXT if getattr(flow, name)})
    if flow.mci:
        data["mci"] = flow.mci
    if flow.supplied_by is not None:
        data["supplied_by"] = {
            "company": flow.supplied_by.company.slug,
            "flow": flow.supplied_by.slug,
        }
    return data
