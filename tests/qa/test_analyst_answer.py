"""Analyst answers on the bundled A/78/6 (Sect. 3): consistency questions from the audit, each-body and
which-body questions from the overview, each parsed by the real question parser, cited, and verified."""

from __future__ import annotations

import pytest

from budgetqa.qa.analyst_answer import AnalystAnswerer
from budgetqa.qa.understand import Aggregate, QuestionKind
from budgetqa.qa.verify import verify


@pytest.fixture(scope="module")
def understanding(document):
    from budgetqa.qa.understand import Understanding

    return Understanding.of(document)


@pytest.fixture(scope="module")
def analyst(document):
    return AnalystAnswerer(document)


@pytest.fixture
def ask(analyst, understanding, document):
    def answer(question: str):
        found = analyst.answer(understanding.parse(question))
        assert found is not None, question
        checked = verify(found, document)
        assert checked.verification.clean, (question, checked.verification)
        return checked

    return answer


@pytest.mark.parametrize(
    ("text", "consistency", "each", "ranking"),
    [
        ("表 3.27 的小计加起来对吗？", True, False, False),
        ("Do the figures in Annex IV add up?", True, False, False),
        ("联非办的数字有没有不一致的地方？", True, False, False),
        ("What does the Office of Counter-Terrorism do?", False, False, False),
        ("每个实体 2023 年的员额是多少？", False, True, False),
        ("Give the extrabudgetary resources for each entity.", False, True, False),
        ("哪个办事处的员额增加最多？", False, False, True),
        ("Which entity has the largest regular budget?", False, False, True),
    ],
)
def test_the_parse_reads_the_analysts_words_in_both_languages(understanding, text, consistency, each, ranking):
    parsed = understanding.parse(text)
    assert (parsed.kind is QuestionKind.CHECK, parsed.aggregate is Aggregate.EACH, parsed.ranks_bodies) == (
        consistency,
        each,
        ranking,
    )


def test_a_question_on_the_totals_of_table_3_68_lists_its_total_row_findings(ask):
    answer = ask("请核对表 3.68 共计行的数字是否一致")
    assert answer.text.startswith("对不上")
    assert "10 292.5" in answer.text and "10 484.1" in answer.text  # printed against the sum of its parts
    assert "337.9" in answer.text and "实质差异" in answer.text
    assert {(c.kind, c.ref) for c in answer.citations} == {("table", "3.68")}
    assert answer.mode == "analyst" and answer.facts


def test_an_english_question_on_unoct_lists_the_annex_total_against_its_parts(ask):
    answer = ask("Do the Office of Counter-Terrorism's figures agree with each other?")
    assert answer.language == "en" and answer.text.startswith("No")
    assert "29 662.5" in answer.text and "29 652.5" in answer.text
    assert "Annex IV" in answer.text and "Table 3.78" in answer.text


def test_a_table_that_adds_up_is_said_to_and_cited(ask):
    answer = ask("表 3.26 的合计对得上吗？")
    assert answer.text.startswith("对得上")
    assert [c.ref for c in answer.citations] == ["3.26"]


def test_each_body_posts_in_2023_with_the_section_total(ask):
    answer = ask("每个实体 2023 年经常预算的员额是多少？")
    for figure in ("277", "4 346", "66", "19", "6", "33", "4 747"):
        assert figure in answer.text
    assert all(c.kind == "annex" and c.ref == "四" for c in answer.citations)


def test_each_body_all_sources_warns_of_the_unoct_total_the_audit_doubts(ask):
    answer = ask("List the resources from all funding sources of each body in 2024.")
    assert "29,662.5" in answer.text and "Note — the audit finds" in answer.text
    assert "29 652.5" in answer.text


def test_which_body_grows_most_names_both_the_absolute_and_the_percentage_leader(ask):
    answer = ask("Which entity's regular budget increases the most in 2024?")
    assert answer.text.startswith("Special political missions: regular budget resources change by +6,991.2 (+0.9%)")
    assert "In percentage terms Office of Counter-Terrorism leads (+74.1%)" in answer.text
    assert answer.computations and all(c.holds() for c in answer.computations)


