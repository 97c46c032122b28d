"""考评 per host department: figures against hand-built records (dates with a frozen clock), roll-up of units to
their department, access per role, sorting, drill-down links, the chart without inline script, the audited
.xlsx, a bounded number of queries — and, at the end, the Jilin demo.

Every test runs on top of the demo (the module's `demo` fixture), so hand-built orgs use their own codes (T-…)
and the tests scope the report to the hand-built groups."""

import io
import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from jiandu.core.models import AuditEvent
from jiandu.documents import services as doc_services
from jiandu.documents.models import DocumentRecipient
from jiandu.documents.tests.factories import issued
from jiandu.hotline import services as hotline_services
from jiandu.organizations.enums import OrgKind, Role
from jiandu.organizations.models import Assignment, Org, User
from jiandu.organizations.tests.factories import OrgFactory, user_with_role
from jiandu.problems import urging
from jiandu.problems.models import Problem
from jiandu.problems.tests.factories import problem, walk
from jiandu.reports.scope import parse_scope
from jiandu.reports.scorecard import DepartmentScore, department_scorecard, sort_rows

SH = ZoneInfo("Asia/Shanghai")
TODAY = date(2022, 5, 1)
URL = "/reports/scorecard/"


def at(month, day, hour=10):
    return datetime(2022, month, day, hour, 0, tzinfo=SH)


@pytest.fixture
def frozen():
    with time_machine.travel(at(5, 1, 8), tick=False):
        yield


