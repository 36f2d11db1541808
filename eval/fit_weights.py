"""Fit the passage answerer's evidence weights on the fitting halves, and report them on the checking halves.

``budgetqa eval fit-weights``:

1. asks every question of the development set's FIT half (:mod:`.dev_split`) and of the generated
   questions' FIT templates (:mod:`.generate`) as the answer service does — follow-ups in their
   session, the same retrieval hits — and keeps every piece of evidence the passage answerer would
   rank (vetoed evidence left out), with its features (:mod:`budgetqa.qa.features`), labelled from the
   gold answers (:mod:`.fit_labels`);
2. fits the weights and the abstention thresholds, checked by grouped cross-validation
   (:mod:`.fit_model`), and writes them atomically (:mod:`budgetqa.qa.weights`);
3. puts the fitted weights in the answer service and asks the CHECK halves: the development set's check
   half (figure accuracy on numeric and table questions, citing a gold unit, declining unanswerable
   questions, declining answerable ones) and the generated check templates (share correct).

Nothing is fitted on a check half.

    budgetqa eval fit-weights [--out qa/resources/evidence_weights.json] [--folds 5] [--no-check]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.table import Table

from budgetqa.qa.service import QAService
from budgetqa.qa.weights import Weights

from .answer_metrics import aggregate, evaluate_answers, span_oracle_from_texts
from .dev_split import CHECK, dev_splits
from .fit_labels import DEV, GENERATED
from .fit_model import FitReport
from .generate import Split, generate_questions
from .generated_metrics import run_generated, summarise
from .gold import default_gold_path, load_gold
from .runner import run_tool

FIGURE_TYPES = frozenset({"numeric", "table"})


@dataclass(frozen=True)
class CheckReport:
    """The answer metrics of the CHECK halves under the fitted weights."""

    dev_questions: int
    figure_accuracy: float | None  # numeric and table questions
    cites_gold: float | None
    unanswerable_declined: float | None
    answerable_declined: float | None
    generated_questions: int
    generated_correct: float | None
    generated_declined_unanswerable: float | None


def check(service: QAService, weights: Weights, *, generated: bool = True) -> CheckReport:
    """Ask the check halves with `weights` in the service's passage answerer."""
    service.extractive.weights = weights
    questions = load_gold(default_gold_path())
    ids = set(dev_splits(questions)[CHECK])
    subset = [q for q in questions if q.id in ids]
    run = run_tool(service, subset, answers=True)
    oracle = span_oracle_from_texts({unit.id: unit.text for unit in service.document.units()})
    scores = evaluate_answers(subset, run.answers, oracle).per_question
    figures = aggregate([s for s in scores.values() if FIGURE_TYPES & set(s.groups)])
    overall = aggregate(list(scores.values()))
    answerable = [s for s in scores.values() if not s.should_abstain]
    summary = None
    if generated:
        summary = summarise(run_generated(service, generate_questions(service.document, splits=(Split.CHECK,))))
    return CheckReport(
        dev_questions=len(subset),
        figure_accuracy=figures.figure_accuracy,
        cites_gold=overall.cites_gold_rate,
        unanswerable_declined=overall.abstention_recall,
        answerable_declined=sum(s.abstained for s in answerable) / len(answerable) if answerable else None,
        generated_questions=summary.n if summary else 0,
        generated_correct=summary.correct if summary else None,
        generated_declined_unanswerable=summary.declined_unanswerable if summary else None,
    )


def _shown(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.3f}"


def render_fit(weights: Weights, report: FitReport) -> Table:
    """Cross-validation by regularisation strength, then the coefficients and the thresholds."""
    table = Table(
        title=f"Evidence weights — {report.pieces} pieces ({report.positives} positive) of "
        f"{report.questions[DEV]} development and {report.questions[GENERATED]} generated FIT questions"
    )
    table.add_column("")
    table.add_column("value", justify="right")
    for cv in report.grid:
        mark = " ★" if cv is report.chosen else ""
        top1 = " / ".join(f"{source} {_shown(value)}" for source, value in cv.top1.items())
        table.add_row(f"C={cv.c}{mark}: {cv.folds}-fold top-1 ({top1}); log-loss; accuracy", f"{cv.mean_top1:.3f}; {cv.log_loss:.4f}; {cv.accuracy:.3f}")
    table.add_section()
    for name, value in weights.coefficients.items():
        table.add_row(name, f"{value:+.3f}")
    table.add_row("intercept", f"{weights.intercept:+.3f}")
    table.add_section()
    for kind, found in report.thresholds.items():
        table.add_row(
            f"threshold, {kind} questions (answerable / unanswerable parts declined)",
            f"{found.value:.3f} ({found.answerable_declined:.3f} / {_shown(found.unanswerable_declined)})",
        )
    return table


def render_check(report: CheckReport) -> Table:
    """The CHECK halves' answer metrics."""
    table = Table(title="CHECK halves with the fitted weights")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_row(f"dev check: figure accuracy, numeric + table ({report.dev_questions} questions)", _shown(report.figure_accuracy))
    table.add_row("dev check: answers citing a gold unit", _shown(report.cites_gold))
    table.add_row("dev check: unanswerable questions declined", _shown(report.unanswerable_declined))
    table.add_row("dev check: answerable questions declined", _shown(report.answerable_declined))
    if report.generated_questions:
        table.add_row(f"generated check: correct ({report.generated_questions} questions)", _shown(report.generated_correct))
        table.add_row("generated check: unanswerable declined", _shown(report.generated_declined_unanswerable))
    return table
