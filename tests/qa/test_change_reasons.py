"""Why a body's resources change: the paragraphs that state the change (known from the typed facts),
the list item that names the asked row, a specific reason preferred to the standard summary sentence.
Questions are our own wordings; the passages are the bundled document's."""

from __future__ import annotations

import pytest

from budgetqa.index.glossary import load_glossary
from budgetqa.ingest.commands import load_document
from budgetqa.ingest.facts import extract_facts
from budgetqa.qa.change_reasons import (
    asks_change_reason,
    explaining_paragraphs,
    reason_item,
    reason_passages,
    states_reason,
)
from budgetqa.qa.service import QAService
from budgetqa.qa.understand import Understanding
from budgetqa.settings import Settings


@pytest.fixture(scope="module")
def parsing():
    document = load_document()
    facts = extract_facts(document)
    return facts, Understanding.of(document, facts, load_glossary())


def test_the_standard_summary_sentence_is_not_a_specific_reason() -> None:
    assert not states_reason("资源变动的原因包括新的和扩大的任务规定以及其他变动。拟议资源数额用于充分、高效率、高成效地执行任务。")
    assert states_reason("资源变动反映增加 10 000 美元，原因是拟设 1 个员额。")


def test_why_questions_about_resources_are_recognised_and_others_are_not(parsing) -> None:
    _, understanding = parsing
    assert asks_change_reason(understanding.parse("Why is the Office of Counter-Terrorism's regular budget going up?"))
    assert asks_change_reason(understanding.parse("联非办的经费为什么减少了？"))
    assert not asks_change_reason(understanding.parse("Why was the Office to the African Union established?"))
    assert not asks_change_reason(understanding.parse("联非办 2024 年的经费是多少？"))


def test_the_paragraphs_naming_the_asked_row_come_first(parsing) -> None:
    facts, understanding = parsing
    parsed = understanding.parse("反恐办的非员额资源为什么增加？")
    refs = explaining_paragraphs(facts, parsed)
    assert refs and refs[0] == "3.268"


def test_the_item_naming_the_asked_row_is_chosen(parsing) -> None:
    _, understanding = parsing
    text = "如表 X 所示，净增 30 美元。变动细目如下： (a) 差旅项下增加 20 美元，原因是会议增多； (b) 用品项下增加 10 美元，原因是价格上涨。"
    parsed = understanding.parse("为什么政治建和部的用品和材料增加了？")
    assert parsed.breakdown == "用品和材料"
    assert reason_item(text.replace("用品", "用品和材料"), parsed) == "(b) 用品和材料项下增加 10 美元，原因是价格上涨。"


@pytest.fixture(scope="module")
def service() -> QAService:
    return QAService.open(Settings.from_env())


@pytest.mark.slow
def test_why_a_body_budget_rises_is_answered_from_its_specific_explanation(service: QAService) -> None:
    answer = service.ask("反恐办的经常预算为什么大幅增加？")
    assert not answer.abstained and [c.ref for c in answer.citations] == ["3.268"]
    assert "24 个" in answer.text


@pytest.mark.slow
def test_why_a_row_rises_quotes_the_item_that_explains_it(service: QAService) -> None:
    answer = service.ask("政治建和部代表差旅为什么要多花钱？")
    assert [c.ref for c in answer.citations] == ["3.117"] and answer.text.startswith("(a)")
    assert "特别委员会" in answer.text and "(b)" not in answer.text


@pytest.mark.slow
def test_an_english_why_question_leads_with_the_checked_english(service: QAService) -> None:
    answer = service.ask("Why are UNSCO's resources rising in 2024?")
    assert [c.ref for c in answer.citations] == ["3.172"]
    assert "machine translation" in answer.text and "Jerusalem" in answer.text


@pytest.mark.slow
def test_a_funding_source_without_resources_is_explained_by_its_own_paragraph(service: QAService) -> None:
    answer = service.ask("联非办为什么 2024 年不再有预算外资源？")
    assert [c.ref for c in answer.citations] == ["3.230"] and "停止供资" in answer.text


@pytest.mark.slow
def test_a_component_asked_about_is_explained_by_the_paragraph_naming_it(service: QAService) -> None:
    answer = service.ask("Why does DPPA's executive direction and management need $200,000 more?")
    assert [c.ref for c in answer.citations] == ["3.116"]


def test_the_passages_prefer_the_item_then_the_naming_paragraph_then_specific_reasons(parsing) -> None:
    _, understanding = parsing
    parsed = understanding.parse("为什么政治建和部的咨询人经费增加了？")
    pieces = [("summary", "资源变动的原因包括其他变动。"), ("named", "咨询人项下增加 5 美元，用于一项审查。"), ("other", "差旅项下增加 3 美元，原因是会议增多。")]
    assert [piece for piece, _ in reason_passages(pieces, parsed, 2)] == ["named"]
    unnamed = understanding.parse("为什么政治建和部的经费增加了？")
    assert [piece for piece, _ in reason_passages(pieces, unnamed, 2)] == ["named", "other"]
    assert [piece for piece, _ in reason_passages(pieces[:1], unnamed, 2)] == ["summary"]
