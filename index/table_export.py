"""Tables as data: every table of the document in one workbook, or one CSV or Parquet file per table.

The workbook (:func:`workbook_bytes`) has a first sheet, ``index``, listing every sheet (table ref,
sub-part, Chinese and English caption, kind, unit, rows, notes), then one sheet per table and one per
sub-part of a table that has them ("3.27", "3.27 (1)", "3.27 (2)").  A table sheet has two header
rows, the printed Chinese header and its English form, then the rows (with their sub-part, group,
label and English label), figures as typed numeric cells (negative figures shown in parentheses and
nil as "—", as printed), and the table's notes under it.  Read one back with

>>> # pd.read_excel("tables.xlsx", sheet_name="3.27", header=[0, 1], nrows=rows_of_that_sheet)

CSV and Parquet (:func:`write_files`) write ``index.<ext>`` and one ``table_<ref>.<ext>`` per table
(the columns of :meth:`Table.to_pandas`, plus ``label_en``).  The budget facts
(``budgetqa facts``) are the long form of the same figures.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from budgetqa.atomic import write_bytes
from budgetqa.ingest.model import BlockKind, Document, Table
from budgetqa.ingest.refs import format_label
from budgetqa.ingest.table_frame import ROW_COLUMNS

from .glossary import Glossary

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

INDEX_SHEET = "index"
LABEL_EN = "label_en"
# Row columns of a sheet, with their English header (the Chinese one is the same word, as a reader
# of the Chinese edition would name it).
_ROW_HEADERS = {"sub_part": ("分部", "sub-part"), "group": ("组", "group"), "label": ("项目", "item"),
                "is_total": ("合计行", "total row"), LABEL_EN: ("项目(英文)", "item (English)")}
_DECIMALS = re.compile(r"\d\.(\d+)")
_NUMBER_FORMATS = {0: '#,##0;(#,##0);"—"', 1: '#,##0.0;(#,##0.0);"—"', 2: '#,##0.00;(#,##0.00);"—"'}


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    PARQUET = "parquet"


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook: a table, or one sub-part of it."""

    name: str  # "3.27", "3.27 (1)"
    table: Table
    sub_part: str | None  # "(1) 经常预算"; None for the whole table

    def frame(self, glossary: Glossary) -> pd.DataFrame:
        """The sheet's rows: the table's frame (or its sub-part's rows), with English labels."""
        frame = english_labels(self.table.to_pandas(), glossary)
        if self.sub_part is not None:
            frame = frame[frame["sub_part"] == self.sub_part].reset_index(drop=True)
        return frame


def english_labels(frame: pd.DataFrame, glossary: Glossary) -> pd.DataFrame:
    """`frame` with a ``label_en`` column after ``label``: the glossary's English for each row label."""
    out = frame.copy()
    out.insert(out.columns.get_loc("label") + 1, LABEL_EN, [glossary.english_label(str(label)) for label in out["label"]])
    return out


def sheets(document: Document) -> list[Sheet]:
    """Every sheet: one per table, then one per sub-part of a table that has them."""
    out: list[Sheet] = []
    for table in document.tables:
        out.append(Sheet(table.ref, table, None))
        for part in table.sub_parts:
            number = part.split(")", 1)[0] + ")" if part.startswith("(") else part[:6]
            out.append(Sheet(f"{table.ref} {number}"[:31], table, part))
    return out


def english_header(header: str, glossary: Glossary) -> str:
    """A printed column header in English: "2023 年批款" → "2023 appropriation"."""
    return glossary.english_label(header) or header


# ---------------------------------------------------------------------------- workbook


