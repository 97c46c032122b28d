"""The one way a page shows a service's error (jiandu.core.errors.AppError) on a form."""

from collections.abc import Callable


def show_error(form, error, *, rename: Callable[[str], str] | None = None) -> None:
    """The error's message above the form, its field errors next to their fields (`rename` maps a service's
    field name to the form's, e.g. "attributes.beds" → "attr_beds")."""
    form.add_error(None, error.message)
    for field, messages in (getattr(error, "fields", None) or {}).items():
        name = rename(field) if rename else field
        if name in form.fields and name not in form.errors:
            for m in messages:
                form.add_error(name, m)
