"""The question parse: a table of questions (our own, in both languages) → the slots they fill."""

from __future__ import annotations

import pytest

from budgetqa.index.glossary import load_glossary
from budgetqa.ingest.budget import Basis, FundingSource, Measure
from budgetqa.ingest.commands import load_document
from budgetqa.qa.understand import Aggregate, QuestionKind, Understanding


@pytest.fixture(scope="module")
def understanding() -> Understanding:
    return Understanding.of(load_document(), glossary=load_glossary())


CASES = [
    # question, lang, kind, bodies, funding, measure, years, aggregate
    ("联非办明年经常预算要多少钱？", "zh", QuestionKind.FIGURE, ("UNOAU",), FundingSource.REGULAR_BUDGET, Measure.MONEY, (2024,), Aggregate.VALUE),
    ("反恐办 2023 年核定了几个员额？", "zh", QuestionKind.FIGURE, ("UNOCT",), None, Measure.POSTS, (2023,), Aggregate.VALUE),
    ("中东特协办的预算外资源 2024 年比 2023 年减少了多少？", "zh", QuestionKind.FIGURE, ("UNSCO",), FundingSource.EXTRABUDGETARY, Measure.MONEY, (2024, 2023), Aggregate.CHANGE),
    ("第 3 款 2024 年的资源一共有多少？", "zh", QuestionKind.FIGURE, ("SECTION",), None, Measure.MONEY, (2024,), Aggregate.TOTAL),
    ("What are UNRoD's other assessed resources in 2024?", "en", QuestionKind.FIGURE, ("UNRoD",), FundingSource.OTHER_ASSESSED, Measure.MONEY, (2024,), Aggregate.VALUE),
    ("By what percentage does the Office of Counter-Terrorism's regular budget grow in 2024?", "en", QuestionKind.FIGURE, ("UNOCT",), FundingSource.REGULAR_BUDGET, Measure.PERCENTAGE, (2024,), Aggregate.PERCENTAGE),
    ("How many posts will the Department of Political and Peacebuilding Affairs have next year?", "en", QuestionKind.FIGURE, ("DPPA",), None, Measure.POSTS, (2024,), Aggregate.VALUE),
    ("Which office has the smallest regular budget?", "en", QuestionKind.COMPARE, (), FundingSource.REGULAR_BUDGET, Measure.MONEY, (), Aggregate.SMALLEST),
    ("损失登记册的经费比今年多多少？", "zh", QuestionKind.FIGURE, ("UNRoD",), None, Measure.MONEY, (2023,), Aggregate.CHANGE),
    ("How much more or less does UNSCO get from the regular budget in 2024 than in 2023?", "en", QuestionKind.FIGURE, ("UNSCO",), FundingSource.REGULAR_BUDGET, Measure.MONEY, (2024, 2023), Aggregate.CHANGE),
    ("What did the Office to the African Union do about travel compliance?", "en", QuestionKind.FACT, ("UNOAU",), None, None, (), Aggregate.VALUE),
    ("What is the 2023 estimate of the Office of the Special Coordinator, all sources?", "en", QuestionKind.FIGURE, ("UNSCO",), FundingSource.ALL, Measure.MONEY, (2023,), Aggregate.VALUE),
]


@pytest.mark.parametrize(("question", "lang", "kind", "bodies", "funding", "measure", "years", "aggregate"), CASES)
def test_a_question_fills_the_slots_it_names(
    understanding: Understanding, question, lang, kind, bodies, funding, measure, years, aggregate
) -> None:
    parsed = understanding.parse(question)
    assert (parsed.lang, parsed.kind, parsed.body_keys) == (lang, kind, bodies)
    assert (parsed.funding, parsed.measure, parsed.years, parsed.aggregate) == (funding, measure, years, aggregate)


def test_the_basis_asked_is_read_in_both_languages(understanding: Understanding) -> None:
    assert understanding.parse("政治建和部 2024 年核定的经常预算是多少？").basis is Basis.APPROVED
    assert understanding.parse("What did UNSCO actually spend in 2022?").basis is Basis.ACTUAL
    assert understanding.parse("UNOAU's budget before recosting").basis is Basis.ESTIMATE_BEFORE_RECOSTING
    assert understanding.parse("联非办重计费用后的经常预算").after_recosting
    assert not understanding.parse("联非办重计费用前的经常预算").after_recosting


