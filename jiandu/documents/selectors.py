"""Reads of documents, always scoped to the reader (DESIGN §6): lists with filters, reply tracking, counts for
the reports module and the to-do list. Warning colours (DESIGN §5) are computed here one way for all."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from jiandu.core import buckets
from jiandu.core.access import in_subtrees, principal, visible_to, within_groups
from jiandu.core.cn import cn_week
from jiandu.core.deadlines import Warning, warning_for, warning_q
from jiandu.core.search import matching
from jiandu.organizations.enums import COMMISSION_ROLES, GROUP_ROLES, OrgKind, Role
from jiandu.organizations.models import Assignment, Org
from jiandu.organizations.org_filters import org_filter_choices, typed_org

from .enums import OPEN_RECIPIENT_STATUSES, DocumentKind, DocumentStatus, RecipientStatus
from .models import Document, DocumentEvent, DocumentRecipient, NumberingRule

# The order in which colours are "worse" (the document shows the worst of its open recipients).
WARNING_RANK = {Warning.RED: 4, Warning.YELLOW: 3, Warning.GREEN: 2, Warning.CLOSED_LATE: 1, Warning.NONE: 0}
WARNING_FILTERS = [Warning.RED, Warning.YELLOW, Warning.GREEN, Warning.CLOSED_LATE, Warning.NONE]

# A recipient row whose reply is still running: sent, not replied, with a deadline.
RECIPIENT_OPEN_Q = (
    Q(status__in=OPEN_RECIPIENT_STATUSES)
    & ~Q(document__status__in=[DocumentStatus.DRAFT, DocumentStatus.CLOSED])
    & Q(document__reply_due_on__isnull=False)
)


def _late_q() -> Q:
    """A reply that came after the deadline (the date of replied_at in Asia/Shanghai)."""
    return Q(
        status=RecipientStatus.REPLIED,
        document__reply_due_on__isnull=False,
        replied_at__date__gt=F("document__reply_due_on"),
    )


# --- Warning colours ---


def recipient_warning(recipient: DocumentRecipient, document: Document, *, on: date | None = None) -> str:
    """green/yellow/red while the reply is due; closed_late when it came after the deadline; none otherwise."""
    if document.status == DocumentStatus.DRAFT or document.reply_due_on is None:
        return Warning.NONE
    if recipient.status == RecipientStatus.REPLIED:
        return warning_for(document.reply_due_on, closed_on=timezone.localtime(recipient.replied_at).date())
    if document.status == DocumentStatus.CLOSED:
        return Warning.NONE
    return warning_for(document.reply_due_on, on=on)


def document_warning(document: Document, recipients, *, on: date | None = None) -> str:
    """The worst colour of the document's (shown) recipients."""
    worst = Warning.NONE
    for r in recipients:
        w = recipient_warning(r, document, on=on)
        if WARNING_RANK[w] > WARNING_RANK[worst]:
            worst = w
    return worst


def warning_filter(user, colour: str) -> Q:
    """Documents of one colour, in the database (same rule as document_warning, over the rows one may see)."""
    rows = visible_to(user, DocumentRecipient)
    open_rows = rows.filter(RECIPIENT_OPEN_Q)
    if colour in (Warning.RED, Warning.YELLOW, Warning.GREEN):
        hits = rows.filter(warning_q(colour, due_field="document__reply_due_on", open_q=RECIPIENT_OPEN_Q))
        return Q(pk__in=hits.values("document_id"))
    late = Q(pk__in=rows.filter(_late_q()).values("document_id"))
    running = Q(pk__in=open_rows.values("document_id"))
    if colour == Warning.CLOSED_LATE:
        return late & ~running
    if colour == Warning.NONE:
        return ~late & ~running
    return Q()


