"""Signals tickets send upward (the SLA engine listens) without importing the apps above."""

from django.dispatch import Signal

# Sent inside the creating transaction just before a new ticket's row is inserted; receivers
# may fill fields of the row (the SLA engine plans the clocks and sets sla_due_at).
# kwargs: ticket (no pk yet), now
ticket_creating = Signal()

# Sent inside the writing transaction after a ticket row changed.
# kwargs: ticket, actor, change ("created", "status", "priority", "reply", "reopened", ...), now
ticket_changed = Signal()

# Sent inside the rating transaction after a Rating row was written.
# kwargs: rating, ticket, actor, now
ticket_rated = Signal()

# Sent inside the assignment transaction when the ticket's assignee changed.
# kwargs: ticket, actor, now
ticket_assigned = Signal()
