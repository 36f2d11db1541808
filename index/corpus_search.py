"""`budgetqa search` over a corpus of several documents: the documents a query names, or all of them.

A query that names documents (a symbol, a section, a year: see
:mod:`budgetqa.ingest.document_refs`) is searched in those alone; any other query in the whole corpus,
its hits from every document ranked together (BM25 with the corpus's statistics). A reference
("A/78/6 (Sect. 3) 3.115", "2024 年第 3 款 表 3.27", or a bare "表 3.27", looked up in the corpus's latest
document) returns its unit first, as in one document. Every hit's unit names its document.

>>> # search = CorpusSearchService.open(Settings.from_env())
>>> # [(hit.unit.document, hit.unit.ref) for hit in search.search("2025 年特别政治任务经费", top_k=2)]
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from rich.console import Console

from budgetqa.ingest.corpus import Corpus, CorpusEntry
from budgetqa.ingest.document_refs import read_document_scope, split_document_reference
from budgetqa.ingest.english import EnglishVersions
from budgetqa.ingest.refs import parse_citation
from budgetqa.inputs import check_question
from budgetqa.settings import Settings

from .batch import BatchError, BatchItem, read_batch, run_search_items
from .corpus_index import CorpusIndex
from .language import Language
from .model import SearchHit, SearchScope
from .service import SearchService


class CorpusSearchService:
    """Search a corpus: one :class:`SearchService` per document over a shared :class:`CorpusIndex`."""

    def __init__(
        self, corpus_index: CorpusIndex, services: dict[str, SearchService] | None = None, *, cache_dir: Path | None = None
    ) -> None:
        self.corpus_index = corpus_index
        self.corpus = corpus_index.corpus
        self.cache_dir = cache_dir  # where the user's own English versions are (None: the shipped ones only)
        # document symbol → its search service, made when a query first needs that document alone
        self.services: dict[str, SearchService] = dict(services or {})
        self._lock = threading.Lock()

    @classmethod
    def open(cls, settings: Settings, corpus: Corpus | None = None, *, console: Console | None = None) -> CorpusSearchService:
        """Open (or build) every document's index and the backend they share."""
        index = CorpusIndex.open(corpus or Corpus.load(settings), settings, console=console)
        return cls(index, cache_dir=settings.cache_dir)

    def service_of(self, symbol: str) -> SearchService:
        """The search service of document `symbol`, made on first use."""
        with self._lock:
            if symbol not in self.services:
                index = self.corpus_index.index_of(symbol)
                self.services[symbol] = SearchService(index, EnglishVersions.load(index.document, cache_dir=self.cache_dir))
            return self.services[symbol]

    def named(self, text: str) -> list[CorpusEntry] | None:
        """The documents `text` names (None when it names none, or names every one of them)."""
        scope = read_document_scope(text)
        if not scope:
            return None
        fitting = self.corpus.select(scope)
        return fitting if len(fitting) < len(self.corpus.entries) else None

    def search(
        self, question: str, *, top_k: int = 10, session_id: str | None = None, lang: Language | None = None
    ) -> list[SearchHit]:
        """Hits for `question` in the documents it names, else in the whole corpus (see the module)."""
        text = check_question(question)
        scope, rest = split_document_reference(text)
        if parse_citation(rest) is not None:
            entries = self.corpus.select(scope) if scope else list(self.corpus.entries)
            if entries:
                return self.service_of(self.corpus.latest(entries).symbol).search(
                    rest, top_k=top_k, session_id=session_id, lang=lang
                )
        named = self.named(text)
        if named is not None and len(named) == 1:  # one document: its own search, sessions and reranking
            return self.service_of(named[0].symbol).search(text, top_k=top_k, session_id=session_id, lang=lang)
        filters = SearchScope(documents=tuple(entry.symbol for entry in named)) if named else None
        return self.corpus_index.search(text, filters, top_k=top_k, lang=lang)

    def run_batch(self, lines: Iterable[str], *, top_k: int = 10) -> Iterator[dict[str, object]]:
        """One output record per non-blank input line (see :mod:`budgetqa.index.batch`)."""
        return self.run_items(read_batch(lines), top_k=top_k)

    def run_items(self, items: Iterable[BatchItem | BatchError], *, top_k: int = 10) -> Iterator[dict[str, object]]:
        """Search each checked batch line: ``{"id", "results"}``, or ``{"id", "line", "error"}``."""
        return run_search_items(self, items, top_k=top_k)

    def warm_up(self) -> None:
        """Ready the question encoders (shared by every document) and the latest document's search."""
        self.service_of(self.corpus.latest().symbol).warm_up()


def open_search_service(settings: Settings, *, console: Console | None = None) -> SearchService | CorpusSearchService:
    """The search of the configured corpus: its document's own service when it holds one document,
    a :class:`CorpusSearchService` when it holds several."""
    corpus = Corpus.load(settings)
    if len(corpus.entries) == 1:
        return SearchService.open(settings, document_path=corpus.text_path(corpus.entries[0]), console=console)
    return CorpusSearchService.open(settings, corpus, console=console)
