"""Scheduled and background work, run by the Huey consumer (`manage.py run_huey`): `make demo` starts one next
to the web server on the embedded default (SQLite queue in var/); in production, run consumers against Redis."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from .jobs import run_daily_jobs


@db_periodic_task(crontab(hour="22", minute="0"))  # 22:00 UTC = 06:00 in Asia/Shanghai
def daily_jobs():
    """Once a day however many workers schedule it (each `run_huey` schedules periodic tasks): the first to
    claim the day's key in the queue's storage (Redis across machines) runs the jobs, the others return."""
    if not HUEY.put_if_empty(f"jiandu:daily-jobs:{timezone.localdate():%Y-%m-%d}", "1", ttl=3 * 24 * 3600):
        return None
    return run_daily_jobs()


@db_task()
def export_job(job_id: int) -> None:
    """A large ledger export (jiandu.core.exports), written as the job's owner."""
    from .exports import run_job

    run_job(job_id)
