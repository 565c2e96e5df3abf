"""Writes of the SLA engine: follow ticket changes, re-target, load holidays, sweep due clocks."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clients.models import Client, User
from itsm.rows import rows_insert
from tickets.models import Status, Ticket, TicketEvent
from tickets.querysets import OPEN_STATUSES

from . import escalation, tasks
from .clocks import (
    breach_line,
    clock_pause,
    clock_restart,
    clock_resume,
    clock_stop,
    clocks_start,
    pending_percents_by_kind,
    rules_matching,
    ticket_clocks_retarget,
    ticket_sla_due_write,
    warning_line,
)
from .day_files import DayRow
from .models import (
    BusinessCalendar,
    CalendarDay,
    EscalationRule,
    RetargetJob,
    ServiceTier,
    SlaClock,
)
from .official import DayDiff, day_file_diff
from .official_days import cn_official_rows
from .schedule import is_breached, next_check, percent_instant
from .signals import clocks_breached, clocks_warned

SWEEP_BATCH = 500
RETARGET_BATCH = 50  # tickets per transaction of a re-target job
RETARGET_STALLED = timedelta(minutes=5)
CANDIDATE_BATCHES = 4  # candidates read per batch, so concurrent sweeps find unlocked ones
Trigger = EscalationRule.Trigger


def clocks_sync(*, ticket: Ticket, actor: User | None, change: str, now: datetime) -> None:
    """Bring the ticket's clocks in line with the ticket (receiver of tickets' ticket_changed).

    Runs in the ticket service's transaction, which holds the ticket's row lock. The clocks follow
    the ticket's state rather than the kind of change, so e.g. a requester's reply that ends
    "waiting" resumes them like a status change does.
    """
    if change == "created":
        clocks_start(ticket=ticket, now=now)
        return
    clocks = list(ticket.sla_clocks.select_for_update().select_related("calendar"))
    if not clocks:
        return  # filed before the SLA engine existed, or no tier at all
    dirty = set()
    live = [clock for clock in clocks if clock.stopped_at is None]
    if change == "priority" and live and live[0].priority != ticket.priority:
        reason = {"code": "priority", "old": live[0].priority, "new": ticket.priority}
        dirty.update(
            ticket_clocks_retarget(
                ticket=ticket, clocks=clocks, actor=actor, reason=reason, now=now
            )
        )
    stopped = [clock for clock in clocks if clock.stopped_at is not None]
    dirty.update(_follow_status(ticket, clocks, now))
    reopened = [clock for clock in stopped if clock.stopped_at is None]
    if reopened:
        # A priority (or tier) change while resolved left the stopped clock alone; the reopened
        # clock counts against what applies now, re-targeted from its start with every pause.
        old = reopened[0].priority
        reason = {"code": "reopened", "old": old, "new": ticket.priority}
        dirty.update(
            ticket_clocks_retarget(
                ticket=ticket, clocks=clocks, actor=actor, reason=reason, now=now
            )
        )
    for clock in dirty:
        clock.save()
    ticket_sla_due_write(ticket, clocks)


def _follow_status(ticket: Ticket, clocks: list[SlaClock], now: datetime) -> set[SlaClock]:
    """Stop, restart, pause or resume clocks for the ticket's state; returns those changed.

    Response stops at the first public staff reply (or when the ticket is resolved without one);
    resolution stops at resolved and runs again on reopen; cancelled or closed stops both; both
    pause while the ticket waits on the user.
    """
    by_kind = {clock.kind: clock for clock in clocks}
    response, resolution = (
        by_kind.get(SlaClock.Kind.RESPONSE),
        by_kind.get(SlaClock.Kind.RESOLUTION),
    )
    status, changed, lines = ticket.status, set(), []
    pending: dict[str, list[int]] | None = None

    def stop(clock: SlaClock, at: datetime, completes: bool) -> None:
        line = clock_stop(clock, clock.calendar.spec(), at=at, completes=completes, now=now)
        lines.extend([line] if line else [])
        changed.add(clock)

    if response and response.stopped_at is None:
        if ticket.first_response_at:
            stop(response, ticket.first_response_at, True)
        elif status in (Status.RESOLVED, Status.CLOSED, Status.CANCELLED):
            stop(response, now, status != Status.CANCELLED)
    if resolution and resolution.stopped_at is None:
        if status in (Status.RESOLVED, Status.CLOSED):
            stop(resolution, ticket.resolved_at or now, True)
        elif status == Status.CANCELLED:
            stop(resolution, now, False)
    elif resolution and status in OPEN_STATUSES:
        pending = pending_percents_by_kind(clocks)
        clock_restart(
            resolution, resolution.calendar.spec(), pending.get(resolution.kind, ()), now=now
        )
        changed.add(resolution)
    for clock in clocks:
        if clock.stopped_at is not None:
            continue
        if status == Status.WAITING and clock.paused_since is None:
            clock_pause(clock, clock.calendar.spec(), now=now)
            changed.add(clock)
        elif status != Status.WAITING and clock.paused_since is not None:
            pending = pending if pending is not None else pending_percents_by_kind(clocks)
            clock_resume(clock, clock.calendar.spec(), pending.get(clock.kind, ()), now=now)
            changed.add(clock)
    if lines:
        TicketEvent.objects.bulk_create(
            [_sla_event(ticket.pk, ticket.client_id, facts) for facts in lines]
        )
    return changed


def _sla_event(ticket_id: int, client_id: int, facts: dict):
    return TicketEvent(
        ticket_id=ticket_id, client_id=client_id, actor=None, kind=TicketEvent.Kind.SLA, data=facts
    )


def tier_retarget_queue(*, tier: ServiceTier) -> RetargetJob:
    """Queue the re-target of open tickets whose running clocks use `tier` (its targets or
    calendar changed). Closed and resolved tickets keep what applied."""
    reason = _("tier “%(tier)s” changed") % {"tier": tier.name}
    return retarget_queue(scope=RetargetJob.Scope.TIER, scope_id=tier.pk, reason=reason)


def client_retarget_queue(*, client: Client) -> RetargetJob:
    """Queue the re-target of the client's open tickets after its tier assignments changed."""
    reason = _("tier assignment of %(client)s changed") % {"client": client.name}
    return retarget_queue(scope=RetargetJob.Scope.CLIENT, scope_id=client.pk, reason=reason)


