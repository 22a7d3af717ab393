from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ecodistrict_web.companies.selectors import public_district_notices


def home(request: HttpRequest) -> HttpResponse:
    """What the platform is, and the notice of every stored district (e.g. illustrative data)."""
    return render(request, "core/home.html", {"notices": public_district_notices()})
