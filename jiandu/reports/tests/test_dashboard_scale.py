"""The dashboard at province scale: the colour board lists the most overdue responsible orgs and sums the rest."""

from datetime import date

from django.http import QueryDict

from jiandu.problems.tests import factories
from jiandu.reports import dashboard as dashboard_module
from jiandu.reports.scope import parse_scope


def test_the_board_shows_the_most_overdue_orgs_and_sums_the_rest(tree, commission_leader, group_member, monkeypatch):
    monkeypatch.setattr(dashboard_module, "BOARD_LIMIT", 1)
    wjw = tree["wjw_group"]
    factories.problem(group_member, wjw, tree["hospital"], registered_on=date(2022, 4, 1))
    factories.problem(group_member, wjw, tree["hospital"], registered_on=date(2022, 4, 2))
    factories.problem(group_member, wjw, tree["wjw"], registered_on=date(2022, 4, 3))
    scope = parse_scope(commission_leader, QueryDict("from=2022-03-01&to=2022-05-31"))
    d = dashboard_module.dashboard(commission_leader, scope, on=date(2022, 5, 31))
    assert [(r["label"], r["red"]) for r in d.board] == [(tree["hospital"].name, 2)]
    assert d.board_more["orgs"] == 1 and d.board_more["open"] == 1
    assert "status=unclosed" in d.board_more["url"]
    assert d.as_dict()["board_more"]["open"] == 1
