"""Fit the evidence weights of the passage answerer (:mod:`budgetqa.qa.evidence_score`).

Every candidate the answerer considers for a question (a sentence, or a table cell with its row) is
described by its named features; it is labelled gold when it lies in one of the question's gold units
and states the gold answer (its answer span, where the gold file gives one).  The weights come from a
pairwise logistic regression on the fitting halves of the gold sets: each gold candidate against the
other candidates of its question, since the answerer ranks within a question.  A conversation's half
follows from a hash of its first question's id (:mod:`budgetqa.eval.dev_split`); the checking halves
are never fitted on.

The abstention threshold is chosen on the same questions, as the one whose answers are worth most: a
right answer (the best candidate gold and not vetoed, or no answer where the document has none) +1,
a decline 0, a wrong answer −:data:`WRONG_COST`.  The regularisation strength, and whether the named
features beat the retrieval scores alone, are chosen by cross-validation over whole conversations of
the fitting half.  The final weights are scored on both halves beside the weights they replace, and
everything is written with them, so the file says what it was fitted on and how well it did.

    python -m budgetqa.eval.fit_evidence [--gold FILE ...] [--out FILE]

Without ``--out`` the script only reports; the shipped weights change only when ``--out`` names
``qa/resources/evidence_weights.json``, after the fitted weights have been compared end to end.
"""

from __future__ import annotations

import argparse
import re
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich.progress import track
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from budgetqa.index.evidence import Candidate, EvidenceScorer
from budgetqa.index.language import detect_language
from budgetqa.index.model import IndexUnit, SearchHit
from budgetqa.qa.evidence_score import Evidence, EvidenceWeights, Feature, default_weights_path
from budgetqa.qa.extractive import ExtractiveAnswerer
from budgetqa.qa.service import QAService
from budgetqa.qa.understand.parts import split_question
from budgetqa.settings import Settings

from .dev_split import CHECK, FIT, split_of_id
from .gold import GoldQuestion, default_gold_path, load_gold, relevant_ids, unit_id
from .runner import session_roots

FEATURES: tuple[Feature, ...] = tuple(Feature)
RETRIEVAL_FEATURES = (Feature.LEXICAL, Feature.SEMANTIC, Feature.RANK_PRIOR, Feature.COLUMN_FIT)
C_GRID = (0.3, 1.0, 3.0)  # inverse regularisation strengths tried by cross-validation
SPAN_RECALL = 0.5  # a candidate states the gold span when it holds this share of the span's bigrams
FOLDS = 5
MAX_PAIRS = 40  # other candidates a gold one is paired with (the first, by retrieval order)
# What a wrong answer costs against a right one's worth (1) and a decline's (0), in choosing the threshold.
WRONG_COST = 0.5
RIGHT, DECLINED, WRONG = "right", "declined", "wrong"


@dataclass(frozen=True)
class Example:
    """One part of a gold question, with the hits its evidence is drawn from."""

    question: GoldQuestion
    part: str  # the part of the question (made standalone in its conversation)
    hits: list[SearchHit]
    root: str  # the id of its conversation's first question
    split: str  # FIT or CHECK


def gold_files() -> list[Path]:
    """The gold sets shipped with budgetqa: the development set and every other ``*_qa.jsonl`` beside it."""
    folder = default_gold_path().parent
    return [default_gold_path(), *sorted(p for p in folder.glob("*_qa.jsonl") if p != default_gold_path())]


def collect(service: QAService, questions: Sequence[GoldQuestion]) -> list[Example]:
    """Each question's parts and evidence hits, asked in order in conversations, as the service asks them."""
    roots = session_roots(questions)
    examples: list[Example] = []
    for question in track(questions, description="retrieving", transient=True):
        session = f"fit:{roots[question.id]}"
        text = question.question
        resolved = service.searcher.resolve(text, session)
        parsed = service.parse(text, session, is_follow_up=resolved.is_follow_up)
        hits = service.evidence_hits(text, resolved, parsed, detect_language(text))
        service.searcher.record(session, text, resolved, [hit.unit.uid for hit in hits[:3]])
        parts = [resolved.text] if resolved.is_follow_up else split_question(resolved.text)
        root = roots[question.id]
        examples.extend(Example(question, part, hits, root, split_of_id(root)) for part in parts)
    return examples


def _bigrams(text: str) -> set[str]:
    compact = re.sub(r"\s+", "", text)
    return {compact[i : i + 2] for i in range(len(compact) - 1)}


def is_gold(item: Evidence, question: GoldQuestion) -> bool:
    """The candidate lies in a gold unit and states the gold answer span (any of it, when none is given)."""
    unit = item.candidate.unit
    if unit_id(unit.kind.value, unit.ref) not in relevant_ids(question):
        return False
    span = _bigrams(question.answer_zh_span)
    if not span:
        return True
    text = _bigrams(item.candidate.text if item.cell is None else f"{item.cell.row.label} {item.candidate.text}")
    return len(span & text) >= SPAN_RECALL * len(span)


