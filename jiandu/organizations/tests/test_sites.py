"""The site registry (监督点位): services, access per role, pages, xlsx export/import and the API."""

import io
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from jiandu.core.enums import EventType, Outcome
from jiandu.core.errors import Conflict, ImportFailed, PermissionDenied, ValidationFailed
from jiandu.core.models import AuditEvent
from jiandu.core.xlsx import write_workbook
from jiandu.organizations import site_services as svc
from jiandu.organizations.enums import SiteType
from jiandu.organizations.models import Site
from jiandu.organizations.site_selectors import sites_for
from jiandu.organizations.tests.factories import OrgFactory, SiteFactory

ALL = {"S-WJW-TENT", "S-HOSP", "S-YJT-COMM"}
LIAISON_SEES = {"S-WJW-TENT", "S-HOSP"}  # responsible org in the 省卫健委 subtree
VISIBLE = {
    "commission_leader": ALL,
    "office_staff": ALL,
    "group_leader": ALL,
    "group_member": ALL,
    "other_group_member": ALL,
    "system_admin": ALL,
    "liaison": LIAISON_SEES,
    "security_admin": set(),
    "audit_admin": set(),
}
ROLES = list(VISIBLE)  # the persona fixtures of conftest.py
CREATORS = {"office_staff", "system_admin", "group_leader", "group_member", "other_group_member"}
DEACTIVATORS = {"office_staff", "system_admin"}


@pytest.fixture
def sites(tree):
    return {
        "tent": SiteFactory(
            code="S-WJW-TENT",
            name="南关区帐篷设置点",
            site_type=SiteType.TENT_SITE,
            responsible_org=tree["wjw"],
            attributes={"tent_count": 120, "quilt_count": 300},
            longitude=Decimal("125.323544"),
            latitude=Decimal("43.817071"),
            address="长春市南关区人民大街1号",
        ),
        "hospital": SiteFactory(
            code="S-HOSP",
            name="省人民医院发热门诊",
            site_type=SiteType.HOSPITAL,
            responsible_org=tree["hospital"],
            attributes={"level": "三级甲等", "beds": 1500},
        ),
        "community": SiteFactory(
            code="S-YJT-COMM",
            name="绿园区青年社区",
            site_type=SiteType.COMMUNITY,
            responsible_org=tree["yjt"],
        ),
    }


def new_site_kwargs(tree, **overrides):
    kwargs = {
        "site_type": SiteType.TENT_SITE,
        "code": "S-NEW",
        "name": "朝阳区帐篷设置点",
        "responsible_org": tree["wjw"],
        "address": "长春市朝阳区",
        "longitude": "125.3",
        "latitude": "43.9",
        "attributes": {"tent_count": "80", "quilt_count": 160, "beds": 5, "nonsense": "x"},
    }
    kwargs.update(overrides)
    return kwargs


def field_kwargs(site, **overrides):
    kwargs = {
        "site_type": site.site_type,
        "code": site.code,
        "name": site.name,
        "responsible_org": site.responsible_org,
        "address": site.address,
        "longitude": site.longitude,
        "latitude": site.latitude,
        "attributes": dict(site.attributes),
    }
    kwargs.update(overrides)
    return kwargs


# --- Services ---


def test_create_keeps_only_the_types_attributes_and_audits(office_staff, tree):
    site = svc.site_create(actor=office_staff, **new_site_kwargs(tree))
    # Ints parsed; other types' and unknown keys dropped.
    assert site.attributes == {"tent_count": 80, "quilt_count": 160}
    assert site.longitude == Decimal("125.300000") and site.latitude == Decimal("43.900000")
    assert site.version == 1 and site.is_active
    event = AuditEvent.objects.get(event_type=EventType.CREATE, object_type="organizations.site")
    assert event.object_id == str(site.pk) and event.actor_username == office_staff.username
    assert event.details["values"]["code"] == "S-NEW"


@pytest.mark.parametrize(
    "attributes, message",
    [
        ({"tent_count": -1}, "不小于0的整数"),
        ({"tent_count": "十个"}, "不小于0的整数"),
        ({"tent_count": 1.5}, "不小于0的整数"),
        ({"tent_count": True}, "不小于0的整数"),
    ],
)
def test_int_attributes_must_be_non_negative_integers(office_staff, tree, attributes, message):
    with pytest.raises(ValidationFailed) as e:
        svc.site_create(actor=office_staff, **new_site_kwargs(tree, attributes=attributes))
    assert message in e.value.fields["attributes.tent_count"][0]
    assert not Site.objects.filter(code="S-NEW").exists()


