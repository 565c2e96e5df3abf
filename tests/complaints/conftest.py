"""Complaint test helpers: instants on cn-std (Shanghai), a complaint factory."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from itsm.tenancy import Role
from reports.complaints import services
from reports.complaints.models import ManagementContact
from tests import factories as f

SHANGHAI = ZoneInfo("Asia/Shanghai")


def cst(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """An instant of 2026 in Shanghai; 2026-03-02 is a plain Monday on cn-std."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


MONDAY_9 = cst(3, 2, 9)


def open_complaint(actor, *, client=None, source="direct", now=MONDAY_9, **fields):
    fields.setdefault("category", "not_resolved")
    fields.setdefault("subject", "打印机修了三次还坏 Printer fixed three times")
    fields.setdefault("description", "Still broken after three visits.")
    return services.complaint_open(
        actor=actor, client=client or actor.client, source=source, now=now, **fields
    )


@pytest.fixture
def director(db):
    return f.make_user(role=Role.AGENT, username="director")


@pytest.fixture
def boss(db):
    person = f.make_user(role=Role.ADMIN, username="boss")
    ManagementContact.objects.create(person=person)
    return person
