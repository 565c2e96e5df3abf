"""Writes for notices: publish, edit, withdraw (staff); seen and acknowledged (end users).

Publishing materialises one receipt per targeted end user: the read rate's denominator and the
email list are the same people. Emails go through the outbox and leave after commit.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from clients.models import Client, Site, User
from itsm.exceptions import ApplicationError
from itsm.tenancy import Role, sees_everything
from sla.models import ServiceTier

from ..models import Notice, NoticeReceipt, NoticeTarget, Severity
from .audience import target_audience
from .emails import notice_email


@dataclass(frozen=True)
class TargetSpec:
    """One client to address; no sites means every site, no tiers every tier."""

    client: Client
    sites: Sequence[Site] = ()
    tiers: Sequence[ServiceTier] = ()


def ensure_can_publish(actor: User, client_ids) -> None:
    """Staff only; an agent addresses only the clients their teams serve."""
    if not actor.is_provider_staff:
        raise PermissionDenied(_("Only the service desk can publish notices."))
    if sees_everything(actor):
        return
    if set(client_ids) - set(actor.served_client_ids()):
        raise PermissionDenied(_("You can only address clients your teams serve."))


def _check_content(*, severity, published_at, expires_at, targets) -> None:
    if severity not in Severity.values:
        raise ApplicationError(_("Choose a severity: information, maintenance or outage."))
    if expires_at is not None and expires_at <= published_at:
        raise ApplicationError(_("A notice must end after it starts."), {"field": "expires_at"})
    if not targets:
        raise ApplicationError(_("Address at least one client."), {"field": "targets"})
    client_ids = [spec.client.pk for spec in targets]
    if len(set(client_ids)) != len(client_ids):
        raise ApplicationError(_("Each client can be addressed only once."))
    for spec in targets:
        if any(site.client_id != spec.client.pk for site in spec.sites):
            raise ApplicationError(
                _("A chosen site does not belong to the client it is listed under."),
                {"field": "sites"},
            )


def _write_targets(notice: Notice, targets: Sequence[TargetSpec]) -> None:
    existing = {t.client_id: t for t in NoticeTarget.objects.filter(notice=notice)}
    wanted = {spec.client.pk for spec in targets}
    NoticeTarget.objects.filter(notice=notice).exclude(client_id__in=wanted).delete()
    for spec in targets:
        target = existing.get(spec.client.pk) or NoticeTarget.objects.create(
            notice=notice, client=spec.client
        )
        target.sites.set(spec.sites)
        target.tiers.set(spec.tiers)


def _sync_receipts(notice: Notice, *, now: datetime) -> None:
    """Receipts for exactly the current audience; a person no longer addressed keeps a
    receipt only if they had already seen the notice (what they read stays on record)."""
    audience: dict[int, User] = {}
    for target in NoticeTarget.objects.filter(notice=notice).prefetch_related("sites", "tiers"):
        audience.update({person.pk: person for person in target_audience(target)})
    NoticeReceipt.objects.filter(notice=notice, seen_at__isnull=True).exclude(
        user_id__in=list(audience)
    ).delete()
    NoticeReceipt.objects.bulk_create(
        [
            NoticeReceipt(notice=notice, client_id=person.client_id, user=person)
            for person in audience.values()
        ],
        ignore_conflicts=True,
    )
    if not notice.email_targets or notice.withdrawn_at is not None:
        return
    unmailed = NoticeReceipt.objects.filter(
        notice=notice, emailed_at__isnull=True, user_id__in=list(audience)
    ).select_for_update()
    mailed = [r.pk for r in unmailed if notice_email(person=audience[r.user_id], notice=notice)]
    NoticeReceipt.objects.filter(pk__in=mailed).update(emailed_at=now)


@transaction.atomic
def notice_create(
    *,
    actor: User,
    title: str,
    body: str,
    severity: str,
    published_at: datetime,
    expires_at: datetime | None,
    targets: Sequence[TargetSpec],
    requires_ack: bool = False,
    email_targets: bool = False,
    now: datetime,
) -> Notice:
    """Publish a notice. Creates a receipt per targeted end user; with `email_targets` each of
    them gets the notice by email in their language after commit."""
    ensure_can_publish(actor, [spec.client.pk for spec in targets])
    _check_content(
        severity=severity, published_at=published_at, expires_at=expires_at, targets=targets
    )
    notice = Notice(
        title=title,
        body=body,
        severity=severity,
        requires_ack=requires_ack,
        published_at=published_at,
        expires_at=expires_at,
        email_targets=email_targets,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    notice.full_clean()
    notice.save()
    _write_targets(notice, targets)
    _sync_receipts(notice, now=now)
    return notice


def _locked(notice: Notice) -> Notice:
    return Notice.objects.select_for_update().get(pk=notice.pk)


def _target_client_ids(notice: Notice) -> list[int]:
    return list(NoticeTarget.objects.filter(notice=notice).values_list("client_id", flat=True))


@transaction.atomic
def notice_update(
    *,
    actor: User,
    notice: Notice,
    title: str,
    body: str,
    severity: str,
    published_at: datetime,
    expires_at: datetime | None,
    targets: Sequence[TargetSpec],
    requires_ack: bool = False,
    email_targets: bool = False,
    now: datetime,
) -> Notice:
    """Edit a notice and its targets. The actor must be allowed to address the clients it had
    and the clients it gets. Receipts follow the new audience; newly reached people are mailed
    if the notice is mailed."""
    notice = _locked(notice)
    ensure_can_publish(actor, _target_client_ids(notice) + [spec.client.pk for spec in targets])
    if notice.withdrawn_at is not None:
        raise ApplicationError(_("This notice was withdrawn and can no longer be edited."))
    _check_content(
        severity=severity, published_at=published_at, expires_at=expires_at, targets=targets
    )
    notice.title, notice.body, notice.severity = title, body, severity
    notice.requires_ack, notice.email_targets = requires_ack, email_targets
    notice.published_at, notice.expires_at = published_at, expires_at
    notice.updated_at, notice.updated_by = now, actor
    notice.full_clean()
    notice.save()
    _write_targets(notice, targets)
    _sync_receipts(notice, now=now)
    return notice


@transaction.atomic
def notice_withdraw(*, actor: User, notice: Notice, now: datetime) -> Notice:
    """Take a notice off the portal at once; its receipts stay. Withdrawing twice is a no-op."""
    notice = _locked(notice)
    ensure_can_publish(actor, _target_client_ids(notice))
    if notice.withdrawn_at is None:
        notice.withdrawn_at, notice.withdrawn_by = now, actor
        notice.updated_at, notice.updated_by = now, actor
        notice.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at", "updated_by"])
    return notice


def _current_ids_for(actor: User, notices, now: datetime) -> list[int]:
    ids = [n.pk for n in notices]
    if not ids or actor.role != Role.END_USER:
        return []
    return list(Notice.objects.for_role(actor, now).filter(pk__in=ids).values_list("pk", flat=True))


@transaction.atomic
def notices_mark_seen(*, actor: User, notices, now: datetime) -> dict[int, NoticeReceipt]:
    """Record that an end user saw these notices (first sight counts), in a constant number of
    queries however many are shown. Only notices currently aimed at the actor are recorded;
    a person who joined after publishing gets their receipt now. Returns receipts by notice id.
    """
    ids = _current_ids_for(actor, notices, now)
    if not ids:
        return {}
    receipts = {r.notice_id: r for r in NoticeReceipt.objects.filter(user=actor, notice_id__in=ids)}
    missing = [
        NoticeReceipt(notice_id=pk, client_id=actor.client_id, user=actor, seen_at=now)
        for pk in ids
        if pk not in receipts
    ]
    if missing:
        # A concurrent first sight may win the insert; either instant is a true first sight.
        NoticeReceipt.objects.bulk_create(missing, ignore_conflicts=True)
        receipts.update({r.notice_id: r for r in missing})
    unseen = [r for r in receipts.values() if r.seen_at is None]
    if unseen:
        NoticeReceipt.objects.filter(pk__in=[r.pk for r in unseen], seen_at__isnull=True).update(
            seen_at=now
        )
        for receipt in unseen:
            receipt.seen_at = now
    return receipts


@transaction.atomic
def notice_acknowledge(*, actor: User, notice: Notice, now: datetime) -> NoticeReceipt:
    """An end user confirms an important notice ('Got it'); the first confirmation counts."""
    if actor.role != Role.END_USER:
        raise PermissionDenied(_("Only the people a notice is addressed to can acknowledge it."))
    if not _current_ids_for(actor, [notice], now):
        raise ApplicationError(_("This notice is no longer shown."), {"code": "not_current"})
    if not notice.needs_ack:
        raise ApplicationError(_("This notice does not ask for acknowledgement."))
    receipt, _created = NoticeReceipt.objects.select_for_update().get_or_create(
        notice=notice, user=actor, defaults={"client_id": actor.client_id, "seen_at": now}
    )
    if receipt.acknowledged_at is None:
        receipt.seen_at = receipt.seen_at or now
        receipt.acknowledged_at = now
        receipt.save(update_fields=["seen_at", "acknowledged_at"])
    return receipt
