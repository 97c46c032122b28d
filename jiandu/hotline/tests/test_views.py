"""The hotline pages: registry with scorecard, case list (masked) and detail (audited unmasking), the workflow
buttons, test calls (confidential), xlsx ledgers (masked, audited)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import PERSONAS
from jiandu.core.models import AuditEvent
from jiandu.hotline import services
from jiandu.hotline.enums import CaseStatus
from jiandu.hotline.models import HotlineCase, TestCall

from .conftest import AT, make_call

pytestmark = pytest.mark.django_db

FULL_NAME, FULL_PHONE = "王德顺", "13904311234"
ADMINS = {"system_admin", "security_admin", "audit_admin"}


def _sheet(response) -> list[tuple]:
    wb = load_workbook(io.BytesIO(response.content))
    return list(wb.worksheets[0].iter_rows(values_only=True))


@pytest.mark.parametrize("name", PERSONAS)
def test_case_pages_mask_the_caller_for_everyone(name, request, client, assigned):
    user = request.getfixturevalue(name)
    client.force_login(user)
    response = client.get(reverse("hotline:case_list"))
    if name in ADMINS:
        assert response.status_code == 403
        return
    html = response.content.decode()
    assert FULL_NAME not in html and FULL_PHONE not in html
    sees = name != "other_group_member"
    assert ("王**" in html) is sees and ("139****1234" in html) is sees
    detail = client.get(reverse("hotline:case_detail", args=[assigned.pk]))
    assert detail.status_code == (200 if sees else 404)
    assert FULL_NAME not in detail.content.decode()
    export = client.get(reverse("hotline:case_export"))
    assert export.status_code == 200
    rows = _sheet(export)
    flat = " ".join(str(v) for row in rows for v in row)
    assert FULL_NAME not in flat and FULL_PHONE not in flat
    assert len(rows) == (2 if sees else 1)
    if sees:  # the time of the call as on the page: Beijing time, to the minute
        assert rows[1][rows[0].index("来电时间")] == "2022-04-12 09:30"
    assert AuditEvent.objects.filter(event_type="export", object_type="hotline.hotlinecase").count() == 1


@pytest.mark.parametrize("name", ["group_member", "liaison", "commission_leader"])
def test_unmask_button_shows_the_caller_and_is_audited(name, request, client, assigned):
    client.force_login(request.getfixturevalue(name))
    page = client.get(reverse("hotline:case_detail", args=[assigned.pk])).content.decode()
    assert 'data-testid="view-personal"' in page
    response = client.post(reverse("hotline:case_personal", args=[assigned.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and FULL_NAME in html and FULL_PHONE in html
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(event_type="view_personal", object_id=str(assigned.pk)).count() == 1


def test_unmask_refused_for_others(client, other_group_member, other_liaison, assigned):
    for user in (other_group_member, other_liaison):
        client.force_login(user)
        assert client.post(reverse("hotline:case_personal", args=[assigned.pk])).status_code == 404
    assert not AuditEvent.objects.filter(event_type="view_personal").exists()


def test_search_never_matches_personal_data(client, group_member, assigned):
    client.force_login(group_member)
    html = client.get(reverse("hotline:case_list"), {"q": FULL_PHONE}).content.decode()
    assert 'data-testid="case-row"' not in html


def test_case_list_filters(client, group_member, assigned, hotline):
    services.case_create(actor=group_member, hotline=hotline, received_at=AT, issue="疫苗接种点咨询")
    client.force_login(group_member)
    url = reverse("hotline:case_list")
    assert client.get(url, {"warning": "red"}).content.decode().count('data-testid="case-row"') == 1
    assert client.get(url, {"status": "received"}).content.decode().count('data-testid="case-row"') == 1
    assert client.get(url, {"q": "疫苗"}).content.decode().count('data-testid="case-row"') == 1
    assert client.get(url, {"from": "2022-05-01"}).content.decode().count('data-testid="case-row"') == 0
    org = assigned.routed_org_id
    assert client.get(url, {"org": org}).content.decode().count('data-testid="case-row"') == 1


def test_workflow_through_the_pages(client, group_member, liaison, assigned):
    client.force_login(liaison)
    url = reverse("hotline:case_move", args=[assigned.pk, "answer"])
    # The liaison may not call back; the group may not answer.
    assert (
        client.post(reverse("hotline:case_move", args=[assigned.pk, "callback"]), {"satisfaction": 5}).status_code
        == 403
    )
    response = client.post(url, {"answer": "", "version": assigned.version})
    assert response.status_code == 400
    assert HotlineCase.objects.get(pk=assigned.pk).status == CaseStatus.ASSIGNED
    response = client.post(url, {"answer": "已安排专车接送。", "version": assigned.version})
    assert response.status_code == 302
    client.force_login(group_member)
    assert client.post(url, {"answer": "x"}).status_code == 403
    case = HotlineCase.objects.get(pk=assigned.pk)
    response = client.post(
        reverse("hotline:case_move", args=[case.pk, "callback"]),
        {"satisfaction": 2, "substantiated": "1", "version": case.version},
    )
    assert response.status_code == 302
    page = client.get(reverse("hotline:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="case-to-problem"' in page and 'data-kind="called_back"' in page
    assert client.post(reverse("hotline:case_to_problem", args=[case.pk])).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CALLED_BACK and case.problem is not None


def test_stale_version_is_a_conflict(client, group_member, case):
    client.force_login(group_member)
    response = client.post(
        reverse("hotline:case_move", args=[case.pk, "assign"]),
        {"routed_org": case.hotline.operating_org_id, "answer_due_on": "2022-04-20", "version": case.version + 1},
    )
    assert response.status_code == 400 and "已被他人修改" in response.content.decode()


def test_case_create_page(client, group_member, hotline):
    client.force_login(group_member)
    url = reverse("hotline:case_create")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"hotline": hotline.pk, "received_at": "2022-04-12T10:00", "caller_name": "李四", "issue": "就医难"},
    )
    assert response.status_code == 302
    assert HotlineCase.objects.get(issue="就医难").caller_name == "李四"
    assert client.post(url, {"hotline": hotline.pk}).status_code == 400


@pytest.mark.parametrize("name", PERSONAS)
def test_test_calls_are_confidential(name, request, client, group_member, hotline):
    call = make_call(group_member, hotline, connected=False, answer_correct=None, quality_score=None)
    user = request.getfixturevalue(name)
    client.force_login(user)
    sees = name in {"commission_leader", "office_staff", "group_leader", "group_member"}
    listed = client.get(reverse("hotline:call_list"))
    if name in ADMINS or name == "liaison":
        assert listed.status_code == 403
    else:
        assert listed.content.decode().count('data-testid="call-row"') == (1 if sees else 0)
    assert client.get(reverse("hotline:call_detail", args=[call.pk])).status_code == (200 if sees else 404)
    export = client.get(reverse("hotline:call_export"))
    if name in ADMINS or name == "liaison":
        assert export.status_code == 403
    else:
        assert len(_sheet(export)) == (2 if sees else 1)
    if name not in ADMINS:
        registry = client.get(reverse("hotline:hotline_list")).content.decode()
        assert ("暗访测试" in registry) is (name != "liaison")
        detail = client.get(reverse("hotline:hotline_detail", args=[hotline.pk])).content.decode()
        assert ('data-testid="scorecard"' in detail) is (name != "liaison")


def test_hotline_pages(client, group_member, hotline, tree):
    make_call(group_member, hotline, wait_seconds=20, quality_score=4)
    client.force_login(group_member)
    detail = client.get(reverse("hotline:hotline_detail", args=[hotline.pk])).content.decode()
    assert 'data-testid="call-chart"' in detail and "vendor/echarts/echarts.min.js" in detail
    assert 'data-testid="score-rate">100%' in detail
    response = client.post(
        reverse("hotline:hotline_create"), {"name": "12345热线", "number": "12345", "operating_org": tree["yjt"].pk}
    )
    assert response.status_code == 302
    edit = reverse("hotline:hotline_edit", args=[hotline.pk])
    response = client.post(
        edit,
        {
            "name": hotline.name,
            "number": "0431-12320",
            "operating_org": tree["wjw"].pk,
            "is_active": "on",
            "version": hotline.version,
        },
    )
    assert response.status_code == 302
    hotline.refresh_from_db()
    assert hotline.number == "0431-12320"


def test_record_and_convert_from_the_pages(client, group_member, hotline):
    client.force_login(group_member)
    response = client.post(
        reverse("hotline:call_create"),
        {"hotline": hotline.pk, "planned_at": "2022-04-12T09:30", "connected": "0", "wait_seconds": "60"},
    )
    call = TestCall.objects.get()
    assert response.status_code == 302 and call.failed
    assert client.post(reverse("hotline:call_to_problem", args=[call.pk])).status_code == 302
    call.refresh_from_db()
    assert call.problem is not None
    # Plan only, then record.
    client.post(reverse("hotline:call_create"), {"hotline": hotline.pk, "planned_at": "2022-04-20T09:30"})
    planned = TestCall.objects.get(status="planned")
    url = reverse("hotline:call_record", args=[planned.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "hotline": hotline.pk,
            "planned_at": "2022-04-20T09:40",
            "connected": "1",
            "wait_seconds": "8",
            "answer_correct": "1",
            "quality_score": "5",
            "version": planned.version,
        },
    )
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.status == "done" and not planned.failed
