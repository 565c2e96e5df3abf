"""Default impact x urgency -> priority matrix (ITIL shape); admins change it afterwards."""

from django.db import migrations


def create_matrix(apps, schema_editor):
    PriorityRule = apps.get_model("tickets", "PriorityRule")
    for impact in (1, 2, 3):
        for urgency in (1, 2, 3):
            PriorityRule.objects.get_or_create(
                impact=impact, urgency=urgency, defaults={"priority": min(4, impact + urgency - 1)}
            )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(create_matrix, migrations.RunPython.noop)]
