"""The dashboard (领导驾驶舱) against the Jilin 2022 demo: the province for the commission, one group for its leader,
only their org's documents and problems for a liaison — and every number opens a list that shows as many records."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.http import QueryDict

from jiandu.documents.enums import DocumentStatus
from jiandu.documents.models import Document
from jiandu.organizations.models import Org, User
from jiandu.problems.models import Problem
from jiandu.reports.dashboard import dashboard
from jiandu.reports.scope import parse_scope

SPRING = "from=2022-03-01&to=2022-05-31"  # the period of the founding article
COUNT = 'data-testid="{}" data-count="(\\d+)"'


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _group(code: str) -> Org:
    return Org.objects.get(code=code)


def _dash(user, query: str = ""):
    return dashboard(user, parse_scope(user, QueryDict(query)))


def _figures(d) -> dict:
    return {f.key: f for f in d.figures}


def _listed(client, url: str, counted_by: str = "list-count") -> int:
    """The total the list page shows (its pagination line, or the checks' distinct sites); 0 when it shows none."""
    r = client.get(url)
    assert r.status_code == 200, url
    m = re.search(COUNT.format(counted_by), r.content.decode())
    return int(m.group(1)) if m else 0


def test_leader_sees_the_province(demo, db):
    leader = _user("leader")
    d = _dash(leader, SPRING)
    f = _figures(d)
    assert [s.key for s in d.sections] == ["activities", "documents", "problems", "sampling", "hotline"]
    # 驻省应急管理厅组: 97 communities and 187 tent sites; 驻省商务厅组: 6 supermarkets and 1 wholesale market
    assert f["site_type.community"].value == 97 and f["site_type.tent_site"].value == 187
    assert f["site_type.market"].value == 7 and f["sites_checked"].value == 291
    assert f["method.phone_check"].value == 28  # 驻省卫健委组: 电话抽查暗访28次
    assert f["stationed_days"].value == 53 and f["stationed_days"].text == "53天"  # 驻点监督50余天
    assert f["problems.found"].value >= 21 + 4  # 应急管理厅组's 21 and 商务厅组's 4, among others
    assert f["test_calls"].value == 12 and f["test_calls.rate"].text == "83.3%"
    groups = d.charts["groups"]["categories"]
    assert "驻省卫健委组" in groups and "驻省应急管理厅组" in groups and len(groups) > 5
    reported = {r.indicator: r.text for r in d.reported}
    assert reported["党员干部下沉社区"] == "41.4万人次"
    assert reported["协助社区核酸检测"] == "5068万人次"
    assert reported["累计捐款捐物"] == "2286.43万元"
    assert reported["捐赠N95口罩"] == "8万余支" and reported["捐物捐款"] == "近300万元"


def test_leader_scoped_to_one_group_and_to_two(demo, db):
    leader, wjw, yjt = _user("leader"), _group("G-WJW"), _group("G-YJT")
    one = _figures(_dash(leader, f"{SPRING}&group={wjw.pk}"))
    assert one["documents"].value == 21  # 监督建议书、工作通知、工作提示函等21份
    assert {k: f.value for k, f in one.items() if k.startswith("kind.")} == {
        "kind.recommendation": 5,
        "kind.notice": 8,
        "kind.reminder": 8,
    }
    assert one["method.phone_check"].value == 28 and one["stationed_days"].value == 53
    assert one["sites_checked"].value == 0
    both = _figures(_dash(leader, f"{SPRING}&group={wjw.pk}&group={yjt.pk}"))
    yjt_only = _figures(_dash(leader, f"{SPRING}&group={yjt.pk}"))
    for key in ("activities", "documents", "problems.found", "sites_checked"):
        assert both[key].value == one[key].value + yjt_only[key].value, key
    assert both["sites_checked"].value == 97 + 187
    province = _figures(_dash(leader, SPRING))
    assert province["documents"].value > both["documents"].value


def test_group_leader_sees_only_the_group(demo, db):
    leader, wjw, yjt = _user("wjw_leader"), _group("G-WJW"), _group("G-YJT")
    d = _dash(leader, SPRING)
    f = _figures(d)
    assert d.scope.choices == [wjw]
    assert f["documents"].value == 21 and f["method.phone_check"].value == 28
    assert f["sites_checked"].value == 0 and f["test_calls"].value == 0
    assert d.charts["groups"]["categories"] == ["驻省卫健委组"]
    assert d.reported == []  # the group keeps no data set
    # asking for another group changes nothing: the scope only narrows what one may see
    other = parse_scope(leader, QueryDict(f"{SPRING}&group={yjt.pk}"))
    assert other.groups is None and other.errors
    assert _figures(dashboard(leader, other))["documents"].value == 21


def test_liaison_sees_only_documents_and_problems_of_own_org(demo, db, client):
    liaison = _user("wjw_liaison")
    d = _dash(liaison)
    assert [s.key for s in d.sections] == ["documents", "problems"]  # no activities, checks or test calls
    assert "topics" not in d.charts
    f = _figures(d)
    wjw_org = Org.objects.get(name="吉林省卫生健康委员会")
    sent = Document.objects.exclude(status=DocumentStatus.DRAFT).filter(recipients__org__path__startswith=wjw_org.path)
    assert f["documents"].value == sent.distinct().count() > 0
    mine = Problem.objects.filter(responsible_org__path__startswith=wjw_org.path)
    assert f["problems.found"].value == mine.count() < Problem.objects.count()
    assert {r["label"] for r in d.board} == {"吉林省卫生健康委员会"}
    client.force_login(liaison)
    page = client.get("/reports/").content.decode()
    assert 'data-testid="section-documents"' in page and 'data-testid="section-problems"' in page
    for hidden in ("section-activities", "section-sampling", "section-hotline", "chart-topics"):
        assert f'data-testid="{hidden}"' not in page
    assert "明察暗访" not in page and "电话抽查" not in page


def _drill_downs(d) -> list[tuple[str, str, int, int]]:
    """(what, url, counted_by, expected) for every figure, chart bar and board cell of a dashboard."""
    out = [(f.key, f.url, f.counted_by, f.expected_count) for f in d.figures]
    for name, chart in d.charts.items():
        for s in chart["series"]:
            for i, (value, url) in enumerate(zip(s["data"], s["urls"], strict=True)):
                if value:
                    out.append((f"{name}:{s['name']}:{chart['categories'][i]}", url, "list-count", value))
    for r in d.board or []:
        out.append((f"board:{r['label']}", r["url"], "list-count", r["open"]))
        out += [(f"board:{r['label']}:{c}", r["urls"][c], "list-count", r[c]) for c in ("red", "yellow", "green")]
    return out


@pytest.mark.parametrize(
    "username, query",
    [
        ("leader", SPRING),
        ("leader", "preset=all"),
        ("leader", "two groups"),
        ("wjw_leader", SPRING),
        ("yjt_leader", ""),
        ("wjw_liaison", ""),
    ],
)
def test_every_number_opens_a_list_of_as_many_records(demo, db, client, username, query):
    user = _user(username)
    if query == "two groups":
        query = f"{SPRING}&group={_group('G-WJW').pk}&group={_group('G-YJT').pk}"
    d = _dash(user, query)
    client.force_login(user)
    checked = _drill_downs(d)
    assert sum(1 for *_x, expected in checked if expected) > 5
    wrong = []
    for what, url, counted_by, expected in checked:
        assert url, what
        shown = _listed(client, url, counted_by)
        if shown != expected:
            wrong.append((what, url, expected, shown))
    assert wrong == []


def test_reported_figures_open_the_data_sets_pivot_with_the_same_total(demo, db, client):
    leader = _user("leader")
    client.force_login(leader)
    reported = _dash(leader).reported
    assert len(reported) > 20
    for r in reported:
        page = client.get(r.url).content.decode()
        total = re.search(r'-total">.*?data-testid="exact">（([^）]*)）', page, re.S).group(1)
        assert r.indicator in page and Decimal(total) == r.value, r.indicator


def test_the_page_links_every_figure(demo, db, client):
    leader = _user("leader")
    client.force_login(leader)
    r = client.get(f"/reports/?{SPRING}")
    assert r.status_code == 200
    page = r.content.decode()
    d = _dash(leader, SPRING)
    for f in d.figures:
        assert f'href="{f.url.replace("&", "&amp;")}" data-testid="figure" data-key="{f.key}"' in page, f.key
    assert 'id="dashboard-data"' in page and "jiandu/dashboard.js" in page
    assert "<script>" not in page  # the charts' code is a static file (a strict CSP allows no inline script)
    assert "2022年3月1日至2022年5月31日" in page


def test_an_empty_period_says_so(demo, db, client):
    client.force_login(_user("leader"))
    page = client.get("/reports/?from=2019-01-01&to=2019-12-31").content.decode()
    assert 'data-testid="dashboard-empty"' in page and "所选期间和范围内暂无监督记录" in page
    assert 'data-chart="weekly"' not in page


def test_api_returns_the_same_figures(demo, db, client):
    leader, wjw = _user("leader"), _group("G-WJW")
    client.force_login(leader)
    r = client.get(f"/api/v1/dashboard/?{SPRING}&group={wjw.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["scope"] == {
        "from": "2022-03-01",
        "to": "2022-05-31",
        "groups": [wjw.pk],
        "label": "2022年3月1日至2022年5月31日 · 驻省卫健委组",
        "errors": [],
    }
    figures = {f["key"]: f for s in body["sections"] for f in (*s["figures"], *s["breakdown"])}
    assert figures["documents"]["value"] == 21 and figures["documents"]["text"] == "21份"
    assert figures["stationed_days"]["value"] == 53 and figures["stationed_days"]["records"] == 5
    assert figures["method.phone_check"]["url"].startswith("/activities/?date_from=2022-03-01")
    client.force_login(_user("wjw_liaison"))
    keys = [s["key"] for s in client.get("/api/v1/dashboard/").json()["sections"]]
    assert keys == ["documents", "problems"]
    client.force_login(_user("sysadmin"))
    refused = client.get("/api/v1/dashboard/")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"


@pytest.mark.parametrize("username", ["leader", "wjw_leader", "wjw_liaison"])
def test_a_fixed_number_of_queries(demo, db, django_assert_max_num_queries, username):
    user = _user(username)
    scope = parse_scope(user, QueryDict(SPRING))
    # 20 + the data counters of jiandu.core.freshness (every one read at once); a commission viewer's figures are
    # kept per group and module: +1 for the groups of the province, +2 for the names of the groups each module
    # shows, -3 for the week/group counts read with the rest.
    with django_assert_max_num_queries(23 if username == "leader" else 21):
        dashboard(user, scope, on=date(2022, 5, 31))
    with django_assert_max_num_queries(1):  # again: from the cache, after reading the counters
        dashboard(user, scope, on=date(2022, 5, 31))


@pytest.mark.parametrize("query", ["", SPRING, "from=2022-04-01&to=2022-04-30", f"{SPRING}&group=GROUPS"])
@pytest.mark.parametrize("username", ["leader", "office"])
def test_figures_summed_per_group_equal_the_figures_read_at_once(demo, db, monkeypatch, username, query):
    """A commission viewer's figures are read per group, kept per group and summed (reports.dashboard
    _records_per_group); they must be exactly those the selectors give for the whole scope at once."""
    from jiandu.reports import dashboard as module

    user = _user(username)
    ids = [str(_group(c).pk) for c in ("G-WJW", "G-YJT")]
    query = query.replace("GROUPS", "&group=".join(ids))
    on = date(2022, 5, 31)
    scope = parse_scope(user, QueryDict(query))
    summed = module._dashboard(user, scope, on)
    with monkeypatch.context() as m:
        m.setattr(module, "_records_per_group", lambda u, sc, o, wait: module._records(u, sc, o))  # in one pass
        at_once = module._dashboard(user, scope, on)
    assert summed.as_dict() == at_once.as_dict()
    assert summed.section("problems").figures[0].value > 0


def test_after_a_write_only_that_groups_figures_are_read_again(demo, db, monkeypatch):
    from jiandu.core import freshness
    from jiandu.problems import selectors as problem_selectors

    leader = _user("leader")
    scope = parse_scope(leader, QueryDict(""))
    before = dashboard(leader, scope, on=date(2022, 5, 31))
    group = _group("G-WJW")
    freshness.touch([group.pk])  # as any write in that group does
    reads = []
    original = problem_selectors.dashboard_by_group

    def spy(user, **kw):
        reads.append(kw["groups"])
        return original(user, **kw)

    monkeypatch.setattr(problem_selectors, "dashboard_by_group", spy)
    after = dashboard(leader, scope, on=date(2022, 5, 31))
    assert reads == [[group.pk]]  # the other groups' figures come from the cache
    assert after.as_dict() == before.as_dict()


def test_the_daily_job_reads_the_commissions_dashboards_before_anyone_looks(
    demo, db, settings, tmp_path, django_assert_max_num_queries
):
    from django.core.cache import caches

    from jiandu.core.jobs import run_daily_jobs

    on = date(2022, 5, 31)
    assert run_daily_jobs(on)["reports.warm_dashboards"] == {"skipped": "缓存不在进程间共享"}  # per-process cache
    settings.CACHES = {  # a cache shared by every process, as Redis is in production
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
            "OPTIONS": {"MAX_ENTRIES": 10_000},  # the parts of every group, module and period (default: 300)
        }
    }
    caches["default"].clear()
    result = run_daily_jobs(on)["reports.warm_dashboards"]
    viewers = User.objects.filter(is_active=True, grants__role__in=["commission_leader", "office_staff"]).distinct()
    assert result == {"dashboards": 5 * viewers.count(), "problem_lists": 2 * viewers.count()}
    assert viewers.count() >= 2
    for username in ("leader", "office"):
        user = _user(username)
        for preset in ("", "month", "quarter", "year", "last_year", "all"):
            scope = parse_scope(user, QueryDict(f"preset={preset}"))
            with django_assert_max_num_queries(2):  # the grants and the counters: the figures are ready
                dashboard(user, scope, on=on)
    from jiandu.problems import selectors as problem_selectors

    leader = _user("leader")
    for params in ({}, {"status": "unclosed"}):  # the ledger as the menu opens it, and its open problems
        filters = problem_selectors.parse_filters(leader, QueryDict(mutable=True) | params)
        with django_assert_max_num_queries(5):  # the filters and the counters: the chips are ready
            problem_selectors.warning_chips(leader, filters, wait=False)


