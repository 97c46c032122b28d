"""统计月报: every line of the form against hand-built records (本月 and 本年累计, states at the month's end with a
frozen clock), the .xlsx read back (title, merged headers, values, formats, print setup, footer), the page showing
exactly what the file holds, access per role, the summary of all groups, bounded queries — and the Jilin demo.

Every test runs on top of the demo (the module's `demo` fixture), so hand-built orgs use their own codes (T-…)."""

import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from jiandu.activities.enums import Method
from jiandu.activities.models import Activity
from jiandu.activities.tests.factories import ActivityFactory
from jiandu.core.models import AuditEvent
from jiandu.documents import services as doc_services
from jiandu.documents.enums import DocumentKind
from jiandu.documents.models import Document, DocumentRecipient
from jiandu.documents.tests.factories import issued
from jiandu.hotline import services as hotline_services
from jiandu.organizations.enums import OrgKind, Role
from jiandu.organizations.models import Assignment, Org, User
from jiandu.organizations.tests.factories import OrgFactory, SiteFactory, user_with_role
from jiandu.problems import urging
from jiandu.problems.models import Problem
from jiandu.problems.tests.factories import category, problem, walk
from jiandu.reports.monthly import ITEMS, monthly_table, monthly_tables
from jiandu.sampling.models import Check, CheckItemResult

SH = ZoneInfo("Asia/Shanghai")
URL = "/reports/monthly/"
EXPORT = "/reports/monthly/export.xlsx"


def at(month, day, hour=10):
    return datetime(2022, month, day, hour, 0, tzinfo=SH)


@pytest.fixture
def frozen():
    with time_machine.travel(at(5, 10, 8), tick=False):
        yield


