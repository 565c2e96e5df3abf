"""The triage pages: who sees which rows, and assign / invite / discard through the services."""

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Invitation
from intake.models import ClientEmailDomain, InboundEmail
from intake.services import intake_message

pytestmark = pytest.mark.django_db


def arrive(sender: str, subject: str = "Need help 需要帮助") -> InboundEmail:
    raw = f"From: {sender}\r\nSubject: {subject}\r\n\r\nThe body text.\r\n".encode()
    return intake_message(raw=raw, now=timezone.now())


@pytest.fixture
def stranger_row(db):
    return arrive("stranger@nowhere.example", "stranger subject")


@pytest.fixture
def domain_row_a(client_a):
    ClientEmailDomain.objects.create(client=client_a, domain="huaxin.example.cn")
    return arrive("new@huaxin.example.cn", "client A domain subject")


def test_agents_see_their_clients_rows_and_unassigned_ones(
    login, agent_a, agent_b, stranger_row, domain_row_a
):
    page = login(agent_b).get(reverse("intake:inbound-list")).content.decode()
    assert "stranger subject" in page and "client A domain subject" not in page
    page = login(agent_a).get(reverse("intake:inbound-list")).content.decode()
    assert "stranger subject" in page and "client A domain subject" in page
    url = reverse("intake:inbound-detail", args=[domain_row_a.pk])
    assert login(agent_b).get(url).status_code == 404
    assert login(agent_b).post(url, {"action": "discard"}).status_code == 404
    domain_row_a.refresh_from_db()
    assert domain_row_a.status == "triage"


@pytest.mark.parametrize("who", ["user_a1", "manager_a"])
def test_client_side_people_never_see_raw_mail(request, login, who, domain_row_a):
    web = login(request.getfixturevalue(who))
    assert web.get(reverse("intake:inbound-list")).status_code == 403
    url = reverse("intake:inbound-detail", args=[domain_row_a.pk])
    assert web.get(url).status_code == 403


def test_detail_shows_headers_and_text(login, agent_a, domain_row_a):
    page = login(agent_a).get(reverse("intake:inbound-detail", args=[domain_row_a.pk]))
    body = page.content.decode()
    assert "From: new@huaxin.example.cn" in body and "The body text." in body


def test_assign_creates_the_ticket_by_email(login, agent_a, user_a1, stranger_row):
    url = reverse("intake:inbound-detail", args=[stranger_row.pk])
    response = login(agent_a).post(url, {"action": "assign", "requester": user_a1.email.upper()})
    assert response.status_code == 302
    stranger_row.refresh_from_db()
    ticket = stranger_row.ticket
    assert stranger_row.status == "ticket" and stranger_row.handled_by == agent_a
    assert ticket.requester == user_a1 and ticket.channel == "email"
    assert ticket.created_by == agent_a and ticket.description == "The body text."
    # Handled once: a second assignment is refused, not a second ticket.
    again = login(agent_a).post(url, {"action": "assign", "requester": user_a1.username})
    assert again.status_code == 400


def test_assign_refuses_a_requester_of_a_client_not_served(login, agent_b, user_a1, stranger_row):
    url = reverse("intake:inbound-detail", args=[stranger_row.pk])
    response = login(agent_b).post(url, {"action": "assign", "requester": user_a1.email})
    assert response.status_code == 400
    stranger_row.refresh_from_db()
    assert stranger_row.status == "triage" and stranger_row.ticket is None


def test_discard(login, agent_a, stranger_row):
    url = reverse("intake:inbound-detail", args=[stranger_row.pk])
    assert login(agent_a).post(url, {"action": "discard"}).status_code == 302
    stranger_row.refresh_from_db()
    assert stranger_row.status == "discarded"


def test_admin_invites_an_unknown_sender_of_a_client_domain(
    login, admin_user, agent_a, domain_row_a
):
    url = reverse("intake:inbound-detail", args=[domain_row_a.pk])
    # Agents may not invite (clients.services.ensure_can_invite): told so, nothing created.
    assert login(agent_a).post(url, {"action": "invite"}).status_code == 400
    assert not Invitation.objects.exists()
    assert login(admin_user).post(url, {"action": "invite"}).status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "new@huaxin.example.cn" and invitation.client == domain_row_a.client


def test_triage_list_queries_do_not_grow_with_rows(login, agent_a, user_a1, client_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ClientEmailDomain.objects.create(client=client_a, domain="huaxin.example.cn")
    web = login(agent_a)
    url = reverse("intake:inbound-list") + "?status=all"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert web.get(url).status_code == 200
        return len(queries)

    for i in range(2):
        arrive(f"p{i}@huaxin.example.cn")
        arrive(user_a1.email, f"ticket {i}")
    small = count()
    for i in range(2, 30):
        arrive(f"p{i}@huaxin.example.cn")
        arrive(user_a1.email, f"ticket {i}")
    assert count() == small


def test_raw_mail_is_invisible_to_client_side_people_even_of_its_client(
    user_a1, manager_a, agent_a, domain_row_a
):
    assert domain_row_a.client == manager_a.client
    for person in (user_a1, manager_a):
        assert not InboundEmail.objects.visible_to(person).exists()
    assert InboundEmail.objects.visible_to(agent_a).get() == domain_row_a


def test_admin_adding_a_domain_already_known_in_another_spelling_is_refused(
    client, admin_user, client_a, client_b
):
    ClientEmailDomain.objects.create(client=client_a, domain="huaxin.example.cn")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:intake_clientemaildomain_add"),
        {"client": client_b.pk, "domain": "@HuaXin.Example.cn"},
    )
    assert response.status_code == 200  # the form again with the error, not a 500
    assert ClientEmailDomain.objects.count() == 1
