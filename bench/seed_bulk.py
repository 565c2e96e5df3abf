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


def seed_tickets(world: dict, total: int) -> float:
    """Insert `total` tickets in one statement; returns seconds taken."""
    clients = world["clients"]
    first_user = world["users"][0].pk
    first_site = world["sites"][0].pk
    first_agent = world["agents"][0].pk
    client_ids = [c.pk for c in clients]
    codes = [c.code for c in clients]
    big = int(total * BIG_CLIENT_SHARE)
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # Ticket g: client index ci; the first `big` tickets belong to client 0.
        cursor.execute(
            """
            WITH g AS (
              SELECT n,
                     CASE WHEN n <= %(big)s THEN 0 ELSE 1 + (n %% (%(clients)s - 1)) END AS ci
              FROM generate_series(1, %(total)s) AS n
            ), numbered AS (
              SELECT n, ci, row_number() OVER (PARTITION BY ci ORDER BY n) AS num,
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
                   %(now)s - (n || ' minutes')::interval, %(now)s,
                   NULL, NULL, NULL,
                   CASE WHEN st = 'closed' THEN NULL
                        ELSE %(now)s + ((n %% 5000) - 1000 || ' minutes')::interval END
            FROM numbered
            """,
            {
                "big": big,
                "clients": CLIENTS,
                "total": total,
                "client_ids": client_ids,
                "codes": codes,
                "first_site": first_site,
                "spc": SITES_PER_CLIENT,
                "first_user": first_user,
                "upc": USERS_PER_CLIENT,
                "open": OPEN_SHARE,
                "first_agent": first_agent,
                "agents": AGENTS,
                "now": timezone.now(),
            },
        )
        cursor.execute(
            "INSERT INTO tickets_ticketcounter (client_id, last_number) "
            "SELECT client_id, max(number) FROM tickets_ticket GROUP BY client_id"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")
    return time.perf_counter() - start
