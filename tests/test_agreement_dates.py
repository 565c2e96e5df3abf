"""Agreement periods are dates at the client's offices, not at the server: near midnight the
client's zone decides whether a service is covered (one rule: ServiceAgreement.covers)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from clients.models import ServiceAgreement
from itsm.exceptions import ApplicationError
from tickets import services

from .factories import make_category, make_client, make_site, make_ticket, make_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def setup(settings):
    settings.TIME_ZONE = "Asia/Shanghai"  # the server's zone
    client = make_client(time_zone="America/Los_Angeles")
    site = make_site(client=client)
    user = make_user(client=client, site=site)
    category = make_category("network")
    return client, user, category


def agreement(client, category, start, end=None):
    found = ServiceAgreement.objects.create(
        client=client, name="Contract", start_date=start, end_date=end
    )
    found.categories.set([category])
    return found


# 00:30 on 1 March in Shanghai is still 28 February (08:30) in Los Angeles.
JUST_AFTER_MIDNIGHT_SHANGHAI = datetime(2027, 3, 1, 0, 30, tzinfo=SHANGHAI)


def test_agreement_not_yet_started_at_the_clients_offices(setup):
    client, user, category = setup
    agreement(client, category, start=date(2027, 3, 1))
    assert not services.agreement_covers(
        client=client, category=category, now=JUST_AFTER_MIDNIGHT_SHANGHAI
    )
    with pytest.raises(ApplicationError, match="not covered"):
        make_ticket(requester=user, category=category, now=JUST_AFTER_MIDNIGHT_SHANGHAI)


def test_agreement_still_running_on_its_last_day_at_the_clients_offices(setup):
    client, user, category = setup
    agreement(client, category, start=date(2027, 1, 1), end=date(2027, 2, 28))
    assert services.agreement_covers(
        client=client, category=category, now=JUST_AFTER_MIDNIGHT_SHANGHAI
    )
    ticket = make_ticket(requester=user, category=category, now=JUST_AFTER_MIDNIGHT_SHANGHAI)
    assert ticket.category == category


def test_client_local_date():
    client = make_client(time_zone="Asia/Tokyo")
    assert client.local_date(datetime(2027, 3, 1, 23, 30, tzinfo=SHANGHAI)) == date(2027, 3, 2)
