"""`make load`: simulated people against a private gunicorn + PostgreSQL + Redis + Celery stack.

LOAD_USERS (50) people for LOAD_SECONDS (120): 60 % end users (my tickets, ticket detail,
filing through the portal form with CSRF, replying), 24 % agents (queue, workspace, reply with
a status change), 16 % client managers (dashboard, client tickets, monthly reports). Then the
worker drains the outbox and the checks of tools/load_checks.py run. Prints p50/p95 per request
type and throughput; exits 1 on any failed request or failed check.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.load_client import Agent, EndUser, Manager, Results  # noqa: E402
from tools.stack import PASSWORD, Stack  # noqa: E402

USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "120"))
WEB_WORKERS = int(os.environ.get("LOAD_WEB_WORKERS", "4"))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def people(stack: Stack, world: dict[str, list[str]], results: Results, stop_at: float):
    kinds = [
        (EndUser, world["end_user"], 0.60),
        (Agent, world["agent"], 0.24),
        (Manager, world["client_manager"], 0.16),
    ]
    crowd = []
    for cls, names, share in kinds:
        count = max(1, round(USERS * share)) if cls is not EndUser else 0
        crowd += [(cls, names[n % len(names)]) for n in range(count)]
    end_users = world["end_user"]
    crowd += [(EndUser, end_users[n % len(end_users)]) for n in range(USERS - len(crowd))]
    return [cls(stack.base_url, name, PASSWORD, results, stop_at) for cls, name in crowd]


def report(results: Results, elapsed: float) -> list[str]:
    lines = [
        "| request | count | p50 ms | p95 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    total = 0
    for kind in sorted(results.times):
        values = results.times[kind]
        total += len(values)
        lines.append(
            f"| {kind} | {len(values)} | {statistics.median(values) * 1000:.0f} | "
            f"{percentile(values, 95) * 1000:.0f} | {max(values) * 1000:.0f} |"
        )
    every = [v for values in results.times.values() for v in values]
    lines.append(
        f"| **all** | {total} | {statistics.median(every) * 1000:.0f} | "
        f"{percentile(every, 95) * 1000:.0f} | {max(every) * 1000:.0f} |"
    )
    lines.append("")
    lines.append(
        f"{USERS} people, {elapsed:.0f} s: {total / elapsed:.1f} requests/s, "
        f"{len(results.created)} tickets filed, {len(results.user_replies)} user replies, "
        f"{len(results.agent_replies)} agent replies with a status change, "
        f"{results.conflicts} edit conflicts answered 409 (two agents on one ticket), "
        f"{len(results.errors)} errors."
    )
    return lines


def main() -> int:
    # As behind the TLS proxy: each person's own address arrives in X-Forwarded-For.
    stack = Stack(web_workers=WEB_WORKERS, env={"TRUSTED_PROXY_COUNT": "1"})
    print(
        f"stack in {stack.dir}: web :{stack.web_port}, PostgreSQL :{stack.pg_port}, "
        f"Redis :{stack.redis_port}"
    )
    try:
        stack.up()
        stack.django()
        from tools.load_checks import (
            emails_once,
            outbox_drained,
            replies_once,
            tickets_once,
            unacknowledged,
        )
        from tools.load_world import seed_world

        world = seed_world(PASSWORD)
        print(f"uptime before: {os.popen('uptime').read().strip()}")
        results = Results()
        start = time.monotonic()
        crowd = people(stack, world, results, start + SECONDS)
        for person in crowd:
            person.start()
        for person in crowd:
            person.join(SECONDS + 120)
        elapsed = time.monotonic() - start
        print(f"uptime after:  {os.popen('uptime').read().strip()}")
        print("\n".join(report(results, elapsed)))
        drain_problems, waited = outbox_drained(stack.mail_dir, timeout=180)
        print(f"outbox drained {waited:.1f} s after the run")
        problems = (
            tickets_once(results.created)
            + replies_once({**results.user_replies, **results.agent_replies})
            + emails_once(results.created, results.agent_replies)
            + drain_problems
        )
        if unacknowledged(results.created):
            problems.append(f"{unacknowledged(results.created)} tickets saved but not acknowledged")
        for error in results.errors[:20]:
            print(f"ERROR {error}")
        for problem in problems:
            print(f"CHECK FAILED {problem}")
        ok = not results.errors and not problems
        print("load run: OK" if ok else "load run: FAILED")
        return 0 if ok else 1
    finally:
        stack.close(keep=bool(os.environ.get("LOAD_KEEP")))


if __name__ == "__main__":
    sys.exit(main())
