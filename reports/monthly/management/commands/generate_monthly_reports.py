"""Draw the monthly reports now, without a worker: `make run` calls it after the demo seed."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from itsm.exceptions import ApplicationError
from reports.dashboards.rollups import rollups_refresh
from reports.monthly.forms import request_period
from reports.monthly.services import monthly_reports_generate_now


class Command(BaseCommand):
    help = (
        "Generate the monthly report of every active client for a month (default: last month); "
        "an existing report of that month is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: each client's last month)")
        parser.add_argument(
            "--client", action="append", dest="clients", help="client code (repeatable)"
        )

    def handle(self, *args, month=None, clients=None, **options):
        first = None
        if month:
            try:
                first, _last = request_period(month, None, None)
            except ApplicationError as exc:
                raise CommandError(exc.message) from None
        now = timezone.now()
        # Figures come from the dashboards' roll-ups: bring them up to the latest events first.
        rollups_refresh(now=now)
        try:
            done = monthly_reports_generate_now(now=now, month=first, client_codes=clients)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        for report, created in done:
            state = "generated" if created else "kept"
            self.stdout.write(
                f"{report.client.code} {report.period_start:%Y-%m} v{report.version}: "
                f"{state} ({report.status})"
            )
