"""The checks a translation must pass: figures, glossary terms, length, no Chinese left (no model)."""

from __future__ import annotations

import pytest

from budgetqa.index.english_figures import to_english_notation
from budgetqa.index.glossary import load_glossary
from budgetqa.index.translate_prompt import build_prompt
from budgetqa.index.translation_checks import (
    WHOLE_TEXT,
    check_translation,
    figure_failures,
    source_terms,
    term_hits,
)
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


@pytest.mark.parametrize("left", ["㈡", "㊁", "〇", "⼆"])
def test_an_enclosed_or_radical_chinese_numeral_left_in_the_english_fails(left: str) -> None:
    # Outside the ideograph blocks, but Chinese all the same: an item marker the model copied as written.
    result = _check(f"In 2024, UNOAU has 19 posts {left} at a cost of US$231.5 million.")
    assert not result.checks[CheckName.NO_HAN]
    assert f"the English still contains Chinese ({left}); translate it into English" in result.failures


@pytest.mark.parametrize("kept", ["(ii)", "①", "，"])
def test_a_marker_or_punctuation_that_is_not_a_chinese_character_passes_the_no_han_check(kept: str) -> None:
    result = _check(f"In 2024, UNOAU has 19 posts {kept} at a cost of US$231.5 million.")
    assert result.checks[CheckName.NO_HAN]


@pytest.mark.parametrize("english", ["Posts.", "In 2024 UNOAU has 19 posts " + "at a cost of US$231.5 million; " * 8])
def test_an_implausible_length_fails(english: str) -> None:
    assert not _check(english).checks[CheckName.LENGTH]


def test_a_translation_that_drops_a_clause_of_a_long_text_fails_the_length_check() -> None:
    """A made-up label of three clauses: an English that renders only its first is long enough by
    the overall bound (more characters than the source has), but too short for its Chinese characters."""
    source = "举办示例讲习班，审查现有示例做法，提出建议，以更好地支持示例办事处的工作"
    whole = (
        "Hold example workshops, review existing example practices and make recommendations "
        "to better support the work of the example office"
    )
    assert _check(whole, source).checks[CheckName.LENGTH]
    first_clause_only = "Example workshops held by the example office"
    assert len(first_clause_only) > len(source)
    result = _check(first_clause_only, source)
    assert not result.checks[CheckName.LENGTH]
    assert any("translate every part" in failure for failure in result.failures)


def test_figures_and_articles_the_english_copies_do_not_count_as_its_own_length() -> None:
    """A made-up list of articles: the Chinese numerals are "Article …" in the prepared source, so
    an English that lists them passes; one that lists them without translating the rest does not."""
    source = "《示例公约》第一条、第七条、第十二条第二项和第十五条规定的示例委员会职能"
    articles = "Articles 1 and 7, Article 12, paragraph 2, and Article 15"
    assert _check(f"The functions of the example committee under {articles} of the Example Convention", source).checks[
        CheckName.LENGTH
    ]
    assert not _check(f"{articles}.", source).checks[CheckName.LENGTH]


def test_symbols_must_match() -> None:
    source = "大会第 77/262 号决议核可了这项建议。"
    assert _check("The General Assembly endorsed the recommendation in its resolution 77/262.", source).passed
    wrong = _check("The General Assembly endorsed the recommendation in its resolution 77/263.", source)
    assert "the symbol 77/262 of the source is missing" in wrong.failures


def test_a_small_number_written_in_chinese_may_be_a_digit_in_english() -> None:
    source = "第一阶段的经验教训"
    assert _check("Lessons learned from phase 1", source).checks[CheckName.FIGURES]
    assert not _check("Lessons learned from phase 14", source).checks[CheckName.FIGURES]


def test_a_whole_number_written_in_chinese_numerals_may_be_digits_in_english() -> None:
    source = "纪念该组织成立六十周年的大会第八十一届会议"
    english = "the eighty-first session of the Assembly commemorating the 60th anniversary of the organization"
    assert _check(english, source).checks[CheckName.FIGURES]
    assert _check(english.replace("60th", "81st"), source).checks[CheckName.FIGURES]
    assert not _check(english.replace("60th", "16th"), source).checks[CheckName.FIGURES]


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
    assert changed.failures == ["the item marker (b) of the source is missing (sentence 3); keep it as written"]


