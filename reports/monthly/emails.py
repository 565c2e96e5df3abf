"""Report emails to a client's managers, each in their own language, with a link (no file)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from clients.models import User
from itsm.links import absolute_reverse
from itsm.outbox import email_enqueue
from itsm.tenancy import Role


def email_report_managers(report, template: str, **context) -> list[str]:
    """Enqueue `monthly/email/<template>.txt` to every active manager of the report's client;
    returns the addresses written to the outbox."""
    managers = User.objects.filter(
        client_id=report.client_id, role=Role.CLIENT_MANAGER, is_active=True
    ).exclude(email="")
    link = absolute_reverse("monthly:report-detail", args=[report.pk])
    sent = []
    for person in managers:
        with translation.override(person.language or settings.LANGUAGE_CODE):
            text = render_to_string(
                f"monthly/email/{template}.txt",
                {"report": report, "person": person, "link": link, **context},
            )
        subject, _sep, body = text.strip().partition("\n")
        email_enqueue(to=person.email, subject=subject.strip(), body=body.strip())
        sent.append(person.email)
    return sent
