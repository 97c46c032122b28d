"""Cached figures that are never stale (DESIGN §13): one mechanism for every cache of derived figures.

Every write to a business record raises two counters of the record's owning group: the group's own
(`DataVersion` key `g<pk>`) and the group's counter of the record's module (its app: `g<pk>.problems`);
writes to anything without a group (orgs, grants, sites, indicators, settings) raise the shared counter `*`.
The counters are raised in the same transaction as the write, by model signals (post_save, post_delete,
m2m_changed) — so no service can forget — and by `touch()` where rows are written in bulk (bulk_create and
update() send no signals: importers call it).

`cached(name, parts, compute, groups=…, app=…)` keys a computed value by its parts and by the sum of the counters
it depends on (the scope's groups and `*`; every group when the scope is "all I may see"; with `app`, only the
groups' counters of that module: figures of problems stay cached when an activity is written). Counters only grow, so
any write in scope changes the sum and the next read recomputes; a reader that raced a writer can at worst store
fresh figures under the old key, never stale figures under the new one. Because the counters live in the
database, this holds in every process whatever the cache backend (Redis shared across machines in production,
per-process memory on the embedded default).
"""

import hashlib
import logging
import pickle
import secrets
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import DataVersion

log = logging.getLogger(__name__)

SHARED = "*"
# The apps whose writes change figures. Their models with a `group` raise that group's counter; the others
# (and a model whose group cannot be found) raise SHARED.
# Timelines and number counters are written with their record (which raises the counter already); accounts,
# their sessions and password history change no figure (a login saves last_login).
TRACKED_APPS = ("organizations", "activities", "documents", "problems", "sampling", "hotline", "stats")
UNTRACKED_MODELS = {"organizations.user", "organizations.usersession", "organizations.passwordhistory"}
TIMEOUT = 15 * 60  # seconds; a safety net only: freshness comes from the counters
DAY = 26 * 3600  # for figures costly to compute (a province's dashboard parts), kept until the next day's warm-up


def group_key(pk, app: str | None = None) -> str:
    """A group's counter: of every write in the group, or (`app`) of the writes to that module's records."""
    return f"g{pk}" if app is None else f"g{pk}.{app}"


def touch(group_ids=None, apps=None) -> None:
    """Raise the counters of these groups (None or empty: the shared counter), in the current transaction: each
    group's own and its counters of the modules `apps` (None: of every module, for a write that does not say)."""
    groups = {pk for pk in group_ids or () if pk is not None}
    modules = (None, *(apps or TRACKED_APPS))
    keys = sorted({group_key(pk, app) for pk in groups for app in modules}) or [SHARED]
    with transaction.atomic():
        updated = DataVersion.objects.filter(key__in=keys).update(n=F("n") + 1)
        if updated < len(keys):
            have = set(DataVersion.objects.filter(key__in=keys).values_list("key", flat=True))
            for key in keys:
                if key not in have:
                    try:
                        with transaction.atomic():
                            DataVersion.objects.create(key=key, n=1)
                    except IntegrityError:  # created meanwhile by another writer
                        DataVersion.objects.filter(key=key).update(n=F("n") + 1)


_snapshot: ContextVar[dict | None] = ContextVar("jiandu_freshness_snapshot", default=None)


@contextmanager
def snapshot():
    """Within the block every counter is read once, for a page that checks many cached figures (the dashboard: the
    whole page's, then each module's): one query instead of one per figure. Figures computed in the block are kept
    under the counters read at its start, so a write meanwhile has them read again next time, never kept stale."""
    token = _snapshot.set(dict(DataVersion.objects.values_list("key", "n")))
    try:
        yield
    finally:
        _snapshot.reset(token)


def stamp(group_ids=None, app: str | None = None) -> int:
    """The sum of the counters a figure over these groups (None: every group) depends on: the shared one and the
    groups' own, or their counters of the module `app` for a figure of that module alone."""
    keys = None if group_ids is None else {SHARED, *(group_key(pk, app) for pk in group_ids)}
    return sum(_counters(keys, app).values())


def cached(name: str, parts, compute, *, groups=None, app: str | None = None, timeout: int = TIMEOUT):
    """compute(), or its value cached under `name`, `parts` (anything with a stable repr: user, scope, day) and
    the counters of `groups` (None: every group; `app`: their counters of that module). One query to read the
    counters, one cache read. A compute() returning None (it chose not to wait) is not cached."""
    if not getattr(settings, "JIANDU_FIGURE_CACHE", True):
        return compute()
    key = _key(name, (parts, stamp(groups, app)))
    hit = cache.get(key)
    if hit is not None:
        return pickle.loads(hit)
    value = compute()
    if value is None:  # not computed (cached_sum(wait=False)): nothing to keep
        return None
    try:
        cache.set(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), timeout)
    except Exception:  # an unreachable cache never breaks a page: the figures were computed
        log.warning("figure cache unavailable", exc_info=True)
    return value


