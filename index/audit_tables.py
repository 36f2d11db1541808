"""The audit's checks inside one table: totals against their rows, and each row's change columns.

Every check reads the typed columns (:attr:`Table.column_types`), never a header string:

- **row sums**: within each sub-part, a group's subtotal ("小计(C)", a grade category's "小计", a
  "共计" under a group heading) against the group's rows, and the sub-part's total ("小计(1)", "共计")
  against its top-level rows and group subtotals; the table's grand total against the sub-parts'
  totals, year by year (a sub-part's 2023 figure may sit in the "批款" column and another's in the
  "估计" column: both are the 2023 level);
- **deliverables**: a category row ("实质性会议服务(3 小时会议次数)") against its numbered items;
- **each row**: the change parts (技术调整 + 新的/扩大的任务 + 其他) against the total change; the
  2023 level + the change against the 2024 level (a SIGN finding when the change lacks its
  parentheses); the percentage against change ÷ 2023 level.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import groupby

from budgetqa.ingest.budget import Basis, ChangeKind, Measure, TableKind
from budgetqa.ingest.model import BlockKind, Table, TableRow

from .audit_model import Check, Finding, Printed, change_finding, percentage_finding, sum_finding

# Kinds whose totals are sums of their rows and whose rows carry 2023 → 2024 changes.
SUMMED_KINDS = frozenset(
    {
        TableKind.RESOURCES_BY_OBJECT,
        TableKind.RESOURCES_BY_SOURCE,
        TableKind.POSTS_BY_SOURCE,
        TableKind.POSTS_BY_GRADE,
        TableKind.RESOURCES_AND_POSTS,
        TableKind.DECISION_ORGANS,
    }
)
# Bases of a year's level: the 2023 appropriation or estimate, the 2024 estimate or proposal.
_LEVEL_BASES = frozenset(
    {Basis.APPROPRIATION, Basis.APPROVED, Basis.ESTIMATE, Basis.ESTIMATE_BEFORE_RECOSTING, Basis.PROPOSED}
)
_NUMBERED_ITEM = re.compile(r"^\d{1,3}\.\s*")
_CHANGE_PARTS = (ChangeKind.TECHNICAL, ChangeKind.NEW_MANDATES, ChangeKind.OTHER)


@dataclass(frozen=True)
class Slot:
    """A logical column: what a cell means, whichever printed column it sits in.

    ``Slot("level", 2023)`` is the 2023 appropriation in regular-budget rows and the 2023 estimate in
    extrabudgetary rows; ``Slot("change", change=TOTAL)`` the total change; ``Slot("percent")`` its
    percentage.
    """

    family: str  # "level", "actual", "planned", "change", "percent"
    year: int | None = None
    change: ChangeKind | None = None


def slot_of(basis: Basis | None, year: int | None, measure: Measure | None, change: ChangeKind | None) -> Slot | None:
    """The slot of a typed column (or of a fact's year, basis and measure); None for text columns."""
    if basis is None or measure is Measure.TEXT:
        return None
    if basis is Basis.CHANGE:
        return Slot("percent") if measure is Measure.PERCENTAGE else Slot("change", change=change or ChangeKind.TOTAL)
    return Slot("level" if basis in _LEVEL_BASES else basis.value, year)


class TableGrid:
    """A table's cells by row and slot, as :class:`Printed` figures."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.row_index = {id(row): index for index, row in enumerate(table.rows)}
        self.slots: dict[Slot, list[int]] = {}
        for index, column in enumerate(table.column_types):
            slot = slot_of(column.basis, column.year, column.measure or Measure.MONEY, column.change)
            if slot is not None:
                self.slots.setdefault(slot, []).append(index)

    def cell(self, row: TableRow, slot: Slot) -> Printed | None:
        """The row's one printed figure in `slot`; None when it prints none there (or two that differ)."""
        found: list[Printed] = []
        for index in self.slots.get(slot, []):
            cell = row.cell(index)
            if cell is not None and cell.is_numeric:
                value = 0.0 if cell.is_nil else float(cell.value or 0.0)
                fact = f"table:{self.table.ref}#{self.row_index[id(row)]}.{index}"  # as extract_facts names it
                found.append(
                    Printed(BlockKind.TABLE, self.table.ref, row.line, cell.text, value, row.label,
                            self.table.columns[index], row.part, fact=fact)
                )
        if len({p.value for p in found}) != 1:
            return None
        return found[0]

    def level_years(self) -> list[int]:
        return sorted({slot.year for slot in self.slots if slot.family == "level" and slot.year is not None})


def table_findings(table: Table, body: str) -> Iterator[Finding]:
    """Every finding inside `table` (tables of other kinds than the summed ones: deliverables only)."""
    if table.kind is TableKind.DELIVERABLES:
        yield from _deliverable_findings(table, body)
        return
    if table.kind not in SUMMED_KINDS:
        return
    grid = TableGrid(table)
    for total, parts in _sums(table):
        yield from _row_sum_findings(grid, total, parts, body)
    for row in table.rows:
        yield from _row_findings(grid, row, body)


def _row_sum_findings(grid: TableGrid, total: TableRow, parts: list[TableRow], body: str) -> Iterator[Finding]:
    """`total` against the sum of `parts`, slot by slot (a percentage is not a sum)."""
    for slot in grid.slots:
        printed = grid.cell(total, slot)
        components = [cell for row in parts if (cell := grid.cell(row, slot)) is not None]
        if slot.family != "percent" and printed is not None and components:
            finding = sum_finding(Check.ROW_SUM, body, printed, components)
            if finding is not None:
                yield finding


def _sums(table: Table) -> Iterator[tuple[TableRow, list[TableRow]]]:
    """(total row, the rows it adds up) for every total of the table, innermost first."""
    grand: list[TableRow] = []
    block_totals: list[TableRow] = []
    for part, rows in groupby(table.rows, key=lambda r: r.part):
        block = list(rows)
        if part is None and table.sub_parts:
            grand.extend(r for r in block if r.is_total)
            continue
        contributions: list[TableRow] = []
        totals: list[TableRow] = []
        for group, run in groupby(block, key=lambda r: r.group):
            members = list(run)
            items = [r for r in members if not r.is_total]
            subtotals = [r for r in members if r.is_total]
            if group is None:
                contributions.extend(items)
                totals.extend(subtotals)
            elif subtotals and items:
                for subtotal in subtotals:
                    yield subtotal, items
                contributions.append(subtotals[-1])
            else:
                contributions.extend(items)
        for total in totals:
            yield total, contributions
        block_totals.extend(totals[-1:])
    for total in grand:
        yield total, block_totals


def _row_findings(grid: TableGrid, row: TableRow, body: str) -> Iterator[Finding]:
    """The change columns of one row: parts against the total, 2023 + change = 2024, the percentage."""
    change = grid.cell(row, Slot("change", change=ChangeKind.TOTAL))
    if change is None:
        return
    parts = [cell for kind in _CHANGE_PARTS if (cell := grid.cell(row, Slot("change", change=kind))) is not None]
    if parts:
        finding = sum_finding(Check.COLUMN_SUM, body, change, parts)
        if finding is not None:
            yield finding
    years = grid.level_years()
    if len(years) < 2:
        return
    base = grid.cell(row, Slot("level", years[-2]))
    final = grid.cell(row, Slot("level", years[-1]))
    if base is None or final is None:
        return
    finding = change_finding(body, base, change, final)
    if finding is not None:
        yield finding
        if finding.check is Check.SIGN:  # the percentage is read against the change with its sign
            change = replace(change, value=-change.value)
    percent = grid.cell(row, Slot("percent"))
    if percent is not None:
        finding = percentage_finding(body, percent, change, base)
        if finding is not None:
            yield finding


def _deliverable_findings(table: Table, body: str) -> Iterator[Finding]:
    """A deliverables category row ("议事机构文件(文件数目)") against the numbered items under it."""
    grid = TableGrid(table)
    category: TableRow | None = None
    items: list[TableRow] = []

    def flush() -> Iterator[Finding]:
        if category is not None and items:
            yield from _row_sum_findings(grid, category, items, body)

    for row in table.rows:
        numeric = any(cell.is_numeric for cell in row.cells)
        if _NUMBERED_ITEM.match(row.label) and numeric and category is not None and row.group == category.group:
            items.append(row)
            continue
        if not numeric and category is not None and row.group == category.group and row.label.endswith(("：", ":")):
            continue  # a sub-heading within the category ("秘书长的报告：")
        yield from flush()
        category, items = (row, []) if numeric and not _NUMBERED_ITEM.match(row.label) else (None, [])
    yield from flush()
