"""Cached figures are never stale: every write raises its group's counter in the same transaction, and a cached
dashboard shows the write on the next read — whoever wrote it, in whichever process."""

from datetime import date

from django.http import QueryDict

from jiandu.core import freshness
from jiandu.core.models import DataVersion
from jiandu.problems import services as problem_services
from jiandu.problems.tests import factories
from jiandu.reports.dashboard import dashboard
from jiandu.reports.scope import parse_scope

SPRING = "from=2022-03-01&to=2022-05-31"


def _counter(key: str) -> int:
    return DataVersion.objects.filter(key=key).values_list("n", flat=True).first() or 0


def _found(user, query=SPRING) -> int:
    d = dashboard(user, parse_scope(user, QueryDict(query)), on=date(2022, 5, 31))
    return next(f.value for f in d.figures if f.key == "problems.found")


def test_a_write_raises_the_counter_of_its_group_only(tree, group_member, liaison):
    wjw, yjt = tree["wjw_group"], tree["yjt_group"]
    before_wjw, before_yjt = _counter(f"g{wjw.pk}"), _counter(f"g{yjt.pk}")
    p = factories.problem(group_member, wjw, tree["wjw"])
    assert _counter(f"g{wjw.pk}") > before_wjw
    assert _counter(f"g{yjt.pk}") == before_yjt
    # a record without its own group (an urge) raises its parent's group
    raised = _counter(f"g{wjw.pk}")
    problem_services.problem_start(actor=liaison, problem=p)
    assert _counter(f"g{wjw.pk}") > raised


def test_org_changes_raise_the_shared_counter_and_logins_do_not(tree, group_member, client):
    before = _counter(freshness.SHARED)
    tree["hospital"].name = "吉林省人民医院（新址）"
    tree["hospital"].save()
    assert _counter(freshness.SHARED) == before + 1
    client.force_login(group_member)  # saves last_login
    assert _counter(freshness.SHARED) == before + 1


def test_stamp_of_a_scope_changes_only_with_writes_in_scope(tree, group_member, other_group_member):
    wjw, yjt = tree["wjw_group"], tree["yjt_group"]
    # The reference data a problem needs (categories, severities; seeded by a migration, gone after a test flushed
    # the database) is shared: create it first, so that only the problem itself is written below.
    factories.problem(other_group_member, yjt, tree["yjt"])
    stamp_wjw, stamp_all = freshness.stamp([wjw.pk]), freshness.stamp()
    factories.problem(other_group_member, yjt, tree["yjt"])
    assert freshness.stamp([wjw.pk]) == stamp_wjw
    assert freshness.stamp() > stamp_all


def test_cached_dashboard_shows_a_new_problem_at_once(tree, commission_leader, group_member, liaison):
    factories.problem(group_member, tree["wjw_group"], tree["wjw"])
    assert _found(commission_leader) == 1
    assert _found(liaison) == 1
    assert _found(commission_leader) == 1  # from the cache
    factories.problem(group_member, tree["wjw_group"], tree["wjw"])
    assert _found(commission_leader) == 2
    assert _found(liaison) == 2


def test_cache_is_per_viewer(tree, commission_leader, group_member, other_group_member):
    factories.problem(other_group_member, tree["yjt_group"], tree["yjt"])
    assert _found(commission_leader) == 1
    assert _found(group_member) == 0  # the other group's problem, not the leader's cached figure


def test_cached_value_is_recomputed_only_after_a_write(tree, group_member, django_assert_num_queries):
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    assert freshness.cached("t", ("x",), compute, groups=[tree["wjw_group"].pk]) == {"n": 1}
    with django_assert_num_queries(1):  # the counters only
        assert freshness.cached("t", ("x",), compute, groups=[tree["wjw_group"].pk]) == {"n": 1}
    assert freshness.cached("t", ("y",), compute, groups=[tree["wjw_group"].pk]) == {"n": 2}
    factories.problem(group_member, tree["wjw_group"], tree["wjw"])
    assert freshness.cached("t", ("x",), compute, groups=[tree["wjw_group"].pk]) == {"n": 3}


GROUPS = [900_001 + i for i in range(8)]  # counters need no org: a group id is only a key here


