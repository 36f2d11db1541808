"""How a question asks: for a unit to be shown, for a figure, or for something else (own wordings)."""

from __future__ import annotations

import pytest

from budgetqa.qa.understand.interrogatives import asks_figure, asks_lookup, cited_references


@pytest.mark.parametrize(
    "question",
    ["第3.41段讲了什么？", "Show me table 3.70.", "Could you display paragraph 3.200?", "表3.65", "附件二"],
)
def test_a_named_unit_to_show_is_a_lookup(question: str) -> None:
    assert asks_lookup(question)


@pytest.mark.parametrize(
    "question",
    [
        "反恐办明年要多少钱？",
        "联非办有几个员额？",
        "How much does the Register of Damage request for 2024?",
        "What share of UNOCT's resources is extrabudgetary?",
        "UNSCO regular budget 2024",
        "损失登记册的预算",
    ],
)
def test_figure_questions(question: str) -> None:
    assert asks_figure(question)


@pytest.mark.parametrize(
    "question",
    [
        "联非办采取了哪些措施来提高遵守率？",
        "What did the Office of Counter-Terrorism do about travel compliance?",
        "Who chairs the board of the Register of Damage?",
        "为什么反恐办要增设员额？",
        "表 3.65 的共计是多少？",  # cites a table but asks for a figure in it
    ],
)
def test_questions_that_ask_for_something_else_are_not_figures_or_not_lookups(question: str) -> None:
    assert not asks_lookup(question)
    assert asks_figure(question) == question.endswith("多少？")


def test_a_question_that_is_only_a_reference_is_whole() -> None:
    citations, whole = cited_references("表 3.65")
    assert whole and len(citations) == 1
    citations, whole = cited_references("表 3.65 和 ¶3.228 有什么关系？")
    assert not whole and len(citations) == 2
