"""The figures a phrased answer must keep (:mod:`budgetqa.qa.asked_figures`).

The first tests read made-up answer texts (a FAKE "Office for Lunar Affairs", not the real
document's); the last ones read the real service's checked answers on the bundled document.
"""

from __future__ import annotations

import pytest

from budgetqa.ingest.budget import Measure
from budgetqa.qa.asked_figures import answer_lines, required_figures
from budgetqa.qa.model import Computation

# FAKE answers, made up for these tests.
PASSAGE = (
    "2030 年月球事务处在 12 个基地投资 3.5 亿美元，较 2029 年增加 7.5%，并从 COVID-19 疫情中恢复。 [¶9.1]\n"
    "这些资源覆盖超过 40 个基地和 90 个项目。 [¶9.2]"
)
ROW = "4. 月球事务处的考察团（A. 协助政府间进程），2030 年计划：25（同行：2029 年计划 20；2029 年实际 18） [表 9.3]"
TOTAL = "月球事务处经常预算：1 200.0 千美元；预算外：300.0 千美元；合计：1 500.0 千美元 [表 9.4]"


def texts(figures) -> list[str]:
    return [figure.text.strip() for figure in figures]


@pytest.mark.parametrize(
    ("measures", "expected"),
    [
        ((Measure.MONEY,), ["3.5 亿"]),
        ((Measure.COUNT,), ["12"]),
        ((Measure.PERCENTAGE,), ["7.5%"]),
        ((Measure.MONEY, Measure.COUNT), ["12", "3.5 亿"]),
    ],
)
def test_a_passage_answer_requires_the_figures_of_the_asked_measure_in_its_first_sentence(measures, expected):
    assert texts(required_figures(PASSAGE, measures)) == expected


def test_a_question_asking_no_figure_requires_the_first_sentences_figures_but_no_label():
    # "COVID-19" is a name, not a figure; the second sentence only supports the first
    assert texts(required_figures(PASSAGE)) == ["12", "3.5 亿", "7.5%"]


def test_a_numbered_rows_item_number_and_its_context_in_parentheses_are_not_required():
    assert texts(required_figures(ROW, (Measure.COUNT,))) == ["25"]


def test_a_measure_no_figure_has_falls_back_to_every_main_figure():
    assert texts(required_figures(ROW, (Measure.MONEY,))) == ["25"]


SHARES = "鉴于月球事务处有经常预算（12.5%）和自愿捐款（87.5%）两种来源，建议进行审查，费用 40 000 美元。 [¶9.5]"


def test_shares_only_in_parentheses_are_required_when_shares_are_asked():
    # the sentence's only percentages are in parentheses: they are what a question about shares asks
    assert texts(required_figures(SHARES, (Measure.PERCENTAGE,))) == ["12.5%", "87.5%"]
    # asked for money, the sentence has an amount outside parentheses: the shares stay context
    assert texts(required_figures(SHARES, (Measure.MONEY,))) == ["40 000"]


def test_a_question_asking_no_figure_requires_the_parenthesised_figures_when_the_sentence_has_no_other():
    assert texts(required_figures("月球事务处有多种经费来源（经常预算 10%、自愿捐款 90%）。 [¶9.1]")) == ["10%", "90%"]
    assert texts(required_figures(SHARES)) == ["40 000"]  # one outside: the context in parentheses is not required


def test_a_question_asking_no_figure_requires_every_figure_of_the_sentence_whatever_its_unit():
    achieved = "In 2030 the Office held 9 outreach meetings, trained 14 officials and reached 95% satisfaction. [para. 9.6]"
    # a question of what was achieved: counts and a share, all of them, though no measure was asked
    assert texts(required_figures(achieved)) == ["9", "14", "95%"]


def test_a_figure_answer_requires_every_part_and_a_computed_result_not_its_operands():
    two_parts = "月球事务处 2030 年员额：12 个 [表 9.4]\n月球事务处 2030 年经费：1 200.0 千美元 [表 9.4]"
    assert texts(required_figures(two_parts, (Measure.POSTS, Measure.MONEY), from_facts=True)) == ["12", "1 200.0 千"]
    total = Computation("1 200.0 + 300.0 = 1 500.0", [1200.0, 300.0], "+", 1500.0)
    assert texts(required_figures(TOTAL, (Measure.MONEY,), [total], from_facts=True)) == ["1 500.0 千"]
    wrong = Computation("1 200.0 + 300.0 = 1 600.0", [1200.0, 300.0], "+", 1600.0)  # does not hold: no exemption
    assert len(required_figures(TOTAL, (Measure.MONEY,), [wrong], from_facts=True)) == 3


def test_a_computed_total_is_required_even_without_a_unit_and_a_difference_keeps_what_it_compares():
    unitless = "月球事务处经常预算：1 200.0 千美元；预算外：300.0 千美元；合计：1 500.0 [表 9.4]"
    total = Computation("1 200.0 + 300.0 = 1 500.0", [1200.0, 300.0], "+", 1500.0)
    # money was asked and the total's words give no unit: it is required all the same, its parts are not
    assert texts(required_figures(unitless, (Measure.MONEY,), [total], from_facts=True)) == ["1 500.0"]
    compared = "月球事务处非员额：900.0 千美元 [表 9.4]\n月球事务处员额：700.0 千美元 [表 9.4]\n两者相差：900.0 千美元 − 700.0 千美元 = +200.0 千美元"
    difference = Computation("900.0 − 700.0 = 200.0", [900.0, 700.0], "-", 200.0)
    assert texts(required_figures(compared, (Measure.MONEY,), [difference], from_facts=True)) == ["900.0 千", "700.0 千", "200.0 千"]


