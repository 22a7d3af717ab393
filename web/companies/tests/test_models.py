"""Models: choices equal the library's Literal values, constraints hold."""

from __future__ import annotations

from typing import get_args

import pytest
from django.db import IntegrityError, transaction

from ecodistrict.domain import models as domain
from ecodistrict_web.companies import models
from ecodistrict_web.companies.models import Company, District, Flow, Site


@pytest.mark.parametrize(
    ("choices", "literal"),
    [
        (models.Direction, domain.Direction),
        (models.FlowKind, domain.FlowKind),
        (models.LegalStatus, domain.LegalStatus),
        (models.Destination, domain.Destination),
        (models.Origin, domain.Origin),
        (models.Availability, domain.Availability),
    ],
)
def test_choices_match_the_district_file(choices, literal):
    assert choices.values == list(get_args(literal))


def test_identifier_validator_matches_the_file_format():
    from django.core.exceptions import ValidationError

    models.IDENTIFIER("ceramica-alfa_2.0")
    with pytest.raises(ValidationError):
        models.IDENTIFIER("Ceramica Alfa")


@pytest.mark.django_db
def test_slugs_are_unique_per_district_and_per_company():
    one = District.objects.create(name="One", center_lat=44.5, center_lon=10.8)
    two = District.objects.create(name="Two", center_lat=44.5, center_lon=10.8)
    alfa = Company.objects.create(district=one, slug="alfa", name="Alfa", ateco="23.31")
    Company.objects.create(district=two, slug="alfa", name="Alfa bis", ateco="23.31")
    with pytest.raises(IntegrityError), transaction.atomic():
        Company.objects.create(district=one, slug="alfa", name="Alfa ter", ateco="23.31")
    flow = {
        "direction": "in",
        "kind": "material",
        "description": "x",
        "quantity": 1,
        "unit": "t/yr",
        "quantity_normalised": 1,
        "unit_normalised": "t/yr",
    }
    Flow.objects.create(company=alfa, slug="clays", **flow)
    with pytest.raises(IntegrityError), transaction.atomic():
        Flow.objects.create(company=alfa, slug="clays", **flow)
    assert (Company.objects.count(), Flow.objects.count()) == (2, 1)


@pytest.mark.django_db
def test_one_primary_site_per_company():
    district = District.objects.create(name="One", center_lat=44.5, center_lon=10.8)
    alfa = Company.objects.create(district=district, slug="alfa", name="Alfa", ateco="23.31")
    Site.objects.create(company=alfa, lat=44.58, lon=10.82, is_primary=True)
    Site.objects.create(company=alfa, lat=44.59, lon=10.83, is_primary=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Site.objects.create(company=alfa, lat=44.60, lon=10.84, is_primary=True)
    assert alfa.primary_site.lat == 44.58
