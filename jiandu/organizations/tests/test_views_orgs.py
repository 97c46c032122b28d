"""Pages of the org tree, assignments, accounts and grants: who sees what, and the main writes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiandu.core.enums import EventType
from jiandu.core.models import AuditEvent
from jiandu.core.xlsx import read_rows, write_workbook
from jiandu.organizations import org_io
from jiandu.organizations.enums import Role
from jiandu.organizations.models import Assignment, Org, RoleGrant, User
from jiandu.organizations.tests.factories import UserFactory, user_with_role

CONFLICT = "该记录已被他人修改"


def url(name, *args):
    return reverse(f"organizations:{name}", args=args)


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def html_of(response) -> str:
    return response.content.decode()


# --- Org tree ---

TREE_NAMES = ["吉林省纪委监委", "派驻机构管理室", "驻省卫健委纪检监察组", "吉林省人民医院", "吉林省应急管理厅"]


@pytest.mark.parametrize(
    ("persona", "seen", "hidden"),
    [
        ("commission_leader", TREE_NAMES, []),
        ("office_staff", TREE_NAMES, []),
        ("group_member", TREE_NAMES, []),
        ("system_admin", TREE_NAMES, []),
        # A liaison sees the own org's subtree and the group that supervises it, nothing else.
        (
            "liaison",
            ["吉林省卫生健康委员会", "吉林省人民医院", "驻省卫健委纪检监察组"],
            ["吉林省应急管理厅", "派驻机构管理室", "驻省应急管理厅纪检监察组"],
        ),
        ("audit_admin", [], TREE_NAMES),
    ],
)
def test_tree_shows_what_each_role_may_see(request, as_user, persona, seen, hidden):
    response = as_user(request.getfixturevalue(persona)).get(url("org_tree"))
    assert response.status_code == 200
    html = html_of(response)
    for name in seen:
        assert name in html
    for name in hidden:
        assert name not in html
    if not seen:
        assert 'data-testid="org-node"' not in html and "暂无可查看的机构" in html


@pytest.mark.parametrize(
    ("persona", "buttons"),
    [
        ("office_staff", {"org-create", "org-import", "org-export"}),
        ("system_admin", {"org-create", "org-import", "org-export"}),
        ("commission_leader", {"org-export"}),
        ("group_leader", set()),
        ("liaison", set()),
    ],
)
def test_tree_buttons_follow_the_rights(request, as_user, persona, buttons):
    html = html_of(as_user(request.getfixturevalue(persona)).get(url("org_tree")))
    for testid in ("org-create", "org-import", "org-export"):
        assert (f'data-testid="{testid}"' in html) == (testid in buttons)


def test_tree_nests_counts_and_greys_inactive(as_user, office_staff, tree, django_assert_max_num_queries):
    Org.objects.filter(pk=tree["hospital"].pk).update(is_active=False)
    client = as_user(office_staff)
    with django_assert_max_num_queries(9):
        html = html_of(client.get(url("org_tree")))
    assert 'data-testid="kind-count-group">纪检监察组 <strong>2</strong>' in html
    assert 'data-testid="kind-count-department">驻在部门 <strong>2</strong>' in html
    # The hospital is nested inside the health commission's <ul> and greyed.
    wjw_at = html.index('data-code="D-WJW"')
    hospital_at = html.index('data-code="U-HOSP"')
    assert wjw_at < hospital_at < html.index("</ul>", wjw_at)
    assert 'class="jd-org-inactive" data-testid="org-node" data-code="U-HOSP"' in html


def test_tree_search_keeps_ancestors(as_user, group_member):
    html = html_of(as_user(group_member).get(url("org_tree"), {"q": "人民医院"}))
    assert "吉林省人民医院" in html and "吉林省卫生健康委员会" in html
    assert "吉林省应急管理厅" not in html and "派驻机构管理室" not in html
    assert "找到 1 个匹配" in html


# --- Org pages and writes ---


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office_staff", 200),
        ("system_admin", 200),
        ("commission_leader", 403),
        ("group_leader", 403),
        ("liaison", 403),
        ("audit_admin", 403),
    ],
)
def test_create_page_access(request, as_user, persona, status):
    assert as_user(request.getfixturevalue(persona)).get(url("org_create")).status_code == status


def test_create_prefills_the_parent(as_user, office_staff, tree):
    html = html_of(as_user(office_staff).get(url("org_create"), {"parent": tree["wjw"].pk}))
    assert f'<option value="{tree["wjw"].pk}" selected>' in html
    assert '<option value="unit" selected>' in html


def test_create_writes_the_org_and_an_audit_event(as_user, office_staff, tree):
    client = as_user(office_staff)
    response = client.post(
        url("org_create"),
        {
            "kind": "unit",
            "parent": tree["wjw"].pk,
            "code": "U-NEW",
            "name": "吉林大学第一医院",
            "short_name": "吉大一院",
            "sort_order": 3,
        },
    )
    org = Org.objects.get(code="U-NEW")
    assert response.status_code == 302 and response["Location"] == url("org_detail", org.pk)
    assert org.parent == tree["wjw"] and org.path == f"{tree['wjw'].path}{org.pk:08d}/"
    event = AuditEvent.objects.get(event_type=EventType.CREATE, object_id=str(org.pk))
    assert event.actor_username == office_staff.username and event.details["values"]["code"] == "U-NEW"


def test_create_shows_the_service_rule_in_chinese(as_user, office_staff, tree):
    response = as_user(office_staff).post(
        url("org_create"),
        {
            "kind": "office",
            "parent": tree["wjw"].pk,
            "code": "O-X",
            "name": "错挂的室",
            "sort_order": 0,
        },
    )
    assert response.status_code == 200
    html = html_of(response)
    assert "「内设室」的上级只能是：委机关。" in html and "上级机构类型不符。" in html
    assert not Org.objects.filter(code="O-X").exists()


def test_create_refuses_a_used_code(as_user, system_admin, tree):
    response = as_user(system_admin).post(
        url("org_create"),
        {
            "kind": "department",
            "parent": "",
            "code": "D-WJW",
            "name": "重复",
            "sort_order": 0,
        },
    )
    assert "机构编码「D-WJW」已被使用。" in html_of(response)


def test_create_post_is_refused_to_a_liaison(as_user, liaison, tree):
    response = as_user(liaison).post(
        url("org_create"),
        {
            "kind": "unit",
            "parent": tree["wjw"].pk,
            "code": "U-L",
            "name": "偷建",
            "sort_order": 0,
        },
    )
    assert response.status_code == 403
    assert not Org.objects.filter(code="U-L").exists()


def test_detail_shows_chain_children_supervisors_and_staff(as_user, office_staff, liaison, tree):
    html = html_of(as_user(office_staff).get(url("org_detail", tree["hospital"].pk)))
    assert "吉林省卫生健康委员会" in html  # breadcrumb parent
    assert 'data-testid="org-supervisors"' in html and "驻省卫健委纪检监察组" in html
    assert "经上级" in html  # supervised through the department
    html = html_of(as_user(office_staff).get(url("org_detail", tree["wjw"].pk)))
    assert 'data-testid="org-staff"' in html and liaison.username in html
    html = html_of(as_user(office_staff).get(url("org_detail", tree["wjw_group"].pk)))
    assert 'data-testid="org-supervised"' in html and "吉林省卫生健康委员会" in html
    assert 'data-testid="org-edit"' in html and 'data-testid="org-move"' in html


def test_detail_hides_staff_and_buttons_from_a_group_member(as_user, group_member, tree):
    html = html_of(as_user(group_member).get(url("org_detail", tree["wjw"].pk)))
    assert 'data-testid="org-staff"' not in html
    assert 'data-testid="org-edit"' not in html and 'data-testid="org-move"' not in html


def test_detail_of_an_org_one_may_not_see_is_404(as_user, liaison, audit_admin, tree):
    assert as_user(liaison).get(url("org_detail", tree["yjt"].pk)).status_code == 404
    assert as_user(audit_admin).get(url("org_detail", tree["commission"].pk)).status_code == 404
    assert as_user(liaison).get(url("org_detail", 999999)).status_code == 404


def test_edit_saves_and_audits(as_user, office_staff, tree):
    org = tree["yjt"]
    response = as_user(office_staff).post(
        url("org_edit", org.pk),
        {
            "code": "D-YJT",
            "name": "吉林省应急管理厅",
            "short_name": "应急厅",
            "sort_order": 7,
            "is_active": "on",
            "version": org.version,
        },
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.short_name, org.sort_order, org.version) == ("应急厅", 7, 2)
    event = AuditEvent.objects.get(event_type=EventType.UPDATE, object_id=str(org.pk))
    assert event.details["changes"]["short_name"] == ["省应急管理厅", "应急厅"]


def test_edit_with_a_stale_version_is_a_conflict(as_user, office_staff, tree):
    org = tree["yjt"]
    client = as_user(office_staff)
    form = {"code": "D-YJT", "name": "甲", "short_name": "", "sort_order": 0, "is_active": "on", "version": org.version}
    assert client.post(url("org_edit", org.pk), form).status_code == 302  # someone saves first
    response = client.post(url("org_edit", org.pk), {**form, "name": "乙"})  # then the stale form
    assert response.status_code == 200 and CONFLICT in html_of(response)
    org.refresh_from_db()
    assert org.name == "甲"


def test_edit_page_is_refused_to_a_group_leader(as_user, group_leader, tree):
    assert as_user(group_leader).get(url("org_edit", tree["wjw"].pk)).status_code == 403


def test_move_rewrites_the_subtree(as_user, system_admin, tree):
    hospital, yjt = tree["hospital"], tree["yjt"]
    client = as_user(system_admin)
    html = html_of(client.get(url("org_move", hospital.pk)))
    assert f'<option value="{yjt.pk}">' in html
    assert f'<option value="{hospital.pk}"' not in html  # not under itself
    response = client.post(url("org_move", hospital.pk), {"parent": yjt.pk, "version": hospital.version})
    assert response.status_code == 302
    hospital.refresh_from_db()
    assert hospital.parent == yjt and hospital.path == f"{yjt.path}{hospital.pk:08d}/"
    assert AuditEvent.objects.filter(event_type=EventType.UPDATE, object_id=str(hospital.pk)).exists()


def test_move_to_a_wrong_kind_of_parent_is_explained(as_user, system_admin, tree):
    wjw = tree["wjw"]
    response = as_user(system_admin).post(
        url("org_move", wjw.pk), {"parent": tree["hospital"].pk, "version": wjw.version}
    )
    # The hospital is inside the department's own subtree, so it is not even offered.
    assert response.status_code == 200 and "选择一个有效的选项" in html_of(response)
    response = as_user(system_admin).post(
        url("org_move", wjw.pk), {"parent": tree["commission"].pk, "version": wjw.version}
    )
    assert "「驻在部门」的上级只能是" in html_of(response)
    wjw.refresh_from_db()
    assert wjw.parent_id is None


# --- Export and import pages ---


def test_export_returns_a_readable_xlsx_and_is_audited(as_user, commission_leader, tree):
    response = as_user(commission_leader).get(url("org_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = read_rows(response.content, org_io.ORG_COLUMNS)
    assert {r["code"] for _, r in rows} == set(Org.objects.values_list("code", flat=True))
    assert AuditEvent.objects.filter(event_type=EventType.EXPORT, actor_username=commission_leader.username).exists()


def test_export_is_403_for_a_group_member(as_user, group_member):
    assert as_user(group_member).get(url("org_export")).status_code == 403


def xlsx(rows):
    return SimpleUploadedFile("orgs.xlsx", write_workbook("组织机构", org_io.ORG_COLUMNS, rows))


def test_import_page_reports_row_and_column(as_user, office_staff, tree):
    client = as_user(office_staff)
    html = html_of(client.get(url("org_import")))
    assert "data-progress" in html and 'enctype="multipart/form-data"' in html and url("org_export") in html
    response = client.post(
        url("org_import"),
        {
            "file": xlsx(
                [
                    ["N-1", "新单位", "", "驻在部门", "", 0, "启用"],
                    ["N-2", "无上级", "", "下属单位/属地", "MISSING", 0, "启用"],
                ]
            )
        },
    )
    html = html_of(response)
    assert response.status_code == 200 and 'data-testid="import-errors"' in html
    assert "第3行" in html and "上级机构编码" in html and "找不到编码为“MISSING”的机构。" in html
    assert not Org.objects.filter(code__startswith="N-").exists()


def test_import_page_success_message(as_user, office_staff, tree):
    response = as_user(office_staff).post(
        url("org_import"),
        {
            "file": xlsx(
                [
                    ["N-1", "新单位", "", "驻在部门", "", 0, "启用"],
                    ["D-WJW", "吉林省卫生健康委员会（改）", "省卫健委", "驻在部门", "", 0, "启用"],
                ]
            )
        },
        follow=True,
    )
    assert "导入成功：共2行，新增1个机构，更新1个，0个未变化。" in html_of(response)


def test_import_page_is_403_for_a_commission_leader(as_user, commission_leader):
    assert as_user(commission_leader).get(url("org_import")).status_code == 403


# --- Assignments ---


def test_assignments_are_grouped_by_group(as_user, group_member, tree):
    html = html_of(as_user(group_member).get(url("assignment_list")))
    assert html.count('data-testid="assignment-group"') == 2
    assert 'data-testid="assignment-create"' not in html and 'data-testid="assignment-delete"' not in html
    html = html_of(as_user(group_member).get(url("assignment_list"), {"group": tree["yjt_group"].pk}))
    assert html.count('data-testid="assignment-group"') == 1 and "吉林省应急管理厅" in html


def test_assignment_create_and_delete(as_user, office_staff, tree):
    client = as_user(office_staff)
    html = html_of(client.get(url("assignment_create")))
    assert "吉林省纪委监委" not in html.split('name="org"')[1].split("</select>")[0]  # only departments, units
    response = client.post(
        url("assignment_create"),
        {"group": tree["yjt_group"].pk, "org": tree["hospital"].pk, "start_date": "2022-04-01", "note": "综合派驻"},
    )
    assert response.status_code == 302
    a = Assignment.objects.get(group=tree["yjt_group"], org=tree["hospital"])
    assert AuditEvent.objects.filter(event_type=EventType.CREATE, object_type="organizations.assignment").exists()
    assert client.get(url("assignment_delete", a.pk)).status_code == 405
    assert client.post(url("assignment_delete", a.pk)).status_code == 302
    assert not Assignment.objects.filter(pk=a.pk).exists()
    assert AuditEvent.objects.filter(event_type=EventType.DELETE, object_id=str(a.pk)).exists()


def test_assignment_duplicate_is_explained(as_user, office_staff, tree):
    response = as_user(office_staff).post(
        url("assignment_create"), {"group": tree["wjw_group"].pk, "org": tree["wjw"].pk}
    )
    assert response.status_code == 200 and "监督关系已存在。" in html_of(response)


def test_assignment_writes_are_refused_to_a_group_leader(as_user, group_leader, tree):
    client = as_user(group_leader)
    assert client.get(url("assignment_create")).status_code == 403
    a = Assignment.objects.get(group=tree["wjw_group"])
    assert client.post(url("assignment_delete", a.pk)).status_code == 403
    assert Assignment.objects.filter(pk=a.pk).exists()


# --- Accounts ---


def test_user_list_filters_paginates_and_shows_roles(
    as_user, system_admin, liaison, group_member, django_assert_max_num_queries
):
    for i in range(25):
        UserFactory(username=f"bulk{i:02d}", full_name=f"批量{i}")
    client = as_user(system_admin)
    with django_assert_max_num_queries(12):
        html = html_of(client.get(url("user_list")))
    assert html.count('data-testid="user-row"') == 20 and "共 28 条" in html
    html = html_of(client.get(url("user_list"), {"role": Role.LIAISON}))
    assert html.count('data-testid="user-row"') == 1 and liaison.username in html
    assert "驻在部门联络员</span>" in html
    html = html_of(client.get(url("user_list"), {"q": "批量2"}))
    assert html.count('data-testid="user-row"') == 6  # 批量2, 批量20…批量24
    html = html_of(client.get(url("user_list"), {"active": "0"}))
    assert 'data-testid="user-row"' not in html


def test_user_list_of_a_group_member_shows_only_the_own_account(as_user, group_member, liaison):
    html = html_of(as_user(group_member).get(url("user_list")))
    assert group_member.username in html and liaison.username not in html
    assert 'data-testid="user-create"' not in html


def test_user_create_requires_a_password_change(as_user, system_admin, tree):
    client = as_user(system_admin)
    form = {
        "username": "zhangsan",
        "full_name": "张三",
        "phone": "0431-1234567",
        "org": tree["wjw"].pk,
        "password": "Chun@geng2022",
        "password2": "Chun@geng2022x",
    }
    assert "两次输入的密码不一致。" in html_of(client.post(url("user_create"), form))
    response = client.post(url("user_create"), {**form, "password2": form["password"]})
    account = User.objects.get(username="zhangsan")
    assert response.status_code == 302 and response["Location"] == url("user_detail", account.pk)
    assert account.must_change_password and account.check_password("Chun@geng2022")
    assert AuditEvent.objects.filter(event_type=EventType.CREATE, object_id=str(account.pk)).exists()
    response = client.post(url("user_create"), {**form, "password": "abc", "password2": "abc", "username": "lisi"})
    assert response.status_code == 200 and not User.objects.filter(username="lisi").exists()


def test_user_create_is_refused_to_the_security_admin(as_user, security_admin):
    assert as_user(security_admin).get(url("user_create")).status_code == 403


def test_user_edit_conflict_and_save(as_user, system_admin, liaison, tree):
    client = as_user(system_admin)
    form = {"full_name": "王五", "phone": "", "org": tree["wjw"].pk, "is_active": "on", "version": liaison.version}
    assert client.post(url("user_edit", liaison.pk), form).status_code == 302
    response = client.post(url("user_edit", liaison.pk), {**form, "full_name": "赵六"})
    assert CONFLICT in html_of(response)
    liaison.refresh_from_db()
    assert liaison.full_name == "王五" and liaison.version == 2


def test_office_cannot_edit_an_admin_account(as_user, office_staff, security_admin):
    assert as_user(office_staff).get(url("user_edit", security_admin.pk)).status_code == 403


def test_reset_password(as_user, system_admin, liaison):
    client = as_user(system_admin)
    response = client.post(
        url("user_reset_password", liaison.pk), {"password": "Xin@mima2022", "password2": "Xin@mima2022"}
    )
    assert response.status_code == 302
    liaison.refresh_from_db()
    assert liaison.must_change_password and liaison.check_password("Xin@mima2022")
    assert AuditEvent.objects.filter(event_type=EventType.PASSWORD_CHANGE, object_id=str(liaison.pk)).exists()


def test_user_detail_of_another_account_is_404_for_a_business_user(as_user, group_member, liaison):
    assert as_user(group_member).get(url("user_detail", liaison.pk)).status_code == 404
    assert as_user(group_member).get(url("user_detail", group_member.pk)).status_code == 200


def test_user_export(as_user, system_admin, security_admin, liaison):
    response = as_user(system_admin).get(url("user_export"))
    assert response.status_code == 200
    rows = {r["username"]: r for _, r in read_rows(response.content, org_io.USER_COLUMNS)}
    assert rows[liaison.username]["roles"] == "驻在部门联络员（省卫健委）"
    assert rows[liaison.username]["org"] == "吉林省卫生健康委员会" and rows[liaison.username]["status"] == "启用"
    event = AuditEvent.objects.get(event_type=EventType.EXPORT, object_type="organizations.user")
    assert event.details == {"count": len(rows), "filters": {}}
    assert as_user(security_admin).get(url("user_export")).status_code == 403


# --- Grants ---


def test_grant_and_revoke(as_user, office_staff, tree):
    account = UserFactory(username="newbie")
    client = as_user(office_staff)
    html = html_of(client.get(url("user_detail", account.pk)))
    assert 'data-testid="grant-form"' in html
    response = client.post(url("grant_create", account.pk), {"role": Role.GROUP_MEMBER, "org": tree["wjw_group"].pk})
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=account)
    assert grant.role == Role.GROUP_MEMBER and grant.granted_by == office_staff
    assert AuditEvent.objects.filter(event_type=EventType.GRANT, object_id=str(account.pk)).exists()
    assert client.post(url("grant_revoke", grant.pk)).status_code == 302
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert AuditEvent.objects.filter(event_type=EventType.REVOKE, object_id=str(account.pk)).exists()


def test_grant_of_a_second_admin_role_is_refused(as_user, security_admin, system_admin, tree):
    response = as_user(security_admin).post(
        url("grant_create", system_admin.pk), {"role": Role.AUDIT_ADMIN, "org": tree["commission"].pk}
    )
    assert response.status_code == 200
    assert "三员分立：管理员账号不得兼任其他角色，请为其单独开设账号。" in html_of(response)
    assert list(RoleGrant.objects.filter(user=system_admin).values_list("role", flat=True)) == [Role.SYSTEM_ADMIN]


def test_grant_of_a_business_role_to_an_admin_is_refused(as_user, office_staff, security_admin, tree):
    response = as_user(security_admin).post(
        url("grant_create", security_admin.pk), {"role": Role.GROUP_MEMBER, "org": tree["wjw_group"].pk}
    )
    assert response.status_code == 403  # nobody grants roles to themselves
    other_admin = user_with_role(Role.AUDIT_ADMIN, tree["commission"], "aud2")
    response = as_user(office_staff).post(
        url("grant_create", other_admin.pk), {"role": Role.GROUP_MEMBER, "org": tree["wjw_group"].pk}
    )
    assert "三员分立：该账号已是管理员，不得再授予其他角色。" in html_of(response)


def test_office_cannot_grant_admin_roles(as_user, office_staff, tree):
    account = UserFactory(username="candidate")
    client = as_user(office_staff)
    html = html_of(client.get(url("user_detail", account.pk)))
    role_select = html.split('name="role"')[1].split("</select>")[0]
    assert "系统管理员" not in role_select and "组员" in role_select
    response = client.post(url("grant_create", account.pk), {"role": Role.SYSTEM_ADMIN, "org": tree["commission"].pk})
    assert response.status_code == 200 and "选择一个有效的选项" in html_of(response)
    assert not RoleGrant.objects.filter(user=account).exists()


def test_grant_on_the_wrong_kind_of_org_is_explained(as_user, security_admin, tree):
    account = UserFactory(username="misplaced")
    response = as_user(security_admin).post(
        url("grant_create", account.pk), {"role": Role.LIAISON, "org": tree["wjw_group"].pk}
    )
    html = html_of(response)
    assert "「驻在部门联络员」只能授予在" in html and "机构类型与角色不符。" in html
    assert not RoleGrant.objects.filter(user=account).exists()


def test_grant_pages_are_refused_to_a_system_admin(as_user, system_admin, liaison):
    client = as_user(system_admin)
    html = html_of(client.get(url("user_detail", liaison.pk)))
    assert 'data-testid="grant-form"' not in html and 'data-testid="grant-revoke"' not in html
    grant = RoleGrant.objects.get(user=liaison)
    assert client.post(url("grant_revoke", grant.pk)).status_code == 403
    assert client.post(url("grant_create", liaison.pk), {"role": Role.LIAISON}).status_code == 403


def test_user_edit_records_the_org_a_seconded_cadre_came_from(as_user, system_admin, group_member, tree):
    client = as_user(system_admin)
    form = {
        "full_name": "借调干部",
        "phone": "",
        "org": tree["wjw_group"].pk,
        "came_from_org": tree["wjw"].pk,
        "is_active": "on",
        "version": group_member.version,
    }
    assert client.post(url("user_edit", group_member.pk), form).status_code == 302
    group_member.refresh_from_db()
    assert group_member.came_from_org == tree["wjw"]
    change = AuditEvent.objects.filter(object_type="organizations.user", object_id=str(group_member.pk)).last()
    assert change.details["changes"]["came_from_org"] == [None, tree["wjw"].pk]
