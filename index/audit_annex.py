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
from dataclasses import dataclass

from budgetqa.ingest.bodies import SECTION_KEY
from budgetqa.ingest.budget import Basis, FundingSource, Measure, TableKind
from budgetqa.ingest.facts import Fact

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

