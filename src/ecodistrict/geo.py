"""Distances between sites (WGS84).

The library computes distances itself, so the platform needs no GIS database. Great-circle
distance uses the haversine formula on a sphere of the IUGG mean Earth radius (6371.0088 km);
its error against the ellipsoid is below 0.5 %, far below the uncertainty of declared data.
"""

from __future__ import annotations

import math
from typing import Protocol

EARTH_RADIUS_KM = 6371.0088


class HasLatLon(Protocol):
    @property
    def lat(self) -> float: ...

    @property
    def lon(self) -> float: ...


def great_circle_km(a: HasLatLon, b: HasLatLon) -> float:
    """Great-circle (haversine) distance in km between two points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