# Two sentences of our own, each with its own year.
TWO = "2023 年该办事处举办了 12 次讲习班。与 2022 年相比，参加人数增加了 15%。"


def test_each_figure_must_be_in_the_english_of_its_own_sentence() -> None:
    faithful = "In 2023, the office held 12 workshops. Attendance rose by 15% compared with 2022."
    assert _check(faithful, TWO).passed
    assert _check(faithful, TWO).notes == ()
    # the year of the second sentence moved into the first: every figure is still somewhere
    moved = "In 2023, as in 2022, the office held 12 workshops. Attendance rose by 15% over the year before."
    assert figure_failures(to_english_notation(TWO), moved) == []  # the whole text has every figure
    result = _check(moved, TWO)
    assert not result.checks[CheckName.FIGURES]
    assert result.failures == [
        "the figure 2022 is not in the source (sentence 1); write only the figures of the source",
        "the figure 2022 of the source is missing (sentence 2); copy it exactly as written",
    ]


def test_sentences_merged_in_translation_are_checked_as_a_whole_and_the_check_says_so() -> None:
    merged = "In 2023, the office held 12 workshops, and attendance rose by 15% compared with 2022."
    result = _check(merged, TWO)
    assert result.passed
    assert result.notes and result.notes[0].startswith(WHOLE_TEXT)
    assert "2 sentences and the English 1" in result.notes[0]
    dropped = _check("In 2023, the office held 12 workshops, and attendance rose by 15%.", TWO)
    assert dropped.failures[0].startswith("the figure 2022 of the source is missing;")
    assert dropped.failures[-1] == dropped.notes[0]  # the failures say how the figures were compared
    # the note is for the reader of the failures; a retry prompt names only what was wrong
    prompt = build_prompt("one sentence of a paragraph", TWO, [], dropped.failures)
    assert "2022" in prompt.user and WHOLE_TEXT not in prompt.user


def test_a_list_in_one_english_sentence_is_paired_item_by_item_at_its_semicolons() -> None:
    source = "服务：为 3 个委员会提供咨询；举办 9 次会议。"
    assert _check("Services: advice to 3 committees; 9 meetings.", source).passed
    swapped = _check("Services: advice to 9 committees; 3 meetings.", source)
    assert any("(sentence 1)" in failure for failure in swapped.failures)


def test_a_chapter_of_the_charter_must_not_become_an_article() -> None:
    source = "区域组织依照《宪章》第八章开展合作。"
    assert _check("Regional organizations cooperate under Chapter VIII of the Charter.", source).passed
    result = _check("Regional organizations cooperate under Article 8 of the Charter.", source)
    assert result.failures == [
        "the symbol Chapter VIII of the source is missing",
        "the symbol Article 8 is not in the source",
    ]


def test_a_sub_item_written_as_a_parenthesised_chinese_numeral_must_keep_its_roman_marker() -> None:
    source = "本组将：\n㈠ 编写报告；\n㈡ 组织会议。"
    good = "The group will:\n(i) prepare reports;\n(ii) organize meetings."
    assert _check(good, source).passed
    dropped = _check("The group will:\nprepare reports;\norganize meetings.", source)
    assert dropped.failures == [
        "the item marker (i) of the source is missing (sentence 2); keep it as written",
        "the item marker (ii) of the source is missing (sentence 3); keep it as written",
    ]


def test_a_made_up_name_of_the_prompts_examples_copied_into_the_english_fails() -> None:
    import re

    from budgetqa.index.translate_prompt import SYSTEM_PROMPT
    from budgetqa.index.translation_checks import PROMPT_PHRASES

    names = set(re.findall(r"Example [A-Z][a-z]+", SYSTEM_PROMPT))
    assert names and names <= set(PROMPT_PHRASES)
    result = _check("In 2024, the Example Fund invested US$231.5 million in UNOAU's 19 posts.")
    assert not result.checks[CheckName.NO_PROMPT]
