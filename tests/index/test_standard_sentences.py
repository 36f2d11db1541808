"""The translation memory of the section's standard sentences: exact English, checked like the model's."""

from __future__ import annotations

import pytest

from budgetqa.index.english_figures import to_english_notation
from budgetqa.index.glossary import load_glossary
from budgetqa.index.standard_sentences import references_in_english, standard_english
from budgetqa.index.translate import TranslationCache, recheck, translate_segments
from budgetqa.index.translation_checks import check_translation
from budgetqa.ingest.english import CheckName, EnglishVersion, Segment, SegmentKind


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        ("表 3.27(1)和 3.28(1)", "tables 3.27 (1) and 3.28 (1)"),
        ("表 3.33 和图 3.十六", "table 3.33 and figure 3.XVI"),
        ("表 27.78 至 27.80 和图 27.三十四", "tables 27.78 to 27.80 and figure 27.XXXIV"),
    ],
)
def test_references_are_put_into_english(chinese: str, english: str) -> None:
    assert references_in_english(chinese) == english


def test_a_sentence_that_is_not_standard_is_left_to_the_model() -> None:
    assert standard_english("下述业绩计量说明本办事处的工作方法。") is None
    assert standard_english("2024 年拟议经常预算资源为 1 856 200 美元，与 2023 年批款相比增加 200 000 美元。") is None


def test_every_standard_sentence_of_the_real_document_passes_the_translation_checks(document) -> None:
    glossary = load_glossary()
    rendered = [(p.text, standard_english(p.text)) for p in document.paragraphs]
    standard = [(text, english) for text, english in rendered if english is not None]
    assert len(standard) >= 40  # every subprogramme's performance measures and resource details
    for text, english in standard:
        result = check_translation(text, to_english_notation(text), english, glossary)
        assert result.passed, (text, english, result.failures)


def _failed(segment: Segment) -> EnglishVersion:
    """A FAKE failed version of `segment`, as a model run leaves one (the year dropped)."""
    return EnglishVersion(
        uid=segment.uid, kind=segment.kind, ref=segment.ref, source_sha256=segment.sha256, english=None,
        checks={**dict.fromkeys(CheckName, True), CheckName.FIGURES: False},
        failures=["the figure 2030 of the source is missing; copy it exactly as written"], attempts=2,
        model_sha256="f" * 64, rejected="The performance measure below shows progress (see table 9.9).",
    )


def test_a_standard_sentence_the_model_got_wrong_is_replaced_by_its_known_english(tmp_path) -> None:
    """A made-up standard sentence (table 9.9, year 2030) with a FAKE failed version in the cache."""
    segment = Segment("paragraph:9.2", SegmentKind.PARAGRAPH, "下述业绩计量说明实现目标方面的进展和 2030 年具体目标(见表 9.9)。")
    fixed = recheck(_failed(segment), segment, load_glossary())
    assert fixed.passed and fixed.attempts == 0 and "specific target for 2030 (see table 9.9)" in (fixed.english or "")
    cache = TranslationCache(tmp_path, "f" * 64)
    cache.put(_failed(segment))
    (step,) = translate_segments([segment], translator=None, glossary=load_glossary(), cache=cache)  # type: ignore[arg-type]
    assert step.cached and step.version.passed


def test_every_standard_sentence_inside_a_real_paragraph_passes_the_translation_checks(document) -> None:
    """Sentences that name a body (the environmental-management sentence of every body) are rendered
    with the body's official English, and pass every check like the model's versions."""
    from budgetqa.index.evidence import split_sentences

    glossary = load_glossary()
    sentences = [s for p in document.paragraphs for s in split_sentences(p.text) if "将环境管理做法纳入" in s]
    rendered = [(s, standard_english(s)) for s in sentences]
    assert len(rendered) >= 4 and all(english is not None for _, english in rendered)
    for text, english in rendered:
        result = check_translation(text, to_english_notation(text), english or "", glossary)
        assert result.passed, (text, english, result.failures)


def test_a_body_the_glossary_does_not_name_is_left_to_the_model() -> None:
    made_up = ("根据《2030 年议程》，特别是根据可持续发展目标中鼓励各组织将可持续性信息纳入各自报告周期的具体目标 12.6，"
               "并按照大会第 72/219 号决议第 19 段所述共有任务，示例工作组将环境管理做法纳入其业务活动。")
    assert standard_english(made_up) is None
