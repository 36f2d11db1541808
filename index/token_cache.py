"""Each document's BM25 tokens, kept on disk so that a corpus's BM25 is rebuilt without tokenising again.

A corpus of several documents scores BM25 with statistics over all of them (document frequencies and
the average length), so adding or removing a document changes every document's scores and the
corpus's BM25 store is built again. Tokenising is what costs (jieba: about 5 s per budget section on
two cores); building bm25s from token ids is quick. So each document's tokens are cached, per BM25
field, under a key of its units' content and the tokenizer's fingerprint: a changed unit or tokenizer
misses the cache, and an unchanged document is never tokenised twice.

A file holds the document's vocabulary, its token ids (one flat array) and where each unit's ids start.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from budgetqa.atomic import write_bytes

from .backend import EMPTY_TOKEN


@dataclass(frozen=True)
class TokenizedUnits:
    """The tokens of a document's units: unit i's tokens are ``vocabulary[ids[offsets[i]:offsets[i+1]]]``."""

    vocabulary: np.ndarray  # str
    ids: np.ndarray  # int32, into vocabulary
    offsets: np.ndarray  # int64, len(units) + 1

    @property
    def size(self) -> int:
        return len(self.offsets) - 1

    @classmethod
    def of(cls, token_lists: Sequence[Sequence[str]]) -> TokenizedUnits:
        """Pack token lists (a unit without tokens is indexed by ``<empty>``)."""
        vocabulary: dict[str, int] = {}
        ids: list[int] = []
        offsets = [0]
        for tokens in token_lists:
            ids.extend(vocabulary.setdefault(token, len(vocabulary)) for token in (tokens or [EMPTY_TOKEN]))
            offsets.append(len(ids))
        return cls(
            np.array(list(vocabulary), dtype=np.str_),
            np.array(ids, dtype=np.int32),
            np.array(offsets, dtype=np.int64),
        )

    def token_lists(self) -> list[list[str]]:
        """The token lists back (for tests and small corpora)."""
        words = self.vocabulary.tolist()
        return [[words[i] for i in self.ids[a:b]] for a, b in zip(self.offsets[:-1], self.offsets[1:], strict=True)]


def merge_tokenized(parts: Sequence[TokenizedUnits]) -> tuple[list[list[int]], dict[str, int]]:
    """The units of several documents as one corpus of token ids over one vocabulary (what bm25s indexes)."""
    vocabulary: dict[str, int] = {}
    corpus: list[list[int]] = []
    for part in parts:
        mapping = np.array([vocabulary.setdefault(word, len(vocabulary)) for word in part.vocabulary.tolist()], dtype=np.int64)
        ids = mapping[part.ids] if len(part.ids) else np.zeros(0, dtype=np.int64)
        corpus.extend(ids[a:b].tolist() for a, b in zip(part.offsets[:-1], part.offsets[1:], strict=True))
    return corpus, vocabulary


class TokenCache:
    """Tokenised documents in a directory, one ``.npz`` file per (units' content, field, tokenizer)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @staticmethod
    def key(units_digest: str, field: str, tokenizer: str) -> str:
        return hashlib.sha256(f"{units_digest}\x00{field}\x00{tokenizer}".encode()).hexdigest()[:32]

    def tokens(self, key: str, texts: Sequence[str], tokenize: Callable[[str], list[str]]) -> TokenizedUnits:
        """The tokens of `texts` under `key`: read from the cache, or tokenised and written there. A
        cached file that cannot be read, or that holds another number of units, is tokenised again."""
        path = self.directory / f"{key}.npz"
        cached = _read(path)
        if cached is not None and cached.size == len(texts):
            return cached
        made = TokenizedUnits.of([tokenize(text) for text in texts])
        buffer = io.BytesIO()
        np.savez(buffer, vocabulary=made.vocabulary, ids=made.ids, offsets=made.offsets)
        write_bytes(path, buffer.getvalue())
        return made


def _read(path: Path) -> TokenizedUnits | None:
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            found = TokenizedUnits(data["vocabulary"], data["ids"], data["offsets"])
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    consistent = (
        found.offsets.ndim == 1
        and len(found.offsets) >= 1
        and found.offsets[0] == 0
        and found.offsets[-1] == len(found.ids)
        and bool(np.all(np.diff(found.offsets) >= 0))
        and (not len(found.ids) or (found.ids.min() >= 0 and found.ids.max() < len(found.vocabulary)))
    )
    return found if consistent else None
