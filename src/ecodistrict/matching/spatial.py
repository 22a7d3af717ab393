"""Posting lists with a spatial grid: the nearest items of a key first.

Candidate generation looks up, for each key an output carries (an EWC code, a recovery route, a
word), the receivers that carry the same key. A key shared by a few receivers returns them all;
a key shared by many (a common word in a region of 100,000 firms) returns the `cap` nearest ones.
Each crowded key gets its own grid, with cells sized so that a cell holds about a quarter of
`cap` items on average; cells are scanned in rings around the output until `cap` items are found,
and the found items are cut to the `cap` nearest. So nearer partners come first, a distant
partner is still found when nothing nearer carries the key, and the work per output stays
bounded whatever the size of the region.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

MIN_CELL_DEGREES = 0.005  # about 500 m
#: A cell holds about cap / CELL_SHARE items on average: the first ring of 9 cells then holds
#: about twice `cap`, enough to choose the nearest without sorting many more.
CELL_SHARE = 4
MAX_CELL_DEGREES = 1.0


@dataclass
class _Grid(Generic[T]):
    size: float
    cells: dict[tuple[int, int], list[tuple[float, float, T]]]
    bounds: tuple[int, int, int, int]  # row min, row max, col min, col max

    def cell_of(self, lat: float, lon: float) -> tuple[int, int]:
        return (math.floor(lat / self.size), math.floor(lon / self.size))


class SpatialPostings(Generic[T]):
    """key -> items with their positions; query by key and position."""

    def __init__(self) -> None:
        self._items: dict[Hashable, list[tuple[float, float, T]]] = defaultdict(list)
        self._plain: dict[Hashable, list[T]] = defaultdict(list)  # the items alone, same order
        self._grids: dict[tuple[Hashable, int], _Grid[T]] = {}

    def add(self, key: Hashable, lat: float, lon: float, item: T) -> None:
        self._items[key].append((lat, lon, item))
        self._plain[key].append(item)

    def size(self, key: Hashable) -> int:
        return len(self._items.get(key, ()))

    def query(self, key: Hashable, lat: float, lon: float, cap: int) -> Sequence[T]:
        """All items of the key if there are at most `cap`, else the `cap` nearest (a list
        that the caller must not change)."""
        entries = self._items.get(key)
        if not entries:
            return ()
        if len(entries) <= cap:
            return self._plain[key]
        grid = self._grids.get((key, cap))
        if grid is None:
            grid = self._grids[(key, cap)] = _build_grid(entries, cap)
        row_min, row_max, col_min, col_max = grid.bounds
        centre_row, centre_col = grid.cell_of(lat, lon)
        reach = max(
            abs(centre_row - row_min),
            abs(centre_row - row_max),
            abs(centre_col - col_min),
            abs(centre_col - col_max),
        )
        found: list[tuple[float, float, T]] = []
        for ring in range(reach + 1):
            for cell in _ring(centre_row, centre_col, ring):
                found.extend(grid.cells.get(cell, ()))
            if len(found) >= cap and ring >= 1:
                break  # the ring that reached the cap is complete, and the neighbours are in
        if len(found) > cap:
            # Planar distance in degrees, longitude scaled at the query's latitude: enough to
            # order neighbours; the score uses the great-circle distance.
            scale = math.cos(math.radians(lat)) ** 2
            distance = [(e[0] - lat) ** 2 + scale * (e[1] - lon) ** 2 for e in found]
            nearest = sorted(range(len(found)), key=distance.__getitem__)[:cap]
            return [found[i][2] for i in nearest]
        return [item for _, _, item in found]


def _build_grid(entries: list[tuple[float, float, T]], cap: int) -> _Grid[T]:
    lats = [e[0] for e in entries]
    lons = [e[1] for e in entries]
    area = max((max(lats) - min(lats)) * (max(lons) - min(lons)), 1e-6)
    size = math.sqrt(area * (cap / CELL_SHARE) / len(entries))
    size = min(MAX_CELL_DEGREES, max(MIN_CELL_DEGREES, size))
    cells: dict[tuple[int, int], list[tuple[float, float, T]]] = defaultdict(list)
    for entry in entries:
        cells[(math.floor(entry[0] / size), math.floor(entry[1] / size))].append(entry)
    rows = [cell[0] for cell in cells]
    cols = [cell[1] for cell in cells]
    return _Grid(size, dict(cells), (min(rows), max(rows), min(cols), max(cols)))


def _ring(row: int, col: int, ring: int) -> Iterable[tuple[int, int]]:
    if ring == 0:
        yield (row, col)
        return
    for dc in range(-ring, ring + 1):
        yield (row - ring, col + dc)
        yield (row + ring, col + dc)
    for dr in range(-ring + 1, ring):
        yield (row + dr, col - ring)
        yield (row + dr, col + ring)
