"""Pages: list, detail with completeness, entry form with errors and lock state, pivot, approvals, xlsx."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from jiandu.core.models import AuditEvent
from jiandu.stats import services
from jiandu.stats.models import Approval, DataValue


def url(name, ds, **query):
    from django.utils.http import urlencode

    return reverse(f"stats:{name}", args=[ds.pk]) + (f"?{urlencode(query)}" if query else "")


def test_list_and_detail(client, stats, liaison, other_liaison, system_admin):
    client.force_login(liaison)
    page = client.get(reverse("stats:dataset_list")).content.decode()
    assert "下沉社区周报" in page
    page = client.get(url("dataset_detail", stats["ds"])).content.decode()
    assert "下沉人次" in page and "2022-W16" in page and "已报/应报" in page
    client.force_login(other_liaison)
    assert "下沉社区周报" not in client.get(reverse("stats:dataset_list")).content.decode()
    assert client.get(url("dataset_detail", stats["ds"])).status_code == 404
    client.force_login(system_admin)
    assert client.get(url("dataset_detail", stats["ds"])).status_code == 404


def test_entry_form_saves_and_shows_errors(client, stats, tree, liaison):
    client.force_login(liaison)
    t, h = stats["times"].pk, stats["heads"].pk
    target = url("entry", stats["ds"], org=tree["wjw"].pk, period="2022-W16")
    assert client.get(target).status_code == 200
    r = client.post(target, {"org": tree["wjw"].pk, "period": "2022-W16", f"v_{t}": "5", f"v_{h}": "9"})
    assert r.status_code == 400 and "「下沉人次」不应小于「下沉人数」" in r.content.decode()
    r = client.post(target, {"org": tree["wjw"].pk, "period": "2022-W16", f"v_{t}": "-2", f"v_{h}": "1"})
    assert "「下沉人次」不能为负数。" in r.content.decode()
    assert not DataValue.objects.exists()
    r = client.post(target, {"org": tree["wjw"].pk, "period": "2022-W16", f"v_{t}": "414000", f"v_{h}": "9"})
    assert r.status_code == 302
    page = client.get(target).content.decode()
    assert "41.4万人次" in page and 'value="414000"' in page


def test_entry_of_a_locked_period_is_read_only(client, stats, tree, liaison, group_leader, other_liaison):
    services.approval_approve(actor=group_leader, dataset=stats["ds"], org=tree["wjw"], period=stats["w16"])
    client.force_login(liaison)
    target = url("entry", stats["ds"], org=tree["hospital"].pk, period="2022-W16")
    page = client.get(target).content.decode()
    assert "已锁定" in page and "entry-save" not in page
    r = client.post(target, {"org": tree["hospital"].pk, "period": "2022-W16", f"v_{stats['times'].pk}": "1"})
    assert r.status_code == 400 and "审核锁定" in r.content.decode()
    client.force_login(other_liaison)
    assert client.get(target).status_code == 404


def test_pivot_shows_official_and_exact_numbers(client, stats, tree, clinic, group_member):
    for org, v in ((tree["hospital"], 400000), (clinic, 14000)):
        services.datavalue_set_many(
            actor=group_member, dataset=stats["ds"], org=org, period=stats["w16"], values={stats["times"].pk: v}
        )
    client.force_login(group_member)
    page = client.get(url("pivot", stats["ds"], root=tree["wjw"].pk)).content.decode()
    assert "41.4万人次" in page and "414000" in page and "vendor/echarts/echarts.min.js" in page
    assert "jd-chart-data" in page


def test_approve_and_unlock_pages(client, stats, tree, group_leader, group_member):
    services.datavalue_set_many(
        actor=group_member, dataset=stats["ds"], org=tree["wjw"], period=stats["w16"], values={stats["times"].pk: 3}
    )
    client.force_login(group_member)
    assert client.post(url("approve", stats["ds"]), {"org": tree["wjw"].pk, "period": "2022-W16"}).status_code == 403
    client.force_login(group_leader)
    assert "审核并锁定" in client.get(url("approvals", stats["ds"])).content.decode()
    client.post(url("approve", stats["ds"]), {"org": tree["wjw"].pk, "period": "2022-W16"})
    assert Approval.objects.get().status == "locked"
    client.post(url("unlock", stats["ds"]), {"org": tree["wjw"].pk, "period": "2022-W16", "reason": ""})
    assert Approval.objects.exists()
    client.post(url("unlock", stats["ds"]), {"org": tree["wjw"].pk, "period": "2022-W16", "reason": "数据有误"})
    assert not Approval.objects.exists()


def _xlsx(rows, header=("单位编码", "统计周期", "指标编码", "数值", "备注")):
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "data.xlsx"
    return buf


def test_xlsx_round_trip(client, stats, tree, group_member):
    services.datavalue_set_many(
        actor=group_member, dataset=stats["ds"], org=tree["wjw"], period=stats["w16"],
        values={stats["times"].pk: 120, stats["heads"].pk: 30},
    )  # fmt: skip
    client.force_login(group_member)
    r = client.get(url("export", stats["ds"]))
    assert AuditEvent.objects.filter(event_type="export", object_type="stats.dataset").exists()
    wb = load_workbook(io.BytesIO(r.content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("单位编码 *", "单位名称", "统计周期 *", "指标编码 *")
    assert (rows[1][0], rows[1][2], rows[1][3], rows[1][6]) == ("D-WJW", "2022-W16", "XC_RC", 120)
    # change a figure in the exported file and add the hospital, then import it back
    wb.active.cell(row=2, column=7, value=150)
    wb.active.append(["U-HOSP", None, "2022-W17", "XC_RC", None, None, 70, "补报"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "back.xlsx"
    r = client.post(url("import", stats["ds"]), {"file": buf})
    assert r.status_code == 302
    got = dict(DataValue.objects.filter(indicator__code="XC_RC").values_list("org__code", "value"))
    assert got == {"D-WJW": 150, "U-HOSP": 70}


@pytest.mark.parametrize(
    ("rows", "messages"),
    [
        ([("D-WJW", "2022-W16", "XC_RC", -5)], ["第3行", "数值", "「下沉人次」不能为负数。"]),
        ([("D-YJT", "2022-W16", "XC_RC", 5)], ["第3行", "单位编码", "不是该数据集的填报单位"]),
        ([("D-WJW", "2022-13", "XC_RC", 5)], ["第3行", "统计周期", "无法识别"]),
        ([("D-WJW", "2022-W16", "NOPE", 5)], ["第3行", "指标编码", "不属于该数据集"]),
        ([("D-WJW", "2022-W16", "XC_RC", 5), ("D-WJW", "2022-W16", "XC_RS", 9)], ["第3行", "不应小于"]),
        ([("D-WJW", "2022-W16", "XC_RC", 5), ("D-WJW", "2022-W16", "XC_RC", "x")], ["第4行", "应填写数字"]),
    ],
)
def test_bad_files_are_refused_whole(client, stats, group_member, rows, messages):
    """A good row (row 2) and bad ones (from row 3): nothing is written, each error names its row and column."""
    client.force_login(group_member)
    good = ("U-HOSP", "2022-W16", "XC_RC", 10)
    r = client.post(url("import", stats["ds"]), {"file": _xlsx([good, *rows])})
    page = r.content.decode()
    assert r.status_code == 400 and "未写入任何数据" in page
    for m in messages:
        assert m in page
    assert not DataValue.objects.exists()


def test_not_an_xlsx(client, stats, group_member):
    client.force_login(group_member)
    f = io.BytesIO(b"hello")
    f.name = "a.xlsx"
    r = client.post(url("import", stats["ds"]), {"file": f})
    assert r.status_code == 400 and "不是 Excel" in r.content.decode()
