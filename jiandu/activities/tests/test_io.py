"""The activity ledger as .xlsx: export → import round trip, updates by 编号, refused files with every error
named by row and column, and an import whose number of queries does not grow with its rows."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from jiandu.activities import io as ledger
from jiandu.activities import selectors
from jiandu.activities.enums import EventKind, Method
from jiandu.activities.models import Activity, ActivityEvent
from jiandu.activities.tests.factories import ActivityFactory, topic
from jiandu.core.enums import EventType, Outcome
from jiandu.core.errors import ImportFailed, PermissionDenied
from jiandu.core.models import AuditEvent
from jiandu.core.xlsx import write_workbook


def upload(rows, name="台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, write_workbook("监督检查活动", ledger.COLUMNS, rows))


def row(**values) -> dict:
    base = {
        "group": "驻省卫健委纪检监察组",
        "method": "实地检查",
        "title": "实地检查发热门诊",
        "start_date": date(2022, 4, 28),
    }
    return base | values


def export(actor, **filters) -> bytes:
    data, _count = ledger.activity_export(actor=actor, activities=selectors.activities_for(actor, **filters))
    return data


def test_round_trip_changes_nothing_then_updates_and_creates(group_member, group_leader, tree, sites):
    ActivityFactory(
        group=tree["wjw_group"],
        title="驻点监督省人民医院",
        method=Method.STATIONED,
        start_date=date(2022, 3, 28),
        end_date=date(2022, 4, 8),
        leader=group_leader,
        topics=[topic("疫情防控"), topic("医疗救治")],
        sites=[sites["hospital"]],
        external_participants="李某、王某",
        summary="驻点跟踪",
    ).participants.set([group_member])
    ActivityFactory(group=tree["wjw_group"], title="明察暗访", method=Method.COVERT).target_orgs.set([tree["wjw"]])
    data = export(group_member)
    result = ledger.activity_import(actor=group_member, upload=SimpleUploadedFile("a.xlsx", data))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)

    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert header[0] == "编号" and "驻点天数" in header and "发现问题" in header
    findings = header.index("发现问题") + 1
    ws.cell(row=2, column=findings, value="排队时间长")
    new_row = {"code": None, "group": "G-WJW", "method": "电话抽查", "title": "电话抽查发热门诊"}
    new_row |= {
        "start_date": "2022-04-30",
        "leader": group_leader.username,
        "target_orgs": "省卫健委",
        "sites": "S-HOSP",
    }
    ws.append([new_row.get(c.key) for c in ledger.COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    result = ledger.activity_import(actor=group_member, upload=SimpleUploadedFile("b.xlsx", buf.getvalue()))
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    new = Activity.objects.get(title="电话抽查发热门诊")
    assert new.method == Method.PHONE_CHECK and new.leader == group_leader and new.code == f"HD{new.pk:07d}"
    assert list(new.sites.all()) == [sites["hospital"]] and list(new.target_orgs.all()) == [tree["wjw"]]
    changed = Activity.objects.get(findings="排队时间长")
    assert changed.version == 2
    assert ActivityEvent.objects.filter(activity=changed, kind=EventKind.UPDATED).exists()
    assert ActivityEvent.objects.filter(activity=new, kind=EventKind.IMPORTED).exists()
    event = AuditEvent.objects.filter(event_type=EventType.IMPORT, outcome=Outcome.SUCCESS).latest("seq")
    assert (
        event.details["created"] == 1 and event.details["updated"] == 1 and event.details["created_codes"] == [new.code]
    )


def test_stationed_days_are_computed_not_read(group_member, tree):
    result = ledger.activity_import(
        actor=group_member,
        upload=upload([row(method="驻点监督", start_date="2022-04-01", end_date="2022年4月10日", days=99)]),
    )
    assert result.created == 1 and Activity.objects.get().days == 10


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(group_member, tree, acts, liaison):
    rows = [
        row(),  # row 2: fine
        row(method="飞行检查"),  # row 3
        row(group="驻省应急管理厅纪检监察组"),  # row 4: not the member's group
        row(method="驻点监督"),  # row 5: no end date
        row(start_date="2022-13-01"),  # row 6
        row(topics="疫情防控、不存在的主题", sites="不存在的点位", participants=liaison.username),  # row 7
        row(code="HD9999999"),  # row 8
        row(code=acts["other"].code, group="G-WJW"),  # row 9: another group's record, invisible
        row(title="", start_date=date(2999, 1, 1)),  # row 10
    ]
    with pytest.raises(ImportFailed) as e:
        ledger.activity_import(actor=group_member, upload=upload(rows))
    errors = {(r, c) for r, c, _m in e.value.rows}
    assert errors >= {
        (3, "方式"),
        (4, "纪检监察组"),
        (5, "结束日期"),
        (6, "开始日期"),
        (7, "主题"),
        (7, "监督点位"),
        (7, "参加人员"),
        (8, "编号"),
        (9, "编号"),
        (10, "标题"),
        (10, "开始日期"),
    }
    assert not any(r == 2 for r, _c, _m in e.value.rows)
    messages = {(r, c): m for r, c, m in e.value.rows}
    assert (
        "可选：实地检查" in messages[(3, "方式")]
        and "不是“驻省应急管理厅纪检监察组”的成员" in messages[(4, "纪检监察组")]
    )
    assert Activity.objects.count() == 3  # nothing written
    assert AuditEvent.objects.filter(event_type=EventType.IMPORT, outcome=Outcome.FAILURE).exists()


def test_refused_files(group_member):
    with pytest.raises(ImportFailed) as e:
        ledger.activity_import(actor=group_member, upload=SimpleUploadedFile("a.xlsx", b"not a workbook"))
    assert "不是 Excel" in e.value.rows[0][2]
    from jiandu.core.xlsx import Column

    only_title = write_workbook("x", [Column("title", "标题")], [{"title": "x"}])
    with pytest.raises(ImportFailed) as e:
        ledger.activity_import(actor=group_member, upload=SimpleUploadedFile("a.xlsx", only_title))
    assert {c for _r, c, _m in e.value.rows} == {"纪检监察组", "方式", "开始日期"}


def test_only_group_people_import(commission_leader, liaison):
    for actor in (commission_leader, liaison):
        with pytest.raises(PermissionDenied):
            ledger.activity_import(actor=actor, upload=upload([row()]))


def test_queries_do_not_grow_with_rows(group_member, tree, sites):
    def queries(n):
        rows = [row(title=f"检查{i}", topics="疫情防控", sites="S-HOSP、绿园区帐篷设置点") for i in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            ledger.activity_import(actor=group_member, upload=upload(rows))
        return len(ctx.captured_queries)

    topic("疫情防控")
    small, large = queries(10), queries(300)
    assert large <= small + 10, (small, large)
    assert Activity.objects.count() == 310


def test_import_page_shows_errors(client, group_member, tree):
    client.force_login(group_member)
    assert client.get(reverse("activities:activity_import")).status_code == 200
    r = client.post(reverse("activities:activity_import"), {"file": upload([row(method="飞行检查")])})
    html = r.content.decode()
    assert r.status_code == 400 and "第2行" in html and "方式" in html
    r = client.post(reverse("activities:activity_import"), {"file": upload([row()])})
    assert r.status_code == 302 and Activity.objects.count() == 1


def test_imported_activities_take_new_ids_never_reused(group_member, tree):
    """The import takes its ids before writing (io.bulk.reserve_ids): every row gets a fresh id and the code made
    from it, an id freed by a deletion is not given again, and records created afterwards by the pages follow."""
    ledger.activity_import(actor=group_member, upload=upload([row(), row(title="实地检查隔离点")]))
    first, second = Activity.objects.order_by("pk")
    assert second.pk > first.pk and [a.code for a in (first, second)] == [f"HD{a.pk:07d}" for a in (first, second)]
    freed = second.pk
    second.delete()
    ledger.activity_import(actor=group_member, upload=upload([row(title="实地检查方舱医院")]))
    third = Activity.objects.get(title="实地检查方舱医院")
    assert third.pk > freed and third.code == f"HD{third.pk:07d}"
    fourth = ActivityFactory(group=tree["wjw_group"], created_by=group_member)
    assert fourth.pk > third.pk


def test_a_late_bad_row_undoes_the_rows_written_before_it(group_member, tree):
    """New rows are written while the next ones are checked (io.bulk.Writer; on SQLite in batches of up to 1,000
    rows): a bad row after 1,200 good ones still leaves nothing, and the next file imports whole."""
    before = Activity.objects.count()
    good = [row(title=f"实地检查第{i}家医院") for i in range(1200)]
    with pytest.raises(ImportFailed) as e:
        ledger.activity_import(actor=group_member, upload=upload([*good, row(method="飞行检查")]))
    assert [(r, c) for r, c, _m in e.value.rows] == [(1202, "方式")]
    assert Activity.objects.count() == before and not ActivityEvent.objects.exists()
    result = ledger.activity_import(actor=group_member, upload=upload(good[:3]))
    assert result.created == 3 and Activity.objects.count() == before + 3
