"""Cached figures that are never stale (DESIGN §13): one mechanism for every cache of derived figures.

Every write to a business record raises a counter of the record's owning group (`DataVersion` key `g<pk>`);
writes to anything without a group (orgs, grants, sites, indicators, settings) raise the shared counter `*`.
The counters are raised in the same transaction as the write, by model signals (post_save, post_delete,
m2m_changed) — so no service can forget — and by `touch()` where rows are written in bulk (bulk_create and
update() send no signals: importers call it).

`cached(name, parts, compute, groups=…)` keys a computed value by its parts and by the sum of the counters it
depends on (the scope's groups and `*`; every group when the scope is "all I may see"). Counters only grow, so
any write in scope changes the sum and the next read recomputes; a reader that raced a writer can at worst store
fresh figures under the old key, never stale figures under the new one. Because the counters live in the
database, this holds in every process whatever the cache backend (Redis shared across machines in production,
per-process memory on the embedded default).
"""

import hashlib
import logging
import pickle

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
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


def group_key(pk) -> str:
    return f"g{pk}"


def touch(group_ids=None) -> None:
    """Raise the counters of these groups (None or empty: the shared counter), in the current transaction."""
    keys = sorted({group_key(pk) for pk in group_ids or () if pk is not None}) or [SHARED]
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


def stamp(group_ids=None) -> int:
    """The sum of the counters a figure over these groups depends on (None: every group)."""
    qs = DataVersion.objects.all()
    if group_ids is not None:
        qs = qs.filter(key__in=[SHARED, *(group_key(pk) for pk in group_ids)])
    return qs.aggregate(s=Sum("n"))["s"] or 0


def cached(name: str, parts, compute, *, groups=None, timeout: int = TIMEOUT):
    """compute(), or its value cached under `name`, `parts` (anything with a stable repr: user, scope, day) and
    the counters of `groups` (None: every group). One query to read the counters, one cache read."""
    if not getattr(settings, "JIANDU_FIGURE_CACHE", True):
        return compute()
    key = _key(name, (parts, stamp(groups)))
    hit = cache.get(key)
    if hit is not None:
        return pickle.loads(hit)
    value = compute()
    try:
        cache.set(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), timeout)
    except Exception:  # an unreachable cache never breaks a page: the figures were computed
        log.warning("figure cache unavailable", exc_info=True)
    return value


def cached_per_group(name: str, parts, compute, group_ids, *, timeout: int = TIMEOUT) -> dict:
    """Values computed per group and cached per group: {group id: value} for every id of `group_ids`, each cached
    under `name`, `parts`, its group's counter and the shared one. `compute(ids)` is called once, for the groups
    whose value is missing or stale, and returns {id: value} for those it has figures for (the others get None).
    After a write in one group of a province, only that group's value is recomputed. One query for the counters,
    one cache read and one write."""
    ids = list(dict.fromkeys(group_ids))
    if not getattr(settings, "JIANDU_FIGURE_CACHE", True):
        fresh = compute(ids)
        return {g: fresh.get(g) for g in ids}
    counters = dict(DataVersion.objects.filter(key__in=[SHARED, *(group_key(g) for g in ids)]).values_list("key", "n"))
    shared = counters.get(SHARED, 0)
    keys = {g: _key(name, (parts, g, counters.get(group_key(g), 0), shared)) for g in ids}
    try:
        hits = cache.get_many(list(keys.values()))
    except Exception:  # an unreachable cache never breaks a page
        log.warning("figure cache unavailable", exc_info=True)
        hits = {}
    out = {g: hits[k] for g, k in keys.items() if k in hits}
    missing = [g for g in ids if g not in out]
    if missing:
        fresh = compute(missing)
        values = {g: fresh.get(g) for g in missing}
        out.update(values)
        try:
            cache.set_many({keys[g]: v for g, v in values.items()}, timeout)  # the backend pickles them
        except Exception:
            log.warning("figure cache unavailable", exc_info=True)
    return out


def _key(name: str, parts) -> str:
    return f"jiandu:{name}:{hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()}"


# --- Signals: every write raises its group's counter ---


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
    touch([group] if group is not None else None)


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
