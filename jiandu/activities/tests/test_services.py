"""Services of activities and campaigns: rules, timeline rows, audit events, optimistic locking, uploads; and
the selectors the reports module uses."""

import hashlib
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from jiandu.activities import campaign_services, selectors, services
from jiandu.activities.enums import EventKind, Method
from jiandu.activities.models import Activity, ActivityEvent, Campaign
from jiandu.activities.tests.factories import ActivityFactory, CampaignFactory, image_bytes, topic
from jiandu.core.attachments import attachments_of
from jiandu.core.enums import EventType
from jiandu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jiandu.core.models import AuditEvent
from jiandu.organizations.tests.factories import SiteFactory


def create(actor, tree, **overrides):
    kwargs = {
        "group": tree["wjw_group"],
        "method": Method.ON_SITE,
        "title": "实地检查省人民医院发热门诊",
        "start_date": date(2022, 4, 28),
    }
    kwargs.update(overrides)
    return services.activity_create(actor=actor, **kwargs)


# --- Create ---


def test_create_records_timeline_and_audit(group_member, group_leader, tree, sites):
    activity = create(
        group_member,
        tree,
        topics=[topic("疫情防控")],
        leader=group_leader,
        participants=[group_member],
        target_orgs=[tree["hospital"]],
        sites=[sites["hospital"]],
        external_participants="省卫健委医政处 李某",
    )
    assert activity.code == f"HD{activity.pk:07d}" and activity.version == 1
    assert activity.days == 0 and not activity.confidential and activity.end_date is None
    assert activity.created_by == group_member
    assert list(activity.sites.all()) == [sites["hospital"]]
    event = ActivityEvent.objects.get(activity=activity)
    assert event.kind == EventKind.CREATED and event.actor == group_member
    audit = AuditEvent.objects.get(event_type=EventType.CREATE, object_type="activities.activity")
    assert audit.object_id == str(activity.pk) and audit.details["sites"] == [sites["hospital"].pk]


def test_stationed_needs_a_range_and_counts_its_days(group_member, tree):
    with pytest.raises(ValidationFailed) as e:
        create(group_member, tree, method=Method.STATIONED)
    assert "end_date" in e.value.fields and "起止日期" in e.value.message
    activity = create(
        group_member, tree, method=Method.STATIONED, start_date=date(2022, 3, 28), end_date=date(2022, 4, 8)
    )
    assert activity.days == 12
    # a one-day stationed activity keeps its range and counts one day
    one = create(group_member, tree, method=Method.STATIONED, title="驻点一天", end_date=date(2022, 4, 28))
    assert (one.end_date, one.days) == (date(2022, 4, 28), 1)
    # other methods count no days; an end equal to the start is dropped
    on_site = create(group_member, tree, title="一天", end_date=date(2022, 4, 28))
    assert (on_site.end_date, on_site.days) == (None, 0)


@pytest.mark.parametrize("method", [Method.COVERT, Method.UNANNOUNCED])
def test_covert_and_unannounced_are_confidential(method, group_member, tree):
    assert create(group_member, tree, method=method).confidential is True


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"start_date": timezone.localdate() + timedelta(days=1)}, "start_date"),
        ({"start_date": date(2022, 4, 28), "end_date": date(2022, 4, 27)}, "end_date"),
        ({"end_date": timezone.localdate() + timedelta(days=1)}, "end_date"),
        ({"title": "  "}, "title"),
        ({"method": "telepathy"}, "method"),
        ({"method": Method.STATIONED, "start_date": date(2021, 1, 1), "end_date": date(2022, 4, 1)}, "end_date"),
    ],
)
def test_bad_input_is_refused_in_chinese(overrides, field, group_member, tree):
    with pytest.raises(ValidationFailed) as e:
        create(group_member, tree, **overrides)
    assert field in e.value.fields
    assert not Activity.objects.exists()


def test_people_must_be_active_supervisors(group_member, liaison, other_group_member, office_staff, tree):
    with pytest.raises(ValidationFailed) as e:
        create(group_member, tree, participants=[liaison])
    assert "外部人员" in e.value.fields["participants"][0]
    other_group_member.is_active = False
    other_group_member.save()
    with pytest.raises(ValidationFailed) as e:
        create(group_member, tree, leader=other_group_member)
    assert "leader" in e.value.fields
    # 室组联动: people of the office take part
    assert list(create(group_member, tree, participants=[office_staff]).participants.all()) == [office_staff]


