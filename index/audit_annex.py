"""The audit's checks inside the section's overview annex (附件四: resources and posts by body and source).

The annex prints, for money and for posts, one row per body and a 共计 row, each with four groups
(regular budget, other assessed, extrabudgetary, all sources) of three cells (2023, 2024, the
difference).  Three things must hold in it:

- in each group, 2023 + the difference = 2024 (a SIGN finding when a difference lacks its parentheses);
- in each row, the three sources add up to the all-sources group (a total column against its parts);
- in each column, the bodies add up to the 共计 row.

A cell the annex leaves blank (no other assessed resources) counts as nothing printed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from budgetqa.ingest.bodies import SECTION_KEY
from budgetqa.ingest.budget import Basis, FundingSource, Measure, TableKind
from budgetqa.ingest.facts import Fact
from budgetqa.ingest.model import Document

from .audit_model import Check, Finding, Printed, change_finding, sum_finding
from .audit_places import printed_fact

_SOURCES = (FundingSource.REGULAR_BUDGET, FundingSource.OTHER_ASSESSED, FundingSource.EXTRABUDGETARY)
_POSITIONS = ("base", "final", "change")


@dataclass(frozen=True)
class _Cell:
    measure: Measure
    body: str
    funding: FundingSource
    position: str  # "base" (2023), "final" (2024), "change"


def _position(fact: Fact, final_year: int | None) -> str:
    if fact.basis is Basis.CHANGE:
        return "change"
    return "final" if fact.year == final_year else "base"


def annex_findings(facts: list[Fact]) -> Iterator[Finding]:
    """Every finding inside the overview annex, from its facts."""
    annex = [fact for fact in facts if fact.table_kind is TableKind.ANNEX_OVERVIEW]
    final_year = max((fact.year for fact in annex if fact.year is not None), default=None)
    grid = {_Cell(f.measure, f.body, f.funding, _position(f, final_year)): printed_fact(f) for f in annex}
    bodies = list(dict.fromkeys(fact.body for fact in annex))
    for measure in (Measure.MONEY, Measure.POSTS):
        for body in bodies:
            for funding in (*_SOURCES, FundingSource.ALL):
                yield from _change(grid, measure, body, funding)
            for position in _POSITIONS:
                total = grid.get(_Cell(measure, body, FundingSource.ALL, position))
                parts = [p for f in _SOURCES if (p := grid.get(_Cell(measure, body, f, position))) is not None]
                if total is not None and parts:
                    yield from _maybe(sum_finding(Check.COLUMN_SUM, body, total, parts))
        for funding in (*_SOURCES, FundingSource.ALL):
            for position in _POSITIONS:
                total = grid.get(_Cell(measure, SECTION_KEY, funding, position))
                parts = [
                    p for b in bodies if b != SECTION_KEY and (p := grid.get(_Cell(measure, b, funding, position))) is not None
                ]
                if total is not None and parts:
                    yield from _maybe(sum_finding(Check.ROW_SUM, SECTION_KEY, total, parts))


def _change(grid: dict[_Cell, Printed], measure: Measure, body: str, funding: FundingSource) -> Iterator[Finding]:
    base, final, change = (grid.get(_Cell(measure, body, funding, position)) for position in _POSITIONS)
    if base is not None and final is not None and change is not None:
        yield from _maybe(change_finding(body, base, change, final))


def _maybe(finding: Finding | None) -> Iterator[Finding]:
    if finding is not None:
        yield finding


def with_source_lines(document: Document, facts: list[Fact]) -> list[Fact]:
    """`facts` with each overview-annex fact's line set to the source line that prints its row.

    The facts of the annex carry a line counted in the annex's cleaned text; a citation needs the
    line of the document itself.  A row is found by its label's last characters (a long label wraps
    onto the line of figures) and its first figure, after the money or posts heading as the fact's
    measure says.
    """
    annexes = {annex.number: annex for annex in document.annexes}
    out: list[Fact] = []
    for fact in facts:
        annex = annexes.get(fact.source.ref) if fact.table_kind is TableKind.ANNEX_OVERVIEW else None
        line = _row_line(document, annex.lines.first, annex.lines.last, fact) if annex is not None else None
        out.append(replace(fact, source=replace(fact.source, line=line)) if line is not None else fact)
    return out


def _row_line(document: Document, first: int, last: int, fact: Fact) -> int | None:
    heading = "员额资源" if fact.measure is Measure.POSTS else "财政资源"
    start = next((n for n in range(first, last + 1) if document.lines[n - 1].strip().startswith(heading)), None)
    if start is None:
        return None
    tail = "".join((fact.source.row or "").split())[-4:]
    for number in range(start + 1, last + 1):
        compact = "".join(document.lines[number - 1].split())
        if tail and tail in compact and any(ch.isdigit() for ch in compact.split(tail, 1)[1]):
            return number
        if tail and tail in compact:  # the label's end stands alone: the figures follow on a later line
            return next((n for n in range(number + 1, last + 1) if any(ch.isdigit() for ch in document.lines[n - 1])), None)
    return None
