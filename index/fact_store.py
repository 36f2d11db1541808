"""The fact store: every budget fact of a document in one SQLite file, queried by body, year, measure.

:func:`~budgetqa.ingest.facts.extract_facts` types every printed figure; this store keeps them in a
plain SQLite database, so that they can be filtered from the command line (``budgetqa facts``), read
by ``sqlite3``, pandas (``pd.read_sql``) or a spreadsheet, and answered from without re-reading the
document.  One table, ``facts``, has one column per :class:`~budgetqa.ingest.facts.Fact` field
(enums as their string values, ``group`` as ``group_name``, the source flattened into ``source_kind``,
``source_ref``, ``source_line``, ``source_text``, ``source_row``, ``source_column``,
``source_sub_part``) and the English forms a reader of the English side needs: ``label_en``,
``body_en``, ``component_en``, and ``usd`` (money in US dollars).  A ``meta`` table records what the
file was built from.

The file lives beside the search indexes, ``<cache>/indexes/<document sha256[:16]>-facts.sqlite``
(one per document, shared by every encoder set); it is built in memory and written in one atomic
step, and rebuilt when the document, the schema or the extracted facts change.

>>> from budgetqa.ingest.commands import load_document
>>> from budgetqa.settings import Settings
>>> store = FactStore.for_document(load_document(), Settings.from_env())   # doctest: +SKIP
>>> [f.printed for f in store.query(body="DPPA", year=2024, table="3.27", measure="money")][-1]  # doctest: +SKIP
'89 606.9'
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from budgetqa.atomic import write_bytes
from budgetqa.ingest.bodies import BodyRegistry
from budgetqa.ingest.budget import Basis, Breakdown, ChangeKind, FundingSource, Measure, TableKind
from budgetqa.ingest.facts import Fact, FactSource, extract_facts
from budgetqa.ingest.model import BlockKind, Document
from budgetqa.settings import Settings

from .glossary import Glossary, load_glossary

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_VERSION = 1  # bump when the columns or their meaning change: stores on disk are rebuilt
FACTS_SUFFIX = "-facts.sqlite"

# (column, SQL type) in table order; the first 19 mirror the Fact fields, the source flattened.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "TEXT PRIMARY KEY"),
    ("document", "TEXT NOT NULL"),
    ("body", "TEXT NOT NULL"),
    ("component", "TEXT"),
    ("subprogramme", "INTEGER"),
    ("table_kind", "TEXT"),
    ("funding", "TEXT NOT NULL"),
    ("breakdown", "TEXT NOT NULL"),
    ("label", "TEXT NOT NULL"),
    ("group_name", "TEXT"),
    ("year", "INTEGER"),
    ("basis", "TEXT NOT NULL"),
    ("change", "TEXT"),
    ("measure", "TEXT NOT NULL"),
    ("unit", "TEXT NOT NULL"),
    ("value", "REAL"),
    ("is_nil", "INTEGER NOT NULL"),
    ("printed", "TEXT NOT NULL"),
    ("source_kind", "TEXT NOT NULL"),
    ("source_ref", "TEXT NOT NULL"),
    ("source_line", "INTEGER NOT NULL"),
    ("source_text", "TEXT NOT NULL"),
    ("source_row", "TEXT"),
    ("source_column", "TEXT"),
    ("source_sub_part", "TEXT"),
    ("label_en", "TEXT NOT NULL"),
    ("body_en", "TEXT NOT NULL"),
    ("component_en", "TEXT"),
    ("usd", "REAL"),
)
COLUMN_NAMES = tuple(name for name, _ in COLUMNS)
_INDEXES = (("facts_body", "body"), ("facts_year", "year"), ("facts_measure", "measure"))
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TABLE_REF = re.compile(r"\d+\.\d+")
_KIND_NAMES_EN: dict[TableKind, str] = {
    TableKind.DELIVERABLES: "deliverable",
    TableKind.DECISION_ORGANS: "policymaking organ",
    TableKind.COMPLIANCE: "compliance rate",
    TableKind.POST_CHANGES: "post change",
}


class FactStoreError(ValueError):
    """A fact store that cannot be used, or a query it refuses (one line, for the command line)."""


@dataclass(frozen=True)
class FactQuery:
    """Filters of a fact query; None matches everything.

    `table` is a table reference as a reader writes it: "3.27", "表 3.27", "table 3.27".
    """

    body: str | None = None  # body key: "DPPA", "UNOCT", "SECTION"
    year: int | None = None
    measure: Measure | str | None = None
    funding: FundingSource | str | None = None
    basis: Basis | str | None = None
    table: str | None = None

    def where(self) -> tuple[str, list[object]]:
        """The SQL condition and its parameters: ``("body = ? AND year = ?", ["DPPA", 2024])``."""
        terms: list[str] = []
        params: list[object] = []
        for column, value in (
            ("body", self.body),
            ("year", self.year),
            ("measure", _enum_value(Measure, self.measure)),
            ("funding", _enum_value(FundingSource, self.funding)),
            ("basis", _enum_value(Basis, self.basis)),
        ):
            if value is not None:
                terms.append(f"{column} = ?")
                params.append(value)
        if self.table is not None:
            terms.append("source_kind = ? AND source_ref = ?")
            params.extend([BlockKind.TABLE.value, table_ref(self.table)])
        return (" AND ".join(terms) or "1"), params


def table_ref(text: str) -> str:
    """The number of a table reference: "表 3.27" → "3.27"; a clear error when there is none."""
    match = _TABLE_REF.search(text)
    if match is None:
        raise FactStoreError(f"{text!r} is not a table reference; write it like 3.27")
    return match.group(0)


def _enum_value(enum: Any, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, enum):
        return str(value.value)
    try:
        return str(enum.from_str(str(value)).value)
    except ValueError as error:
        raise FactStoreError(str(error)) from None


def fact_store_path(document: Document, settings: Settings) -> Path:
    """Where the facts of `document` are stored: beside its search indexes."""
    return settings.indexes_dir / f"{document.source_sha256[:16]}{FACTS_SUFFIX}"


class FactStore:
    """A read-only connection to a fact database.

    Open one with :meth:`for_document` (builds or rebuilds the file when needed) or :meth:`open`
    (an existing file).  Every connection is opened with ``mode=ro``: writes fail.
    """

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.connection = connection

    # ---------------------------------------------------------------- open / build

    @classmethod
    def open(cls, path: Path) -> FactStore:
        """Open the database at `path` read-only; :class:`FactStoreError` when it is missing or unusable."""
        if not path.is_file():
            raise FactStoreError(f"no fact store at {path}")
        try:
            connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
            connection.execute("PRAGMA query_only = ON")
            connection.execute("SELECT count(*) FROM facts").fetchone()
        except sqlite3.DatabaseError as error:
            raise FactStoreError(f"the fact store at {path} cannot be read ({error})") from None
        return cls(path, connection)

    @classmethod
    def for_document(cls, document: Document, settings: Settings) -> FactStore:
        """The store of `document` in the index directory of `settings`, built or rebuilt when missing,
        damaged, of another schema version, or holding other facts than the document gives now."""
        path = fact_store_path(document, settings)
        rows = fact_rows(document)
        expected = _meta(document, rows)
        if _stored_meta(path) != expected:
            build(path, rows, expected)
        return cls.open(path)

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> FactStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ---------------------------------------------------------------- queries

    @property
    def meta(self) -> dict[str, str]:
        """What the store was built from: schema version, document symbol and sha256, fact count."""
        return dict(self.connection.execute("SELECT key, value FROM meta").fetchall())

    def count(self) -> int:
        return int(self.connection.execute("SELECT count(*) FROM facts").fetchone()[0])

    def rows(self, query: FactQuery | None = None, **filters: Any) -> list[dict[str, object]]:
        """The matching rows, as column → value dicts, in document order (tables, annex, sentences)."""
        condition, params = (query or FactQuery(**filters)).where()
        cursor = self.connection.execute(f"SELECT * FROM facts WHERE {condition} ORDER BY rowid", params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def query(self, query: FactQuery | None = None, **filters: Any) -> list[Fact]:
        """The matching facts, typed: ``store.query(body="UNOCT", year=2024, measure="posts")``."""
        return [row_fact(row) for row in self.rows(query, **filters)]

    def sql(self, statement: str, params: Sequence[object] = ()) -> tuple[list[str], list[tuple[object, ...]]]:
        """Run read-only SQL; (column names, rows).  A write or a bad statement raises FactStoreError."""
        try:
            cursor = self.connection.execute(statement, params)
            rows = cursor.fetchall()
        except sqlite3.OperationalError as error:
            if "readonly" in str(error) or "read-only" in str(error) or "query_only" in str(error):
                raise FactStoreError(f"the fact store is read-only: {error}") from None
            raise FactStoreError(f"SQL error: {error}") from None
        except (sqlite3.DatabaseError, sqlite3.Warning, ValueError) as error:
            raise FactStoreError(f"SQL error: {error}") from None
        names = [d[0] for d in cursor.description or ()]
        return names, rows

    def frame(self, statement: str | None = None, query: FactQuery | None = None) -> pd.DataFrame:
        """A pandas DataFrame of an SQL statement, or of the facts a query matches."""
        import pandas as pd

        if statement is not None:
            names, rows = self.sql(statement)
            return pd.DataFrame.from_records(rows, columns=names)
        records = self.rows(query)
        frame = pd.DataFrame.from_records(records, columns=list(COLUMN_NAMES))
        integers = [name for name, kind in COLUMNS if kind.startswith("INTEGER")]
        return frame.astype(dict.fromkeys(integers, "Int64"))


# ---------------------------------------------------------------------------- rows


def fact_rows(
    document: Document, *, registry: BodyRegistry | None = None, glossary: Glossary | None = None
) -> list[tuple[object, ...]]:
    """One row per fact of `document`, in :data:`COLUMNS` order."""
    registry = registry or BodyRegistry.of(document)
    english = _English(registry, glossary or load_glossary())
    return [fact_row(fact, english) for fact in extract_facts(document, registry)]


def fact_row(fact: Fact, english: _English) -> tuple[object, ...]:
    source = fact.source
    body_en = english.body(fact.body)
    component_en = english.component(fact)
    return (
        fact.id,
        fact.document,
        fact.body,
        fact.component,
        fact.subprogramme,
        fact.table_kind.value if fact.table_kind is not None else None,
        fact.funding.value,
        fact.breakdown.value,
        fact.label,
        fact.group,
        fact.year,
        fact.basis.value,
        fact.change.value if fact.change is not None else None,
        fact.measure.value,
        fact.unit,
        fact.value,
        int(fact.is_nil),
        fact.printed,
        source.kind.value,
        source.ref,
        source.line,
        source.text,
        source.row,
        source.column,
        source.sub_part,
        english.label(fact, body_en, component_en),
        body_en,
        component_en,
        fact.usd,
    )


def row_fact(row: dict[str, Any]) -> Fact:
    """The :class:`Fact` a stored row holds (the inverse of :func:`fact_row`)."""
    return Fact(
        id=row["id"],
        document=row["document"],
        body=row["body"],
        component=row["component"],
        subprogramme=row["subprogramme"],
        table_kind=TableKind(row["table_kind"]) if row["table_kind"] is not None else None,
        funding=FundingSource(row["funding"]),
        breakdown=Breakdown(row["breakdown"]),
        label=row["label"],
        group=row["group_name"],
        year=row["year"],
        basis=Basis(row["basis"]),
        change=ChangeKind(row["change"]) if row["change"] is not None else None,
        measure=Measure(row["measure"]),
        unit=row["unit"],
        value=row["value"],
        is_nil=bool(row["is_nil"]),
        printed=row["printed"],
        source=FactSource(
            BlockKind(row["source_kind"]),
            row["source_ref"],
            row["source_line"],
            row["source_text"],
            row["source_row"],
            row["source_column"],
            row["source_sub_part"],
        ),
    )


class _English:
    """English forms of bodies, components and row labels, without any Chinese left in them."""

    def __init__(self, registry: BodyRegistry, glossary: Glossary) -> None:
        self.registry = registry
        self.glossary = glossary

    def body(self, key: str) -> str:
        try:
            return self.registry.by_key(key).name_en
        except KeyError:
            return key

    def _gloss(self, zh: str | None) -> str | None:
        """The glossary's English for `zh`, or None when some of it stays Chinese."""
        if not zh:
            return None
        english = self.glossary.english_label(zh).strip()
        return english if english and not _CJK.search(english) else None

    def component(self, fact: Fact) -> str | None:
        if fact.component is None:
            return None
        english = self._gloss(fact.component)
        if english is not None:
            return english
        if fact.subprogramme is not None:
            return f"Subprogramme {fact.subprogramme}"
        return f"a component of the {self.body(fact.body)}"

    def label(self, fact: Fact, body_en: str, component_en: str | None) -> str:
        """The row label in English: a body's own name for a body's row, the glossary's English where
        it renders the whole label, else a description from the fact's English parts."""
        owner = component_en or body_en
        if fact.table_kind is TableKind.ANNEX_OVERVIEW:
            return body_en
        bodies = self.registry.find(fact.label) if fact.label else []
        if len(bodies) == 1 and _only_names(fact.label, bodies[0]):
            return bodies[0].name_en
        english = self._gloss(fact.label)
        if english is not None:
            return english
        if not fact.label:
            return f"{owner}: total" if fact.breakdown is Breakdown.TOTAL else owner
        kind = _KIND_NAMES_EN.get(fact.table_kind, "item") if fact.table_kind is not None else "item"
        group = self._gloss(fact.group)
        where = f"table {fact.source.ref}" if fact.source.kind is BlockKind.TABLE else f"paragraph {fact.source.ref}"
        return f"{owner}: {kind}{f' ({group})' if group else ''}, {where}, line {fact.source.line}"


