"""Run the tool on a gold set: rankings (search) and answers (ask), with follow-ups in sessions.

A gold question with ``follow_up_of`` is asked in the same session as the question it follows, as a
user in a chat would; everything else starts a new session.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.progress import Progress

from budgetqa.qa.model import Answer
from budgetqa.qa.service import QAService

from .answer_metrics import AnswerRecord, CitedUnit
from .generative_metrics import answer_source
from .gold import GoldQuestion

TOP_K = 10


@dataclass
class ToolRun:
    """The tool's output on a gold set."""

    rankings: dict[str, list[str]]  # question id → ranked unit ids
    answers: list[AnswerRecord]
    answer_texts: dict[str, str]
    confidences: dict[str, float]
    seconds_per_question: float
    shown: list[Answer] = field(default_factory=list)  # the answers as shown, in question order


def session_roots(questions: Sequence[GoldQuestion]) -> dict[str, str]:
    """Question id → id of the first question of its conversation."""
    roots: dict[str, str] = {}
    for question in questions:
        parent = question.follow_up_of
        roots[question.id] = roots.get(parent, parent) if parent else question.id
    return roots


def run_tool(service: QAService, questions: Sequence[GoldQuestion], *, answers: bool = True) -> ToolRun:
    """Search and (optionally) answer every question, in order, in sessions."""
    roots = session_roots(questions)
    rankings: dict[str, list[str]] = {}
    records: list[AnswerRecord] = []
    texts: dict[str, str] = {}
    confidences: dict[str, float] = {}
    shown: list[Answer] = []
    started = time.perf_counter()
    with Progress(transient=True) as progress:
        task = progress.add_task("evaluating", total=len(questions))
        for question in questions:
            session = roots[question.id]
            hits = service.searcher.search(question.question, top_k=TOP_K, session_id=f"search:{session}")
            rankings[question.id] = [f"{hit.unit.kind.value}:{hit.unit.ref}" for hit in hits]
            if answers:
                asked = time.perf_counter()
                answer = service.ask(question.question, session_id=f"ask:{session}")
                if service.generator is not None:  # a slow run: say how each answer went as it goes
                    progress.console.print(
                        f"{question.id}: {answer_source(answer)}, {time.perf_counter() - asked:.0f} s", highlight=False
                    )
                texts[question.id] = answer.text
                shown.append(answer)
                confidences[question.id] = answer.confidence
                records.append(
                    AnswerRecord(
                        id=question.id,
                        text=answer.text,
                        citations=tuple(CitedUnit(c.kind, c.ref) for c in answer.citations),
                        abstained=answer.abstained,
                    )
                )
            progress.advance(task)
    elapsed = time.perf_counter() - started
    return ToolRun(rankings, records, texts, confidences, elapsed / max(1, len(questions)), shown)
