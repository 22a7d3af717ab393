"""Selection pages: calls and lots, runs with their progress, ranking, network, settlement and
the comparison of scenarios. Each view calls one selector (reads) or one service (writes).

Firm members compete in the call: every page of this app is a 404 for them (as for anyone who
may not read across firms), and for a facilitator outside the districts granted to them.
Writes are for municipality staff; a facilitator who tries one gets a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecodistrict_web.accounts.permissions import CHANGE
from ecodistrict_web.companies.models import District
from ecodistrict_web.companies.selectors import districts_for_user
from ecodistrict_web.core.params import int_param, is_whole_number, page_language
from ecodistrict_web.selection import selectors, services
from ecodistrict_web.selection.forms import FileTextForm, RunForm
from ecodistrict_web.selection.models import CallVersion, LotsVersion
from ecodistrict_web.selection.permissions import can_manage_selection, can_view_selection

FILE_KINDS = {
    "call": (CallVersion, services.save_call_version, selectors.call_version),
    "lots": (LotsVersion, services.save_lots_version, selectors.lots_version),
}


def _require_view(request: HttpRequest) -> None:
    if not can_view_selection(request.user):
        raise Http404(_("No such page."))


def _require_manage(request: HttpRequest) -> None:
    _require_view(request)
    if not can_manage_selection(request.user):
        if not districts_for_user(request.user).exists():
            raise Http404(_("No such district."))  # a facilitator granted nothing
        raise PermissionDenied(_("Only municipality staff can change calls, lots and runs."))


def _index_url(district_pk: int | None) -> str:
    url = reverse("selection:index")
    return url + "?" + urlencode({"district": district_pk}) if district_pk else url


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """ "Selezione e insediamento": the district's calls, lots and runs; staff start runs."""
    _require_view(request)
    page = selectors.index_page(request.user, int_param(request, "district"))
    if page is None or (page.choice.district is None and not can_manage_selection(request.user)):
        raise Http404(_("No such district."))
    district = page.choice.district
    return render(
        request,
        "selection/index.html",
        {
            "page": page,
            "can_manage": can_manage_selection(request.user),
            "run_form": RunForm(initial={"district": district.pk if district else None}),
        },
    )


@login_required
def file_detail(request: HttpRequest, file_kind: str, pk: int | str) -> HttpResponse:
    """A call or lots version: its text, who saved it, the runs that used it."""
    _require_view(request)
    _model, _save, find = FILE_KINDS[file_kind]
    version = find(request.user, int(pk))
    if version is None:
        raise Http404(_("No such file version."))
    return render(
        request,
        "selection/file_detail.html",
        {
            "version": version,
            "file_kind": file_kind,
            "used": version.used_by_run(),
            "can_manage": can_manage_selection(request.user),
        },
    )


@login_required
def file_edit(request: HttpRequest, file_kind: str, pk: int | str | None = None) -> HttpResponse:
    """Upload a new call or lots file, or edit a version (a version used by a run is kept and
    the edit becomes a new version). Problems are shown with their field; nothing is stored."""
    _require_manage(request)
    _model, save, find = FILE_KINDS[file_kind]
    version = None
    if pk is not None:
        version = find(request.user, int(pk), CHANGE)
        if version is None or version.district is None:
            raise Http404(_("No such file version."))
        district: District | None = version.district
    else:
        district_pk = int_param(request, "district")
        district = (
            districts_for_user(request.user, CHANGE).filter(pk=district_pk).first()
            if district_pk
            else None
        )
        if district is None:
            raise Http404(_("No such district."))
    assert district is not None
    problems: list[str] = []
    if request.method == "POST":
        form = FileTextForm(request.POST)
        if form.is_valid():
            result = save(district, form.cleaned_data["text"], request.user, edit=version)
            if result.ok and result.version is not None:
                if result.new_version:
                    messages.success(
                        request,
                        _("Saved as version %(number)s.") % {"number": result.version.number},
                    )
                else:
                    messages.success(
                        request,
                        _("Version %(number)s updated.") % {"number": result.version.number},
                    )
                return redirect("selection:file", file_kind=file_kind, pk=result.version.pk)
            problems = result.problems
    else:
        form = FileTextForm(initial={"text": version.text if version else ""})
    return render(
        request,
        "selection/file_form.html",
        {
            "form": form,
            "file_kind": file_kind,
            "version": version,
            "district": district,
            "problems": problems,
        },
        status=400 if problems else 200,
    )


@login_required
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    """Queue a ranking, network or settlement run (staff); it starts at once or on a worker."""
    _require_manage(request)
    district_pk = int_param(request, "district") or (
        int(request.POST["district"]) if is_whole_number(request.POST.get("district", "")) else None
    )
    district = districts_for_user(request.user, CHANGE).filter(pk=district_pk).first()
    if district is None:
        raise Http404(_("No such district."))
    form = RunForm(request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else name
            for error in errors:
                messages.error(request, f"{label}: {error}")
        return redirect(_index_url(district.pk))
    call = (
        selectors.calls_for_user(request.user, CHANGE)
        .filter(pk=form.cleaned_data["call"], district=district)
        .first()
        if form.cleaned_data["call"]
        else None
    )
    lots = (
        selectors.lots_for_user(request.user, CHANGE)
        .filter(pk=form.cleaned_data["lots"], district=district)
        .first()
        if form.cleaned_data["lots"]
        else None
    )
    try:
        run = services.queue_run(
            district,
            form.cleaned_data["kind"],
            request.user,
            call_version=call,
            lots_version=lots,
            parameters=form.parameters(),
            name=form.cleaned_data["name"],
        )
    except services.RunRefused as exc:
        messages.error(request, str(exc))
        return redirect(_index_url(district.pk))
    return redirect("selection:run", pk=run.pk)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A run: its progress while it runs, then its result (or the library's explanation)."""
    _require_view(request)
    page = selectors.run_page(request.user, pk, page_language())
    if page is None:
        raise Http404(_("No such run."))
    return render(request, "selection/run_detail.html", {"page": page, "run": page.run})


@login_required
def run_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The run's status and progress, polled by the page while it runs."""
    _require_view(request)
    status = selectors.run_status(request.user, pk)
    if status is None:
        raise Http404(_("No such run."))
    return JsonResponse(status)


@login_required
def run_document(request: HttpRequest, pk: int) -> HttpResponse:
    """A whole run as JSON, for audit: inputs with SHA-256, parameters, result or error."""
    _require_view(request)
    document = selectors.run_document(request.user, pk)
    if document is None:
        raise Http404(_("No such run."))
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="selection-run-{pk}.json"'
    return response


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    """Two settlement scenarios side by side: who is in, indicators, closure potential."""
    _require_view(request)
    try:
        page = selectors.compare_page(
            request.user,
            int_param(request, "district"),
            int_param(request, "a"),
            int_param(request, "b"),
            page_language(),
        )
    except selectors.CompareRefused as exc:
        raise Http404(str(exc)) from None
    if page is None:
        raise Http404(_("No such district."))
    return render(request, "selection/compare.html", {"page": page})
