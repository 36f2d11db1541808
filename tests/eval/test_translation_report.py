"""The English-versions report: coverage per kind, and every segment without a checked version listed
with its reason.  The first test uses made-up segments and FAKE versions (not the document's); the
second reads the real document and the versions shipped with the package."""

from __future__ import annotations

from budgetqa.eval.translation_report import measure, render
from budgetqa.ingest.commands import load_document
from budgetqa.ingest.english import (
    NEVER_MADE,
    CheckName,
    EnglishVersion,
    EnglishVersions,
    Segment,
    SegmentKind,
)


def _version(segment: Segment, english: str | None, failures: list[str]) -> EnglishVersion:
    """A FAKE version of a made-up segment."""
    return EnglishVersion(
        uid=segment.uid,
        kind=segment.kind,
        ref=segment.uid.split(":", 1)[1],
        source_sha256=segment.sha256,
        english=english,
        checks={name: name is not CheckName.FIGURES or not failures for name in CheckName},
        failures=failures,
        attempts=1,
        model_sha256="f" * 64,
        rejected=None if english else "An attempt",
    )


def test_a_failed_segment_gets_a_row_with_its_failures_and_never_translated_ones_a_line_per_kind() -> None:
    done = Segment("paragraph:9.1", SegmentKind.PARAGRAPH, "示例办事处有 7 个员额。")
    failed = Segment("paragraph:9.2", SegmentKind.PARAGRAPH, "示例办事处有 8 个员额。")
    never = Segment("mandate:示例任务", SegmentKind.MANDATE, "示例任务")
    why = "the figure 8 of the source is missing; copy it exactly as written"
    versions = EnglishVersions(
        [done, failed, never],
        [_version(done, "The example office has 7 posts.", []), _version(failed, None, [why])],
    )
    report = measure(versions)
    text = render(report)
    assert [item.uid for item in report.missing] == ["paragraph:9.2", "mandate:示例任务"]
    assert f"| paragraph:9.2 | {why} |" in text
    assert f"| mandate, never translated (1): 示例任务 | {NEVER_MADE} |" in text
    assert "paragraph:9.1 |" not in text


def test_every_segment_of_the_bundled_document_without_a_checked_version_is_listed_with_its_reason() -> None:
    versions = EnglishVersions.load(load_document())
    report = measure(versions)
    text = render(report)
    assert len(report.missing) == sum(item.segments - item.checked for item in report.coverage)
    for item in report.missing:
        name = item.uid if item.reason != NEVER_MADE else item.uid.split(":", 1)[1]
        assert " ".join(name.split()).replace("|", "\\|") in text, item.uid
        assert item.reason and (item.reason == NEVER_MADE or " ".join(item.reason.split()) in text)


def test_the_report_names_the_checked_versions_whose_figures_were_compared_across_the_whole_text() -> None:
    """Made-up segments and FAKE versions: a version of two sentences rendered as two is counted as
    checked sentence by sentence; one merged into a single English sentence is named."""
    paired = Segment("paragraph:9.3", SegmentKind.PARAGRAPH, "示例办事处有 7 个员额。其中 2 个是新员额。")
    merged = Segment("paragraph:9.4", SegmentKind.PARAGRAPH, "示例办事处有 9 个员额。其中 3 个是新员额。")
    versions = EnglishVersions(
        [paired, merged],
        [
            _version(paired, "The example office has 7 posts. Of these, 2 are new.", []),
            _version(merged, "The example office has 9 posts, 3 of them new.", []),
        ],
    )
    report = measure(versions)
    assert (report.by_sentence, report.whole_text) == (1, ("paragraph:9.4",))
    assert "sentence by sentence in 1 of the 2 checked versions" in render(report)


def test_the_english_length_per_chinese_character_of_the_shipped_versions_is_reported_lowest_first() -> None:
    """Every checked version of the real document respects the length check's bound, and the report
    gives the median, the 2nd percentile and the lowest versions the bound was read from."""
    from budgetqa.index.translation_checks import MIN_ENGLISH_PER_HAN

    report = measure(EnglishVersions.load(load_document()))
    ratios = [ratio for ratio, _ in report.per_han]
    assert len(ratios) > 500 and ratios == sorted(ratios) and ratios[0] >= MIN_ENGLISH_PER_HAN
    lowest_uid = report.per_han[0][1]
    line = next(line for line in render(report).splitlines() if line.startswith("English characters of its own"))
    assert "median" in line and "2nd percentile" in line and lowest_uid[:20] in line