def recipient_warning_filter(colour: str) -> Q:
    if colour in (Warning.RED, Warning.YELLOW, Warning.GREEN):
        return warning_q(colour, due_field="document__reply_due_on", open_q=RECIPIENT_OPEN_Q)
    if colour == Warning.CLOSED_LATE:
        return _late_q()
    if colour == Warning.NONE:
        return ~RECIPIENT_OPEN_Q & ~_late_q()
    return Q()


# --- Filters shared by the list, the export and the API ---


@dataclass(frozen=True)
class DocumentFilters:
    group: Org | None = None
    kind: str = ""
    status: str = ""
    warning: str = ""
    org: Org | None = None  # recipient org, with its subtree
    date_from: date | None = None  # issued_on
    date_to: date | None = None
    q: str = ""
    invalid_ref: bool = False  # a group or org was asked for but is not visible: the result is empty
    groups: tuple = ()  # several groups at once (?group=1&group=2, a report's drill-down); `group` holds one

    def as_params(self) -> dict:
        params = {
            "group": self.group.pk if self.group else None,
            "groups": [g.pk for g in self.groups] or None,
            "kind": self.kind,
            "status": self.status,
            "warning": self.warning,
            "org": self.org.pk if self.org else None,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "q": self.q,
        }
        return {k: v for k, v in params.items() if v not in ("", None)}


def _date(value) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _visible_org(user, value, **extra) -> tuple[Org | None, bool]:
    value = (value or "").strip() if isinstance(value, str) else value
    if value in ("", None):
        return None, False
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None, True
    org = visible_to(user, Org).filter(pk=pk, **extra).first()
    return org, org is None


# The status filter of the document list: the statuses, and all sent documents (every status but draft).
SENT = "sent"
STATUS_FILTERS = [(SENT, "已发出（除草稿）"), *DocumentStatus.choices]


def _groups(user, params) -> tuple[Org | None, tuple, bool]:
    """(one group, several groups, invalid) from ?group= (which may repeat)."""
    raw = params.getlist("group") if hasattr(params, "getlist") else [params.get("group")]
    raw = [str(v).strip() for v in raw if v is not None and str(v).strip()]
    if len(raw) <= 1:
        group, bad = _visible_org(user, raw[0] if raw else None, kind=OrgKind.GROUP)
        return group, (), bad
    try:
        ids = {int(v) for v in raw}
    except ValueError:
        return None, (), True
    groups = tuple(visible_to(user, Org).filter(pk__in=ids, kind=OrgKind.GROUP).order_by("path"))
    return None, groups, len(groups) < len(ids)


def parse_filters(user, params, *, statuses=None) -> DocumentFilters:
    """Filters from query parameters (?group=&kind=&status=&warning=&org=&from=&to=&q=); `group` may repeat
    (several groups at once, as a report's scope); the list's status may also be `sent` (every status but draft)."""
    group, groups, bad_group = _groups(user, params)
    org, bad_org = _visible_org(user, typed_org(user, "document-filter", params, params.get("org")))
    kind = params.get("kind", "")
    status = params.get("status", "")
    warning = params.get("warning", "")
    return DocumentFilters(
        group=group,
        groups=groups,
        kind=kind if kind in DocumentKind.values else "",
        status=status if status in (statuses or [*DocumentStatus.values, SENT]) else "",
        warning=warning if warning in WARNING_FILTERS else "",
        org=org,
        date_from=_date(params.get("from")),
        date_to=_date(params.get("to")),
        q=(params.get("q") or "").strip()[:100],
        invalid_ref=bad_group or bad_org,
    )


