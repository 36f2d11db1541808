"""The PostgreSQL + pgvector backend: the same ranked candidates as the embedded one, from a database.

Tables (in one schema, ``budgetqa`` by default):

- ``documents`` (symbol, year, language, sha256) and ``units`` (id, uid, document, part,
  subprogramme, year, language): unit ids are global across the corpus; ties break by them.
- ``vectors_<encoder>`` (unit_id, embedding vector(d)): one table per dense encoder (usem3 512,
  e5-small 384), holding the units that encoder embeds.
- ``postings`` (field, term, unit_id, tf) of the project's own tokens (jieba with the user
  dictionary, number tokens, glossary expansion: no database analyzer reproduces them),
  ``lengths`` (field, unit_id, length), ``terms`` (field, term, df) and ``fields`` (field, units,
  total_length): BM25 statistics, updated in the same transaction as an ingest or a removal, so
  BM25 is exact after every change.

BM25 is bm25s's Lucene variant (k1 1.5, b 0.75): Σ over query tokens (repeated tokens count again)
of ln(1 + (N − df + 0.5)/(df + 0.5)) · tf / (tf + k1·(1 − b + b·len/avglen)). Dense search ranks by
inner product (`<#>`), exactly (a scan) by default; ``exact=False`` lets an HNSW index answer.

Reads go round-robin to the replicas of ``BUDGETQA_PG_READ_DSNS`` and fall back to the primary
(``BUDGETQA_PG_DSN``) when a replica cannot be reached; writes go to the primary.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import psycopg
from pgvector.psycopg import register_vector
from psycopg import sql

from budgetqa.settings import Settings

from .backend import DENSE_PREFIX, BackendQuery, LexicalField, Scored, top_k
from .model import DocumentTag, IndexUnit, SearchScope, unit_subprogramme

if TYPE_CHECKING:
    from .searcher import HybridIndex

K1 = 1.5  # bm25s defaults, the embedded backend's parameters
B = 0.75
DEFAULT_SCHEMA = "budgetqa"

_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS {s}.documents (
    symbol text PRIMARY KEY, year int, language text NOT NULL, sha256 text NOT NULL);
CREATE TABLE IF NOT EXISTS {s}.units (
    id bigint PRIMARY KEY, uid text NOT NULL,
    document text NOT NULL REFERENCES {s}.documents ON DELETE CASCADE,
    part text NOT NULL, subprogramme text, year int, language text NOT NULL, UNIQUE (document, uid));
CREATE TABLE IF NOT EXISTS {s}.lengths (
    field text NOT NULL, unit_id bigint NOT NULL REFERENCES {s}.units ON DELETE CASCADE,
    length int NOT NULL, PRIMARY KEY (field, unit_id));
CREATE TABLE IF NOT EXISTS {s}.postings (
    field text NOT NULL, term text NOT NULL, unit_id bigint NOT NULL REFERENCES {s}.units ON DELETE CASCADE,
    tf int NOT NULL, PRIMARY KEY (field, term, unit_id));
CREATE INDEX IF NOT EXISTS postings_unit ON {s}.postings (unit_id);
CREATE TABLE IF NOT EXISTS {s}.terms (field text NOT NULL, term text NOT NULL, df int NOT NULL, PRIMARY KEY (field, term));
CREATE TABLE IF NOT EXISTS {s}.fields (field text PRIMARY KEY, units bigint NOT NULL, total_length bigint NOT NULL);
CREATE TABLE IF NOT EXISTS {s}.encoders (name text PRIMARY KEY, dimension int NOT NULL, tbl text NOT NULL);
"""