def _only_names(label: str, body: Any) -> bool:
    compact = "".join(label.split())
    return compact in {"".join(name.split()) for name in (body.name_zh, *body.aliases_zh)}


# ---------------------------------------------------------------------------- writing


def _meta(document: Document, rows: list[tuple[object, ...]]) -> dict[str, str]:
    digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False, default=str).encode()).hexdigest()
    return {
        "schema_version": str(SCHEMA_VERSION),
        "document": document.symbol,
        "document_sha256": document.source_sha256,
        "facts_sha256": digest,
        "fact_count": str(len(rows)),
    }


def _stored_meta(path: Path) -> dict[str, str] | None:
    """The meta table of the file at `path`; None when it is missing or cannot be read."""
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return dict(connection.execute("SELECT key, value FROM meta").fetchall())
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return None


def build(path: Path, rows: list[tuple[object, ...]], meta: dict[str, str]) -> None:
    """Write a fact database with `rows` to `path`: built in memory, then written atomically."""
    connection = sqlite3.connect(":memory:")
    try:
        columns = ", ".join(f"{name} {kind}" for name, kind in COLUMNS)
        connection.execute(f"CREATE TABLE facts ({columns})")
        connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        for name, column in _INDEXES:
            connection.execute(f"CREATE INDEX {name} ON facts ({column})")
        marks = ", ".join("?" for _ in COLUMNS)
        connection.executemany(f"INSERT INTO facts VALUES ({marks})", rows)
        connection.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        connection.commit()
        data = connection.serialize()
    finally:
        connection.close()
    write_bytes(path, data)
