"""``budgetqa check``: the consistency audit of the document, in the terminal, as markdown or as JSON.

>>> # budgetqa check                         # every finding, in a terminal table
>>> # budgetqa check --json                  # the findings as JSON (both sides cited, values, difference, class)
>>> # budgetqa check --format markdown --lang en --out audit.md
>>> # budgetqa check --body UNOCT --table 3.78 --only discrepancy
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from budgetqa.atomic import write_bytes

from .audit import AuditReport, run_audit
from .audit_model import FindingClass
from .audit_report import class_name, figures, markdown_report, place
from .commands import console, err, fail
from .fact_commands import resolve_body
from .fact_store import FactStoreError, table_ref
from .glossary import load_glossary


class ReportFormat(StrEnum):
    """How a report is written: a terminal table, markdown or JSON (``check``, ``overview``)."""

    TERMINAL = "terminal"
    MARKDOWN = "markdown"
    JSON = "json"


class Lang(StrEnum):
    """The language of a report's labels and sentences."""

    ZH = "zh"
    EN = "en"


def register(app: typer.Typer) -> None:
    """Add ``check`` to the `budgetqa` app."""
    app.command("check")(check_command)


def check_command(
    output_format: Annotated[ReportFormat, typer.Option("--format", help="terminal, markdown or json.")] = ReportFormat.TERMINAL,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    lang: Annotated[Lang, typer.Option(help="Language of the labels and sentences: zh or en.")] = Lang.ZH,
    body: Annotated[str | None, typer.Option(help="Only one body's findings: UNOCT, 反恐办, …")] = None,
    table: Annotated[str | None, typer.Option(help="Only the findings citing one table: 3.68.")] = None,
    only: Annotated[FindingClass | None, typer.Option(help="Only one class: discrepancy or rounding.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write the report to this file instead of the terminal.")] = None,
    document: Annotated[Path | None, typer.Option(help="Document (default: the bundled one).")] = None,
) -> None:
    """Audit the document's figures: totals against their rows, 2023 + change = 2024, percentages,
    the same figure in two places (tables, overview annex, paragraphs), post lists.

    Each finding cites both sides, the two values, the difference and a class: rounding (within the
    printed precision) or a real discrepancy.  Exit codes: 0 the audit ran (findings are its result);
    2 bad input (an unknown body or table, --out a directory, an unreadable document).
    """
    from budgetqa.ingest.bodies import BodyRegistry
    from budgetqa.ingest.commands import load_document

    parsed = load_document(document)
    registry = BodyRegistry.of(parsed)
    try:
        key = resolve_body(registry, body) if body is not None else None
        ref = table_ref(table) if table is not None else None
    except (ValueError, FactStoreError) as error:
        raise fail(str(error)) from None
    if ref is not None and ref not in {t.ref for t in parsed.tables}:
        raise fail(f"the document has no table {ref} (tables {parsed.tables[0].ref} to {parsed.tables[-1].ref})")
    if out is not None and out.is_dir():
        raise fail(f"--out {out} is a directory: give a file name")
    report = run_audit(parsed, registry=registry)
    report.findings = [
        f for f in report.about(body=key, table=ref) if only is None or f.finding_class is only
    ]
    chosen = ReportFormat.JSON if as_json else output_format
    if chosen is ReportFormat.TERMINAL and out is None:
        _print_table(report, lang.value)
        return
    text = (
        json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n"
        if chosen is ReportFormat.JSON
        else markdown_report(report, lang.value, load_glossary())
    )
    if out is None:
        sys.stdout.write(text)
    else:
        write_bytes(out, text.encode("utf-8"))
        err.print(f"{len(report.findings)} findings written to {escape(str(out))}", highlight=False)


def _print_table(report: AuditReport, lang: str) -> None:
    glossary = load_glossary() if lang == "en" else None
    counts = report.counts()
    title = (
        f"{report.document}: {counts['discrepancy']} discrepancies, {counts['rounding']} rounding ({report.seconds:.2f} s)"
        if lang == "en"
        else f"{report.document}：实质差异 {counts['discrepancy']} 项，舍入差异 {counts['rounding']} 项（{report.seconds:.2f} 秒）"
    )
    rich = RichTable(title=escape(title), show_lines=True)
    for name in ("#", "class", "check", "printed at", "printed", "expected", "difference", "other side"):
        rich.add_column(name, overflow="fold")
    for number, finding in enumerate(report.findings, 1):
        expected, difference = figures(finding)
        rich.add_row(
            str(number),
            class_name(finding.finding_class, lang),
            finding.check.describe(lang),
            escape(place(finding.printed, lang, glossary)),
            escape(finding.printed.text),
            expected,
            difference,
            escape(finding.formula),
        )
    console.print(rich)
