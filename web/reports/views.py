"""Report pages: ask for a report, follow its status, download it. Each view calls one selector
or one service; who may ask for what is in permissions.py, which rows a user reaches in
``restrict()``."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ecodistrict_web.reports import selectors, services
from ecodistrict_web.reports.forms import CompanyReportForm, DistrictReportForm, OpenDataForm

#: Seconds between two reloads of a pending request's page (a meta refresh: no JavaScript).
REFRESH_SECONDS = 3


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    page = selectors.reports_page(request.user)
    return render(request, "reports/index.html", {"page": page})


def _invalid(request: HttpRequest, form: object) -> HttpResponse:
    errors = "; ".join(
        f"{field}: {' '.join(str(e) for e in errs)}"
        for field, errs in form.errors.items()  # type: ignore[attr-defined]
    )
    messages.error(request, _("The request is not valid: %(errors)s") % {"errors": errors})
    return redirect("reports:index")


@login_required
@require_POST
def request_company(request: HttpRequest) -> HttpResponse:
    form = CompanyReportForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form)
    try:
        row = services.request_company_report(
            request.user,
            form.cleaned_data["company"],
            form.cleaned_data["language"],
            form.cleaned_data.get("output_format") or "pdf",
        )
    except services.NotFound:
        raise Http404(_("No such company.")) from None
    return redirect("reports:detail", pk=row.pk)


@login_required
@require_POST
def request_district(request: HttpRequest) -> HttpResponse:
    form = DistrictReportForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form)
    try:
        row = services.request_district_report(
            request.user,
            form.cleaned_data["district"],
            form.cleaned_data["language"],
            form.cleaned_data["output_format"],
            ranking_run=form.cleaned_data["ranking_run"],
            settlement_run=form.cleaned_data["settlement_run"],
        )
    except services.NotAllowed:
        raise PermissionDenied(
            _("Only municipality staff can ask for the district report.")
        ) from None
    except services.NotFound:
        raise Http404(_("No such district.")) from None
    return redirect("reports:detail", pk=row.pk)


@login_required
@require_POST
def request_open_data(request: HttpRequest) -> HttpResponse:
    form = OpenDataForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form)
    try:
        row = services.request_open_data(request.user, form.cleaned_data["district"])
    except services.NotAllowed:
        raise PermissionDenied(_("Only municipality staff can export open data.")) from None
    except services.NotFound:
        raise Http404(_("No such district.")) from None
    return redirect("reports:detail", pk=row.pk)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.request_for_user(request.user, pk)
    if row is None:
        raise Http404(_("No such report request."))
    response = render(
        request,
        "reports/detail.html",
        {"row": row, "refresh": REFRESH_SECONDS if row.is_pending else None},
    )
    return response


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    row = selectors.download_for_user(request.user, pk)
    if row is None or not row.file:
        raise Http404(_("No such report."))
    content_type = mimetypes.guess_type(row.filename)[0] or "application/octet-stream"
    return FileResponse(
        row.file.open("rb"), as_attachment=True, filename=row.filename, content_type=content_type
    )
