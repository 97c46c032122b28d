"""Fixtures of sampling tests: two districts under 省卫健委's hospital tree, a few tent sites and communities,
and helpers to make a published plan of the 驻省卫健委组 (the persona group)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jiandu.organizations.enums import OrgKind, Role, SiteType
from jiandu.organizations.tests.factories import OrgFactory, SiteFactory, user_with_role
from jiandu.sampling import check_services, services
from jiandu.sampling.check_services import ItemAnswer, StockCount
from jiandu.sampling.enums import ItemResult, Resource, Stratify


@pytest.fixture
def districts(tree):
    a = OrgFactory(kind=OrgKind.UNIT, parent=tree["wjw"], code="U-A", name="甲区")
    b = OrgFactory(kind=OrgKind.UNIT, parent=tree["wjw"], code="U-B", name="乙区")
    return a, b


@pytest.fixture
def sites(districts):
    a, b = districts
    out = [
        SiteFactory(site_type=SiteType.TENT_SITE, code=f"T-A-{i}", name=f"甲区帐篷点{i}", responsible_org=a)
        for i in range(1, 7)
    ]
    out += [
        SiteFactory(site_type=SiteType.TENT_SITE, code=f"T-B-{i}", name=f"乙区帐篷点{i}", responsible_org=b)
        for i in range(1, 5)
    ]
    out += [
        SiteFactory(site_type=SiteType.COMMUNITY, code=f"C-A-{i}", name=f"甲区社区{i}", responsible_org=a)
        for i in range(1, 4)
    ]
    return out


@pytest.fixture
def make_plan(tree, sites, group_leader, group_member):
    def make(actor=None, **kw):
        values = {
            "group": tree["wjw_group"],
            "title": "帐篷设置点双随机抽查",
            "site_types": [SiteType.TENT_SITE],
            "orgs": [tree["wjw"]],
            "stratify": Stratify.NONE,
            "sample_size": 3,
            "inspectors": [group_leader, group_member],
        } | kw
        return services.plan_create(actor=actor or group_leader, **values)

    return make


@pytest.fixture
def published_plan(make_plan, group_leader):
    plan = make_plan()
    services.plan_draw(actor=group_leader, plan=plan, seed="abc123")
    return services.plan_publish(actor=group_leader, plan=plan)


def answers_for(site_type, failed=(), note="地锚松动"):
    return [
        ItemAnswer(
            item=i,
            result=ItemResult.FAIL if i.text in failed else ItemResult.PASS,
            note=note if i.text in failed else "",
        )
        for i in check_services.checklist_for(site_type)
    ]


def tent_stock(total=30, damaged=2, replenished=2, reinforced=10):
    return [StockCount(Resource.TENT, total, damaged, replenished, reinforced)]


def yesterday():
    return timezone.now() - timedelta(days=1)


@pytest.fixture
def conflicted_member(tree, districts):
    """A member of the 驻省卫健委组 who came from 甲区: must never check 甲区's sites."""
    user = user_with_role(Role.GROUP_MEMBER, tree["wjw_group"], "p_from_a")
    user.org = districts[0]
    user.save(update_fields=["org"])
    return user
