import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0003_field_labels'),
        ('tickets', '0010_requester_open_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Only the indexes go: Django's AlterField would also drop and re-add (re-validate) the
        # foreign keys, a full scan of a large table under lock.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "tickets_ticket_assignee_id_3a5aa407";\nDROP INDEX IF EXISTS "tickets_ticket_client_id_33a3e09e";\nDROP INDEX IF EXISTS "tickets_ticket_requester_id_2072a2f2";\nDROP INDEX IF EXISTS "tickets_ticket_site_id_b292d504";\nDROP INDEX IF EXISTS "tickets_ticketevent_ticket_id_b572d14b";',
                    reverse_sql='CREATE INDEX IF NOT EXISTS "tickets_ticket_assignee_id_3a5aa407" ON "tickets_ticket" ("assignee_id");\nCREATE INDEX IF NOT EXISTS "tickets_ticket_client_id_33a3e09e" ON "tickets_ticket" ("client_id");\nCREATE INDEX IF NOT EXISTS "tickets_ticket_requester_id_2072a2f2" ON "tickets_ticket" ("requester_id");\nCREATE INDEX IF NOT EXISTS "tickets_ticket_site_id_b292d504" ON "tickets_ticket" ("site_id");\nCREATE INDEX IF NOT EXISTS "tickets_ticketevent_ticket_id_b572d14b" ON "tickets_ticketevent" ("ticket_id");',
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name='ticket',
                    name='assignee',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='assigned_tickets', to=settings.AUTH_USER_MODEL, verbose_name='assignee'),
                ),
                migrations.AlterField(
                    model_name='ticket',
                    name='client',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='tickets', to='clients.client', verbose_name='client'),
                ),
                migrations.AlterField(
                    model_name='ticket',
                    name='requester',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='requested_tickets', to=settings.AUTH_USER_MODEL, verbose_name='requester'),
                ),
                migrations.AlterField(
                    model_name='ticket',
                    name='site',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='tickets', to='clients.site', verbose_name='site'),
                ),
                migrations.AlterField(
                    model_name='ticketevent',
                    name='ticket',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='tickets.ticket', verbose_name='ticket'),
                ),
            ],
        ),
    ]
