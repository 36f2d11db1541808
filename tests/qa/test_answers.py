"""Answers of the real service to questions a delegate asks (facts of A/78/6 (Sect. 3)).

The questions are written for these tests; none is a development-set question.
"""

from __future__ import annotations

import re

import pytest

from budgetqa.index.evidence import RankedUnit
from budgetqa.index.glossary import load_glossary
from budgetqa.qa.service import QAService
from budgetqa.qa.table_answer import names_row
from budgetqa.settings import Settings


@pytest.mark.parametrize(
    ("question", "named"),
    [("政治建和部 2024 年的员额资源是多少？", True), ("政治建和部 2024 年的非员额资源是多少？", False)],
)
def test_a_row_label_inside_a_longer_term_of_the_question_is_not_named(document, question: str, named: bool) -> None:
    table = document.table("3.24")
    posts = next(row for row in table.rows if row.label == "员额")
    terms = [form for form, _ in load_glossary().find_terms(question)]
    assert names_row("".join(question.split()), terms, posts, table) is named


@pytest.fixture(scope="module")
def service() -> QAService:
    return QAService.open(Settings.from_env())


def _refs(answer) -> list[tuple[str, str]]:
    return [(citation.kind, citation.ref) for citation in answer.citations]


@pytest.mark.slow
def test_the_posts_resources_of_dppa_come_from_the_posts_row_of_table_3_24(service: QAService) -> None:
    answer = service.ask("政治建和部 2024 年的员额资源是多少？")
    assert not answer.abstained and answer.verification.clean
    assert "47 270.9" in answer.text and ("table", "3.24") in _refs(answer)


@pytest.mark.slow
def test_an_english_question_gets_the_special_political_missions_total_of_paragraph_3_144(service: QAService) -> None:
    answer = service.ask("How much is proposed for special political missions in 2024?")
    assert "USD 775,326.2 thousand" in answer.text and ("paragraph", "3.144") in _refs(answer)
    assert "special political missions" in answer.text.lower()  # English from end to end
    assert not re.search(r"[\u4e00-\u9fff]", answer.text)


@pytest.mark.slow
def test_a_fact_stated_only_in_a_table_note_is_answered_and_cited_to_its_table(service: QAService) -> None:
    answer = service.ask("由承付授权供资的支出有多少？")
    assert not answer.abstained and answer.verification.clean
    assert "1 484 400" in answer.text and "76/248" in answer.text
    assert {ref for kind, ref in _refs(answer) if kind == "table"} & {"3.24", "3.27"}


@pytest.mark.slow
def test_a_question_about_a_body_with_a_part_of_its_own_is_answered_from_that_part(service: QAService) -> None:
    # "2024 年，预算外资源估计为 … 美元" is said of the Register (¶3.200) and of UNOCT (¶3.269) alike;
    # retrieval ranks UNOCT's first.  The passage answerer is asked directly (the service's fact
    # answerer would answer this figure from the tables).
    question = "损失登记册办公室预计 2024 年有多少预算外资源？"
    hits = service.searcher.search(question, top_k=20)
    answer = service.extractive.answer(question, question, hits, "zh")
    assert ("paragraph", "3.200") in _refs(answer) and "200 000" in answer.text
    assert ("paragraph", "3.269") not in _refs(answer)


@pytest.mark.slow
@pytest.mark.parametrize("question", ["联非办明年能拿到多少预算外资金？", "How much extrabudgetary money will UNOAU receive in 2024?"])
def test_a_figure_the_document_gives_as_none_is_answered_as_none(service: QAService, question: str) -> None:
    # ¶3.230: "预计 2024 年没有预算外资源" — UNOAU's part, the extrabudgetary source, no figure.
    answer = service.ask(question)
    assert not answer.abstained
    assert "3.269" not in answer.text and "19 540 400" not in answer.text  # UNOCT's extrabudgetary figure


@pytest.mark.slow
def test_a_money_question_is_not_answered_by_a_count(service: QAService) -> None:
    # Table 3.14 counts the Fourth Committee's meetings; the document gives it no budget.
    assert service.ask("How much money does the Fourth Committee get in 2024?").abstained


