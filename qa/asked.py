"""What evidence selection reads of a question: its parse, plus the document's words for what it asks.

A :class:`~budgetqa.qa.understand.ParsedQuestion` says what a question asks in typed slots (bodies,
funding source, measure, years, aggregate).  Evidence is Chinese text, so selection also needs the
question in the document's words: the Chinese of an English question's phrases (to name table rows),
the noun a count question counts ("几个代表团" → 代表团), the bodies, offices and places it names
(glossary entities), and the ordinal it asks about ("第八次审查").  :class:`QuestionReader` computes
them once per question (or per part of a question that asks several things) as an
:class:`AskedQuestion`, which the features (:mod:`.features`) and vetoes (:mod:`.vetoes`) read.

>>> from budgetqa.index.glossary import load_glossary
>>> from budgetqa.ingest.commands import load_document
>>> from budgetqa.qa.understand import Understanding
>>> glossary = load_glossary()
>>> understanding = Understanding.of(load_document(), glossary=glossary)
>>> asked = QuestionReader(glossary).read(understanding.parse("反恐办 2023 年召开了多少次专题会议？"))
>>> asked.figure, asked.measure.value, asked.years, asked.counted, asked.home_parts
(True, 'count', frozenset({2023}), '专题会议', frozenset({'六'}))
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from budgetqa.index.glossary import Glossary, GlossaryEntry, normalize_zh
from budgetqa.ingest.budget import FundingSource, Measure
from budgetqa.ingest.numerals import int_to_chinese

from .understand import Aggregate, ParsedQuestion, QuestionKind
from .understand.counting import asked_measure, counted_noun, english_counted_phrase

# Glossary categories of the bodies, offices and places a question may name.
ENTITY_CATEGORIES = frozenset({"org", "geo"})

_HAN = re.compile(r"[\u4e00-\u9fff]")
_ORDINAL_ZH = re.compile(r"第([一二三四五六七八九十]+)(?:次|届|轮)")
_ORDINAL_EN = {
    word: int_to_chinese(number)
    for number, word in enumerate(
        ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"), start=1
    )
}


@dataclass(frozen=True)
class AskedQuestion:
    """One question (or one part of a question) as evidence selection reads it."""

    parsed: ParsedQuestion
    text: str  # what evidence is matched against: the standalone question, or one of its parts
    figure: bool  # answered by a figure (how much, how many, what share)
    measure: Measure  # the kind of figure asked (the parse's; else what its words ask, a count by default)
    years: frozenset[int]
    sources: frozenset[FundingSource]  # funding sources named (ALL left out: every source answers)
    home_parts: frozenset[str]  # numerals of the parts that head the bodies it names
    body_names: tuple[str, ...]  # Chinese names of those bodies, normalised
    counted: str | None  # what a count question counts, in the document's Chinese
    row_text: str  # the question with the Chinese of its English phrases, spaces removed: names rows
    row_terms: tuple[str, ...]  # glossary terms of that text (a row label inside one is not named)
    entities: tuple[GlossaryEntry, ...]  # bodies, offices and places it names
    ordinals: frozenset[str]  # Chinese numerals of the occurrences it asks about ("第八次" → 八)

    @property
    def asks_total(self) -> bool:
        return self.parsed.aggregate is Aggregate.TOTAL


class QuestionReader:
    """Reads parsed questions against one glossary."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary

    def read(self, parsed: ParsedQuestion, text: str | None = None) -> AskedQuestion:
        """`parsed` as evidence selection reads it; `text` is what evidence is matched against (the
        question made standalone in its conversation), the parsed text when not given."""
        text = text or parsed.text
        figure = parsed.kind in (QuestionKind.FIGURE, QuestionKind.COMPARE)
        measure = parsed.measure if parsed.measure not in (None, Measure.TEXT) else asked_measure(text)
        expanded = f"{text} {' '.join(self.glossary.expand_english(text))}"
        chinese = bool(_HAN.search(text))
        return AskedQuestion(
            parsed=parsed,
            text=text,
            figure=figure,
            measure=measure,
            years=frozenset(parsed.years),
            sources=frozenset(source for source in (parsed.funding,) if source not in (None, FundingSource.ALL)),
            home_parts=frozenset(body.part for body in parsed.bodies if body.part),
            body_names=tuple(
                dict.fromkeys(normalize_zh(name) for body in parsed.bodies if body.part for name in body.aliases_zh)
            ),
            counted=None if parsed.measure is Measure.POSTS else self._counted(text, chinese),
            row_text="".join(expanded.split()),
            row_terms=tuple(form for form, _ in self.glossary.find_terms(expanded)),
            entities=self._entities(text, chinese),
            ordinals=_ordinals(text),
        )

    def _counted(self, text: str, chinese: bool) -> str | None:
        """What a count question counts: "几个代表团" → 代表团; "how many civil society speakers" →
        发言者 (the longest tail of the phrase the glossary knows)."""
        if chinese:
            return counted_noun(text)
        phrase = english_counted_phrase(text)
        words = phrase.split() if phrase else []
        for start in range(len(words)):
            found = self.glossary.chinese_for(" ".join(words[start:]))
            if found:
                return found
        return None

    def _entities(self, text: str, chinese: bool) -> tuple[GlossaryEntry, ...]:
        entries = [entry for _, entry in self.glossary.find_terms(text)] if chinese else self.glossary.match_english(text)
        return tuple(entry for entry in dict.fromkeys(entries) if entry.category in ENTITY_CATEGORIES)


def _ordinals(text: str) -> frozenset[str]:
    """"第八次审查" / "the eighth review" → {"八"}."""
    wanted = set(_ORDINAL_ZH.findall(text))
    wanted |= {zh for word, zh in _ORDINAL_EN.items() if re.search(rf"\b{word}\b", text, re.IGNORECASE)}
    return frozenset(wanted)