def calendar_retarget_queue(*, calendar: BusinessCalendar) -> RetargetJob:
    """Queue the recomputation of due instants of open tickets whose running clocks use it."""
    reason = _("calendar “%(calendar)s” changed") % {"calendar": calendar.name}
    return retarget_queue(scope=RetargetJob.Scope.CALENDAR, scope_id=calendar.pk, reason=reason)


def retarget_queue(*, scope: str, scope_id: int, reason: str) -> RetargetJob:
    """Record a re-target job; its task starts once the caller's transaction commits.

    The caller's transaction (an admin save) then holds no ticket's lock, and the task sees the
    committed tier, assignment or calendar.
    """
    job = RetargetJob.objects.create(
        scope=scope, scope_id=scope_id, reason=reason, language=translation.get_language() or ""
    )
    # robust: with the broker down the admin's change still saves; retarget_jobs_resume
    # starts the job later.
    transaction.on_commit(lambda: tasks.sla_retarget.delay(job_id=job.pk), robust=True)
    return job


def retarget_jobs_resume(*, now: datetime) -> list[int]:
    """Jobs still queued RETARGET_STALLED after their change (their task was never sent, the
    broker being down, or was lost): queued again. retarget_run runs each only once."""
    ids = list(
        RetargetJob.objects.filter(
            status=RetargetJob.Status.QUEUED, created_at__lt=now - RETARGET_STALLED
        ).values_list("pk", flat=True)
    )
    for job_id in ids:
        tasks.sla_retarget.delay(job_id=job_id)
    return ids


