"""Records shared by the activity tests, on the persona tree of the root conftest.py."""

from datetime import date

import pytest

from jiandu.activities.enums import Method
from jiandu.activities.tests.factories import ActivityFactory, CampaignFactory, topic
from jiandu.organizations.enums import SiteType
from jiandu.organizations.tests.factories import SiteFactory


@pytest.fixture
def sites(tree):
    return {
        "hospital": SiteFactory(
            code="S-HOSP", name="省人民医院发热门诊", site_type=SiteType.HOSPITAL, responsible_org=tree["hospital"]
        ),
        "tent": SiteFactory(
            code="S-TENT", name="绿园区帐篷设置点", site_type=SiteType.TENT_SITE, responsible_org=tree["yjt"]
        ),
    }


@pytest.fixture
def acts(tree, sites):
    """wjw: an on-site check and a covert check of the hospital; yjt: an on-site check of a tent site."""
    epidemic = topic("疫情防控")
    return {
        "plain": ActivityFactory(
            group=tree["wjw_group"],
            title="实地检查省人民医院发热门诊",
            start_date=date(2022, 4, 28),
            sites=[sites["hospital"]],
            topics=[epidemic],
        ),
        "covert": ActivityFactory(
            group=tree["wjw_group"],
            method=Method.COVERT,
            title="明察暗访省人民医院陪护管理",
            start_date=date(2022, 4, 6),
            summary="以就诊群众身份暗访",
            sites=[sites["hospital"]],
            topics=[epidemic],
        ),
        "other": ActivityFactory(
            group=tree["yjt_group"],
            title="检查绿园区帐篷设置点",
            start_date=date(2022, 4, 10),
            sites=[sites["tent"]],
        ),
    }


@pytest.fixture
def campaigns(tree):
    return {
        "wjw": CampaignFactory(group=tree["wjw_group"], title="医疗机构院感防控专项监督"),
        "yjt": CampaignFactory(group=tree["yjt_group"], title="涉疫帐篷安全专项监督", planned_sites=2),
        "province": CampaignFactory(group=None, title="全省复工复产专项监督"),
    }
