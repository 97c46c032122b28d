import pytest

from jiandu.activities.enums import Method
from jiandu.activities.models import Activity
from jiandu.organizations.enums import Role
from jiandu.organizations.tests.factories import SiteFactory, user_with_role

from .factories import DAY, problem


@pytest.fixture
def yjt_leader(tree):
    return user_with_role(Role.GROUP_LEADER, tree["yjt_group"], "p_yjt_leader")


@pytest.fixture
def site(tree):
    return SiteFactory(code="CC-ZP-001", name="南关区东门防疫帐篷设置点", responsible_org=tree["wjw"])


@pytest.fixture
def covert(tree, group_member):
    """A covert check (明察暗访) of 驻省卫健委组: confidential, never seen by a liaison."""
    return Activity.objects.create(
        group=tree["wjw_group"],
        method=Method.COVERT,
        title="暗访省人民医院发热门诊",
        start_date=DAY,
        confidential=True,
        created_by=group_member,
    )


@pytest.fixture
def probs(tree, group_member, other_group_member, covert):
    """Problems of two groups: to 省卫健委, to its hospital, to 省应急管理厅, and one found by a covert check."""
    return {
        "wjw": problem(group_member, tree["wjw_group"], tree["wjw"], description="发热门诊引导标识不清"),
        "hosp": problem(group_member, tree["wjw_group"], tree["hospital"], description="院感防控培训不到位"),
        "yjt": problem(other_group_member, tree["yjt_group"], tree["yjt"], description="应急物资台账不全"),
        "covert": problem(
            group_member,
            tree["wjw_group"],
            tree["wjw"],
            description="暗访发现预检分诊流于形式",
            source_kind="activity",
            source_activity=covert,
        ),
    }
