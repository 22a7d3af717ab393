"""Calls and lots as stored data, runs as background tasks, the pages and who reaches them."""

from __future__ import annotations

import json

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from ecodistrict.domain.models import DistrictFile
from ecodistrict.indicators import load_indicator_set
from ecodistrict.selection import assess_call, parse_call
from ecodistrict_web.selection import services
from ecodistrict_web.selection.models import (
    CallVersion,
    ImmutableRecordError,
    LotsVersion,
    RunStatus,
    SelectionRun,
)
from ecodistrict_web.selection.tests.conftest import CALL, CONTRADICTORY_LOTS, LOTS


def _start(client, district, captured, **data):
    with captured(execute=True):
        return client.post(reverse("selection:run_start"), {"district": district.pk, **data})


def _counts():
    return (
        CallVersion.objects.count(),
        LotsVersion.objects.count(),
        SelectionRun.objects.count(),
    )


# --- calls and lots -------------------------------------------------------------------------------


def test_bad_call_shows_the_field_and_stores_nothing(district, staff_user, client_for):
    client = client_for(staff_user)
    url = reverse("selection:file_new", args=["call"]) + f"?district={district.pk}"
    bad_weights = CALL.replace("weight: 0.4", "weight: 0.3")
    response = client.post(url, {"text": bad_weights})
    assert response.status_code == 400
    text = response.content.decode()
    assert (
        "field &#x27;criteria[*].weight&#x27;: the weights must sum to 1 (±1e-09); "
        "they sum to 0.9 (0.6 + 0.3)"
    ) in text
    bad_operator = CALL.replace('operator: "=="', 'operator: ">"')
    response = client.post(url, {"text": bad_operator})
    assert response.status_code == 400
    assert "field &#x27;requirements[0].operator&#x27;" in response.content.decode()
    unknown = CALL.replace("company: serrature-gamma", "company: nobody")
    response = client.post(url, {"text": unknown})
    assert response.status_code == 400
    assert (
        "field &#x27;applicants[1].company&#x27;: no company &#x27;nobody&#x27; "
        "in the district file"
    ) in response.content.decode()
    response = client.post(url, {"text": "format: [unclosed"})
    assert response.status_code == 400
    assert "line 2, column 1: not valid YAML" in response.content.decode()
    assert _counts() == (0, 0, 0)


def test_call_saved_then_edited_in_place_until_a_run_uses_it(
    district, staff_user, client_for, inline_runs, django_capture_on_commit_callbacks
):
    client = client_for(staff_user)
    response = client.post(
        reverse("selection:file_new", args=["call"]) + f"?district={district.pk}",
        {"text": CALL},
    )
    version = CallVersion.objects.get()
    assert response.status_code == 302
    assert (version.number, version.file_id, version.name_it) == (1, "test-call", "Bando di prova")
    edited = CALL.replace("name_it: Bando di prova", "name_it: Bando di prova bis")
    client.post(reverse("selection:file_edit", args=["call", version.pk]), {"text": edited})
    version.refresh_from_db()
    assert (CallVersion.objects.count(), version.number, version.name_it) == (
        1,
        1,
        "Bando di prova bis",
    )
    _start(client, district, django_capture_on_commit_callbacks, kind="rank", call=version.pk)
    # Used by a run: the version never changes again, an edit is a new version.
    version.name_it = "changed"
    with pytest.raises(ImmutableRecordError):
        version.save()
    client.post(reverse("selection:file_edit", args=["call", version.pk]), {"text": CALL})
    version.refresh_from_db()
    assert version.name_it == "Bando di prova bis"
    assert list(CallVersion.objects.order_by("number").values_list("number", "name_it")) == [
        (1, "Bando di prova bis"),
        (2, "Bando di prova"),
    ]


def test_bad_lots_file_names_the_field(district, staff_user, client_for):
    client = client_for(staff_user)
    url = reverse("selection:file_new", args=["lots"]) + f"?district={district.pk}"
    response = client.post(url, {"text": LOTS.replace("area_m2: 1000", "area_m2: -5")})
    assert response.status_code == 400
    assert "field &#x27;lots[1].area_m2&#x27;" in response.content.decode()
    assert _counts() == (0, 0, 0)


# --- runs -----------------------------------------------------------------------------------------


