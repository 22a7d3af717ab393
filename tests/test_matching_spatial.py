"""The posting lists of the matching search: all items of a small key, the nearest of a crowded
one (checked against great-circle distances computed one by one)."""

import random
from typing import NamedTuple

import numpy as np

from ecodistrict.geo import great_circle_km
from ecodistrict.matching.spatial import NearestPostings, unit_vectors


def test_unit_vectors_of_known_places():
    points = unit_vectors([(0.0, 0.0), (90.0, 0.0), (0.0, 90.0)])
    assert np.allclose(points, [[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    assert unit_vectors([]).shape == (0, 3)


class Place(NamedTuple):
    lat: float
    lon: float


def _postings(places):
    postings = NearestPostings(unit_vectors(places))
    return postings


def test_a_key_with_few_items_returns_them_all_for_every_place():
    postings = _postings([(44.5, 10.8), (44.6, 10.9), (45.0, 11.0)])
    postings.extend("whey", [2])
    postings.extend("whey", [0])
    postings.freeze()
    found = postings.query("whey", unit_vectors([(44.0, 10.0), (46.0, 12.0)]), cap=5)
    assert found.tolist() == [[0, 2], [0, 2]]  # ascending numbers, whatever the order added
    assert postings.query("sulphur", unit_vectors([(44.0, 10.0)]), cap=5).shape == (1, 0)
    assert postings.size("whey") == 2 and postings.size("sulphur") == 0


def test_a_key_filled_by_groups_lists_its_items_in_ascending_order():
    postings = _postings([(44.5, 10.8), (44.6, 10.9), (45.0, 11.0)])
    postings.extend("slag", [2, 1])
    postings.extend("slag", [0])
    postings.freeze()
    assert postings.query("slag", unit_vectors([(44.0, 10.0)]), cap=5).tolist() == [[0, 1, 2]]


def test_a_crowded_key_returns_the_nearest_items_by_great_circle_distance():
    rng = random.Random(11)
    places = [(44.0 + rng.random() * 2.0, 9.5 + rng.random() * 3.0) for _ in range(400)]
    postings = _postings(places)
    for number in range(0, 400, 2):  # every other place carries the key
        postings.extend(("material", "t", "fanghi"), [number])
    postings.freeze()
    postings.prepare(cap=7)
    asked = [(44.7, 10.9), (45.9, 12.4), (44.0, 9.5)]
    found = postings.query(("material", "t", "fanghi"), unit_vectors(asked), cap=7)
    assert found.shape == (3, 7)
    for (lat, lon), row in zip(asked, found.tolist(), strict=True):
        by_distance = sorted(
            range(0, 400, 2), key=lambda n: great_circle_km(Place(lat, lon), Place(*places[n]))
        )
        assert row == by_distance[:7]  # the seven nearest, nearest first


def test_the_nearest_item_is_found_however_far_it_is():
    # A crowded key whose items all lie in Sicily: a query from Modena still gets the nearest.
    places = [(37.5 + 0.01 * n, 14.0 + 0.01 * n) for n in range(30)]
    postings = _postings(places)
    for number in range(30):
        postings.extend("gesso", [number])
    postings.freeze()
    found = postings.query("gesso", unit_vectors([(44.6, 10.9)]), cap=3)
    assert found.tolist() == [[29, 28, 27]]
    # About 6.8° of latitude and 3.4° of longitude away: some 810 km as the crow flies.
    assert 800 < great_circle_km(Place(44.6, 10.9), Place(*places[29])) < 820
