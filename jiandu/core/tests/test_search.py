"""Keyword search (jiandu.core.search): the same rows as plain icontains/iexact on both databases, through an index.

The SQLite index is kept by triggers: the tests change and delete records and search again. Every query is also
run with the "dense" plan (the list's ordering index walked, the lookups checked on each row), which a large data
set takes for common words.
"""

import pytest
from django.db import connection
from django.db.models import Q

from jiandu.activities.models import Activity
from jiandu.activities.selectors import activities_for
from jiandu.activities.tests.factories import ActivityFactory
from jiandu.core import search
from jiandu.core.access import visible_to
from jiandu.documents.models import Document
from jiandu.documents.selectors import documents_for
from jiandu.documents.tests.factories import draft
from jiandu.organizations.models import Site
from jiandu.organizations.tests.factories import SiteFactory
from jiandu.problems.models import Problem
from jiandu.problems.selectors import problems_for
from jiandu.problems.tests.factories import problem

QUERIES = [
    "整改",  # 2 Chinese characters: the common case
    "食堂",
    "整",  # 1 character
    "改",  # the last character of a text
    "食堂卫生整改",  # 3+ characters
    "帐篷设置点",  # a site's name (the problem list searches it)
    "abc",
    "ABC",  # mixed case: LIKE folds ASCII letters
    "aBc消毒",
    "wt-test",
    "c",
    "%",  # LIKE wildcards are literal
    "_",
    '"',  # an FTS5 quote
    '50%_折扣"引',
    "ä",  # a non-ASCII cased letter: LIKE does not fold it
    "Ä",
    "不存在的词",
    " 记录 ",  # stripped
]

PROBLEM_FIELDS = (["number", "description", "site__name"], [])
ACTIVITY_FIELDS = (["title", "summary", "findings", "external_participants"], ["code"])
DOCUMENT_FIELDS = (["title", "body", "number"], [])


def plain(model, q, fields, exact=()):
    """What the lists did before the index: a LIKE over every row."""
    q = q.strip()
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": q})
    for name in exact:
        condition |= Q(**{f"{name}__iexact": q})
    return set(model.objects.filter(condition).values_list("pk", flat=True))


def found(model, q, fields, exact=()):
    return set(search.matching(model.objects.all(), q, fields, exact=exact).values_list("pk", flat=True))


@pytest.fixture(params=["sparse", "dense"])
def plan(request, monkeypatch):
    """Both SQLite plans: rows read by id (few proposed), or the ordering index walked (many proposed)."""
    if request.param == "dense":
        monkeypatch.setattr(search, "DENSE", 0)
    return request.param


@pytest.fixture
def texts(tree, group_member):
    group, wjw = tree["wjw_group"], tree["wjw"]
    canteen = SiteFactory(code="S-ST", name="学校食堂", responsible_org=wjw)
    tent = SiteFactory(code="S-ZP", name="南关区东门防疫帐篷设置点", responsible_org=wjw)
    problems = [
        problem(group_member, group, wjw, description="食堂卫生整改不到位", site=canteen),
        problem(group_member, group, wjw, description="ABC消毒记录缺失 wt-Test", site=tent),
        problem(group_member, group, wjw, description="整"),
        problem(group_member, group, wjw, description='折扣50%_折扣"引号'),
        problem(group_member, group, wjw, description="Äpfel 消毒"),
        problem(group_member, group, wjw, description="隔离点物资不足，需整改"),
    ]
    activities = [
        ActivityFactory(group=group, title="食堂卫生整改督导", summary="检查ABC消毒记录", created_by=group_member),
        ActivityFactory(group=group, title="暗访", findings="帐篷设置点台账不全", created_by=group_member),
        ActivityFactory(group=group, title="走访", external_participants="特邀监督员 aBc", created_by=group_member),
        ActivityFactory(group=group, title="整", summary='50%_折扣"引', created_by=group_member),
    ]
    documents = [
        draft(group_member, group, [wjw], title="关于食堂卫生整改的提示函", body="请于十日内整改ABC问题"),
        draft(group_member, group, [wjw], title="关于帐篷设置点的通知", body="wt-test 50%_折扣"),
        draft(group_member, group, [wjw], title="改", body=""),
    ]
    return {"problems": problems, "activities": activities, "documents": documents}


