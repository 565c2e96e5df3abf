"""Thin Celery wrappers around SLA services."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="sla.tasks.sla_sweep")
def sla_sweep() -> int:
    from . import sweep_hooks
    from .services import sla_sweep as sweep

    now = timezone.now()
    flagged = sweep(now=now)
    sweep_hooks.run_all(now=now)  # apps above sla (complaints) share this one scheduler
    return flagged


@shared_task(name="sla.tasks.sla_retarget")
def sla_retarget(job_id: int) -> int:
    """Run a re-target job queued by an admin change; returns the tickets re-targeted."""
    from .services import retarget_run

    return retarget_run(job_id=job_id, now=timezone.now()).retargeted


@shared_task(name="sla.tasks.retarget_jobs_resume")
def retarget_jobs_resume() -> int:
    """Every few minutes: re-target jobs whose task was never sent (broker down)."""
    from .services import retarget_jobs_resume as resume

    return len(resume(now=timezone.now()))


@shared_task(name="sla.tasks.official_days_remind")
def official_days_remind() -> int:
    """Daily; emails admins at most once a week while official days are missing."""
    from .official import official_days_remind as remind

    return remind(now=timezone.now())
