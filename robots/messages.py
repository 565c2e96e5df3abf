"""The text of each robot message, in the target's language, from the ids stored with it.

Only what a duty channel needs: reference, priority, client, a truncated subject and a link to
the staff page. Never the requester's name, email or phone, nor a rating's comment: a chat
group is wider than the ticket's audience.
"""

import re
import zoneinfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from itsm.links import absolute_reverse

from .models import Event, RobotMessage

SUBJECT_CHARS = 60
# Characters with a meaning in the vendors' Markdown (and WeCom's <font> tags).
_MARKUP = re.compile(r"([\\`*_\[\]#>|~])")


def plain(text: str, limit: int = SUBJECT_CHARS) -> str:
    """One line, markup disarmed, at most `limit` characters."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _MARKUP.sub(r"\\\1", text.replace("<", "‹").replace(">", "›"))


def _local(instant, client) -> str:
    try:
        zone = zoneinfo.ZoneInfo(client.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return timezone.localtime(instant, zone).strftime("%Y-%m-%d %H:%M")


def _field(label: str, value: str) -> str:
    return f"**{label}:** {value}"


def _link(label: str, url: str) -> str:
    return f"[{label}]({url})"


def _ticket_lines(ticket) -> list[str]:
    # Labels are looked up outside f-strings: makemessages does not read inside them.
    return [
        _field(_("Client"), plain(ticket.client.name)),
        _field(_("Priority"), f"P{ticket.priority}"),
        _field(_("Subject"), plain(ticket.subject)),
        _link(
            _("Open in the staff workspace"),
            absolute_reverse("tickets:ticket-workspace", args=[ticket.pk]),
        ),
    ]


def _ticket(context):
    from tickets.models import Ticket

    return Ticket.objects.select_related("client").get(pk=context["ticket"])


def _urgent_ticket(context) -> tuple[str, list[str]]:
    ticket = _ticket(context)
    title = _("New P%(priority)s ticket %(reference)s") % {
        "priority": ticket.priority,
        "reference": ticket.reference,
    }
    return title, _ticket_lines(ticket)


def _sla(context, breached: bool) -> tuple[str, list[str]]:
    from sla.models import SlaClock

    clock = SlaClock.objects.select_related("ticket__client").get(pk=context["clock"])
    ticket = clock.ticket
    values = {"reference": ticket.reference, "clock": clock.get_kind_display()}
    if breached:
        title = _("SLA breached: %(reference)s (%(clock)s)") % values
        due = _("Was due")
    else:
        title = _("SLA about to breach: %(reference)s (%(clock)s)") % values
        due = _("Due")
    lines = [_field(due, _local(clock.breach_at, ticket.client)), *_ticket_lines(ticket)]
    return title, lines


def _complaint(context) -> tuple[str, list[str]]:
    from reports.complaints.models import Complaint

    complaint = Complaint.objects.select_related("client").get(pk=context["complaint"])
    level = context.get("level")
    if level:
        title = _("Complaint %(reference)s escalated to level %(level)s") % {
            "reference": complaint.reference,
            "level": level,
        }
    else:
        title = _("New complaint %(reference)s") % {"reference": complaint.reference}
    link = absolute_reverse("complaints:complaint-detail", args=[complaint.pk])
    return title, [
        _field(_("Client"), plain(complaint.client.name)),
        _field(_("Severity"), complaint.get_severity_display()),
        _field(_("Subject"), plain(complaint.subject)),
        _link(_("Open the complaint"), link),
    ]


def _low_rating(context) -> tuple[str, list[str]]:
    from tickets.models import Rating

    rating = Rating.objects.select_related("ticket__client").get(pk=context["rating"])
    title = _("Low rating %(score)s/5 on %(reference)s") % {
        "score": rating.score,
        "reference": rating.ticket.reference,
    }
    return title, _ticket_lines(rating.ticket)


def _test(context) -> tuple[str, list[str]]:
    return _("Test message from the IT Service Desk"), [
        _("This group robot is set up correctly for team %(team)s.")
        % {"team": plain(context.get("team", ""))},
        _link(_("Open the service desk"), absolute_reverse("home")),
    ]


RENDERERS = {
    Event.URGENT_TICKET: _urgent_ticket,
    Event.SLA_WARNING: lambda context: _sla(context, breached=False),
    Event.SLA_BREACH: lambda context: _sla(context, breached=True),
    Event.COMPLAINT: _complaint,
    Event.LOW_RATING: _low_rating,
    Event.TEST: _test,
}


def message_render(message: RobotMessage) -> tuple[str, str]:
    """(title, Markdown text); the text opens with the title as a heading."""
    with translation.override(message.target.language or settings.LANGUAGE_CODE):
        title, lines = RENDERERS[message.event](message.context)
    title = title[:200]
    return title, "\n".join([f"### {title}", *lines])
