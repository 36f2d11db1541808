"""What kind of figure a question asks for, and what kind a piece of evidence states.

"员额资源是多少" asks for money (the cost of posts); "有几个员额" asks for a number of posts; "what
share" asks for a percentage.  Matching the two keeps a posts table from answering a money question.
"""

from __future__ import annotations

import re
from enum import StrEnum

from budgetqa.ingest.model import Table, TableRow


class Measure(StrEnum):
    MONEY = "money"
    POSTS = "posts"
    PERCENT = "percent"
    COUNT = "count"


_POSTS = re.compile(
    r"(几|多少)个?(员额|职位)|员额(数|数目|总数|有多少个)|有几个|\bhow many\s+(?:[\w-]+\s+){0,4}posts\b"
    r"|\bnumber of\s+(?:[\w-]+\s+){0,4}posts\b"
    r"|\bposts? (are|does|do|will)\b",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"钱|经费|资金|美元|资源|预算|拨款|批款|支出|费用|\bhow much\b|\bfund(s|ing|ed)?\b|\bbudget|\bdollars?\b|\busd\b"
    r"|\bresources\b|\bcosts?\b|\bappropriat|\bexpenditure|\bspen[dt]",
    re.IGNORECASE,
)
_PERCENT = re.compile(
    r"百分|比例|比率|率|几成|占|%|\bshare\b|\bproportion\b|\bper ?cent|\bpercentage\b|\brates?\b", re.IGNORECASE
)


def question_measure(question: str) -> Measure:
    """The kind of figure `question` asks for.

    >>> question_measure("政治建和部 2024 年的员额资源是多少？"), question_measure("联非办有几个员额？")
    (<Measure.MONEY: 'money'>, <Measure.POSTS: 'posts'>)
    """
    if _POSTS.search(question):
        return Measure.POSTS
    if _PERCENT.search(question):
        return Measure.PERCENT
    if _MONEY.search(question):
        return Measure.MONEY
    return Measure.COUNT


def sentence_measure(text: str) -> Measure:
    """The kind of figure a sentence states."""
    if "美元" in text:
        return Measure.MONEY
    if "%" in text or "百分之" in text:
        return Measure.PERCENT
    if re.search(r"\d\s*个员额|员额\s*\d", text):
        return Measure.POSTS
    return Measure.COUNT


def cell_measure(table: Table, row: TableRow, cell_text: str) -> Measure:
    """The kind of figure a cell holds, from its table's unit (and, in tables that mix money and
    posts, from whether the value is printed with decimals as the money columns are)."""
    unit = table.unit or ""
    if "百分比" in unit:
        return Measure.PERCENT
    money, posts = "美元" in unit, "员额" in unit
    if money and posts:
        return Measure.MONEY if "." in cell_text else Measure.POSTS
    if money:
        return Measure.MONEY
    if posts:
        return Measure.POSTS
    return Measure.COUNT
