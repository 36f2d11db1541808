"""Answers over a corpus of several documents: each question answered from the documents it is about.

A question names its documents the way it names its bodies: by symbol ("A/79/6 (Sect. 3)"), section
("第 3 款", "Section 3") or year ("in the 2025 proposal", "2025 年拟议"; a year picks the document that
proposes that year's budget, or else those that print its figures). The answer comes from each document
it fits, labelled with the document's symbol, up to :data:`MAX_EACH` of them; beyond that, from the
latest one, saying so. A question that names no document fits them all; a follow-up ("那 2025 年呢？" names
its own; "And the regular budget?") that names none stays with the documents of the question before it. Every citation carries its document, and the
answer's text shows it ("[A/78/6 (Sect. 3), ¶3.115]"). A document named that the corpus lacks is
declined, with the documents it holds.

Within a document, everything is the single-document service (:class:`~budgetqa.qa.service.QAService`),
its search going through the corpus's shared backend (BM25 with the corpus's statistics).

>>> # service = open_answer_service(Settings.from_env())    # a CorpusService when the corpus holds several
>>> # service.ask("2025 年政治建和部的员额资源是多少？").citations[0].document     → 'A/79/6 (Sect. 3)'
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rich.console import Console

from budgetqa.index.corpus_search import CorpusSearchService
from budgetqa.index.language import detect_language
from budgetqa.index.model import SearchHit
from budgetqa.index.session import is_follow_up
from budgetqa.ingest.corpus import Corpus, CorpusEntry
from budgetqa.ingest.document_refs import (
    DocumentScope,
    read_document_scope,
    split_document_reference,
    without_symbols,
)
from budgetqa.ingest.model import Document
from budgetqa.settings import Settings

from .model import Answer, AnswerEvent, Language, UnitView, final_answer
from .service import MAX_SESSIONS, QAService, check_question

if TYPE_CHECKING:
    from .grounded import GroundedAnswerer

MAX_EACH = 3  # a question that fits at most this many documents is answered from each of them


@dataclass(frozen=True)
class DocumentChoice:
    """The documents a question is answered from, and why: `fitting` documents fit it, `named` says
    whether the question itself named them, `missing` what it named that the corpus lacks."""

    entries: tuple[CorpusEntry, ...]
    fitting: int
    named: bool
    missing: str | None = None

    @property
    def narrowed(self) -> bool:
        """Fewer documents answer than fit: the answer says which it chose."""
        return len(self.entries) < self.fitting


class CorpusService:
    """Answers questions about a corpus of several documents (implements ``AnswerService``)."""

    def __init__(
        self,
        search: CorpusSearchService,
        services: dict[str, QAService] | None = None,
        generator: GroundedAnswerer | None = None,
    ) -> None:
        self.searcher = search
        self.corpus = search.corpus
        self.generator = generator
        # document symbol → that document's answer service, made when a question first needs it (a
        # corpus of a hundred sections answers most questions from a few of them)
        self.services: dict[str, QAService] = dict(services or {})
        self._lock = threading.RLock()
        self._chosen: OrderedDict[str, tuple[str, ...]] = OrderedDict()  # session → documents of its last answer

    @classmethod
    def open(
        cls,
        settings: Settings,
        corpus: Corpus | None = None,
        *,
        console: Console | None = None,
        generator: GroundedAnswerer | None = None,
    ) -> CorpusService:
        """Open (or build) the corpus's indexes and one answer service per document."""
        return cls(CorpusSearchService.open(settings, corpus, console=console), generator=generator)

    @property
    def document(self) -> Document:
        """The corpus's latest document (what the analyst views show)."""
        return self.searcher.corpus_index.index_of(self.corpus.latest().symbol).document

    # ------------------------------------------------------------------ choosing documents

    def choose(self, question: str, session_id: str | None = None) -> DocumentChoice:
        """The documents `question` is answered from (see the module)."""
        scope = read_document_scope(question)
        fitting = self.corpus.select(scope)
        named = bool(scope) and len(fitting) < len(self.corpus.entries)
        if not fitting:
            return DocumentChoice((), 0, True, _named_text(scope))
        if not named and session_id is not None and session_id in self._chosen and is_follow_up(question):
            kept = tuple(e for e in self.corpus.entries if e.symbol in self._chosen[session_id])
            if kept:
                return DocumentChoice(kept, len(kept), False)
        if len(fitting) <= MAX_EACH:
            return DocumentChoice(tuple(fitting), len(fitting), named)
        return DocumentChoice((self.corpus.latest(fitting),), len(fitting), named)

    # ------------------------------------------------------------------ AnswerService

    def ask(self, question: str, *, session_id: str | None = None, lang: Language | None = None) -> Answer:
        """A cited answer from the documents the question is about, each citation naming its document."""
        return final_answer(self.stream(question, session_id=session_id, lang=lang))

    def stream(
        self, question: str, *, session_id: str | None = None, lang: Language | None = None
    ) -> Iterator[AnswerEvent]:
        """The answer (see :meth:`ask`) as one text event, then the answer."""
        text = check_question(question)
        language: Language = lang or detect_language(text)
        with self._lock:
            choice = self.choose(text, session_id)
            if not choice.entries:
                answer = self._missing(text, language, choice.missing or "")
            else:
                answers = []
                for entry in choice.entries:
                    service = self.service_of(entry.symbol)
                    self._carry_session(session_id, service)
                    asked = service.ask(without_symbols(text), session_id=session_id, lang=language)
                    answers.append((entry, label_answer(replace(asked, question=text), entry.symbol)))
                answer = joined(text, language, answers, self._choice_note(choice, language))
                self._remember(session_id, choice)
        yield AnswerEvent("token", answer.text)
        yield AnswerEvent("answer", answer=answer)

    def search(self, query: str, *, top_k: int = 10, session_id: str | None = None) -> list[SearchHit]:
        """Hits over the corpus, or over the documents the query names; a reference ("A/79/6 (Sect. 3)
        3.115") returns its unit first. Every hit's unit names its document."""
        with self._lock:
            return self.searcher.search(check_question(query), top_k=top_k, session_id=session_id)

    def lookup(self, ref: str) -> UnitView:
        """The unit a reference names, in the document it names ("A/78/6 (Sect. 3) 3.115", "2024 年第 3 款
        表 3.27"), else in the corpus's latest document; the view says which document."""
        scope, rest = split_document_reference(ref)
        entries = self.corpus.select(scope) if scope else list(self.corpus.entries)
        if not entries:
            raise LookupError(f"the corpus has no document {_named_text(scope)}; it holds {self._holdings()}")
        return self.service_of(self.corpus.latest(entries).symbol).lookup(rest or ref)

    def warm_up(self) -> None:
        """Ready the question path (see :meth:`QAService.warm_up`): the encoders, shared by every
        document, and the latest document's answerer."""
        self.service_of(self.corpus.latest().symbol).warm_up()

    def service_of(self, symbol: str) -> QAService:
        """The answer service of document `symbol`, made on first use."""
        with self._lock:
            if symbol not in self.services:
                self.services[symbol] = QAService(self.searcher.service_of(symbol), self.generator)
            return self.services[symbol]

    # ------------------------------------------------------------------ helpers

    def _carry_session(self, session_id: str | None, service: QAService) -> None:
        """A session's next question answered from another document continues there (same section)."""
        if session_id is None or session_id not in self._chosen:
            return
        previous = [self.services[symbol] for symbol in self._chosen[session_id] if symbol in self.services]
        if previous and service not in previous and previous[0].document.section_number == service.document.section_number:
            service.hand_over(session_id, previous[0])

    def _remember(self, session_id: str | None, choice: DocumentChoice) -> None:
        if session_id is None:
            return
        self._chosen[session_id] = tuple(e.symbol for e in choice.entries)
        self._chosen.move_to_end(session_id)
        while len(self._chosen) > MAX_SESSIONS:
            self._chosen.popitem(last=False)

    def _holdings(self) -> str:
        return ", ".join(entry.symbol for entry in self.corpus.entries)

    def _missing(self, question: str, language: Language, named: str) -> Answer:
        text = (
            f"语料库中没有{named}的文件；现有文件：{self._holdings()}。"
            if language == "zh"
            else f"The corpus holds no document of {named}; it holds {self._holdings()}."
        )
        return Answer(question, language, text, [], 0.0, True, mode="corpus")

    def _choice_note(self, choice: DocumentChoice, language: Language) -> str:
        if not choice.narrowed:
            return ""
        chosen = choice.entries[0]
        if language == "zh":
            return (
                f"（语料库中有 {choice.fitting} 份文件符合这一问题；以下答案取自预算年度最新的 {chosen.symbol}"
                f"（{chosen.year} 年）。在问题中写明年份或文号可以选择其他文件。）"
            )
        return (
            f"({choice.fitting} documents of the corpus fit this question; the answer below is from the latest, "
            f"{chosen.symbol} (budget for {chosen.year}). Name a year or a symbol in the question to choose another.)"
        )