@pytest.fixture
def world(demo, db, frozen):
    """测试甲组 supervises 测试甲厅 (and its 测试医院); 测试乙组 another department. Today is 2022-05-10.

    Activities: stationed 3-28 → 4-05 (5 days in April, 9 this year), on-site 4-10 and phone check 4-12 (sites s1,
    s2, s1), covert 3-15 (s3), on-site 5-02. Documents: reminder 4-02 due 4-10 replied 4-09; notice 4-20 due 4-28
    replied only on 5-03; recommendation 3-20 without a deadline. Problems: A 4-01 closed 4-08; B 4-03 due 4-15
    closed only on 5-05; C 4-05 due 4-20 open, urged 4-21 and 5-06; D 4-25 due 5-10 open, a 屡查屡犯 of A; E 3-10
    closed 3-18. Checks: s1 twice in April, s2 in March. Hotline of 测试医院: cases 4-12 and 3-05; calls 4-12
    (connected), 4-13 (not), 4-20 (planned only)."""
    commission = Org.objects.get(code="JW")
    ga = OrgFactory(kind=OrgKind.GROUP, parent=commission, code="T-GA", name="测试甲组", short_name="甲组")
    gb = OrgFactory(kind=OrgKind.GROUP, parent=commission, code="T-GB", name="测试乙组", short_name="乙组")
    da = OrgFactory(kind=OrgKind.DEPARTMENT, code="T-DA", name="测试甲厅")
    hosp = OrgFactory(kind=OrgKind.UNIT, parent=da, code="T-DA-H", name="测试医院")
    db_ = OrgFactory(kind=OrgKind.DEPARTMENT, code="T-DB", name="测试乙厅")
    Assignment.objects.create(group=ga, org=da)
    Assignment.objects.create(group=gb, org=db_)
    u = {
        "commission": user_with_role(Role.OFFICE_STAFF, commission, "t_office"),
        "leader_a": user_with_role(Role.GROUP_LEADER, ga, "t_leader_a", full_name="甲组长"),
        "member_a": user_with_role(Role.GROUP_MEMBER, ga, "t_member_a"),
        "member_b": user_with_role(Role.GROUP_MEMBER, gb, "t_member_b"),
        "liaison_a": user_with_role(Role.LIAISON, da, "t_liaison_a"),
        "sysadmin": user_with_role(Role.SYSTEM_ADMIN, commission, "t_sysadmin"),
        "secadmin": user_with_role(Role.SECURITY_ADMIN, commission, "t_secadmin"),
        "auditor": user_with_role(Role.AUDIT_ADMIN, commission, "t_auditor"),
    }
    la, ma, lia = u["leader_a"], u["member_a"], u["liaison_a"]
    s1, s2, s3 = (SiteFactory(responsible_org=da) for _ in range(3))
    ActivityFactory(group=ga, method=Method.STATIONED, start_date=date(2022, 3, 28), end_date=date(2022, 4, 5))
    ActivityFactory(group=ga, method=Method.ON_SITE, start_date=date(2022, 4, 10), sites=[s1, s2])
    ActivityFactory(group=ga, method=Method.PHONE_CHECK, start_date=date(2022, 4, 12), sites=[s1])
    ActivityFactory(group=ga, method=Method.COVERT, start_date=date(2022, 3, 15), sites=[s3])
    ActivityFactory(group=ga, method=Method.ON_SITE, start_date=date(2022, 5, 2))
    ActivityFactory(group=gb, method=Method.ON_SITE, start_date=date(2022, 4, 11))

    def doc(kind, recipient, issued_on, due):
        d = issued(la, ga, [recipient], issued_on=issued_on, prefix="测甲", kind=kind, reply_due_on=due)
        return DocumentRecipient.objects.get(document=d)

    def reply(row, when):
        row = doc_services.document_acknowledge(actor=lia, recipient=row, at=when)
        doc_services.document_reply(actor=lia, recipient=row, text="已整改。", at=when)

    reply(doc(DocumentKind.REMINDER, da, date(2022, 4, 2), date(2022, 4, 10)), at(4, 9))
    reply(doc(DocumentKind.NOTICE, hosp, date(2022, 4, 20), date(2022, 4, 28)), at(5, 3))
    doc(DocumentKind.RECOMMENDATION, da, date(2022, 3, 20), None)

    def close(p, month, day):
        return walk(p, "closed", liaison=lia, leader=la, closed_on=date(2022, month, day))

    def reg(org, month, day, due, **kw):
        return problem(ma, ga, org, registered_on=date(2022, month, day), deadline=due, **kw)

    e = reg(da, 3, 10, date(2022, 3, 20), description="三月的问题", category=category("工作作风问题"))
    close(e, 3, 18)
    a = reg(da, 4, 1, date(2022, 4, 10), description="按期销号的问题")
    b = reg(hosp, 4, 3, date(2022, 4, 15), description="五月才销号的问题")
    c = reg(hosp, 4, 5, date(2022, 4, 20), description="逾期未整改的问题")
    close(a, 4, 8)
    close(b, 5, 5)
    d = reg(da, 4, 25, date(2022, 5, 10), description="再次发现的问题")
    assert d.is_repeat and not a.is_repeat
    urging.problem_urge(actor=ma, problem=c, at=at(4, 21))
    urging.problem_urge(actor=ma, problem=Problem.objects.get(pk=c.pk), at=at(5, 6))
    Check.objects.create(site=s1, group=ga, checked_at=at(4, 11))
    Check.objects.create(site=s1, group=ga, checked_at=at(4, 12))
    Check.objects.create(site=s2, group=ga, checked_at=at(3, 15))
    line = hotline_services.hotline_create(actor=la, name="测试医院服务热线", number="12320", operating_org=hosp)
    for when in (at(4, 12), at(3, 5)):
        hotline_services.case_create(actor=ma, hotline=line, received_at=when, issue="群众反映就医难。")
    result = {"caller": None, "answer_correct": True, "wait_seconds": 10, "quality_score": 4}
    hotline_services.test_call_create(
        actor=ma, hotline=line, planned_at=at(4, 12), result={**result, "called_at": at(4, 12), "connected": True}
    )
    hotline_services.test_call_create(
        actor=ma, hotline=line, planned_at=at(4, 13), result={**result, "called_at": at(4, 13), "connected": False}
    )
    hotline_services.test_call_create(actor=ma, hotline=line, planned_at=at(4, 20))
    return {"ga": ga, "gb": gb, **u}


