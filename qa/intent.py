"""What a question asks for: a lookup of a unit, a figure, or a fact — and the slots it names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from budgetqa.ingest.refs import BlockReference, find_citations, parse_citation


class QuestionKind(StrEnum):
    LOOKUP = "lookup"  # "what does paragraph 3.115 say", "show table 3.27"
    FIGURE = "figure"  # how much, how many, what share, by how much did it change
    FACT = "fact"  # who, what, why, when, which


_FIGURE_ZH = re.compile(r"多少|几[个份次名项位家种成]?|多大|比例|百分比|占比|几成|总额|数目|数量|金额|经费|预算.*[多几]|增加了|减少了|增长了|遵守率|比率|[多几]少")
_FIGURE_EN = re.compile(
    r"\bhow (much|many)\b|\bwhat (share|proportion|percentage|amount|level|number|rate)\b|\bby how much\b|"
    r"\bnumber of\b|\btotal\b|\bbudget\b|\bcost\b|\bpercent|\bfigure\b|\bamount\b|\bcompliance rate\b|\bresources\b",
    re.IGNORECASE,
)
_LOOKUP_ZH = re.compile(r"(讲|说|写)了?(什么|啥)|内容|显示|给我看|调出|列出|是什么内容|全文")
_LOOKUP_EN = re.compile(r"\b(show|display|pull up|open|print|what does .* say|what is in|contents? of|read)\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(20[0-4]\d|19\d\d)(?!\d)")


@dataclass(frozen=True)
class Intent:
    kind: QuestionKind
    citations: tuple[BlockReference, ...]
    years: tuple[str, ...]


def classify(question: str) -> Intent:
    """Classify `question`.

    >>> classify("第3.27段讲了什么？").kind, classify("Show me table 3.6.").kind
    (<QuestionKind.LOOKUP: 'lookup'>, <QuestionKind.LOOKUP: 'lookup'>)
    >>> classify("政治建和部 2024 年的员额资源是多少？").kind
    <QuestionKind.FIGURE: 'figure'>
    """
    whole = parse_citation(question)
    citations = (whole,) if whole is not None else tuple(find_citations(question))
    years = tuple(dict.fromkeys(_YEAR.findall(question)))
    if whole is not None or (citations and (_LOOKUP_ZH.search(question) or _LOOKUP_EN.search(question))):
        return Intent(QuestionKind.LOOKUP, citations, years)
    if _FIGURE_ZH.search(question) or _FIGURE_EN.search(question):
        return Intent(QuestionKind.FIGURE, citations, years)
    return Intent(QuestionKind.FACT, citations, years)
