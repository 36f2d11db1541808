"""The generated-question scorer: the expected figure in its unit and a citation that prints it."""

from __future__ import annotations

import pytest

from budgetqa.eval.answer_metrics import AnswerRecord, CitedUnit
from budgetqa.eval.generate import GeneratedQuestion
from budgetqa.eval.generated_metrics import breakdown, render_markdown, results_json, score

TABLE = (CitedUnit("table", "3.75"),)


def money(value: float = 10_112_100.0) -> GeneratedQuestion:
    return GeneratedQuestion(
        "m",
        "zh",
        "body_total",
        "body_total-zh-check-1",
        "check",
        "反恐办明年经常预算要多少钱？",
        (value,),
        "USD",
        ("table:3.75", "annex:四"),
        True,
    )


def percent() -> GeneratedQuestion:
    return GeneratedQuestion(
        "p",
        "en",
        "change",
        "change-en-check-2",
        "check",
        "By what percentage …?",
        (74.1,),
        "%",
        ("table:3.75",),
        True,
    )


def posts() -> GeneratedQuestion:
    return GeneratedQuestion(
        "n",
        "en",
        "posts",
        "posts-en-fit-1",
        "fit",
        "How many posts …?",
        (57.0,),
        "posts",
        ("table:3.75",),
        True,
    )


def answer(text: str, citations: tuple[CitedUnit, ...] = TABLE, abstained: bool = False) -> AnswerRecord:
    return AnswerRecord("x", text, citations, abstained)


@pytest.mark.parametrize(
    "text",
    [
        "反恐怖主义办公室 2024 年经常预算估计(重计费用前)：10 112.1 千美元",
        "Regular budget, 2024 estimate before recosting: USD 10,112.1 thousand",
        "拟议经常预算资源为 10 112 100 美元",
        "about US$10.1 million",
        "change: USD +10,112.1 thousand",
        "约 1 011.21 万美元",
        "51 212.8（千美元）以外，反恐办为 10 112.1（千美元）",
    ],
)
def test_money_is_accepted_in_any_unit_it_is_printed_with(text: str) -> None:
    result = score(money(), answer(text))
    assert result.value_ok and result.cites_ok and result.correct


@pytest.mark.parametrize(
    "text",
    [
        "2024 年估计(重计费用前)：10 112.1",  # no unit
        "about US$10 million",  # rounded past the figure
        "10 112.1 美元",  # thousands written as dollars
        "10 112.1%",
    ],
)
def test_money_without_its_unit_or_in_the_wrong_unit_is_rejected(text: str) -> None:
    assert not score(money(), answer(text)).correct


def test_a_percentage_labelled_as_money_is_rejected_as_a_wrong_unit() -> None:
    result = score(percent(), answer("Change: 74.1 千美元"))
    assert not result.value_ok and result.wrong_unit and not result.correct
    assert score(percent(), answer("percentage change 2023 to 2024: +74.1%")).correct
    assert score(percent(), answer("an increase of 74.1 per cent")).correct


def test_posts_are_a_count_not_money() -> None:
    assert score(posts(), answer("2024 年拟议员额：57 个员额")).correct
    assert score(posts(), answer("2024 proposed posts: 57 posts")).correct
    assert not score(posts(), answer("57 千美元")).correct
    assert not score(posts(), answer("56 posts")).correct


def test_a_change_is_found_whatever_its_sign_is_written_with() -> None:
    change = money(-128_400.0)
    assert score(change, answer("与 2023 年相比减少 128 400 美元")).correct
    assert score(change, answer("变动：(128.4) 千美元")).correct


def test_the_right_figure_with_a_citation_that_does_not_print_it_is_not_correct() -> None:
    result = score(money(), answer("10 112.1 千美元", (CitedUnit("paragraph", "3.1"),)))
    assert result.value_ok and not result.cites_ok and not result.correct
    assert score(money(), answer("10 112.1 千美元", (CitedUnit("annex", "附件四"),))).correct


def test_an_abstention_is_wrong_for_an_answerable_question_and_right_for_an_unanswerable_one() -> None:
    assert not score(money(), answer("文件没有提到这一点。", (), abstained=True)).correct
    declined = GeneratedQuestion(
        "u",
        "zh",
        "unanswerable",
        "unanswerable-zh-fit-3",
        "fit",
        "反恐办 2026 年经常预算是多少？",
        (),
        "",
        (),
        False,
    )
    assert score(declined, answer("文件没有 2026 年的数字。", (), abstained=True)).correct
    assert not score(declined, answer("10 112.1 千美元")).correct


def test_summaries_break_down_by_language_split_and_kind() -> None:
    scores = [
        score(money(), answer("10 112.1 千美元")),
        score(percent(), answer("74.1 千美元")),
        score(posts(), answer("57 个员额")),
    ]
    groups = breakdown(scores)
    assert groups["zh/check/body_total"].correct == 1.0
    assert groups["en/check/change"].correct == 0.0 and groups["en/check/change"].wrong_unit == 1
    assert groups["en/fit/posts"].n == 1 and groups["all/check/all"].n == 2
    markdown = "\n".join(render_markdown(scores))
    assert "| en | check | change | 1 | 0.000 |" in markdown
    assert set(results_json(scores)["per_question"]) == {"m", "p", "n"}  # type: ignore[arg-type]