def cached_sum(
    name: str, parts, compute, group_ids, *, app: str | None = None, timeout: int = TIMEOUT, wait: bool = True
) -> dict | None:
    """The sum over `group_ids` of figures computed per group, each a flat {key: number} dict (keys absent or
    zero are the same). `compute(ids)` returns {id: figures} for the groups it is asked for (an absent id: no
    figures). Each group's figures are cached under `name`, `parts`, its counter (of the module `app`, when the
    figures are that module's alone) and the shared one; the sum is
    cached too, with the counters it was summed at. After writes in a few groups of a province, only those
    groups are read again, and the sum is mended: their old figures taken off, their new ones added — not 200
    parts read and added up. Each part carries a random token that the sum records: a part overwritten by a
    racing reader no longer matches, and the sum is then added up again from the parts. Two cache reads and
    one write, one query for the counters. With wait=False, None instead of computing figures that would take
    longer than PROGRESSIVE_MS: the groups to read times the time a group took when last read (COST_MS until
    measured) — the page then shows progress and asks for them in a second request."""
    ids = list(dict.fromkeys(group_ids))
    if not getattr(settings, "JIANDU_FIGURE_CACHE", True):
        return _add_up(compute(ids).values())
    state = _SumState(name, parts, ids, app)
    if state.fresh:
        return state.total
    if not wait and state.pending_ms() > PROGRESSIVE_MS:
        return None
    timed = _timed(name, compute)
    if state.mending:
        changed, at, old = state.changed, state.at, state.old
        new = _parts(changed, {g: state.part_key(g) for g in changed}, timed, timeout)
        total = _add_up([state.total, *(new[g][1] for g in changed)], less=[old[g][1] for g in changed])
        at = {**at, **{g: (state.now[g], new[g][0]) for g in changed}}
        _cache_set(state.sum_key, (at, total), timeout)
        return total
    every = _parts(ids, {g: state.part_key(g) for g in ids}, timed, timeout)
    total = _add_up(every[g][1] for g in ids)
    _cache_set(state.sum_key, ({g: (state.now[g], every[g][0]) for g in ids}, total), timeout)
    return total


# Figures that would take longer than this to compute (a province's records read cold: seconds) are not waited
# for: the page comes at once with a progress mark and asks for them in a second request (the dashboard, the
# problem list's colour chips).
PROGRESSIVE_MS = 100
# A group's figures, until measured: the least a group costs (the queries themselves), so that a small data set
# is never kept waiting for a second request; a province's group of 5,000 activities and problems takes ~30 ms.
COST_MS = 2.0


class _SumState:
    """What cached_sum finds in the cache: `fresh` (the cached `total` is up to date), `mending` (a few groups
    changed, `changed`, whose old parts `old` match the sum: take them off and add their new ones), or
    neither (add up every part, reading the missing ones)."""

    def __init__(self, name: str, parts, ids: list, app: str | None):
        self.name, self.parts, self.ids = name, parts, ids
        keys = {g: group_key(g, app) for g in ids}
        counters = _counters({SHARED, *keys.values()}, app)
        self.shared = counters.get(SHARED, 0)
        self.now = {g: counters.get(keys[g], 0) for g in ids}
        self.sum_key = _key(f"{name}-sum", (parts, ids, self.shared))
        self.fresh = self.mending = False
        stored = _cache_get(self.sum_key)  # ({group: (counter, token)}, sum) or None
        if stored is None:
            return
        self.at, self.total = stored
        self.changed = [g for g in ids if self.at[g][0] != self.now[g]]
        self.fresh = not self.changed
        if not self.fresh and len(self.changed) <= len(ids) // 4:
            self.old = _cache_get_many({g: self.part_key(g, self.at[g][0]) for g in self.changed})
            self.mending = all(g in self.old and self.old[g][0] == self.at[g][1] for g in self.changed)

    def part_key(self, g, n=None) -> str:
        return _key(self.name, (self.parts, g, self.now[g] if n is None else n, self.shared))

    def pending_ms(self) -> float:
        """About how long computing the missing figures would take: their number times what a group cost when
        about as many were last read (_cost_key)."""
        if self.mending:
            n = len(self.changed)
        else:
            n = len(self.ids) - len(_cache_get_many({g: self.part_key(g) for g in self.ids}))
        cost = _cache_get(_cost_key(self.name, n))
        return n * (cost if cost is not None else COST_MS)


