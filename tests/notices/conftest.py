"""Notice test helpers: a small world of sites, tiers and people across two clients."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reports.notices.services import TargetSpec, notice_create
from tests import factories as f
from tests.sla.conftest import assign, make_tier

NOW = timezone.now().replace(microsecond=0)


def publish(actor, targets, *, now=NOW, **fields):
    fields.setdefault("title", "机房维护 / Data centre maintenance")
    fields.setdefault("body", "Tonight 22:00-23:00.")
    fields.setdefault("severity", "maintenance")
    fields.setdefault("published_at", now - timedelta(hours=1))
    fields.setdefault("expires_at", now + timedelta(days=1))
    specs = [t if isinstance(t, TargetSpec) else TargetSpec(client=t) for t in targets]
    return notice_create(actor=actor, targets=specs, now=now, **fields)


@pytest.fixture
def gold(db):
    return make_tier("Gold")


@pytest.fixture
def people(client_a, client_b, site_a, site_a2, site_b, user_a1, user_a2, user_b1, gold):
    """user_a1 (site_a, gold by site), user_a2 (site_a2, default tier), vip_a2 (site_a2, gold
    by person), user_b1, and a client manager and an inactive user who are never addressed."""
    vip = f.make_user(client=client_a, site=site_a2, username="vip_a2", language="zh-hans")
    assign(gold, client=client_a, site=site_a)
    assign(gold, client=client_a, user=vip)
    gone = f.make_user(client=client_a, site=site_a, username="gone_a", is_active=False)
    manager = f.make_user(role="client_manager", client=client_a, username="mgr_a")
    return {
        "user_a1": user_a1,
        "user_a2": user_a2,
        "vip_a2": vip,
        "user_b1": user_b1,
        "gone_a": gone,
        "mgr_a": manager,
    }


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (outbox dispatch) of the block, as a real commit would."""
    return django_capture_on_commit_callbacks
