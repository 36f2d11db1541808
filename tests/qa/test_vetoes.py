"""Vetoes on the real document: evidence that cannot answer, and the reason given."""

from __future__ import annotations

import pytest

from budgetqa.index.evidence import Candidate
from budgetqa.ingest.model import BlockKind
from budgetqa.qa import vetoes as v
from budgetqa.qa.features import Evidence

from .real_evidence import RealEvidence


@pytest.fixture(scope="module")
def real(document) -> RealEvidence:
    return RealEvidence(document)


def test_an_amount_after_recosting_is_not_answered_by_an_estimate_before_it(real: RealEvidence) -> None:
    question = real.asked("政治建和部 2024 年重计费用后的员额经费是多少？")
    estimate = real.cell("3.24", 0, question.text)
    assert estimate.cell is not None and estimate.cell.column == "2024 年估计(重计费用前)"
    found = v.before_recosting(real.texts, question, estimate)
    assert found is not None and "before recosting" in found.reason("en")
    before = real.asked("政治建和部 2024 年重计费用前的员额经费是多少？")
    assert v.before_recosting(real.texts, before, real.cell("3.24", 0, before.text)) is None


def test_a_rare_body_the_evidence_never_names_vetoes_it(real: RealEvidence) -> None:
    question = real.asked("损失登记册办公室和联合国停战监督组织怎样合作？")
    assert any(entry.zh == "联合国停战监督组织" for entry in question.entities)
    naming = real.sentence("paragraph:3.180", "停战监督组织")
    other = real.sentence("paragraph:3.200", "200 000")
    assert v.missing_rare_entity(real.texts, question, naming) is None
    found = v.missing_rare_entity(real.texts, question, other)
    assert found is not None and found.rule == "rare_entity" and "联合国停战监督组织" in found.zh


def test_a_frequent_body_is_context_not_a_subject(real: RealEvidence) -> None:
    question = real.asked("安全理事会 2024 年有几次会议？")
    assert v.missing_rare_entity(real.texts, question, real.sentence("paragraph:3.162", "5 810")) is None


def test_an_asked_ordinal_must_be_the_one_the_evidence_speaks_of(real: RealEvidence) -> None:
    seventh = real.sentence("paragraph:3.233", "第七次审查")
    assert v.missing_ordinal(real.texts, real.asked("全球反恐战略第七次审查由哪项决议重申？"), seventh) is None
    found = v.missing_ordinal(real.texts, real.asked("Which resolution reaffirmed the ninth review of the Strategy?"), seventh)
    assert found is not None and found.rule == "ordinal"


def test_evidence_of_another_bodys_part_is_vetoed_unless_it_names_the_body(real: RealEvidence) -> None:
    question = real.asked("联非办 2024 年的预算外资源是多少？")
    assert v.other_body_part(real.texts, question, real.sentence("paragraph:3.230", "没有预算外资源")) is None
    found = v.other_body_part(real.texts, question, real.sentence("paragraph:3.269", "19 540 400"))
    assert found is not None and found.rule == "other_body" and "African Union" in found.en
    annex = next(u for u in real.units.values() if u.kind is BlockKind.ANNEX and "联非办" not in u.text)
    assert annex.part == ""  # the annexes belong to no body's part: never another body's evidence
    assert v.other_body_part(real.texts, question, Evidence(Candidate(annex, annex.text, 0, 0.5, 0.5))) is None
    no_body = real.asked("2024 年的预算外资源是多少？")
    assert v.other_body_part(real.texts, no_body, real.sentence("paragraph:3.269", "19 540 400")) is None


def test_a_count_question_needs_evidence_that_names_what_it_counts(real: RealEvidence) -> None:
    question = real.asked("委员会那年出访共派了几个代表团？")
    assert v.uncounted_noun(real.texts, question, real.sentence("paragraph:3.73", "个代表团")) is None
    found = v.uncounted_noun(real.texts, question, real.sentence("paragraph:3.162", "5 810"))
    assert found is not None and "代表团" in found.zh


def test_an_amount_is_not_answered_by_a_bare_count(real: RealEvidence) -> None:
    trucks = real.sentence("paragraph:3.162", "5 810")
    found = v.count_for_money(real.texts, real.asked("特别协调员办事处 2022 年花了多少钱？"), trucks)
    assert found is not None and found.rule == "count_for_money"
    assert v.count_for_money(real.texts, real.asked("2022 年有多少辆卡车离开加沙？"), trucks) is None


def test_a_figure_of_another_year_is_vetoed(real: RealEvidence) -> None:
    question = real.asked("政治建和部 2022 年员额支出是多少？")
    assert v.other_year(real.texts, question, real.cell("3.24", 0, question.text)) is None
    estimate = real.cell("3.24", 0, "2024 年估计")
    found = v.other_year(real.texts, question, estimate)
    assert found is not None and "2022" in found.en
    change = real.cell("3.24", 0, "变动 共计")  # a change column has no year: it is the budget year's
    assert v.other_year(real.texts, real.asked("政治建和部 2024 年员额经费变动多少？"), change) is None
    sentence = real.sentence("paragraph:3.269", "19 540 400")
    assert v.other_year(real.texts, real.asked("反恐办 2024 年预算外资源多少？"), sentence) is None
    assert v.other_year(real.texts, real.asked("反恐办 2021 年预算外资源多少？"), sentence) is not None


def test_veto_returns_the_first_rule_that_applies_with_a_reason_in_each_language(real: RealEvidence) -> None:
    question = real.asked("反恐办 2022 年有几个代表团？")
    found = v.veto(real.texts, question, real.sentence("paragraph:3.162", "5 810"))
    assert found is not None and found.rule == "other_body"  # before the count, which it also lacks
    assert found.reason("zh") == found.zh and found.reason("en") == found.en and found.zh != found.en
    fine = real.asked("特别协调员办事处 2022 年促成多少辆卡车离开加沙？")
    assert v.veto(real.texts, fine, real.sentence("paragraph:3.162", "5 810")) is None


@pytest.mark.parametrize(
    ("sentence", "year", "context", "expected"),
    [
        ("2021 年在 12 个国家投入 0.9 亿美元，比 2018 年多。", "2021", "", True),
        ("2021 年在 12 个国家投入 0.9 亿美元，比 2018 年多。", "2018", "", False),
        ("由于供资结束，预计 2025 年没有预算外资源。", "2025", "", True),
        ("本办公室投入 0.9 亿美元。", "2021", "2021 年方案执行情况", True),  # the year of its heading
        ("本办公室投入 0.9 亿美元。", "2021", "", False),
    ],
)
def test_figure_for_year(sentence: str, year: str, context: str, expected: bool) -> None:
    assert v.figure_for_year(sentence, year, context) is expected
