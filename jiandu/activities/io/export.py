"""The audited export of a filtered activity ledger, streamed in chunks without model instances."""

from django.db.models import OuterRef, Subquery

from jiandu.core import exports

from .. import selectors
from ..enums import Method
from ..models import Activity
from .columns import (
    COLUMNS,
    JOIN,
    SHEET,
)


def activity_row(a: Activity) -> dict:
    """One ledger row of one activity, keyed by column (the values the import reads back)."""
    return dict(zip(KEYS, next(_ledger_rows(Activity.objects.filter(pk=a.pk))), strict=True))


METHOD_LABEL = {value: str(label) for value, label in Method.choices}
KEYS = [c.key for c in COLUMNS]  # a ledger row's values, in this order (_ledger_rows)
ROW_FIELDS = [  # after the primary key (exports.value_chunks)
    "code",
    "group__short_name",
    "group__name",
    "method",
    "title",
    "campaign__title",
    "start_date",
    "end_date",
    "days",
    "leader__full_name",
    "leader__username",
    "external_participants",
    "summary",
    "findings",
]
# The names of the many-to-many values, read as plain tuples (no model instances: export at scale):
# relation → (the link's field to the named record, the name shown, the order of the names in a cell, whether
# the named table is small enough to be read whole once per export: topics, people and orgs are counted in
# thousands at province scale, sites in hundreds of thousands).
M2M_NAMES = {
    "topics": ("topic", "name", "sort_order", True),
    "participants": ("user", "full_name", "username", True),
    "target_orgs": ("org", "name", "path", True),
    "sites": ("site", "name", "code", False),
}
CHUNK = exports.CHUNK


class _Names:
    """{relation: {activity id: "a、b"}} for chunks of activities of one export, one query per relation a chunk.

    A small named table is read once, in the database's order of its names (its rank orders a cell); a chunk
    then reads only its links, through the (activity, record) index. Sites are named per chunk, by a subquery
    on the primary key rather than a join: with a join, SQLite's planner may scan the whole named table and
    probe the links of every id for each of its rows (the empty participants of the bench data: 70 ms a chunk,
    half of an export)."""

    def __init__(self):
        self.ranked: dict[str, dict[int, tuple[int, str]]] = {}

    def _rank(self, relation: str) -> dict[int, tuple[int, str]]:
        target, name, order, _small = M2M_NAMES[relation]
        model = getattr(Activity, relation).through._meta.get_field(target).related_model
        rows = model._base_manager.order_by(order, "pk").values_list("pk", name, order)
        # a person without a full name is shown by username, as on the pages
        self.ranked[relation] = {
            pk: (rank, value or (fallback if relation == "participants" else ""))
            for rank, (pk, value, fallback) in enumerate(rows)
        }
        return self.ranked[relation]

    def __call__(self, ids: list[int]) -> dict[str, dict[int, str]]:
        out = {}
        for relation, (target, name, order, small) in M2M_NAMES.items():
            through = getattr(Activity, relation).through
            links = through.objects.filter(exports.id_in(through, ids, "activity"))
            joined: dict[int, list] = {}
            if small:
                ranked = self.ranked.get(relation) or self._rank(relation)
                for activity_id, target_id in links.values_list("activity_id", f"{target}_id"):
                    if target_id not in ranked:  # named after the table was read
                        ranked = self._rank(relation)
                    joined.setdefault(activity_id, []).append(ranked[target_id])
                out[relation] = {  # most activities name one: no sorting, no joining
                    k: v[0][1] if len(v) == 1 else JOIN.join(shown for _rank, shown in sorted(v))
                    for k, v in joined.items()
                }
                continue
            named = (
                through._meta.get_field(target)
                .related_model._base_manager.filter(pk=OuterRef(f"{target}_id"))
                .order_by()
            )
            rows = (
                links.annotate(shown=Subquery(named.values(name)), order=Subquery(named.values(order)))
                .order_by("activity_id", "order")
                .values_list("activity_id", "shown")
            )
            for activity_id, value in rows:
                joined.setdefault(activity_id, []).append(value or "")
            out[relation] = {k: JOIN.join(v) for k, v in joined.items()}
        return out


def _ledger_rows(activities, user=None):
    """Ledger rows of `activities`, in its order: tuples of the values of COLUMNS, in their order (the writer takes
    them as they are: a dict per row, then a list of its values, was a sixth of an export). Read in chunks of
    plain values (exports.value_chunks), with the names of each chunk's topics, people, orgs and sites in one
    query per relation."""
    names_of = _Names()
    for chunk in exports.value_chunks(activities, ROW_FIELDS, CHUNK):
        names = names_of([r[0] for r in chunk])
        topics, people, orgs, sites = (names[k] for k in ("topics", "participants", "target_orgs", "sites"))
        for r in chunk:
            (pk, code, group_short, group_name, method, title, campaign, start, end, days, leader_name, leader_user,
             external, summary, findings) = r  # fmt: skip
            yield (
                code,
                group_short or group_name,
                METHOD_LABEL.get(method, method),
                title,
                topics.get(pk, ""),
                campaign or "",
                start,
                end,
                days,
                leader_name or leader_user or "",
                people.get(pk, ""),
                external,
                orgs.get(pk, ""),
                sites.get(pk, ""),
                summary,
                findings,
            )


def select_activities(user, params) -> exports.Selection:
    """The activity list's filters, as on the list page."""
    filters = selectors.parse_filters(user, params)
    return exports.Selection(filters.apply(user, page=False), filters.as_params())


LEDGER = exports.register(
    exports.Ledger(
        name="activities",
        title="监督检查活动台账",
        sheet=SHEET,
        model=Activity,
        columns=COLUMNS,
        select=select_activities,
        rows=_ledger_rows,
    )
)


def activity_export(*, actor, activities, filters: dict | None = None) -> tuple[bytes, int]:
    """The ledger of `activities` (a queryset from selectors.activities_for, already scoped to `actor`) as .xlsx.
    Records an EXPORT audit event with the filters and the number of rows."""
    return exports.export_bytes(LEDGER, actor=actor, selection=exports.Selection(activities, filters or {}))