@pytest.mark.parametrize(
    "longitude, latitude, field",
    [
        ("180.5", "43", "longitude"),
        ("-181", "43", "longitude"),
        ("125", "90.01", "latitude"),
        ("125", "-91", "latitude"),
        ("125", None, "latitude"),  # both or neither
        (None, "43", "longitude"),
        ("东经125", "43", "longitude"),
    ],
)
def test_coordinates_are_validated(office_staff, tree, longitude, latitude, field):
    with pytest.raises(ValidationFailed) as e:
        svc.site_create(actor=office_staff, **new_site_kwargs(tree, longitude=longitude, latitude=latitude))
    assert field in e.value.fields


def test_coordinates_are_optional_and_bounds_are_allowed(office_staff, tree):
    site = svc.site_create(actor=office_staff, **new_site_kwargs(tree, longitude=None, latitude=""))
    assert site.longitude is None and site.latitude is None
    edge = svc.site_create(actor=office_staff, **new_site_kwargs(tree, code="S-EDGE", longitude=-180, latitude=90))
    assert edge.longitude == -180 and edge.latitude == 90


def test_code_is_unique_with_a_chinese_message(office_staff, tree, sites):
    with pytest.raises(ValidationFailed) as e:
        svc.site_create(actor=office_staff, **new_site_kwargs(tree, code="S-HOSP"))
    assert "已被使用" in e.value.message and "code" in e.value.fields


def test_responsible_org_must_be_a_department_or_unit(office_staff, tree):
    with pytest.raises(ValidationFailed) as e:
        svc.site_create(actor=office_staff, **new_site_kwargs(tree, responsible_org=tree["wjw_group"]))
    assert "responsible_org" in e.value.fields


def test_responsible_org_must_be_active_when_chosen(office_staff, tree):
    closed = OrgFactory(code="U-CLOSED", name="已撤销单位", kind="unit", parent=tree["wjw"], is_active=False)
    with pytest.raises(ValidationFailed):
        svc.site_create(actor=office_staff, **new_site_kwargs(tree, responsible_org=closed))


def test_update_bumps_version_and_records_changes(group_member, sites, tree):
    site = sites["tent"]
    updated = svc.site_update(
        actor=group_member,
        site=site,
        expected_version=1,
        **field_kwargs(site, name="南关区第一帐篷设置点", attributes={"tent_count": 130, "quilt_count": 300}),
    )
    assert updated.version == 2 and updated.attributes["tent_count"] == 130
    event = AuditEvent.objects.get(event_type=EventType.UPDATE)
    assert set(event.details["changes"]) == {"name", "attributes"}


def test_update_changing_type_drops_the_old_types_attributes(office_staff, sites):
    site = sites["tent"]
    updated = svc.site_update(
        actor=office_staff,
        site=site,
        expected_version=1,
        **field_kwargs(site, site_type=SiteType.QUARANTINE_SITE, attributes={"tent_count": 1, "rooms": "40"}),
    )
    assert updated.attributes == {"rooms": 40}


def test_update_without_changes_writes_nothing(office_staff, sites):
    site = sites["tent"]
    same = svc.site_update(actor=office_staff, site=site, expected_version=1, **field_kwargs(site))
    assert same.version == 1
    assert not AuditEvent.objects.filter(event_type=EventType.UPDATE).exists()


def test_stale_version_is_a_conflict_and_nothing_is_lost(office_staff, group_member, sites):
    site = sites["tent"]
    svc.site_update(actor=office_staff, site=site, expected_version=1, **field_kwargs(site, name="甲"))
    with pytest.raises(Conflict):
        svc.site_update(actor=group_member, site=site, expected_version=1, **field_kwargs(site, name="乙"))
    assert Site.objects.get(pk=site.pk).name == "甲"


def test_deactivate_and_activate(office_staff, group_member, sites):
    site = sites["community"]
    with pytest.raises(PermissionDenied):
        svc.site_set_active(actor=group_member, site=site, is_active=False, expected_version=1)
    off = svc.site_set_active(actor=office_staff, site=site, is_active=False, expected_version=1)
    assert not off.is_active and off.version == 2
    with pytest.raises(Conflict):
        svc.site_set_active(actor=office_staff, site=site, is_active=True, expected_version=1)
    on = svc.site_set_active(actor=office_staff, site=site, is_active=True, expected_version=2)
    assert on.is_active
    assert AuditEvent.objects.filter(event_type=EventType.UPDATE, details__action="deactivate").exists()


