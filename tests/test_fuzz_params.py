"""Arbitrary strings in every path id and query parameter of every route: never a 5xx, and
under /api/ every error is JSON.

Routes are enumerated like tests/test_tenant_isolation.py does, so a new route is fuzzed too.
Examples are derandomized (the same inputs on every run, no flaky CI); FUZZ_EXAMPLES raises
their number for a longer hunt.
"""

import os
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

# Django's own admin and allauth's pages are theirs; everything else of ours is fuzzed.
SKIP_PREFIXES = ("admin:", "account_", "mfa_", "usersessions", "socialaccount")
# Swagger UI and the schema are static documents rebuilt at every call (slow, no parameters);
# /healthz answers 503 by design while no Celery worker beats (tests/test_healthz.py).
SKIP = {"schema", "api-docs", "healthz"}
PARAMS = [
    "page",
    "q",
    "status",
    "client",
    "site",
    "priority",
    "assignee",
    "team",
    "category",
    "mine",
    "unassigned",
    "format",
    "next",
]
ROLES = ["anonymous", "user_a1", "manager_a", "agent_a", "admin_user"]
PLACEHOLDER = {"id": 2_000_000_001, "int": 2_000_000_001, "str": "PLACEHOLDER", "slug": "x"}
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))

NASTY = [
    "abc",
    "1e5",
    "1e20",
    "²",
    "١٢",
    "\x00",
    "1\x00",
    "-1",
    "0",
    "00",
    " 1",
    "1.5",
    "0x10",
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    "100000000000000000000",
    "9" * 400,
    "%",
    "%zz",
    "%C2%B2",
    "%00",
    "..",
    "'\"<script>",
    "ＨＸ-１",
    "hx-000001",
    "open",
    "all",
    "\ud7ff\u202e",
]
BOUNDARIES = [str(n + d) for n in (2**31, 2**53, 2**63, 2**64, 10**20) for d in (-1, 0, 1)]
texts = st.one_of(
    st.sampled_from(NASTY),
    st.sampled_from(BOUNDARIES),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(alphabet="0123456789²³¹٠١٢٣⁰₀%eE.-+ \x00", max_size=25),
)
# A raw piece of URL: sometimes quoted (the usual client), sometimes verbatim percent-escapes.
raw_pieces = st.one_of(
    texts.map(lambda t: quote(t, safe="")),
    st.sampled_from(["%C2%B2", "%00", "%ZZ", "%", "%E2%80%AE", "%ff%fe", "1%2F2"]),
)


def fuzzed_routes(resolver=None, namespace="", prefix=""):
    """(name, converters) of every named route we own."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from fuzzed_routes(entry, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}{entry.name}"
            if name in SKIP or name.startswith(SKIP_PREFIXES):
                continue
            converters = getattr(entry.pattern, "converters", {})
            kinds = [
                type(c).__name__.removesuffix("Converter").lower() for c in converters.values()
            ]
            yield name, [kind if kind in PLACEHOLDER else "str" for kind in kinds]


ROUTES = sorted(set((name, tuple(kinds)) for name, kinds in fuzzed_routes()))


@pytest.fixture
def browsers(request, ticket_a1, user_a1):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tickets.services import attachment_add

    attachment = attachment_add(
        actor=user_a1, ticket=ticket_a1, upload=SimpleUploadedFile("a.txt", b"text")
    )
    clients = {}
    for role in ROLES:
        browser = Client(raise_request_exception=False)
        if role != "anonymous":
            browser.force_login(request.getfixturevalue(role))
        clients[role] = browser
    return clients, [ticket_a1.pk, attachment.pk]


@pytest.mark.parametrize(("name", "kinds"), ROUTES, ids=[name for name, _ in ROUTES])
def test_no_input_gives_a_server_error(browsers, name, kinds):
    clients, real_ids = browsers
    placeholders = [PLACEHOLDER[kind] for kind in kinds]
    template = reverse(name, args=placeholders)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(
        role=st.sampled_from(ROLES),
        segments=st.lists(
            st.one_of(st.sampled_from(real_ids).map(str), raw_pieces),
            min_size=len(kinds),
            max_size=len(kinds),
        ),
        page=st.one_of(st.none(), texts),
        query=st.lists(st.tuples(st.sampled_from(PARAMS), texts), max_size=4),
        raw_query=st.lists(
            st.tuples(st.sampled_from(PARAMS), raw_pieces).map("=".join), max_size=2
        ),
    )
    def check(role, segments, page, query, raw_query):
        path = template
        for placeholder, segment in zip(placeholders, segments, strict=True):
            path = path.replace(str(placeholder), segment or "0", 1)
        if page is not None:
            query = [("page", page), *query]
        query_string = "&".join(filter(None, [urlencode(query), *raw_query]))
        url = f"{path}?{query_string}" if query_string else path
        response = clients[role].get(url)
        assert response.status_code < 500, (role, url, response.content[:500])
        if path.startswith("/api/") and response.status_code >= 400:
            assert response["Content-Type"].startswith("application/json"), (role, url)

    check()
