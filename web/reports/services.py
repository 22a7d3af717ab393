"""The only writers of report requests: ask for a report, run it, store the file.

A request is a row first (status queued), then a job: ``run_report_request`` claims it (queued →
running, atomically, so two workers never run the same one), builds the report with the library
(``ecodistrict.reports``) from the district as stored, and stores the file (done) or the error
(failed). Who runs the job: the ``run_report_worker`` management command, or, when the setting
``ECODISTRICT_TASKS_INLINE`` is true (development and tests), a thread started once the request
is committed, so ``./start.sh`` needs no other service.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import close_old_connections, transaction
from django.utils import timezone

from ecodistrict.indicators import IndicatorSet, compute_indicators, load_indicator_set
from ecodistrict.matching import match_district
from ecodistrict.reports import (
    build_company_report,
    build_district_report,
    build_open_data,
    open_data_zip,
    render_html,
    render_markdown,
    render_pdf,
)
from ecodistrict_web.commitments.selectors import (
    commitments_for_report,
    consenting_company_slugs,
)
from ecodistrict_web.companies.models import Company, District
from ecodistrict_web.companies.selectors import (
    companies_for_user,
    district_file,
    districts_for_user,
)
from ecodistrict_web.core.persistence import save_when_free, when_free
from ecodistrict_web.indicators.selectors import current_set_version, indicator_set_of
from ecodistrict_web.reports.models import ReportFormat, ReportKind, ReportRequest, ReportStatus
from ecodistrict_web.reports.permissions import (
    can_request_district_report,
    can_request_open_data,
)
from ecodistrict_web.reports.selectors import selection_run_result

log = logging.getLogger(__name__)

LANGUAGES = ("it", "en")
DISTRICT_FORMATS = (ReportFormat.PDF, ReportFormat.HTML, ReportFormat.MARKDOWN)
COMPANY_FORMATS = (ReportFormat.PDF, ReportFormat.HTML)


class NotFound(Exception):
    """A company or district the user may not see (or that does not exist): the view answers
    404 and nothing is stored."""


class NotAllowed(Exception):
    """An action the user's role does not allow (403); nothing is stored."""


def _language(language: str) -> str:
    return language if language in LANGUAGES else "it"


def request_company_report(
    user: Any, company_pk: int, language: str, output_format: str = ReportFormat.PDF
) -> ReportRequest:
    """Queue the positioning report of a firm the user may see (PDF, or the HTML page of the
    same template)."""
    company = companies_for_user(user).filter(pk=company_pk).first()
    if company is None:
        raise NotFound(company_pk)
    chosen = output_format if output_format in COMPANY_FORMATS else ReportFormat.PDF
    return _queue(user, ReportKind.COMPANY, chosen, language, company.district, company=company)


def request_district_report(
    user: Any,
    district_pk: int,
    language: str,
    output_format: str,
    *,
    ranking_run: int | None = None,
    settlement_run: int | None = None,
) -> ReportRequest:
    """Queue the district report (PDF, HTML or Markdown): staff. `ranking_run` and
    `settlement_run` name finished selection runs of the same district (the ranking as
    adopted, the settlement scenario chosen); a run the user may not see, of another district
    or not finished is refused like a district that does not exist."""
    if not can_request_district_report(user):
        raise NotAllowed("district report")
    district = districts_for_user(user).filter(pk=district_pk).first()
    if district is None:
        raise NotFound(district_pk)
    for pk, kind in ((ranking_run, "rank"), (settlement_run, "settle")):
        if pk is not None and selection_run_result(user, pk, kind, district.pk) is None:
            raise NotFound(pk)
    chosen = output_format if output_format in DISTRICT_FORMATS else ReportFormat.PDF
    return _queue(
        user,
        ReportKind.DISTRICT,
        chosen,
        language,
        district,
        ranking_run_id=ranking_run,
        settlement_run_id=settlement_run,
    )


def request_open_data(user: Any, district_pk: int) -> ReportRequest:
    """Queue the open data export of a district (a zip): staff."""
    if not can_request_open_data(user):
        raise NotAllowed("open data")
    district = districts_for_user(user).filter(pk=district_pk).first()
    if district is None:
        raise NotFound(district_pk)
    return _queue(user, ReportKind.OPENDATA, ReportFormat.ZIP, "it", district)


def _queue(
    user: Any,
    kind: str,
    output_format: str,
    language: str,
    district: District,
    company: Company | None = None,
    ranking_run_id: int | None = None,
    settlement_run_id: int | None = None,
) -> ReportRequest:
    with transaction.atomic():
        row = ReportRequest.objects.create(
            requested_by=user,
            kind=kind,
            output_format=output_format,
            language=_language(language),
            district=district,
            company=company,
            ranking_run_id=ranking_run_id,
            settlement_run_id=settlement_run_id,
        )
        if getattr(settings, "ECODISTRICT_TASKS_INLINE", False):
            transaction.on_commit(lambda: _start_thread(row.pk))
    return row


