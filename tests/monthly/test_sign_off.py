"""Sign-off, dispute, answer and corrected versions: who may, what is kept, what is recorded."""

import pytest
from django.core.exceptions import PermissionDenied

from itsm.exceptions import ApplicationError
from itsm.models import OutboundEmail
from reports.monthly import services
from reports.monthly.models import MonthlyReport, ReportAction
from tests import factories as f
from tests.monthly.helpers import make_ready_report

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(client_a):
    return make_ready_report(client_a, now=NOW)


def trail(report):
    return [
        (a.kind, a.actor.username if a.actor else None, a.comment)
        for a in ReportAction.objects.filter(report__client=report.client).order_by("id")
        if a.kind not in ("generated", "emailed")
    ]


def test_manager_signs_off_and_it_is_final(report, manager_a, agent_a):
    signed = services.monthly_report_sign_off(actor=manager_a, report=report, now=NOW, comment="OK")
    assert signed.sign_off == MonthlyReport.SignOff.SIGNED
    assert (signed.signed_by, signed.signed_at) == (manager_a, NOW)
    assert trail(report) == [("signed", "manager_a", "OK")]
    with pytest.raises(ApplicationError, match="already signed"):
        services.monthly_report_dispute(actor=manager_a, report=report, comment="late", now=NOW)
    with pytest.raises(ApplicationError, match="final"):
        services.monthly_report_correct(actor=agent_a, report=report, correction_note="x", now=NOW)


def test_only_the_clients_manager_signs_or_disputes(report, manager_b, agent_a, user_a1):
    for actor in (manager_b, agent_a, user_a1):
        with pytest.raises(PermissionDenied):
            services.monthly_report_sign_off(actor=actor, report=report, now=NOW)
        with pytest.raises(PermissionDenied):
            services.monthly_report_dispute(actor=actor, report=report, comment="no", now=NOW)
    report.refresh_from_db()
    assert report.sign_off == MonthlyReport.SignOff.PENDING
    assert trail(report) == []


def test_a_dispute_needs_a_comment(report, manager_a):
    with pytest.raises(ApplicationError, match="which figure"):
        services.monthly_report_dispute(actor=manager_a, report=report, comment="  ", now=NOW)


def test_dispute_answer_correction_keeps_every_version(
    report, manager_a, agent_a, agent_b, django_capture_on_commit_callbacks
):
    services.monthly_report_dispute(
        actor=manager_a, report=report, comment="P3 compliance looks wrong", now=NOW
    )
    with pytest.raises(PermissionDenied):
        services.monthly_report_answer(actor=agent_b, report=report, comment="no", now=NOW)
    with pytest.raises(PermissionDenied):
        services.monthly_report_answer(actor=manager_a, report=report, comment="no", now=NOW)
    services.monthly_report_answer(
        actor=agent_a, report=report, comment="Two clocks were miscounted", now=NOW
    )
    answer_mail = OutboundEmail.objects.get(to=manager_a.email)
    assert "Two clocks were miscounted" in answer_mail.body
    with django_capture_on_commit_callbacks(execute=True):
        corrected = services.monthly_report_correct(
            actor=agent_a,
            report=report,
            correction_note="Recounted P3 clocks",
            next_steps="Weekly review",
            now=NOW,
        )
    corrected.refresh_from_db()
    report.refresh_from_db()
    assert (corrected.version, corrected.previous_id, corrected.is_current) == (2, report.pk, True)
    assert corrected.status == MonthlyReport.Status.READY and corrected.pdf
    assert corrected.sign_off == MonthlyReport.SignOff.PENDING
    assert corrected.next_steps == "Weekly review"
    assert not report.is_current and report.pdf and report.sign_off == "disputed"
    assert report.pdf.name != corrected.pdf.name
    assert trail(report) == [
        ("disputed", "manager_a", "P3 compliance looks wrong"),
        ("answered", "agent_a", "Two clocks were miscounted"),
        ("corrected", "agent_a", "Recounted P3 clocks"),
    ]
    # The managers hear of the corrected version, with a link and no attachment.
    ready = OutboundEmail.objects.filter(to=manager_a.email).exclude(pk=answer_mail.pk).get()
    assert "Recounted P3 clocks" in ready.body
    assert f"/reports/monthly/{corrected.pk}/" in ready.body
    with pytest.raises(ApplicationError, match="corrected version replaces"):
        services.monthly_report_sign_off(actor=manager_a, report=report, now=NOW)
    services.monthly_report_sign_off(actor=manager_a, report=corrected, now=NOW)


def test_only_a_disputed_report_is_answered(report, agent_a):
    with pytest.raises(ApplicationError, match="disputed"):
        services.monthly_report_answer(actor=agent_a, report=report, comment="hi", now=NOW)


def test_a_report_still_generating_cannot_be_signed(client_a, manager_a):
    pending = MonthlyReport.objects.create(
        client=client_a,
        period_start=NOW.date().replace(day=1),
        period_end=NOW.date(),
        language="en",
        created_at=NOW,
    )
    with pytest.raises(ApplicationError, match="not ready"):
        services.monthly_report_sign_off(actor=manager_a, report=pending, now=NOW)


def test_answer_email_is_in_each_managers_language(report, manager_a, agent_a):
    f.make_user(
        role="client_manager", client=report.client, username="manager_zh", language="zh-hans"
    )
    services.monthly_report_dispute(actor=manager_a, report=report, comment="?", now=NOW)
    services.monthly_report_answer(actor=agent_a, report=report, comment="答复", now=NOW)
    english = OutboundEmail.objects.get(to=manager_a.email)
    chinese = OutboundEmail.objects.get(to="manager_zh@example.cn")
    assert "answered your dispute" in english.subject
    assert "答复" in chinese.body and "answered" not in chinese.subject


def test_emails_are_plain_text_not_html_escaped(report, manager_a, agent_a):
    services.monthly_report_dispute(actor=manager_a, report=report, comment="?", now=NOW)
    services.monthly_report_answer(
        actor=agent_a, report=report, comment="P&L isn't <yours>", now=NOW
    )
    assert "P&L isn't <yours>" in OutboundEmail.objects.get(to=manager_a.email).body