APRIL = {  # key: (本月, 本年累计)
    "activities": (3, 4),
    "method.on_site": (1, 1),
    "method.phone_check": (1, 1),
    "method.stationed": (1, 1),
    "method.covert": (0, 1),
    "stationed_days": (5, 9),
    "activity_sites": (2, 3),
    "documents": (2, 3),
    "kind.reminder": (1, 1),
    "kind.notice": (1, 1),
    "kind.recommendation": (0, 1),
    "replies_due": (2, 2),
    "replies_on_time": (1, 1),
    "reply_rate": (50.0, 50.0),  # the notice's reply came on 5-03: at the end of April it was missed
    "found": (4, 5),
    "closed": (1, 2),  # B was closed only on 5-05: at the end of April it was overdue
    "in_progress": (1, 1),
    "overdue": (2, 2),
    "rectify_rate": (25.0, 40.0),
    "urges": (1, 1),  # the urge of 5-06 is May's
    "repeats": (1, 1),
    "sampling_sites": (1, 2),
    "sampling_problems": (0, 0),
    "cases": (1, 2),
    "calls": (2, 2),
    "calls_connected": (1, 1),
    "answer_rate": (50.0, 50.0),
}


def test_every_line_of_april(world):
    table = monthly_table(world["leader_a"], world["ga"], 2022, 4)
    assert table.as_of == date(2022, 4, 30)
    got = {key: (table.value(key, "month"), table.value(key, "year")) for key in APRIL}
    assert got == APRIL
    assert table.value("method.video") == 0 and table.value("kind.directive") == 0


def test_states_follow_the_records_in_a_later_month(world):
    may = monthly_table(world["leader_a"], world["ga"], 2022, 5)
    assert may.as_of == date(2022, 5, 10)  # the running month: as of today
    assert (may.value("found"), may.value("urges"), may.value("activities")) == (0, 1, 1)
    assert may.value("closed", "year") == 3  # B is closed by now
    assert may.value("replies_on_time", "year") == 1 and may.value("replies_due", "year") == 2


def test_group_staff_cannot_see_another_groups_figures(world):
    table = monthly_table(world["member_b"], world["ga"], 2022, 4)  # scoped by visible_to: nothing of 甲组
    assert all(not value for key, value in table.month_values.items())


# --- The .xlsx ---


def download(client, **params):
    response = client.get(EXPORT, params)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def row_of(ws, section: str, label: str) -> int:
    current = None
    for r in range(5, ws.max_row + 1):
        current = ws.cell(row=r, column=1).value or current
        if current == section and ws.cell(row=r, column=2).value == label:
            return r
    raise AssertionError(f"{section} {label} not found")


def test_export_is_laid_out_like_the_form(world, client):
    client.force_login(world["leader_a"])
    before = AuditEvent.objects.count()
    wb = download(client, group=world["ga"].pk, month="2022-04")
    assert wb.sheetnames == ["甲组"]
    ws = wb.active
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].value == "派驻监督工作统计月报表" and "A1:E1" in merged
    assert ws["A2"].value == "填报单位：测试甲组" and ws["D2"].value == "统计月份：2022年4月"
    assert [ws["A3"].value, ws["B3"].value, ws["C3"].value, ws["D3"].value] == ["类别", "指标", "计量单位", "数量"]
    assert [ws["D4"].value, ws["E4"].value] == ["本月", "本年累计"]
    assert {"A3:A4", "B3:B4", "C3:C4", "D3:E3"} <= merged
    assert ws["A5"].value == "一、监督检查" and any(r.startswith("A5:A") for r in merged)
    found = row_of(ws, "三、问题整改", "发现问题")
    assert (ws.cell(row=found, column=4).value, ws.cell(row=found, column=5).value) == (4, 5)
    assert ws.cell(row=found, column=3).value == "个"
    rate = row_of(ws, "三、问题整改", "整改率")
    assert ws.cell(row=rate, column=4).value == pytest.approx(0.25)
    assert ws.cell(row=rate, column=4).number_format == "0.0%"
    assert ws.cell(row=row_of(ws, "四、双随机抽查", "发现问题"), column=4).value == 0
    assert ws.cell(row=row_of(ws, "一、监督检查", "其中：实地检查"), column=4).value == 1
    assert ws.cell(row=row_of(ws, "五、热线监督", "接通率"), column=5).value == pytest.approx(0.5)
    assert ws.cell(row=found, column=4).border.left.style == "thin"
    texts = [ws.cell(row=r, column=1).value for r in range(found, ws.max_row + 1)]
    footer = [ws.cell(row=ws.max_row, column=c).value for c in range(1, 6)]
    assert footer[0] == "填表人：甲组长" and "审核人：" in footer and "填报日期：2022年5月10日" in footer
    assert any(t and t.startswith("说明：本月为2022年4月1日至2022年4月30日") for t in texts)
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$3:$4"
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.event_type, event.object_type, event.actor_id) == ("export", "reports.monthly", world["leader_a"].pk)
    assert event.details["month"] == "2022-04"


