"""The admin shows runs and set versions read-only."""

from __future__ import annotations

import pytest

from ecodistrict_web.indicators.models import IndicatorRun, IndicatorSetVersion

pytestmark = pytest.mark.django_db


def test_runs_and_set_versions_are_read_only_in_the_admin(client_for, staff_user, district):
    client = client_for(staff_user)
    run = IndicatorRun.objects.get()
    set_version = IndicatorSetVersion.objects.get()
    assert client.get("/admin/indicators/indicatorrun/").status_code == 200
    assert client.get(f"/admin/indicators/indicatorrun/{run.pk}/change/").status_code == 200
    assert client.get("/admin/indicators/indicatorrun/add/").status_code == 403
    assert client.get(f"/admin/indicators/indicatorrun/{run.pk}/delete/").status_code == 403
    response = client.post(
        f"/admin/indicators/indicatorsetversion/{set_version.pk}/change/", {"version": "9"}
    )
    assert response.status_code == 403
    assert IndicatorSetVersion.objects.get().version == "1.0"
    assert IndicatorRun.objects.get().input_sha256 == run.input_sha256
