"""What the web chat and the HTTP API show of the audit and the overview: JSON views and the chart.

:class:`AnalystViews` wraps one document's :class:`~budgetqa.qa.analyst_answer.AnalystAnswerer` (its
audit and overview are built once) and gives the server ``GET /audit``, ``GET /overview`` and
``GET /overview/chart.png``.  Each audit finding carries its sentence in the asked language and,
for each side, what the web chat needs to open the cited unit with the cell highlighted (kind, ref,
row, column, sub-part, and a quote: the source line or sentence).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from budgetqa.index.audit_model import Finding, FindingClass, Printed
from budgetqa.index.audit_report import class_name, figures, place, sentence
from budgetqa.index.fact_commands import resolve_body
from budgetqa.index.glossary import Glossary, load_glossary
from budgetqa.ingest.model import Document
from budgetqa.ingest.refs import format_label

from .analyst_answer import AnalystAnswerer
from .overview_chart import render
from .overview_render import cells, headers, notes


class AnalystViewError(ValueError):
    """A request the views cannot serve as asked (an unknown body or table); the message says why."""


@dataclass
class AnalystViews:
    """The audit and overview of one document, as the server serves them."""

    answerer: AnalystAnswerer
    glossary: Glossary | None = None
    _charts: dict[tuple[str, str | None], tuple[bytes, list[str]]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def of(cls, document: Document, glossary: Glossary | None = None) -> AnalystViews:
        glossary = glossary or load_glossary()
        return cls(AnalystAnswerer(document, glossary=glossary), glossary)

    @property
    def document(self) -> Document:
        return self.answerer.document

    def body_key(self, body: str | None) -> str | None:
        """The key of the body a request names; :class:`AnalystViewError` for one the document lacks."""
        if body is None or not body.strip():
            return None
        try:
            return resolve_body(self.answerer.registry, body)
        except ValueError as error:
            raise AnalystViewError(str(error)) from None

    # ---------------------------------------------------------------- audit

    def audit(self, lang: str = "zh", *, body: str | None = None, table: str | None = None,
              only: FindingClass | None = None) -> dict[str, object]:
        """The audit report as JSON: counts, and each finding with its sentence and both sides."""
        report = self.answerer.audit
        if table is not None and table not in {t.ref for t in self.document.tables}:
            raise AnalystViewError(f"the document has no table {table}; tables run from "
                                   f"{self.document.tables[0].ref} to {self.document.tables[-1].ref}")
        findings = [f for f in report.about(body=self.body_key(body), table=table) if only is None or f.finding_class is only]
        counts = {c.value: sum(f.finding_class is c for f in findings) for c in FindingClass}
        return {
            "document": report.document,
            "counts": counts,
            "seconds": round(report.seconds, 3),
            "findings": [self._finding(f, lang) for f in findings],
        }

    def _finding(self, finding: Finding, lang: str) -> dict[str, object]:
        expected, difference = figures(finding)
        out = finding.to_json()
        out.update(
            {
                "sentence": sentence(finding, lang, self.glossary),
                "class_name": class_name(finding.finding_class, lang),
                "check_name": finding.check.describe(lang),
                "expected_text": expected,
                "difference_text": difference,
                "sides": [self._side(side, lang, role) for side, role in
                          ((finding.printed, "printed"), *((o, "other") for o in finding.other))],
            }
        )
        return out

    def _side(self, side: Printed, lang: str, role: str) -> dict[str, object]:
        line = self.document.lines[side.line - 1].strip() if 0 < side.line <= len(self.document.lines) else ""
        return {
            "role": role,
            "kind": side.kind.value,
            "ref": side.ref,
            "label": format_label(side.kind, side.ref, lang),
            "place": place(side, lang, self.glossary),
            "printed": side.text,
            "row": side.row,
            "column": side.column,
            "sub_part": side.sub_part,
            "line": side.line,
            "quote": side.sentence or line,
        }

    # ---------------------------------------------------------------- overview

    def overview(self, lang: str = "zh", *, body: str | None = None) -> dict[str, object]:
        """The overview as JSON: its lines (with the cells a table shows), notes and the chart's address."""
        key = self.body_key(body)
        overview = self.answerer.overview if key is None else self.answerer.overview.for_body(key)
        data = overview.to_json(lang)
        data["headers"] = headers(overview, lang)
        data["rows"] = [cells(line, lang) for line in overview.shown()]
        data["notes"] = notes(overview, lang, self.glossary)
        data["chart"] = f"/overview/chart.png?lang={lang}" + (f"&body={key}" if key else "")
        return data

    def chart(self, lang: str = "zh", *, body: str | None = None) -> tuple[bytes, list[str]]:
        """The overview chart as PNG bytes (drawn once per language and body) and its warnings."""
        key = self.body_key(body)
        with self._lock:
            cached = self._charts.get((lang, key))
            if cached is None:
                overview = self.answerer.overview if key is None else self.answerer.overview.for_body(key)
                drawn = render(overview, lang)
                cached = self._charts[(lang, key)] = (drawn.png, drawn.warnings)
        return cached