def xlsx_text(value) -> str:
    if isinstance(value, float):
        return f"{value * 100:.1f}%"
    return str(value)


def test_preview_shows_exactly_what_the_file_holds(world, client):
    client.force_login(world["leader_a"])
    html = client.get(URL, {"group": world["ga"].pk, "month": "2022-04"}).content.decode()
    page_rows = [
        re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        for row in re.findall(r'<tr data-testid="sheet-row">(.*?)</tr>', html, re.S)
    ]
    ws = download(client, group=world["ga"].pk, month="2022-04").active
    merged_inner = {
        (r, c)
        for rng in ws.merged_cells.ranges
        for r in range(rng.min_row, rng.max_row + 1)
        for c in range(rng.min_col, rng.max_col + 1)
        if (r, c) != (rng.min_row, rng.min_col)
    }
    file_rows = [
        [xlsx_text(ws.cell(row=r, column=c).value) for c in range(1, 6) if (r, c) not in merged_inner]
        for r in range(5, 5 + len(page_rows))
    ]
    assert len(page_rows) == len(ITEMS)
    assert [[t.strip() for t in row] for row in page_rows] == file_rows
    assert "派驻监督工作统计月报表" in html and "填报单位：测试甲组" in html and "填表人：甲组长" in html


def test_summary_of_all_groups(world, client):
    client.force_login(world["commission"])
    wb = download(client, group="all", month="2022-04")
    assert wb.sheetnames[0] == "汇总" and {"甲组", "乙组", "驻省卫健委组"} <= set(wb.sheetnames)
    ws = wb["汇总"]
    assert ws["A1"].value == "派驻监督工作统计月报汇总表"
    assert int(ws.page_setup.paperSize) == 8  # A3: the summary is wide
    assert [ws["A3"].value, ws["B3"].value, ws["C3"].value] == ["序号", "纪检监察组", "一、监督检查"]
    assert ws["C4"].value == "监督检查次数（次）" and [ws["C5"].value, ws["D5"].value] == ["本月", "本年累计"]
    names = {ws.cell(row=r, column=2).value: r for r in range(6, ws.max_row + 1)}
    headers = [ws.cell(row=4, column=c).value for c in range(1, ws.max_column + 1)]
    found_col = headers.index("发现问题（个）") + 1
    a = names["测试甲组"]
    assert (ws.cell(row=a, column=found_col).value, ws.cell(row=a, column=found_col + 1).value) == (4, 5)
    total = next(r for r in range(6, ws.max_row + 1) if ws.cell(row=r, column=1).value == "合计")
    column = [ws.cell(row=r, column=found_col).value for r in range(6, total)]
    assert ws.cell(row=total, column=found_col).value == sum(column)
    group_sheet = wb["甲组"]
    assert group_sheet.cell(row=row_of(group_sheet, "三、问题整改", "发现问题"), column=4).value == 4


# --- Access and choices ---


@pytest.mark.parametrize("who", ["liaison_a", "sysadmin", "secadmin", "auditor"])
def test_liaison_and_admins_are_refused(world, client, who):
    client.force_login(world[who])
    assert client.get(URL).status_code == 403
    assert client.get(EXPORT, {"month": "2022-04"}).status_code == 403


def test_group_staff_get_their_own_group_only(world, client):
    client.force_login(world["member_a"])
    html = client.get(URL, {"month": "2022-04"}).content.decode()
    assert "填报单位：测试甲组" in html and "汇总" not in html
    assert ">测试乙组<" not in html  # not offered
    assert client.get(URL, {"group": world["gb"].pk}).status_code == 404
    assert client.get(URL, {"group": "all"}).status_code == 404
    assert client.get(EXPORT, {"group": world["gb"].pk, "month": "2022-04"}).status_code == 404


