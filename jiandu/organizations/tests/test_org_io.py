"""The org tree as an Excel ledger: export, and the all-or-nothing import (DESIGN §7, §10)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiandu.core.enums import EventType, Outcome
from jiandu.core.errors import ImportFailed, PermissionDenied
from jiandu.core.models import AuditEvent
from jiandu.core.xlsx import read_rows, write_workbook
from jiandu.organizations import org_io
from jiandu.organizations.models import Org
from jiandu.organizations.tests.factories import OrgFactory

HEADER = ["机构编码", "机构名称", "简称", "类型", "上级机构编码", "排序", "状态"]


def upload(rows, name="orgs.xlsx"):
    """An .xlsx in the template's columns; each row is a list in the order of HEADER."""
    data = write_workbook("组织机构", org_io.ORG_COLUMNS, rows)
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def exported(actor):
    data, _ = org_io.org_tree_export(actor=actor)
    return [r for _, r in read_rows(data, org_io.ORG_COLUMNS)]


def org_state():
    return list(
        Org.objects.order_by("code").values_list(
            "code", "name", "short_name", "kind", "parent_id", "path", "depth", "sort_order", "is_active", "version"
        )
    )


def test_export_lists_the_tree_in_path_order_with_parent_codes(office_staff, tree):
    rows = exported(office_staff)
    codes = [r["code"] for r in rows]
    assert codes == list(Org.objects.order_by("path").values_list("code", flat=True))
    hospital = next(r for r in rows if r["code"] == "U-HOSP")
    assert hospital == {
        "code": "U-HOSP",
        "name": "吉林省人民医院",
        "short_name": None,
        "kind": "下属单位/属地",
        "parent_code": "D-WJW",
        "sort_order": 0,
        "status": "启用",
    }
    assert codes.index("D-WJW") < codes.index("U-HOSP")
    event = AuditEvent.objects.get(event_type=EventType.EXPORT)
    assert event.object_type == "organizations.org" and event.details == {"count": len(rows), "filters": {}}
    assert event.actor_username == office_staff.username


def test_export_is_refused_to_a_group_member(group_member):
    with pytest.raises(PermissionDenied):
        org_io.org_tree_export(actor=group_member)
    assert not AuditEvent.objects.filter(event_type=EventType.EXPORT).exists()


def test_round_trip_changes_nothing(office_staff, tree):
    data, count = org_io.org_tree_export(actor=office_staff)
    before = org_state()
    result = org_io.org_tree_import(actor=office_staff, upload=SimpleUploadedFile("t.xlsx", data))
    assert (result.rows, result.created, result.updated, result.unchanged) == (count, 0, 0, count)
    assert org_state() == before
    assert not AuditEvent.objects.filter(event_type__in=[EventType.CREATE, EventType.UPDATE]).exists()
    event = AuditEvent.objects.get(event_type=EventType.IMPORT)
    assert event.details == {"rows": count, "created": 0, "updated": 0, "unchanged": count}


def test_bad_rows_are_all_reported_and_nothing_is_written(office_staff, tree):
    before = org_state()
    rows = [
        ["N-1", "新单位一", "", "驻在部门", "", 1, "启用"],  # row 2: fine
        ["N-2", "新单位二", "", "部委", "", 0, "启用"],  # row 3: unknown kind
        ["N-3", "新单位三", "", "下属单位/属地", "NOPE", 0, "启用"],  # row 4: unknown parent
        ["N-1", "重复的单位", "", "驻在部门", "", 0, "启用"],  # row 5: duplicate code
        ["", "没有编码", "", "驻在部门", "", "x", "作废"],  # row 6: missing code, bad order and status
    ]
    with pytest.raises(ImportFailed) as exc:
        org_io.org_tree_import(actor=office_staff, upload=upload(rows))
    errors = exc.value.rows
    assert (3, "类型", "无法识别的类型“部委”，应为：委机关、内设室、纪检监察组、驻在部门、下属单位/属地。") in errors
    assert (4, "上级机构编码", "找不到编码为“NOPE”的机构。") in errors
    assert (5, "机构编码", "机构编码“N-1”与第2行重复。") in errors
    assert {(r, c) for r, c, _ in errors if r == 6} == {(6, "机构编码"), (6, "排序"), (6, "状态")}
    assert [r for r, _, _ in errors] == sorted(r for r, _, _ in errors)
    assert "未写入任何数据" in exc.value.message
    assert org_state() == before
    refused = AuditEvent.objects.get(event_type=EventType.IMPORT)
    assert refused.outcome == Outcome.FAILURE and refused.details == {"errors": len(errors)}


def test_a_child_row_may_come_before_its_parent_row(office_staff, tree):
    rows = [
        ["C-3", "第三级", "", "下属单位/属地", "C-2", 3, "启用"],
        ["C-2", "第二级", "", "下属单位/属地", "C-1", 2, "启用"],
        ["C-1", "第一级", "一级", "下属单位/属地", "D-WJW", 1, "启用"],
    ]
    result = org_io.org_tree_import(actor=office_staff, upload=upload(rows))
    assert (result.created, result.updated) == (3, 0)
    c1, c2, c3 = (Org.objects.get(code=c) for c in ("C-1", "C-2", "C-3"))
    wjw = tree["wjw"]
    assert (c1.parent, c2.parent, c3.parent) == (wjw, c1, c2)
    assert c3.path == f"{wjw.path}{c1.pk:08d}/{c2.pk:08d}/{c3.pk:08d}/"
    assert (c1.depth, c2.depth, c3.depth) == (1, 2, 3)
    assert c1.short_name == "一级" and c3.sort_order == 3
    assert AuditEvent.objects.filter(event_type=EventType.CREATE, object_type="organizations.org").count() == 3


