from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = _("Clients and people")

    def ready(self):
        from . import token_cache

        token_cache.watch()  # API token authentication keeps copies for a few seconds