def test_commission_chooses_any_group_or_all(world, client):
    client.force_login(world["commission"])
    html = client.get(URL, {"month": "2022-04"}).content.decode()
    assert "派驻监督工作统计月报汇总表" in html and "填报单位：测试乙组" in html  # 全部 is the default
    html = client.get(URL, {"group": world["gb"].pk, "month": "2022-04"}).content.decode()
    assert "填报单位：测试乙组" in html and "汇总表" not in html.split('data-testid="monthly-sheet"')[1]


def test_month_defaults_and_bad_input(world, client):
    client.force_login(world["leader_a"])
    html = client.get(URL).content.decode()
    assert "统计月份：2022年5月" in html  # the current month
    assert 'href="?group=' in html and "2022年4月" in html  # a quick link to a month with records
    html = client.get(URL, {"month": "2022-13"}).content.decode()
    assert "统计月份「2022-13」无效" in html and "统计月份：2022年5月" in html
    html = client.get(URL, {"month": "2023-01"}).content.decode()
    assert "统计月份不能晚于本月" in html


# --- Queries ---


def test_queries_do_not_grow_with_the_number_of_groups(world):
    office = world["commission"]
    groups = list(Org.objects.filter(kind=OrgKind.GROUP).order_by("path"))
    assert len(groups) > 20

    def count(gs):
        with CaptureQueriesContext(connection) as ctx:
            monthly_tables(office, gs, 2022, 4)
        return len(ctx)

    one = count([world["ga"]])  # (the first call also reads the viewer's grants)
    assert count(groups) == count([world["ga"]]) <= one


# --- The demo ---


def overlapping(group, first, last):
    return Activity.objects.filter(group=group, start_date__lte=last).filter(
        Q(end_date__gte=first) | Q(end_date__isnull=True, start_date__gte=first)
    )


def test_demo_wjw_april_2022_matches_the_records(demo, db):
    """驻省卫健委组, April 2022, as its leader sees it: each line counted again straight from the records."""
    leader = User.objects.get(username="wjw_leader")
    group = Org.objects.get(code="G-WJW")
    first, last = date(2022, 4, 1), date(2022, 4, 30)
    table = monthly_table(leader, group, 2022, 4)
    acts = overlapping(group, first, last)
    assert table.value("activities") == acts.count() > 0
    for method in Method.values:
        assert table.value(f"method.{method}") == acts.filter(method=method).count(), method
    days = 0
    for a in acts.filter(method=Method.STATIONED):
        start, end = max(a.start_date, first), min(a.end_date or a.start_date, last)
        days += (end - start).days + 1
    assert table.value("stationed_days") == days > 0
    sites = Activity.sites.through.objects.filter(activity__in=acts).values("site_id").distinct().count()
    assert table.value("activity_sites") == sites
    docs = Document.objects.filter(group=group, issued_on__range=(first, last)).exclude(status="draft")
    assert table.value("documents") == docs.count() > 0
    for kind in DocumentKind.values:
        assert table.value(f"kind.{kind}") == docs.filter(kind=kind).count(), kind
    problems = Problem.objects.filter(group=group, registered_on__range=(first, last))
    assert table.value("found") == problems.count()
    closed = problems.filter(status="closed", closed_on__lte=last).count()
    assert table.value("closed") == closed
    assert table.value("closed") + table.value("in_progress") + table.value("overdue") == problems.count()
    year = Document.objects.filter(group=group, issued_on__range=(date(2022, 1, 1), last)).exclude(status="draft")
    assert table.value("documents", "year") == year.count()


def test_demo_yjt_sampling_april_2022(demo, db):
    """驻省应急管理厅组's tent-safety checks: sites checked and problems registered from checks, counted again."""
    leader = User.objects.get(username="yjt_leader")
    group = Org.objects.get(code="G-YJT")
    table = monthly_table(leader, group, 2022, 4)
    start = datetime(2022, 4, 1, tzinfo=SH)
    checks = Check.objects.filter(group=group, checked_at__gte=start, checked_at__lt=start + timedelta(days=30))
    assert table.value("sampling_sites") == checks.values("site").distinct().count() > 0
    linked = CheckItemResult.objects.filter(problem__isnull=False).values("problem_id")
    from_checks = Problem.objects.filter(
        Q(source_type="sampling.check") | Q(pk__in=linked),
        group=group,
        registered_on__range=(date(2022, 4, 1), date(2022, 4, 30)),
    )
    assert table.value("sampling_problems") == from_checks.count()
