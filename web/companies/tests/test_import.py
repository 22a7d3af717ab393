"""import_district: all or nothing, exact counts, normalised quantities, replace semantics."""

from __future__ import annotations

import pytest

from ecodistrict.io import validate_district_text
from ecodistrict_web.accounts.models import Membership
from ecodistrict_web.companies import services
from ecodistrict_web.companies.models import Company, District, Flow, Site
from ecodistrict_web.companies.services import import_district

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int, int]:
    return (
        District.objects.count(),
        Company.objects.count(),
        Site.objects.count(),
        Flow.objects.count(),
        Flow.objects.exclude(supplied_by=None).count(),
    )


def test_import_of_a_good_file(small_district_text):
    result = import_district(small_district_text, "small-district.yaml", replace=False)
    assert result.ok
    assert result.problems == []
    assert (result.companies, result.flows, result.links, result.replaced) == (3, 10, 2, False)
    assert counts() == (1, 3, 3, 10, 2)

    district = District.objects.get()
    assert district == result.district
    assert (district.name, district.center_lat, district.center_lon, district.radius_km) == (
        "Test district (web)",
        44.5739,
        10.8478,
        30.0,
    )
    assert district.notice == (
        "Dati illustrativi – aziende fittizie. Illustrative data – fictitious companies."
    )
    assert district.source_name == "small-district.yaml"

    alfa = Company.objects.get(slug="ceramica-alfa")
    assert (alfa.name, alfa.ateco, alfa.employees, alfa.revenue_eur) == (
        "Ceramica Alfa S.p.A.",
        "23.31",
        120,
        32000000.0,
    )
    assert (
        alfa.ateco_title == "Fabbricazione di piastrelle in ceramica per pavimenti e rivestimenti"
    )
    site = Site.objects.get(company=alfa)
    assert (site.lat, site.lon, site.is_primary) == (44.5822, 10.8233, True)
    assert Company.objects.get(slug="serrature-gamma").employees is None

    gas = Flow.objects.get(company=alfa, slug="natural-gas")
    assert (gas.direction, gas.kind, gas.quantity, gas.unit, gas.unit_normalised) == (
        "in",
        "energy",
        1000.0,
        "Sm3/yr",
        "MWh/yr",
    )
    assert gas.quantity_normalised == pytest.approx(9.7925, abs=1e-9)  # 35.253 GJ / 3.6

    scrap = Flow.objects.get(company__slug="ceramica-beta", slug="fired-scrap")
    assert (scrap.ewc, scrap.legal_status, scrap.destination) == ("10 12 08", "waste", "recycling")
    assert (scrap.origin, scrap.available, scrap.temperature_c) == ("", "", None)
    heat = Flow.objects.get(company=alfa, slug="kiln-heat")
    assert (heat.temperature_c, heat.available) == (180.0, "continuous")
    clays = Flow.objects.get(company=alfa, slug="clays")
    assert (clays.origin, clays.source_distance_km, clays.quantity_normalised) == (
        "virgin",
        450.0,
        56000.0,
    )

    links = sorted(
        (f.company.slug, f.slug, f.supplied_by.company.slug, f.supplied_by.slug)
        for f in Flow.objects.exclude(supplied_by=None).select_related("supplied_by__company")
    )
    assert links == [
        ("ceramica-alfa", "recycled-scrap", "ceramica-beta", "fired-scrap"),
        ("ceramica-beta", "heat", "ceramica-alfa", "kiln-heat"),
    ]


def test_one_bad_flow_stores_nothing(small_district_text):
    bad = small_district_text.replace(
        "        quantity: 12000\n        unit: m3/yr",
        "        quantity: 12000\n        unit: t/yr",
    )
    assert bad != small_district_text
    before = counts()
    result = import_district(bad, "bad.yaml", replace=False)
    assert not result.ok
    assert result.district is None
    assert result.problems == [
        "company 'ceramica-beta', flow 'water', field 'unit': unit 't/yr' is the wrong dimension "
        "for a water flow; use a volume per time, e.g. m3/yr or L/day"
    ]
    assert before == counts() == (0, 0, 0, 0, 0)


def test_problems_are_those_of_validate(small_district_text):
    bad = small_district_text.replace('ateco: "25.62"', 'ateco: "99.99"').replace(
        "quantity: 80\n", "quantity: -80\n"
    )
    result = import_district(bad, "bad.yaml", replace=False)
    report = validate_district_text(bad, "bad.yaml")
    assert not result.ok
    assert len(result.problems) == 2
    assert result.problems == [str(problem) for problem in report.problems]
    assert counts() == (0, 0, 0, 0, 0)


def test_a_failure_while_writing_rolls_everything_back(small_district_text, monkeypatch):
    def broken_link(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_link_exchanges", broken_link)
    with pytest.raises(RuntimeError, match="database went away"):
        import_district(small_district_text, "small-district.yaml", replace=False)
    assert counts() == (0, 0, 0, 0, 0)


def test_reimport_without_replace_is_refused(district, small_district_text):
    before = counts()
    changed = small_district_text.replace("Ceramica Alfa S.p.A.", "Ceramica Alfa Nuova S.p.A.")
    result = import_district(changed, "again.yaml", replace=False)
    assert not result.ok
    assert result.problems == [
        "un distretto di nome 'Test district (web)' è già presente; per sostituirlo, importare "
        "con --replace (riga di comando) o spuntare 'sostituisci' (pagina di importazione)"
    ]
    assert counts() == before == (1, 3, 3, 10, 2)
    assert Company.objects.filter(name="Ceramica Alfa S.p.A.").count() == 1


def test_replace_swaps_the_district_and_keeps_memberships(district, small_district_text, make_user):
    alfa = Company.objects.get(slug="ceramica-alfa")
    gamma = Company.objects.get(slug="serrature-gamma")
    member = make_user("member@test.example", "firm", [alfa, gamma])
    old_pk = district.pk
    # Gamma leaves the district; Alfa changes name.
    start = small_district_text.index("  - id: serrature-gamma")
    changed = small_district_text[:start].replace("Ceramica Alfa S.p.A.", "Ceramica Alfa Nuova")
    result = import_district(changed, "replaced.yaml", replace=True)
    assert result.ok
    assert (result.companies, result.flows, result.links, result.replaced) == (2, 8, 2, True)
    assert counts() == (1, 2, 2, 8, 2)
    new = District.objects.get()
    assert new.pk != old_pk
    assert new.source_name == "replaced.yaml"
    assert list(Company.objects.values_list("name", flat=True)) == [
        "Ceramica Alfa Nuova",
        "Ceramica Beta S.r.l.",
    ]
    assert list(Membership.objects.filter(user=member).values_list("company__slug", flat=True)) == [
        "ceramica-alfa"
    ]


def test_replace_with_a_bad_file_keeps_the_old_district(district, small_district_text):
    bad = small_district_text.replace("quantity: 80\n", "quantity: -80\n")
    result = import_district(bad, "bad.yaml", replace=True)
    assert not result.ok
    assert counts() == (1, 3, 3, 10, 2)
    assert District.objects.get().pk == district.pk


def test_replace_when_nothing_is_stored_just_imports(small_district_text):
    result = import_district(small_district_text, "small-district.yaml", replace=True)
    assert (result.ok, result.replaced) == (True, False)
    assert counts() == (1, 3, 3, 10, 2)


def test_json_files_are_read(small_district_text):
    import json

    import yaml

    text = json.dumps(yaml.safe_load(small_district_text))
    result = import_district(text, "small-district.json", replace=False)
    assert result.ok
    assert counts() == (1, 3, 3, 10, 2)
