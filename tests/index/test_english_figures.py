"""English notation of the document's figures, and the figures a text states (no model needed)."""

from __future__ import annotations

import re

import pytest

from budgetqa.index.english_figures import stated_figures, to_english_notation
from budgetqa.ingest.numerals import chinese_to_int, int_to_roman


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        ("投资 2.315 亿美元", "投资 US$231.5 million"),
        ("为 1 007 000 美元", "为 US$1,007,000"),
        ("47 278.1 千美元", "US$47,278.1 thousand"),
        ("又批准了 1 290 万美元", "又批准了 US$12.9 million"),
        ("共 35 万美元", "共 US$350,000"),
        ("约 3 亿人", "约 300 million人"),
        ("增加 18.7%", "增加 18.7%"),
        ("2021 年 5 月达成", "May 2021达成"),
        ("于 2010 年 7 月 1 日成立", "于 1 July 2010成立"),
        ("8 月和 10 月", "August和 October"),
        ("报告第二.55 段", "报告paragraph II.55"),
        ("1 484 400", "1,484,400"),
        ("依照《宪章》第六章和第七章", "依照《宪章》Chapter VI和Chapter VII"),
        ("依照《宪章》第二十二条第三项", "依照《宪章》Article 22, paragraph 3"),
        ("列在第 7 款下", "列在section 7下"),
        ("决议第 4(b)段", "决议paragraph 4 (b)"),
        ("见第 2.45 段", "见paragraph 2.45"),
        ("㈢ 提供支助；(十一) 实施议程", "(iii) 提供支助；(xi) 实施议程"),
    ],
)
def test_to_english_notation_writes_figures_as_english_does(chinese: str, english: str) -> None:
    assert to_english_notation(chinese) == english


def test_to_english_notation_keeps_years_counts_and_symbols() -> None:
    text = "2024 年 39 个特别政治任务(A/78/6 (Sect. 3)/Add.1-6)，第 77/262 号决议"
    assert to_english_notation(text) == text


def test_stated_figures_meet_across_notations() -> None:
    chinese = stated_figures("2022 年在 37 个国家投资 2.315 亿美元")
    english = stated_figures("In 2022, US$231.5 million was invested in 37 countries")
    assert sorted(f.value for f in chinese.figures) == sorted(f.value for f in english.figures)


def test_stated_figures_tell_a_wrong_magnitude_apart() -> None:
    assert not stated_figures("$2.315 billion").has(231_500_000)
    assert not stated_figures("1007,000 dollars").has(1_007_000)
    assert stated_figures("US$1,007,000").has(1_007_000)


def test_stated_figures_read_symbols_apart_from_figures() -> None:
    found = stated_figures("resolution 72/262 C and report A/77/7, paragraph II.18")
    assert found.symbols == {"72/262C", "A/77/7", "II.18"}
    assert found.figures == ()
    pandemic = stated_figures("the COVID-19 pandemic in 2020, P-4 posts")
    assert "COVID-19" in pandemic.symbols and not pandemic.has(19) and pandemic.has(2020)


def test_small_numbers_in_words_count_as_stated() -> None:
    found = stated_figures("two posts and the third report")
    assert found.has_in_words(2) and found.has_in_words(3)
    assert not found.has(2)


def test_normalisation_keeps_every_figure_of_the_real_paragraphs(document) -> None:
    """Apart from month numbers (written as month names) and article numbers (written in Chinese numerals,
    "第七十三条" → "Article 73"), a paragraph states the same values and symbols in English notation as
    in the original."""
    for paragraph in document.paragraphs:
        before = stated_figures(paragraph.text)
        after = stated_figures(to_english_notation(paragraph.text))
        assert before.symbols <= after.symbols, paragraph.ref  # "第二.55 段" adds "II.55"
        articles = {chinese_to_int(n) for n in re.findall(r"第([一二三四五六七八九十百]+)条", paragraph.text)}
        for figure in after.figures:
            assert before.has(figure.value) or figure.value in articles, (paragraph.ref, figure)
        months = set(range(1, 13))
        for figure in before.figures:
            assert after.has(figure.value) or figure.value in months, (paragraph.ref, figure)


def test_references_to_chapters_and_articles_are_symbols_that_must_match() -> None:
    assert stated_figures("as set out in Chapter VI and Articles 22, 31 and 40").symbols == {
        "Chapter VI",
        "Article 22",
        "Article 31",
        "Article 40",
    }
    assert stated_figures("under Article 6").symbols != stated_figures(to_english_notation("依照第六章")).symbols
    # a list goes on past a comma only up to its "and": "Article 9, 12 members" is one article
    found = stated_figures("mandate: Article 9, 12 members")
    assert found.symbols == {"Article 9"} and found.has(12)


def test_every_chapter_of_the_charter_in_the_real_document_is_written_as_a_chapter(document) -> None:
    """Each "第…章" of the document's paragraphs becomes "Chapter" and its Roman numeral, a symbol the
    English must state; no article is read where the Chinese names a chapter."""
    chapters = 0
    for paragraph in document.paragraphs:
        for numeral in re.findall(r"第([一二三四五六七八九十]+)章", paragraph.text):
            found = stated_figures(to_english_notation(paragraph.text)).symbols
            assert f"Chapter {int_to_roman(chinese_to_int(numeral))}" in found, paragraph.ref
            chapters += 1
    assert chapters >= 4
