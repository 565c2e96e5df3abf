"""The client dashboard when its client has a year of rating requests and ratings.

The satisfaction figures come from the roll-ups (requests sent and answered, counted ratings,
per day); only its short lists (latest comments, low scores) read requests. Measured with one
request per closed ticket of the big client (~190,000 at 1,000,000 tickets) and a rating for a
third of them, its roll-ups rebuilt.
`make bench` runs it on the database it seeded (after bench_dashboards.py).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")

import django  # noqa: E402

django.setup()

from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection, transaction  # noqa: E402
from django.test import Client as WebClient  # noqa: E402

from clients.models import Client, User  # noqa: E402
from itsm.tenancy import Role  # noqa: E402
from reports.dashboards.rollups import client_rollups_rebuild  # noqa: E402


def seed(client: Client) -> tuple[int, int]:
    """A rating request a day after each closed ticket was opened; a third answered an hour
    later. Safe to run again (the unique keys make repeats no-ops)."""
    params = {"client": client.pk}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO tickets_rating (ticket_id, client_id, resolution, score, comment,
                                        rated_by_id, created_at)
            SELECT t.id, t.client_id, 1, 1 + t.number %% 5,
                   CASE WHEN t.number %% 50 = 0 THEN '评价 comment ' || t.number ELSE '' END,
                   t.requester_id, t.created_at + interval '25 hours'
            FROM tickets_ticket t
            WHERE t.client_id = %(client)s AND t.status = 'closed' AND t.number %% 3 = 0
            ON CONFLICT DO NOTHING
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO satisfaction_csatrequest (client_id, ticket_id, resolution, requester_id,
                                                  nonce, sent_at, answered_at, rating_id)
            SELECT t.client_id, t.id, 1, t.requester_id, md5('bench-csat' || t.id),
                   t.created_at + interval '1 day', r.created_at, r.id
            FROM tickets_ticket t
            LEFT JOIN tickets_rating r ON r.ticket_id = t.id AND r.resolution = 1
            WHERE t.client_id = %(client)s AND t.status = 'closed'
            ON CONFLICT DO NOTHING
            """,
            params,
        )
        cursor.execute("ANALYZE tickets_rating")
        cursor.execute("ANALYZE satisfaction_csatrequest")
        cursor.execute(
            "SELECT count(*), count(answered_at) FROM satisfaction_csatrequest "
            "WHERE client_id = %(client)s",
            params,
        )
        return cursor.fetchone()


def main() -> None:
    from bench.pages import measure

    big = Client.objects.get(code="B00")
    started = time.perf_counter()
    sent, answered = seed(big)
    print(
        f"\nB00: {sent:,} rating requests, {answered:,} answered "
        f"(seeded in {time.perf_counter() - started:.1f} s)"
    )
    started = time.perf_counter()
    rows = client_rollups_rebuild(client=big)
    print(f"B00 roll-ups rebuilt: {rows:,} rows in {time.perf_counter() - started:.1f} s")
    admin, _ = User.objects.get_or_create(
        username="bench-dash-admin",
        defaults={"role": Role.ADMIN, "is_superuser": True, "email": "dash@bench.cn"},
    )
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    web = WebClient()
    web.force_login(admin)
    print(
        "\n| page (with a year of rating requests) | median ms | queries |\n| --- | ---: | ---: |"
    )
    for name, url in (
        ("client dashboard, 12 months", f"/dashboards/?client={big.pk}&period=12m"),
        (
            "client dashboard API, 12 months",
            f"/api/v1/dashboards/client/?client={big.pk}&period=12m",
        ),
        ("client dashboard, this month", f"/dashboards/?client={big.pk}"),
        ("satisfaction results (all clients, by month)", "/satisfaction/results/"),
    ):
        median, queries = measure(web, url)
        print(f"| {name} | {median:.1f} | {queries} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
