"""Retrieval metrics over ranked unit ids, computed as sentence-transformers' InformationRetrievalEvaluator does.

Inputs are plain mappings: question id → ranked list of unit ids, and question id → set of relevant
unit ids.  Questions without relevant ids (unanswerable ones) are not scored, as in the evaluator.
Relevance is binary:

- accuracy@k (hit@k): 1 if a relevant id is among the first k;
- precision@k: relevant ids among the first k, divided by k;
- recall@k: relevant ids among the first k, divided by the number of relevant ids;
- MRR@k: 1 / rank of the first relevant id within the first k (0 if none);
- nDCG@k: Σ rel_i / log2(i + 1) over the first k ranks, divided by the same sum for an ideal
  ranking of all relevant ids (capped at k).

Means are taken over the scored questions.  Breakdowns group questions (by language, by type) and
give the zh − en gap of every metric.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

DEFAULT_ACCURACY_AT_K: tuple[int, ...] = (1, 5, 10)
DEFAULT_PRECISION_RECALL_AT_K: tuple[int, ...] = (1, 5, 10)
DEFAULT_MRR_AT_K: tuple[int, ...] = (10,)
DEFAULT_NDCG_AT_K: tuple[int, ...] = (10,)


@dataclass(frozen=True)
class MetricSpec:
    """The cut-offs at which each metric is computed."""

    accuracy_at_k: tuple[int, ...] = DEFAULT_ACCURACY_AT_K
    precision_recall_at_k: tuple[int, ...] = DEFAULT_PRECISION_RECALL_AT_K
    mrr_at_k: tuple[int, ...] = DEFAULT_MRR_AT_K
    ndcg_at_k: tuple[int, ...] = DEFAULT_NDCG_AT_K

    def __post_init__(self) -> None:
        for name in ("accuracy_at_k", "precision_recall_at_k", "mrr_at_k", "ndcg_at_k"):
            values = getattr(self, name)
            if not values or any(k < 1 for k in values):
                raise ValueError(f"{name} must list cut-offs ≥ 1, got {values!r}")


@dataclass(frozen=True)
class QuestionRetrieval:
    """Metrics of one question's ranking."""

    qid: str
    ranking: tuple[str, ...]
    relevant: frozenset[str]
    first_relevant_rank: int | None  # 1-based rank of the first relevant id anywhere in the ranking
    accuracy_at_k: dict[int, float]
    precision_at_k: dict[int, float]
    recall_at_k: dict[int, float]
    mrr_at_k: dict[int, float]
    ndcg_at_k: dict[int, float]
    missing: bool = False  # the system returned no ranking for this question

    def to_json(self) -> dict[str, object]:
        return {
            "qid": self.qid,
            "ranking": list(self.ranking),
            "relevant": sorted(self.relevant),
            "first_relevant_rank": self.first_relevant_rank,
            "missing": self.missing,
            **_flat_metrics(
                self.accuracy_at_k, self.precision_at_k, self.recall_at_k, self.mrr_at_k, self.ndcg_at_k
            ),
        }


@dataclass(frozen=True)
class RetrievalScores:
    """Means of the per-question metrics over `n` questions (all zero when n = 0)."""

    n: int
    accuracy_at_k: dict[int, float]
    precision_at_k: dict[int, float]
    recall_at_k: dict[int, float]
    mrr_at_k: dict[int, float]
    ndcg_at_k: dict[int, float]

    def metric(self, name: str) -> float:
        """A metric by its printed name: "hit@5", "accuracy@5", "recall@10", "mrr@10", "ndcg@10"."""
        key, _, k_text = name.lower().partition("@")
        try:
            k = int(k_text)
            table = {
                "hit": self.accuracy_at_k,
                "accuracy": self.accuracy_at_k,
                "precision": self.precision_at_k,
                "recall": self.recall_at_k,
                "mrr": self.mrr_at_k,
                "ndcg": self.ndcg_at_k,
            }[key]
            return table[k]
        except (KeyError, ValueError):
            raise KeyError(f"no retrieval metric {name!r}; available: {', '.join(self.to_json())}") from None

    def to_json(self) -> dict[str, float | int]:
        return {
            "n": self.n,
            **_flat_metrics(
                self.accuracy_at_k, self.precision_at_k, self.recall_at_k, self.mrr_at_k, self.ndcg_at_k
            ),
        }


@dataclass(frozen=True)
class RetrievalEvaluation:
    """Per-question results and their means."""

    per_question: dict[str, QuestionRetrieval]
    mean: RetrievalScores
    spec: MetricSpec = field(default_factory=MetricSpec)

    def subset(self, qids: Iterable[str]) -> RetrievalScores:
        """Means over the scored questions among `qids`."""
        chosen = [self.per_question[qid] for qid in qids if qid in self.per_question]
        return _average(chosen, self.spec)