def documents_for(
    user,
    *,
    group: Org | None = None,
    kind: str = "",
    status: str = "",
    warning: str = "",
    org: Org | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
    groups=None,
) -> QuerySet:
    """The documents `user` may see, filtered, with the group and the recipient rows one may see prefetched
    (as `shown_recipients`), so a list shows recipients and colours without a query per row. `groups` (several
    at once) narrows like within_groups; status `sent` is every status but draft."""
    qs = within_groups(visible_to(user, Document), groups)
    if group is not None:
        qs = qs.filter(group=group)
    if kind:
        qs = qs.filter(kind=kind)
    if status == SENT:
        qs = qs.exclude(status=DocumentStatus.DRAFT)
    elif status:
        qs = qs.filter(status=status)
    if warning:
        qs = qs.filter(warning_filter(user, warning))
    if org is not None:
        rows = DocumentRecipient.objects.filter(in_subtrees("org", [org.path]))
        qs = qs.filter(pk__in=rows.values("document_id"))
    if date_from:
        qs = qs.filter(issued_on__gte=date_from)
    if date_to:
        qs = qs.filter(issued_on__lte=date_to)
    qs = matching(qs, q, ["title", "body", "number"])
    shown = visible_to(user, DocumentRecipient).select_related("org").order_by("org__path")
    return (
        qs.select_related("group")
        .prefetch_related(Prefetch("recipients", queryset=shown, to_attr="shown_recipients"))
        .order_by("-issued_on", "-id")
    )


def apply_filters(user, filters: DocumentFilters) -> QuerySet:
    if filters.invalid_ref:
        return visible_to(user, Document).none()
    return documents_for(
        user,
        group=filters.group,
        kind=filters.kind,
        status=filters.status,
        warning=filters.warning,
        org=filters.org,
        date_from=filters.date_from,
        date_to=filters.date_to,
        q=filters.q,
        groups=list(filters.groups) or None,
    )


def with_warnings(documents, *, on: date | None = None):
    """Attach `.warning` to documents from documents_for (uses the prefetched rows); returns them as a list."""
    out = list(documents)
    for d in out:
        rows = getattr(d, "shown_recipients", None)
        if rows is None:
            rows = list(d.recipients.all())
        for r in rows:
            r.warning = recipient_warning(r, d, on=on)
        d.warning = document_warning(d, rows, on=on)
    return out


# --- One document ---


@dataclass
class DocumentDetail:
    document: Document
    recipients: list[DocumentRecipient]
    events: list[DocumentEvent]
    attachments: list
    reply_attachments: dict[int, list] = field(default_factory=dict)  # recipient id -> attachments
    warning: str = Warning.NONE


def document_detail(user, document: Document) -> DocumentDetail:
    from django.contrib.contenttypes.models import ContentType

    from jiandu.core.models import Attachment

    rows = list(
        visible_to(user, DocumentRecipient)
        .filter(document=document)
        .select_related("org", "received_by", "replied_by")
        .order_by("org__path")
    )
    for r in rows:
        r.warning = recipient_warning(r, document)
    events = list(
        visible_to(user, DocumentEvent)
        .filter(document=document)
        .select_related("actor", "recipient__org")
        .order_by("at", "id")
    )
    files = list(
        Attachment.objects.filter(
            owner_type=ContentType.objects.get_for_model(Document), owner_id=document.pk, purpose="file"
        )
    )
    replies: dict[int, list] = {}
    if rows:
        for att in Attachment.objects.filter(
            owner_type=ContentType.objects.get_for_model(DocumentRecipient),
            owner_id__in=[r.pk for r in rows],
            purpose="reply",
        ):
            replies.setdefault(att.owner_id, []).append(att)
    for r in rows:
        r.reply_files = replies.get(r.pk, [])
    return DocumentDetail(
        document=document,
        recipients=rows,
        events=events,
        attachments=files,
        reply_attachments=replies,
        warning=document_warning(document, rows),
    )


# --- Reply tracking (回复跟踪) ---


