"""Answers of the real service to questions a delegate asks (facts of A/78/6 (Sect. 3))."""

from __future__ import annotations

import re

import pytest

from budgetqa.index.evidence import RankedUnit
from budgetqa.index.glossary import load_glossary
from budgetqa.qa.extractive import split_question
from budgetqa.qa.service import QAService
from budgetqa.qa.table_answer import names_row
from budgetqa.qa.understand.counting import counted_noun
from budgetqa.settings import Settings


def test_split_question_answers_each_part_of_a_question_that_asks_several_things() -> None:
    assert split_question("选举援助司去年办了多少次培训？涉及几个会员国？") == [
        "选举援助司去年办了多少次培训？",
        "涉及几个会员国？",
    ]
    assert split_question("What does the evaluation cost, and who will carry it out?") == [
        "What does the evaluation cost",
        "who will carry it out?",
    ]
    assert split_question("联非办有几个员额？") == ["联非办有几个员额？"]


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("安全理事会2023年去了几个代表团访问？", "代表团"),  # a verb ends the noun
        ("截至2023年底一共收到了多少份索赔申请表？", "索赔申请表"),  # a modifier stays in it
        ("政治建和部有多少钱？", None),  # no measure word: not a count
        ("选举援助司去年花了多少钱？涉及几个国家？", "国家"),
        ("选举援助司去年办了多少次培训？涉及几个国家？", "培训"),  # the first count asked
        ("明年计划组织多少个需求评估、技术和咨询团？", "咨询团"),  # coordinated: the head
        ("特别协调员办事处原计划出几份巴勒斯坦社会经济状况报告？", "报告"),  # long: the head
        ("有多少人参加？", None),
    ],
)
def test_counted_noun_is_what_a_count_question_counts(question: str, noun: str | None) -> None:
    assert counted_noun(question) == noun


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
def test_a_count_question_is_answered_by_the_sentence_that_counts_it(service: QAService) -> None:
    # ¶3.73 ranks below the top evidence units; it is the one sentence that counts delegations.
    answer = service.ask("2022 年委员会派出了多少个代表团进行访问？")
    assert not answer.abstained and answer.verification.clean
    assert "7 个代表团" in answer.text and ("paragraph", "3.73") in _refs(answer)


@pytest.mark.slow
def test_an_english_count_question_counts_the_glossary_noun_it_names(service: QAService) -> None:
    answer = service.ask("How many delegations did the Palestinian Rights Committee send in 2022?")
    # the sentence in its checked English version where it has one, else in Chinese
    assert ("7 delegations" in answer.text or "7 个代表团" in answer.text) and ("paragraph", "3.73") in _refs(answer)
    declined = service.ask("How many staff does the Palestinian Rights Committee have in Geneva?")
    assert declined.abstained  # no evidence counts staff (工作人员)


@pytest.mark.slow
def test_a_question_about_a_body_with_a_part_of_its_own_is_answered_from_that_part(service: QAService) -> None:
    # "2024 年，预算外资源估计为 … 美元" is said of the Register (¶3.200) and of UNOCT (¶3.269) alike.
    answer = service.ask("How much extrabudgetary funding does the Register of Damage expect in 2024?")
    assert ("paragraph", "3.200") in _refs(answer) and re.search(r"200 000|200,000|USD 200\.0 thousand", answer.text)
    assert ("paragraph", "3.269") not in _refs(answer)


@pytest.mark.slow
@pytest.mark.parametrize(
    "question", ["联非办 2024 年的预算外资源是多少？", "What extrabudgetary resources does UNOAU expect in 2024?"]
)
def test_a_figure_the_document_gives_as_none_is_answered_as_none(service: QAService, question: str) -> None:
    # ¶3.230: "预计 2024 年没有预算外资源" — UNOAU's part, the extrabudgetary source, no figure.
    answer = service.ask(question)
    assert not answer.abstained and ("paragraph", "3.230") in _refs(answer)
    assert "3.269" not in answer.text and "19 540 400" not in answer.text  # UNOCT's extrabudgetary figure


@pytest.mark.slow
def test_a_money_question_is_not_answered_by_a_count(service: QAService) -> None:
    # Table 3.14 counts the Fourth Committee's meetings; the document gives it no budget.
    assert service.ask("What is the 2024 budget of the Fourth Committee?").abstained


