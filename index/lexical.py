"""Lexical retrieval: bm25s over jieba tokens (with the project's user dictionary and stopwords), and
the same over the English versions of the units (English words and stopwords only)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

from budgetqa.atomic import replace_directory

from .tokenize import tokenize, tokenize_english

# bm25s logs every save and load at INFO; a CLI user does not need to see that.
logging.getLogger("bm25s").setLevel(logging.WARNING)


@dataclass
class LexicalStore:
    """BM25 (Lucene variant, bm25s defaults k1=1.5, b=0.75) whose document i is unit i of the index."""

    bm25: bm25s.BM25
    size: int

    @staticmethod
    def tokens(text: str) -> list[str]:
        """The tokens a document text is indexed by."""
        return tokenize(text)

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalStore:
        corpus = [cls.tokens(text) or ["<empty>"] for text in texts]
        bm25 = bm25s.BM25()
        bm25.index(corpus, show_progress=False)
        return cls(bm25, len(corpus))

    @classmethod
    def from_token_ids(cls, corpus: list[list[int]], vocabulary: dict[str, int]) -> LexicalStore:
        """The store of a corpus already tokenised into ids of `vocabulary` (see
        :func:`budgetqa.index.token_cache.merge_tokenized`): the same scores as :meth:`build` on its tokens."""
        bm25 = bm25s.BM25()
        bm25.index((corpus, vocabulary), show_progress=False)
        return cls(bm25, len(corpus))

    def save(self, path: Path) -> None:
        with replace_directory(path) as tmp:
            self.bm25.save(str(tmp), show_progress=False)
            (tmp / "size.txt").write_text(str(self.size))

    @classmethod
    def load(cls, path: Path) -> LexicalStore:
        bm25 = bm25s.BM25.load(str(path), show_progress=False)
        return cls(bm25, int((path / "size.txt").read_text()))

    def search(self, query_tokens: list[str], k: int) -> list[tuple[int, float]]:
        """Top-k (unit row, BM25 score) for query tokens; tokens unseen in the corpus are ignored."""
        known = [token for token in query_tokens if token in self.bm25.vocab_dict]
        k = min(k, self.size)
        if not known or k <= 0:
            return []
        scores = self.bm25.get_scores(known)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(row), float(scores[row])) for row in top if scores[row] > 0]


class EnglishLexicalStore(LexicalStore):
    """BM25 over the English versions of the units (`tokenize_english`: no Chinese tokens)."""

    @staticmethod
    def tokens(text: str) -> list[str]:
        return tokenize_english(text)
