"""Score the sentences and table rows of retrieved units against a question.

An answer quotes evidence, so evidence is scored at the level a reader checks: a sentence of a
paragraph, or one row of a table.  Each candidate gets
- lexical coverage: the IDF-weighted share of the question's terms it contains (English questions are
  expanded into Chinese through the glossary first), and
- semantic similarity: cosine between question and candidate under the multilingual encoder used for
  retrieval (cross-lingual, so an English question can meet a Chinese sentence),
blended with a prior from the unit's rank in the fused retrieval.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from budgetqa.ingest.model import BlockKind

from .embedding_cache import EmbeddingCache
from .encoders import USEM3
from .model import IndexUnit, SearchHit
from .searcher import HybridIndex
from .tokenize import tokenize, tokenize_query
from .wrapped_lines import annex_lines

# Sentence ends of the document's Chinese prose; semicolons end the items of enumerations
# ("(a) …；(b) …") which answer questions on their own.
_SENTENCE_END = re.compile(r"(?<=[。；！？!?])")
MIN_SENTENCE_CHARS = 6

LEXICAL_WEIGHT = 0.55
SEMANTIC_WEIGHT = 0.45
RANK_PRIOR_WEIGHT = 0.15
RERANK_PRIOR_WEIGHT = 0.5


@dataclass(frozen=True)
class RankedUnit:
    """A unit offered as evidence, with the retrieval rank of the hit it came from."""

    unit: IndexUnit
    rank: int


@dataclass(frozen=True)
class Candidate:
    """A sentence of a unit (or a whole table row) with its scores."""

    unit: IndexUnit
    text: str
    rank: int  # rank of the unit in retrieval
    lexical: float
    semantic: float

    @property
    def score(self) -> float:
        prior = 1.0 / (1.0 + self.rank)
        return LEXICAL_WEIGHT * self.lexical + SEMANTIC_WEIGHT * self.semantic + RANK_PRIOR_WEIGHT * prior


def split_sentences(text: str) -> list[str]:
    """Split Chinese prose into sentences and enumeration items.

    >>> split_sentences("甲方完成了工作。乙方：(a) 第一项；(b) 第二项。")
    ['甲方完成了工作。', '乙方：(a) 第一项；', '(b) 第二项。']
    """
    pieces: list[str] = []
    for line in text.splitlines():
        for piece in _SENTENCE_END.split(line):
            piece = piece.strip()
            if not piece:
                continue
            if pieces and len(piece) < MIN_SENTENCE_CHARS:
                pieces[-1] += piece
            else:
                pieces.append(piece)
    return pieces


class EvidenceScorer:
    """Scores candidates for one index.

    Document frequencies, candidate tokens and candidate embeddings are computed once: sentence
    embeddings go through the index's content-addressed embedding cache, so after the first run a
    question costs one query embedding and dot products.
    """

    def __init__(self, index: HybridIndex, *, cache_dir: Path | None = None) -> None:
        self.index = index
        frequencies: Counter[str] = Counter()
        blocks = [unit for unit in index.units if unit.row is None]
        for unit in blocks:
            frequencies.update(set(tokenize(unit.text)))
        self._idf = {token: math.log(1 + len(blocks) / count) for token, count in frequencies.items()}
        self._max_idf = math.log(1 + len(blocks))
        self._tokens: dict[str, frozenset[str]] = {}
        self._semantic = next((encoder for name, (encoder, _, _) in index.dense.items() if name == USEM3), None)
        if self._semantic is None and index.dense:
            self._semantic = next(iter(index.dense.values()))[0]
        self._vectors: dict[str, np.ndarray] = {}
        if self._semantic is not None:
            self._embed_candidates(cache_dir or index.info.path.parent.parent / "embeddings")

    def _embed_candidates(self, cache_dir: Path) -> None:
        assert self._semantic is not None
        texts = list(dict.fromkeys(text for unit in self.index.units for text in candidate_texts(unit)))
        cache = EmbeddingCache(
            cache_dir / f"{self._semantic.name}-sentences.npz", self._semantic.fingerprint, self._semantic.dimension
        )
        vectors, _ = cache.embed(texts, lambda todo: self._semantic.encode_passages(todo, show_progress=True))  # type: ignore[union-attr]
        cache.save()
        self._vectors = dict(zip(texts, vectors, strict=True))

    def warm_up(self) -> None:
        """Tokenise every candidate now (about 2,500 texts, under a second), not on the first questions
        that meet them: a long-running service does this at start-up."""
        for unit in self.index.units:
            for text in candidate_texts(unit):
                self.tokens(_scored_text(unit, text))

    def tokens(self, text: str) -> frozenset[str]:
        """The tokens of `text` (memoised)."""
        present = self._tokens.get(text)
        if present is None:
            present = self._tokens[text] = frozenset(tokenize(text))
        return present

    def idf(self, token: str) -> float:
        """IDF of a token over the document's blocks; unseen tokens get the maximum."""
        return self._idf.get(token, self._max_idf)

    def question_terms(self, question: str) -> list[str]:
        """The question's content tokens, expanded into Chinese for an English question."""
        return list(dict.fromkeys(tokenize_query(question, self.index.glossary)))

    def coverage(self, terms: Sequence[str], text: str) -> float:
        """IDF-weighted share of `terms` found in `text` (only terms the document knows count)."""
        known = [term for term in terms if term in self._idf]
        if not known:
            return 0.0
        present = self.tokens(text)
        total = sum(self.idf(term) for term in known)
        found = sum(self.idf(term) for term in known if term in present)
        return found / total

    def candidates(
        self, question: str, units: Sequence[IndexUnit], *, ranks: Sequence[int] | None = None
    ) -> list[Candidate]:
        """Score every sentence of `units` (a table row is one candidate; whole tables are skipped:
        their rows stand for them).  `ranks` are the units' retrieval ranks (their positions if not
        given)."""
        terms = self.question_terms(question)
        order = range(len(units)) if ranks is None else ranks
        pool = [(unit, text, rank) for unit, rank in zip(units, order, strict=True) for text in candidate_texts(unit)]
        if not pool:
            return []
        semantic = self._similarities(question, [text for _, text, _ in pool])
        return [
            Candidate(unit, text, rank, self.coverage(terms, _scored_text(unit, text)), float(similarity))
            for (unit, text, rank), similarity in zip(pool, semantic, strict=True)
        ]

    def _similarities(self, question: str, texts: list[str]) -> np.ndarray:
        if self._semantic is None:
            return np.zeros(len(texts), dtype=np.float32)
        missing = [text for text in dict.fromkeys(texts) if text not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self._semantic.encode_passages(missing), strict=True))
        query = self._semantic.encode_queries([question])[0]
        passages = np.stack([self._vectors[text] for text in texts])
        return np.clip(passages @ query, 0.0, 1.0)