def retarget_run(*, job_id: int, now: datetime) -> RetargetJob:
    """Re-target the job's open tickets, RETARGET_BATCH tickets per short transaction, recording
    progress after each batch. Returns the finished job; a failure is recorded and re-raised."""
    job = RetargetJob.objects.get(pk=job_id)
    # Claimed once: a job queued twice (resumed while its first task waited) runs once.
    if not RetargetJob.objects.filter(pk=job.pk, status=RetargetJob.Status.QUEUED).update(
        status=RetargetJob.Status.RUNNING
    ):
        return job
    ids = list(_retarget_scope(job).order_by("pk").values_list("pk", flat=True))
    RetargetJob.objects.filter(pk=job.pk).update(total=len(ids), done=0, retargeted=0)
    reason = _job_reason(job)
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            for first in range(0, len(ids), RETARGET_BATCH):
                batch = ids[first : first + RETARGET_BATCH]
                with transaction.atomic():
                    changed = sum(_ticket_retarget(pk, reason, now) for pk in batch)
                    RetargetJob.objects.filter(pk=job.pk).update(
                        done=F("done") + len(batch), retargeted=F("retargeted") + changed
                    )
    except Exception as exc:
        RetargetJob.objects.filter(pk=job.pk).update(
            status=RetargetJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    RetargetJob.objects.filter(pk=job.pk).update(
        status=RetargetJob.Status.DONE, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def _job_reason(job: RetargetJob) -> dict:
    """The job's cause as facts for the timeline (the name as it is now)."""
    model = {
        RetargetJob.Scope.TIER: ServiceTier,
        RetargetJob.Scope.CLIENT: Client,
        RetargetJob.Scope.CALENDAR: BusinessCalendar,
    }[job.scope]
    name = model.objects.filter(pk=job.scope_id).values_list("name", flat=True).first()
    return {"code": job.scope, "name": name or ""}


def _retarget_scope(job: RetargetJob):
    tickets = Ticket.objects.open()
    if job.scope == RetargetJob.Scope.CLIENT:
        return tickets.filter(client_id=job.scope_id)
    running = SlaClock.objects.filter(stopped_at__isnull=True)
    if job.scope == RetargetJob.Scope.TIER:
        running = running.filter(tier_id=job.scope_id)
    else:
        running = running.filter(calendar_id=job.scope_id)
    return tickets.filter(pk__in=running.values_list("ticket_id"))


def _ticket_retarget(pk: int, reason: dict, now: datetime) -> bool:
    """Re-target one ticket under its row lock; False if it closed meanwhile or nothing moved."""
    ticket = Ticket.objects.select_for_update().filter(pk=pk, status__in=OPEN_STATUSES).first()
    if ticket is None:
        return False  # closed meanwhile: it keeps what applied
    clocks = list(ticket.sla_clocks.select_for_update().select_related("calendar"))
    changed = ticket_clocks_retarget(
        ticket=ticket, clocks=clocks, actor=None, reason=reason, now=now
    )
    for clock in changed:
        clock.save()
    ticket_sla_due_write(ticket, clocks)
    return bool(changed)


@transaction.atomic
def calendar_days_load(*, calendar: BusinessCalendar, year: int) -> int:
    """Create or update `calendar`'s days of `year` from China's official data; re-target.

    Days the admin added by hand (e.g. a company holiday) are kept. Raises CalendarError naming
    the covered years when the installed data has no such year. Returns the days written.
    """
    rows = cn_official_rows(year)
    existing = {day.date: day for day in calendar.days.filter(date__year=year)}
    written = 0
    for date, kind, name in rows:
        day = existing.get(date) or CalendarDay(calendar=calendar, date=date)
        if day.pk and (day.kind, day.name) == (kind, name):
            continue
        day.kind, day.name = kind, name
        day.save()
        written += 1
    if written:
        calendar.save(update_fields=["updated_at"])  # every process rebuilds its spec
        calendar_retarget_queue(calendar=calendar)
    return written


@transaction.atomic
def calendar_days_import(
    *, actor: User, calendar: BusinessCalendar, rows: list[DayRow]
) -> tuple[DayDiff, RetargetJob | None]:
    """Write the days of an uploaded file (sla.day_files) into `calendar` - added and changed
    days, as the preview showed them; days the file does not mention are kept - then queue the
    re-target of open tickets. Returns what changed and the re-target job (None if nothing)."""
    if not actor.is_admin_role:
        raise PermissionDenied(_("Only administrators may change calendars."))
    calendar = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
    diff = day_file_diff(calendar=calendar, rows=rows)
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(calendar=calendar, date=row.day, kind=row.kind, name=row.name)
            for row in diff.added
        ]
    )
    for day, row in diff.changed:
        day.kind, day.name = row.kind, row.name or day.name
        day.save(update_fields=["kind", "name"])
    if not diff.has_changes:
        return diff, None
    calendar.save(update_fields=["updated_at"])  # every process rebuilds its spec
    return diff, calendar_retarget_queue(calendar=calendar)