_BM25_SQL = """
WITH q AS (SELECT term, count(*)::float8 AS qtf FROM unnest({terms}::text[]) AS term GROUP BY term),
     st AS (SELECT units::float8 AS n, total_length::float8 / units AS avglen FROM {s}.fields WHERE field = {field})
SELECT p.unit_id, sum(q.qtf * ln(1 + (st.n - t.df + 0.5) / (t.df + 0.5))
                      * p.tf / (p.tf + {k1} * (1 - {b} + {b} * l.length / st.avglen))) AS score
FROM q CROSS JOIN st
JOIN {s}.terms t ON t.field = {field} AND t.term = q.term
JOIN {s}.postings p ON p.field = {field} AND p.term = q.term
JOIN {s}.lengths l ON l.field = {field} AND l.unit_id = p.unit_id
JOIN {s}.units u ON u.id = p.unit_id
WHERE {where}
GROUP BY p.unit_id ORDER BY score DESC, p.unit_id LIMIT {k}
"""


class CorpusError(ValueError):
    """A document cannot be added to or removed from the corpus; the message says why."""


@dataclass(frozen=True)
class IngestUnits:
    """What an ingest stores of one document: its tag, its units (in id order), each BM25 field's
    tokenizer, and per encoder the unit rows it embeds with their vectors (rows × dimension)."""

    tag: DocumentTag
    sha256: str
    units: Sequence[IndexUnit]
    fields: Mapping[str, LexicalField]
    vectors: Mapping[str, tuple[Sequence[int], np.ndarray]]


def connect(dsn: str) -> psycopg.Connection[Any]:
    """An autocommit connection, with pgvector's types registered where the database has them
    (`PostgresBackend.create_schema` creates the extension and registers them then)."""
    connection = psycopg.connect(dsn, autocommit=True)
    if connection.execute("SELECT 1 FROM pg_type WHERE typname = 'vector'").fetchone():
        register_vector(connection)
    return connection