class Reranker:
    """Reorders fused hits by their best sentence (or, for a table, best row) against the question.

    Fusion ranks whole units; a question is usually answered by one sentence, which the unit-level
    scores blur.  The rerank score is that sentence's lexical + semantic score plus a prior from the
    fused score, so a unit keeps its place unless one of its sentences clearly answers better.
    """

    def __init__(self, scorer: EvidenceScorer, *, prior_weight: float = RERANK_PRIOR_WEIGHT) -> None:
        self.scorer = scorer
        self.prior_weight = prior_weight

    def rerank(self, question: str, hits: Sequence[SearchHit]) -> list[SearchHit]:
        """Hits reordered; a block linked to a hit (see ``HybridIndex.search``) stays right after it."""
        groups: list[list[SearchHit]] = []
        for hit in hits:
            if "linked" in hit.ranks and groups:
                groups[-1].append(hit)
            else:
                groups.append([hit])
        if not groups:
            return []
        top = max(hit.score for hit in hits) or 1.0
        # One scoring pass over every group's pieces: the question is tokenised and embedded once.
        pieces: list[IndexUnit] = []
        owner: list[int] = []
        for position, group in enumerate(groups):
            unit = group[0].unit
            own = self.scorer.index.rows_of(unit.ref) if unit.is_whole_table else [unit]
            pieces.extend(own)
            owner.extend([position] * len(own))
        best = [0.0] * len(groups)
        for candidate in self.scorer.candidates(question, pieces):
            position = owner[candidate.rank]
            score = candidate.lexical * LEXICAL_WEIGHT + candidate.semantic * SEMANTIC_WEIGHT
            best[position] = max(best[position], score)
        scored = [
            (best[position] + self.prior_weight * group[0].score / top, -position, group)
            for position, group in enumerate(groups)
        ]
        scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
        return [
            SearchHit(hit.unit, score, {**hit.ranks, "rerank": rank})
            for rank, (score, _, group) in enumerate(scored)
            for hit in group
        ]


def candidate_texts(unit: IndexUnit) -> list[str]:
    """The pieces of a unit an answer can quote: a row or a table note whole, prose by sentence, tables
    not at all."""
    if unit.row is not None or unit.note is not None:
        return [unit.text]
    if unit.kind is BlockKind.TABLE:
        return []
    if unit.kind is BlockKind.ANNEX:
        return split_sentences("\n".join(line for _, line in annex_lines(unit.text)))
    return split_sentences(unit.text)


def _scored_text(unit: IndexUnit, text: str) -> str:
    """What a candidate is matched on: the sentence, plus its unit's context (title, section)."""
    return f"{text} {unit.title} {' '.join(unit.section[-2:])}"
