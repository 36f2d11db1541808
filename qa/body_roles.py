"""What a body does: "损失登记册是干什么的？", "What is UNSCO's mandate?", "反恐办负责哪些工作？".

Every body's part of a programme budget opens with its mandate under the heading 任务和背景 (Mandate
and background): the first paragraph there says what the body is responsible for and where its
mandate comes from.  A question that asks only for a body's role (nothing about the body besides its
name) is answered from that paragraph, found by the document's structure rather than by the words
the question shares with it ("干什么" shares none with "负责以文献形式记录……").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from budgetqa.index.evidence import split_sentences
from budgetqa.index.model import IndexUnit
from budgetqa.ingest.bodies import BodyRegistry
from budgetqa.ingest.model import BlockKind

from .understand import ParsedQuestion, QuestionKind

MANDATE_HEADING = "任务和背景"  # the heading every body's mandate paragraphs stand under
ROLE_SENTENCES = 2  # sentences quoted: what the body does, and where its mandate comes from

_FILLER = r"(?:到底|究竟|主要|具体|都|一般|平时|the|main|core|key|primary|principal|exactly|actually|really|overall|basic|\s)*"
# What is left of a question that asks only for a body's role once the body's name is taken out.
_ROLE_ONLY = re.compile(
    rf"^{_FILLER}(?:"
    rf"(?:是)?(?:做|干|搞)(?:什么|啥)(?:的|工作)?|负责(?:什么|哪些)(?:工作|事情|事务)?|有(?:什么|哪些)(?:职责|职能|任务)"
    rf"|的?{_FILLER}(?:职责|职能|任务|作用|使命|工作)(?:是什么|有哪些|是啥|是什么样的)"
    rf"|what (?:does|do|did) (?:the )?do|what (?:is|are) (?:the )?{_FILLER}(?:role|mandate|function|functions|job|purpose|responsibilities|tasks) of(?: the)?"
    rf"|what (?:is|are) {_FILLER}(?:role|mandate|functions?|job|purpose|responsibilities|tasks)"
    rf"|what is (?:the )?responsible for|what (?:is|are) (?:the )?for"
    # where its mandate comes from, which the same opening sentences say
    rf"|的?{_FILLER}任务(?:来源|依据|出处|来自)(?:于)?(?:是什么|有哪些|是哪些|哪里|哪些决议|什么)?|(?:是)?(?:根据|依据)(?:哪些|什么)决议(?:设立的|成立的|开展工作)?"
    rf"|(?:which|what) (?:resolutions?|decisions?) (?:is|are|was|were|does|do) (?:the )?mandate (?:derived|drawn|based) (?:from|on)"
    rf"|(?:where|what) does (?:the )?mandate (?:of (?:the )?)?(?:come|derive) from|what is (?:the )?mandate (?:of (?:the )?)?(?:based on|derived from)"
    rf")(?:{_FILLER})[?？。.!！]*$",
    re.I,
)


# What a mandate comes from: naming them asks where the body's mandate comes from, not about a topic.
_MANDATE_SOURCES = frozenset({"resolution", "resolutions", "decision", "decisions", "决议", "决定"})


def asks_role(parsed: ParsedQuestion, registry: BodyRegistry) -> bool:
    """Whether `parsed` asks only what one body does."""
    if parsed.kind not in (QuestionKind.FACT, QuestionKind.LIST) or len(parsed.bodies) != 1:
        return False
    if parsed.component or parsed.measure or parsed.years:
        return False
    if any(topic.lower() not in _MANDATE_SOURCES for topic in parsed.other_topics):
        return False  # "what does UNOAU do for the Peacebuilding Fund" asks about something else
    text = parsed.text
    for start, end, _ in reversed(registry.mentions(text)):
        text = text[:start] + " " + text[end:]
    rest = re.sub(r"'s\b", "", text.replace("’", "'"))
    rest = re.sub(r"\s+", " ", rest).strip()
    return bool(_ROLE_ONLY.match(rest))


def mandate_passage(units: Sequence[IndexUnit], part: str) -> tuple[IndexUnit, str] | None:
    """The first paragraph under the mandate heading of the body's `part`, and its opening sentences."""
    for unit in sorted(units, key=lambda u: u.lines.first):
        if unit.kind is BlockKind.PARAGRAPH and unit.part == part and MANDATE_HEADING in unit.section:
            sentences = split_sentences(unit.text)
            return unit, "".join(sentences[:ROLE_SENTENCES]).strip()
    return None
