"""The small world the load run works in, on top of seed_demo: more people, some tickets.

Run in a process whose Django points at the stack (tools.stack.Stack.django()).
"""

from django.contrib.auth.hashers import make_password

END_USERS = 30
AGENTS = 8
MANAGERS_PER_CLIENT = 2
TICKETS_PER_USER = 4


def seed_world(password: str) -> dict[str, list[str]]:
    """Create the people (one password hash for all: hashing 40 times would cost a minute)
    and each end user's first tickets; returns usernames by role."""
    from clients.models import Client, Site, Team, User
    from itsm.tenancy import Role
    from tickets import services

    hashed = make_password(password)
    clients = list(Client.objects.order_by("code"))
    sites = list(Site.objects.filter(client__in=clients).order_by("pk"))
    people: dict[str, list[str]] = {"end_user": [], "agent": [], "client_manager": []}

    def person(username, role, **fields):
        user = User(username=username, role=role, email=f"{username}@example.cn", **fields)
        user.password = hashed
        user.save()
        people[role].append(username)
        return user

    for n in range(END_USERS):
        site = sites[n % len(sites)]
        user = person(f"load_u{n:02d}", Role.END_USER, client=site.client, site=site)
        for t in range(TICKETS_PER_USER):
            services.ticket_create(
                actor=user,
                subject=f"seed ticket {t} of {user.username}",
                description="Printer on the second floor does not print.",
                site=site,
            )
    agents = [person(f"load_agent{n}", Role.AGENT) for n in range(AGENTS)]
    for team in Team.objects.all():
        team.members.add(*agents)
    for client in clients:
        for n in range(MANAGERS_PER_CLIENT):
            person(f"load_mgr_{client.code.lower()}{n}", Role.CLIENT_MANAGER, client=client)
    return people
