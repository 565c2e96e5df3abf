"""A notice reaches exactly its targets (client, site, tier, validity) and no one else:
receipts, the portal and the API all agree, and only the targets are mailed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from reports.models import NoticeReceipt
from reports.notices.selectors import notice_list_for
from reports.notices.services import TargetSpec, notice_update, notice_withdraw

from .conftest import NOW, publish

pytestmark = pytest.mark.django_db

EVERYONE = ["user_a1", "user_a2", "vip_a2", "user_b1", "gone_a", "mgr_a"]


def receipt_holders(notice) -> set[str]:
    return set(NoticeReceipt.objects.filter(notice=notice).values_list("user__username", flat=True))


def portal_readers(people, notice, now=NOW) -> set[str]:
    return {
        name
        for name, person in people.items()
        if person.role == "end_user"
        and person.is_active
        and notice_list_for(user=person, now=now).filter(pk=notice.pk).exists()
    }


def cases(client_a, client_b, site_a, site_a2, gold):
    return {
        "one client": ([TargetSpec(client=client_a)], {"user_a1", "user_a2", "vip_a2"}),
        "two clients": (
            [TargetSpec(client=client_a), TargetSpec(client=client_b)],
            {"user_a1", "user_a2", "vip_a2", "user_b1"},
        ),
        "one site": ([TargetSpec(client=client_a, sites=[site_a2])], {"user_a2", "vip_a2"}),
        "gold tier": ([TargetSpec(client=client_a, tiers=[gold])], {"user_a1", "vip_a2"}),
        "site and tier": (
            [TargetSpec(client=client_a, sites=[site_a2], tiers=[gold])],
            {"vip_a2"},
        ),
        "gold in A, all of B": (
            [TargetSpec(client=client_a, tiers=[gold]), TargetSpec(client=client_b)],
            {"user_a1", "vip_a2", "user_b1"},
        ),
    }


@pytest.mark.parametrize(
    "case",
    ["one client", "two clients", "one site", "gold tier", "site and tier", "gold in A, all of B"],
)
def test_targeting_reaches_exactly_the_right_people(
    case, people, admin_user, client_a, client_b, site_a, site_a2, gold, committed
):
    targets, expected = cases(client_a, client_b, site_a, site_a2, gold)[case]
    with committed(execute=True):
        notice = publish(admin_user, targets, email_targets=True)
    assert receipt_holders(notice) == expected
    assert portal_readers(people, notice) == expected
    mailed = {m.to[0].split("@")[0] for m in mail.outbox}
    assert mailed == expected


def test_portal_home_shows_only_notices_aimed_at_the_person(
    people, admin_user, client_a, site_a2, login
):
    aimed = publish(admin_user, [TargetSpec(client=client_a, sites=[site_a2])], title="For A2")
    other = publish(admin_user, [TargetSpec(client=client_a)], title="For all of A")
    page = login(people["user_a1"]).get(reverse("portal:home")).content.decode()
    assert other.title in page and aimed.title not in page
    page = login(people["user_a2"]).get(reverse("portal:home")).content.decode()
    assert other.title in page and aimed.title in page
    page = login(people["user_b1"]).get(reverse("portal:home")).content.decode()
    assert other.title not in page and aimed.title not in page


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        (-2, -1, False),  # over
        (1, 2, False),  # not yet
        (-1, 1, True),
        (-1, None, True),  # open-ended
    ],
)
def test_end_users_see_a_notice_only_within_its_validity(
    people, admin_user, client_a, start, end, shown
):
    notice = publish(
        admin_user,
        [client_a],
        published_at=NOW + timedelta(days=start),
        expires_at=None if end is None else NOW + timedelta(days=end),
    )
    assert ("user_a1" in portal_readers(people, notice)) is shown
    # The client's manager keeps the history either way.
    assert notice_list_for(user=people["mgr_a"], now=NOW).filter(pk=notice.pk).exists()


def test_withdrawn_notice_disappears_from_the_portal_and_keeps_its_receipts(
    people, admin_user, client_a
):
    notice = publish(admin_user, [client_a])
    notice_withdraw(actor=admin_user, notice=notice, now=NOW)
    assert portal_readers(people, notice) == set()
    assert receipt_holders(notice) == {"user_a1", "user_a2", "vip_a2"}


def test_retargeting_follows_the_new_audience_and_mails_only_newcomers(
    people, admin_user, client_a, client_b, site_a, committed
):
    with committed(execute=True):
        notice = publish(
            admin_user, [TargetSpec(client=client_a, sites=[site_a])], email_targets=True
        )
    assert [m.to for m in mail.outbox] == [[people["user_a1"].email]]
    mail.outbox.clear()
    with committed(execute=True):
        notice_update(
            actor=admin_user,
            notice=notice,
            title=notice.title,
            body=notice.body,
            severity=notice.severity,
            published_at=notice.published_at,
            expires_at=notice.expires_at,
            email_targets=True,
            targets=[TargetSpec(client=client_b)],
            now=NOW,
        )
    assert receipt_holders(notice) == {"user_b1"}
    assert [m.to for m in mail.outbox] == [[people["user_b1"].email]]


def test_someone_who_joins_a_targeted_site_later_sees_it_and_gets_a_receipt(
    people, admin_user, client_a, site_a, login
):
    from tests.factories import make_user

    notice = publish(admin_user, [TargetSpec(client=client_a, sites=[site_a])])
    newcomer = make_user(client=client_a, site=site_a, username="newcomer")
    page = login(newcomer).get(reverse("portal:home")).content.decode()
    assert notice.title in page
    assert NoticeReceipt.objects.get(notice=notice, user=newcomer).seen_at is not None


def test_email_is_in_each_recipients_language(people, admin_user, client_a, site_a2, committed):
    with committed(execute=True):
        publish(
            admin_user,
            [TargetSpec(client=client_a, sites=[site_a2])],
            email_targets=True,
            severity="outage",
        )
    by_person = {m.to[0].split("@")[0]: m for m in mail.outbox}
    assert set(by_person) == {"user_a2", "vip_a2"}
    assert by_person["user_a2"].subject.startswith("[Outage]")
    assert by_person["vip_a2"].subject.startswith("[故障]")
    assert "Please confirm" in by_person["user_a2"].body
    assert "/notices/" in by_person["vip_a2"].body


def test_no_email_unless_asked(people, admin_user, client_a, committed):
    with committed(execute=True):
        publish(admin_user, [client_a], email_targets=False)
    assert mail.outbox == []


def test_email_leaves_only_after_commit(people, admin_user, client_a, committed):
    with committed(execute=False) as callbacks:
        publish(admin_user, [client_a], email_targets=True)
        assert mail.outbox == []
    assert len(callbacks) == 3 and mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 3
