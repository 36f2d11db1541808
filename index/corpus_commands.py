"""Command-line commands of the corpus: ``ingest FILE…``, ``documents``, ``remove SYMBOL``.

``ingest`` parses each file, prints what was found, adds it to the corpus (``<cache>/corpus``) and
builds its index: its own units' embeddings (cached per unit content, so no other document is embedded
again) and the corpus's BM25, whose statistics span every document; with ``BUDGETQA_BACKEND=postgres``
the database is brought to the corpus in the same step. Without a file it prints the report of the
configured document and changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from budgetqa.ingest.commands import errors, load_document, print_report
from budgetqa.ingest.corpus import Corpus, CorpusRegistryError
from budgetqa.ingest.model import Document
from budgetqa.settings import Settings

console = Console()


def register(app: typer.Typer) -> None:
    """Add the corpus commands to the `budgetqa` app."""
    app.command("ingest")(ingest_command)
    app.command("documents")(documents_command)
    app.command("remove")(remove_command)


def _corpus(settings: Settings) -> Corpus:
    try:
        return Corpus.load(settings)
    except (CorpusRegistryError, ValueError) as error:
        errors().print(f"[red]error:[/red] {escape(str(error))}")
        raise typer.Exit(code=2) from None


def ingest_command(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Budget section texts to add to the corpus (none: report on the configured document).")
    ] = None,
    partial: Annotated[
        bool, typer.Option("--partial", help="Accept a section that seems truncated (exit code 0).")
    ] = False,
    index: Annotated[
        bool, typer.Option("--index/--no-index", help="Build the index now (default) or when it is first searched.")
    ] = True,
) -> None:
    """Parse budget sections, print what was found and corrected, and add them to the corpus.

    Exit code 2: a file cannot be read as a budget section, or the corpus cannot take it (nothing is
    added); 1: a file was parsed but seems truncated (the warning says why; --partial accepts it).
    """
    settings = Settings.from_env()
    if not paths:
        document = load_document()
        print_report(document, console)
        _refuse_truncated(document, partial)
        return
    documents: list[tuple[Document, Path]] = []
    for path in paths:  # every file is read before any is added
        document = load_document(path)
        print_report(document, console)
        _refuse_truncated(document, partial)
        documents.append((document, path))
    corpus = _corpus(settings)
    before = {entry.sha256 for entry in corpus.entries}
    try:
        for document, path in documents:
            corpus = corpus.add(document, path)
    except (CorpusRegistryError, OSError) as error:
        errors().print(f"[red]error:[/red] {escape(str(error))}")
        raise typer.Exit(code=2) from None
    added = [entry for entry in corpus.entries if entry.sha256 not in before]
    for entry in added:
        console.print(f"added {entry.symbol} to the corpus ({len(corpus.entries)} documents)")
    if not added:
        console.print(f"the corpus already holds {', '.join(d.symbol for d, _ in documents)}")
    elif index:
        _build(corpus, settings)


def _refuse_truncated(document: Document, partial: bool) -> None:
    if document.report.warnings and not partial:
        errors().print("[red]error:[/red] the document seems truncated; pass --partial to accept it as it is")
        raise typer.Exit(code=1)


def _build(corpus: Corpus, settings: Settings) -> None:
    """Open (build where needed) the corpus's indexes, and say what was built."""
    from .corpus_index import CorpusIndex
    from .encoders import EncoderUnavailable

    try:
        opened = CorpusIndex.open(corpus, settings, console=errors())
    except (EncoderUnavailable, OSError, ValueError) as error:
        errors().print(f"[red]error:[/red] {escape(str(error))}")
        raise typer.Exit(code=2) from None
    built = [symbol for symbol, rebuilt in opened.info.rebuilt.items() if rebuilt]
    console.print(
        f"corpus index ready in {opened.info.seconds:.1f} s: {len(opened.indexes)} documents, "
        f"{sum(len(i.units) for i in opened.indexes)} units; built: {', '.join(built) or 'none (reopened)'}"
    )


def documents_command(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per document.")] = False,
) -> None:
    """List the documents of the corpus: symbol, section, year, language and what was parsed."""
    corpus = _corpus(Settings.from_env())
    if as_json:
        for entry in corpus.entries:
            typer.echo(
                json.dumps(
                    {
                        "symbol": entry.symbol,
                        "section": entry.section,
                        "title": entry.title,
                        "year": entry.year,
                        "language": entry.language,
                        "paragraphs": entry.paragraphs,
                        "tables": entry.tables,
                        "figures": entry.figures,
                        "sha256": entry.sha256,
                    },
                    ensure_ascii=False,
                )
            )
        return
    listing = RichTable(title=f"corpus: {len(corpus.entries)} documents" + ("" if corpus.stored else " (the default)"))
    for column in ("symbol", "section", "year", "language", "paragraphs", "tables", "figures", "title"):
        listing.add_column(column, justify="right" if column in ("section", "year", "paragraphs", "tables", "figures") else "left")
    for entry in corpus.entries:
        listing.add_row(
            escape(entry.symbol),
            str(entry.section),
            str(entry.year or "–"),
            entry.language,
            str(entry.paragraphs),
            str(entry.tables),
            str(entry.figures),
            escape(entry.title),
        )
    console.print(listing)


def remove_command(
    symbol: Annotated[str, typer.Argument(help='The document\'s symbol: "A/79/6 (Sect. 3)" (or "A/79/6" when one section of it is held).')],
) -> None:
    """Take a document out of the corpus (and, with BUDGETQA_BACKEND=postgres, out of the database).

    The corpus's BM25 statistics are counted again without it the next time it is searched; no other
    document is embedded again. Exit code 2 when the corpus holds no such document."""
    settings = Settings.from_env()
    corpus = _corpus(settings)
    try:
        corpus, removed = corpus.remove(symbol)
    except (CorpusRegistryError, LookupError) as error:
        errors().print(f"[red]error:[/red] {escape(str(error).strip(chr(39)))}")
        raise typer.Exit(code=2) from None
    console.print(f"removed {removed.symbol}; the corpus holds {', '.join(e.symbol for e in corpus.entries)}")
    if settings.backend.value == "postgres":
        from .pg_backend import PostgresBackend

        database = PostgresBackend.from_settings(settings)
        database.create_schema()
        if database.document_sha256(removed.symbol) is not None:
            database.remove(removed.symbol)
            console.print(f"removed {removed.symbol} from the database")
        database.close()
