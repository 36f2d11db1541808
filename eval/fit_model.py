"""The evidence model fitted on labelled evidence (:mod:`.fit_labels`): which piece answers, how
likely, and when to decline.

**Direction: pairwise logistic regression.**  What the answerer must get right is the *order* of one
question's evidence: the piece it quotes is its best.  So the coefficients are fitted on pairs of one
question part's pieces, a positive one against a negative one: logistic regression without intercept
on the differences of their features (both orders), as in RankNet / RankSVM.  A feature that is the same
for every piece of a question (what the question asks) cannot order them and gets no weight.

**Scale: Platt scaling.**  The answerer also needs to know whether its best piece is good enough.  A
one-feature logistic regression of the labels on the pieces' scores turns a score into the probability
that the piece answers; the file's coefficients are the direction times that slope, its intercept the
calibration's.

**Weights.**  Each source (development set, generated questions) weighs as much as the other, and
within a source each question part as much as any other, whatever the number of its pieces (or pairs).

**Choices checked by grouped k-fold cross-validation** (folds never split a conversation): the
regularisation strength among :data:`C_GRID` (the best top-1, the share of answerable question parts
whose best-scored piece is positive, averaged over the two sources; the smallest strength among equals),
and the out-of-fold probabilities, from which the log-loss and accuracy are reported and the abstention
thresholds read: one for figure questions and one for the others (their best pieces score on different
scales), each the highest that declines at most :data:`ANSWERABLE_DECLINED` of the answerable parts,
the project's target, so of all such thresholds it declines the most unanswerable ones.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import GroupKFold

from budgetqa.qa.features import FEATURE_NAMES
from budgetqa.qa.weights import FIGURE, FIT_COMMAND, KINDS, Weights

from .dev_split import FIT
from .fit_labels import DEV, GENERATED, SOURCES, PartEvidence, QuestionEvidence

C_GRID: tuple[float, ...] = (0.01, 0.1, 1.0, 10.0)
DEFAULT_FOLDS = 5
ANSWERABLE_DECLINED = 0.10  # the project's target: at most this share of answerable questions declined
MAX_ITERATIONS = 5000


@dataclass(frozen=True)
class Scorer:
    """A fitted direction and its calibration: probability = logistic(slope × features·direction + intercept)."""

    direction: np.ndarray
    slope: float
    intercept: float

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        z = self.slope * (features @ self.direction) + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


def _part_weights(data: Sequence[QuestionEvidence], usable: Sequence[bool]) -> list[float]:
    """A weight per question part (in order; `usable` says which count): each source weighs as much as
    the other, and within a source each usable part the same."""
    sources = [question.source for question in data for _ in question.parts]
    counts = {source: sum(ok for owner, ok in zip(sources, usable, strict=True) if owner == source) for source in SOURCES}
    present = sum(1 for count in counts.values() if count)
    return [1.0 / (present * counts[source]) if ok else 0.0 for source, ok in zip(sources, usable, strict=True)]


def pairs(data: Sequence[QuestionEvidence]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feature differences of every (positive, negative) pair of a question part, in both orders,
    with their labels and weights (see the module docstring)."""
    parts = [part for question in data for part in question.parts]
    usable = [bool(part.labels.any() and (~part.labels).any()) for part in parts]
    weights = _part_weights(data, usable)
    rows, sample = [], []
    for part, weight in zip(parts, weights, strict=True):
        if not weight:
            continue
        positive, negative = part.features[part.labels], part.features[~part.labels]
        differences = (positive[:, None, :] - negative[None, :, :]).reshape(-1, positive.shape[1])
        rows.append(differences)
        sample.append(np.full(len(differences), weight / len(differences)))
    if not rows:
        raise ValueError("no question part has both a positive and a negative piece; fit on more questions")
    x = np.concatenate(rows)
    w = np.concatenate(sample)
    return np.vstack([x, -x]), np.r_[np.ones(len(x)), np.zeros(len(x))], np.r_[w, w] * len(w) * 2 / (2 * w.sum())