def reply_tracking(
    user,
    *,
    group: Org | None = None,
    kind: str = "",
    status: str = "",
    warning: str = "",
    org: Org | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
) -> QuerySet:
    """One row per recipient of every sent document one may see (a liaison: the rows of their subtree only).
    `status` is the recipient's status; `warning` the recipient's colour. Rows get `.warning` via
    with_recipient_warnings."""
    qs = (
        visible_to(user, DocumentRecipient)
        .exclude(document__status=DocumentStatus.DRAFT)
        .filter(document__in=visible_to(user, Document))
    )
    if group is not None:
        qs = qs.filter(document__group=group)
    if kind:
        qs = qs.filter(document__kind=kind)
    if status:
        qs = qs.filter(status=status)
    if warning:
        qs = qs.filter(recipient_warning_filter(warning))
    if org is not None:
        qs = qs.filter(in_subtrees("org", [org.path]))
    if date_from:
        qs = qs.filter(document__issued_on__gte=date_from)
    if date_to:
        qs = qs.filter(document__issued_on__lte=date_to)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(document__title__icontains=q) | Q(document__number__icontains=q) | Q(reply_text__icontains=q))
    return qs.select_related("document", "document__group", "org").order_by(
        "document__reply_due_on", "-document__issued_on", "document_id", "org__path"
    )


def apply_tracking_filters(user, filters: DocumentFilters) -> QuerySet:
    if filters.invalid_ref:
        return DocumentRecipient.objects.none()
    return reply_tracking(
        user,
        group=filters.group,
        kind=filters.kind,
        status=filters.status,
        warning=filters.warning,
        org=filters.org,
        date_from=filters.date_from,
        date_to=filters.date_to,
        q=filters.q,
    )


def with_recipient_warnings(rows, *, on: date | None = None) -> list:
    out = list(rows)
    for r in out:
        r.warning = recipient_warning(r, r.document, on=on)
    return out


# --- Counts for the reports module ---

COUNT_BY = ("group", "kind", "month", "status", "week")


def _sent_in(user, date_from: date | None, date_to: date | None, groups) -> QuerySet:
    """Sent documents one may see, issued in the period, within a report's groups: what every count counts."""
    qs = within_groups(visible_to(user, Document).exclude(status=DocumentStatus.DRAFT), groups)
    if date_from:
        qs = qs.filter(issued_on__gte=date_from)
    if date_to:
        qs = qs.filter(issued_on__lte=date_to)
    return qs


def document_counts(
    user, *, by: str, date_from: date | None = None, date_to: date | None = None, groups=None
) -> list[dict]:
    """Numbers of sent documents (by issue date in the period) one may see, per group, kind, month or status:
    [{"key", "label", "count"}], in a stable order. E.g. 驻省卫健委组 … 21 in March–May 2022. "week": per ISO
    week of the issue date (key: the Monday, ISO)."""
    if by not in COUNT_BY:
        raise ValueError(f"by must be one of {COUNT_BY}")
    qs = _sent_in(user, date_from, date_to, groups)
    qs = qs.order_by()
    if by == "group":
        rows = qs.values("group_id", "group__name", "group__path").annotate(n=Count("id")).order_by("group__path")
        return [{"key": r["group_id"], "label": r["group__name"], "count": r["n"]} for r in rows]
    if by == "month":
        rows = buckets.per_month(qs, "issued_on")
        return [{"key": f"{m:%Y-%m}", "label": f"{m.year}年{m.month}月", "count": n} for m, n, _t in rows]
    if by == "week":
        rows = buckets.per_week(qs, "issued_on")
        return [{"key": w.isoformat(), "label": cn_week(w), "count": n} for w, n, _t in rows]
    enum = DocumentKind if by == "kind" else DocumentStatus
    counts = dict(qs.values_list(by).annotate(n=Count("id")).values_list(by, "n"))
    return [{"key": v, "label": str(label), "count": counts[v]} for v, label in enum.choices if counts.get(v)]


def kind_counts_by_group(
    user, *, date_from: date | None = None, date_to: date | None = None, groups=None
) -> dict[int, dict[str, int]]:
    """Sent documents one may see, issued in the period, per group and kind (the monthly table's 份数 by kind).
    One grouped query: {group id: {kind: n}}."""
    qs = _sent_in(user, date_from, date_to, groups)
    out: dict[int, dict[str, int]] = {}
    for group_id, kind, n in qs.order_by().values_list("group_id", "kind").annotate(n=Count("id")):
        out.setdefault(group_id, {})[kind] = n
    return out


