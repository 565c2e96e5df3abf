"""The Celery app: tasks autodiscovered; the whole beat schedule is declared here."""

import os
from pathlib import Path

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_ready
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")

app = Celery("itsm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Mail has its own queue and, in production, its own worker (docker-compose: worker -Q celery,
# mailer -Q mail): a slow or hung SMTP server (EMAIL_TIMEOUT bounds each attempt) then delays
# other mail, never the SLA sweep or the heartbeat. One worker consuming both lends its pool to
# mail tasks that wait on the server (tools/faults.py smtp measured ~19 s of delay). A worker
# started without -Q consumes both; `make run` names both (its console backend cannot hang).
MAIL_QUEUE = "mail"
app.conf.task_queues = (Queue("celery"), Queue(MAIL_QUEUE))
app.conf.task_default_queue = "celery"
app.conf.task_routes = {
    "itsm.tasks.outbound_email_send": {"queue": MAIL_QUEUE},
    "itsm.tasks.outbound_emails_send": {"queue": MAIL_QUEUE},
    "itsm.tasks.outbox_drain": {"queue": MAIL_QUEUE},
    # Group robots are outbound messages too: a slow robot (ROBOTS_HTTP_TIMEOUT per request)
    # waits with the mail, never in front of the sweep.
    "robots.tasks.robot_messages_send": {"queue": MAIL_QUEUE},
    "robots.tasks.robots_drain": {"queue": MAIL_QUEUE},
}

BEAT_SCHEDULE = {
    # https://crontab.guru/#*_*_*_*_* - every minute
    "heartbeat": {"task": "itsm.tasks.heartbeat", "schedule": crontab()},
    # https://crontab.guru/#*_*_*_*_* - emails left behind while the broker was down
    "outbox-drain": {"task": "itsm.tasks.outbox_drain", "schedule": crontab()},
    # https://crontab.guru/#*_*_*_*_* - group robot messages left behind or due for a retry
    "robots-drain": {"task": "robots.tasks.robots_drain", "schedule": crontab()},
    # https://crontab.guru/#*_*_*_*_* - every minute: flag SLA warnings/breaches, run escalations
    "sla-sweep": {"task": "sla.tasks.sla_sweep", "schedule": crontab()},
    # https://crontab.guru/#*/2_*_*_*_* - every 2 minutes: dashboards' roll-ups of changed tickets
    "dashboards-rollups-refresh": {
        "task": "reports.dashboards.tasks.rollups_refresh",
        "schedule": crontab(minute="*/2"),
    },
    # https://crontab.guru/#*/5_*_*_*_* - every 5 minutes: jobs whose task the broker never got
    "retarget-jobs-resume": {
        "task": "sla.tasks.retarget_jobs_resume",
        "schedule": crontab(minute="*/5"),
    },
    "monthly-reports-resume": {
        "task": "reports.monthly.tasks.monthly_reports_resume",
        "schedule": crontab(minute="*/5"),
    },
    # https://crontab.guru/#30_*_1,2_*_* - hourly on the 1st/2nd: last month's client reports
    "monthly-reports-schedule": {
        "task": "reports.monthly.tasks.monthly_reports_schedule",
        "schedule": crontab(minute=30, day_of_month="1,2"),
    },
    # https://crontab.guru/#7_*_*_*_* - hourly: close tickets resolved N days ago
    "tickets-auto-close": {
        "task": "tickets.tasks.tickets_auto_close",
        "schedule": crontab(minute=7),
    },
    # https://crontab.guru/#30_9_*_*_* - daily 09:30: this period's client surveys, reminders
    "surveys-send-due": {
        "task": "reports.satisfaction.tasks.surveys_send_due",
        "schedule": crontab(minute=30, hour=9),
    },
    # https://crontab.guru/#15_9_*_*_* - daily 09:15: while a calendar that follows China's
    # official days misses next year's, email admins (once per week, recorded per week)
    "official-days-remind": {
        "task": "sla.tasks.official_days_remind",
        "schedule": crontab(minute=15, hour=9),
    },
}


def imap_beat_entries(environ) -> dict:
    """The email channel's IMAP mailbox is polled only where one is configured."""
    if not environ.get("IMAP_HOST"):
        return {}
    # https://crontab.guru/#*_*_*_*_* - every minute
    return {"intake-imap-fetch": {"task": "intake.tasks.intake_imap_fetch", "schedule": crontab()}}


# Assigned, not updated: reading app.conf here would load Django settings before manage.py has
# read var/dev.env.
app.conf.beat_schedule = {**BEAT_SCHEDULE, **imap_beat_entries(os.environ)}


def ensure_embedded_broker_folders() -> None:
    """The filesystem transport needs its folders before a worker or producer touches them."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@worker_ready.connect
def heartbeat_at_start(sender, **kwargs) -> None:
    """Record a beat as soon as a worker is up, so /healthz is green before the first minute."""
    sender.app.send_task("itsm.tasks.heartbeat")