def test_a_passage_answer_of_several_parts_takes_each_measure_from_the_first_line_that_states_it():
    two_parts = "3. 月球事务处的考察团，2030 年拟议：4 个员额 [表 9.3]\n2030 年拟议经常预算资源为 512 300 美元，与上一年持平。 [¶9.7]"
    assert texts(required_figures(two_parts, (Measure.POSTS, Measure.MONEY))) == ["4", "512 300"]
    # one measure asked, stated in the first line: a later line's other figures are support only
    assert texts(required_figures(two_parts, (Measure.POSTS,))) == ["4"]


def test_notes_in_parentheses_are_not_answer_lines():
    text = "（月球事务处的部分没有直接回答；以下出自另一部分。）\n" + PASSAGE
    assert answer_lines(text, from_facts=False) == [PASSAGE.splitlines()[0]]
    assert answer_lines("（甲）月球事务处有 12 个员额（乙）", from_facts=False) == ["（甲）月球事务处有 12 个员额（乙）"]


# ---------------------------------------------------------------------------------------------- real document


@pytest.fixture(scope="module")
def service():
    from budgetqa.qa.service import QAService

    return QAService.open()


def required_for(service, question: str) -> list[str]:
    found = service.offline(question)
    answer = found.answer
    from_facts = answer.mode in ("facts", "analyst") or bool(answer.facts)
    return texts(required_figures(answer.text, found.measures, answer.computations, from_facts=from_facts))


def test_real_posts_question_requires_the_posts_of_its_fact(service):
    # 表 3.76 prints 57 regular-budget posts for the Office of Counter-Terrorism in 2024
    assert required_for(service, "2024 年反恐办的经常预算员额有几个？") == ["57"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # ¶3.87: "2022 年在 37 个国家投资 2.315 亿美元，较 2021 年增加 18.7%" (quoted, or in its English version)
        ("In 2022, what sum did the Peacebuilding Fund put into countries?", 231_500_000),
        ("2022 年建设和平基金在多少个国家投资？", 37),
    ],
)
def test_real_passage_answer_requires_only_the_asked_figure_of_its_sentence(service, question, expected):
    found = service.offline(question)
    answer = found.answer
    required = required_figures(answer.text, found.measures, answer.computations, from_facts=bool(answer.facts))
    assert [figure.scaled for figure in required] == [expected], answer.text


def test_real_shares_printed_only_in_parentheses_are_required(service):
    # ¶3.116 gives UNOAU's funding shares only in parentheses: 经常预算(9.1%)、支助账户(85.2%)、自愿捐款(5.7%)
    found = service.offline("联非办的经费来源中，经常预算、支助账户和自愿捐款各占百分之几？")
    answer = found.answer
    required = required_figures(answer.text, found.measures, answer.computations, from_facts=bool(answer.facts))
    assert [figure.value for figure in required] == [9.1, 85.2, 5.7], answer.text


def test_real_comparison_requires_both_amounts_and_their_difference(service):
    # 表 3.33: executive direction and management, 2024, posts 1 607.2 and non-post 249.0 thousand dollars
    found = service.offline("行政领导和管理 2024 年的员额经费是多少？比非员额经费多还是少？")
    answer = found.answer
    assert answer.computations, answer.text
    required = required_figures(answer.text, found.measures, answer.computations, from_facts=True)
    assert [figure.value for figure in required] == [1607.2, 249.0, 1358.2], answer.text


def test_a_figure_answer_requires_every_lines_lead_figure_whatever_the_measures_asked():
    # FAKE facts answer: the question's measures name money only, the posts line is still a part
    two_parts = "月球事务处 2030 年经费：1 200.0 千美元（2029 年：1 100.0 千美元） [表 9.4]\n月球事务处 2030 年员额：12 个员额 [表 9.4]"
    assert texts(required_figures(two_parts, (Measure.MONEY,), from_facts=True)) == ["1 200.0 千", "12"]


ACHIEVED_ROW = (
    "The Office's objective is to serve the lunar assembly. [para. 9.8]\n"
    "Performance measures, 2031 Plan: satisfaction reached 100% (same row: 2030 (Actual) 7 outreach meetings; "
    "16 officials trained) [Table 9.9]"
)


def test_a_reply_to_a_question_asking_no_figure_keeps_every_figure_of_a_line_it_draws_on():
    # the reply takes 100% from the row: the row's other figures, in parentheses, are kept too
    assert texts(required_figures(ACHIEVED_ROW, reply="Satisfaction reached 100%.")) == ["100%", "7", "16"]
    # a reply stating none of the row's figures draws on no line: nothing beyond the first sentence
    assert texts(required_figures(ACHIEVED_ROW, reply="The Office serves the lunar assembly.")) == []
    # a question asking for a measure says which figure answers it: the reply may pick it alone
    assert texts(required_figures(ACHIEVED_ROW, (Measure.PERCENTAGE,), reply="Satisfaction reached 100%.")) == ["100%"]
