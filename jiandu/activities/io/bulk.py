"""Rows written by the import in bulk, as plain values: no model instance and no compiled ORM statement per row.

`bulk_create` builds a model instance per row and prepares every value through the ORM's compiler, and on SQLite
writes 999 values a statement: on a 20,000-row import (with its 85,000 links and 20,000 timeline rows) that was
half of the import's time. These write the same columns, with the same defaults and the same conversions to the
database's types (`get_db_prep_save`, only for the types that need one): on PostgreSQL by COPY, on SQLite in
INSERTs of many rows. New rows take their ids first (`reserve_ids`), so what derives from an id is written with the
row.
"""

from contextlib import ExitStack

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


class _Converter:
    """A row (a dict by attname, e.g. group_id) as a tuple in column order, defaults filled in, values converted.
    A converted value is remembered per field: an import's rows share their dates and their time of writing."""

    def __init__(self, model: type[Model], with_pk: bool):
        self.conn = connections[DEFAULT_DB_ALIAS]
        self.fields = _columns(model, with_pk)
        self.defaults = [(f.attname, f.get_default()) for f in self.fields]
        self.prepared = [
            (i, f.get_db_prep_save, {}) for i, f in enumerate(self.fields) if f.get_internal_type() not in PLAIN
        ]
        self.shared = {}  # not hashable (a dict for a JSON field): by identity, e.g. every timeline row's `details`

    def __call__(self, row: dict) -> tuple:
        values = [row.get(name, default) for name, default in self.defaults]
        for i, prep, seen in self.prepared:
            value = values[i]
            try:
                values[i] = seen[value]
            except KeyError:
                values[i] = seen[value] = prep(value, self.conn)
            except TypeError:
                kept = self.shared.get((i, id(value)))
                if kept is None:  # the value is held with its conversion: its id stays its own
                    kept = self.shared[i, id(value)] = (value, prep(value, self.conn))
                values[i] = kept[1]
        return tuple(values)


class Writer:
    """Rows written as they are added (`add`, a dict by attname; a missing field takes its default; with_pk: each
    brings its primary key, from reserve_ids), inside `with`. PostgreSQL: one COPY, open while the rows come, so
    the database inserts them while the caller prepares the next; SQLite: INSERTs of as many rows as its
    parameters allow. Nothing else may use the connection inside the `with` (the COPY holds it)."""

    def __init__(self, model: type[Model], *, with_pk: bool = False):
        self.convert = _Converter(model, with_pk)
        quote = connection.ops.quote_name
        self.sql = f"{quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in self.convert.fields)})"
        self.batch: list[tuple] = []
        self.size = max(1, min(1000, connection.ops.bulk_batch_size(self.convert.fields, [None] * 1000)))

    def __enter__(self):
        self.stack = ExitStack()
        self.cursor = self.stack.enter_context(connection.cursor())
        self.copy = None
        if connection.vendor == "postgresql":  # psycopg's COPY: no statement to parse and bind per row
            self.copy = self.stack.enter_context(self.cursor.cursor.copy(f"COPY {self.sql} FROM STDIN"))
        return self

    def add(self, row: dict) -> None:
        if self.copy is not None:
            self.copy.write_row(self.convert(row))
            return
        self.batch.append(self.convert(row))
        if len(self.batch) >= self.size:
            self._flush()

    def _flush(self) -> None:
        if self.batch:
            one = f"({', '.join(['%s'] * len(self.convert.fields))})"
            self.cursor.execute(
                f"INSERT INTO {self.sql} VALUES " + ", ".join([one] * len(self.batch)),
                [v for row in self.batch for v in row],
            )
            self.batch = []

    def __exit__(self, kind, error, tb):
        if kind is None and self.copy is None:
            try:
                self._flush()
            except BaseException as e:
                self.stack.__exit__(type(e), e, e.__traceback__)
                raise
        return self.stack.__exit__(kind, error, tb)


def insert(model: type[Model], rows: list[dict], *, with_pk: bool = False) -> None:
    """INSERT the rows (see Writer)."""
    if not rows:
        return
    with Writer(model, with_pk=with_pk) as writer:
        for row in rows:
            writer.add(row)


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
