"""seed_demo publishes an outage notice to both clients with some receipts, once."""

import pytest
from django.core.management import call_command

from reports.models import Notice, NoticeReceipt

pytestmark = pytest.mark.django_db


def test_seed_publishes_demo_notices_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--password", "pw-For-Demo-1")
    call_command("seed_demo", "--password", "pw-For-Demo-1")
    assert Notice.objects.count() == 2
    outage = Notice.objects.get(severity="outage")
    assert set(outage.targets.values_list("client__code", flat=True)) == {"HX", "DF"}
    receipts = {r.user.username: r for r in NoticeReceipt.objects.filter(notice=outage)}
    assert set(receipts) == {"user_a1", "user_a2", "user_b1"}
    assert receipts["user_a1"].acknowledged_at and receipts["user_b1"].seen_at
    assert receipts["user_a2"].seen_at is None
    gold = Notice.objects.get(severity="maintenance")
    # Gold serves 华信银行's Shanghai branch, where user_a1 works.
    assert list(gold.receipts.values_list("user__username", flat=True)) == ["user_a1"]
