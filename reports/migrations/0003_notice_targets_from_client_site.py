"""Each existing notice's client (and site, if any) becomes its one target."""

from django.db import migrations


def to_targets(apps, schema_editor):
    Notice = apps.get_model("reports", "Notice")
    NoticeTarget = apps.get_model("reports", "NoticeTarget")
    for notice in Notice.objects.exclude(client_id=None).iterator():
        target = NoticeTarget.objects.create(notice_id=notice.pk, client_id=notice.client_id)
        if notice.site_id:
            target.sites.add(notice.site_id)
    # A period that ended before it began was never shown: keep it hidden under the new
    # constraint by withdrawing it instead of inventing an end.
    for notice in Notice.objects.exclude(expires_at=None).iterator():
        if notice.expires_at <= notice.published_at:
            notice.withdrawn_at, notice.expires_at = notice.expires_at, None
            notice.save(update_fields=["withdrawn_at", "expires_at"])


def to_client_site(apps, schema_editor):
    NoticeTarget = apps.get_model("reports", "NoticeTarget")
    for target in NoticeTarget.objects.order_by("notice_id", "pk").iterator():
        notice = target.notice
        if notice.client_id is None:
            notice.client_id = target.client_id
            notice.site = target.sites.order_by("pk").first()
            notice.save(update_fields=["client", "site"])


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_notice_targets_receipts")]

    operations = [migrations.RunPython(to_targets, to_client_site)]
