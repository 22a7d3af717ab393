"""Posting lists with a coarse spatial grid: the nearest items of a key first.

Candidate generation looks up, for each key an output carries (an EWC code, a recovery route, a
word), the receivers that carry the same key. A key shared by a few receivers returns them all;
a key shared by many (a common word in a region of 100,000 firms) returns the `cap` nearest ones,
found by scanning grid cells in rings around the output. So nearer partners come first, a distant
partner is still found when nothing nearer carries the key, and the work per output stays
bounded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T")

CELL_DEGREES = 0.2  # about 22 km of latitude, 16 km of longitude at 45° N


def cell_of(lat: float, lon: float) -> tuple[int, int]:
    return (int(lat // CELL_DEGREES), int(lon // CELL_DEGREES))


class SpatialPostings(Generic[T]):
    """key -> items, each item at a grid cell; query by key and position."""

    def __init__(self) -> None:
        self._items: dict[Hashable, list[tuple[tuple[int, int], T]]] = defaultdict(list)
        self._grids: dict[Hashable, tuple[dict[tuple[int, int], list[T]], tuple[int, ...]]] = {}

    def add(self, key: Hashable, lat: float, lon: float, item: T) -> None:
        self._items[key].append((cell_of(lat, lon), item))

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def size(self, key: Hashable) -> int:
        return len(self._items.get(key, ()))

    def query(self, key: Hashable, lat: float, lon: float, cap: int) -> Iterable[T]:
        """All items of the key if there are at most `cap`, else the nearest rings' items."""
        entries = self._items.get(key)
        if not entries:
            return ()
        if len(entries) <= cap:
            return [item for _, item in entries]
        if key not in self._grids:
            cells: dict[tuple[int, int], list[T]] = defaultdict(list)
            for cell, item in entries:
                cells[cell].append(item)
            rows = [cell[0] for cell in cells]
            cols = [cell[1] for cell in cells]
            self._grids[key] = (cells, (min(rows), max(rows), min(cols), max(cols)))
        grid, (row_min, row_max, col_min, col_max) = self._grids[key]
        centre_row, centre_col = cell_of(lat, lon)
        reach = max(
            abs(centre_row - row_min),
            abs(centre_row - row_max),
            abs(centre_col - col_min),
            abs(centre_col - col_max),
        )
        found: list[T] = []
        for ring in range(reach + 1):
            for cell in _ring(centre_row, centre_col, ring):
                found.extend(grid.get(cell, ()))
            if len(found) >= cap and ring >= 1:
                break  # the ring that reached the cap is complete, and the neighbours are in
        return found


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