@pytest.fixture
def world(demo, db, frozen):
    """Two hand-built groups on the demo's commission.

    甲组 supervises 测试甲厅 (with its unit 测试医院) and 测试丙厅; it also registers a problem at 测试街道, a unit
    of the locality 测试市 (outside every department). 乙组 supervises 测试乙厅. On 2022-05-01:
    - 甲厅 (rolled up with 测试医院): 4 problems — on time (甲厅), 5 days late (医院), open 11 days past the deadline
      and urged once (医院), not yet due and a 屡查屡犯 (医院); replies: on time, late (医院, 07:00 the day after the
      deadline in Shanghai), missed, pending; hotline of 测试医院: 2 calls, 1 connected, score 4.
    - 测试市 (from 测试街道): 1 problem closed on time.  丙厅: one reply pending only (no rate at all).
    - 乙厅: 1 problem closed on time."""
    commission = Org.objects.get(code="JW")
    ga = OrgFactory(kind=OrgKind.GROUP, parent=commission, code="T-GA", name="测试甲组")
    gb = OrgFactory(kind=OrgKind.GROUP, parent=commission, code="T-GB", name="测试乙组")
    da = OrgFactory(kind=OrgKind.DEPARTMENT, code="T-DA", name="测试甲厅")
    hosp = OrgFactory(kind=OrgKind.UNIT, parent=da, code="T-DA-H", name="测试医院")
    db_ = OrgFactory(kind=OrgKind.DEPARTMENT, code="T-DB", name="测试乙厅")
    dc = OrgFactory(kind=OrgKind.DEPARTMENT, code="T-DC", name="测试丙厅")
    city = OrgFactory(kind=OrgKind.UNIT, code="T-CITY", name="测试市")
    street = OrgFactory(kind=OrgKind.UNIT, parent=city, code="T-CITY-S", name="测试街道")
    for group, org in ((ga, da), (ga, dc), (gb, db_)):
        Assignment.objects.create(group=group, org=org)
    u = {
        "commission": user_with_role(Role.COMMISSION_LEADER, commission, "t_leader"),
        "leader_a": user_with_role(Role.GROUP_LEADER, ga, "t_leader_a"),
        "member_a": user_with_role(Role.GROUP_MEMBER, ga, "t_member_a"),
        "leader_b": user_with_role(Role.GROUP_LEADER, gb, "t_leader_b"),
        "member_b": user_with_role(Role.GROUP_MEMBER, gb, "t_member_b"),
        "liaison_a": user_with_role(Role.LIAISON, da, "t_liaison_a"),
        "liaison_b": user_with_role(Role.LIAISON, db_, "t_liaison_b"),
        "liaison_city": user_with_role(Role.LIAISON, city, "t_liaison_city"),
        "sysadmin": user_with_role(Role.SYSTEM_ADMIN, commission, "t_sysadmin"),
        "secadmin": user_with_role(Role.SECURITY_ADMIN, commission, "t_secadmin"),
        "auditor": user_with_role(Role.AUDIT_ADMIN, commission, "t_auditor"),
    }
    la, ma, lia = u["leader_a"], u["member_a"], u["liaison_a"]

    def close(p, day, liaison=lia, leader=la):
        return walk(p, "closed", liaison=liaison, leader=leader, closed_on=date(2022, 4, day))

    p1 = problem(
        ma, ga, da, description="甲厅按期整改的问题", registered_on=date(2022, 4, 1), deadline=date(2022, 4, 10)
    )
    p2 = problem(
        ma, ga, hosp, description="医院逾期销号的问题", registered_on=date(2022, 4, 1), deadline=date(2022, 4, 10)
    )
    p3 = problem(
        ma, ga, hosp, description="医院逾期未整改的问题", registered_on=date(2022, 4, 5), deadline=date(2022, 4, 20)
    )
    close(p1, 8)
    close(p2, 15)
    urging.problem_urge(actor=ma, problem=Problem.objects.get(pk=p3.pk), at=at(4, 22))
    p4 = problem(
        ma, ga, hosp, description="医院再次发现的问题", registered_on=date(2022, 4, 25), deadline=date(2022, 5, 10)
    )
    assert p4.is_repeat  # same org and category as p2, closed within the window
    ps = problem(
        ma, ga, street, description="街道按期整改的问题", registered_on=date(2022, 4, 3), deadline=date(2022, 4, 13)
    )
    close(ps, 12, liaison=u["liaison_city"])
    pb = problem(
        u["member_b"],
        gb,
        db_,
        description="乙厅按期整改的问题",
        registered_on=date(2022, 4, 2),
        deadline=date(2022, 4, 12),
    )
    close(pb, 10, liaison=u["liaison_b"], leader=u["leader_b"])

    def doc(recipient, issued_on, due, title):
        d = issued(la, ga, [recipient], issued_on=issued_on, prefix="测甲", reply_due_on=due, title=title)
        return DocumentRecipient.objects.get(document=d)

    def reply(row, when):
        row = doc_services.document_acknowledge(actor=lia, recipient=row, at=when)
        return doc_services.document_reply(actor=lia, recipient=row, text="已按要求整改。", at=when)

    reply(doc(da, date(2022, 4, 2), date(2022, 4, 12), "按期回复的提示函"), at(4, 11))
    reply(doc(hosp, date(2022, 4, 2), date(2022, 4, 12), "逾期回复的通知"), at(4, 13, 7))  # 2022-04-12 23:00 UTC
    doc(da, date(2022, 4, 10), date(2022, 4, 20), "未回复的提示函")
    doc(da, date(2022, 4, 25), date(2022, 5, 10), "尚未到期的提示函")
    doc(dc, date(2022, 4, 25), date(2022, 5, 10), "致丙厅尚未到期的提示函")

    line = hotline_services.hotline_create(actor=la, name="测试医院服务热线", number="12320", operating_org=hosp)
    done = {"caller": None, "answer_correct": True}
    hotline_services.test_call_create(
        actor=ma, hotline=line, planned_at=at(4, 12),
        result={**done, "called_at": at(4, 12), "connected": True, "wait_seconds": 12, "quality_score": 4},
    )  # fmt: skip
    hotline_services.test_call_create(
        actor=ma, hotline=line, planned_at=at(4, 13),
        result={**done, "called_at": at(4, 13), "connected": False, "wait_seconds": 60, "answer_correct": None,
                "quality_score": None},
    )  # fmt: skip
    return {"groups": (ga, gb), "da": da, "hosp": hosp, "db": db_, "dc": dc, "city": city, "street": street, **u}


def scope_of(user, *groups, **params):
    return parse_scope(user, {"group": [g.pk for g in groups], **params})


def rows_by_code(rows):
    return {r.org.code: r for r in rows}


# --- Figures ---


def test_department_rolls_units_up_and_computes_rates_from_dates(world):
    ga, gb = world["groups"]
    rows = rows_by_code(department_scorecard(world["commission"], scope_of(world["commission"], ga, gb)))
    assert set(rows) == {"T-DA", "T-DB", "T-DC", "T-CITY"}  # 医院 under 甲厅, 街道 under 测试市
    da = rows["T-DA"]
    assert (da.problems, da.closed, da.closed_on_time, da.overdue_open) == (4, 2, 1, 1)
    assert da.on_time_rate == 33.3  # 1 on time / (2 closed + 1 open past its deadline)
    assert da.overdue_days == 16 and da.mean_overdue_days == 8.0  # 5 days late at closing + 11 days open on May 1
    assert (da.urges, da.repeats) == (1, 1)
    assert (da.replies.on_time, da.replies.late, da.replies.missed, da.replies.pending) == (1, 1, 1, 1)
    assert da.reply_rate == 33.3  # the reply at 07:00 in Shanghai the day after the deadline is late
    assert (da.calls_done, da.answer_rate, da.mean_score) == (2, 50.0, 4.0)
    assert da.composite == pytest.approx((33.3 + 33.3 + 50.0 + 4.0 * 20) / 4, abs=0.05)
    city = rows["T-CITY"]
    assert (city.problems, city.on_time_rate, city.composite) == (1, 100.0, 100.0)
    dc = rows["T-DC"]
    assert (dc.problems, dc.replies.pending, dc.reply_rate, dc.composite, dc.rank) == (0, 1, None, None, None)
    assert (rows["T-DB"].on_time_rate, rows["T-DB"].rank) == (100.0, 1)
    assert (city.rank, da.rank) == (1, 3)  # 测试市 and 乙厅 share the first place


