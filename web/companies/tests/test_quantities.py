from __future__ import annotations

import pytest
from django.utils import translation

from ecodistrict_web.companies.templatetags.quantities import quantity

VALUES = [64.3, 56000.0, 9.792500000001, 1000, 0.0000123456, 1234567.891, 0, None]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("it", ["64,3", "56.000", "9,7925", "1.000", "0,00001235", "1.234.567,891", "0", "–"]),
        ("en", ["64.3", "56,000", "9.7925", "1,000", "0.00001235", "1,234,567.891", "0", "–"]),
    ],
)
def test_quantity_format(language, expected):
    with translation.override(language):
        assert [quantity(value) for value in VALUES] == expected
