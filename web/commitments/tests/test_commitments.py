"""The manifesto, signatures and commitments on the small test district.

Ceramica Alfa's circular inflow in the import's run is 100 × 300 / 56,300 = 0.5329 %; once its
clays are halved (28,000 t) it is 100 × 300 / 28,300 = 1.0601 %. With the baseline run dated
2025 and the new run dated 2027, a target of 1.5 % by 2029 gives progress
(1.0601 − 0.5329) / (1.5 − 0.5329) = 0.5451 ≥ elapsed (2027 − 2025) / (2029 − 2025) = 0.5: on
track; a target of 2 % gives (1.0601 − 0.5329) / (2 − 0.5329) = 0.3594 < 0.5: late; a target of
1 % is met (1.0601 ≥ 1).
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ecodistrict_web.commitments import selectors, services
from ecodistrict_web.commitments.models import CharterVersion, Commitment, Signature
from ecodistrict_web.companies.models import Flow
from ecodistrict_web.companies.services import save_flow
from ecodistrict_web.core.models import ImmutableRecordError
from ecodistrict_web.indicators.models import IndicatorRun
from ecodistrict_web.indicators.services import recompute_indicators

pytestmark = pytest.mark.django_db

BASELINE = 100 * 300 / 56300
LATEST = 100 * 300 / 28300


def _date_run(run: IndicatorRun, year: int) -> None:
    # Runs are immutable; the test moves a run to another year with a queryset update.
    IndicatorRun.objects.filter(pk=run.pk).update(
        created_at=timezone.make_aware(datetime.datetime(year, 6, 30, 12, 0))
    )


@pytest.fixture
def beta_user(make_user, district):
    return make_user("beta@test.example", "firm", [district.companies.get(slug="ceramica-beta")])


@pytest.fixture
def alfa(district):
    return district.companies.get(slug="ceramica-alfa")


@pytest.fixture
def baseline_2025(district):
    run = IndicatorRun.objects.get()
    _date_run(run, 2025)
    return run


def _new_data_2027(district, user):
    clays = Flow.objects.get(company__slug="ceramica-alfa", slug="clays")
    clays.quantity = 28000
    save_flow(clays)
    _date_run(recompute_indicators(district, user), 2027)


def test_the_first_manifesto_and_guidelines_are_published():
    charters = selectors.current_charters()
    assert [(kind, row.version) for kind, row in charters.items()] == [
        ("manifesto", 1),
        ("guidelines", 1),
    ]
    assert charters["manifesto"].title_it.startswith("Manifesto della circolarità territoriale")
    blocks = selectors.charter_blocks(charters["manifesto"].body_it)
    assert blocks[1].kind == "heading" and blocks[1].text == "1. Misurare per decidere"
    assert blocks[2].kind == "list" and len(blocks[2].items) == 2


def test_the_public_pages_show_the_texts_in_both_languages(client):
    page = client.get(reverse("commitments:charter", args=["manifesto"]))
    assert page.status_code == 200
    assert "Chiudere i cicli sul territorio" in page.content.decode()
    client.cookies["django_language"] = "en"
    page = client.get(reverse("commitments:charter", args=["manifesto"]))
    assert "Close the cycles in the territory" in page.content.decode()
    assert client.get(reverse("commitments:charter", args=["nothing"])).status_code == 404
    assert (
        client.get(reverse("commitments:charter_version", args=["manifesto", 9])).status_code == 404
    )


def test_staff_publish_a_new_version_and_the_old_one_stays(client_for, staff_user, firm_user):
    data = {
        "kind": "manifesto",
        "title_it": "Manifesto v2",
        "title_en": "Manifesto v2",
        "body_it": "Testo.",
        "body_en": "Text.",
    }
    assert client_for(firm_user).post(reverse("commitments:publish"), data).status_code == 403
    assert CharterVersion.objects.count() == 2
    response = client_for(staff_user).post(reverse("commitments:publish"), data)
    assert response.status_code == 302
    assert selectors.current_charters()["manifesto"].version == 2
    assert selectors.charter_version("manifesto", 1).title_it.startswith("Manifesto della")
    row = selectors.current_charters()["manifesto"]
    row.title_it = "changed"
    with pytest.raises(ImmutableRecordError):
        row.save()


def test_a_firm_signs_then_commits_and_sees_its_progress(
    client_for, firm_user, alfa, baseline_2025, district
):
    client = client_for(firm_user)
    # Before signing, no commitment.
    response = client.post(
        reverse("commitments:commit"),
        {
            "company": alfa.pk,
            "indicator": "circular_inflow_pct",
            "target": "1.5",
            "deadline_year": "2029",
        },
    )
    assert response.status_code == 400
    assert "Firmare il manifesto prima di registrare impegni." in response.content.decode()
    assert Commitment.objects.count() == 0

    response = client.post(
        reverse("commitments:sign"), {"company": alfa.pk, "agree": "on", "public_consent": "on"}
    )
    assert response.status_code == 302
    signatures = list(Signature.objects.order_by("document__kind"))
    assert [
        (s.document.kind, s.document.version, s.company, s.signed_by, s.public_consent)
        for s in signatures
    ] == [
        ("guidelines", 1, alfa, firm_user, True),
        ("manifesto", 1, alfa, firm_user, True),
    ]
    assert signatures[0].history.count() == 1
    with pytest.raises(ImmutableRecordError):
        signatures[0].save()
    # Signing again adds nothing.
    client.post(reverse("commitments:sign"), {"company": alfa.pk, "agree": "on"})
    assert Signature.objects.count() == 2

    for target in ("1.5", "2", "1"):
        response = client.post(
            reverse("commitments:commit"),
            {
                "company": alfa.pk,
                "indicator": "circular_inflow_pct",
                "target": target,
                "deadline_year": "2029",
            },
        )
        assert response.status_code == 302
    commitment = Commitment.objects.order_by("pk").first()
    assert (commitment.baseline_value, commitment.baseline_year) == (BASELINE, 2025)
    assert commitment.baseline_run == baseline_2025
    assert commitment.direction == "higher"
    assert commitment.history.count() == 1

    _new_data_2027(district, firm_user)
    progress = [
        selectors.progress_of(c, as_of_year=2027) for c in Commitment.objects.order_by("pk")
    ]
    assert [p.status for p in progress] == ["on_track", "late", "met"]
    assert progress[0].latest_value == LATEST
    assert progress[0].latest_year == 2027
    assert progress[0].elapsed_share == 0.5
    assert progress[0].progress_share == pytest.approx((LATEST - BASELINE) / (1.5 - BASELINE))
    assert progress[0].progress_share == pytest.approx(0.5451, abs=1e-4)
    assert progress[1].progress_share == pytest.approx(0.3594, abs=1e-4)

    report = selectors.commitments_for_report(alfa)
    assert report[2] == {
        "indicator": "circular_inflow_pct",
        "baseline": BASELINE,
        "baseline_year": 2025,
        "target": 1.0,
        "deadline": 2029,
        "latest_value": LATEST,
        "current": LATEST,
        "latest_year": 2027,
        "status": "met",
    }
    page = client.get(reverse("commitments:mine"))
    assert page.status_code == 200
    assert page.content.decode().count('data-status="met"') == 1


def test_impossible_commitments_are_refused_and_nothing_stored(
    client_for, firm_user, alfa, baseline_2025
):
    client = client_for(firm_user)
    services.sign_charters(alfa, firm_user, public_consent=False)
    cases = [
        ({"target": "0.1", "deadline_year": "2029"}, "the target 0.1 must be above the baseline"),
        (
            {"target": "5", "deadline_year": "2025"},
            "the deadline 2025 must come after the baseline year 2025",
        ),
        (
            {"target": "5", "deadline_year": "2070"},
            "al massimo 30 anni dopo l&#x27;anno di partenza 2025",
        ),
        ({"target": "abc", "deadline_year": "2029"}, "Obiettivo: Inserisci un numero."),
        (
            {"indicator": "network_nodes", "target": "5", "deadline_year": "2029"},
            "Indicatore: Scegli un",
        ),
    ]
    for fields, message in cases:
        data = {"company": alfa.pk, "indicator": "circular_inflow_pct"} | fields
        response = client.post(reverse("commitments:commit"), data)
        assert response.status_code == 400, fields
        assert message in response.content.decode(), fields
    assert Commitment.objects.count() == 0


def test_a_firm_cannot_sign_or_commit_for_another_firm(
    client_for, firm_user, beta_user, district, baseline_2025
):
    beta = district.companies.get(slug="ceramica-beta")
    services.sign_charters(beta, beta_user, public_consent=False)
    services.state_commitment(
        beta, beta_user, indicator_key="water_circularity_pct", target=20, deadline_year=2028
    )
    kept = (list(Signature.objects.values()), list(Commitment.objects.values()))
    client = client_for(firm_user)
    assert (
        client.post(reverse("commitments:sign"), {"company": beta.pk, "agree": "on"}).status_code
        == 404
    )
    assert (
        client.post(
            reverse("commitments:commit"),
            {
                "company": beta.pk,
                "indicator": "water_circularity_pct",
                "target": "30",
                "deadline_year": "2029",
            },
        ).status_code
        == 404
    )
    page = client.get(reverse("commitments:mine")).content.decode()
    assert "Ceramica Beta" not in page
    assert client.get(reverse("commitments:all")).status_code == 403
    assert (list(Signature.objects.values()), list(Commitment.objects.values())) == kept
    # Staff and facilitators read every commitment but never sign for a firm.
    assert client_for(beta_user).get(reverse("commitments:mine")).status_code == 200


def test_staff_see_every_commitment_but_do_not_sign(
    client_for, staff_user, beta_user, district, baseline_2025
):
    beta = district.companies.get(slug="ceramica-beta")
    services.sign_charters(beta, beta_user, public_consent=False)
    services.state_commitment(
        beta, beta_user, indicator_key="water_circularity_pct", target=20, deadline_year=2028
    )
    client = client_for(staff_user)
    page = client.get(reverse("commitments:all"))
    assert page.status_code == 200
    assert "Ceramica Beta" in page.content.decode()
    assert client.get(reverse("commitments:mine")).status_code == 403
    assert (
        client.post(reverse("commitments:sign"), {"company": beta.pk, "agree": "on"}).status_code
        == 403
    )
    assert Signature.objects.count() == 2


def test_the_public_page_names_only_consenting_firms(
    client, firm_user, beta_user, alfa, district, baseline_2025
):
    beta = district.companies.get(slug="ceramica-beta")
    services.sign_charters(alfa, firm_user, public_consent=True)
    services.sign_charters(beta, beta_user, public_consent=False)
    for company, user, key, target in (
        (alfa, firm_user, "circular_inflow_pct", 1.0),
        (alfa, firm_user, "landfill_outflow_pct", 50.0),
        (beta, beta_user, "water_circularity_pct", 10.0),
    ):
        result = services.state_commitment(
            company, user, indicator_key=key, target=target, deadline_year=2029
        )
        assert result.ok, result.problems
    _new_data_2027(district, firm_user)
    page = selectors.public_page("it")
    assert page.signatory_count == 2
    assert page.listed_names == ["Ceramica Alfa S.p.A."]
    counts = {row.key: (row.counts, row.total) for row in page.aggregate}
    # 2027: Alfa's circular inflow 1.0601 % ≥ 1 % (met); its landfill share is still 100 %
    # (progress 0 < elapsed 0.5: late); Alfa consented, so rows of Alfa alone may be shown.
    assert counts["circular_inflow_pct"] == ({"met": 1, "on_track": 0, "late": 0}, 1)
    assert counts["landfill_outflow_pct"] == ({"met": 0, "on_track": 0, "late": 1}, 1)
    # Beta alone committed on water and did not consent: a row of one firm would single it out.
    assert "water_circularity_pct" not in counts
    assert [firm.company_name for firm in page.listed_firms] == ["Ceramica Alfa S.p.A."]
    assert selectors.consenting_company_slugs(district.name) == {"ceramica-alfa"}
    assert [row.commitment.indicator_key for row in page.listed_firms[0].commitments] == [
        "circular_inflow_pct",
        "landfill_outflow_pct",
    ]
    html = client.get(reverse("commitments:public")).content.decode()
    assert "Ceramica Alfa S.p.A." in html
    assert "Ceramica Beta" not in html
    assert "2 imprese hanno firmato." in html


def test_relink_after_the_district_is_replaced(firm_user, alfa, small_district_text, baseline_2025):
    from ecodistrict_web.companies.services import import_district

    services.sign_charters(alfa, firm_user, public_consent=True)
    services.state_commitment(
        alfa, firm_user, indicator_key="circular_inflow_pct", target=1.0, deadline_year=2029
    )
    result = import_district(small_district_text, "again.yaml", replace=True)
    # The import reattached them (companies.signals.district_imported): nothing left to relink.
    assert services.relink_to_district(result.district) == 0
    new_alfa = result.district.companies.get(slug="ceramica-alfa")
    assert Commitment.objects.get().company == new_alfa
    assert set(Signature.objects.values_list("company", flat=True)) == {new_alfa.pk}


def test_staff_read_texts_signatures_and_commitments_in_the_admin(
    client_for, staff_user, firm_user, alfa, baseline_2025
):
    services.sign_charters(alfa, firm_user, public_consent=False)
    services.state_commitment(
        alfa, firm_user, indicator_key="circular_inflow_pct", target=1.0, deadline_year=2029
    )
    client = client_for(staff_user)
    for model in ("charterversion", "signature", "commitment"):
        page = client.get(reverse(f"admin:commitments_{model}_changelist"))
        assert page.status_code == 200, model
    assert (
        "Ceramica Alfa S.p.A."
        in client.get(reverse("admin:commitments_commitment_changelist")).content.decode()
    )
    # Read-only: no add page.
    assert client.get(reverse("admin:commitments_commitment_add")).status_code == 403


def test_the_public_page_in_english(client):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("commitments:public")).content.decode()
    assert "Manifesto of territorial circularity of the Smart Eco District of Formigine" in html
    assert "0 firms have signed." in html
