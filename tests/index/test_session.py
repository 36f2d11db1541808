from __future__ import annotations

import pytest

from budgetqa.index.session import Conversation, is_follow_up, rewrite


@pytest.mark.parametrize(
    "question",
    ["那2021年的呢？", "那预算外的呢？", "跟上一年相比多了多少？", "And for 2022?", "What about other assessed resources?"],
)
def test_short_or_anaphoric_questions_are_follow_ups(question: str) -> None:
    assert is_follow_up(question)


@pytest.mark.parametrize(
    "question",
    ["反恐怖主义办公室 2024 年拟设多少个员额？", "How many posts does the Office to the African Union propose for 2024?"],
)
def test_standalone_questions_are_not_follow_ups(question: str) -> None:
    assert not is_follow_up(question)


def test_a_year_follow_up_replaces_the_year_of_the_previous_question() -> None:
    assert rewrite("反恐办2022年的差旅遵守率是多少？", "那2021年的呢？") == "反恐办2021年的差旅遵守率是多少？"


def test_a_fund_source_follow_up_replaces_the_fund_source() -> None:
    previous = "选举援助次级方案 2024 年经常预算估计是多少？"
    rewritten = rewrite(previous, "那预算外资源是多少？")
    assert "预算外资源" in rewritten and "经常预算" not in rewritten


def test_a_follow_up_without_slots_is_appended_to_the_previous_question() -> None:
    previous = "反恐办2022年收到多少现金捐款？"
    assert rewrite(previous, "跟上一年相比多了多少？") == f"{previous} 跟上一年相比多了多少？"


def test_conversation_boosts_the_evidence_of_the_previous_turn() -> None:
    conversation = Conversation()
    first = conversation.resolve("反恐办2022年的差旅遵守率是多少？")
    assert not first.is_follow_up
    conversation.record("反恐办2022年的差旅遵守率是多少？", first, ["table:3.86", "paragraph:3.287"])
    second = conversation.resolve("那2021年的呢？")
    assert second.is_follow_up and "2021" in second.text and second.boost[0] == "table:3.86"
