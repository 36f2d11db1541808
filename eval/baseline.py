"""The LangChain tutorial pipeline a user would build instead of budgetqa, scored on the same units.

The pipeline is the one of the LangChain retrieval tutorial: ``RecursiveCharacterTextSplitter(
chunk_size=500, chunk_overlap=50)`` over the raw document text, a ``FAISS`` vector store (its default
L2 distance) over the chunks, and the same embedding model as the tool, wrapped as a LangChain
``Embeddings`` by :class:`EncoderEmbeddings`.

Its chunks are not citable units, so each retrieved chunk is mapped to the document units whose source
line span overlaps the chunk's lines (in document order), and the ranked chunks become a ranked,
de-duplicated list of unit ids ("paragraph:3.87", "table:3.7", …) that the retrieval metrics compare
with the tool's own ranking.
"""

from __future__ import annotations

import bisect
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings
from rich.console import Console
from rich.progress import track

from budgetqa.atomic import replace_directory
from budgetqa.index.encoders import Encoder
from budgetqa.ingest.model import LineSpan, Unit

from .gold import GoldQuestion, normalise_unit_id

if TYPE_CHECKING:
    from langchain_community.vectorstores import FAISS

CHUNK_SIZE = 500
CHUNK_OVERLAP = 50
# The kinds a gold question can point to; forewords and mandate lists (which also span the document's
# URL lines) are left out, so that a chunk's hits are the paragraphs, tables, figures and annexes it shows.
BASELINE_UNIT_KINDS: tuple[str, ...] = ("paragraph", "table", "figure", "annex")

CHUNKS_FILE = "chunks.json"  # beside LangChain's own index.faiss / index.pkl in a saved baseline

UnitSpan = tuple[str, LineSpan]


class EncoderEmbeddings(Embeddings):
    """A LangChain ``Embeddings`` over a budgetqa :class:`~budgetqa.index.encoders.Encoder`.

    Queries and passages keep their own prompts (``query: `` / ``passage: `` for e5), as the tool uses them.
    """

    def __init__(self, encoder: Encoder, *, progress: bool = False) -> None:
        self.encoder = encoder
        self.progress = progress

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Passage embeddings (with a progress bar when asked for)."""
        vectors = self.encoder.encode_passages(texts, show_progress=self.progress)
        return np.asarray(vectors, dtype=np.float32).tolist()

    def embed_query(self, text: str) -> list[float]:
        """One query embedding."""
        return np.asarray(self.encoder.encode_queries([text]), dtype=np.float32)[0].tolist()


@dataclass(frozen=True)
class Chunk:
    """A splitter chunk: its text, character offset and the source lines it covers (1-based, inclusive)."""

    index: int
    text: str
    start: int
    lines: LineSpan


def line_starts(text: str) -> list[int]:
    """Character offset at which each line of `text` starts (line 1 starts at 0)."""
    starts = [0]
    position = text.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


def chunk_line_span(starts: Sequence[int], start: int, length: int) -> LineSpan:
    """The lines covered by the characters ``[start, start + length)`` of a text with `starts`."""
    if length < 1:
        raise ValueError("a chunk must have at least one character")
    first = bisect.bisect_right(starts, start)
    last = bisect.bisect_right(starts, start + length - 1)
    return LineSpan(first, last)


def split_document(
    text: str, *, chunk_size: int = CHUNK_SIZE, chunk_overlap: int = CHUNK_OVERLAP
) -> list[Chunk]:
    """The tutorial splitter over the raw text, each chunk with its source line span."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size, chunk_overlap=chunk_overlap, add_start_index=True
    )
    starts = line_starts(text)
    chunks = []
    for index, document in enumerate(splitter.create_documents([text])):
        start = int(document.metadata["start_index"])
        if start < 0:
            raise RuntimeError(f"the splitter could not locate chunk {index} in the text")
        chunks.append(
            Chunk(
                index,
                document.page_content,
                start,
                chunk_line_span(starts, start, len(document.page_content)),
            )
        )
    return chunks