def test_by_org_gives_each_responsible_org_its_row(world):
    ga = world["groups"][0]
    rows = rows_by_code(department_scorecard(world["leader_a"], scope_of(world["leader_a"], ga), by="org"))
    assert set(rows) == {"T-DA", "T-DA-H", "T-DC", "T-CITY-S"}
    hosp, da = rows["T-DA-H"], rows["T-DA"]
    assert (hosp.problems, hosp.closed, hosp.on_time_rate, hosp.overdue_days) == (3, 1, 0.0, 16)
    assert (da.problems, da.on_time_rate) == (1, 100.0)
    assert (da.reply_rate, hosp.reply_rate) == (50.0, 0.0)  # 甲厅: on time + missed; 医院: late
    assert hosp.calls_done == 2 and da.calls_done == 0


def test_period_limits_problems_and_replies(world):
    ga = world["groups"][0]
    scope = scope_of(world["leader_a"], ga, **{"from": "2022-04-20", "to": "2022-04-30"})
    rows = rows_by_code(department_scorecard(world["leader_a"], scope))
    assert rows["T-DA"].problems == 1  # only the problem registered on 4-25
    assert rows["T-DA"].replies.pending == 1 and rows["T-DA"].replies_due == 0
    assert "T-CITY" not in rows


# --- Access ---


@pytest.mark.parametrize("who", ["liaison_a", "sysadmin", "secadmin", "auditor"])
def test_liaison_and_admins_are_refused(world, client, who):
    client.force_login(world[who])
    assert client.get(URL).status_code == 403
    assert client.get("/reports/scorecard/export.xlsx").status_code == 403


