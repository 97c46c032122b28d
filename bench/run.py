"""Benchmarks of DESIGN §10 on a generated data set (bench/generate), written to docs/benchmarks.md.

    bench/run [--database-url URL] [--scale S] [--repeat N] [--concurrency 10,50] [--http-seconds 20]
              [--load-minutes 0] [--skip-http] [--only NAME …] [--output docs/benchmarks.md]

Database: DATABASE_URL is set below, before Django starts: --database-url, or the generator's SQLite file of
--scale (/tmp/jiandu-bench/bench-S<scale>.sqlite3). The data set is read, never changed, with three exceptions:
the bench accounts bn_leader (commission leader) and bn_admin_ref (superuser, for the admin reference) are
created when missing; the import is run inside a transaction that is rolled back; the HTTP part logs in by
creating sessions in the database (and the server saves them on every request, as in production).

1. In-process (django.test.Client, DEBUG off, the app's own settings plus the admin: bench/settings_admin.py):
   each page scenario is asked 2 times to warm up, then --repeat times (or until --max-seconds per scenario),
   status 200 and an expected text checked; p50, p95, max, SQL queries per request, response size. The dashboard
   is measured warm (repeated), after a write in one group (that group's data counters of the module written, a
   problem or an activity, raised before each request: its figures of that module are read again, the rest come
   from the cache; when that is estimated to take long, the page
   comes with a progress card and the figures in a second request, and the two are timed together) and cold (the
   cache cleared before each request: the page and its progress card). Side by side, the references:
   the Django admin changelist on the same table with the same filters, and the hand-written SQL of the same
   figures or the same page (the floor) on a raw cursor. The briefing (reports.briefing.compose), the export
   (core.exports, the ledger's rows into the xlsx writer) and the import (the activity import service on a
   20,000-row file in the import template, in a transaction rolled back) are timed in-process, each run twice
   as the pages are warmed: the second is timed, the first's rate given beside it.
2. Over HTTP (unless --skip-http): gunicorn with 2 workers on 127.0.0.1 (config/gunicorn.conf.py when present),
   config.settings.production (+ the admin, static files collected into a scratch folder), and on PostgreSQL a
   Huey worker on Redis; each page scenario one client at a time, then a mixed load at each --concurrency for
   --http-seconds, then (--load-minutes) the 50-user reliability load; on PostgreSQL one background export end
   to end through the worker.

docs/benchmarks.md gets one section per database engine, replaced in place between its markers, so that one run
on SQLite and one on PostgreSQL fill the file.
"""

import argparse
import contextlib
import gc
import math
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from fnmatch import fnmatch
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from bench import dataset  # noqa: E402
from bench.dataset import SCRATCH  # noqa: E402
from bench.generate import vacuum  # noqa: E402  (PostgreSQL: VACUUM ANALYZE before measuring)

REDIS_URL = "redis://127.0.0.1:6379/6"
COMMISSION_CODE = "BN-JW"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    dataset.add_arguments(p)
    p.add_argument("--repeat", type=int, default=30, help="timed requests per scenario (after 2 warm-ups)")
    p.add_argument("--max-seconds", type=float, default=60, help="stop a scenario's repeats after this (at least 3)")
    p.add_argument("--concurrency", default="10,50", help="HTTP load levels, comma-separated")
    p.add_argument("--http-seconds", type=float, default=20, help="seconds of load per concurrency level")
    p.add_argument("--load-minutes", type=float, default=0, help="the 50-user reliability load, in minutes")
    p.add_argument("--skip-http", action="store_true", help="in-process measurements only")
    p.add_argument("--only", nargs="+", metavar="NAME", help="scenario names or globs (e.g. dashboard.* export)")
    p.add_argument("--output", help="default docs/benchmarks.md (with --only: not written unless given)")
    p.add_argument("--no-write", action="store_true", help="print only; leave the output file alone")
    p.add_argument("--migrate", action="store_true", help="apply the app's pending migrations to the database first")
    return p.parse_args(argv)


ARGS = parse_args() if __name__ == "__main__" else None
SERVER_SECRET = "bench-" + secrets.token_hex(24)  # the harness and the server sign sessions alike
if ARGS is not None:
    dataset.use(ARGS)
    os.environ["DJANGO_SECRET_KEY"] = SERVER_SECRET


def log(msg: str = "") -> None:
    print(msg, flush=True)


