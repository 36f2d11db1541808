"""The English field of search: units carry their English versions, indexed with English tokens.

The unit tests give FAKE versions (placeholder English such as "FAKE version of paragraph 3.144")
to the real document's segments; the search test uses the shipped versions.
"""

from __future__ import annotations

import pytest

from budgetqa.index.glossary import load_glossary
from budgetqa.index.lexical import EnglishLexicalStore
from budgetqa.index.searcher import _expected_manifest
from budgetqa.index.tokenize import tokenize_english
from budgetqa.index.units import build_index_units
from budgetqa.ingest.english import EnglishVersions, document_segments
from tests.english_fakes import fake_version


@pytest.fixture(scope="module")
def fake_versions(document) -> EnglishVersions:
    segments = document_segments(document)
    by_uid = {segment.uid: segment for segment in segments}
    table = document.table("3.27")
    given = [
        fake_version(by_uid["paragraph:3.144"], "FAKE version of paragraph 3.144 on zebra missions"),
        fake_version(by_uid["caption:3.27"], "FAKE caption of table 3.27"),
        fake_version(by_uid[f"label:{' '.join(table.rows[0].label.split())}"], "FAKE first row label"),
        fake_version(by_uid["note:3.27:0"], "FAKE note of table 3.27"),
    ]
    return EnglishVersions(segments, given)


@pytest.fixture(scope="module")
def units(document, fake_versions):
    return {unit.uid: unit for unit in build_index_units(document, load_glossary(), fake_versions)}


def test_a_paragraph_has_its_english_version_under_its_english_context(units) -> None:
    english = units["paragraph:3.144"].english_text
    assert "FAKE version of paragraph 3.144 on zebra missions" in english
    assert english.splitlines()[0].startswith("Special political missions")  # the part's English name


def test_rows_and_notes_carry_their_table_caption_and_labels_in_english(units) -> None:
    row = units["row:3.27:0"].english_text
    assert "Table 3.27: FAKE caption of table 3.27" in row and "FAKE first row label" in row
    assert "FAKE note of table 3.27" in units["note:3.27:0"].english_text


def test_a_unit_without_a_version_has_only_its_context_and_labels(units) -> None:
    english = units["paragraph:3.115"].english_text
    assert english and "美元" not in english


def test_without_versions_there_is_no_english_body(document) -> None:
    plain = {unit.uid: unit for unit in build_index_units(document, load_glossary())}
    assert "FAKE" not in plain["paragraph:3.144"].english_text


def test_a_changed_english_version_changes_the_units_hash_so_the_index_is_rebuilt(document, units) -> None:
    without = build_index_units(document, load_glossary(), EnglishVersions(document_segments(document), []))
    assert _expected_manifest(document, list(units.values()), []).units_sha256 != _expected_manifest(
        document, without, []
    ).units_sha256


def test_the_english_store_finds_english_words_and_ignores_chinese(units) -> None:
    ordered = list(units.values())
    store = EnglishLexicalStore.build([unit.english_text for unit in ordered])
    hits = store.search(tokenize_english("zebra missions"), 3)
    assert ordered[hits[0][0]].uid == "paragraph:3.144"
    assert store.search(tokenize_english("特别政治任务"), 3) == []


def test_the_session_index_searches_the_english_field(usem3_index) -> None:
    assert usem3_index.english is not None and usem3_index.english.size == len(usem3_index.units)
    assert "bm25:en" in usem3_index.rankings("How much is proposed for special political missions in 2024?")
