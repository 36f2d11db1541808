"""The sentences of a Chinese text paired with those of its English version (no model needed)."""

from __future__ import annotations

from collections import Counter

from budgetqa.index.english_alignment import align_sentences, sentence_counts
from budgetqa.index.english_figures import to_english_notation
from budgetqa.index.evidence import split_sentences
from budgetqa.ingest.english import (
    EnglishVersions,
    SegmentKind,
    document_segments,
    read_versions,
    shipped_paths,
)


def test_sentences_are_paired_in_order() -> None:
    pairs = align_sentences("第一个小组开会。第二个小组起草报告。", "The first group met. The second group drafted a report.")
    assert pairs is not None
    assert [(pair.number, pair.english) for pair in pairs] == [
        (1, "The first group met."),
        (2, "The second group drafted a report."),
    ]


def test_a_lead_in_and_its_items_on_their_own_lines_are_paired_line_by_line() -> None:
    chinese = "本办公室将开展以下工作：\n(a) 编写年度报告；\n(b) 组织培训。"
    english = "The office will do the following:\n(a) prepare the annual report;\n(b) organize training."
    pairs = align_sentences(chinese, english)
    assert pairs is not None and [pair.english[:3] for pair in pairs] == ["The", "(a)", "(b)"]


def test_items_joined_by_semicolons_in_one_english_sentence_are_cut_at_them() -> None:
    pairs = align_sentences("服务：为委员会提供咨询；编写会议记录。", "Services: advice to the committee; meeting records.")
    assert pairs is not None and pairs[1].english == "meeting records."


def test_a_sentence_split_in_translation_has_no_pairing() -> None:
    chinese = "第一个小组开会并起草了报告。"  # one sentence, two in the English: the whole is the sentence
    assert align_sentences(chinese, "The first group met. It drafted a report.") is None
    assert sentence_counts(chinese, "The first group met. It drafted a report.") == (1, 2)


def test_most_shipped_paragraphs_of_several_sentences_are_paired_sentence_by_sentence(document) -> None:
    """The real versions, translated sentence by sentence: at least nine in ten checked paragraphs of
    several sentences have their figures checked sentence by sentence, not across the whole text."""
    (path,) = [path for path in shipped_paths() if path.name == "A_78_6_Sect3_en.jsonl"]
    shipped = EnglishVersions(document_segments(document), read_versions(path))
    counts: Counter[bool] = Counter()
    for segment in shipped.segments:
        english = shipped.get(segment.uid)
        prepared = to_english_notation(segment.text)
        if segment.kind is SegmentKind.PARAGRAPH and english and len(split_sentences(prepared)) > 1:
            counts[align_sentences(prepared, english) is not None] += 1
    assert counts[True] >= 9 * counts[False] and counts[True] > 100, counts
