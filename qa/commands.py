"""Command-line commands of the answer stage: ``ask``, ``chat``, ``serve``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from budgetqa.index.commands import batch_items, fail, question_argument, write_record
from budgetqa.inputs import describe
from budgetqa.settings import Settings

if TYPE_CHECKING:
    from .corpus_service import CorpusService
    from .model import Answer
    from .service import QAService

console = Console()
err = Console(stderr=True)


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the `budgetqa` app."""
    app.command("ask")(ask_command)
    app.command("chat")(chat_command)
    app.command("serve")(serve_command)


def open_service(document: Path | None = None) -> QAService | CorpusService:
    """The answer service for `document`, else for the corpus (one document's service, or a
    :class:`~budgetqa.qa.corpus_service.CorpusService` over several), or a clear error and exit code 2."""
    from budgetqa.index.encoders import EncoderUnavailable
    from budgetqa.ingest.parser import DocumentError

    from .corpus_service import open_answer_service
    from .service import QAService

    try:
        if document is not None:
            return QAService.open(Settings.from_env(), document_path=document, console=err)
        return open_answer_service(Settings.from_env(), console=err)
    except (DocumentError, EncoderUnavailable, OSError, ValueError) as error:
        raise fail(str(error)) from None


def ask_command(
    question: Annotated[
        str | None, typer.Argument(help="Question in Chinese or English; - reads it from stdin.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as one JSON object.")] = False,
    lang: Annotated[str | None, typer.Option(help="Answer language: zh or en (default: the question's).")] = None,
    batch: Annotated[Path | None, typer.Option(help="JSON-lines file of {id, question, follow_up_of?}.")] = None,
    document: Annotated[Path | None, typer.Option(help="Document (default: the bundled one).")] = None,
) -> None:
    """Answer a question with citations (¶3.115, 表 3.27), or every question of a batch file.

    Exit codes: 0 answered (an abstention included); 1 some batch lines failed (their output lines carry
    "error"); 2 bad input or an unusable batch file (nothing is answered, nothing is written).
    """
    if (question is None) == (batch is None):
        raise fail("give either a QUESTION or --batch FILE")
    if lang not in (None, "zh", "en"):
        raise fail(f"--lang must be zh or en, not {describe(lang or '')}")
    if batch is not None:
        _ask_batch(batch, document)
    assert question is not None
    text = question_argument(question)
    service = open_service(document)
    try:
        answer = service.ask(text, lang=lang)  # type: ignore[arg-type]
    except ValueError as error:
        raise fail(str(error)) from None
    if as_json:
        write_record(answer.to_json())
    else:
        print_answer(answer, console)


def _ask_batch(path: Path, document: Path | None) -> NoReturn:
    """One JSON line per batch line; the index is opened only when some line can run."""
    from budgetqa.index.batch import BatchError

    items = batch_items(path)
    service = open_service(document) if any(not isinstance(item, BatchError) for item in items) else None
    failed = False
    for item in items:
        if isinstance(item, BatchError):
            record: dict[str, object] = item.to_json()
        else:
            assert service is not None
            try:
                answer = service.ask(item.question, session_id=f"batch:{item.session}", lang=item.lang)  # type: ignore[arg-type]
                record = {
                    "id": item.id,
                    "answer": answer.text,
                    "citations": [c.to_json() for c in answer.citations],
                    "abstained": answer.abstained,
                    "confidence": answer.confidence,
                }
            except (ValueError, RuntimeError) as error:  # a refused question; a configured LLM that failed
                record = BatchError(item.id, str(error), item.line).to_json()
        failed = failed or "error" in record
        write_record(record)
    raise typer.Exit(code=1 if failed else 0)


def print_answer(answer: Answer, out: Console) -> None:
    """Render an answer: the text, then its citations with their source lines."""
    style = "yellow" if answer.abstained else "green"
    title = ("abstained" if answer.abstained else f"confidence {answer.confidence:.2f}") + f" · {answer.mode}"
    out.print(Panel(Text(answer.text), title=escape(answer.question), subtitle=escape(title), border_style=style))
    for citation in answer.citations:
        label = escape((f"{citation.document}, " if citation.document else "") + citation.label_for(answer.language))
        where = escape(f" · {_row_label(citation.row, answer.language)}") if citation.row else ""
        out.print(f"  [bold]{label}[/]{where}  lines {citation.lines[0]}–{citation.lines[-1]}" if citation.lines else f"  {label}")


def _row_label(row: str, language: str) -> str:
    """A cited row's label in the answer's language: for an English answer the glossary's English where
    it renders the whole label ("专业及以上职类" → "Professional and higher"), else the label as printed."""
    if language != "en":
        return row
    from budgetqa.index.glossary import load_glossary
    from budgetqa.ingest.english import has_han

    english = load_glossary().english_label(row)
    return row if has_han(english) else english


def chat_command(
    lang: Annotated[str | None, typer.Option(help="Answer language: zh or en (default: each question's).")] = None,
    document: Annotated[Path | None, typer.Option(help="Document (default: the bundled one).")] = None,
) -> None:
    """Chat in the terminal: follow-up questions, /show 3.115, /lang en, /quit."""
    from budgetqa.ingest.english_view import EnglishReader

    from .chat import run_chat

    if lang not in (None, "zh", "en"):
        raise fail(f"--lang must be zh or en, not {describe(lang or '')}")
    service = open_service(document)
    service.warm_up()
    english = EnglishReader.load(service.document, cache_dir=Settings.from_env().cache_dir)
    run_chat(service, console=console, lang=lang, english=english)  # type: ignore[arg-type]


def serve_command(
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on. The default, 127.0.0.1, is this machine only; "
            "0.0.0.0 opens the chat to the network, without any login."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8000,
) -> None:
    """Serve the web chat and the HTTP API (OpenAPI docs at /docs).

    Answering one request may take ``BUDGETQA_REQUEST_TIMEOUT_S`` seconds (default 30) before the
    client is told to retry.
    """
    from .server import exposure_warning, serve

    try:
        settings = Settings.from_env()
    except ValueError as error:
        err.print(f"[red]error:[/] {error}")
        raise typer.Exit(code=2) from None
    warning = exposure_warning(host)
    if warning:
        err.print(f"[bold yellow]warning:[/] {warning}")
    serve(host=host, port=port, settings=settings)