def test_anonymous_is_sent_to_login(demo, db, client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_group_staff_see_only_their_group(world, client):
    ga, gb = world["groups"]
    client.force_login(world["member_b"])
    html = client.get(URL, {"group": [ga.pk, gb.pk], "from": "2022-01-01"}).content.decode()
    assert "测试乙厅" in html
    assert "测试甲厅" not in html and "测试市" not in html
    assert "所选范围中有无权查看或不存在的纪检监察组，已忽略。" in html
    rows = department_scorecard(world["member_b"], parse_scope(world["member_b"], {}))
    assert [r.org.code for r in rows] == ["T-DB"]


def test_commission_sees_every_group(world, client):
    ga, gb = world["groups"]
    client.force_login(world["commission"])
    html = client.get(URL, {"group": [ga.pk, gb.pk]}).content.decode()
    for name in ("测试甲厅", "测试乙厅", "测试丙厅", "测试市"):
        assert name in html


# --- The page: sorting, links, chart, footnotes ---


def table_order(html: str) -> list[str]:
    return re.findall(r'data-testid="scorecard-row" data-org="\d+" data-name="([^"]+)"', html)


def test_sorting_both_directions_is_stable_with_empty_values_last(world, client):
    ga, gb = world["groups"]
    client.force_login(world["commission"])
    params = {"group": [ga.pk, gb.pk], "by": "department"}
    down = table_order(client.get(URL, {**params, "sort": "-on_time_rate"}).content.decode())
    up = table_order(client.get(URL, {**params, "sort": "on_time_rate"}).content.decode())
    # 乙厅 and 测试市 tie at 100 %: they keep the org tree's order either way; 丙厅 has no rate: last either way.
    assert down == ["测试乙厅", "测试市", "测试甲厅", "测试丙厅"]
    assert up == ["测试甲厅", "测试乙厅", "测试市", "测试丙厅"]
    by_tree = table_order(client.get(URL, params).content.decode())
    assert by_tree == ["测试甲厅", "测试乙厅", "测试丙厅", "测试市"]
    assert table_order(client.get(URL, {**params, "sort": "-org"}).content.decode()) == by_tree[::-1]


def test_unknown_sort_falls_back_to_the_tree():
    rows = [DepartmentScore(org=Org(name=n, path=p, sort_order=0)) for n, p in (("乙", "2/"), ("甲", "1/"))]
    ordered, key, descending = sort_rows(rows, "-nonsense")
    assert [r.org.name for r in ordered] == ["甲", "乙"] and (key, descending) == ("org", False)


def test_sort_header_reverses_the_current_order(world, client):
    ga = world["groups"][0]
    client.force_login(world["leader_a"])
    html = client.get(URL, {"group": ga.pk, "sort": "-problems"}).content.decode()
    link = re.search(r'<a href="\?([^"]+)"[^>]*data-testid="sort-problems"', html).group(1)
    assert "sort=problems" in link.replace("&amp;", "&") and "sort=-problems" not in link
    other = re.search(r'<a href="\?([^"]+)"[^>]*data-testid="sort-urges"', html).group(1)
    assert "sort=-urges" in other  # a new column starts with the largest first


def test_cells_link_to_the_records_behind_them(world, client):
    ga = world["groups"][0]
    client.force_login(world["leader_a"])
    html = client.get(URL, {"group": ga.pk, "from": "2022-04-01", "to": "2022-04-30"}).content.decode()
    da = world["da"]
    problems_link = re.search(rf'href="(/problems/\?org={da.pk}[^"]*)">4</a>', html).group(1).replace("&amp;", "&")
    assert "from=2022-04-01" in problems_link and f"group={ga.pk}" in problems_link
    listed = client.get(problems_link).content.decode()
    numbers = Problem.objects.filter(responsible_org__path__startswith=da.path).values_list("number", flat=True)
    assert len(numbers) == 4 and all(n in listed for n in numbers)
    assert re.search(rf'href="/documents/replies/\?org={da.pk}[^"]*">3</a>', html)
    assert 'href="/hotline/test-calls/?hotline=' in html
    urged = re.search(rf'href="(/problems/\?org={da.pk}[^"]*urged=1[^"]*)">1</a>', html).group(1)
    listed = client.get(urged.replace("&amp;", "&")).content.decode()
    assert "医院逾期未整改的问题" in listed and "甲厅按期整改的问题" not in listed


def test_links_by_org_list_the_org_itself(world, client):
    ga = world["groups"][0]
    client.force_login(world["leader_a"])
    html = client.get(URL, {"group": ga.pk, "by": "org"}).content.decode()
    da = world["da"]
    link = re.search(rf'href="(/problems/\?org={da.pk}[^"]*)">1</a>', html).group(1).replace("&amp;", "&")
    assert "org_only=1" in link
    listed = client.get(link).content.decode()
    assert "甲厅按期整改的问题" in listed and "医院逾期销号的问题" not in listed


def test_links_keep_several_groups(world, client):
    ga, gb = world["groups"]
    client.force_login(world["commission"])
    html = client.get(URL, {"group": [ga.pk, gb.pk]}).content.decode()
    link = re.search(rf'href="(/problems/\?org={world["db"].pk}[^"]*)">1</a>', html).group(1).replace("&amp;", "&")
    assert f"group={ga.pk}" in link and f"group={gb.pk}" in link
    assert "乙厅按期整改的问题" in client.get(link).content.decode()


def test_chart_data_is_in_the_page_and_no_inline_script(world, client):
    ga, gb = world["groups"]
    client.force_login(world["commission"])
    html = client.get(URL, {"group": [ga.pk, gb.pk], "sort": "-on_time_rate"}).content.decode()
    data = re.search(r'<script id="scorecard-chart-data" type="application/json">(.*?)</script>', html).group(1)
    bars = json.loads(data)
    assert bars == [  # in the order of the table; 丙厅 has no rate, so no bar
        {"name": "测试乙厅", "value": 100.0, "colour": "#198754"},
        {"name": "测试市", "value": 100.0, "colour": "#198754"},
        {"name": "测试甲厅", "value": 33.3, "colour": "#dc3545"},
    ]
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "jiandu/scorecard.js" in html and "vendor/echarts/echarts.min.js" in html
    assert "按期销号数 ÷（已销号数 + 逾期未整改数）" in html  # the footnotes explain each measure


def test_empty_state(world, client):
    client.force_login(world["leader_a"])
    html = client.get(URL, {"from": "2021-01-01", "to": "2021-12-31"}).content.decode()
    assert "所选期间和范围内没有可考评的记录" in html
    assert 'data-testid="scorecard-table"' not in html


# --- Export ---


def test_export_is_readable_and_audited(world, client):
    ga, gb = world["groups"]
    client.force_login(world["commission"])
    before = AuditEvent.objects.count()
    response = client.get("/reports/scorecard/export.xlsx", {"group": [ga.pk, gb.pk], "sort": "-on_time_rate"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "驻在部门考评表（驻在部门）"
    assert any(str(r).startswith("A1:") for r in ws.merged_cells.ranges)
    header = [c.value for c in ws[4]]
    assert header[:2] == [None, None] and "整改按期率" in header and "按期回复率" in header
    assert [c.value for c in ws[3]][:3] == ["排名", "驻在部门", "问题整改"]
    names = [ws.cell(row=r, column=2).value for r in range(5, 9)]
    assert names == ["测试乙厅", "测试市", "测试甲厅", "测试丙厅"]  # the order asked for
    da = [c for c in ws[7]]
    col = header.index("整改按期率")
    assert da[col].value == pytest.approx(0.333) and da[col].number_format == "0.0%"
    assert da[header.index("问题数")].value == 4
    assert ws.page_setup.orientation == "landscape"
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.event_type, event.object_type, event.actor_id) == (
        "export",
        "reports.scorecard",
        world["commission"].pk,
    )
    assert event.details["count"] == 4


# --- Queries ---


def test_query_count_does_not_grow_with_rows(world, client):
    ga = world["groups"][0]
    client.force_login(world["leader_a"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, {"group": ga.pk}).status_code == 200
        return len(ctx)

    count()  # the first request of a session also refreshes the session row
    first = count()
    for i in range(3):  # three more departments with problems, replies and a hotline
        dept = OrgFactory(kind=OrgKind.DEPARTMENT, code=f"T-MORE-{i}", name=f"测试增补厅{i}")
        Assignment.objects.create(group=ga, org=dept)
        problem(world["member_a"], ga, dept, description=f"增补问题{i}", registered_on=date(2022, 4, 6))
        issued(world["leader_a"], ga, [dept], issued_on=date(2022, 4, 6), prefix="测甲", reply_due_on=date(2022, 4, 9))
        line = hotline_services.hotline_create(
            actor=world["leader_a"], name=f"增补热线{i}", number="123", operating_org=dept
        )
        hotline_services.test_call_create(actor=world["member_a"], hotline=line, planned_at=at(4, 7))
    assert count() == first


# --- The demo ---


def test_demo_scorecard_matches_the_records(demo, db, client):
    """Spring 2022 over the whole province, as the commission sees it: 长春市 holds the 21 tent-site problems of
    its districts, and 省卫健委's replies are counted from the recipient rows' dates."""
    leader = User.objects.get(username="leader")
    spring = (date(2022, 3, 1), date(2022, 5, 31))
    scope = parse_scope(leader, {"from": "2022-03-01", "to": "2022-05-31"})
    rows = rows_by_code(department_scorecard(leader, scope))
    cc = Org.objects.get(code="U-CC")
    spring_problems = Problem.objects.filter(registered_on__range=spring)
    in_cc = spring_problems.filter(responsible_org__path__startswith=cc.path)
    assert rows["U-CC"].problems == in_cc.count() >= 21
    assert rows["U-CC"].closed == in_cc.filter(status="closed").count()
    assert "U-CC-NG" not in rows  # 南关区 is counted under 长春市
    wjw = Org.objects.get(code="D-WJW")
    on = timezone.localdate()
    recipients = DocumentRecipient.objects.filter(
        org__path__startswith=wjw.path,
        document__issued_on__range=spring,
        document__reply_due_on__isnull=False,
    ).select_related("document")
    on_time = due = 0
    for r in recipients:
        replied = timezone.localtime(r.replied_at).date() if r.replied_at else None
        if replied is not None or r.document.reply_due_on < on:
            due += 1
            on_time += replied is not None and replied <= r.document.reply_due_on
    assert due > 0
    assert (rows["D-WJW"].replies_due, rows["D-WJW"].replies.on_time) == (due, on_time)
    total = sum(r.problems for r in rows.values())
    assert total == spring_problems.count()  # every problem of the period counts under exactly one row


def test_demo_page_for_a_group_leader(demo, db, client):
    client.force_login(User.objects.get(username="wjw_leader"))
    html = client.get(URL, {"from": "2022-03-01", "to": "2022-05-31"}).content.decode()
    names = table_order(html)
    assert "吉林省卫生健康委员会" in names and "吉林省医疗保障局" in names
    assert "长春市人民政府" not in names  # the tent-site problems belong to 驻省应急管理厅组
