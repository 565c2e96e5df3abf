"""Signals the SLA sweep sends to apps above it, which sla does not import."""

from django.dispatch import Signal

# Sent inside the sweep transaction with the clocks whose warning this sweep flagged (each once).
# kwargs: clocks (list of SlaClock, warned_at set), now
clocks_warned = Signal()

# Sent inside the sweep transaction with the clocks whose breach this sweep flagged (each once).
# kwargs: clocks (list of SlaClock, breached_at set), now
clocks_breached = Signal()
