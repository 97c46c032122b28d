"""Benchmark: a background export of 100,000 problems (DESIGN §10: export at 20,000 rows/s or better).

    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python bench/export_100k.py [--rows 100000]

Works on a scratch SQLite database and media folder under /tmp (DATABASE_URL and JIANDU_MEDIA_ROOT are set
below, before Django starts), never on var/jiandu.sqlite3; the task queue runs in immediate mode (in memory,
not var/huey.sqlite3). It bulk-creates the problems of two groups, then asks for the ledger through the real
export view path (`exports.respond` → ExportJob → the Huey task → `run_job`) as a group leader, while a
second thread reads the job's progress through its own database connection, as the progress page does, and
writes meanwhile, as the web server does.
Prints the progress, the rows per second and the peak memory of the process.
"""

import argparse
import gc
import os
import shutil
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
SCRATCH = Path(tempfile.mkdtemp(prefix="jiandu-bench-export-"))
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH / 'bench.sqlite3'}"
os.environ["JIANDU_MEDIA_ROOT"] = str(SCRATCH / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

# The real task, run in this process at enqueue (read by huey.contrib.djhuey when the apps load).
settings.HUEY = {"huey_class": "huey.MemoryHuey", "name": "jiandu-bench", "immediate": True}
django.setup()

from django.contrib.messages.storage.fallback import FallbackStorage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from jiandu.core import exports  # noqa: E402
from jiandu.core.enums import ExportStatus  # noqa: E402
from jiandu.core.models import ExportJob  # noqa: E402
from jiandu.notifications.models import Notification  # noqa: E402
from jiandu.organizations.enums import OrgKind, Role, SiteType  # noqa: E402
from jiandu.organizations.models import Site  # noqa: E402
from jiandu.organizations.tests.factories import AssignmentFactory, OrgFactory, user_with_role  # noqa: E402
from jiandu.problems import services as problem_services  # noqa: E402
from jiandu.problems.enums import ProblemStatus  # noqa: E402
from jiandu.problems.models import Category, Problem, Severity  # noqa: E402

STATUSES = [ProblemStatus.OPEN, ProblemStatus.IN_PROGRESS, ProblemStatus.SUBMITTED, ProblemStatus.CLOSED]


def build(rows: int):
    """Two groups; `rows` problems of the first (the exporter's), a tenth as many of the second."""
    assert "jiandu-bench-export-" in str(settings.DATABASES["default"]["NAME"]), "refusing to touch a real database"
    call_command("migrate", verbosity=0)
    commission = OrgFactory(kind=OrgKind.COMMISSION, code="JW", name="吉林省纪委监委")
    ours = OrgFactory(kind=OrgKind.GROUP, parent=commission, code="G-YJT", name="驻省应急管理厅纪检监察组")
    theirs = OrgFactory(kind=OrgKind.GROUP, parent=commission, code="G-WJW", name="驻省卫健委纪检监察组")
    dept = OrgFactory(kind=OrgKind.DEPARTMENT, code="D-YJT", name="吉林省应急管理厅")
    units = [OrgFactory(kind=OrgKind.UNIT, parent=dept, code=f"U{i:03d}", name=f"长春市第{i}区") for i in range(20)]
    AssignmentFactory(group=ours, org=dept)
    AssignmentFactory(group=theirs, org=dept)
    sites = Site.objects.bulk_create(
        Site(site_type=SiteType.TENT_SITE, code=f"S{i:05d}", name=f"帐篷设置点{i}", responsible_org=units[i % 20])
        for i in range(500)
    )
    leader = user_with_role(Role.GROUP_LEADER, ours, "bench_leader")
    problem_services.ensure_defaults()
    categories, severities = list(Category.objects.all()), list(Severity.objects.all())
    start = date(2022, 3, 1)
    batch, made = [], 0
    for i in range(rows + rows // 10):
        group = ours if i < rows else theirs
        registered = start + timedelta(days=i % 120)
        status = STATUSES[i % 4]
        batch.append(
            Problem(
                number=f"WT{i:08d}",
                group=group,
                description=f"帐篷加固不到位，棉被配备不足，第{i}处需立即整改",
                category=categories[i % len(categories)],
                severity=severities[i % len(severities)],
                site=sites[i % len(sites)] if i % 3 else None,
                responsible_org=units[i % 20],
                registered_on=registered,
                deadline=registered + timedelta(days=10),
                status=status,
                closed_on=registered + timedelta(days=8 + i % 5) if status == ProblemStatus.CLOSED else None,
                urge_count=i % 3,
                created_by=leader,
            )
        )
        if len(batch) == 5000:
            Problem.objects.bulk_create(batch)
            made += len(batch)
            batch = []
    Problem.objects.bulk_create(batch)
    return leader


def rss_mb() -> float:
    """The process's resident memory now (Linux)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def watch(stop: threading.Event, seen: list, rss: list, writer) -> None:
    """Read the newest job's progress through this thread's own connection, as the progress page does, write
    to the database meanwhile (as the web server does: a session saved on every request), and sample the
    memory of the process while the export runs."""
    try:
        while not stop.is_set():
            rss.append(rss_mb())
            Notification.objects.create(recipient=writer, title="并发写入")
            job = ExportJob.objects.order_by("-pk").first()
            if job is not None and (not seen or seen[-1] != (job.status, job.done_rows)):
                seen.append((job.status, job.done_rows))
                line = f"  进度：{job.get_status_display()} {job.done_rows}/{job.total} 行（{job.percent}%）"
                print(line, flush=True)
            stop.wait(0.2)
    finally:
        connections.close_all()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database and the file")
    args = parser.parse_args()
    try:
        run(args)
    finally:
        connections.close_all()
        if not args.keep:
            shutil.rmtree(SCRATCH, ignore_errors=True)


def run(args):
    print(f"临时数据库：{settings.DATABASES['default']['NAME']}")
    t0 = time.perf_counter()
    leader = build(args.rows)
    print(f"已批量生成 {Problem.objects.count()} 条问题（{time.perf_counter() - t0:.1f} 秒）")

    request = RequestFactory().get("/problems/export.xlsx")
    request.user = leader
    request.session = {}
    request._messages = FallbackStorage(request)
    gc.collect()
    rss_before = rss_mb()
    stop, seen, rss = threading.Event(), [], []
    watcher = threading.Thread(target=watch, args=(stop, seen, rss, leader))
    watcher.start()
    t1 = time.perf_counter()
    response = exports.respond(request, "problems")
    elapsed = time.perf_counter() - t1
    stop.set()
    watcher.join()

    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.status == ExportStatus.DONE, (response.status_code, job.error)
    assert job.total == job.done_rows == args.rows, (job.total, job.done_rows)
    size = job.file.size
    print(f"导出完成：{job.done_rows} 行，用时 {elapsed:.2f} 秒，{job.done_rows / elapsed:,.0f} 行/秒")
    print(f"文件 {job.filename}：{size / 1024 / 1024:.1f} MB")
    print(f"进程内存：导出前 {rss_before:.0f} MB，导出中最高 {max(rss, default=rss_before):.0f} MB")
    print(f"进度更新被另一连接读到 {len([s for s in seen if s[0] == ExportStatus.RUNNING])} 次（该连接同时在写入）")
    print(f"数据库：{connection.vendor}；Python {sys.version.split()[0]}；CPU {os.cpu_count()} 核")


if __name__ == "__main__":
    main()
