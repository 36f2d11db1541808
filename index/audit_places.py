"""The audit's checks across places: one figure printed in two tables, in a table and the overview
annex, or in a table and a paragraph sentence.

Two facts print the same figure when they agree on everything that makes a figure what it is: the
body, the component, the funding source, the measure, the year and its level ("2023 年批款" and
"2023 年核定" are both the 2023 level), the change kind, and what the row is (the total, an object
of expenditure, a category of posts).  A body's total resources appear in its by-object table, its
by-source table, its resources-and-posts table and the section's overview annex; a component's in
the by-source table and its own table.  Where such facts differ, the audit reports it, citing both.

A paragraph's amount is checked only against the facts that print the same figure; an amount that
matches another figure of the body that year is taken to speak of that one (the sentence's clause
names it), so that a misread clause is never reported as a discrepancy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from budgetqa.ingest.budget import Breakdown, Column, Measure, TableKind, row_measure
from budgetqa.ingest.facts import NUMERIC_KINDS, Fact
from budgetqa.ingest.model import BlockKind

from .audit_model import Check, Finding, Printed, same_figure_finding
from .audit_tables import slot_of

# Facts that speak of a body's or a component's resources (deliverables and rates do not).
_RESOURCE_KINDS = (NUMERIC_KINDS - {TableKind.DELIVERABLES, TableKind.COMPLIANCE}) | {TableKind.ANNEX_OVERVIEW}
_MIXED_UNIT = "千美元/员额数目"  # a table unit under which the row decides money or posts
_UNTYPED = Column("", None, None, None)
_SOURCE_RANK = {BlockKind.TABLE: 0, BlockKind.ANNEX: 1, BlockKind.PARAGRAPH: 2}
THOUSAND = 1000.0  # tables print 千美元, paragraphs 美元

FigureKey = tuple[object, ...]


def printed_fact(fact: Fact) -> Printed:
    """The fact as a printed figure at its source."""
    source = fact.source
    sentence = source.text if source.kind is BlockKind.PARAGRAPH else None
    return Printed(
        source.kind, source.ref, source.line, fact.printed, fact.number or 0.0, source.row, source.column,
        source.sub_part, sentence, fact.id,
    )


def figure_key(fact: Fact) -> FigureKey | None:
    """What makes the figure the same wherever it is printed; None for facts no other place repeats."""
    if fact.table_kind is not None and fact.table_kind not in _RESOURCE_KINDS:
        return None
    row = _row_identity(fact)
    slot = slot_of(fact.basis, fact.year, fact.measure, fact.change)
    if row is None or slot is None:
        return None
    if slot.family == "percent":  # a percentage of the row's money or posts
        measure = row_measure(_MIXED_UNIT, _UNTYPED, fact.group, fact.source.row or fact.label)
        return (fact.body, fact.component, fact.funding, measure, slot.family, None, slot.change, row)
    return (fact.body, fact.component, fact.funding, fact.measure, slot.family, fact.year, slot.change, row)


def _row_identity(fact: Fact) -> str | None:
    breakdown = fact.breakdown
    if breakdown in (Breakdown.TOTAL, Breakdown.COMPONENT):
        return "total"
    if breakdown is Breakdown.SUBTOTAL and fact.group and fact.table_kind is TableKind.POSTS_BY_GRADE:
        return f"category:{fact.group}"
    if breakdown is Breakdown.CATEGORY:
        return f"category:{fact.label}"
    if breakdown is Breakdown.OBJECT and fact.label:
        return f"object:{fact.label}"
    if breakdown is Breakdown.GRADE:
        return f"grade:{fact.label}"
    return None


def _ranked(facts: Iterable[Fact]) -> list[Fact]:
    return sorted(facts, key=lambda f: (_SOURCE_RANK[f.source.kind], f.source.ref, f.source.line))


def _value(fact: Fact) -> float:
    return round(fact.number or 0.0, 6)


def _reference(ranked: list[Fact]) -> Fact:
    """The fact printing the value most places print; the best-ranked place on a tie."""
    values = [_value(f) for f in ranked]
    votes = Counter(values)
    best = max(votes, key=lambda v: (votes[v], -values.index(v)))
    return ranked[values.index(best)]


def same_figure_findings(facts: list[Fact]) -> Iterator[Finding]:
    """Every figure that two tables, or a table and the overview annex, print differently.

    The value most places print is the reference (the body's own table first on a tie); each place
    printing another value is a finding set against the first place printing the reference.
    """
    groups: dict[FigureKey, list[Fact]] = {}
    for fact in facts:
        if fact.source.kind is BlockKind.PARAGRAPH or (fact.number is None):
            continue
        key = figure_key(fact)
        if key is not None:
            groups.setdefault(key, []).append(fact)
    for members in groups.values():
        places = {(f.source.kind, f.source.ref) for f in members}
        values = {_value(f) for f in members}
        if len(places) < 2 or len(values) < 2:
            continue
        ranked = _ranked(members)
        reference = _reference(ranked)
        for fact in ranked:
            if _value(fact) == _value(reference) or (fact.source.kind, fact.source.ref) == (
                reference.source.kind, reference.source.ref
            ):
                continue
            first, second = _ranked([reference, fact])
            finding = same_figure_finding(Check.SAME_FIGURE, fact.body, printed_fact(second), printed_fact(first))
            if finding is not None:
                yield finding


def paragraph_findings(facts: list[Fact]) -> Iterator[Finding]:
    """A paragraph's amount (美元) against the table or annex cells (千美元) printing the same figure."""
    printed: dict[FigureKey, list[Fact]] = {}
    by_year: dict[tuple[str, int | None], list[Fact]] = {}
    for fact in facts:
        if fact.source.kind is BlockKind.PARAGRAPH or fact.measure is not Measure.MONEY or fact.number is None:
            continue
        key = figure_key(fact)
        if key is not None:
            printed.setdefault(key, []).append(fact)
        by_year.setdefault((fact.body, fact.year), []).append(fact)
    for fact in facts:
        if fact.source.kind is not BlockKind.PARAGRAPH or fact.value is None or fact.unit != "美元":
            continue
        key = figure_key(fact)
        candidates = _ranked(printed.get(key, [])) if key is not None else []
        if not candidates:
            continue
        sentence = printed_fact(fact)
        findings = [same_figure_finding(Check.PARAGRAPH, fact.body, sentence, printed_fact(c), THOUSAND) for c in candidates]
        if any(finding is None for finding in findings):
            continue  # the paragraph agrees with a cell that prints the figure
        if any(
            same_figure_finding(Check.PARAGRAPH, fact.body, sentence, printed_fact(other), THOUSAND) is None
            for other in by_year.get((fact.body, fact.year), [])
        ):
            continue  # the amount is another figure of the body that year: the clause speaks of that one
        first = findings[0]
        if first is not None:
            yield first