@dataclass
class ReplyTimeliness:
    """Replies of recipients to documents with a reply deadline, as they stood on a day (from dates only)."""

    on_time: int = 0  # replied on or before the deadline
    late: int = 0  # replied after the deadline
    missed: int = 0  # deadline passed, no reply yet
    pending: int = 0  # no reply yet, deadline not passed

    @property
    def due(self) -> int:
        """Replies due: those given, and those whose deadline has passed."""
        return self.on_time + self.late + self.missed

    @property
    def rate(self) -> float | None:
        """按期回复率 in percent: replies on time / replies due."""
        return round(100 * self.on_time / self.due, 1) if self.due else None

    def add(self, other: "ReplyTimeliness") -> None:
        self.on_time += other.on_time
        self.late += other.late
        self.missed += other.missed
        self.pending += other.pending


REPLY_TIMELINESS_BY = {"org": "org_id", "group": "document__group_id"}


def reply_timeliness(
    user,
    *,
    by: str = "org",
    date_from: date | None = None,
    date_to: date | None = None,
    on: date | None = None,
    groups=None,
) -> dict[int, ReplyTimeliness]:
    """回复及时性 per recipient org (by="org") or per owning group (by="group"), over the recipient rows one may
    see of sent documents with a reply deadline, issued in the period, as they stood on `on` (default today).
    Timeliness is computed from the dates (the day of replied_at in Asia/Shanghai against reply_due_on), never
    typed in; a reply given after `on` counts as not given yet. One grouped query: {key: ReplyTimeliness}."""
    if by not in REPLY_TIMELINESS_BY:
        raise ValueError(f"by must be one of {tuple(REPLY_TIMELINESS_BY)}")
    on = on or timezone.localdate()
    qs = (
        visible_to(user, DocumentRecipient)
        .exclude(document__status=DocumentStatus.DRAFT)
        .filter(document__reply_due_on__isnull=False)
    )
    qs = within_groups(qs, groups, "document__group")
    if date_from:
        qs = qs.filter(document__issued_on__gte=date_from)
    if date_to:
        qs = qs.filter(document__issued_on__lte=date_to)
    replied = Q(replied_at__isnull=False, replied_at__date__lte=on)
    due = F("document__reply_due_on")
    key = REPLY_TIMELINESS_BY[by]
    rows = (
        qs.order_by()
        .values(key)
        .annotate(
            on_time=Count("id", filter=replied & Q(replied_at__date__lte=due)),
            late=Count("id", filter=replied & Q(replied_at__date__gt=due)),
            missed=Count("id", filter=~replied & Q(document__reply_due_on__lt=on)),
            pending=Count("id", filter=~replied & Q(document__reply_due_on__gte=on)),
        )
    )
    return {
        r[key]: ReplyTimeliness(on_time=r["on_time"], late=r["late"], missed=r["missed"], pending=r["pending"])
        for r in rows
    }


# --- To-do ---


@dataclass
class Awaiting:
    to_acknowledge: list[DocumentRecipient] = field(default_factory=list)  # liaison: 待签收
    to_reply: list[DocumentRecipient] = field(default_factory=list)  # liaison: 待回复 (a reply is due)
    to_issue: list[Document] = field(default_factory=list)  # group leader: drafts to sign
    to_close: list[Document] = field(default_factory=list)  # group: ready to close

    @property
    def total(self) -> int:
        return len(self.to_acknowledge) + len(self.to_reply) + len(self.to_issue) + len(self.to_close)


