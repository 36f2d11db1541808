"""Resource overviews: for each body and for the section, resources by funding source and posts, 2023
against 2024, with the change and the percentage — the table a delegate asks for first.

Every figure is a printed fact with its source (the section's overview annex first, then the body's
own tables); the percentage is computed (change ÷ 2023, its formula shown) from two of them.  A figure
the consistency audit finds inconsistent carries that finding, so that a reader sees it beside the
number.

>>> from budgetqa.ingest.commands import load_document
>>> overview = Overview.of(load_document())                    # doctest: +SKIP
>>> line = overview.line("UNOCT", FundingSource.REGULAR_BUDGET, Measure.MONEY)  # doctest: +SKIP
>>> line.final.printed, line.change.printed, round(line.percent, 1)            # doctest: +SKIP
('10 112.1', '4 304.3', 74.1)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from budgetqa.index.audit import AuditReport, run_audit
from budgetqa.index.audit_model import Check, Finding
from budgetqa.index.audit_tables import slot_of
from budgetqa.ingest.bodies import Body, BodyRegistry
from budgetqa.ingest.budget import (
    SOURCE_NAMES_EN,
    SOURCE_NAMES_ZH,
    Breakdown,
    ChangeKind,
    FundingSource,
    Measure,
    TableKind,
)
from budgetqa.ingest.facts import Fact, extract_facts
from budgetqa.ingest.model import BlockKind, Document
from budgetqa.ingest.refs import format_label

FUNDINGS = (FundingSource.REGULAR_BUDGET, FundingSource.OTHER_ASSESSED, FundingSource.EXTRABUDGETARY, FundingSource.ALL)
MEASURES = (Measure.MONEY, Measure.POSTS)
# The overview annex prints every body's totals by source; a body's own tables come next.
_SOURCE_RANK = {BlockKind.ANNEX: 0, BlockKind.TABLE: 1}
_TOTAL_KINDS = frozenset(
    {TableKind.ANNEX_OVERVIEW, TableKind.RESOURCES_BY_SOURCE, TableKind.POSTS_BY_SOURCE, TableKind.RESOURCES_BY_OBJECT,
     TableKind.POSTS_BY_GRADE, TableKind.RESOURCES_AND_POSTS}
)


def source_name(funding: FundingSource, lang: str) -> str:
    """"经常预算" / "regular budget"."""
    return (SOURCE_NAMES_EN if lang == "en" else SOURCE_NAMES_ZH)[funding]


def cite(fact: Fact, lang: str) -> str:
    """Where a figure is printed: "附件四, 第 11520 行" / "Annex IV, line 11520"."""
    label = format_label(fact.source.kind, fact.source.ref, lang)
    return f"{label}, line {fact.source.line}" if lang == "en" else f"{label}，第 {fact.source.line} 行"


@dataclass(frozen=True)
class OverviewLine:
    """One body's resources (or posts) of one funding source: 2023, 2024, the change, each a fact."""

    body: Body
    funding: FundingSource
    measure: Measure
    base: Fact | None  # the earlier year's level (2023 appropriation or estimate; approved posts)
    final: Fact | None  # the proposal year's level (2024 estimate before recosting; proposed posts)
    change: Fact | None  # the printed change
    flags: tuple[Finding, ...] = ()  # audit findings on any of these cells

    @property
    def facts(self) -> list[Fact]:
        return [f for f in (self.base, self.final, self.change) if f is not None]

    @property
    def percent(self) -> float | None:
        """The change as a percentage of the earlier year (computed); None without both figures."""
        if self.base is None or self.change is None or not self.base.number:
            return None
        return (self.change.number or 0.0) / self.base.number * 100

    @property
    def is_empty(self) -> bool:
        """Nothing but nils: the body has no resources of this source."""
        return all(not fact.number for fact in self.facts)

    def to_json(self, lang: str = "zh") -> dict[str, object]:
        def figure(fact: Fact | None) -> dict[str, object] | None:
            if fact is None:
                return None
            return {"fact": fact.id, "printed": fact.printed, "value": fact.number, "unit": fact.unit,
                    "year": fact.year, "basis": fact.basis.value, "cite": cite(fact, lang),
                    "source": {"kind": fact.source.kind.value, "ref": fact.source.ref, "line": fact.source.line,
                               "row": fact.source.row, "column": fact.source.column}}

        percent = self.percent
        return {
            "body": self.body.key,
            "body_name": self.body.label(lang),
            "funding": self.funding.value,
            "funding_name": source_name(self.funding, lang),
            "measure": self.measure.value,
            "base": figure(self.base),
            "final": figure(self.final),
            "change": figure(self.change),
            "percent": None if percent is None else round(percent, 1),
            "percent_formula": self.percent_formula(),
            "flags": [f.id for f in self.flags],
        }

    def percent_formula(self) -> str | None:
        """"4 304.3 ÷ 5 807.8 × 100 = 74.1" (the printed figures)."""
        percent = self.percent
        if percent is None or self.change is None or self.base is None:
            return None
        return f"{self.change.printed} ÷ {self.base.printed} × 100 = {percent:.1f}"


