"""Matchmaking pages. Each view calls one selector (reads) or one service (writes); who may do
what is in permissions.py, which rows a user reaches in ``restrict()``."""

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
from pydantic import ValidationError

from ecodistrict_web.accounts.permissions import CHANGE
from ecodistrict_web.companies.selectors import districts_for_user
from ecodistrict_web.core.params import int_param, is_whole_number, page_language
from ecodistrict_web.matchmaking import selectors, services
from ecodistrict_web.matchmaking.forms import (
    ExchangeStatusForm,
    InterestForm,
    MatchFilterForm,
    RecomputeMatchesForm,
)
from ecodistrict_web.matchmaking.models import ExchangeStatus
from ecodistrict_web.matchmaking.permissions import (
    can_change_exchange_status,
    can_run_matching,
    can_view_all_matches,
)


def _require_all_matches(request: HttpRequest) -> None:
    if not can_view_all_matches(request.user):
        raise PermissionDenied(
            _("Only municipality staff and facilitators can see the matches of every firm.")
        )


# --- a firm's matches ---------------------------------------------------------------------------


@login_required
def my_matches(request: HttpRequest) -> HttpResponse:
    """ "I miei abbinamenti": the matches of the user's firms, anonymised until both agree."""
    return render(
        request,
        "matchmaking/my_matches.html",
        {
            "sections": selectors.firm_matches_page(request.user, page_language()),
            "can_view_all": can_view_all_matches(request.user),
        },
    )


@login_required
@require_POST
def express_interest(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Mi interessa" / "Non mi interessa" on one match (a member of a firm of the match; any
    other firm gets a 404, staff and facilitators a 403)."""
    proposal = selectors.proposal_for_action(request.user, pk, CHANGE)
    if proposal is None:
        raise Http404(_("No such match."))
    form = InterestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The answer could not be read: try again."))
        return redirect(reverse("matchmaking:mine") + f"#match-{pk}")
    interested = form.cleaned_data["interested"] == "yes"
    try:
        result = services.express_interest(
            proposal, request.user, interested, side=form.cleaned_data["side"] or None
        )
    except services.MatchmakingRefused as exc:
        messages.error(request, str(exc))
    else:
        if result.exchange is not None:
            messages.success(
                request,
                _(
                    "Both firms are interested: the names and contacts are now visible to both, "
                    "and the municipality staff will follow the proposed exchange."
                ),
            )
        elif interested:
            messages.success(
                request,
                _(
                    "Your interest is recorded. The other firm's name will be shown only if it "
                    "is interested too."
                ),
            )
        else:
            messages.info(request, _("Recorded: this match does not interest your firm."))
    return redirect(reverse("matchmaking:mine") + f"#match-{pk}")


# --- staff and facilitators: every match, the map ---------------------------------------------


@login_required
def district_matches(request: HttpRequest) -> HttpResponse:
    """ "Abbinamenti": every match of the latest run (or ``?run=``), filtered and sorted, with the
    map of the district and the table as its text alternative."""
    _require_all_matches(request)
    form = MatchFilterForm(request.GET)
    filters = form.filters()
    try:
        page = selectors.district_matches_page(
            request.user,
            int_param(request, "district"),
            int_param(request, "run"),
            filters,
            sort=request.GET.get("sort", selectors.DEFAULT_SORT),
            direction=request.GET.get("dir", "desc"),
            language=page_language(),
        )
    except selectors.RunNotFound:
        raise Http404(_("No such matching run.")) from None
    if page is None:
        raise Http404(_("No such district."))
    base: dict[str, object] = {}
    if page.choice.district is not None:
        base["district"] = page.choice.district.pk
    if page.run is not None and request.GET.get("run"):
        base["run"] = page.run.pk
    for name, value in (
        ("kind", filters.kind),
        ("resource", filters.resource),
        ("max_km", filters.max_km),
        ("basis", filters.basis),
    ):
        if value not in ("", None):
            base[name] = value
    sort_links = {
        key: "?" + urlencode({**base, "sort": key, "dir": _next_direction(page, key)})
        for key in selectors.SORT_FIELDS
    }
    keep = {key: value for key, value in base.items() if key != "run"}
    keep.update(sort=page.sort, dir=page.direction)
    return render(
        request,
        "matchmaking/district_matches.html",
        {
            "page": page,
            "form": form,
            "sort_links": sort_links,
            "keep": keep,
            "can_run": can_run_matching(request.user),
            "recompute_form": RecomputeMatchesForm(
                initial={"district": page.choice.district.pk if page.choice.district else None}
            ),
        },
    )


def _next_direction(page: selectors.DistrictMatchesPage, key: str) -> str:
    if page.sort == key:
        return "asc" if page.direction == "desc" else "desc"
    return "asc" if key in ("supplier", "receiver", "kind", "basis", "distance") else "desc"


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One match with its reasons, fits, impact, the firms' answers and the exchange."""
    _require_all_matches(request)
    page = selectors.proposal_page(request.user, pk, page_language())
    if page is None:
        raise Http404(_("No such match."))
    return render(request, "matchmaking/proposal_detail.html", {"page": page})