def documents_awaiting(user, *, limit: int = 50) -> Awaiting:
    """What waits for `user`: for a liaison, documents to acknowledge and to answer (most urgent first); for a
    group leader, drafts to issue; for the group, documents whose replies are all in and can be closed."""
    p = principal(user)
    result = Awaiting()
    if p.has(Role.LIAISON):
        mine = (
            visible_to(user, DocumentRecipient)
            .filter(document__status__in=[DocumentStatus.ISSUED, DocumentStatus.RECEIVED])
            .select_related("document", "document__group", "org")
            .order_by("document__reply_due_on", "document__issued_on", "id")
        )
        own = Q()
        for path in p.org_paths(Role.LIAISON):
            own |= Q(org__path__startswith=path)
        mine = mine.filter(own)
        result.to_acknowledge = with_recipient_warnings(mine.filter(status=RecipientStatus.PENDING)[:limit])
        result.to_reply = with_recipient_warnings(
            mine.filter(status=RecipientStatus.RECEIVED, document__reply_due_on__isnull=False)[:limit]
        )
    leader_groups = p.org_ids(Role.GROUP_LEADER)
    if leader_groups:
        drafts = visible_to(user, Document).filter(group_id__in=leader_groups, status=DocumentStatus.DRAFT)
        result.to_issue = list(drafts.select_related("group").order_by("-updated_at")[:limit])
    groups = p.org_ids(*GROUP_ROLES)
    if groups:
        ready = (
            visible_to(user, Document)
            .filter(group_id__in=groups)
            .filter(Q(status=DocumentStatus.REPLIED) | Q(status=DocumentStatus.RECEIVED, reply_due_on__isnull=True))
        )
        result.to_close = list(ready.select_related("group").order_by("issued_on")[:limit])
    return result


# --- Choices for forms and filters ---


def recipient_org_choices(user, group_ids) -> list[tuple[str, list[tuple[int, str]]]]:
    """Departments and units one may address, grouped: those the group(s) supervise (with their units) first."""
    orgs = list(
        visible_to(user, Org)
        .filter(kind__in=[OrgKind.DEPARTMENT, OrgKind.UNIT], is_active=True)
        .only("pk", "name", "path", "depth")
        .order_by("path")
    )
    roots = list(
        Assignment.objects.filter(group_id__in=list(group_ids))
        .values_list("org__path", flat=True)
        .order_by("org__path")
    )
    supervised = [o for o in orgs if any(o.path.startswith(r) for r in roots)]
    others = [o for o in orgs if not any(o.path.startswith(r) for r in roots)]
    out = []
    if supervised:
        out.append(("本组监督单位", [(o.pk, "\u3000" * o.depth + o.name) for o in supervised]))
    if others:
        out.append(("其他单位", [(o.pk, "\u3000" * o.depth + o.name) for o in others]))
    return out


def group_choices(user) -> QuerySet:
    """Groups whose documents one may see (for the list filter)."""
    p = principal(user)
    qs = visible_to(user, Org).filter(kind=OrgKind.GROUP).only("pk", "name", "path").order_by("path")
    if not p.has(*COMMISSION_ROLES):
        qs = qs.filter(pk__in=visible_to(user, Document).values("group_id"))
    return qs


@org_filter_choices("document-filter")
def filter_org_choices(user) -> QuerySet:
    """Recipient orgs one may filter the list by (the list's org filter)."""
    return visible_to(user, Org).filter(kind__in=[OrgKind.DEPARTMENT, OrgKind.UNIT]).order_by("path")


def drafting_groups(user) -> QuerySet:
    """The groups `user` may draft for (their own)."""
    return Org.objects.filter(pk__in=principal(user).org_ids(*GROUP_ROLES), kind=OrgKind.GROUP).order_by("path")


def numbering_rules_for(user) -> list[dict]:
    """Groups whose prefix `user` may see or set, with their rule (or None)."""
    from .access import may_set_numbering

    p = principal(user)
    if p.has(*COMMISSION_ROLES):
        groups = Org.objects.filter(kind=OrgKind.GROUP).order_by("path")
    else:
        groups = Org.objects.filter(kind=OrgKind.GROUP, pk__in=p.org_ids(*GROUP_ROLES)).order_by("path")
    rules = {r.group_id: r for r in visible_to(user, NumberingRule)}
    return [{"group": g, "rule": rules.get(g.pk), "may_set": may_set_numbering(p, g.pk)} for g in groups]


