"""Assessment pages: the firm's guided steps, submission and versions, the Excel template, the
staff review. Each view calls one selector (reads) or one service (writes)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ecodistrict.io.excel_template import MAX_WORKBOOK_BYTES, build_assessment_workbook
from ecodistrict_web.assessments import selectors, services
from ecodistrict_web.assessments.forms import (
    FLOW_FORMS,
    STEP_NAMES,
    STEPS,
    CompanyForm,
    PracticesForm,
    ReviewForm,
    UploadForm,
)
from ecodistrict_web.assessments.models import Assessment, ReviewStatus
from ecodistrict_web.assessments.permissions import can_review_assessments
from ecodistrict_web.core.params import page_language

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _visible(request: HttpRequest, pk: int) -> Assessment:
    assessment = selectors.assessment_for_user(request.user, pk)
    if assessment is None:
        raise Http404(_("No such assessment."))
    return assessment


def _editable(request: HttpRequest, pk: int) -> Assessment:
    assessment = selectors.editable_assessment(request.user, pk)
    if assessment is None:
        raise Http404(_("No such assessment."))
    return assessment


def _apply_errors(form: Any, errors: dict[str | None, list[str]]) -> None:
    """Each message beside its field; one about a field the form lacks names it, above."""
    for name, items in errors.items():
        for message in items:
            if name in form.fields:
                form.add_error(name, message)
            else:
                form.add_error(None, f"{name}: {message}" if name else message)


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    """Firms: straight to their assessment. Staff and facilitators: every version to review."""
    if can_review_assessments(request.user):
        status = request.GET.get("review", "")
        if status not in ReviewStatus.values:
            status = ""
        return render(
            request,
            "assessments/review_list.html",
            {
                "versions": selectors.versions_to_review(request.user, status),
                "drafts": selectors.assessments_for_user(request.user).filter(status="draft"),
                "review_status": status,
                "review_choices": ReviewStatus.choices,
            },
        )
    assessments = list(selectors.assessments_for_user(request.user))
    if len(assessments) == 1:
        return redirect("assessments:detail", pk=assessments[0].pk)
    return render(request, "assessments/mine.html", {"assessments": assessments})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _visible(request, pk)
    language = page_language()
    versions = list(assessment.versions.order_by("-number"))
    latest = versions[0] if versions else None
    declared = latest.snapshot if latest is not None else assessment.draft
    company = declared.get("company", {})
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "versions": versions,
            "latest": latest,
            "groups": selectors.indicator_groups(latest, language),
            "company": company,
            "practices": declared.get("practices", {}),
            "declared_flows": selectors.declared_flows(company, language),
            "steps": STEPS,
            "upload_form": UploadForm(),
            "review_form": ReviewForm(),
            "can_review": can_review_assessments(request.user),
            "can_edit": selectors.editable_assessment(request.user, pk) is not None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in STEP_NAMES:
        raise Http404(_("No such step."))
    assessment = _editable(request, pk) if request.method == "POST" else _visible(request, pk)
    language = page_language()
    position = STEP_NAMES.index(name)
    context: dict[str, Any] = {
        "assessment": assessment,
        "step": name,
        "step_label": STEPS[position][1],
        "steps": STEPS,
        "number": position + 1,
        "previous": STEP_NAMES[position - 1] if position else None,
        "next": STEP_NAMES[position + 1] if position + 1 < len(STEP_NAMES) else None,
        "map_tiles_url": settings.ECODISTRICT_MAP_TILES_URL,
        "map_tiles_attribution": settings.ECODISTRICT_MAP_TILES_ATTRIBUTION,
    }
    company = assessment.draft.get("company", {})
    if name == "company":
        initial = {
            **{k: company.get(k) for k in ("name", "ateco", "employees", "revenue_eur")},
            **(company.get("location") or {}),
        }
        form = CompanyForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            result = services.save_company(assessment, form.company_data())
            if result.ok:
                messages.success(request, _("Saved."))
                return redirect("assessments:step", pk=pk, name=context["next"])
            _apply_errors(form, result.errors)
        context["form"] = form
    elif name == "practices":
        form = PracticesForm(request.POST or None, initial=assessment.draft.get("practices", {}))
        if request.method == "POST" and form.is_valid():
            result = services.save_practices(assessment, form.cleaned_data)
            if result.ok:
                messages.success(request, _("Saved."))
                return redirect("assessments:step", pk=pk, name=context["next"])
            _apply_errors(form, result.errors)
        context["form"] = form
    elif name == "review":
        context["problems"] = selectors.draft_problems(assessment)
        context["company"] = company
        context["practices"] = assessment.draft.get("practices", {})
    else:
        form_class = FLOW_FORMS[name]
        form = (
            form_class(request.POST or None)
            if request.POST.get("action") != "remove"
            else form_class()
        )
        if request.method == "POST":
            if request.POST.get("action") == "remove":
                result = services.remove_flow(assessment, request.POST.get("flow", "")[:100])
                if not result.ok:
                    messages.error(request, " ".join(result.errors.get(None, [])))
                return redirect("assessments:step", pk=pk, name=name)
            if form.is_valid():
                result = services.add_flow(assessment, name, form.to_flow())
                if result.ok:
                    messages.success(request, _("Flow added."))
                    return redirect("assessments:step", pk=pk, name=name)
                _apply_errors(form, result.errors)
        context["form"] = form
        context["flows"] = selectors.flows_of_step(assessment, name, language)
    return render(
        request, "assessments/step.html", context, status=400 if _has_errors(context) else 200
    )


def _has_errors(context: dict[str, Any]) -> bool:
    form = context.get("form")
    return bool(form is not None and form.is_bound and form.errors)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _editable(request, pk)
    result = services.submit(assessment, request.user)
    if result.ok and result.version is not None:
        messages.success(
            request,
            _("Assessment submitted: version %(number)s is locked.")
            % {"number": result.version.number},
        )
        return redirect("assessments:detail", pk=pk)
    for problem in result.problems:
        messages.error(request, problem)
    return redirect("assessments:step", pk=pk, name="review")


@login_required
@require_POST
def new_version(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _editable(request, pk)
    result = services.start_new_version(assessment)
    if result.ok:
        messages.success(request, _("A new version is open, starting from the last one."))
        return redirect("assessments:step", pk=pk, name="company")
    messages.error(request, " ".join(result.errors.get(None, [])))
    return redirect("assessments:detail", pk=pk)


@login_required
@require_POST
def review(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    if not can_review_assessments(request.user):
        raise PermissionDenied(_("Only staff and facilitators validate assessments."))
    version = selectors.version_for_user(request.user, pk, number)
    if version is None:
        raise Http404(_("No such version."))
    form = ReviewForm(request.POST)
    if form.is_valid():
        result = services.review_version(
            version, request.user, form.cleaned_data["decision"], form.cleaned_data["comment"]
        )
        if result.ok:
            messages.success(request, _("Review recorded."))
        else:
            for items in result.errors.values():
                for message in items:
                    messages.error(request, message)
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
    return redirect("assessments:detail", pk=pk)


@login_required
@require_GET
def template_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The Excel template, filled with the draft so far."""
    assessment = _visible(request, pk)
    language = page_language()
    data = build_assessment_workbook(language, assessment.draft.get("company"))
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="assessment-{assessment.pk}.xlsx"'
    return response


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _editable(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
        return redirect("assessments:detail", pk=pk)
    uploaded = form.cleaned_data["file"]
    if uploaded.size > MAX_WORKBOOK_BYTES:
        messages.error(request, _("The file is larger than 5 MB."))
        return redirect("assessments:detail", pk=pk)
    result = services.fill_from_workbook(assessment, uploaded.read(), page_language())
    if result.ok:
        messages.success(
            request, _("The draft is filled from the Excel file; check it step by step.")
        )
    else:
        messages.error(request, _("The Excel file was not loaded; nothing changed."))
        for problem in result.problems[:50]:
            messages.error(request, problem)
    return redirect("assessments:detail", pk=pk)


@login_required
@require_GET
def ewc_search(request: HttpRequest) -> JsonResponse:
    """EWC autocomplete: entries matching ``q``, in the page's language."""
    query = request.GET.get("q", "")[:100]
    return JsonResponse({"results": selectors.ewc_suggestions(query, page_language())})
