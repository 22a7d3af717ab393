"""Sign-in and sign-out (Django's auth views with the throttled form), the staff page of
facilitator grants, and each user's personal API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ecodistrict_web.accounts import selectors, services
from ecodistrict_web.accounts.forms import GrantForm, ThrottledAuthenticationForm, TokenForm
from ecodistrict_web.accounts.permissions import can_manage_grants


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): the header's sign-out button is a form."""


@login_required
@require_http_methods(["GET", "POST"])
def grants(request: HttpRequest) -> HttpResponse:
    """Which districts and companies each facilitator may read (municipality staff)."""
    if not can_manage_grants(request.user):
        raise PermissionDenied(_("Only municipality staff manage facilitators' access."))
    form = GrantForm(request.POST or None, choices=selectors.grant_choices(request.user))
    if request.method == "POST" and form.is_valid():
        services.grant_facilitator(
            form.cleaned_data["facilitator"],
            district=form.cleaned_data["district"],
            company=form.cleaned_data["company"],
            granted_by=request.user,
        )
        messages.success(request, _("Access granted."))
        return redirect("accounts:grants")
    return render(
        request,
        "accounts/grants.html",
        {"form": form, "grants": selectors.grants_for_user(request.user)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def grant_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    grant = selectors.grants_for_user(request.user).filter(pk=pk).first()
    if grant is None:
        raise Http404(_("No such grant."))
    services.withdraw_grant(grant)
    messages.success(request, _("Access withdrawn."))
    return redirect("accounts:grants")


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's personal API tokens; a new token is shown once, on this page."""
    form = TokenForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        secret = services.create_api_token(request.user, form.cleaned_data["name"]).secret
        form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": selectors.tokens_of(request.user), "secret": secret},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.tokens_of(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404(_("No such token."))
    services.revoke_api_token(token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")
