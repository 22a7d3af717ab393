"""Indicator pages. Each view calls one selector (reads) or one service (writes); who may do what
is in permissions.py, which rows a user reaches in ``restrict()``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ecodistrict_web.accounts.permissions import CHANGE
from ecodistrict_web.companies.selectors import districts_for_user
from ecodistrict_web.core.params import int_param, page_language
from ecodistrict_web.indicators import exports, selectors, services
from ecodistrict_web.indicators.forms import IndicatorSetForm, RecomputeForm
from ecodistrict_web.indicators.permissions import (
    can_compute_indicators,
    can_publish_indicator_set,
    can_view_district_indicators,
)


def _require_district_view(request: HttpRequest) -> None:
    if not can_view_district_indicators(request.user):
        raise PermissionDenied(
            _("Only municipality staff and facilitators can see the indicators of every firm.")
        )


# --- a firm's indicators ------------------------------------------------------------------------


@login_required
def my_indicators(request: HttpRequest) -> HttpResponse:
    """ "I miei indicatori": straight to the firm's page when the user belongs to one firm."""
    companies = selectors.firm_companies(request.user)
    if len(companies) == 1:
        return redirect("indicators:company", pk=companies[0].pk)
    return render(request, "indicators/my_indicators.html", {"companies": companies})


@login_required
def company_indicators(request: HttpRequest, pk: int) -> HttpResponse:
    """A firm's indicators, peer positioning, targets and sources; 404 for a firm the user may
    not see (a firm member sees only their own)."""
    try:
        page = selectors.company_indicators_page(
            request.user, pk, int_param(request, "run"), page_language()
        )
    except selectors.RunNotFound:
        raise Http404(_("No such indicator run.")) from None
    if page is None:
        raise Http404(_("No such company."))
    return render(
        request,
        "indicators/company_indicators.html",
        {
            "page": page,
            "can_view_district": can_view_district_indicators(request.user),
        },
    )


# --- staff: positioning database, closure of the cycles, runs -----------------------------------


def _positioning(request: HttpRequest) -> selectors.PositioningTable:
    _require_district_view(request)
    try:
        table = selectors.positioning_table(
            request.user,
            int_param(request, "district"),
            int_param(request, "run"),
            division=request.GET.get("division", "").strip(),
            sort=request.GET.get("sort", "name"),
            direction=request.GET.get("dir", "asc"),
            language=page_language(),
        )
    except selectors.RunNotFound:
        raise Http404(_("No such indicator run.")) from None
    if table is None:
        raise Http404(_("No such district."))
    return table


@login_required
def positioning(request: HttpRequest) -> HttpResponse:
    """All firms × company-level indicators: sortable by any column, filtered by ATECO division."""
    table = _positioning(request)
    base = {}
    if table.choice.district is not None:
        base["district"] = table.choice.district.pk
    if table.run is not None and request.GET.get("run"):
        base["run"] = table.run.pk
    if table.division:
        base["division"] = table.division
    sort_links = {
        key: "?" + urlencode({**base, "sort": key, "dir": _next_direction(table, key)})
        for key in ["name", "ateco", *(column.key for column in table.columns)]
    }
    export_query = urlencode({**base, "sort": table.sort, "dir": table.direction})
    keep = {key: value for key, value in base.items() if key != "run"}
    keep.update(sort=table.sort, dir=table.direction)
    return render(
        request,
        "indicators/positioning.html",
        {
            "table": table,
            "sort_links": sort_links,
            "export_query": export_query,
            "keep": keep,
            "can_compute": can_compute_indicators(request.user),
        },
    )


def _next_direction(table: selectors.PositioningTable, key: str) -> str:
    return "desc" if table.sort == key and table.direction == "asc" else "asc"


@login_required
def positioning_export(request: HttpRequest, extension: str) -> HttpResponse:
    """The positioning table as shown (same filter and order), as CSV or Excel."""
    table = _positioning(request)
    if table.run is None:
        raise Http404(_("No indicators have been computed for this district yet."))
    if extension == "csv":
        response = HttpResponse(
            exports.positioning_csv(table), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exports.positioning_workbook(table),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.file_name(table, extension)}"'
    )
    return response


@login_required
def closure(request: HttpRequest) -> HttpResponse:
    """The closure of the cycles: ratios, district indicators, a Sankey diagram per cycle."""
    _require_district_view(request)
    try:
        page = selectors.closure_page(
            request.user, int_param(request, "district"), int_param(request, "run"), page_language()
        )
    except selectors.RunNotFound:
        raise Http404(_("No such indicator run.")) from None
    if page is None:
        raise Http404(_("No such district."))
    return render(
        request,
        "indicators/closure.html",
        {
            "page": page,
            "can_compute": can_compute_indicators(request.user),
            "keep": {"district": page.choice.district.pk} if page.choice.district else {},
        },
    )


