"""Rows written by the import in bulk, as plain values: no model instance and no compiled ORM statement per row.

`bulk_create` builds a model instance per row and prepares every value through the ORM's compiler, and on SQLite
writes 999 values a statement: on a 20,000-row import (with its 85,000 links and 20,000 timeline rows) that was
half of the import's time. These write the same columns, with the same defaults and the same conversions to the
database's types (`get_db_prep_save`, only for the types that need one), in statements of many rows.
"""

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model

# Field types whose Python values the database drivers take as they are (str, int, bool, None).
PLAIN = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "ForeignKey",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


def _columns(model: type[Model]) -> list:
    """The fields an INSERT writes: every concrete field but the primary key and the database-generated ones."""
    return [f for f in model._meta.concrete_fields if not f.primary_key and not getattr(f, "generated", False)]


def _tuples(model: type[Model], rows: list[dict]) -> tuple[list, list[tuple]]:
    """The rows (dicts by attname, e.g. group_id) as tuples in column order, defaults filled in, values converted.
    A converted value is remembered per field: an import's rows share their dates and their time of writing."""
    conn = connections[DEFAULT_DB_ALIAS]
    fields = _columns(model)
    defaults = [(f.attname, f.get_default()) for f in fields]
    prepared = [(i, f.get_db_prep_save, {}) for i, f in enumerate(fields) if f.get_internal_type() not in PLAIN]
    out = []
    for row in rows:
        values = [row.get(name, default) for name, default in defaults]
        for i, prep, seen in prepared:
            value = values[i]
            try:
                values[i] = seen[value]
            except KeyError:
                values[i] = seen[value] = prep(value, conn)
            except TypeError:  # not hashable (a dict for a JSON field)
                values[i] = prep(value, conn)
        out.append(tuple(values))
    return fields, out


def insert(model: type[Model], rows: list[dict]) -> None:
    """INSERT the rows (dicts by attname; a missing field takes its default) in one executemany."""
    if not rows:
        return
    fields, values = _tuples(model, rows)
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def insert_returning_ids(model: type[Model], rows: list[dict]) -> list[int]:
    """INSERT the rows and return their new primary keys, in the order of `rows`.

    Many rows a statement (as many as the database takes parameters), with RETURNING. The keys are sorted
    before they are matched to the rows: the database numbers a statement's rows in the order it inserts them,
    while RETURNING does not promise an order."""
    if not rows:
        return []
    if not connection.features.can_return_rows_from_bulk_insert:  # e.g. SQLite before 3.35: the ORM's way
        objs = [model(**row) for row in rows]
        model.objects.bulk_create(objs)
        return [o.pk for o in objs]
    fields, values = _tuples(model, rows)
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "
    one = f"({', '.join(['%s'] * len(fields))})"
    tail = f" RETURNING {quote(model._meta.pk.column)}"
    size = max(1, min(1000, connection.ops.bulk_batch_size(fields, values)))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(values), size):
            batch = values[start : start + size]
            cursor.execute(head + ", ".join([one] * len(batch)) + tail, [v for row in batch for v in row])
            ids += sorted(r[0] for r in cursor.fetchall())
    return ids
