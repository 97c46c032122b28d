"""The audit log at a province's size: its page with each filter, the chain's verification and the export.

    .venv/bin/python bench/audit_log.py [--scale S | --database-url URL] [--events 1000000] [--repeat 10]

The live audit log keeps at least 180 days of every write, login and export; bench/generate writes no events.
This writes --events of them into the data set of bench/generate (a valid SM3 chain, 800 operators, six event
types), inside a transaction that is rolled back at the end: the data set is left as it was. Then, as an audit
admin created in the same transaction, it asks /audit/ (django.test.Client, as bench/run) with each filter
--repeat times after 2 warm-ups (p50, p95), verifies the whole chain (audit.verify_chain, as the page's button
and `manage.py audit_verify` do) and exports every event (exports.write, as the background job does).
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from bench import dataset  # noqa: E402

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
dataset.add_arguments(p)
p.add_argument("--events", type=int, default=1_000_000, help="audit events written (default 1,000,000)")
p.add_argument("--repeat", type=int, default=10, help="timed requests per filter (default 10)")
ARGS = p.parse_args()

dataset.use(ARGS)

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from jiandu.activities.io import bulk  # noqa: E402
from jiandu.core import audit, exports  # noqa: E402
from jiandu.core.models import AuditChainHead, AuditEvent  # noqa: E402
from jiandu.organizations.enums import OrgKind, Role  # noqa: E402
from jiandu.organizations.models import Org, RoleGrant, User  # noqa: E402

TYPES = ["login", "update", "create", "export", "view_personal", "grant"]
COLUMNS = [f.attname for f in AuditEvent._meta.concrete_fields if not f.primary_key]


def write_events(n: int) -> None:
    """`n` events after the chain's head, 15 s apart up to now, each hashed as audit.record hashes it."""
    head = AuditChainHead.objects.filter(pk=1).first()
    seq, prev = (head.last_seq, head.last_hash) if head else (0, audit.GENESIS_HASH)
    now = timezone.now()
    with bulk.Writer(AuditEvent) as writer:
        for i in range(n):
            seq += 1
            event = AuditEvent(
                seq=seq,
                occurred_at=now - timedelta(seconds=(n - i) * 15),
                actor_id=i % 800 + 1,
                actor_username=f"bn_user{i % 800:03d}",
                event_type=TYPES[i % len(TYPES)],
                object_type="problems.problem",
                object_id=str(i),
                object_repr=f"问题 BN-{i:07d}",
                details={"changes": {"status": ["open", "closed"]}},
                ip=f"10.0.{i % 200}.{i % 250}",
                prev_hash=prev,
            )
            event.hash = prev = audit.compute_hash(event)
            writer.add({name: getattr(event, name) for name in COLUMNS})
    AuditChainHead.objects.update_or_create(pk=1, defaults={"last_seq": seq, "last_hash": prev})
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE core_auditevent")


def main() -> None:
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    with transaction.atomic():
        t0 = time.perf_counter()
        write_events(ARGS.events)
        print(f"{ARGS.events:,} events written in {time.perf_counter() - t0:.0f} s (rolled back at the end)")
        commission = Org.objects.filter(kind=OrgKind.COMMISSION).order_by("pk").first()
        auditor = User.objects.create(username="bn_auditor_probe", full_name="审计员（基准）", org=commission)
        RoleGrant.objects.create(user=auditor, role=Role.AUDIT_ADMIN, org=commission)
        client = Client()
        client.force_login(auditor)
        week_ago = (timezone.localdate() - timedelta(days=7)).isoformat()
        filters = [
            ("全部", {}),
            ("第100页", {"page": 100}),
            ("事件类型：导出", {"event_type": "export"}),
            ("结果：失败（无）", {"outcome": "failure"}),
            ("操作人 bn_user007", {"actor": "bn_user007"}),
            ("对象 BN-0500000", {"object": "BN-0500000"}),
            ("最近7天", {"start": week_ago}),
        ]
        for label, params in filters:
            times = []
            for _ in range(ARGS.repeat + 2):
                t = time.perf_counter()
                response = client.get("/audit/", params)
                times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, response.status_code
            times = sorted(times[2:])
            p95 = times[max(0, round(len(times) * 0.95) - 1)]
            print(f"/audit/ {label:20} p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms")
        t = time.perf_counter()
        report = audit.verify_chain()
        seconds = time.perf_counter() - t
        print(f"verify_chain: ok={report.ok}, {report.checked:,} events in {seconds:.1f} s")
        print(f"  = {report.checked / seconds:,.0f} events/s")
        ledger = exports.get("audit_events")
        with tempfile.TemporaryFile() as tmp:
            t = time.perf_counter()
            count = exports.write(tmp, ledger, auditor, exports.select(ledger, auditor, {}))
            seconds = time.perf_counter() - t
        print(f"export: {count:,} rows in {seconds:.1f} s = {count / seconds:,.0f} rows/s")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
