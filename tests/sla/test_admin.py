"""The SLA admin: every model listed, inline validation, and saves that re-target open tickets."""

import pytest
from django.urls import reverse

from sla.models import (
    BusinessCalendar,
    CalendarDay,
    EscalationRule,
    HeldNotification,
    RetargetJob,
    RuleFiring,
    ServiceTier,
    SlaClock,
    TierAssignment,
    TierTarget,
)
from tests.factories import make_ticket
from tickets.models import TicketEvent

from .conftest import FOR_PRIORITY, clocks_of, cst, make_tier

pytestmark = pytest.mark.django_db

MODELS = [
    BusinessCalendar,
    CalendarDay,
    ServiceTier,
    TierTarget,
    TierAssignment,
    SlaClock,
    EscalationRule,
    RuleFiring,
    HeldNotification,
    RetargetJob,
]


@pytest.fixture
def admin_web(client, admin_user):
    admin_user.language = "en"
    admin_user.save(update_fields=["language"])
    client.force_login(admin_user)
    return client


def url(model, action: str, *args) -> str:
    return reverse(f"admin:sla_{model._meta.model_name}_{action}", args=args)


def tier_form(tier: ServiceTier, targets: dict[int, tuple[int, int]]) -> dict:
    data = {
        "name": tier.name,
        "rank": tier.rank,
        "description": tier.description,
        "calendar": tier.calendar_id,
        "warning_percent": tier.warning_percent,
        **({"is_default": "on"} if tier.is_default else {}),
        "targets-TOTAL_FORMS": len(targets),
        "targets-INITIAL_FORMS": tier.targets.count(),
        "targets-MIN_NUM_FORMS": 4,
        "targets-MAX_NUM_FORMS": 4,
    }
    existing = {t.priority: t.pk for t in tier.targets.all()}
    for n, (priority, (response, resolution)) in enumerate(sorted(targets.items())):
        data |= {
            f"targets-{n}-id": existing.get(priority, ""),
            f"targets-{n}-tier": tier.pk,
            f"targets-{n}-priority": priority,
            f"targets-{n}-response_minutes": response,
            f"targets-{n}-resolution_minutes": resolution,
        }
    return data


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_sla_model_has_a_working_changelist_with_search(admin_web, model, ticket_a1):
    response = admin_web.get(url(model, "changelist"), {"q": "x"})
    assert response.status_code == 200


def test_calendar_and_tier_change_pages_show_their_inlines(admin_web):
    calendar = BusinessCalendar.objects.get(code="cn-std")
    page = admin_web.get(url(BusinessCalendar, "change", calendar.pk)).content.decode()
    assert "Holidays and make-up working days (since last year)" in page
    assert 'value="2004-01-01"' not in page  # decades of official days are listed elsewhere
    tier = ServiceTier.objects.get(is_default=True)
    page = admin_web.get(url(ServiceTier, "change", tier.pk)).content.decode()
    assert "targets-0-response_minutes" in page


def test_calendar_with_overlapping_hours_is_refused_in_the_admin(admin_web):
    data = {
        "code": "bad",
        "name": "Bad",
        "time_zone": "Asia/Shanghai",
        "mon": "09:00-12:00, 11:00-13:00",
        "days-TOTAL_FORMS": 0,
        "days-INITIAL_FORMS": 0,
    }
    page = admin_web.post(url(BusinessCalendar, "add"), data).content.decode()
    assert "intervals 09:00-12:00 and 11:00-13:00 overlap" in page
    assert not BusinessCalendar.objects.filter(code="bad").exists()


