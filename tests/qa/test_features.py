"""Evidence features on the real document: each named feature says what it claims of real evidence."""

from __future__ import annotations

import math

import pytest

from budgetqa.ingest.budget import Measure
from budgetqa.qa import features as f
from budgetqa.qa.weights import Weights

from .real_evidence import RealEvidence


@pytest.fixture(scope="module")
def real(document) -> RealEvidence:
    return RealEvidence(document)


def test_retrieval_scores_pass_through_and_the_rank_prior_falls_with_rank(real: RealEvidence) -> None:
    question = real.asked("反恐办的现金捐款预计有多少？")
    first = real.sentence("paragraph:3.269", "19 540 400", rank=0, lexical=0.7, semantic=0.4)
    fourth = real.sentence("paragraph:3.269", "19 540 400", rank=3)
    assert f.lexical(question, first) == 0.7 and f.semantic(question, first) == 0.4
    assert f.rank_prior(question, first) == 1.0 and f.rank_prior(question, fourth) == 0.25


def test_a_cell_is_marked_and_carries_the_fit_of_its_column(real: RealEvidence) -> None:
    question = real.asked("政治建和部 2022 年员额实际支出多少？")
    cell = real.cell("3.24", 0, question.text)
    assert cell.cell is not None and cell.cell.column == "2022 年支出"
    assert f.table_cell(question, cell) == 1.0 and f.column_fit(question, cell) == 1.0
    sentence = real.sentence("paragraph:3.269", "19 540 400")
    assert f.table_cell(question, sentence) == 0.0 and f.column_fit(question, sentence) == 0.0


def test_asks_figure_separates_figure_questions_from_others(real: RealEvidence) -> None:
    evidence = real.sentence("paragraph:3.230", "没有预算外资源")
    assert f.asks_figure(real.asked("联非办明年的预算外资金有多少？"), evidence) == 1.0
    assert f.asks_figure(real.asked("联非办为什么不再有预算外资源？"), evidence) == 0.0


def test_the_measure_of_a_cell_comes_from_its_typed_column(real: RealEvidence) -> None:
    money = real.cell("3.24", 0, "2024 年员额经费")
    posts = real.cell("3.66", 2, "2024 年拟议员额")
    assert money.measure is Measure.MONEY and posts.measure is Measure.POSTS


def test_measure_match_mismatch_and_bare_count(real: RealEvidence) -> None:
    money_question = real.asked("政治建和部 2024 年的员额经费是多少？")
    money = real.cell("3.24", 0, money_question.text)
    posts = real.cell("3.66", 2, "2024 年拟议员额")
    trucks = real.sentence("paragraph:3.162", "5 810")  # a count of trucks
    assert f.measure_match(money_question, money) == 1.0 and f.measure_mismatch(money_question, money) == 0.0
    assert f.measure_mismatch(money_question, posts) == 1.0 and f.measure_match(money_question, posts) == 0.0
    assert f.bare_count(money_question, trucks) == 1.0 and f.bare_count(money_question, money) == 0.0
    fact_question = real.asked("特别协调员办事处为加沙做了哪些工作？")
    assert f.measure_match(fact_question, trucks) == 0.0 and f.bare_count(fact_question, trucks) == 0.0


def test_a_nil_figure_counts_only_for_figure_questions(real: RealEvidence) -> None:
    none = real.sentence("paragraph:3.230", "没有预算外资源", nil=True)
    assert f.nil_figure(real.asked("联非办 2024 年的预算外资源是多少？"), none) == 1.0
    assert f.nil_figure(real.asked("联非办的预算外供资为什么停止了？"), none) == 0.0


def test_a_row_of_figures_does_not_answer_a_question_that_asks_none(real: RealEvidence) -> None:
    figures = real.row("3.24", 0)  # 员额: five years of thousands of dollars
    words = real.row("3.59", 0)  # a performance measure: mostly percentages, one "不适用 a"
    assert f.figures_for_words(real.asked("政治建和部的员额经费用来做什么？"), figures) == 1.0
    assert f.figures_for_words(real.asked("政治建和部 2024 年员额经费多少？"), figures) == 0.0  # asks one
    measures = real.row("3.51", 0)  # performance measures in words
    assert f.figures_for_words(real.asked("损失登记册委员会 2024 年的目标是什么？"), measures) == 0.0
    assert f.figures_for_words(real.asked("损失登记册的差旅政策如何？"), words) == 1.0


def test_row_label_named_reads_the_row_and_not_a_longer_term_containing_it(real: RealEvidence) -> None:
    posts_row = real.cell("3.24", 0, "2024 年估计")
    assert f.row_label_named(real.asked("政治建和部 2024 年员额资源估计多少？"), posts_row) == 1.0
    assert f.row_label_named(real.asked("政治建和部 2024 年非员额资源估计多少？"), posts_row) == 0.0
    assert f.row_label_named(real.asked("How much will DPPA spend on posts in 2024?"), posts_row) == 1.0


