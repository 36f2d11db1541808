"""What kind of figure a piece of evidence states, and what it counts.

The question's side (what kind of figure a question asks for, what a count question counts) is
:mod:`budgetqa.qa.understand.counting`; matching the two keeps a posts table from answering a money
question.
"""

from __future__ import annotations

import re
from functools import lru_cache

from budgetqa.index.tokenize import tagged_words
from budgetqa.ingest.budget import FundingSource, Measure, row_measure
from budgetqa.ingest.model import Table


def sentence_measure(text: str) -> Measure:
    """The kind of figure a sentence states."""
    if "美元" in text:
        return Measure.MONEY
    if "%" in text or "百分之" in text:
        return Measure.PERCENTAGE
    if re.search(r"\d\s*个员额|员额\s*\d", text):
        return Measure.POSTS
    return Measure.COUNT


def cell_measure(table: Table, row_index: int, column_index: int) -> Measure:
    """The kind of figure a cell holds: its typed column's measure, or, in a table that mixes money
    and posts, its row's (:func:`~budgetqa.ingest.budget.row_measure`)."""
    row = table.rows[row_index]
    if column_index >= len(table.column_types):
        return Measure.COUNT
    measure = row_measure(table.unit, table.column_type(column_index), row.group, row.label)
    return Measure.COUNT if measure is Measure.TEXT else measure


@lru_cache(maxsize=1024)
def _noun_pattern(noun: str) -> str:
    """A pattern for `noun` whose words may have a few characters between them, as the document
    words it more fully ("社会经济报告" meets "社会经济状况报告")."""
    words = [re.escape(word) for word, _ in tagged_words(noun)]
    return r"[^\d，。；、,;:：]{0,4}?".join(words)


def mentions(text: str, noun: str) -> bool:
    """`text` names `noun`, its words perhaps a few characters apart.

    >>> mentions("巴勒斯坦社会经济状况报告", "社会经济报告"), mentions("社会、经济和报告", "社会经济报告")
    (True, False)
    """
    return re.search(_noun_pattern(noun), text) is not None


def states_count_of(text: str, noun: str) -> bool:
    """`text` gives a number of `noun` ("派出 7 个代表团", "10 份报告", "45 个联合国和非联合国实体").

    >>> states_count_of("派出 7 个代表团进行访问。", "代表团"), states_count_of("代表团访问", "代表团")
    (True, False)
    >>> states_count_of("包括 45 个联合国和非联合国实体", "实体"), states_count_of("发放了 300 多份通行证", "通行证")
    (True, True)
    """
    pattern = _noun_pattern(noun)
    counted = rf"\d\s*[多余]?\s*(?:{pattern}|[个名次份项辆家场起位所期届轮批][^\d，。；,;:：]{{0,12}}?{pattern})"
    return re.search(counted, text) is not None


# The funding sources of a UN budget section, by the words the document names them with.
FUNDING_SOURCES: dict[FundingSource, tuple[str, ...]] = {
    FundingSource.REGULAR_BUDGET: ("经常预算",),
    FundingSource.OTHER_ASSESSED: ("其他分摊", "支助账户"),
    FundingSource.EXTRABUDGETARY: ("预算外", "自愿捐"),
}
# A sentence that gives a budget figure as none: "预计 2024 年没有预算外资源", "未提供员额".
STATES_NONE = re.compile(r"(?:没有|无|不再有|未提供)[^，。；\d]{0,10}?(?:资源|资金|经费|供资|捐款|员额|拨款|批款)")


def funding_sources(text: str) -> set[FundingSource]:
    """The funding sources `text` names ("预计 2024 年没有预算外资源" → {EXTRABUDGETARY})."""
    return {source for source, words in FUNDING_SOURCES.items() if any(word in text for word in words)}
