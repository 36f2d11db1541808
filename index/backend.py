"""The interface between search and storage: each retriever's ranked candidates for one query.

Search tokenises and embeds a question once (`BackendQuery`); a backend returns, per retriever
(``"bm25"``, ``"dense:usem3"``, ``"dense:e5-small"`` …), the ids of its best units, best first, with
ties broken by unit id. Fusion (`fusion.py`) and everything after it never learn which backend
answered. Two implementations: `EmbeddedBackend` (bm25s + FAISS in this process, the default) and
`budgetqa.index.pg_backend.PostgresBackend` (PostgreSQL + pgvector, for many documents and readers).

>>> # backend.rankings(BackendQuery({"bm25": ["员额"]}, {"usem3": vector}), SearchScope(parts=("五",)), 100)
>>> # {"bm25": [812, 40, …], "dense:usem3": [815, 812, …]}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from .dense import DenseStore
from .lexical import LexicalStore
from .model import DocumentTag, IndexUnit, SearchScope

EMPTY_TOKEN = "<empty>"  # what a unit without tokens is indexed by (as `LexicalStore.build` does)
DENSE_PREFIX = "dense:"


@dataclass(frozen=True)
class BackendQuery:
    """One question as every retriever sees it: tokens per lexical field (``"bm25"`` …) and one
    normalised vector per dense encoder (``"usem3"`` …)."""

    tokens: Mapping[str, Sequence[str]]
    vectors: Mapping[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class LexicalField:
    """One BM25 field: which text of a unit it indexes and how that text is tokenised."""

    text_of: Callable[[IndexUnit], str]
    tokenize: Callable[[str], list[str]]

    def document_tokens(self, unit: IndexUnit) -> list[str]:
        """The tokens `unit` is indexed by in this field (``<empty>`` for a unit without any)."""
        return self.tokenize(self.text_of(unit)) or [EMPTY_TOKEN]


Scored = list[tuple[int, float]]  # (unit id, score), best first


class Backend(Protocol):
    """Storage that answers each retriever's ranking of unit ids for a query."""

    def scored(self, query: BackendQuery, filters: SearchScope | None, k: int) -> dict[str, Scored]:
        """Per retriever, its top `k` (unit id, score) inside `filters`, best first, ties by unit id."""
        ...


def backend_rankings(
    backend: Backend, query: BackendQuery, filters: SearchScope | None, k: int
) -> dict[str, list[int]]:
    """Per retriever, the ids of its top `k` units inside `filters`: what fusion takes."""
    return {name: [uid for uid, _ in scored] for name, scored in backend.scored(query, filters, k).items()}


def top_k(ids: np.ndarray, scores: np.ndarray, k: int) -> Scored:
    """The `k` best (id, score) pairs with a positive or any score, best first, equal scores by id.

    >>> top_k(np.array([5, 2, 9]), np.array([0.5, 0.5, 0.9]), 2)
    [(9, 0.9), (2, 0.5)]
    """
    order = np.lexsort((ids, -scores))[:k]
    return [(int(ids[i]), float(scores[i])) for i in order]


def bm25_scored(store: LexicalStore, tokens: Sequence[str], admitted: np.ndarray | None, k: int) -> Scored:
    """The top `k` units of a bm25s store for `tokens` (those it knows), with a positive score and inside
    the mask `admitted` (None: every unit), best first, equal scores by id."""
    known = [token for token in tokens if token in store.bm25.vocab_dict]
    if not known or k <= 0:
        return []
    scores = np.asarray(store.bm25.get_scores(known), dtype=np.float64)
    keep = scores > 0 if admitted is None else (scores > 0) & admitted
    ids = np.flatnonzero(keep)
    return top_k(ids, scores[ids], k)


class EmbeddedBackend:
    """bm25s and FAISS stores of one document, in this process: unit id = the unit's row."""

    def __init__(
        self,
        units: Sequence[IndexUnit],
        tag: DocumentTag,
        lexical: Mapping[str, LexicalStore],
        dense: Mapping[str, tuple[DenseStore, Sequence[int]]],
    ) -> None:
        self.units = units
        self.tag = tag
        self.lexical = lexical  # field name ("bm25") → store whose document i is unit i
        self.dense = dense  # encoder name → (store, unit row of each of its vectors)

    def scored(self, query: BackendQuery, filters: SearchScope | None, k: int) -> dict[str, Scored]:
        """Each retriever's top `k`, exact: BM25 over every unit, inner product over every vector."""
        admitted = self._admitted(filters)
        out: dict[str, Scored] = {}
        for name, store in self.lexical.items():
            out[name] = bm25_scored(store, query.tokens.get(name, ()), admitted, k)
        for name, (dense_store, rows) in self.dense.items():
            if name in query.vectors:
                out[DENSE_PREFIX + name] = self._dense(dense_store, rows, query.vectors[name], admitted, k)
        return out

    def _admitted(self, filters: SearchScope | None) -> np.ndarray | None:
        """A mask of the units inside `filters` (None: every unit)."""
        if not filters:
            return None
        return np.array([filters.admits(unit, self.tag) for unit in self.units], dtype=bool)

    @staticmethod
    def _dense(
        store: DenseStore, rows: Sequence[int], vector: np.ndarray, admitted: np.ndarray | None, k: int
    ) -> Scored:
        # With filters every vector is scored (exact, a few thousand rows), then cut to the scope;
        # without, a margin above k keeps the units tied at the k-th score for the tie-break by id.
        wanted = store.index.ntotal if admitted is not None else k + 16
        found = store.search(vector, wanted)
        ids = np.array([rows[i] for i, _ in found], dtype=np.int64)
        scores = np.array([score for _, score in found], dtype=np.float64)
        if admitted is not None and len(ids):
            inside = admitted[ids]
            ids, scores = ids[inside], scores[inside]
        return top_k(ids, scores, k)
