"""Posts by category (专业及以上职类 / 一般事务及有关职类) asked by their shorter names, answered from the
body's own staffing rows rather than a component's.  Questions are our own wordings."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def tools(budget_facts):
    return budget_facts.understanding, budget_facts.answerer


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("政治建和部有多少个一般事务人员员额？", "一般事务及有关职类"),
        ("政治建和部专业人员员额有几个？", "专业及以上职类"),
        ("How many Professional posts does DPPA have?", "专业及以上职类"),
    ],
)
def test_a_category_of_posts_is_named_by_its_shorter_names(tools, question: str, label: str) -> None:
    understanding, _ = tools
    parsed = understanding.parse(question)
    assert parsed.breakdown == label and parsed.measure is not None and parsed.measure.value == "posts"


def test_the_body_total_of_a_category_comes_from_the_body_row_not_a_component(tools) -> None:
    understanding, answerer = tools
    answer = answerer.answer(understanding.parse("How many Professional and higher posts does DPPA have in 2024?"))
    assert answer is not None and "184 posts" in answer.text
    assert "recosting" not in answer.text.split("[")[-1]  # posts are not recosted: no note saying so


@pytest.mark.parametrize(
    ("question", "shown"),
    [
        ("Which of UNSCO's posts are to be reclassified, and to what grade?", ("P-4", "P-5")),
        ("At which grades are the posts UNOCT proposes to convert to the regular budget?", ("2 P-5", "11 P-4", "2 LL")),
    ],
)
def test_an_english_post_change_shows_its_grades_in_english(tools, question: str, shown: tuple[str, ...]) -> None:
    understanding, answerer = tools
    answer = answerer.answer(understanding.parse(question))
    assert answer is not None and all(item in answer.text for item in shown)
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in answer.text)
