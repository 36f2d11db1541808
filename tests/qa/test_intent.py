from __future__ import annotations

import pytest

from budgetqa.qa.intent import QuestionKind, classify


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("第3.27段讲了什么？", QuestionKind.LOOKUP),
        ("Show me table 3.54.", QuestionKind.LOOKUP),
        ("Can you pull up table 3.29?", QuestionKind.LOOKUP),
        ("表3.27", QuestionKind.LOOKUP),
        ("政治建和部 2024 年的员额资源是多少？", QuestionKind.FIGURE),
        ("How much is proposed for special political missions in 2024?", QuestionKind.FIGURE),
        ("What share of the budget goes to posts?", QuestionKind.FIGURE),
        ("损失登记册对残疾索赔人有什么特别安排？", QuestionKind.FACT),
        ("Who recommended the independent strategic review?", QuestionKind.FACT),
    ],
)
def test_classify(question: str, kind: QuestionKind) -> None:
    assert classify(question).kind is kind


def test_years_are_slots() -> None:
    assert classify("2022 年和 2024 年的员额各是多少？").years == ("2022", "2024")