def test_tier_missing_a_priority_is_refused_in_the_admin(admin_web):
    tier = make_tier("Gold")
    data = tier_form(tier, {1: (10, 60), 2: (20, 120), 3: (30, 180)})
    data["targets-MIN_NUM_FORMS"] = 0
    data["targets-3-id"] = tier.targets.get(priority=4).pk
    data |= {
        "targets-TOTAL_FORMS": 4,
        "targets-3-tier": tier.pk,
        "targets-3-priority": 4,
        "targets-3-response_minutes": 40,
        "targets-3-resolution_minutes": 240,
        "targets-3-DELETE": "on",
    }
    page = admin_web.post(url(ServiceTier, "change", tier.pk), data).content.decode()
    assert (
        "Every tier needs response and resolution targets for P1, P2, P3 and P4; missing: P4."
        in page
    )
    assert tier.targets.count() == 4


def test_saving_a_tier_queues_the_retarget_which_runs_after_commit(
    admin_web, user_a1, django_capture_on_commit_callbacks
):
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[3])
    tier = ServiceTier.objects.get(is_default=True)
    targets = {1: (30, 240), 2: (60, 480), 3: (120, 1440), 4: (480, 2880)}
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_web.post(url(ServiceTier, "change", tier.pk), tier_form(tier, targets))
        assert response.status_code == 302
        # The request is over and nothing was re-targeted inside it: the job waits for commit.
        assert clocks_of(ticket)["response"].target_minutes == 240
        job = RetargetJob.objects.get()
        assert (job.status, job.total, job.done) == (RetargetJob.Status.QUEUED, None, 0)
    for callback in callbacks:
        callback()  # the commit: the (eager) task runs
    assert clocks_of(ticket)["response"].target_minutes == 120
    assert any("240 → 120" in e.text for e in ticket.events.filter(kind=TicketEvent.Kind.SLA))
    job.refresh_from_db()
    assert (job.status, job.total, job.done, job.retargeted) == ("done", 1, 1, 1)
    page = admin_web.get(response.url).content.decode()
    assert "re-targeted in the background" in page
    assert url(RetargetJob, "change", job.pk) in page
    listing = admin_web.get(url(RetargetJob, "changelist")).content.decode()
    assert "1 / 1" in listing and "Done" in listing
    detail = admin_web.get(url(RetargetJob, "change", job.pk))
    assert detail.status_code == 200 and 'name="reason"' not in detail.content.decode()


def test_adding_an_assignment_in_the_admin_retargets_the_clients_open_tickets(
    admin_web, client_a, user_a1, django_capture_on_commit_callbacks
):
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[3])
    gold = make_tier("Gold")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_web.post(
            url(TierAssignment, "add"), {"client": client_a.pk, "tier": gold.pk}
        )
    assert response.status_code == 302
    assert clocks_of(ticket)["response"].tier_name == "Gold"
    with django_capture_on_commit_callbacks(execute=True):
        admin_web.post(
            url(TierAssignment, "delete", TierAssignment.objects.get().pk), {"post": "yes"}
        )
    assert clocks_of(ticket)["response"].tier_name == "Standard / 标准"


def test_engine_rows_are_read_only_in_the_admin(admin_web, ticket_a1):
    clock = SlaClock.objects.filter(ticket=ticket_a1).first()
    page = admin_web.get(url(SlaClock, "change", clock.pk)).content.decode()
    assert 'name="due_at"' not in page
    assert admin_web.get(url(SlaClock, "add")).status_code == 403


def test_adding_a_holiday_in_the_admin_moves_open_tickets_due_instants(
    admin_web, user_a1, django_capture_on_commit_callbacks
):
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[3])
    assert clocks_of(ticket)["response"].due_at == cst(3, 2, 14)
    calendar = BusinessCalendar.objects.get(code="cn-std")
    data = {"calendar": calendar.pk, "date": "2026-03-02", "kind": "holiday", "name": "Storm"}
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_web.post(url(CalendarDay, "add"), data).status_code == 302
    assert clocks_of(ticket)["response"].due_at == cst(3, 3, 14)
    assert any("calendar" in e.text for e in ticket.events.filter(kind=TicketEvent.Kind.SLA))
