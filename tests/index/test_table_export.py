"""Tables as data on the bundled document: ``Table.to_pandas``, ``budgetqa tables`` (xlsx, csv, parquet),
and the workbook agreeing cell for cell with the budget facts (their long form)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from budgetqa.cli import app
from budgetqa.ingest.table_frame import ROW_COLUMNS

FACT_CELL = re.compile(r"^table:(?P<ref>[\d.]+)#(?P<row>\d+)\.(?P<column>\d+)$")
SHEET_ROW_COLUMNS = len(ROW_COLUMNS) + 1  # the row columns and label_en come before the table's own


def test_table_3_27_to_pandas_has_typed_columns_and_the_printed_figures(document):
    frame = document.table("3.27").to_pandas()
    assert list(frame.columns[:4]) == list(ROW_COLUMNS)
    assert frame.attrs["ref"] == "3.27" and frame.attrs["unit"] == "千美元"
    total = frame[(frame["label"] == "共计") & frame["is_total"]]
    assert total["2024 年估计(重计费用前)"].item() == 89606.9
    assert total["2023 年估计"].item() == 88999.8
    assert math.isnan(total["2023 年批款"].item())  # nothing printed there
    regular = frame[frame["sub_part"] == "(1) 经常预算"]
    assert regular.loc[regular["label"] == "2. 选举援助", "变动: 共计"].item() == 0.0  # printed "—"
    assert frame["变动: 共计"].dtype == "float64"


def test_text_columns_keep_their_text(document):
    frame = document.table("3.25").to_pandas()
    assert frame["数目"].tolist() == [277.0, 0.0, 277.0]
    assert frame["详情"].iloc[0].startswith("1 个 USG")


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tables") / "tables.xlsx"
    result = CliRunner().invoke(app, ["tables", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def sheets(workbook: Path) -> dict[str, pd.DataFrame]:
    index = pd.read_excel(workbook, sheet_name="index", dtype={"sheet": str})
    read = pd.read_excel(workbook, sheet_name=None, header=[0, 1])
    rows = dict(zip(index["sheet"], index["rows"], strict=True))
    return {name: frame.iloc[: rows[name]] for name, frame in read.items() if name in rows}


def test_the_workbook_has_an_index_and_a_sheet_per_table_and_sub_part_and_the_overview_annex(document, sheets):
    names = set(sheets)
    assert {t.ref for t in document.tables} <= names
    assert {"3.27 (1)", "3.27 (2)", "3.68 (3)", "附件四"} <= names
    header = list(sheets["3.27"].columns)
    assert ("2023 年批款", "2023 appropriation") in header
    assert ("label_en", "item (English)") not in header and ("项目(英文)", "item (English)") in header
    annex = sheets["附件四"]
    assert ("预算外: 2024 年估计", "Extrabudgetary: 2024 estimate") in list(annex.columns)
    unoct = annex[annex[("项目", "item")] == "反恐怖主义办公室"]
    assert unoct[("共计: 2024 年估计", "Total: 2024 estimate")].tolist() == [29662.5, 197.0]  # money, then posts


def test_no_english_header_label_or_caption_is_half_chinese(workbook: Path, sheets):
    from budgetqa.ingest.english import has_han

    index = pd.read_excel(workbook, sheet_name="index", dtype={"sheet": str})
    assert not [c for c in index["caption"].dropna() if has_han(c)]
    assert index.loc[index["sheet"] == "3.79", "caption"].item() == "Overall: 2024 proposed posts by source of funding and component"
    for name, frame in sheets.items():
        english = [column[1] for column in frame.columns] + frame[("项目(英文)", "item (English)")].dropna().tolist()
        assert not [text for text in english if has_han(str(text))], name


def test_every_overview_annex_fact_is_its_workbook_cell_and_every_annex_figure_a_fact(sheets, opened_facts):
    facts = opened_facts.frame(query=None)
    annex = facts[facts["source_kind"] == "annex"]
    sheet = sheets["附件四"]
    chinese = [column[0] for column in sheet.columns]
    groups = {"money": "财政资源", "posts": "员额资源"}
    seen: set[tuple[int, int]] = set()
    for fact in annex.itertuples():
        rows = sheet.index[(sheet[("组", "group")] == groups[fact.measure]) & (sheet[("项目", "item")] == fact.source_row)]
        (row,) = rows
        column = chinese.index(f"{fact.source_sub_part}: {fact.source_column}")
        cell = sheet.iloc[row, column]
        assert cell == (0.0 if fact.is_nil else fact.value), (fact.id, cell)
        seen.add((row, column))
    figures = {(r, c) for r in range(len(sheet)) for c in range(SHEET_ROW_COLUMNS, sheet.shape[1])
               if not math.isnan(sheet.iloc[r, c])}
    assert figures == seen and len(seen) == 165  # 14 rows of 12 cells, less the 3 其他分摊资源 cells 特别政治任务 leaves blank


def test_every_table_fact_is_the_workbook_cell_it_came_from_and_every_typed_cell_is_a_fact(document, sheets, opened_facts):
    facts = opened_facts.frame(query=None)
    table_facts = facts[facts["source_kind"] == "table"]
    seen: set[tuple[str, int, int]] = set()
    for fact_id, value, is_nil in zip(table_facts["id"], table_facts["value"], table_facts["is_nil"], strict=True):
        match = FACT_CELL.match(fact_id)
        assert match, fact_id
        ref, row, column = match["ref"], int(match["row"]), int(match["column"])
        cell = sheets[ref].iloc[row, SHEET_ROW_COLUMNS + column]
        assert cell == (0.0 if is_nil else value), (fact_id, cell, value)
        seen.add((ref, row, column))
    from budgetqa.ingest.facts import NUMERIC_KINDS

    for table in document.tables:
        if table.kind not in NUMERIC_KINDS:
            continue
        for column, typed in enumerate(table.column_types):
            if typed.basis is None:
                continue
            values = sheets[table.ref].iloc[:, SHEET_ROW_COLUMNS + column]
            for row, value in enumerate(values):
                if isinstance(value, float) and not math.isnan(value):
                    assert (table.ref, row, column) in seen, (table.ref, row, table.columns[column], value)


def test_csv_and_parquet_write_an_index_and_one_file_per_table(document, tmp_path: Path):
    for export in ("csv", "parquet"):
        out = tmp_path / export
        result = CliRunner().invoke(app, ["tables", "--format", export, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert len(list(out.glob(f"table_*.{export}"))) == len(document.tables)
    back = pd.read_parquet(tmp_path / "parquet" / "table_3.68.parquet")
    frame = document.table("3.68").to_pandas()
    assert back["2024 年估计(重计费用前)"].tolist() == frame["2024 年估计(重计费用前)"].tolist()
    assert back.loc[back["label"] == "共计", "label_en"].item() == "Total"
    index = pd.read_csv(tmp_path / "csv" / "index.csv", dtype={"table": str})
    assert index["table"].tolist() == [*(t.ref for t in document.tables), "附件四"]
    annex = pd.read_csv(tmp_path / "csv" / "annex_iv.csv")
    assert annex.loc[annex["label"] == "共计", "共计: 2024 年差异"].tolist() == [-34467.4, 17.0]


def test_tables_xlsx_refuses_a_folder_as_its_workbook(tmp_path: Path):
    result = CliRunner().invoke(app, ["tables", "--format", "xlsx", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a folder" in result.output