def vector(item: Evidence, features: Sequence[Feature] = FEATURES) -> list[float]:
    return [float(item.features.get(name, 0.0)) for name in features]


class Fitter:
    """Candidates and their labels for every example, computed once; weights fitted and scored on them."""

    def __init__(self, answerer: ExtractiveAnswerer, examples: Sequence[Example]) -> None:
        self.answerer = answerer.with_weights(answerer.weights)
        self.answerer.scorer = _RememberingScorer(answerer.scorer)  # type: ignore[assignment]
        self.examples = list(examples)
        self.pools = [
            answerer.candidates(example.part, example.hits)
            for example in track(self.examples, description="scoring candidates", transient=True)
        ]
        self.labels = [[is_gold(item, example.question) for item in pool] for example, pool in zip(self.examples, self.pools, strict=True)]

    def pairs(self, indices: Sequence[int], features: Sequence[Feature]) -> tuple[np.ndarray, np.ndarray]:
        """Each gold candidate against each other candidate of its question, as feature differences
        (both orders): the ranking the answerer needs, one question at a time."""
        X: list[list[float]] = []
        for i in indices:
            gold = [vector(item, features) for item, label in zip(self.pools[i], self.labels[i], strict=True) if label]
            other = [vector(item, features) for item, label in zip(self.pools[i], self.labels[i], strict=True) if not label]
            for g in gold:
                for o in other[:MAX_PAIRS]:
                    X.append([a - b for a, b in zip(g, o, strict=True)])
        diffs = np.asarray(X, dtype=float).reshape(-1, len(features))
        return np.vstack([diffs, -diffs]), np.concatenate([np.ones(len(diffs)), np.zeros(len(diffs))])

    def fit(self, indices: Sequence[int], features: Sequence[Feature], c: float) -> EvidenceWeights:
        """Weights fitted on `indices` (pairwise logistic regression: a gold candidate should outscore
        the others of its question), the intercept centring the questions' best scores, and the
        threshold that serves them best."""
        X, y = self.pairs(indices, features)
        model = LogisticRegression(C=c, max_iter=2000, fit_intercept=False)
        model.fit(X, y)
        coefficients = {name: float(w) for name, w in zip(features, model.coef_[0], strict=True)}
        best = [
            max((sum(coefficients[n] * item.features.get(n, 0.0) for n in features) for item in self.pools[i]), default=0.0)
            for i in indices
        ]
        weights = EvidenceWeights(weights=coefficients, intercept=-float(np.median(best)) if best else 0.0, abstain_below=0.0)
        return self.with_threshold(weights, indices)

    def with_threshold(self, weights: EvidenceWeights, indices: Sequence[int]) -> EvidenceWeights:
        """`weights` with the abstention threshold that serves the questions of `indices` best
        (:meth:`utility`), among the quantiles of their best candidates' scores; ties go to the lower."""
        best_scores = [max((weights.score(item.features) for item in self.pools[i]), default=0.0) for i in indices]
        grid = sorted({0.0, *(round(float(np.quantile(best_scores, q)), 4) for q in np.linspace(0.0, 0.6, 9))})
        best = max(grid, key=lambda t: (self.utility(_threshold(weights, t), indices), -t))
        return _threshold(weights, best)

    def outcome(self, weights: EvidenceWeights, index: int) -> str:
        """RIGHT (the best evidence gold and not vetoed; or no answer where the document has none),
        DECLINED (no answer where the document has one) or WRONG."""
        example = self.examples[index]
        part = self.answerer.with_weights(weights).select(example.part, example.hits, split=False)[0]
        answered = bool(part.ranked) and part.veto is None
        if not example.question.answerable:
            return WRONG if answered else RIGHT
        if not answered:
            return DECLINED
        return RIGHT if is_gold(part.ranked[0], example.question) else WRONG

    def utility(self, weights: EvidenceWeights, indices: Sequence[int]) -> float:
        """Mean worth of the answers to `indices`: a right one +1, a decline 0, a wrong one
        −:data:`WRONG_COST` (a reader would rather be told the document does not say than be given
        another passage's figure)."""
        worth = {RIGHT: 1.0, DECLINED: 0.0, WRONG: -WRONG_COST}
        return sum(worth[self.outcome(weights, i)] for i in indices) / len(indices) if indices else 0.0


class _RememberingScorer:
    """The answerer's scorer, remembering each question's candidates: they do not depend on the
    weights, and every set of weights tried selects among the same ones."""

    def __init__(self, scorer: EvidenceScorer) -> None:
        self.scorer = scorer
        self.index = scorer.index
        self._seen: dict[tuple[str, tuple[str, ...], tuple[int, ...] | None], list[Candidate]] = {}

    def candidates(self, question: str, units: Sequence[IndexUnit], *, ranks: Sequence[int] | None = None) -> list[Candidate]:
        key = (question, tuple(unit.uid for unit in units), tuple(ranks) if ranks is not None else None)
        if key not in self._seen:
            self._seen[key] = self.scorer.candidates(question, units, ranks=ranks)
        return self._seen[key]


