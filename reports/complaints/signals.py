"""Signals complaints send to apps above them (robots), which complaints does not import."""

from django.dispatch import Signal

# Sent inside complaint_open's transaction once the complaint has its reference.
# kwargs: complaint, actor, now
complaint_opened = Signal()

# Sent inside the complaints sweep's transaction for each escalation level fired (once).
# kwargs: complaint, level, now
complaint_escalated = Signal()
