"""Figure answers from the real document's facts (no search index needed): value, unit, citation,
language, computed figures with their formula, and reasoned declines. Questions are our own."""

from __future__ import annotations

import re

import pytest

from budgetqa.index.glossary import load_glossary
from budgetqa.ingest.bodies import BodyRegistry
from budgetqa.ingest.commands import load_document
from budgetqa.ingest.facts import extract_facts
from budgetqa.qa.compose import join_answers
from budgetqa.qa.fact_answer import FactAnswerer
from budgetqa.qa.model import Answer
from budgetqa.qa.understand import Understanding
from budgetqa.qa.verify import verify

_HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def ask():
    document = load_document()
    registry = BodyRegistry.of(document)
    facts = extract_facts(document, registry)
    glossary = load_glossary()
    understanding = Understanding.of(document, facts, glossary)
    answerer = FactAnswerer(facts, registry, glossary)

    def run(question: str, previous: str | None = None) -> Answer:
        before = understanding.parse(previous) if previous else None
        parsed = understanding.parse(question, before, is_follow_up=before is not None)
        parts = understanding.split(parsed)
        answers = [answerer.answer(part) for part in parts]
        assert all(answers), question
        answer = join_answers(parsed, answers, answerer.contrast(parsed, answers))  # type: ignore[arg-type]
        return verify(answer, document)

    return run


def _refs(answer: Answer) -> set[tuple[str, str]]:
    return {(c.kind, c.ref) for c in answer.citations}


def test_a_body_total_comes_from_its_own_tables_and_the_overview_annex(ask) -> None:
    answer = ask("反恐办 2024 年经常预算是多少？")
    assert "10 112.1 千美元" in answer.text and ("table", "3.78") in _refs(answer) and ("annex", "四") in _refs(answer)
    assert answer.verification.clean and not answer.abstained


def test_an_english_figure_answer_has_no_chinese_outside_its_evidence(ask) -> None:
    answer = ask("What regular budget does UNOAU propose for 2024?")
    assert "USD 1,007.0 thousand" in answer.text and not _HAN.search(answer.text)
    assert all(c.quote for c in answer.citations)  # the Chinese source stays as evidence


def test_a_change_is_read_from_the_change_columns_and_a_percentage_is_never_money(ask) -> None:
    answer = ask("How much did UNOCT's regular budget increase from 2023 to 2024?")
    assert "USD +4,304.3 thousand" in answer.text and "74.1%" in answer.text
    assert not re.search(r"74\.1\s*thousand|74\.1\s*千美元", answer.text)


def test_a_difference_the_document_does_not_print_is_computed_with_its_formula(ask) -> None:
    answer = ask("联非办 2022 年到 2024 年经常预算变化了多少？")
    assert "−" in answer.text and "=" in answer.text and answer.computations
    assert answer.verification.clean  # every operand is printed in a cited unit


def test_the_section_total_comes_from_the_overview_annex(ask) -> None:
    answer = ask("What is the total proposed regular budget of Section 3 for 2024?")
    assert "851,187.1" in answer.text and ("annex", "四") in _refs(answer)


def test_posts_by_grade_come_from_the_staffing_tables(ask) -> None:
    answer = ask("联非办 2024 年有几个 P-5 员额？")
    assert re.search(r"\d+ 个员额", answer.text) and any(ref[1] in ("3.67",) for ref in _refs(answer))


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("What is DPPA's approved regular budget for 2024?", "not the approved"),
        ("反恐办重计费用后的经常预算是多少？", "重计费用后"),
        ("How much will UNSCO receive in 2026?", "no 2026 figure"),
        ("What is the 2024 budget of the Office for Disarmament Affairs?", "no budget figures for"),
        ("联伊援助团明年的拟议经费是多少？", "没有联伊援助团的预算数字"),  # a mission by its short name
        ("What will UNSOM spend in 2024?", "no budget figures for UNSOM"),  # an acronym; a verb of money
    ],
)
def test_a_slot_the_document_cannot_ground_is_declined_with_the_reason(ask, question: str, reason: str) -> None:
    answer = ask(question)
    assert answer.abstained and reason in answer.text


