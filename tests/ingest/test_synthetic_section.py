"""The parser on a small synthetic section 29: nothing in it is specific to section 3."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetqa.ingest.model import BlockKind
from budgetqa.ingest.parser import parse_document

FIXTURE = Path(__file__).parent / "fixtures" / "synthetic_section_29_zh.txt"


@pytest.fixture(scope="module")
def section29():
    return parse_document(FIXTURE)


def test_section_number_title_and_symbol_come_from_the_text(section29):
    assert section29.section_number == 29
    assert section29.title == "全球传播"
    assert section29.symbol == "A/78/6 (Sect. 29)"


def test_a_misnumbered_paragraph_is_corrected_from_the_numbering_order(section29):
    assert [p.ref for p in section29.paragraphs] == [f"29.{n}" for n in range(1, 7)]
    corrected = section29.paragraph("29.4")
    assert corrected.printed_ref == "29.6"
    assert [(m.printed, m.corrected) for m in section29.report.misprints] == [("29.6", "29.4")]


def test_a_url_line_inside_a_paragraph_is_removed_and_the_paragraph_continues(section29):
    text = section29.paragraph("29.1").text
    assert "https://" not in text
    assert text.endswith("并与各会员国密切合作。")
    assert "12 345 600 美元" in text


def test_chart_values_inside_a_paragraph_go_to_the_figure(section29):
    assert section29.paragraph("29.5").text.endswith("为大会第 29 个届会议提供支助。")
    labels = {v.label: v.value for v in section29.figure("29.一").values}
    assert labels["P-4"] == 5 and labels["员额分配"] == 12


def test_a_table_split_by_a_page_header_keeps_its_rows_once(section29):
    table = section29.table("29.1")
    assert [row.label for row in table.rows] == ["员额", "非员额", "共计"]
    assert table.cited_by == ["29.2", "29.4"]
    assert section29.report.debris_removed["page_header"] == 1


def test_forewords_mandates_and_annexes_are_found(section29):
    assert section29.forewords[0].signatory == "梅丽莎·弗莱明"
    entries = section29.mandates[0].entries
    assert [e.symbols for e in entries] == [["13 (I)"], ["76/84 B"]]
    assert section29.annexes[0].title == "2024 年组织结构和员额分配"
    assert {u.kind for u in section29.units()} >= {BlockKind.PARAGRAPH, BlockKind.TABLE, BlockKind.FIGURE}
