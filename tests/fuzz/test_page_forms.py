"""Pages' filters and forms fuzzed with hypothesis, as every role: the fields are the ones each
page renders (its own <form>s, their <select> options and hidden values), filled with those
values or with junk. No input gives a 5xx; a refused POST answers 4xx with a message on the
page and saves nothing.

Examples are derandomized and bounded per page and role (PAGE_FUZZ_EXAMPLES raises them);
each runs in a savepoint that is rolled back, so a form that succeeds does not change the
world the next example sees.
"""

import os
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from .conftest import ROLES, count

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("PAGE_FUZZ_EXAMPLES", "6"))  # per form
# A role the page turns away is only fuzzed briefly (tests/test_fuzz_params.py does the rest).
TURNED_AWAY_EXAMPLES = 2
# (URL name, kind of world row its id names): the pages that show filters or forms.
PAGES = [
    ("portal:ticket-list", None),
    ("portal:ticket-new", None),
    ("portal:ticket-detail", "open_ticket"),
    ("portal:ticket-detail", "solved_ticket"),
    ("tickets:ticket-queue", None),
    ("tickets:ticket-workspace", "open_ticket"),
    ("tickets:ticket-client-list", None),
    ("tickets:ticket-client-detail", "open_ticket"),
    ("complaints:complaint-list", None),
    ("complaints:complaint-new", None),
    ("complaints:complaint-detail", "complaint"),
    ("notices:notice-list", None),
    ("notices:notice-create", None),
    ("notices:notice-detail", "notice"),
    ("notices:notice-edit", "notice"),
    ("satisfaction:followup-list", None),
    ("satisfaction:survey-list", None),
    ("satisfaction:survey-results", None),
    ("monthly:report-list", None),
    ("monthly:report-board", None),
    ("notifications:notification-list", None),
    ("notifications:notification-preferences", None),
    ("intake:inbound-list", None),
]
# What a refused form must leave as it was: the rows people create through pages.
SAVED_APPS = ("tickets", "complaints", "reports", "satisfaction", "monthly", "notifications")
# Every page carries the language switch and the sign-out button: not this page's forms.
CHROME = ("/i18n/", "/accounts/")
JUNK = st.one_of(
    st.sampled_from(
        ["", " ", "abc", "-1", "0", "2000000001", "9" * 30, "1e5", "²", "\x00", "x" * 25000]
    ),
    st.sampled_from(["<script>alert(1)</script>", "2026-02-30", "2026-13-01", "1:2", "%00"]),
    st.text(max_size=40),
)
ERROR_MARKERS = ('class="error"', 'class="errorlist"', "errorlist", 'role="alert"')


class FormParser(HTMLParser):
    """Every <form> of a page: method, action and {field: values the page offers}."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").lower(),
                    "action": attrs.get("action") or "",
                    "fields": {},
                }
            )
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = attrs.get("name")
        if tag == "select" and name:
            self._select = name
            fields.setdefault(name, [])
        elif tag == "option" and self._select:
            fields[self._select].append(attrs.get("value") or "")
        elif tag in ("input", "textarea", "button") and name and name != "csrfmiddlewaretoken":
            if attrs.get("type") == "file":
                return
            fields.setdefault(name, [])
            if attrs.get("value") is not None:
                fields[name].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_of(html: str) -> list[dict]:
    parser = FormParser()
    parser.feed(html)
    return [
        form for form in parser.forms if form["fields"] and not form["action"].startswith(CHROME)
    ]


def saved_rows() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for label in SAVED_APPS
        for model in apps.get_app_config(label).get_models()
    }


PLAUSIBLE = st.sampled_from(["Printer jams 打印机卡纸", "2026-11-02", "1", "30", "yes"])


@st.composite
def filled(draw, fields: dict[str, list[str]]):
    """Either each field omitted, one of the page's own values, or junk; or every field as the
    page offers it (free text plausible) but one, which is junk: that one must be refused."""
    if draw(st.booleans()):
        return draw(
            st.fixed_dictionaries(
                {},
                optional={
                    name: st.one_of(st.sampled_from(values), JUNK) if values else JUNK
                    for name, values in fields.items()
                },
            )
        )
    values = {
        name: draw(st.sampled_from(offered) if offered else PLAUSIBLE)
        for name, offered in fields.items()
    }
    values[draw(st.sampled_from(sorted(fields)))] = draw(JUNK)
    return values


@pytest.fixture
def world_rows(world):
    ids = world["ids"]
    return {
        "open_ticket": ids["tickets"][0],
        "solved_ticket": ids["tickets"][1],
        "complaint": ids["complaints"][0],
        "notice": ids["notices"][0],
    }


@pytest.mark.parametrize(("name", "kind"), PAGES, ids=[f"{n}-{k}" if k else n for n, k in PAGES])
def test_page_filters_and_forms_take_any_input(world, world_rows, name, kind):
    url = reverse(name, args=[world_rows[kind]] if kind else [])
    for role in ROLES:
        browser = Client(raise_request_exception=False)
        if role != "anonymous":
            browser.force_login(world["users"][role])
        shown = browser.get(url)
        assert shown.status_code < 500, (role, url)
        forms = forms_of(shown.content.decode()) if shown.status_code == 200 else []
        if not forms:
            # Nothing to fill in for this role: the page is fuzzed through its query string.
            fallback = {"method": "get", "action": "", "fields": {"q": [], "page": ["1", "2"]}}
            fuzz_form(browser, url, role, fallback, TURNED_AWAY_EXAMPLES)
        for form in forms:
            fuzz_form(browser, url, role, form, EXAMPLES)


def fuzz_form(browser, url, role, form, examples):
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(values=filled(form["fields"]))
    def check(values):
        note(f"as {role}")
        target = urlsplit(form["action"]).path or url
        with transaction.atomic():
            before = saved_rows() if form["method"] == "post" else None
            if form["method"] == "post":
                response = browser.post(target, values)
            else:
                response = browser.get(target, values)
            status = response.status_code
            count("pages", url, role, f"{form['method'].upper()} {status // 100}xx")
            where = (role, form["method"], target, values)
            assert status < 500, where
            if before is not None and not (300 <= status < 400):
                assert status >= 400, where  # a refused form says so in its status
                assert saved_rows() == before, where
            if status in (400, 409, 422):
                body = response.content.decode()
                assert any(marker in body for marker in ERROR_MARKERS), where
            transaction.set_rollback(True)

    check()


@pytest.mark.parametrize(("language", "reason"), [("en", "too long"), ("zh-hans", "过长")])
def test_a_request_django_refuses_gets_a_page_that_says_why(client, language, reason):
    """Found by the fuzzer: signed out, an address over 16 KB cannot be the sign-in page's
    `next`; Django refused it with a bare, untranslated "Bad Request (400)"."""
    client.cookies["django_language"] = language
    response = client.get("/portal/tickets/", {"q": "x" * 20000})
    assert response.status_code == 400
    assert reason in response.content.decode()
