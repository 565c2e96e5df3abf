"""Writing the daily roll-ups: from scratch per client, or for the days a set of tickets touched.

A system job (Celery task, management command), not a request path: it reads every ticket of a
client regardless of any user, so no view may call it. Each fact counts on the client-local day
it happened (see DailyRollup); recomputing a day rebuilds all of that day's cells from the
tickets, SLA clocks, status events and ratings, so the incremental refresh and the rebuild share
one computation and cannot drift apart.
"""

import bisect
import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth

from clients.models import Client
from reports.satisfaction.models import CsatRequest
from sla.models import SlaClock
from tickets.models import Rating, Status, Ticket, TicketEvent
from tickets.querysets import OPEN_STATUSES

from .models import (
    DIMENSIONS,
    HIST_EDGES,
    MAX_FIELDS,
    SUM_FIELDS,
    BreachEntry,
    DailyRollup,
    MonthlyRollup,
    RollupState,
)
from .periods import Period, add_months

log = logging.getLogger(__name__)

REPEAT_WINDOW = timedelta(days=7)
# Events committed a little after their created_at must not slip past the watermark.
REFRESH_OVERLAP = timedelta(minutes=10)
CHUNK = 2000

Ranges = list[tuple[datetime, datetime]] | None


def _q_in(field: str, ranges: Ranges) -> Q:
    if ranges is None:
        return Q()
    return reduce(or_, (Q(**{f"{field}__gte": s, f"{field}__lt": e}) for s, e in ranges))


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def hist_bucket(minutes: float) -> int:
    """Index of the histogram bucket holding `minutes` (edges are inclusive upper bounds)."""
    return bisect.bisect_left(HIST_EDGES, minutes)


def clock_outcome(*, met: bool | None, breached_at, stopped_at) -> tuple[str, datetime] | None:
    """("met"|"breached", when it was decided), from the clock's stored flags only.

    A breach counts once, on its breach instant (a clock still running but already late
    counts); a met clock counts when it stopped; a clock neither met nor breached (running,
    or cancelled in time) does not count.
    """
    if breached_at is not None:
        return "breached", breached_at
    if met is False and stopped_at is not None:
        return "breached", stopped_at
    if met is True and stopped_at is not None:
        return "met", stopped_at
    return None