def test_rank_run_completes_and_stores_what_the_library_returns(
    district,
    staff_user,
    client_for,
    call_version,
    inline_runs,
    django_capture_on_commit_callbacks,
):
    client = client_for(staff_user)
    response = _start(
        client, district, django_capture_on_commit_callbacks, kind="rank", call=call_version.pk
    )
    run = SelectionRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("selection:run", args=[run.pk])
    assert (run.status, run.progress, run.error) == (RunStatus.DONE, 100, "")
    assert run.parameters == {"method": None}
    assert run.snapshot_intact()
    expected = assess_call(
        DistrictFile.model_validate(run.input_snapshot["district"]),
        parse_call(yaml.safe_load(CALL)),
        indicator_set=load_indicator_set("formigine-2026"),
    ).to_document()
    assert run.result == json.loads(json.dumps(expected))
    assert run.result["indicator_set"] == "formigine-2026 v1.0"
    assert run.result["ranking"]["ranking"] == [
        {
            "applicant": "ceramica-beta",
            "rank": 1,
            "score": 1.0,
            "values": {"circularity": 100.0, "links": 3.0},
            "normalised": {"circularity": 1.0, "links": 1.0},
        },
        {
            "applicant": "serrature-gamma",
            "rank": 2,
            "score": 0.0,
            "values": {"circularity": 21.05263157894737, "links": 0.0},
            "normalised": {"circularity": 0.0, "links": 0.0},
        },
    ]
    page = client.get(reverse("selection:run", args=[run.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="requirements"' in text and 'data-testid="ranking"' in text
    assert "Ceramica Beta S.r.l." in text and "1–1" in text
    status = client.get(reverse("selection:run_status", args=[run.pk])).json()
    assert status == {
        "status": "done",
        "status_label": "completato",
        "progress": 100,
        "message": "Completato.",
        "finished": True,
    }
    client.cookies["django_language"] = "en"
    english = client.get(reverse("selection:run", args=[run.pk])).content.decode()
    assert "Requirements of the call" in english and "Assessment validated" in english
    assert "Requisiti del bando" not in english
    del client.cookies["django_language"]
    document = client.get(reverse("selection:run_document", args=[run.pk])).json()
    assert (document["input_sha256"], document["input_intact"]) == (run.input_sha256, True)
    assert document["input"]["call"]["call"]["id"] == "test-call"


def test_a_finished_run_is_immutable(
    district, staff_user, call_version, inline_runs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.queue_run(district, "rank", staff_user, call_version=call_version)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    run.result = {"tampered": True}
    with pytest.raises(ImmutableRecordError):
        run.save()
    run.refresh_from_db()
    assert run.result["format"] == "ecodistrict/ranking/1"
    # A finished run is not executed twice.
    assert services.execute_run(run.pk) is None


def test_settle_with_contradictory_fixed_choices_fails_with_the_explanation(
    district, staff_user, client_for, call_version, inline_runs, django_capture_on_commit_callbacks
):
    lots = services.save_lots_version(district, CONTRADICTORY_LOTS, staff_user).version
    client = client_for(staff_user)
    _start(
        client,
        district,
        django_capture_on_commit_callbacks,
        kind="settle",
        call=call_version.pk,
        lots=lots.pk,
        time_limit_s="2",
    )
    run = SelectionRun.objects.get()
    assert (run.status, run.result) == (RunStatus.FAILED, None)
    assert run.error == "field 'fixed[1]': 'ceramica-beta' is forced out and, by fixed[0], in"
    page = client.get(reverse("selection:run", args=[run.pk])).content.decode()
    assert "field &#x27;fixed[1]&#x27;: &#x27;ceramica-beta&#x27; is forced out" in page
    assert "Traceback" not in page


def test_settle_run_shows_the_lots_and_compares_two_scenarios(
    district,
    staff_user,
    client_for,
    call_version,
    lots_version,
    inline_runs,
    django_capture_on_commit_callbacks,
):
    # The variant forces serrature-gamma in (its ranking score is 0, so the base leaves it out).
    forced = LOTS + "fixed:\n  - {company: serrature-gamma, choice: in}\n"
    variant_lots = services.save_lots_version(district, forced, staff_user).version
    client = client_for(staff_user)
    for name, lots in (("base", lots_version), ("variant", variant_lots)):
        _start(
            client,
            district,
            django_capture_on_commit_callbacks,
            kind="settle",
            call=call_version.pk,
            lots=lots.pk,
            time_limit_s="5",
            name=name,
        )
    a, b = SelectionRun.objects.order_by("pk")
    assert (a.status, b.status) == (RunStatus.DONE, RunStatus.DONE), (a.error, b.error)
    assert a.result["settled"] == {"ceramica-beta": "l1"}
    assert a.result["settlement"]["not_settled"] == {
        "serrature-gamma": "settling it adds no points (ranking score and exchanges worth "
        "nothing net of transport); lot l2 stays free"
    }
    assert b.result["settled"] == {"ceramica-beta": "l1", "serrature-gamma": "l2"}
    assert (a.result["settlement"]["status"], b.result["settlement"]["status"]) == (
        "OPTIMAL",
        "OPTIMAL",
    )
    base_page = client.get(reverse("selection:run", args=[a.pk])).content.decode()
    assert "insediarla non aggiunge punti" in base_page and "il lotto l2 resta libero" in base_page
    assert "Chiusura del ciclo della materia (%)" in base_page
    text = client.get(reverse("selection:run", args=[b.pk])).content.decode()
    assert 'data-lots-map="lots-map"' in text and 'data-testid="lots-assignment"' in text
    assert "Serrature Gamma" in text
    response = client.get(
        reverse("selection:compare") + f"?district={district.pk}&a={a.pk}&b={b.pk}"
    )
    assert response.status_code == 200
    comparison = response.context["page"].comparison
    assert [(row["applicant"], row["a"], row["b"]) for row in comparison["who"]] == [
        ("ceramica-beta", "l1", "l1"),
        ("serrature-gamma", None, "l2"),
    ]
    assert (comparison["only_in_a"], comparison["only_in_b"]) == ([], ["serrature-gamma"])
    other = client.get(reverse("selection:compare") + f"?district={district.pk}&a={a.pk}&b=999")
    assert other.status_code == 404


def test_optimize_run_on_the_worker(district, staff_user, client_for, settings):
    settings.ECODISTRICT_TASKS_INLINE = False
    run = services.queue_run(
        district, "optimize", staff_user, parameters={"objective": "co2", "top_k": 5}
    )
    assert SelectionRun.objects.get(pk=run.pk).status == RunStatus.QUEUED
    call_command("run_selection_worker", "--once")
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert (run.result["format"], run.result["objective"], run.result["status"]) == (
        "ecodistrict/network/1",
        "co2",
        "OPTIMAL",
    )
    text = client_for(staff_user).get(reverse("selection:run", args=[run.pk])).content.decode()
    assert 'data-map="network-map"' in text and 'data-testid="exchanges"' in text


@pytest.mark.django_db(transaction=True)
def test_inline_run_in_a_thread(small_district_text, make_user, monkeypatch, settings):
    from ecodistrict_web.companies.services import import_district

    settings.ECODISTRICT_TASKS_INLINE = True
    district = import_district(small_district_text, "small.yaml", replace=False).district
    staff = make_user("thread-staff@test.example", "staff")
    version = services.save_call_version(district, CALL, staff).version
    threads = []
    original = services.start_in_thread
    monkeypatch.setattr(services, "start_in_thread", lambda pk: threads.append(original(pk)))
    run = services.queue_run(district, "rank", staff, call_version=version)
    assert len(threads) == 1
    threads[0].join(timeout=60)
    run.refresh_from_db()
    assert (run.status, run.progress) == (RunStatus.DONE, 100)


# --- who reaches what -----------------------------------------------------------------------------


def _pages(district, run, version):
    return [
        reverse("selection:index"),
        reverse("selection:index") + f"?district={district.pk}",
        reverse("selection:file_new", args=["call"]) + f"?district={district.pk}",
        reverse("selection:file", args=["call", version.pk]),
        reverse("selection:file_edit", args=["call", version.pk]),
        reverse("selection:run", args=[run.pk]),
        reverse("selection:run_status", args=[run.pk]),
        reverse("selection:run_document", args=[run.pk]),
        reverse("selection:compare") + f"?district={district.pk}",
    ]


def _queued_run(district, staff_user, call_version):
    return services.queue_run(district, "rank", staff_user, call_version=call_version)


def test_firm_member_gets_404_everywhere_and_changes_nothing(
    district, staff_user, firm_user, client_for, call_version
):
    run = _queued_run(district, staff_user, call_version)
    before = _counts()
    client = client_for(firm_user)
    for url in _pages(district, run, call_version):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("selection:run_start"),
            {"district": district.pk, "kind": "rank", "call": call_version.pk},
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("selection:file_edit", args=["call", call_version.pk]), {"text": CALL}
        ).status_code
        == 404
    )
    assert _counts() == before
    call_version.refresh_from_db()
    assert call_version.text == CALL
    assert SelectionRun.objects.get(pk=run.pk).status == RunStatus.QUEUED


def test_facilitator_without_grant_gets_404(
    district, staff_user, make_user, client_for, call_version
):
    run = _queued_run(district, staff_user, call_version)
    client = client_for(make_user("nogrant@test.example", "facilitator"))
    for url in _pages(district, run, call_version):
        assert client.get(url).status_code == 404, url


def test_granted_facilitator_reads_but_cannot_write(
    district, staff_user, facilitator_user, client_for, call_version
):
    run = _queued_run(district, staff_user, call_version)
    before = _counts()
    client = client_for(facilitator_user)
    assert client.get(reverse("selection:run", args=[run.pk])).status_code == 200
    assert client.get(reverse("selection:file", args=["call", call_version.pk])).status_code == 200
    index = client.get(reverse("selection:index")).content.decode()
    assert 'data-testid="run-form"' not in index
    assert (
        client.post(
            reverse("selection:run_start"),
            {"district": district.pk, "kind": "rank", "call": call_version.pk},
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("selection:file_new", args=["call"]) + f"?district={district.pk}",
            {"text": CALL},
        ).status_code
        == 403
    )
    assert _counts() == before


# --- bad input ends a run with the library's explanation ------------------------------------------


def test_rank_run_where_nobody_passes_fails_with_who_was_eliminated(
    district, staff_user, client_for, inline_runs, django_capture_on_commit_callbacks
):
    impossible = CALL.replace(
        'operator: "=="\n    threshold: 1', 'operator: ">="\n    threshold: 2'
    )
    version = services.save_call_version(district, impossible, staff_user).version
    _start(
        client_for(staff_user),
        district,
        django_capture_on_commit_callbacks,
        kind="rank",
        call=version.pk,
    )
    run = SelectionRun.objects.get()
    assert (run.status, run.result) == (RunStatus.FAILED, None)
    assert run.error.splitlines() == [
        "no applicant meets every requirement of the call",
        "requirement 'assessment' eliminated: ceramica-beta (1), serrature-gamma (1)",
    ]


def test_settle_run_with_lots_too_small_for_anyone_fails(
    district, staff_user, client_for, call_version, inline_runs, django_capture_on_commit_callbacks
):
    tiny = LOTS.replace("area_m2: 2000", "area_m2: 500").replace("area_m2: 1000", "area_m2: 400")
    lots = services.save_lots_version(district, tiny, staff_user).version
    _start(
        client_for(staff_user),
        district,
        django_capture_on_commit_callbacks,
        kind="settle",
        call=call_version.pk,
        lots=lots.pk,
        time_limit_s="2",
    )
    run = SelectionRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert run.error == (
        "no applicant fits any lot: the largest lot ('l1') has 500 m2 and the smallest need is "
        "800 m2 ('serrature-gamma'), or the lots' allowed classes and incompatibilities exclude "
        "every applicant"
    )


def test_hostile_run_form_stores_nothing(district, staff_user, client_for, call_version):
    client = client_for(staff_user)
    url = reverse("selection:run_start")
    for data in (
        {"kind": "bogus", "call": call_version.pk},
        {"kind": "rank", "call": "abc"},
        {"kind": "settle", "call": call_version.pk, "time_limit_s": "-1"},
        {"kind": "optimize", "max_distance_km": "nan"},
        {"kind": "rank"},
        {"kind": "settle", "call": call_version.pk},
        {"kind": "rank", "call": 999999},
    ):
        response = client.post(url, {"district": district.pk, **data})
        assert response.status_code == 302, data
        assert response["Location"] == reverse("selection:index") + f"?district={district.pk}"
    assert SelectionRun.objects.count() == 0
    assert client.post(url, {"district": 999999, "kind": "rank"}).status_code == 404


def test_network_sankey_draws_the_largest_exchanges_and_the_table_all():
    from ecodistrict_web.selection.selectors import MAX_SANKEY_LINKS, _network_section

    companies = [
        {"id": f"f{i}", "name": f"Firm {i}", "location": {"lat": 44.5, "lon": 10.8 + i / 100}}
        for i in range(41)
    ]
    exchanges = [
        {
            "supplier": "f0",
            "supplier_flow": "scrap",
            "receiver": f"f{i}",
            "receiver_flow": None,
            "kind": "material",
            "quantity": float(i),
            "unit": "t/yr",
            "distance_km": 1.0,
            "co2_avoided_t_per_yr": float(i) / 10,
        }
        for i in range(1, 41)
    ]
    document = {
        "exchanges": exchanges,
        "closure_before_pct": {"matter": 1.0},
        "closure_after_pct": {"matter": 2.0},
    }
    section = _network_section(document, {"district": {"companies": companies}}, "it")
    (chart,) = section.charts
    assert (chart["shown"], chart["total"], MAX_SANKEY_LINKS) == (30, 40, 30)
    assert chart["chart"]["links"]["value"] == [float(i) for i in range(40, 10, -1)]
    assert len(section.exchanges) == 40
    assert [(row.cycle, row.before, row.after) for row in section.closure] == [
        ("materia", 1.0, 2.0)
    ]


# --- applicants from the platform's assessments ---------------------------------------------------

APPLICANT_COMPANY = {
    "id": "applicant-7",
    "name": "Officine Secchia S.r.l.",
    "ateco": "25.62",
    "location": {"lat": 44.58, "lon": 10.86},
    "flows": [
        {"id": "steel", "direction": "in", "kind": "material", "description": "Acciaio in barre",
         "quantity": 100, "unit": "t/yr", "origin": "recycled"},
    ],
}  # fmt: skip


def _platform_applicant(district, review_status):
    """A firm that applied through the platform, with one submitted assessment version."""
    from django.utils import timezone

    from ecodistrict_web.accounts.models import User
    from ecodistrict_web.assessments.models import Assessment, AssessmentVersion
    from ecodistrict_web.core.models import canonical_sha256
    from ecodistrict_web.intake.models import Interest

    user = User.objects.create_user(username="giulia@secchia.example", password="x-9-long-pw")
    interest = Interest.objects.create(
        district=district, user=user, company_name="Officine Secchia S.r.l.",
        vat_number="12345678903", ateco="25.62", contact_name="Giulia Ferrari",
        email="giulia@secchia.example", phone="059 123456", activity="Lavorazioni meccaniche",
        space_m2=900, consent_at=timezone.now(),
    )  # fmt: skip
    snapshot = {"company": APPLICANT_COMPANY, "practices": {}}
    assessment = Assessment.objects.create(
        interest=interest, company_key="applicant-7", status="submitted", draft=snapshot
    )
    AssessmentVersion.objects.create(
        assessment=assessment, number=1, snapshot=snapshot,
        snapshot_sha256=canonical_sha256(snapshot), submitted_by=user,
        review_status=review_status,
    )  # fmt: skip


@pytest.mark.parametrize(("review", "passes"), [("validated", True), ("pending", False)])
def test_an_applicant_of_the_platform_is_ranked_with_its_review(
    district,
    staff_user,
    client_for,
    inline_runs,
    django_capture_on_commit_callbacks,
    review,
    passes,
):
    _platform_applicant(district, review)
    # The call says nothing true about the applicant's assessment: the platform's review decides.
    call = CALL.replace(
        "  - {company: serrature-gamma, space_m2: 800, assessment_validated: true}\n",
        "  - {company: serrature-gamma, space_m2: 800, assessment_validated: true}\n"
        "  - {company: applicant-7, space_m2: 900, assessment_validated: false}\n",
    )
    saved = services.save_call_version(district, call, staff_user)
    assert saved.ok, saved.problems
    client = client_for(staff_user)
    page = client.get(reverse("selection:index") + f"?district={district.pk}").content.decode()
    assert 'data-testid="platform-applicants"' in page and "<code>applicant-7</code>" in page
    _start(client, district, django_capture_on_commit_callbacks, kind="rank", call=saved.version.pk)
    run = SelectionRun.objects.get()
    assert run.status == RunStatus.DONE, run.error
    snapshot_ids = [c["id"] for c in run.input_snapshot["district"]["companies"]]
    assert snapshot_ids[-1] == "applicant-7"
    validated = {
        a["company"]: a["assessment_validated"] for a in run.input_snapshot["call"]["applicants"]
    }
    assert validated["applicant-7"] is passes
    ranked = [row["applicant"] for row in run.result["ranking"]["ranking"]]
    assert ("applicant-7" in ranked) is passes
