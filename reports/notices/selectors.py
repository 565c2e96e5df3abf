"""Reads for notices, all through visible_to: a client's people see their client's part only."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count
from django.http import Http404

from clients.models import Client, Site, User
from itsm.tenancy import sees_everything
from sla.models import ServiceTier

from ..models import Notice, NoticeReceipt, NoticeTarget


@dataclass
class ReadRate:
    client_id: int
    client_name: str
    targeted: int = 0
    seen: int = 0
    acknowledged: int = 0

    @property
    def seen_percent(self) -> int | None:
        return round(100 * self.seen / self.targeted) if self.targeted else None

    @property
    def acknowledged_percent(self) -> int | None:
        return round(100 * self.acknowledged / self.targeted) if self.targeted else None


@dataclass
class NoticeSummary:
    """A notice with what the viewer may see of its targets and read rates."""

    notice: Notice
    targets: list[NoticeTarget] = field(default_factory=list)
    rates: list[ReadRate] = field(default_factory=list)
    can_manage: bool = False


def notice_list_for(*, user: User, now: datetime):
    """Notices the user may see, newest first; end users only those valid now."""
    return Notice.objects.for_role(user, now).order_by("-published_at", "-id")


def notice_get_for(*, user: User, notice_id: int, now: datetime) -> Notice:
    try:
        return Notice.objects.for_role(user, now).get(pk=notice_id)
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def notice_feed_for(*, user: User, now: datetime, limit: int = 5) -> list[Notice]:
    """The portal home's notices: valid now and aimed at this end user, newest first."""
    return list(notice_list_for(user=user, now=now)[:limit])


def notice_summaries(*, user: User, notices) -> list[NoticeSummary]:
    """Targets and per-client read rates of a page of notices in three queries (plus the
    two of the targets' sites and tiers), whatever the page size."""
    notices = list(notices)
    ids = [n.pk for n in notices]
    summaries = {n.pk: NoticeSummary(notice=n) for n in notices}
    targets = (
        NoticeTarget.objects.visible_to(user)
        .filter(notice_id__in=ids)
        .select_related("client")
        .prefetch_related("sites", "tiers")
        .order_by("client__name")
    )
    for target in targets:
        summaries[target.notice_id].targets.append(target)
    rates = (
        NoticeReceipt.objects.visible_to(user)
        .filter(notice_id__in=ids)
        .values("notice_id", "client_id", "client__name")
        .annotate(
            targeted=Count("pk"), seen=Count("seen_at"), acknowledged=Count("acknowledged_at")
        )
        .order_by("client__name")
    )
    by_notice = defaultdict(dict)
    for row in rates:
        by_notice[row["notice_id"]][row["client_id"]] = ReadRate(
            client_id=row["client_id"],
            client_name=row["client__name"],
            targeted=row["targeted"],
            seen=row["seen"],
            acknowledged=row["acknowledged"],
        )
    manageable = _manageable_ids(user, ids)
    for pk, summary in summaries.items():
        # A targeted client nobody in which is reached yet still shows, with zeros.
        found = by_notice[pk]
        summary.rates = [
            found.get(t.client_id) or ReadRate(client_id=t.client_id, client_name=t.client.name)
            for t in summary.targets
        ]
        summary.can_manage = pk in manageable
    return [summaries[n.pk] for n in notices]


def _manageable_ids(user: User, ids) -> set[int]:
    """Notices this staff member may edit: an agent only those whose every client they serve."""
    if not user.is_provider_staff:
        return set()
    if sees_everything(user):
        return set(ids)
    unserved = (
        NoticeTarget.objects.filter(notice_id__in=ids)
        .exclude(client_id__in=user.served_client_ids())
        .values_list("notice_id", flat=True)
    )
    return set(ids) - set(unserved)


def receipt_list_for(*, user: User, notice: Notice):
    """Who was addressed and what they did; end users see only their own receipt."""
    return (
        NoticeReceipt.objects.visible_to(user)
        .filter(notice=notice)
        .select_related("client", "user__site")
        .order_by("client__name", "user__site__name", "user__username")
    )


def receipts_of(*, user: User, notices) -> dict[int, NoticeReceipt]:
    ids = [n.pk for n in notices]
    rows = NoticeReceipt.objects.visible_to(user).filter(user_id=user.pk, notice_id__in=ids)
    return {r.notice_id: r for r in rows}


def publishable_clients_for(*, user: User):
    return Client.objects.visible_to(user).active().order_by("name")


def publishable_sites_for(*, user: User):
    return (
        Site.objects.visible_to(user)
        .active()
        .select_related("client")
        .order_by("client__name", "name")
    )


def service_tiers():
    return ServiceTier.objects.order_by("rank", "name")