@pytest.mark.parametrize("q", QUERIES)
def test_same_rows_as_icontains(texts, plan, q):
    for model, (fields, exact) in [
        (Problem, PROBLEM_FIELDS),
        (Activity, ACTIVITY_FIELDS),
        (Document, DOCUMENT_FIELDS),
    ]:
        assert found(model, q, fields, exact) == plain(model, q, fields, exact), (model.__name__, q)


def test_queries_find_something(texts):
    """The comparison above is not between two empty sets."""
    assert len(found(Problem, "整改", *PROBLEM_FIELDS)) == 2
    assert len(found(Problem, "帐篷设置点", *PROBLEM_FIELDS)) == 1  # through the site's name
    assert len(found(Problem, "abc", *PROBLEM_FIELDS)) == 1
    assert len(found(Activity, "abc", *ACTIVITY_FIELDS)) == 2
    assert len(found(Document, "改", *DOCUMENT_FIELDS)) == 2
    # Each database's own icontains: PostgreSQL's UPPER() folds "Ä", SQLite's LIKE folds ASCII letters only.
    apfel = {texts["problems"][4].pk} if connection.vendor == "postgresql" else set()
    assert found(Problem, "ä", *PROBLEM_FIELDS) == apfel


@pytest.mark.parametrize("q", ["食堂", "食堂卫生整改", "abc", "整"])
def test_each_list_filters_like_icontains(texts, commission_leader, plan, q):
    user = commission_leader
    problems = set(problems_for(user, q=q).values_list("pk", flat=True))
    want = plain(Problem, q, *PROBLEM_FIELDS) & set(visible_to(user, Problem).values_list("pk", flat=True))
    assert problems == want
    activities = set(activities_for(user, q=q).values_list("pk", flat=True))
    want = plain(Activity, q, *ACTIVITY_FIELDS) & set(visible_to(user, Activity).values_list("pk", flat=True))
    assert activities == want
    documents = set(documents_for(user, q=q).values_list("pk", flat=True))
    want = plain(Document, q, *DOCUMENT_FIELDS) & set(visible_to(user, Document).values_list("pk", flat=True))
    assert documents == want


def test_activity_code_matches_exactly(texts, plan):
    activity = texts["activities"][0]
    activity.refresh_from_db()
    assert found(Activity, activity.code.lower(), *ACTIVITY_FIELDS) == {activity.pk}
    assert found(Activity, activity.code[:-1], *ACTIVITY_FIELDS) == set()  # code: whole, not part


def test_follows_updates(texts, plan):
    first = texts["problems"][0]
    Problem.objects.filter(pk=first.pk).update(description="操场围栏破损")
    assert first.pk not in found(Problem, "食堂卫生", *PROBLEM_FIELDS)
    assert found(Problem, "围栏", *PROBLEM_FIELDS) == {first.pk}
    assert found(Problem, "操场围栏破损", *PROBLEM_FIELDS) == {first.pk}
    # The site's new name is searched for its problems.
    Site.objects.filter(name="学校食堂").update(name="第二中学操场")
    assert found(Problem, "第二中学", *PROBLEM_FIELDS) == {first.pk}
    assert found(Problem, "学校食堂", *PROBLEM_FIELDS) == set()
    document = texts["documents"][0]
    document.title = "关于围栏的通知"
    document.save()
    assert found(Document, "围栏", *DOCUMENT_FIELDS) == {document.pk}
    assert found(Document, "食堂", *DOCUMENT_FIELDS) == set()


