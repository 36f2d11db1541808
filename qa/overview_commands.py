"""``budgetqa overview``: resources by funding source and posts, 2023 against 2024, per body and for the section.

>>> # budgetqa overview                                   # every body and the section, in the terminal
>>> # budgetqa overview --body UNOCT --lang en --format markdown
>>> # budgetqa overview --format json --out overview.json
>>> # budgetqa overview --chart overview.png              # and a PNG chart with every figure labelled
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from budgetqa.atomic import write_bytes
from budgetqa.index.audit_commands import Lang, ReportFormat

console = Console()
err = Console(stderr=True, soft_wrap=True, highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``overview`` to the `budgetqa` app."""
    app.command("overview")(overview_command)


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/] {escape(message)}")
    return typer.Exit(code=2)


def overview_command(
    body: Annotated[str | None, typer.Option(help="One body only: UNOCT, 反恐办, 'Office to the African Union', SECTION.")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of names and labels: zh or en.")] = Lang.ZH,
    output_format: Annotated[ReportFormat, typer.Option("--format", help="terminal, markdown or json.")] = ReportFormat.TERMINAL,
    chart: Annotated[Path | None, typer.Option(help="Also draw the overview as a PNG chart to this file.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write the markdown or JSON to this file.")] = None,
    document: Annotated[Path | None, typer.Option(help="Document (default: the bundled one).")] = None,
) -> None:
    """Resources by funding source and posts, 2023 against 2024, with the change and the percentage.

    Every figure is a printed fact with its citation (the overview annex, else the body's tables); the
    percentage is computed from two of them; a figure the consistency audit finds inconsistent is
    marked.  Exit codes: 0 done; 2 bad input (an unknown body, --out or --chart a folder, an
    unreadable document).
    """
    from budgetqa.index.fact_commands import resolve_body
    from budgetqa.index.glossary import load_glossary
    from budgetqa.ingest.bodies import BodyRegistry
    from budgetqa.ingest.commands import load_document

    from .overview import Overview
    from .overview_render import markdown, rich_table

    for path, option in ((out, "--out"), (chart, "--chart")):
        if path is not None and path.is_dir():
            raise _fail(f"{option} {path} is a folder: give a file name")
    if out is not None and output_format is ReportFormat.TERMINAL:
        raise _fail("--format terminal prints to the terminal; use --format markdown or json with --out")
    parsed = load_document(document)
    registry = BodyRegistry.of(parsed)
    overview = Overview.of(parsed, registry=registry)
    if body is not None:
        try:
            overview = overview.for_body(resolve_body(registry, body))
        except ValueError as error:
            raise _fail(str(error)) from None
    language = lang.value
    if output_format is ReportFormat.TERMINAL:
        console.print(rich_table(overview, language))
    else:
        text = (
            json.dumps(overview.to_json(language), ensure_ascii=False, indent=1) + "\n"
            if output_format is ReportFormat.JSON
            else markdown(overview, language, load_glossary() if language == "en" else None)
        )
        if out is None:
            sys.stdout.write(text)
        else:
            write_bytes(out, text.encode("utf-8"))
            err.print(f"overview written to {escape(str(out))}")
    if chart is not None:
        from .overview_chart import render

        drawn = render(overview, language)
        write_bytes(chart, drawn.png)
        for warning in drawn.warnings:
            err.print(f"[yellow]warning:[/] {escape(warning)}")
        err.print(f"chart written to {escape(str(chart))}")
