"""A question that asks several things, taken apart into questions of their own.

Delegates ask in one breath what the document answers in two places: "多少个员额？其中几个是新设的？",
"how much …, and what will it pay for?", "compare the regular budget and extrabudgetary resources for 2024",
"how many posts from other assessed resources, compared with regular-budget posts?", "经常预算和预算外
资源分别是多少？". Each part is answered from its own evidence; a part that lost the year it shares with
the others ("… in 2024, compared with its regular-budget posts") gets it back.

The patterns are hand-written: the questions are short and the constructions few, and a parser would
have to be trained for both languages to do better.
"""

from __future__ import annotations

import re

from budgetqa.index.tokenize import tagged_words
from budgetqa.ingest.english import has_han

MIN_PART_CHARS = 4  # shorter pieces of a split question are not questions of their own

# "…？…？", "…; …", "…, and what …"
_SEPARATE_QUESTIONS = re.compile(
    r"(?<=[？?；;])\s*|,?\s+and\s+(?=(?:what|how|which|who|when|where|why|is|are|does|did)\b)", re.IGNORECASE
)
# "… in 2024, compared with its regular-budget posts?"
_COMPARED_WITH = re.compile(
    r",?\s+(?:compared\s+(?:with|to)|as\s+(?:against|opposed\s+to)|versus|vs\.?)\s+", re.IGNORECASE
)
# "Compare A and B for 2024." → "A for 2024", "B for 2024"
_COMPARE = re.compile(
    r"^(?:please\s+|can you\s+)?compare\s+(?P<a>.+?)\s+(?:and|with|to|against)\s+(?P<b>.+?)"
    r"(?P<rest>\s+(?:for|in|between|during|over|under|at|from)\s+.+?)?\s*[.?!。？]*$",
    re.IGNORECASE,
)
# "经常预算和预算外资源分别是多少？" → "经常预算是多少？", "预算外资源是多少？"
_RESPECTIVELY_ZH = re.compile(r"^(?P<a>[^，,；;？?]+?)(?:和|与|及|以及)(?P<b>[^，,；;？?和与及]+?)分别(?P<rest>[^，,；;]*)$")
_ASKS = re.compile(r"^(?:how many|how much|what(?:\s+(?:is|are|was|were))?|which)\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)\s*年?")


def split_question(question: str) -> list[str]:
    """The parts of a question that asks several things, each a question of its own.

    >>> split_question("反恐办2024年拟议多少个员额？其中几个是新设的？")
    ['反恐办2024年拟议多少个员额？', '其中几个是新设的？']
    >>> split_question("How much does the Register of Damage request, and what will the money pay for?")
    ['How much does the Register of Damage request', 'what will the money pay for?']
    >>> split_question("Compare the office's regular budget and extrabudgetary resources for 2024.")
    ["the office's regular budget for 2024", 'extrabudgetary resources for 2024']
    >>> split_question("How many posts are funded from other assessed resources in 2024, compared with regular-budget posts?")
    ['How many posts are funded from other assessed resources in 2024', 'How many regular-budget posts? (2024)']
    >>> split_question("政治建和部2024年经常预算和预算外资源分别是多少？")
    ['政治建和部2024年经常预算是多少？', '预算外资源是多少？(2024年)']
    >>> split_question("政治建和部各组成部分的经费分别是多少？")
    ['政治建和部各组成部分的经费分别是多少？']
    """
    parts: list[str] = []
    for piece in _SEPARATE_QUESTIONS.split(question.strip()):
        if piece and len(piece.strip()) >= MIN_PART_CHARS:
            parts.extend(_comparison_parts(piece.strip()))
    return parts or [question]


