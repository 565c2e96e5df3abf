"""Simulated people for the load run: each a thread with its own cookie jar, like a browser.

A stdlib client (threads + urllib), not locust: the run needs no new dependency, 50 users with
think time are well within threads, and the checks afterwards read the database in the same
process that knows exactly which tickets and replies it created.
"""

import json
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from http.cookiejar import CookieJar

from tools.htmlforms import form_having, form_with, links

AGENT_REPLY = "agent-reply-"
# The next status an agent sets from the current one (never resolved: the queue stays full).
NEXT_STATUS = {
    "new": ["in_progress"],
    "assigned": ["in_progress"],
    "reopened": ["in_progress"],
    "in_progress": ["in_progress", "waiting"],
    "waiting": ["in_progress"],
}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # each request is timed on its own; the scenario follows what it needs


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.conflicts = 0
        self.created: dict[str, int] = {}  # tag -> ticket id from the redirect
        self.user_replies: dict[str, int] = {}  # tag -> ticket id
        self.agent_replies: dict[str, int] = {}
        # Fault runs: a clean 503 (page or JSON) is an allowed answer while a part is down.
        self.allow_503 = False
        self.unavailable = 0
        self.log: list[tuple[float, str, int]] = []  # (monotonic time, kind, status; 0: no answer)

    def timed(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.times[kind].append(seconds)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


class Person(threading.Thread):
    count = 0

    def __init__(self, base_url, username, password, results, stop_at, think=(1.0, 4.0), ramp=0):
        super().__init__(daemon=True)
        self.ramp = ramp
        # Each person has an address of their own (RFC 2544's benchmark range), which the
        # stack's simulated TLS proxy (TRUSTED_PROXY_COUNT=1) hands on in X-Forwarded-For:
        # the sign-in limits count per person, as they would in production.
        Person.count += 1
        self.address = f"198.18.{Person.count // 250}.{Person.count % 250 + 1}"
        self.base_url, self.username, self.password = base_url, username, password
        self.results, self.stop_at, self.think = results, stop_at, think
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.rng = random.Random(username)

    def call(self, kind, path, data=None, expect=(200,), json_body=None, headers=None):
        """One request; returns (status, body, location), or None after recording an error
        (or a clean 503 in a fault run)."""
        headers = {"X-Forwarded-For": self.address, **(headers or {})}
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        else:
            body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers)
        start = time.perf_counter()
        try:
            with self.opener.open(request, timeout=30) as response:
                status, text, location = response.status, response.read(), None
                content_type = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            status, text, location = exc.code, exc.read(), exc.headers.get("Location")
            content_type = exc.headers.get("Content-Type", "")
        except OSError as exc:
            self.results.log.append((time.monotonic(), kind, 0))
            self.results.error(f"{kind} {path}: {type(exc).__name__}: {exc}")
            return None
        self.results.timed(kind, time.perf_counter() - start)
        self.results.log.append((time.monotonic(), kind, status))
        text = text.decode("utf-8", "replace")
        if status == 503 and self.results.allow_503:
            clean = (
                content_type.startswith("application/json")
                if path.startswith("/api/")
                else "Briefly unavailable" in text
            )
            if not clean:
                self.results.error(f"{kind} {path}: 503 without the 503 page/JSON")
            with self.results.lock:
                self.results.unavailable += 1
            return None
        if status == 409 and 409 in expect:
            with self.results.lock:
                self.results.conflicts += 1
        elif status not in expect:
            snippet = re.sub(r"\s+", " ", text)[:200]
            self.results.error(f"{kind} {path}: HTTP {status} {snippet}")
            return None
        return status, text, location

    def sign_in(self) -> bool:
        page = self.call("sign-in page", "/accounts/login/")
        if page is None:
            return False
        fields = form_having(page[1], "login")
        fields.update(login=self.username, password=self.password)
        return self.call("sign-in", "/accounts/login/", fields, expect=(302,)) is not None

    def pause(self):
        time.sleep(self.rng.uniform(*self.think))

    def run(self):
        try:
            time.sleep(self.rng.uniform(0, self.ramp))  # people arrive over the first seconds
            if not self.sign_in():
                return
            while time.monotonic() < self.stop_at:
                self.step()
                self.pause()
        except Exception as exc:  # a bug in the scenario is an error of the run, not a hang
            self.results.error(f"{self.username}: {type(exc).__name__}: {exc}")

    def step(self):
        raise NotImplementedError


