"""Scenario pages. Each view calls one selector (reads) or one service (writes); which
scenarios a user reaches is ``restrict()``'s, who may do what is in permissions.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecodistrict_web.core.params import page_language
from ecodistrict_web.scenarios import permissions, selectors, services
from ecodistrict_web.scenarios.forms import MEASURE_TITLES, MEASURES, ScenarioCreateForm
from ecodistrict_web.scenarios.models import Scenario
from ecodistrict_web.scenarios.permissions import can_use_scenarios


def _require_use(request: HttpRequest) -> None:
    if not can_use_scenarios(request.user):
        raise PermissionDenied(_("Scenarios are for firms, facilitators and municipality staff."))


def _scenario(request: HttpRequest, pk: int) -> Scenario:
    scenario = selectors.scenario_for_user(request.user, pk)
    if scenario is None:
        raise Http404(_("No such scenario."))
    return scenario


def _create_form(request: HttpRequest, data: Any = None) -> ScenarioCreateForm:
    return ScenarioCreateForm(
        data,
        companies=selectors.companies_for_scenarios(request.user),
        districts=selectors.districts_for_scenarios(request.user),
    )


@login_required
def scenario_list(request: HttpRequest) -> HttpResponse:
    _require_use(request)
    return render(
        request,
        "scenarios/scenario_list.html",
        {"scenarios": selectors.scenarios_for_user(request.user), "form": _create_form(request)},
    )


@login_required
@require_POST
def scenario_create(request: HttpRequest) -> HttpResponse:
    _require_use(request)
    form = _create_form(request, request.POST)
    if not form.is_valid():
        return render(
            request,
            "scenarios/scenario_list.html",
            {"scenarios": selectors.scenarios_for_user(request.user), "form": form},
            status=400,
        )
    kind, _sep, pk = form.cleaned_data["subject"].partition(":")
    if kind == "company":
        company = selectors.companies_for_scenarios(request.user).get(pk=int(pk))
        scenario = services.create_scenario(
            request.user,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            company=company,
        )
    else:
        district = selectors.districts_for_scenarios(request.user).get(pk=int(pk))
        scenario = services.create_scenario(
            request.user,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            district=district,
        )
    return redirect("scenarios:detail", pk=scenario.pk)


def _measure_forms(
    scenario: Scenario, bound: tuple[str, Any] | None = None
) -> list[tuple[str, str, Any]]:
    flows = selectors.flow_choices(scenario)
    companies = selectors.company_choices(scenario)
    forms = []
    for name, form_class in MEASURES.items():
        data = bound[1] if bound is not None and bound[0] == name else None
        form = form_class(data, flows=flows, companies=companies, prefix=name)
        forms.append((name, str(MEASURE_TITLES[name]), form))
    return forms


def _detail(
    request: HttpRequest,
    pk: int,
    *,
    bound: tuple[str, Any] | None = None,
    status: int = 200,
    problems: list[str] | None = None,
) -> HttpResponse:
    page = selectors.scenario_page(request.user, pk, page_language())
    if page is None:
        raise Http404(_("No such scenario."))
    return render(
        request,
        "scenarios/scenario_detail.html",
        {
            "page": page,
            "measures": _measure_forms(page.scenario, bound),
            "problems": problems or [],
            "open_measure": bound[0] if bound is not None else "",
        },
        status=status,
    )


@login_required
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@login_required
@require_POST
def add_measure(request: HttpRequest, pk: int, measure: str) -> HttpResponse:
    scenario = _scenario(request, pk)
    form_class = MEASURES.get(measure)
    if form_class is None:
        raise Http404(_("No such measure."))
    form = form_class(
        request.POST,
        flows=selectors.flow_choices(scenario),
        companies=selectors.company_choices(scenario),
        prefix=measure,
    )
    if not form.is_valid():
        return _detail(request, pk, bound=(measure, request.POST), status=400)
    result = services.add_changes(scenario, form.changes(), request.user)
    if not result.ok:
        return _detail(
            request, pk, bound=(measure, request.POST), status=400, problems=result.problems
        )
    messages.success(request, _("The change was added to the scenario."))
    return redirect("scenarios:detail", pk=pk)


@login_required
@require_POST
def remove_change(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    scenario = _scenario(request, pk)
    result = services.remove_change(scenario, index, request.user)
    if not result.ok:
        return _detail(request, pk, status=400, problems=result.problems)
    messages.success(request, _("The change was removed."))
    return redirect("scenarios:detail", pk=pk)


@login_required
@require_POST
def compute(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario(request, pk)
    result = services.compute_scenario(scenario, request.user)
    if not result.ok:
        return _detail(request, pk, status=400, problems=result.problems)
    messages.success(request, _("Indicators and matches computed before and after."))
    return redirect("scenarios:detail", pk=pk)


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario(request, pk)
    if not permissions.can_delete_scenario(request.user, scenario):
        raise PermissionDenied
    services.delete_scenario(scenario, request.user)
    messages.success(request, _("The scenario was deleted; the declared data are unchanged."))
    return redirect("scenarios:list")
