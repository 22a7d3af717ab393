"""The stored district read back as a district file: the import's mapping, reversed."""

from __future__ import annotations

from importlib.resources import files

import pytest

from ecodistrict.io import validate_district_text
from ecodistrict_web.companies import selectors
from ecodistrict_web.companies.services import import_district
from ecodistrict_web.conftest import SMALL_DISTRICT

pytestmark = pytest.mark.django_db


def dumped(data):
    return data.model_dump(mode="json", exclude_none=True)


def test_the_small_district_reads_back_as_it_was_imported(district):
    original = validate_district_text(SMALL_DISTRICT.read_text(encoding="utf-8"), "x.yaml")
    rebuilt = selectors.district_file(district)
    assert dumped(rebuilt) == dumped(original.district)
    assert rebuilt.company("ceramica-alfa").flows[2].supplied_by.company == "ceramica-beta"
    assert rebuilt.district.notice == original.district.district.notice


def test_the_demo_district_reads_back_as_it_was_imported():
    text = (files("ecodistrict") / "data/demo/formigine-demo.yaml").read_text(encoding="utf-8")
    result = import_district(text, "formigine-demo.yaml", replace=False)
    assert result.ok, result.problems
    original = validate_district_text(text, "formigine-demo.yaml").district
    assert dumped(selectors.district_file(result.district)) == dumped(original)


def test_mci_inputs_of_a_product_are_stored_and_read_back(small_district_text):
    text = small_district_text.replace(
        """        temperature_c: 180
        available: continuous
""",
        """        temperature_c: 180
        available: continuous
      - id: tiles
        direction: out
        kind: material
        description: Piastrelle
        legal_status: product
        destination: unknown
        quantity: 50000
        unit: t/yr
        mci: {feedstock_recycled: 0.2, collected_recycling: 0.5, recycling_efficiency_eol: 0.8,
              recycling_efficiency_feedstock: 0.75}
""",
    )
    result = import_district(text, "with-mci.yaml", replace=False)
    assert result.ok, result.problems
    rebuilt = selectors.district_file(result.district)
    tiles = rebuilt.company("ceramica-alfa").flows[-1]
    assert tiles.id == "tiles"
    assert tiles.mci.feedstock_recycled == 0.2
    assert tiles.mci.recycling_efficiency_feedstock == 0.75
    assert dumped(rebuilt) == dumped(validate_district_text(text, "with-mci.yaml").district)