class EndUser(Person):
    """Browses "my tickets", opens one, files a ticket through the portal form, replies."""

    def step(self):
        listing = self.call("my tickets", "/portal/tickets/")
        if listing is None:
            return
        ids = [int(x) for x in re.findall(r'href="/portal/tickets/(\d+)/"', listing[1])]
        roll = self.rng.random()
        if roll < 0.25 or not ids:
            self.file_ticket()
        elif roll < 0.5:
            self.reply(self.rng.choice(ids))
        else:
            self.call("ticket detail (user)", f"/portal/tickets/{self.rng.choice(ids)}/")

    def file_ticket(self):
        page = self.call("new ticket form", "/portal/tickets/new/")
        if page is None:
            return
        tag = f"load-{uuid.uuid4().hex[:12]}"
        fields = form_having(page[1], "subject")
        fields.update(subject=f"打印机无法打印 {tag}", description=f"Paper jam again. {tag}")
        answer = self.call("file ticket", "/portal/tickets/new/", fields, expect=(302,))
        if answer is None:
            return
        match = re.search(r"/portal/tickets/(\d+)/", answer[2] or "")
        if not match:
            self.results.error(f"file ticket: redirected to {answer[2]!r}")
            return
        with self.results.lock:
            self.results.created[tag] = int(match.group(1))
        self.call("ticket detail (user)", match.group(0))

    def reply(self, ticket_id):
        path = f"/portal/tickets/{ticket_id}/"
        page = self.call("ticket detail (user)", path)
        if page is None or 'value="reply"' not in page[1]:
            return  # closed or cancelled tickets have no reply form
        tag = f"user-reply-{uuid.uuid4().hex[:12]}"
        fields = form_with(page[1], "action", "reply")
        fields["body"] = f"还是不行 / still broken {tag}"
        if self.call("reply (user)", path, fields, expect=(302,)) is not None:
            with self.results.lock:
                self.results.user_replies[tag] = ticket_id


class Agent(Person):
    """Works the queue: list, open a ticket, reply to the user and move its status on."""

    def step(self):
        queue = self.call("queue", "/queue/")
        if queue is None:
            return
        paths = links(queue[1], r"/queue/tickets/\d+/")
        if not paths:
            return
        path = self.rng.choice(paths[:20])
        page = self.call("ticket workspace", path)
        if page is None or self.rng.random() < 0.3:
            return  # read only
        fields = form_with(page[1], "action", "update")
        choices = NEXT_STATUS.get(fields.get("status", ""))
        if not choices:
            return
        tag = f"{AGENT_REPLY}{uuid.uuid4().hex[:12]}"
        fields.update(status=self.rng.choice(choices), body=f"正在处理 / on it {tag}")
        fields["mode"] = "public"
        answer = self.call("reply + status (agent)", path, fields, expect=(302, 409))
        if answer is not None and answer[0] == 302:
            with self.results.lock:
                self.results.agent_replies[tag] = int(re.search(r"\d+", path).group())


class Manager(Person):
    """Client manager: dashboards, the client's tickets, monthly reports."""

    PAGES = [
        ("dashboard", "/dashboards/"),
        ("client tickets", "/client/tickets/"),
        ("monthly reports", "/reports/monthly/"),
    ]

    def step(self):
        kind, path = self.rng.choice(self.PAGES)
        self.call(kind, path)


class SignInAgain(EndUser):
    """Signs in afresh on every step (a new browser), then looks at their tickets; at most
    about 20 sign-ins a minute, under allauth's 30 a minute per address."""

    def pause(self):
        time.sleep(self.rng.uniform(2.5, 4.0))

    def step(self):
        self.jar.clear()
        if self.sign_in():
            self.call("my tickets", "/portal/tickets/")


class ApiClient(Person):
    """A script on the API: files tickets and lists them with a personal access token."""

    def __init__(self, *args, token, **kwargs):
        super().__init__(*args, **kwargs)
        self.auth = {"Authorization": f"Token {token}"}

    def sign_in(self) -> bool:
        return True

    def step(self):
        tag = f"load-{uuid.uuid4().hex[:12]}"
        answer = self.call(
            "API file ticket",
            "/api/v1/tickets/",
            json_body={"subject": f"API {tag}", "description": f"from a script {tag}"},
            expect=(201,),
            headers=self.auth,
        )
        if answer is not None:
            with self.results.lock:
                self.results.created[tag] = json.loads(answer[1])["id"]
        self.call("API ticket list", "/api/v1/tickets/", headers=self.auth)
