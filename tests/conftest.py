"""Shared fixtures for the library tests (no Django here)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

DATA = Path(__file__).parent / "data"


@pytest.fixture
def small_text() -> str:
    return (DATA / "valid-small.yaml").read_text(encoding="utf-8")


@pytest.fixture
def small_data(small_text: str) -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(small_text))
