"""Rankings of the rows of a body's tables: "哪个次级方案的经费最多", "which object of expenditure
falls most at UNSCO", "哪个职等的员额最多", "which funding source is largest for UNOAU".

The question parse says which kind of row is ranked (:class:`RankedRows`), which end is asked for
(:class:`Extreme`) and whether the level or the change is ranked (``aggregate``).  This module picks
the rows from the typed facts — subprogramme and component rows of the resource tables, objects of
expenditure of the resources-by-object table, grades of the posts-by-grade table, the totals of each
funding source — and gives each row its figure, the figure of the previous year and the printed
change, so that the answer can show what it ranked.  Rows that only add up other rows (a programme
of work that is the sum of its subprogrammes) are not ranked against their parts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from budgetqa.ingest.budget import Basis, Breakdown, ChangeKind, FundingSource, Measure, TableKind
from budgetqa.ingest.facts import Fact

from .understand import RankedRows

_BREAKDOWNS = {RankedRows.OBJECT: Breakdown.OBJECT, RankedRows.GRADE: Breakdown.GRADE}

# Rounding in printed tables: a row within this of the sum of its siblings is their sum.
_SUM_TOLERANCE = 0.15


@dataclass(frozen=True)
class RankedRow:
    """One row of a ranking: what it is ranked by, and the figures shown beside it."""

    key: tuple[str, str | None, str]  # (body, component, label)
    ranked: Fact  # the figure ranked: the level, the change or the percentage change
    level: Fact | None  # the asked year's level
    base: Fact | None  # the previous year's level
    change: Fact | None  # the printed change between them
    percent: Fact | None = None  # the printed percentage change
    subprogramme: int | None = None

    @property
    def value(self) -> float:
        usd = self.ranked.usd
        return usd if usd is not None else (self.ranked.number or 0.0)

    @property
    def facts(self) -> list[Fact]:
        return list(dict.fromkeys(f for f in (self.ranked, self.level, self.base, self.change) if f is not None))


def row_facts(
    facts: Iterable[Fact], rows: RankedRows, body_keys: set[str], measure: Measure, component: str | None = None
) -> list[Fact]:
    """The facts of the rows of kind `rows` of the bodies `body_keys` (of one `component`'s tables when
    given), of `measure` (and their printed percentage changes)."""
    measures = (measure, Measure.PERCENTAGE)
    chosen = [f for f in facts if f.body in body_keys and f.measure in measures]
    if component is not None:
        return [f for f in chosen if f.component == component and f.breakdown is _BREAKDOWNS.get(rows)]
    if rows is RankedRows.SUBPROGRAMME:
        return [f for f in chosen if f.breakdown is Breakdown.COMPONENT and f.subprogramme is not None]
    if rows is RankedRows.COMPONENT:
        return [f for f in chosen if f.breakdown is Breakdown.COMPONENT]
    if rows is RankedRows.OBJECT:
        return [
            f for f in chosen
            if f.breakdown is Breakdown.OBJECT and f.component is None and f.table_kind is TableKind.RESOURCES_BY_OBJECT
        ]
    if rows is RankedRows.GRADE:
        return [f for f in chosen if f.breakdown is Breakdown.GRADE and f.component is None]
    return [
        f for f in chosen
        if f.breakdown is Breakdown.TOTAL and f.component is None and f.funding is not FundingSource.ALL
    ]


def rank_rows(
    facts: list[Fact],
    rows: RankedRows,
    *,
    year: int,
    measure: Measure,
    by_change: bool,
    by_percent: bool,
    lowest_first: bool,
    level_of: Callable[[list[Fact], int], list[Fact]],
    printed_order: bool = False,
) -> list[RankedRow]:
    """The rows of `facts` (from :func:`row_facts`), each with its figures, best first.

    `level_of(facts, year)` picks a row's figure for a year by the question's basis (the answerer's
    choice of column).  A row printed as none is left out of a ranking of levels, and a row whose
    change is printed as none (or not printed) out of a ranking of changes.  With `printed_order` the
    rows keep the order the table prints them in, rows printed as none included (a listing, not a
    ranking).
    """
    groups: dict[tuple[str, str | None, str], list[Fact]] = {}
    for fact in facts:
        key = (fact.body, fact.component, fact.label if rows is not RankedRows.FUNDING else fact.funding.value)
        groups.setdefault(key, []).append(fact)
    ranked: list[RankedRow] = []
    for key, group in groups.items():
        amounts = [f for f in group if f.measure is measure]
        level = _first(level_of(amounts, year))
        base = _first(level_of(amounts, year - 1))
        change = _first(
            f for f in amounts if f.basis is Basis.CHANGE and f.change in (ChangeKind.TOTAL, None) and f.year == year and not f.is_nil
        ) or _first(f for f in amounts if f.basis is Basis.CHANGE and f.change in (ChangeKind.TOTAL, None) and f.year == year)
        percent = _first(f for f in group if f.measure is Measure.PERCENTAGE and f.basis is Basis.CHANGE and f.year == year)
        target = percent if by_percent else change if by_change else level
        if target is None or (not printed_order and (target.is_nil or not target.number)):
            continue  # a row printed as none, or with no change, is not a contender (a listing shows it)
        subprogramme = next((f.subprogramme for f in group if f.subprogramme is not None), None)
        ranked.append(RankedRow(key, target, level, base, change, percent, subprogramme))
    if rows is RankedRows.COMPONENT:
        ranked = _without_sums(ranked)
    if printed_order:
        ranked.sort(key=lambda row: (row.ranked.source.line, row.ranked.source.row or 0))
    else:
        ranked.sort(key=lambda row: row.value, reverse=not lowest_first)
    return ranked


def _without_sums(rows: list[RankedRow]) -> list[RankedRow]:
    """The rows less any unnumbered row that is the sum of a body's numbered subprogrammes."""
    kept: list[RankedRow] = []
    for row in rows:
        numbered = [r for r in rows if r.key[0] == row.key[0] and r.subprogramme is not None]
        if row.subprogramme is None and len(numbered) >= 2 and row.level is not None:
            parts = sum((r.level.number or 0.0) for r in numbered if r.level is not None)
            if abs((row.level.number or 0.0) - parts) <= _SUM_TOLERANCE:
                continue
        kept.append(row)
    return kept


def _first(facts: Iterable[Fact]) -> Fact | None:
    return next(iter(facts), None)
