"""The xlsx ledger of problems: Chinese headers, the filtered rows (all pages), audited as an export."""

import io

import pytest
from openpyxl import load_workbook

from jiandu.core.enums import EventType
from jiandu.core.models import AuditEvent

from .factories import problem

pytestmark = pytest.mark.django_db


def test_export_of_the_filtered_list(client, tree, group_member, liaison, site):
    for i in range(25):
        problem(group_member, tree["wjw_group"], tree["wjw"], description=f"帐篷问题{i}", site=site)
    problem(group_member, tree["wjw_group"], tree["hospital"], description="院感问题")
    client.force_login(group_member)
    r = client.get("/problems/export.xlsx", {"q": "帐篷"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == [
        "编号",
        "纪检监察组",
        "问题描述",
        "类别",
        "严重程度",
        "点位",
        "责任单位",
        "登记日期",
        "整改期限",
        "状态",
        "预警",
        "逾期天数",
        "催办次数",
        "是否屡查屡犯",
        "来源",
    ]
    assert len(rows) == 26  # all 25 filtered rows, not one page of 20
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (
        first["状态"] == "待整改"
        and first["预警"] == "红灯"
        and first["点位"] == site.name
        and first["来源"] == "直接登记"
    )
    event = AuditEvent.objects.filter(event_type=EventType.EXPORT, object_type="problems.problem").get()
    assert event.details["count"] == 25 and event.details["filters"] == {"q": "帐篷"}


def test_admins_cannot_export(client, system_admin):
    client.force_login(system_admin)
    assert client.get("/problems/export.xlsx").status_code == 403
