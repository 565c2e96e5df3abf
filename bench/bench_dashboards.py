"""Benchmark the dashboards: roll-up rebuild, the 12-month client dashboard, the provider overview.

`make bench` runs it on the database it seeded (DATABASE_URL). Alone, on a fresh database:
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/itsm_dash_bench BENCH_TICKETS=200000 \
    BENCH_SEED=1 SECRET_KEY=x python bench/bench_dashboards.py

Two roll-up shapes are measured for the big client (B00): the one rebuilt from the bulk seed
(tickets without categories, tiers or clocks: few cells per day) and a dense one of 200,000 rows
over 12 months (10 sites x 3 tiers x 4 priorities x 5 categories, nearly every cell every day),
which is more than a client with 200,000 tickets a year can fill.
"""

import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
if os.environ.get("BENCH_SEED"):
    from bench import run as bench_run  # sets DATABASE_URL from BENCH_DATABASE_URL

    bench_run.recreate_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client as WebClient  # noqa: E402
from django.utils import timezone  # noqa: E402

from clients.models import Client, ServiceCategory, Site, User  # noqa: E402
from itsm.tenancy import Role  # noqa: E402
from reports.dashboards.models import DailyRollup, MonthlyRollup  # noqa: E402
from reports.dashboards.rollups import (  # noqa: E402
    client_months_rewrite,
    client_rollups_rebuild,
    rollups_rebuild,
)

DENSE_ROWS = 200_000


def seed_if_asked() -> None:
    if not os.environ.get("BENCH_SEED"):
        return
    from bench.seed_bulk import seed_tickets, seed_world

    call_command("migrate", verbosity=0)
    world = seed_world()
    total = int(os.environ.get("BENCH_TICKETS", "1000000"))
    seconds = seed_tickets(world, total)
    print(f"seeded {total:,} tickets in {seconds:.1f} s")


def dense_rollups(client: Client) -> int:
    """Replace the client's roll-ups with DENSE_ROWS rows spread over the last 12 months."""
    DailyRollup.objects.filter(client=client).delete()
    sites = list(Site.objects.filter(client=client).values_list("id", flat=True))[:10]
    categories = [
        ServiceCategory.objects.get_or_create(
            code=f"bench-{i}", defaults={"name_zh": f"基准类别 {i}", "name_en": f"Bench {i}"}
        )[0].pk
        for i in range(5)
    ]
    cells = [
        (site, tier, priority, category)
        for site in sites
        for tier in ("金牌", "标准", "基础")
        for priority in (1, 2, 3, 4)
        for category in categories
    ]
    today = timezone.localdate()
    days = [today - timedelta(days=d) for d in range(365)]
    rng = random.Random(7)
    rows = []
    for i in range(DENSE_ROWS):
        site, tier, priority, category = cells[i % len(cells)]
        met, breached = rng.randint(0, 3), rng.randint(0, 1)
        rows.append(
            DailyRollup(
                client=client,
                day=days[(i // len(cells)) % len(days)],
                site_id=site,
                tier_name=tier,
                priority=priority,
                category_id=category,
                opened=1,
                resolved=1,
                backlog_delta=rng.randint(-1, 1),
                resp_met=met,
                resp_breached=breached,
                resp_n=met + breached,
                resp_minutes_sum=30.0 * (met + breached),
                resp_minutes_max=90.0,
                res_met=met,
                res_breached=breached,
                res_n=met + breached,
                res_minutes_sum=600.0 * (met + breached),
                res_minutes_max=3000.0,
                rated=1,
                score_sum=4,
                score_4=1,
                **{f"res_h{rng.randint(0, 16)}": met + breached},
                **{f"resp_h{rng.randint(0, 8)}": met + breached},
            )
        )
    DailyRollup.objects.bulk_create(
        rows,
        batch_size=5000,
        unique_fields=None,
        ignore_conflicts=True,
    )
    start = time.perf_counter()
    client_months_rewrite(client=client, months=None)
    print(f"monthly roll-ups of the dense rows rewritten in {time.perf_counter() - start:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dashboards_dailyrollup")
        cursor.execute("ANALYZE dashboards_monthlyrollup")
    return DailyRollup.objects.filter(client=client).count()


def main() -> None:
    from bench.pages import measure

    seed_if_asked()
    start = time.perf_counter()
    rows = rollups_rebuild(now=timezone.now())
    print(
        f"\nrebuild_rollups over every ticket: {rows:,} rows in {time.perf_counter() - start:.1f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dashboards_dailyrollup")
        cursor.execute("ANALYZE dashboards_monthlyrollup")
    admin, _ = User.objects.get_or_create(
        username="bench-dash-admin",
        defaults={"role": Role.ADMIN, "is_superuser": True, "email": "dash@bench.cn"},
    )
    big = Client.objects.get(code="B00")
    tickets = big.tickets.count()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    web = WebClient()
    web.force_login(admin)
    pages = [
        ("client dashboard, 12 months", f"/dashboards/?client={big.pk}&period=12m"),
        (
            "client dashboard API, 12 months",
            f"/api/v1/dashboards/client/?client={big.pk}&period=12m",
        ),
        ("client dashboard, this month", f"/dashboards/?client={big.pk}"),
        (
            f"provider overview, {Client.objects.count()} clients, 12 months",
            "/dashboards/overview/?period=12m",
        ),
    ]
    print(
        f"\nB00 has {tickets:,} tickets, {DailyRollup.objects.filter(client=big).count():,} "
        "roll-up rows (from the seed)"
    )
    print("\n| page | median ms | queries |\n| --- | ---: | ---: |")
    for name, url in pages:
        median, queries = measure(web, url)
        print(f"| {name} | {median:.1f} | {queries} |")
    dense = dense_rollups(big)
    monthly = MonthlyRollup.objects.filter(client=big).count()
    print(f"\nB00 with {dense:,} dense daily roll-up rows over 12 months ({monthly:,} monthly)")
    print("\n| page | median ms | queries |\n| --- | ---: | ---: |")
    for name, url in pages:
        median, queries = measure(web, url)
        print(f"| {name} (dense) | {median:.1f} | {queries} |")
    client_rollups_rebuild(client=big)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
