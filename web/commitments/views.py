"""Manifesto and commitments pages. Each view calls one selector (reads) or one service
(writes); who may do what is in permissions.py, which rows a user reaches is ``restrict()``'s."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ecodistrict_web.commitments import selectors, services
from ecodistrict_web.commitments.forms import CharterForm, CommitmentForm, SignForm
from ecodistrict_web.commitments.models import CharterKind
from ecodistrict_web.commitments.permissions import (
    can_act_for_firms,
    can_publish_charter,
    can_view_all_commitments,
)
from ecodistrict_web.companies.models import Company
from ecodistrict_web.core.params import is_whole_number, page_language


def public(request: HttpRequest) -> HttpResponse:
    """The public page: the texts, the signatories who consented, the aggregate progress."""
    return render(
        request,
        "commitments/public.html",
        {
            "page": selectors.public_page(page_language()),
            "statuses": STATUS_LABELS,
        },
    )


def charter(request: HttpRequest, kind: str, version: int | None = None) -> HttpResponse:
    if kind not in CharterKind.values:
        raise Http404(_("No such document."))
    row = selectors.charter_version(kind, version)
    if row is None:
        raise Http404(_("No such document."))
    italian = page_language().startswith("it")
    return render(
        request,
        "commitments/charter.html",
        {
            "charter": row,
            "title": row.title_it if italian else row.title_en,
            "blocks": selectors.charter_blocks(row.body_it if italian else row.body_en),
            "versions": selectors.charter_versions(kind),
        },
    )


@login_required
def publish(request: HttpRequest) -> HttpResponse:
    if not can_publish_charter(request.user):
        raise PermissionDenied(_("Only municipality staff publish the manifesto and guidelines."))
    if request.method == "POST":
        form = CharterForm(request.POST)
        if form.is_valid():
            row = services.publish_charter_version(
                form.cleaned_data["kind"],
                title_it=form.cleaned_data["title_it"],
                title_en=form.cleaned_data["title_en"],
                body_it=form.cleaned_data["body_it"],
                body_en=form.cleaned_data["body_en"],
                user=request.user,
            )
            messages.success(
                request, _("Version %(version)s published.") % {"version": row.version}
            )
            return redirect("commitments:charter_version", kind=row.kind, version=row.version)
        status = 400
    else:
        current = selectors.current_charters().get(request.GET.get("kind", CharterKind.MANIFESTO))
        initial = (
            {
                "kind": current.kind,
                "title_it": current.title_it,
                "title_en": current.title_en,
                "body_it": current.body_it,
                "body_en": current.body_en,
            }
            if current is not None
            else {}
        )
        form, status = CharterForm(initial=initial), 200
    return render(request, "commitments/publish.html", {"form": form}, status=status)


def _require_firm(request: HttpRequest) -> None:
    if not can_act_for_firms(request.user):
        raise PermissionDenied(_("Only a member of a firm signs and states its commitments."))


def _mine(
    request: HttpRequest, *, status: int = 200, problems: list[str] | None = None
) -> HttpResponse:
    return render(
        request,
        "commitments/mine.html",
        {
            "sections": selectors.firm_sections(request.user, page_language()),
            "charters": selectors.current_charters(),
            "statuses": STATUS_LABELS,
            "problems": problems or [],
        },
        status=status,
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    _require_firm(request)
    return _mine(request)


def _firm(request: HttpRequest, pk: int | None) -> Company:
    firm = selectors.firms_for_user(request.user).filter(pk=pk).first() if pk else None
    if firm is None:
        raise Http404(_("No such firm."))
    return firm


@login_required
@require_POST
def sign(request: HttpRequest) -> HttpResponse:
    _require_firm(request)
    form = SignForm(request.POST)
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label or name}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        ]
        return _mine(request, status=400, problems=problems)
    firm = _firm(request, form.cleaned_data["company"])
    created = services.sign_charters(
        firm, request.user, public_consent=form.cleaned_data["public_consent"]
    )
    if created:
        messages.success(request, _("Signed. Thank you."))
    else:
        messages.info(request, _("The firm had already signed the current texts."))
    return redirect("commitments:mine")


@login_required
@require_POST
def commit(request: HttpRequest) -> HttpResponse:
    _require_firm(request)
    raw_company = request.POST.get("company", "")
    firm = _firm(request, int(raw_company) if is_whole_number(raw_company) else None)
    form = CommitmentForm(
        request.POST,
        indicators=selectors.commitment_indicator_choices(firm, page_language()),
    )
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label if name in form.fields else name}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        ]
        return _mine(request, status=400, problems=problems)
    result = services.state_commitment(
        firm,
        request.user,
        indicator_key=form.cleaned_data["indicator"],
        target=form.cleaned_data["target"],
        deadline_year=form.cleaned_data["deadline_year"],
    )
    if not result.ok:
        return _mine(request, status=400, problems=result.problems)
    messages.success(request, _("Commitment stated."))
    return redirect("commitments:mine")


@login_required
def all_commitments(request: HttpRequest) -> HttpResponse:
    if not can_view_all_commitments(request.user):
        raise PermissionDenied(_("Only municipality staff and facilitators see every commitment."))
    return render(
        request,
        "commitments/all.html",
        {
            "rows": selectors.all_commitments(request.user, page_language()),
            "statuses": STATUS_LABELS,
            "can_publish": can_publish_charter(request.user),
        },
    )


STATUS_LABELS = {
    "met": gettext_lazy("met"),
    "on_track": gettext_lazy("on track"),
    "late": gettext_lazy("late"),
}
