"""Questions that ask several things, taken apart: separate questions, comparisons, 分别."""

from __future__ import annotations

import pytest

from budgetqa.ingest.budget import Measure
from budgetqa.qa.understand.counting import asked_measure
from budgetqa.qa.understand.parts import split_question


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("联非办有几个员额？", ["联非办有几个员额？"]),
        ("What are the three pillars of the Register of Damage's work?",
         ["What are the three pillars of the Register of Damage's work?"]),
        ("损失登记册2023年收到多少份索赔？处理了几份？", ["损失登记册2023年收到多少份索赔？", "处理了几份？"]),
        ("Compare the regular budget and extrabudgetary resources of UNOAU for 2024.",
         ["the regular budget for 2024", "extrabudgetary resources of UNOAU for 2024"]),
        ("Please compare posts in 2023 with posts in 2024", ["posts in 2023", "posts in 2024"]),
        ("How much does DPPA get from the regular budget in 2024 versus extrabudgetary resources?",
         ["How much does DPPA get from the regular budget in 2024", "How much extrabudgetary resources? (2024)"]),
        ("特别协调员办事处 2024 年经常预算和预算外资源分别是多少？",
         ["特别协调员办事处 2024 年经常预算是多少？", "预算外资源是多少？(2024 年)"]),
    ],
)
def test_split_question(question: str, parts: list[str]) -> None:
    assert split_question(question) == parts


def test_a_comparison_side_that_names_its_own_year_keeps_it() -> None:
    assert split_question("How many posts did UNOAU have in 2023, compared with posts in 2024?") == [
        "How many posts did UNOAU have in 2023",
        "How many posts in 2024?",
    ]


def test_and_inside_a_name_is_not_a_comparison() -> None:
    assert split_question("政治和建设和平事务部 2024 年的员额资源是多少？") == ["政治和建设和平事务部 2024 年的员额资源是多少？"]


@pytest.mark.parametrize(
    "question",
    ["How many regular budget posts does UNOAU have?", "How many regular-budget posts? (2024)",
     "the number of extrabudgetary temporary posts"],
)
def test_posts_counted_behind_several_words_are_a_posts_question(question: str) -> None:
    assert asked_measure(question) is Measure.POSTS


def test_a_conjunction_inside_a_body_name_does_not_split_the_question() -> None:
    from budgetqa.qa.understand.parts import split_question

    assert split_question("政治建和部各次级方案的经费分别是多少？") == ["政治建和部各次级方案的经费分别是多少？"]
    assert split_question("政治和建设和平事务部与反恐办分别有几个员额？") == ["政治和建设和平事务部有几个员额？", "反恐办有几个员额？"]


def test_a_part_pointing_back_borrows_the_naming_words_of_the_first() -> None:
    from budgetqa.qa.understand.parts import with_antecedents

    parts = split_question("What did the claims unit change in 2021, and how much was it used that year?")
    assert with_antecedents(parts) == [
        "What did the claims unit change in 2021",
        "how much was it used that year? (the claims unit change in 2021)",
    ]
    assert with_antecedents(["反恐办2024年拟议多少个员额？", "其中几个是新设的？"])[1] == "其中几个是新设的？(反恐办2024年拟议员额)"
    assert with_antecedents(["How many posts does UNOAU have", "what will the consultants cost?"])[1] == "what will the consultants cost?"


@pytest.mark.parametrize(
    ("question", "measure"),
    [("How much was the claims website visited in 2021?", Measure.COUNT),
     ("How much were the new tools used last year?", Measure.COUNT),
     ("How much was spent on travel?", Measure.MONEY)],
)
def test_how_much_of_use_is_a_count_and_not_money(question: str, measure: Measure) -> None:
    assert asked_measure(question) is measure