def test_components_grades_and_objects_of_expenditure_are_named(understanding: Understanding) -> None:
    assert understanding.parse("选举援助次级方案 2024 年的经常预算").component == "选举援助"
    assert understanding.parse("How much goes to executive direction and management at DPPA?").component == "行政领导和管理"
    assert understanding.parse("反恐办有几个 P-5 员额？").breakdown == "P-5"
    assert understanding.parse("How much does UNOCT budget for consultants?").breakdown == "咨询人"
    assert understanding.parse("联非办的工作人员差旅费是多少？").breakdown == "工作人员差旅"


def test_a_follow_up_inherits_the_slots_it_leaves_out(understanding: Understanding) -> None:
    first = understanding.parse("反恐办 2024 年经常预算拟议多少？")
    follow = understanding.parse("那 2023 年呢？", first, is_follow_up=True)
    assert follow.body_keys == ("UNOCT",) and follow.funding is FundingSource.REGULAR_BUDGET
    assert follow.years == (2023,) and follow.basis is None and follow.measure is Measure.MONEY
    english = understanding.parse("And its extrabudgetary resources?", first, is_follow_up=True)
    assert english.body_keys == ("UNOCT",) and english.funding is FundingSource.EXTRABUDGETARY


def test_bodies_outside_the_section_and_other_topics_are_noticed(understanding: Understanding) -> None:
    assert understanding.parse("What is the 2024 budget of the Office for Disarmament Affairs?").unknown_bodies
    assert understanding.parse("How much has DPPA raised through the Multi-Year Appeal?").other_topics
    assert not understanding.parse("How much is DPPA's regular budget?").other_topics


def test_several_funding_sources_are_all_kept(understanding: Understanding) -> None:
    parsed = understanding.parse("把经常预算和预算外资源加在一起，联非办一共多少钱？")
    assert parsed.fundings == (FundingSource.REGULAR_BUDGET, FundingSource.EXTRABUDGETARY)
    assert parsed.funding is None and parsed.aggregate is Aggregate.TOTAL


def test_the_parts_of_a_question_share_its_scope(understanding: Understanding) -> None:
    parsed = understanding.parse("联非办 2024 年的非员额经费是多少？比员额经费高还是低？")
    first, second = understanding.split(parsed)
    assert parsed.kind is QuestionKind.COMPARE
    assert first.body_keys == second.body_keys == ("UNOAU",)
    assert second.years == (2024,) and second.breakdown == "员额"


def test_a_budget_organ_is_not_a_topic_of_its_own(understanding: Understanding) -> None:
    parsed = understanding.parse("大会为联非办核定的 2024 年经常预算批款是多少？")
    assert parsed.other_topics == () and parsed.basis is Basis.APPROVED


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("How much is requested for this independent evaluation of UNSCO?", "independent evaluation"),
        ("And what will that workshop cost?", "workshop"),
        ("这项调查要花多少钱？", "调查"),
    ],
)
def test_a_thing_the_question_points_at_is_a_topic_beyond_the_budget_rows(
    understanding: Understanding, question: str, topic: str
) -> None:
    assert any(topic in found for found in understanding.parse(question).other_topics)


@pytest.mark.parametrize(
    "question",
    [
        "How much is proposed for the special political missions in 2024?",
        "What is requested for the regular budget of UNOCT?",
        "How much does this office propose for 2024?",
        "反恐办这一年的经常预算是多少？",
    ],
)
def test_a_body_or_budget_noun_after_a_determiner_is_not_a_topic(understanding: Understanding, question: str) -> None:
    assert understanding.parse(question).other_topics == ()


def test_a_rate_or_a_share_of_posts_asks_for_a_percentage(understanding: Understanding) -> None:
    assert understanding.parse("政治建和部专业员额的空缺率是多少？").measure is Measure.PERCENTAGE
    assert understanding.parse("What share of UNOCT's posts are at the P-4 level?").measure is Measure.PERCENTAGE
    assert understanding.parse("被占领土的损失登记册有几个员额？").measure is Measure.POSTS