# ---------------------------------------------------------------------- labelled answers

_BRACKETS = re.compile(r"\[([^\[\]]+)\]")
_LABEL_SEPARATORS = re.compile(r"\s*[；;,，、]\s*")


def label_answer(answer: Answer, symbol: str) -> Answer:
    """`answer` with every citation naming document `symbol`, and each bracketed citation of its text
    showing it: "[表 3.24；表 3.29]" → "[A/79/6 (Sect. 3), 表 3.24；表 3.29]"."""
    citations = [replace(citation, document=symbol) for citation in answer.citations]
    labels = {citation.label_for(lang) for citation in answer.citations for lang in ("zh", "en")}

    def labelled(match: re.Match[str]) -> str:
        pieces = _LABEL_SEPARATORS.split(match.group(1).strip())
        if not any(piece in labels for piece in pieces):
            return match.group(0)
        return f"[{symbol}, {match.group(1)}]"

    return replace(
        answer,
        text=_BRACKETS.sub(labelled, answer.text),
        citations=citations,
        evidence=[f"{symbol}#{uid}" for uid in answer.evidence],
        facts=[f"{symbol}#{fact}" for fact in answer.facts],
    )


def joined(question: str, language: Language, answers: list[tuple[CorpusEntry, Answer]], note: str) -> Answer:
    """One answer from the labelled answers of several documents (one: that answer, with `note` first)."""
    if len(answers) == 1:
        (_, only), = answers
        return replace(only, text=f"{note}\n{only.text}" if note else only.text)
    blocks = [f"{_heading(entry, language)}\n{answer.text}" for entry, answer in answers]
    answered = [answer for _, answer in answers if not answer.abstained]
    parts = [answer for _, answer in answers]
    return Answer(
        question=question,
        language=language,
        text="\n\n".join(([note] if note else []) + blocks),
        citations=[citation for answer in parts for citation in answer.citations],
        confidence=max((answer.confidence for answer in answered), default=0.0),
        abstained=not answered,
        evidence=[uid for answer in parts for uid in answer.evidence],
        mode=parts[0].mode,
        computations=[computation for answer in parts for computation in answer.computations],
        facts=[fact for answer in parts for fact in answer.facts],
    )


