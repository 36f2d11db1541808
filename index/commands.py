"""Command-line commands of the index stage: ``index`` (build/reopen) and ``search``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from budgetqa.inputs import InputError, check_question, read_question_stream
from budgetqa.settings import Settings

if TYPE_CHECKING:
    from .batch import BatchError, BatchItem

console = Console()
err = Console(stderr=True)


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the `budgetqa` app."""
    from .fact_commands import register as register_facts
    from .translate_commands import register as register_translate

    app.command("index")(index_command)
    app.command("search")(search_command)
    register_facts(app)
    register_translate(app)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print `message` as one ``error:`` line on standard error; the exit (code `code`) to raise.

    >>> # raise fail("give either a QUESTION or --batch FILE")
    """
    err.print(f"[red]error:[/] {escape(message)}", soft_wrap=True, highlight=False)
    return typer.Exit(code=code)


def question_argument(value: str) -> str:
    """The question given on the command line, checked; ``-`` reads it from standard input.

    A question that breaks the input rules (:mod:`budgetqa.inputs`) ends the command with exit code 2,
    before any index is opened.
    """
    try:
        if value == "-":
            return read_question_stream(sys.stdin.buffer)
        return check_question(value)
    except InputError as error:
        raise fail(str(error)) from None


def batch_items(path: Path) -> list[BatchItem | BatchError]:
    """The checked lines of batch file `path`; a file that cannot be used ends the command (exit 2)."""
    from .batch import BatchFileError, read_batch, read_batch_file

    try:
        return read_batch(read_batch_file(path))
    except BatchFileError as error:
        raise fail(str(error)) from None


def write_record(record: dict[str, object]) -> None:
    """One JSON object on one line of standard output."""
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


def _search_batch(path: Path, top_k: int, document: Path | None) -> NoReturn:
    """One JSON line per batch line; the index is opened only when some line can run."""
    from .batch import BatchError, BatchItem

    items = batch_items(path)
    if any(isinstance(item, BatchItem) for item in items):
        records = _open_service(document).run_items(items, top_k=top_k)
    else:
        records = (item.to_json() for item in items if isinstance(item, BatchError))
    failed = False
    for record in records:
        failed = failed or "error" in record
        write_record(record)
    raise typer.Exit(code=1 if failed else 0)


def _open_service(document: Path | None):  # -> SearchService | CorpusSearchService (imported lazily)
    from budgetqa.index.encoders import EncoderUnavailable
    from budgetqa.index.service import SearchService
    from budgetqa.ingest.parser import DocumentError

    try:
        if document is None:
            from budgetqa.index.corpus_search import open_search_service

            return open_search_service(Settings.from_env(), console=err)
        return SearchService.open(Settings.from_env(), document_path=document, console=err)
    except (DocumentError, EncoderUnavailable, OSError, ValueError) as error:
        raise fail(str(error)) from None


def index_command(
    document: Annotated[Path | None, typer.Argument(help="Document to index (default: the bundled one).")] = None,
    rebuild: Annotated[bool, typer.Option(help="Rebuild even if the index on disk is up to date.")] = False,
) -> None:
    """Build the search index (or reopen it when it is up to date) and print where it lives."""
    from budgetqa.index.encoders import EncoderUnavailable
    from budgetqa.index.searcher import HybridIndex
    from budgetqa.ingest.parser import DocumentError, parse_document

    try:
        settings = Settings.from_env()
        parsed = parse_document(document or settings.document_path())
        index = HybridIndex.open(parsed, settings, rebuild=rebuild, console=err)
    except (DocumentError, EncoderUnavailable, OSError, ValueError) as error:
        raise fail(str(error)) from None
    state = "built" if index.info.rebuilt else "reopened"
    console.print(
        f"{state} {len(index.units)} units in {index.info.seconds:.2f} s at {index.info.path}"
        + (f" (embedded: {index.info.embedded})" if index.info.rebuilt else "")
    )


def search_command(
    question: Annotated[
        str | None, typer.Argument(help="Question or reference, in Chinese or English; - reads it from stdin.")
    ] = None,
    top_k: Annotated[int, typer.Option("--top-k", "-k", min=1, max=100, help="Number of results.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
    batch: Annotated[Path | None, typer.Option(help="JSON-lines file of {id, question, follow_up_of?}.")] = None,
    document: Annotated[Path | None, typer.Option(help="Document (default: the bundled one).")] = None,
) -> None:
    """Search the document; prints units with their refs, scores and source lines.

    Exit codes: 0 done; 1 some batch lines failed (their output lines carry "error"); 2 bad input or an
    unusable batch file (nothing is searched, nothing is written).
    """
    if (question is None) == (batch is None):
        raise fail("give either a QUESTION or --batch FILE")
    if batch is not None:
        _search_batch(batch, top_k, document)
    assert question is not None
    question = question_argument(question)
    service = _open_service(document)
    try:
        hits = service.search(question, top_k=top_k)
    except ValueError as error:
        raise fail(str(error)) from None
    if as_json:
        sys.stdout.write(json.dumps({"query": question, "results": [h.to_json() for h in hits]}, ensure_ascii=False) + "\n")
        return
    table = RichTable(title=f"search: {escape(question)}")
    for column in ("#", "ref", "score", "lines", "text"):
        table.add_column(column)
    for rank, hit in enumerate(hits, start=1):
        unit = hit.unit
        label = f"{unit.kind.value} {unit.ref}" + (f" · {unit.row_label}" if unit.row_label else "")
        table.add_row(
            str(rank), escape(label), f"{hit.score:.4f}", f"{unit.lines.first}-{unit.lines.last}", escape(unit.text[:90])
        )
    console.print(table)