def overlapping_units(chunk_lines: LineSpan, units: Sequence[UnitSpan]) -> list[str]:
    """Ids of the units whose line span overlaps `chunk_lines`, in document order.

    `units` must be sorted by first line (then last line), as :func:`sorted_unit_spans` returns them.
    """
    out = []
    for uid, span in units:
        if span.first > chunk_lines.last:
            break
        if span.last >= chunk_lines.first:
            out.append(uid)
    return out


def sorted_unit_spans(units: Iterable[Unit | UnitSpan], kinds: Iterable[str] | None = None) -> list[UnitSpan]:
    """(canonical unit id, line span) pairs in document order, from units or pairs, of `kinds` only if given."""
    pairs = [(u.id, u.lines) if isinstance(u, Unit) else (u[0], u[1]) for u in units]
    if kinds is not None:
        wanted = set(kinds)
        pairs = [(uid, span) for uid, span in pairs if uid.partition(":")[0] in wanted]
    return sorted(
        ((normalise_unit_id(uid), span) for uid, span in pairs), key=lambda p: (p[1].first, p[1].last, p[0])
    )


def chunk_units(
    chunk_spans: Sequence[LineSpan], units: Iterable[Unit | UnitSpan], kinds: Iterable[str] | None = None
) -> list[list[str]]:
    """For every chunk line span, the ids of the units (of `kinds`, if given) it overlaps, in document order."""
    ordered = sorted_unit_spans(units, kinds)
    return [overlapping_units(span, ordered) for span in chunk_spans]


def units_of_ranked_chunks(
    ranked_chunks: Iterable[int], units_per_chunk: Sequence[Sequence[str]], k: int
) -> list[str]:
    """The first `k` distinct unit ids of the ranked chunks, each chunk's units in document order."""
    seen: dict[str, None] = {}
    for chunk in ranked_chunks:
        for uid in units_per_chunk[chunk]:
            seen.setdefault(uid, None)
            if len(seen) == k:
                return list(seen)
    return list(seen)