class _Cells:
    """Counters per (day, site, tier, priority, category) for one client."""

    def __init__(self, tz: ZoneInfo, ranges: Ranges):
        self.tz, self.ranges = tz, ranges
        self.rows: dict[tuple, dict] = defaultdict(lambda: defaultdict(float))

    def counts(self, moment: datetime | None) -> bool:
        if moment is None:
            return False
        return self.ranges is None or any(s <= moment < e for s, e in self.ranges)

    def day(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def add(self, moment: datetime, dims: tuple, field: str, amount: float = 1) -> None:
        self.rows[(self.day(moment), *dims)][field] += amount

    def maximum(self, moment: datetime, dims: tuple, field: str, value: float) -> None:
        row = self.rows[(self.day(moment), *dims)]
        row[field] = max(row[field], value)


def compute_client(client: Client, ranges: Ranges) -> tuple[list[DailyRollup], list[BreachEntry]]:
    """Roll-up rows and breach entries of `client` for the instants in `ranges` (None: all)."""
    tz = ZoneInfo(client.time_zone)
    cells = _Cells(tz, ranges)
    ticket_fields = ("id", "site_id", "priority", "category_id", "created_at", "resolved_at")
    base = Ticket.objects.filter(client=client)
    tickets = {
        row[0]: row
        for row in base.filter(_q_in("created_at", ranges) | _q_in("resolved_at", ranges))
        .values_list(*ticket_fields, "requester_id", "status")
        .iterator(chunk_size=CHUNK)
    }
    clocks = list(
        SlaClock.objects.filter(client=client)
        .filter(_q_in("breached_at", ranges) | _q_in("stopped_at", ranges))
        .values_list(
            "ticket_id",
            "kind",
            "met",
            "breached_at",
            "stopped_at",
            "elapsed_minutes",
            "ticket__status",
        )
        .iterator(chunk_size=CHUNK)
    )
    events = list(
        TicketEvent.objects.filter(client=client, kind=TicketEvent.Kind.STATUS, field="status")
        .filter(_q_in("created_at", ranges))
        .values_list("ticket_id", "old_value", "new_value", "created_at")
        .iterator(chunk_size=CHUNK)
    )
    # Ratings are counted through their requests, on the day the request was sent (a
    # resolution's day, which has a status event, so the refresh rewrites it when the request
    # is answered or its rating superseded later): sent, answered, and the ticket's latest
    # rating only - the satisfaction section's definitions.
    superseded = Rating.objects.filter(
        ticket_id=OuterRef("ticket_id"), resolution__gt=OuterRef("resolution")
    )
    requests = list(
        CsatRequest.objects.filter(client=client)
        .filter(_q_in("sent_at", ranges))
        .annotate(superseded=Exists(superseded))
        .values_list("ticket_id", "sent_at", "answered_at", "rating__score", "superseded")
        .iterator(chunk_size=CHUNK)
    )
    # Dimensions of every ticket a fact refers to; the tier is the resolution clock's.
    dims_rows = {tid: row for tid, row in tickets.items()}
    referred = {c[0] for c in clocks} | {e[0] for e in events} | {r[0] for r in requests}
    missing = sorted(referred - dims_rows.keys())
    for ids in _chunks(missing):
        for row in base.filter(id__in=ids).values_list(*ticket_fields, "requester_id", "status"):
            dims_rows[row[0]] = row
    tiers: dict[int, str] = {}
    resolution = SlaClock.objects.filter(client=client, kind=SlaClock.Kind.RESOLUTION)
    if ranges is None:
        tiers = dict(resolution.values_list("ticket_id", "tier_name").iterator(chunk_size=CHUNK))
    else:
        for ids in _chunks(sorted(dims_rows)):
            tiers.update(resolution.filter(ticket_id__in=ids).values_list("ticket_id", "tier_name"))

    def dims(ticket_id: int) -> tuple:
        row = dims_rows[ticket_id]
        return (row[1], tiers.get(ticket_id, ""), row[2], row[3])

    for tid, row in tickets.items():
        if cells.counts(row[4]):
            cells.add(row[4], dims(tid), "opened")
            cells.add(row[4], dims(tid), "backlog_delta")
        if cells.counts(row[5]):
            cells.add(row[5], dims(tid), "resolved")
    for tid, old, new, at in events:
        if new == Status.REOPENED:
            cells.add(at, dims(tid), "reopened")
        was_open, is_open = old in OPEN_STATUSES, new in OPEN_STATUSES
        if was_open != is_open:
            cells.add(at, dims(tid), "backlog_delta", 1 if is_open else -1)
    breaches = []
    for tid, kind, met, breached_at, stopped_at, minutes, status in clocks:
        prefix = "resp" if kind == SlaClock.Kind.RESPONSE else "res"
        outcome = clock_outcome(met=met, breached_at=breached_at, stopped_at=stopped_at)
        if outcome and cells.counts(outcome[1]):
            cells.add(outcome[1], dims(tid), f"{prefix}_{outcome[0]}")
            if outcome[0] == "breached":
                site, tier, priority, category = dims(tid)
                breaches.append(
                    BreachEntry(
                        client=client,
                        ticket_id=tid,
                        kind=kind,
                        day=cells.day(outcome[1]),
                        breached_at=outcome[1],
                        site_id=site,
                        tier_name=tier,
                        priority=priority,
                        category_id=category,
                    )
                )
        # Time to respond/resolve: clocks that stopped with an outcome, cancelled tickets aside.
        if (
            stopped_at
            and met is not None
            and status != Status.CANCELLED
            and cells.counts(stopped_at)
        ):
            cells.add(stopped_at, dims(tid), f"{prefix}_n")
            cells.add(stopped_at, dims(tid), f"{prefix}_minutes_sum", minutes)
            cells.add(stopped_at, dims(tid), f"{prefix}_h{hist_bucket(minutes)}")
            cells.maximum(stopped_at, dims(tid), f"{prefix}_minutes_max", minutes)
    for tid, sent_at, answered_at, score, is_superseded in requests:
        cells.add(sent_at, dims(tid), "csat_sent")
        if answered_at is not None:
            cells.add(sent_at, dims(tid), "csat_answered")
        if score is not None and not is_superseded:
            cells.add(sent_at, dims(tid), "rated")
            cells.add(sent_at, dims(tid), "score_sum", score)
            cells.add(sent_at, dims(tid), f"score_{score}")
    _repeat_contacts(client, tickets, cells, dims, ranges)
    rows = [
        DailyRollup(
            client=client,
            day=key[0],
            site_id=key[1],
            tier_name=key[2],
            priority=key[3],
            category_id=key[4],
            **{field: value for field, value in values.items()},
        )
        for key, values in cells.rows.items()
    ]
    return rows, breaches


def _repeat_contacts(client, tickets, cells, dims, ranges) -> None:
    """A repeat contact: a ticket whose requester opened one in the same category within the
    previous 7 days. Counted on the later ticket's creation day."""
    opened = [row for row in tickets.values() if row[3] is not None and cells.counts(row[4])]
    if not opened:
        return
    if ranges is None:
        earlier = [(r[6], r[3], r[4]) for r in tickets.values() if r[3] is not None]
    else:
        requesters = sorted({row[6] for row in opened})
        low = min(row[4] for row in opened) - REPEAT_WINDOW
        high = max(row[4] for row in opened)
        earlier = []
        for ids in _chunks(requesters):
            earlier += Ticket.objects.filter(
                client=client,
                requester_id__in=ids,
                category__isnull=False,
                created_at__gte=low,
                created_at__lt=high,
            ).values_list("requester_id", "category_id", "created_at")
    by_key: dict[tuple, list[datetime]] = defaultdict(list)
    for requester, category, created in earlier:
        by_key[(requester, category)].append(created)
    for times in by_key.values():
        times.sort()
    for row in opened:
        times = by_key.get((row[6], row[3]), [])
        i = bisect.bisect_left(times, row[4])
        if i and row[4] - times[i - 1] <= REPEAT_WINDOW:
            cells.add(row[4], dims(row[0]), "repeat_contacts")


def _day_ranges(days: Iterable[date], tz: str) -> list[tuple[datetime, datetime]]:
    """UTC bounds of the given local days, consecutive days merged into one range."""
    ranges: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if ranges and ranges[-1][1] + timedelta(days=1) == day:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return [Period("custom", start, end).utc_bounds(tz) for start, end in ranges]


def client_months_rewrite(*, client: Client, months: Iterable[date] | None) -> int:
    """Rewrite the monthly rows of `months` (first days; None: all) from the daily rows."""
    daily = DailyRollup.objects.filter(client=client)
    monthly = MonthlyRollup.objects.filter(client=client)
    if months is not None:
        months = sorted(set(months))
        if not months:
            return 0
        daily = daily.filter(reduce(or_, (Q(day__gte=m, day__lt=add_months(m, 1)) for m in months)))
        monthly = monthly.filter(month__in=months)
    monthly.delete()
    sums = {name: Sum(name) for name in SUM_FIELDS} | {name: Max(name) for name in MAX_FIELDS}
    rows = (
        daily.annotate(first_day=TruncMonth("day"))
        .values("first_day", *DIMENSIONS)
        .annotate(**sums)
        .order_by()
    )
    MonthlyRollup.objects.bulk_create(
        (MonthlyRollup(client=client, month=row.pop("first_day"), **row) for row in rows),
        batch_size=CHUNK,
    )
    return MonthlyRollup.objects.filter(client=client).count() if months is None else len(months)


@transaction.atomic
def client_days_recompute(*, client: Client, days: Iterable[date]) -> int:
    """Rebuild the roll-up rows and breach entries of `client` on `days`; returns rows written."""
    days = sorted(set(days))
    if not days:
        return 0
    rows, breaches = compute_client(client, _day_ranges(days, client.time_zone))
    DailyRollup.objects.filter(client=client, day__in=days).delete()
    DailyRollup.objects.bulk_create(rows, batch_size=CHUNK)
    BreachEntry.objects.filter(client=client).filter(
        Q(day__in=days) | Q(ticket_id__in=[b.ticket_id for b in breaches])
    ).delete()
    BreachEntry.objects.bulk_create(breaches, batch_size=CHUNK)
    client_months_rewrite(client=client, months={day.replace(day=1) for day in days})
    return len(rows)


@transaction.atomic
def client_rollups_rebuild(*, client: Client) -> int:
    """Recompute every roll-up row of `client` from scratch; returns rows written."""
    rows, breaches = compute_client(client, None)
    DailyRollup.objects.filter(client=client).delete()
    DailyRollup.objects.bulk_create(rows, batch_size=CHUNK)
    BreachEntry.objects.filter(client=client).delete()
    BreachEntry.objects.bulk_create(breaches, batch_size=CHUNK)
    client_months_rewrite(client=client, months=None)
    return len(rows)


def rollups_rebuild(*, now: datetime, clients: Iterable[Client] | None = None) -> int:
    """Rebuild all (or the given) clients' roll-ups. Moves the refresh watermark to `now` when
    every client was rebuilt, so the next refresh only looks at later events."""
    rebuild_all = clients is None
    total = 0
    with transaction.atomic():
        # The refresh task takes the same lock: a rebuild and a refresh never interleave.
        state, _ = RollupState.objects.select_for_update().get_or_create(pk=1)
        for client in Client.objects.order_by("pk") if rebuild_all else clients:
            total += client_rollups_rebuild(client=client)
        if rebuild_all:
            state.events_until = now
            state.save(update_fields=["events_until"])
    return total


def ticket_days(ticket_ids: Iterable[int]) -> dict[int, set[date]]:
    """Per client, the local days whose figures the given tickets contribute to.

    Every day a ticket has an event on (which covers an earlier resolution undone by a reopen),
    its creation day, its resolution day and its clocks' breach and stop days; when its
    category ever changed, also the 7 days after its creation (a later ticket of the same
    requester may have become, or stopped being, a repeat contact).
    """
    ids = sorted(set(ticket_ids))
    moments: dict[int, list[datetime]] = defaultdict(list)
    client_of: dict[int, int] = {}
    created_at: dict[int, datetime] = {}
    for chunk in _chunks(ids):
        for tid, client_id, created, resolved in Ticket.objects.filter(id__in=chunk).values_list(
            "id", "client_id", "created_at", "resolved_at"
        ):
            client_of[tid] = client_id
            created_at[tid] = created
            moments[tid].append(created)
            if resolved:
                moments[tid].append(resolved)
        for tid, at, kind in TicketEvent.objects.filter(ticket_id__in=chunk).values_list(
            "ticket_id", "created_at", "kind"
        ):
            moments[tid].append(at)
            if kind == TicketEvent.Kind.CATEGORY and tid in created_at:
                moments[tid] += [created_at[tid] + timedelta(days=n) for n in range(1, 8)]
        for tid, breached, stopped in SlaClock.objects.filter(ticket_id__in=chunk).values_list(
            "ticket_id", "breached_at", "stopped_at"
        ):
            moments[tid] += [m for m in (breached, stopped) if m]
    zones = dict(
        Client.objects.filter(id__in=set(client_of.values())).values_list("id", "time_zone")
    )
    days: dict[int, set[date]] = defaultdict(set)
    for tid, client_id in client_of.items():
        tz = ZoneInfo(zones[client_id])
        days[client_id].update(m.astimezone(tz).date() for m in moments[tid])
    return days


def tickets_rollups_refresh(*, ticket_ids: Iterable[int]) -> int:
    """Recompute every day the given tickets contribute to; returns rows written."""
    total = 0
    per_client = ticket_days(ticket_ids)
    for client in Client.objects.filter(id__in=per_client.keys()):
        total += client_days_recompute(client=client, days=per_client[client.pk])
    return total


def rollups_refresh(*, now: datetime) -> int:
    """Roll up what changed since the watermark: every ticket with a timeline event since then
    (status, reply, rating, SLA warning/breach, priority or category change). The first run
    rebuilds everything. Returns rows written."""
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(pk=1)
        if state.events_until is None:
            return rollups_rebuild(now=now)
        since = state.events_until - REFRESH_OVERLAP
        ticket_ids = set(
            TicketEvent.objects.filter(created_at__gte=since, created_at__lte=now)
            .values_list("ticket_id", flat=True)
            .distinct()
        )
        written = tickets_rollups_refresh(ticket_ids=ticket_ids)
        state.events_until = max(now, state.events_until)
        state.save(update_fields=["events_until"])
    log.info("roll-ups refreshed for %s tickets (%s rows)", len(ticket_ids), written)
    return written
