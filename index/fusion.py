"""Weighted reciprocal rank fusion of several rankings.

RRF (Cormack, Clarke & Büttcher, SIGIR 2009) scores a document by Σ_r w_r / (k + rank_r(d)), with
ranks starting at 1.  The constant k = 60 from the paper damps the influence of the very top ranks so
that a document ranked well by several retrievers beats one ranked first by only one.  Scores of the
individual retrievers are never compared, which is what makes BM25 and cosine similarities fusable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

RRF_K = 60


def reciprocal_rank_fusion(
    rankings: Mapping[str, Sequence[int]],
    weights: Mapping[str, float] | None = None,
    *,
    k: int = RRF_K,
) -> list[tuple[int, float, dict[str, int]]]:
    """Fuse rankings of item ids; returns (item, score, {ranking name: 0-based rank}) best first.

    >>> [item for item, _, _ in reciprocal_rank_fusion({"bm25": [1, 2, 3], "dense": [3, 1]})]
    [1, 3, 2]
    """
    if weights is not None and any(weight < 0 for weight in weights.values()):
        raise ValueError(f"fusion weights must be non-negative, got {dict(weights)}")
    scores: dict[int, float] = {}
    ranks: dict[int, dict[str, int]] = {}
    for name, ranking in rankings.items():
        weight = 1.0 if weights is None else weights.get(name, 0.0)
        if weight == 0.0:
            continue
        for rank, item in enumerate(ranking):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank + 1)
            ranks.setdefault(item, {})[name] = rank
    ordered = sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))
    return [(item, score, ranks[item]) for item, score in ordered]