@pytest.mark.slow
def test_a_count_question_meets_a_row_that_words_its_noun_more_fully(service: QAService) -> None:
    # "社会经济报告" is printed "社会经济状况报告" in the deliverables table.
    answer = service.ask("特别协调员办事处2022年实际出了几份社会经济报告？")
    assert not answer.abstained and ("table", "3.45") in _refs(answer)
    assert "2022 年实际：10" in answer.text


@pytest.mark.slow
def test_a_fact_question_naming_a_year_is_answered_by_that_years_performance_cell(service: QAService) -> None:
    # Table 3.11's row never names the Special Committee in full: its subprogramme does (¶3.58), so
    # the rare-body check lets it answer; the 2022 (actual) cell comes first.
    question = "What information did the Special Committee on Decolonization receive in 2022 according to the performance measures?"
    answer = service.ask(question)
    assert not answer.abstained and answer.verification.clean
    first = answer.citations[0]
    assert (first.kind, first.ref, first.column) == ("table", "3.11", "2022(实际)")
    # the cell in words in its checked English version, labelled as a machine translation
    assert answer.text.lower().startswith("performance measures, 2022 (actual): special committee")
    assert "(machine translation, figures checked)" in answer.text.splitlines()[0]


@pytest.mark.slow
def test_a_chinese_target_question_gets_the_cell_of_the_asked_year_first(service: QAService) -> None:
    answer = service.ask("联非办 2024 年业绩计量的计划目标是什么？")
    first = answer.citations[0]
    assert not answer.abstained and first.kind == "table" and first.column == "2024(计划)"
    assert answer.text.startswith("业绩计量，2024(计划)：")


@pytest.mark.slow
def test_unoau_posts_in_2024_come_from_its_posts_table(service: QAService) -> None:
    answer = service.ask("联非办 2024 年有几个员额？")
    assert ("table", "3.66") in _refs(answer) and "6 个员额" in answer.text


@pytest.mark.slow
def test_a_follow_up_year_is_answered_from_the_same_row(service: QAService) -> None:
    first = service.ask("损失登记册办公室 2022 年机票提前两周以上购买的比例是多少？", session_id="travel")
    assert "89%" in first.text and _refs(first)[0] == ("table", "3.59")
    second = service.ask("那么 2020 年的呢？", session_id="travel")
    assert "不适用" in second.text and _refs(second)[0] == ("table", "3.59")


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        "建设和平基金 2019 年一共拨付了多少资金？",
        "Who held the chair of the Peacebuilding Commission in 2022?",
    ],
)
def test_questions_the_document_does_not_answer_are_declined_with_the_nearest_passages(
    service: QAService, question: str
) -> None:
    answer = service.ask(question)
    assert answer.abstained and answer.citations == [] and answer.evidence
    assert answer.text.startswith(("这份文件没有提到", "The document does not say"))


@pytest.mark.slow
def test_a_lookup_shows_the_paragraph(service: QAService) -> None:
    answer = service.ask("第3.119段说了什么？")
    assert answer.mode == "lookup" and _refs(answer) == [("paragraph", "3.119")]
    assert "监督预算外资源使用情况的权力属于政治和建设和平事务部" in answer.text


def _cell_evidence(document, table_ref: str, row_label_part: str, question: str, semantic: float):
    """Evidence for the asked cell of the real table row whose label and part contain the given text."""
    from budgetqa.index.evidence import Candidate
    from budgetqa.index.model import IndexUnit
    from budgetqa.ingest.model import BlockKind, LineSpan
    from budgetqa.qa.evidence_score import Evidence, EvidenceWeights
    from budgetqa.qa.table_answer import answer_cell

    table = document.table(table_ref)
    index, row = next((i, r) for i, r in enumerate(table.rows) if row_label_part in f"{r.part} {r.label}")
    unit = IndexUnit(
        uid=f"row:{table_ref}:{index}", kind=BlockKind.TABLE, ref=table_ref, title=table.title, text=row.label,
        indexed_text=row.label, lines=LineSpan(row.line, row.line), section=(), part=table.part, row=index,
        row_label=row.label,
    )
    cell = answer_cell(table, index, question)
    assert cell is not None
    return Evidence.of(Candidate(unit, row.label, 0, 0.5, semantic), EvidenceWeights.load(), cell)


