"""Generated inputs never crash the validator: they are accepted, or refused with problems."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecodistrict.domain import validate_district_data
from ecodistrict.io import validate_district_text

VALID = yaml.safe_load((Path(__file__).parent / "data" / "valid-small.yaml").read_text("utf-8"))

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["in", "out", "material", "energy", "t/yr", "MWh/yr", "10 12 08", "23.31"]),
)
json_like = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=12), children, max_size=4),
    ),
    max_leaves=25,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


PATHS = _paths(VALID)


def _check(data: Any) -> None:
    district, problems = validate_district_data(data)
    if district is None:
        assert problems, "refused without saying why"
        for problem in problems:
            assert str(problem)  # every problem renders
    else:
        assert problems == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_like)
def test_arbitrary_data_never_crashes(data):
    _check(data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), json_like)
def test_mutated_valid_file_never_crashes(path, value):
    data = copy.deepcopy(VALID)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    _check(data)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PATHS))
def test_deleting_any_field_never_crashes(path):
    data = copy.deepcopy(VALID)
    target = data
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    _check(data)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_crashes(text):
    report = validate_district_text(text, "fuzz.yaml")
    assert report.ok or report.problems
