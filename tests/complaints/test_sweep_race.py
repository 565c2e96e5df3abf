"""Two complaint sweeps racing on PostgreSQL fire each escalation level exactly once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from itsm.models import OutboundEmail
from itsm.tenancy import Role
from reports.complaints import escalation, services
from reports.complaints.models import (
    ComplaintEvent,
    ComplaintSettings,
    EscalationFiring,
    ManagementContact,
)
from tests import factories as f
from tests.servers import require_postgres

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_sweeps_fire_each_level_exactly_once(monkeypatch):
    require_postgres()
    client = f.make_client(code="RACE")
    f.make_agreement(client=client)
    user = f.make_user(client=client, site=f.make_site(client=client))
    lead = f.make_user(role=Role.AGENT, username="race_lead")
    f.make_team(members=[lead], clients=[client], lead=lead)
    director = f.make_user(role=Role.AGENT, username="race_director")
    ManagementContact.objects.create(person=f.make_user(role=Role.ADMIN, username="race_boss"))
    # Transactional tests flush the built-in calendars: complaints count 24x7 here.
    ComplaintSettings.objects.create(
        client=client, account_director=director, hold_to_working_hours=False
    )
    long_ago = timezone.now() - timedelta(days=30)
    complaints = [
        services.complaint_open(
            actor=user,
            client=client,
            source="direct",
            category="attitude",
            subject=f"race {n}",
            description="d",
            now=long_ago,
        )
        for n in range(30)
    ]
    OutboundEmail.objects.all().delete()
    monkeypatch.setattr(escalation, "BATCH", 3)  # many small batches: the sweeps interleave
    barrier, results, errors = threading.Barrier(2), [], []

    def sweep():
        try:
            barrier.wait()
            results.append(escalation.complaints_sweep(now=timezone.now()))
        except Exception as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert sum(results) == 90, results
    assert all(results), f"one sweep did all the work: {results}"
    assert EscalationFiring.objects.count() == 90
    for complaint in complaints:
        levels = sorted(complaint.firings.values_list("level", flat=True))
        assert levels == [1, 2, 3]
    assert ComplaintEvent.objects.filter(kind="escalation").count() == 90
    # One email per level per complaint: lead, director, management.
    for person in ("race_lead", "race_director", "race_boss"):
        assert OutboundEmail.objects.filter(to=f"{person}@example.cn").count() == 30
