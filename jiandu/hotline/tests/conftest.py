import datetime
from zoneinfo import ZoneInfo

import pytest

from jiandu.hotline import services
from jiandu.organizations.enums import SiteType
from jiandu.organizations.models import Site

SHANGHAI = ZoneInfo("Asia/Shanghai")
AT = datetime.datetime(2022, 4, 12, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture
def hotline(tree, office_staff):
    """12320 of 省卫健委: supervised by 驻省卫健委组 (through the assignment), with its hotline site."""
    site = Site.objects.create(
        site_type=SiteType.HOTLINE, code="WJ-RX-01", name="12320卫生健康热线", responsible_org=tree["wjw"]
    )
    return services.hotline_create(
        actor=office_staff, name="12320卫生健康热线", number="12320", operating_org=tree["wjw"], site=site
    )


@pytest.fixture
def case(hotline, group_member):
    return services.case_create(
        actor=group_member,
        hotline=hotline,
        received_at=AT,
        caller_name="王德顺",
        caller_phone="13904311234",
        category="就医",
        issue="封控小区透析患者无法按时到医院透析。",
    )


@pytest.fixture
def assigned(case, group_member, tree):
    return services.case_assign(
        actor=group_member, case=case, routed_org=tree["hospital"], answer_due_on=datetime.date(2022, 4, 15)
    )


def make_call(actor, hotline, **result):
    """A done call (connected, 10 s, correct, 5 points unless overridden), or a planned one with result=None."""
    values = {
        "called_at": AT,
        "connected": True,
        "wait_seconds": 10,
        "answer_correct": True,
        "quality_score": 5,
        "caller": None,
    }
    values.update(result)
    return services.test_call_create(actor=actor, hotline=hotline, planned_at=AT, result=values)


@pytest.fixture
def rang_out(group_member, hotline):
    return make_call(group_member, hotline, connected=False, wait_seconds=60, answer_correct=None, quality_score=None)
