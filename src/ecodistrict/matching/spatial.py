"""Posting lists whose crowded keys answer with their nearest items, for many places at once.

Candidate generation looks up, for each key an output carries (an EWC sub-chapter, a recovery
route, a word), the receivers that carry the same key. A key shared by at most `cap` items
returns them all; a key shared by more (a common word in a region of 100,000 firms) returns the
`cap` items nearest to the output, by great-circle distance: each crowded key has a k-d tree
(`scipy.spatial.cKDTree`) of its items' positions on the unit sphere, where the straight-line
(chord) distance orders points as the great-circle distance does. So nearer partners come first,
a distant partner is still found when nothing nearer carries the key, and the work per output is
bounded whatever the size of the region.

Items are numbered by the caller (their index in its own arrays); a posting list is an array of
those numbers, and a query answers for all the places of a chunk of outputs in one call. The
trees are built by `prepare` before the ranking forks its processes, which then share them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

IntArray = NDArray[np.int64]
K = TypeVar("K", bound=Hashable)
FloatArray = NDArray[np.float64]


def unit_vectors(lat_lon_degrees: Iterable[tuple[float, float]]) -> FloatArray:
    """Points on the unit sphere (x, y, z) of (lat, lon) pairs in degrees: one row each."""
    rows = [
        (math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat))
        for lat, lon in ((math.radians(a), math.radians(b)) for a, b in lat_lon_degrees)
    ]
    return np.array(rows, dtype=np.float64).reshape(len(rows), 3)


class NearestPostings:
    """key -> numbers of the items carrying it; the `cap` nearest of a key for many places."""

    def __init__(self, positions: FloatArray) -> None:
        self.positions = positions  # unit vectors of the items, one row per item number
        self._building: dict[Hashable, list[int]] | None = defaultdict(list)
        self._items: dict[Hashable, IntArray] = {}
        self._trees: dict[tuple[Hashable, int], cKDTree] = {}

    def extend(self, key: Hashable, items: Iterable[int]) -> None:
        """File items under `key` (in any order: `freeze` sorts each key's items)."""
        assert self._building is not None, "extend after freeze"
        self._building[key].extend(items)

    def freeze(self) -> None:
        """Turn the lists into arrays of ascending item numbers (less memory, and what the
        queries read; the order does not depend on the order items were added in)."""
        if self._building is None:
            return
        self._items = {k: np.sort(np.array(v, dtype=np.int64)) for k, v in self._building.items()}
        self._building = None

    def size(self, key: Hashable) -> int:
        found = self._items.get(key)
        return 0 if found is None else len(found)

    def prepare(self, cap: int) -> None:
        """Build the tree of every key with more than `cap` items (before forking: the
        processes share the trees instead of each building its own)."""
        for key, items in self._items.items():
            if len(items) > cap:
                self._tree(key, items, cap)

    def _tree(self, key: Hashable, items: IntArray, cap: int) -> cKDTree:
        tree = self._trees.get((key, cap))
        if tree is None:
            # The tree for a given cap: one per key in practice (the same cap every query).
            tree = self._trees[(key, cap)] = cKDTree(self.positions[items])
        return tree

    def query(self, key: Hashable, places: FloatArray, cap: int) -> IntArray:
        """For each place (a row of unit vectors), the numbers of the key's items: all of them
        when there are at most `cap`, else the `cap` nearest, nearest first. One row per place
        (an empty array with 0 columns when no item carries the key)."""
        items = self._items.get(key)
        if items is None:
            return np.empty((len(places), 0), dtype=np.int64)
        if len(items) <= cap:
            return np.broadcast_to(items, (len(places), len(items)))
        _, nearest = self._tree(key, items, cap).query(places, k=cap)
        found: IntArray = items[nearest.reshape(len(places), cap)]
        return found

    def query_all(
        self, askers: Mapping[K, Sequence[int]], places: FloatArray, cap: int
    ) -> tuple[IntArray, IntArray, IntArray]:
        """`query` for every key of `askers`, each asked by some rows of `places`: the pairs
        found as three arrays — the asking row, the item, and the key's position in `askers`."""
        rows: list[IntArray] = []
        found: list[IntArray] = []
        keys: list[IntArray] = []
        for position, (key, asking_rows) in enumerate(askers.items()):
            asking = np.array(asking_rows, dtype=np.int64)
            items = self.query(key, places[asking], cap)
            if items.shape[1]:
                rows.append(np.repeat(asking, items.shape[1]))
                found.append(items.ravel())
                keys.append(np.full(items.size, position, dtype=np.int64))
        if not rows:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, empty
        return np.concatenate(rows), np.concatenate(found), np.concatenate(keys)
