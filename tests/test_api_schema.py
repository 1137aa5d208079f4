"""The API keeps the promises of its OpenAPI schema.

schemathesis generates requests for every operation in /api/schema/ and checks each
answer: never a server error, and status, content type and body as the schema documents.
A second test sends what fuzzers find first (NUL bytes, very long strings, odd unicode)
through every query parameter of every operation.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import AnonRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(transactional_db, demo_data, monkeypatch):
    # transactional_db: each request commits on its own, as in production, so a request
    # that fails in the database cannot abort a transaction the others share.
    # Hundreds of requests from one client: lift the throttle, which has its own tests.
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "100000/min"})
    # Requests go straight into the WSGI handler, inside the test's transaction. Like
    # Django's test client, keep the handler from closing that connection between them.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_to_the_schema(case):
    case.call_and_validate(checks=CHECKS)


HOSTILE_VALUES = ["\x00", "a\x00b", "x" * 10_000, "%00", "'; DROP TABLE x; --", "\ud7ff\u202e", " "]


def test_hostile_query_strings_never_cause_a_server_error(api, demo_data, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "100000/min"})
    document = api.get("/api/schema/", {"format": "json"}).json()
    tried = 0
    for path, operations in document["paths"].items():
        operation = operations.get("get")
        if operation is None or "{" in path:
            continue  # uploads and path parameters are covered by the schemathesis run
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            for value in HOSTILE_VALUES:
                response = api.get(path, {parameter["name"]: value})
                assert response.status_code < 500, (path, parameter["name"], value[:20])
                tried += 1
    assert tried > 100
