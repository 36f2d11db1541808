"""The shipped English versions of the bundled document (data/A_78_6_Sect3_en.jsonl), as made by
`budgetqa translate` with the packaged local model: every line belongs to the document, every checked
version passes the current checks, and every segment without one is listed with its reason."""

from __future__ import annotations

from collections import Counter

import pytest

from budgetqa.index.english_figures import to_english_notation
from budgetqa.index.glossary import load_glossary
from budgetqa.index.translate_pieces import checked_text
from budgetqa.index.translation_checks import check_translation
from budgetqa.ingest.english import (
    CheckName,
    EnglishVersions,
    SegmentKind,
    document_segments,
    read_versions,
    shipped_paths,
)
from budgetqa.qa.local_model import QWEN_SHA256


@pytest.fixture(scope="module")
def shipped(document) -> EnglishVersions:
    (path,) = [path for path in shipped_paths() if path.name == "A_78_6_Sect3_en.jsonl"]
    return EnglishVersions(document_segments(document), read_versions(path))


def test_every_shipped_line_translates_a_segment_of_the_document_with_the_packaged_model(document) -> None:
    (path,) = [path for path in shipped_paths() if path.name == "A_78_6_Sect3_en.jsonl"]
    lines = read_versions(path)
    segments = {segment.uid: segment for segment in document_segments(document)}
    assert len({line.uid for line in lines}) == len(lines)
    for line in lines:
        assert line.uid in segments and line.source_sha256 == segments[line.uid].sha256, line.uid
        assert line.model_sha256 == QWEN_SHA256 and set(line.checks) == set(CheckName)
        assert (line.english is None) == (not line.passed), line.uid


def test_every_checked_version_passes_every_current_check(shipped: EnglishVersions) -> None:
    glossary = load_glossary()
    checked = 0
    for segment in shipped.segments:
        english = shipped.get(segment.uid)
        if english is None:
            continue
        source = checked_text(segment)  # an annex as its English lays it out, wrapped sentences on one line
        result = check_translation(source, to_english_notation(source), english, glossary)
        assert result.passed, (segment.uid, result.failures)
        checked += 1
    assert checked == len(shipped)


def test_paragraphs_and_captions_have_checked_versions_and_the_others_say_why(shipped: EnglishVersions) -> None:
    kinds = Counter(segment.kind for segment in shipped.segments)
    missing = shipped.missing()
    lacking = Counter(item.kind for item in missing)
    assert lacking[SegmentKind.PARAGRAPH] <= kinds[SegmentKind.PARAGRAPH] // 20  # at least 95 % checked
    assert lacking[SegmentKind.CAPTION] <= kinds[SegmentKind.CAPTION] // 20
    assert all(item.reason for item in missing)
