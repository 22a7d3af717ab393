"""Pages on districts and companies. Each view calls one selector (reads) or one service
(writes); the rules live in permissions.py and in ``restrict()``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ecodistrict_web.companies import selectors, services
from ecodistrict_web.companies.forms import DistrictUploadForm, FlowEditForm
from ecodistrict_web.companies.history import can_view_history
from ecodistrict_web.companies.history import company_history as company_history_of
from ecodistrict_web.companies.permissions import can_change_company, can_import_district
from ecodistrict_web.core.params import int_param

COMPANIES_PER_PAGE = 100


@login_required
def company_list(request: HttpRequest) -> HttpResponse:
    """The companies the user may see, by district (a firm member sees only their own)."""
    # A page of COMPANIES_PER_PAGE rows: the whole list of a large district is slow to render.
    companies = Paginator(selectors.companies_for_user(request.user), COMPANIES_PER_PAGE).get_page(
        int_param(request, "page")
    )
    districts = list(selectors.districts_for_user(request.user))
    return render(
        request,
        "companies/company_list.html",
        {
            "companies": companies,
            "districts": districts,
            "can_import": can_import_district(request.user),
        },
    )


@login_required
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One company and its flows; 404 for a company the user may not see."""
    page = selectors.company_page(request.user, pk, get_language() or "it")
    if page is None:
        raise Http404(_("No such company."))
    return render(
        request,
        "companies/company_detail.html",
        {
            "page": page,
            "can_view_history": can_view_history(request.user),
            "can_edit_flows": can_change_company(request.user, page.company),
        },
    )


@login_required
def company_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Who changed what and when in a company's declared data (municipality staff)."""
    history = company_history_of(request.user, pk)
    if history is None:
        raise Http404(_("No such company."))
    return render(request, "companies/company_history.html", {"history": history})


@login_required
@require_http_methods(["GET", "POST"])
def district_import(request: HttpRequest) -> HttpResponse:
    """Upload a district file (municipality staff): all of it is stored, or nothing."""
    if not can_import_district(request.user):
        raise PermissionDenied(_("Only municipality staff can import a district file."))
    problems: list[str] = []
    if request.method == "POST":
        form = DistrictUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = services.import_district(
                form.text, upload.name, replace=form.cleaned_data["replace"]
            )
            if result.ok and result.district is not None:
                messages.success(
                    request,
                    _(
                        "District '%(name)s' imported: %(companies)d companies, %(flows)d flows, "
                        "%(links)d exchanges in place."
                    )
                    % {
                        "name": result.district.name,
                        "companies": result.companies,
                        "flows": result.flows,
                        "links": result.links,
                    },
                )
                return redirect("companies:list")
            problems = result.problems
    else:
        form = DistrictUploadForm()
    return render(
        request,
        "companies/district_import.html",
        {"form": form, "problems": problems},
        status=400 if problems or form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def flow_edit(request: HttpRequest, pk: int, flow_pk: int) -> HttpResponse:
    """Correct a declared flow: a member of its firm, or municipality staff; 404 otherwise."""
    flow = selectors.flow_to_edit(request.user, pk, flow_pk)
    if flow is None:
        raise Http404(_("No such flow."))
    if request.method == "POST":
        form = FlowEditForm(request.POST)
        if form.is_valid():
            result = services.update_flow(flow, form.cleaned_data)
            if result.ok:
                messages.success(request, _("The flow was updated; the change is in its history."))
                return redirect("companies:detail", pk=pk)
            for name, errors in result.errors.items():
                for error in errors:
                    form.add_error(name, error)
    else:
        form = FlowEditForm(
            initial={name: getattr(flow, name) for name in services.EDITABLE_FLOW_FIELDS}
        )
    return render(request, "companies/flow_edit.html", {"form": form, "flow": flow})
