"""Rows written by the import in bulk, as plain values: no model instance and no compiled ORM statement per row.

`bulk_create` builds a model instance per row and prepares every value through the ORM's compiler, and on SQLite
writes 999 values a statement: on a 20,000-row import (with its 85,000 links and 20,000 timeline rows) that was
half of the import's time. These write the same columns, with the same defaults and the same conversions to the
database's types (`get_db_prep_save`, only for the types that need one): on PostgreSQL by COPY, on SQLite in
INSERTs of many rows. New rows take their ids first (`reserve_ids`), so what derives from an id is written with the
row.
"""

from django.core.exceptions import ImproperlyConfigured
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


def _columns(model: type[Model], with_pk: bool = False) -> list:
    """The fields an INSERT writes: every concrete field but the database-generated ones, and the primary key
    only when the rows bring it (reserve_ids)."""
    return [
        f for f in model._meta.concrete_fields if (with_pk or not f.primary_key) and not getattr(f, "generated", False)
    ]


def _tuples(model: type[Model], rows: list[dict], with_pk: bool = False) -> tuple[list, list[tuple]]:
    """The rows (dicts by attname, e.g. group_id) as tuples in column order, defaults filled in, values converted.
    A converted value is remembered per field: an import's rows share their dates and their time of writing."""
    conn = connections[DEFAULT_DB_ALIAS]
    fields = _columns(model, with_pk)
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


def insert(model: type[Model], rows: list[dict], *, with_pk: bool = False) -> None:
    """INSERT the rows (dicts by attname; a missing field takes its default; with_pk: each brings its primary key,
    from reserve_ids). PostgreSQL: one COPY; SQLite: INSERTs of as many rows as its parameters allow."""
    if not rows:
        return
    fields, values = _tuples(model, rows, with_pk)
    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # psycopg's COPY: no statement to parse and bind per row
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            return
        # many rows a statement, as many as the database takes parameters (SQLite: faster than executemany)
        one = f"({', '.join(['%s'] * len(fields))})"
        size = max(1, min(1000, connection.ops.bulk_batch_size(fields, values)))
        for start in range(0, len(values), size):
            batch = values[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([one] * len(batch)),
                [v for row in batch for v in row],
            )


def reserve_ids(model: type[Model], n: int) -> list[int]:
    """`n` new primary keys of `model`, ascending, taken before the rows are written, so that what is derived
    from the id (an activity's code) is written with the row: no second UPDATE, which on PostgreSQL would write
    every row and its index entries (the keyword index's hundred) a second time.

    PostgreSQL: from the column's sequence. SQLite: after the highest id ever given (sqlite_sequence, as
    AUTOINCREMENT does, or the table's largest); the caller's transaction must already hold the write lock,
    which the project's SQLite transactions take when they begin (transaction_mode IMMEDIATE)."""
    if n <= 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, n])
            return sorted(row[0] for row in cursor.fetchall())
        if connection.vendor != "sqlite":  # the project runs on these two (config/settings: DATABASE_URL)
            raise ImproperlyConfigured(f"reserve_ids: no way to reserve ids on {connection.vendor}")
        if not connection.in_atomic_block:
            raise RuntimeError("reserve_ids: inside the transaction that writes the rows")
        quote = connection.ops.quote_name
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"coalesce((SELECT max({quote(pk)}) FROM {quote(table)}), 0))",
            [table],
        )
        last = cursor.fetchone()[0]
    return list(range(last + 1, last + 1 + n))