class PostgresBackend:
    """Each retriever's candidates computed in PostgreSQL: BM25 over postings, pgvector for vectors."""

    def __init__(
        self,
        primary_dsn: str,
        read_dsns: Sequence[str] = (),
        *,
        schema: str = DEFAULT_SCHEMA,
        exact: bool = True,
    ) -> None:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
            raise ValueError(f"schema name {schema!r} must be lower-case letters, digits and _")
        self.primary_dsn = primary_dsn
        self.read_dsns = tuple(read_dsns)
        self.schema = schema
        self.exact = exact
        self._s = sql.Identifier(schema)
        self._next_reader = itertools.cycle(range(len(self.read_dsns) or 1))
        self._connections: dict[str, psycopg.Connection[Any]] = {}
        self._lock = threading.Lock()
        self._encoders: dict[str, str] | None = None

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> PostgresBackend:
        """The backend of ``BUDGETQA_PG_DSN``, ``BUDGETQA_PG_READ_DSNS`` and ``BUDGETQA_PG_SCHEMA``."""
        if not settings.pg_dsn:
            raise ValueError("BUDGETQA_BACKEND=postgres needs BUDGETQA_PG_DSN (a libpq connection string)")
        return cls(settings.pg_dsn, settings.pg_read_dsns, **({"schema": settings.pg_schema} | options))

    # ---------------------------------------------------------------- connections

    def _connection(self, dsn: str) -> psycopg.Connection[Any]:
        connection = self._connections.get(dsn)
        if connection is None or connection.closed:
            connection = self._connections[dsn] = connect(dsn)
        return connection

    def _reader(self) -> psycopg.Connection[Any]:
        """The next replica in turn, or the primary when there is none or it cannot be reached."""
        if self.read_dsns:
            dsn = self.read_dsns[next(self._next_reader)]
            try:
                return self._connection(dsn)
            except psycopg.OperationalError:
                self._connections.pop(dsn, None)
        return self._connection(self.primary_dsn)

    def close(self) -> None:
        """Close every connection this backend opened."""
        for connection in self._connections.values():
            connection.close()
        self._connections.clear()

    # ---------------------------------------------------------------- schema and corpus

    def create_schema(self) -> None:
        """Create the extension, the schema and its tables where missing."""
        primary = self._connection(self.primary_dsn)
        with primary.transaction():
            primary.execute("CREATE EXTENSION IF NOT EXISTS vector")
            primary.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(self._s))
            primary.execute(sql.SQL(_SCHEMA_SQL).format(s=self._s))
        register_vector(primary)

    def drop_schema(self) -> None:
        """Remove the schema and everything in it."""
        self._connection(self.primary_dsn).execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(self._s)
        )
        self._encoders = None

    def documents(self) -> list[tuple[str, int | None, str, int]]:
        """(symbol, year, language, units) of each document in the corpus, by symbol."""
        query = sql.SQL(
            "SELECT d.symbol, d.year, d.language, count(u.id) FROM {s}.documents d "
            "LEFT JOIN {s}.units u ON u.document = d.symbol GROUP BY d.symbol ORDER BY d.symbol"
        ).format(s=self._s)
        return [(row[0], row[1], row[2], int(row[3])) for row in self._reader().execute(query).fetchall()]

    def document_sha256(self, symbol: str) -> str | None:
        """The sha256 of the text the corpus holds of document `symbol` (None: not in the corpus)."""
        query = sql.SQL("SELECT sha256 FROM {}.documents WHERE symbol = %s").format(self._s)
        row = self._connection(self.primary_dsn).execute(query, (symbol,)).fetchone()
        return None if row is None else str(row[0])

    def unit_ids(self, symbol: str) -> range:
        """The ids of a document's units (consecutive: an ingest gives them in one block)."""
        query = sql.SQL("SELECT coalesce(min(id), 0), count(*) FROM {}.units WHERE document = %s").format(
            self._s
        )
        row = self._connection(self.primary_dsn).execute(query, (symbol,)).fetchone()
        first, count = (int(row[0]), int(row[1])) if row else (0, 0)
        return range(first, first + count)

    def ingest(self, batch: IngestUnits) -> int:
        """Add one document in one transaction: units, vectors, postings and the BM25 statistics they
        change. Returns the id of its first unit (its units take consecutive ids)."""
        primary = self._connection(self.primary_dsn)
        with primary.transaction():
            primary.execute(sql.SQL("LOCK TABLE {}.units IN EXCLUSIVE MODE").format(self._s))
            if primary.execute(
                sql.SQL("SELECT 1 FROM {}.documents WHERE symbol = %s").format(self._s), (batch.tag.symbol,)
            ).fetchone():
                raise CorpusError(f"{batch.tag.symbol} is already in the corpus: remove it first")
            row = primary.execute(
                sql.SQL("SELECT coalesce(max(id) + 1, 0) FROM {}.units").format(self._s)
            ).fetchone()
            base = int(row[0]) if row else 0
            primary.execute(
                sql.SQL("INSERT INTO {}.documents VALUES (%s, %s, %s, %s)").format(self._s),
                (batch.tag.symbol, batch.tag.year, batch.tag.language, batch.sha256),
            )
            self._copy(
                primary,
                "units",
                (
                    (
                        base + i,
                        unit.uid,
                        batch.tag.symbol,
                        unit.part,
                        unit_subprogramme(unit),
                        batch.tag.year,
                        batch.tag.language,
                    )
                    for i, unit in enumerate(batch.units)
                ),
            )
            for name, lexical in batch.fields.items():
                self._ingest_field(primary, name, lexical, batch.units, base)
            for name, (rows, vectors) in batch.vectors.items():
                table = self._vector_table(primary, name, int(vectors.shape[1]))
                with primary.cursor().copy(
                    sql.SQL("COPY {}.{} (unit_id, embedding) FROM STDIN WITH (FORMAT BINARY)").format(
                        self._s, table
                    )
                ) as copy:
                    copy.set_types(["bigint", "vector"])
                    for row_index, vector in zip(rows, vectors, strict=True):
                        copy.write_row((base + row_index, np.asarray(vector, dtype=np.float32)))
        self.analyze()
        return base

    def analyze(self) -> None:
        """Refresh the planner's statistics of every table of the corpus: after a bulk ingest or removal
        they are stale until autovacuum comes round, and a filtered search may get a poor plan."""
        primary = self._connection(self.primary_dsn)
        tables = primary.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (self.schema,)
        ).fetchall()
        for (table,) in tables:
            primary.execute(sql.SQL("ANALYZE {}.{}").format(self._s, sql.Identifier(table)))

    def _ingest_field(
        self,
        primary: psycopg.Connection[Any],
        name: str,
        lexical: LexicalField,
        units: Sequence[IndexUnit],
        base: int,
    ) -> None:
        postings: list[tuple[str, str, int, int]] = []
        lengths: list[tuple[str, int, int]] = []
        for i, unit in enumerate(units):
            tokens = lexical.document_tokens(unit)
            lengths.append((name, base + i, len(tokens)))
            postings.extend((name, term, base + i, tf) for term, tf in Counter(tokens).items())
        self._copy(primary, "lengths", lengths)
        self._copy(primary, "postings", postings)
        primary.execute(
            sql.SQL(
                "INSERT INTO {s}.terms SELECT field, term, count(*) FROM {s}.postings "
                "WHERE field = %s AND unit_id >= %s GROUP BY field, term "
                "ON CONFLICT (field, term) DO UPDATE SET df = terms.df + excluded.df"
            ).format(s=self._s),
            (name, base),
        )
        primary.execute(
            sql.SQL(
                "INSERT INTO {s}.fields VALUES (%s, %s, %s) ON CONFLICT (field) DO UPDATE "
                "SET units = fields.units + excluded.units, total_length = fields.total_length + excluded.total_length"
            ).format(s=self._s),
            (name, len(lengths), sum(length for _, _, length in lengths)),
        )

    def remove(self, symbol: str) -> None:
        """Remove a document and its units, vectors and postings, and take them out of the BM25
        statistics, in one transaction."""
        primary = self._connection(self.primary_dsn)
        with primary.transaction():
            primary.execute(sql.SQL("LOCK TABLE {}.units IN EXCLUSIVE MODE").format(self._s))
            if not primary.execute(
                sql.SQL("SELECT 1 FROM {}.documents WHERE symbol = %s").format(self._s), (symbol,)
            ).fetchone():
                raise CorpusError(f"{symbol} is not in the corpus (budgetqa documents lists it)")
            primary.execute(
                sql.SQL(
                    "UPDATE {s}.terms t SET df = t.df - gone.n FROM (SELECT p.field, p.term, count(*) AS n "
                    "FROM {s}.postings p JOIN {s}.units u ON u.id = p.unit_id WHERE u.document = %s "
                    "GROUP BY p.field, p.term) gone WHERE t.field = gone.field AND t.term = gone.term"
                ).format(s=self._s),
                (symbol,),
            )
            primary.execute(sql.SQL("DELETE FROM {}.terms WHERE df <= 0").format(self._s))
            primary.execute(
                sql.SQL(
                    "UPDATE {s}.fields f SET units = f.units - gone.n, total_length = f.total_length - gone.total "
                    "FROM (SELECT l.field, count(*) AS n, sum(l.length) AS total FROM {s}.lengths l "
                    "JOIN {s}.units u ON u.id = l.unit_id WHERE u.document = %s GROUP BY l.field) gone "
                    "WHERE f.field = gone.field"
                ).format(s=self._s),
                (symbol,),
            )
            primary.execute(sql.SQL("DELETE FROM {}.fields WHERE units <= 0").format(self._s))
            primary.execute(sql.SQL("DELETE FROM {}.documents WHERE symbol = %s").format(self._s), (symbol,))
        self.analyze()

    def create_ann_indexes(self, *, m: int = 16, ef_construction: int = 64) -> None:
        """Build an HNSW index (inner product) on every vector table; searches with ``exact=False`` use it."""
        primary = self._connection(self.primary_dsn)
        for table in self._encoder_tables().values():
            primary.execute(
                sql.SQL(
                    "CREATE INDEX IF NOT EXISTS {} ON {}.{} USING hnsw (embedding vector_ip_ops) "
                    "WITH (m = {}, ef_construction = {})"
                ).format(sql.Identifier(f"{table}_hnsw"), self._s, sql.Identifier(table), m, ef_construction)
            )

    def _vector_table(self, primary: psycopg.Connection[Any], encoder: str, dimension: int) -> sql.Identifier:
        table = "vectors_" + re.sub(r"[^a-z0-9]+", "_", encoder.lower()).strip("_")
        row = primary.execute(
            sql.SQL("SELECT dimension FROM {}.encoders WHERE name = %s").format(self._s), (encoder,)
        ).fetchone()
        if row is None:
            primary.execute(
                sql.SQL(
                    "CREATE TABLE {s}.{t} (unit_id bigint PRIMARY KEY REFERENCES {s}.units ON DELETE CASCADE, "
                    "embedding vector({d}) NOT NULL)"
                ).format(s=self._s, t=sql.Identifier(table), d=dimension)
            )
            primary.execute(
                sql.SQL("INSERT INTO {}.encoders VALUES (%s, %s, %s)").format(self._s),
                (encoder, dimension, table),
            )
            self._encoders = None
        elif int(row[0]) != dimension:
            raise CorpusError(f"the corpus holds {encoder} vectors of dimension {row[0]}, not {dimension}")
        return sql.Identifier(table)

    def _encoder_tables(self) -> dict[str, str]:
        if self._encoders is None:
            rows = (
                self._connection(self.primary_dsn)
                .execute(sql.SQL("SELECT name, tbl FROM {}.encoders").format(self._s))
                .fetchall()
            )
            self._encoders = {name: table for name, table in rows}
        return self._encoders

    def _copy(self, connection: psycopg.Connection[Any], table: str, rows: Iterable[tuple[Any, ...]]) -> None:
        with connection.cursor().copy(
            sql.SQL("COPY {}.{} FROM STDIN").format(self._s, sql.Identifier(table))
        ) as copy:
            for row in rows:
                copy.write_row(row)

    # ---------------------------------------------------------------- search

    def scored(self, query: BackendQuery, filters: SearchScope | None, k: int) -> dict[str, Scored]:
        """Each retriever's top `k` (unit id, score) inside `filters`, best first, ties by unit id."""
        where = _where(filters)
        with self._lock:
            reader = self._reader()
            out = {
                name: self._bm25(reader, name, list(tokens), where, k)
                for name, tokens in query.tokens.items()
            }
            tables = self._encoder_tables()
            for name, vector in query.vectors.items():
                if name in tables:
                    out[DENSE_PREFIX + name] = self._dense(reader, tables[name], vector, where, k)
        return out

    def _bm25(
        self, reader: psycopg.Connection[Any], field: str, tokens: list[str], where: sql.Composable, k: int
    ) -> Scored:
        if not tokens or k <= 0:
            return []
        query = sql.SQL(_BM25_SQL).format(
            s=self._s,
            terms=sql.Literal(tokens),
            field=sql.Literal(field),
            k1=sql.Literal(K1),
            b=sql.Literal(B),
            where=where,
            k=sql.Literal(k),
        )
        return [(int(uid), float(score)) for uid, score in reader.execute(query).fetchall()]

    def _dense(
        self, reader: psycopg.Connection[Any], table: str, vector: np.ndarray, where: sql.Composable, k: int
    ) -> Scored:
        # Exact: a scan ordered by (distance, id). Approximate: ORDER BY the distance alone is what
        # lets the HNSW index answer; equal scores are then ordered by id here.
        order = (
            sql.SQL("v.embedding <#> %(q)s, v.unit_id") if self.exact else sql.SQL("v.embedding <#> %(q)s")
        )
        query = sql.SQL(
            "SELECT v.unit_id, -(v.embedding <#> %(q)s) FROM {s}.{t} v JOIN {s}.units u ON u.id = v.unit_id "
            "WHERE {where} ORDER BY {order} LIMIT %(k)s"
        ).format(s=self._s, t=sql.Identifier(table), where=where, order=order)
        rows = reader.execute(query, {"q": np.asarray(vector, dtype=np.float32), "k": k}).fetchall()
        if not rows:
            return []
        return top_k(
            np.array([r[0] for r in rows], dtype=np.int64),
            np.array([r[1] for r in rows], dtype=np.float64),
            k,
        )


