"""Keyword search (the lists' ?q=): indexed on both databases, with exactly the rows of plain `icontains`.

`matching(qs, q, fields, exact=())` keeps the rows where a field of `fields` contains `q` or a field of `exact`
equals it, ignoring case, as the `icontains`/`iexact` lookups do on the database in use (SQLite's LIKE folds
ASCII letters only, PostgreSQL's UPPER() every letter). A field may cross one foreign key ("site__name").

- PostgreSQL: one GIN index per searched table over the 2-character substrings (bigrams) of UPPER(column::text)
  of each column (jiandu_bigrams). A query of 2 characters is one key; a longer one the AND of its bigrams (a
  superset of the rows holding it), with the lookups themselves checked on those rows. With the statistics of the
  indexed expressions (2 characters) or of LIKE (longer), the planner reads a rare word's rows from the index and
  walks the list's ordering index for a common one. A query of 1 character has no key: it is the lookups alone,
  which find a common character's page quickly on the list's order (a rare one's count reads the table). Bigrams
  alone, not pg_trgm's trigrams beside 1- and 2-character substrings as before: a third of the keys, which every
  inserted row writes (an import of 20,000 activities spent 2.5 s in that index). A related table's field is
  looked up first in its own index; its ids go into the condition (an OR across a join could not be answered
  from indexes). A column matched whole (`exact`: a code) has a plain index on UPPER(column) instead, which
  iexact uses.
- SQLite: a contentless FTS5 table with the trigram tokenizer per searched table (<table>_search), kept in step
  by triggers. Every column's text is followed by two sentinel characters, so every character starts a
  trigram: a query of 1–2 characters is the OR of the indexed trigrams starting with it (from the fts5vocab
  table), one of 3+ the AND of its trigrams. The index proposes ids (a superset of the matches) and the lookups
  themselves are checked on those rows only. Few proposed rows are read by id and sorted; when many are, the
  lookups alone are checked while walking the list's ordering index (see DENSE).

The indexes come from the SearchIndex migration operation (problems, activities and documents migrations). On
SQLite a migration that rebuilds a searched table (AlterField and the like) drops its triggers: test_search
checks that they are in place. The SQLite index's rowid is the table's `id`.
"""

import json

from django.db import connection
from django.db.migrations.operations.base import Operation
from django.db.models import BooleanField, F, Q, QuerySet
from django.db.models.expressions import Expression, RawSQL

from . import paging

SENTINEL = "char(1, 1)"  # after every column's text in the SQLite index: every character starts a trigram
# SQLite: how the rows are found depends on how many the index proposes. Up to DENSE, the database reads just
# those rows and sorts them (cost grows with their number); beyond, it walks the list's ordering index and checks
# the lookups on each row (cost grows with rows walked until a page, or the count cap, is full, i.e. shrinks as
# the word gets commoner). On 1,000,000 problems the two cross near 20,000.
DENSE = 20_000
MAX_PREFIX_TERMS = 500  # a query of 1–2 characters with more trigrams than this is left to LIKE
MAX_GRAMS = 8  # of a long query, the AND of this many trigrams (SQLite) or bigrams (PostgreSQL) narrows enough
MAX_RELATED_IDS = 5_000  # PostgreSQL: related rows (sites) matching, passed by id up to this many


def fts_table(table: str) -> str:
    return f"{table}_search"


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _fts_query(table: str, q: str) -> str | None:
    """The FTS5 query proposing the rows of `table` that may contain `q` ("" for none), None when the index can't
    (a control character; a short query with a cased non-ASCII letter, which FTS5 folds and LIKE does not; a
    short query starting too many trigrams)."""
    if any(ord(ch) < 32 for ch in q):
        return None
    if len(q) >= 3:
        grams = _spread(list(dict.fromkeys(q[i : i + 3] for i in range(len(q) - 2))), MAX_GRAMS)
        return " AND ".join(_quote(g) for g in grams)
    if any(not ch.isascii() and (ch.isupper() or ch.islower()) for ch in q):
        return None  # FTS5 folds every cased letter, LIKE only ASCII ones
    low = q.lower()  # the trigram tokenizer folds ASCII letters to lower case
    with connection.cursor() as c:
        c.execute(
            f'SELECT term FROM "{fts_table(table)}_vocab" WHERE term >= %s AND term < %s LIMIT %s',
            [low, low + "\U0010ffff", MAX_PREFIX_TERMS + 1],
        )
        terms = [term for (term,) in c.fetchall()]
    if len(terms) > MAX_PREFIX_TERMS:
        return None
    return " OR ".join(_quote(term) for term in terms)


