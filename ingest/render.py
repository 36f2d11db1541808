"""Rich renderings of units for `budgetqa show`: tables as a grid of their parsed cells."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table as RichTable
from rich.text import Text

from .english_view import MACHINE_TRANSLATION_NOTE, EnglishUnit
from .model import BlockKind, Document, Table, Unit


@dataclass(frozen=True)
class _GridRow:
    label: str
    cells: list[str]
    part: str | None
    group: str | None
    is_total: bool


def _grid(title: str, caption: str | None, corner: str, columns: list[str], rows: Iterable[_GridRow]) -> RichTable:
    """A table grid: label column, one column per header, group headings in italics, totals in bold."""
    rows = list(rows)
    width = max([len(columns), *(len(row.cells) for row in rows)], default=0)
    grid = RichTable(title=title, caption=caption or None, show_lines=False, expand=False)
    grid.add_column(corner, overflow="fold")
    for column in columns + [""] * (width - len(columns)):
        grid.add_column(column, justify="right", overflow="fold")
    context: tuple[str | None, str | None] = (None, None)
    for row in rows:
        if (row.part, row.group) != context:
            context = (row.part, row.group)
            heading = " / ".join(item for item in context if item)
            if heading:
                grid.add_row(Text(heading, style="italic cyan"), *[""] * width)
        cells = row.cells + [""] * (width - len(row.cells))
        style = "bold" if row.is_total else None
        grid.add_row(Text(row.label, style=style or ""), *cells, style=style)
    return grid


def table_grid(table: Table) -> RichTable:
    """The parsed table as a grid: label column, one column per header, totals in bold."""
    rows = (
        _GridRow(row.label + (" ⚠" if row.ambiguous else ""), [c.text for c in row.cells], row.part, row.group, row.is_total)
        for row in table.rows
    )
    return _grid(table.title, "; ".join(table.notes), table.unit or "", table.columns, rows)


def render_unit(document: Document, unit: Unit) -> RenderableType:
    """A unit for the terminal: a header with kind, ref, section path and lines, then its body."""
    subtitle = f"lines {unit.lines.first}–{unit.lines.last} · {' › '.join(unit.section)}"
    if unit.kind == BlockKind.TABLE:
        try:
            body: RenderableType = table_grid(document.table(unit.ref))
        except KeyError:
            body = Text(unit.text)
        return Group(Text(f"{unit.kind.value} {unit.ref}", style="bold"), Text(subtitle, style="dim"), body)
    return Panel(Text(unit.text), title=f"[bold]{unit.title}[/bold]", subtitle=subtitle, expand=False)


def render_english_unit(unit: Unit, view: EnglishUnit) -> RenderableType:
    """The English version of `unit` for the terminal, marked as a machine translation; segments
    without a checked version are shown in Chinese, and a line says how many."""
    notes = [MACHINE_TRANSLATION_NOTE]
    if view.untranslated:
        notes.append(f"{len(view.untranslated)} part(s) without a checked English version are shown in Chinese.")
    note = Text(" ".join(notes), style="dim italic")
    subtitle = f"lines {unit.lines.first}–{unit.lines.last}"
    if view.rows is None or view.columns is None:
        return Panel(Group(Text(view.text), note), title=Text(view.title, style="bold"), subtitle=subtitle, expand=False)
    rows = (_GridRow(row.label, row.cells, row.part, row.group, row.is_total) for row in view.rows)
    grid = _grid("", view.text, "", view.columns, rows)
    return Group(Text(f"{view.title} · {subtitle}", style="bold"), note, grid)