def _counters(keys, app: str | None) -> dict[str, int]:
    """{key: n} of the counters `keys` (None: the shared one and every group's counter of the module `app`, or, with
    app None too, every counter: the module ones grow with the groups' own). From the snapshot when one is held;
    many keys (a province's groups) are read by their pattern: a list of 200 keys costs more to send than the rows
    it reads."""
    held = _snapshot.get()
    if held is None:
        if keys is not None and len(keys) <= 20:
            qs = DataVersion.objects.filter(key__in=keys)
        elif app is not None:
            qs = DataVersion.objects.filter(Q(key=SHARED) | Q(key__endswith=f".{app}"))
        else:
            qs = DataVersion.objects.all()
        held = dict(qs.values_list("key", "n"))
    if keys is not None:
        return {key: held[key] for key in keys if key in held}
    return {key: n for key, n in held.items() if app is None or key == SHARED or key.endswith(f".{app}")}


def _cost_key(name: str, n: int) -> str:
    """Where the time a group took is kept, apart for a few groups read (a mend after writes: each group's rows
    found by its index) and for many (a province read cold: one pass over the tables, a group's share of it
    is no guide to one group read alone)."""
    return _key(f"{name}-cost", ("few" if n <= FEW else "many",))


# Up to this many groups read at once are "a few" (_cost_key).
FEW = 4


def _timed(name: str, compute):
    """compute, recording the time it took per group (for _SumState.pending_ms)."""

    def timed(ids):
        started = time.perf_counter()
        out = compute(ids)
        _cache_set(_cost_key(name, len(ids)), 1000 * (time.perf_counter() - started) / max(len(ids), 1), DAY)
        return out

    return timed


def _parts(ids, keys: dict, compute, timeout) -> dict:
    """{group: (token, figures)} from the cache, the missing ones computed in one call and cached."""
    out = _cache_get_many(keys)
    missing = [g for g in ids if g not in out]
    if missing:
        fresh = compute(missing)
        values = {g: (secrets.token_hex(8), fresh.get(g) or {}) for g in missing}
        out.update(values)
        try:
            cache.set_many({keys[g]: v for g, v in values.items()}, timeout)  # the backend pickles them
        except Exception:
            log.warning("figure cache unavailable", exc_info=True)
    return out


def _add_up(parts, less=()) -> dict:
    """The sum of flat {key: number} dicts, minus those of `less`; keys summing to zero are left out."""
    total: dict = {}
    for part in parts:
        for k, n in part.items():
            total[k] = total.get(k, 0) + n
    for part in less:
        for k, n in part.items():
            total[k] = total.get(k, 0) - n
    return {k: n for k, n in total.items() if n}


def _cache_get(key):
    try:
        return cache.get(key)
    except Exception:  # an unreachable cache never breaks a page
        log.warning("figure cache unavailable", exc_info=True)
        return None


def _cache_get_many(keys: dict) -> dict:
    """{name: value} of the cached ones of keys {name: cache key}."""
    try:
        hits = cache.get_many(list(keys.values()))
    except Exception:
        log.warning("figure cache unavailable", exc_info=True)
        return {}
    return {g: hits[k] for g, k in keys.items() if k in hits}


def _cache_set(key, value, timeout) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:
        log.warning("figure cache unavailable", exc_info=True)


def _key(name: str, parts) -> str:
    return f"jiandu:{name}:{hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()}"


# --- Signals: every write raises its group's counters ---


def _group_of(instance):
    """The owning group's pk of a record: its `group`, or its parent's (the first foreign key to a model with a
    `group`); None when it has none (orgs, sites, settings)."""
    meta = instance._meta
    if any(f.name == "group" for f in meta.concrete_fields):
        return instance.group_id
    for f in meta.concrete_fields:
        if f.is_relation and f.many_to_one and any(g.name == "group" for g in f.related_model._meta.concrete_fields):
            parent_id = getattr(instance, f.attname)
            if parent_id is None:
                continue
            cached_parent = f.get_cached_value(instance, None)
            if cached_parent is not None:
                return cached_parent.group_id
            return f.related_model._default_manager.filter(pk=parent_id).values_list("group_id", flat=True).first()
    return None


def _on_write(sender, instance, raw=False, **kwargs):
    if raw:  # fixtures
        return
    group = _group_of(instance)
    touch([group] if group is not None else None, apps=[sender._meta.app_label])


def _on_m2m(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        _on_write(sender, instance)


def _tracked(model) -> bool:
    name = model._meta.model_name
    return (
        model._meta.app_label in TRACKED_APPS
        and model._meta.label_lower not in UNTRACKED_MODELS
        and not name.endswith(("event", "counter"))
    )


def connect() -> None:
    """Called once from CoreConfig.ready()."""
    for model in apps.get_models(include_auto_created=True):
        if not _tracked(model):
            continue
        if model._meta.auto_created:  # a many-to-many table: m2m_changed on its owner
            m2m_changed.connect(_on_m2m, sender=model, dispatch_uid=f"freshness-m2m-{model._meta.label_lower}")
            continue
        post_save.connect(_on_write, sender=model, dispatch_uid=f"freshness-save-{model._meta.label_lower}")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"freshness-delete-{model._meta.label_lower}")
