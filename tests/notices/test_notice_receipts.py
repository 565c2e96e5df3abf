"""Read receipts: the portal records who saw a notice, important ones need “Got it”; the client
manager sees their client's read rate only, provider staff the rate per client."""

import pytest
from django.urls import reverse

from itsm.exceptions import ApplicationError
from reports.models import NoticeReceipt
from reports.notices.services import notice_acknowledge, notices_mark_seen

from .conftest import NOW, publish

pytestmark = pytest.mark.django_db


def receipt(notice, user):
    return NoticeReceipt.objects.get(notice=notice, user=user)


def test_opening_the_portal_home_records_seen_once(login, admin_user, client_a, user_a1, user_a2):
    notice = publish(admin_user, [client_a])
    web = login(user_a1)
    web.get(reverse("portal:home"))
    first = receipt(notice, user_a1).seen_at
    assert first is not None
    web.get(reverse("portal:home"))
    assert receipt(notice, user_a1).seen_at == first
    assert receipt(notice, user_a2).seen_at is None  # has not opened the portal


def test_the_notice_page_records_seen(login, admin_user, client_a, user_a1):
    notice = publish(admin_user, [client_a])
    response = login(user_a1).get(reverse("notices:notice-detail", args=[notice.pk]))
    assert response.status_code == 200 and notice.title in response.content.decode()
    assert receipt(notice, user_a1).seen_at is not None


def test_staff_and_managers_reading_a_notice_are_not_counted(
    login, admin_user, client_a, manager_a, user_a1
):
    notice = publish(admin_user, [client_a])
    login(manager_a).get(reverse("notices:notice-detail", args=[notice.pk]))
    login(admin_user).get(reverse("notices:notice-detail", args=[notice.pk]))
    assert list(notice.receipts.values_list("user_id", "seen_at")) == [(user_a1.pk, None)]


def test_outage_needs_got_it_and_the_first_confirmation_counts(
    login, admin_user, client_a, user_a1
):
    notice = publish(admin_user, [client_a], severity="outage")
    web = login(user_a1)
    page = web.get(reverse("portal:home")).content.decode()
    assert "Got it" in page
    url = reverse("notices:notice-acknowledge", args=[notice.pk])
    response = web.post(url, {"next": reverse("portal:home")})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    first = receipt(notice, user_a1).acknowledged_at
    assert first is not None
    web.post(url)
    assert receipt(notice, user_a1).acknowledged_at == first
    assert "Got it" not in web.get(reverse("portal:home")).content.decode()


def test_information_notice_has_no_got_it_unless_flagged(login, admin_user, client_a, user_a1):
    plain = publish(admin_user, [client_a], severity="info", title="Plain")
    flagged = publish(admin_user, [client_a], severity="info", requires_ack=True, title="Flag")
    page = login(user_a1).get(reverse("portal:home")).content.decode()
    assert page.count("Got it") == 1
    with pytest.raises(ApplicationError, match="does not ask"):
        notice_acknowledge(actor=user_a1, notice=plain, now=NOW)
    assert notice_acknowledge(actor=user_a1, notice=flagged, now=NOW).acknowledged_at == NOW


def test_acknowledge_redirects_only_to_this_site(login, admin_user, client_a, user_a1):
    notice = publish(admin_user, [client_a], severity="outage")
    response = login(user_a1).post(
        reverse("notices:notice-acknowledge", args=[notice.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("notices:notice-detail", args=[notice.pk])


def test_people_not_targeted_cannot_mark_seen_or_acknowledge(admin_user, client_a, site_a, user_a2):
    from reports.notices.services import TargetSpec

    notice = publish(admin_user, [TargetSpec(client=client_a, sites=[site_a])], severity="outage")
    assert notices_mark_seen(actor=user_a2, notices=[notice], now=NOW) == {}
    with pytest.raises(ApplicationError):
        notice_acknowledge(actor=user_a2, notice=notice, now=NOW)
    assert not NoticeReceipt.objects.filter(user=user_a2).exists()


def seen_and_acked(admin_user, client_a, client_b, user_a1, user_b1):
    notice = publish(admin_user, [client_a, client_b], severity="outage", title="双客户停电")
    notice_acknowledge(actor=user_a1, notice=notice, now=NOW)
    notices_mark_seen(actor=user_b1, notices=[notice], now=NOW)
    return notice


def test_manager_sees_only_their_clients_part_of_a_multi_client_notice(
    login, admin_user, client_a, client_b, user_a1, user_a2, user_b1, manager_a
):
    notice = seen_and_acked(admin_user, client_a, client_b, user_a1, user_b1)
    web = login(manager_a)
    for url in [
        reverse("notices:notice-list"),
        reverse("notices:notice-detail", args=[notice.pk]),
        reverse("notices:notice-receipts", args=[notice.pk]),
    ]:
        page = web.get(url).content.decode()
        assert notice.title in page
        assert client_b.name not in page and user_b1.display_name not in page, url
    list_page = web.get(reverse("notices:notice-list")).content.decode()
    assert f"{client_a.name}: 1/2 seen, 1 acknowledged" in list_page
    receipts = web.get(reverse("notices:notice-receipts", args=[notice.pk])).content.decode()
    assert user_a1.display_name in receipts and user_a2.display_name in receipts


def test_staff_see_the_read_rate_per_client(
    login, admin_user, client_a, client_b, user_a1, user_a2, user_b1
):
    notice = seen_and_acked(admin_user, client_a, client_b, user_a1, user_b1)
    page = login(admin_user).get(reverse("notices:notice-list")).content.decode()
    assert f"{client_a.name}: 1/2 seen, 1 acknowledged" in page
    assert f"{client_b.name}: 1/1 seen, 0 acknowledged" in page
    receipts = login(admin_user).get(reverse("notices:notice-receipts", args=[notice.pk]))
    assert user_b1.display_name in receipts.content.decode()


def test_agent_sees_the_rates_of_served_clients_only(
    login, admin_user, agent_a, client_a, client_b, user_a1, user_a2, user_b1
):
    seen_and_acked(admin_user, client_a, client_b, user_a1, user_b1)
    page = login(agent_a).get(reverse("notices:notice-list")).content.decode()
    assert f"{client_a.name}: 1/2 seen" in page and client_b.name not in page


def test_end_users_are_sent_home_from_the_staff_list(login, user_a1):
    response = login(user_a1).get(reverse("notices:notice-list"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
