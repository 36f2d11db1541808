"""Segments of the real document, English-versions files, and units assembled in English.

Tests that need English text use FAKE versions made here (placeholder text such as "FAKE caption
of 3.27"), never presented as the document's translation; the shipped translations are tested in
``tests/ingest/test_english_shipped.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetqa.ingest.english import (
    EnglishVersions,
    EnglishVersionsError,
    Segment,
    SegmentKind,
    document_segments,
    has_han,
    label_segment,
    read_versions,
    render_versions,
    split_pieces,
)
from budgetqa.ingest.english_view import EnglishReader, english_unit
from budgetqa.ingest.model import BlockKind
from tests.english_fakes import fake_version


@pytest.fixture(scope="module")
def segments(document) -> dict[str, Segment]:
    return {segment.uid: segment for segment in document_segments(document)}


def test_every_paragraph_and_caption_is_a_segment_and_they_come_first(document, segments) -> None:
    order = list(segments)
    paragraphs = [f"paragraph:{p.ref}" for p in document.paragraphs]
    captions = [f"caption:{t.ref}" for t in document.tables]
    assert order[: len(paragraphs) + len(captions)] == paragraphs + captions
    assert segments["paragraph:3.115"].text == document.paragraph("3.115").text


def test_recurring_labels_are_one_segment_named_by_their_text(segments) -> None:
    assert segments["label:员额"].kind is SegmentKind.LABEL
    assert segments["heading:目标"].kind is SegmentKind.HEADING
    assert label_segment(" 员额 ").uid == "label:员额"
    assert all(has_han(segment.text) for segment in segments.values())  # figures and nil marks are not labels


def test_annex_pieces_are_the_index_pieces(document, segments) -> None:
    """The annex segments are the pieces the search index cuts (uids annex:三#0 …), so that each
    index unit finds its English version by its own uid."""
    from budgetqa.index.glossary import load_glossary
    from budgetqa.index.units import build_index_units

    annex_units = [u for u in build_index_units(document, load_glossary()) if u.kind is BlockKind.ANNEX]
    assert {u.uid for u in annex_units} == {uid for uid in segments if uid.startswith("annex:")}
    for unit in annex_units:
        assert segments[unit.uid].text == unit.text.strip()


def test_split_pieces_cuts_at_line_ends() -> None:
    assert split_pieces("abc\ndef\ng", 3) == ["abc", "def", "g"]
    assert split_pieces("ab\ncd\nef", 4) == ["ab\ncd", "ef"]


def test_only_checked_versions_of_the_current_text_are_given(document, segments) -> None:
    caption = segments["caption:3.27"]
    failed = segments["paragraph:3.115"]
    changed = Segment("paragraph:3.228", SegmentKind.PARAGRAPH, "an older text of the paragraph")
    versions = EnglishVersions(
        list(segments.values()),
        [
            fake_version(caption, "FAKE caption of 3.27"),
            fake_version(failed, "FAKE rejected", passed=False),
            fake_version(changed, "FAKE version of an older text"),
        ],
    )
    assert versions.get("caption:3.27") == "FAKE caption of 3.27"
    assert versions.get("paragraph:3.115") is None and versions.version("paragraph:3.115") is not None
    assert versions.get("paragraph:3.228") is None
    missing = {item.uid: item.reason for item in versions.missing()}
    assert "caption:3.27" not in missing
    assert missing["paragraph:3.115"].startswith("the figure 1 of the source is missing")
    assert "budgetqa translate" in missing["paragraph:3.228"]
    assert len(versions) == sum(1 for s in segments.values() if s.text == caption.text)  # captions printed twice


def test_a_versions_file_round_trips_and_a_bad_line_is_named(tmp_path: Path, segments) -> None:
    version = fake_version(segments["label:员额"], "FAKE posts")
    path = tmp_path / "en.jsonl"
    path.write_text(render_versions([version]), encoding="utf-8")
    assert read_versions(path) == [version]
    path.write_text(render_versions([version]) + '{"uid": "label:x"}\n', encoding="utf-8")
    with pytest.raises(EnglishVersionsError, match=r"en.jsonl:2: .*budgetqa translate"):
        read_versions(path)


def test_a_table_in_english_uses_its_labels_and_names_what_is_untranslated(document, segments) -> None:
    table = document.table("3.27")
    first = table.rows[0]
    given = [segments["caption:3.27"], label_segment(first.label), *(label_segment(c) for c in table.columns)]
    versions = EnglishVersions(list(segments.values()), [fake_version(s, f"FAKE {s.ref}") for s in given])
    view = english_unit(document, document.unit(BlockKind.TABLE, "3.27"), versions)
    assert view.title == "Table 3.27: FAKE 3.27 (千美元)"  # the table's unit has no version: it stays Chinese
    assert view.columns == [f"FAKE {c}" for c in table.columns]
    row = (view.rows or [])[0]
    assert row.label == f"FAKE {first.label}" and row.cells == [cell.text for cell in first.cells]
    assert "caption:3.27" not in view.untranslated and view.untranslated  # the other labels stay Chinese
    assert not view.complete


def test_the_reader_gives_none_for_a_unit_the_document_lacks(document) -> None:
    reader = EnglishReader(document, EnglishVersions(document_segments(document), []))
    assert reader.unit(BlockKind.PARAGRAPH, "9.999") is None
    found = reader.unit(BlockKind.PARAGRAPH, "3.115")
    assert found is not None and found[1].text == document.paragraph("3.115").text
    assert found[1].untranslated == ["paragraph:3.115"]
