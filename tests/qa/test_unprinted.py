"""Breakdowns a budget never prints (who holds a post, one person's pay, where travel goes, a month):
recognised in both languages, declined with the figure the document does give, and not confused with
topics that merely share a word.  The questions are our own wordings."""

from __future__ import annotations

import pytest

from budgetqa.ingest.budget import Measure
from budgetqa.qa.understand.unprinted import Unprinted, unprinted_breakdown


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("政治建和部的 D-1 员额有几个由女性担任？", Unprinted.GENDER),
        ("What is the gender split of UNSCO's posts?", Unprinted.GENDER),
        ("反恐办员额按国籍怎么分布？", Unprinted.NATIONALITY),
        ("How much is the Special Coordinator paid per year?", Unprinted.PERSON),
        ("联非办主任的年薪是多少？", Unprinted.PERSON),
        ("How much of DPPA's staff travel is for trips to Geneva?", Unprinted.DESTINATION),
        ("政治建和部每季度的经常预算是多少？", Unprinted.PERIOD),
        ("What is UNOCT's monthly regular budget?", Unprinted.PERIOD),
    ],
)
def test_a_breakdown_budgets_never_print_is_recognised(question: str, kind: Unprinted) -> None:
    assert unprinted_breakdown(question) is kind


@pytest.mark.parametrize(
    "question",
    [
        "How many posts does UNOAU propose for 2024?",
        "反恐办 2024 年工作人员差旅经费是多少？",
        "How much travel to attend meetings is budgeted for DPPA representatives?",
        "截至 2022 年 12 月 31 日损失登记册收到多少份索赔表？",
    ],
)
def test_ordinary_budget_questions_name_no_unprinted_breakdown(question: str) -> None:
    assert unprinted_breakdown(question) is None


def test_a_topic_sharing_a_word_with_a_breakdown_does_not_qualify_money() -> None:
    kind = unprinted_breakdown("How much goes to women and peace and security work?")
    assert kind is Unprinted.GENDER and not kind.qualifies(Measure.MONEY) and kind.qualifies(Measure.POSTS)


@pytest.fixture(scope="module")
def answer(budget_facts):
    return lambda question: budget_facts.answerer.answer(budget_facts.understanding.parse(question))


def test_posts_held_by_women_are_declined_with_the_count_of_posts(answer) -> None:
    reply = answer("How many of UNOAU's posts are held by women in 2024?")
    assert reply.abstained and "gender" in reply.text and "6 posts" in reply.text
    assert [c.ref for c in reply.citations] == ["3.66"]


def test_travel_by_destination_is_declined_with_the_travel_line(answer) -> None:
    reply = answer("中东特协办工作人员差旅费中去耶路撒冷出差的经费是多少？")
    assert reply.abstained and "目的地" in reply.text and "199.5 千美元" in reply.text


def test_a_share_of_a_performance_measure_is_left_to_the_tables(answer) -> None:
    assert answer("政治建和部 2021 年提前两周购买机票的比例是多少？") is None
