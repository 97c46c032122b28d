"""Province-scale synthetic data generator (issue 9, DESIGN §10).

    bench/generate --scale S [--database-url URL] [--seed N] [--force] [--bulk-create]

At S=1: 200 groups, 2,000 host orgs (200 departments, one per group, and 1,800 units under them), 100,000 sites
(+ one hotline site per group), 1,000,000 activities, 1,000,000 problems, 5,000,000 data values, 100,000
documents, 50,000 covert test calls, 20,000 hotline cases; every count scales linearly with S (at least one of
each). The same scale and seed always give the same rows (one seeded `random.Random`, explicit primary keys,
generated in a fixed order; only created_at/updated_at/granted_at carry the build time).

Accounts (all with the unusable password "!bench"; log in with force_login or set a password by hand):
    id 1 bn_leader    commission_leader on the commission (org 1): reads everything, province-wide pages
    id 2 bn_staff     office_staff on 派驻机构管理室 (org 2)
    id 3 bn_sysadmin  system_admin on the commission (org 1)
    then per group g (001…): bn_g<g>_leader (group_leader), bn_g<g>_member1/2 (group_member), and
    bn_d<g>_liaison (liaison of the group's department, whose subtree holds its units).
Orgs: 1 the commission, 2 the office, then per group: the group, its department, its 9 units.

Database: by default a scratch SQLite file /tmp/jiandu-bench/bench-S<scale>.sqlite3 — never var/jiandu.sqlite3.
DATABASE_URL is set below before `django.setup()`; with --database-url a PostgreSQL database is created
(psycopg) if missing. The script migrates the database itself. A database that already holds bench data only
(every org code starts with "BN-", every username with "bn_") is wiped and rebuilt; one holding any other data,
or tables that are not jiandu's, is refused unless --force, which WIPES it (deletes the SQLite file / drops the
PostgreSQL public schema) before building.

This is synthetic bench data: rows are written in chunks, never one ORM save per row, and NO audit events,
timeline events (activity, problem, document, hotline case) or notifications are written for them. Small
tables go through bulk_create(batch_size=…); tables of 5,000 rows and more skip the ORM's per-value
preparation (two thirds of bulk_create's time): COPY on PostgreSQL, executemany of plain tuples on SQLite
(--bulk-create forces bulk_create everywhere, for comparison); the biggest (links, data values, urges,
rectifications, recipients) are even generated as plain tuples, without model instances. Primary keys are
explicit where other rows point at them (the database is empty), and the PostgreSQL sequences are reset after.

Distributions: methods weighted toward phone checks and on-site checks; stationed activities carry a date range
and their days; confidential is exactly covert/unannounced (the DB constraint); dates 2022-01-01…2026-10-31;
ids follow the dates as a ledger grows (an activity recorded within a fortnight of its start, problems in the
order registered; their codes and numbers too); problems mostly closed (closed_on after registration), the rest
open/in progress/submitted/returned, so that older open ones are overdue; deadlines registration + 7–30 days
(some given as N calendar days); 3 % repeats (屡查屡犯); texts drawn from small Chinese vocabularies; data
values weekly per org and indicator.

- Campaigns (专项监督): 3 province-wide ones a year (group NULL, by bn_staff) and 1–2 per group and year (scope:
  the department); ~22 % of activities belong to one of their group's or the province's campaigns running on
  their start date.
- Urges (催办, ~0.45 per problem): the daily job's ladder (problems.urging) for problems not closed, while the
  liaison had to act (a submitted one until its submission): 提示 3 days before the deadline, 催办/督办单/问题
  通报 at 1/7/15 days overdue (by NULL, at 06:30), plus 1–2 manual 催办 by a member on 30 % of the overdue.
  urge_count = the rows, urge_level = the highest (so most overdue open problems are at 问题通报),
  last_auto_urge_on = the last automatic step. ~1 in 10 督办单 steps (1 in 20 通报) has the document the leader
  drafted (Urge.document, a directive/bulletin document to the responsible unit, ≤ a quarter of all
  documents). Closed problems have no urging history.
- Rectifications (整改报告, ~1.2 per problem): the liaison's submission (submitted=True) of every submitted,
  closed (0–3 days before closing), returned and reopened problem; a progress report before it for 25 %, and
  for half of the problems in progress.
- Documents: kinds notice 30 %, reminder 25 %, recommendation 15 %, opinion 15 %, bulletin 10 %, directive 5 %
  (+ the urge-linked ones); ~3 % drafts of the last two months (no reply deadline yet: one before the day of
  issuing would block document_issue), the rest issued on a uniform date, numbered per group and year in issue
  order without gaps (吉纪驻卫生二〔2022〕3号, prefixes in Chinese numerals), the NumberingRule and
  NumberingCounter rows matching. Recipients: the department (建议书, 意见建议), the
  department and 0–3 units (通知, 提示函), 1–3 units (通报), one unit (督办单). A reply is asked (15–30 days;
  督办单 5–10) for all 建议书/督办单, 80 % 通报, 70 % 意见建议, 60 % 提示函, 30 % 通知. Recipients acknowledge
  0–5 days after issue and reply 40–125 % of the time allowed after that (~1 in 3 late), 4 % of documents have a
  recipient that never finishes; the document's status follows them (issued/received/replied) and 92 % of
  replied ones (70 % of the received ones that ask no reply) are closed 1–12 days later. Result: ~78 % closed,
  ~11 % received, ~5 % replied, ~2 % issued, ~3 % drafts. Receipts and replies by the department liaison.
- Hotlines: one per group, run by its department, on its hotline site. Test calls: uniform dates; those dated
  in the two weeks after 2026-10-31 (and half of the last three days before) are still planned; 88 % connected
  (wait ~22 s on average, exponential, so ~6 % over 60 s), answers 90 % correct, scores 1–5 weighted to 4.
  Hotline cases: numbered per hotline and year in order of the call (2022-0001, HotlineCounter matching),
  mostly closed (assigned → answered → called back → closed), a few recent ones still received/assigned;
  callers' name and phone left blank (their SM4 ciphertext would differ on every build); no case or call was
  turned into a problem.

Not generated (named in issue 9's closing note as owed): timeline events of any kind (a 'created' event per
problem alone would be 1M rows, and a closed problem showing only 登记 would mislead), audit events, sampling
plans/draws/checks, stocks, approvals, validation rules,
activity participants, site attributes (but the hotline sites'), attachments, urging history of closed
problems, problems from documents/checks/hotline; problem numbers are per year but not in date order within a
year.
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
    "documents": 100_000,
    "test_calls": 50_000,
    "hotline_cases": 20_000,
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


# Documents: (kind, weight, share that asks for a reply).
DOC_KINDS = [
    ("recommendation", 15, 1.0),
    ("notice", 30, 0.3),
    ("reminder", 25, 0.6),
    ("bulletin", 10, 0.8),
    ("opinion", 15, 0.7),
    ("directive", 5, 1.0),
]
DOC_TITLES = {
    "recommendation": "关于{matter}的监督建议书",
    "notice": "关于做好{matter}工作的通知",
    "reminder": "关于{matter}的监督提示函",
    "bulletin": "关于{place}{matter}问题的通报",
    "opinion": "关于{place}{matter}的意见建议",
    "directive": "关于督促{place}{matter}问题整改的督办单",
}
# Prefixes of document numbers (机关代字): no digits allowed, so a group's index is spelt in Chinese numerals.
CN_DIGITS = "〇一二三四五六七八九"
REPLIES = [
    "已召开专题会议研究部署，逐项制定整改措施，现将落实情况报告如下。",
    "已按要求完成整改，相关制度已修订完善。",
    "已组织全面自查，发现的问题已立行立改。",
    "已明确责任人和完成时限，整改工作正在推进。",
    "已对相关责任人进行批评教育，并举一反三开展排查。",
]
MEASURES = [
    "完善工作台账，落实日报告制度",
    "加强人员培训，明确岗位职责",
    "补充配备防控物资，建立出入库登记",
    "调整值班安排，落实24小时值守",
    "开展专项排查，建立问题清单",
    "修订管理制度，压实主体责任",
]
TEST_QUESTIONS = [
    "咨询春耕种子补贴申领条件",
    "咨询返乡人员隔离政策",
    "反映小区物资配送不及时",
    "咨询核酸检测点位置和时间",
    "咨询农资运输通行证办理",
    "咨询企业复工复产审批流程",
]
CASE_CATEGORIES = [("政策咨询", 40), ("投诉举报", 25), ("求助", 20), ("意见建议", 15)]
CAMPAIGN_THEMES = ["疫情防控", "备春耕生产", "物资保障", "安全生产", "作风建设", "惠民政策落实"]


PROBLEM_STATUSES = ["open", "in_progress", "submitted", "returned", "closed", "reopened"]
# The daily job's escalation (problems.urging): 提示 when the deadline is 3 days off (yellow), then 催办, 督办单
# and 问题通报 at 1, 7 and 15 days overdue; (days after the deadline, level).
URGE_LADDER = [(-3, "remind"), (1, "urge"), (7, "directive"), (15, "bulletin")]


def urge_steps(deadline_ord: int, stop_ord: int) -> list[tuple[int, str]]:
    """The automatic urges (date ordinal, level) of a problem urgeable until stop_ord."""
    return [(deadline_ord + d, level) for d, level in URGE_LADDER if deadline_ord + d <= stop_ord]


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


def _adapter(f, pg: bool):
    """A function turning a Python value of field `f` into what the fast paths write, or None (as is):
    PostgreSQL COPY (psycopg adapts dates, decimals, booleans; JSON wrapped) or SQLite executemany (values
    adapted as Django's SQLite backend does: ISO dates, naive UTC datetimes, decimals as text, 0/1)."""
    import json

    from django.db import models

    from jiandu.core.crypto import EncryptedTextField

    if isinstance(f, EncryptedTextField):  # ciphertext, as the field writes it (blank stays blank)
        return f.get_prep_value
    if isinstance(f, models.JSONField):
        if pg:
            from psycopg.types.json import Jsonb

            return Jsonb
        return json.dumps
    if pg:
        return None
    if isinstance(f, models.DateTimeField):
        return lambda v: None if v is None else str(v.astimezone(UTC).replace(tzinfo=None))
    if isinstance(f, models.DateField):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(f, models.DecimalField):
        return lambda v: None if v is None else str(v)
    if isinstance(f, models.BooleanField):
        return lambda v: None if v is None else int(v)
    return None


def _now_db(pg: bool):
    from django.utils import timezone

    now = timezone.now()
    return now if pg else str(now.astimezone(UTC).replace(tzinfo=None))


def _is_auto_time(f) -> bool:
    from django.db import models

    return isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add)