def _start_thread(pk: int) -> None:
    threading.Thread(target=_run_in_thread, args=(pk,), daemon=True, name=f"report-{pk}").start()


def _run_in_thread(pk: int) -> None:
    try:
        run_report_request(pk)
    finally:
        close_old_connections()  # the thread's own database connection


def run_report_request(pk: int) -> ReportRequest | None:
    """Run one queued request; None when it is not queued (another worker took it)."""
    # The claim, like the result, waits while a page holds the SQLite table.
    claimed = when_free(
        lambda: ReportRequest.objects.filter(pk=pk, status=ReportStatus.QUEUED).update(
            status=ReportStatus.RUNNING, started_at=timezone.now()
        )
    )
    if not claimed:
        return None
    row = ReportRequest.objects.select_related("district", "company").get(pk=pk)
    try:
        filename, content = generate(row)
    except Exception as exc:  # a failed report is recorded, never lost in a thread
        log.exception("report request %s failed", pk)
        row.status = ReportStatus.FAILED
        row.error = f"{type(exc).__name__}: {exc}"[:2000]
        row.finished_at = timezone.now()
        save_when_free(row, update_fields=["status", "error", "finished_at"])
        return row
    row.file.save(filename, ContentFile(content), save=False)
    row.filename = filename
    row.status = ReportStatus.DONE
    row.finished_at = timezone.now()
    # A page polling the status can hold the SQLite table at this moment: wait, never lose it.
    save_when_free(row, update_fields=["file", "filename", "status", "finished_at"])
    return row


def run_queued_requests(limit: int | None = None) -> int:
    """Run the queued requests, oldest first; how many were run (the worker's loop)."""
    done = 0
    pending = ReportRequest.objects.filter(status=ReportStatus.QUEUED).order_by("created_at", "pk")
    pks = list(pending.values_list("pk", flat=True))
    for pk in pks[:limit] if limit else pks:
        if run_report_request(pk) is not None:
            done += 1
    return done


def _indicator_set() -> IndicatorSet:
    version = current_set_version()
    return indicator_set_of(version) if version is not None else load_indicator_set()


def open_data_seed(district: District) -> str:
    """The secret seed of the anonymous firm codes: derived from the site's secret key and the
    district, so codes stay the same from one export to the next and cannot be recomputed
    without the key."""
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, f"opendata:{district.name}".encode(), hashlib.sha256).hexdigest()


def _selection_documents(
    row: ReportRequest,
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The ranking and settlement documents the request names, read as the one who asked
    (checked again: a grant may have been withdrawn since). A settlement run carries the
    ranking it settled on, used when no ranking run is named."""
    ranking = settlement = None
    if row.settlement_run_id is not None:
        settlement = selection_run_result(
            row.requested_by, row.settlement_run_id, "settle", row.district_id
        )
        if settlement is None:
            raise LookupError(f"settlement run {row.settlement_run_id} is not available")
        embedded = settlement.get("ranking")
        ranking = embedded if isinstance(embedded, dict) else None
    if row.ranking_run_id is not None:
        ranking = selection_run_result(
            row.requested_by, row.ranking_run_id, "rank", row.district_id
        )
        if ranking is None:
            raise LookupError(f"ranking run {row.ranking_run_id} is not available")
    return ranking, settlement


def generate(row: ReportRequest) -> tuple[str, bytes]:
    """The file of a request: its name and content, built by the library."""
    data = district_file(row.district)
    results = compute_indicators(data, _indicator_set())
    data_date = timezone.localtime(row.district.imported_at).date().isoformat()
    stamp = timezone.localdate().strftime("%Y%m%d")
    if row.kind == ReportKind.COMPANY:
        assert row.company is not None
        report = build_company_report(
            data,
            row.company.slug,
            lang=row.language,
            results=results,
            matches=match_district(data, workers=1),
            data_date=data_date,
            commitments=commitments_for_report(row.company),
        )
        name = f"report-{row.company.slug}-{stamp}"
        if row.output_format == ReportFormat.HTML:
            return f"{name}.html", render_html(report).encode("utf-8")
        return f"{name}.pdf", render_pdf(report)
    if row.kind == ReportKind.DISTRICT:
        ranking, settlement = _selection_documents(row)
        report = build_district_report(
            data,
            lang=row.language,
            results=results,
            ranking=ranking,
            settlement=settlement,
            data_date=data_date,
            consenting=consenting_company_slugs(row.district.name),
        )
        name = f"district-report-{stamp}"
        if row.output_format == ReportFormat.HTML:
            return f"{name}.html", render_html(report).encode("utf-8")
        if row.output_format == ReportFormat.MARKDOWN:
            return f"{name}.md", render_markdown(report).encode("utf-8")
        return f"{name}.pdf", render_pdf(report)
    files = build_open_data(
        data, seed=open_data_seed(row.district), results=results, data_date=data_date
    )
    return f"opendata-{stamp}.zip", open_data_zip(files)
