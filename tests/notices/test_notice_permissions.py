"""Who may publish, edit and withdraw: staff only; an agent only for clients they serve."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from reports.models import Notice
from reports.notices.services import TargetSpec, notice_update, notice_withdraw

from .conftest import NOW, publish

pytestmark = pytest.mark.django_db


def test_agent_cannot_target_an_unserved_client(agent_a, client_a, client_b):
    with pytest.raises(PermissionDenied, match="clients your teams serve"):
        publish(agent_a, [client_a, client_b])
    assert not Notice.objects.exists()


def test_agent_targets_a_served_client(agent_a, client_a, user_a1):
    notice = publish(agent_a, [client_a])
    assert notice.receipts.get().user == user_a1


@pytest.mark.parametrize("who", ["manager_a", "user_a1"])
def test_client_side_people_cannot_publish(request, who, client_a):
    with pytest.raises(PermissionDenied):
        publish(request.getfixturevalue(who), [client_a])


def test_a_site_must_belong_to_its_client(admin_user, client_a, site_b):
    from itsm.exceptions import ApplicationError

    with pytest.raises(ApplicationError, match="does not belong"):
        publish(admin_user, [TargetSpec(client=client_a, sites=[site_b])])


def test_agent_cannot_edit_or_withdraw_a_notice_reaching_an_unserved_client(
    admin_user, agent_a, client_a, client_b
):
    notice = publish(admin_user, [client_a, client_b])
    with pytest.raises(PermissionDenied):
        notice_withdraw(actor=agent_a, notice=notice, now=NOW)
    with pytest.raises(PermissionDenied):
        notice_update(
            actor=agent_a,
            notice=notice,
            title="x",
            body="y",
            severity="info",
            published_at=notice.published_at,
            expires_at=None,
            targets=[TargetSpec(client=client_a)],
            now=NOW,
        )
    notice.refresh_from_db()
    assert notice.withdrawn_at is None and notice.targets.count() == 2


def form_data(**fields):
    data = {
        "title": "网络割接 / Network cut-over",
        "body": "Saturday night.",
        "severity": "maintenance",
        "published_at": "2026-11-29T08:00",
        "expires_at": "2026-12-01T08:00",
    }
    data.update(fields)
    return data


def test_agent_publishes_on_the_staff_page(login, agent_a, client_a, user_a1):
    web = login(agent_a)
    assert web.get(reverse("notices:notice-create")).status_code == 200
    response = web.post(reverse("notices:notice-create"), form_data(clients=[client_a.pk]))
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("notices:notice-detail", args=[notice.pk])
    assert notice.created_by == agent_a and notice.receipts.get().user == user_a1


def test_staff_page_refuses_an_unserved_client_and_keeps_the_input(
    login, agent_a, client_a, client_b
):
    response = login(agent_a).post(
        reverse("notices:notice-create"), form_data(clients=[client_a.pk, client_b.pk])
    )
    assert response.status_code == 400
    assert "网络割接 / Network cut-over" in response.content.decode()
    assert not Notice.objects.exists()


def test_staff_page_refuses_a_period_that_ends_before_it_starts(login, admin_user, client_a):
    response = login(admin_user).post(
        reverse("notices:notice-create"),
        form_data(clients=[client_a.pk], expires_at="2026-11-28T08:00"),
    )
    assert response.status_code == 400
    assert "must end after it starts" in response.content.decode()


def test_staff_page_refuses_a_site_of_an_unchosen_client(login, admin_user, client_a, site_b):
    response = login(admin_user).post(
        reverse("notices:notice-create"), form_data(clients=[client_a.pk], sites=[site_b.pk])
    )
    assert response.status_code == 400
    assert not Notice.objects.exists()


@pytest.mark.parametrize("who", ["manager_a", "user_a1"])
def test_client_side_people_get_no_editor(request, login, who, admin_user, client_a):
    notice = publish(admin_user, [client_a])
    web = login(request.getfixturevalue(who))
    assert web.get(reverse("notices:notice-create")).status_code == 403
    assert web.get(reverse("notices:notice-edit", args=[notice.pk])).status_code == 403
    assert web.post(reverse("notices:notice-withdraw", args=[notice.pk])).status_code == 403
    notice.refresh_from_db()
    assert notice.withdrawn_at is None


def test_edit_and_withdraw_on_the_staff_page(login, admin_user, client_a, client_b, site_a):
    notice = publish(admin_user, [client_a])
    web = login(admin_user)
    page = web.get(reverse("notices:notice-edit", args=[notice.pk])).content.decode()
    assert notice.title in page
    response = web.post(
        reverse("notices:notice-edit", args=[notice.pk]),
        form_data(clients=[client_a.pk, client_b.pk], sites=[site_a.pk], severity="outage"),
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.severity == "outage" and notice.updated_by == admin_user
    targets = {t.client_id: list(t.sites.all()) for t in notice.targets.all()}
    assert targets == {client_a.pk: [site_a], client_b.pk: []}
    web.post(reverse("notices:notice-withdraw", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.withdrawn_by == admin_user
    response = web.post(
        reverse("notices:notice-edit", args=[notice.pk]), form_data(clients=[client_a.pk])
    )
    assert response.status_code == 400 and "withdrawn" in response.content.decode()


def test_agent_gets_403_editing_a_notice_that_reaches_an_unserved_client(
    login, admin_user, agent_a, client_a, client_b
):
    notice = publish(admin_user, [client_a, client_b])
    web = login(agent_a)
    page = web.get(reverse("notices:notice-detail", args=[notice.pk])).content.decode()
    assert client_b.name not in page and "withdraw" not in page
    assert web.get(reverse("notices:notice-edit", args=[notice.pk])).status_code == 403
    assert web.post(reverse("notices:notice-withdraw", args=[notice.pk])).status_code == 403
