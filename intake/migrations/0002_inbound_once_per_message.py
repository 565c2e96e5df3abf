from django.db import migrations, models


def set_apart_duplicates(apps, schema_editor):
    """Rows a race took in twice keep their raw message; only the earliest keeps the
    Message-ID the new constraint is on, the others say whose duplicate they are."""
    InboundEmail = apps.get_model("intake", "InboundEmail")
    twice = (
        InboundEmail.objects.exclude(message_id="")
        .values("from_address", "message_id")
        .annotate(n=models.Count("pk"), first=models.Min("pk"))
        .filter(n__gt=1)
    )
    for group in twice:
        InboundEmail.objects.filter(
            from_address=group["from_address"], message_id=group["message_id"]
        ).exclude(pk=group["first"]).update(
            message_id="", reason=f"Duplicate of inbound email #{group['first']}"
        )


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [
        migrations.RunPython(set_apart_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="inboundemail",
            constraint=models.UniqueConstraint(
                condition=models.Q(("message_id", ""), _negated=True),
                fields=("from_address", "message_id"),
                name="inbound_once_per_message",
            ),
        ),
    ]
