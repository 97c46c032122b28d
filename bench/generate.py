"""Province-scale synthetic data generator (issue 9, DESIGN §10).

    bench/generate --scale S [--database-url URL] [--seed N] [--force] [--bulk-create]

At S=1: 200 groups, 2,000 host orgs (200 departments, one per group, and 1,800 units under them), 100,000 sites,
1,000,000 activities, 1,000,000 problems, 5,000,000 data values; every count scales linearly with S (at least one
of each). The same scale and seed always give the same rows (one seeded `random.Random`, explicit primary keys).

Database: by default a scratch SQLite file /tmp/jiandu-bench/bench-S<scale>.sqlite3 — never var/jiandu.sqlite3.
DATABASE_URL is set below before `django.setup()`; with --database-url a PostgreSQL database is created
(psycopg) if missing. The script migrates the database itself. A database that already holds bench data only
(every org code starts with "BN-", every username with "bn_") is wiped and rebuilt; one holding any other data,
or tables that are not jiandu's, is refused unless --force, which WIPES it (deletes the SQLite file / drops the
PostgreSQL public schema) before building.

This is synthetic bench data: rows are written in chunks, never one ORM save per row, and NO audit events,
activity/problem timeline events or notifications are written for them. Small tables go through
bulk_create(batch_size=…); tables of 5,000 rows and more skip the ORM's per-value preparation (two thirds of
bulk_create's time): COPY on PostgreSQL, executemany of plain tuples on SQLite (--bulk-create forces bulk_create
everywhere, for comparison). Accounts have an unusable password. Primary keys are explicit (the database is
empty), and the PostgreSQL sequences are reset after.

Distributions: methods weighted toward phone checks and on-site checks; stationed activities carry a date range
and their days; confidential is exactly covert/unannounced (the DB constraint); dates 2022-01-01…2026-10-31;
problems mostly closed (closed_on after registration), the rest open/in progress/submitted/returned, so that
older open ones are overdue; deadlines registration + 7–30 days (some given as N calendar days); 3 % repeats
(屡查屡犯); texts drawn from small Chinese vocabularies; data values weekly per org and indicator.

Not generated yet (TODO): campaigns, documents, rectifications/urges/problem events, sampling plans and checks,
hotline cases, stocks, approvals, validation rules, activity participants, site attributes; problem numbers
are per year but not in date order within a year.
"""

import argparse
import math
import os
import random
import shutil
import sys
import time
from array import array
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

PREFIX = "BN-"  # every bench org code starts with it: the marker of a bench-only database
START = date(2022, 1, 1)
END = date(2026, 10, 31)  # fixed, so that the data set does not depend on the day it is built
CHUNK = 20_000  # model instances built in memory at a time
BATCH = 2_000  # rows per INSERT (Django lowers it to the backend's limit)

FULL = {
    "groups": 200,
    "units_per_department": 9,
    "sites": 100_000,
    "activities": 1_000_000,
    "problems": 1_000_000,
    "values": 5_000_000,
}

