"""Where a budget explains its changes: the paragraphs that state a body's change in resources and
why ("资源变动反映增加 4 304 300 美元，原因是……", "减少 42 063 300 美元，系捐助方停止供资").

A question asking why a body's resources change is answered by those paragraphs, which are known
from the typed facts (a sentence fact of the body with the basis CHANGE), not by words the question
shares with them: "Why does UNOCT's regular budget go up so much?" shares few words with "资源变动反
映增加……，包括员额资源项下……".  The units found here join the question's evidence ahead of the
search hits; the passage answerer still chooses the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TypeVar

from budgetqa.ingest.budget import Basis, FundingSource, Measure
from budgetqa.ingest.facts import Fact
from budgetqa.ingest.model import BlockKind

from .understand import Aggregate, ParsedQuestion, QuestionKind, RankedRows
from .understand.parse import names_money


def asks_change_reason(parsed: ParsedQuestion) -> bool:
    """Whether `parsed` asks why a body's resources (or one of their rows) change, or what a
    component's change is made of object by object (no table prints a component's objects; the
    paragraph explaining its change lists them: "决策机关的增加分在哪些支出用途")."""
    if (
        parsed.lists_rows is RankedRows.OBJECT
        and parsed.component is not None
        and parsed.aggregate in (Aggregate.CHANGE, Aggregate.PERCENTAGE)
        and bool(parsed.bodies)
    ):
        return True
    return (
        parsed.kind is QuestionKind.WHY
        and bool(parsed.bodies)
        and (
            parsed.aggregate in (Aggregate.CHANGE, Aggregate.PERCENTAGE)
            or parsed.breakdown is not None
            or parsed.named_measure is Measure.MONEY
            or bool(parsed.fundings)
            or (parsed.component is not None and names_money(parsed.text))
        )
    )


def explaining_paragraphs(facts: Iterable[Fact], parsed: ParsedQuestion) -> list[str]:
    """The refs of the paragraphs that state a change of the asked body's resources (of the asked funding
    source, whose paragraph may state only its level), those naming the asked row (object of
    expenditure, component) first; [] when the question does not ask why resources change."""
    if not asks_change_reason(parsed):
        return []
    keys = {body.key for body in parsed.bodies}
    amounts = [f for f in facts if f.body in keys and f.source.kind is BlockKind.PARAGRAPH and f.measure is Measure.MONEY]
    stated = [f for f in amounts if f.basis is Basis.CHANGE]
    if parsed.funding is not None and parsed.funding is not FundingSource.ALL:
        # the source's own paragraph, even where it states a level rather than a change ("由于捐助方停止
        # 供资，预计 2024 年没有预算外资源")
        funded = [f for f in amounts if f.funding is parsed.funding]
        stated = [f for f in funded if f.basis is Basis.CHANGE] or funded or stated

    def named(fact: Fact) -> bool:
        wanted = [w for w in (parsed.breakdown, parsed.component) if w]
        return any(w in fact.source.text or w == fact.label for w in wanted)

    ordered = sorted(stated, key=lambda f: (not named(f), f.source.line))
    return list(dict.fromkeys(f.source.ref for f in ordered))


# A list item of an explanation: "(a) …", "㈠ …" (the document's own item markers).
_ITEM = re.compile(r"(?=\([a-z]\)\s|[\u3220-\u3229])")
# Words that state a specific reason or purpose in the budget's explanations ("原因是拟设 2 个员额",
# "用于按照……进行审查", "系捐助方停止供资"), not the standard sentence every body's summary
# paragraph carries ("资源变动的原因包括……其他变动。拟议资源数额用于充分、高效率……执行任务").
_SPECIFIC_REASON = re.compile(r"原因是|由于|因为|这是因为|系(?!统)|为了|以便|反映拟|拟将|拟议设立|改划|调拨|调动|用于(?!充分)")


def states_reason(text: str) -> bool:
    """Whether `text` states a specific reason for a change (not only the standard summary sentence)."""
    return bool(_SPECIFIC_REASON.search(text))


def reason_item(text: str, parsed: ParsedQuestion) -> str | None:
    """The list item of an explaining paragraph that names the asked row or component and gives a
    reason ("(a) 决策机关项下增加 414 300 美元，原因是……代表差旅项下 254 100 美元……"); None when
    the question names no row, or no item names it."""
    wanted = [w for w in (parsed.breakdown, parsed.component) if w]
    if not wanted:
        return None
    compact = " ".join(text.split())
    items = [item.strip() for item in _ITEM.split(compact) if item.strip()]
    return next((item for item in items[1:] if any(w in item for w in wanted) and states_reason(item)), None)


Piece = TypeVar("Piece")


def reason_passages(pieces: Sequence[tuple[Piece, str]], parsed: ParsedQuestion, limit: int) -> list[tuple[Piece, str]]:
    """The passages that answer why, from the explaining paragraphs' pieces (each with its text), in
    order of preference: the list item naming the asked row or component; else the paragraph naming
    it that gives a reason; else up to `limit` paragraphs giving a specific reason; else the first
    (the body's summary paragraph).  Each passage is returned with the piece it quotes."""
    for piece, text in pieces:
        item = reason_item(text, parsed)
        if item is not None:
            return [(piece, item)]
    wanted = [w for w in (parsed.breakdown, parsed.component) if w]
    whole = [(piece, " ".join(text.split())) for piece, text in pieces]
    naming = [(piece, text) for piece, text in whole if wanted and any(w in text for w in wanted) and states_reason(text)]
    if naming:
        return naming[:1]
    return [(piece, text) for piece, text in whole if states_reason(text)][:limit] or whole[:1]
