"""Benchmark one monthly service report (PDF + XLSX) of a client with many tickets.

Run against PostgreSQL:
    DATABASE_URL=postgres://... SECRET_KEY=x python bench/bench_monthly_report.py
BENCH_REPORT_TICKETS sets the client's size (default 200,000, the design card's target). The
client, its tickets (spread over the last 120 days: ~95 % resolved, two SLA clocks each, one in
seven resolution clocks breached, a third rated) and its roll-ups are created by SQL under a
client of its own, measured, and dropped at the end.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
# The report files of the run go to a scratch folder, not the installation's media.
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-report-"))

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from clients.models import Client, Site, User  # noqa: E402
from itsm.tenancy import Role  # noqa: E402
from reports.dashboards.rollups import client_rollups_rebuild  # noqa: E402
from reports.monthly.content import report_content  # noqa: E402
from reports.monthly.models import MonthlyReport  # noqa: E402
from reports.monthly.pdf import render_pdf  # noqa: E402
from reports.monthly.services import monthly_reports_generate_now, previous_month  # noqa: E402
from reports.monthly.xlsx import render_xlsx  # noqa: E402
from sla.models import BusinessCalendar  # noqa: E402

TICKETS = int(os.environ.get("BENCH_REPORT_TICKETS", "200000"))
DAYS = 120
SITES, USERS = 10, 200
RUNS = 3
CODE = "RPTB"


def seed(now) -> Client:
    client = Client.objects.create(code=CODE, name="报告基准客户 Report bench")
    sites = Site.objects.bulk_create(
        [Site(client=client, name=f"{CODE} 网点 {i}") for i in range(SITES)]
    )
    users = User.objects.bulk_create(
        [
            User(
                username=f"rptb{k}",
                email=f"rptb{k}@bench.cn",
                role=Role.END_USER,
                client=client,
                site=sites[k % SITES],
                password="!",
            )
            for k in range(USERS)
        ]
    )
    User.objects.create(
        username="rptb_manager",
        email="rptb_manager@bench.cn",
        role=Role.CLIENT_MANAGER,
        client=client,
        language="zh-hans",
        password="!",
    )
    calendar = BusinessCalendar.objects.get(code="cn-std")
    params = {
        "client": client.pk,
        "code": CODE,
        "site": sites[0].pk,
        "user": users[0].pk,
        "total": TICKETS,
        "minutes": DAYS * 24 * 60,
        "now": now,
        "calendar": calendar.pk,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO tickets_ticket (
              client_id, site_id, reference, number, requester_id, created_by_id, channel,
              category_id, impact, urgency, priority, subject, description, status, assignee_id,
              team_id, version, created_at, updated_at, first_response_at, resolved_at,
              closed_at, sla_due_at)
            SELECT %(client)s, %(site)s + (n %% 10), %(code)s || '-' || lpad(n::text, 6, '0'), n,
                   %(user)s + (n %% 200), %(user)s + (n %% 200), 'portal', NULL, 2, 2,
                   1 + (n %% 4), '基准工单 Benchmark ticket ' || n, 'Generated.',
                   CASE WHEN n %% 20 = 0 THEN 'in_progress' ELSE 'closed' END, NULL, NULL, 1,
                   %(now)s - ((n::bigint * %(minutes)s / %(total)s) || ' minutes')::interval,
                   %(now)s,
                   NULL,
                   CASE WHEN n %% 20 = 0 THEN NULL ELSE %(now)s
                        - ((n::bigint * %(minutes)s / %(total)s) || ' minutes')::interval
                        + ((30 + n %% 600) || ' minutes')::interval END,
                   NULL, NULL
            FROM generate_series(1, %(total)s) AS n
            """,
            params,
        )
        cursor.execute(
            "INSERT INTO tickets_ticketcounter (client_id, last_number) VALUES (%s, %s)",
            [client.pk, TICKETS],
        )
        for kind, target, stop in (
            ("response", 60, "t.created_at + interval '20 minutes'"),
            ("resolution", 480, "t.resolved_at"),
        ):
            cursor.execute(
                f"""
                INSERT INTO sla_slaclock (
                  client_id, ticket_id, kind, tier_name, priority, target_minutes,
                  warning_percent, started_at, pauses, elapsed_minutes, due_at, breach_at,
                  warn_at, stopped_at, met, breached_at, history, calendar_id)
                SELECT t.client_id, t.id, %(kind)s,
                       CASE WHEN t.number %% 3 = 0 THEN '金牌 Gold' ELSE '标准 Standard' END,
                       t.priority, %(target)s, 75, t.created_at, '[]', 30 + t.number %% 600,
                       t.created_at + (%(target)s || ' minutes')::interval,
                       t.created_at + (%(target)s || ' minutes')::interval,
                       t.created_at + (%(target)s || ' minutes')::interval,
                       {stop},
                       CASE WHEN t.resolved_at IS NULL THEN NULL
                            ELSE NOT (%(kind)s = 'resolution' AND t.number %% 7 = 0) END,
                       CASE WHEN %(kind)s = 'resolution' AND t.number %% 7 = 0
                                 AND t.resolved_at IS NOT NULL
                            THEN t.created_at + (%(target)s || ' minutes')::interval END,
                       '[]', %(calendar)s
                FROM tickets_ticket t WHERE t.client_id = %(client)s
                """,
                {**params, "kind": kind, "target": target},
            )
        cursor.execute(
            """
            INSERT INTO tickets_rating (ticket_id, client_id, resolution, score, comment,
                                        rated_by_id, created_at)
            SELECT t.id, t.client_id, 1, 1 + t.number %% 5,
                   CASE WHEN t.number %% 50 = 0 THEN '评价 comment ' || t.number ELSE '' END,
                   t.requester_id, t.resolved_at + interval '1 hour'
            FROM tickets_ticket t
            WHERE t.client_id = %(client)s AND t.resolved_at IS NOT NULL AND t.number %% 3 = 0
            """,
            params,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return client


def drop(client: Client) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for table in (
            "monthly_reportaction",
            "monthly_monthlyreport",
            "dashboards_dailyrollup",
            "dashboards_monthlyrollup",
            "dashboards_breachentry",
            "tickets_rating",
            "sla_slaclock",
            "tickets_ticketevent",
            "tickets_ticket",
            "tickets_ticketcounter",
        ):
            cursor.execute(f"DELETE FROM {table} WHERE client_id = %s", [client.pk])  # noqa: S608
        cursor.execute("DELETE FROM clients_user WHERE client_id = %s", [client.pk])
        cursor.execute("DELETE FROM clients_site WHERE client_id = %s", [client.pk])
        cursor.execute("DELETE FROM clients_client WHERE id = %s", [client.pk])


def main() -> None:
    now = timezone.now()
    leftover = Client.objects.filter(code=CODE).first()
    if leftover is not None:  # an interrupted earlier run
        drop(leftover)
    started = time.perf_counter()
    client = seed(now)
    print(
        f"seeded {TICKETS:,} tickets (+ clocks, ratings) in {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    rows = client_rollups_rebuild(client=client)
    print(
        f"roll-ups of the client rebuilt from scratch: {rows:,} rows in "
        f"{time.perf_counter() - started:.1f} s"
    )
    start, end = previous_month(client, now)
    try:
        parts = {"figures": [], "pdf": [], "xlsx": []}
        report = MonthlyReport(
            client=client,
            period_start=start,
            period_end=end,
            version=1,
            generated_at=now,
            language="zh-hans",
        )
        for _run in range(RUNS):
            t0 = time.perf_counter()
            content = report_content(client=client, start=start, end=end, now=now)
            t1 = time.perf_counter()
            pdf = render_pdf(content, report=report)
            t2 = time.perf_counter()
            xlsx = render_xlsx(content, report=report)
            t3 = time.perf_counter()
            parts["figures"].append(t1 - t0)
            parts["pdf"].append(t2 - t1)
            parts["xlsx"].append(t3 - t2)
        opened = content.summary["opened"]
        print(
            f"\nreport {start:%Y-%m}: {opened:,} tickets opened in the month, "
            f"PDF {len(pdf) / 1024:.0f} KB, XLSX {len(xlsx) / 1024:.0f} KB"
        )
        print("\n| step | median s |\n| --- | ---: |")
        for name, values in parts.items():
            print(f"| {name} | {statistics.median(values):.2f} |")
        t0 = time.perf_counter()
        [(generated, _created)] = monthly_reports_generate_now(
            now=now, month=start, client_codes=[CODE]
        )
        total = time.perf_counter() - t0
        print(f"| whole service (request, figures, PDF, XLSX, files saved) | {total:.2f} |")
        assert generated.status == MonthlyReport.Status.READY, generated.error
    finally:
        drop(client)


if __name__ == "__main__":
    main()
