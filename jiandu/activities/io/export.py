"""The audited export of a filtered activity ledger, streamed in chunks without model instances."""

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
    """One ledger row of one activity (the values the import reads back)."""
    return next(_ledger_rows(Activity.objects.filter(pk=a.pk)))


METHOD_LABEL = {value: str(label) for value, label in Method.choices}
ROW_FIELDS = [
    "pk",
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
# The names of the many-to-many values, read as plain tuples (no model instances: export at scale).
M2M_NAMES = {
    "topics": ("topic__name", "topic__sort_order"),
    "participants": ("user__full_name", "user__username"),
    "target_orgs": ("org__name", "org__path"),
    "sites": ("site__name", "site__code"),
}
CHUNK = exports.CHUNK


def _names(ids: list[int]) -> dict[str, dict[int, str]]:
    """{relation: {activity id: "a、b"}} for one chunk of activities, one query per relation."""
    out = {}
    for relation, (name, order) in M2M_NAMES.items():
        through = getattr(Activity, relation).through
        joined: dict[int, list[str]] = {}
        rows = (
            through.objects.filter(activity_id__in=ids)
            .order_by("activity_id", order)
            .values_list("activity_id", name, order)
        )
        for activity_id, value, fallback in rows:
            # a person without a full name is shown by username, as on the pages
            joined.setdefault(activity_id, []).append(value or (fallback if relation == "participants" else ""))
        out[relation] = {k: JOIN.join(v) for k, v in joined.items()}
    return out


def _ledger_rows(activities, user=None):
    """Ledger rows (dicts keyed by column key) of `activities`, in its order, read in chunks of plain values
    (exports.chunks), with the names of each chunk's topics, people, orgs and sites in one query per relation."""
    qs = activities.prefetch_related(None).select_related(None).values_list(*ROW_FIELDS)
    for chunk in exports.chunks(qs, CHUNK):
        names = _names([r[0] for r in chunk])
        for r in chunk:
            (pk, code, group_short, group_name, method, title, campaign, start, end, days, leader_name, leader_user,
             external, summary, findings) = r  # fmt: skip
            yield {
                "code": code,
                "group": group_short or group_name,
                "method": METHOD_LABEL.get(method, method),
                "title": title,
                "topics": names["topics"].get(pk, ""),
                "campaign": campaign or "",
                "start_date": start,
                "end_date": end,
                "days": days,
                "leader": leader_name or leader_user or "",
                "participants": names["participants"].get(pk, ""),
                "external_participants": external,
                "target_orgs": names["target_orgs"].get(pk, ""),
                "sites": names["sites"].get(pk, ""),
                "summary": summary,
                "findings": findings,
            }


def select_activities(user, params) -> exports.Selection:
    """The activity list's filters, as on the list page."""
    filters = selectors.parse_filters(user, params)
    return exports.Selection(filters.apply(user), filters.as_params())


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