def test_a_province_long_to_sum_comes_with_progress_then_its_figures(demo, db, client, monkeypatch):
    """A province read cold takes seconds: the page comes at once with a progress card and reads no record; the
    card asks for the figures (htmx), which then stay cached: the next view shows them at once, also after a
    write in one group. One group's viewer never waits for a second request."""
    from jiandu.activities import selectors as activity_selectors
    from jiandu.core import freshness

    monkeypatch.setattr(freshness, "COST_MS", 50.0)  # as a province's groups cost, unmeasured
    reads = []
    original = activity_selectors.dashboard_by_group
    spy = lambda *a, **kw: reads.append(1) or original(*a, **kw)  # noqa: E731
    monkeypatch.setattr(activity_selectors, "dashboard_by_group", spy)
    client.force_login(_user("leader"))

    page = client.get(f"/reports/?{SPRING}").content.decode()
    assert 'data-testid="dashboard-pending"' in page and "正在汇总" in page
    assert 'data-testid="figure"' not in page and not reads
    url = re.search(r'hx-get="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "figures=1" in url and "2022-03-01" in url

    part = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert part.lstrip().startswith('<div id="dashboard-figures"') and "<html" not in part
    d = _dash(_user("leader"), SPRING)
    for f in d.figures:
        assert f'data-key="{f.key}"' in part, f.key
    assert reads == [1]

    page = client.get(f"/reports/?{SPRING}").content.decode()
    assert 'data-testid="dashboard-pending"' not in page and 'data-testid="figure"' in page
    freshness.touch([_group("G-WJW").pk])  # a write in one group: only it is read again, at once
    page = client.get(f"/reports/?{SPRING}").content.decode()
    assert 'data-testid="dashboard-pending"' not in page and reads == [1, 1]

    client.force_login(_user("wjw_leader"))
    page = client.get(f"/reports/?{SPRING}&preset=").content.decode()
    assert 'data-testid="dashboard-pending"' not in page and 'data-testid="figure"' in page


def test_the_figures_asked_for_directly_come_in_the_whole_page(demo, db, client, monkeypatch):
    from jiandu.core import freshness

    monkeypatch.setattr(freshness, "COST_MS", 50.0)
    client.force_login(_user("leader"))
    page = client.get(f"/reports/?{SPRING}&figures=1").content.decode()
    assert "<html" in page and 'data-testid="figure"' in page and 'data-testid="dashboard-pending"' not in page
