"""Command-line commands of the ingest stage: ``units``, ``show`` (``ingest`` adds to the corpus: see
:mod:`budgetqa.index.corpus_commands`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from .model import BlockKind, Document
from .parser import DocumentError, parse_document
from .render import render_english_unit, render_unit


def _document_path(path: Path | None) -> Path:
    if path is not None:
        return path
    from budgetqa.settings import Settings

    return Settings.from_env().document_path()


def errors() -> Console:
    """Standard error, one unwrapped line per message, so that a message reads whole in a terminal or a log."""
    return Console(stderr=True, soft_wrap=True, highlight=False)


def load_document(path: Path | None = None) -> Document:
    """Parse `path` (default: the configured or bundled document); exit with code 2 and a message on failure.

    The message goes to standard error on one line; warnings about the document (a text that seems
    truncated) are printed there too, and the document is returned.
    """
    source = _document_path(path)
    err = errors()
    try:
        document = parse_document(source)
    except DocumentError as error:
        err.print(f"[red]error:[/red] {escape(str(error))}")
        raise typer.Exit(code=2) from None
    for warning in document.report.warnings:
        err.print(f"[yellow]warning:[/yellow] {escape(warning)}")
    return document


def summary_table(document: Document) -> RichTable:
    """Counts per kind of block."""
    counts = RichTable(title=escape(f"{document.symbol} — 第 {document.section_number} 款 {document.title}"))
    counts.add_column("kind")
    counts.add_column("count", justify="right")
    for name, value in [
        ("parts", len(document.parts)),
        ("headings", len(document.headings)),
        ("paragraphs", len(document.paragraphs)),
        ("tables", len(document.tables)),
        ("figures", len(document.figures)),
        ("forewords", len(document.forewords)),
        ("mandate lists", len(document.mandates)),
        ("annexes", len(document.annexes)),
        ("footnotes", len(document.footnotes)),
    ]:
        counts.add_row(name, str(value))
    return counts


def print_report(document: Document, console: Console) -> None:
    """What parsing `document` found and corrected: counts per kind of block, its sha256, misprints,
    debris removed and table rows left ambiguous."""
    console.print(summary_table(document))
    console.print(f"source sha256: {document.source_sha256}")
    if document.report.misprints:
        for misprint in document.report.misprints:
            console.print(f"misprint corrected: ¶{misprint.printed} → ¶{misprint.corrected} (line {misprint.line})")
    else:
        console.print("misprints corrected: none")
    debris = ", ".join(f"{kind} {count}" for kind, count in document.report.debris_removed.items())
    console.print(f"debris removed: {debris or 'none'}")
    ambiguous = document.report.ambiguous_rows
    console.print(f"table rows left ambiguous: {len(ambiguous)}")
    for ref, line in ambiguous:
        console.print(f"  表 {ref} line {line}")


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the `budgetqa` app."""

    @app.command("units")
    def units(
        as_json: Annotated[
            bool, typer.Option("--json", help="One JSON object per line (the units contract).")
        ] = False,
    ) -> None:
        """List every citable unit of the document."""
        console = Console()
        document = load_document()
        if as_json:
            for unit in document.units():
                typer.echo(json.dumps(unit.to_json(), ensure_ascii=False))
            return
        listing = RichTable(title=document.symbol)
        for column in ("kind", "ref", "part", "lines", "title"):
            listing.add_column(column, overflow="fold")
        for unit in document.units():
            listing.add_row(
                unit.kind.value, unit.ref, unit.part, f"{unit.lines.first}–{unit.lines.last}", unit.title
            )
        console.print(listing)

    @app.command("show")
    def show(
        ref: Annotated[
            str, typer.Argument(help='A reference: "3.115", "表3.27", "table 3.27", "图 3.十四", "附件三".')
        ],
        lang: Annotated[
            str, typer.Option(help="zh: the Chinese original; en: its checked English version (a machine translation).")
        ] = "zh",
    ) -> None:
        """Print one unit; tables as a grid of their parsed cells (exit code 2 for an unknown ref).

        With --lang en the unit's checked English version is shown; parts that have none stay in
        Chinese, and a line says how many.
        """
        from budgetqa.inputs import REFERENCE_EXAMPLES, InputError, check_reference, describe

        from .refs import UnknownReference, nearest, parse_citation, resolve

        console = Console()
        err = Console(stderr=True, soft_wrap=True, highlight=False)
        if lang not in ("zh", "en"):
            err.print(f"[red]error:[/red] unknown --lang {escape(describe(lang))}; choose zh or en")
            raise typer.Exit(code=2)
        try:
            ref = check_reference(ref)
        except InputError as error:
            err.print(f"[red]error:[/red] {escape(str(error))}")
            raise typer.Exit(code=2) from None
        document, ref = _document_of(ref, console, err)
        citation = parse_citation(ref)
        if citation is None:
            err.print(f"[red]error:[/red] {escape(describe(ref))} is not a reference; try {REFERENCE_EXAMPLES}")
            raise typer.Exit(code=2)
        try:
            unit = resolve(document, citation)
        except UnknownReference:
            near = ", ".join(nearest(document, citation)) or "none"
            err.print(f"[red]error:[/red] the document has no {escape(citation.label())}; nearest: {escape(near)}")
            raise typer.Exit(code=2) from None
        if lang == "en":
            from budgetqa.settings import Settings

            from .english_view import EnglishReader

            reader = EnglishReader.load(document, cache_dir=Settings.from_env().cache_dir)
            found = reader.unit(unit.kind, unit.ref)
            if found is not None:
                console.print(render_english_unit(*found))
                return
        console.print(render_unit(document, unit))


def _document_of(ref: str, console: Console, err: Console) -> tuple[Document, str]:
    """The document a reference names at its front ("A/78/6 (Sect. 3) 3.115", "2024 年第 3 款 表 3.27"),
    else the corpus's latest one; and the reference without that part. With a corpus of several
    documents, the chosen one is printed first."""
    from budgetqa.settings import Settings

    from .corpus import Corpus, CorpusRegistryError
    from .document_refs import split_document_reference

    scope, rest = split_document_reference(ref)
    try:
        corpus = Corpus.load(Settings.from_env())
    except (CorpusRegistryError, DocumentError) as error:
        err.print(f"[red]error:[/red] {escape(str(error))}")
        raise typer.Exit(code=2) from None
    if len(corpus.entries) == 1 and not scope:
        return load_document(corpus.text_path(corpus.entries[0])), ref
    entries = corpus.select(scope) if scope else list(corpus.entries)
    if not entries:
        held = ", ".join(entry.symbol for entry in corpus.entries)
        err.print(f"[red]error:[/red] the corpus has no document that {escape(ref)!r} names; it holds {escape(held)}")
        raise typer.Exit(code=2)
    chosen = corpus.latest(entries)
    if len(corpus.entries) > 1:
        console.print(f"[bold]{escape(chosen.symbol)}[/bold]")
    return load_document(corpus.text_path(chosen)), rest or ref


__all__ = ["BlockKind", "errors", "load_document", "print_report", "register", "summary_table"]