def _threshold(weights: EvidenceWeights, threshold: float) -> EvidenceWeights:
    return EvidenceWeights(dict(weights.weights), weights.intercept, threshold, weights.second_ratio, weights.fitted_on)


def folds(examples: Sequence[Example], indices: Sequence[int], k: int) -> Iterator[tuple[list[int], list[int]]]:
    """Train/test index lists over whole conversations."""
    groups = [examples[i].root for i in indices]
    for train, test in GroupKFold(n_splits=k).split(indices, groups=groups):
        yield [indices[i] for i in train], [indices[i] for i in test]


def cross_validate(fitter: Fitter, indices: list[int], features: Sequence[Feature], k: int) -> tuple[float, list[float]]:
    """The regularisation strength whose held-out-fold utility (:meth:`Fitter.utility`) is highest,
    and those utilities."""
    best_c, best_scores = C_GRID[0], [-2.0]
    for c in C_GRID:
        scores = [fitter.utility(fitter.fit(train, features, c), test) for train, test in folds(fitter.examples, indices, k)]
        if statistics.mean(scores) > statistics.mean(best_scores):
            best_c, best_scores = c, scores
    return best_c, best_scores


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, action="append", help="gold file (repeatable; default: every shipped set)")
    parser.add_argument(
        "--out", type=Path, default=None,
        help=f"where to write the fitted weights (default: report only; the shipped file is {default_weights_path()})",
    )
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument(
        "--features",
        choices=("auto", "all", "retrieval"),
        default="auto",
        help="the features to fit: every named feature, the retrieval scores only, or (auto) whichever cross-validates better",
    )
    args = parser.parse_args(argv)
    files = args.gold or gold_files()
    service = QAService.open(Settings.from_env())
    questions = [question for path in files for question in load_gold(path)]
    examples = collect(service, questions)
    fitter = Fitter(service.extractive, examples)
    fit = [i for i, e in enumerate(examples) if e.split == FIT]
    check = [i for i, e in enumerate(examples) if e.split == CHECK]
    print(f"{len(questions)} questions from {', '.join(p.name for p in files)}: {len(fit)} fitting parts, {len(check)} checking parts")
    print(f"candidates: {sum(len(fitter.pools[i]) for i in fit)} fitting ({sum(sum(fitter.labels[i]) for i in fit)} gold)")
    current = service.extractive.weights
    results: dict[str, object] = {}
    for name, features in (("retrieval scores only", RETRIEVAL_FEATURES), ("all features", FEATURES)):
        c, scores = cross_validate(fitter, fit, features, args.folds)
        results[name] = {"C": c, "cv_utility": [round(s, 3) for s in scores], "cv_mean": round(statistics.mean(scores), 3)}
        print(f"{name}: C={c}, cross-validated utility {statistics.mean(scores):.3f} (folds {', '.join(f'{s:.2f}' for s in scores)})")
    feature_sets = {"all": ("all features", FEATURES), "retrieval": ("retrieval scores only", RETRIEVAL_FEATURES)}
    if args.features == "auto":
        args.features = max(feature_sets, key=lambda key: results[feature_sets[key][0]]["cv_mean"])  # type: ignore[index]
    name, features = feature_sets[args.features]
    chosen = results[name]
    assert isinstance(chosen, dict)
    print(f"fitting {name} (C={chosen['C']}) on the whole fitting half")
    weights = fitter.fit(fit, features, float(chosen["C"]))
    weights = EvidenceWeights(
        dict(weights.weights), weights.intercept, weights.abstain_below, weights.second_ratio,
        fitted_on=f"fitting halves of {', '.join(p.name for p in files)} ({len(fit)} question parts; {name})",
    )
    summary: dict[str, object] = {}
    for label, indices in (("fit", fit), ("check", check)):
        for when, chosen_weights in (("before", current), ("fitted", weights)):
            outcomes = [fitter.outcome(chosen_weights, i) for i in indices]
            counts = {name: outcomes.count(name) for name in (RIGHT, DECLINED, WRONG)}
            utility = fitter.utility(chosen_weights, indices)
            summary[f"{label}_{when}"] = {**counts, "utility": round(utility, 3)}
            print(f"{label} half, weights {when}: {counts}, utility {utility:.3f}")
    print(f"threshold {weights.abstain_below:.3f}")
    for name in FEATURES:
        print(f"  {name.value:20s} {weights.weights.get(name, 0.0):+.3f}")
    if args.out is None:
        print("not written (pass --out FILE to keep the fitted weights)")
        return
    weights.save(args.out, cross_validation=results, **summary)
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