def test_a_follow_up_keeps_the_body_and_changes_the_year(ask) -> None:
    answer = ask("那 2023 年呢？", previous="反恐办 2024 年经常预算是多少？")
    assert "反恐怖主义办公室" in answer.text and "5 807.8 千美元" in answer.text and "批款" in answer.text


def test_the_largest_body_is_found_over_the_facts(ask) -> None:
    answer = ask("Which body has the largest regular budget in 2024?")
    assert answer.text.startswith("Largest: Special political missions")


def test_each_part_of_a_compared_question_is_answered_and_the_difference_computed(ask) -> None:
    answer = ask("行政领导和管理 2024 年的非员额经费是多少？比员额经费多还是少？")
    assert "非员额" in answer.text and "员额" in answer.text
    assert len(answer.facts) >= 2 and len(answer.computations) == 1
    computation = answer.computations[0]
    assert computation.operator == "-" and computation.holds()
    assert answer.verification.clean, answer.verification


def test_two_funding_sources_added_together_give_their_sum(ask) -> None:
    answer = ask("把经常预算和预算外资源合在一起，反恐办 2024 年一共有多少钱？")
    regular = ask("反恐办 2024 年经常预算是多少？")
    extrabudgetary = ask("反恐办 2024 年预算外资源是多少？")
    assert answer.verification.clean, answer.verification
    assert {regular.facts[0], extrabudgetary.facts[0]} <= set(answer.facts)
    assert "合计" in answer.text


def test_two_funding_sources_compared_give_both_and_their_difference(ask) -> None:
    answer = ask("Compare UNOCT's regular budget and extrabudgetary resources for 2024.")
    assert answer.language == "en" and not _HAN.search(answer.text)
    assert "Difference" in answer.text and answer.computations
    assert answer.verification.clean, answer.verification


def test_a_source_printed_as_none_is_said_and_not_subtracted(ask) -> None:
    answer = ask("Compare UNSCO's regular budget and extrabudgetary resources for 2024.")
    assert "none" in answer.text and not answer.computations
    assert answer.verification.clean, answer.verification


@pytest.mark.parametrize("question", ["政治建和部明年在差旅上的预算是多少？", "What is DPPA's 2024 travel budget?"])
def test_a_word_shared_by_several_objects_of_expenditure_gives_each_and_their_sum(ask, question: str) -> None:
    answer = ask(question)
    assert len(answer.computations) == 1 and answer.computations[0].operator == "+"
    computation = answer.computations[0]
    assert len(computation.operands) >= 2 and computation.result == round(sum(computation.operands), 1)
    assert answer.verification.clean and not answer.abstained


def test_a_future_tense_question_about_a_figure_noun_is_a_figure_question(ask) -> None:
    answer = ask("What will the Office of Counter-Terrorism's regular budget be in 2024?")
    assert "USD 10,112.1 thousand" in answer.text and not answer.abstained


@pytest.mark.parametrize(
    ("question", "shown"),
    [
        ("反恐办有几个员额要从预算外资源改划到经常预算？", "改划：24 个员额（2 个 P-5、11 个 P-4"),
        ("How many UNOCT posts are converted to the regular budget?", "24 posts, 2 P-5, 11 P-4"),
    ],
)
def test_a_post_change_is_read_from_the_staffing_table_with_its_grades(ask, question: str, shown: str) -> None:
    answer = ask(question)
    assert shown in answer.text and ("table", "3.76") in _refs(answer) and not answer.abstained


@pytest.mark.parametrize("question", ["反恐办 2024 年拟新设几个员额？", "How many posts will UNOCT abolish in 2024?"])
def test_a_post_change_the_table_does_not_list_is_declined_with_the_changes_it_does_list(ask, question: str) -> None:
    answer = ask(question)
    assert answer.abstained and "24" in answer.text and not (answer.language == "en" and _HAN.search(answer.text))
