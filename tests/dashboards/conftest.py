"""A small hand-computed data set for client A (Asia/Shanghai), October 2026.

Rows are written directly (tickets, clocks, status events, ratings) so every instant is exactly
the one the expected figures in test_figures.py were computed from.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reports.complaints.models import Complaint
from reports.satisfaction.models import CsatRequest, SurveyAnswer, SurveyInvitation, SurveyRound
from sla.models import BusinessCalendar, SlaClock
from tests import factories as f
from tickets.models import Rating, Ticket, TicketEvent

SH = ZoneInfo("Asia/Shanghai")


def local(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


def clock(ticket, kind, *, met, minutes, stopped=None, breached=None, tier="Gold"):
    return SlaClock.objects.create(
        client_id=ticket.client_id,
        ticket=ticket,
        kind=kind,
        tier_name=tier,
        calendar=BusinessCalendar.objects.get(code="cn-std"),
        priority=ticket.priority,
        target_minutes=60,
        warning_percent=75,
        started_at=ticket.created_at,
        elapsed_minutes=minutes,
        due_at=ticket.created_at,
        breach_at=ticket.created_at,
        warn_at=ticket.created_at,
        stopped_at=stopped,
        met=met,
        breached_at=breached,
    )


def status_event(ticket, old, new, at):
    event = TicketEvent.objects.create(
        ticket=ticket,
        client_id=ticket.client_id,
        kind=TicketEvent.Kind.STATUS,
        field="status",
        old_value=old,
        new_value=new,
    )
    TicketEvent.objects.filter(pk=event.pk).update(created_at=at)


class World:
    def __init__(self, client, sites, requesters, categories):
        self.client, self.sites, self.requesters, self.categories = (
            client,
            sites,
            requesters,
            categories,
        )
        self.tickets = {}
        self.number = 0

    def ticket(self, name, *, site, requester, created, priority=3, category=None, status="new"):
        self.number += 1
        ticket = Ticket.objects.create(
            client=self.client,
            site=site,
            number=self.number,
            reference=f"{self.client.code}-{self.number:06d}",
            requester=requester,
            created_by=requester,
            priority=priority,
            category=category,
            subject=f"{name} subject",
            description="x",
            status=status,
        )
        Ticket.objects.filter(pk=ticket.pk).update(created_at=created)
        ticket.refresh_from_db()
        TicketEvent.objects.filter(ticket=ticket).delete()
        self.tickets[name] = ticket
        return ticket

    def resolve(self, ticket, at, old="new", resolution=1):
        """The resolution and the rating request it sends (CsatRequest, sent at `at`)."""
        status_event(ticket, old, "resolved", at)
        Ticket.objects.filter(pk=ticket.pk).update(status="resolved", resolved_at=at)
        ticket.refresh_from_db()
        CsatRequest.objects.create(
            client_id=ticket.client_id,
            ticket=ticket,
            resolution=resolution,
            requester=ticket.requester,
            nonce=f"n{ticket.pk}-{resolution}",
            sent_at=at,
        )

    def rate(self, ticket, score, comment="", resolution=1, at=None):
        rating = Rating.objects.create(
            ticket=ticket,
            client_id=ticket.client_id,
            resolution=resolution,
            score=score,
            comment=comment,
            rated_by=ticket.requester,
        )
        if at is not None:
            Rating.objects.filter(pk=rating.pk).update(created_at=at)
        CsatRequest.objects.filter(ticket=ticket, resolution=resolution).update(
            rating=rating, answered_at=at or rating.created_at
        )
        return rating


def complaint(client, raised_by, *, created, source="direct", category="not_resolved", **fields):
    """A complaint row with exactly these instants (deadlines default to a day and a week on)."""
    fields.setdefault("ack_due_at", created + timedelta(days=1))
    fields.setdefault("resolve_due_at", created + timedelta(days=7))
    fields.setdefault("subject", f"{category} complaint")
    return Complaint.objects.create(
        client=client,
        source=source,
        category=category,
        description="x",
        raised_by=raised_by,
        created_at=created,
        **fields,
    )


def survey_round(client, questionnaire, start, answers, invited):
    """A round of `questionnaire` for `client`: `invited` people, the first ones answering
    with `answers` (one list of scores per person, in question order)."""
    survey = SurveyRound.objects.create(
        client=client,
        questionnaire=questionnaire,
        period_start=start,
        period_end=date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1),
    )
    questions = list(questionnaire.questions.all())
    for i, person in enumerate(invited):
        scores = answers[i] if i < len(answers) else None
        invitation = SurveyInvitation.objects.create(
            client=client,
            round=survey,
            person=person,
            answered_at=local(10, 20) if scores else None,
        )
        for question, score in zip(questions, scores or [], strict=False):
            SurveyAnswer.objects.create(
                client=client,
                invitation=invitation,
                question=question,
                score=score,
                text="" if score is not None else "fine",
            )
    return survey


@pytest.fixture
def october(client_a, site_a, site_a2, user_a1, user_a2):
    """T1-T7 as described in test_figures.py."""
    desktop, network = f.make_category("desktop"), f.make_category("network")
    w = World(client_a, [site_a, site_a2], [user_a1, user_a2], [desktop, network])
    resp, res = SlaClock.Kind.RESPONSE, SlaClock.Kind.RESOLUTION

    t1 = w.ticket(
        "T1", site=site_a, requester=user_a1, created=local(10, 5), priority=2, category=desktop
    )
    clock(t1, resp, met=True, minutes=30, stopped=local(10, 5, 10, 30))
    clock(t1, res, met=True, minutes=240, stopped=local(10, 5, 15))
    w.resolve(t1, local(10, 5, 15))
    w.rate(t1, 5, "很好 quick")

    t2 = w.ticket("T2", site=site_a, requester=user_a1, created=local(10, 10, 9), category=desktop)
    status_event(t2, "new", "in_progress", local(10, 10, 9, 10))
    clock(t2, resp, met=True, minutes=10, stopped=local(10, 10, 9, 10))
    # Resolved at 23:30 on the last day of October in Shanghai (15:30 UTC): an October figure.
    clock(
        t2, res, met=False, minutes=3000, stopped=local(10, 31, 23, 30), breached=local(10, 20, 9)
    )
    w.resolve(t2, local(10, 31, 23, 30), old="in_progress")
    w.rate(t2, 2, "太慢 too slow")

    t3 = w.ticket("T3", site=site_a2, requester=user_a2, created=local(10, 12, 9), category=network)
    clock(
        t3,
        resp,
        met=False,
        minutes=200,
        stopped=local(10, 12, 14),
        breached=local(10, 12, 12),
        tier="Standard",
    )
    clock(t3, res, met=True, minutes=500, stopped=local(10, 13), tier="Standard")
    w.resolve(t3, local(10, 13))

    t4 = w.ticket(
        "T4",
        site=site_a2,
        requester=user_a2,
        created=local(10, 15),
        priority=4,
        category=network,
        status="in_progress",
    )
    status_event(t4, "new", "in_progress", local(10, 15, 11))
    clock(t4, resp, met=True, minutes=20, stopped=local(10, 15, 11), tier="Standard")
    clock(t4, res, met=None, minutes=0, tier="Standard")

    t5 = w.ticket("T5", site=site_a2, requester=user_a2, created=local(9, 28), category=desktop)
    clock(t5, resp, met=True, minutes=45, stopped=local(9, 28, 11), tier="Standard")
    clock(t5, res, met=True, minutes=900, stopped=local(10, 4), tier="Standard")
    status_event(t5, "new", "resolved", local(10, 2))
    status_event(t5, "resolved", "reopened", local(10, 3))
    w.resolve(t5, local(10, 4), old="reopened")
    w.rate(t5, 4)

    # 00:30 on 1 November in Shanghai is still 31 October in UTC: a November ticket.
    w.ticket(
        "T6",
        site=site_a,
        requester=user_a1,
        created=local(11, 1, 0, 30),
        priority=1,
        category=desktop,
    )

    t7 = w.ticket(
        "T7", site=site_a, requester=user_a1, created=local(9, 10), priority=2, category=desktop
    )
    clock(t7, resp, met=True, minutes=60, stopped=local(9, 10, 11))
    clock(t7, res, met=True, minutes=300, stopped=local(9, 11))
    w.resolve(t7, local(9, 11))
    w.rate(t7, 3)
    return w
