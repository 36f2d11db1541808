"""Rich renderings of units for `budgetqa show`: tables as a grid of their parsed cells."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table as RichTable
from rich.text import Text

from .model import BlockKind, Document, Table, Unit


def table_grid(table: Table) -> RichTable:
    """The parsed table as a grid: label column, one column per header, totals in bold."""
    width = max([len(table.columns), *(len(row.cells) for row in table.rows)], default=0)
    columns = table.columns + [""] * (width - len(table.columns))
    grid = RichTable(
        title=table.title, caption="; ".join(table.notes) or None, show_lines=False, expand=False
    )
    grid.add_column(table.unit or "", overflow="fold")
    for column in columns:
        grid.add_column(column, justify="right", overflow="fold")
    context: tuple[str | None, str | None] = (None, None)
    for row in table.rows:
        if (row.part, row.group) != context:
            context = (row.part, row.group)
            heading = " / ".join(item for item in context if item)
            if heading:
                grid.add_row(Text(heading, style="italic cyan"), *[""] * width)
        cells = [cell.text for cell in row.cells] + [""] * (width - len(row.cells))
        label = Text(row.label + (" ⚠" if row.ambiguous else ""), style="bold" if row.is_total else "")
        grid.add_row(label, *cells, style="bold" if row.is_total else None)
    return grid


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