def test_follows_inserts_and_deletes(texts, group_member, tree, plan):
    activity = ActivityFactory(group=tree["wjw_group"], title="夜查冷链仓库", created_by=group_member)
    assert found(Activity, "冷链", *ACTIVITY_FIELDS) == {activity.pk}
    Activity.objects.filter(pk=activity.pk).delete()
    assert found(Activity, "冷链", *ACTIVITY_FIELDS) == set()
    again = ActivityFactory(group=tree["wjw_group"], title="冷链复查", created_by=group_member)
    assert found(Activity, "冷链", *ACTIVITY_FIELDS) == {again.pk}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite index and its triggers")
def test_sqlite_index_forgets_deleted_rows(texts, group_member, tree):
    activity = ActivityFactory(group=tree["wjw_group"], title="夜查冷链仓库", created_by=group_member)
    Activity.objects.filter(pk=activity.pk).delete()
    with connection.cursor() as c:
        c.execute(
            """SELECT count(*) FROM activities_activity_search WHERE activities_activity_search MATCH '"冷链仓"'"""
        )
        assert c.fetchone()[0] == 0


SEARCHED_TABLES = [
    "problems_problem", "organizations_site", "activities_activity", "documents_document", "core_auditevent",
]  # fmt: skip


@pytest.mark.django_db
def test_every_index_is_in_place():
    """A later migration that rebuilds a table on SQLite (AlterField and the like) drops its triggers: the index
    would silently stop following the records. The test database is built by the migrations, so this catches it."""
    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            triggers = {name for (name,) in c.fetchall()}
            for table in SEARCHED_TABLES:
                for event in ("insert", "update", "delete"):
                    assert f"{table}_search_{event}" in triggers
        else:
            c.execute("SELECT indexname FROM pg_indexes")
            indexes = {name for (name,) in c.fetchall()}
            assert {f"{table}_search" for table in SEARCHED_TABLES} <= indexes
            assert "activities_activity_search_code" in indexes  # the code, matched whole: a plain index
            c.execute("SELECT stxname FROM pg_statistic_ext")
            statistics = {name for (name,) in c.fetchall()}  # how common a word is: the LIKE's estimate
            assert {"problems_problem_search_description_upper", "activities_activity_search_title_upper"} <= statistics


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL plan")
@pytest.mark.parametrize(
    "model, fields, q, index",
    [
        (Activity, ACTIVITY_FIELDS[0], "食堂卫生", "activities_activity_search"),
        (Document, DOCUMENT_FIELDS[0], "Abc", "documents_document_search"),
        (Problem, PROBLEM_FIELDS[0], "卫生整", "problems_problem_search"),
        (Problem, PROBLEM_FIELDS[0], "整改", "problems_problem_search"),  # 2 characters: one bigram
        (Site, ["name"], "帐篷设置点", "organizations_site_search"),
    ],
)
def test_postgresql_plan_can_use_the_index(texts, model, fields, q, index):
    """The bigram indexes are on what Django's icontains compares (UPPER(column::text)). The test tables are
    tiny, so other plans are priced out: a bitmap scan is left, which only the keyword index can serve."""
    sql, params = search.matching(model.objects.order_by(), q, fields).query.sql_with_params()
    with connection.cursor() as c:
        for plan in ("seqscan", "indexscan", "indexonlyscan"):
            c.execute(f"SET LOCAL enable_{plan} = off")
        c.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in c.fetchall())
    assert f"Bitmap Index Scan on {index}" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL plan")
@pytest.mark.parametrize("short", [False, True])
def test_postgresql_finds_an_activity_code_from_its_plain_index(texts, short):
    """The activity code is matched whole, from a plain index on UPPER(code) (not from the keyword GIN index,
    whose ~40 keys per code slowed every import); with a query of 1–2 characters too."""
    activity = Activity.objects.first()
    q = activity.code[:2] if short else activity.code.lower()
    fields, exact = ACTIVITY_FIELDS
    sql, params = search.matching(Activity.objects.order_by(), q, fields, exact=exact).query.sql_with_params()
    with connection.cursor() as c:
        for plan in ("seqscan", "indexscan", "indexonlyscan"):
            c.execute(f"SET LOCAL enable_{plan} = off")
        c.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in c.fetchall())
    assert "Bitmap Index Scan on activities_activity_search_code" in plan
    assert found(Activity, q, *ACTIVITY_FIELDS) == plain(Activity, q, *ACTIVITY_FIELDS)
    assert short or found(Activity, q, *ACTIVITY_FIELDS) == {activity.pk}


