"""`budgetqa chat`: a conversation in the terminal, with cited answers and the cited units on demand.

One chat is one session of the answer service, so follow-up questions ("那 2023 年呢？") are read in
the context of the previous ones.  Commands: ``/show 3.115`` (a unit; tables as tables), ``/lang
en|zh|auto``, ``/history``, ``/help``, ``/quit`` (or Ctrl-D).  After ``/lang en``, ``/show`` shows
the unit's checked English version (a machine translation) where the chat was given one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.console import Console, Group
from rich.live import Live
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from budgetqa.ingest.english_view import EnglishReader
from budgetqa.ingest.model import BlockKind
from budgetqa.ingest.render import render_english_unit
from budgetqa.inputs import InputError, check_question, describe

from .model import Answer, Citation, Language, UnitView
from .protocols import AnswerService

PROMPT = "问 / ask › "
HELP = """\
Ask a question in Chinese or English, e.g. 政治建和部 2024 年的员额资源是多少？ or
"How much is proposed for special political missions in 2024?"; follow-up questions are understood.

  /show 3.115     show a paragraph, table (表 3.24), figure (图 3.十四) or annex (附件三)
  /lang en|zh|auto  answer language (auto: the question's); with en, /show shows the English version
  /history        the questions and answers of this chat
  /help           this text
  /quit           leave (or Ctrl-D)"""


@dataclass
class Turn:
    """One question of the chat and the answer it got."""

    question: str
    answer: Answer


@dataclass
class ChatState:
    """What a chat remembers: its session id, answer language and turns."""

    session_id: str = field(default_factory=lambda: f"chat-{uuid.uuid4().hex[:12]}")
    lang: Language | None = None
    turns: list[Turn] = field(default_factory=list)


def run_chat(
    service: AnswerService,
    *,
    console: Console,
    read_line: Callable[[str], str] = input,
    lang: Language | None = None,
    english: EnglishReader | None = None,
) -> None:
    """Chat with `service` until ``/quit`` or end of input; `read_line(prompt)` reads one line.

    `english` gives the English versions of the document's units, shown by ``/show`` after
    ``/lang en``; without it ``/show`` shows the Chinese original.

    A line that breaks the input rules of :mod:`budgetqa.inputs` (too long, binary, not UTF-8, no
    words) gets a one-line message and the chat goes on; blank lines are ignored.
    """
    state = ChatState(lang=lang)
    console.print(Panel(escape(HELP), title="budgetqa chat — A/78/6 (Sect. 3)", border_style="blue"))
    while True:
        try:
            line = read_line(PROMPT)
        except (EOFError, KeyboardInterrupt):
            console.print()
            break
        except UnicodeDecodeError:  # a terminal or pipe that decodes strictly
            console.print("[red]error:[/] that line was not valid UTF-8 text; type it again")
            continue
        line = line.strip()
        if not line:
            continue
        if line.startswith("/"):
            if not _command(line, service, state, console, english):
                break
            continue
        try:
            question = check_question(line)
        except InputError as error:
            console.print(f"[red]error:[/] {escape(str(error))}")
            continue
        _ask(question, service, state, console)
    console.print("[dim]bye — 再见[/]")


# ---------------------------------------------------------------------------------------------- commands


def _command(
    line: str, service: AnswerService, state: ChatState, console: Console, english: EnglishReader | None = None
) -> bool:
    """Run a slash command; False when the chat should end."""
    name, _, argument = line.partition(" ")
    name, argument = name.lower(), argument.strip()
    if name in ("/quit", "/exit", "/q"):
        return False
    if name in ("/help", "/?"):
        console.print(escape(HELP))
    elif name == "/lang":
        _set_language(argument, state, console)
    elif name == "/history":
        _show_history(state, console)
    elif name == "/show":
        _show_unit(argument, service, console, english if state.lang == "en" else None)
    else:
        shown = name if len(name) <= 40 and name.isprintable() else describe(name)
        console.print(f"[red]unknown command {escape(shown)}[/]; type /help for the commands")
    return True


def _set_language(argument: str, state: ChatState, console: Console) -> None:
    choice = argument.lower()
    if choice in ("en", "zh"):
        state.lang = choice  # type: ignore[assignment]
        console.print(f"answers in {'English' if choice == 'en' else '中文'}")
    elif choice == "auto":
        state.lang = None
        console.print("answers in the language of each question")
    else:
        console.print("[red]usage:[/] /lang en|zh|auto")


def _show_history(state: ChatState, console: Console) -> None:
    if not state.turns:
        console.print("[dim]no questions yet[/]")
        return
    table = Table(title=f"history ({state.session_id})", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("question")
    table.add_column("answer")
    table.add_column("cites")
    for number, turn in enumerate(state.turns, 1):
        answer = turn.answer
        first_line = answer.text.strip().splitlines()[0] if answer.text.strip() else ""
        marker = " [yellow](abstained)[/]" if answer.abstained else ""
        table.add_row(
            str(number),
            escape(turn.question),
            escape(_shorten(first_line, 80)) + marker,
            ", ".join(citation.label_for(answer.language) for citation in answer.citations),
        )
    console.print(table)


def _show_unit(argument: str, service: AnswerService, console: Console, english: EnglishReader | None) -> None:
    """Show the unit `argument` names: its English version when `english` is given, else the original."""
    if not argument:
        console.print("[red]usage:[/] /show 3.115 (or 表 3.24, 图 3.十四, 附件三)")
        return
    try:
        unit = service.lookup(argument)
    except LookupError as error:  # UnknownReference names the nearest blocks that exist
        console.print(f"[red]{escape(str(error))}[/]")
        return
    except ValueError as error:
        console.print(f"[red]{escape(str(error))}[/]")
        return
    found = None if english is None else english.unit(BlockKind(unit.kind), unit.ref)
    console.print(render_unit(unit) if found is None else render_english_unit(*found))


# ---------------------------------------------------------------------------------------------- answers


def _ask(question: str, service: AnswerService, state: ChatState, console: Console) -> None:
    """Stream the answer (live in a terminal), then show it with its citations."""
    answer: Answer | None = None
    text = ""
    try:
        if console.is_terminal:
            with Live(Text("…"), console=console, transient=True, refresh_per_second=8) as live:
                for event in service.stream(question, session_id=state.session_id, lang=state.lang):
                    if event.type == "token":
                        text += event.text
                        live.update(Text(text))
                    elif event.answer is not None:
                        answer = event.answer
        else:
            for event in service.stream(question, session_id=state.session_id, lang=state.lang):
                if event.type == "answer" and event.answer is not None:
                    answer = event.answer
    except ValueError as error:  # a question the service refuses (empty, too long, binary)
        console.print(f"[red]{escape(str(error))}[/]")
        return
    except KeyboardInterrupt:
        console.print("[dim]cancelled[/]")
        return
    except RuntimeError as error:  # the configured chat model failed
        console.print(f"[red]error:[/] {escape(str(error))}")
        return
    if answer is None:
        console.print("[red]error:[/] the service ended without an answer; try again")
        return
    state.turns.append(Turn(question, answer))
    console.print(render_answer(answer))


def render_answer(answer: Answer) -> Panel:
    """An answer as a panel: its text, then its citations with their lines, confidence and mode."""
    parts: list[object] = [Text(answer.text)]
    if answer.citations:
        parts.append(_citations_table(answer.citations, answer.language))
    status = (
        "[yellow]abstained — 文件没有回答[/]" if answer.abstained else f"confidence {answer.confidence:.2f}"
    )
    if not answer.verification.clean:
        status += " · [red]verification removed unsupported parts[/]"
    title = "回答" if answer.language == "zh" else "Answer"
    return Panel(
        Group(*parts),  # type: ignore[arg-type]
        title=title,
        subtitle=f"{status} · {escape(answer.mode)}",
        border_style="yellow" if answer.abstained else "green",
    )


def _citations_table(citations: list[Citation], language: Language) -> Table:
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 1))
    table.add_column("cites")
    table.add_column("lines", justify="right")
    table.add_column("where")
    table.add_column("quote")
    for citation in citations:
        lines = citation.lines
        where = " / ".join(item for item in (citation.row, citation.column) if item)
        table.add_row(
            citation.label_for(language),
            _lines(lines),
            escape(where),
            escape(_shorten(" ".join(citation.quote.split()), 90)),
        )
    return table


def render_unit(unit: UnitView) -> Panel | Group:
    """A unit for `/show`: a paragraph as text, a table as a grid of its rows."""
    heading = f"{unit.label} {unit.title}".strip() if unit.title and unit.title != unit.label else unit.label
    if unit.english_label:
        heading = f"{heading} — {unit.english_label}"
    subtitle = f"lines {_lines(unit.lines)}" + (f" · {unit.part}" if unit.part else "")
    if unit.columns is not None and unit.rows is not None:
        table = Table(title=escape(heading), show_lines=False, header_style="bold")
        table.add_column("")
        for column in unit.columns:
            table.add_column(escape(column), justify="right")
        for row in unit.rows:
            raw = row.get("cells")
            cells = [str(cell) for cell in raw] if isinstance(raw, list) else []
            cells = (cells + [""] * len(unit.columns))[: len(unit.columns)]
            style = "bold" if row.get("is_total") else None
            table.add_row(escape(str(row.get("label") or "")), *map(escape, cells), style=style)
        return Group(table, Text(subtitle, style="dim"))
    return Panel(Text(unit.text), title=escape(heading), subtitle=escape(subtitle), border_style="blue")


def _lines(lines: list[int]) -> str:
    if not lines:
        return "—"
    first, last = lines[0], lines[-1]
    return f"L{first}" if first == last else f"L{first}–{last}"


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