def _row_converter(model, with_pk: bool):
    """Columns and a function turning an instance into a tuple of database values (see _adapter)."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if (with_pk or not f.primary_key) and not f.generated]
    pg = connection.vendor == "postgresql"
    now_db = _now_db(pg)
    getters = []
    for f in fields:
        name, adapt = f.attname, _adapter(f, pg)
        if _is_auto_time(f):
            getters.append(lambda o, v=now_db: v)
        elif adapt is None:
            getters.append(lambda o, n=name: getattr(o, n))
        else:
            getters.append(lambda o, n=name, a=adapt: a(getattr(o, n)))
    columns = [f.column for f in fields]

    def convert(obj):
        return tuple(g(obj) for g in getters)

    return columns, convert


def _tuple_converter(model, names: tuple[str, ...]):
    """Columns and a function turning a tuple of values of the fields `names` (attnames) into database values;
    the other fields (but the pk, unless named) take their default (auto_now: now)."""
    from django.db import connection

    pg = connection.vendor == "postgresql"
    named = [model._meta.get_field(n) for n in names]
    adapters = [_adapter(f, pg) for f in named]
    rest = [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated and f not in named]
    now_db = _now_db(pg)
    tail = []
    for f in rest:
        adapt = _adapter(f, pg)
        value = now_db if _is_auto_time(f) else f.get_default()
        tail.append(value if _is_auto_time(f) or adapt is None else adapt(value))
    tail = tuple(tail)
    columns = [f.column for f in named] + [f.column for f in rest]

    def convert(row):
        return tuple([v if a is None else a(v) for a, v in zip(adapters, row, strict=True)]) + tail

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


def insert(model, rows, total: int, label: str | None = None, fields: tuple[str, ...] | None = None) -> None:
    """Insert the instances yielded by `rows` in chunks of CHUNK, in one transaction per chunk.

    Small tables go through bulk_create(batch_size=BATCH). Big ones (FAST_MIN_ROWS and up, explicit pks) skip
    the ORM's per-value preparation, which is most of bulk_create's time: COPY on PostgreSQL, executemany of
    plain tuples on SQLite. Every row still meets the tables' constraints (checked by the database).

    With `fields` (attnames), `rows` yields plain tuples of those fields' values instead of instances, the other
    fields taking their defaults: the biggest tables skip building millions of model instances (most of the
    remaining time); the bulk_create path builds the instances from them."""
    from django.db import connection, transaction

    timer = Timer(label or model._meta.db_table, total)
    fast = not USE_BULK_CREATE and total >= FAST_MIN_ROWS and connection.vendor in ("postgresql", "sqlite")
    converter = {}

    def flush(chunk):
        with transaction.atomic():
            if fast:
                if not converter:  # rows without a pk take the table's default (autoincrement / sequence)
                    if fields:
                        converter["c"] = _tuple_converter(model, fields)
                    else:
                        converter["c"] = _row_converter(model, with_pk=chunk[0].pk is not None)
                columns, convert = converter["c"]
                _write_fast(model, columns, convert, chunk)
            elif fields:
                objs = [model(**dict(zip(fields, row, strict=True))) for row in chunk]
                model.objects.bulk_create(objs, batch_size=BATCH)
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
    from jiandu.activities.models import Activity, Campaign, Topic
    from jiandu.documents.models import Document, DocumentRecipient, NumberingCounter, NumberingRule
    from jiandu.hotline.models import Hotline, HotlineCase, HotlineCounter, TestCall
    from jiandu.organizations.enums import OrgKind, Role
    from jiandu.organizations.models import PATH_SEGMENT, Assignment, Org, RoleGrant, Site, User
    from jiandu.problems.models import Category, Problem, ProblemCounter, Rectification, Severity, Urge
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
    group_ids, dept_ids, units_of_group, dept_names = [], [], [], []
    for g in range(n_groups):
        dept_name = f"{DEPT_NAMES[g % len(DEPT_NAMES)]}{g + 1}"
        dept_names.append(dept_name)
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

    # --- Users: the commission accounts (ids 1–3), then a leader and two members per group and a liaison per
    # department (unusable password). ---
    users = [
        User(id=1, username="bn_leader", full_name="委领导（基准）", org_id=1),
        User(id=2, username="bn_staff", full_name="派驻机构管理室（基准）", org_id=2),
        User(id=3, username="bn_sysadmin", full_name="系统管理员（基准）", org_id=1),
    ]
    grants = [
        RoleGrant(user_id=1, role=Role.COMMISSION_LEADER, org_id=1),
        RoleGrant(user_id=2, role=Role.OFFICE_STAFF, org_id=2),
        RoleGrant(user_id=3, role=Role.SYSTEM_ADMIN, org_id=1),
    ]
    leader_of, members_of, liaison_of = [], [], []
    uid = 4
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
        liaison_of.append(uid)
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

    # --- One hotline site per group (type hotline, of the department), after the n_sites ordinary ones. ---
    hotline_phone = [f"0431-8{6000000 + g:07d}" for g in range(n_groups)]
    hotline_hours = "8:30-17:00"
    insert(
        Site,
        (
            Site(
                id=n_sites + g + 1,
                site_type="hotline",
                code=f"{PREFIX}H{g + 1:03d}",
                name=f"{dept_names[g]}服务热线",
                address=DISTRICTS[g % len(DISTRICTS)],
                responsible_org_id=dept_ids[g],
                attributes={"phone": hotline_phone[g], "service_hours": hotline_hours},
            )
            for g in range(n_groups)
        ),
        n_groups,
        label="organizations_site (hotlines)",
    )

    # --- Campaigns: three province-wide ones a year (the office's, group NULL) and one or two per group. ---
    topics = list(Topic.objects.order_by("id").values_list("id", flat=True))
    campaigns, scope_links = [], []
    camp_province: list[tuple[int, int, int]] = []  # (start ordinal, end ordinal, pk)
    camp_of_group: list[list[tuple[int, int, int]]] = [[] for _ in range(n_groups)]
    for year in range(START.year, END.year + 1):
        for k in range(3):
            start = date(year, 1 + 4 * k, rnd.randint(1, 20))
            if start > END:
                continue
            end = min(start + timedelta(days=rnd.randint(60, 110)), END)
            theme = rnd.choice(CAMPAIGN_THEMES)
            pk = len(campaigns) + 1
            campaigns.append(
                Campaign(
                    id=pk,
                    group_id=None,
                    title=f"{year}年全省{theme}专项监督（第{k + 1}轮）",
                    topic_id=rnd.choice(topics),
                    start_date=start,
                    end_date=end,
                    description=f"各纪检监察组聚焦{theme}，重点检查{rnd.choice(MATTERS)}和{rnd.choice(MATTERS)}情况。",
                    planned_checks=rnd.randint(20, 60) * 100,
                    planned_sites=rnd.randint(10, 40) * 100,
                    planned_days=rnd.randint(10, 30) * 10,
                    created_by_id=2,
                )
            )
            camp_province.append((start.toordinal(), end.toordinal(), pk))
        for g in range(n_groups):
            for k in range(rnd.choice((1, 2, 2))):
                start = date(year, 1 + 6 * k + rnd.randrange(5), rnd.randint(1, 28))
                if start > END:
                    continue
                end = min(start + timedelta(days=rnd.randint(30, 90)), END)
                theme = rnd.choice(CAMPAIGN_THEMES)
                pk = len(campaigns) + 1
                campaigns.append(
                    Campaign(
                        id=pk,
                        group_id=group_ids[g],
                        title=f"{year}年{dept_names[g]}{theme}专项监督（第{k + 1}批）",
                        topic_id=rnd.choice(topics),
                        start_date=start,
                        end_date=end,
                        description=f"对{dept_names[g]}系统{rnd.choice(MATTERS)}开展专项监督。",
                        planned_checks=rnd.randint(5, 50) * 10,
                        planned_sites=rnd.randint(5, 30) * 10,
                        planned_days=rnd.randint(5, 60),
                        created_by_id=leader_of[g],
                    )
                )
                camp_of_group[g].append((start.toordinal(), end.toordinal(), pk))
                scope_links.append((pk, dept_ids[g]))
    insert(Campaign, campaigns, len(campaigns))
    through = Campaign.scope_orgs.through
    insert(through, (through(campaign_id=c, org_id=o) for c, o in scope_links), len(scope_links))

    # --- Activities, with their topics, target orgs and sites; about a quarter are part of a campaign. ---
    methods = [m for m, _ in METHOD_WEIGHTS]
    m_weights = [w for _, w in METHOD_WEIGHTS]
    act_group = array("i", bytes(4 * (n_acts + 1)))  # index by pk: group index
    act_last = array("i", bytes(4 * (n_acts + 1)))  # last date ordinal
    act_unit = array("i", bytes(4 * (n_acts + 1)))  # target unit pk
    act_site = array("i", bytes(4 * (n_acts + 1)))  # site pk or 0
    links_topic, links_org, links_site = [], [], []

    # Numbered as a ledger grows: an activity is recorded within a fortnight of its start, so ids (and codes)
    # follow the start dates, give or take two weeks — not shuffled over five years, which would put every
    # activity of a month on a different page of every table.
    starts = sorted(
        (day + rnd.randrange(15), day) for day in (rnd.randrange(days_total - 30) for _ in range(n_acts))
    )  # ranges end by END
    start_days = array("i", (day for _entered, day in starts))
    del starts

    def activities():
        for pk in range(1, n_acts + 1):
            g = rnd.randrange(n_groups)
            method = rnd.choices(methods, weights=m_weights)[0]
            start = START + timedelta(days=start_days[pk - 1])
            end, days = None, 0
            if method == "stationed":
                days = rnd.randint(2, 30)
                end = start + timedelta(days=days - 1)
            elif method == "special" and rnd.random() < 0.5:
                end = start + timedelta(days=rnd.randint(1, 5))
            campaign = None
            if rnd.random() < 0.3:  # of its group's campaigns or the province's, running on its start date
                s = start.toordinal()
                running = [c for a, b, c in camp_of_group[g] if a <= s <= b] + [
                    c for a, b, c in camp_province if a <= s <= b
                ]
                campaign = rnd.choice(running) if running else None
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
                campaign_id=campaign,
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
    insert(Activity.topics.through, links_topic, len(links_topic), fields=("activity_id", "topic_id"))
    insert(Activity.target_orgs.through, links_org, len(links_org), fields=("activity_id", "org_id"))
    insert(Activity.sites.through, links_site, len(links_site), fields=("activity_id", "site_id"))
    for links in (links_topic, links_org, links_site):
        links.clear()

    # --- Problems: 60 % from an activity of the group (registered just after it), the rest registered directly. ---
    ensure_defaults()
    categories = list(Category.objects.order_by("id").values_list("id", flat=True))
    severities = list(Severity.objects.order_by("level").values_list("id", flat=True))
    sev_weights = [60, 30, 10, 5, 2, 1][: len(severities)]
    seq_of_year: dict[int, int] = {}
    # What the later tables (urges, rectifications, 督办单) need of each problem, indexed by pk.
    p_group = array("i", bytes(4 * (n_probs + 1)))
    p_unit = array("i", bytes(4 * (n_probs + 1)))
    p_reg = array("i", bytes(4 * (n_probs + 1)))
    p_deadline = array("i", bytes(4 * (n_probs + 1)))
    p_sub = array("i", bytes(4 * (n_probs + 1)))  # the (last) submission for verification, or 0
    p_stop = array("i", bytes(4 * (n_probs + 1)))  # the last day it could be urged, or 0: never urged
    p_status = array("b", bytes(n_probs + 1))  # index in PROBLEM_STATUSES
    p_manual = array("b", bytes(n_probs + 1))  # urges by hand on top of the daily job's ladder
    p_seq = array("i", bytes(4 * (n_probs + 1)))

    def found():
        """Where and when each problem was found, in the order they were registered (ids and numbers follow the
        dates, as they do in a ledger): (registered ordinal, activity or 0, group index, unit, site or 0)."""
        rows = []
        for _ in range(n_probs):
            if rnd.random() < 0.6:
                a = rnd.randint(1, n_acts)
                rows.append((min(act_last[a] + rnd.randint(0, 3), end_ord), a, act_group[a], act_unit[a], act_site[a]))
            else:
                g = rnd.randrange(n_groups)
                unit = rnd.choice(units_of_group[g])
                site = site_of_unit(unit_index[unit]) if rnd.random() < 0.7 else None
                rows.append((start_ord + rnd.randrange(days_total), 0, g, unit, site or 0))
        rows.sort()
        return rows

    def problems():
        for pk, (reg_ord, a, g, unit, site) in enumerate(found(), start=1):
            from_activity, a, site = bool(a), a or None, site or None
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
            deadline_ord = reg_ord + span
            # Submitted for verification: just before closing, or within the deadline (+ a little) otherwise.
            if status == "closed":
                sub = max(reg_ord, closed.toordinal() - rnd.randint(0, 3))
            elif status == "submitted":
                sub = min(end_ord, reg_ord + rnd.randint(1, span + 20))
            elif status in ("returned", "reopened"):
                sub = min(end_ord, reg_ord + rnd.randint(1, span))
            else:
                sub = 0
            # Urging: the daily job's ladder while the liaison has to act (closed problems: not generated).
            stop = 0 if status == "closed" else (sub - 1 if status == "submitted" else end_ord)
            steps = urge_steps(deadline_ord, stop) if stop else []
            manual = rnd.randint(1, 2) if steps and steps[-1][1] != "remind" and rnd.random() < 0.3 else 0
            p_group[pk], p_unit[pk], p_reg[pk], p_deadline[pk] = g, unit, reg_ord, deadline_ord
            p_sub[pk], p_stop[pk], p_status[pk], p_manual[pk], p_seq[pk] = (
                sub,
                stop,
                PROBLEM_STATUSES.index(status),
                manual,
                seq,
            )
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
                urge_level=steps[-1][1] if steps else "",
                urge_count=len(steps) + manual,
                last_auto_urge_on=date.fromordinal(steps[-1][0]) if steps else None,
                created_by_id=rnd.choice(members_of[g]),
            )

    insert(Problem, problems(), n_probs)
    ProblemCounter.objects.bulk_create([ProblemCounter(year=y, last_seq=s) for y, s in sorted(seq_of_year.items())])

    # --- Documents: numbered per group and year in issue order (吉纪驻卫〔2022〕3号), as document_issue does. ---
    def at_time(day: int) -> datetime:
        """A moment of office hours (09:00–17:00 in Beijing) on the day of ordinal `day`."""
        return datetime.fromordinal(day).replace(tzinfo=UTC) + timedelta(seconds=3600 + rnd.randrange(8 * 3600))

    def job_time(day: int) -> datetime:
        """06:30 in Beijing on the day of ordinal `day`, when the daily job runs."""
        return datetime.fromordinal(day).replace(tzinfo=UTC) - timedelta(hours=1, minutes=30)

    n_docs = scaled(FULL["documents"], scale)
    # spec: [issued ordinal or 0 (draft), created ordinal, kind, group index, recipient orgs, title, body,
    #        reply days or 0, aspects, items]
    specs: list[list] = []
    linked: dict[tuple[int, str], int] = {}  # (problem pk, urge level) → spec index: the drafted 督办单/通报
    max_linked = n_docs // 4
    for pk in range(1, n_probs + 1):
        if not p_stop[pk]:
            continue
        for day, level in urge_steps(p_deadline[pk], p_stop[pk]):
            if level not in ("directive", "bulletin") or len(linked) >= max_linked:
                continue
            if rnd.random() >= (0.12 if level == "directive" else 0.06):
                continue
            g = p_group[pk]
            number = f"WT-{date.fromordinal(p_reg[pk]).year}-{p_seq[pk]:04d}"
            issued = day + rnd.randint(0, 2)
            if level == "directive":
                title = f"关于督促整改{number}号问题的督办单"
                ask = "请于5日内完成整改并书面反馈整改情况。"
            else:
                title = f"关于{number}号问题整改不力情况的通报"
                ask = "现予通报，请认真剖析原因，压实整改责任，限期整改到位并书面反馈。"
            body = f"你单位{number}号问题已逾期{day - p_deadline[pk]}天，尚未整改到位。\n{ask}"
            linked[(pk, level)] = len(specs)
            specs.append([issued if issued <= end_ord else 0, day, level, g, [p_unit[pk]], title, body, 5, None, None])
    kinds = [k for k, _, _ in DOC_KINDS]
    kind_weights = [w for _, w, _ in DOC_KINDS]
    reply_share = {k: r for k, _, r in DOC_KINDS}
    for _ in range(max(0, n_docs - len(specs))):
        g = rnd.randrange(n_groups)
        kind = rnd.choices(kinds, weights=kind_weights)[0]
        units = units_of_group[g]
        if kind in ("recommendation", "opinion"):
            recipients = [dept_ids[g]]
        elif kind in ("notice", "reminder"):
            recipients = [dept_ids[g], *rnd.sample(units, rnd.choice((0, 0, 1, 2, 3)))]
        elif kind == "bulletin":
            recipients = rnd.sample(units, rnd.randint(1, 3))
        else:
            recipients = [rnd.choice(units)]
        if rnd.random() < 0.03:  # a draft of the last two months
            issued, created = 0, end_ord - rnd.randrange(60)
        else:
            issued = start_ord + rnd.randrange(days_total)
            created = issued - rnd.randint(0, 5)
        reply_days = 0
        if rnd.random() < reply_share[kind]:
            reply_days = rnd.randint(5, 10) if kind == "directive" else rnd.randint(15, 30)
        aspects = items = None
        if kind in ("recommendation", "reminder", "opinion"):
            aspects = rnd.randint(2, 6)
            items = aspects + rnd.randint(0, aspects * 2)
        place, matter = rnd.choice(PLACES), rnd.choice(MATTERS)
        title = DOC_TITLES[kind].format(place=place, matter=matter)
        body = f"经监督检查，发现{place}{matter}{rnd.choice(DEFECTS)}，主要原因是{rnd.choice(CAUSES)}。" + (
            f"请于{reply_days}日内书面反馈落实情况。" if reply_days else "请认真贯彻落实。"
        )
        specs.append([issued, created, kind, g, recipients, title, body, reply_days, aspects, items])
    # Primary keys in issue order (drafts last), so that numbers rise with the date as the numbering service gives.
    order = sorted(range(len(specs)), key=lambda i: (specs[i][0] == 0, specs[i][0] or specs[i][1], i))
    doc_pk_of_spec = array("i", bytes(4 * len(specs)))
    for pk, i in enumerate(order, start=1):
        doc_pk_of_spec[i] = pk
    prefixes = [
        f"吉纪驻{DEPT_NAMES[g % len(DEPT_NAMES)][:2]}{''.join(CN_DIGITS[int(c)] for c in str(g + 1))}"
        for g in range(n_groups)
    ]
    doc_counter: dict[tuple[int, int], int] = {}
    recipient_rows: list[tuple] = []  # DocumentRecipient values, in the order of the fields given to insert()
    doc_status_count: dict[str, int] = {}

    def documents():
        for pk, i in enumerate(order, start=1):
            issued, _created, kind, g, recipients, title, body, reply_days, aspects, items = specs[i]
            leader, liaison = leader_of[g], liaison_of[g]
            if not issued:
                status, number, year, seq, closed = "draft", None, None, None, None
                due = None  # set when it is issued (a date before the day it is issued would block issuing)
                for org in recipients:
                    recipient_rows.append((pk, org, "pending", None, None, None, None, ""))
            else:
                year = date.fromordinal(issued).year
                doc_counter[(g, year)] = seq = doc_counter.get((g, year), 0) + 1
                number = f"{prefixes[g]}〔{year}〕{seq}号"
                due = date.fromordinal(issued + reply_days) if reply_days else None
                stuck = rnd.random() < 0.04  # a recipient that never finishes
                states, last = [], issued
                for j, org in enumerate(recipients):
                    got = issued + rnd.choice((0, 0, 1, 1, 2, 3, 5))
                    if got > end_ord or (stuck and j == 0 and rnd.random() < 0.5):
                        recipient_rows.append((pk, org, "pending", None, None, None, None, ""))
                        states.append("pending")
                        continue
                    answered = got + max(1, int(reply_days * rnd.uniform(0.4, 1.25))) if reply_days else 0
                    if not reply_days or answered > end_ord or (stuck and j == 0):
                        recipient_rows.append((pk, org, "received", at_time(got), liaison, None, None, ""))
                        states.append("received")
                        last = max(last, got)
                        continue
                    recipient_rows.append(
                        (pk, org, "replied", at_time(got), liaison, at_time(answered), liaison, rnd.choice(REPLIES))
                    )
                    states.append("replied")
                    last = max(last, answered)
                if all(st == "replied" for st in states):
                    status = "replied"
                elif all(st != "pending" for st in states):
                    status = "received"
                else:
                    status = "issued"
                closed = None
                if (status == "replied" and rnd.random() < 0.92) or (
                    status == "received" and not reply_days and rnd.random() < 0.7
                ):
                    day = last + rnd.randint(1, 12)
                    if day <= end_ord:
                        status, closed = "closed", date.fromordinal(day)
            doc_status_count[status] = doc_status_count.get(status, 0) + 1
            yield Document(
                id=pk,
                group_id=group_ids[g],
                kind=kind,
                title=title,
                body=body,
                aspects_count=aspects,
                items_count=items,
                reply_due_on=due,
                status=status,
                number=number,
                number_year=year,
                number_seq=seq,
                issued_on=date.fromordinal(issued) if issued else None,
                issued_by_id=leader if issued else None,
                drafted_by_id=rnd.choice(members_of[g]),
                closed_on=closed,
            )

    insert(Document, documents(), len(specs))
    log(f"  document statuses: {dict(sorted(doc_status_count.items()))}")
    insert(
        DocumentRecipient,
        recipient_rows,
        len(recipient_rows),
        fields=(
            "document_id",
            "org_id",
            "status",
            "received_at",
            "received_by_id",
            "replied_at",
            "replied_by_id",
            "reply_text",
        ),
    )
    recipient_rows.clear()
    insert(
        NumberingRule, (NumberingRule(group_id=gid, prefix=prefixes[g]) for g, gid in enumerate(group_ids)), n_groups
    )
    insert(
        NumberingCounter,
        (NumberingCounter(group_id=group_ids[g], year=y, last_seq=n) for (g, y), n in sorted(doc_counter.items())),
        len(doc_counter),
    )
    specs.clear()

    # --- Urges: the daily job's ladder (by NULL) and some by hand (a member); ~1 督办单/通报 step in 10 has the
    # document the leader then drafted (linked as problem_urge does). Consistent with urge_count/urge_level. ---
    n_urges = sum(len(urge_steps(p_deadline[pk], p_stop[pk])) + p_manual[pk] for pk in range(1, n_probs + 1))

    def urges():
        for pk in range(1, n_probs + 1):
            stop = p_stop[pk]
            if not stop:
                continue
            deadline = p_deadline[pk]
            for day, level in urge_steps(deadline, stop):
                spec = linked.get((pk, level))
                note = "整改期限临近，请抓紧整改。" if level == "remind" else f"已逾期{day - deadline}天，请立即整改。"
                document = doc_pk_of_spec[spec] if spec is not None else None
                yield (pk, level, None, job_time(day), date.fromordinal(day), note, document)
            for _ in range(p_manual[pk]):
                day = rnd.randint(deadline + 1, stop)
                member = rnd.choice(members_of[p_group[pk]])
                note = rnd.choice(("请加快整改进度。", "请于3日内反馈整改情况。", ""))
                yield (pk, "urge", member, at_time(day), date.fromordinal(day), note, None)

    insert(Urge, urges(), n_urges, fields=("problem_id", "level", "by_id", "at", "on", "note", "document_id"))

    # --- Rectifications: the liaison's submission (submitted/closed/returned/reopened problems) and some
    # progress reports before it (and of problems in progress). ---
    st_closed, st_progress = PROBLEM_STATUSES.index("closed"), PROBLEM_STATUSES.index("in_progress")

    def rectifications():
        for pk in range(1, n_probs + 1):
            st, reg, sub = p_status[pk], p_reg[pk], p_sub[pk]
            liaison = liaison_of[p_group[pk]]
            if (sub and rnd.random() < 0.25) or (st == st_progress and rnd.random() < 0.5):
                until = sub or min(end_ord, p_deadline[pk] + 10)
                note, measures = f"已{rnd.choice(MEASURES)}，整改正在推进。", rnd.choice(MEASURES)
                yield (pk, note, measures, False, at_time(rnd.randint(reg, max(reg, until))), liaison)
            if sub:
                note = "问题已整改到位，请核查。" if st == st_closed else "已完成整改，提请核查。"
                measures = f"{rnd.choice(MEASURES)}；{rnd.choice(MEASURES)}"
                yield (pk, note, measures, True, at_time(sub), liaison)

    n_submitted = len(p_sub) - p_sub.count(0)
    insert(
        Rectification,
        rectifications(),
        round(n_submitted * 1.25 + p_status.count(st_progress) * 0.5),  # about: only for the progress lines
        fields=("problem_id", "note", "measures", "submitted", "reported_at", "reported_by_id"),
    )

    # --- Hotlines (one per group, run by its department) and covert test calls. ---
    insert(
        Hotline,
        (
            Hotline(
                id=g + 1,
                name=f"{dept_names[g]}服务热线",
                number=hotline_phone[g],
                operating_org_id=dept_ids[g],
                group_id=group_ids[g],
                hours=hotline_hours,
                site_id=n_sites + g + 1,
            )
            for g in range(n_groups)
        ),
        n_groups,
    )
    n_calls = scaled(FULL["test_calls"], scale)

    def test_calls():
        for pk in range(1, n_calls + 1):
            g = rnd.randrange(n_groups)
            day = start_ord + rnd.randrange(days_total + 14)  # the last two weeks' calls are still planned
            planned = at_time(day)
            member = rnd.choice(members_of[g])
            done = day <= end_ord and not (day > end_ord - 3 and rnd.random() < 0.5)
            connected = wait = correct = score = called = None
            note = ""
            if done:
                called = planned + timedelta(minutes=rnd.randrange(120))
                connected = rnd.random() < 0.88
                if connected:
                    wait = min(600, int(rnd.expovariate(1 / 22)))
                    correct = rnd.random() < 0.9
                    score = rnd.choices((1, 2, 3, 4, 5), weights=(2, 5, 20, 40, 33))[0]
                    note = f"等待{wait}秒接通，{'答复准确' if correct else '答复不准确'}，服务评分{score}分。"
                else:
                    wait = rnd.randint(60, 180)
                    note = f"拨打{wait}秒无人接听。"
            yield TestCall(
                id=pk,
                hotline_id=g + 1,
                group_id=group_ids[g],
                planned_at=planned,
                called_at=called,
                caller_id=member if done else None,
                connected=connected,
                wait_seconds=wait,
                answer_correct=correct,
                quality_score=score,
                question=rnd.choice(TEST_QUESTIONS),
                note=note,
                status="done" if done else "planned",
                created_by_id=member,
            )

    insert(TestCall, test_calls(), n_calls)

    # --- Hotline cases: numbered per hotline and year in order of the call (2022-0001), mostly closed. Callers'
    # names and phones are left blank (their ciphertext would differ on every build). ---
    n_cases = scaled(FULL["hotline_cases"], scale)
    received = sorted((start_ord + rnd.randrange(days_total + 1), rnd.randrange(n_groups)) for _ in range(n_cases))
    case_counter: dict[tuple[int, int], int] = {}
    cat_names = [c for c, _ in CASE_CATEGORIES]
    cat_weights = [w for _, w in CASE_CATEGORIES]

    def hotline_cases():
        for pk, (day, g) in enumerate(received, start=1):
            year = date.fromordinal(day).year
            case_counter[(g, year)] = seq = case_counter.get((g, year), 0) + 1
            at = at_time(day)
            status = "received"
            routed = due = answered = answer = called_back = satisfaction = substantiated = closed = None
            if not (day > end_ord - 2 and rnd.random() < 0.5):
                status = "assigned"
                routed = rnd.choice(units_of_group[g]) if rnd.random() < 0.7 else dept_ids[g]
                due_ord = day + rnd.randint(5, 15)
                due = date.fromordinal(due_ord)
                answer_day = day + rnd.randint(1, due_ord - day + 5)
                if answer_day <= end_ord and rnd.random() < 0.97:
                    status, answered = "answered", at_time(answer_day)
                    answer = f"经核实，已{rnd.choice(MEASURES)}，并向来电人作出答复。"
                    back_day = answer_day + rnd.randint(1, 5)
                    if back_day <= end_ord and rnd.random() < 0.92:
                        status, called_back = "called_back", at_time(back_day)
                        satisfaction = rnd.choices((1, 2, 3, 4, 5), weights=(3, 7, 20, 40, 30))[0]
                        substantiated = rnd.choices((True, False, None), weights=(25, 60, 15))[0]
                        close_day = back_day + rnd.randint(0, 3)
                        if close_day <= end_ord and rnd.random() < 0.95:
                            status, closed = "closed", at_time(close_day)
                            closed = max(closed, called_back)
            yield HotlineCase(
                id=pk,
                hotline_id=g + 1,
                group_id=group_ids[g],
                number=f"{year}-{seq:04d}",
                received_at=at,
                issue=f"来电反映{rnd.choice(PLACES)}{rnd.choice(MATTERS)}{rnd.choice(DEFECTS)}。",
                category=rnd.choices(cat_names, weights=cat_weights)[0],
                routed_org_id=routed,
                answer_due_on=due,
                status=status,
                answer=answer or "",
                answered_at=answered,
                answered_by_id=liaison_of[g] if answered else None,
                called_back_at=called_back,
                satisfaction=satisfaction,
                callback_note="已回访来电人。" if called_back else "",
                substantiated=substantiated,
                closed_at=closed,
                created_by_id=rnd.choice(members_of[g]),
            )

    insert(HotlineCase, hotline_cases(), n_cases)
    insert(
        HotlineCounter,
        (HotlineCounter(hotline_id=g + 1, year=y, last_seq=n) for (g, y), n in sorted(case_counter.items())),
        len(case_counter),
    )

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
                        yield (g + 1, i + 1, org, w + 1, Decimal(rnd.randint(0, base[g][i])), liaison_of[g], at)

    insert(
        DataValue,
        values(),
        n_values,
        fields=("dataset_id", "indicator_id", "org_id", "period_id", "value", "entered_by_id", "entered_at"),
    )

    # --- Sequences after explicit primary keys (PostgreSQL). ---
    if connection.vendor == "postgresql":
        from django.apps import apps
        from django.core.management.color import no_style

        models = [
            m
            for m in apps.get_models()
            if m._meta.app_label in ("organizations", "activities", "problems", "stats", "documents", "hotline")
        ]
        with connection.cursor() as c:
            for stmt in connection.ops.sequence_reset_sql(no_style(), models):
                c.execute(stmt)


# Tables whose plain (non-unique, not constraint-backed) indexes are dropped while loading and built afterwards:
# building an index once over sorted data is many times faster than updating a dozen indexes per inserted row.
DEFERRED_INDEX_TABLES = (
    "activities_activity",
    "problems_problem",
    "problems_urge",
    "problems_rectification",
    "documents_document",
    "documents_documentrecipient",
    "stats_datavalue",
    "organizations_site",
)


def drop_secondary_indexes() -> list[tuple[str, str]]:
    """Drop the plain indexes of DEFERRED_INDEX_TABLES; return (name, CREATE statement) to rebuild them."""
    from django.db import connection

    out = []
    with connection.cursor() as c:
        for table in DEFERRED_INDEX_TABLES:
            if connection.vendor == "sqlite":
                c.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL "
                    "AND sql NOT LIKE 'CREATE UNIQUE%%'",
                    [table],
                )
            else:
                c.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                    "AND i.indexdef NOT LIKE 'CREATE UNIQUE%%' "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)",
                    [table],
                )
            out += c.fetchall()
        for name, _sql in out:
            c.execute(f'DROP INDEX "{name}"')
    log(f"deferred {len(out)} indexes of {len(DEFERRED_INDEX_TABLES)} tables until the rows are in")
    return out


def recreate_indexes(indexes: list[tuple[str, str]]) -> None:
    from django.db import connection

    t = time.perf_counter()
    with connection.cursor() as c:
        for _name, sql in indexes:
            c.execute(sql)
        c.execute("ANALYZE")  # statistics for the query planner (SQLite and PostgreSQL)
    log(f"indexes: {len(indexes)} built in {time.perf_counter() - t:.1f} s")


def vacuum() -> None:
    """PostgreSQL: VACUUM ANALYZE, as autovacuum would after a bulk load where it runs (it is off on some
    machines, this one included). Without it no page is marked all-visible, so no index-only scan: an index
    that holds every column a query needs still reads the table (a group's topics: 35 ms instead of a few).
    bench/run and io_rates run it too before measuring: each run's rolled-back import leaves 20,000 dead rows
    and their entries in the keyword index's pending list, which the next import would flush."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    t = time.perf_counter()
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE")
    log(f"vacuum: {time.perf_counter() - t:.1f} s")


def build_totals() -> None:
    """The pre-aggregated reported figures (stats.totals), as set_values keeps them for values entered in the app."""
    from django.db import connection

    from jiandu.stats import totals
    from jiandu.stats.models import Reporter, Total

    t = time.perf_counter()
    n = totals.rebuild()
    with connection.cursor() as c:
        for model in (Total, Reporter):
            c.execute(f"ANALYZE {model._meta.db_table}")
    seconds = time.perf_counter() - t
    RESULTS.append((Total._meta.db_table, n, seconds))
    log(f"{Total._meta.db_table}: {n:,} rows in {seconds:.1f} s (from the values)")


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
    indexes = drop_secondary_indexes()
    build(args.scale, args.seed)
    recreate_indexes(indexes)
    build_totals()
    vacuum()
    total = time.perf_counter() - t0
    rows = sum(n for _, n, _ in RESULTS)
    log(f"total: {rows:,} rows in {total:.1f} s ({rows / total:,.0f} rows/s overall, migrate included)")


if __name__ == "__main__":
    main()
