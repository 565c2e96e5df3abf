"""The notice email, in each recipient's language, through the outbox (sent after commit)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from itsm.links import absolute_reverse
from itsm.outbox import email_enqueue


def notice_email(*, person, notice) -> bool:
    if not person.email or not person.is_active:
        return False
    link = absolute_reverse("notices:notice-detail", args=[notice.pk])
    with translation.override(person.language or settings.LANGUAGE_CODE):
        text = render_to_string(
            "reports/email/notice.txt", {"notice": notice, "person": person, "link": link}
        )
    subject, _, body = text.strip().partition("\n")
    return email_enqueue(to=person.email, subject=subject.strip(), body=body.strip()) is not None
