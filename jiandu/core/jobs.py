"""Daily jobs (DESIGN §5): warning colours and reminders, escalation, … Each module registers its job:

    @register_daily("problems.remind")
    def remind(today: date) -> dict: ...   # returns counts for the log

`run_daily_jobs()` runs them all, each in its own transaction; the task queue (jiandu.core.tasks, Huey) calls
it every morning, and `manage.py run_daily_jobs` runs it by hand. Jobs must be idempotent for a given day:
running twice sends nothing twice.
"""

import logging
from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)
_jobs: dict[str, Callable[[date], dict]] = {}


def register_daily(name: str):
    def decorator(func: Callable[[date], dict]) -> Callable[[date], dict]:
        _jobs[name] = func
        return func

    return decorator


def run_daily_jobs(today: date | None = None, names=None) -> dict[str, dict]:
    """Every daily job (or those of `names`), in name order."""
    today = today or timezone.localdate()
    results = {}
    for name, func in sorted(_jobs.items()):
        if names and name not in names:
            continue
        try:
            with transaction.atomic():
                results[name] = func(today) or {}
        except Exception:  # one failing job must not stop the others; it is logged and reported
            log.exception("daily job %s failed", name)
            results[name] = {"error": True}
    return results


@register_daily("core.database_statistics")
def database_statistics(today: date) -> dict:
    """SQLite keeps no statistics on its own (PostgreSQL's autovacuum does): without them its query planner may
    sort a million problems instead of walking the list's index. ANALYZE once a day keeps the plans right."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return {}
    with connection.cursor() as c:
        c.execute("ANALYZE")
    return {"analyzed": True}