def test_a_stated_figure_close_behind_a_nil_cell_answers_first(document) -> None:
    from budgetqa.qa.evidence_score import EvidenceWeights
    from budgetqa.qa.extractive import _stated_before_nil

    RATIO = EvidenceWeights.load().second_ratio

    question = "安全理事会事务 2024 年有多少个员额？"
    nil = _cell_evidence(document, "3.28", "(2) 预算外 3. 安全理事会事务", question, semantic=0.9)
    stated = _cell_evidence(document, "3.28", "(1) 经常预算 3. 安全理事会事务", question, semantic=0.85)
    assert nil.cell is not None and nil.cell.cell.is_nil and stated.cell is not None
    assert not stated.cell.cell.is_nil and nil.score > stated.score
    assert _stated_before_nil([nil, stated], RATIO) == [stated, nil]
    assert _stated_before_nil([stated, nil], RATIO) == [stated, nil]
    far_behind = _cell_evidence(document, "3.28", "(1) 经常预算 3. 安全理事会事务", question, semantic=0.0)
    assert _stated_before_nil([nil, far_behind], RATIO) == [nil, far_behind]  # nothing stated comes close


@pytest.mark.slow
def test_a_forewords_signature_answers_who_signed_it_and_nothing_else(service: QAService) -> None:
    signature = "弗拉基米尔·沃龙科夫"
    what = service.ask("What does the Office of Counter-Terrorism do?")
    assert not what.abstained and signature not in what.text
    who = service.ask("Who signed the foreword of the Office of Counter-Terrorism?")
    assert signature in who.text and ("foreword", "六") in _refs(who)


@pytest.mark.slow
def test_a_share_is_answered_by_a_percentage(service: QAService) -> None:
    answer = service.ask("What share of civil society speakers were women in 2022?")
    assert "61%" in answer.text and ("paragraph", "3.78") in _refs(answer)


@pytest.mark.slow
def test_a_count_never_answers_a_share_when_the_evidence_has_a_percentage(service: QAService) -> None:
    """Rows naming the Committee in full outscore the sentence with the percentage; the asked measure decides."""
    index = service.searcher.index
    uids = ("row:3.16:1", "row:3.16:2", "paragraph:3.78")
    units = [RankedUnit(index.unit_by_uid(uid), rank) for rank, uid in enumerate(uids)]
    question = "Of the civil society speakers at the Palestinian Rights Committee's 2022 events, what share were women?"
    best = service.extractive._figure_evidence(question, units)[0]
    assert best.candidate.unit.uid == "paragraph:3.78" and "61%" in best.candidate.text


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "figure", "table"),
    [
        ("How many posts does UNOAU have in 2024?", "6 posts", "3.66"),
        ("How many posts will the Security Council affairs subprogramme have in 2024?", "48 posts", "3.28"),
    ],
)
def test_an_english_question_about_posts_is_answered_from_a_staffing_table(
    service: QAService, question: str, figure: str, table: str
) -> None:
    answer = service.ask(question)
    assert figure in answer.text.splitlines()[0] and ("table", table) in _refs(answer)


@pytest.mark.slow
def test_who_signed_a_foreword_is_answered_by_its_signature_in_chinese_too(service: QAService) -> None:
    answer = service.ask("反恐办的前言是谁签署的？")
    assert answer.text.startswith("主管反恐怖主义办公室副秘书长") and ("foreword", "六") in _refs(answer)


@pytest.mark.slow
def test_a_when_question_is_answered_by_a_sentence_with_a_date(service: QAService) -> None:
    answer = service.ask("In which year was the Office to the African Union set up?")
    assert "2010" in answer.text.splitlines()[0] and ("paragraph", "3.204") in _refs(answer)


@pytest.mark.slow
def test_a_rate_the_document_does_not_give_is_declined_not_answered_with_a_count(service: QAService) -> None:
    answer = service.ask("What vacancy rate does DPPA assume for its Professional posts?")
    assert answer.abstained and "posts" not in answer.text.split("(")[0].lower().replace("does not say", "")
