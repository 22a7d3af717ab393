"""Indicator runs: made after each import and on request, stored with their data and set version,
never changed afterwards."""

from __future__ import annotations

import pytest

from ecodistrict.io import validate_district_text
from ecodistrict_web.companies.models import Company, District, Flow
from ecodistrict_web.companies.services import import_district, save_flow
from ecodistrict_web.conftest import SMALL_DISTRICT
from ecodistrict_web.core.models import ImmutableRecordError, canonical_sha256
from ecodistrict_web.indicators import selectors, services
from ecodistrict_web.indicators.models import (
    IndicatorRun,
    IndicatorSetVersion,
)

pytestmark = pytest.mark.django_db

# Ceramica Alfa: 300 t/yr of recycled chamotte among 56,000 + 300 t/yr of material inflows.
ALFA_CIRCULAR_INFLOW = 0.5328596802841918  # 100 × 300 / 56,300
# ... and among 28,000 + 300 once its clays are halved.
ALFA_CIRCULAR_INFLOW_AFTER = 1.0600706713780919  # 100 × 300 / 28,300
DISTRICT_CLOSURE_MATERIAL = 0.5300353356890459  # 100 × 300 / (56,300 + 300 of Gamma's steel)
DISTRICT_CLOSURE_MATERIAL_AFTER = 1.048951048951049  # 100 × 300 / 28,600


def small_file_snapshot() -> dict:
    report = validate_district_text(SMALL_DISTRICT.read_text(encoding="utf-8"), "x.yaml")
    return report.district.model_dump(mode="json", exclude_none=True)


def test_an_import_computes_and_stores_a_run_with_the_shipped_set(district):
    run = IndicatorRun.objects.get()
    assert run.trigger == "import"
    assert run.created_by is None
    assert run.district == district
    assert run.district_name == "Test district (web)"
    assert run.indicator_set_label == "formigine-2026 v1.0"
    assert run.results["indicator_set"] == "formigine-2026 v1.0"
    assert (run.set_version.key, run.set_version.version) == ("formigine-2026", "1.0")
    assert run.set_version.published and run.set_version.shipped
    assert run.input_snapshot == small_file_snapshot()
    assert run.input_sha256 == canonical_sha256(small_file_snapshot())
    assert run.snapshot_intact()
    assert run.results["companies"]["ceramica-alfa"]["circular_inflow_pct"] == ALFA_CIRCULAR_INFLOW
    assert run.results["district"]["closure_material_pct"] == DISTRICT_CLOSURE_MATERIAL
    assert run.details["companies"]["ceramica-alfa"]["circular_inflow_pct"] == {
        "value": ALFA_CIRCULAR_INFLOW,
        "reason": None,
        "numerator": 300.0,
        "denominator": 56300.0,
    }
    assert run.flow_balance["matter"]["from_outside"] == 56300.0
    assert run.positions["companies"]["ceramica-alfa"]["division"] == "23"
    assert run.positions["district"]["format"] == "ecodistrict/district-position/1"


def test_a_later_change_of_the_data_does_not_touch_an_earlier_run(district, staff_user):
    first = IndicatorRun.objects.get()
    clays = Flow.objects.get(company__slug="ceramica-alfa", slug="clays")
    clays.quantity = 28000
    save_flow(clays)

    second = services.compute_and_store(district, first.set_version, staff_user)

    first.refresh_from_db()
    assert first.input_snapshot == small_file_snapshot()
    assert first.input_snapshot["companies"][0]["flows"][0]["quantity"] == 56000.0
    assert first.snapshot_intact()
    assert first.results["companies"]["ceramica-alfa"]["circular_inflow_pct"] == (
        ALFA_CIRCULAR_INFLOW
    )
    assert first.results["district"]["closure_material_pct"] == DISTRICT_CLOSURE_MATERIAL

    assert second.trigger == "manual"
    assert second.created_by == staff_user
    assert second.input_snapshot["companies"][0]["flows"][0]["quantity"] == 28000.0
    assert second.input_sha256 != first.input_sha256
    assert second.results["companies"]["ceramica-alfa"]["circular_inflow_pct"] == (
        ALFA_CIRCULAR_INFLOW_AFTER
    )
    assert second.results["district"]["closure_material_pct"] == DISTRICT_CLOSURE_MATERIAL_AFTER
    assert [run.pk for run in selectors.district_runs(staff_user, district)] == [
        second.pk,
        first.pk,
    ]


def test_a_stored_run_cannot_be_changed(district):
    run = IndicatorRun.objects.get()
    run.results = {"tampered": True}
    with pytest.raises(ImmutableRecordError):
        run.save()
    run.refresh_from_db()
    assert run.results["indicator_set"] == "formigine-2026 v1.0"
    # The services offer no way to change or delete a run, nor a published set version.
    writers = {name for name in dir(services) if not name.startswith("_")}
    assert not {name for name in writers if name.startswith(("update", "delete", "change"))}


def test_replacing_the_district_keeps_the_earlier_runs(district, staff_user, small_district_text):
    before = IndicatorRun.objects.get()
    result = import_district(
        small_district_text.replace("quantity: 56000", "quantity: 28000"),
        "small-district.yaml",
        replace=True,
    )
    assert result.ok and result.replaced
    assert result.indicator_run is not None and result.indicator_error == ""
    before.refresh_from_db()
    assert before.district is None  # the old district rows are gone, the run is not
    assert before.district_name == "Test district (web)"
    assert before.results["district"]["closure_material_pct"] == DISTRICT_CLOSURE_MATERIAL
    new_district = District.objects.get()
    assert [run.pk for run in selectors.district_runs(staff_user, new_district)] == [
        result.indicator_run.pk,
        before.pk,
    ]
    assert result.indicator_run.results["district"]["closure_material_pct"] == (
        DISTRICT_CLOSURE_MATERIAL_AFTER
    )


def test_an_import_stands_when_the_indicators_cannot_be_computed(
    db, small_district_text, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("calculator exploded")

    monkeypatch.setattr(services, "compute_and_store", broken)
    result = import_district(small_district_text, "small-district.yaml", replace=False)
    assert result.ok
    assert result.indicator_run is None
    assert result.indicator_error == "calculator exploded"
    assert Company.objects.count() == 3
    assert IndicatorRun.objects.count() == 0


def test_the_shipped_set_is_registered_once(db):
    first = services.ensure_default_indicator_set()
    second = services.ensure_default_indicator_set()
    assert first.pk == second.pk
    assert IndicatorSetVersion.objects.count() == 1
    assert first.label == "formigine-2026 v1.0"
    assert first.yaml_text == selectors.shipped_set_text()
    assert first.published_by is None
