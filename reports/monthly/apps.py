from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonthlyConfig(AppConfig):
    name = "reports.monthly"
    label = "monthly"
    verbose_name = _("Monthly service reports")
