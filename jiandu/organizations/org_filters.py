"""The org field of list filters (problems, activities, documents, hotline cases, sites): a <select> when the viewer
has a few orgs to pick from, a typeahead when there are many (a province has 2,000: as <option>s they were most of
the page and of its render time).

Each list registers the queryset of orgs its filter offers with `org_filter_choices(name)`. The page's field, the
typeahead's search (organizations:org_typeahead) and the text a browser without JavaScript submits all read that
one queryset, which is scoped through core.access.visible_to: no second access rule.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from jiandu.core.access import visible_to

from .models import Org

SELECT_UP_TO = 50  # more choices than this: a typeahead instead of a <select>
MATCHES_SHOWN = 20  # orgs per typeahead answer
QUERY_MAX = 50  # characters of the typed text that are searched

_CHOICES: dict[str, Callable[..., QuerySet]] = {}


def org_filter_choices(name: str):
    """Register `choices(user) -> QuerySet` (orgs in tree order) as the orgs the list filter `name` offers."""

    def register(choices: Callable[..., QuerySet]) -> Callable[..., QuerySet]:
        _CHOICES[name] = choices
        return choices

    return register


def filter_choices(user, name: str) -> QuerySet:
    """The orgs the filter `name` offers `user`; none for a filter nobody registered."""
    choices = _CHOICES.get(name)
    return choices(user) if choices is not None else Org.objects.none()


@dataclass(frozen=True)
class OrgFilter:
    """What a list's filter form shows for its org: `options` for a <select>, or, when None, a typeahead filled in
    with `selected` (and its parents as `hint`)."""

    name: str  # the registered filter, for the typeahead's searches
    options: list[tuple[int, str]] | None
    selected: Org | None = None
    hint: str = ""

    @property
    def typeahead(self) -> bool:
        return self.options is None


def org_filter(user, name: str, selected: Org | None = None) -> OrgFilter:
    """The org field of the filter `name` for `user`, `selected` being the org the list is filtered by. One query
    (LIMIT SELECT_UP_TO + 1), plus one for the selected org's parents when it is a typeahead."""
    rows = list(filter_choices(user, name).values_list("pk", "name", "depth")[: SELECT_UP_TO + 1])
    if len(rows) <= SELECT_UP_TO:
        options = [(pk, "\u3000" * depth + label) for pk, label, depth in rows]  # indented as a tree
        return OrgFilter(name=name, options=options, selected=selected)
    hint = _parent_hints(user, [selected]).get(selected.pk, "") if selected is not None else ""
    return OrgFilter(name=name, options=None, selected=selected, hint=hint)


@dataclass(frozen=True)
class OrgMatch:
    id: int
    name: str
    code: str
    hint: str  # the parents the viewer may see, from the top: "省卫健委 / 省人民医院"


def org_matches(user, name: str, q: str, *, limit: int = MATCHES_SHOWN) -> tuple[list[OrgMatch], bool]:
    """(the first `limit` orgs of the filter `name` whose name, short name or code contains `q`, in tree order;
    whether there are more). An empty `q` gives the top of the tree. Two queries."""
    qs = filter_choices(user, name)
    q = " ".join((q or "").split())[:QUERY_MAX]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__icontains=q))
    orgs = list(qs.only("pk", "name", "code", "path")[: limit + 1])
    more = len(orgs) > limit
    orgs = orgs[:limit]
    hints = _parent_hints(user, orgs)
    return [OrgMatch(id=o.pk, name=o.name, code=o.code, hint=hints.get(o.pk, "")) for o in orgs], more


def _parent_hints(user, orgs) -> dict[int, str]:
    """{org pk: its parents that `user` may see, by display name, from the top}; one query (none without parents)."""
    parents = {o.pk: o.ancestor_ids()[:-1] for o in orgs}
    wanted = {pk for ids in parents.values() for pk in ids}
    if not wanted:
        return {}
    names = {
        pk: short or full
        for pk, full, short in visible_to(user, Org).filter(pk__in=wanted).values_list("pk", "name", "short_name")
    }
    return {pk: " / ".join(names[i] for i in ids if i in names) for pk, ids in parents.items()}


def typed_org(user, name: str, params, value):
    """The org a list is filtered by: `value` (the id submitted as `org`), unless the form was sent by a browser
    without JavaScript, whose typeahead text box is submitted too (`org_text`). Then the org of the filter's choices
    whose code (or whole name) was typed there is picked; an emptied box clears the filter; other text keeps `value`
    (the box still shows the chosen org), or, with no `value`, gives an id that matches nothing (an empty list)."""
    if params.get("org_text") is None:
        return value
    text = params.get("org_text").strip()
    if not text:
        return ""
    found = filter_choices(user, name).filter(Q(code__iexact=text) | Q(name=text)).values_list("pk", flat=True)
    found = list(found[:2])
    if len(found) == 1:
        return str(found[0])
    return value or "0"
