"""Search over a corpus of several documents: BM25 with the whole corpus's statistics, each document's
dense stores, and one document's window on it.

Unit ids are global: the units of the corpus's first document take ids 0 … n₁ − 1, the next document's
follow, in corpus order (as `budgetqa.index.pg_backend.PostgresBackend` numbers them). A
:class:`CorpusBackend` answers every retriever for the whole corpus, cut to the documents, years,
languages, parts and subprogrammes of a filter; a :class:`DocumentView` is one document's window on any
corpus backend (embedded or PostgreSQL): its filter always names the document, and the ids it returns
are that document's own unit rows, so one document's `HybridIndex` searches with corpus-wide BM25
statistics and nothing after the backend changes.

>>> # view = DocumentView(corpus_backend, "A/79/6 (Sect. 3)", base=993, size=993)
>>> # view.scored(query, None, 100)["bm25"][:2]      # [(412, 17.2), (37, 15.9)]: rows of A/79/6
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from .backend import DENSE_PREFIX, Backend, BackendQuery, Scored, bm25_scored, top_k
from .dense import DenseStore
from .lexical import LexicalStore
from .model import DocumentTag, IndexUnit, SearchScope, unit_subprogramme


@dataclass(frozen=True)
class CorpusMember:
    """One document in a corpus backend: its tag, the global id of its first unit, its units, and per
    encoder its dense store with the unit row of each vector."""

    tag: DocumentTag
    base: int
    units: Sequence[IndexUnit]
    dense: Mapping[str, tuple[DenseStore, Sequence[int]]]

    @property
    def size(self) -> int:
        return len(self.units)


class CorpusBackend:
    """Every retriever over a corpus in this process: bm25s stores over all its units (corpus-wide
    statistics) and each document's FAISS stores, searched exactly and merged."""

    def __init__(self, members: Sequence[CorpusMember], lexical: Mapping[str, LexicalStore]) -> None:
        self.members = list(members)
        self.lexical = lexical  # field name → store whose document i is the unit of global id i
        self.size = sum(member.size for member in self.members)
        for name, store in lexical.items():
            if store.size != self.size:
                raise ValueError(f"the corpus's {name} store holds {store.size} units, its documents {self.size}")
        self._parts = np.array([unit.part for member in self.members for unit in member.units], dtype=object)
        self._subprogrammes = np.array(
            [unit_subprogramme(unit) for member in self.members for unit in member.units], dtype=object
        )

    def scored(self, query: BackendQuery, filters: SearchScope | None, k: int) -> dict[str, Scored]:
        """Each retriever's top `k` (global unit id, score) inside `filters`, best first, ties by id."""
        members = [m for m in self.members if not filters or filters.admits_document(m.tag)]
        admitted = self._admitted(members, filters)
        unit_level = bool(filters and (filters.parts or filters.subprogrammes))
        out: dict[str, Scored] = {}
        for name, store in self.lexical.items():
            out[name] = bm25_scored(store, query.tokens.get(name, ()), admitted, k)
        names = {name for member in self.members for name in member.dense}
        for name in sorted(names):
            if name in query.vectors:
                out[DENSE_PREFIX + name] = self._dense(name, members, query.vectors[name], admitted, unit_level, k)
        return out

    def _admitted(self, members: Sequence[CorpusMember], filters: SearchScope | None) -> np.ndarray | None:
        """A mask over global ids of the units inside `filters` (None: every unit)."""
        if not filters:
            return None
        mask = np.zeros(self.size, dtype=bool)
        for member in members:
            mask[member.base : member.base + member.size] = True
        if filters.parts:
            mask &= np.isin(self._parts, list(filters.parts))
        if filters.subprogrammes:
            mask &= np.isin(self._subprogrammes, list(filters.subprogrammes))
        return mask

    @staticmethod
    def _dense(
        name: str,
        members: Sequence[CorpusMember],
        vector: np.ndarray,
        admitted: np.ndarray | None,
        unit_level: bool,
        k: int,
    ) -> Scored:
        # Each document's exact top (every vector when parts or subprogrammes cut inside documents; a
        # margin above k otherwise, for the tie-break by id), then the corpus's best k of them.
        ids: list[np.ndarray] = []
        scores: list[np.ndarray] = []
        for member in members:
            if name not in member.dense:
                continue
            store, rows = member.dense[name]
            found = store.search(vector, store.index.ntotal if unit_level else k + 16)
            ids.append(np.array([member.base + rows[i] for i, _ in found], dtype=np.int64))
            scores.append(np.array([score for _, score in found], dtype=np.float64))
        if not ids:
            return []
        all_ids, all_scores = np.concatenate(ids), np.concatenate(scores)
        if admitted is not None and len(all_ids):
            inside = admitted[all_ids]
            all_ids, all_scores = all_ids[inside], all_scores[inside]
        return top_k(all_ids, all_scores, k)


class DocumentView:
    """One document's window on a corpus backend: every search is filtered to the document, and the
    ids returned are its own unit rows (global id − `base`)."""

    def __init__(self, corpus: Backend, symbol: str, base: int, size: int) -> None:
        self.corpus = corpus
        self.symbol = symbol
        self.base = base
        self.size = size

    def scored(self, query: BackendQuery, filters: SearchScope | None, k: int) -> dict[str, Scored]:
        """Each retriever's top `k` (unit row of this document, score), BM25 scored with the corpus's statistics."""
        scope = replace(filters, documents=(self.symbol,)) if filters else SearchScope(documents=(self.symbol,))
        found = self.corpus.scored(query, scope, k)
        end = self.base + self.size
        return {
            name: [(uid - self.base, score) for uid, score in ranking if self.base <= uid < end]
            for name, ranking in found.items()
        }