@login_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    """ "Ricalcola abbinamenti": a new run of a district (staff)."""
    if not can_run_matching(request.user):
        raise PermissionDenied(_("Only municipality staff can recompute the matches."))
    form = RecomputeMatchesForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        district_pk = request.POST.get("district", "")
        query = "?" + urlencode({"district": district_pk}) if is_whole_number(district_pk) else ""
        return redirect(reverse("matchmaking:district") + query)
    district = (
        districts_for_user(request.user, CHANGE).filter(pk=form.cleaned_data["district"]).first()
    )
    if district is None:
        raise Http404(_("No such district."))
    back = reverse("matchmaking:district") + "?" + urlencode({"district": district.pk})
    try:
        run = services.run_matching(
            district,
            request.user,
            top_k=form.cleaned_data["top_k"] or services.DEFAULT_TOP_K,
            max_distance_km=form.cleaned_data["max_distance_km"],
        )
    except ValidationError as exc:  # rows edited by hand that break a rule of the format
        messages.error(
            request,
            _("The matches could not be computed: the district's data break a rule (%(error)s).")
            % {"error": "; ".join(str(error.get("msg", "")) for error in exc.errors()[:3])},
        )
        return redirect(back)
    messages.success(
        request,
        _("Matches of '%(district)s' computed: %(count)d proposed matches.")
        % {"district": district.name, "count": run.match_count},
    )
    return redirect(back)


@login_required
def run_document(request: HttpRequest, pk: int) -> HttpResponse:
    """A whole run as JSON: options, the input data, the library's matches."""
    _require_all_matches(request)
    document = selectors.run_document(request.user, pk)
    if document is None:
        raise Http404(_("No such matching run."))
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="match-run-{pk}.json"'
    return response


# --- proposed exchanges -------------------------------------------------------------------------


@login_required
def exchanges(request: HttpRequest) -> HttpResponse:
    """ "Scambi proposti": the exchanges of a district with their history; staff move them."""
    _require_all_matches(request)
    page = selectors.exchanges_page(
        request.user, int_param(request, "district"), request.GET.get("status", "")
    )
    if page is None:
        raise Http404(_("No such district."))
    return render(
        request,
        "matchmaking/exchanges.html",
        {
            "page": page,
            "statuses": ExchangeStatus.choices,
            "can_change": can_change_exchange_status(request.user),
        },
    )


@login_required
@require_POST
def exchange_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an exchange to another status, with a note (staff; 403 for anyone else)."""
    if not can_change_exchange_status(request.user):
        raise PermissionDenied(_("Only municipality staff can change the status of an exchange."))
    exchange = selectors.exchange_for_action(request.user, pk, CHANGE)
    if exchange is None:
        raise Http404(_("No such exchange."))
    form = ExchangeStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the statuses offered."))
    else:
        try:
            change = services.change_exchange_status(
                exchange, request.user, form.cleaned_data["status"], form.cleaned_data["note"]
            )
        except services.MatchmakingRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("The exchange is now %(status)s.")
                % {"status": ExchangeStatus(change.to_status).label},
            )
    query = {"district": exchange.district_id} if exchange.district_id else {}
    url = reverse("matchmaking:exchanges") + ("?" + urlencode(query) if query else "")
    return redirect(url + f"#exchange-{exchange.pk}")
