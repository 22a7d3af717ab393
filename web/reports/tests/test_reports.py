"""Report requests on the web: who may ask for what, the background job, the download."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from ecodistrict.indicators import compute_indicators
from ecodistrict.reports import format_value
from ecodistrict_web.companies.selectors import district_file
from ecodistrict_web.reports.models import ReportRequest, ReportStatus
from ecodistrict_web.reports.services import run_report_request


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ECODISTRICT_TASKS_INLINE = False  # the tests run the job themselves


def _company(district, slug):
    return district.companies.get(slug=slug)


def _download(client, row) -> bytes:
    response = client.get(reverse("reports:download", args=[row.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_firm_member_gets_the_pdf_of_its_own_firm(client_for, firm_user, district):
    client = client_for(firm_user)
    alfa = _company(district, "ceramica-alfa")
    response = client.post(
        reverse("reports:request_company"), {"company": alfa.pk, "language": "it"}
    )
    row = ReportRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[row.pk])
    assert (row.kind, row.status, row.company_id, row.requested_by_id) == (
        "company", "queued", alfa.pk, firm_user.pk,
    )  # fmt: skip
    pending = client.get(reverse("reports:detail", args=[row.pk]))
    assert b'http-equiv="refresh"' in pending.content
    assert client.get(reverse("reports:download", args=[row.pk])).status_code == 404

    run_report_request(row.pk)
    row.refresh_from_db()
    assert row.status == ReportStatus.DONE, row.error
    assert re.fullmatch(r"report-ceramica-alfa-\d{8}\.pdf", row.filename)
    content = _download(client, row)
    text = re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    )
    values = compute_indicators(district_file(district)).company("ceramica-alfa")
    shown = format_value(values["circular_inflow_pct"].value, "%", "it")
    assert f"Ingressi circolari {shown}" in text
    assert "Ceramica Beta" not in text and "Serrature Gamma" not in text
    done = client.get(reverse("reports:detail", args=[row.pk]))
    assert b'http-equiv="refresh"' not in done.content
    assert b'data-status="done"' in done.content


def test_firm_member_cannot_ask_for_another_firms_report(client_for, firm_user, district):
    client = client_for(firm_user)
    beta = _company(district, "ceramica-beta")
    response = client.post(
        reverse("reports:request_company"), {"company": beta.pk, "language": "it"}
    )
    assert response.status_code == 404
    assert ReportRequest.objects.count() == 0


def test_firm_member_cannot_ask_for_district_reports_or_open_data(client_for, firm_user, district):
    client = client_for(firm_user)
    response = client.post(
        reverse("reports:request_district"),
        {"district": district.pk, "language": "it", "output_format": "pdf"},
    )
    assert response.status_code == 403
    response = client.post(reverse("reports:request_open_data"), {"district": district.pk})
    assert response.status_code == 403
    assert ReportRequest.objects.count() == 0
    page = client.get(reverse("reports:index"))
    assert b'data-testid="district-report-form"' not in page.content
    assert b'data-testid="open-data-form"' not in page.content


def test_a_request_is_seen_only_by_who_asked(client_for, staff_user, make_user, district):
    staff = client_for(staff_user)
    alfa = _company(district, "ceramica-alfa")
    staff.post(reverse("reports:request_company"), {"company": alfa.pk, "language": "en"})
    row = ReportRequest.objects.get()
    other = make_user("beta@test.example", "firm", [_company(district, "ceramica-beta")])
    client = client_for(other)
    assert client.get(reverse("reports:detail", args=[row.pk])).status_code == 404
    assert client.get(reverse("reports:download", args=[row.pk])).status_code == 404


def test_facilitator_without_grant_is_refused(client_for, make_user, district):
    user = make_user("lonely@test.example", "facilitator")
    alfa = _company(district, "ceramica-alfa")
    response = client_for(user).post(
        reverse("reports:request_company"), {"company": alfa.pk, "language": "it"}
    )
    assert response.status_code == 404
    assert ReportRequest.objects.count() == 0


def test_granted_facilitator_may_ask_for_a_firm_report(client_for, facilitator_user, district):
    beta = _company(district, "ceramica-beta")
    response = client_for(facilitator_user).post(
        reverse("reports:request_company"), {"company": beta.pk, "language": "it"}
    )
    assert response.status_code == 302
    assert ReportRequest.objects.get().company_id == beta.pk


def test_hostile_form_fields_are_refused_with_a_message(client_for, staff_user, district):
    client = client_for(staff_user)
    response = client.post(
        reverse("reports:request_company"), {"company": "1 OR 1=1", "language": "it"}, follow=True
    )
    assert response.status_code == 200
    assert ReportRequest.objects.count() == 0
    message = [str(m) for m in response.context["messages"]]
    assert len(message) == 1 and "company" in message[0]
    response = client.post(
        reverse("reports:request_district"),
        {"district": district.pk, "language": "xx", "output_format": "pdf"},
        follow=True,
    )
    assert ReportRequest.objects.count() == 0
    assert "language" in next(str(m) for m in response.context["messages"])
    response = client.post(
        reverse("reports:request_company"), {"company": str(10**30), "language": "it"}, follow=True
    )
    assert response.status_code == 200
    assert ReportRequest.objects.count() == 0
    assert "company" in next(str(m) for m in response.context["messages"])


def test_staff_district_report_in_markdown(client_for, staff_user, district):
    client = client_for(staff_user)
    client.post(
        reverse("reports:request_district"),
        {"district": district.pk, "language": "it", "output_format": "md"},
    )
    row = ReportRequest.objects.get()
    call_command("run_report_worker", "--once")
    row.refresh_from_db()
    assert row.status == ReportStatus.DONE, row.error
    text = _download(client, row).decode("utf-8")
    results = compute_indicators(district_file(district))
    shown = format_value(results.district["closure_material_pct"].value, "%", "it")
    assert shown == "0,5 %"
    assert f"| Materia | {shown} |" in text
    assert "formigine-2026 v1.0" in text


def test_staff_open_data_zip(client_for, staff_user, district):
    client = client_for(staff_user)
    client.post(reverse("reports:request_open_data"), {"district": district.pk})
    row = ReportRequest.objects.get()
    run_report_request(row.pk)
    row.refresh_from_db()
    assert row.status == ReportStatus.DONE, row.error
    archive = zipfile.ZipFile(io.BytesIO(_download(client, row)))
    assert "flows.csv" in archive.namelist() and "LICENSE.txt" in archive.namelist()
    everything = b"".join(archive.read(n) for n in archive.namelist())
    for name in ("Ceramica Alfa", "ceramica-alfa", "Serrature Gamma"):
        assert name.encode() not in everything


def test_a_failed_job_is_recorded(client_for, staff_user, district, monkeypatch):
    client = client_for(staff_user)
    client.post(reverse("reports:request_open_data"), {"district": district.pk})
    row = ReportRequest.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("ecodistrict_web.reports.services.build_open_data", broken)
    run_report_request(row.pk)
    row.refresh_from_db()
    assert (row.status, row.error, row.filename) == ("failed", "RuntimeError: disk full", "")
    assert run_report_request(row.pk) is None  # not queued any more: not run twice
    page = client.get(reverse("reports:detail", args=[row.pk]))
    assert b"disk full" in page.content


def test_a_busy_database_at_the_end_of_a_job_is_waited_for(
    client_for, staff_user, district, monkeypatch
):
    from django.db import OperationalError

    client = client_for(staff_user)
    client.post(reverse("reports:request_open_data"), {"district": district.pk})
    row = ReportRequest.objects.get()
    original = ReportRequest.save
    refused: list[list[str] | None] = []

    def busy_twice(self, *args, **kwargs):
        # SQLite refuses the write while a page reads the table: twice, then it is free.
        if len(refused) < 2 and kwargs.get("update_fields") and "file" in kwargs["update_fields"]:
            refused.append(kwargs["update_fields"])
            raise OperationalError("database table is locked")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ReportRequest, "save", busy_twice)
    monkeypatch.setattr("ecodistrict_web.core.persistence.time.sleep", lambda seconds: None)
    run_report_request(row.pk)
    row.refresh_from_db()
    assert len(refused) == 2
    assert (row.status, row.error) == (ReportStatus.DONE, "")
    assert row.filename.endswith(".zip") and row.finished_at is not None


def test_inline_mode_starts_the_job_after_commit(
    client_for, staff_user, district, settings, django_capture_on_commit_callbacks
):
    settings.ECODISTRICT_TASKS_INLINE = True
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_for(staff_user).post(reverse("reports:request_open_data"), {"district": district.pk})
    assert len(callbacks) == 1
    assert ReportRequest.objects.get().status == ReportStatus.QUEUED


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(reverse("reports:index"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


RANKING = {
    "format": "ecodistrict/ranking/1",
    "call": "test-call",
    "applicants": ["ceramica-beta", "serrature-gamma"],
    "requirements": [
        {"id": "assessment", "label_it": "Assessment validato", "label_en": "Validated",
         "indicator": "assessment_validated", "operator": "==", "threshold": 1.0}
    ],
    "eligibility": {"eligible": ["ceramica-beta", "serrature-gamma"], "excluded": []},
    "ranking": {
        "method": "weighted-sum",
        "normalisation": "min-max",
        "criteria": [{"id": "circularity", "indicator": "circularity_pct", "direction": "benefit",
                      "weight": 0.6, "label_it": "Circolarità", "label_en": "Circularity"}],
        "ranking": [{"applicant": "serrature-gamma", "rank": 1, "score": 0.75},
                    {"applicant": "ceramica-beta", "rank": 2, "score": 0.25}],
    },
}  # fmt: skip
SCENARIO = {
    "format": "ecodistrict/scenario/1",
    "name": "scenario",
    "settlement": {"status": "OPTIMAL", "not_settled": {}},
    "settled": {"serrature-gamma": "l1", "ceramica-beta": "l2"},
    "district_indicators": {"closure_material_pct": 0.53},
    "closure_potential_pct": {"matter": 12.5},
    "ranking": RANKING,
}


def _selection_run(district, kind, result):
    pytest.importorskip("ecodistrict_web.selection")
    from ecodistrict_web.selection.models import SelectionRun

    return SelectionRun.objects.create(
        kind=kind,
        district=district,
        district_name=district.name,
        name="walk",
        status="done",
        input_snapshot={},
        input_sha256="0" * 64,
        result=result,
        library_version="test",
    )


def test_district_report_renders_the_chosen_selection_runs(client_for, staff_user, district):
    settle = _selection_run(district, "settle", SCENARIO)
    client = client_for(staff_user)
    page = client.get(reverse("reports:index"))
    assert f'<option value="{settle.pk}">'.encode() in page.content
    client.post(
        reverse("reports:request_district"),
        {"district": district.pk, "language": "it", "output_format": "md",
         "settlement_run": settle.pk},
    )  # fmt: skip
    row = ReportRequest.objects.get()
    assert (row.ranking_run_id, row.settlement_run_id) == (None, settle.pk)
    run_report_request(row.pk)
    row.refresh_from_db()
    assert row.status == ReportStatus.DONE, row.error
    text = _download(client, row).decode("utf-8")
    # the ranking embedded in the settlement run, applicants anonymised (no consent on the web)
    assert "| 1 | Impresa A02 | 0,750 |" in text
    assert "| Impresa A02 | l1 |" in text
    assert "| Circolarità | circularity_pct (benefit) | 0,60 |" in text
    assert "Non ancora adottati." not in text


def test_a_selection_run_of_the_wrong_kind_is_refused(client_for, staff_user, district):
    rank = _selection_run(district, "rank", RANKING)
    response = client_for(staff_user).post(
        reverse("reports:request_district"),
        {"district": district.pk, "language": "it", "output_format": "md",
         "settlement_run": rank.pk},
    )  # fmt: skip
    assert response.status_code == 404
    assert ReportRequest.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_inline_thread_generates_the_report(client_for, staff_user, district, settings):
    """ECODISTRICT_TASKS_INLINE: the job runs in a thread once the request is committed."""
    import time

    settings.ECODISTRICT_TASKS_INLINE = True
    client = client_for(staff_user)
    client.post(reverse("reports:request_open_data"), {"district": district.pk})
    row = ReportRequest.objects.get()
    deadline = time.monotonic() + 60
    while row.is_pending and time.monotonic() < deadline:
        time.sleep(0.2)
        row.refresh_from_db()
    assert row.status == ReportStatus.DONE, row.error
    assert row.filename.startswith("opendata-") and row.filename.endswith(".zip")


def test_the_reports_italian_reasons_are_the_web_catalogues():
    """The library's reports translate missing-value reasons with their own dict (no gettext);
    it must say what the web's pages say."""
    from django.utils import translation

    from ecodistrict.reports.labels import REASONS_IT
    from ecodistrict_web.indicators.reasons import KNOWN_REASONS

    assert set(REASONS_IT) == set(KNOWN_REASONS)
    with translation.override("it"):
        assert {k: translation.gettext(k) for k in KNOWN_REASONS} == REASONS_IT


def test_the_firm_report_as_a_page_comes_from_the_same_template(client_for, firm_user, district):
    client = client_for(firm_user)
    alfa = _company(district, "ceramica-alfa")
    client.post(
        reverse("reports:request_company"),
        {"company": alfa.pk, "language": "it", "output_format": "html"},
    )
    row = ReportRequest.objects.get()
    run_report_request(row.pk)
    row.refresh_from_db()
    assert row.status == ReportStatus.DONE, row.error
    assert re.fullmatch(r"report-ceramica-alfa-\d{8}\.html", row.filename)
    html = _download(client, row).decode("utf-8")
    values = compute_indicators(district_file(district)).company("ceramica-alfa")
    shown = format_value(values["circular_inflow_pct"].value, "%", "it")
    assert "<h1>Rapporto di posizionamento</h1>" in html and shown in html
    assert "Ceramica Beta" not in html and "Serrature Gamma" not in html
