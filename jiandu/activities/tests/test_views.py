"""Pages of activities and campaigns: lists with filters, detail with gallery and timeline, forms, export."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from jiandu.activities.enums import Method
from jiandu.activities.models import Activity, Campaign
from jiandu.activities.tests.factories import ActivityFactory, image_bytes, topic
from jiandu.core.enums import EventType
from jiandu.core.models import Attachment, AuditEvent


def test_list_shows_filters_badges_and_pagination(client, commission_leader, tree, acts):
    for i in range(25):
        ActivityFactory(group=tree["yjt_group"], title=f"帐篷检查{i}", start_date=date(2022, 4, 1))
    client.force_login(commission_leader)
    r = client.get(reverse("activities:activity_list"))
    html = r.content.decode()
    assert r.status_code == 200 and html.count('data-testid="activity-row"') == 20
    assert "共 28 条" in html and "下一页" in html
    assert 'data-testid="confidential-badge"' in html or "保密" in html
    assert "登记活动" not in html  # read-only: no create button
    r = client.get(reverse("activities:activity_list"), {"method": Method.COVERT})
    html = r.content.decode()
    assert html.count('data-testid="activity-row"') == 1 and "bi-lock-fill" in html and "保密" in html
    r = client.get(reverse("activities:activity_list"), {"group": tree["wjw_group"].pk, "q": "发热门诊"})
    assert r.content.decode().count('data-testid="activity-row"') == 1
    # an id one may not use matches nothing (not "all")
    r = client.get(reverse("activities:activity_list"), {"campaign": 999999})
    assert r.content.decode().count('data-testid="activity-row"') == 0


def test_group_member_sees_only_own_group(client, group_member, acts):
    client.force_login(group_member)
    html = client.get(reverse("activities:activity_list")).content.decode()
    assert acts["plain"].title in html and acts["covert"].title in html and acts["other"].title not in html
    assert client.get(reverse("activities:activity_detail", args=[acts["other"].pk])).status_code == 404


def test_create_with_photos_and_captions(client, group_member, group_leader, tree, sites):
    client.force_login(group_member)
    r = client.get(reverse("activities:activity_create"))
    html = r.content.decode()
    assert r.status_code == 200 and 'accept="image/*"' in html and 'capture="environment"' in html
    data = {
        "group": tree["wjw_group"].pk,
        "method": Method.ON_SITE,
        "title": "实地检查一汽集团复工复产",
        "start_date": "2022-04-28",
        "topics": [topic("复工复产").pk],
        "leader": group_leader.pk,
        "participants": [group_member.pk],
        "sites": [sites["hospital"].pk],
        "target_orgs": [tree["wjw"].pk],
        "summary": "检查复工复产专班工作",
        "photo_caption_0": "图为4月28日，赴一汽集团检查。",
        "photo_caption": "通用说明",
        "photos": [
            SimpleUploadedFile("1.png", image_bytes()),
            SimpleUploadedFile("2.jpg", image_bytes("JPEG", colour=(200, 30, 30))),
        ],
    }
    r = client.post(reverse("activities:activity_create"), data)
    assert r.status_code == 302, r.content.decode()[:3000]
    activity = Activity.objects.get(title="实地检查一汽集团复工复产")
    captions = list(Attachment.objects.filter(owner_id=activity.pk).values_list("caption", flat=True))
    assert captions == ["图为4月28日，赴一汽集团检查。", "通用说明"]
    html = client.get(r["Location"]).content.decode()
    assert html.count('data-testid="photo-thumb"') == 2 and "图为4月28日，赴一汽集团检查。" in html
    assert "登记" in html and 'data-testid="timeline"' in html


def test_form_errors_are_shown_next_to_fields(client, group_member, tree):
    client.force_login(group_member)
    r = client.post(
        reverse("activities:activity_create"),
        {"group": tree["wjw_group"].pk, "method": Method.STATIONED, "title": "驻点", "start_date": "2022-04-01"},
    )
    assert r.status_code == 400 and "驻点监督须填写起止日期" in r.content.decode()
    r = client.post(
        reverse("activities:activity_create"),
        {"group": tree["yjt_group"].pk, "method": Method.ON_SITE, "title": "别组", "start_date": "2022-04-01"},
    )
    assert r.status_code == 400 and not Activity.objects.exists()  # not one of the member's groups


def test_edit_with_version_conflict(client, group_member, acts):
    activity = acts["plain"]
    client.force_login(group_member)
    url = reverse("activities:activity_edit", args=[activity.pk])
    assert client.get(url).status_code == 200
    data = {"method": Method.ON_SITE, "title": "改过的标题", "start_date": "2022-04-28", "version": 1}
    assert client.post(url, data).status_code == 302
    r = client.post(url, data | {"title": "又改"})
    assert r.status_code == 400 and "已被他人修改" in r.content.decode()
    assert Activity.objects.get(pk=activity.pk).title == "改过的标题"


def test_commission_leader_may_not_edit(client, commission_leader, acts):
    client.force_login(commission_leader)
    html = client.get(reverse("activities:activity_detail", args=[acts["plain"].pk])).content.decode()
    assert 'data-testid="activity-edit"' not in html and 'data-testid="attach-form"' not in html
    assert client.get(reverse("activities:activity_edit", args=[acts["plain"].pk])).status_code == 403


def test_attach_and_remove_from_detail(client, group_member, acts):
    client.force_login(group_member)
    url = reverse("activities:activity_attach", args=[acts["plain"].pk])
    r = client.post(url, {"photos": [SimpleUploadedFile("x.jpg", b"not an image")]})
    assert r.status_code == 302
    assert not Attachment.objects.exists()
    client.post(url, {"photos": [SimpleUploadedFile("a.png", image_bytes())], "photo_caption": "图为"})
    att = Attachment.objects.get()
    r = client.post(reverse("activities:activity_attachment_delete", args=[acts["plain"].pk, att.pk]))
    assert r.status_code == 302 and not Attachment.objects.exists()


def test_site_search_as_you_type(client, group_member, sites):
    client.force_login(group_member)
    html = client.get(reverse("activities:site_options"), {"site_q": "帐篷"}).content.decode()
    assert "绿园区帐篷设置点" in html and "发热门诊" not in html


def test_export_is_the_filtered_ledger_and_audited(client, commission_leader, tree, acts):
    client.force_login(commission_leader)
    r = client.get(reverse("activities:activity_export"), {"group": tree["wjw_group"].pk})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "纪检监察组", "方式 *", "标题 *") or rows[0][0] == "编号"
    assert {row[3] for row in rows[1:]} == {acts["plain"].title, acts["covert"].title}
    event = AuditEvent.objects.get(event_type=EventType.EXPORT, object_type="activities.activity")
    assert event.details["count"] == 2 and event.details["filters"] == {"group": tree["wjw_group"].pk}


def test_campaign_pages(client, office_staff, group_member, tree, campaigns, sites):
    ActivityFactory(group=tree["yjt_group"], campaign=campaigns["yjt"], sites=[sites["tent"]])
    client.force_login(office_staff)
    html = client.get(reverse("activities:campaign_list")).content.decode()
    assert html.count('data-testid="campaign-card"') == 3 and "1</strong> / 2个" in html
    r = client.get(reverse("activities:campaign_detail", args=[campaigns["yjt"].pk]))
    assert r.status_code == 200 and "50%" in r.content.decode()
    r = client.post(
        reverse("activities:campaign_create"),
        {"title": "全省稳岗就业专项监督", "topic": topic("稳岗就业").pk, "start_date": "2022-05-01",
         "end_date": "2022-06-30", "planned_checks": 30},
    )  # fmt: skip
    assert r.status_code == 302 and Campaign.objects.get(title="全省稳岗就业专项监督").group is None
    client.force_login(group_member)
    r = client.get(reverse("activities:campaign_detail", args=[campaigns["yjt"].pk]))
    assert r.status_code == 404
    r = client.post(
        reverse("activities:campaign_create"),
        {"title": "全省", "topic": topic().pk, "start_date": "2022-05-01", "end_date": "2022-06-30"},
    )
    assert r.status_code == 400  # a group must plan for its own group
    edit = reverse("activities:campaign_edit", args=[campaigns["province"].pk])
    assert client.get(edit).status_code == 403


@pytest.mark.parametrize("name", ["liaison", "system_admin", "audit_admin"])
def test_no_activity_pages_for_liaison_and_admins(name, request, client, acts, campaigns):
    client.force_login(request.getfixturevalue(name))
    assert client.get(reverse("activities:activity_list")).status_code == 403
    assert client.get(reverse("activities:campaign_list")).status_code == 403
    assert client.get(reverse("activities:activity_detail", args=[acts["plain"].pk])).status_code == 404
    assert client.get(reverse("activities:campaign_detail", args=[campaigns["wjw"].pk])).status_code == 404
    assert client.get(reverse("activities:activity_create")).status_code == 403
