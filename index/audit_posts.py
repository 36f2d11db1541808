"""The audit's checks of post lists: "1 个 USG、3 个 ASG、…、2 个 LL" against its count and the grade table.

A body's post-changes table ("2024 年拟议员额和员额变动") prints, for the approved and the proposed
year, the number of posts and their list by grade.  The list must add up to the number, and each
grade's count must be the one the body's grade table ("按职类和职等列示的拟议员额") prints for that
year (a grade the table prints and the list leaves out counts as listed with none).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from budgetqa.ingest.budget import YEAR_RE, TableKind
from budgetqa.ingest.model import BlockKind, Table, TableRow

from .audit_model import Check, Finding, Printed, same_figure_finding, sum_finding
from .audit_tables import Slot, TableGrid

_GRADE = r"[A-Z]{1,3}(?:-\d(?:/\d)?)?(?:\s*\((?:PL|OL)\))?"  # USG, D-2, P-2/1, GS (OL), NPO, LL
LISTED_RE = re.compile(rf"(\d+)\s*个\s*({_GRADE})(?![A-Za-z])")


def grade_key(label: str) -> str:
    """A grade written one way: "GS(OL)" and "GS (OL)" → "GS (OL)"."""
    return re.sub(r"\s*\(", " (", label.strip())


def post_list_findings(tables: Sequence[Table], body_of: dict[str, str]) -> Iterator[Finding]:
    """Every post list of a document's `tables` against its count and its part's grade table.

    `body_of` maps a part's numeral to its body key.
    """
    grade_tables = {t.part: t for t in tables if t.kind is TableKind.POSTS_BY_GRADE}
    for table in tables:
        if table.kind is not TableKind.POST_CHANGES:
            continue
        body = body_of.get(table.part, table.part)
        for row in table.rows:
            year = YEAR_RE.search(row.label)
            if year is None:
                continue
            listed = _listed(table, row)
            count = row.cell(0)
            if count is not None and count.is_numeric and listed:
                total = Printed(BlockKind.TABLE, table.ref, row.line, count.text, float(count.value or 0.0), row.label, table.columns[0])
                finding = sum_finding(Check.POST_LIST, body, total, list(listed.values()))
                if finding is not None:
                    yield finding
            grades = grade_tables.get(table.part)
            if grades is not None and listed:
                yield from _against_grades(grades, int(year.group(1)), listed, body, table, row)


def _listed(table: Table, row: TableRow) -> dict[str, Printed]:
    """The grades a row's detail lists, with their counts as printed figures."""
    detail = row.cell(1)
    if detail is None or not detail.text:
        return {}
    out: dict[str, Printed] = {}
    for match in LISTED_RE.finditer(detail.text):
        out[grade_key(match.group(2))] = Printed(
            BlockKind.TABLE, table.ref, row.line, match.group(0), float(match.group(1)), row.label, table.columns[1]
        )
    return out


def _against_grades(
    grades: Table, year: int, listed: dict[str, Printed], body: str, table: Table, row: TableRow
) -> Iterator[Finding]:
    grid = TableGrid(grades)
    slot = Slot("level", year)
    if slot not in grid.slots:
        return
    for grade_row in grades.rows:
        if grade_row.is_total:
            continue
        printed = grid.cell(grade_row, slot)
        if printed is None:
            continue
        item = listed.get(grade_key(grade_row.label))
        if item is None:
            item = Printed(BlockKind.TABLE, table.ref, row.line, "—", 0.0, row.label, table.columns[1])
        finding = same_figure_finding(Check.POST_LIST, body, item, printed)
        if finding is not None:
            yield finding
