"""The checks a translation must pass: figures, glossary terms, length, no Chinese left (no model)."""

from __future__ import annotations

import pytest

from budgetqa.index.english_figures import to_english_notation
from budgetqa.index.glossary import load_glossary
from budgetqa.index.translation_checks import check_translation, source_terms, term_hits
from budgetqa.ingest.english import CheckName

SOURCE = "2024 年联非办有 19 个员额，费用为 2.315 亿美元。"


def _check(english: str, source: str = SOURCE):
    return check_translation(source, to_english_notation(source), english, load_glossary())


def test_a_faithful_translation_passes_every_check() -> None:
    result = _check("In 2024, UNOAU has 19 posts, at a cost of US$231.5 million.")
    assert result.passed, result.failures
    assert set(result.checks) == set(CheckName)


def test_a_converted_magnitude_fails_the_figure_check_naming_the_figure() -> None:
    result = _check("In 2024, UNOAU has 19 posts, at a cost of $2.315 billion.")
    assert not result.checks[CheckName.FIGURES]
    assert any("231.5 million" in failure and "missing" in failure for failure in result.failures)
    assert any("2.315 billion" in failure and "not in the source" in failure for failure in result.failures)


def test_a_name_in_other_words_fails_the_term_check() -> None:
    result = _check("In 2024, the Office has 19 posts, at a cost of US$231.5 million.")
    assert result.checks == {
        CheckName.FIGURES: True,
        CheckName.TERMS: False,
        CheckName.LENGTH: True,
        CheckName.NO_HAN: True,
        CheckName.NO_PROMPT: True,
    }
    assert result.failures == ['the term 联非办 must be translated as "United Nations Office to the African Union"']


def test_vocabulary_in_other_words_passes_but_counts_as_a_miss() -> None:
    english = "In 2024, UNOAU has 19 positions, at a cost of US$231.5 million."
    assert _check(english).passed
    terms = source_terms(to_english_notation(SOURCE), load_glossary())
    assert term_hits(terms, english) == (1, 2)


def test_terms_are_matched_in_any_of_their_forms() -> None:
    terms = source_terms(to_english_notation(SOURCE), load_glossary())
    assert [term.chinese for term in terms] == ["联非办", "员额"]
    long_form = "In 2024, the United Nations Office to the African Union has 19 posts, at a cost of US$231.5 million."
    assert _check(long_form).passed


def test_chinese_left_in_the_english_fails() -> None:
    result = _check("In 2024, UNOAU (联非办) has 19 posts, at a cost of US$231.5 million.")
    assert not result.checks[CheckName.NO_HAN]
    assert "the English still contains Chinese (联非办); translate it into English" in result.failures


@pytest.mark.parametrize("english", ["Posts.", "In 2024 UNOAU has 19 posts " + "at a cost of US$231.5 million; " * 8])
def test_an_implausible_length_fails(english: str) -> None:
    assert not _check(english).checks[CheckName.LENGTH]


def test_symbols_must_match() -> None:
    source = "大会第 77/262 号决议核可了这项建议。"
    assert _check("The General Assembly endorsed the recommendation in its resolution 77/262.", source).passed
    wrong = _check("The General Assembly endorsed the recommendation in its resolution 77/263.", source)
    assert "the symbol 77/262 of the source is missing" in wrong.failures


def test_a_small_number_written_in_chinese_may_be_a_digit_in_english() -> None:
    source = "第一阶段的经验教训"
    assert _check("Lessons learned from phase 1", source).checks[CheckName.FIGURES]
    assert not _check("Lessons learned from phase 14", source).checks[CheckName.FIGURES]


def test_a_figure_reference_is_a_symbol_in_roman_numerals() -> None:
    source = "实现目标方面的进展(见图 3.三)。"
    assert to_english_notation(source) == "实现目标方面的进展(见figure 3.III)。"
    assert _check("Progress towards the objective (see figure 3.III).", source).checks[CheckName.FIGURES]
    assert not _check("Progress towards the objective (see figure 3.II).", source).checks[CheckName.FIGURES]


def test_the_prompt_written_back_fails_even_when_its_figures_and_terms_pass() -> None:
    echoed = (
        "In 2024, UNOAU has posts.\nThe previous translation was rejected because:\n"
        "- the figure 19 of the source is missing; copy it exactly as written (US$231.5 million)"
    )
    result = _check(echoed)
    assert result.checks[CheckName.FIGURES] and not result.checks[CheckName.NO_PROMPT]


def test_an_item_marker_of_the_source_changed_or_dropped_fails_the_figure_check() -> None:
    source = "示例办事处将：\n(a) 协助会员国；\n(b) 提交报告。"
    good = "The example office will:\n(a) assist Member States;\n(b) submit reports."
    assert _check(good, source).passed
    changed = _check(good.replace("(b)", "(a)"), source)
    assert not changed.checks[CheckName.FIGURES]
    assert changed.failures == ["the item marker (b) of the source is missing; keep it as written"]