def _where(filters: SearchScope | None) -> sql.Composable:
    """The SQL condition on units (alias ``u``) of a scope."""
    if not filters:
        return sql.SQL("true")
    conditions = [
        sql.SQL("u.{} = ANY({})").format(sql.Identifier(column), sql.Literal(list(values)))
        for column, values in (
            ("part", filters.parts),
            ("subprogramme", filters.subprogrammes),
            ("document", filters.documents),
            ("year", filters.years),
            ("language", filters.languages),
        )
        if values
    ]
    return sql.SQL(" AND ").join(conditions)


def attach(index: HybridIndex, settings: Settings) -> PostgresBackend:
    """Make `index` search through the PostgreSQL of `settings` (``BUDGETQA_BACKEND=postgres``),
    ingesting its document first where the corpus lacks it or holds another version of it.

    When the corpus holds other documents too, the index searches its own document through a
    :class:`~budgetqa.index.corpus_backend.DocumentView` (BM25 with the whole corpus's statistics)."""
    backend = PostgresBackend.from_settings(settings)
    backend.create_schema()
    place(backend, index)
    return backend


def place(backend: PostgresBackend, index: HybridIndex) -> None:
    """Ingest `index`'s document into `backend` where missing or changed, and make `index` search it:
    directly when it is the corpus's only document, else through its window on the corpus."""
    ids = _ingested(backend, index)
    alone = [symbol for symbol, *_ in backend.documents()] == [index.document.symbol] and ids.start == 0
    _search_through(backend, index, ids, alone=alone)


