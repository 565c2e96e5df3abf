"""Tables every new ticket or SLA sweep writes carry no index a composite index already covers:
each index is one more write per row (issue 13's creation throughput and sweep)."""

import pytest

from itsm.models import OutboundEmail
from notifications.models import Notification
from sla.models import SlaClock
from tickets.models import Ticket, TicketEvent

HOT = [Ticket, TicketEvent, SlaClock, Notification, OutboundEmail]


def leading_columns(model) -> set[str]:
    """Fields a full (unconditional) composite index or unique constraint starts with."""
    leads = {i.fields[0].lstrip("-") for i in model._meta.indexes if i.fields and not i.condition}
    leads |= {
        c.fields[0]
        for c in model._meta.constraints
        if getattr(c, "fields", None) and not c.condition
    }
    return leads


@pytest.mark.parametrize("model", HOT, ids=lambda m: m._meta.label)
def test_no_foreign_key_index_that_a_composite_covers(model):
    covered = leading_columns(model)
    redundant = [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and f.db_index and not f.unique and f.name in covered
    ]
    assert not redundant, f"{model._meta.label}: set db_index=False on {redundant}"


def test_the_check_sees_the_composites():  # else the test above would pass on nothing
    assert leading_columns(Ticket) >= {"client", "requester", "site", "assignee"}