# --- Attachments of many records at once (lists and the API: one query, not one per row) ---


def attach_files(documents) -> None:
    """Set `.files` (the draft's attachments) on each document and `.reply_files` on its shown recipient rows."""
    from django.contrib.contenttypes.models import ContentType

    from jiandu.core.models import Attachment

    documents = list(documents)
    if not documents:
        return
    doc_type = ContentType.objects.get_for_model(Document)
    rec_type = ContentType.objects.get_for_model(DocumentRecipient)
    rows = [r for d in documents for r in getattr(d, "shown_recipients", [])]
    by_doc: dict[int, list] = {}
    by_rec: dict[int, list] = {}
    q = Q(owner_type=doc_type, owner_id__in=[d.pk for d in documents], purpose="file")
    if rows:
        q |= Q(owner_type=rec_type, owner_id__in=[r.pk for r in rows], purpose="reply")
    for att in Attachment.objects.filter(q).order_by("sort_order", "id"):
        target = by_doc if att.owner_type_id == doc_type.pk else by_rec
        target.setdefault(att.owner_id, []).append(att)
    for d in documents:
        d.files = by_doc.get(d.pk, [])
    for r in rows:
        r.reply_files = by_rec.get(r.pk, [])


# --- Every group at once (a province briefing: a fixed number of queries, whatever the number of groups) ---


def itemised_documents_by_group(
    user, *, date_from: date | None = None, date_to: date | None = None, groups=None, per_group: int = 3
) -> dict[int, list[Document]]:
    """Sent documents one may see, issued in the period, that give items (条 of advice): the first `per_group` of
    each group by issue date, with their recipient rows and orgs prefetched (`recipients`, by org path):
    {group id: [Document]}. Three queries (a row number per group), whatever the number of groups."""
    from django.db.models import Window
    from django.db.models.functions import RowNumber

    qs = within_groups(visible_to(user, Document).exclude(status=DocumentStatus.DRAFT), groups).filter(
        items_count__isnull=False
    )
    if date_from:
        qs = qs.filter(issued_on__gte=date_from)
    if date_to:
        qs = qs.filter(issued_on__lte=date_to)
    qs = (
        qs.annotate(
            rank=Window(RowNumber(), partition_by=F("group_id"), order_by=[F("issued_on").asc(), F("id").asc()])
        )
        .filter(rank__lte=per_group)
        .prefetch_related("recipients__org")
        .order_by("group_id", "issued_on", "id")
    )
    out: dict[int, list[Document]] = {}
    for d in qs:
        out.setdefault(d.group_id, []).append(d)
    return out


def dashboard_by_group(
    user, *, date_from: date | None = None, date_to: date | None = None, groups=None
) -> dict[int, dict]:
    """The dashboard's document figures of each group at once (sent documents one may see, issued in the period)
    — reports.dashboard keeps them per group and sums them over a scope: {group id: {"kinds": {kind: n},
    "weeks": {Monday (ISO): n}}}, as document_counts(by="kind"/"week") give them for one group. Two queries."""
    kinds = kind_counts_by_group(user, date_from=date_from, date_to=date_to, groups=groups)
    out: dict[int, dict] = {g: {"kinds": k, "weeks": {}} for g, k in kinds.items()}
    qs = _sent_in(user, date_from, date_to, groups).order_by()
    for group_id, day, n in qs.values_list("group_id", "issued_on").annotate(n=Count("id")):
        weeks = out.setdefault(group_id, {"kinds": {}, "weeks": {}})["weeks"]
        key = buckets.monday(day).isoformat()
        weeks[key] = weeks.get(key, 0) + n
    return out