def workbook_bytes(document: Document, glossary: Glossary) -> bytes:
    """The workbook of every table of `document` (see the module's description), as xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    index = book.active
    assert index is not None
    index.title = INDEX_SHEET
    index.append(["sheet", "表", "table", "分部 / sub-part", "标题", "caption", "kind", "单位 / unit", "rows", "notes"])
    for cell in index[1]:
        cell.font = Font(bold=True)
    for sheet in sheets(document):
        frame = sheet.frame(glossary)
        table = sheet.table
        index.append(
            [sheet.name, format_label(BlockKind.TABLE, table.ref, "zh"), format_label(BlockKind.TABLE, table.ref, "en"),
             sheet.sub_part or "", table.caption, glossary.english_label(table.caption),
             table.kind.value, table.unit or "", len(frame), len(table.notes)]
        )
        link = index.cell(row=index.max_row, column=1)
        link.hyperlink = f"#'{sheet.name}'!A1"
        link.style = "Hyperlink"
        _write_sheet(book.create_sheet(sheet.name), frame, table, glossary)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_sheet(target: Worksheet, frame: pd.DataFrame, table: Table, glossary: Glossary) -> None:
    from openpyxl.styles import Font

    headers = list(frame.columns)
    target.append([_ROW_HEADERS[h][0] if h in _ROW_HEADERS else h for h in headers])
    target.append([_ROW_HEADERS[h][1] if h in _ROW_HEADERS else english_header(h, glossary) for h in headers])
    for row in (1, 2):
        for cell in target[row]:
            cell.font = Font(bold=True)
    decimals = _decimals(table)
    numeric = {name for name in headers if name not in ROW_COLUMNS and frame[name].dtype.kind == "f"}
    for record in frame.itertuples(index=False):
        values = [None if _missing(v) else (bool(v) if isinstance(v, bool) else v) for v in record]
        target.append(values)
        for position, name in enumerate(headers):
            if name in numeric and values[position] is not None:
                target.cell(row=target.max_row, column=position + 1).number_format = _NUMBER_FORMATS[decimals.get(name, 1)]
    if table.notes:
        target.append([])
        target.append(["注 / Notes"])
        for note in table.notes:
            target.append([note])
    target.freeze_panes = "A3"


def _decimals(table: Table) -> dict[str, int]:
    """Decimal places each column prints (the most any of its cells prints)."""
    from budgetqa.ingest.table_frame import column_names

    out: dict[str, int] = {}
    for index, name in enumerate(column_names(table)):
        places = [len(m.group(1)) if (m := _DECIMALS.search(c.text)) else 0
                  for r in table.rows if (c := r.cell(index)) is not None and c.value is not None]
        out[name] = min(max(places, default=0), 2)
    return out


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


# ---------------------------------------------------------------------------- files


def write_workbook(document: Document, glossary: Glossary, out: Path) -> int:
    """Write the workbook to `out` in one atomic step; the number of table sheets."""
    write_bytes(out, workbook_bytes(document, glossary))
    return len(sheets(document))


def write_files(document: Document, glossary: Glossary, directory: Path, export: ExportFormat) -> list[Path]:
    """Write ``index.<ext>`` and one ``table_<ref>.<ext>`` per table into `directory` (CSV or Parquet)."""
    import pandas as pd

    if export is ExportFormat.XLSX:
        raise ValueError("write_files writes csv or parquet; use write_workbook for xlsx")
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    rows = []
    for table in document.tables:
        frame = english_labels(table.to_pandas(), glossary)
        path = directory / f"table_{table.ref}.{export.value}"
        write_bytes(path, _encoded(frame, export))
        written.append(path)
        rows.append({"table": table.ref, "file": path.name, "caption": table.caption,
                     "caption_en": glossary.english_label(table.caption), "kind": table.kind.value,
                     "unit": table.unit, "rows": len(frame), "notes": " / ".join(table.notes)})
    index = directory / f"index.{export.value}"
    write_bytes(index, _encoded(pd.DataFrame.from_records(rows), export))
    return [index, *written]


def _encoded(frame: pd.DataFrame, export: ExportFormat) -> bytes:
    if export is ExportFormat.CSV:
        return str(frame.to_csv(index=False, lineterminator="\n")).encode("utf-8")
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()
