"""The API fuzzed from its own OpenAPI schema with schemathesis: every operation, as every role,
answers without a 5xx, with a status code, content type and body that the schema documents.

Examples are derandomized (the same inputs on every run) and bounded per operation and role;
API_FUZZ_EXAMPLES raises their number for a longer hunt. Each example runs in a savepoint that
is rolled back, so a DELETE or a status change does not change the world the next one sees.
"""

import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import ROLES, count

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "8"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The schema the app serves at /api/schema/, built the same way (lazy translations rendered).
RAW = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
SCHEMA = schemathesis.openapi.from_dict(RAW)
SCHEMA.app = WSGIHandler()
OPERATIONS = [
    (method.upper(), path)
    for path, item in RAW["paths"].items()
    for method in item
    if method in ("get", "post", "put", "patch", "delete")
]
# Which world rows a path's {id} may name (the rest get only what schemathesis draws).
ID_KINDS = {
    "/api/v1/tickets/": "tickets",
    "/api/v1/attachments/": "attachments",
    "/api/v1/complaints/": "complaints",
    "/api/v1/notices/": "notices",
    "/api/v1/auth/tokens/": "tokens",
}


@pytest.fixture
def wsgi_in_test_transaction(settings):
    """Requests go through the real WSGI handler; like Django's test client, keep the test's
    connection (and its transaction) open across them."""
    settings.ALLOWED_HOSTS = ["localhost"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def real_ids(world, path: str) -> list[int]:
    kind = next((k for prefix, k in ID_KINDS.items() if path.startswith(prefix)), None)
    return world["ids"].get(kind, [])


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_answers_as_documented(world, wsgi_in_test_transaction, method, path):
    # One world per operation, every role in turn: examples roll back, so they share it.
    for role in ROLES:
        fuzz_operation(world, method, path, role)


def fuzz_operation(world, method, path, role):
    operation = SCHEMA[path][method]
    examples = EXAMPLES
    if role == "anonymous" and "401" in RAW["paths"][path][method.lower()]["responses"]:
        # Turned away before any input is read: a couple of examples show the 401 is as
        # documented. Operations open to all (sign-in, rating by link) get the full count.
        examples = 2
    headers = {}
    if role != "anonymous":
        headers["Authorization"] = f"Token {world['tokens'][role][0]}"
    ids = real_ids(world, path)

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), real=st.one_of(st.none(), st.sampled_from(ids or [0])))
    def check(case, real):
        note(f"as {role}")
        if real and case.path_parameters and "id" in case.path_parameters:
            case.path_parameters["id"] = real
        with transaction.atomic():
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            count("api", f"{method} {path}", role, f"{response.status_code // 100}xx")
            transaction.set_rollback(True)

    check()