@pytest.mark.slow
def test_a_chinese_target_question_gets_the_cell_of_the_asked_year_first(service: QAService) -> None:
    answer = service.ask("联非办 2024 年业绩计量的计划目标是什么？")
    first = answer.citations[0]
    assert not answer.abstained and first.kind == "table" and first.column == "2024(计划)"
    assert answer.text.startswith("业绩计量，2024(计划)：")


@pytest.mark.slow
def test_a_compliance_rate_is_read_from_the_asked_years_column(service: QAService) -> None:
    answer = service.ask("中东特协办 2022 年提前两周以上购买机票的比例是多少？")
    assert "68%" in answer.text and _refs(answer)[0] == ("table", "3.50")
    assert answer.citations[0].column == "2022 年实际"


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        "联合国伊拉克援助团 2024 年的拟议预算是多少？",  # a mission budgeted elsewhere
        "What vacancy rate did DPPA assume for its General Service posts in 2024?",  # not stated
        "Which General Assembly resolution adopted the tenth review of the Global Counter-Terrorism Strategy?",
    ],
)
def test_questions_the_document_does_not_answer_are_declined_with_the_nearest_passages(
    service: QAService, question: str
) -> None:
    answer = service.ask(question)
    assert answer.abstained and answer.citations == [] and answer.evidence
    assert answer.text.startswith(("这份文件没有提到", "The document does not say"))


@pytest.mark.slow
def test_a_declined_question_says_why(service: QAService) -> None:
    answer = service.ask("Which resolution endorsed the tenth review of the Global Counter-Terrorism Strategy?")
    assert answer.abstained and re.search(r"\): .+\.", answer.text)  # "…(question): the reason."


@pytest.mark.slow
def test_a_lookup_shows_the_paragraph(service: QAService) -> None:
    answer = service.ask("第3.119段写了什么？")
    assert answer.mode == "lookup" and _refs(answer) == [("paragraph", "3.119")]
    assert "监督预算外资源使用情况的权力属于政治和建设和平事务部" in answer.text


@pytest.mark.slow
def test_a_forewords_signature_does_not_answer_what_an_office_does(service: QAService) -> None:
    answer = service.ask("What does the Office of Counter-Terrorism do?")
    assert not answer.abstained and "弗拉基米尔·沃龙科夫" not in answer.text


@pytest.mark.slow
def test_a_count_sentence_answers_a_count_question_in_english(service: QAService) -> None:
    answer = service.ask("How many entities belong to the Global Counter-Terrorism Coordination Compact?")
    assert "45" in answer.text and ("paragraph", "3.241") in _refs(answer)


@pytest.mark.slow
def test_the_answerer_takes_the_services_parse_and_ranks_a_percentage_first_for_a_share(service: QAService) -> None:
    """Rows naming the Committee in full rank among the evidence; the share asked is a percentage."""
    index = service.searcher.index
    question = "Among the civil society speakers at the Committee's 2022 events, what share were women?"
    parsed = service.understanding.parse(question)
    units = [RankedUnit(index.unit_by_uid(uid), rank) for rank, uid in enumerate(("row:3.16:1", "row:3.16:2", "paragraph:3.78"))]
    answerer = service.extractive
    best = answerer.rank(answerer.read(question, parsed)[0], units).scored[0]
    assert best.evidence.candidate.unit.uid == "paragraph:3.78" and "61%" in best.evidence.text
    hits = [hit for hit in service.searcher.search(question, top_k=20)]
    answer = answerer.answer(question, question, hits, "en", parsed=parsed)
    assert not answer.abstained and "61%" in answer.text


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "figure", "table"),
    [
        ("How many posts does UNOAU have in 2024?", "6 posts", "3.66"),
        ("How many regular-budget posts are proposed for electoral assistance in 2024?", "22 posts", "3.28"),
    ],
)
def test_an_english_question_about_posts_is_answered_from_a_staffing_table(
    service: QAService, question: str, figure: str, table: str
) -> None:
    answer = service.ask(question)
    assert figure in answer.text.splitlines()[0] and ("table", table) in _refs(answer)