def _proposals(model, q: str, fields) -> tuple[str, list] | None:
    """SQL selecting the ids of `model` rows the search indexes propose for `q` (a superset of the matches), with
    its parameters; None when an index can't narrow. A field across a foreign key is found in the related
    table's index, then through the foreign key's index."""
    selects, params = [], []
    for path, target in _indexed_paths(model, fields).items():
        query = _fts_query(target._meta.db_table, q)
        if query is None:
            return None
        if not query:
            continue
        fts = fts_table(target._meta.db_table)
        rowids = f'SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH %s'
        if path == "pk":
            selects.append(rowids)
        else:
            column = model._meta.get_field(path).column
            selects.append(
                f'SELECT "{model._meta.pk.column}" FROM "{model._meta.db_table}" WHERE "{column}" IN ({rowids})'
            )
        params.append(query)
    return " UNION ALL ".join(selects) or "SELECT NULL WHERE 0", params


def _sqlite_narrowing(model, fields, q: str) -> tuple[Q | None, bool]:
    """Q keeping the rows the search indexes propose for `q` (None when an index can't narrow, or need not), and
    whether they are many (more than DENSE)."""
    found = _proposals(model, q, fields)
    if found is None:
        return None, False
    sql, params = found
    with connection.cursor() as c:
        c.execute(f"SELECT count(*) FROM ({sql} LIMIT %s)", [*params, DENSE + 1])
        proposed = c.fetchone()[0]
    if proposed <= DENSE:
        return Q(pk__in=RawSQL(sql, params)), False
    # Many rows hold the word (2% and more, the index's proposals being close to the matches): the page walks the
    # list's ordering index and checks the lookups on each row it passes, and meets its rows early. Keeping a row
    # only when its id is among those proposed would first gather them all (a common word: 125,000 ids, 40 ms,
    # for a page found in under a millisecond).
    return None, True


def matching(qs: QuerySet, q: str, fields, *, exact=()) -> QuerySet:
    """`qs` narrowed to rows where a field of `fields` contains `q` or a field of `exact` equals it (ignoring case),
    exactly as the `icontains`/`iexact` lookups would, through the search index. A field across a foreign key
    ("site__name") is searched in the related table's own index."""
    q = (q or "").strip()
    if not q:
        return qs
    if connection.vendor == "postgresql":
        return _postgresql(qs, q, fields, exact)
    if connection.vendor == "sqlite":
        narrowing, dense = _sqlite_narrowing(qs.model, [*fields, *exact], q)
        if narrowing is not None:
            qs = qs.filter(narrowing)
        if dense:  # the page walks the list's order; its capped count reads the table as it lies (twice as fast)
            qs = paging.count_in_any_order(qs)
    return qs.filter(_lookups(q, fields, exact))


def _lookups(q: str, fields, exact) -> Q:
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": q})
    for name in exact:
        condition |= Q(**{f"{name}__iexact": q})
    return condition


class Bigrams(Expression):
    """PostgreSQL: the column holds each of `grams` (2-character strings), ignoring case (UPPER, as icontains),
    asked of the keyword index (jiandu_bigrams)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column, grams: list[str]):
        super().__init__()
        self.column, self.grams = F(column) if isinstance(column, str) else column, grams

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        wanted = ", ".join(["UPPER(%s)"] * len(self.grams))
        return f"jiandu_bigrams(UPPER(({sql})::text)) @> ARRAY[{wanted}]", [*params, *self.grams]


def bigrams(q: str) -> list[str]:
    """The 2-character substrings of `q` asked of the PostgreSQL index (at most MAX_GRAMS); none for a single
    character or a query holding GRAM_END."""
    if GRAM_END in q:
        return []
    return _spread(list(dict.fromkeys(q[i : i + 2] for i in range(len(q) - 1))), MAX_GRAMS)


def _spread(grams: list[str], n: int) -> list[str]:
    """At most n of a query's grams, spread over it: its start, its end and between."""
    if len(grams) <= n:
        return grams
    step = (len(grams) - 1) / (n - 1)
    return [grams[round(i * step)] for i in range(n)]


