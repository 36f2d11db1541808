from __future__ import annotations

import pytest

from budgetqa.index.session import Conversation, is_follow_up, rewrite


@pytest.mark.parametrize(
    "question",
    ["那2020年呢？", "那预算外资源呢？", "和前一年比增长了多少？", "And for 2023?", "What about extrabudgetary resources?"],
)
def test_short_or_anaphoric_questions_are_follow_ups(question: str) -> None:
    assert is_follow_up(question)


@pytest.mark.parametrize(
    "question",
    ["联合国同阿拉伯国家联盟合作这个次级方案有几个员额？", "How many posts does the Security Council Affairs subprogramme have in 2024?"],
)
def test_standalone_questions_are_not_follow_ups(question: str) -> None:
    assert not is_follow_up(question)


def test_a_year_follow_up_replaces_the_year_of_the_previous_question() -> None:
    assert rewrite("损失登记册办公室2022年的遵守率是多少？", "那2020年呢？") == "损失登记册办公室2020年的遵守率是多少？"


def test_a_fund_source_follow_up_replaces_the_fund_source() -> None:
    previous = "预防、管理和解决冲突这个次级方案 2024 年经常预算打算要多少钱？"
    assert "预算外资源" in rewrite(previous, "那它的预算外资源有多少？")
    assert "经常预算" not in rewrite(previous, "那它的预算外资源有多少？")


def test_a_follow_up_without_slots_is_appended_to_the_previous_question() -> None:
    assert rewrite("建设和平基金2022年投了多少钱？", "和前一年比增长了多少？") == "建设和平基金2022年投了多少钱？ 和前一年比增长了多少？"


def test_conversation_boosts_the_evidence_of_the_previous_turn() -> None:
    conversation = Conversation()
    first = conversation.resolve("损失登记册办公室2022年的遵守率是多少？")
    assert not first.is_follow_up
    conversation.record("损失登记册办公室2022年的遵守率是多少？", first, ["table:3.59", "paragraph:3.203"])
    second = conversation.resolve("那2020年呢？")
    assert second.is_follow_up and "2020" in second.text and second.boost[0] == "table:3.59"
