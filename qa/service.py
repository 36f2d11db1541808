"""The answer service: questions in, cited and verified answers out (CLI, chat, HTTP API, web UI).

>>> # service = QAService.open(Settings.from_env())
>>> # service.ask("政治建和部 2024 年的员额资源是多少？").text
>>> # '员额，2024 年估计(重计费用前)：47 270.9 千美元 [表 3.24]'
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from budgetqa.index.encoders import single_thread
from budgetqa.index.language import detect_language
from budgetqa.index.model import SearchHit, SearchScope
from budgetqa.index.service import SearchService
from budgetqa.index.session import ResolvedQuestion
from budgetqa.ingest.budget import Measure
from budgetqa.ingest.facts import extract_facts
from budgetqa.ingest.model import BlockKind, Document
from budgetqa.ingest.refs import BlockReference, UnknownReference, format_label, parse_citation
from budgetqa.inputs import (
    MAX_QUESTION_CHARS,
    REFERENCE_EXAMPLES,
    InputError,
    check_reference,
    check_text,
    describe,
)
from budgetqa.settings import Settings

from .analyst_answer import AnalystAnswerer
from .body_roles import asks_role, mandate_passage
from .change_reasons import explaining_paragraphs, reason_passages
from .compose import join_answers
from .english_quote import EnglishQuotes
from .extractive import ExtractiveAnswerer
from .fact_answer import FactAnswerer
from .model import Answer, AnswerEvent, Language, UnitView, final_answer
from .understand import ParsedQuestion, QuestionKind, Understanding
from .verify import verify

if TYPE_CHECKING:
    from .grounded import GroundedAnswerer

ANSWER_TYPE_TERMS = {Measure.POSTS: "员额数目"}  # words that label a figure of that kind in the tables
EVIDENCE_HITS = 20  # reranked hits an answer is drawn from
MAX_EXPLAINING = 2  # paragraphs stating a body's change quoted for (and added to the evidence of) a why-question
MAX_SESSIONS = 10_000  # sessions whose last parsed question is kept for follow-ups

QuestionError = InputError  # a question that cannot be answered as given (empty, too long, binary)


@dataclass(frozen=True)
class OfflineAnswer:
    """The answer found without a model, and whether a chat model may phrase it.

    A reference lookup ("表 3.24") shows the unit itself and is never rephrased.
    """

    question: str  # the question as checked (stripped)
    answer: Answer
    phrasable: bool
    measures: tuple[Measure, ...] = ()  # the kinds of figure the question's parts ask for; () when none


def check_question(question: str) -> str:
    """The question stripped, or an :class:`~budgetqa.inputs.InputError` saying what is wrong with it.

    The rules are those of :func:`budgetqa.inputs.check_question`, shared with the command line and
    the HTTP API.
    """
    return check_text(question, field="question", limit=MAX_QUESTION_CHARS)


class QAService:
    """Answers questions about one document (implements ``AnswerService``)."""

    def __init__(self, search: SearchService, generator: GroundedAnswerer | None = None) -> None:
        self.searcher = search
        index = search.index
        quotes = EnglishQuotes(search.english, index.glossary)
        self.extractive = ExtractiveAnswerer(index.document, search.scorer, index.glossary, quotes)
        registry = search.registry
        facts = extract_facts(index.document, registry)
        self.understanding = Understanding.of(index.document, facts, index.glossary, registry)
        self.facts = FactAnswerer(facts, registry, index.glossary, proposal_year=self.understanding.proposal_year)
        self.analyst = AnalystAnswerer(index.document, facts, registry, index.glossary)
        self.generator = generator
        self._lock = threading.RLock()
        self._parsed: OrderedDict[str, ParsedQuestion] = OrderedDict()  # session id → last parsed question
        # sessions (among those in `_parsed`, forgotten with them) whose last figure was read from a
        # passage (a performance row, a sentence), not from facts
        self._from_passages: set[str] = set()

    @classmethod
    def open(
        cls,
        settings: Settings | None = None,
        *,
        document_path: Path | None = None,
        console: Console | None = None,
        generator: GroundedAnswerer | None = None,
    ) -> QAService:
        """Open (or build) the index for the configured document; an LLM only if one is configured."""
        settings = settings or Settings.from_env()
        search = SearchService.open(settings, document_path=document_path, console=console)
        if generator is None and settings.llm != "none":
            from .chat_models import chat_model_from_settings
            from .grounded import GroundedAnswerer

            generator = GroundedAnswerer(chat_model_from_settings(settings))
        return cls(search, generator)

    @property
    def document(self) -> Document:
        return self.searcher.document

    # ------------------------------------------------------------------ AnswerService

    def ask(self, question: str, *, session_id: str | None = None, lang: Language | None = None) -> Answer:
        """A cited, verified answer to `question` (in its own language unless `lang` is given)."""
        return final_answer(self.stream(question, session_id=session_id, lang=lang))

    def stream(
        self, question: str, *, session_id: str | None = None, lang: Language | None = None
    ) -> Iterator[AnswerEvent]:
        """Stream an answer: text events as produced (LLM mode), then the verified answer.

        The offline answer (:meth:`offline`) is computed first; in generative mode the model phrases
        its evidence (:class:`~budgetqa.qa.grounded.GroundedAnswerer`) outside the service's lock, and
        what it writes is shown only if it verifies.
        """
        offline = self.offline(question, session_id=session_id, lang=lang)
        answer = offline.answer
        if self.generator is not None and offline.phrasable:
            # generative mode: the model phrases this answer's evidence; shown only if it verifies
            answer = yield from self.generator.stream(offline.question, answer, self.searcher, measures=offline.measures)
        else:
            yield AnswerEvent("token", answer.text)
        yield AnswerEvent("answer", answer=answer)

    def offline(self, question: str, *, session_id: str | None = None, lang: Language | None = None) -> OfflineAnswer:
        """The offline answer to `question`, cited and verified, recorded in the session: the evidence
        a chat model may phrase.

        Retrieval, extraction and verification run under a lock (the index, the encoders and the
        sessions are shared by the server's worker threads).
        """
        text = check_question(question)
        language: Language = lang or detect_language(text)
        with self._lock, single_thread():
            resolved = self._other_body(self.searcher.resolve(text, session_id), text)
            parsed = self.parse(text, session_id, is_follow_up=resolved.is_follow_up)
            parts = self.understanding.split(parsed)
            analysis = self.analyst.answer(parsed)  # consistency, each-body and which-body questions
            from_facts = (
                [self.facts.answer(part) for part in parts]
                if analysis is None and not self._stays_with_passages(parsed, session_id)
                else []
            )
            hits: list[SearchHit] = []
            if parsed.kind is QuestionKind.LOOKUP and parsed.citations:
                answer = verify(self._lookup_answer(text, parsed.citations[0], language), self.document, self.searcher.refs)
                self.searcher.record(session_id, text, resolved, answer.evidence)
            elif analysis is not None:
                answer = self._finish(analysis, session_id, text, resolved, hits)
            elif any(from_facts):
                if not all(from_facts):
                    hits = self.evidence_hits(text, resolved, parsed, language)
                answers = [
                    found
                    or self._change_reason(part.text, part, language)
                    or self._outside_scope_noted(
                        self.extractive.answer(part.text, _with_scope(part), hits, language, split=False, parsed=part), part
                    )
                    for found, part in zip(from_facts, parts, strict=True)
                ]
                answer = join_answers(parsed, answers, self.facts.contrast(parsed, answers))
                answer = self._finish(answer, session_id, text, resolved, hits)
                self._remember_source(session_id, parsed, answer)
            else:
                hits = self.evidence_hits(text, resolved, parsed, language)
                answer = self._change_reason(text, parsed, language) or self._role(text, parsed, language) or self.extractive.answer(
                    text, resolved.text, hits, language, split=not resolved.is_follow_up, parsed=parsed
                )
                answer = self._finish(self._outside_scope_noted(answer, parsed), session_id, text, resolved, hits)
                self._remember_source(session_id, parsed, answer)
        measures = tuple(dict.fromkeys(part.measure for part in parts if part.measure is not None))
        return OfflineAnswer(text, answer, phrasable=parsed.kind is not QuestionKind.LOOKUP, measures=measures)

    def _change_reason(self, question: str, parsed: ParsedQuestion, language: Language) -> Answer | None:
        """The answer to "why does X's budget (or this row of it) change" from the paragraphs that state
        the change: the list item naming the asked row, else the paragraphs giving a specific reason,
        else the body's summary paragraph; None when the question asks something else."""
        if len(parsed.parts) > 1:
            return None  # each part is answered on its own
        pieces = [
            (unit, unit.text)
            for ref in explaining_paragraphs(self.facts.facts, parsed)
            for unit in self.searcher.index.pieces(BlockKind.PARAGRAPH, ref)
        ]
        chosen = reason_passages(pieces, parsed, MAX_EXPLAINING)
        return self.extractive.quote_answer(question, chosen, language) if chosen else None

    def _role(self, question: str, parsed: ParsedQuestion, language: Language) -> Answer | None:
        """What a body does, from the first paragraph of its mandate; None for any other question."""
        if not asks_role(parsed, self.searcher.registry) or parsed.bodies[0].part is None:
            return None
        found = mandate_passage(self.searcher.index.units, parsed.bodies[0].part)
        return self.extractive.quote_answer(question, [found], language) if found is not None else None

    def _other_body(self, resolved: ResolvedQuestion, question: str) -> ResolvedQuestion:
        """A follow-up that names another body ("And for UNOAU?") asks the previous question of that
        body: the previous body's names in the standalone question are replaced by the new one's."""
        registry = self.searcher.registry
        named = registry.find(question)
        if not resolved.is_follow_up or len(named) != 1:
            return resolved
        previous = resolved.text[: len(resolved.text) - len(question)] if resolved.text.endswith(question) else resolved.text
        others = [(start, end) for start, end, body in registry.mentions(previous) if body not in named]
        if not others:
            return resolved
        name = named[0].label(detect_language(previous))
        text = previous
        for start, end in reversed(others):
            text = text[:start] + name + text[end:]
        return replace(resolved, text=text.strip())

    def _stays_with_passages(self, parsed: ParsedQuestion, session_id: str | None) -> bool:
        """A follow-up that changes only the year or the basis ("那 2021 年呢？") after a figure read from
        a passage (a performance measure's row) is read from the same kind of evidence: the budget
        facts do not hold that figure, and would answer another one."""
        return (
            session_id in self._from_passages
            and parsed.is_follow_up
            and not parsed.slots & {"bodies", "component", "subprogramme", "funding", "measure", "breakdown"}
        )

    def _remember_source(self, session_id: str | None, parsed: ParsedQuestion, answer: Answer) -> None:
        """Note whether this session's last figure answer came from a passage rather than the facts."""
        if session_id is None:
            return
        if parsed.asks_figure and not answer.abstained and not answer.facts and answer.mode != "facts":
            self._from_passages.add(session_id)
        else:
            self._from_passages.discard(session_id)

    def evidence_hits(
        self, text: str, resolved: ResolvedQuestion, parsed: ParsedQuestion, language: Language
    ) -> list[SearchHit]:
        """The units an answer is drawn from: those the question cites, then the reranked search hits."""
        searched = _with_answer_type(resolved, parsed)
        scope = SearchScope(tuple(body.part for body in parsed.bodies if body.part))
        ranked = self.searcher.ranked(searched, top_k=EVIDENCE_HITS, lang=language, per_ref=3, scope=scope)
        explaining = [
            SearchHit(block, 1.0, {"explains_change": rank})
            for rank, ref in enumerate(explaining_paragraphs(self.facts.facts, parsed))
            if (block := self.searcher.index.block(BlockKind.PARAGRAPH, ref)) is not None
        ]
        hits = self.searcher.lookup_hits(text) + explaining[:MAX_EXPLAINING] + ranked
        return _dedupe(hits)

    def _outside_scope_noted(self, answer: Answer, parsed: ParsedQuestion) -> Answer:
        """A passage answer about a body that had to be drawn from other bodies' parts says so.

        Search ranks the units of the bodies a question names first (its scope); when the evidence
        still lies wholly outside them, the reader should know the passage is about another body.
        """
        scope = {body.part: body for body in parsed.bodies if body.part}
        if not scope or answer.abstained or not answer.evidence:
            return answer
        units = self.searcher.index.units
        parts = [unit.part for unit in units if unit.uid in answer.evidence]
        if not parts or any(part in scope or not part for part in parts):
            return answer
        lang = parsed.lang
        names = ("、" if lang == "zh" else ", ").join(body.label(lang) for body in scope.values())
        others = [body.label(lang) for body in self.searcher.registry.bodies if body.part in parts]
        elsewhere = ("、" if lang == "zh" else ", ").join(dict.fromkeys(others))
        note = (
            f"（{names}的部分没有直接回答这一问题的内容；以下出自{elsewhere}的部分。）"
            if lang == "zh"
            else f"(The part on the {names} does not answer this directly; the passage below is from the part on the {elsewhere}.)"
        )
        return replace(answer, text=f"{note}\n{answer.text}")

    def parse(self, question: str, session_id: str | None = None, *, is_follow_up: bool = False) -> ParsedQuestion:
        """The question parsed once (:mod:`budgetqa.qa.understand`); a follow-up in a session inherits
        the slots it leaves out from the session's previous question, which this one then replaces."""
        previous = self._parsed.get(session_id) if session_id else None
        parsed = self.understanding.parse(question)
        if previous is not None and (is_follow_up or _leans_on(parsed, previous)):
            parsed = parsed.inherit(previous)
        if session_id:
            self._parsed[session_id] = parsed
            self._parsed.move_to_end(session_id)
            while len(self._parsed) > MAX_SESSIONS:
                forgotten, _ = self._parsed.popitem(last=False)
                self._from_passages.discard(forgotten)
        return parsed

    def _finish(
        self, answer: Answer, session_id: str | None, question: str, resolved: ResolvedQuestion, hits: list[SearchHit]
    ) -> Answer:
        """Verify an answer and remember its evidence in the session."""
        verified = verify(answer, self.document, self.searcher.refs)
        self.searcher.record(session_id, question, resolved, verified.evidence or [hit.unit.uid for hit in hits[:3]])
        return verified

    def hand_over(self, session_id: str, previous: QAService) -> None:
        """Continue session `session_id` here from another document's service (a corpus answering the
        session's next question from another year's section): its last parse, whether its last figure
        came from a passage, and its search conversation, so that a follow-up keeps its body and topic."""
        with self._lock:
            parsed = previous._parsed.get(session_id)
            if parsed is None:
                return
            self._parsed[session_id] = parsed
            self._parsed.move_to_end(session_id)
            if session_id in previous._from_passages:
                self._from_passages.add(session_id)
            else:
                self._from_passages.discard(session_id)
            conversation = previous.searcher.conversations.get(session_id)
            if conversation is not None:
                self.searcher.conversations[session_id] = conversation

    def warm_up(self) -> None:
        """Ready every question path now (see :meth:`SearchService.warm_up`); for long-running use."""
        with self._lock:
            self.searcher.warm_up()

    def search(self, query: str, *, top_k: int = 10, session_id: str | None = None) -> list[SearchHit]:
        with self._lock:
            return self.searcher.search(check_question(query), top_k=top_k, session_id=session_id)

    def lookup(self, ref: str) -> UnitView:
        """The unit `ref` names ("3.115", "表3.27", "table 3.27"), for display.

        Raises :class:`~budgetqa.inputs.InputError` (a ``ValueError``) for text that cannot be a
        reference (empty, over 100 characters, binary), ``ValueError`` for text that is not one, and
        :class:`~budgetqa.ingest.refs.UnknownReference` (a ``LookupError`` naming the nearest units) for
        a reference to a unit the document lacks.
        """
        ref = check_reference(ref)
        citation = parse_citation(ref)
        if citation is None:
            raise ValueError(f"{describe(ref)} is not a reference; try {REFERENCE_EXAMPLES}")
        unit = self.searcher.refs.resolve(citation)
        view = UnitView(
            kind=unit.kind.value,
            ref=unit.ref,
            label=format_label(unit.kind, unit.ref, "zh"),
            title=unit.title,
            text=unit.text,
            lines=unit.lines.as_list(),
            section=list(unit.section),
            part=unit.part,
            english_label=self.searcher.index.glossary.english_label(unit.title),
            document=self.document.symbol,
        )
        if unit.kind is BlockKind.TABLE:
            table = self.document.table(unit.ref)
            view.columns = list(table.columns)
            view.rows = [
                {
                    "label": row.label,
                    "cells": [cell.text for cell in row.cells],
                    "group": row.group,
                    "part": row.part,
                    "is_total": row.is_total,
                }
                for row in table.rows
            ]
        return view

    # ------------------------------------------------------------------ helpers

    def _lookup_answer(self, question: str, citation: BlockReference, language: Language) -> Answer:
        try:
            unit = self.searcher.refs.resolve(citation)
        except UnknownReference as error:
            answer = self.extractive.abstain(question, language, [])
            answer.text = str(error)
            return answer
        return self.extractive.lookup(question, unit, language)


def _with_answer_type(resolved: ResolvedQuestion, parsed: ParsedQuestion) -> ResolvedQuestion:
    """The question as searched for evidence, with the words that label the figure it asks for.

    "How many posts does X have" is answered by a staffing table, whose rows say 员额数目 (number of
    posts); the question's own words find X's deliverables and narrative as readily. Naming the
    answer's type in the query brings the staffing rows among the evidence (expected-answer-type
    expansion); retrieval itself (`search`) is unchanged.
    """
    terms = ANSWER_TYPE_TERMS.get(parsed.measure) if parsed.kind is QuestionKind.FIGURE and parsed.measure else None
    return replace(resolved, text=f"{resolved.text} {terms}") if terms else resolved


def _with_scope(part: ParsedQuestion) -> str:
    """A part of a question made standalone with the scope it took from the parts before it: "为什么减？"
    after a question on a subprogramme is asked of that subprogramme."""
    names = [body.label(part.lang) for body in part.bodies if body.label(part.lang) not in part.text]
    if part.component and part.component not in part.text:
        names.append(part.component)
    return " ".join([*names, part.text])


def _leans_on(parsed: ParsedQuestion, previous: ParsedQuestion) -> bool:
    """A figure question that names no body or component after one that did ("2022 年实际花了多少？")
    is about the same body."""
    return (
        previous.asks_figure
        and bool(previous.bodies or previous.component)
        and not parsed.bodies
        and parsed.component is None
        and parsed.subprogramme is None
        and not parsed.unknown_bodies
        and not parsed.other_topics
        and (
            parsed.kind in (QuestionKind.FIGURE, QuestionKind.COMPARE)
            or (parsed.kind is QuestionKind.FACT and bool(parsed.slots & {"years", "basis"}))  # "And the 2022 expenditure?"
        )
    )


def _dedupe(hits: list[SearchHit]) -> list[SearchHit]:
    """Drop repeated units (a looked-up unit also found by search), keeping table rows distinct."""
    out, seen = [], set()
    for hit in hits:
        if hit.unit.uid not in seen:
            seen.add(hit.unit.uid)
            out.append(hit)
    return out