@login_required
def runs(request: HttpRequest) -> HttpResponse:
    """The runs of a district, newest first, with their set version; staff can recompute."""
    _require_district_view(request)
    page = selectors.runs_page(request.user, int_param(request, "district"))
    if page is None:
        raise Http404(_("No such district."))
    return render(
        request,
        "indicators/runs.html",
        {"page": page, "can_compute": can_compute_indicators(request.user)},
    )


@login_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    """ "Ricalcola indicatori": a new run of a district with the current set (staff)."""
    if not can_compute_indicators(request.user):
        raise PermissionDenied(_("Only municipality staff can recompute the indicators."))
    form = RecomputeForm(request.POST)
    if not form.is_valid():
        raise Http404(_("No such district."))
    district = (
        districts_for_user(request.user, CHANGE).filter(pk=form.cleaned_data["district"]).first()
    )
    if district is None:
        raise Http404(_("No such district."))
    run = services.recompute_indicators(district, request.user)
    messages.success(
        request,
        _("Indicators of '%(district)s' computed with the set %(set)s.")
        % {"district": district.name, "set": run.indicator_set_label},
    )
    return redirect(reverse("indicators:runs") + "?" + urlencode({"district": district.pk}))


@login_required
def run_document(request: HttpRequest, pk: int) -> HttpResponse:
    """A whole run as JSON: the input data, the set version, results and positioning."""
    _require_district_view(request)
    document = selectors.run_document(request.user, pk)
    if document is None:
        raise Http404(_("No such indicator run."))
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="indicator-run-{pk}.json"'
    return response


# --- indicator set versions ---------------------------------------------------------------------


@login_required
def set_list(request: HttpRequest) -> HttpResponse:
    """The versions of the indicator set: the current one, the earlier ones (and drafts)."""
    return render(
        request,
        "indicators/set_list.html",
        {
            "versions": list(selectors.set_versions_for_user(request.user)),
            "current": selectors.current_set_version(),
            "can_publish": can_publish_indicator_set(request.user),
        },
    )


@login_required
def set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One version: its definitions (formula, source, direction) and targets."""
    page = selectors.set_version_page(request.user, pk, page_language())
    if page is None:
        raise Http404(_("No such indicator set version."))
    return render(
        request,
        "indicators/set_detail.html",
        {"page": page, "can_publish": can_publish_indicator_set(request.user)},
    )


@login_required
def set_yaml(request: HttpRequest, pk: int) -> HttpResponse:
    """The YAML text of a version, as stored."""
    set_version = selectors.set_versions_for_user(request.user).filter(pk=pk).first()
    if set_version is None:
        raise Http404(_("No such indicator set version."))
    response = HttpResponse(set_version.yaml_text, content_type="application/yaml; charset=utf-8")
    name = f"{set_version.key}-v{set_version.version}.yaml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def set_new(request: HttpRequest) -> HttpResponse:
    """A new version of the set, edited or uploaded, saved as a draft or published (staff)."""
    if not can_publish_indicator_set(request.user):
        raise PermissionDenied(_("Only municipality staff can publish the indicator set."))
    problems: list[str] = []
    if request.method == "POST":
        form = IndicatorSetForm(request.POST, request.FILES)
        if form.is_valid():
            publish = request.POST.get("action") == "publish"
            result = services.save_indicator_set_version(
                form.yaml_text, request.user, publish=publish
            )
            if result.ok and result.set_version is not None:
                message = (
                    _("Version %(label)s published: it is now the current indicator set.")
                    if publish
                    else _("Draft %(label)s saved. It is used only once published.")
                )
                messages.success(request, message % {"label": result.set_version.label})
                return redirect("indicators:set_detail", pk=result.set_version.pk)
            problems = result.problems
    else:
        form = IndicatorSetForm(
            initial={"text": selectors.set_form_text(request.user, int_param(request, "from"))}
        )
    return render(
        request,
        "indicators/set_form.html",
        {"form": form, "problems": problems},
        status=400 if problems or form.errors else 200,
    )


@login_required
@require_POST
def set_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a draft version (staff)."""
    if not can_publish_indicator_set(request.user):
        raise PermissionDenied(_("Only municipality staff can publish the indicator set."))
    set_version = selectors.set_versions_for_user(request.user).filter(pk=pk).first()
    if set_version is None:
        raise Http404(_("No such indicator set version."))
    result = services.publish_indicator_set_version(set_version, request.user)
    if result.ok:
        messages.success(
            request,
            _("Version %(label)s published: it is now the current indicator set.")
            % {"label": set_version.label},
        )
    else:
        for problem in result.problems:
            messages.error(request, problem)
    return redirect("indicators:set_detail", pk=pk)