class IdAmong(Expression):
    """PostgreSQL: `column = ANY(ARRAY(subquery))`; the subquery runs once, before the rows are read."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column, array):
        super().__init__()
        self.column, self.array = column, array

    def get_source_expressions(self):
        return [self.column, self.array]

    def set_source_expressions(self, exprs):
        self.column, self.array = exprs

    def as_sql(self, compiler, connection):
        column, column_params = compiler.compile(self.column)
        array, array_params = compiler.compile(self.array)
        return f"{column} = ANY({array})", [*column_params, *array_params]


def _postgresql_condition(model, q: str, fields, exact) -> tuple[Q, Q]:
    """Over one table's own columns, a condition its search index answers, and the condition whose planned rows
    tell how common the word is. 2 characters: the bigram itself, an exact condition, joined by the lookups when
    the planner expects a common word (more than DENSE rows): walking the list's ordering index, PostgreSQL then
    tries the cheaper LIKE first and computes a row's bigrams only when it contains the word; counting, it reads
    the rows from the index. 3 and more: the lookups and the AND of the word's bigrams, planned as the lookups
    (LIKE's estimate reads the column's statistics). 1 character: the lookups alone."""
    lookups = _lookups(q, fields, exact)
    grams = bigrams(q)
    if not grams:
        return lookups, lookups
    condition = Q()
    for name in fields:
        condition |= Q(Bigrams(name, grams))
    for name in exact:
        condition |= Q(**{f"{name}__iexact": q})  # the plain index on UPPER(column)
    if len(q) > 2:
        return lookups & condition, lookups
    return (lookups & condition if _planned_rows(model, condition) > DENSE else condition), condition


def _planned_rows(model, condition: Q) -> float:
    """How many rows of `model` the PostgreSQL planner expects `condition` to keep (its statistics: exact enough
    for common words, which is what matters here)."""
    sql, params = model._base_manager.filter(condition).order_by().values("pk").query.sql_with_params()
    with connection.cursor() as c:
        c.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        (plan,) = c.fetchone()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return plan[0]["Plan"]["Plan Rows"]


def _postgresql(qs: QuerySet, q: str, fields, exact) -> QuerySet:
    """One condition over the table's columns, which the planner answers from the index (a BitmapOr) or, for a
    common word, while walking the list's ordering index. A field across a foreign key: the related rows are
    found first in their own index, and the condition asks for their ids (the foreign key's index); an OR across
    a join could not be answered from indexes."""
    by_path: dict[str, tuple[list, list]] = {}
    for names, kind in ((fields, 0), (exact, 1)):
        for name in names:
            path, _, column = name.rpartition("__")
            by_path.setdefault(path, ([], []))[kind].append(column)
    condition = planning = Q()
    for path, (names, exact_names) in by_path.items():
        if not path:
            own, estimated = _postgresql_condition(qs.model, q, names, exact_names)
            condition, planning = condition | own, planning | estimated
            continue
        related = qs.model._meta.get_field(path).related_model
        ids = related._base_manager.filter(_postgresql_condition(related, q, names, exact_names)[0])
        ids = ids.order_by().values("pk")
        found = list(ids[: MAX_RELATED_IDS + 1].values_list("pk", flat=True))
        if found:
            among = Q(**{f"{path}__in": found if len(found) <= MAX_RELATED_IDS else ids})
            condition, planning = condition | among, planning | among
    if not condition:
        return qs.none()
    if _planned_rows(qs.model, planning) > DENSE:
        # A common word: a page is found while walking the list's ordering index (its rows come early), but the
        # capped count is quicker from the search index (walking in order, 10,000 of 125,000 matches: 160 ms;
        # from the index: 30 ms).
        return paging.count_in_any_order(qs.filter(condition))
    # A rarer one: its ids first, from the index, then the rows by id. As a plain condition the planner would
    # often walk the ordering index anyway, expecting a page after a few rows, and read the whole table.
    from django.contrib.postgres.expressions import ArraySubquery  # psycopg: PostgreSQL only

    ids = ArraySubquery(qs.model._base_manager.filter(condition).order_by().values("pk"))
    return qs.filter(IdAmong(F("pk"), ids))


def _indexed_paths(model, fields) -> dict:
    """{"pk": model, "site": Site, …}: the searched fields grouped by the table that holds them."""
    out = {}
    for name in fields:
        if "__" in name:
            relation, _ = name.split("__")  # one foreign key at most
            out[relation] = model._meta.get_field(relation).related_model
        else:
            out["pk"] = model
    return out


# --- The migration operation ---


def sqlite_document(row: str, columns) -> str:
    """The indexed text of a row (`new`, `old` or a table name): each column followed by the sentinel."""
    return " || ".join(f"coalesce({row}.\"{c}\", '') || {SENTINEL}" for c in columns)


def sqlite_statements(table: str, columns) -> list[str]:
    fts = fts_table(table)
    cols = ", ".join(f'"{c}"' for c in columns)
    quoted = f'"{table}"'
    return [
        f"CREATE VIRTUAL TABLE \"{fts}\" USING fts5(doc, content='', tokenize='trigram', detail='none')",
        f'CREATE VIRTUAL TABLE "{fts}_vocab" USING fts5vocab("{fts}", \'row\')',
        f'INSERT INTO "{fts}"(rowid, doc) SELECT id, {sqlite_document(quoted, columns)} FROM {quoted}',
        f'CREATE TRIGGER "{fts}_insert" AFTER INSERT ON "{table}" BEGIN '
        f'INSERT INTO "{fts}"(rowid, doc) VALUES (new.id, {sqlite_document("new", columns)}); END',
        f'CREATE TRIGGER "{fts}_delete" AFTER DELETE ON "{table}" BEGIN '
        f'INSERT INTO "{fts}"("{fts}", rowid, doc) VALUES (\'delete\', old.id, {sqlite_document("old", columns)}); '
        "END",
        f'CREATE TRIGGER "{fts}_update" AFTER UPDATE OF {cols} ON "{table}" BEGIN '
        f'INSERT INTO "{fts}"("{fts}", rowid, doc) VALUES (\'delete\', old.id, {sqlite_document("old", columns)}); '
        f'INSERT INTO "{fts}"(rowid, doc) VALUES (new.id, {sqlite_document("new", columns)}); END',
    ]


# The 2-character substrings of a text: its pairs from the first and from the second character (regexp_replace
# marks the end of each pair with GRAM_END, which string_to_array splits at; an odd text's last character is left
# as a key of its own, never asked). One expression of built-in functions, not STRICT, so PostgreSQL inlines it
# into the index and the queries (a SQL function with a FROM of its own would run as a query per value). A pair
# holding GRAM_END may be missing: a query holding it is not asked of the index (bigrams()).
GRAM_END = "\x01"
BIGRAMS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION jiandu_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_remove(
        string_to_array(regexp_replace(t, '..', E'\\&\x01', 'g'), E'\x01')
        || string_to_array(regexp_replace(substr(t, 2), '..', E'\\&\x01', 'g'), E'\x01'),
        ''
    )
$$"""


def postgresql_statements(table: str, columns, exact=()) -> list[str]:
    # UPPER(column::text) is what Django's icontains and iexact compare: the planner matches the indexes' expressions.
    # The statistics of UPPER(column) are what the planner estimates a LIKE from (how common a word is): without
    # them it guesses 0.5 % of the rows for any word, and reads and sorts a common word's 125,000 problems (190 ms)
    # instead of walking the list's order (the pg_trgm index used to hold that expression, and ANALYZE its stats).
    grams = [f'jiandu_bigrams(UPPER(("{c}")::text))' for c in columns]
    fts = fts_table(table)
    return [
        BIGRAMS_FUNCTION,
        f'CREATE INDEX "{fts}" ON "{table}" USING gin ({", ".join(grams)})',
        *(f'CREATE STATISTICS "{fts}_{c}_upper" ON (UPPER(("{c}")::text)) FROM "{table}"' for c in columns),
        *(f'CREATE INDEX "{fts}_{c}" ON "{table}" (UPPER(("{c}")::text))' for c in exact),
    ]


def drop_statements(vendor: str, table: str, columns, exact=()) -> list[str]:
    fts = fts_table(table)
    if vendor == "sqlite":
        return [
            *(f'DROP TRIGGER IF EXISTS "{fts}_{event}"' for event in ("insert", "delete", "update")),
            f'DROP TABLE IF EXISTS "{fts}_vocab"',
            f'DROP TABLE IF EXISTS "{fts}"',
        ]
    return [
        f'DROP INDEX IF EXISTS "{fts}"',
        *(f'DROP STATISTICS IF EXISTS "{fts}_{c}_upper"' for c in columns),
        *(f'DROP INDEX IF EXISTS "{fts}_{c}"' for c in exact),
    ]


class SearchIndex(Operation):
    """The keyword index of `table` over `columns` (searched for contained words) and `exact` (matched whole:
    codes); see the module docstring. No change to the model state. On PostgreSQL an `exact` column gets a plain
    index on UPPER(column), which `iexact` uses, rather than ~40 GIN keys per row (a third of an import's cost);
    on SQLite it is in the FTS table with the rest."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, table: str, columns, exact=()):
        self.table = table
        self.columns = list(columns)
        self.exact = list(exact)

    def deconstruct(self):
        kwargs = {"exact": self.exact} if self.exact else {}
        return self.__class__.__qualname__, [self.table, self.columns], kwargs

    def state_forwards(self, app_label, state):
        pass

    def _run(self, schema_editor, statements):
        for sql in statements:
            schema_editor.execute(sql, params=None)

    def _create(self, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            self._run(schema_editor, sqlite_statements(self.table, [*self.exact, *self.columns]))
        elif vendor == "postgresql":
            self._run(schema_editor, postgresql_statements(self.table, self.columns, self.exact))
        if vendor in ("sqlite", "postgresql"):
            # The planner chooses between the index and the list's order from the statistics of the indexed
            # expressions, which only ANALYZE gathers: without them PostgreSQL guesses 5,000 rows for any word and
            # reads and sorts all 125,000 rows of a common one (2 s on a province's problems instead of 0.1 s).
            schema_editor.execute(f'ANALYZE "{self.table}"', params=None)

    def _drop(self, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor in ("sqlite", "postgresql"):
            self._run(schema_editor, drop_statements(vendor, self.table, self.columns, self.exact))

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._create(schema_editor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._drop(schema_editor)

    def describe(self):
        return f"Keyword search index on {self.table} ({', '.join([*self.exact, *self.columns])})"

    @property
    def migration_name_fragment(self):
        return f"search_{self.table}"


class RebuildSearchIndex(SearchIndex):
    """PostgreSQL: the index dropped and built again as SearchIndex defines it now (its keys changed), with the
    same arguments; SQLite's is left as it is. Backwards: nothing (the index as defined now serves either way)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self._drop(schema_editor)
            self._create(schema_editor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self):
        return f"Rebuild the keyword search index on {self.table} (PostgreSQL)"

    @property
    def migration_name_fragment(self):
        return f"rebuild_search_{self.table}"


class DropSearchIndex(SearchIndex):
    """The inverse of SearchIndex, with the same arguments (the index dropped): to replace an index by another."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._drop(schema_editor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._create(schema_editor)

    def describe(self):
        return f"Drop the keyword search index on {self.table}"

    @property
    def migration_name_fragment(self):
        return f"drop_search_{self.table}"