@pytest.mark.parametrize("role", ROLES)
def test_who_may_create(role, request, tree):
    persona = request.getfixturevalue(role)
    if role in CREATORS:
        assert svc.site_create(actor=persona, **new_site_kwargs(tree)).pk
    else:
        with pytest.raises(PermissionDenied):
            svc.site_create(actor=persona, **new_site_kwargs(tree))


# --- Access per role ---


@pytest.mark.parametrize("role", ROLES)
def test_visibility_per_role(role, request, sites, client):
    persona = request.getfixturevalue(role)
    expected = VISIBLE[role]
    assert set(sites_for(persona).values_list("code", flat=True)) == expected

    client.force_login(persona)
    response = client.get(reverse("organizations:site_list"))
    assert response.status_code == 200
    assert {s.code for s in response.context["page"]} == expected
    for site in sites.values():
        status = client.get(reverse("organizations:site_detail", args=[site.pk])).status_code
        assert status == (200 if site.code in expected else 404)

    api = APIClient()
    api.force_authenticate(persona)
    body = api.get("/api/v1/sites/").json()
    assert {r["code"] for r in body["results"]} == expected
    for site in sites.values():
        assert api.get(f"/api/v1/sites/{site.pk}/").status_code == (200 if site.code in expected else 404)


@pytest.mark.parametrize("role", ROLES)
def test_create_page_and_buttons_per_role(role, request, sites, client):
    persona = request.getfixturevalue(role)
    client.force_login(persona)
    status = client.get(reverse("organizations:site_create")).status_code
    assert status == (200 if role in CREATORS else 403)
    page = client.get(reverse("organizations:site_list")).content.decode()
    assert ('data-testid="site-create"' in page) == (role in CREATORS)
    if role in VISIBLE and "S-WJW-TENT" in VISIBLE[role]:
        detail = client.get(reverse("organizations:site_detail", args=[sites["tent"].pk])).content.decode()
        assert ('data-testid="site-deactivate"' in detail) == (role in DEACTIVATORS)
        assert ('data-testid="site-edit"' in detail) == (role in CREATORS)


# --- Pages ---


@pytest.fixture
def member_client(client, group_member):
    client.force_login(group_member)
    return client


def codes_on(response):
    return {s.code for s in response.context["page"]}


def test_list_filters(member_client, sites, tree):
    url = reverse("organizations:site_list")
    assert codes_on(member_client.get(url, {"site_type": "hospital"})) == {"S-HOSP"}
    # The org filter covers the subtree: the hospital unit hangs under 省卫健委.
    assert codes_on(member_client.get(url, {"org": tree["wjw"].pk})) == {"S-WJW-TENT", "S-HOSP"}
    assert codes_on(member_client.get(url, {"q": "人民大街"})) == {"S-WJW-TENT"}
    assert codes_on(member_client.get(url, {"q": "s-yjt"})) == {"S-YJT-COMM"}
    Site.objects.filter(code="S-HOSP").update(is_active=False)
    assert codes_on(member_client.get(url, {"active": "0"})) == {"S-HOSP"}
    assert codes_on(member_client.get(url, {"active": "1"})) == {"S-WJW-TENT", "S-YJT-COMM"}
    assert codes_on(member_client.get(url, {"org": "999999"})) == set()


def test_list_shows_counts_per_type(member_client, sites, tree):
    SiteFactory(code="S-T2", site_type=SiteType.TENT_SITE, responsible_org=tree["yjt"])
    response = member_client.get(reverse("organizations:site_list"), {"site_type": "hospital"})
    counts = {c["value"]: c["count"] for c in response.context["type_counts"]}
    assert counts == {"tent_site": 2, "hospital": 1, "community": 1}  # chips ignore the type filter
    assert 'data-testid="type-chip-tent_site"' in response.content.decode()


def test_list_paginates(member_client, tree):
    for i in range(25):
        SiteFactory(code=f"P{i:03d}", responsible_org=tree["yjt"])
    page2 = member_client.get(reverse("organizations:site_list"), {"page": 2})
    assert len(page2.context["page"].object_list) == 5