def sync_corpus(backend: PostgresBackend, indexes: Sequence[HybridIndex]) -> list[str]:
    """Make the database hold exactly the documents of `indexes` (a corpus), each as indexed: remove
    the others, ingest the missing or changed ones in corpus order, and make each index search its
    window on the database. Returns the symbols removed."""
    wanted = {index.document.symbol for index in indexes}
    removed = [symbol for symbol, *_ in backend.documents() if symbol not in wanted]
    for symbol in removed:
        backend.remove(symbol)
    placed = [(index, _ingested(backend, index)) for index in indexes]
    for index, ids in placed:
        _search_through(backend, index, ids, alone=len(indexes) == 1 and ids.start == 0)
    return removed


def _ingested(backend: PostgresBackend, index: HybridIndex) -> range:
    """The ids of `index`'s document in the corpus, ingested first where missing or changed."""
    symbol = index.document.symbol
    if backend.document_sha256(symbol) not in (None, index.document.source_sha256):
        backend.remove(symbol)
    if backend.document_sha256(symbol) is None:
        backend.ingest(ingest_units_of(index))
    ids = backend.unit_ids(symbol)
    if len(ids) != len(index.units):
        raise CorpusError(
            f"the corpus holds {len(ids)} units of {symbol}, its index {len(index.units)}: "
            f"remove it from the database (budgetqa remove '{symbol}') and open it again"
        )
    return ids


def _search_through(backend: PostgresBackend, index: HybridIndex, ids: range, *, alone: bool) -> None:
    from .corpus_backend import DocumentView

    index.backend = backend if alone else DocumentView(backend, index.document.symbol, ids.start, len(ids))


def ingest_units_of(index: HybridIndex) -> IngestUnits:
    """What an ingest stores of a built `HybridIndex`: its units, BM25 fields and the vectors its
    stores already hold (nothing is embedded again)."""
    vectors = {
        name: (list(rows), store.index.reconstruct_n(0, store.index.ntotal))
        for name, (_, store, rows) in index.dense.items()
    }
    return IngestUnits(
        DocumentTag.of(index.document), index.document.source_sha256, index.units, index.fields, vectors
    )