def test_a_post_change_is_a_slot_of_a_question_about_posts(understanding: Understanding) -> None:
    assert understanding.parse("How many posts will DPPA abolish in 2024?").post_change == "裁撤"
    assert understanding.parse("反恐办拟改叙几个员额？").post_change == "改叙"
    assert understanding.parse("反恐办有几个员额？").post_change is None


def test_the_secretary_general_proposing_a_budget_is_not_a_topic_of_its_own(understanding: Understanding) -> None:
    parsed = understanding.parse("How much does the Secretary-General propose for the Office to the African Union in 2024?")
    assert parsed.other_topics == () and parsed.asks_figure and parsed.body_keys == ("UNOAU",)
    assert understanding.parse("秘书长为联非办拟议的 2024 年经常预算是多少？").other_topics == ()


def test_regular_named_without_budget_is_still_the_regular_budget(understanding: Understanding) -> None:
    parsed = understanding.parse("How many regular and extrabudgetary posts does UNSCO have altogether in 2024?")
    assert parsed.fundings == (FundingSource.REGULAR_BUDGET, FundingSource.EXTRABUDGETARY)
    assert understanding.parse("Of UNOCT's regular posts, how many are P-4?").funding is FundingSource.REGULAR_BUDGET
    assert understanding.parse("Is the regular pattern of meetings kept?").fundings == ()


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("儿基会明年的预算要多少？", "儿基会"),
        ("What is ESCWA's proposed budget for 2024?", "Economic and Social Commission for Western Asia"),
        ("How many posts does the World Health Organization have in 2024?", "World Health Organization"),
    ],
)
def test_a_united_nations_organisation_outside_the_section_is_an_unknown_body(
    understanding: Understanding, question: str, named: str
) -> None:
    parsed = understanding.parse(question)
    assert parsed.bodies == () and named in parsed.unknown_bodies


def test_who_in_lower_case_is_not_an_organisation(understanding: Understanding) -> None:
    assert understanding.parse("Who signed the foreword of the Office of Counter-Terrorism?").unknown_bodies == ()


def test_a_purpose_question_asks_why(understanding: Understanding) -> None:
    assert understanding.parse("UNRoD's budget shows a technical adjustment. What is it for?").kind is QuestionKind.WHY
    assert understanding.parse("联非办这笔增加的经费用途是什么？").kind is QuestionKind.WHY


def test_a_share_said_with_zhan_or_a_compliance_asks_for_a_percentage(understanding: Understanding) -> None:
    assert understanding.parse("2022 年与会的青年代表里女性占多少？").measure is Measure.PERCENTAGE
    parsed = understanding.parse("Compliance with the documentation deadlines at UNSCO in 2021?")
    assert parsed.asks_figure and parsed.measure is Measure.PERCENTAGE
    assert understanding.parse("巴勒斯坦被占领土的损失登记册有几个员额？").measure is Measure.POSTS


def test_a_short_form_of_a_body_the_document_names_is_not_an_unknown_body(understanding: Understanding) -> None:
    # "巴勒斯坦委员会" shortens the Committee on the Exercise of the Inalienable Rights of the Palestinian People
    assert understanding.parse("去年民间社会在巴勒斯坦委员会会议上发言了几次？").unknown_bodies == ()
    assert understanding.parse("今年法律事务厅的预算是多少？").unknown_bodies == ("法律事务厅",)


def test_which_rows_asks_for_every_row_and_money_for_posts_is_post_costs(understanding: Understanding) -> None:
    from budgetqa.qa.understand import RankedRows

    assert understanding.parse("联非办的经费花在哪些支出用途上？").lists_rows is RankedRows.OBJECT
    assert understanding.parse("How much of UNSCO's budget goes to posts?").breakdown == "员额"
    assert understanding.parse("反恐办的经费有多少用于员额？").breakdown == "员额"
    assert understanding.parse("How many posts does UNSCO have?").breakdown is None


def test_weisha_asks_why(understanding: Understanding) -> None:
    assert understanding.parse("联非办为啥没有预算外资源？").kind is QuestionKind.WHY
