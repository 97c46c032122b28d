"""The demo problems reproduce the article (21 tent-site problems of 驻省应急管理厅组) and load idempotently."""

import datetime

from django.core.management import call_command

from jiandu.core.todo import todos_for
from jiandu.organizations.models import User
from jiandu.problems import selectors
from jiandu.problems.models import Problem, ProblemEvent


def test_demo_problems(db):
    call_command("load_demo")
    first = (Problem.objects.count(), ProblemEvent.objects.count())
    call_command("load_demo")
    assert (Problem.objects.count(), ProblemEvent.objects.count()) == first
    tents = Problem.objects.filter(group__code="G-YJT", site__code__startswith="CC-ZP-")
    assert tents.count() == 21
    assert set(tents.values_list("status", flat=True)) == {"closed"}
    assert all(p.closed_on <= p.deadline for p in tents)
    assert set(tents.values_list("responsible_org__code", flat=True)) <= {
        f"U-CC-{c}" for c in ("NG", "KC", "CY", "ED", "LY", "SY", "JT", "XQ", "JK", "NK")
    }
    # Registered on the day of the district check that found them (the campaign's checks run 4月8日–5月5日).
    assert tents.filter(registered_on__range=(datetime.date(2022, 4, 8), datetime.date(2022, 5, 5))).count() == 21
    assert all(p.source_activity.campaign.title == "涉疫帐篷安全专项监督" for p in tents)
    assert all(e.actor.username == "yjt_leader" for e in ProblemEvent.objects.filter(problem__in=tents, kind="closed"))
    office = User.objects.get(username="office")
    colours = {p.warning for p in selectors.with_warnings(selectors.problems_for(office))}
    assert {"green", "yellow", "red", "closed_late", "none"} <= colours
    assert Problem.objects.filter(is_repeat=True, group__code="G-WJW").exists()
    statuses = set(Problem.objects.filter(group__code="G-WJW").values_list("status", flat=True))
    assert {"open", "in_progress", "submitted", "returned", "closed"} <= statuses
    for username in ("wjw_liaison", "yjt_liaison", "wjw_leader"):
        items = [t for t in todos_for(User.objects.get(username=username)) if t.kind == "问题整改"]
        assert items, username
    wjw_liaison = User.objects.get(username="wjw_liaison")
    assert {"green", "yellow", "red"} <= {
        p.warning for p in selectors.with_warnings(selectors.problems_for(wjw_liaison))
    }
    assert selectors.problem_counts(
        office, by="group", date_from=datetime.date(2022, 4, 1), date_to=datetime.date(2022, 4, 30)
    )