# (method, weight): phone checks and on-site checks are the most common.
METHOD_WEIGHTS = [
    ("phone_check", 30),
    ("on_site", 28),
    ("covert", 8),
    ("unannounced", 7),
    ("stationed", 6),
    ("joint", 4),
    ("video", 5),
    ("special", 4),
    ("talk", 4),
    ("online", 4),
]
PLACES = ["社区", "帐篷设置点", "医院", "隔离点", "学校", "超市", "批发市场", "物资仓库", "交通卡点", "企业"]
ACTIONS = ["检查", "抽查", "督导", "暗访", "走访", "调研"]
MATTERS = ["疫情防控措施落实", "物资储备", "值班值守", "消杀记录", "人员登记", "防火安全", "价格公示", "热线接听"]
DEFECTS = ["不到位", "不规范", "缺失", "未及时更新", "存在漏洞", "执行不严", "台账不全", "责任不明确"]
CAUSES = ["责任意识不强", "制度执行不严", "人员配备不足", "培训不到位", "监管缺位"]
DISTRICTS = ["南关区", "宽城区", "朝阳区", "二道区", "绿园区", "双阳区", "九台区", "昌邑区", "龙潭区", "船营区"]
DEPT_NAMES = ["应急管理厅", "卫生健康委", "农业农村厅", "商务厅", "交通运输厅", "教育厅", "民政厅", "人社厅"]
SITE_TYPES = [
    ("community", "社区", 25),
    ("tent_site", "帐篷设置点", 8),
    ("hospital", "医院", 8),
    ("quarantine_site", "隔离点", 6),
    ("school", "学校", 12),
    ("market", "超市", 12),
    ("warehouse", "物资仓库", 8),
    ("checkpoint", "交通卡点", 8),
    ("enterprise", "企业", 12),
    ("hotline", "服务热线", 1),
]
INDICATORS = [
    ("BN-I01", "下沉人次", "人次"),
    ("BN-I02", "下沉人数", "人"),
    ("BN-I03", "协助核酸检测人次", "人次"),
    ("BN-I04", "捐款捐物", "万元"),
    ("BN-I05", "培训人数", "人"),
    ("BN-I06", "检查点位数", "个"),
    ("BN-I07", "发现问题数", "条"),
    ("BN-I08", "整改问题数", "条"),
    ("BN-I09", "约谈人数", "人"),
    ("BN-I10", "通报期数", "期"),
]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, required=True, help="1 = DESIGN §10 province scale; 0.01 = a hundredth")
    p.add_argument("--database-url", help="default: a scratch SQLite file under /tmp/jiandu-bench/")
    p.add_argument("--seed", type=int, default=20220415)
    p.add_argument("--bulk-create", action="store_true", help="every table through bulk_create (slower)")
    p.add_argument("--force", action="store_true", help="WIPE a database holding non-bench data, then build")
    return p.parse_args(argv)


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None:
    if ARGS.database_url:
        os.environ["DATABASE_URL"] = ARGS.database_url
    else:
        scratch = Path("/tmp/jiandu-bench")
        scratch.mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / f'bench-S{ARGS.scale:g}.sqlite3'}"
        os.environ.setdefault("JIANDU_MEDIA_ROOT", str(scratch / "media"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def ensure_pg_database(url: str) -> None:
    """Create the PostgreSQL database of `url` if it does not exist (connecting to the `postgres` database)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def log(msg: str) -> None:
    print(msg, flush=True)


def scaled(n: int, scale: float) -> int:
    return max(1, round(n * scale))


def prepare_database(force: bool) -> None:
    """Refuse a database with non-bench data (unless --force); wipe a bench one; migrate."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    tables = connection.introspection.table_names()
    if tables:
        if "organizations_org" not in tables or "organizations_user" not in tables:
            foreign = f"{len(tables)} tables that are not a jiandu database"
        else:
            with connection.cursor() as c:
                c.execute("SELECT COUNT(*) FROM organizations_org WHERE substr(code, 1, 3) <> %s", [PREFIX])
                orgs = c.fetchone()[0]
                c.execute("SELECT COUNT(*) FROM organizations_user WHERE substr(username, 1, 3) <> %s", ["bn_"])
                users = c.fetchone()[0]
            foreign = f"{orgs} non-bench orgs and {users} non-bench users" if orgs or users else ""
        if foreign and not force:
            sys.exit(f"refusing: the database holds {foreign} (use --force to WIPE it)")
        log(f"wiping the existing database ({foreign or 'bench data only'})")
    if tables:
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                c.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        elif connection.vendor == "sqlite":
            name = str(settings.DATABASES["default"]["NAME"])
            connection.close()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(name + suffix).unlink(missing_ok=True)
            if name.startswith("/tmp/"):
                shutil.rmtree(Path(name).parent / "media", ignore_errors=True)
        else:
            sys.exit(f"unsupported database {connection.vendor}")
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"migrate: {time.perf_counter() - t:.1f} s")
    if connection.vendor == "sqlite":
        with connection.cursor() as c:  # a scratch database: durability does not matter
            c.execute("PRAGMA synchronous = OFF")
            c.execute("PRAGMA journal_mode = WAL")


class Timer:
    def __init__(self, table: str, total: int):
        self.table, self.total, self.done = table, total, 0
        self.t0 = time.perf_counter()
        self.next_report = max(1, total // 10)

    def add(self, n: int) -> None:
        self.done += n
        if self.done >= self.next_report and self.done < self.total:
            el = time.perf_counter() - self.t0
            log(f"  {self.table}: {self.done:,}/{self.total:,} ({self.done / el:,.0f} rows/s)")
            self.next_report += max(1, self.total // 10)

    def finish(self) -> tuple[str, int, float]:
        el = time.perf_counter() - self.t0
        log(f"{self.table}: {self.done:,} rows in {el:.1f} s ({self.done / max(el, 1e-9):,.0f} rows/s)")
        RESULTS.append((self.table, self.done, el))
        return self.table, self.done, el


RESULTS: list[tuple[str, int, float]] = []


FAST_MIN_ROWS = 5_000  # tables at least this big bypass bulk_create's per-value preparation (see insert)
USE_BULK_CREATE = False  # --bulk-create: every table through bulk_create (for comparison)


def _row_converter(model, with_pk: bool):
    """A function turning an instance into a tuple of database values, for the fast paths of insert():
    PostgreSQL COPY (psycopg adapts dates, decimals, booleans; JSON wrapped) or SQLite executemany (values
    adapted as Django's SQLite backend does: ISO dates, naive UTC datetimes, decimals as text)."""
    import json

    from django.db import connection, models
    from django.utils import timezone

    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    pg = connection.vendor == "postgresql"
    if pg:
        from psycopg.types.json import Jsonb
    now_db = now if pg else str(now.astimezone(UTC).replace(tzinfo=None))
    getters = []
    for f in fields:
        name = f.attname
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
            getters.append(lambda o, v=now_db: v)
        elif isinstance(f, models.JSONField):
            getters.append(
                (lambda o, n=name: Jsonb(getattr(o, n))) if pg else (lambda o, n=name: json.dumps(getattr(o, n)))
            )
        elif pg:
            getters.append(lambda o, n=name: getattr(o, n))
        elif isinstance(f, models.DateTimeField):
            getters.append(
                lambda o, n=name: (
                    None if getattr(o, n) is None else str(getattr(o, n).astimezone(UTC).replace(tzinfo=None))
                )
            )
        elif isinstance(f, models.DateField):
            getters.append(lambda o, n=name: None if getattr(o, n) is None else getattr(o, n).isoformat())
        elif isinstance(f, models.DecimalField):
            getters.append(lambda o, n=name: None if getattr(o, n) is None else str(getattr(o, n)))
        elif isinstance(f, models.BooleanField):
            getters.append(lambda o, n=name: int(getattr(o, n)))
        else:
            getters.append(lambda o, n=name: getattr(o, n))
    columns = [f.column for f in fields]

    def convert(obj):
        return tuple(g(obj) for g in getters)

    return columns, convert


def _write_fast(model, columns, convert, chunk) -> None:
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            with c.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for obj in chunk:
                    copy.write_row(convert(obj))
        else:
            marks = ", ".join("?" for _ in columns)
            c.connection.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", [convert(o) for o in chunk])


def insert(model, rows, total: int, label: str | None = None) -> None:
    """Insert the instances yielded by `rows` in chunks of CHUNK, in one transaction per chunk.

    Small tables go through bulk_create(batch_size=BATCH). Big ones (FAST_MIN_ROWS and up, explicit pks) skip
    the ORM's per-value preparation, which is most of bulk_create's time: COPY on PostgreSQL, executemany of
    plain tuples on SQLite. Every row still meets the tables' constraints (checked by the database)."""
    from django.db import connection, transaction

    timer = Timer(label or model._meta.db_table, total)
    fast = not USE_BULK_CREATE and total >= FAST_MIN_ROWS and connection.vendor in ("postgresql", "sqlite")
    converter = {}

    def flush(chunk):
        with transaction.atomic():
            if fast:
                if not converter:  # rows without a pk take the table's default (autoincrement / sequence)
                    converter["c"] = _row_converter(model, with_pk=chunk[0].pk is not None)
                columns, convert = converter["c"]
                _write_fast(model, columns, convert, chunk)
            else:
                model.objects.bulk_create(chunk, batch_size=BATCH)
        timer.add(len(chunk))

    chunk = []
    for obj in rows:
        chunk.append(obj)
        if len(chunk) >= CHUNK:
            flush(chunk)
            chunk = []
    if chunk:
        flush(chunk)
    timer.finish()


def build(scale: float, seed: int) -> None:
    from django.db import connection

    from jiandu.activities.enums import CONFIDENTIAL_METHODS
    from jiandu.activities.models import Activity, Topic
    from jiandu.organizations.enums import OrgKind, Role
    from jiandu.organizations.models import PATH_SEGMENT, Assignment, Org, RoleGrant, Site, User
    from jiandu.problems.models import Category, Problem, ProblemCounter, Severity
    from jiandu.problems.workflow import ensure_defaults
    from jiandu.stats.models import DataSet, DataSetIndicator, DataValue, Indicator, Period
    from jiandu.stats.periods import period_containing

    rnd = random.Random(seed)
    n_groups = scaled(FULL["groups"], scale)
    per_dept = FULL["units_per_department"]
    n_sites = scaled(FULL["sites"], scale)
    n_acts = scaled(FULL["activities"], scale)
    n_probs = scaled(FULL["problems"], scale)
    n_values = scaled(FULL["values"], scale)
    log(
        f"scale {scale:g}: {n_groups} groups, {n_groups * (1 + per_dept)} host orgs, {n_sites:,} sites, "
        f"{n_acts:,} activities, {n_probs:,} problems, {n_values:,} data values"
    )
    days_total = (END - START).days
    end_ord = END.toordinal()
    start_ord = START.toordinal()

    def seg(pk: int) -> str:
        return f"{pk:0{PATH_SEGMENT}d}/"

    # --- Orgs: commission, office, groups under the commission, departments (roots) with their units. ---
    orgs: list = []
    orgs.append(Org(id=1, kind=OrgKind.COMMISSION, code=PREFIX + "JW", name="省纪委监委（基准）", path=seg(1), depth=0))
    orgs.append(
        Org(id=2, kind=OrgKind.OFFICE, parent_id=1, code=PREFIX + "PZS", name="派驻机构管理室", path=seg(1) + seg(2))
    )
    orgs[-1].depth = 1
    next_id = 3
    group_ids, dept_ids, units_of_group = [], [], []
    for g in range(n_groups):
        dept_name = f"{DEPT_NAMES[g % len(DEPT_NAMES)]}{g + 1}"
        gid = next_id
        orgs.append(
            Org(
                id=gid,
                kind=OrgKind.GROUP,
                parent_id=1,
                code=f"{PREFIX}G{g + 1:03d}",
                name=f"驻省{dept_name}纪检监察组",
                short_name=f"驻{dept_name}组",
                path=seg(1) + seg(gid),
                depth=1,
                sort_order=10 + g,
            )
        )
        did = gid + 1
        orgs.append(
            Org(
                id=did,
                kind=OrgKind.DEPARTMENT,
                code=f"{PREFIX}D{g + 1:03d}",
                name=f"省{dept_name}",
                short_name=dept_name,
                path=seg(did),
                depth=0,
                sort_order=1000 + g,
            )
        )
        units = []
        for u in range(per_dept):
            uid = did + 1 + u
            orgs.append(
                Org(
                    id=uid,
                    kind=OrgKind.UNIT,
                    parent_id=did,
                    code=f"{PREFIX}U{g + 1:03d}-{u + 1:02d}",
                    name=f"{DISTRICTS[u % len(DISTRICTS)]}{dept_name}分局",
                    path=seg(did) + seg(uid),
                    depth=1,
                    sort_order=u,
                )
            )
            units.append(uid)
        next_id = did + 1 + per_dept
        group_ids.append(gid)
        dept_ids.append(did)
        units_of_group.append(units)
    insert(Org, orgs, len(orgs))
    insert(
        Assignment,
        (Assignment(group_id=gid, org_id=did, note="基准数据") for gid, did in zip(group_ids, dept_ids, strict=True)),
        n_groups,
    )

    # --- Users: a leader and two members per group, a liaison per department (unusable password). ---
    users, grants = [], []
    leader_of, members_of = [], []
    uid = 1
    for g, (gid, did) in enumerate(zip(group_ids, dept_ids, strict=True)):
        ids = []
        for suffix, role in (
            ("leader", Role.GROUP_LEADER),
            ("member1", Role.GROUP_MEMBER),
            ("member2", Role.GROUP_MEMBER),
        ):
            users.append(User(id=uid, username=f"bn_g{g + 1:03d}_{suffix}", full_name=f"组{g + 1}{suffix}", org_id=gid))
            grants.append(RoleGrant(user_id=uid, role=role, org_id=gid))
            ids.append(uid)
            uid += 1
        leader_of.append(ids[0])
        members_of.append(ids)
        users.append(User(id=uid, username=f"bn_d{g + 1:03d}_liaison", full_name=f"联络员{g + 1}", org_id=did))
        grants.append(RoleGrant(user_id=uid, role=Role.LIAISON, org_id=did))
        uid += 1
    for u in users:
        u.password = "!bench"  # unusable
    insert(User, users, len(users))
    insert(RoleGrant, grants, len(grants))

    # --- Sites: spread round-robin over all units. ---
    all_units = [u for units in units_of_group for u in units]
    n_units = len(all_units)
    site_weights = [w for _, _, w in SITE_TYPES]

    def sites():
        for i in range(n_sites):
            st, label, _ = rnd.choices(SITE_TYPES, weights=site_weights)[0]
            unit = all_units[i % n_units]
            yield Site(
                id=i + 1,
                site_type=st,
                code=f"{PREFIX}S{i + 1:07d}",
                name=f"{rnd.choice(DISTRICTS)}第{i + 1}{label}",
                address=f"{rnd.choice(DISTRICTS)}{rnd.randint(1, 999)}号",
                responsible_org_id=unit,
                longitude=Decimal(f"{rnd.uniform(122, 131):.6f}"),
                latitude=Decimal(f"{rnd.uniform(41, 46):.6f}"),
            )

    insert(Site, sites(), n_sites)

    def site_of_unit(unit_index: int) -> int | None:
        """A random site pk of the unit at all_units[unit_index] (sites i with i % n_units == unit_index)."""
        count = (n_sites - unit_index + n_units - 1) // n_units
        if count <= 0:
            return None
        return unit_index + n_units * rnd.randrange(count) + 1

    unit_index = {u: i for i, u in enumerate(all_units)}

    # --- Activities, with their topics, target orgs and sites. ---
    topics = list(Topic.objects.order_by("id").values_list("id", flat=True))
    methods = [m for m, _ in METHOD_WEIGHTS]
    m_weights = [w for _, w in METHOD_WEIGHTS]
    act_group = array("i", bytes(4 * (n_acts + 1)))  # index by pk: group index
    act_last = array("i", bytes(4 * (n_acts + 1)))  # last date ordinal
    act_unit = array("i", bytes(4 * (n_acts + 1)))  # target unit pk
    act_site = array("i", bytes(4 * (n_acts + 1)))  # site pk or 0
    links_topic, links_org, links_site = [], [], []

    def activities():
        for pk in range(1, n_acts + 1):
            g = rnd.randrange(n_groups)
            method = rnd.choices(methods, weights=m_weights)[0]
            start = START + timedelta(days=rnd.randrange(days_total - 30))  # ranges end by END
            end, days = None, 0
            if method == "stationed":
                days = rnd.randint(2, 30)
                end = start + timedelta(days=days - 1)
            elif method == "special" and rnd.random() < 0.5:
                end = start + timedelta(days=rnd.randint(1, 5))
            unit = rnd.choice(units_of_group[g])
            site = site_of_unit(unit_index[unit]) if method not in ("talk", "video", "online") else None
            place = rnd.choice(PLACES)
            act_group[pk], act_unit[pk], act_site[pk] = g, unit, site or 0
            act_last[pk] = (end or start).toordinal()
            for t in rnd.sample(topics, rnd.choice((1, 1, 2))):
                links_topic.append((pk, t))
            links_org.append((pk, unit))
            if site:
                links_site.append((pk, site))
            leader = leader_of[g]
            yield Activity(
                id=pk,
                code=f"HD{pk:07d}",
                group_id=group_ids[g],
                method=method,
                title=f"{rnd.choice(ACTIONS)}{place}{rnd.choice(MATTERS)}情况",
                start_date=start,
                end_date=end,
                days=days,
                leader_id=leader,
                summary=f"对{place}{rnd.choice(MATTERS)}开展{rnd.choice(ACTIONS)}。",
                findings=f"{rnd.choice(MATTERS)}{rnd.choice(DEFECTS)}" if rnd.random() < 0.4 else "",
                confidential=method in CONFIDENTIAL_METHODS,
                created_by_id=rnd.choice(members_of[g]),
            )

    insert(Activity, activities(), n_acts)
    through = Activity.topics.through
    insert(through, (through(activity_id=a, topic_id=t) for a, t in links_topic), len(links_topic))
    through = Activity.target_orgs.through
    insert(through, (through(activity_id=a, org_id=o) for a, o in links_org), len(links_org))
    through = Activity.sites.through
    insert(through, (through(activity_id=a, site_id=s) for a, s in links_site), len(links_site))
    for links in (links_topic, links_org, links_site):
        links.clear()

    # --- Problems: 60 % from an activity of the group (registered just after it), the rest registered directly. ---
    ensure_defaults()
    categories = list(Category.objects.order_by("id").values_list("id", flat=True))
    severities = list(Severity.objects.order_by("level").values_list("id", flat=True))
    sev_weights = [60, 30, 10, 5, 2, 1][: len(severities)]
    seq_of_year: dict[int, int] = {}

    def problems():
        for pk in range(1, n_probs + 1):
            from_activity = rnd.random() < 0.6
            if from_activity:
                a = rnd.randint(1, n_acts)
                g, unit, site = act_group[a], act_unit[a], act_site[a] or None
                reg_ord = min(act_last[a] + rnd.randint(0, 3), end_ord)
            else:
                a = None
                g = rnd.randrange(n_groups)
                unit = rnd.choice(units_of_group[g])
                site = site_of_unit(unit_index[unit]) if rnd.random() < 0.7 else None
                reg_ord = start_ord + rnd.randrange(days_total)
            registered = date.fromordinal(reg_ord)
            seq_of_year[registered.year] = seq = seq_of_year.get(registered.year, 0) + 1
            span = rnd.randint(7, 30)
            deadline = registered + timedelta(days=span)
            mode, mode_days = ("date", None) if rnd.random() < 0.7 else ("calendar_days", span)
            age = end_ord - reg_ord
            r = rnd.random()
            if r < (0.9 if age > 60 else 0.35):
                status = "closed"
                closed = min(registered + timedelta(days=rnd.randint(1, span + 15)), END)
            else:
                status = rnd.choices(
                    ["open", "in_progress", "submitted", "returned", "reopened"], weights=[30, 40, 15, 10, 5]
                )[0]
                closed = None
            overdue = status != "closed" and deadline < END
            repeat_of = rnd.randint(1, pk - 1) if pk > 1 and rnd.random() < 0.03 else None
            yield Problem(
                id=pk,
                number=f"WT-{registered.year}-{seq:04d}",
                group_id=group_ids[g],
                source_kind="activity" if from_activity else "direct",
                source_activity_id=a,
                description=f"{rnd.choice(PLACES)}{rnd.choice(MATTERS)}{rnd.choice(DEFECTS)}。",
                category_id=rnd.choice(categories),
                severity_id=rnd.choices(severities, weights=sev_weights)[0],
                site_id=site,
                found_org_id=unit,
                responsible_org_id=unit,
                root_cause=rnd.choice(CAUSES) if status == "closed" else "",
                registered_on=registered,
                deadline=deadline,
                deadline_mode=mode,
                deadline_days=mode_days,
                status=status,
                closed_on=closed,
                is_repeat=repeat_of is not None,
                repeat_of_id=repeat_of,
                urge_level=rnd.choice(("urge", "directive")) if overdue else "",
                urge_count=rnd.randint(1, 3) if overdue else 0,
                created_by_id=rnd.choice(members_of[g]),
            )

    insert(Problem, problems(), n_probs)
    ProblemCounter.objects.bulk_create([ProblemCounter(year=y, last_seq=s) for y, s in sorted(seq_of_year.items())])

    # --- Statistics: 10 indicators, a weekly data set per group reported by its department and units. ---
    insert(
        Indicator,
        (Indicator(id=i + 1, code=c, name=n, unit=u) for i, (c, n, u) in enumerate(INDICATORS)),
        len(INDICATORS),
    )
    n_ind = len(INDICATORS)
    insert(
        DataSet,
        (
            DataSet(id=g + 1, name="疫情防控工作周报", group_id=gid, frequency="weekly", start_date=START)
            for g, gid in enumerate(group_ids)
        ),
        n_groups,
    )
    insert(
        DataSetIndicator,
        (
            DataSetIndicator(dataset_id=g + 1, indicator_id=i + 1, sort_order=i)
            for g in range(n_groups)
            for i in range(n_ind)
        ),
        n_groups * n_ind,
    )
    reporters = [[dept_ids[g], *units_of_group[g]] for g in range(n_groups)]
    through = DataSet.reporting_orgs.through
    insert(
        through,
        (through(dataset_id=g + 1, org_id=o) for g in range(n_groups) for o in reporters[g]),
        sum(len(r) for r in reporters),
    )
    per_period = n_groups * (1 + per_dept) * n_ind
    n_weeks_max = days_total // 7
    n_periods = min(n_weeks_max, math.ceil(n_values / per_period))
    first = period_containing("weekly", START + timedelta(days=7))
    periods = []
    for w in range(n_periods):
        key = period_containing("weekly", first.start_date + timedelta(weeks=w))
        periods.append(
            Period(
                id=w + 1, kind="weekly", code=key.code, start_date=key.start_date, end_date=key.end_date, name=key.name
            )
        )
    insert(Period, periods, n_periods)
    if n_periods * per_period < n_values:
        log(f"  note: {n_periods * per_period:,} data values fit in {n_periods} weeks (wanted {n_values:,})")
    n_values = min(n_values, n_periods * per_period)
    liaison_of_group = [leader_of[g] + 3 for g in range(n_groups)]
    base = [[rnd.randint(5, 500) for _ in range(n_ind)] for _ in range(n_groups)]

    def values():
        made = 0
        for w, period in enumerate(periods):
            at = datetime.combine(period.end_date + timedelta(days=1), datetime.min.time(), UTC) + timedelta(hours=2)
            for g in range(n_groups):
                for org in reporters[g]:
                    for i in range(n_ind):
                        if made >= n_values:
                            return
                        made += 1
                        yield DataValue(
                            dataset_id=g + 1,
                            indicator_id=i + 1,
                            org_id=org,
                            period_id=w + 1,
                            value=Decimal(rnd.randint(0, base[g][i])),
                            entered_by_id=liaison_of_group[g],
                            entered_at=at,
                        )

    insert(DataValue, values(), n_values)

    # --- Sequences after explicit primary keys (PostgreSQL). ---
    if connection.vendor == "postgresql":
        from django.apps import apps
        from django.core.management.color import no_style

        models = [
            m for m in apps.get_models() if m._meta.app_label in ("organizations", "activities", "problems", "stats")
        ]
        with connection.cursor() as c:
            for stmt in connection.ops.sequence_reset_sql(no_style(), models):
                c.execute(stmt)
        with connection.cursor() as c:
            c.execute("ANALYZE")


def main() -> None:
    args = ARGS
    url = os.environ["DATABASE_URL"]
    if url.startswith(("postgres://", "postgresql://")):
        ensure_pg_database(url)
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log: millions of statements
    global USE_BULK_CREATE
    USE_BULK_CREATE = args.bulk_create

    name = str(settings.DATABASES["default"]["NAME"])
    if Path(name).resolve() == (BASE_DIR / "var" / "jiandu.sqlite3").resolve() and not args.force:
        sys.exit("refusing to build bench data in var/jiandu.sqlite3 (the developer database)")
    log(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} {name}")
    t0 = time.perf_counter()
    prepare_database(args.force)
    build(args.scale, args.seed)
    total = time.perf_counter() - t0
    rows = sum(n for _, n, _ in RESULTS)
    log(f"total: {rows:,} rows in {total:.1f} s ({rows / total:,.0f} rows/s overall, migrate included)")


if __name__ == "__main__":
    main()
