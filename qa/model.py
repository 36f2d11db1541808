"""Typed answers: what every answerer (extractive or LLM) returns and the verifier checks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from budgetqa.ingest.model import BlockKind
from budgetqa.ingest.refs import format_label

Language = Literal["zh", "en"]


@dataclass
class Citation:
    """A cited unit: "¶3.115" → Citation("paragraph", "3.115", [a, b], quote)."""

    kind: str  # BlockKind value: "paragraph", "table", "figure", "annex", …
    ref: str
    lines: list[int]
    quote: str = ""  # the supporting text (sentence, or the table row rendered)
    row: str | None = None  # row label for a table cell citation
    column: str | None = None  # column header for a table cell citation
    document: str | None = None  # the cited document's symbol, in a corpus of several documents

    @property
    def label(self) -> str:
        """How the citation is printed in Chinese: ¶3.115, 表 3.27, 图 3.十四, 附件三, 前言 一."""
        return self.label_for("zh")

    def label_for(self, lang: Language) -> str:
        """The printed label in `lang`, from :func:`budgetqa.ingest.refs.format_label`.

        >>> Citation("annex", "三", []).label_for("zh"), Citation("annex", "三", []).label_for("en")
        ('附件三', 'Annex III')

        A kind that names no block kind (no answerer produces one) prints as its bare ref.
        """
        try:
            kind = BlockKind.from_str(self.kind)
        except ValueError:
            return self.ref
        return format_label(kind, self.ref, lang)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "kind": self.kind,
            "ref": self.ref,
            "lines": self.lines,
            "quote": self.quote,
            "label": self.label_for("zh"),
            "label_en": self.label_for("en"),
        }
        if self.document is not None:
            out["document"] = self.document
        if self.row is not None:
            out["row"] = self.row
        if self.column is not None:
            out["column"] = self.column
        return out


def unique_citations(citations: list[Citation]) -> list[Citation]:
    """`citations` in order, each unit (or table cell: row and column) once."""
    out: list[Citation] = []
    seen: set[tuple[str | None, str, str, str | None, str | None]] = set()
    for citation in citations:
        key = (citation.document, citation.kind, citation.ref, citation.row, citation.column)
        if key not in seen:
            seen.add(key)
            out.append(citation)
    return out


@dataclass
class VerificationReport:
    """What citation verification removed, and why."""

    removed_citations: list[str] = field(default_factory=list)  # refs that do not exist
    removed_figures: list[str] = field(default_factory=list)  # figures no cited unit contains
    notes: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.removed_citations and not self.removed_figures


@dataclass(frozen=True)
class Computation:
    """A figure the answer computed from printed ones: "10 112.1 − 5 807.8 = 4 304.3".

    The verifier accepts the result only when every operand is printed in a cited unit and the
    arithmetic holds.
    """

    formula: str
    operands: list[float]
    operator: str  # "-" (a − b), "+" (a sum), "%" (a as a percentage of b)
    result: float

    def holds(self) -> bool:
        if self.operator == "-" and len(self.operands) == 2:
            expected = self.operands[0] - self.operands[1]
        elif self.operator == "%" and len(self.operands) == 2 and self.operands[1]:
            expected = self.operands[0] / self.operands[1] * 100
        elif self.operator == "+":
            expected = sum(self.operands)
        else:
            return False
        return abs(expected - self.result) <= 0.05 + 1e-9 * abs(expected)

    def to_json(self) -> dict[str, object]:
        return {"formula": self.formula, "operands": self.operands, "operator": self.operator, "result": self.result}


@dataclass
class Answer:
    """A cited answer.  `abstained` answers say what the document does not say, with nearest passages."""

    question: str
    language: Language
    text: str
    citations: list[Citation]
    confidence: float
    abstained: bool
    evidence: list[str] = field(default_factory=list)  # uids of the units the answer was drawn from
    mode: str = "extractive"  # "extractive", "lookup", "facts", "llm:<model>"
    verification: VerificationReport = field(default_factory=VerificationReport)
    computations: list[Computation] = field(default_factory=list)  # figures computed from printed ones
    facts: list[str] = field(default_factory=list)  # ids of the budget facts a figure answer states, main first

    def to_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "language": self.language,
            "answer": self.text,
            "citations": [c.to_json() for c in self.citations],
            "confidence": round(self.confidence, 4),
            "abstained": self.abstained,
            "evidence": self.evidence,
            "mode": self.mode,
            "computations": [c.to_json() for c in self.computations],
            "facts": self.facts,
            "verification": {
                "removed_citations": self.verification.removed_citations,
                "removed_figures": self.verification.removed_figures,
                "notes": self.verification.notes,
            },
        }


@dataclass
class UnitView:
    """A unit shown to a user (side panel, `/show`, `GET /units/{ref}`); tables carry their parsed grid."""

    kind: str
    ref: str
    label: str  # "¶3.115", "表 3.27"
    title: str
    text: str
    lines: list[int]
    section: list[str]
    part: str
    english_label: str = ""
    columns: list[str] | None = None  # tables only
    rows: list[dict[str, object]] | None = None  # tables only: {"label", "cells": [text…], "group", "part", "is_total"}
    document: str = ""  # the document's symbol: "A/78/6 (Sect. 3)"

    def to_json(self) -> dict[str, object]:
        return {
            "document": self.document,
            "kind": self.kind,
            "ref": self.ref,
            "label": self.label,
            "title": self.title,
            "text": self.text,
            "lines": self.lines,
            "section": self.section,
            "part": self.part,
            "english_label": self.english_label,
            "columns": self.columns,
            "rows": self.rows,
        }


@dataclass
class AnswerEvent:
    """One event of a streamed answer: text as it is produced, then the final verified answer."""

    type: Literal["token", "answer"]
    text: str = ""
    answer: Answer | None = None


def final_answer(events: Iterable[AnswerEvent]) -> Answer:
    """The answer a stream of answer events ends with."""
    answer = list(events)[-1].answer
    assert answer is not None
    return answer
