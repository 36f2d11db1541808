"""Choosing the split of a numeric row: row arithmetic, consistent decimals, column totals.

:func:`budgetqa.ingest.table_cells.enumerate_splits` lists every structurally valid way to cut a
row's value tokens into the header's cells.  Here each candidate is scored with what the budget
tables guarantee:

* resources tables: technical adjustments + new/expanded mandates + other = total change;
  2023 appropriation (or estimate) + total change = 2024 estimate; percentage = total change /
  2023 × 100, rounded to one decimal;
* within a row, every amount is printed with the same number of decimals (percentages aside).

A split is *confirmed* when it violates no check.  When exactly one candidate is confirmed (or
only one candidate exists at all) the row is settled.  Otherwise the row is marked ambiguous, the
best candidate by the score (fewest violated checks, fewest decimal mismatches, most checks
passed, then the printed order of enumeration) is used and the others are kept as
``TableRow.alternatives``.  :func:`resolve_by_totals` later re-examines ambiguous rows against the
table's 小计/共计 rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .model import Cell, TableRow
from .table_cells import Token, decimals_of, enumerate_splits, make_cell
from .table_header import CHANGE_PREFIX

TOLERANCE = 0.15  # rounding slack of figures printed to one decimal
MAX_ALTERNATIVES = 8


@dataclass(frozen=True)
class Roles:
    """Indices of the columns the row arithmetic speaks about (None where absent)."""

    base: int | None
    parts: list[int]
    change_total: int | None
    percent: int | None
    final: int | None

    @classmethod
    def of(cls, columns: list[str]) -> Roles:
        def find(name: str) -> int | None:
            return columns.index(name) if name in columns else None

        change_total = find(CHANGE_PREFIX + "共计")
        parts = [
            i
            for i, c in enumerate(columns)
            if c in {CHANGE_PREFIX + p for p in ("技术调整", "新的/扩大的任务", "其他")}
        ]
        first_change = min((i for i, c in enumerate(columns) if c.startswith(CHANGE_PREFIX)), default=None)
        base = first_change - 1 if first_change else None
        final = len(columns) - 1 if change_total is not None else None
        return cls(base, parts, change_total, find(CHANGE_PREFIX + "百分比"), final)


@dataclass(frozen=True)
class Score:
    violations: int
    decimal_mismatches: int
    passes: int

    @property
    def confirmed(self) -> bool:
        return self.violations == 0 and self.decimal_mismatches == 0

    def key(self) -> tuple[int, int, int]:
        return (self.violations, self.decimal_mismatches, -self.passes)


def _num(cell: Cell) -> float | None:
    if cell.is_nil:
        return 0.0
    return cell.value


def score_cells(cells: list[Cell], roles: Roles) -> Score:
    """How well a candidate split agrees with the row arithmetic and the printed decimals."""
    violations = passes = 0

    def check(ok: bool) -> None:
        nonlocal violations, passes
        if ok:
            passes += 1
        else:
            violations += 1

    values = [_num(c) for c in cells]
    total = values[roles.change_total] if roles.change_total is not None else None
    if total is not None:
        parts = [values[i] for i in roles.parts]
        if parts and all(p is not None for p in parts):
            check(abs(sum(p for p in parts if p is not None) - total) <= TOLERANCE)
        if roles.base is not None and roles.final is not None:
            base, final = values[roles.base], values[roles.final]
            if base is not None and final is not None:
                check(abs(base + total - final) <= TOLERANCE)
                if roles.percent is not None and cells[roles.percent].value is not None and base:
                    expected = round(total / base * 100, 1)
                    check(
                        abs(abs(expected) - abs(cells[roles.percent].value or 0.0))
                        <= max(TOLERANCE, 0.01 * abs(expected))
                    )
    decimals = [decimals_of(c) for i, c in enumerate(cells) if i != roles.percent]
    counted = Counter(d for d in decimals if d is not None)
    mismatches = 0
    if counted:
        usual = counted.most_common(1)[0][0]
        mismatches = sum(n for d, n in counted.items() if d != usual)
    return Score(violations, mismatches, passes)


@dataclass
class SplitChoice:
    """The chosen cells of a row, whether the choice is settled, and the other candidates."""

    cells: list[Cell]
    ambiguous: bool
    alternatives: list[list[Cell]]


def choose_split(values: list[Token], columns: list[str], *, leading_gap: bool) -> SplitChoice | None:
    """Cut a row's value tokens into cells aligned to `columns`; None if no split fits at all.

    Rows with fewer cells than columns (posts rows of a mixed table leave the expenditure column
    empty, marked by a wide gap after the label) are right-aligned, leading cells empty; such a
    row is ambiguous unless exactly one cell is missing and the wide gap shows where.
    """
    count = len(columns)
    roles = Roles.of(columns)
    for missing in range(0, count):
        splits = enumerate_splits(values, count - missing)
        if not splits:
            continue
        pad = [Cell(text="")] * missing
        candidates = [pad + [make_cell(values, piece) for piece in split] for split in splits]
        scored = sorted(
            ((score_cells(cells, roles), order, cells) for order, cells in enumerate(candidates)),
            key=lambda item: (item[0].key(), item[1]),
        )
        confirmed = [item for item in scored if item[0].confirmed]
        best = scored[0][2]
        ambiguous = len(candidates) > 1 and len(confirmed) != 1
        if missing and not (missing == 1 and leading_gap):
            ambiguous = True
        alternatives = [cells for _, _, cells in scored[1:]][:MAX_ALTERNATIVES] if ambiguous else []
        return SplitChoice(best, ambiguous, alternatives)
    return None


def resolve_by_totals(rows: list[TableRow], columns: list[str]) -> None:
    """Settle ambiguous rows whose alternatives make a 小计/共计 row add up.

    For each total row, the rows it sums are the non-total rows since the previous total of the
    same sub-part and group (for a 小计) or, for a 共计 with no group, every non-total row and
    every 小计 of its sub-part.  An ambiguous row among them is settled when exactly one of its
    candidate splits makes every numeric column agree with the total.
    """
    skip = {i for i, column in enumerate(columns) if "百分比" in column}
    for index, total in enumerate(rows):
        if not total.is_total:
            continue
        members = _members(rows, index)
        for member in members:
            if not member.ambiguous:
                continue
            fitting = []
            for candidate in [member.cells, *member.alternatives]:
                trial = [candidate if r is member else r.cells for r in members]
                if _adds_up(trial, total.cells, skip):
                    fitting.append(candidate)
            if len(fitting) == 1:
                member.cells = fitting[0]
                member.ambiguous = False
                member.alternatives = []


def _members(rows: list[TableRow], index: int) -> list[TableRow]:
    total = rows[index]
    members: list[TableRow] = []
    for row in reversed(rows[:index]):
        if row.part != total.part:
            break
        if row.is_total:
            if total.group is None and row.group is not None:
                members.append(row)  # a group's 小计 counts toward the grand total
                continue
            break
        if total.group is not None and row.group != total.group:
            break
        if total.group is None and row.group is not None:
            continue  # covered by that group's 小计
        if row.cells:
            members.append(row)
    return members


def _adds_up(member_cells: list[list[Cell]], total_cells: list[Cell], skip: set[int]) -> bool:
    checked = False
    for column, total_cell in enumerate(total_cells):
        if column in skip:
            continue
        expected = _num(total_cell)
        if expected is None or not total_cell.is_numeric:
            continue
        values = [_num(cells[column]) if column < len(cells) else None for cells in member_cells]
        if any(v is None for v in values):
            continue
        checked = True
        if (
            abs(sum(v for v in values if v is not None) - expected)
            > TOLERANCE * max(1, len(values)) / 2 + 0.05
        ):
            return False
    return checked