def sla_sweep(*, now: datetime) -> int:
    """Flag every warning, breach and percent trigger due by `now`, once, at its true instant.

    A breach is flagged once more than the target is used (strictly after breach_at), the rule a
    stop applies too, so a sweep at exactly the due instant and a stop there agree: met.
    Safe under concurrent sweeps, retries and catch-up after an outage: tickets are locked first
    (the order ticket services use, so no deadlock) with SKIP LOCKED, then their due clocks, and
    each flag is written by a conditional UPDATE that reports which clocks it set. A
    ticket a ticket service holds right now is left to the next sweep, which still dates its
    flags at their true instants. Paused and stopped clocks have no next_check_at, so they are
    never flagged. Then sends the held notifications that are due. Returns the clocks flagged.
    """
    rules = escalation.active_rules()
    flagged, swept = 0, set()
    while True:
        with transaction.atomic():
            # The partial index of due clocks names the candidates, so cost follows due clocks
            # only; SKIP LOCKED with LIMIT then hands concurrent sweeps disjoint batches. A clock
            # whose breach instant is exactly `now` stays due without being flagged: tickets
            # already swept are left out so such clocks cannot keep the loop going.
            due = SlaClock.objects.due_for_check(now)
            if swept:
                due = due.exclude(ticket_id__in=swept)
            # Most overdue first, straight from the index: the clocks' default ordering (by
            # ticket) would join every due clock's ticket only to sort them.
            candidates = set(
                due.order_by("next_check_at").values_list("ticket_id", flat=True)[
                    : SWEEP_BATCH * CANDIDATE_BATCHES
                ]
            )
            # Read with what escalation rules' actions need of them, at no extra cost.
            tickets = (
                {
                    row[0]: row
                    for row in Ticket.objects.select_for_update(skip_locked=True, no_key=True)
                    .filter(pk__in=candidates)
                    .order_by()
                    .values_list(*escalation.TICKET_COLUMNS)[:SWEEP_BATCH]
                }
                if candidates
                else {}
            )
            if tickets:
                flagged += _sweep_tickets(tickets, rules, now)
                swept.update(tickets)
        if len(tickets) < SWEEP_BATCH:
            break
    escalation.held_notifications_send(now=now)
    return flagged


