"""Scheduled and background work, run by the Huey consumer (`manage.py run_huey`): `make demo` starts one next
to the web server on the embedded default (SQLite queue in var/); in production, run consumers against Redis."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .jobs import run_daily_jobs


@db_periodic_task(crontab(hour="22", minute="0"))  # 22:00 UTC = 06:00 in Asia/Shanghai
def daily_jobs():
    return run_daily_jobs()


@db_task()
def export_job(job_id: int) -> None:
    """A large ledger export (jiandu.core.exports), written as the job's owner."""
    from .exports import run_job

    run_job(job_id)
