"""Pages of the call: public description, privacy notice, expression of interest, e-mail
verification; the staff list of interests. Each view calls one selector or one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ecodistrict_web.intake import selectors, services
from ecodistrict_web.intake.forms import FirstPasswordForm, InterestFilterForm, InterestForm
from ecodistrict_web.intake.permissions import can_invite, can_list_interests


def call_page(request: HttpRequest) -> HttpResponse:
    """The public page of the call for expressions of interest."""
    return render(request, "intake/call.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/privacy.html")


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = InterestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.register_interest(
            form.cleaned_data,
            request.build_absolute_uri,
            client_key=request.META.get("REMOTE_ADDR", ""),
        )
        if result.ok:
            return render(request, "intake/registered.html", {"email": form.cleaned_data["email"]})
        for name, message in result.errors.items():
            form.add_error(name or None, message)
    return render(request, "intake/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = services.user_for_token(uidb64, token)
    if user is None:
        return render(request, "intake/verify_invalid.html", status=400)
    form = FirstPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.complete_verification(user, form)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your e-mail is verified and your password is set."))
        return redirect("intake:mine")
    return render(request, "intake/verify.html", {"form": form, "account": user})


@login_required
def my_interest(request: HttpRequest) -> HttpResponse:
    interest = selectors.own_interest(request.user)
    if interest is None:
        raise Http404(_("You have not registered an expression of interest."))
    return render(request, "intake/mine.html", {"interest": interest})


@login_required
def interest_list(request: HttpRequest) -> HttpResponse:
    if not can_list_interests(request.user):
        raise PermissionDenied(_("Only municipality staff see the expressions of interest."))
    filters = InterestFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    return render(
        request,
        "intake/list.html",
        {
            "interests": selectors.interests_for_user(request.user, status),
            "filters": filters,
            "can_invite": can_invite(request.user),
        },
    )


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_invite(request.user):
        raise PermissionDenied(_("Only municipality staff invite firms to the assessment."))
    interest = selectors.interest_for_user(request.user, pk)
    if interest is None:
        raise Http404(_("No such expression of interest."))
    result = services.invite_to_assessment(interest, request.user, request.build_absolute_uri)
    if result.ok:
        messages.success(
            request,
            _("%(company)s is invited to the assessment; an e-mail was sent.")
            % {"company": interest.company_name},
        )
    else:
        messages.error(request, result.message)
    return redirect("intake:list")
