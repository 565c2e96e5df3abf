"""Bulk seed for the benchmarks: clients, sites, people and N tickets, inserted by PostgreSQL.

Tickets are generated with INSERT ... SELECT generate_series so a million rows take seconds, not
an hour of ORM saves. Only for a benchmark database.
"""

import time

from django.db import connection, transaction
from django.utils import timezone

from clients.models import Client, ServiceAgreement, Site, Team, User
from itsm.tenancy import Role

CLIENTS = 20
SITES_PER_CLIENT = 10
USERS_PER_CLIENT = 200
AGENTS = 10
# The first client is large (the dashboard target is a client with 200,000 tickets).
BIG_CLIENT_SHARE = 0.2
OPEN_SHARE = 0.05


def seed_world() -> dict:
    """Clients, sites, end users, agents and teams (ORM bulk_create; a few thousand rows)."""
    clients = Client.objects.bulk_create(
        [Client(code=f"B{i:02d}", name=f"基准客户 {i:02d}") for i in range(CLIENTS)]
    )
    for client in clients:
        ServiceAgreement.objects.create(
            client=client, name=f"SLA {client.code}", start_date="2026-01-01"
        )
    sites = Site.objects.bulk_create(
        [
            Site(client=c, name=f"{c.code} 网点 {j}")
            for c in clients
            for j in range(SITES_PER_CLIENT)
        ]
    )
    password = User(username="x").password or "!"
    users = User.objects.bulk_create(
        [
            User(
                username=f"{c.code.lower()}u{k}",
                email=f"{c.code.lower()}u{k}@bench.cn",
                role=Role.END_USER,
                client=c,
                site=sites[ci * SITES_PER_CLIENT + k % SITES_PER_CLIENT],
                password=password,
            )
            for ci, c in enumerate(clients)
            for k in range(USERS_PER_CLIENT)
        ]
    )
    agents = User.objects.bulk_create(
        [
            User(
                username=f"bagent{a}",
                email=f"bagent{a}@bench.cn",
                role=Role.AGENT,
                password=password,
            )
            for a in range(AGENTS)
        ]
    )
    # Each agent's team serves 4 clients; every client is served by two teams.
    for t in range(5):
        team = Team.objects.create(name=f"基准组 {t}")
        team.members.set(agents[t * 2 : t * 2 + 2])
        team.clients.set(clients[t * 4 : t * 4 + 4] + [clients[(t * 4 + 5) % CLIENTS]])
    return {"clients": clients, "sites": sites, "users": users, "agents": agents}


def seed_tickets(world: dict, total: int, start: int = 0) -> float:
    """Insert tickets number `start + 1` to `total` in one statement; returns seconds taken.

    Growing a table step by step (10,000, then up to 100,000, ...) gives the same rows as seeding
    the largest size at once: ticket n belongs to client 0 when n is a multiple of 5 (20 %, the
    big client), else to one of the 19 others by n; it was created n/2 minutes ago (1,000,000
    tickets span the last 12 months); each client's numbers continue from its counter.
    """
    clients = world["clients"]
    client_ids = [c.pk for c in clients]
    start_time = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT client_id, last_number FROM tickets_ticketcounter")
        last = dict(cursor.fetchall())
        cursor.execute(
            """
            WITH g AS (
              SELECT n,
                     CASE WHEN n %% %(big_every)s = 0 THEN 0
                          ELSE 1 + (n %% (%(clients)s - 1)) END AS ci
              FROM generate_series(%(first)s, %(total)s) AS n
            ), numbered AS (
              SELECT n, ci,
                     (%(offsets)s::bigint[])[ci + 1]
                       + row_number() OVER (PARTITION BY ci ORDER BY n) AS num,
                     CASE WHEN random() < %(open)s
                          THEN (ARRAY['new','assigned','in_progress','waiting'])[1 + (n %% 4)]
                          ELSE 'closed' END AS st
              FROM g
            )
            INSERT INTO tickets_ticket (
              client_id, site_id, reference, number, requester_id, created_by_id, channel,
              category_id, impact, urgency, priority, subject, description, status, assignee_id,
              team_id, version, created_at, updated_at, first_response_at, resolved_at, closed_at,
              sla_due_at)
            SELECT (%(client_ids)s::bigint[])[ci + 1],
                   %(first_site)s + ci * %(spc)s + (num %% %(spc)s),
                   (%(codes)s::text[])[ci + 1] || '-' || lpad(num::text, 6, '0'),
                   num,
                   %(first_user)s + ci * %(upc)s + (num %% %(upc)s),
                   %(first_user)s + ci * %(upc)s + (num %% %(upc)s),
                   'portal', NULL, 1 + (n %% 3), 1 + ((n / 3) %% 3), 1 + (n %% 4),
                   'Benchmark ticket ' || n, 'Generated for the benchmark.',
                   st,
                   CASE WHEN n %% 3 = 0 THEN %(first_agent)s + (n %% %(agents)s) ELSE NULL END,
                   NULL, 1,
                   %(now)s - n * interval '30 seconds', %(now)s,
                   NULL, NULL, NULL,
                   CASE WHEN st = 'closed' THEN NULL
                        ELSE %(now)s + ((n %% 5000) - 1000 || ' minutes')::interval END
            FROM numbered
            """,
            {
                "big_every": round(1 / BIG_CLIENT_SHARE),
                "clients": CLIENTS,
                "first": start + 1,
                "total": total,
                "offsets": [last.get(pk, 0) for pk in client_ids],
                "client_ids": client_ids,
                "codes": [c.code for c in clients],
                "first_site": world["sites"][0].pk,
                "spc": SITES_PER_CLIENT,
                "first_user": world["users"][0].pk,
                "upc": USERS_PER_CLIENT,
                "open": OPEN_SHARE,
                "first_agent": world["agents"][0].pk,
                "agents": AGENTS,
                "now": timezone.now(),
            },
        )
        cursor.execute("DELETE FROM tickets_ticketcounter")
        cursor.execute(
            "INSERT INTO tickets_ticketcounter (client_id, last_number) "
            "SELECT client_id, max(number) FROM tickets_ticket GROUP BY client_id"
        )
    with connection.cursor() as cursor:
        # As autovacuum would on a live table: fresh statistics and visibility map, so the
        # pages are not measured while it runs.
        cursor.execute("VACUUM ANALYZE tickets_ticket")
    return time.perf_counter() - start_time
