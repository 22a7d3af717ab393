"""Schemathesis against the API's OpenAPI schema, for every role: no server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from ecodistrict_web.config.wsgi import application

# The schema is read from the application itself (no network, no database needed for it).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Requests go through the real WSGI application, whose request signals close the database
    connection (close_old_connections); inside a test's transaction that would close the test's
    own connection (PostgreSQL). Django's test client disconnects them the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def role_headers(district, firm_user, staff_user, facilitator_user, make_user, bearer):
    """The Authorization header of each role (anonymous: none)."""
    ungranted = make_user("nogrant@test.example", "facilitator")
    return {
        "anonymous": {},
        "firm": bearer(firm_user),
        "staff": bearer(staff_user),
        "facilitator": bearer(facilitator_user),
        "facilitator without grant": bearer(ungranted),
    }


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    # The same examples on every run: CI must not pass or fail by luck. To explore further,
    # run it with more examples and derandomize off (a failure prints how to reproduce it).
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_server_error_for_any_role(case, role_headers):
    for headers in role_headers.values():
        wsgi_headers = {
            key.removeprefix("HTTP_").replace("_", "-").title(): value
            for key, value in headers.items()
        }
        response = case.call(headers=wsgi_headers)
        case.validate_response(response, checks=[not_a_server_error], headers=wsgi_headers)
