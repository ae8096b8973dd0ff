"""Property-based API test: schemathesis generates requests from /api/v1/schema/ against a live server.

Every operation, with the tokens of two roles (office staff, a branch member) and none: no 5xx, and
every documented response matches its schema. Bounded in examples per operation and in total time.
"""

import time

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.decisions.helpers import submit
from tests.elections.helpers import request_election

pytestmark = pytest.mark.django_db(transaction=True)
EXAMPLES = 6
TIME_BUDGET = 90  # seconds; CI should finish well inside it
SKIPPED = {("POST", "/api/v1/auth/logout/")}  # would revoke the token the run uses


def _operations(schema):
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) not in SKIPPED:
            yield operation


def test_api_has_no_server_errors_and_keeps_its_schema(org, api, live_server):
    submit(api, org["dangban"], title="门诊楼改造")
    request_election(api, org["sj_b01"])
    headers = [{"Authorization": f"Token {Token.objects.create(user=org[name]).key}"}
               for name in ("dangban", "b01_m1")] + [{}]
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")
    calls, started = 0, time.monotonic()
    operations = list(_operations(schema))
    assert len(operations) >= 30

    def fuzz(operation):
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            nonlocal calls
            for auth in headers:
                calls += 1
                response = case.call(base_url=live_server.url, headers=auth)
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        run()

    for operation in operations:
        fuzz(operation)
        assert time.monotonic() - started < TIME_BUDGET, f"fuzzing took over {TIME_BUDGET} s"
    assert calls >= len(operations) * len(headers)
