"""Find the table cell that answers a figure question: the best row, then the column the question names.

Column headers say what a column holds ("2022 年支出", "2023 年批款", "变动: 共计", "2024 年估计(重计费用前)",
"2022 年计划", "2022 年实际" …).  A question names a column by year and by a budget word (proposed,
appropriation, expenditure, actual, planned, change, percentage); without one, the latest year's
figure is what a delegate asks for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from budgetqa.ingest.model import Cell, Table, TableRow

# (cue pattern in the question, substrings of the header it points to)
_COLUMN_CUES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), headers)
    for pattern, headers in (
        (r"估计|拟议|提议|打算|要多少|proposed|propos|estimate|request|foreseen|planned for 2024", ("估计", "拟议")),
        (r"批款|核定|appropriat|approved|authori[sz]ed", ("批款", "核定")),
        (r"支出|花了|用了|expenditure|spent|spending", ("支出",)),
        (r"实际|actual|achieved|实现", ("实际",)),
        (r"计划|目标|planned|plan|target", ("计划",)),
        (r"百分比|百分之|percentage|per cent|percent|%", ("百分比",)),
        (r"技术调整|technical adjust", ("技术调整",)),
        (r"新的|扩大的任务|新增|\bnew\b|expanded mandate", ("新的",)),
        (r"其他变动|其他因素|other changes", ("变动:其他",)),
        (r"变动|变化|增加|减少|增长|下降|change|increase|decrease|differ", ("共计", "变动")),
    )
)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
YEAR_MATCH = 1.0
CUE_MATCH = 1.5
NUMERIC_CELL = 0.5


@dataclass(frozen=True)
class CellAnswer:
    """A chosen cell: its table, row, column header and cell."""

    table: Table
    row: TableRow
    row_index: int
    column: str
    column_index: int
    cell: Cell
    column_score: float
    also: tuple[tuple[str, Cell], ...] = ()  # other columns the question names: (header, cell)


def score_columns(table: Table, row: TableRow, question: str) -> list[tuple[float, int]]:
    """(score, column index) of every non-empty cell of `row`, best first.

    A budget word the question uses ("拟议", "appropriation", "新的/扩大的任务") counts more than a
    year, since change columns carry no year but answer "2024 年……其中因新增任务引起的是多少".
    """
    years = set(_YEAR.findall(question))
    cues = [headers for pattern, headers in _COLUMN_CUES if pattern.search(question)]
    scored: list[tuple[float, int]] = []
    for index, cell in enumerate(row.cells):
        if not cell.text.strip():
            continue
        header = table.columns[index] if index < len(table.columns) else ""
        compact = "".join(header.split())
        header_years = set(_YEAR.findall(compact))
        score = 0.0
        if years and header_years:
            score += YEAR_MATCH if years & header_years else -2.0
        for headers in cues:
            if any(fragment in compact for fragment in headers):
                score += CUE_MATCH
        if compact.startswith("变动") and ("共计", "变动") not in cues and not any(
            fragment in compact for headers in cues for fragment in headers
        ):
            score -= 0.5  # change columns answer only questions about a change
        if cell.is_numeric:
            score += NUMERIC_CELL  # a figure question is answered by a figure, not a text column
        score += 0.01 * index  # at equal merit the later (more recent) column
        scored.append((score, index))
    return sorted(scored, reverse=True)


def answer_cell(table: Table, row_index: int, question: str) -> CellAnswer | None:
    """The cell of row `row_index` that the question asks for, with the other cells it names."""
    row = table.rows[row_index]
    scored = score_columns(table, row, question)
    if not scored:
        return None
    best, index = scored[0]
    confidence = 1.0 if best >= 1.0 else 0.6 if best >= 0 else 0.2
    also = tuple(
        (_header(table, other), row.cells[other]) for score, other in scored[1:] if score >= CUE_MATCH
    )
    return CellAnswer(table, row, row_index, _header(table, index), index, row.cells[index], confidence, also)


def _header(table: Table, index: int) -> str:
    return table.columns[index] if index < len(table.columns) else f"列 {index + 1}"


def compact_label(row: TableRow) -> str:
    """A row label as a question may name it: no spaces, no item number ("1. 预防、管理和解决冲突")."""
    return "".join(row.label.split()).lstrip("0123456789.、 ")


def names_row(compact_question: str, terms: list[str], row: TableRow, table: Table) -> bool:
    """The question names the row's label, and not only qualified from the front inside a longer
    label of the same table or a glossary term `terms` of the question: "非员额资源" (non-post
    resources) does not name the "员额" row; "员额资源" (post resources) does."""
    label = compact_label(row)
    if len(label) < 2 or label not in compact_question:
        return False
    longer = ({compact_label(other) for other in table.rows} | set(terms)) - {label}
    return not any(label in other and not other.startswith(label) and other in compact_question for other in longer)
