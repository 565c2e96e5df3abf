from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersPortalConfig(AppConfig):
    name = "users_portal"
    verbose_name = _("End-user portal")
