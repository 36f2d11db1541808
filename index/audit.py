"""The consistency audit of a budget section: every check its structure allows, over the whole document.

An analyst checks a proposed budget by hand: do the components add up to the totals, does 2023 plus
the changes give 2024, is the percentage the change over 2023, is the figure in the paragraph the
figure in the table, is a body's total in its own tables the one in the overview annex, does a post
list add up, does the annex of post changes list as many posts as it states.  :func:`run_audit` does all
of it from the typed tables (:mod:`.audit_tables`), the facts (:mod:`.audit_places`, :mod:`.audit_annex`),
the post lists (:mod:`.audit_posts`) and the annex of post changes (:mod:`.audit_annex_posts`), and
returns an :class:`AuditReport` of :class:`~.audit_model.Finding` s, each citing both sides.

>>> from budgetqa.ingest.commands import load_document
>>> report = run_audit(load_document())                       # doctest: +SKIP
>>> [f.printed.text for f in report.findings if f.body == "UNOCT" and f.printed.ref == "四"][:1]  # doctest: +SKIP
['(37 789.0)']
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from budgetqa.ingest.annex_posts import annex_post_changes
from budgetqa.ingest.bodies import BodyRegistry
from budgetqa.ingest.facts import Fact, extract_facts
from budgetqa.ingest.model import BlockKind, Document

from .audit_annex import annex_findings
from .audit_annex_posts import annex_post_findings, post_table_findings
from .audit_model import Check, Finding, FindingClass
from .audit_objects import object_amount_findings
from .audit_places import paragraph_findings, same_figure_findings
from .audit_posts import post_list_findings
from .audit_tables import table_findings

_KIND_ORDER = {BlockKind.TABLE: 0, BlockKind.ANNEX: 1, BlockKind.PARAGRAPH: 2}


@dataclass
class AuditReport:
    """The findings of one audit, in document order, and what was checked."""

    document: str  # "A/78/6 (Sect. 3)"
    findings: list[Finding]
    tables_checked: int
    facts_checked: int
    seconds: float
    checks: tuple[Check, ...] = field(default_factory=lambda: tuple(Check))

    def counts(self) -> dict[str, int]:
        """Findings by class: {"discrepancy": 17, "rounding": 5}."""
        counted = Counter(f.finding_class.value for f in self.findings)
        return {c.value: counted.get(c.value, 0) for c in FindingClass}

    def about(self, *, body: str | None = None, table: str | None = None) -> list[Finding]:
        """The findings of one body, or those that cite one table (on either side)."""
        out = self.findings
        if body is not None:
            out = [f for f in out if f.body == body]
        if table is not None:
            out = [
                f for f in out
                if any(p.kind is BlockKind.TABLE and p.ref == table for p in (f.printed, *f.other))
            ]
        return out

    def to_json(self) -> dict[str, object]:
        return {
            "document": self.document,
            "counts": self.counts(),
            "tables_checked": self.tables_checked,
            "facts_checked": self.facts_checked,
            "seconds": round(self.seconds, 3),
            "checks": [c.value for c in self.checks],
            "findings": [f.to_json() for f in self.findings],
        }


def run_audit(document: Document, facts: list[Fact] | None = None, registry: BodyRegistry | None = None) -> AuditReport:
    """Every finding of `document`; pass the facts and registry a caller already has."""
    started = time.perf_counter()
    registry = registry or BodyRegistry.of(document)
    facts = facts if facts is not None else extract_facts(document, registry)
    body_of = {body.part: body.key for body in registry.bodies if body.part is not None}
    found: list[Finding] = []
    for table in document.tables:
        found.extend(table_findings(table, registry.by_part(table.part).key))
    found.extend(post_list_findings(document.tables, body_of))
    found.extend(annex_findings(facts))
    found.extend(same_figure_findings(facts))
    found.extend(paragraph_findings(facts))
    found.extend(object_amount_findings(document, body_of))
    post_changes = annex_post_changes(document, registry)
    found.extend(annex_post_findings(post_changes))
    found.extend(post_table_findings(post_changes, document.tables, body_of))
    return AuditReport(
        document=document.symbol,
        findings=_in_order(found),
        tables_checked=len(document.tables),
        facts_checked=len(facts),
        seconds=time.perf_counter() - started,
    )


def _in_order(findings: Iterable[Finding]) -> list[Finding]:
    """Each finding once, in the order of the printed figure's place in the document."""
    unique = {f.id: f for f in findings}
    return sorted(unique.values(), key=lambda f: (f.printed.line, _KIND_ORDER[f.printed.kind], f.id))
