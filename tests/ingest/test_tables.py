"""Tables 表 3.1–3.80 of the bundled A/78/6 (Sect. 3), parsed into header, rows and cells.

The blocks are cut from the raw file here (the document parser does the same job in the
pipeline): from the "表 3.N" line to the next paragraph, table, figure or heading, dropping blank,
URL and page header/footer lines.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from budgetqa.ingest.model import Cell, Table
from budgetqa.ingest.table_cells import enumerate_splits, tokenize
from budgetqa.ingest.table_header import TableShape, build_header, header_fragments, is_header_line
from budgetqa.ingest.tables import TableParseError, parse_table_block, table_to_text

SOURCE = Path(__file__).resolve().parents[2] / "data" / "A_78_6_Sect3_zh.txt"

_TABLE = re.compile(r"^\s*表 (3\.\d+)\s*$")
_STOP = re.compile(r"^\s*(表 3\.\d+\s*$|图 3\.\S+\s*$|3\.\d+ \S)")
_HEADING = re.compile(
    r"^\s{2,3}(成果 \d+：|\d{4} 年计划成果|\d{4} 年方案执行情况|\d{4} 年拟议方案计划|次级方案 \d+\s*$|目标\s*$"
    r"|概览\s*$|应交付产出\s*$|立法授权\s*$|评价活动\s*$|[A-Z]\. \d{4} 年拟议|[一二三四五六七八九十]+\. |总方向|任务和背景)"
)
_DEBRIS = re.compile(
    r"^\s*(https?://\S+|第 \d+ 款 \S+|第.编 \S+|\d+/\d+ \d{2}-\d{5}|\d{2}-\d{5} \d+/\d+)\s*$"
)


def table_blocks(lines: list[str]) -> dict[str, list[tuple[int, str]]]:
    """Every table block of the document, keyed by reference ("3.24")."""
    blocks: dict[str, list[tuple[int, str]]] = {}
    for index, line in enumerate(lines):
        match = _TABLE.match(line)
        if not match:
            continue
        block = [(index + 1, line)]
        for number in range(index + 1, len(lines)):
            text = lines[number]
            if _STOP.match(text) or _HEADING.match(text) or text.strip() == "前言":
                break
            if text.strip() and not _DEBRIS.match(text):
                block.append((number + 1, text))
        blocks[match.group(1)] = block
    return blocks


@pytest.fixture(scope="module")
def blocks() -> dict[str, list[tuple[int, str]]]:
    return table_blocks(SOURCE.read_text(encoding="utf-8").split("\n"))


@pytest.fixture(scope="module")
def tables(blocks: dict[str, list[tuple[int, str]]]) -> dict[str, Table]:
    return {ref: parse_table_block(ref, block, section=["一"], part="一") for ref, block in blocks.items()}


def value(table: Table, label: str, column: str, *, part: str | None = None) -> float | None:
    rows = [row for row in table.find_rows(label) if part is None or row.part == part]
    assert rows, f"表 {table.ref} has no row {label!r} in part {part}"
    cell = rows[0].cell(table.column_index(column))
    assert cell is not None
    return cell.value


def test_the_document_has_eighty_tables_that_all_parse_in_well_under_a_second(blocks):
    assert len(blocks) == 80
    start = time.perf_counter()
    parsed = [parse_table_block(ref, block, section=[], part="一") for ref, block in blocks.items()]
    assert time.perf_counter() - start < 1.0
    assert all(table.rows for table in parsed)


def test_table_3_24_columns_are_rebuilt_from_the_flattened_header(tables):
    table = tables["3.24"]
    assert table.caption == "总表：按支出用途列示的财政资源演变情况"
    assert table.unit == "千美元"
    assert table.columns == [
        "2022 年支出",
        "2023 年批款",
        "变动: 技术调整",
        "变动: 新的/扩大的任务",
        "变动: 其他",
        "变动: 共计",
        "变动: 百分比",
        "2024 年估计(重计费用前)",
    ]


def test_table_3_24_row_posts_holds_the_printed_figures(tables):
    table = tables["3.24"]
    (row,) = table.find_rows("员额")
    assert value(table, "员额", "2022 年支出") == 43526.4
    assert value(table, "员额", "2023 年批款") == 47278.1
    assert value(table, "员额", "2024 年估计") == 47270.9
    assert value(table, "员额", "其他") == -7.2
    assert row.cell(table.column_index("技术调整")) == Cell(text="—", value=None, is_nil=True)
    assert not row.ambiguous


def test_table_3_24_every_numeric_column_sums_to_its_total_row(tables):
    table = tables["3.24"]
    (total,) = [row for row in table.rows if row.is_total]
    body = [row for row in table.rows if not row.is_total]
    for column, name in enumerate(table.columns):
        if "百分比" in name:
            continue
        summed = sum((row.cells[column].value or 0.0) for row in body)
        assert abs(summed - (total.cells[column].value or 0.0)) <= 0.15, name


def test_table_3_24_note_a_is_kept(tables):
    assert tables["3.24"].notes[0].startswith("a 包括 1 484 400 美元支出")


def test_table_3_26_p4_has_53_posts_approved_and_proposed(tables):
    table = tables["3.26"]
    assert value(table, "P-4", "2023 年核定") == 53
    assert value(table, "P-4", "2024 年拟议") == 53
    assert table.find_rows("P-4")[0].group == "专业及以上职类"


def test_table_3_27_has_regular_and_extrabudgetary_sub_parts(tables):
    table = tables["3.27"]
    assert table.sub_parts == ["(1) 经常预算", "(2) 预算外"]
    assert value(table, "小计(1)", "2024 年估计", part="(1) 经常预算") == 51212.8
    assert value(table, "1. 预防、管理和解决冲突", "2023 年估计", part="(2) 预算外") == 25212.0
    grand = table.find_rows("共计")[0]
    assert grand.part is None and grand.cell(table.column_index("2024 年估计")).value == 89606.9
    programme = table.find_rows("3. 安全理事会事务")[0]
    assert programme.group == "C. 工作方案"


def test_table_3_7_deliverables_row_for_electoral_missions(tables):
    table = tables["3.7"]
    assert table.columns == ["2022 年计划", "2022 年实际", "2023 年计划", "2024 年计划"]
    (row,) = table.find_rows("7. 关于选举进程的技术、咨询和审查团")
    assert [cell.value for cell in row.cells] == [25, 30, 30, 32]
    assert row.group == "B. 生成和转让知识"


def test_wrapped_deliverable_labels_are_joined_with_their_numbers(tables):
    rows = tables["3.7"].find_rows(
        "5. 为区域和国家一级的选举管理人员和工作人员举办关于包括性别平等与选举、选举与暴力以及选举观察在内的关键选举事项的培训活动和讲习班"
    )
    assert [cell.value for cell in rows[0].cells] == [20, 21, 22, 23]


def test_repeated_headers_after_page_breaks_are_not_rows(tables):
    for table in tables.values():
        for row in table.rows:
            if not any(cell.is_numeric for cell in row.cells):
                assert not is_header_line(row.label), (table.ref, row.label)
            assert row.label not in {"类别和次类别", "变动", "2022 年", "计划", "实际", "批款 技术调整"}


def test_post_changes_table_3_25_has_counts_and_details(tables):
    table = tables["3.25"]
    assert table.columns == ["数目", "详情"]
    approved = table.find_rows("2023 年核定")[0]
    assert approved.cells[0].value == 277
    assert approved.cells[1].text.endswith("86 个 GS (OL)、2 个 LL")
    assert table.notes[0].startswith("注：表格和图表中使用的缩写如下")


def test_performance_measure_tables_have_text_cells_per_year(tables):
    table = tables["3.2"]
    assert table.columns == ["2020(实际)", "2021(实际)", "2022(实际)"]
    (row,) = table.rows
    assert row.cells[0].is_nil and row.cells[1].is_nil
    assert row.cells[2].text.startswith("会员国、区域和次区域组织")


def test_compliance_table_keeps_not_applicable_cells(tables):
    table = tables["3.59"]
    (row,) = table.rows
    assert row.cells[0].text == "不适用 a" and [c.value for c in row.cells[1:]] == [100, 89, 100, 100]


def test_chart_values_printed_inside_table_3_36_are_not_rows(tables):
    labels = [row.label for row in tables["3.36"].rows]
    assert labels == ["员额", "非员额", "共计", "专业及以上职类", "一般事务及有关职类", "共计"]


def _first_numeric(table: Table, row, names: tuple[str, ...]) -> Cell | None:
    for name in names:
        if name in table.columns and row.cells[table.columns.index(name)].is_numeric:
            return row.cells[table.columns.index(name)]
    return None


def test_resources_rows_add_up_across_all_tables(tables):
    """2023 + total change = 2024 (amounts and posts) for every settled row of a resources table."""
    checked = 0
    failures = []
    for table in tables.values():
        if "变动: 共计" not in table.columns:
            continue
        for row in table.rows:
            if row.ambiguous or not row.cells:
                continue
            base = _first_numeric(table, row, ("2023 年批款", "2023 年核定", "2023 年估计"))
            final = _first_numeric(table, row, ("2024 年估计(重计费用前)", "2024 年拟议", "2024 年估计"))
            change = _first_numeric(table, row, ("变动: 共计",))
            if base is None or final is None or change is None:
                continue
            if abs((base.value or 0.0) + (change.value or 0.0) - (final.value or 0.0)) > 0.15:
                failures.append((table.ref, row.line, row.label))
            checked += 1
    assert checked > 250
    # 表 3.68 prints its grand total's change without the minus sign (10 292.5 + 337.9 ≠ 9 954.6).
    assert failures == [("3.68", 8337, "共计")]


def test_ambiguous_rows_are_a_small_minority(tables, capsys):
    rows = [row for table in tables.values() for row in table.rows]
    numeric = [row for row in rows if any(cell.is_numeric for cell in row.cells)]
    ambiguous = [(table.ref, row.line) for table in tables.values() for row in table.rows if row.ambiguous]
    with capsys.disabled():
        print(f"\ntables={len(tables)} rows={len(rows)} numeric={len(numeric)} ambiguous={ambiguous}")
    assert len(ambiguous) <= len(rows) // 20
    numeric_ambiguous = [row for row in numeric if row.ambiguous]
    assert numeric_ambiguous == []
    for table in tables.values():
        for row in table.rows:
            if row.ambiguous:
                assert row.alternatives or any(not cell.text for cell in row.cells)


def test_a_row_that_fits_two_splits_is_flagged_with_its_alternative():
    block = [
        (1, "表 3.99 "),
        (2, "总表：按职类和职等列示的拟议员额 "),
        (3, "(员额数目) "),
        (4, "职类和职等 "),
        (5, "2023 年 "),
        (6, "核定 "),
        (7, "2024 年 "),
        (8, "拟议 "),
        (9, "LL 1 100 100 "),
    ]
    table = parse_table_block("3.99", block, section=[], part="一")
    (row,) = table.rows
    assert table.columns == ["2023 年核定", "2024 年拟议"]
    assert row.ambiguous
    splits = {tuple(cell.value for cell in cells) for cells in [row.cells, *row.alternatives]}
    assert splits == {(1100.0, 100.0), (1.0, 100100.0)}


def test_number_splits_respect_thousands_groups_and_wide_gaps():
    splits = enumerate_splits(tokenize("43 526.4 47 278.1"), 2)
    assert len(splits) == 1
    assert enumerate_splits(tokenize("284 736  545 833"), 4)
    # the wide gap is always a cell boundary: "736  545" never joins
    assert all(
        any(piece.start == 2 for piece in split)
        for split in enumerate_splits(tokenize("284 736  545 833"), 3)
    )
    assert enumerate_splits(tokenize("1 000"), 2) == []  # no cell starts with "000"
    assert len(enumerate_splits(tokenize("1 000"), 1)) == 1


def test_header_fragments_are_put_in_column_order():
    header = build_header(
        header_fragments(
            [
                "变动",
                "2024 年估计",
                "(重计费用前)",
                "2022 年",
                "支出",
                "2023 年",
                "批款 技术调整",
                "新的/",
                "扩大的任务 其他 共计 百分比",
            ]
        )
    )
    assert header.shape is TableShape.RESOURCES
    assert header.columns[0] == "2022 年支出" and header.columns[-1] == "2024 年估计(重计费用前)"


def test_a_block_without_its_table_line_is_refused():
    with pytest.raises(TableParseError, match="must start with"):
        parse_table_block("3.1", [(5, "3.14 表 3.1 列示了……")], section=[], part="一")


def test_table_to_text_prints_one_row_per_line(tables):
    text = table_to_text(tables["3.24"])
    assert text.splitlines()[0] == "表 3.24 总表：按支出用途列示的财政资源演变情况 (千美元)"
    assert "员额 | 2022 年支出: 43 526.4 | 2023 年批款: 47 278.1" in text
