"""The demo data values reproduce the article's reported figures (DESIGN §8) through the selectors."""

import datetime

import pytest

from jiandu.core.cn import cn_amount
from jiandu.demo import loader
from jiandu.demo import stats as demo_stats
from jiandu.demo.context import DemoContext
from jiandu.organizations.models import Org, User
from jiandu.stats import selectors
from jiandu.stats.models import DataSet, DataValue, Indicator, Period


@pytest.fixture
def demo(db):
    orgs = loader.load_orgs()
    accounts = loader.load_users(orgs)
    ctx = DemoContext(
        orgs=orgs, users={u.username: u for u in User.objects.filter(username__in=[a[0] for a in accounts])}, sites={}
    )
    demo_stats.load(ctx)
    first = DataValue.objects.count()
    demo_stats.load(ctx)  # idempotent
    assert DataValue.objects.count() == first
    return ctx


ARTICLE = [
    # (indicator, as of, official figure in the article, display mode)
    ("SZJG_XC", datetime.date(2022, 4, 27), "41.4万人次", "exact"),
    ("SZJG_HS", datetime.date(2022, 4, 27), "5068万人次", "exact"),
    ("GZW_ZYFW", None, "89人次", "exact"),
    ("GZW_JGXC", None, "1031人次", "exact"),
    ("GZW_HS", None, "5.1万余人次", "over"),
    ("GZW_JCDZZ", None, "1787个", "exact"),
    ("GZW_DYGB", None, "11118名", "exact_full"),
    ("GZW_XCFW", None, "54446人次", "exact_full"),
    ("GZW_JKJW", None, "2286.43万元", "exact"),
    ("RST_ZCCS", None, "21条", "exact"),
    ("RST_GYGW", None, "2049人", "exact"),
    ("RST_XSPX", None, "10635人", "exact_full"),
    ("RST_GWPX", None, "87593人次", "exact_full"),
    ("KX_ZBSK", None, "10余轮", "over"),
    ("KX_ZBGK", None, "110余万人", "over"),
    ("KX_DJT", None, "2期", "exact"),
    ("KX_QYJ", None, "330余位", "over"),
    ("STJT_N95", None, "8万余支", "over"),
    ("STJT_JK", None, "近300万元", "nearly"),
    ("SGJT_KQS", None, "22.65万吨", "exact"),
    ("JSCM_KGYLJ", None, "147.9万次", "exact"),
]


def _official(value, unit, mode):
    if mode == "exact_full":
        return cn_amount(value, unit, exact_below=10**9)
    if unit == "万元" and mode == "nearly":
        return "近" + cn_amount(value * 10000, "元", mode="nearly")[1:]
    return cn_amount(value, unit, mode=mode)


def test_article_figures_through_reported_totals(demo):
    leader = User.objects.get(username="leader")
    as_of = datetime.date(2022, 5, 20)
    got = selectors.reported_totals(leader, [c for c, *_ in ARTICLE], as_of)
    units = dict(Indicator.objects.values_list("code", "unit"))
    for code, day, figure, mode in ARTICLE:
        value = got[code] if day is None else selectors.reported_totals(leader, [code], day)[code]
        assert _official(value, units[code], mode) == figure, code
    assert selectors.reported_totals(leader, ["SZJG_XC"], datetime.date(2022, 4, 26))["SZJG_XC"] is None


def test_each_figure_belongs_to_the_org_that_reported_it(demo):
    owner = dict(DataValue.objects.values_list("indicator__code", "org__code").filter(period__kind="campaign"))
    assert owner["SZJG_XC"] == "D-SZJGGW" and owner["GZW_JKJW"] == "D-GZW" and owner["RST_GYGW"] == "D-RST"
    assert owner["KX_ZBGK"] == "D-KX" and owner["STJT_N95"] == "D-STJT" and owner["SGJT_KQS"] == "U-QYQ"
    assert owner["JSCM_KGYLJ"] == "U-JSYPSC"
    groups = dict(DataSet.objects.values_list("name", "group__code"))
    assert groups["省直机关党员干部下沉社区统计"] == "G-SZJG" and groups["国资系统疫情防控统计"] == "G-GZW"


def test_changchun_weekly_rolls_up_to_the_city(demo):
    office = User.objects.get(username="office")
    city = Org.objects.get(code="U-CC")
    ds = DataSet.objects.get(name=demo_stats.CC_SET)
    times = Indicator.objects.get(code="CC_XCRC")
    w16 = Period.objects.get(code="2022-W16")
    rows = selectors.rollup(office, indicators=[times], root=city, periods=[w16], dataset=ds)
    expected = sum(demo_stats.cc_week_values(base, 2)[0] for _, base in demo_stats.CC_DISTRICTS)
    assert rows[0].values[times.pk] == expected
    assert {r.org.code for r in rows[1:]} >= {c for c, _ in demo_stats.CC_DISTRICTS}
    last = selectors.completeness(ds, selectors.expected_periods(ds))[-1]
    assert (last.expected, last.reported, last.on_time) == (10, 9, 8)
    locked = selectors.completeness(ds, selectors.expected_periods(ds))[2]
    assert locked.period.code == "2022-W16" and len(locked.locked_org_ids) == 10
    # the district liaison sees only their district
    ng = User.objects.get(username="ccng_liaison")
    rows = selectors.rollup(ng, indicators=[times], root=city, periods=[w16], dataset=ds)
    assert rows[0].values[times.pk] == demo_stats.cc_week_values(820, 2)[0]


def test_demo_pages_render(demo, client):
    ds = DataSet.objects.get(name=demo_stats.CC_SET)
    client.force_login(User.objects.get(username="yjt_leader"))
    page = client.get(f"/stats/{ds.pk}/pivot/").content.decode()
    w16 = sum(demo_stats.cc_week_values(base, 2)[0] for _, base in demo_stats.CC_DISTRICTS)
    assert "长春市合计" in page and "南关区" in page and str(w16) in page
    page = client.get(f"/stats/{ds.pk}/approvals/").content.decode()
    assert "已锁定" in page
    client.force_login(User.objects.get(username="szjg_leader"))
    szjg = DataSet.objects.get(group__code="G-SZJG")
    page = client.get(f"/stats/{szjg.pk}/pivot/").content.decode()
    assert "41.4万人次" in page
    client.force_login(User.objects.get(username="ccng_liaison"))
    assert client.get(f"/stats/{ds.pk}/").status_code == 200
    assert client.get(f"/stats/{szjg.pk}/").status_code == 404