def pieces(data: Sequence[QuestionEvidence]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels, weights and question index of every piece (each part's pieces share its weight)."""
    parts = [(index, part) for index, question in enumerate(data) for part in question.parts]
    weights = _part_weights(data, [len(part.labels) > 0 for _, part in parts])
    x = np.concatenate([part.features for _, part in parts]) if parts else np.zeros((0, len(FEATURE_NAMES)))
    y = np.concatenate([part.labels for _, part in parts]) if parts else np.zeros(0, bool)
    w = np.concatenate([np.full(len(part.labels), weight / max(1, len(part.labels))) for (_, part), weight in zip(parts, weights, strict=True)])
    owner = np.concatenate([np.full(len(part.labels), index) for index, part in parts])
    return x, y, w * len(w) / w.sum(), owner


def fit_scorer(data: Sequence[QuestionEvidence], c: float) -> Scorer:
    """The direction from pairs, then its calibration on the pieces."""
    x, y, w = pairs(data)
    direction = LogisticRegression(C=c, fit_intercept=False, max_iter=MAX_ITERATIONS).fit(x, y, sample_weight=w).coef_[0]
    features, labels, weights, _ = pieces(data)
    scores = (features @ direction).reshape(-1, 1)
    calibration = LogisticRegression(max_iter=MAX_ITERATIONS).fit(scores, labels, sample_weight=weights)
    return Scorer(direction, float(calibration.coef_[0][0]), float(calibration.intercept_[0]))


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-fold scores of one regularisation strength."""

    c: float
    folds: int
    log_loss: float
    accuracy: float
    top1: dict[str, float]  # by source: answerable parts whose best-scored piece is positive
    probabilities: tuple[np.ndarray, ...] = field(repr=False, default=())  # per question, its parts' pieces in order

    @property
    def mean_top1(self) -> float:
        values = [value for value in self.top1.values() if not math.isnan(value)]
        return sum(values) / len(values) if values else math.nan


def cross_validate(data: Sequence[QuestionEvidence], c: float, folds: int) -> CrossValidation:
    """Grouped k-fold scores of regularisation strength `c` (folds never split a conversation)."""
    _, y, w, owner = pieces(data)
    groups = np.array([question.group for question in data])
    per_question: list[np.ndarray] = [np.zeros(0)] * len(data)
    for train, test in GroupKFold(n_splits=folds).split(np.zeros(len(data)), groups=groups):
        train_data = [data[i] for i in train]
        if not any(q.has_positive for q in train_data):
            raise ValueError("a fold has no positive evidence to fit on; fit on more questions or fewer folds")
        scorer = fit_scorer(train_data, c)
        for index in test:
            features = [part.features for part in data[index].parts]
            per_question[index] = scorer.probabilities(np.concatenate(features)) if features else np.zeros(0)
    oof = np.concatenate(per_question) if per_question else np.zeros(0)
    top1: dict[str, list[bool]] = {source: [] for source in SOURCES}
    for question, scores in zip(data, per_question, strict=True):
        for part, part_scores in _split(question, scores):
            if question.answerable and part.labels.any():
                top1[question.source].append(bool(part.labels[int(np.argmax(part_scores))]))
    order = np.argsort(owner, kind="stable")
    labels, weights = y[order], w[order]
    return CrossValidation(
        c=c,
        folds=folds,
        log_loss=float(log_loss(labels, oof, sample_weight=weights, labels=[False, True])),
        accuracy=float(np.average((oof >= 0.5) == labels, weights=weights)),
        top1={source: sum(hits) / len(hits) if hits else math.nan for source, hits in top1.items()},
        probabilities=tuple(per_question),
    )


def _split(question: QuestionEvidence, scores: np.ndarray) -> list[tuple[PartEvidence, np.ndarray]]:
    """Each part of a question with its pieces' scores."""
    out: list[tuple[PartEvidence, np.ndarray]] = []
    start = 0
    for part in question.parts:
        out.append((part, scores[start : start + len(part.labels)]))
        start += len(part.labels)
    return out


@dataclass(frozen=True)
class Decision:
    """One question part to be answered or declined: its best evidence's probability, and which."""

    best: float
    answer: bool  # an answerable question's part with a positive piece (False: an unanswerable question's)
    source: str
    figure: bool


def decisions(data: Sequence[QuestionEvidence], probabilities: Sequence[np.ndarray]) -> list[Decision]:
    """Every question part that should be answered (an answerable question's part with a positive
    piece) or declined (a part of an unanswerable question), with its best probability."""
    out = []
    for question, scores in zip(data, probabilities, strict=True):
        for part, part_scores in _split(question, scores):
            if question.answerable and not part.labels.any():
                continue  # the evidence holds no answer: neither answering nor declining is right
            best = float(part_scores.max()) if len(part_scores) else 0.0
            out.append(Decision(best, question.answerable, question.source, part.figure))
    return out


@dataclass(frozen=True)
class Threshold:
    """A fitted threshold and the shares of the fitting parts it declines."""

    value: float
    answerable_declined: float
    unanswerable_declined: float | None


def choose_threshold(found: Sequence[Decision], *, most_declined: float = ANSWERABLE_DECLINED) -> Threshold:
    """The highest threshold that declines at most `most_declined` of the answerable parts (the
    project's target for declined answerable questions), in the middle of the interval that allows it:
    of all thresholds within the target it declines the most unanswerable parts.  Each source weighs
    as much as the other.

    >>> parts = [Decision(b, True, "dev", True) for b in (0.2, 0.5, 0.6, 0.7, 0.8, 0.9, 0.9, 0.9, 0.9, 0.9)]
    >>> choose_threshold([*parts, Decision(0.1, False, "dev", True)], most_declined=0.05)
    Threshold(value=0.15, answerable_declined=0.0, unanswerable_declined=1.0)
    >>> choose_threshold(parts).value  # declining the part scored 0.2 declines 10 %
    0.35
    """
    answer = [d for d in found if d.answer]
    decline = [d for d in found if not d.answer]

    def share(items: Sequence[Decision], cut: float) -> float:
        sources = sorted({d.source for d in items})
        per_source = [[d for d in items if d.source == source] for source in sources]
        return sum(sum(d.best < cut for d in group) / len(group) for group in per_source) / len(sources)

    points = sorted({d.best for d in found} | {0.0, 1.0})
    cuts = [(a + b) / 2 for a, b in zip(points, points[1:], strict=False)]
    allowed = [cut for cut in cuts if not answer or share(answer, cut) <= most_declined + 1e-9]
    value = round(max(allowed, default=0.0), 4)
    return Threshold(value, share(answer, value) if answer else 0.0, share(decline, value) if decline else None)


@dataclass(frozen=True)
class FitReport:
    """What was fitted on, how well it cross-validates, and the chosen thresholds."""

    questions: dict[str, int]  # source → questions
    pieces: int
    positives: int
    chosen: CrossValidation
    grid: tuple[CrossValidation, ...]
    thresholds: dict[str, Threshold]  # by question kind (figure, other)


def fit(data: Sequence[QuestionEvidence], *, folds: int = DEFAULT_FOLDS) -> tuple[Weights, FitReport]:
    """Fitted weights (strength chosen by cross-validation, thresholds on out-of-fold scores) and the report."""
    grid = tuple(cross_validate(data, c, folds) for c in C_GRID)
    chosen = max(grid, key=lambda cv: (round(cv.mean_top1, 9), -cv.c))
    found = decisions(data, chosen.probabilities)
    thresholds = {kind: choose_threshold([d for d in found if d.figure == (kind == FIGURE)]) for kind in KINDS}
    scorer = fit_scorer(data, chosen.c)
    _, labels, _, _ = pieces(data)
    questions = {source: sum(1 for q in data if q.source == source) for source in SOURCES}
    report = FitReport(questions, len(labels), int(labels.sum()), chosen, grid, thresholds)
    coefficients = {
        name: round(float(value) * scorer.slope, 6) for name, value in zip(FEATURE_NAMES, scorer.direction, strict=True)
    }
    values = {kind: found.value for kind, found in thresholds.items()}
    return Weights(coefficients, round(scorer.intercept, 6), values, _provenance(report, folds)), report


def _provenance(report: FitReport, folds: int) -> dict[str, object]:
    chosen = report.chosen
    return {
        "fitted_by": FIT_COMMAND,
        "fitted_on": {
            DEV: f"development set, {FIT} half (eval/dev_split.py): {report.questions[DEV]} questions",
            GENERATED: f"generated questions, {FIT} templates (eval/generate.py): {report.questions[GENERATED]} questions",
        },
        "evidence_pieces": report.pieces,
        "positive_pieces": report.positives,
        "model": (
            f"pairwise logistic regression (C={chosen.c}, chosen from {list(C_GRID)} by {folds}-fold grouped "
            "cross-validation), calibrated by Platt scaling (eval/fit_model.py)"
        ),
        "cross_validation": {
            "log_loss": round(chosen.log_loss, 4),
            "accuracy": round(chosen.accuracy, 4),
            "top1": {source: round(value, 4) for source, value in chosen.top1.items()},
        },
        "thresholds": {
            kind: (
                f"the highest out-of-fold probability declining at most {ANSWERABLE_DECLINED:.0%} of the answerable "
                f"{kind} question parts: declines {found.answerable_declined:.3f} of them and "
                f"{'n/a' if found.unanswerable_declined is None else f'{found.unanswerable_declined:.3f}'} "
                "of the unanswerable ones"
            )
            for kind, found in report.thresholds.items()
        },
    }
