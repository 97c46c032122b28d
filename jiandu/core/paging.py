"""Pagination that never counts a million rows: every list page and API list uses this paginator.

It counts at most `JIANDU_LIST_COUNT_CAP` + 1 matching rows
(`SELECT COUNT(*) FROM (SELECT id … ORDER BY … LIMIT cap+1)`), so a page costs the same whether the filters match
a hundred rows or a million. Past the cap the page says "超过 10000 条" (a common word of a keyword search:
"超过 1000 条", SEARCH_COUNT_CAP) and offers the first cap/page-size pages; narrowing the filters shows the exact
number. Exports and bulk actions still cover every filtered record (they do not paginate).
"""

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from . import freshness

ANY_ORDER = "jiandu_count_in_any_order"


def count_cap() -> int:
    return settings.JIANDU_LIST_COUNT_CAP


# A common word of a keyword search is counted up to this many rows: past a thousand, the exact number tells the
# reader nothing that a narrower search would not, and each row counted is a row whose text is checked.
SEARCH_COUNT_CAP = 1_000


def count_in_any_order(qs: QuerySet) -> QuerySet:
    """`qs`, marked so that the list's capped count may read its rows in any order: for a filter whose own index
    finds cap + 1 matching rows sooner than walking the list's order does (a common word of a keyword search),
    counted up to SEARCH_COUNT_CAP. The mark is kept by the querysets derived from `qs` (Django copies a query's
    attributes when it chains)."""
    qs = qs.all()
    setattr(qs.query, ANY_ORDER, True)
    return qs


class Paginator(DjangoPaginator):
    """ids_first=True: a page's rows are chosen by their ids alone, then read with their related rows (two
    queries): for a list whose rows join many tables and whose filter matches thousands of rows that no index
    gives in the list's order (a department's problems), PostgreSQL would otherwise join all of them before
    sorting out the page (60 ms instead of 15).

    app="problems": the count is kept (core.freshness) under its own SQL and the counters of that module and the
    shared one: paging through a list, or coming back to it, counts again only after a write to that module's
    records (or to orgs, sites, grants). For a module's own list, whose filters read that module's tables and
    shared ones only."""

    def __init__(self, *args, ids_first: bool = False, app: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ids_first = ids_first
        self.app = app

    def page(self, number):
        page = super().page(number)
        if self.ids_first and isinstance(page.object_list, QuerySet):
            ids = list(page.object_list.values_list("pk", flat=True))
            rows = {row.pk: row for row in self._by_id(ids)} if ids else {}
            page.object_list = [rows[pk] for pk in ids if pk in rows]
        return page

    def _by_id(self, ids: list) -> QuerySet:
        """The page's rows by primary key alone, with the list's related rows, deferred fields and prefetches:
        its filters chose the ids already (given again, a keyword search would be run twice). A list with
        annotations keeps its whole query."""
        qs = self.object_list
        if qs.query.annotations:
            return qs.order_by().filter(pk__in=ids)
        rows = qs.model._base_manager.filter(pk__in=ids)
        rows.query.select_related = qs.query.select_related
        rows.query.deferred_loading = qs.query.deferred_loading
        return rows.prefetch_related(*qs._prefetch_related_lookups)

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        cap = count_cap()
        items = self.object_list
        if not isinstance(items, QuerySet):
            n = len(items)
            return min(n, cap), n > cap
        # The list's own order stays in the counting subquery: the database walks the same index as the page
        # (newest first) and stops at cap + 1, instead of scanning from the oldest rows that a period excludes;
        # unless the filters said an index of theirs finds the rows sooner (count_in_any_order).
        ids = items.values("pk")
        if getattr(items.query, ANY_ORDER, False):
            ids = ids.order_by()
            cap = min(cap, SEARCH_COUNT_CAP)
        ids = ids[: cap + 1]

        def count():
            n = ids.count()
            return min(n, cap), n > cap

        if self.app is None:
            return count()
        try:
            sql = ids.query.sql_with_params()
        except EmptyResultSet:  # a filter that matches nothing (.none()): no query to run
            return 0, False
        return freshness.cached("list-count", sql, count, app=self.app)

    @property
    def count(self) -> int:
        """The number of matching rows, at most the cap."""
        return self._counted[0]

    @property
    def capped(self) -> bool:
        """More rows match than the cap."""
        return self._counted[1]

    @property
    def count_text(self) -> str:
        """共 N 条, or 超过 N 条 when there are more than the cap."""
        n = self.count
        return f"超过 {n} 条" if self.capped else f"共 {n} 条"