def _flat_metrics(
    accuracy: Mapping[int, float],
    precision: Mapping[int, float],
    recall: Mapping[int, float],
    mrr: Mapping[int, float],
    ndcg: Mapping[int, float],
) -> dict[str, float]:
    out: dict[str, float] = {}
    for prefix, values in (
        ("hit", accuracy),
        ("precision", precision),
        ("recall", recall),
        ("mrr", mrr),
        ("ndcg", ndcg),
    ):
        for k, value in values.items():
            out[f"{prefix}@{k}"] = float(value)
    return out


def dcg_at_k(relevances: Sequence[int | float], k: int) -> float:
    """Discounted cumulative gain of the first k relevances: Σ rel_i / log2(i + 1), ranks from 1."""
    return sum(rel / math.log2(rank + 2) for rank, rel in enumerate(relevances[:k]))


def score_ranking(
    qid: str,
    ranking: Sequence[str],
    relevant: Iterable[str],
    spec: MetricSpec | None = None,
    *,
    missing: bool = False,
) -> QuestionRetrieval:
    """All metrics of one ranked list against its relevant ids (which must not be empty)."""
    spec = spec or MetricSpec()
    relevant_set = frozenset(relevant)
    if not relevant_set:
        raise ValueError(f"question {qid!r} has no relevant ids; it cannot be scored")
    flags = [1 if uid in relevant_set else 0 for uid in ranking]
    first = next((rank for rank, flag in enumerate(flags, start=1) if flag), None)

    accuracy = {k: float(any(flags[:k])) for k in spec.accuracy_at_k}
    precision = {k: sum(flags[:k]) / k for k in spec.precision_recall_at_k}
    recall = {k: sum(flags[:k]) / len(relevant_set) for k in spec.precision_recall_at_k}
    mrr = {k: (1.0 / first if first is not None and first <= k else 0.0) for k in spec.mrr_at_k}
    ndcg = {k: dcg_at_k(flags, k) / dcg_at_k([1] * len(relevant_set), k) for k in spec.ndcg_at_k}
    return QuestionRetrieval(
        qid=qid,
        ranking=tuple(ranking),
        relevant=relevant_set,
        first_relevant_rank=first,
        accuracy_at_k=accuracy,
        precision_at_k=precision,
        recall_at_k=recall,
        mrr_at_k=mrr,
        ndcg_at_k=ndcg,
        missing=missing,
    )


def _average(results: Sequence[QuestionRetrieval], spec: MetricSpec) -> RetrievalScores:
    n = len(results)

    def mean(values: Iterable[float]) -> float:
        values = list(values)
        return sum(values) / n if n else 0.0

    return RetrievalScores(
        n=n,
        accuracy_at_k={k: mean(r.accuracy_at_k[k] for r in results) for k in spec.accuracy_at_k},
        precision_at_k={k: mean(r.precision_at_k[k] for r in results) for k in spec.precision_recall_at_k},
        recall_at_k={k: mean(r.recall_at_k[k] for r in results) for k in spec.precision_recall_at_k},
        mrr_at_k={k: mean(r.mrr_at_k[k] for r in results) for k in spec.mrr_at_k},
        ndcg_at_k={k: mean(r.ndcg_at_k[k] for r in results) for k in spec.ndcg_at_k},
    )


def evaluate_rankings(
    rankings: Mapping[str, Sequence[str]],
    relevant: Mapping[str, Iterable[str]],
    spec: MetricSpec | None = None,
) -> RetrievalEvaluation:
    """Score every question of `relevant` that has relevant ids.

    A question the system gave no ranking for counts as an empty ranking (every metric 0) and is
    flagged `missing`.  Rankings are taken as given: pass them through
    :func:`budgetqa.eval.gold.normalise_ranking` first to merge table rows into their tables.
    """
    spec = spec or MetricSpec()
    per_question: dict[str, QuestionRetrieval] = {}
    for qid, ids in relevant.items():
        ids = set(ids)
        if not ids:
            continue
        ranking = rankings.get(qid)
        per_question[qid] = score_ranking(qid, ranking or (), ids, spec, missing=ranking is None)
    return RetrievalEvaluation(per_question, _average(list(per_question.values()), spec), spec)


def breakdown(
    evaluation: RetrievalEvaluation, groups: Mapping[str, Iterable[str]]
) -> dict[str, RetrievalScores]:
    """Means per group: `groups` maps a question id to the groups it belongs to ("zh", "numeric", …)."""
    members: dict[str, list[str]] = {}
    for qid, names in groups.items():
        for name in names:
            members.setdefault(name, []).append(qid)
    return {name: evaluation.subset(qids) for name, qids in members.items()}


def gap(first: RetrievalScores, second: RetrievalScores) -> dict[str, float]:
    """Every metric of `first` minus the same metric of `second` (the zh − en gap with zh first)."""
    a, b = first.to_json(), second.to_json()
    return {name: float(a[name]) - float(b[name]) for name in a if name != "n"}