# --- Statistics ---


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of `values`."""
    s = sorted(values)
    if not s:
        return float("nan")
    return s[max(0, math.ceil(q / 100 * len(s)) - 1)]


def fmt_ms(v: float | None) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def ratio(ours: float | None, ref: float | None) -> str:
    if not ours or not ref:
        return "—"
    r = ours / ref
    return f"{r:.1f}×" if r >= 0.1 else f"{r:.2g}×"


# --- Scenarios ---


@dataclass
class Scenario:
    name: str  # for --only and the tables
    label: str  # Chinese, what a person asked for
    url: str
    user: str  # leader (commission leader, the whole province) | member (a group member) | admin (superuser)
    expect: str  # a text the answer must hold, so that a broken page is not measured as fast
    target_ms: float | None = None  # DESIGN §10, p95
    cold: bool = False  # clear the cache before each request
    write_in: int | None = None  # a group whose data counters are raised before each request (as by one write)
    write_app: str = "problems"  # … of that module (core.freshness: a group's counter per module)
    admin: str | None = None  # name of the admin reference scenario
    raw: Callable | None = None  # () -> [(sql, params)]: the floor
    section: str = ""
    http: bool = True  # part of the HTTP mix
    headers: dict = field(default_factory=dict)  # e.g. HX-Request: the request htmx makes for a progress card


@dataclass
class Result:
    scenario: Scenario
    times: list[float] = field(default_factory=list)  # ms
    queries: int = 0
    size: int = 0
    error: str = ""

    @property
    def p50(self):
        return statistics.median(self.times) if self.times else None

    @property
    def p95(self):
        return pct(self.times, 95) if self.times else None

    @property
    def max(self):
        return max(self.times) if self.times else None

    @property
    def met(self) -> str:
        t = self.scenario.target_ms
        if t is None:
            return ""
        if self.error or self.p95 is None:
            return "✗"
        return "✓" if self.p95 < t else "✗"


@dataclass
class Ctx:
    """What the scenarios are built from, read from the data set."""

    vendor: str
    today: date
    group1: object  # Org BN-G001
    dept1: object  # Org BN-D001 (responsible orgs: its subtree)
    leader: object
    member: object
    admin: object
    problem_pk: int
    activity_pk: int
    problem_number: str
    activity_code: str
    month_from: date
    month_to: date
    year_from: date
    word: str  # a word of the problem descriptions, for ?q=
    counts: dict = field(default_factory=dict)


def setup_context() -> Ctx:
    from django.db import connection, transaction

    from jiandu.activities.models import Activity
    from jiandu.organizations.enums import Role
    from jiandu.organizations.models import Org, RoleGrant, User
    from jiandu.problems.models import Problem

    commission = Org.objects.filter(code=COMMISSION_CODE).first()
    if commission is None:
        sys.exit(f"no org {COMMISSION_CODE}: is this a database built by bench/generate?")
    with transaction.atomic():  # the only writes to the data set: two bench accounts, when missing
        leader = User.objects.filter(username="bn_leader").first()
        if leader is None:
            leader = User.objects.create(
                username="bn_leader", full_name="委领导（基准）", org=commission, password="!bench"
            )
            RoleGrant.objects.create(user=leader, role=Role.COMMISSION_LEADER, org=commission)
            log("created bn_leader (commission_leader on BN-JW)")
        admin = User.objects.filter(username="bn_admin_ref").first()
        if admin is None:
            admin = User.objects.create(
                username="bn_admin_ref", full_name="admin 参照", password="!bench", is_staff=True, is_superuser=True
            )
            log("created bn_admin_ref (superuser, for the admin reference)")
    member = User.objects.get(username="bn_g001_member1")
    group1 = Org.objects.get(code="BN-G001")
    dept1 = Org.objects.get(code="BN-D001")
    last_problem = Problem.objects.filter(group=group1).order_by("-registered_on", "-id").first()
    last_activity = Activity.objects.filter(group=group1).order_by("-start_date", "-id").first()
    newest = Activity.objects.order_by("-start_date").values_list("start_date", flat=True).first()
    month_from = newest.replace(day=1)
    month_to = (month_from + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    from jiandu.core.deadlines import today

    t = today()
    word = "消杀"
    return Ctx(
        vendor=connection.vendor,
        today=t,
        group1=group1,
        dept1=dept1,
        leader=leader,
        member=member,
        admin=admin,
        problem_pk=last_problem.pk,
        activity_pk=last_activity.pk,
        problem_number=last_problem.number,
        activity_code=last_activity.code,
        month_from=month_from,
        month_to=month_to,
        year_from=date(t.year, 1, 1),
        word=word,
    )


# --- The floor: hand-written SQL of the same figures / the same page ---


def tables():
    from jiandu.activities.models import Activity, Campaign, Topic
    from jiandu.organizations.models import Org, Site, User
    from jiandu.problems.models import Category, Problem, Severity
    from jiandu.stats.models import DataValue, Period

    return {
        "act": Activity._meta.db_table,
        "act_topics": Activity.topics.through._meta.db_table,
        "act_sites": Activity.sites.through._meta.db_table,
        "topic": Topic._meta.db_table,
        "campaign": Campaign._meta.db_table,
        "org": Org._meta.db_table,
        "site": Site._meta.db_table,
        "user": User._meta.db_table,
        "prob": Problem._meta.db_table,
        "cat": Category._meta.db_table,
        "sev": Severity._meta.db_table,
        "dv": DataValue._meta.db_table,
        "period": Period._meta.db_table,
    }


def open_statuses() -> tuple:
    from jiandu.problems.enums import OPEN_STATUSES

    return tuple(str(s) for s in OPEN_STATUSES)


def week_expr(vendor: str, col: str) -> str:
    if vendor == "postgresql":
        return f"date_trunc('week', {col})"
    return f"date({col}, '-' || ((strftime('%w', {col}) + 6) % 7) || ' days')"


def like_op(vendor: str) -> str:
    return "ILIKE" if vendor == "postgresql" else "LIKE"


def act_where(date_from=None, date_to=None, method="", group=None) -> tuple[str, list]:
    """The activities whose [start, end or start] overlaps the period (the app's rule), and other filters."""
    w, p = ["1=1"], []
    if date_to:
        w.append("a.start_date <= %s")
        p.append(date_to)
    if date_from:
        w.append("(a.end_date >= %s OR (a.end_date IS NULL AND a.start_date >= %s))")
        p += [date_from, date_from]
    if method:
        w.append("a.method = %s")
        p.append(method)
    if group is not None:
        w.append("a.group_id = %s")
        p.append(group)
    return " AND ".join(w), p


def prob_where(ctx: Ctx, *, date_from=None, date_to=None, status="", warning="", group=None, org_path="", q=""):
    w, p = ["1=1"], []
    opens = open_statuses()
    marks = ", ".join(["%s"] * len(opens))
    if date_from:
        w.append("p.registered_on >= %s")
        p.append(date_from)
    if date_to:
        w.append("p.registered_on <= %s")
        p.append(date_to)
    if status == "unclosed":
        w.append(f"p.status IN ({marks})")
        p += list(opens)
    elif status:
        w.append("p.status = %s")
        p.append(status)
    if warning in ("red", "yellow", "green"):
        from jiandu.core.deadlines import yellow_until

        w.append(f"p.status IN ({marks})")
        p += list(opens)
        if warning == "red":
            w.append("p.deadline < %s")
            p.append(ctx.today)
        elif warning == "yellow":
            w.append("p.deadline >= %s AND p.deadline <= %s")
            p += [ctx.today, yellow_until(ctx.today)]
        else:
            w.append("p.deadline > %s")
            p.append(yellow_until(ctx.today))
    if group is not None:
        w.append("p.group_id = %s")
        p.append(group)
    if org_path:
        w.append("ro.path LIKE %s")
        p.append(org_path + "%")
    if q:
        op = like_op(ctx.vendor)
        w.append(f"(p.number {op} %s OR p.description {op} %s OR site.name {op} %s)")
        p += [f"%{q}%"] * 3
    return " AND ".join(w), p


def floor_dashboard(ctx: Ctx, date_from=None, date_to=None, group=None) -> list:
    """The dashboard's figures (activities, problems, reported statistics) by hand: 11 statements; `group`: one
    group's (what a member of it sees)."""
    t = tables()
    aw, ap = act_where(date_from, date_to, group=group)
    pw, pp = prob_where(ctx, date_from=date_from, date_to=date_to, group=group)
    from jiandu.stats.models import DataSet

    dv_where, dv_params = "", []
    if group is not None:
        dv_where = f" AND v.dataset_id IN (SELECT id FROM {DataSet._meta.db_table} WHERE group_id = %s)"
        dv_params = [group]
    from jiandu.core.deadlines import yellow_until

    opens = open_statuses()
    marks = ", ".join(["%s"] * len(opens))
    y = yellow_until(ctx.today)
    colours = (
        f"SUM(CASE WHEN p.status IN ({marks}) AND p.deadline < %s THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN p.status IN ({marks}) AND p.deadline >= %s AND p.deadline <= %s THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN p.status IN ({marks}) AND p.deadline > %s THEN 1 ELSE 0 END)"
    )
    colour_params = [*opens, ctx.today, *opens, ctx.today, y, *opens, y]
    week = week_expr(ctx.vendor, "p.registered_on")
    as_of = date_to or ctx.today
    return [
        (f"SELECT a.method, COUNT(*), SUM(a.days) FROM {t['act']} a WHERE {aw} GROUP BY a.method", ap),
        (
            f"SELECT a.group_id, g.short_name, g.path, COUNT(*), SUM(a.days) FROM {t['act']} a "
            f"JOIN {t['org']} g ON g.id = a.group_id WHERE {aw} GROUP BY a.group_id, g.short_name, g.path",
            ap,
        ),
        (
            f"SELECT at.topic_id, tp.name, COUNT(DISTINCT at.activity_id) FROM {t['act_topics']} at "
            f"JOIN {t['act']} a ON a.id = at.activity_id JOIN {t['topic']} tp ON tp.id = at.topic_id "
            f"WHERE {aw} GROUP BY at.topic_id, tp.name",
            ap,
        ),
        (f"SELECT a.start_date, COUNT(*) FROM {t['act']} a WHERE {aw} GROUP BY a.start_date", ap),
        (
            f"SELECT COALESCE(a.end_date, a.start_date), COUNT(*) FROM {t['act']} a WHERE {aw} "
            "GROUP BY COALESCE(a.end_date, a.start_date)",
            ap,
        ),
        (
            f"SELECT COUNT(*), SUM(CASE WHEN p.status = 'closed' THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN p.status IN ({marks}) THEN 1 ELSE 0 END), {colours}, SUM(p.urge_count), "
            f"SUM(CASE WHEN p.urge_count > 0 THEN 1 ELSE 0 END) FROM {t['prob']} p WHERE {pw}",
            [*opens, *colour_params, *pp],
        ),
        (
            f"SELECT p.group_id, g.name, g.path, COUNT(*) FROM {t['prob']} p JOIN {t['org']} g ON g.id = p.group_id "
            f"WHERE {pw} GROUP BY p.group_id, g.name, g.path",
            pp,
        ),
        (f"SELECT {week}, COUNT(*) FROM {t['prob']} p WHERE {pw} GROUP BY {week}", pp),
        (
            f"SELECT p.responsible_org_id, ro.name, ro.path, COUNT(*), {colours} FROM {t['prob']} p "
            f"JOIN {t['org']} ro ON ro.id = p.responsible_org_id WHERE {pw} AND p.status IN ({marks}) "
            "GROUP BY p.responsible_org_id, ro.name, ro.path",
            [*colour_params, *pp, *opens],
        ),
        (
            f"SELECT v.indicator_id, pe.code, pe.end_date, pe.start_date, SUM(v.value), MAX(v.value) "
            f"FROM {t['dv']} v JOIN {t['period']} pe ON pe.id = v.period_id WHERE pe.end_date <= %s{dv_where} "
            "GROUP BY v.indicator_id, pe.code, pe.end_date, pe.start_date",
            [as_of, *dv_params],
        ),
        (
            f"SELECT SUM(a.days) FROM {t['act']} a WHERE {aw} AND a.method = 'stationed'",
            ap,
        ),
    ]


PROBLEM_COLUMNS = (
    "p.id, p.number, p.description, p.registered_on, p.deadline, p.status, p.closed_on, p.urge_count, "
    "g.name, c.name, sv.name, site.name, ro.name"
)


def floor_problem_list(ctx: Ctx, page: int = 1, size: int = 20, chips: bool = True, **filters) -> list:
    """The problem ledger page by hand: the count, the page's rows with their names, the colour chips."""
    t = tables()
    w, p = prob_where(ctx, **filters)
    joins = (
        f"JOIN {t['org']} g ON g.id = p.group_id JOIN {t['org']} ro ON ro.id = p.responsible_org_id "
        f"LEFT JOIN {t['cat']} c ON c.id = p.category_id LEFT JOIN {t['sev']} sv ON sv.id = p.severity_id "
        f"LEFT JOIN {t['site']} site ON site.id = p.site_id"
    )
    count_joins = ""
    if "ro.path" in w:
        count_joins += f" JOIN {t['org']} ro ON ro.id = p.responsible_org_id"
    if "site.name" in w:
        count_joins += f" LEFT JOIN {t['site']} site ON site.id = p.site_id"
    out = [
        (f"SELECT COUNT(*) FROM {t['prob']} p{count_joins} WHERE {w}", p),
        (
            f"SELECT {PROBLEM_COLUMNS} FROM {t['prob']} p {joins} WHERE {w} "
            f"ORDER BY p.registered_on DESC, p.id DESC LIMIT {size} OFFSET {(page - 1) * size}",
            p,
        ),
    ]
    if chips:
        from jiandu.core.deadlines import yellow_until

        base = {k: v for k, v in filters.items() if k != "warning"}
        bw, bp = prob_where(ctx, **base)
        opens = open_statuses()
        marks = ", ".join(["%s"] * len(opens))
        y = yellow_until(ctx.today)
        out.append(
            (
                f"SELECT SUM(CASE WHEN p.status IN ({marks}) AND p.deadline < %s THEN 1 ELSE 0 END), "
                f"SUM(CASE WHEN p.status IN ({marks}) AND p.deadline >= %s AND p.deadline <= %s THEN 1 ELSE 0 END), "
                f"SUM(CASE WHEN p.status IN ({marks}) AND p.deadline > %s THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN p.status = 'closed' AND p.closed_on > p.deadline THEN 1 ELSE 0 END) "
                f"FROM {t['prob']} p{count_joins} WHERE {bw}",
                [*opens, ctx.today, *opens, ctx.today, y, *opens, y, *bp],
            )
        )
    return out


def floor_activity_list(ctx: Ctx, size: int = 20, **filters) -> list:
    """The activity ledger page by hand: the count, the page with its names, the page's topics and sites."""
    t = tables()
    w, p = act_where(**filters)
    ids = f"SELECT a.id FROM {t['act']} a WHERE {w} ORDER BY a.start_date DESC, a.id DESC LIMIT {size}"
    return [
        (f"SELECT COUNT(*) FROM {t['act']} a WHERE {w}", p),
        (
            f"SELECT a.id, a.code, a.method, a.title, a.start_date, a.end_date, a.days, a.confidential, g.name, "
            f"cp.title, u.full_name FROM {t['act']} a JOIN {t['org']} g ON g.id = a.group_id "
            f"LEFT JOIN {t['campaign']} cp ON cp.id = a.campaign_id LEFT JOIN {t['user']} u ON u.id = a.leader_id "
            f"WHERE {w} ORDER BY a.start_date DESC, a.id DESC LIMIT {size}",
            p,
        ),
        (
            f"SELECT at.activity_id, tp.name FROM {t['act_topics']} at JOIN {t['topic']} tp ON tp.id = at.topic_id "
            f"WHERE at.activity_id IN ({ids})",
            p,
        ),
        (
            f"SELECT x.activity_id, s.name FROM {t['act_sites']} x JOIN {t['site']} s ON s.id = x.site_id "
            f"WHERE x.activity_id IN ({ids})",
            p,
        ),
    ]


def floor_problem_detail(ctx: Ctx) -> list:
    t = tables()
    return [
        (
            f"SELECT {PROBLEM_COLUMNS} FROM {t['prob']} p JOIN {t['org']} g ON g.id = p.group_id "
            f"JOIN {t['org']} ro ON ro.id = p.responsible_org_id LEFT JOIN {t['cat']} c ON c.id = p.category_id "
            f"LEFT JOIN {t['sev']} sv ON sv.id = p.severity_id LEFT JOIN {t['site']} site ON site.id = p.site_id "
            "WHERE p.id = %s",
            [ctx.problem_pk],
        )
    ]


def floor_activity_detail(ctx: Ctx) -> list:
    t = tables()
    return [
        (
            f"SELECT a.*, g.name, u.full_name FROM {t['act']} a JOIN {t['org']} g ON g.id = a.group_id "
            f"LEFT JOIN {t['user']} u ON u.id = a.leader_id WHERE a.id = %s",
            [ctx.activity_pk],
        ),
        (
            f"SELECT tp.name FROM {t['act_topics']} at JOIN {t['topic']} tp ON tp.id = at.topic_id "
            "WHERE at.activity_id = %s",
            [ctx.activity_pk],
        ),
        (
            f"SELECT s.name FROM {t['act_sites']} x JOIN {t['site']} s ON s.id = x.site_id WHERE x.activity_id = %s",
            [ctx.activity_pk],
        ),
    ]


def run_sql(statements: list) -> None:
    from django.db import connection

    with connection.cursor() as c:
        for sql, params in statements:
            c.execute(sql, params)
            c.fetchall()


# --- The scenarios ---


def build_scenarios(ctx: Ctx) -> list[Scenario]:
    from jiandu.activities.views import PAGE_SIZE as A_PAGE
    from jiandu.core.deadlines import yellow_until
    from jiandu.problems.views import PAGE_SIZE as P_PAGE

    g, d = ctx.group1.pk, ctx.dept1
    y0, today = ctx.year_from.isoformat(), ctx.today
    q1_from, q1_to = date(ctx.month_from.year, 1, 1), date(ctx.month_from.year, 3, 31)
    opens = ",".join(open_statuses())
    admin_p = "/bench-admin/problems/problem/"
    admin_a = "/bench-admin/activities/activity/"
    s: list[Scenario] = []

    def add(**kw):
        s.append(Scenario(**kw))

    # 领导驾驶舱: warm (repeated), after a write in one group (the other 199 groups' figures from the cache: what a
    # leader sees in a working province), cold (the whole cache cleared: the first view after a restart, or a
    # period nobody asked for today): the page comes at once with a progress card, which then asks for the
    # figures (?figures=1, as htmx does): that second request is timed too, as a reference (no target: it is
    # the reading of a province's records, whose floor is the raw SQL beside it).
    kinds = (
        ("warm", "热（重复请求）", {}),
        ("write", "一个组刚登记问题（其余数字取缓存；若先出进度卡片，计入取数字的第二次请求）", {"write_in": g}),
        (
            "write_activity",
            "一个组刚录入活动（其余数字取缓存；若先出进度卡片，计入取数字的第二次请求）",
            {"write_in": g, "write_app": "activities"},
        ),
        ("cold", "冷（每次清空缓存）：页面与进度卡片", {"cold": True}),
    )
    htmx = {"HX-Request": "true"}
    for preset, period, label in (("year", (ctx.year_from, today), "本年"), ("all", (None, None), "全部")):
        raw = lambda p=period: floor_dashboard(ctx, *p)  # noqa: E731
        for kind, kind_label, extra in kinds:
            add(
                name=f"dashboard.{preset}.{kind}",
                label=f"领导驾驶舱 · {label} · {kind_label}",
                url=f"/reports/?preset={preset}",
                user="leader",
                expect='data-testid="dashboard-pending"' if kind == "cold" else 'data-testid="dashboard-figures"',
                target_ms=150,
                raw=raw,
                section="dashboard",
                http=kind == "warm",
                **extra,
            )
        add(
            name=f"dashboard.{preset}.cold.figures",
            label=f"领导驾驶舱 · {label} · 冷：进度卡片取数字的请求（参考）",
            url=f"/reports/?preset={preset}&figures=1",
            user="leader",
            expect="监督检查",
            raw=raw,
            section="dashboard",
            http=False,
            cold=True,
            headers=htmx,
        )
    add(
        name="dashboard.member.year",
        label="领导驾驶舱 · 本年 · 组员（本组）",
        url="/reports/?preset=year",
        user="member",
        expect="监督检查",
        target_ms=150,
        raw=lambda: floor_dashboard(ctx, ctx.year_from, today, group=g),
        section="dashboard",
    )
    add(
        name="dashboard.api.year",
        label="驾驶舱 API · 本年",
        url="/api/v1/dashboard/?preset=year",
        user="leader",
        expect='"sections"',
        target_ms=150,
        raw=lambda: floor_dashboard(ctx, ctx.year_from, today),
        section="dashboard",
    )
    add(
        name="dashboard.api.all.cold",
        label="驾驶舱 API · 全部 · 冷（参考：接口同步汇总）",
        url="/api/v1/dashboard/?preset=all",
        user="leader",
        expect='"sections"',
        cold=True,
        raw=lambda: floor_dashboard(ctx),
        section="dashboard",
        http=False,
    )

    # 问题整改台账 (problem ledger)
    problems = [
        ("problems.plain", "全部", "", {}, ""),
        ("problems.unclosed", "未销号", "status=unclosed", {"status": "unclosed"}, f"?status__in={opens}"),
        (
            "problems.unclosed_group",
            "未销号 + 组",
            f"status=unclosed&group={g}",
            {"status": "unclosed", "group": g},
            f"?status__in={opens}&group__id__exact={g}",
        ),
        (
            "problems.org",
            "责任单位（含下级）",
            f"org={d.pk}",
            {"org_path": d.path},
            f"?responsible_org__path__startswith={d.path}",
        ),
        (
            "problems.red",
            "红灯（逾期）",
            "warning=red",
            {"warning": "red"},
            f"?status__in={opens}&deadline__lt={today.isoformat()}",
        ),
        (
            "problems.yellow",
            "黄灯",
            "warning=yellow",
            {"warning": "yellow"},
            f"?status__in={opens}&deadline__gte={today.isoformat()}&deadline__lte={yellow_until(today).isoformat()}",
        ),
        ("problems.q", f"关键词「{ctx.word}」", f"q={quote(ctx.word)}", {"q": ctx.word}, f"?q={quote(ctx.word)}"),
        (
            "problems.closed_year",
            "已销号 + 本年",
            f"status=closed&from={y0}",
            {"status": "closed", "date_from": ctx.year_from},
            f"?status__exact=closed&registered_on__gte={y0}",
        ),
        ("problems.page50", "第50页", "page=50", {"page": 50}, "?p=50"),
    ]
    for name, label, query, filters, admin_query in problems:
        page = filters.pop("page", 1)
        add(
            name=f"admin.{name}",
            label=f"admin 问题 · {label}",
            url=admin_p + admin_query,
            user="admin",
            expect="changelist",
            section="admin",
            http=False,
        )
        add(
            name=name,
            label=f"问题整改台账 · {label}",
            url=f"/problems/?{query}" if query else "/problems/",
            user="leader",
            expect='data-testid="warning-chips"',
            target_ms=100,
            admin=f"admin.{name}",
            raw=(lambda f=filters, pg=page: floor_problem_list(ctx, page=pg, size=P_PAGE, **f)),
            section="problems",
        )
    # The colour chips count every filtered problem and are cached until a write: after a write in one group
    # (what a commission viewer meets in a working province) only that group's problems are counted again;
    # cold (the whole cache cleared): the list comes with a progress mark that asks for the chips
    # (/problems/chips/, as htmx does), timed too as a reference.
    for status, status_label in (("", "全部"), ("unclosed", "未销号")):
        query = f"?status={status}" if status else ""
        raw = lambda st=status: floor_problem_list(ctx, size=P_PAGE, **({"status": st} if st else {}))  # noqa: E731
        for kind, kind_label, extra in (k for k in kinds if k[0] in ("write", "cold")):
            add(
                name=f"problems.{status or 'plain'}.{kind}",
                label=f"问题整改台账 · {status_label} · {kind_label.replace('页面与进度卡片', '列表与统计进度')}",
                url=f"/problems/{query}",
                user="leader",
                expect='data-testid="warning-chips-pending"' if kind == "cold" else 'data-testid="warning-chips"',
                target_ms=100,
                admin=f"admin.problems.{status or 'plain'}",
                raw=raw,
                section="problems",
                http=False,
                **extra,
            )
        add(
            name=f"problems.{status or 'plain'}.cold.chips",
            label=f"问题整改台账 · {status_label} · 冷：统计红黄绿灯的请求（参考）",
            url=f"/problems/chips/{query}",
            user="leader",
            expect="chip-red",
            section="problems",
            http=False,
            cold=True,
            headers=htmx,
        )
    add(
        name="problems.member.unclosed",
        label="问题整改台账 · 组员 · 未销号",
        url="/problems/?status=unclosed",
        user="member",
        expect='data-testid="warning-chips"',
        target_ms=100,
        admin="admin.problems.unclosed_group",
        raw=lambda: floor_problem_list(ctx, size=P_PAGE, status="unclosed", group=g),
        section="problems",
    )

    # 监督检查活动台账 (activity ledger)
    acts = [
        ("activities.plain", "全部", "", {}, ""),
        ("activities.method", "方式：暗访", "method=covert", {"method": "covert"}, "?method__exact=covert"),
        (
            "activities.period",
            f"{q1_from:%Y}年一季度",
            f"date_from={q1_from}&date_to={q1_to}",
            {"date_from": q1_from, "date_to": q1_to},
            f"?start_date__lte={q1_to}&end_date__gte={q1_from}",
        ),
        ("activities.group", "组", f"group={g}", {"group": g}, f"?group__id__exact={g}"),
    ]
    for name, label, query, filters, admin_query in acts:
        add(
            name=f"admin.{name}",
            label=f"admin 活动 · {label}",
            url=admin_a + admin_query,
            user="admin",
            expect="changelist",
            section="admin",
            http=False,
        )
        add(
            name=name,
            label=f"监督检查活动台账 · {label}",
            url=f"/activities/?{query}" if query else "/activities/",
            user="leader",
            expect="监督检查",
            target_ms=150,
            admin=f"admin.{name}",
            raw=(lambda f=filters: floor_activity_list(ctx, size=A_PAGE, **f)),
            section="activities",
        )
    add(
        name="activities.period.cold",
        label=f"监督检查活动台账 · {q1_from:%Y}年一季度 · 冷（每次清缓存）",
        url=f"/activities/?date_from={q1_from}&date_to={q1_to}",
        user="leader",
        expect="监督检查",
        target_ms=150,
        cold=True,
        admin="admin.activities.period",
        raw=lambda: floor_activity_list(ctx, size=A_PAGE, date_from=q1_from, date_to=q1_to),
        section="activities",
        http=False,
    )
    add(
        name="activities.member",
        label="监督检查活动台账 · 组员",
        url="/activities/",
        user="member",
        expect="监督检查",
        target_ms=150,
        admin="admin.activities.group",
        raw=lambda: floor_activity_list(ctx, size=A_PAGE, group=g),
        section="activities",
    )

    # Details
    add(
        name="admin.problem.detail",
        label="admin 问题修改页",
        url=f"{admin_p}{ctx.problem_pk}/change/",
        user="admin",
        expect=ctx.problem_number,
        section="admin",
        http=False,
    )
    add(
        name="problem.detail",
        label="问题详情",
        url=f"/problems/{ctx.problem_pk}/",
        user="leader",
        expect=ctx.problem_number,
        admin="admin.problem.detail",
        raw=lambda: floor_problem_detail(ctx),
        section="detail",
    )
    add(
        name="admin.activity.detail",
        label="admin 活动修改页",
        url=f"{admin_a}{ctx.activity_pk}/change/",
        user="admin",
        expect="activity_form",
        section="admin",
        http=False,
    )
    add(
        name="activity.detail",
        label="活动详情",
        url=f"/activities/{ctx.activity_pk}/",
        user="leader",
        expect=ctx.activity_code or "监督检查",
        admin="admin.activity.detail",
        raw=lambda: floor_activity_detail(ctx),
        section="detail",
    )

    # API lists
    add(
        name="api.problems",
        label="API 问题 · 未销号",
        url="/api/v1/problems/?status=unclosed",
        user="leader",
        expect='"results"',
        target_ms=100,
        admin="admin.problems.unclosed",
        raw=lambda: floor_problem_list(ctx, size=20, chips=False, status="unclosed"),
        section="api",
    )
    add(
        name="api.activities",
        label="API 活动 · 方式：暗访",
        url="/api/v1/activities/?method=covert",
        user="leader",
        expect='"results"',
        target_ms=150,
        admin="admin.activities.method",
        raw=lambda: floor_activity_list(ctx, size=20, method="covert"),
        section="api",
    )
    return s


# --- In-process measurement ---


class Clients:
    """One django.test.Client per bench user, logged in through a session made by hand (no login event, no
    last_login write); the sessions live in this process's memory (bench/settings_admin.py)."""

    def __init__(self, ctx: Ctx):
        from django.test import Client

        self.by_user = {}
        for key, user in (("leader", ctx.leader), ("member", ctx.member), ("admin", ctx.admin)):
            c = Client()
            c.cookies[settings().SESSION_COOKIE_NAME] = make_session(user)
            self.by_user[key] = c

    def get(self, s: Scenario):
        return self.by_user[s.user].get(s.url, headers=s.headers)


def settings():
    from django.conf import settings as s

    return s


def make_session(user, engine: str | None = None) -> str:
    """A logged-in session of `user` (as auth.login leaves it, without its side effects); returns its key."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(engine or settings().SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def clear_caches() -> None:
    """Every cache the app may use (not the bench's own sessions)."""
    from django.core.cache import caches

    for alias in settings().CACHES:
        if alias != "bench-sessions":
            caches[alias].clear()


def prepare(s: Scenario) -> None:
    """Before a request: clear the caches (cold), or raise a group's data counters as a write there would."""
    if s.cold:
        clear_caches()
    if s.write_in is not None:
        from jiandu.core import freshness

        freshness.touch([s.write_in], apps=[s.write_app])


def measure_page(clients: Clients, s: Scenario, repeat: int, max_seconds: float) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    r = Result(s)
    try:
        for _ in range(2):  # warm-ups; they count the queries (not timed: capturing costs time)
            prepare(s)
            t0 = time.perf_counter()
            with CaptureQueriesContext(connection) as cq:
                resp = clients.get(s)
            if not s.cold and follow_progress(clients, s, resp):  # the figures are ready now: ask again
                t0 = time.perf_counter()
                with CaptureQueriesContext(connection) as cq:
                    resp = clients.get(s)
            check(resp, s)
            r.queries, r.size = len(cq.captured_queries), len(resp.content)
            if s.cold and time.perf_counter() - t0 > max_seconds / 6:  # a slow page: one warm-up is enough
                break
        started = time.perf_counter()
        for i in range(repeat):
            prepare(s)
            t0 = time.perf_counter()
            resp = clients.get(s)
            if not s.cold:  # figures that came in a second request: timed with it, as the reader waits for both
                follow_progress(clients, s, resp)
            r.times.append((time.perf_counter() - t0) * 1000)
            if i == 0:
                check(resp, s)
            if time.perf_counter() - started > max_seconds and len(r.times) >= 3:
                break
    except Exception as e:  # a broken page is reported, not measured
        r.error = f"{type(e).__name__}: {e}"[:300]
    return r


PROGRESS = re.compile(r'hx-get="([^"]+)" hx-trigger="load"')  # a progress card, which asks for the figures


def follow_progress(clients: Clients, s: Scenario, resp) -> bool:
    """A page that came with a progress card (figures too long to sum at once) asks for them as htmx would."""
    found = PROGRESS.search(resp.content.decode("utf-8", "replace"))
    if found:
        url = found.group(1).replace("&amp;", "&")
        clients.get(Scenario(name="", label="", url=url, user=s.user, expect="", headers={"HX-Request": "true"}))
    return bool(found)


def check(resp, s: Scenario) -> None:
    if resp.status_code != 200:
        where = resp.get("Location", "")
        raise AssertionError(f"HTTP {resp.status_code} {where}".strip())
    body = resp.content.decode("utf-8", "replace")
    if s.expect and s.expect not in body:
        raise AssertionError(f"「{s.expect}」 not in the answer ({len(body)} chars)")


_RAW_CACHE: dict = {}


def measure_raw(statements_of: Callable, repeat: int, max_seconds: float) -> tuple[float, float, int]:
    """(p50, p95, statements) of the hand-written SQL, run `repeat` times (or for `max_seconds`, at least 3)
    after one warm-up (at least 2 when slow); the same statements are measured once per run."""
    statements = statements_of()
    key = repr(statements)
    if key in _RAW_CACHE:
        return _RAW_CACHE[key]
    run_sql(statements)
    times = []
    started = time.perf_counter()
    for _ in range(repeat):
        t0 = time.perf_counter()
        run_sql(statements)
        times.append((time.perf_counter() - t0) * 1000)
        if time.perf_counter() - started > max_seconds and len(times) >= 2:
            break
    _RAW_CACHE[key] = (statistics.median(times), pct(times, 95), len(statements))
    return _RAW_CACHE[key]


@dataclass
class Rate:
    name: str
    label: str
    rows: int
    seconds: float
    target: float | None  # rows/s
    note: str = ""
    error: str = ""

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def met(self) -> str:
        if self.error:
            return "✗"
        return "✓" if self.target is None or self.rate >= self.target else "✗"


def measure_briefing(ctx: Ctx, repeat: int, max_seconds: float) -> list[Result]:
    """reports.briefing.compose over one month, for the whole province and for one group (5 repeats)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jiandu.reports.briefing import compose

    out = []
    for name, label, groups in (
        ("briefing.province", f"工作简报 · 全省 · {ctx.month_from:%Y年%m月}", None),
        ("briefing.group", f"工作简报 · 一个组 · {ctx.month_from:%Y年%m月}", [ctx.group1]),
    ):
        s = Scenario(name, label, "reports.briefing.compose", "leader", "", target_ms=2000, section="briefing")
        r = Result(s)
        try:
            compose(ctx.leader, groups=groups, date_from=ctx.month_from, date_to=ctx.month_to)
            started = time.perf_counter()
            for i in range(repeat):
                if time.perf_counter() - started > max_seconds and len(r.times) >= 3:
                    break
                with CaptureQueriesContext(connection) as cq:
                    t0 = time.perf_counter()
                    comp = compose(ctx.leader, groups=groups, date_from=ctx.month_from, date_to=ctx.month_to)
                    r.times.append((time.perf_counter() - t0) * 1000)
                if i == 0:
                    r.queries = len(cq.captured_queries)
                    r.size = len(str(comp))
        except Exception as e:
            r.error = f"{type(e).__name__}: {e}"[:300]
        out.append(r)
    return out


def export_from(ctx: Ctx, table: str, column: str, rows: int) -> date | None:
    """The date from which the newest `rows` records of `table` start (None: all of them)."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute(f"SELECT {column} FROM {table} ORDER BY {column} DESC LIMIT 1 OFFSET %s", [rows])
        row = c.fetchone()
    if row is None:
        return None
    value = row[0]
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def warmed(run: Callable[[], object]) -> tuple[float, float, object]:
    """run() twice, as the pages are asked after warm-ups: (seconds of the first run, of the second, the second's
    result). The rates are judged on the second; the first, which reads from the disk what the page cache let go
    (this machine pages out what stayed idle a minute), is reported beside it."""
    t0 = time.perf_counter()
    run()
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = run()
    return first, time.perf_counter() - t0, result


def measure_exports(ctx: Ctx, min_rows: int = 100_000) -> list[Rate]:
    """The problem and activity ledgers of the newest ≥ min_rows records (all when fewer), as the background job
    writes them: exports.select as bn_leader, then exports.write (rows in chunks into the xlsx writer); written
    twice (warmed), the second timed."""
    from jiandu.core import exports

    t = tables()
    out = []
    for name, ledger_name, table, column, param in (
        ("export.problems", "problems", t["prob"], "registered_on", "from"),
        ("export.activities", "activities", t["act"], "start_date", "date_from"),
    ):
        ledger = exports.get(ledger_name)
        start = export_from(ctx, table, column, min_rows)
        params = {param: [start.isoformat()]} if start else {}
        label = f"导出 · {ledger.title}" + (f"（{param}={start}）" if start else "（全部）")
        try:
            selection = exports.select(ledger, ctx.leader, params)

            def write(ledger=ledger, selection=selection) -> tuple[int, int]:
                with tempfile.TemporaryFile(suffix=".xlsx") as tmp:
                    return exports.write(tmp, ledger, ctx.leader, selection), tmp.tell()

            first, seconds, (count, size) = warmed(write)
            note = f"文件 {size / 1024 / 1024:.1f} MB；第一次 {count / first:,.0f} 行/秒"
            out.append(Rate(name, label, count, seconds, 20_000, note=note))
        except Exception as e:
            out.append(Rate(name, label, 0, 0, 20_000, error=f"{type(e).__name__}: {e}"[:300]))
    return out


def measure_import(ctx: Ctx, rows: int = 20_000) -> Rate:
    """The activity import (activities.io.importer.activity_import, validation included) of a file of `rows`
    new activities of BN-G001 in the import template (the ledger's own rows, code left empty), as a member of
    that group, inside a transaction that is rolled back; imported twice (warmed), the second timed."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from jiandu.activities.io import export as activity_export
    from jiandu.activities.io.columns import COLUMNS, SHEET
    from jiandu.activities.io.importer import activity_import
    from jiandu.activities.models import Activity
    from jiandu.core.xlsx import save_workbook

    label = f"导入 · 监督检查活动 {rows:,} 行（含校验，事务回滚）"
    try:
        ids = list(
            Activity.objects.filter(group=ctx.group1).order_by("-start_date", "-id").values_list("pk", flat=True)[:5000]
        )
        template = list(activity_export._ledger_rows(Activity.objects.filter(pk__in=ids).order_by("-start_date")))
        if not template:
            raise RuntimeError("no activity of BN-G001 to build the file from")
        data = []
        for i in range(rows):
            row = dict(zip(activity_export.KEYS, template[i % len(template)], strict=True))
            row["code"] = ""
            row["title"] = f"{row['title']}（导入{i + 1}）"[:200]
            data.append(row)
        buf = io.BytesIO()
        save_workbook(buf, SHEET, COLUMNS, data)

        def run():
            with transaction.atomic():
                result = activity_import(
                    actor=ctx.member, upload=SimpleUploadedFile("bench-import.xlsx", buf.getvalue())
                )
                transaction.set_rollback(True)
            return result

        first, seconds, result = warmed(run)
        note = (
            f"文件 {len(buf.getvalue()) / 1024 / 1024:.1f} MB，新建 {result.created:,} 条，已回滚；"
            f"第一次 {result.total / first:,.0f} 行/秒"
        )
        return Rate("import.activities", label, result.total, seconds, 5_000, note=note)
    except Exception as e:
        detail = getattr(e, "rows", None)
        msg = f"{type(e).__name__}: {e}" + (f" {detail[:3]}" if detail else "")
        return Rate("import.activities", label, 0, 0, 5_000, error=msg[:400])


def query_growth(clients: Clients, ctx: Ctx) -> list[tuple[str, int, int, str]]:
    """Queries of the same page showing 1 row and a full page (or the API at page_size 1 and 100)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(user: str, url: str) -> int:
        s = Scenario("q", "q", url, user, "")
        clients.get(s)
        with CaptureQueriesContext(connection) as cq:
            resp = clients.get(s)
        check(resp, s)
        return len(cq.captured_queries)

    from jiandu.activities.models import Activity

    title = Activity.objects.filter(code=ctx.activity_code).values_list("title", flat=True).get()
    pairs = [
        # the same keyword search: a whole number (one record) and its first characters (a full page)
        (
            "问题整改台账（1行 / 满页）",
            "leader",
            f"/problems/?q={ctx.problem_number}",
            f"/problems/?q={ctx.problem_number[:7]}",
        ),
        (
            "监督检查活动台账（1行 / 满页）",
            "leader",
            f"/activities/?q={ctx.activity_code}",
            f"/activities/?q={title[:3]}",  # the first characters of its title
        ),
        ("API 问题（page_size=1 / 100）", "leader", "/api/v1/problems/?page_size=1", "/api/v1/problems/?page_size=100"),
        (
            "API 活动（page_size=1 / 100）",
            "leader",
            "/api/v1/activities/?page_size=1",
            "/api/v1/activities/?page_size=100",
        ),
    ]
    # A page of the problems API checks the links its rows show (source activity, source document, repeat of) in
    # one query per kind of link present on the page: a row without links takes up to three fewer. Bounded by the
    # kinds of link, not by the rows.
    links = {"API 问题（page_size=1 / 100）": 3}
    out = []
    for label, user, small, large in pairs:
        try:
            a, b = queries(user, small), queries(user, large)
            out.append((label, a, b, "✓" if a <= b <= a + links.get(label, 0) else "✗"))
        except Exception as e:
            out.append((label, -1, -1, f"✗ {type(e).__name__}: {e}"[:200]))
    return out


# --- Over HTTP: gunicorn (+ Huey) ---


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn (2 workers) and, on PostgreSQL, one Huey worker on Redis, with production settings (plus the
    admin), static files collected into a scratch folder; stopped by process group."""

    def __init__(self, vendor: str, media: Path):
        self.vendor = vendor
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.procs: list[subprocess.Popen] = []
        self.static = SCRATCH / "bench-static"
        self.logdir = Path(tempfile.mkdtemp(prefix="jiandu-bench-http-"))
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings_admin",
            "JIANDU_BENCH_BASE_SETTINGS": "config.settings.production",
            "JIANDU_BENCH_STATIC_ROOT": str(self.static),
            "DJANGO_SECRET_KEY": SERVER_SECRET,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "JIANDU_SM4_KEYS": "bench=" + secrets.token_hex(16),
            "JIANDU_SM4_ACTIVE_KEY": "bench",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_DEBUG": "0",
            "JIANDU_MEDIA_ROOT": str(media),
        }
        self.env.pop("JIANDU_BENCH_SESSION_ENGINE", None)
        # The production layout's cache, shared by the workers (on SQLite too): with a cache per process, a
        # worker that has not computed the province's figures yet would read them cold under load.
        self.env["JIANDU_REDIS_URL"] = REDIS_URL
        self.conf = BASE_DIR / "config" / "gunicorn.conf.py"
        self.command = ""

    def python(self) -> str:
        return sys.executable

    def start(self) -> None:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()  # no figures left by an earlier run: the warm-ups compute them
        t0 = time.perf_counter()
        subprocess.run(
            [self.python(), "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=BASE_DIR,
            env=self.env,
            check=True,
        )
        log(f"  collectstatic → {self.static} ({time.perf_counter() - t0:.1f} s)")
        gunicorn = [self.python(), "-m", "gunicorn"]
        cmd = [*gunicorn, "config.wsgi:application", "--chdir", str(BASE_DIR)]
        if self.conf.exists():
            cmd += ["-c", str(self.conf)]
        cmd += ["--workers", "2", "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"]
        self.command = shlex.join(["gunicorn", *cmd[3:]])
        self.spawn(cmd, "gunicorn")
        if self.vendor == "postgresql":
            self.spawn([self.python(), "manage.py", "run_huey", "--workers", "1"], "huey")
        import requests

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base + "/accounts/login/", timeout=5).status_code == 200:
                    log(f"  gunicorn ready on {self.base} ({time.perf_counter() - t0:.1f} s)")
                    return
            except requests.RequestException:
                pass
            if any(p.poll() is not None for p in self.procs):
                break
            time.sleep(0.5)
        raise RuntimeError(f"the server did not start; see {self.logdir}")

    def spawn(self, cmd: list[str], name: str) -> None:
        out = open(self.logdir / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        self.procs.append(
            subprocess.Popen(cmd, cwd=BASE_DIR, env=self.env, stdout=out, stderr=out, start_new_session=True)
        )

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def http_session(server: Server, user):
    import requests

    key = make_session(user, "django.contrib.sessions.backends.db")
    s = requests.Session()
    s.headers["Cookie"] = f"{settings().SESSION_COOKIE_NAME}={key}"
    return s


def http_get(sess, server: Server, s: Scenario) -> tuple[float, bool, str]:
    """One request, timed; a page that came with a progress card (figures too long to sum at once) then asks for
    the figures as htmx would, and the time is the two requests' (a cold cache: what the reader waits)."""
    t0 = time.perf_counter()
    try:
        resp = sess.get(server.base + s.url, allow_redirects=False, timeout=60, headers=s.headers)
        found = PROGRESS.search(resp.text) if resp.status_code == 200 and s.expect not in resp.text else None
        if found:
            url = found.group(1).replace("&amp;", "&")
            resp = sess.get(server.base + url, allow_redirects=False, timeout=120, headers={"HX-Request": "true"})
        ms = (time.perf_counter() - t0) * 1000
        ok = resp.status_code == 200 and (not s.expect or s.expect in resp.text)
        return ms, ok, "" if ok else f"HTTP {resp.status_code}"
    except Exception as e:
        return (time.perf_counter() - t0) * 1000, False, type(e).__name__


def http_sequential(server: Server, ctx: Ctx, scenarios: list[Scenario], repeat: int) -> list[Result]:
    users = {"leader": ctx.leader, "member": ctx.member, "admin": ctx.admin}
    sessions = {k: http_session(server, u) for k, u in users.items()}
    out = []
    for s in scenarios:
        r = Result(s)
        sess = sessions[s.user]
        for _ in range(2):
            http_get(sess, server, s)
        started = time.perf_counter()
        for _ in range(repeat):
            ms, ok, err = http_get(sess, server, s)
            if not ok:
                r.error = err
                break
            r.times.append(ms)
            if time.perf_counter() - started > ARGS.max_seconds and len(r.times) >= 5:
                break
        out.append(r)
        log(f"  HTTP {s.name:34} p50 {fmt_ms(r.p50):>7} ms  p95 {fmt_ms(r.p95):>7} ms {r.error}")
    return out


@dataclass
class Load:
    users: int
    seconds: float
    times: list[float]
    errors: int
    kinds: dict
    slowest: list = field(default_factory=list)  # [(ms, scenario name)], the five slowest requests

    @property
    def rps(self) -> float:
        return len(self.times) / self.seconds if self.seconds else 0.0


def http_load(server: Server, ctx: Ctx, scenarios: list[Scenario], users: int, seconds: float) -> Load:
    """`users` threads, each with its own session (leaders and members alternately) and keep-alive connection,
    asking the mix of page scenarios in turn, for `seconds`."""
    mix = [s for s in scenarios if s.user in ("leader", "member")]
    sessions = [http_session(server, ctx.leader if i % 2 == 0 else ctx.member) for i in range(users)]
    stop = threading.Event()
    times: list[float] = []
    errors: list[str] = []
    named: list[tuple[float, str]] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        sess = sessions[i]
        mine = [s for s in mix if s.user == ("leader" if i % 2 == 0 else "member")] or mix
        k = i
        while not stop.is_set():
            s = mine[k % len(mine)]
            k += 1
            ms, ok, err = http_get(sess, server, s)
            with lock:
                named.append((ms, s.name))
                if ok:
                    times.append(ms)
                else:
                    errors.append(f"{s.name}: {err}")

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(users)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    stop.wait(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=90)
    elapsed = time.perf_counter() - t0
    kinds: dict = {}
    for e in errors:
        kinds[e] = kinds.get(e, 0) + 1
    return Load(users, elapsed, times, len(errors), kinds, sorted(named, reverse=True)[:5])


def http_export_job(server: Server, ctx: Ctx) -> Rate:
    """One background export end to end: GET the ledger export (more rows than JIANDU_EXPORT_SYNC_ROWS) as
    bn_leader, follow the job in the database until the Huey worker has finished it."""
    from jiandu.core.enums import ExportStatus
    from jiandu.core.models import ExportJob

    sess = http_session(server, ctx.leader)
    label = "后台导出 · 问题整改台账（gunicorn → Redis → Huey 工作进程）"
    t0 = time.perf_counter()
    resp = sess.get(server.base + "/problems/export.xlsx", allow_redirects=False, timeout=120)
    m = re.search(r"/exports/(\d+)/", resp.headers.get("Location", ""))
    if resp.status_code != 302 or not m:
        return Rate("http.export_job", label, 0, 0, 20_000, error=f"HTTP {resp.status_code} {resp.headers}"[:300])
    pk = int(m.group(1))
    while time.perf_counter() - t0 < 900:
        job = ExportJob.objects.get(pk=pk)
        if job.status in (ExportStatus.DONE, ExportStatus.FAILED):
            break
        time.sleep(0.2)
    seconds = time.perf_counter() - t0
    if job.status != ExportStatus.DONE:
        return Rate("http.export_job", label, 0, seconds, 20_000, error=f"job {pk}: {job.status} {job.error}"[:300])
    return Rate("http.export_job", label, job.done_rows, seconds, 20_000, note=f"任务 {pk}，从请求到完成")


# --- The machine and the data set ---


def machine() -> dict:
    import django
    from django.db import connection

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    mem = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    osname = platform.platform()
    rel = Path("/etc/os-release")
    if rel.exists():
        m = re.search(r'PRETTY_NAME="([^"]+)"', rel.read_text())
        if m:
            osname = f"{m.group(1)} (Linux {platform.release()})"
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("SHOW server_version")
            db = f"PostgreSQL {c.fetchone()[0]}"
        else:
            c.execute("SELECT sqlite_version()")
            db = f"SQLite {c.fetchone()[0]}"
    try:
        import gunicorn

        gv = gunicorn.__version__
    except ImportError:
        gv = "—"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram": f"{mem / 1024 / 1024:.0f} GB",
        "os": osname,
        "python": platform.python_version(),
        "django": django.get_version(),
        "db": db,
        "gunicorn": gv,
        "load": load_average(),
    }


def load_average() -> str:
    return "、".join(f"{x:.1f}" for x in os.getloadavg())


def row_counts() -> dict:
    from django.db import connection

    t = tables()
    out = {}
    with connection.cursor() as c:
        for label, sql in (
            ("纪检监察组", f"SELECT COUNT(*) FROM {t['org']} WHERE kind = 'group'"),
            ("被监督单位", f"SELECT COUNT(*) FROM {t['org']} WHERE kind IN ('department', 'unit')"),
            ("点位", f"SELECT COUNT(*) FROM {t['site']}"),
            ("监督检查活动", f"SELECT COUNT(*) FROM {t['act']}"),
            ("问题", f"SELECT COUNT(*) FROM {t['prob']}"),
            ("填报数据", f"SELECT COUNT(*) FROM {t['dv']}"),
            ("账号", f"SELECT COUNT(*) FROM {t['user']}"),
        ):
            c.execute(sql)
            out[label] = c.fetchone()[0]
    return out


def scale_of(counts: dict) -> str:
    return f"S={counts['问题'] / 1_000_000:g}"


# --- The report ---

SECTION_TITLES = {
    "dashboard": "领导驾驶舱",
    "problems": "问题整改台账（列表 + 筛选）",
    "activities": "监督检查活动台账",
    "detail": "详情页",
    "api": "API 列表",
    "briefing": "工作简报（reports.briefing.compose，进程内）",
}

HEADER = """# 性能测试 · Benchmarks (DESIGN §10)

本文件由 `bench/run` 生成（每种数据库一节，重跑时原位替换），请勿手工编辑。数据由 `bench/generate --scale S`
生成（S=1：200 个组、2,000 个被监督单位、10 万点位、100 万活动、100 万问题、500 万填报数据）。

目标（DESIGN §10，2 核）：驾驶舱和台账页面 p95 < 150 ms，问题列表（带筛选）p95 < 100 ms，简报 < 2 s，
xlsx 导入 ≥ 5,000 行/秒，导出 ≥ 20,000 行/秒，任何页面的查询数不随显示行数增长；50 个并发用户持续 10 分钟无错误。

读法：

- **进程内**：`django.test.Client`（DEBUG 关闭，会话放在进程内存，故不含生产中每次请求保存会话的 1 条 UPDATE），
  每个场景先请求 2 次预热，再计时 N 次（或到单场景时间上限），记录 p50、p95、最大值、每次请求的 SQL 条数、响应大小；
  先核对状态 200 和页面中应有的文字，出错的页面不计时。
- **参照**：同一次运行中、同一张表上的 Django admin 列表页（相同筛选、排序、每页条数，见 `bench/admin_urls.py`），
  以及手写 SQL（同样的统计或同一页的 COUNT + SELECT … ORDER BY … LIMIT，裸游标执行，即下限）。
  「÷admin」「÷SQL」为我们的 p50 与参照 p50 之比。
- **HTTP**：gunicorn 2 个工作进程、127.0.0.1 回环、`config.settings.production`（另加 admin，静态文件收集到临时目录），
  缓存用 Redis（两个工作进程共用，开始前清空），PostgreSQL 时另有 1 个 Huey 工作进程（Redis）；
  负载客户端与服务器在同一台机器上，争用同样的 CPU。页面先给出进度卡片时（冷缓存下的全省数字），客户端像 htmx
  一样接着请求数字，计时为两次请求之和。
- **导入与导出**：导出为台账的行函数写入 xlsx（`core.exports.select` + `write`，即后台任务所做的事，不含排队）；
  导入为活动导入服务处理一个用导入模板生成的 20,000 行文件（含读取和逐行校验），在事务中执行后回滚。
  与页面先预热再计时一样，导出和导入各连续做两次，以第二次计速率，第一次的速率写在备注里（本机会把闲置一分钟的
  页缓存换出，第一次要从磁盘读回）。
  后台导出经 Huey 的端到端路径（含进度轮询）另见 `bench/export_100k.py`，PostgreSQL 一节另测一次经 gunicorn → Redis →
  Huey 工作进程的后台导出。
"""


def section_markers(vendor: str) -> tuple[str, str]:
    return f"<!-- bench:{vendor}:start -->", f"<!-- bench:{vendor}:end -->"


def write_report(path: Path, vendor: str, body: str) -> None:
    start, end = section_markers(vendor)
    block = f"{start}\n{body.rstrip()}\n{end}"
    others = {}
    if path.exists():
        text = path.read_text()
        for v in ("sqlite", "postgresql"):
            a, b = section_markers(v)
            if v != vendor and a in text and b in text:
                others[v] = text[text.index(a) : text.index(b) + len(b)]
    blocks = {**others, vendor: block}
    parts = [HEADER.rstrip()] + [blocks[v] for v in ("sqlite", "postgresql") if v in blocks]
    path.write_text("\n\n".join(parts) + "\n")


def table(head: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(str(x) for x in r) + " |" for r in rows]
    return "\n".join(lines)


def render(
    info: dict,
    counts: dict,
    command: str,
    started: datetime,
    results: list[Result],
    raws: dict,
    rates: list[Rate],
    growth: list,
    http: dict,
    repeat: int,
    total_seconds: float,
) -> str:
    vendor_title = "PostgreSQL" if info["db"].startswith("PostgreSQL") else "SQLite"
    by_name = {r.scenario.name: r for r in results}
    out = [f"## {vendor_title}", ""]
    out.append(
        f"- 日期：{started:%Y-%m-%d %H:%M} UTC；运行用时 {total_seconds / 60:.1f} 分钟\n"
        f"- 机器：{info['cpu']}，{info['cores']} 核，内存 {info['ram']}；{info['os']}"
        f"；负载（1、5、15 分钟）开始时 {info['load']}，结束时 {load_average()}\n"
        f"- 软件：Python {info['python']}，Django {info['django']}，{info['db']}，gunicorn {info['gunicorn']}\n"
        f"- 数据（{scale_of(counts)}）：" + "，".join(f"{k} {v:,}" for k, v in counts.items()) + "\n"
        f"- 命令：`{command}`（每场景计时 {repeat} 次，单场景上限 {ARGS.max_seconds:g} 秒）\n"
        "- 进程内设置：config.settings.local，DEBUG 关闭，另加 admin（bench/settings_admin.py）；"
        "查看者为委领导 bn_leader（全省）或组员 bn_g001_member1（本组），admin 参照为超级用户 bn_admin_ref"
    )
    head = ["场景", "URL", "n", "p50 ms", "p95 ms", "max ms", "查询", "KB", "目标", "达标", "÷admin", "÷SQL"]
    for section, title in SECTION_TITLES.items():
        rows = []
        for r in results:
            s = r.scenario
            if s.section != section:
                continue
            admin = by_name.get(s.admin) if s.admin else None
            raw = raws.get(s.name)
            target = f"p95 < {s.target_ms:,.0f} ms" if s.target_ms else "—"
            if r.error:
                rows.append([s.label, f"`{s.url}`", 0, "—", "—", "—", "—", "—", target, "✗", "—", f"错误：{r.error}"])
                continue
            rows.append(
                [
                    s.label,
                    f"`{s.url}`",
                    len(r.times),
                    fmt_ms(r.p50),
                    fmt_ms(r.p95),
                    fmt_ms(r.max),
                    r.queries,
                    f"{r.size / 1024:,.0f}" if section != "briefing" else "—",
                    target,
                    r.met or "—",
                    ratio(r.p50, admin.p50) if admin and not admin.error else "—",
                    ratio(r.p50, raw[0]) if raw else "—",
                ]
            )
        if rows:
            out += ["", f"### {title}", "", table(head, rows)]
    refs = []
    for r in results:
        if r.scenario.section == "admin":
            refs.append(
                [
                    r.scenario.label,
                    f"`{r.scenario.url}`",
                    fmt_ms(r.p50),
                    fmt_ms(r.p95),
                    r.queries,
                    f"错误：{r.error}" if r.error else "",
                ]
            )
    raw_rows = [
        [by_name[name].scenario.label, v[2], fmt_ms(v[0]), fmt_ms(v[1])]
        for name, v in raws.items()
        if name in by_name and not by_name[name].error
    ]
    if refs:
        out += [
            "",
            "### 参照：Django admin 列表页（同表、同筛选，超级用户）",
            "",
            table(["参照", "URL", "p50 ms", "p95 ms", "查询", ""], refs),
        ]
    if raw_rows:
        out += ["", "### 参照：手写 SQL（下限）", "", table(["对应场景", "语句数", "p50 ms", "p95 ms"], raw_rows)]
    if rates:
        out += ["", "### 导入与导出（进程内）", ""]
        out.append(
            table(
                ["场景", "行数", "用时", "速率", "目标", "达标", "说明"],
                [
                    [
                        r.label,
                        f"{r.rows:,}",
                        f"{r.seconds:.2f} s",
                        f"{r.rate:,.0f} 行/秒",
                        f"≥ {r.target:,.0f} 行/秒" if r.target else "—",
                        r.met,
                        f"错误：{r.error}" if r.error else r.note,
                    ]
                    for r in rates
                ],
            )
        )
    if growth:
        out += ["", "### 查询数不随显示行数增长", ""]
        out.append(table(["页面", "少（查询）", "多（查询）", "不增长"], [list(g) for g in growth]))
    if http:
        out += ["", "### HTTP（gunicorn）", ""]
        out.append(f"- 服务器：`{http['command']}`；设置 {http['settings']}；{http['worker']}")
        seq = http.get("sequential", [])
        if seq:
            out += ["", "单个客户端逐个请求（保持连接）：", ""]
            out.append(
                table(
                    ["场景", "URL", "n", "p50 ms", "p95 ms", "max ms", "目标", "达标"],
                    [
                        [
                            r.scenario.label,
                            f"`{r.scenario.url}`",
                            len(r.times),
                            fmt_ms(r.p50),
                            fmt_ms(r.p95),
                            fmt_ms(r.max),
                            f"p95 < {r.scenario.target_ms:,.0f} ms" if r.scenario.target_ms else "—",
                            r.met or "—",
                        ]
                        if not r.error
                        else [r.scenario.label, f"`{r.scenario.url}`", 0, "—", "—", "—", "—", f"✗ {r.error}"]
                        for r in seq
                    ],
                )
            )
        loads = http.get("loads", [])
        if loads:
            out += ["", "并发负载（各页面场景轮流请求，每个用户一个会话，委领导与组员各半）：", ""]
            out.append(
                table(
                    ["并发用户", "时长", "请求数", "请求/秒", "p50 ms", "p95 ms", "max ms", "错误"],
                    [
                        [
                            f"{ld.users}{'（可靠性）' if ld is http.get('reliability') else ''}",
                            f"{ld.seconds:.0f} s",
                            f"{len(ld.times):,}",
                            f"{ld.rps:.1f}",
                            fmt_ms(pct(ld.times, 50) if ld.times else None),
                            fmt_ms(pct(ld.times, 95) if ld.times else None),
                            fmt_ms(max(ld.times) if ld.times else None),
                            f"{ld.errors}"
                            + (
                                f"（{'; '.join(f'{k} ×{v}' for k, v in list(ld.kinds.items())[:4])}）"
                                if ld.kinds
                                else ""
                            ),
                        ]
                        for ld in loads
                    ],
                )
            )
        job = http.get("export_job")
        if job:
            out += [
                "",
                f"- {job.label}："
                + (
                    f"错误 {job.error}"
                    if job.error
                    else f"{job.rows:,} 行，{job.seconds:.1f} s，{job.rate:,.0f} 行/秒（{job.note}）"
                ),
            ]
        if http.get("error"):
            out += ["", f"- HTTP 部分出错：{http['error']}"]
    return "\n".join(out) + "\n"


# --- Main ---


def selected(name: str) -> bool:
    return not ARGS.only or any(fnmatch(name, pat) or name.startswith(pat) for pat in ARGS.only)


def check_migrations() -> None:
    """The data set must have the app's current schema (the app changes; the data set was built earlier)."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as e:  # the app's migrations being edited: measure what is there
        log(f"WARNING: cannot read the migration plan ({type(e).__name__}: {e})")
        return
    plan = [m for m, _backwards in plan if m.app_label != "admin"]
    if not plan:
        return
    names = ", ".join(f"{m.app_label}.{m.name}" for m in plan)
    if not ARGS.migrate:
        sys.exit(f"the database lacks migrations {names}: run `manage.py migrate` on it, or bench/run --migrate")
    log(f"migrating: {names}")
    for app in sorted({m.app_label for m in plan}):
        call_command("migrate", app, verbosity=0)


def main() -> None:
    import django

    django.setup()
    from django.db import connection

    import config.wsgi  # noqa: F401  (the server's start-up, garbage collector settings included)

    t_start = time.perf_counter()
    started = datetime.now(UTC)
    command = "bench/run " + shlex.join(sys.argv[1:])
    log(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    check_migrations()
    vacuum()  # PostgreSQL, as autovacuum would have since the last run (bench/generate.vacuum)
    ctx = setup_context()
    info = machine()
    counts = row_counts()
    log(f"{scale_of(counts)}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    log(f"machine: {info['cpu']}, {info['cores']} cores, {info['ram']}, load {info['load']}")

    scenarios = build_scenarios(ctx)
    wanted = [
        s for s in scenarios if selected(s.name) or any(selected(o.name) and o.admin == s.name for o in scenarios)
    ]
    clients = Clients(ctx)
    results: list[Result] = []
    raws: dict = {}
    # As the app server does after start-up (config/wsgi.py): what is loaded is set aside from the collector.
    gc.collect()
    gc.freeze()
    log(f"\n== in-process ({len(wanted)} scenarios, {ARGS.repeat} requests each)")
    for s in wanted:
        r = measure_page(clients, s, ARGS.repeat, ARGS.max_seconds)
        results.append(r)
        extra = ""
        if s.raw is not None and not r.error:
            try:
                raws[s.name] = measure_raw(s.raw, min(ARGS.repeat, 10), ARGS.max_seconds / 2)
                extra = f"  SQL p50 {fmt_ms(raws[s.name][0])} ms"
            except Exception as e:
                extra = f"  SQL error {type(e).__name__}: {e}"[:200]
        if r.error:
            log(f"  {s.name:34} ERROR {r.error}")
        else:
            log(
                f"  {s.name:34} p50 {fmt_ms(r.p50):>7} ms  p95 {fmt_ms(r.p95):>7} ms  max {fmt_ms(r.max):>7}  "
                f"q {r.queries:3}  {r.size / 1024:5.0f} KB  n {len(r.times)} {r.met}{extra}"
            )
    if selected("briefing"):
        log("\n== briefing")
        for r in measure_briefing(ctx, min(ARGS.repeat, 5), ARGS.max_seconds):
            results.append(r)
            line = f"  {r.scenario.name:34} p50 {fmt_ms(r.p50)} ms  p95 {fmt_ms(r.p95)} ms  q {r.queries} {r.met}"
            log(f"{line} {r.error}")
    rates: list[Rate] = []
    if selected("export"):
        log("\n== export")
        for r in measure_exports(ctx):
            rates.append(r)
            log(f"  {r.name:34} {r.rows:,} rows in {r.seconds:.2f} s = {r.rate:,.0f} rows/s {r.met} {r.error}")
    if selected("import"):
        log("\n== import")
        r = measure_import(ctx)
        rates.append(r)
        log(f"  {r.name:34} {r.rows:,} rows in {r.seconds:.2f} s = {r.rate:,.0f} rows/s {r.met} {r.error}")
    growth = []
    if selected("queries"):
        log("\n== query counts, few rows vs many")
        growth = query_growth(clients, ctx)
        for g in growth:
            log(f"  {g[0]}: {g[1]} / {g[2]} {g[3]}")

    http: dict = {}
    if not ARGS.skip_http:
        http = run_http(ctx, [s for s in wanted if s.http])

    total = time.perf_counter() - t_start
    body = render(info, counts, command, started, results, raws, rates, growth, http, ARGS.repeat, total)
    output = ARGS.output or (None if ARGS.only else str(BASE_DIR / "docs" / "benchmarks.md"))
    if ARGS.no_write or not output:
        log("\n(--no-write, or --only without --output: the report is not written)")
    else:
        write_report(Path(output), connection.vendor, body)
        log(f"\nwrote {output} (section {connection.vendor})")
    log(f"total run time: {total / 60:.1f} min")


def run_http(ctx: Ctx, scenarios: list[Scenario]) -> dict:
    from django.db import connection

    log("\n== HTTP")
    media = Path(tempfile.mkdtemp(prefix="jiandu-bench-media-"))
    server = Server(connection.vendor, media)
    out: dict = {
        "settings": "config.settings.production + admin（bench/settings_admin.py）",
        "worker": "缓存为 Redis（各工作进程共用）；"
        + ("1 个 Huey 工作进程（Redis）" if connection.vendor == "postgresql" else "无 Huey 工作进程（SQLite）"),
        "command": "",
    }
    try:
        server.start()
        out["command"] = server.command
        out["sequential"] = http_sequential(server, ctx, scenarios, min(ARGS.repeat, 20))
        levels = [int(x) for x in ARGS.concurrency.split(",") if x.strip()]
        out["loads"] = []
        for users in levels:
            ld = http_load(server, ctx, scenarios, users, ARGS.http_seconds)
            out["loads"].append(ld)
            log(
                f"  load {users:3} users: {len(ld.times):,} ok, {ld.errors} errors, {ld.rps:.1f} req/s, "
                f"p50 {fmt_ms(pct(ld.times, 50))} ms, p95 {fmt_ms(pct(ld.times, 95))} ms {ld.kinds or ''}"
            )
            log("    slowest: " + ", ".join(f"{name} {fmt_ms(ms)} ms" for ms, name in ld.slowest))
        if ARGS.load_minutes:
            log(f"  reliability: 50 users for {ARGS.load_minutes:g} min …")
            ld = http_load(server, ctx, scenarios, 50, ARGS.load_minutes * 60)
            out["loads"].append(ld)
            out["reliability"] = ld
            log(f"  reliability: {len(ld.times):,} ok, {ld.errors} errors, {ld.rps:.1f} req/s {ld.kinds or ''}")
            log("    slowest: " + ", ".join(f"{name} {fmt_ms(ms)} ms" for ms, name in ld.slowest))
        if connection.vendor == "postgresql":
            job = http_export_job(server, ctx)
            out["export_job"] = job
            log(f"  export job: {job.rows:,} rows in {job.seconds:.1f} s {job.error}")
    except Exception as e:
        out["error"] = f"{type(e).__name__}: {e}"[:400]
        log(f"  HTTP ERROR {out['error']} (logs: {server.logdir})")
    finally:
        server.stop()
        shutil.rmtree(media, ignore_errors=True)
        if "error" not in out:
            shutil.rmtree(server.logdir, ignore_errors=True)
    return out


if __name__ == "__main__":
    main()
