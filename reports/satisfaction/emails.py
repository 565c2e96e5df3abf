"""Satisfaction emails, rendered in each recipient's language and queued in the outbox."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from itsm.links import absolute_url
from itsm.outbox import email_enqueue


def email_send(person, template: str, **context) -> bool:
    """Queue `satisfaction/email/<template>.txt` (first line = subject) for `person`."""
    if person is None or not person.email or not person.is_active:
        return False
    with translation.override(person.language or settings.LANGUAGE_CODE):
        text = render_to_string(
            f"satisfaction/email/{template}.txt",
            {"person": person, "site_url": absolute_url(""), **context},
        )
    subject, _, body = text.strip().partition("\n")
    email_enqueue(to=person.email, subject=subject.strip(), body=body.strip())
    return True
