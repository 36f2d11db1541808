"""The parser on the bundled A/78/6 (Sect. 3): facts of the real document."""

from __future__ import annotations

import re
import time

import pytest

from budgetqa.data import bundled_document_path
from budgetqa.ingest.model import BlockKind, Reference
from budgetqa.ingest.numerals import chinese_to_int, int_to_chinese, int_to_roman, roman_to_int
from budgetqa.ingest.parser import parse_document


def test_the_document_identifies_itself_from_its_own_text(document):
    assert document.symbol == "A/78/6 (Sect. 3)"
    assert document.section_number == 3
    assert document.title == "政治事务"
    assert len(document.source_sha256) == 64


def test_block_counts_match_the_printed_document(document):
    assert len(document.paragraphs) == 271
    assert len(document.tables) == 80
    assert len(document.figures) == 34
    assert len(document.parts) == 6
    assert len(document.forewords) == 5
    assert len(document.mandates) == 5
    assert len(document.annexes) == 4


def test_parts_carry_their_official_english_names(document):
    names = {part.number: part.title_en for part in document.parts}
    assert names == {
        "一": "Department of Political and Peacebuilding Affairs",
        "二": "Special political missions",
        "三": "Office of the United Nations Special Coordinator for the Middle East Peace Process",
        "四": "United Nations Register of Damage Caused by the Construction of the Wall in the Occupied "
        "Palestinian Territory",
        "五": "United Nations Office to the African Union",
        "六": "Office of Counter-Terrorism",
    }


def test_paragraph_refs_are_exactly_3_1_to_3_271_in_order(document):
    assert [p.ref for p in document.paragraphs] == [f"3.{n}" for n in range(1, 272)]


def test_paragraph_3_144_holds_the_special_political_missions_total(document):
    paragraph = document.paragraph("3.144")
    assert "775 326 200 美元" in paragraph.text
    assert "39 个特别政治任务" in paragraph.text
    assert paragraph.part == "二"


def test_misprinted_3_62_is_paragraph_3_262_introducing_tables_3_75_to_3_77(document):
    paragraph = document.paragraph("3.262")
    assert paragraph.printed_ref == "3.62"
    tables = [r.ref for r in paragraph.references if r.kind == BlockKind.TABLE]
    assert tables[:3] == ["3.75", "3.76", "3.77"]
    assert [(m.printed, m.corrected) for m in document.report.misprints] == [("3.62", "3.262")]
    assert "3.262" in document.table("3.76").cited_by


def test_paragraph_3_123_holds_no_chart_values(document):
    text = document.paragraph("3.123").text
    assert "招待费" not in text and "369.4" not in text
    assert "(b) 必要时" in text and "(c) 对政治建和部" in text


def test_paragraph_3_114_references_tables_3_27_to_3_29_and_figure_3_14(document):
    references = document.paragraph("3.114").references
    assert references[:4] == [
        Reference(BlockKind.TABLE, "3.27"),
        Reference(BlockKind.TABLE, "3.28"),
        Reference(BlockKind.TABLE, "3.29"),
        Reference(BlockKind.FIGURE, "3.十四"),
    ]


def test_paragraph_3_129_cites_paragraph_3_117(document):
    assert Reference(BlockKind.PARAGRAPH, "3.117") in document.paragraph("3.129").references


def test_every_paragraph_text_starts_with_what_follows_its_number(document):
    for paragraph in document.paragraphs:
        first = document.lines[paragraph.lines.first - 1]
        after = re.sub(rf"^\s*{re.escape(paragraph.printed_ref)}\s+", "", first).strip()
        assert paragraph.text.startswith(after), paragraph.ref


def test_no_paragraph_holds_urls_page_heads_or_page_feet(document):
    footer = re.compile(r"\d+/136|23-08138")
    for paragraph in document.paragraphs:
        assert "https://" not in paragraph.text, paragraph.ref
        assert "第 3 款 政治事务" not in paragraph.text, paragraph.ref
        assert "第二编 政治事务" not in paragraph.text, paragraph.ref
        assert not footer.search(paragraph.text), paragraph.ref


def test_a_paragraph_continues_after_chart_values_printed_inside_it(document):
    paragraph = document.paragraph("3.173")
    assert "提高能源和水的利用效率" in paragraph.text
    assert "家具和设备" not in paragraph.text


