"""Command-line commands of the index stage: ``index`` (build/reopen) and ``search``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table as RichTable

from budgetqa.settings import Settings

console = Console()
err = Console(stderr=True)


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the `budgetqa` app."""
    app.command("index")(index_command)
    app.command("search")(search_command)


def _open_service(document: Path | None):  # -> SearchService (imported lazily: heavy dependencies)
    from budgetqa.index.encoders import EncoderUnavailable
    from budgetqa.index.service import SearchService
    from budgetqa.ingest.parser import DocumentError

    try:
        return SearchService.open(Settings.from_env(), document_path=document, console=err)
    except (DocumentError, EncoderUnavailable, OSError) as error:
        err.print(f"[red]error:[/] {error}")
        raise typer.Exit(code=2) from None


def index_command(
    document: Annotated[Path | None, typer.Argument(help="Document to index (default: the bundled one).")] = None,
    rebuild: Annotated[bool, typer.Option(help="Rebuild even if the index on disk is up to date.")] = False,
) -> None:
    """Build the search index (or reopen it when it is up to date) and print where it lives."""
    from budgetqa.index.encoders import EncoderUnavailable
    from budgetqa.index.searcher import HybridIndex
    from budgetqa.ingest.parser import DocumentError, parse_document

    settings = Settings.from_env()
    try:
        parsed = parse_document(document or settings.document_path())
        index = HybridIndex.open(parsed, settings, rebuild=rebuild, console=err)
    except (DocumentError, EncoderUnavailable, OSError) as error:
        err.print(f"[red]error:[/] {error}")
        raise typer.Exit(code=2) from None
    state = "built" if index.info.rebuilt else "reopened"
    console.print(
        f"{state} {len(index.units)} units in {index.info.seconds:.2f} s at {index.info.path}"
        + (f" (embedded: {index.info.embedded})" if index.info.rebuilt else "")
    )


def search_command(
    question: Annotated[str | None, typer.Argument(help="Question or reference, in Chinese or English.")] = None,
    top_k: Annotated[int, typer.Option("--top-k", "-k", min=1, max=100, help="Number of results.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
    batch: Annotated[Path | None, typer.Option(help="JSON-lines file of {id, question, follow_up_of?}.")] = None,
    document: Annotated[Path | None, typer.Option(help="Document (default: the bundled one).")] = None,
) -> None:
    """Search the document; prints units with their refs, scores and source lines."""
    if (question is None) == (batch is None):
        err.print("[red]error:[/] give either a QUESTION or --batch FILE")
        raise typer.Exit(code=2)
    service = _open_service(document)
    if batch is not None:
        try:
            lines = batch.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            err.print(f"[red]error:[/] cannot read {batch}: {error}")
            raise typer.Exit(code=2) from None
        for record in service.run_batch(lines, top_k=top_k):
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    assert question is not None
    try:
        hits = service.search(question, top_k=top_k)
    except ValueError as error:
        err.print(f"[red]error:[/] {error}")
        raise typer.Exit(code=2) from None
    if as_json:
        sys.stdout.write(json.dumps({"query": question, "results": [h.to_json() for h in hits]}, ensure_ascii=False) + "\n")
        return
    table = RichTable(title=f"search: {question}")
    for column in ("#", "ref", "score", "lines", "text"):
        table.add_column(column)
    for rank, hit in enumerate(hits, start=1):
        unit = hit.unit
        label = f"{unit.kind.value} {unit.ref}" + (f" · {unit.row_label}" if unit.row_label else "")
        table.add_row(str(rank), label, f"{hit.score:.4f}", f"{unit.lines.first}-{unit.lines.last}", unit.text[:90])
    console.print(table)
