"""待办: the liaison's periods to report with their colour, the leader's fully reported periods to approve."""

import datetime

from jiandu.core.todo import todos_for
from jiandu.stats import services


def test_liaison_sees_missing_weeks_and_leader_sees_complete_ones(stats, tree, clinic, liaison, group_leader):
    items = [t for t in todos_for(liaison) if t.kind == "统计填报"]
    # the last three weeks of the data set, for 省卫健委 and its two units, all overdue (the weeks are in 2022)
    assert len(items) == 9 and {t.warning for t in items} == {"red"}
    assert items[0].due == datetime.date(2022, 4, 20) and "下沉社区周报" in items[0].title
    for org in (tree["wjw"], tree["hospital"], clinic):
        services.datavalue_set_many(
            actor=liaison, dataset=stats["ds"], org=org, period=stats["w16"], values={stats["times"].pk: 1}
        )
    assert len([t for t in todos_for(liaison) if t.kind == "统计填报"]) == 6
    leader_items = [t for t in todos_for(group_leader) if t.kind == "统计填报"]
    assert [t.title for t in leader_items] == ["审核：下沉社区周报 2022年第16周（4月18日—4月24日）"]
    services.approval_approve(actor=group_leader, dataset=stats["ds"], org=tree["wjw"], period=stats["w16"])
    assert not [t for t in todos_for(group_leader) if t.kind == "统计填报"]