def _heading(entry: CorpusEntry, language: Language) -> str:
    if entry.year is None:
        return f"{entry.symbol}:" if language == "en" else f"{entry.symbol}："
    return f"{entry.symbol} (budget for {entry.year}):" if language == "en" else f"{entry.symbol}（{entry.year} 年预算）："


def _named_text(scope: DocumentScope) -> str:
    named = [f"A/{s.session}/6" + (f" (Sect. {s.section})" if s.section else "") for s in scope.symbols]
    named += [f"Sect. {number}" for number in scope.sections]
    named += [str(year) for year in scope.years]
    return " ".join(named)


def open_answer_service(
    settings: Settings, *, console: Console | None = None, generator: GroundedAnswerer | None = None
) -> QAService | CorpusService:
    """The answer service of the configured corpus: the document's own service when it holds one
    document (or ``BUDGETQA_DOCUMENT`` names one), a :class:`CorpusService` when it holds several."""
    corpus = Corpus.load(settings)
    if generator is None and settings.llm != "none":
        from .chat_models import chat_model_from_settings
        from .grounded import GroundedAnswerer

        generator = GroundedAnswerer(chat_model_from_settings(settings))
    if len(corpus.entries) == 1:
        return QAService.open(settings, document_path=corpus.text_path(corpus.entries[0]), console=console, generator=generator)
    return CorpusService.open(settings, corpus, console=console, generator=generator)


__all__ = ["MAX_EACH", "CorpusService", "DocumentChoice", "joined", "label_answer", "open_answer_service"]