class LangChainBaseline:
    """Splitter + FAISS + the tool's embedding model, answering with unit ids.

    >>> baseline = LangChainBaseline()                                      # doctest: +SKIP
    >>> seconds = baseline.build(document_text, document.units(), encoder)  # doctest: +SKIP
    >>> baseline.search("建设和平基金 2022 年投资了多少？", k=10)              # doctest: +SKIP
    ['paragraph:3.87', 'figure:3.十一', …]
    """

    def __init__(
        self,
        *,
        chunk_size: int = CHUNK_SIZE,
        chunk_overlap: int = CHUNK_OVERLAP,
        unit_kinds: Iterable[str] | None = BASELINE_UNIT_KINDS,
        progress: bool = True,
    ):
        self.chunk_size = chunk_size
        self.unit_kinds = tuple(unit_kinds) if unit_kinds is not None else None
        self.chunk_overlap = chunk_overlap
        self.progress = progress
        self.chunks: list[Chunk] = []
        self.units_per_chunk: list[list[str]] = []
        self.build_seconds: float | None = None
        self._store: FAISS | None = None
        self._embeddings: EncoderEmbeddings | None = None

    def build(self, document_text: str, units: Iterable[Unit | UnitSpan], encoder: Encoder) -> float:
        """Split, embed and index the document; returns the build time in seconds (splitting included)."""
        from langchain_community.vectorstores import FAISS

        started = time.perf_counter()
        self.chunks = split_document(
            document_text, chunk_size=self.chunk_size, chunk_overlap=self.chunk_overlap
        )
        if not self.chunks:
            raise ValueError("the document text is empty: nothing to index")
        self.units_per_chunk = chunk_units([chunk.lines for chunk in self.chunks], units, self.unit_kinds)
        embeddings = self._embeddings = EncoderEmbeddings(encoder, progress=self.progress)
        documents = [
            LCDocument(page_content=chunk.text, metadata={"chunk": chunk.index, "start_index": chunk.start})
            for chunk in self.chunks
        ]
        self._store = FAISS.from_documents(documents, embeddings)
        self.build_seconds = time.perf_counter() - started
        return self.build_seconds

    def save(self, folder: str | Path) -> None:
        """Persist the baseline: LangChain's ``FAISS.save_local`` plus the chunk → unit map beside it.

        The folder is written in a temporary sibling and swapped in whole, so a reader never sees half
        of it.
        """
        if self._store is None:
            raise RuntimeError("the baseline is not built yet: call build(document_text, units, encoder) first")
        record = {
            "chunk_size": self.chunk_size,
            "chunk_overlap": self.chunk_overlap,
            "unit_kinds": list(self.unit_kinds) if self.unit_kinds is not None else None,
            "build_seconds": self.build_seconds,
            "chunks": [
                {"index": c.index, "start": c.start, "lines": c.lines.as_list(), "text": c.text} for c in self.chunks
            ],
            "units_per_chunk": self.units_per_chunk,
        }
        with replace_directory(Path(folder)) as tmp:
            self._store.save_local(str(tmp))
            (tmp / CHUNKS_FILE).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: str | Path, encoder: Encoder, *, progress: bool = False) -> LangChainBaseline:
        """Reopen a saved baseline with ``FAISS.load_local``, as a tutorial user reopens their index.

        `encoder` must be the model the baseline was built with; the saved pickle is the one
        :meth:`save` wrote (LangChain requires opting in to unpickling it).
        """
        from langchain_community.vectorstores import FAISS

        folder = Path(folder)
        chunks_path = folder / CHUNKS_FILE
        if not chunks_path.is_file():
            raise FileNotFoundError(f"{folder} holds no saved baseline ({CHUNKS_FILE} is missing); build and save one first")
        record = json.loads(chunks_path.read_text(encoding="utf-8"))
        baseline = cls(
            chunk_size=record["chunk_size"],
            chunk_overlap=record["chunk_overlap"],
            unit_kinds=record["unit_kinds"],
            progress=progress,
        )
        baseline.chunks = [
            Chunk(c["index"], c["text"], c["start"], LineSpan(*c["lines"])) for c in record["chunks"]
        ]
        baseline.units_per_chunk = record["units_per_chunk"]
        baseline.build_seconds = record["build_seconds"]
        baseline._embeddings = EncoderEmbeddings(encoder, progress=progress)
        baseline._store = FAISS.load_local(str(folder), baseline._embeddings, allow_dangerous_deserialization=True)
        return baseline

    def _query_vector(self, query: str) -> list[float]:
        if self._store is None:
            raise RuntimeError(
                "the baseline is not built yet: call build(document_text, units, encoder) first"
            )
        assert self._embeddings is not None
        return self._embeddings.embed_query(query)

    def _nearest_chunks(self, vector: list[float], k: int) -> list[int]:
        assert self._store is not None
        found = self._store.similarity_search_by_vector(vector, k=min(k, len(self.chunks)))
        return [int(doc.metadata["chunk"]) for doc in found]

    def search_chunks(self, query: str, k: int) -> list[int]:
        """Indexes of the `k` chunks nearest to `query`, best first."""
        return self._nearest_chunks(self._query_vector(query), k)

    def search(self, query: str, k: int = 10, *, fill: bool = False) -> list[str]:
        """Unit ids of the `k` chunks nearest to `query`, best first, at most `k` of them.

        This is what a tutorial user sees with ``as_retriever(search_kwargs={"k": k})``: chunks that show
        only units already listed, or none (lists of document links), add nothing.  With `fill`, further
        chunks are fetched (doubling) until `k` distinct units are found; the query is embedded once.
        """
        if k < 1:
            raise ValueError(f"k must be ≥ 1, got {k}")
        vector = self._query_vector(query)
        fetch = k
        while True:
            units = units_of_ranked_chunks(self._nearest_chunks(vector, fetch), self.units_per_chunk, k)
            if not fill or len(units) >= k or fetch >= len(self.chunks):
                return units
            fetch = min(fetch * 2, len(self.chunks))

    def rank_questions(
        self, questions: Iterable[GoldQuestion], k: int = 10, *, fill: bool = False
    ) -> dict[str, list[str]]:
        """Question id → ranked unit ids, asking each question as it is (the pipeline keeps no session)."""
        questions = list(questions)
        items = (
            track(questions, description="Baseline search", console=Console(stderr=True))
            if self.progress
            else questions
        )
        return {question.id: self.search(question.question, k, fill=fill) for question in items}