def test_a_cached_sum_is_mended_after_a_write_in_one_group(db, django_assert_num_queries):
    figures = {g: {("n",): 1, ("of", g): g} for g in GROUPS}
    asked = []

    def compute(ids):
        asked.append(list(ids))
        return {g: dict(figures[g]) for g in ids}

    def expected():
        return freshness._add_up(figures.values())

    assert freshness.cached_sum("t", ("x",), compute, GROUPS) == expected()
    assert asked == [GROUPS]
    with django_assert_num_queries(1):  # the counters only
        assert freshness.cached_sum("t", ("x",), compute, GROUPS) == expected()
    figures[GROUPS[2]] = {("n",): 5}  # its ("of", g) figure is gone: a zero
    freshness.touch([GROUPS[2]])
    assert freshness.cached_sum("t", ("x",), compute, GROUPS) == expected()
    assert asked[1:] == [[GROUPS[2]]]
    assert ("of", GROUPS[2]) not in freshness.cached_sum("t", ("x",), compute, GROUPS)


def test_a_cached_sum_whose_part_was_overwritten_is_added_up_again(db):
    """Two readers racing after a write each store the group's figures; the sum may hold the other's. A part
    whose token is not the one the sum recorded is never taken off: the sum is added up from the parts."""
    from django.core.cache import cache

    figures = {g: {("n",): 1} for g in GROUPS}

    def compute(ids):
        return {g: dict(figures[g]) for g in ids}

    freshness.cached_sum("t", ("x",), compute, GROUPS)
    shared = DataVersion.objects.filter(key=freshness.SHARED).values_list("n", flat=True).first() or 0
    key = freshness._key("t", (("x",), GROUPS[0], 0, shared))
    assert cache.get(key)[1] == {("n",): 1}  # (token, figures)
    cache.set(key, ("another", {("n",): 7}))  # a racing reader's figures, read a moment later
    freshness.touch([GROUPS[0]])
    figures[GROUPS[0]] = {("n",): 3}
    # taking off the other reader's 7 would give 1*8 - 7 + 3 = 4
    assert freshness.cached_sum("t", ("x",), compute, GROUPS) == {("n",): 10}


def test_a_cached_sum_that_would_take_long_is_not_waited_for(db, monkeypatch):
    """wait=False: None instead of computing more groups than PROGRESSIVE_MS allows, at the cost measured per group
    when about as many were last computed (COST_MS before); a fresh sum, or one mended from a cheap group, comes at
    once. A province read's share per group is no guide to one group read after a write: they are kept apart."""
    from django.core.cache import cache

    figures = {g: {("n",): 1} for g in GROUPS}
    asked = []
    clock = iter(range(0, 10**6, 1))
    monkeypatch.setattr(freshness.time, "perf_counter", lambda: next(clock))  # each compute "takes" 1 s

    def compute(ids):
        asked.append(list(ids))
        return {g: dict(figures[g]) for g in ids}

    cache.clear()
    monkeypatch.setattr(freshness, "COST_MS", freshness.PROGRESSIVE_MS / (len(GROUPS) - 1))  # just too many
    assert freshness.cached_sum("t", ("x",), compute, GROUPS, wait=False) is None and asked == []
    assert freshness.cached_sum("t", ("x",), compute, GROUPS) == {("n",): len(GROUPS)}  # measured: 1 s in all
    assert freshness.cached_sum("t", ("x",), compute, GROUPS, wait=False) == {("n",): len(GROUPS)}  # fresh
    assert 1000 / len(GROUPS) > freshness.PROGRESSIVE_MS  # a group's share of the whole read: too long
    freshness.touch([GROUPS[0]])
    # but one group read alone is not yet measured: COST_MS, a moment
    assert freshness.cached_sum("t", ("x",), compute, GROUPS, wait=False) == {("n",): len(GROUPS)}
    assert asked[-1] == [GROUPS[0]]
    freshness.touch([GROUPS[0]])  # measured now: one group alone took 1 s
    assert freshness.cached_sum("t", ("x",), compute, GROUPS, wait=False) is None
    cache.set(freshness._cost_key("t", 1), 1.0)  # a cheap group
    assert freshness.cached_sum("t", ("x",), compute, GROUPS, wait=False) == {("n",): len(GROUPS)}
    assert asked[-1] == [GROUPS[0]]
    freshness.touch(GROUPS)  # every group: as costly as the province read
    assert freshness.cached_sum("t", ("x",), compute, GROUPS, wait=False) is None


