"""The search API mirrored by `budgetqa search`: citation lookup first, then hybrid search, per session."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from rich.console import Console

from budgetqa.ingest.bodies import BodyRegistry
from budgetqa.ingest.english import EnglishVersions
from budgetqa.ingest.model import Document
from budgetqa.ingest.parser import parse_document
from budgetqa.ingest.refs import RefIndex, find_citations, parse_citation
from budgetqa.inputs import check_question
from budgetqa.settings import Settings

from .batch import BatchError, BatchItem, read_batch, run_search_items
from .encoders import LazyEncoder, single_thread
from .evidence import EvidenceScorer, Reranker
from .language import Language
from .model import SearchHit, SearchScope
from .searcher import HybridIndex, one_per_ref
from .session import Conversation, ResolvedQuestion

RERANK_DEPTH = 10  # fused hits the reranker reorders


class SearchService:
    """Search one document, in sessions.

    >>> # service = SearchService.open(Settings.from_env())
    >>> # service.search("表3.27")[0].unit.ref                    → "3.27" (citation lookup)
    >>> # service.search("联非办 2024 年有多少员额？", session_id="s1")
    >>> # service.search("那 2023 年呢？", session_id="s1")         (a follow-up of the same session)
    """

    def __init__(self, index: HybridIndex, english: EnglishVersions | None = None) -> None:
        self.index = index
        # the checked English versions of the document's text (shipped, and the user's own run)
        self.english = english if english is not None else EnglishVersions.load(index.document)
        self.scorer = EvidenceScorer(index)
        self.reranker = Reranker(self.scorer)
        self.conversations: dict[str, Conversation] = {}
        self.registry = BodyRegistry.of(index.document)
        self.refs = RefIndex(index.document)  # built once: every answer's citations are resolved in it

    @classmethod
    def open(
        cls, settings: Settings, *, document_path: Path | None = None, console: Console | None = None
    ) -> SearchService:
        document = parse_document(document_path or settings.document_path())
        english = EnglishVersions.load(document, cache_dir=settings.cache_dir)
        return cls(HybridIndex.open(document, settings, console=console), english)

    @property
    def document(self) -> Document:
        return self.index.document

    def scope_of(self, text: str) -> SearchScope:
        """The parts of the document whose bodies `text` names, by any of their names."""
        return SearchScope(tuple(body.part for body in self.registry.find(text) if body.part))

    def resolve(self, question: str, session_id: str | None) -> ResolvedQuestion:
        """The standalone form of `question` in its session."""
        if session_id is None:
            return ResolvedQuestion(question, False)
        return self.conversations.setdefault(session_id, Conversation()).resolve(question)

    def record(self, session_id: str | None, question: str, resolved: ResolvedQuestion, evidence: list[str]) -> None:
        if session_id is not None:
            self.conversations.setdefault(session_id, Conversation()).record(question, resolved, evidence)

    def warm_up(self) -> None:
        """Load the question encoders and tokenise every evidence candidate now, so that the first
        questions a long-running service (`budgetqa serve`, `budgetqa chat`) gets are as fast as the
        later ones. A one-shot `budgetqa ask` skips this: it needs only what its question touches."""
        for encoder, _, _ in self.index.dense.values():
            if isinstance(encoder, LazyEncoder):
                encoder.warm_up()
        self.scorer.warm_up()

    def search(
        self, question: str, *, top_k: int = 10, session_id: str | None = None, lang: Language | None = None
    ) -> list[SearchHit]:
        """Hits for `question`; a reference ("3.115", "table 3.27") returns its unit first.

        Raises :class:`~budgetqa.inputs.InputError` (a ``ValueError``) for a question that breaks the
        input rules of :func:`~budgetqa.inputs.check_question` (empty, too long, not text).
        """
        question = check_question(question)
        resolved = self.resolve(question, session_id)
        looked_up = self.lookup_hits(question)
        if looked_up and parse_citation(question) is not None:
            # The whole input is a reference ("表3.27", "para 3.115"): its unit is the answer.
            self.record(session_id, question, resolved, [hit.unit.uid for hit in looked_up])
            return looked_up
        hits = one_per_ref(looked_up + self.ranked(resolved, top_k=top_k, lang=lang, scope=self.scope_of(resolved.text)))[:top_k]
        self.record(session_id, question, resolved, [hit.unit.uid for hit in hits])
        return hits

    def ranked(
        self,
        resolved: ResolvedQuestion,
        *,
        top_k: int = 10,
        lang: Language | None = None,
        per_ref: int = 1,
        weights: dict[str, float] | None = None,
        scope: SearchScope | None = None,
    ) -> list[SearchHit]:
        """Fused hits reranked by their best sentence; `per_ref` rows of a table may appear; units
        inside `scope` (the bodies the question is about) ranked up."""
        with single_thread():
            hits = self.index.search(
                resolved, top_k=max(top_k, RERANK_DEPTH), lang=lang, per_ref=per_ref, weights=weights, scope=scope
            )
            return self.reranker.rerank(resolved.text, hits)[:top_k]

    def lookup_hits(self, question: str) -> list[SearchHit]:
        """Units a question names explicitly ("what does paragraph 3.115 say"), as top hits."""
        citation = parse_citation(question)
        citations = [citation] if citation is not None else find_citations(question)
        hits = []
        for found in citations:
            try:
                unit = self.refs.resolve(found)
            except LookupError:  # UnknownReference: the question names a block that does not exist
                continue
            block = self.index.block(unit.kind, unit.ref)
            if block is not None:
                hits.append(SearchHit(block, 1.0, {"citation": 0}))
        return hits

    def run_batch(self, lines: Iterable[str], *, top_k: int = 10) -> Iterator[dict[str, object]]:
        """One output record per non-blank input line (see :mod:`budgetqa.index.batch`)."""
        return self.run_items(read_batch(lines), top_k=top_k)

    def run_items(self, items: Iterable[BatchItem | BatchError], *, top_k: int = 10) -> Iterator[dict[str, object]]:
        """Search each checked batch line: ``{"id", "results"}``, or ``{"id", "line", "error"}``."""
        return run_search_items(self, items, top_k=top_k)