def test_which_body_loses_most_extrabudgetary_posts(ask):
    answer = ask("哪个实体的预算外员额减少最多？")
    assert answer.text.startswith("反恐怖主义办公室：预算外员额变动 −25")


def test_questions_of_other_kinds_are_left_to_the_other_answerers(analyst, understanding):
    assert analyst.answer(understanding.parse("反恐办 2024 年的经常预算是多少？")) is None
    assert analyst.answer(understanding.parse("What is the mandate of the Register of Damage?")) is None


def test_which_body_leads_in_percentage_terms_is_ranked_by_the_percentage_of_its_money(ask):
    answer = ask("哪个实体的经常预算按百分比增加最多？")
    assert answer.text.startswith("反恐怖主义办公室：经常预算变动 +4 304.3 (+74.1%)")
    english = ask("Which office has the biggest percentage increase in its regular budget?")
    assert english.text.startswith("Office of Counter-Terrorism: regular budget resources change by +4,304.3 (+74.1%)")


def test_total_resources_of_each_body_in_both_years_are_all_sources_with_the_change(ask):
    answer = ask("每个实体 2023 年和 2024 年的资源总额是多少？")
    assert answer.text.startswith("各实体的所有资金来源的资源，2023 年 → 2024 年（千美元）")
    assert "反恐怖主义办公室 67 411.5 → 29 662.5 (−37 789.0, −56.1%)" in answer.text
    assert "全款合计 1 006 516.6 → 972 089.2" in answer.text
    assert "注意，核查发现" in answer.text  # the annex's UNOCT and UNOAU totals are doubted


def test_a_fall_no_body_has_is_said_and_total_resources_rank_all_sources(ask):
    answer = ask("Which entity's regular budget drops the most in 2024?")
    assert answer.text.startswith("No body's regular budget resources fall from 2023 to 2024")
    total = ask("Which entity's total resources decrease the most?")
    assert total.text.startswith("Office of Counter-Terrorism: resources from all funding sources change by −37,789.0")


def test_a_difference_under_one_unit_is_a_verified_computation(ask):
    answer = ask("Are the percentages in table 3.56 consistent?")
    assert "difference −0.07 (discrepancy)" in answer.text  # 2.5 printed, 84.2 ÷ 3 282.0 × 100 = 2.57


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        # asking whether something is wrong: "yes" when the audit finds it, "no" when it finds nothing
        ("Is there a discrepancy among the Register of Damage figures?", "Yes: the audit finds these inconsistencies"),
        ("Any mistakes in the totals of table 3.27?", "Only rounding: the audit finds only differences of rounding"),
        ("Are there errors in table 3.55?", "No: the audit finds no inconsistency in Table 3.55"),
        ("反恐办的数字是否存在矛盾？", "有：核查发现反恐怖主义办公室有以下不一致："),
        ("表 3.53 的共计有没有差错？", "只有舍入差异：核查发现表 3.53 的共计只有舍入差异："),
        ("表 3.55 有错误吗？", "没有：核查没有发现表 3.55 有不一致之处"),
        # asking whether the figures agree: "no" when the audit finds a discrepancy
        ("Do the Register of Damage's figures tally?", "No: the audit finds these inconsistencies"),
        ("表 3.55 的数字一致吗？", "对得上：核查没有发现表 3.55 有不一致之处"),
    ],
)
def test_yes_or_no_answers_what_the_question_asks_whether_a_fault_or_agreement(ask, question, lead):
    assert ask(question).text.startswith(lead)


def test_the_overview_annex_named_in_words_is_the_scope_of_the_audit(ask):
    for question in ("Does the overview annex contain any inconsistent figure?", "资源概览附件里的数字有没有不一致？"):
        answer = ask(question)
        assert answer.text.startswith(("Yes: the audit finds these inconsistencies in Annex IV", "有：核查发现附件四有以下不一致"))
        assert "10 484.1" in answer.text and "29 662.5" in answer.text  # UNOAU and UNOCT all-sources totals
        assert "3.56" not in answer.text  # a table's own finding is not the annex's
