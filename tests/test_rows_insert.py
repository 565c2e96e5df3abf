"""itsm.rows.rows_insert writes the rows bulk_create writes (on PostgreSQL through its own
INSERT ... SELECT FROM unnest), ids in order, JSON and text byte for byte."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from itsm.models import OutboundEmail
from itsm.rows import rows_insert
from sla.models import EscalationRule, RuleFiring
from tests.factories import make_ticket
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db

# Text an array literal or JSON encoding could get wrong: quotes, backslashes, braces and
# commas, the word NULL, an empty string, line breaks and Chinese.
AWKWARD = ['a"b\\c{,}', "NULL", "", "多行\n文本 ‘引号’", "x" * 300]
FACTS = [
    {"fact": "sla.breach", "at": {"at": "2026-03-02T09:30:00+08:00", "tz": "Asia/Shanghai"}},
    {"nested": [1, 2.5, None, True, {"k": "值"}], "quote": 'say "hi"\\'},
    {},
    {"NULL": None},
    {"long": "y" * 500},
]


def stored(rows) -> list[dict]:
    """Every column but the id and the insert time."""
    fields = [f.attname for f in rows[0]._meta.concrete_fields]
    return [
        {name: getattr(row, name) for name in fields if name not in ("id", "created_at")}
        for row in rows
    ]


def through_rows_insert(model, columns, same):
    before = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        ids = rows_insert(model, columns, same=same)
    after = timezone.now()
    if connection.vendor == "postgresql":  # the raw path, not bulk_create's
        [insert] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
        assert "FROM unnest(" in insert
    rows = list(model.objects.filter(pk__in=ids).order_by("pk"))
    assert [row.pk for row in rows] == ids  # in the order given
    if hasattr(rows[0], "created_at"):
        assert all(before <= row.created_at <= after for row in rows)
    return rows


def test_timeline_events_equal_what_bulk_create_writes(user_a1, agent_a):
    ticket = make_ticket(requester=user_a1)
    count = len(FACTS)
    actors = [agent_a.pk, None, agent_a.pk, None, None]
    internal = [True, False, True, False, True]
    orm = TicketEvent.objects.bulk_create(
        TicketEvent(
            ticket=ticket,
            client_id=ticket.client_id,
            actor_id=actors[n],
            kind=TicketEvent.Kind.SLA,
            is_internal=internal[n],
            body=AWKWARD[n],
            data=FACTS[n],
        )
        for n in range(count)
    )
    orm = list(TicketEvent.objects.filter(pk__in=[e.pk for e in orm]).order_by("pk"))
    raw = through_rows_insert(
        TicketEvent,
        {
            "actor_id": actors,
            "is_internal": internal,
            "body": AWKWARD,
            "data": FACTS,
        },
        {"ticket_id": ticket.pk, "client_id": ticket.client_id, "kind": TicketEvent.Kind.SLA},
    )
    assert stored(raw) == stored(orm)
    # The defaults of the fields not named, as bulk_create fills them.
    assert {(e.field, e.old_value, e.new_value) for e in raw} == {("", "", "")}


def test_outbox_rows_equal_what_bulk_create_writes():
    contexts = [{"firing": n, "person": None if n % 2 else n} for n in range(3)]
    headers = {"In-Reply-To": "<a@b>", "References": "<a@b> <c@d>"}
    common = {"subject": "", "body": "", "template": "sla/email/escalation.txt"}
    orm = OutboundEmail.objects.bulk_create(
        OutboundEmail(
            to=f"p{n}@example.cn",
            context=contexts[n],
            language=["zh-hans", "", "en"][n],
            message_id=f"<{n}@x>",
            headers=headers,
            **common,
        )
        for n in range(3)
    )
    orm = list(OutboundEmail.objects.filter(pk__in=[e.pk for e in orm]).order_by("pk"))
    raw = through_rows_insert(
        OutboundEmail,
        {
            "to": [f"p{n}@example.cn" for n in range(3)],
            "context": contexts,
            "language": ["zh-hans", "", "en"],
            "message_id": [f"<{n}@x>" for n in range(3)],
        },
        {**common, "headers": headers},
    )
    assert stored(raw) == stored(orm)
    assert {(e.attempts, e.sent_at, e.next_attempt_at) for e in raw} == {(0, None, None)}


def test_rule_firings_keep_their_instants_in_utc(user_a1):
    ticket = make_ticket(requester=user_a1)
    clocks = list(ticket.sla_clocks.order_by("pk"))
    rule = EscalationRule.objects.create(
        name="lead", clock_kind="response", trigger="breach", action="notify_team_lead"
    )
    at = [clock.due_at.astimezone(timezone.get_fixed_timezone(480)) for clock in clocks]
    now = timezone.now()
    rows = through_rows_insert(
        RuleFiring,
        {"clock_id": [c.pk for c in clocks], "trigger_at": at},
        {"client_id": ticket.client_id, "rule_id": rule.pk, "fired_at": now},
    )
    assert [(r.clock_id, r.trigger_at, r.fired_at) for r in rows] == [
        (c.pk, c.due_at, now) for c in clocks
    ]


def test_refuses_unknown_fields_and_ragged_columns(user_a1):
    ticket = make_ticket(requester=user_a1)
    with pytest.raises(ValueError, match="no field"):
        rows_insert(TicketEvent, {"ticket": [ticket.pk]})
    with pytest.raises(ValueError, match="different lengths"):
        rows_insert(TicketEvent, {"ticket_id": [ticket.pk], "client_id": []})
    assert rows_insert(TicketEvent, {"ticket_id": []}) == []
