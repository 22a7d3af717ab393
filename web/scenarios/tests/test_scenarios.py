"""Scenarios on the small test district: copy, measures, before/after, scoping, bad input.

Ceramica Alfa takes 56,000 t/yr of virgin clays and 300 t/yr of recycled chamotte: circular
inflow 100 × 300 / 56,300 = 0.5329 %. Replacing 100 t of the clays with a by-product makes it
100 × (300 + 100) / 56,300 = 0.7105 %, a change of 100 × 100 / 56,300 = +0.1776 points.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecodistrict_web.companies.models import Company, Flow, Site
from ecodistrict_web.scenarios import services
from ecodistrict_web.scenarios.models import Scenario

pytestmark = pytest.mark.django_db

BEFORE = 100 * 300 / 56300
AFTER = 100 * 400 / 56300


def declared_rows():
    """Every declared company, site and flow row, field by field, and their history length."""
    return (
        list(Company.objects.order_by("pk").values()),
        list(Site.objects.order_by("pk").values()),
        list(Flow.objects.order_by("pk").values()),
        Company.history.count(),
        Flow.history.count(),
    )


def secondary_supplier_post(quantity="100"):
    return {
        "secondary-supplier-flow": "ceramica-alfa::clays",
        "secondary-supplier-quantity": quantity,
        "secondary-supplier-description": "Materia prima seconda da fanghi ceramici",
        "secondary-supplier-origin": "by-product",
        "secondary-supplier-source_distance_km": "8",
        "secondary-supplier-note": "fornitore di Sassuolo",
    }


@pytest.fixture
def alfa(district):
    return district.companies.get(slug="ceramica-alfa")


@pytest.fixture
def beta_scenario(district, staff_user):
    beta = district.companies.get(slug="ceramica-beta")
    return services.create_scenario(staff_user, name="Beta: acqua", company=beta)


def test_a_firm_copies_its_profile_adds_a_measure_and_sees_before_and_after(
    client_for, firm_user, alfa
):
    client = client_for(firm_user)
    declared = declared_rows()
    response = client.post(
        reverse("scenarios:create"),
        {"name": "Alfa 2027", "description": "", "subject": f"company:{alfa.pk}"},
    )
    scenario = Scenario.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("scenarios:detail", args=[scenario.pk])
    assert (scenario.company, scenario.scope, scenario.changes) == (alfa, "company", [])
    assert [c["id"] for c in scenario.base_data["companies"]] == [
        "ceramica-alfa",
        "ceramica-beta",
        "serrature-gamma",
    ]

    response = client.post(
        reverse("scenarios:add_measure", args=[scenario.pk, "secondary-supplier"]),
        secondary_supplier_post(),
    )
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.changes == [
        {
            "action": "modify",
            "company": "ceramica-alfa",
            "flow": "clays",
            "fields": {"quantity": 55900.0},
            "note": "fornitore di Sassuolo",
        },
        {
            "action": "add",
            "company": "ceramica-alfa",
            "flow": "secondary-1",
            "fields": {
                "direction": "in",
                "kind": "material",
                "description": "Materia prima seconda da fanghi ceramici",
                "quantity": 100.0,
                "unit": "t/yr",
                "origin": "by-product",
                "source_distance_km": 8.0,
            },
            "note": "fornitore di Sassuolo",
        },
    ]

    response = client.post(reverse("scenarios:compute", args=[scenario.pk]))
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.result_set_version.label == "formigine-2026 v1.0"
    assert scenario.result["indicator_set"] == "formigine-2026 v1.0"
    rows = {(row["company"], row["key"]): row for row in scenario.result["indicators"]}
    inflow = rows[("ceramica-alfa", "circular_inflow_pct")]
    assert inflow["before"] == pytest.approx(BEFORE)
    assert inflow["after"] == pytest.approx(AFTER)
    assert inflow["difference"] == pytest.approx(100 * 100 / 56300)
    # Only Alfa's own indicators, plus the district's.
    assert {company for company, _key in rows} == {"ceramica-alfa", None}
    # The district's closure of matter counts exchanges in place between district firms: the new
    # supplier is outside the district, so 300 / 56,600 t stays as it was.
    closure = rows[(None, "closure_material_pct")]
    assert closure["before"] == pytest.approx(100 * 300 / 56600)
    assert closure["after"] == pytest.approx(100 * 300 / 56600)
    assert closure["difference"] == pytest.approx(0.0)

    page = client.get(reverse("scenarios:detail", args=[scenario.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-key="circular_inflow_pct"' in html
    assert "0,53" in html and "0,71" in html and "+0,18" in html
    # A firm member reads its own indicators only: no district table, no other firm's name.
    assert 'data-key="closure_material_pct"' not in html
    assert "Ceramica Beta" not in html and "Serrature Gamma" not in html

    # The declared rows are exactly as they were: the scenario never writes them.
    assert declared_rows() == declared


def test_heat_water_logistics_and_flow_edit_measures_make_their_changes(
    client_for, firm_user, alfa
):
    scenario = services.create_scenario(firm_user, name="Alfa", company=alfa)
    client = client_for(firm_user)
    declared = declared_rows()
    posts = {
        "heat-recovery": {
            "heat-recovery-company": "ceramica-alfa",
            "heat-recovery-description": "Calore recuperato dai forni",
            "heat-recovery-quantity_mwh": "250",
            "heat-recovery-temperature_c": "120",
            "heat-recovery-flow": "ceramica-alfa::natural-gas",
            "heat-recovery-fuel_reduction": "200",
        },
        "water-plant": {"water-plant-company": "ceramica-alfa", "water-plant-quantity_m3": "900"},
        "logistics": {
            "logistics-flow": "ceramica-alfa::clays",
            "logistics-source_distance_km": "60",
        },
        "flow-edit": {
            "flow-edit-action": "remove",
            "flow-edit-company": "ceramica-alfa",
            "flow-edit-flow_id": "fired-scrap",
        },
    }
    for measure, data in posts.items():
        response = client.post(reverse("scenarios:add_measure", args=[scenario.pk, measure]), data)
        assert response.status_code == 302, (measure, response.content.decode()[:3000])
    scenario.refresh_from_db()
    assert [(c["action"], c["flow"]) for c in scenario.changes] == [
        ("add", "recovered-heat-1"),
        ("modify", "natural-gas"),
        ("add", "recovered-water-1"),
        ("modify", "clays"),
        ("remove", "fired-scrap"),
    ]
    assert scenario.changes[1]["fields"] == {"quantity": 800.0}
    assert scenario.changes[0]["fields"]["temperature_c"] == 120.0
    assert scenario.changes[2]["fields"]["origin"] == "recycled"
    assert scenario.changes[3]["fields"] == {"source_distance_km": 60.0}
    result = services.compute_scenario(scenario, firm_user)
    assert result.ok, result.problems
    rows = {(r["company"], r["key"]): r for r in result.scenario.result["indicators"]}
    # All 900 m3 of Alfa's water are recovered: 100 % (it declared no water input before).
    assert rows[("ceramica-alfa", "water_circularity_pct")]["before"] is None
    assert rows[("ceramica-alfa", "water_circularity_pct")]["after"] == pytest.approx(100.0)
    # The only material outflow (fired scrap to landfill) is removed.
    assert rows[("ceramica-alfa", "landfill_outflow_pct")]["before"] == pytest.approx(100.0)
    assert declared_rows() == declared

    # Removing the first change (the heat output) keeps the others.
    response = client.post(reverse("scenarios:remove_change", args=[scenario.pk, 0]))
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert [c["flow"] for c in scenario.changes] == [
        "natural-gas",
        "recovered-water-1",
        "clays",
        "fired-scrap",
    ]
    assert scenario.result is None  # a result no longer describes the scenario


def test_bad_input_is_refused_with_the_place_and_nothing_is_stored(client_for, firm_user, alfa):
    scenario = services.create_scenario(firm_user, name="Alfa", company=alfa)
    client = client_for(firm_user)
    url = reverse("scenarios:add_measure", args=[scenario.pk, "flow-edit"])
    cases = [
        (
            {"flow-edit-fields_json": '{"quantity": '},
            "JSON non valido (riga 1, colonna 13): Expecting value",
        ),
        ({"flow-edit-fields_json": "[1, 2]"}, "Scrivere un oggetto JSON"),
        (
            {"flow-edit-fields_json": '{"quantity": -5}'},
            "company &#x27;ceramica-alfa&#x27;, flow &#x27;clays&#x27;, field &#x27;quantity&#x27;",
        ),
        (
            {"flow-edit-fields_json": '{"unit": "MWh/yr"}'},
            "flow &#x27;clays&#x27;, field &#x27;unit&#x27;",
        ),
        ({"flow-edit-fields_json": '{"colour": "red"}'}, "field &#x27;colour&#x27;"),
    ]
    for fields, message in cases:
        data = {
            "flow-edit-action": "modify",
            "flow-edit-company": "ceramica-alfa",
            "flow-edit-flow_id": "clays",
        } | fields
        response = client.post(url, data)
        assert response.status_code == 400, fields
        assert message in response.content.decode(), (fields, response.content.decode()[-4000:])
    # More than the flow holds, on a measure form.
    response = client.post(
        reverse("scenarios:add_measure", args=[scenario.pk, "secondary-supplier"]),
        secondary_supplier_post(quantity="60000"),
    )
    assert response.status_code == 400
    assert "60000 supera la quantità del flusso (56000 t/yr)." in response.content.decode()
    # A firm's scenario cannot reach another firm's flows, even with a forged field.
    response = client.post(
        url,
        {
            "flow-edit-action": "remove",
            "flow-edit-company": "ceramica-beta",
            "flow-edit-flow_id": "water",
        },
    )
    assert response.status_code == 400
    # ... nor name another firm's flow as the supplier of an input.
    response = client.post(
        url,
        {
            "flow-edit-action": "modify",
            "flow-edit-company": "ceramica-alfa",
            "flow-edit-flow_id": "clays",
            "flow-edit-fields_json": '{"supplied_by": {"company": "ceramica-beta", "flow": "x"}}',
        },
    )
    assert response.status_code == 400
    assert "modifica 1, campo supplied_by" in response.content.decode()
    response = client.post(reverse("scenarios:add_measure", args=[scenario.pk, "no-such"]), {})
    assert response.status_code == 404
    scenario.refresh_from_db()
    assert scenario.changes == []


def test_problems_in_another_firms_data_do_not_name_that_firm(client_for, firm_user, alfa):
    """Alfa's kiln heat feeds Beta's heat input (an exchange in place)."""
    scenario = services.create_scenario(firm_user, name="Alfa", company=alfa)
    client = client_for(firm_user)
    url = reverse("scenarios:add_measure", args=[scenario.pk, "flow-edit"])
    response = client.post(
        url,
        {
            "flow-edit-action": "modify",
            "flow-edit-company": "ceramica-alfa",
            "flow-edit-flow_id": "kiln-heat",
            "flow-edit-fields_json": '{"kind": "water", "unit": "m3/yr"}',
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "rompe uno scambio in essere con un&#x27;altra impresa del distretto" in html
    assert "ceramica-beta" not in html and "Ceramica Beta" not in html
    # Removing the output detaches Beta's input instead (the exchange ends in the scenario).
    response = client.post(
        url,
        {
            "flow-edit-action": "remove",
            "flow-edit-company": "ceramica-alfa",
            "flow-edit-flow_id": "kiln-heat",
        },
    )
    assert response.status_code == 302
    result = services.compute_scenario(Scenario.objects.get(), firm_user)
    rows = {(r["company"], r["key"]): r for r in result.scenario.result["indicators"]}
    # The district's energy inflows: Alfa's 1,000 Sm3 of gas (9.7925 MWh) and Beta's 200 MWh of
    # heat, all from Alfa before: closure 100 × 200 / 209.7925; after, Beta still takes 200 MWh
    # but from outside the district: 0 %.
    closure = rows[(None, "closure_energy_pct")]
    assert closure["before"] == pytest.approx(100 * 200 / 209.7925)
    assert closure["after"] == pytest.approx(0.0)
    # Beta stays Alfa's partner through the chamotte: one link before and after.
    assert rows[("ceramica-alfa", "symbiotic_links")]["before"] == 1
    assert rows[("ceramica-alfa", "symbiotic_links")]["after"] == 1


def test_a_firm_cannot_see_or_touch_another_firms_scenario(client_for, firm_user, beta_scenario):
    client = client_for(firm_user)
    kept = Scenario.objects.values().get(pk=beta_scenario.pk)
    pk = beta_scenario.pk
    assert client.get(reverse("scenarios:detail", args=[pk])).status_code == 404
    assert (
        client.post(
            reverse("scenarios:add_measure", args=[pk, "flow-edit"]),
            {
                "flow-edit-action": "remove",
                "flow-edit-company": "ceramica-beta",
                "flow-edit-flow_id": "water",
            },
        ).status_code
        == 404
    )
    assert client.post(reverse("scenarios:compute", args=[pk])).status_code == 404
    assert client.post(reverse("scenarios:remove_change", args=[pk, 0])).status_code == 404
    assert client.post(reverse("scenarios:delete", args=[pk])).status_code == 404
    listing = client.get(reverse("scenarios:list")).content.decode()
    assert "Beta: acqua" not in listing
    # A firm cannot create a scenario of another firm or of the district either.
    beta = beta_scenario.company
    response = client.post(
        reverse("scenarios:create"),
        {"name": "x", "subject": f"company:{beta.pk}"},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("scenarios:create"),
        {"name": "x", "subject": f"district:{beta.district_id}"},
    )
    assert response.status_code == 400
    assert Scenario.objects.values().get(pk=pk) == kept
    assert Scenario.objects.count() == 1


def test_a_granted_facilitator_co_designs_the_firms_scenario(
    client_for, facilitator_user, beta_scenario
):
    client = client_for(facilitator_user)
    assert client.get(reverse("scenarios:detail", args=[beta_scenario.pk])).status_code == 200
    response = client.post(
        reverse("scenarios:add_measure", args=[beta_scenario.pk, "water-plant"]),
        {
            "water-plant-company": "ceramica-beta",
            "water-plant-quantity_m3": "3000",
            "water-plant-flow": "ceramica-beta::water",
        },
    )
    assert response.status_code == 302
    result = services.compute_scenario(Scenario.objects.get(), facilitator_user)
    rows = {(r["company"], r["key"]): r for r in result.scenario.result["indicators"]}
    # Beta: 12,000 m3 of well water become 9,000 virgin + 3,000 recovered: 25 %.
    assert rows[("ceramica-beta", "water_circularity_pct")]["before"] == pytest.approx(0.0)
    assert rows[("ceramica-beta", "water_circularity_pct")]["after"] == pytest.approx(25.0)
    # The facilitator sees the district indicators as well.
    html = client.get(reverse("scenarios:detail", args=[beta_scenario.pk])).content.decode()
    assert 'data-key="closure_water_pct"' in html


def test_staff_change_several_firms_in_a_district_scenario(client_for, staff_user, district):
    client = client_for(staff_user)
    response = client.post(
        reverse("scenarios:create"),
        {"name": "Distretto 2030", "subject": f"district:{district.pk}"},
    )
    assert response.status_code == 302
    scenario = Scenario.objects.get()
    assert (scenario.scope, scenario.company) == ("district", None)
    for company, flow in (("ceramica-alfa", "fired-scrap"), ("serrature-gamma", "steel-scrap")):
        response = client.post(
            reverse("scenarios:add_measure", args=[scenario.pk, "flow-edit"]),
            {
                "flow-edit-action": "modify",
                "flow-edit-company": company,
                "flow-edit-flow_id": flow,
                "flow-edit-fields_json": '{"destination": "recycling"}',
            },
        )
        assert response.status_code == 302
    result = services.compute_scenario(Scenario.objects.get(), staff_user)
    assert result.scenario.result["companies"] == ["ceramica-alfa", "serrature-gamma"]
    rows = {(r["company"], r["key"]): r for r in result.scenario.result["indicators"]}
    # Alfa's 560 t of fired scrap go to recycling instead of landfill: 100 % -> 0 %.
    assert rows[("ceramica-alfa", "landfill_outflow_pct")]["before"] == pytest.approx(100.0)
    assert rows[("ceramica-alfa", "landfill_outflow_pct")]["after"] == pytest.approx(0.0)
    assert rows[("ceramica-alfa", "circular_outflow_pct")]["after"] == pytest.approx(100.0)


def test_a_firm_member_cannot_open_a_district_scenario(client_for, firm_user, staff_user, district):
    scenario = services.create_scenario(staff_user, name="Distretto", district=district)
    assert (
        client_for(firm_user).get(reverse("scenarios:detail", args=[scenario.pk])).status_code
        == 404
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, beta_scenario):
    response = client.get(reverse("scenarios:detail", args=[beta_scenario.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_relink_after_the_district_is_replaced(district, staff_user, small_district_text):
    from ecodistrict_web.companies.services import import_district

    alfa = district.companies.get(slug="ceramica-alfa")
    scenario = services.create_scenario(staff_user, name="Alfa", company=alfa)
    result = import_district(small_district_text, "again.yaml", replace=True)
    # The import itself reattaches it (companies.signals.district_imported); a second call of
    # the relink finds nothing left to do.
    scenario.refresh_from_db()
    assert services.relink_to_district(result.district) == 0
    assert scenario.district == result.district
    assert scenario.company == result.district.companies.get(slug="ceramica-alfa")


def test_staff_read_scenarios_in_the_admin(client_for, staff_user, beta_scenario):
    client = client_for(staff_user)
    page = client.get(reverse("admin:scenarios_scenario_changelist"))
    assert page.status_code == 200
    assert "Beta: acqua" in page.content.decode()
    assert client.get(reverse("admin:scenarios_scenario_add")).status_code == 403


def test_a_granted_facilitator_works_on_a_scenario_but_cannot_delete_it(
    client_for, make_user, district, beta_scenario
):
    from ecodistrict_web.accounts.services import grant_facilitator

    facilitator = make_user("co-design@test.example", "facilitator")
    grant_facilitator(facilitator, district=district)
    client = client_for(facilitator)
    kept = Scenario.objects.values().get(pk=beta_scenario.pk)
    assert client.get(reverse("scenarios:detail", args=[beta_scenario.pk])).status_code == 200
    assert client.post(reverse("scenarios:delete", args=[beta_scenario.pk])).status_code == 403
    assert Scenario.objects.values().get(pk=beta_scenario.pk) == kept
