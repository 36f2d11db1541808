"""Retrievable units of the bundled A/78/6 (Sect. 3): every block, every table row, each with its context."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from budgetqa.index.glossary import load_glossary
from budgetqa.index.model import IndexUnit
from budgetqa.index.units import build_index_units
from budgetqa.ingest.model import BlockKind


@pytest.fixture(scope="module")
def units(document) -> list[IndexUnit]:
    return build_index_units(document, load_glossary())


def _blocks(units: list[IndexUnit]) -> set[tuple[BlockKind, str]]:
    return {(unit.kind, unit.ref) for unit in units if unit.row is None}


def test_every_citable_block_of_the_document_has_a_unit(document, units) -> None:
    expected = {(unit.kind, unit.ref) for unit in document.units()}
    assert {kind for kind, _ in expected} >= {
        BlockKind.PARAGRAPH,
        BlockKind.TABLE,
        BlockKind.FIGURE,
        BlockKind.FOREWORD,
        BlockKind.MANDATES,
        BlockKind.ANNEX,
    }
    assert expected <= _blocks(units)
    assert (BlockKind.PARAGRAPH, "3.144") in _blocks(units)
    assert (BlockKind.TABLE, "3.27") in _blocks(units)
    assert (BlockKind.FIGURE, "3.十四") in _blocks(units)


def test_unit_ids_are_unique(units) -> None:
    duplicates = [uid for uid, count in Counter(unit.uid for unit in units).items() if count > 1]
    assert duplicates == []


def test_every_table_row_is_a_unit_pointing_to_its_table(document, units) -> None:
    rows = {unit.uid: unit for unit in units if unit.row is not None}
    for table in document.tables:
        for index, row in enumerate(table.rows):
            if not row.label and not row.cells:
                continue
            unit = rows[f"row:{table.ref}:{index}"]
            assert (unit.kind, unit.ref, unit.row, unit.row_label) == (BlockKind.TABLE, table.ref, index, row.label)
            assert row.line in unit.lines and unit.lines.first in table.lines
            assert unit.english_label.startswith(f"Table {table.ref}")


def test_every_table_note_is_a_unit_citing_its_table(document, units) -> None:
    notes = {unit.uid: unit for unit in units if unit.note is not None}
    expected = {f"note:{table.ref}:{i}": (table, note) for table in document.tables for i, note in enumerate(table.notes)}
    assert notes.keys() == expected.keys() and len(notes) >= 10
    for uid, (table, note) in expected.items():
        unit = notes[uid]
        assert (unit.kind, unit.ref, unit.row, unit.text) == (BlockKind.TABLE, table.ref, None, note)
        assert not unit.is_whole_table and table.caption in unit.indexed_text
    commitment = notes["note:3.24:0"]
    assert "1 484 400" in commitment.text and "commitment authority" in commitment.indexed_text


def test_the_posts_row_of_table_3_24_carries_caption_values_and_english_labels(units) -> None:
    posts = next(unit for unit in units if unit.ref == "3.24" and unit.row_label == "员额")
    assert "表 3.24" in posts.indexed_text and "按支出用途列示的财政资源演变情况" in posts.indexed_text
    assert "47 278.1" in posts.text and "47 270.9" in posts.text  # 2023 appropriation, 2024 estimate
    assert "Posts" in posts.indexed_text and "2023 appropriation" in posts.indexed_text


def test_units_under_a_subprogramme_carry_its_heading_however_deep_they_sit(units) -> None:
    under = [
        (unit, heading)
        for unit in units
        for heading in unit.section
        if re.match(r"次级方案 \d", heading)
    ]
    assert len(under) > 100
    missing = [unit.uid for unit, heading in under if heading not in unit.indexed_text]
    assert missing == []
    deep = next(unit for unit in units if unit.uid == "paragraph:3.49")  # a result of 次级方案 3, 7 headings deep
    assert "次级方案 3 安全理事会事务" in deep.indexed_text and "Subprogramme 3" in deep.indexed_text


def test_every_unit_of_part_five_names_the_united_nations_office_to_the_african_union(units) -> None:
    part_five = [unit for unit in units if unit.part == "五"]
    assert len(part_five) > 50
    assert all("United Nations Office to the African Union" in unit.indexed_text for unit in part_five)
    assert all("联合国驻非洲联盟办事处" in unit.indexed_text for unit in part_five)


def test_the_part_heading_is_not_repeated_in_a_units_context(units) -> None:
    paragraph = next(unit for unit in units if unit.uid == "paragraph:3.144")
    assert paragraph.indexed_text.count("二. 特别政治任务") == 1


def test_long_annexes_are_split_into_pieces_that_each_cite_the_whole_annex(document, units) -> None:
    annex_three = document.annexes[2]
    pieces = [unit for unit in units if unit.kind is BlockKind.ANNEX and unit.ref == annex_three.ref]
    assert len(pieces) > 1
    assert {piece.lines for piece in pieces} == {annex_three.lines}
    assert all(piece.indexed_text.startswith("附件三") for piece in pieces)


def test_units_are_built_the_same_way_every_time(document, units) -> None:
    again = build_index_units(document, load_glossary())
    assert [(unit.uid, unit.indexed_text) for unit in again] == [(unit.uid, unit.indexed_text) for unit in units]
