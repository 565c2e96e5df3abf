"""seed_demo creates the demo world once; a second run creates nothing."""

import pytest
from django.core.management import CommandError, call_command

from clients.models import Client, Site, Team, User
from notifications.models import Notification
from reports.complaints.models import Complaint
from reports.satisfaction.models import FollowUp, SurveyRound
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

ACCOUNTS = {"admin", "agent1", "agent2", "manager_a", "user_a1", "user_a2", "manager_b", "user_b1"}


def counts():
    models = (Client, Site, Team, User, Ticket, Complaint, FollowUp, SurveyRound, Notification)
    return [m.objects.count() for m in models]


def test_seed_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--password", "pw-For-Demo-1")
    first = counts()
    call_command("seed_demo", "--password", "pw-For-Demo-1")
    assert counts() == first
    assert set(User.objects.values_list("username", flat=True)) == ACCOUNTS
    assert Client.objects.count() == 2 and all(c.sites.count() >= 2 for c in Client.objects.all())
    assert User.objects.get(username="user_a1").check_password("pw-For-Demo-1")
    assert len(set(Ticket.objects.values_list("status", flat=True))) >= 3
    sources = list(Complaint.objects.values_list("source", flat=True))
    assert sources.count("direct") >= 2 and sources.count("via_client") >= 2
    assert len(set(Complaint.objects.values_list("status", flat=True))) >= 3
    # Satisfaction: a low rating with its follow-up, and this period's survey for each client.
    assert FollowUp.objects.filter(rating__score__lte=2).count() == 1
    assert SurveyRound.objects.count() == 2
    # The demo tickets told their serving team: agent1 opens to a bell with unread notifications.
    agent1 = User.objects.get(username="agent1")
    assert Notification.objects.filter(recipient=agent1, read_at__isnull=True).count() >= 3
    # Everyone is shown by a person's name, never "坐席1" or a username.
    for person in User.objects.all():
        name = person.display_name
        assert name != person.username and not any(ch.isdigit() for ch in name), name
        assert "坐席" not in name


def test_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert User.objects.count() == 0
