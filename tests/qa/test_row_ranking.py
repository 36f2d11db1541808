"""Rankings of a body's rows — subprogrammes, components, objects of expenditure, grades, funding
sources — from the real document's facts, by level and by change, in both languages.  The questions
are our own wordings; the expected figures are read from the bundled document's tables."""

from __future__ import annotations

import re

import pytest

from budgetqa.qa.model import Answer
from budgetqa.qa.understand import Extreme, ParsedQuestion, RankedRows
from budgetqa.qa.verify import verify

_HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def tools(budget_facts):
    return budget_facts.document, budget_facts.understanding, budget_facts.answerer


@pytest.fixture(scope="module")
def parse(tools):
    _, understanding, _ = tools
    return understanding.parse


@pytest.fixture(scope="module")
def ask(tools):
    document, understanding, answerer = tools

    def run(question: str, previous: str | None = None) -> Answer:
        before = understanding.parse(previous) if previous else None
        parsed: ParsedQuestion = understanding.parse(question)
        if before is not None:
            parsed = parsed.inherit(before)
        answer = answerer.answer(parsed)
        assert answer is not None, question
        return verify(answer, document)

    return run


@pytest.mark.parametrize(
    ("question", "rows", "extreme"),
    [
        ("中东特协办哪个支出用途花钱最多？", RankedRows.OBJECT, Extreme.HIGHEST),
        ("Which expenditure line of UNOAU shrinks most in 2024?", RankedRows.OBJECT, Extreme.LOWEST),
        ("政治建和部员额最少的次级方案是哪个？", RankedRows.SUBPROGRAMME, Extreme.LOWEST),
        ("At which grade does UNRoD have the most posts?", RankedRows.GRADE, Extreme.HIGHEST),
        ("反恐办的哪个资金来源最大？", RankedRows.FUNDING, Extreme.HIGHEST),
        ("Which component of DPPA gets the least regular budget money?", RankedRows.COMPONENT, Extreme.LOWEST),
    ],
)
def test_a_superlative_over_a_kind_of_row_names_the_rows_and_the_end(parse, question, rows, extreme) -> None:
    parsed = parse(question)
    assert (parsed.ranks_rows, parsed.extreme) == (rows, extreme)


def test_a_ranking_of_bodies_is_not_a_ranking_of_rows(parse) -> None:
    parsed = parse("哪个实体的预算外资源最多？")
    assert parsed.ranks_bodies and parsed.ranks_rows is None


def test_naming_an_object_of_expenditure_is_not_asking_for_actual_spending(parse) -> None:
    assert parse("联非办 2024 年哪个支出用途最多？").basis is None
    assert parse("Which object of expenditure of UNOAU is largest in 2024?").basis is None
    assert parse("How much did UNOAU spend in 2022?").basis is not None


def test_subprogrammes_are_ranked_without_the_programme_of_work_that_sums_them(ask) -> None:
    answer = ask("政治建和部哪个次级方案 2024 年经常预算最少？")
    assert answer.mode == "facts" and not answer.abstained
    assert answer.text.index("联合国同阿拉伯国家联盟的合作") < answer.text.index("非殖民化")
    assert "314.6 千美元" in answer.text and "工作方案" not in answer.text
    assert {c.ref for c in answer.citations} == {"3.27"}


def test_the_largest_fall_among_objects_of_expenditure_comes_with_its_two_years(ask) -> None:
    answer = ask("Which object of expenditure falls the most at UNSCO in 2024?")
    lead = answer.text.split("Ranking")[0]
    assert "Contractual services" in lead and "-62.9" in lead and "218.3" in lead and "155.4" in lead
    assert not _HAN.search(answer.text)
    assert {c.ref for c in answer.citations} == {"3.46"}


@pytest.mark.parametrize("question", ["反恐办哪个支出用途 2024 年增加最多？", "中东特协办哪项支出 2024 年减少最多？"])
def test_the_percentages_beside_the_changes_survive_verification(ask, question: str) -> None:
    answer = ask(question)
    assert not answer.abstained and "%" in answer.text and "核查" not in answer.text


