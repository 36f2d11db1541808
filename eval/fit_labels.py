"""Labelled evidence for fitting the passage answerer's weights: the fitting questions, asked as the
service asks them, and every piece of evidence the answerer would rank, labelled from the gold sets.

A piece of evidence is *positive* when, quoted alone as the answerer quotes it, it would be scored
right by the evaluation's own metrics:

- a development question: it cites a gold unit (or a unit holding the gold answer span) and either
  states a main figure of the gold answer or, for an answer without figures, shares at least
  :data:`SPAN_OVERLAP` of the gold answer span's character pairs;
- a generated question: it states the expected figure in its unit and cites a unit that prints it
  (:func:`budgetqa.eval.generated_metrics.score`);
- an unanswerable question: never.

Only the FIT half of the development set (:mod:`.dev_split`) and the FIT templates of the generated
questions (:mod:`.generate`) are ever collected; :func:`generated_items` refuses any other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from rich.console import Console
from rich.progress import Progress

from budgetqa.ingest.numeric import find_numbers
from budgetqa.qa.features import FEATURE_NAMES, feature_values
from budgetqa.qa.model import Citation, Language
from budgetqa.qa.service import QAService
from budgetqa.qa.understand import QuestionKind
from budgetqa.qa.vetoes import veto

from .answer_metrics import (
    AnswerRecord,
    CitedUnit,
    SpanOracle,
    figure_in,
    key_figures,
    score_answer,
    span_oracle_from_texts,
)
from .dev_split import FIT, dev_splits
from .generate import GeneratedQuestion, Split, generate_questions
from .generated_metrics import score
from .gold import GoldQuestion, default_gold_path, load_gold
from .runner import session_roots

SPAN_OVERLAP = 0.5  # share of the gold span's character pairs a fact answer's evidence must hold
DEV, GENERATED = "dev", "generated"
SOURCES: tuple[str, ...] = (DEV, GENERATED)

Labeller = Callable[[str, Citation], bool]  # (evidence as quoted, its citation) → positive


@dataclass(frozen=True)
class PartEvidence:
    """The evidence of one question (or one part of it): feature rows and their labels."""

    features: np.ndarray  # (pieces, features)
    labels: np.ndarray  # (pieces,) booleans
    figure: bool  # the question (part) asks a figure: its threshold is the figure one


@dataclass(frozen=True)
class QuestionEvidence:
    """One fitting question's evidence, part by part."""

    id: str
    group: str  # its conversation (cross-validation folds never split one)
    source: str  # DEV or GENERATED
    answerable: bool
    parts: tuple[PartEvidence, ...]

    @property
    def has_positive(self) -> bool:
        return any(part.labels.any() for part in self.parts)


@dataclass(frozen=True)
class AskedItem:
    """A fitting question as the service asks it, with the labeller of its evidence."""

    id: str
    text: str
    session: str
    source: str
    answerable: bool
    label: Labeller


def dev_items(questions: Sequence[GoldQuestion], oracle: SpanOracle) -> list[AskedItem]:
    """The development set's fitting half, labelled against its gold answers."""
    roots = session_roots(questions)
    fit = set(dev_splits(questions)[FIT])
    return [
        AskedItem(q.id, q.question, f"dev:{roots[q.id]}", DEV, q.answerable, _dev_labeller(q, oracle))
        for q in questions
        if q.id in fit
    ]


def generated_items(questions: Sequence[GeneratedQuestion]) -> list[AskedItem]:
    """The generated questions of the fitting templates, labelled against their expected figures."""
    if any(q.split != Split.FIT for q in questions):
        raise ValueError("only questions of the fitting templates may be fitted on")
    roots = session_roots([q.as_gold() for q in questions])
    return [
        AskedItem(q.id, q.question, f"generated:{roots[q.id]}", GENERATED, q.answerable, _generated_labeller(q))
        for q in questions
    ]


def fitting_items(service: QAService) -> list[AskedItem]:
    """Every question of the fitting halves: the development set's, then the generated ones."""
    oracle = span_oracle_from_texts({unit.id: unit.text for unit in service.document.units()})
    dev = dev_items(load_gold(default_gold_path()), oracle)
    return dev + generated_items(generate_questions(service.document, splits=(Split.FIT,)))


def _dev_labeller(question: GoldQuestion, oracle: SpanOracle) -> Labeller:
    mains = [figure for figure in key_figures(question.answer) if figure.main]

    def label(text: str, citation: Citation) -> bool:
        if not question.answerable:
            return False
        record = AnswerRecord(question.id, text, (CitedUnit(citation.kind, citation.ref),))
        if not score_answer(question, record, oracle).cites_gold:
            return False
        if mains:
            return any(figure_in(figure, find_numbers(text)) for figure in mains)
        return span_overlap(citation.quote, question.answer_zh_span) >= SPAN_OVERLAP

    return label


def _generated_labeller(question: GeneratedQuestion) -> Labeller:
    def label(text: str, citation: Citation) -> bool:
        return score(question, AnswerRecord(question.id, text, (CitedUnit(citation.kind, citation.ref),))).correct

    return label


def _character_pairs(text: str) -> set[str]:
    compact = re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text))
    return {compact[i : i + 2] for i in range(len(compact) - 1)}


def span_overlap(text: str, span: str) -> float:
    """The share of `span`'s character pairs (punctuation and spaces removed) that `text` holds.

    >>> span_overlap("办事处将在其总部利用太阳能。", "利用太阳能")
    1.0
    >>> span_overlap("办事处将在其总部利用太阳能。", "")
    0.0
    """
    wanted = _character_pairs(span)
    return len(wanted & _character_pairs(text)) / len(wanted) if wanted else 0.0


def collect(service: QAService, items: Sequence[AskedItem], console: Console | None = None) -> list[QuestionEvidence]:
    """Ask every item as the service does and keep the evidence the answerer ranks, labelled.

    Follow-ups are asked in their session; the session then records the positive evidence (the gold
    answer's units), as a user who got the right answer would have it.  Lookups show a unit and offer
    no evidence: they are left out.
    """
    answerer = service.extractive
    out: list[QuestionEvidence] = []
    with Progress(transient=True, console=console) as progress:
        task = progress.add_task("collecting evidence", total=len(items))
        for item in items:
            resolved = service.searcher.resolve(item.text, item.session)
            parsed = service.parse(item.text, item.session, is_follow_up=resolved.is_follow_up)
            positives: list[str] = []
            if not (parsed.kind is QuestionKind.LOOKUP and parsed.citations):
                language: Language = parsed.lang
                hits = service._evidence_hits(item.text, resolved, parsed, language)
                parts = answerer.read(resolved.text, parsed, split=not resolved.is_follow_up)
                units = answerer.evidence_units(hits, [part.counted for part in parts if part.counted])
                evidence = []
                for part in parts:
                    rows, labels = [], []
                    for piece in answerer.pool(part, units):
                        if veto(answerer.texts, part, piece) is not None:
                            continue
                        values = feature_values(part, piece)
                        rows.append([values[name] for name in FEATURE_NAMES])
                        text, citation = answerer.render(piece, language)
                        labels.append(item.label(text, citation))
                        if labels[-1]:
                            positives.append(piece.candidate.unit.uid)
                    matrix = np.array(rows, dtype=float).reshape(-1, len(FEATURE_NAMES))
                    evidence.append(PartEvidence(matrix, np.array(labels, dtype=bool), part.figure))
                out.append(QuestionEvidence(item.id, item.session, item.source, item.answerable, tuple(evidence)))
            service.searcher.record(item.session, item.text, resolved, list(dict.fromkeys(positives)))
            progress.advance(task)
    return out
