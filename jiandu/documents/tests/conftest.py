import datetime

import pytest

from jiandu.organizations.enums import Role
from jiandu.organizations.tests.factories import user_with_role

from .factories import draft, issued, rule


@pytest.fixture
def yjt_leader(tree):
    return user_with_role(Role.GROUP_LEADER, tree["yjt_group"], "p_yjt_leader")


@pytest.fixture
def docs(tree, group_leader, group_member, yjt_leader):
    """A draft and issued documents of two groups: to 省卫健委, to its hospital, to 省应急管理厅, and to both depts."""
    rule(tree["wjw_group"], "吉纪驻卫")
    rule(tree["yjt_group"], "吉纪驻应急")
    day = datetime.date(2022, 4, 20)
    return {
        "draft": draft(group_member, tree["wjw_group"], [tree["wjw"]], title="草稿：关于加强院感防控的提示函"),
        "wjw": issued(group_leader, tree["wjw_group"], [tree["wjw"]], issued_on=day, title="致省卫健委的提示函"),
        "hosp": issued(group_leader, tree["wjw_group"], [tree["hospital"]], issued_on=day, title="致省人民医院的通知"),
        "both": issued(
            group_leader,
            tree["wjw_group"],
            [tree["wjw"], tree["yjt"]],
            issued_on=day,
            title="致两厅的工作通知",
            reply_due_on=datetime.date(2022, 5, 1),
        ),
        "yjt": issued(yjt_leader, tree["yjt_group"], [tree["yjt"]], issued_on=day, title="致省应急管理厅的督办单"),
    }