def test_grades_are_ranked_from_the_staffing_table(ask) -> None:
    answer = ask("Which grade has the fewest regular budget posts at UNOCT?")
    assert answer.text.startswith("Smallest among the grades") and "USG: 1 post" in answer.text
    assert {c.ref for c in answer.citations} == {"3.77"}


def test_funding_sources_of_a_body_are_ranked(ask) -> None:
    answer = ask("联非办哪个资金来源 2024 年的经费最多？")
    assert "最多的是其他分摊资源：8 947.6 千美元" in answer.text


def test_a_ranking_with_no_change_says_so(ask) -> None:
    answer = ask("Which DPPA subprogramme grows most in 2024?")
    assert not answer.abstained
    assert answer.text.startswith("No subprogramme") or answer.text.startswith("None of the subprogrammes")


def test_a_body_without_the_rows_asked_declines_with_the_reason(ask) -> None:
    answer = ask("反恐办哪个组成部分的经费最多？")
    assert answer.abstained and "组成部分" in answer.text


def test_a_follow_up_naming_another_measure_ranks_the_same_rows_by_it(ask) -> None:
    answer = ask("那员额呢？", previous="政治建和部哪个次级方案的预算外资源最多？")
    assert "个员额" in answer.text and "预防、管理和解决冲突" in answer.text
    assert {c.ref for c in answer.citations} == {"3.28"}


@pytest.mark.parametrize(
    ("question", "rows"),
    [
        ("联非办按资金来源分别有多少钱？", RankedRows.FUNDING),
        ("Give me UNRoD's posts broken down by grade", RankedRows.GRADE),
        ("政治建和部各次级方案的经常预算是多少？", RankedRows.SUBPROGRAMME),
        ("What does UNSCO spend on each object of expenditure in 2024?", RankedRows.OBJECT),
    ],
)
def test_a_figure_asked_row_by_row_lists_the_rows(parse, question: str, rows: RankedRows) -> None:
    parsed = parse(question)
    assert parsed.lists_rows is rows and parsed.ranks_rows is None and parsed.asks_figure


def test_the_funding_source_named_as_rows_is_not_the_measure(parse) -> None:
    assert parse("反恐办按资金来源分别有几个员额？").measure.value == "posts"
    assert parse("反恐办按资金来源分别有多少钱？").measure.value == "money"


def test_a_listing_keeps_the_printed_order_and_ends_with_the_total(ask) -> None:
    answer = ask("How many posts does UNOCT have under each funding source in 2024?")
    text = answer.text
    assert text.index("regular budget: 57 posts") < text.index("extrabudgetary resources: 140 posts") < text.index("total: 197 posts")


def test_a_listing_shows_a_source_printed_as_none(ask) -> None:
    answer = ask("中东特协办 2024 年按资金来源分别有几个员额？")
    assert "经常预算：68 个员额" in answer.text and "预算外资源：无" in answer.text and "共计：68 个员额" in answer.text


@pytest.mark.parametrize(
    ("question", "rows", "extreme", "by_change"),
    [
        ("联非办哪个级别的员额最多？", RankedRows.GRADE, Extreme.HIGHEST, False),
        ("反恐办的支出类别里哪一类钱最少？", RankedRows.OBJECT, Extreme.LOWEST, False),
        ("中东特协办明年哪个开支项目涨得最多？", RankedRows.OBJECT, Extreme.HIGHEST, True),
        ("Among the funding sources of UNRoD, which one is largest in 2024?", RankedRows.FUNDING, Extreme.HIGHEST, False),
    ],
)
def test_row_names_and_changes_in_other_words(parse, question, rows, extreme, by_change: bool) -> None:
    parsed = parse(question)
    assert (parsed.ranks_rows, parsed.extreme, parsed.ranks_bodies) == (rows, extreme, False)
    assert (parsed.aggregate.value == "change") is by_change
    assert not parsed.other_topics  # "开支项目" names the rows, not a project


def test_every_figure_of_a_ranking_read_from_one_annex_is_quoted_and_kept(ask) -> None:
    answer = ask("第 3 款 2024 年哪个资金来源的员额最多？")
    assert "289" in answer.text and "[?]" not in answer.text
    assert len(answer.citations) == 1 and "289" in answer.citations[0].quote
