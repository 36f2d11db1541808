"""How a question asks: for a unit to be shown, for a figure, or for something else.

A figure is asked for by its interrogatives ("多少", "几个", "how much", "what share") or, where no
other interrogative asks for something else, by a noun that names a figure ("比例", "the budget",
"遵守率"): "联非办的遵守率是多少？" and "UNOCT regular budget 2024" ask for figures, "联非办采取了
哪些措施提高遵守率？" and "What did UNOCT do about travel compliance?" do not.
"""

from __future__ import annotations

import re

from budgetqa.ingest.refs import BlockReference, find_citations, parse_citation

# Interrogatives of a figure.
_FIGURE_ASK = re.compile(
    r"多少|几[个份次名项位家种成]?|多大|几成|[多几]少|增加了|减少了|增长了"
    r"|\bhow (?:much|many)\b|\bby how much\b|\bwhat (?:share|proportion|percentage|amount|level|number|rate|total|sum)\b"
    # "what will X receive / spend", "what does the review cost": a verb of money asks for an amount.
    r"|\bwhat (?:will|would|did|does|do|is|was|are|were)\b.{0,60}?"
    r"\b(?:receive|spend|spent|cost|budget(?:s|ed)? for|be (?:allocated|given|appropriated|budgeted))\b"
    # "what does the Secretary-General propose for X's budget": a verb of proposing money, with its object
    r"|\bwhat (?:will|would|did|does|do|is|was)\b.{0,60}?\b(?:propos|request|seek|allocat|earmark)\w*\b"
    r".{0,40}?\b(?:budget|resources|funding|appropriation|requirements?)\b"
    # "what will UNOAU's regular budget be": a figure noun is what the question asks to be
    r"|\bwhat (?:will|would|is|was)\b.{0,60}?\b(?:budget|resources|appropriation|cost|total|amount|expenditure"
    r"|estimate|requirements?)s?\b.{0,30}?\bbe\b",
    re.IGNORECASE,
)
# Nouns that name a figure.
_FIGURE_NOUN = re.compile(
    r"比例|百分比|占比|总额|数目|数量|金额|经费|预算|遵守率|比率|估计数|批款|拨款|支出"
    r"|\bnumber of\b|\btotal\b|\bbudget\b|\bcost\b|\bpercent|\bfigure\b|\bamount\b|\bcompliance\b|\bresources\b"
    r"|\bestimates?\b|\bappropriations?\b|\bexpenditures?\b|\bspen[dt]\b|\brates?\b|\bshare\b",
    re.IGNORECASE,
)
# Interrogatives that ask for something other than a figure: actions, reasons, ways, people, places,
# dates, yes or no.
_OTHER_ASK = re.compile(
    r"哪些|什么|如何|怎样|怎么|为什么|为何|谁|何时|哪里|哪个国家|是否"
    r"|\bwhat (?:did|does|do|has|have|will|kind|measures|steps|actions|activities|happened)\b"
    r"|\bhow (?:did|does|do|has|have|will)\b|\bwho\b|\bwhen\b|\bwhere\b|\bwhy\b|\bwhether\b",
    re.IGNORECASE,
)
_LOOKUP_ZH = re.compile(r"(讲|说|写|谈)(了|的是?|的是些)?(什么|啥)|内容|显示|给我看|调出|列出|是什么内容|全文|关于什么")
_LOOKUP_EN = re.compile(
    r"\b(show|display|pull up|open|print|what does .* (?:say|cover|contain|deal with)|what is .* about|what is in|contents? of|read)\b",
    re.IGNORECASE,
)


def cited_references(question: str) -> tuple[tuple[BlockReference, ...], bool]:
    """The references a question names, and whether it is nothing but one ("表3.27")."""
    whole = parse_citation(question)
    return ((whole,), True) if whole is not None else (tuple(find_citations(question)), False)


def asks_lookup(question: str) -> bool:
    """The question asks to see a unit it names ("第3.41段讲了什么？", "Show me table 3.41.").

    >>> asks_lookup("表3.27"), asks_lookup("Show me table 3.41."), asks_lookup("表 3.27 的共计是多少？")
    (True, True, False)
    """
    citations, whole = cited_references(question)
    return whole or bool(citations and (_LOOKUP_ZH.search(question) or _LOOKUP_EN.search(question)))


def asks_figure(question: str) -> bool:
    """The question asks for a figure.

    >>> asks_figure("反恐办明年要多少钱？"), asks_figure("UNOCT regular budget 2024")
    (True, True)
    >>> asks_figure("联非办采取了哪些措施提高遵守率？"), asks_figure("What did UNOCT do about travel compliance?")
    (False, False)
    >>> asks_figure("What will the Register receive in 2024?"), asks_figure("What was spent on travel in 2022?")
    (True, True)
    >>> asks_figure("What will the Register's budget be in 2024?"), asks_figure("What will the Register do in 2024?")
    (True, False)
    >>> asks_figure("What does the Secretary-General request for UNOAU's budget?"), asks_figure("What does UNOAU propose to do?")
    (True, False)
    >>> asks_figure("What does UNSCO budget for furniture next year?")
    True
    """
    if _FIGURE_ASK.search(question):
        return True
    return bool(_FIGURE_NOUN.search(question)) and not _OTHER_ASK.search(question)


def asks_other(question: str) -> bool:
    """The question has an interrogative that asks for something other than a figure."""
    return bool(_OTHER_ASK.search(question))


# A question for a reason or a purpose: "为什么", "原因", "用途是什么", "why", "what is it for".
_WHY = re.compile(
    r"为什么|为何|为啥|干嘛|原因|理由|怎么会|用途是什么|做什么用|干什么用|用来做什么|用于什么"
    r"|\bwhy\b|\breasons?\b|\bwhat explains\b|\bdue to what\b|\bfor what purpose\b|\bwhat for\b"
    r"|\bwhat (?:is|was|are|were) (?:it|this|that|they|these|those) (?:for|meant for|intended for)\b",
    re.IGNORECASE,
)


def asks_why(question: str) -> bool:
    """The question asks for a reason or a purpose.

    >>> asks_why("经费为什么增加？"), asks_why("The increase is noted. What is it for?"), asks_why("多少钱？")
    (True, True, False)
    """
    return _WHY.search(question) is not None