def _sweep_tickets(tickets: dict[int, tuple], rules: list[EscalationRule], now: datetime) -> int:
    """Flag the due clocks of tickets this transaction holds locked (ids to their
    escalation.TICKET_COLUMNS).

    Only the flags the conditional UPDATEs report as set produce events and firings, so a clock
    read stale, swept again for a later percent rule, or raced by another sweep is never
    flagged twice: the database, not this copy of the row, decides.
    """
    # Ordered by pk, not by the default (ticket, kind): that would join the tickets, and FOR
    # UPDATE would then take their rows in a stronger mode than the sweep's NO KEY UPDATE.
    clocks = list(
        SlaClock.objects.select_for_update()
        .filter(ticket_id__in=list(tickets), next_check_at__lte=now)
        .order_by("pk")
    )
    if not clocks:
        return 0
    # A handful of calendars serve every clock: read each once rather than join it per row.
    calendars = BusinessCalendar.objects.in_bulk({clock.calendar_id for clock in clocks})
    specs = {pk: calendar.spec() for pk, calendar in calendars.items()}
    for clock in clocks:
        clock.calendar = calendars[clock.calendar_id]
    # Candidates by instant only; whether a flag is still unset is the UPDATE's to say.
    warned = flag_set(
        "warned_at", "warn_at", [c.pk for c in clocks if c.warn_at <= now], now, strict=False
    )
    breached = flag_set(
        "breached_at", "breach_at", [c.pk for c in clocks if is_breached(c, now)], now, strict=True
    )
    fired = escalation.fired_pairs([clock.pk for clock in clocks]) if rules else set()
    # The timeline rows as columns (itsm.rows): warnings internal, breaches public.
    events = {"ticket_id": [], "client_id": [], "is_internal": [], "data": []}
    firings, next_checks, flagged = [], [], 0
    for clock in clocks:
        spec = specs[clock.calendar_id]
        clock_events, clock_firings, pending = [], [], []
        if clock.pk in warned:
            clock.warned_at = clock.warn_at
            clock_events.append((True, warning_line(clock, spec)))
        if clock.pk in breached:
            clock.breached_at = clock.breach_at
            clock_events.append((False, breach_line(clock, spec)))
        for rule in rules_matching(clock, rules):
            if (clock.pk, rule.pk) in fired:
                continue
            if rule.trigger == Trigger.PERCENT:
                instant = percent_instant(clock, spec, rule.percent)
                if instant <= now:
                    clock_firings.append(escalation.Firing(rule, clock, instant))
                else:
                    pending.append(instant)
            elif rule.trigger == Trigger.WARNING and clock.pk in warned:
                clock_firings.append(escalation.Firing(rule, clock, clock.warned_at))
            elif rule.trigger == Trigger.BREACH and clock.pk in breached:
                clock_firings.append(escalation.Firing(rule, clock, clock.breached_at))
        clock.next_check_at = next_check(clock, pending)
        next_checks.append(clock)
        for internal, facts in clock_events:
            events["ticket_id"].append(clock.ticket_id)
            events["client_id"].append(clock.client_id)
            events["is_internal"].append(internal)
            events["data"].append(facts)
        firings += clock_firings
        flagged += bool(clock_events or clock_firings)
    _next_checks_save(next_checks)
    rows_insert(TicketEvent, events, same={"actor_id": None, "kind": TicketEvent.Kind.SLA})
    clocks_warned.send(SlaClock, clocks=[c for c in clocks if c.pk in warned], now=now)
    clocks_breached.send(SlaClock, clocks=[c for c in clocks if c.pk in breached], now=now)
    escalation.escalate(firings=firings, tickets=tickets, now=now)
    return flagged


def _next_checks_save(clocks: list[SlaClock]) -> None:
    """Store each clock's next check. Clocks left with none (breached, nothing pending: the
    usual outcome of a sweep) take one plain UPDATE; bulk_update's per-row CASE costs about
    0.2 ms a clock to build, most of a 1,000-breach sweep's Python time."""
    done = [clock.pk for clock in clocks if clock.next_check_at is None]
    if done:
        SlaClock.objects.filter(pk__in=done).update(next_check_at=None)
    later = [clock for clock in clocks if clock.next_check_at is not None]
    if later:
        SlaClock.objects.bulk_update(later, ["next_check_at"])


def flag_set(flag: str, instant: str, ids: list[int], now: datetime, *, strict: bool) -> set[int]:
    """Set `flag` to the clock's own `instant` where still unset and reached by `now` (strictly
    past it when `strict`); returns the ids of the clocks whose flag this statement set."""
    if not ids:
        return set()
    quote = connection.ops.quote_name
    table, pk, flag, instant = (
        quote(name) for name in (SlaClock._meta.db_table, "id", flag, instant)
    )
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            # Names come from the model, values are bound; Django's update() cannot say RETURNING.
            f"UPDATE {table} SET {flag} = {instant} WHERE {pk} IN ({placeholders}) "
            f"AND {flag} IS NULL AND {instant} {'<' if strict else '<='} %s RETURNING {pk}",
            [*ids, connection.ops.adapt_datetimefield_value(now)],
        )
        return {row[0] for row in cursor.fetchall()}
