"""Recompute the dashboards' daily roll-ups from the tickets, from scratch."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clients.models import Client
from reports.dashboards.rollups import rollups_rebuild


class Command(BaseCommand):
    help = "Rebuild the dashboards' daily roll-ups (all clients, or --client CODE)."

    def add_arguments(self, parser):
        parser.add_argument("--client", action="append", default=[], help="client code")

    def handle(self, *args, **options):
        clients = None
        if options["client"]:
            codes = options["client"]
            clients = list(Client.objects.filter(code__in=codes))
            unknown = sorted(set(codes) - {c.code for c in clients})
            if unknown:
                raise CommandError(f"Unknown client code(s): {', '.join(unknown)}")
        started = timezone.now()
        rows = rollups_rebuild(now=started, clients=clients)
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(f"{rows} roll-up rows written in {seconds:.1f} s")
