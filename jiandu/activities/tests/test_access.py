"""The access matrix (DESIGN §6) of activities and campaigns: every persona × every action, allowed and refused.
A liaison sees no activity at all — above all never a covert one: not in lists, detail, search, export,
counts or the API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import PERSONAS
from jiandu.activities import io, selectors
from jiandu.activities.models import Activity, Campaign
from jiandu.core.access import access, can, visible_to
from jiandu.core.errors import NotFound, PermissionDenied

ALL = {"plain", "covert", "other"}
VISIBLE = {
    "commission_leader": ALL,
    "office_staff": ALL,
    "group_leader": {"plain", "covert"},
    "group_member": {"plain", "covert"},
    "other_group_member": {"other"},
    "liaison": set(),
    "system_admin": set(),
    "security_admin": set(),
    "audit_admin": set(),
}
GROUP_PEOPLE = {"group_leader", "group_member", "other_group_member"}
VIEWERS = {"commission_leader", "office_staff", *GROUP_PEOPLE}
WJW_PEOPLE = {"group_leader", "group_member"}


def names(acts, qs) -> set[str]:
    ids = set(qs.values_list("pk", flat=True))
    return {k for k, a in acts.items() if a.pk in ids}


@pytest.mark.parametrize("name", PERSONAS)
def test_activity_visibility(name, request, acts):
    persona = request.getfixturevalue(name)
    assert names(acts, visible_to(persona, Activity)) == VISIBLE[name]
    assert names(acts, selectors.activities_for(persona)) == VISIBLE[name]
    # search finds nothing beyond what one may see
    assert names(acts, selectors.activities_for(persona, q="暗访")) == VISIBLE[name] & {"covert"}


@pytest.mark.parametrize("name", PERSONAS)
def test_activity_detail_is_404_when_not_visible(name, request, acts):
    persona = request.getfixturevalue(name)
    for key, activity in acts.items():
        if key in VISIBLE[name]:
            assert access(persona, Activity, activity.pk) == activity
        else:
            with pytest.raises(NotFound):
                access(persona, Activity, activity.pk)


@pytest.mark.parametrize("name", PERSONAS)
def test_activity_actions(name, request, tree, acts):
    persona = request.getfixturevalue(name)
    assert can(persona, "create", Activity) is (name in GROUP_PEOPLE)
    assert can(persona, "import", Activity) is (name in GROUP_PEOPLE)
    assert can(persona, "create", Activity(group=tree["wjw_group"])) is (name in WJW_PEOPLE)
    assert can(persona, "export", Activity) is (name in VIEWERS)
    for action in ("change", "attach"):
        assert can(persona, action, acts["plain"]) is (name in WJW_PEOPLE)
        assert can(persona, action, acts["covert"]) is (name in WJW_PEOPLE)
        assert can(persona, action, acts["other"]) is (name == "other_group_member")


def test_commission_leader_reads_but_may_not_change(commission_leader, acts):
    assert access(commission_leader, Activity, acts["covert"].pk) == acts["covert"]
    with pytest.raises(PermissionDenied):
        access(commission_leader, Activity, acts["plain"].pk, action="change")


@pytest.mark.parametrize("name", PERSONAS)
def test_counts_honour_visibility(name, request, acts):
    persona = request.getfixturevalue(name)
    total = sum(r["count"] for r in selectors.activity_counts(persona, by="method"))
    assert total == len(VISIBLE[name])
    by_group = sum(r["count"] for r in selectors.activity_counts(persona, by="group"))
    assert by_group == len(VISIBLE[name])
    by_month = sum(r["count"] for r in selectors.activity_counts(persona, by="month"))
    assert by_month == len(VISIBLE[name])
    covert_topic = sum(r["count"] for r in selectors.activity_counts(persona, by="topic"))
    assert covert_topic == len(VISIBLE[name] & {"plain", "covert"})  # only these two have a topic


def test_liaison_never_sees_a_covert_activity(client, liaison, acts):
    covert = acts["covert"]
    client.force_login(liaison)
    r = client.get(reverse("activities:activity_detail", args=[covert.pk]))
    assert r.status_code == 404 and covert.title not in r.content.decode()
    assert client.get(reverse("activities:activity_list")).status_code == 403
    r = client.get(reverse("activities:activity_export"))
    assert r.status_code == 403 and covert.title not in r.content.decode()
    with pytest.raises(PermissionDenied):
        io.activity_export(actor=liaison, activities=Activity.objects.all())
    assert selectors.parse_filters(liaison, {}).apply(liaison).count() == 0
    assert selectors.stationed_days(liaison) == 0
    api = APIClient()
    api.force_authenticate(liaison)
    body = api.get("/api/v1/activities/", {"q": "暗访"}).json()
    assert body["count"] == 0 and body["results"] == []
    r = api.get(f"/api/v1/activities/{covert.pk}/")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


CAMPAIGNS_VISIBLE = {
    "commission_leader": {"wjw", "yjt", "province"},
    "office_staff": {"wjw", "yjt", "province"},
    "group_leader": {"wjw", "province"},
    "group_member": {"wjw", "province"},
    "other_group_member": {"yjt", "province"},
    "liaison": set(),
    "system_admin": set(),
    "security_admin": set(),
    "audit_admin": set(),
}


@pytest.mark.parametrize("name", PERSONAS)
def test_campaign_visibility_and_actions(name, request, tree, campaigns):
    persona = request.getfixturevalue(name)
    ids = set(visible_to(persona, Campaign).values_list("pk", flat=True))
    assert {k for k, c in campaigns.items() if c.pk in ids} == CAMPAIGNS_VISIBLE[name]
    assert can(persona, "create", Campaign) is (name in {"office_staff", *GROUP_PEOPLE})
    assert can(persona, "create", Campaign(group=tree["wjw_group"])) is (name in {"office_staff", *WJW_PEOPLE})
    assert can(persona, "create", Campaign(group=None)) is (name == "office_staff")
    assert can(persona, "change", campaigns["wjw"]) is (name in {"office_staff", *WJW_PEOPLE})
    assert can(persona, "change", campaigns["province"]) is (name == "office_staff")
    assert can(persona, "export", Campaign) is (name in VIEWERS)
    for key, campaign in campaigns.items():
        if key not in CAMPAIGNS_VISIBLE[name]:
            with pytest.raises(NotFound):
                access(persona, Campaign, campaign.pk)
