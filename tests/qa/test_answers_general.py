"""Answers to question shapes, each worded our own way, against the real document and index."""

from __future__ import annotations

import pytest

from budgetqa.qa.service import QAService
from budgetqa.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def service() -> QAService:
    return QAService.open(Settings.from_env())


def _refs(answer) -> list[str]:
    return [citation.ref for citation in answer.citations]


def test_a_follow_up_naming_another_body_asks_the_same_of_that_body(service: QAService) -> None:
    service.ask("联非办 2022 年提前两周购票的比例是多少？", session_id="other-body")
    answer = service.ask("那中东特协办呢？", session_id="other-body")
    assert "3.50" in _refs(answer) and "3.71" not in _refs(answer)
    assert "68" in answer.text


def test_a_change_is_shown_with_the_two_figures_it_lies_between(service: QAService) -> None:
    answer = service.ask("反恐办 P-3 员额 2024 年比 2023 年多了几个？")
    assert "+7" in answer.text and "5 个员额" in answer.text and "12 个员额" in answer.text


def test_two_bodies_set_against_each_other_by_a_comparative_are_compared(service: QAService) -> None:
    answer = service.ask("UNSCO and UNOAU: which one has the bigger regular budget in 2024?")
    assert "10,362.8" in answer.text and "1,007.0" in answer.text


def test_a_united_nations_organisation_outside_the_section_is_declined_by_its_own_name(service: QAService) -> None:
    answer = service.ask("联合国开发计划署 2024 年预算是多少？")
    assert answer.abstained and "联合国开发计划署" in answer.text and not answer.citations


def test_the_secretary_general_proposing_a_budget_is_answered_from_the_facts(service: QAService) -> None:
    answer = service.ask("What does the Secretary-General propose for UNRoD's regular budget in 2024?")
    assert not answer.abstained and answer.mode == "facts"
    assert "Register of Damage" in answer.text


def test_a_sentence_introducing_a_list_is_quoted_with_its_items(service: QAService) -> None:
    answer = service.ask("政治建和部 2024 年打算开展哪些评价？")
    assert "(a)" in answer.text and "(b)" in answer.text and "3.17" in _refs(answer)


def test_which_entity_of_the_section_ranks_the_entities(service: QAService) -> None:
    answer = service.ask("Which entity of section 3 has the largest drop in extrabudgetary resources in 2024?")
    assert answer.text.startswith("Office of Counter-Terrorism")


def test_asking_what_a_paragraph_is_about_shows_it(service: QAService) -> None:
    assert service.ask("第3.17段讲的是什么").mode == "lookup"


def test_a_piece_stating_another_year_gives_way_to_one_stating_the_asked_year(service: QAService) -> None:
    # the performance table's row lists 2020 and 2021 first; the paragraph under the 2022 heading answers
    answer = service.ask("2022 年建设和平基金有百分之几的钱用在特派团过渡上？")
    assert not answer.abstained and "33%" in answer.text and "3.89" in _refs(answer)


def test_only_vetoes_about_the_kind_of_figure_let_a_lower_piece_answer() -> None:
    from budgetqa.qa.vetoes import Veto

    assert {veto for veto in Veto if veto.of_figure_kind} == {Veto.OTHER_YEAR, Veto.NO_PERCENTAGE, Veto.COUNT_FOR_AMOUNT, Veto.NO_CHANGE}


def test_a_share_stated_in_a_paragraph_answers_a_share_question(service: QAService) -> None:
    answer = service.ask("What percentage of the civil society speakers at the Palestinian Rights Committee's events were women in 2022?")
    assert "3.78" in _refs(answer) and "61%" in answer.text


def test_a_compliance_question_is_answered_from_the_compliance_table_with_english_headers(service: QAService) -> None:
    answer = service.ask("Compliance with advance air-ticket purchase at UNSCO, 2021?")
    assert _refs(answer)[:1] == ["3.50"] and "18%" in answer.text
    assert "2022 actual" in answer.text and "Year" not in answer.text


def test_a_components_change_by_object_of_expenditure_is_read_from_its_explaining_paragraph(service: QAService) -> None:
    answer = service.ask("政治建和部决策机关增加的经费用在哪些支出用途上？")
    assert _refs(answer) == ["3.117"] and "254 100" in answer.text


def test_the_posts_and_non_post_parts_of_a_change_are_each_answered(service: QAService) -> None:
    answer = service.ask("Of UNOCT's increase for 2024, how much is for posts and how much for non-post items?")
    assert "+4,045.7" in answer.text and "+258.6" in answer.text



def test_a_growth_question_is_answered_by_the_sentence_that_states_the_growth(service: QAService) -> None:
    answer = service.ask("中东特协办的近身保护需求自 2018 年以来涨了多少？")
    assert "232%" in answer.text and _refs(answer) == ["三"]


def test_a_result_and_its_performance_measure_answer_the_two_parts_of_a_question(service: QAService) -> None:
    """The second part points back at the first ("that") and is read in the measures table that stands
    under the same result heading as the paragraph answering the first."""
    answer = service.ask(
        "How did the programme improve the handling of complex employment loss claims, and how many claims did that involve in 2022?"
    )
    assert _refs(answer)[:1] == ["3.187"] and "3.51" in _refs(answer)
    assert "400" in answer.text


def test_a_measures_cell_counting_with_an_approximate_number_answers_a_count(service: QAService) -> None:
    answer = service.ask("联合国特别协调员办事处怎样改善巴勒斯坦人进入以色列劳动力市场？2021年发放了多少份许可证？")
    assert "3.42" in _refs(answer) and "18 000 多份许可证" in answer.text


def test_asking_whether_anything_is_wrong_with_a_tables_totals_runs_the_audit(service: QAService) -> None:
    answer = service.ask("Is anything wrong with the totals in Table 3.68?")
    assert answer.mode == "analyst" and answer.text.startswith("Yes") and "discrepancy" in answer.text


def test_temporary_posts_which_only_a_tables_note_gives_are_read_from_the_note(service: QAService) -> None:
    answer = service.ask("政治建和部的员额里有几个是临时员额？")
    assert answer.mode == "extractive" and _refs(answer) == ["3.26"] and "4 个临时员额" in answer.text
