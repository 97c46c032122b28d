"""Optimistic locking: a form carries the version it was opened at; saving over a newer version is a conflict."""

from django.db.models import Model

from .errors import Conflict, NotFound


def lock_current(obj: Model, expected_version: int | None) -> Model:
    """Re-read `obj` under a row lock and check it is still at `expected_version` (None skips the check)."""
    try:
        fresh = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    except type(obj).DoesNotExist:
        raise NotFound() from None
    if expected_version is not None and int(expected_version) != fresh.version:
        raise Conflict()
    return fresh


def bump(obj: Model) -> None:
    obj.version = (obj.version or 0) + 1