def test_a_cached_sum_without_the_cache_setting_computes_every_time(db, settings):
    settings.JIANDU_FIGURE_CACHE = False
    n = iter(range(1, 10))

    def compute(ids):
        return {g: {("n",): next(n)} for g in ids[:1]}

    assert freshness.cached_sum("t", ("x",), compute, GROUPS) == {("n",): 1}
    assert freshness.cached_sum("t", ("x",), compute, GROUPS) == {("n",): 2}


def test_an_activity_import_makes_cached_figures_stale(tree, commission_leader, group_member):
    """Imports write in bulk (no model signals): they raise the shared counter themselves."""
    from jiandu.activities import io as ledger
    from jiandu.activities.tests.test_io import row, upload

    query = "from=2022-04-01&to=2022-04-30"
    d = dashboard(commission_leader, parse_scope(commission_leader, QueryDict(query)), on=date(2022, 5, 31))
    assert next(f.value for f in d.figures if f.key == "activities") == 0
    ledger.activity_import(actor=group_member, upload=upload([row(), row(title="实地检查隔离点")]))
    d = dashboard(commission_leader, parse_scope(commission_leader, QueryDict(query)), on=date(2022, 5, 31))
    assert next(f.value for f in d.figures if f.key == "activities") == 2


def test_a_write_raises_its_groups_counter_of_its_module_only(tree, group_member):
    from jiandu.activities.tests.factories import ActivityFactory

    wjw = tree["wjw_group"]
    factories.problem(group_member, wjw, tree["wjw"])  # the shared reference data a problem needs, written first

    def counters():
        return {app: _counter(freshness.group_key(wjw.pk, app)) for app in ("activities", "problems")}

    before = counters()
    ActivityFactory(group=wjw)
    after = counters()
    assert after["activities"] > before["activities"] and after["problems"] == before["problems"]
    factories.problem(group_member, wjw, tree["wjw"])
    assert counters()["problems"] > before["problems"]
    # a bulk write that does not say what it changed raises every module's counter
    raised = counters()
    freshness.touch([wjw.pk])
    assert all(n > raised[app] for app, n in counters().items())


def test_a_figure_of_one_module_stays_cached_through_writes_to_another(tree, group_member):
    from jiandu.activities.tests.factories import ActivityFactory

    wjw = tree["wjw_group"]
    factories.problem(group_member, wjw, tree["wjw"])
    computed = []

    def figure():
        return freshness.cached(
            "t", ("x",), lambda: computed.append(1) or len(computed), groups=[wjw.pk], app="problems"
        )

    assert figure() == 1
    ActivityFactory(group=wjw)
    assert figure() == 1  # still the problems' figure: an activity changes none of them
    factories.problem(group_member, wjw, tree["wjw"])
    assert figure() == 2


def test_a_snapshot_reads_every_counter_once_and_keeps_figures_fresh(tree, group_member, django_assert_num_queries):
    """The dashboard checks many cached figures: within a snapshot the counters are read in one query. A write after
    the snapshot is not hidden: the figure kept in the block is read again outside it."""
    wjw = tree["wjw_group"]
    factories.problem(group_member, wjw, tree["wjw"])
    computed = []

    def figure(app):
        return freshness.cached(app, ("x",), lambda: computed.append(app) or len(computed), groups=[wjw.pk], app=app)

    with django_assert_num_queries(1), freshness.snapshot():
        stamps = [freshness.stamp(), freshness.stamp(app="problems"), freshness.stamp([wjw.pk], "activities")]
        figure("problems"), figure("activities")
    assert stamps == [freshness.stamp(), freshness.stamp(app="problems"), freshness.stamp([wjw.pk], "activities")]
    with freshness.snapshot():
        factories.problem(group_member, wjw, tree["wjw"])  # a write after the counters were read
        assert figure("problems") == 1  # as of the snapshot
    assert figure("problems") == 3 and figure("activities") == 2