@dataclass
class Overview:
    """The overview lines of every body (in the document's order) and of the section."""

    document: str
    years: tuple[int, int]  # (2023, 2024)
    lines: list[OverviewLine]
    bodies: list[Body] = field(default_factory=list)

    @classmethod
    def of(
        cls,
        document: Document,
        facts: list[Fact] | None = None,
        registry: BodyRegistry | None = None,
        audit: AuditReport | None = None,
    ) -> Overview:
        """The overview of `document`; pass the facts, registry and audit a caller already has."""
        registry = registry or BodyRegistry.of(document)
        facts = facts if facts is not None else extract_facts(document, registry)
        audit = audit or run_audit(document, facts, registry)
        totals = [f for f in facts if _is_total(f)]
        levels = sorted({f.year for f in totals if f.year is not None and _family(f) == "level"})
        years = (levels[-2], levels[-1]) if len(levels) >= 2 else (0, 0)
        flagged = _flags(audit.findings)
        lines = []
        for body in registry.bodies:
            for measure in MEASURES:
                for funding in FUNDINGS:
                    own = [f for f in totals if f.body == body.key and f.funding is funding and f.measure is measure]
                    base, final, change = (_pick(own, "level", years[0]), _pick(own, "level", years[1]),
                                           _pick(own, "change", years[1]))
                    if base is None and final is None and change is None:
                        continue
                    marks = tuple(dict.fromkeys(x for f in (base, final, change) if f is not None for x in flagged.get(f.id, [])))
                    lines.append(OverviewLine(body, funding, measure, base, final, change, marks))
        return cls(document.symbol, years, lines, list(registry.bodies))

    def line(self, body: str, funding: FundingSource, measure: Measure) -> OverviewLine | None:
        """The line of one body, source and measure; None when the document prints none."""
        return next((x for x in self.lines if x.body.key == body and x.funding is funding and x.measure is measure), None)

    def for_body(self, key: str) -> Overview:
        """The overview of one body only."""
        return Overview(self.document, self.years, [x for x in self.lines if x.body.key == key],
                        [b for b in self.bodies if b.key == key])

    def shown(self) -> list[OverviewLine]:
        """The lines worth a row: those with a figure other than nil."""
        return [x for x in self.lines if not x.is_empty]

    def findings(self) -> list[Finding]:
        """The audit findings on any figure of the overview, each once."""
        return list({f.id: f for x in self.lines for f in x.flags}.values())

    def to_json(self, lang: str = "zh") -> dict[str, object]:
        return {
            "document": self.document,
            "years": list(self.years),
            "lines": [x.to_json(lang) for x in self.shown()],
            "findings": [f.to_json() for f in self.findings()],
        }


def _is_total(fact: Fact) -> bool:
    """A body's total (not a component's) in a table or annex that prints totals."""
    return (
        fact.breakdown is Breakdown.TOTAL
        and fact.component is None
        and fact.table_kind in _TOTAL_KINDS
        and fact.source.kind in _SOURCE_RANK
        and fact.number is not None
    )


def _family(fact: Fact) -> str | None:
    """"level", "change" (the total change only), "actual", "percent" … of a fact's column."""
    slot = slot_of(fact.basis, fact.year, fact.measure, fact.change)
    if slot is None or (slot.family == "change" and slot.change is not ChangeKind.TOTAL):
        return None
    return slot.family


def _pick(facts: list[Fact], family: str, year: int) -> Fact | None:
    """The best-placed fact of a slot: the annex first, then the body's tables in order."""
    chosen = [f for f in facts if _family(f) == family and f.year == year]
    chosen.sort(key=lambda f: (_SOURCE_RANK[f.source.kind], f.source.line))
    return chosen[0] if chosen else None


def _flags(findings: list[Finding]) -> dict[str, list[Finding]]:
    """Findings by the id of the fact they put in doubt: the printed figure, and for a figure printed
    differently in two places, both places (the components of a wrong total are not in doubt)."""
    out: dict[str, list[Finding]] = {}
    for finding in findings:
        sides = [finding.printed, *(finding.other if finding.check in _TWO_PLACES else ())]
        for side in sides:
            if side.fact is not None:
                out.setdefault(side.fact, []).append(finding)
    return out


_TWO_PLACES = frozenset({Check.SAME_FIGURE, Check.PARAGRAPH})