def test_line_joins_add_no_space_between_chinese_characters(document):
    assert "负责处理秘书处与在全球一级预防、管理和解决冲突有关的所有事项" in document.paragraph("3.1").text


def test_debris_is_counted_by_kind(document):
    debris = document.report.debris_removed
    assert debris["url"] == 537
    assert debris["page_header"] == debris["page_footer"] == 10
    assert debris["chart_value"] > 100


def test_paragraphs_know_their_section_path_and_part(document):
    paragraph = document.paragraph("3.18")
    assert paragraph.part == "一"
    assert paragraph.section[0] == "一. 政治和建设和平事务部"
    assert "次级方案 1 预防、管理和解决冲突" in paragraph.section
    assert paragraph.section[-1] == "目标"


def test_tables_are_3_1_to_3_80_and_know_who_cites_them(document):
    assert [t.ref for t in document.tables] == [f"3.{n}" for n in range(1, 81)]
    assert document.table("3.27").cited_by[:1] == ["3.114"]


def test_table_3_24_has_a_row_for_posts(document):
    assert len(document.table("3.24").find_rows("员额")) >= 1


def test_figures_are_numbered_in_chinese_numerals_with_titles(document):
    assert [f.number for f in document.figures] == list(range(1, 35))
    figure = document.figure("3.一")
    assert figure.title == "业绩计量：在联合国技术支持下组织选举的国家数目"
    assert figure.cited_by == ["3.35"]


def test_figure_3_14_has_its_resource_distribution_values(document):
    values = {v.label: v.value for v in document.figure("3.十四").values}
    assert values["员额分配"] == 277
    assert values["财政资源分配"] == 51212.8


def test_chart_values_printed_inside_a_paragraph_belong_to_the_figure_before_it(document):
    labels = {v.label: v.value for v in document.figure("3.十五").values}
    assert labels["招待费"] == 0.8 or labels.get("代表差旅") is not None


def test_forewords_carry_their_signatory(document):
    first = document.forewords[0]
    assert first.part == "一"
    assert first.signatory == "罗斯玛丽·迪卡洛"
    assert first.signatory_title == "主管政治和建设和平事务副秘书长"
    assert [f.part for f in document.forewords] == ["一", "三", "四", "五", "六"]


def test_mandate_lists_pair_resolutions_with_titles_under_their_subprogramme(document):
    entries = document.mandates[0].entries
    structural = next(e for e in entries if e.symbols == ["72/199"])
    assert structural.title == "联合国和平与安全支柱的结构改革"
    assert structural.body == "大会决议"
    wrapped = next(e for e in entries if e.symbols == ["61/230", "69/291", "75/327"])
    assert wrapped.title.startswith("秘书长关于非洲境内冲突起因")
    assert any(e.subprogramme and e.subprogramme.startswith("次级方案 1") for e in entries)


def test_annexes_one_to_four_have_titles(document):
    assert [a.ref for a in document.annexes] == ["一", "二", "三", "四"]
    assert document.annexes[2].title == "按构成部分和次级方案列示的拟议员额变动汇总"


def test_table_notes_are_footnotes_attached_to_their_table(document):
    notes = [f for f in document.footnotes if f.attached_to == "3.24"]
    assert notes and notes[0].marker == "a"


def test_every_unit_kind_is_rendered(document):
    kinds = {unit.kind for unit in document.units()}
    assert kinds >= {
        BlockKind.PARAGRAPH,
        BlockKind.TABLE,
        BlockKind.FIGURE,
        BlockKind.FOREWORD,
        BlockKind.MANDATES,
        BlockKind.ANNEX,
    }
    table = document.unit(BlockKind.TABLE, "3.24")
    assert table.text.startswith("表 3.24") and "43 526.4" in table.text


def test_parsing_the_whole_document_takes_well_under_two_seconds():
    start = time.perf_counter()
    parse_document(bundled_document_path())
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize("number", [1, 10, 14, 20, 34, 99, 105, 1010])
def test_chinese_and_roman_numerals_round_trip(number):
    assert chinese_to_int(int_to_chinese(number)) == number
    assert roman_to_int(int_to_roman(number)) == number


def test_numerals_read_as_the_document_prints_them():
    assert chinese_to_int("十四") == 14 and chinese_to_int("三十四") == 34
    assert int_to_chinese(14) == "十四" and int_to_roman(14) == "XIV"
    with pytest.raises(ValueError):
        chinese_to_int("十四a")