def test_targets_and_sites_must_be_usable(group_member, tree):
    with pytest.raises(ValidationFailed) as e:
        create(group_member, tree, target_orgs=[tree["yjt_group"]])  # a group is not supervised
    assert "target_orgs" in e.value.fields
    closed = SiteFactory(responsible_org=tree["wjw"], is_active=False)
    with pytest.raises(ValidationFailed) as e:
        create(group_member, tree, sites=[closed])
    assert "已停用" in e.value.fields["sites"][0]


def test_only_own_group_and_no_liaison(group_member, other_group_member, liaison, commission_leader, tree):
    for actor in (other_group_member, liaison, commission_leader):
        with pytest.raises(PermissionDenied):
            create(actor, tree)


def test_campaign_of_another_group_is_refused(group_member, tree, campaigns):
    with pytest.raises(ValidationFailed) as e:
        create(group_member, tree, campaign=campaigns["yjt"])  # not even visible to a wjw member
    assert "campaign" in e.value.fields
    assert create(group_member, tree, campaign=campaigns["province"]).campaign == campaigns["province"]
    assert create(group_member, tree, title="本组专项", campaign=campaigns["wjw"]).campaign == campaigns["wjw"]


def test_database_keeps_the_invariants(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(group=tree["wjw_group"], method=Method.COVERT, title="x", start_date=date(2022, 4, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(
            group=tree["wjw_group"], method=Method.STATIONED, title="x", start_date=date(2022, 4, 1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(
            group=tree["wjw_group"],
            title="x",
            method=Method.ON_SITE,
            start_date=date(2022, 4, 2),
            end_date=date(2022, 4, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.create(title="x", topic=topic(), start_date=date(2022, 4, 2), end_date=date(2022, 4, 1))


# --- Update ---


def update_kwargs(activity, **overrides):
    kwargs = {
        "method": activity.method,
        "title": activity.title,
        "start_date": activity.start_date,
        "end_date": activity.end_date,
        "topics": list(activity.topics.all()),
        "campaign": activity.campaign,
        "leader": activity.leader,
        "participants": list(activity.participants.all()),
        "external_participants": activity.external_participants,
        "target_orgs": list(activity.target_orgs.all()),
        "sites": list(activity.sites.all()),
        "summary": activity.summary,
        "findings": activity.findings,
    }
    kwargs.update(overrides)
    return kwargs


def test_update_records_changes_and_refuses_a_stale_version(group_member, group_leader, tree):
    activity = create(group_member, tree)
    updated = services.activity_update(
        actor=group_leader,
        activity=activity,
        expected_version=1,
        **update_kwargs(activity, method=Method.COVERT, findings="陪护管理不严", topics=[topic("医疗救治")]),
    )
    assert updated.version == 2 and updated.confidential
    event = ActivityEvent.objects.get(activity=activity, kind=EventKind.UPDATED)
    assert set(event.details["changes"]) == {"method", "findings", "topics", "confidential"}
    assert "方式" in event.note and "发现问题" in event.note
    assert AuditEvent.objects.filter(event_type=EventType.UPDATE, object_id=str(activity.pk)).exists()
    with pytest.raises(Conflict):
        services.activity_update(actor=group_member, activity=activity, expected_version=1, **update_kwargs(activity))
    # nothing changed: no new version, no timeline row
    same = services.activity_update(
        actor=group_member, activity=updated, expected_version=2, **update_kwargs(Activity.objects.get(pk=activity.pk))
    )
    assert same.version == 2 and ActivityEvent.objects.filter(activity=activity).count() == 2


def test_switching_from_stationed_resets_days(group_member, tree):
    activity = create(
        group_member, tree, method=Method.STATIONED, end_date=date(2022, 4, 28), start_date=date(2022, 4, 20)
    )
    assert activity.days == 9
    updated = services.activity_update(
        actor=group_member, activity=activity, expected_version=1, **update_kwargs(activity, method=Method.ON_SITE)
    )
    assert (updated.days, updated.end_date) == (0, date(2022, 4, 28))


def test_other_group_may_not_update(other_group_member, acts):
    with pytest.raises(PermissionDenied):
        services.activity_update(
            actor=other_group_member, activity=acts["plain"], expected_version=1, **update_kwargs(acts["plain"])
        )


# --- Photos and files ---


def test_photo_is_checked_hashed_and_thumbnailed(group_member, tree):
    data = image_bytes("JPEG", size=(1200, 800))
    activity = create(
        group_member, tree, photos=[(SimpleUploadedFile("现场.jpg", data), "图为4月28日，检查发热门诊。")]
    )
    [att] = attachments_of(activity)
    assert att.sha256 == hashlib.sha256(data).hexdigest() and att.mime_type == "image/jpeg"
    assert att.caption == "图为4月28日，检查发热门诊。" and att.purpose == "photo"
    with Image.open(att.thumbnail.open("rb")) as thumb:
        assert max(thumb.size) <= 480
    assert "上传照片/附件1个" in ActivityEvent.objects.get(activity=activity).note


def test_a_jpg_name_with_other_content_is_refused(group_member, tree, acts):
    with pytest.raises(ValidationFailed) as e:
        services.activity_add_attachments(
            actor=group_member,
            activity=acts["plain"],
            photos=[(SimpleUploadedFile("photo.jpg", b"MZ\x90\x00evil"), "")],
        )
    assert "按文件内容识别" in e.value.message
    assert not attachments_of(acts["plain"]).exists()
    # and the whole create is undone when one of its photos is refused
    with pytest.raises(ValidationFailed):
        create(group_member, tree, title="带坏照片", photos=[(SimpleUploadedFile("x.jpg", b"not an image"), "")])
    assert not Activity.objects.filter(title="带坏照片").exists()


def test_oversized_upload_is_refused(group_member, acts, settings):
    settings.JIANDU_MAX_UPLOAD_BYTES = 2000
    with pytest.raises(ValidationFailed) as e:
        services.activity_add_attachments(
            actor=group_member,
            activity=acts["plain"],
            files=[SimpleUploadedFile("big.png", image_bytes(size=(900, 900)))],
        )
    assert "上限" in e.value.message


def test_a_pdf_is_not_a_photo_but_may_be_a_file(group_member, acts):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    with pytest.raises(ValidationFailed):
        services.activity_add_attachments(
            actor=group_member, activity=acts["plain"], photos=[(SimpleUploadedFile("a.pdf", pdf), "")]
        )
    [att] = services.activity_add_attachments(
        actor=group_member, activity=acts["plain"], files=[SimpleUploadedFile("通知.pdf", pdf)]
    )
    assert att.mime_type == "application/pdf" and att.purpose == "file" and not att.thumbnail


def test_remove_attachment(group_member, commission_leader, acts):
    [att] = services.activity_add_attachments(
        actor=group_member, activity=acts["plain"], photos=[(SimpleUploadedFile("a.png", image_bytes()), "说明")]
    )
    with pytest.raises(PermissionDenied):
        services.activity_remove_attachment(actor=commission_leader, activity=acts["plain"], attachment_id=att.pk)
    with pytest.raises(NotFound):
        services.activity_remove_attachment(actor=group_member, activity=acts["covert"], attachment_id=att.pk)
    services.activity_remove_attachment(actor=group_member, activity=acts["plain"], attachment_id=att.pk)
    assert not attachments_of(acts["plain"]).exists()
    kinds = list(ActivityEvent.objects.filter(activity=acts["plain"]).values_list("kind", flat=True))
    assert kinds == [EventKind.ATTACHMENT_ADDED, EventKind.ATTACHMENT_REMOVED]


# --- Campaigns ---


def test_campaign_rules(office_staff, group_leader, other_group_member, tree):
    province = campaign_services.campaign_create(
        actor=office_staff, group=None, title="全省复工复产专项监督", topic=topic("复工复产"),
        start_date=date(2022, 4, 1), end_date=date(2022, 6, 30), planned_checks=100,
    )  # fmt: skip
    assert province.group is None
    with pytest.raises(PermissionDenied):  # a group plans only its own
        campaign_services.campaign_create(
            actor=group_leader,
            group=None,
            title="x",
            topic=topic(),
            start_date=date(2022, 4, 1),
            end_date=date(2022, 5, 1),
        )
    with pytest.raises(ValidationFailed) as e:
        campaign_services.campaign_create(
            actor=group_leader, group=tree["wjw_group"], title="倒序", topic=topic(),
            start_date=date(2022, 5, 1), end_date=date(2022, 4, 1),
        )  # fmt: skip
    assert "end_date" in e.value.fields
    own = campaign_services.campaign_create(
        actor=group_leader, group=tree["wjw_group"], title="院感防控", topic=topic(),
        start_date=date(2022, 4, 1), end_date=date(2022, 5, 1), scope_orgs=[tree["wjw"]],
    )  # fmt: skip
    updated = campaign_services.campaign_update(
        actor=group_leader, campaign=own, expected_version=1, title="院感防控专项监督", topic=own.topic,
        start_date=own.start_date, end_date=own.end_date, scope_orgs=[tree["wjw"], tree["hospital"]], planned_sites=10,
    )  # fmt: skip
    assert updated.version == 2 and updated.scope_orgs.count() == 2
    with pytest.raises(Conflict):
        campaign_services.campaign_update(
            actor=group_leader, campaign=own, expected_version=1, title="x", topic=own.topic,
            start_date=own.start_date, end_date=own.end_date,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        campaign_services.campaign_update(
            actor=other_group_member, campaign=own, expected_version=2, title="x", topic=own.topic,
            start_date=own.start_date, end_date=own.end_date,
        )  # fmt: skip


# --- Selectors ---


def test_filters(commission_leader, tree, acts, sites):
    def found(**filters):
        return {a.pk for a in selectors.activities_for(commission_leader, **filters)}

    plain, covert, other = acts["plain"].pk, acts["covert"].pk, acts["other"].pk
    assert found(group=tree["wjw_group"]) == {plain, covert}
    assert found(method=Method.COVERT) == {covert}
    assert found(topic=topic("疫情防控")) == {plain, covert}
    # the period overlaps a range: a stationed stint from 4月1日 to 4月12日 is found for 4月10日–15日
    stint = ActivityFactory(
        group=tree["wjw_group"], method=Method.STATIONED, start_date=date(2022, 4, 1), end_date=date(2022, 4, 12)
    )
    assert found(date_from=date(2022, 4, 10), date_to=date(2022, 4, 15)) == {other, stint.pk}
    assert found(date_from=date(2022, 4, 28)) == {plain}
    # org: the whole subtree, through target orgs and through sites' responsible orgs
    assert found(org=tree["wjw"]) == {plain, covert}
    acts["other"].target_orgs.set([tree["hospital"]])
    assert found(org=tree["wjw"]) == {plain, covert, other}
    assert found(site=sites["tent"]) == {other}
    assert found(q=acts["plain"].code) == {plain}
    assert found(q="以就诊群众") == {covert}


def test_counts_and_stationed_days(commission_leader, group_member, tree, acts):
    ActivityFactory(
        group=tree["wjw_group"], method=Method.STATIONED, start_date=date(2022, 3, 28), end_date=date(2022, 4, 5)
    )
    ActivityFactory(
        group=tree["yjt_group"], method=Method.STATIONED, start_date=date(2022, 4, 1), end_date=date(2022, 4, 2)
    )
    assert selectors.stationed_days(commission_leader) == 11
    assert selectors.stationed_days(commission_leader, group=tree["wjw_group"]) == 9
    # clipped to the period: 4月1日–5日 of the stint
    assert selectors.stationed_days(group_member, date_from=date(2022, 4, 1), date_to=date(2022, 4, 30)) == 5
    months = selectors.activity_counts(commission_leader, by="month")
    assert [(m["key"], m["label"], m["count"]) for m in months] == [
        ("2022-03", "2022年3月", 1),
        ("2022-04", "2022年4月", 4),
    ]
    methods = {m["key"]: (m["count"], m["days"]) for m in selectors.activity_counts(group_member, by="method")}
    assert methods == {"on_site": (1, 0), "covert": (1, 0), "stationed": (1, 9)}
    groups = selectors.activity_counts(commission_leader, by="group", date_from=date(2022, 4, 10))
    assert {g["key"]: g["count"] for g in groups} == {tree["wjw_group"].pk: 1, tree["yjt_group"].pk: 1}
    with pytest.raises(ValueError):
        selectors.activity_counts(commission_leader, by="colour")


def test_campaign_progress(commission_leader, group_member, tree, sites):
    campaign = CampaignFactory(group=None, title="全省", planned_checks=4, planned_sites=2, planned_days=10)
    ActivityFactory(group=tree["wjw_group"], campaign=campaign, sites=[sites["hospital"]])
    ActivityFactory(group=tree["wjw_group"], campaign=campaign, sites=[sites["hospital"]], method=Method.STATIONED,
                    start_date=date(2022, 4, 1), end_date=date(2022, 4, 3))  # fmt: skip
    ActivityFactory(group=tree["yjt_group"], campaign=campaign, sites=[sites["tent"]])
    p = selectors.campaign_progress(commission_leader, campaign)
    assert (p.checks, p.sites, p.days) == (3, 2, 3)
    assert (p.checks_percent, p.sites_percent, p.days_percent) == (75, 100, 30)
    # a group member counts what it may see: its own group's activities
    p = selectors.campaign_progress(group_member, campaign)
    assert (p.checks, p.sites, p.days) == (2, 1, 3)


def test_the_list_makes_no_query_per_row(commission_leader, tree, sites, django_assert_max_num_queries):
    for i in range(30):
        ActivityFactory(group=tree["wjw_group"], sites=[sites["hospital"]], topics=[topic()], title=f"检查{i}")
    with django_assert_max_num_queries(6):
        rows = list(selectors.activities_for(commission_leader)[:20])
        for a in rows:
            _ = (a.group.name, a.campaign, a.leader, [t.name for t in a.topics.all()], len(a.sites.all()))
