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


def test_a_checked_model_version_of_a_standard_sentence_gives_way_to_the_known_english() -> None:
    """A made-up standard sentence whose FAKE cached version passed the checks but says something
    else ("achieved the objective"): the translation memory wins when it is checked again, as it
    does when translating."""
    segment = Segment("paragraph:9.3", SegmentKind.PARAGRAPH, "下述业绩计量说明实现目标方面的进展(见表 9.9)。")
    model_made = _failed(segment).model_copy(
        update={
            "english": "The performance measures described have achieved the objectives (see table 9.9).",
            "checks": dict.fromkeys(CheckName, True),
            "failures": [],
            "rejected": None,
        }
    )
    known = recheck(model_made, segment, load_glossary())
    assert known.english == "The performance measure below shows the progress made towards the objective (see table 9.9)."
    assert known.attempts == 0 and recheck(known, segment, load_glossary()) == known


def test_the_security_councils_committees_are_named_as_the_un_names_them() -> None:
    """Made-up resolution numbers: the committee and the place it concerns are kept, the place in
    its glossary English, with "the" where the name is a common noun phrase; a place the glossary
    does not name is left to the model."""
    assert standard_english("安全理事会关于马里的第 9999(2030)号决议所设委员会") == (
        "Security Council Committee established pursuant to resolution 9999 (2030) concerning Mali"
    )
    assert standard_english("安全理事会第 9998(2030)号决议所设委员会") == (
        "Security Council Committee established pursuant to resolution 9998 (2030)"
    )
    assert standard_english("安全理事会关于中非共和国的第 9997(2030)号决议所设委员会").endswith(
        "concerning the Central African Republic"
    )
    assert standard_english("安全理事会关于示例国的第 9996(2030)号决议所设委员会") is None


def test_every_committee_of_the_real_document_passes_the_translation_checks(document) -> None:
    from budgetqa.ingest.english import document_segments

    glossary = load_glossary()
    labels = [s.text for s in document_segments(document) if s.kind is SegmentKind.LABEL and s.text.endswith("号决议所设委员会")]
    rendered = [(text, standard_english(text)) for text in labels]
    named = [(text, english) for text, english in rendered if english is not None]
    assert len(named) >= 10
    for text, english in named:
        result = check_translation(text, to_english_notation(text), english, glossary)
        assert result.passed, (text, english, result.failures)