def test_a_changed_parent_moves_the_subtree_and_other_fields_update(office_staff, tree):
    clinic = OrgFactory(kind="unit", parent=tree["hospital"], code="U-CLINIC", name="门诊部")
    rows = [
        ["U-HOSP", "吉林省人民医院（新）", "省医院", "下属单位/属地", "D-YJT", 5, "启用"],
        ["U-CLINIC", "门诊部", "", "下属单位/属地", "U-HOSP", 0, "停用"],
    ]
    result = org_io.org_tree_import(actor=office_staff, upload=upload(rows))
    assert (result.created, result.updated) == (0, 2)
    hospital, clinic = Org.objects.get(code="U-HOSP"), Org.objects.get(pk=clinic.pk)
    yjt = tree["yjt"]
    assert hospital.parent == yjt and hospital.name == "吉林省人民医院（新）" and hospital.sort_order == 5
    assert hospital.path == f"{yjt.path}{hospital.pk:08d}/" and hospital.depth == 1
    assert clinic.path == f"{hospital.path}{clinic.pk:08d}/" and clinic.depth == 2 and not clinic.is_active
    assert hospital.version == 2
    change = AuditEvent.objects.get(event_type=EventType.UPDATE, object_id=str(hospital.pk))
    assert change.details["changes"]["parent"] == [tree["wjw"].pk, yjt.pk]


def test_parent_kind_rules_and_fixed_kind(office_staff, tree):
    rows = [
        ["O-2", "第二室", "", "内设室", "D-WJW", 0, "启用"],  # an office hangs under the commission only
        ["D-WJW", "吉林省卫生健康委员会", "省卫健委", "下属单位/属地", "", 0, "启用"],  # kind change
    ]
    with pytest.raises(ImportFailed) as exc:
        org_io.org_tree_import(actor=office_staff, upload=upload(rows))
    assert (2, "上级机构编码", "「内设室」的上级只能是：委机关。") in exc.value.rows
    assert any(r == 3 and c == "类型" and "不能修改" in m for r, c, m in exc.value.rows)


def test_cycles_are_refused(office_staff, tree):
    a = OrgFactory(kind="unit", parent=tree["wjw"], code="U-A", name="甲")
    OrgFactory(kind="unit", parent=a, code="U-B", name="乙")
    rows = [
        ["U-A", "甲", "", "下属单位/属地", "U-B", 0, "启用"],  # under its own existing child
        ["X-1", "丙", "", "下属单位/属地", "X-2", 0, "启用"],  # two new rows naming each other
        ["X-2", "丁", "", "下属单位/属地", "X-1", 0, "启用"],
    ]
    with pytest.raises(ImportFailed) as exc:
        org_io.org_tree_import(actor=office_staff, upload=upload(rows))
    assert {(r, c) for r, c, _ in exc.value.rows} == {(2, "上级机构编码"), (3, "上级机构编码"), (4, "上级机构编码")}
    assert all("循环" in m for _, _, m in exc.value.rows)
    assert not Org.objects.filter(code__startswith="X-").exists()


def test_an_org_with_active_children_cannot_be_stopped(office_staff, tree):
    rows = [["D-WJW", "吉林省卫生健康委员会", "省卫健委", "驻在部门", "", 0, "停用"]]
    with pytest.raises(ImportFailed) as exc:
        org_io.org_tree_import(actor=office_staff, upload=upload(rows))
    assert exc.value.rows == [(2, "状态", "该机构还有启用中的下级机构（U-HOSP），不能停用。")]
    # Stopping the child in the same file makes it acceptable.
    rows.append(["U-HOSP", "吉林省人民医院", "", "下属单位/属地", "D-WJW", 0, "停用"])
    result = org_io.org_tree_import(actor=office_staff, upload=upload(rows))
    assert result.updated == 2
    assert not Org.objects.get(code="D-WJW").is_active


def test_a_file_that_is_not_xlsx_is_refused(office_staff, tree):
    with pytest.raises(ImportFailed) as exc:
        org_io.org_tree_import(actor=office_staff, upload=SimpleUploadedFile("x.xlsx", b"not excel"))
    assert exc.value.rows[0][1] == "文件"


def test_import_needs_the_import_right(group_leader, system_admin, tree):
    with pytest.raises(PermissionDenied):
        org_io.org_tree_import(actor=group_leader, upload=upload([]))
    result = org_io.org_tree_import(actor=system_admin, upload=upload([["N-9", "新部门", "", "驻在部门", "", 0, ""]]))
    assert result.created == 1 and Org.objects.get(code="N-9").is_active


def test_lookups_do_not_grow_with_the_rows(office_staff, tree, django_assert_max_num_queries):
    """Validation fetches existing orgs in bulk: 600 rows cost the same few queries as 6."""
    rows = [
        [f"B-{i}", f"批量{i}", "", "下属单位/属地", "D-WJW" if i % 2 else f"B-{i - 1}", i, "启用"] for i in range(600)
    ]
    rows.append(["B-1", "重复", "", "下属单位/属地", "", 0, "启用"])  # one error, so nothing is written
    with django_assert_max_num_queries(10), pytest.raises(ImportFailed):
        org_io.org_tree_import(actor=office_staff, upload=upload(rows))


def test_a_large_import_is_written(office_staff, tree):
    rows = [
        [f"L-{i}", f"单位{i}", "", "下属单位/属地", "D-YJT" if i < 50 else f"L-{i % 50}", i, "启用"] for i in range(500)
    ]
    result = org_io.org_tree_import(actor=office_staff, upload=upload(rows))
    assert result.created == 500
    deep = Org.objects.get(code="L-120")
    assert deep.parent.code == "L-20" and deep.depth == 2
    assert deep.path.startswith(Org.objects.get(code="L-20").path)
