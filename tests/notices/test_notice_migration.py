"""Existing single-client notices become a notice with one target (client, and site if set)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("reports", "0001_initial")]
AFTER = [("reports", "0004_notice_drop_single_client")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_client_and_site_become_a_target():
    client = f.make_client(code="MG")
    site = f.make_site(client=client)
    author = f.make_user(role="admin", username="old_admin")
    old = migrate(BEFORE)
    notice_model = old.get_model("reports", "Notice")
    now = timezone.now()
    whole = notice_model.objects.create(
        client_id=client.pk, title="whole", body="b", created_by_id=author.pk
    )
    one_site = notice_model.objects.create(
        client_id=client.pk, site_id=site.pk, title="site", body="b", created_by_id=author.pk
    )
    broken = notice_model.objects.create(
        client_id=client.pk,
        title="never shown",
        body="b",
        published_at=now,
        expires_at=now - timedelta(days=1),
        created_by_id=author.pk,
    )
    new = migrate(AFTER)
    target_model = new.get_model("reports", "NoticeTarget")
    targets = {t.notice_id: t for t in target_model.objects.all()}
    assert {t.client_id for t in targets.values()} == {client.pk}
    assert list(targets[whole.pk].sites.values_list("pk", flat=True)) == []
    assert list(targets[one_site.pk].sites.values_list("pk", flat=True)) == [site.pk]
    migrated = new.get_model("reports", "Notice").objects.get(pk=broken.pk)
    assert migrated.withdrawn_at is not None and migrated.expires_at is None
    assert new.get_model("reports", "Notice").objects.get(pk=whole.pk).severity == "info"