# A part that points back at what an earlier part asked about: "how much were they used", "其中几个".
_ANAPHOR_EN = re.compile(r"\b(?:they|them|their|it|its|these|those|this|that|the same)\b", re.IGNORECASE)
_ANAPHOR_ZH = re.compile(r"其|它|这些|这项|这笔|该|此")
# The words of a part that ask rather than name: dropped from the context a later part borrows.
_INTERROGATIVE_EN = re.compile(
    r"\b(?:what|which|who|whom|when|where|why|how(?: many| much)?|did|does|do|is|are|was|were)\b|[?.!]", re.IGNORECASE
)
_INTERROGATIVE_ZH = re.compile(r"多少个?|几个?|什么|哪些|哪个|哪|为什么|怎么|是否|吗|呢|[？?。！]")


def with_antecedents(parts: list[str]) -> list[str]:
    """Each part after the first that points back at it ("…, and how much were they used that year?",
    "…？其中几个是新设的？") with the first part's naming words after it in parentheses, so that its
    evidence is sought about the same thing and year; the first part, and a later part that names its
    own subject, are unchanged.

    >>> with_antecedents(["What did the online portal add in 2022", "how much was it used that year?"])
    ['What did the online portal add in 2022', 'how much was it used that year? (the online portal add in 2022)']
    >>> with_antecedents(["损失登记册2024年拟议多少个员额？", "其中几个是新设的？"])
    ['损失登记册2024年拟议多少个员额？', '其中几个是新设的？(损失登记册2024年拟议员额)']
    >>> with_antecedents(["How many posts are proposed", "what do the consultants cost?"])
    ['How many posts are proposed', 'what do the consultants cost?']
    """
    if len(parts) < 2:
        return parts
    first = parts[0]
    chinese = has_han(first)
    context = _INTERROGATIVE_ZH.sub("", first).strip() if chinese else " ".join(_INTERROGATIVE_EN.sub(" ", first).split())
    if not context:
        return parts
    anaphor = _ANAPHOR_ZH if chinese else _ANAPHOR_EN
    suffix = f"({context})" if chinese else f" ({context})"
    return [first, *(part + suffix if anaphor.search(part) else part for part in parts[1:])]


def _comparison_parts(piece: str) -> list[str]:
    """A comparison ("compare A and B", "A, compared with B", "A和B分别") as its two sides."""
    match = _COMPARE.match(piece)
    if match:
        first, rest = match.group("a"), match.group("rest") or ""
        if not (_YEAR.search(first) and _YEAR.search(rest)):  # "compare posts in 2023 with posts in 2024"
            first += rest
        return _with_shared_years([first, match.group("b") + rest])
    sides = _COMPARED_WITH.split(piece, maxsplit=1)
    if len(sides) == 2 and all(len(side.strip()) >= MIN_PART_CHARS for side in sides):
        first, second = (side.strip() for side in sides)
        asks = _ASKS.match(first)
        if asks and not _ASKS.match(second):
            second = f"{asks.group(0)} {second}"  # "…, compared with its regular-budget posts" asks the same
        return _with_shared_years([first, second])
    match = _RESPECTIVELY_ZH.match(piece)
    if match:
        at = _conjunction_word(piece, len(match.group("a")))
        if at is not None:
            rest = match.group("rest")
            return _with_shared_years([piece[:at[0]] + rest, piece[at[1] : match.start("rest") - len("分别")] + rest])
    return [piece]


_CONJUNCTIONS = frozenset({"和", "与", "及", "以及"})


def _conjunction_word(piece: str, start: int) -> tuple[int, int] | None:
    """Where the first conjunction at or after `start` that is a word of its own stands in `piece`: the
    "和" inside a name ("政治建和部", "政治和建设和平事务部") joins nothing."""
    offset = 0
    for word, _ in tagged_words(piece):
        if offset >= start and word in _CONJUNCTIONS:
            return offset, offset + len(word)
        offset += len(word)
    return None


def _with_shared_years(parts: list[str]) -> list[str]:
    """Each part with the years the first part names, where it names none of its own."""
    years = [year.strip() for year in _YEAR.findall(parts[0])]
    if not years:
        return parts
    shared = " ".join(dict.fromkeys(years))
    chinese = has_han(parts[0])
    suffix = f"({shared})" if chinese else f" ({shared})"
    return [parts[0], *(part if _YEAR.search(part) else part + suffix for part in parts[1:])]