def test_year_match_and_mismatch_read_columns_row_labels_and_sentences(real: RealEvidence) -> None:
    asked_2024 = real.asked("联非办 2024 年拟议几个员额？")
    proposed = real.cell("3.66", 2, asked_2024.text)  # row "2024 年拟议"
    approved = real.cell("3.66", 0, asked_2024.text)  # row "2023 年核定"
    assert f.year_match(asked_2024, proposed) == 1.0 and f.year_mismatch(asked_2024, proposed) == 0.0
    assert f.year_mismatch(asked_2024, approved) == 1.0 and f.year_match(asked_2024, approved) == 0.0
    sentence = real.sentence("paragraph:3.269", "19 540 400")  # "2024 年，预算外资源估计为 …"
    assert f.year_match(real.asked("反恐办 2024 年预算外资源多少？"), sentence) == 1.0
    assert f.year_mismatch(real.asked("反恐办 2021 年预算外资源多少？"), sentence) == 1.0
    assert f.year_match(real.asked("反恐办预算外资源多少？"), sentence) == 0.0  # no year asked


def test_basis_match_reads_the_typed_column(real: RealEvidence) -> None:
    question = real.asked("政治建和部 2022 年员额的实际支出是多少？")
    spent = real.cell("3.24", 0, question.text)
    assert spent.cell is not None and spent.cell.column == "2022 年支出"
    assert f.basis_match(question, spent) == 1.0
    estimate = real.cell("3.24", 0, "2024 年估计")
    assert f.basis_match(question, estimate) == 0.0


def test_source_match_and_mismatch(real: RealEvidence) -> None:
    sentence = real.sentence("paragraph:3.269", "19 540 400")  # "预算外资源估计为 19 540 400 美元"
    assert f.source_match(real.asked("反恐办的预算外资源有多少？"), sentence) == 1.0
    assert f.source_mismatch(real.asked("反恐办的经常预算有多少？"), sentence) == 1.0
    assert f.source_match(real.asked("反恐办有多少钱？"), sentence) == 0.0
    extrabudgetary_row = real.cell("3.27", 15, "2023 年估计")  # under "(2) 预算外"
    assert f.source_match(real.asked("选举援助的预算外资源 2023 年估计多少？"), extrabudgetary_row) == 1.0


def test_body_part_is_the_part_of_the_body_asked_about(real: RealEvidence) -> None:
    question = real.asked("联非办 2024 年的预算外资源是多少？")
    assert question.home_parts == frozenset({"五"})
    assert f.body_part(question, real.sentence("paragraph:3.230", "没有预算外资源")) == 1.0
    assert f.body_part(question, real.sentence("paragraph:3.269", "19 540 400")) == 0.0


def test_total_rows_answer_questions_that_ask_a_total(real: RealEvidence) -> None:
    question = real.asked("政治建和部 2024 年一共估计多少资源？")
    grand = real.cell("3.24", 12, question.text)  # 共计, no sub-part
    subtotal = real.cell("3.27", 11, question.text)  # 小计(1), under (1) 经常预算
    posts = real.cell("3.24", 0, question.text)
    assert f.total_row(question, grand) == 1.0 and f.grand_total_row(question, grand) == 1.0
    assert f.total_row(question, subtotal) == 1.0 and f.grand_total_row(question, subtotal) == 0.0
    assert f.total_row(question, posts) == 0.0
    assert f.total_row(real.asked("政治建和部 2024 年员额估计多少？"), grand) == 0.0


def test_counts_noun_needs_a_number_of_what_is_counted(real: RealEvidence) -> None:
    question = real.asked("委员会那年出访共派了几个代表团？")
    assert question.counted == "代表团"
    counting = real.sentence("paragraph:3.73", "个代表团")
    assert f.counts_noun(question, counting) == 1.0
    assert f.counts_noun(question, real.sentence("paragraph:3.162", "5 810")) == 0.0
    assert f.counts_noun(real.asked("委员会做了哪些宣传？"), counting) == 0.0


def test_signature_line_marks_a_forewords_signature(real: RealEvidence) -> None:
    question = real.asked("反恐办做什么？")
    signed = real.sentence("foreword:六", "恐怖主义", signature=True)
    assert f.signature_line(question, signed) == 1.0
    assert f.signature_line(question, real.sentence("foreword:六", "恐怖主义")) == 0.0


def test_every_feature_is_documented_finite_and_has_a_fitted_weight(real: RealEvidence) -> None:
    question = real.asked("政治建和部 2024 年一共估计多少资源？")
    pieces = [real.cell("3.24", 12, question.text), real.sentence("paragraph:3.269", "19 540 400"), real.row("3.66", 0)]
    for piece in pieces:
        values = f.feature_values(question, piece)
        assert list(values) == list(f.FEATURE_NAMES) and all(math.isfinite(v) for v in values.values())
    assert all(feature.__doc__ for feature in f.FEATURES.values())
    assert set(Weights.load().coefficients) == set(f.FEATURE_NAMES)
