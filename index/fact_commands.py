"""``budgetqa facts``: list the budget facts of the document, filtered, or run read-only SQL on them.

>>> # budgetqa facts --body UNOCT --year 2024 --measure posts --source regular-budget
>>> # budgetqa facts --table 3.27 --format csv --out dppa.csv
>>> # budgetqa facts --sql "SELECT body, usd FROM facts WHERE label = '共计'" --format json
"""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from budgetqa.atomic import write_bytes
from budgetqa.settings import Settings

from .commands import console, err, fail

if TYPE_CHECKING:
    import pandas as pd

    from budgetqa.ingest.bodies import BodyRegistry
    from budgetqa.ingest.model import Document

    from .fact_store import FactQuery, FactStore


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    PARQUET = "parquet"
    XLSX = "xlsx"


# Formats whose files are binary (need --out), and the package each needs.
_BINARY = {OutputFormat.PARQUET: "pyarrow", OutputFormat.XLSX: "openpyxl"}
# Columns of the terminal table (the other formats carry every column).
_TABLE_COLUMNS = ("body", "label", "funding", "year", "basis", "printed", "unit", "source")


def register(app: typer.Typer) -> None:
    """Add ``facts`` to the `budgetqa` app."""
    app.command("facts")(facts_command)


def facts_command(
    body: Annotated[
        str | None, typer.Option(help="Body: any name or abbreviation (UNOCT, 反恐办, 'Office of Counter-Terrorism').")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Year the figure is for (a change counts for the later year).")] = None,
    measure: Annotated[str | None, typer.Option(help="money, posts, count or percentage.")] = None,
    source: Annotated[
        str | None, typer.Option(help="Funding source: regular-budget, other-assessed, extrabudgetary, all.")
    ] = None,
    basis: Annotated[
        str | None,
        typer.Option(help="actual, appropriation, approved, estimate, estimate-before-recosting, proposed, planned, change."),
    ] = None,
    table: Annotated[str | None, typer.Option(help="Only the facts of one table: 3.27.")] = None,
    sql: Annotated[str | None, typer.Option(help="Read-only SQL over the table `facts` (instead of the filters).")] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = OutputFormat.TABLE,
    out: Annotated[Path | None, typer.Option(help="Write to this file (required for parquet and xlsx).")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many rows.")] = None,
    document: Annotated[Path | None, typer.Option(help="Document (default: the bundled one).")] = None,
) -> None:
    """List the budget facts of the document: every printed figure with its body, year, basis and source.

    The facts live in a SQLite file beside the search index (built on first use, in under a second).
    Exit codes: 0 done (also when nothing matches); 2 bad input (an unknown body, measure, source,
    basis or table, bad or writing SQL, a format that needs --out or a missing package).
    """
    filters = {"--body": body, "--year": year, "--measure": measure, "--source": source, "--basis": basis, "--table": table}
    if sql is not None and any(value is not None for value in filters.values()):
        given = ", ".join(name for name, value in filters.items() if value is not None)
        raise fail(f"--sql cannot be combined with {given}: put the conditions in the SQL")
    _check_output(output_format, out)
    parsed = _parse_document(document)
    store = _open_store(parsed)
    from .fact_store import FactStoreError

    try:
        if sql is not None:
            frame = store.frame(sql)
        else:
            frame = store.frame(query=_query(parsed, body, year, measure, source, basis, table))
    except FactStoreError as error:
        raise fail(str(error)) from None
    finally:
        store.close()
    if limit is not None:
        frame = frame.head(limit)
    _WRITERS[output_format](frame, out)
    if out is not None:
        err.print(f"{len(frame)} rows written to {escape(str(out))}", highlight=False)


def _check_output(output_format: OutputFormat, out: Path | None) -> None:
    if output_format is OutputFormat.TABLE and out is not None:
        raise fail("--format table prints to the terminal; use json, csv, parquet or xlsx with --out")
    package = _BINARY.get(output_format)
    if package is not None:
        if out is None:
            raise fail(f"--format {output_format.value} writes a binary file: give --out FILE")
        if importlib.util.find_spec(package) is None:
            raise fail(f"--format {output_format.value} needs the package {package}: pip install {package}")
    if out is not None and out.is_dir():
        raise fail(f"--out {out} is a directory")


def _parse_document(path: Path | None) -> Document:
    from budgetqa.ingest.parser import DocumentError, parse_document

    try:
        return parse_document(path or Settings.from_env().document_path())
    except (DocumentError, OSError, ValueError) as error:
        raise fail(str(error)) from None


def _open_store(document: Document) -> FactStore:
    from .fact_store import FactStore, FactStoreError

    try:
        return FactStore.for_document(document, Settings.from_env())
    except (FactStoreError, OSError) as error:
        raise fail(str(error)) from None


def resolve_body(registry: BodyRegistry, text: str) -> str:
    """The key of the one body `text` names (a key, a name or an abbreviation, in either language).

    >>> # resolve_body(BodyRegistry.of(document), "反恐办") → "UNOCT"
    """
    for known in registry.bodies:
        if known.key.lower() == text.strip().lower():
            return known.key
    found = registry.find(text)
    if len(found) == 1:
        return found[0].key
    choices = "; ".join(f"{b.key} ({b.name_en}, {b.name_zh})" for b in registry.bodies)
    if not found:
        raise ValueError(f"unknown body {text!r}; choose one of: {choices}")
    raise ValueError(f"{text!r} names more than one body ({', '.join(b.key for b in found)}); choose one of: {choices}")


def _query(
    document: Document,
    body: str | None,
    year: int | None,
    measure: str | None,
    source: str | None,
    basis: str | None,
    table: str | None,
) -> FactQuery:
    """The checked filters; a bad one ends the command with exit code 2 and the valid choices."""
    from budgetqa.ingest.bodies import BodyRegistry
    from budgetqa.ingest.budget import Basis, FundingSource, Measure

    from .fact_store import FactQuery, FactStoreError, table_ref

    try:
        key = resolve_body(BodyRegistry.of(document), body) if body is not None else None
        ref = table_ref(table) if table is not None else None
        if ref is not None and ref not in {t.ref for t in document.tables}:
            raise ValueError(f"the document has no table {ref} (tables {document.tables[0].ref} to {document.tables[-1].ref})")
        return FactQuery(
            body=key,
            year=year,
            measure=Measure.from_str(measure) if measure is not None else None,
            funding=FundingSource.from_str(source) if source is not None else None,
            basis=Basis.from_str(basis) if basis is not None else None,
            table=ref,
        )
    except (ValueError, FactStoreError) as error:
        raise fail(str(error)) from None


# ---------------------------------------------------------------------------- writers


def _text(frame: pd.DataFrame, render: Callable[[pd.DataFrame], str], out: Path | None) -> None:
    text = render(frame)
    if out is None:
        sys.stdout.write(text)
    else:
        write_bytes(out, text.encode("utf-8"))


def _json(frame: pd.DataFrame) -> str:
    records = json.loads(frame.to_json(orient="records", force_ascii=False))
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


def _csv(frame: pd.DataFrame) -> str:
    return str(frame.to_csv(index=False, lineterminator="\n"))


def _binary(frame: pd.DataFrame, out: Path | None, write: Callable[[pd.DataFrame, io.BytesIO], object]) -> None:
    assert out is not None  # _check_output asked for it
    buffer = io.BytesIO()
    write(frame, buffer)
    write_bytes(out, buffer.getvalue())


def _table(frame: pd.DataFrame, out: Path | None) -> None:
    if {"body", "printed", "source_kind"} <= set(frame.columns):
        frame = frame.assign(
            source=[_cite(kind, ref) for kind, ref in zip(frame["source_kind"], frame["source_ref"], strict=True)],
            label=[c if not label and not _missing(c) else label for label, c in zip(frame["label"], frame["component"], strict=True)],
            basis=[b if _missing(c) else f"{b}: {c}" for b, c in zip(frame["basis"], frame["change"], strict=True)],
        )
        columns = [c for c in _TABLE_COLUMNS if c in frame.columns]
    else:
        columns = list(frame.columns)
    rich = RichTable(title=f"{len(frame)} facts" if "source" in frame.columns else f"{len(frame)} rows")
    for column in columns:
        rich.add_column(column, overflow="fold")
    for row in frame[columns].itertuples(index=False):
        rich.add_row(*(escape("" if _missing(value) else str(value)) for value in row))
    console.print(rich)


def _cite(kind: str, ref: str) -> str:
    return {"table": f"表 {ref}", "annex": f"附件{ref}", "paragraph": f"¶{ref}"}.get(kind, ref)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


_WRITERS: dict[OutputFormat, Callable[[pd.DataFrame, Path | None], None]] = {
    OutputFormat.TABLE: _table,
    OutputFormat.JSON: lambda frame, out: _text(frame, _json, out),
    OutputFormat.CSV: lambda frame, out: _text(frame, _csv, out),
    OutputFormat.PARQUET: lambda frame, out: _binary(frame, out, lambda f, b: f.to_parquet(b, index=False)),
    OutputFormat.XLSX: lambda frame, out: _binary(frame, out, lambda f, b: f.to_excel(b, index=False, engine="openpyxl")),
}
