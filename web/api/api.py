"""The JSON API (django-ninja) at /api/, OpenAPI documentation at /api/docs.

Read-only; every endpoint calls one selector of ``api/selectors.py``, which reaches rows only
through the gate (``restrict``). Authentication: the browser's session (Django's CSRF check
applies to unsafe methods), or a personal token sent as ``Authorization: Bearer <token>``
(``accounts/tokens/`` or ``manage.py create_api_token``). Errors are JSON: ``{"detail": ...}``.
"""

import logging
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import NinjaAPI, Path, Query
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer, SessionAuth

from ecodistrict_web.accounts.services import authenticate_token
from ecodistrict_web.api import selectors
from ecodistrict_web.api.schemas import (
    AssessmentDetailOut,
    AssessmentOut,
    CompanyDetailOut,
    CompanyIndicatorsOut,
    CompanyMatchesOut,
    CompanyOut,
    DistrictIndicatorsOut,
    ErrorOut,
    FlowOut,
)

logger = logging.getLogger(__name__)

#: Largest id accepted in a path or query (a bigger number cannot be a row's id, and would
#: overflow the database's integer).
MAX_ID = 2**63 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return authenticate_token(token)


class Session(SessionAuth):
    """The signed-in browser's session; Django's CSRF check for unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


api = NinjaAPI(
    title="ecodistrict API",
    version="1",
    description=(
        "Companies, flows, indicators and matches of the Smart Eco District, with the same "
        "confidentiality as the web pages: a firm sees only its own firm, staff every firm, "
        "facilitators what staff granted them."
    ),
    auth=[BearerToken(), Session()],
    urls_namespace="api",
)

NOT_FOUND = {404: ErrorOut, 401: ErrorOut}


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "Authentication required: sign in, or send 'Authorization: Bearer <token>'."},
        status=401,
    )


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [
        {
            "place": ".".join(str(part) for part in error.get("loc", ())),
            "message": error.get("msg", ""),
        }
        for error in exc.errors
    ]
    return api.create_response(
        request, {"detail": "Invalid request.", "problems": problems}, status=422
    )


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: logged with its traceback for the operators, a JSON message for the caller (no
    debug page, no internals)."""
    logger.error("API error on %s", request.path, exc_info=exc)
    return api.create_response(
        request, {"detail": "Internal error: the operators have been told."}, status=500
    )


def _language() -> str:
    return get_language() or "it"


#: No table of the platform holds this many rows; offsets beyond it (up to 10^30 from a fuzzer)
#: would overflow the database's 64-bit integers.
BEYOND_ANY_ROW = 2**40


class _PagedRows:
    """A queryset that the paginator counts and slices in the database; only the rows of the
    requested page are read and turned into their API data."""

    def __init__(self, queryset: Any, convert: Any) -> None:
        self.queryset, self.convert = queryset, convert

    def count(self) -> int:
        return int(self.queryset.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Any]:
        start, stop = window.start or 0, window.stop
        if start >= BEYOND_ANY_ROW:
            return []  # an offset past any table: nothing, not an integer the database refuses
        if stop is not None:
            stop = min(stop, BEYOND_ANY_ROW)
        return list(self.convert(list(self.queryset[start:stop])))


def _found(value: Any, what: str) -> Any:
    if value is None:
        raise HttpError(404, f"No such {what}, or you may not see it.")
    return value


@api.get("/companies", response={200: list[CompanyOut], 401: ErrorOut}, tags=["companies"])
@paginate(LimitOffsetPagination)
def list_companies(request: HttpRequest) -> Any:
    """The companies you may see (a firm member: their own firm)."""
    return _PagedRows(
        selectors.companies(request.auth),
        lambda rows: [selectors.company_data(row) for row in rows],
    )


@api.get("/companies/{pk}", response={200: CompanyDetailOut, **NOT_FOUND}, tags=["companies"])
def get_company(request: HttpRequest, pk: Id) -> Any:
    return _found(selectors.company(request.auth, pk), "company")


@api.get("/flows", response={200: list[FlowOut], 401: ErrorOut}, tags=["flows"])
@paginate(LimitOffsetPagination)
def list_flows(
    request: HttpRequest,
    company: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Any:
    """The yearly flows you may see, optionally of one company."""

    def page_data(rows: list[Any]) -> list[Any]:
        visible = selectors.visible_flow_ids(
            request.auth, {row.supplied_by_id for row in rows if row.supplied_by_id}
        )
        return [selectors.flow_data(row, visible) for row in rows]

    return _PagedRows(selectors.flows(request.auth, company), page_data)


@api.get(
    "/companies/{pk}/indicators",
    response={200: CompanyIndicatorsOut, **NOT_FOUND},
    tags=["indicators"],
)
def get_company_indicators(request: HttpRequest, pk: Id) -> Any:
    """The company's indicators in the latest run of its district."""
    return _found(selectors.company_indicators(request.auth, pk, _language()), "company")


@api.get(
    "/districts/{pk}/indicators",
    response={200: DistrictIndicatorsOut, **NOT_FOUND},
    tags=["indicators"],
)
def get_district_indicators(request: HttpRequest, pk: Id) -> Any:
    """Every value of the latest indicator run of a district (staff, granted facilitators)."""
    return _found(selectors.district_indicators(request.auth, pk), "district")


@api.get(
    "/companies/{pk}/matches",
    response={200: CompanyMatchesOut, **NOT_FOUND},
    tags=["matches"],
)
def get_company_matches(request: HttpRequest, pk: Id) -> Any:
    """The company's symbiosis matches in the latest run; partners anonymised for a firm until
    both firms said they are interested."""
    return _found(selectors.company_matches(request.auth, pk, _language()), "company")


@api.get("/assessments", response={200: list[AssessmentOut], 401: ErrorOut}, tags=["assessments"])
@paginate(LimitOffsetPagination)
def list_assessments(request: HttpRequest) -> Any:
    """The profiling assessments you may see, newest first, with their submitted versions."""
    return selectors.assessments(request.auth)


@api.get(
    "/assessments/{pk}", response={200: AssessmentDetailOut, **NOT_FOUND}, tags=["assessments"]
)
def get_assessment(request: HttpRequest, pk: Id) -> Any:
    """One assessment: its draft, versions and the indicators of the latest version."""
    return _found(selectors.assessment(request.auth, pk), "assessment")