def test_list_makes_no_query_per_row(member_client, tree, django_assert_max_num_queries):
    url = reverse("organizations:site_list")
    for i in range(3):
        SiteFactory(code=f"Q{i:03d}", responsible_org=tree["hospital"])
    with CaptureQueriesContext(connection) as few:
        assert member_client.get(url).status_code == 200
    for i in range(3, 30):
        SiteFactory(code=f"Q{i:03d}", responsible_org=tree["wjw" if i % 2 else "yjt"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = member_client.get(url)
    assert len(response.context["page"].object_list) == 20


def test_create_through_the_form(member_client, tree):
    response = member_client.post(
        reverse("organizations:site_create"),
        {
            "site_type": "hospital",
            "attributes_for": "hospital",
            "code": "S-FORM",
            "name": "长春市传染病医院",
            "responsible_org": tree["hospital"].pk,
            "address": "",
            "longitude": "125.1",
            "latitude": "43.8",
            "attr_level": "三级甲等",
            "attr_beds": "600",
        },
    )
    site = Site.objects.get(code="S-FORM")
    assert response.status_code == 302 and response.url == reverse("organizations:site_detail", args=[site.pk])
    assert site.attributes == {"level": "三级甲等", "beds": 600}


def test_form_shows_service_errors_next_to_fields(member_client, sites, tree):
    response = member_client.post(
        reverse("organizations:site_create"),
        {
            "site_type": "tent_site",
            "attributes_for": "tent_site",
            "code": "S-HOSP",
            "name": "重复编码",
            "responsible_org": tree["wjw"].pk,
            "longitude": "125",
            "latitude": "",
            "attr_tent_count": "3",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "latitude" in form.errors  # both or neither
    assert Site.objects.filter(code="S-HOSP").count() == 1


def test_switching_type_without_javascript_rerenders_instead_of_saving(member_client, tree):
    response = member_client.post(
        reverse("organizations:site_create"),
        {
            "site_type": "tent_site",
            "attributes_for": "",
            "code": "S-NOJS",
            "name": "帐篷点",
            "responsible_org": tree["wjw"].pk,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="attr_tent_count"' in html and 'value="S-NOJS"' in html
    assert 'name="attributes_for" value="tent_site"' in html
    assert not Site.objects.filter(code="S-NOJS").exists()


def test_htmx_partial_swaps_attribute_fields(member_client):
    response = member_client.get(
        reverse("organizations:site_attribute_fields"), {"site_type": "hospital"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "医院等级" in html and 'name="attr_beds"' in html and 'value="hospital"' in html
    assert "帐篷数" not in html


def test_edit_with_a_stale_version_shows_the_conflict(member_client, office_staff, sites, tree):
    site = sites["tent"]
    svc.site_update(actor=office_staff, site=site, expected_version=1, **field_kwargs(site, name="已被改名"))
    response = member_client.post(
        reverse("organizations:site_edit", args=[site.pk]),
        {
            "site_type": "tent_site",
            "attributes_for": "tent_site",
            "code": site.code,
            "name": "我的改动",
            "responsible_org": tree["wjw"].pk,
            "version": 1,
            "attr_tent_count": "1",
        },
    )
    assert response.status_code == 400
    assert "已被他人修改" in response.content.decode()
    assert Site.objects.get(pk=site.pk).name == "已被改名"


def test_edit_form_prefills_and_saves(member_client, sites, tree):
    site = sites["tent"]
    page = member_client.get(reverse("organizations:site_edit", args=[site.pk])).content.decode()
    assert 'value="120"' in page and 'name="version"' in page
    response = member_client.post(
        reverse("organizations:site_edit", args=[site.pk]),
        {
            "site_type": "tent_site",
            "attributes_for": "tent_site",
            "code": site.code,
            "name": site.name,
            "responsible_org": tree["wjw"].pk,
            "version": 1,
            "attr_tent_count": "125",
            "attr_quilt_count": "300",
            "longitude": "125.323544",
            "latitude": "43.817071",
            "address": site.address,
        },
    )
    assert response.status_code == 302
    assert Site.objects.get(pk=site.pk).attributes == {"tent_count": 125, "quilt_count": 300}


def test_deactivate_button(client, office_staff, group_member, sites):
    site = sites["community"]
    url = reverse("organizations:site_edit", args=[site.pk])
    client.force_login(group_member)
    assert client.post(url, {"action": "deactivate", "version": 1}).status_code == 403
    client.force_login(office_staff)
    response = client.post(url, {"action": "deactivate", "version": 1})
    assert response.status_code == 302
    assert not Site.objects.get(pk=site.pk).is_active
    client.post(url, {"action": "activate", "version": 2})
    assert Site.objects.get(pk=site.pk).is_active


def test_detail_shows_labels_and_position(member_client, sites):
    html = member_client.get(reverse("organizations:site_detail", args=[sites["tent"].pk])).content.decode()
    assert "帐篷数" in html and "棉被数" in html and "120" in html
    assert "东经" in html and "125.323544" in html and "北纬" in html


def test_liaison_cannot_edit_a_site_it_sees(client, liaison, sites):
    client.force_login(liaison)
    assert client.get(reverse("organizations:site_edit", args=[sites["tent"].pk])).status_code == 403
    assert client.get(reverse("organizations:site_edit", args=[sites["community"].pk])).status_code == 404


# --- Export and import ---


def read_back(data: bytes) -> tuple[list, list[list]]:
    ws = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def test_export_is_the_filtered_list_and_is_audited(member_client, sites):
    response = member_client.get(reverse("organizations:site_export"), {"org": sites["tent"].responsible_org_id})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    header, rows = read_back(response.content)
    assert header[:7] == ["点位编码 *", "点位名称 *", "点位类型 *", "地址", "责任单位编码 *", "经度", "纬度"]
    assert header[-1] == "状态" and "帐篷数" in header and "医院等级" in header
    by_code = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    assert set(by_code) == {"S-WJW-TENT", "S-HOSP"}
    tent = by_code["S-WJW-TENT"]
    assert tent["点位类型 *"] == "帐篷设置点" and tent["帐篷数"] == 120 and tent["医院等级"] is None
    assert tent["责任单位编码 *"] == "D-WJW" and tent["经度"] == pytest.approx(125.323544) and tent["状态"] == "启用"
    event = AuditEvent.objects.get(event_type=EventType.EXPORT)
    assert event.details == {"count": 2, "filters": {"org": sites["tent"].responsible_org_id}}


def test_liaison_may_not_export(client, liaison, sites):
    client.force_login(liaison)
    assert client.get(reverse("organizations:site_export")).status_code == 403


def workbook(rows: list[dict]) -> io.BytesIO:
    f = io.BytesIO(write_workbook("监督点位", svc.site_columns(), rows))
    f.name = "sites.xlsx"
    return f


def test_exported_ledger_imports_back_unchanged(office_staff, sites):
    data, count = svc.site_export(actor=office_staff, sites=sites_for(office_staff))
    assert count == 3
    f = io.BytesIO(data)
    f.name = "roundtrip.xlsx"
    result = svc.site_import(actor=office_staff, upload=f)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)


def test_import_upserts_by_code(office_staff, sites):
    f = workbook(
        [
            {
                "code": "S-WJW-TENT",
                "name": "南关区帐篷设置点",
                "site_type": "帐篷设置点",
                "org_code": "D-WJW",
                "attr_tent_count": 140,
                "attr_quilt_count": "320",
                "longitude": 125.32,
                "latitude": 43.81,
                "status": "停用",
            },
            {
                "code": "S-IMP-1",
                "name": "新建隔离点",
                "site_type": "隔离点",
                "org_code": "U-HOSP",
                "attr_rooms": 88.0,
                "attr_operator": "某酒店",
            },
        ]
    )
    result = svc.site_import(actor=office_staff, upload=f)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    tent = Site.objects.get(code="S-WJW-TENT")
    assert tent.attributes == {"tent_count": 140, "quilt_count": 320} and tent.version == 2 and not tent.is_active
    assert Site.objects.get(code="S-IMP-1").attributes == {"rooms": 88, "operator": "某酒店"}
    event = AuditEvent.objects.get(event_type=EventType.IMPORT)
    assert event.details["created"] == 1 and event.details["updated"] == 1


def test_import_is_all_or_nothing_with_row_and_column_errors(office_staff, sites):
    f = workbook(
        [
            {"code": "S-OK", "name": "好的一行", "site_type": "社区", "org_code": "D-YJT"},  # row 2
            {"code": "S-BAD-1", "name": "错类型", "site_type": "帐篷", "org_code": "D-YJT"},  # row 3
            {"code": "S-BAD-2", "name": "错单位", "site_type": "社区", "org_code": "NOPE"},  # row 4
            {"code": "S-BAD-3", "name": "错属性列", "site_type": "帐篷设置点", "org_code": "D-WJW", "attr_beds": 5},
            {"code": "S-BAD-4", "name": "负数", "site_type": "帐篷设置点", "org_code": "D-WJW", "attr_tent_count": -3},
            {"code": "S-OK", "name": "重复编码", "site_type": "社区", "org_code": "D-YJT"},  # row 7
            {"code": "S-BAD-6", "name": "只有经度", "site_type": "社区", "org_code": "D-YJT", "longitude": 125},
            {"code": "S-BAD-7", "name": "", "site_type": "社区", "org_code": "G-WJW", "status": "作废"},  # row 9
        ]
    )
    with pytest.raises(ImportFailed) as e:
        svc.site_import(actor=office_staff, upload=f)
    errors = {(row, column): message for row, column, message in e.value.rows}
    assert "无法识别“帐篷”" in errors[(3, "点位类型")] and "帐篷设置点" in errors[(3, "点位类型")]
    assert "NOPE" in errors[(4, "责任单位编码")]
    assert "不属于帐篷设置点" in errors[(5, "床位数")]
    assert "不小于0的整数" in errors[(6, "帐篷数")]
    assert "第2行" in errors[(7, "点位编码")]
    assert "同时" in errors[(8, "纬度")]
    assert (9, "点位名称") in errors and (9, "责任单位编码") in errors and (9, "状态") in errors
    assert not Site.objects.filter(code__in=["S-OK", "S-BAD-1"]).exists()
    assert Site.objects.count() == 3
    refused = AuditEvent.objects.get(event_type=EventType.IMPORT)
    assert refused.outcome == Outcome.FAILURE


def test_import_refuses_status_changes_without_the_right(group_member, sites):
    f = workbook(
        [
            {
                "code": "S-HOSP",
                "name": "省人民医院发热门诊",
                "site_type": "医疗机构",
                "org_code": "U-HOSP",
                "status": "停用",
            }
        ]
    )
    with pytest.raises(ImportFailed) as e:
        svc.site_import(actor=group_member, upload=f)
    assert e.value.rows[0][1] == "状态"


def test_import_rejects_a_file_that_is_not_xlsx(office_staff):
    f = io.BytesIO(b"code,name\n1,2\n")
    f.name = "sites.csv"
    with pytest.raises(ImportFailed):
        svc.site_import(actor=office_staff, upload=f)


def test_import_is_bulk(office_staff, tree):
    SiteFactory(code="B00000", responsible_org=tree["yjt"])
    rows = [
        {
            "code": f"B{i:05d}",
            "name": f"批量社区{i}",
            "site_type": "社区",
            "org_code": "D-YJT" if i % 2 else "U-HOSP",
            "attr_households": i,
            "longitude": 125 + i / 10000,
            "latitude": 43.5,
        }
        for i in range(1200)
    ]
    f = workbook(rows)
    started = time.monotonic()
    with CaptureQueriesContext(connection) as ctx:
        result = svc.site_import(actor=office_staff, upload=f)
    assert time.monotonic() - started < 10  # generous: the benchmark measures the real rate
    # Apart from the batched INSERTs (batch size set by the database's parameter limit), a fixed number of
    # queries: one for the orgs, one for the existing sites, one bulk update, the audit event, the data counter.
    other = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith('INSERT INTO "organizations_site"')]
    assert len(other) <= 16
    assert len(ctx.captured_queries) < 60
    assert (result.created, result.updated) == (1199, 1)
    assert Site.objects.count() == 1200


def test_import_page_shows_errors_and_writes_nothing(client, office_staff, tree):
    client.force_login(office_staff)
    url = reverse("organizations:site_import")
    assert client.get(url).status_code == 200
    f = workbook([{"code": "S-X", "name": "X", "site_type": "火星", "org_code": "D-WJW"}])
    response = client.post(url, {"file": f})
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="import-errors"' in html
    assert "第2行" in html and "点位类型" in html and "火星" in html
    assert not Site.objects.exists()
    ok = workbook([{"code": "S-X", "name": "X", "site_type": "社区", "org_code": "D-WJW"}])
    response = client.post(url, {"file": ok})
    assert response.status_code == 302 and Site.objects.filter(code="S-X").exists()


# --- API ---


@pytest.fixture
def api():
    return APIClient()


def test_api_list_filters(api, group_member, sites, tree):
    api.force_authenticate(group_member)
    body = api.get("/api/v1/sites/").json()
    assert body["count"] == 3 and {"next", "previous", "results"} <= set(body)
    assert [r["code"] for r in api.get("/api/v1/sites/?site_type=hospital").json()["results"]] == ["S-HOSP"]
    codes = {r["code"] for r in api.get(f"/api/v1/sites/?org={tree['wjw'].pk}").json()["results"]}
    assert codes == {"S-WJW-TENT", "S-HOSP"}
    assert api.get("/api/v1/sites/?q=青年").json()["count"] == 1
    assert api.get("/api/v1/sites/?active=false").json()["count"] == 0


def test_api_retrieve_fields(api, liaison, sites):
    api.force_authenticate(liaison)
    body = api.get(f"/api/v1/sites/{sites['tent'].pk}/").json()
    assert body == {
        "id": sites["tent"].pk,
        "code": "S-WJW-TENT",
        "name": "南关区帐篷设置点",
        "site_type": "tent_site",
        "site_type_display": "帐篷设置点",
        "address": "长春市南关区人民大街1号",
        "responsible_org": sites["tent"].responsible_org_id,
        "responsible_org_name": "吉林省卫生健康委员会",
        "longitude": 125.323544,
        "latitude": 43.817071,
        "attributes": {"tent_count": 120, "quilt_count": 300},
        "is_active": True,
        "version": 1,
    }
    missing = api.get(f"/api/v1/sites/{sites['community'].pk}/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_api_create(api, group_member, sites, tree):
    api.force_authenticate(group_member)
    payload = {
        "code": "S-API",
        "name": "接口新建点位",
        "site_type": "school",
        "responsible_org": tree["yjt"].pk,
        "attributes": {"school_level": "小学", "students": 900},
    }
    response = api.post("/api/v1/sites/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["attributes"] == {"school_level": "小学", "students": 900}
    assert response.json()["version"] == 1
    dup = api.post("/api/v1/sites/", {**payload, "name": "重复"}, format="json")
    assert dup.status_code == 400 and dup.json()["code"] == "invalid" and "已被使用" in dup.json()["message"]
    bad = api.post("/api/v1/sites/", {**payload, "code": "S-API-2", "attributes": {"students": -1}}, format="json")
    assert bad.status_code == 400 and "attributes.students" in bad.json()["fields"]


def test_api_create_refused_for_read_only_roles(api, commission_leader, tree):
    api.force_authenticate(commission_leader)
    response = api.post(
        "/api/v1/sites/",
        {
            "code": "S-NO",
            "name": "无权",
            "site_type": "community",
            "responsible_org": tree["yjt"].pk,
        },
        format="json",
    )
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_api_update_with_version(api, group_member, office_staff, sites):
    api.force_authenticate(group_member)
    url = f"/api/v1/sites/{sites['hospital'].pk}/"
    response = api.patch(url, {"version": 1, "attributes": {"beds": 1600, "level": "三级甲等"}}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2 and response.json()["attributes"]["beds"] == 1600
    stale = api.patch(url, {"version": 1, "name": "旧版本"}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert api.patch(url, {"name": "没带版本"}, format="json").status_code == 400
    assert api.patch(url, {"version": 2, "is_active": False}, format="json").status_code == 403
    api.force_authenticate(office_staff)
    off = api.patch(url, {"version": 2, "is_active": False}, format="json")
    assert off.status_code == 200 and off.json()["is_active"] is False


def test_api_update_of_invisible_or_read_only(api, liaison, sites):
    api.force_authenticate(liaison)
    assert api.patch(f"/api/v1/sites/{sites['community'].pk}/", {"version": 1}, format="json").status_code == 404
    assert api.patch(f"/api/v1/sites/{sites['tent'].pk}/", {"version": 1}, format="json").status_code == 403


def test_api_has_no_delete_and_needs_login(api, office_staff, sites):
    assert api.get("/api/v1/sites/").status_code == 401
    api.force_authenticate(office_staff)
    assert api.delete(f"/api/v1/sites/{sites['tent'].pk}/").status_code == 405