@pytest.mark.parametrize("q", ["整改", "食堂卫生"])
def test_a_list_counts_a_common_word_from_the_index(texts, plan, q):
    """A common word's page is found walking the list's order, but its capped count may read the rows in any
    order (core.paging.count_in_any_order): on PostgreSQL from the search index, on SQLite the table as it lies.
    Same count either way."""
    from django.test.utils import CaptureQueriesContext

    from jiandu.core.paging import Paginator

    qs = search.matching(Problem.objects.order_by("-registered_on", "-id"), q, PROBLEM_FIELDS[0])
    qs = qs.filter(group__isnull=False)  # later filters keep the mark
    with CaptureQueriesContext(connection) as queries:
        count = Paginator(qs, 20).count
    assert count == len(plain(Problem, q, *PROBLEM_FIELDS)) > 0
    counting = queries.captured_queries[-1]["sql"]
    any_order = plan == "dense"  # SQLite: many rows proposed; PostgreSQL: a common word (DENSE planned rows)
    assert ("ORDER BY" not in counting) == any_order, counting


def test_a_common_word_is_counted_up_to_the_search_cap(texts, plan, monkeypatch):
    """Past SEARCH_COUNT_CAP rows a common word's list says 超过 N 条 (every row counted is a text checked); a rarer
    word, or any other filter, is counted up to the list's cap."""
    from jiandu.core import paging

    monkeypatch.setattr(paging, "SEARCH_COUNT_CAP", 1)
    q = "整改"
    qs = search.matching(Problem.objects.order_by("-registered_on", "-id"), q, PROBLEM_FIELDS[0])
    matches = len(plain(Problem, q, *PROBLEM_FIELDS))
    assert matches > 1
    paginator = paging.Paginator(qs, 20)
    if plan == "dense":
        assert (paginator.count, paginator.capped, paginator.count_text) == (1, True, "超过 1 条")
    else:
        assert (paginator.count, paginator.capped) == (matches, False)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL function")
@pytest.mark.parametrize("text", ["", "a", "ab", "abc", "整改落实", "整改整改", "食堂\n卫生", "😀表情 x", "甲\x01乙丙"])
def test_the_index_keys_are_every_bigram(db, text):
    """The PostgreSQL index's keys: each pair of characters (and an odd text's last character, never asked); the
    pairs are cut at GRAM_END, so one holding it may be missing, and such a query is not asked of the index."""
    with connection.cursor() as c:
        c.execute("SELECT jiandu_bigrams(%s)", [text])
        (keys,) = c.fetchone()
    pairs = {text[i : i + 2] for i in range(len(text) - 1)}
    searchable = {g for g in pairs if search.GRAM_END not in g}
    assert searchable <= set(keys) <= pairs | set(text)


def test_a_long_query_asks_for_a_few_of_its_bigrams():
    assert search.bigrams("整") == [] and search.bigrams("a\x01") == []
    assert search.bigrams("整改整改") == ["整改", "改整"]
    grams = search.bigrams("关于进一步加强食堂卫生整改的通知")
    assert len(grams) == search.MAX_GRAMS and grams[0] == "关于" and grams[-1] == "通知"


@pytest.mark.parametrize("q", ["\x01乙", "甲\x01", "\x01"])
def test_a_query_holding_the_gram_separator_finds_its_rows(texts, group_member, tree, q):
    problem(group_member, tree["wjw_group"], tree["wjw"], description="甲\x01乙丙")
    assert found(Problem, q, *PROBLEM_FIELDS) == plain(Problem, q, *PROBLEM_FIELDS) != set()
