"""What must hold after a load or fault run: nothing lost, nothing twice, every email sent once.

Each check returns a list of problems (empty: it holds). Django must point at the stack.
"""

import re
import time
from pathlib import Path

from django.db import close_old_connections
from django.db.models import Count

MESSAGE_ID = re.compile(r"^Message-ID: (<[^>]+>)", re.MULTILINE)


def stored_tickets() -> dict[str, list[int]]:
    """Ticket ids by the run's tag in their subject."""
    from tickets.models import Ticket

    found: dict[str, list[int]] = {}
    for row in Ticket.objects.filter(subject__contains="load-").values("pk", "subject"):
        tag = re.search(r"load-[0-9a-f]{12}", row["subject"]).group()
        found.setdefault(tag, []).append(row["pk"])
    return found


def unacknowledged(created: dict[str, int], before: set[str] = frozenset()) -> int:
    """Tickets stored (since `before`) whose request the client saw fail (saved, then the answer
    was lost): not lost, but the person may file again. A run without errors must have none."""
    return len(set(stored_tickets()) - set(created) - set(before))


def tickets_once(created: dict[str, int]) -> list[str]:
    """Every ticket the clients saw created exists once, under the id they were sent to, and
    no two tickets share a reference."""
    from tickets.models import Ticket

    problems = []
    found = stored_tickets()
    for tag, ticket_id in created.items():
        if found.get(tag) != [ticket_id]:
            problems.append(
                f"ticket {tag}: acknowledged as {ticket_id}, stored as {found.get(tag)}"
            )
    twice = Ticket.objects.values("reference").annotate(n=Count("pk")).filter(n__gt=1).count()
    if twice:
        problems.append(f"{twice} references used more than once")
    return problems


def replies_once(replies: dict[str, int]) -> list[str]:
    """Every acknowledged reply is on its ticket's timeline exactly once."""
    from tickets.models import TicketEvent

    problems = []
    for tag, ticket_id in replies.items():
        count = TicketEvent.objects.filter(ticket_id=ticket_id, body__contains=tag).count()
        if count != 1:
            problems.append(f"reply {tag} on ticket {ticket_id}: {count} events")
    return problems


def emails_once(created: dict[str, int], agent_replies: dict[str, int]) -> list[str]:
    """One 'received' email per new ticket and one 'new reply' email per agent reply, to the
    requester; no two identical rows in the outbox."""
    from itsm.models import OutboundEmail
    from tickets.models import Ticket

    problems = []
    requesters = dict(
        Ticket.objects.filter(pk__in=created.values()).values_list("pk", "requester__email")
    )
    for tag, ticket_id in created.items():
        count = (
            OutboundEmail.objects.filter(to=requesters.get(ticket_id), subject__contains=tag)
            .exclude(body__contains="reply-")
            .count()
        )
        if count != 1:
            problems.append(f"ticket {tag}: {count} 'received' emails")
    for tag in agent_replies:
        count = OutboundEmail.objects.filter(body__contains=tag).count()
        if count != 1:
            problems.append(f"agent reply {tag}: {count} emails")
    # Rows of this run only: two SLA warnings of one ticket (response and resolution clocks)
    # are two identical emails by design.
    same = (
        OutboundEmail.objects.filter(subject__contains="load-")
        .values("to", "subject", "body")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    if same:
        problems.append(f"{same} emails stored more than once (same recipient, subject, body)")
    return problems


def outbox_drained(mail_dir: Path, *, timeout: float, since=None) -> tuple[list[str], float]:
    """Wait until every outbox row (written since `since`) is sent; then each sent Message-ID is
    in the delivered mail exactly once. Returns (problems, seconds waited)."""
    from itsm.models import OutboundEmail

    rows = OutboundEmail.objects.filter(created_at__gte=since) if since else OutboundEmail.objects
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        close_old_connections()
        if not rows.filter(sent_at__isnull=True).exists():
            break
        time.sleep(1)
    waited = time.monotonic() - start
    problems = []
    unsent = rows.filter(sent_at__isnull=True).count()
    if unsent:
        problems.append(f"{unsent} emails still unsent after {timeout:.0f} s")
    delivered: dict[str, int] = {}
    for path in mail_dir.glob("*.log"):
        for message_id in MESSAGE_ID.findall(path.read_text(errors="replace")):
            delivered[message_id] = delivered.get(message_id, 0) + 1
    for message_id in rows.filter(sent_at__isnull=False).values_list("message_id", flat=True):
        if delivered.get(message_id, 0) != 1:
            problems.append(f"email {message_id} delivered {delivered.get(message_id, 0)} times")
    return problems, waited
