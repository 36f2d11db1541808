"""Fit the evidence weights on what a user sees: the answers to the fitting halves, end to end.

:mod:`budgetqa.eval.fit_evidence` fits the weights so that a gold candidate outscores the others of
its question.  An answer is more than that ranking: the vetoes, the threshold and the rule for a
second piece act on the scores after it, and weights that rank candidates better can answer worse
(fitted that way here, they lost a tenth of the development set's figure answers).  This script
searches the weights on the answers themselves: a coordinate search from the current weights, in
which each step is scored by answering every question of the fitting halves, in their sessions, and
scoring the answers as ``budgetqa eval`` does; a step is kept only where it raises that score.  The
checking halves are answered twice, with the weights before and after, and never steer the search.

The score of a set of questions is the sum of the issue's four answer measures: figure accuracy, the
share of answers citing a gold unit, the share of unanswerable questions declined, less the share of
answerable questions declined.

    python -m budgetqa.eval.fit_end_to_end [--gold FILE ...] [--passes 2] [--start FILE] [--out FILE]

Without ``--out`` the script only reports.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from budgetqa.qa.evidence_score import EvidenceWeights, Feature, default_weights_path
from budgetqa.qa.extractive import ExtractiveAnswerer
from budgetqa.qa.service import QAService
from budgetqa.settings import Settings

from .answer_metrics import AnswerRecord, aggregate, score_answer, span_oracle_from_texts
from .dev_split import CHECK, FIT, split_of_id
from .fit_evidence import gold_files
from .gold import GoldQuestion, load_gold
from .runner import session_roots

# Steps tried for each weight, in units of its scale: a feature weight moves by these amounts, the
# threshold and the second-piece ratio by these fractions of their room.
FEATURE_STEPS = (-1.0, -0.5, 0.5, 1.0)
THRESHOLD_STEPS = (-0.1, -0.05, 0.05, 0.1)
MIN_GAIN = 1e-9  # a step must raise the fitting score by more than this to be kept


@dataclass(frozen=True)
class Score:
    """The answer measures of one set of questions, and their sum."""

    figure_accuracy: float
    cites_gold: float
    unanswerable_declined: float
    answerable_declined: float

    @property
    def total(self) -> float:
        return self.figure_accuracy + self.cites_gold + self.unanswerable_declined - self.answerable_declined

    def __str__(self) -> str:
        return (
            f"figure {self.figure_accuracy:.3f}, gold cited {self.cites_gold:.3f}, "
            f"unanswerable declined {self.unanswerable_declined:.3f}, answerable declined "
            f"{self.answerable_declined:.3f} (score {self.total:.3f})"
        )


class EndToEnd:
    """Answers a fixed set of gold questions with given weights and scores the answers."""

    def __init__(self, service: QAService, questions: Sequence[GoldQuestion]) -> None:
        self.service = service
        self.base: ExtractiveAnswerer = service.extractive
        self.questions = list(questions)
        self.roots = session_roots(self.questions)
        self.oracle = span_oracle_from_texts({unit.id: unit.text for unit in service.document.units()})
        self._runs = itertools.count()

    def score(self, weights: EvidenceWeights, ids: set[str]) -> Score:
        """The answers to the questions in `ids` with `weights`, scored (each run in fresh sessions)."""
        self.service.extractive = self.base.with_weights(weights)
        run = next(self._runs)
        try:
            scores = []
            for question in self.questions:
                if question.id not in ids:
                    continue
                answer = self.service.ask(question.question, session_id=f"fit-{run}:{self.roots[question.id]}")
                scores.append(score_answer(question, AnswerRecord.from_answer(question.id, answer), self.oracle))
        finally:
            self.service.extractive = self.base
        summary = aggregate(scores)
        answerable = [s for s in scores if not s.should_abstain]
        declined = sum(s.abstained for s in answerable) / len(answerable) if answerable else 0.0
        return Score(
            summary.figure_accuracy or 0.0, summary.cites_gold_rate or 0.0, summary.abstention_recall or 0.0, declined
        )


def steps(weights: EvidenceWeights) -> list[str]:
    """The single steps a pass tries, by name: each feature weight, the intercept, the threshold and the
    second-piece ratio moved alone ("lexical +0.5")."""
    names = [f"{feature.value} {step:+}" for feature in Feature for step in FEATURE_STEPS]
    names += [f"intercept {step:+}" for step in FEATURE_STEPS]
    names += [f"{name} {step:+}" for name in ("abstain_below", "second_ratio") for step in THRESHOLD_STEPS]
    return names


def apply_step(weights: EvidenceWeights, step_name: str) -> EvidenceWeights:
    """`weights` with the step `step_name` ("lexical +0.5", "abstain_below -0.05") made; the threshold
    and the ratio stay within (0, 1]."""
    name, step_text = step_name.rsplit(" ", 1)
    step = float(step_text)
    if name == "intercept":
        return replace(weights, intercept=round(weights.intercept + step, 4))
    if name == "abstain_below":
        return replace(weights, abstain_below=min(0.99, max(0.01, round(weights.abstain_below + step, 4))))
    if name == "second_ratio":
        return replace(weights, second_ratio=min(1.0, max(0.01, round(weights.second_ratio + step, 4))))
    moved = dict(weights.weights)
    feature = Feature(name)
    moved[feature] = round(moved.get(feature, 0.0) + step, 4)
    return replace(weights, weights=moved)


def search(judge: EndToEnd, start: EvidenceWeights, fit_ids: set[str], *, passes: int) -> tuple[EvidenceWeights, Score, list[str]]:
    """Coordinate search: in each pass every single step is tried on the best weights so far and kept
    where it raises the fitting score; stops early when a pass keeps nothing."""
    best, best_score = start, judge.score(start, fit_ids)
    kept: list[str] = []
    for number in range(1, passes + 1):
        improved = False
        for name in steps(best):
            moved = apply_step(best, name)
            if moved == best:
                continue
            score = judge.score(moved, fit_ids)
            if score.total > best_score.total + MIN_GAIN:
                best, best_score, improved = moved, score, True
                kept.append(f"pass {number}: {name} → {score}")
                print(kept[-1], flush=True)
        if not improved:
            break
    return best, best_score, kept


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, action="append", help="gold file (repeatable; default: every shipped set)")
    parser.add_argument("--passes", type=int, default=2, help="passes over every weight (default 2)")
    parser.add_argument(
        "--start", type=Path, default=None,
        help="weights to start the search from (default: the shipped ones), such as fit_evidence's output",
    )
    parser.add_argument(
        "--out", type=Path, default=None,
        help=f"where to write the weights (default: report only; the shipped file is {default_weights_path()})",
    )
    args = parser.parse_args(argv)
    if args.passes < 1:
        parser.error("--passes must be at least 1")
    files = args.gold or gold_files()
    service = QAService.open(Settings.from_env())
    questions = [question for path in files for question in load_gold(path)]
    roots = session_roots(questions)
    halves: dict[str, set[str]] = {FIT: set(), CHECK: set()}
    for question in questions:
        halves[split_of_id(roots[question.id])].add(question.id)
    judge = EndToEnd(service, questions)
    start = EvidenceWeights.load(args.start) if args.start is not None else service.extractive.weights
    print(f"{len(questions)} questions from {', '.join(p.name for p in files)}: {len(halves[FIT])} fitting, {len(halves[CHECK])} checking")
    check_before = judge.score(start, halves[CHECK])
    best, fit_after, kept = search(judge, start, halves[FIT], passes=args.passes)
    fit_before = judge.score(start, halves[FIT])
    check_after = judge.score(best, halves[CHECK])
    print(f"fit half, weights before: {fit_before}")
    print(f"fit half, weights fitted: {fit_after}")
    print(f"check half, weights before: {check_before}")
    print(f"check half, weights fitted: {check_after}")
    if args.out is None:
        print("not written (pass --out FILE to keep the fitted weights)")
        return
    fitted = replace(
        best,
        fitted_on=(
            f"end to end on the fitting halves of {', '.join(p.name for p in files)} ({len(halves[FIT])} questions): "
            f"coordinate search from {args.start.name if args.start else 'the earlier weights'} "
            f"(eval/fit_end_to_end.py), {len(kept)} steps kept"
            + ("" if kept else ": no single step raises the fitting score, so the earlier weights stand as its local optimum")
        ),
    )
    fitted.save(
        args.out,
        steps=kept,
        fit_before=str(fit_before),
        fit_after=str(fit_after),
        check_before=str(check_before),
        check_after=str(check_after),
    )
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
