"""The demo set-up loads the demo call and lots so that the selection pages have content."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from ecodistrict_web import commands
from ecodistrict_web.selection.models import CallVersion, LotsVersion


@pytest.mark.django_db
def test_demo_loads_the_call_and_the_lots(client):
    assert commands.load_demo(io.StringIO()) is True
    call = CallVersion.objects.get()
    lots = LotsVersion.objects.get()
    assert (call.number, call.file_id, call.district_name) == (
        1,
        "formigine-sed-2026",
        lots.district_name,
    )
    assert lots.name_en == "Smart Eco District area (demo)"
    client.login(username="staff@demo.ecodistrict", password="demo-staff-2026")
    page = client.get(reverse("selection:index")).content.decode()
    assert "Bando di insediamento Smart Eco District 2026 (dimostrativo)" in page
    assert 'data-testid="run-form"' in page
