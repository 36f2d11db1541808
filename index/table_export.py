"""Tables as data: every table of the document in one workbook, or one CSV or Parquet file per table.

The workbook (:func:`workbook_bytes`) has a first sheet, ``index``, listing every sheet (table ref,
sub-part, Chinese and English caption, kind, unit, rows, notes), then one sheet per table and one per
sub-part of a table that has them ("3.27", "3.27 (1)", "3.27 (2)"), and one per overview annex
("附件四": resources and posts by body and funding source).  A sheet has two header rows, the printed
Chinese header and its English form, then the rows (with their sub-part, group, label and English
label), figures as typed numeric cells (negative figures shown in parentheses and nil as "—", as
printed), and the notes under it.  Read one back with

>>> # pd.read_excel("tables.xlsx", sheet_name="3.27", header=[0, 1], nrows=rows_of_that_sheet)

CSV and Parquet (:func:`write_files`) write ``index.<ext>``, one ``table_<ref>.<ext>`` per table
(the columns of :meth:`Table.to_pandas`, plus ``label_en``) and one ``annex_<numeral>.<ext>`` (Roman numeral, lower case) per
overview annex ("annex_iv.csv").  The budget facts (``budgetqa facts``) are the long form of the
same figures.

English words are a glossary term's official English, else the checked English version of the text
(:mod:`budgetqa.ingest.english`), else the glossary's rendering where it renders all of it; a label
only half of which has English is left without one (blank), not half-translated.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from budgetqa.atomic import write_bytes
from budgetqa.ingest.bodies import BodyRegistry
from budgetqa.ingest.budget import Measure, TableKind
from budgetqa.ingest.english import EnglishVersions, has_han
from budgetqa.ingest.facts import Fact, extract_facts
from budgetqa.ingest.model import BlockKind, Document, Table
from budgetqa.ingest.refs import format_label
from budgetqa.ingest.table_frame import ROW_COLUMNS

from .glossary import Glossary
from .units import header_in_english, label_in_english

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
# The overview annex prints its money rows under 财政资源 and its posts rows under 员额资源.
_ANNEX_GROUPS = {Measure.MONEY: "财政资源", Measure.POSTS: "员额资源"}
_ANNEX_CELL_ID = re.compile(r"#(?P<measure>\w+)\.(?P<body>[^.]+)\.(?P<cell>\d+)$")


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    PARQUET = "parquet"


@dataclass(frozen=True)
class EnglishText:
    """The English of a table's words (see the module's description), or None where there is none."""

    glossary: Glossary
    versions: EnglishVersions

    @classmethod
    def of(cls, document: Document, glossary: Glossary, cache_dir: Path | None = None) -> EnglishText:
        """The English of `document`'s words: the shipped checked versions, and those ``budgetqa
        translate`` wrote under `cache_dir`."""
        return cls(glossary, EnglishVersions.load(document, cache_dir=cache_dir))

    def label(self, chinese: str) -> str | None:
        """A row label or column header in English: "员额" → "Posts"."""
        rendered = label_in_english(chinese, self.versions, self.glossary).strip()
        return rendered if rendered and not has_han(rendered) else None

    def header(self, chinese: str) -> str | None:
        """A column header in English, the glossary's rendering first (its patterns write every
        year's column alike: "2023 年估计" → "2023 estimate"), else as a label."""
        rendered = header_in_english(chinese, self.versions, self.glossary).strip()
        return rendered if rendered and not has_han(rendered) else None

    def caption(self, chinese: str, uid: str | None = None) -> str | None:
        """A caption or title in English: the glossary's rendering of all of it, else the checked
        version of segment `uid` ("caption:3.78")."""
        rendered = self.glossary.english_label(chinese).strip()
        if rendered and not has_han(rendered):
            return rendered
        checked = self.versions.get(uid) if uid else None
        return checked if checked and not has_han(checked) else None


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook: a table, one sub-part of it, or an overview annex."""

    name: str  # "3.27", "3.27 (1)", "附件四"
    kind: BlockKind  # TABLE or ANNEX
    ref: str  # "3.27", "四"
    caption: str
    caption_en: str | None
    table_kind: TableKind
    unit: str | None
    notes: tuple[str, ...]
    sub_part: str | None  # "(1) 经常预算"; None for the whole table
    frame: pd.DataFrame  # the rows, with English labels
    decimals: dict[str, int]  # decimals each numeric column prints


def english_labels(frame: pd.DataFrame, english: EnglishText) -> pd.DataFrame:
    """`frame` with a ``label_en`` column after ``label``: each row label's English (None where none)."""
    out = frame.copy()
    out.insert(out.columns.get_loc("label") + 1, LABEL_EN, [english.label(str(label)) for label in out["label"]])
    return out


def sheets(document: Document, english: EnglishText, facts: list[Fact] | None = None) -> list[Sheet]:
    """Every sheet: one per table, then one per sub-part of a table that has them; then one per
    overview annex (from its facts: pass them when they are at hand)."""
    out: list[Sheet] = []
    for table in document.tables:
        frame = english_labels(table.to_pandas(), english)
        caption_en = english.caption(table.caption, f"caption:{table.ref}")
        decimals = _decimals(table)
        parts = [(table.ref, None)] + [(f"{table.ref} {_part_number(part)}"[:31], part) for part in table.sub_parts]
        for name, part in parts:
            shown = frame if part is None else frame[frame["sub_part"] == part].reset_index(drop=True)
            out.append(Sheet(name, BlockKind.TABLE, table.ref, table.caption, caption_en, table.kind, table.unit,
                             tuple(table.notes), part, shown, decimals))
    facts = facts if facts is not None else extract_facts(document, BodyRegistry.of(document))
    for annex in document.annexes:
        annex_facts = [f for f in facts if f.table_kind is TableKind.ANNEX_OVERVIEW and f.source.ref == annex.ref]
        if annex_facts:
            frame = annex_frame(annex_facts, english)
            out.append(Sheet(format_label(BlockKind.ANNEX, annex.ref, "zh"), BlockKind.ANNEX, annex.ref, annex.title,
                             english.caption(annex.title), TableKind.ANNEX_OVERVIEW, "千美元/员额数目", (), None,
                             frame, {name: 1 for name in frame.columns if name not in (*ROW_COLUMNS, LABEL_EN)}))
    return out


def _part_number(part: str) -> str:
    """A sub-part's number for a sheet name: "(1) 经常预算" → "(1)"."""
    return part.split(")", 1)[0] + ")" if part.startswith("(") else part[:6]


def annex_frame(facts: list[Fact], english: EnglishText) -> pd.DataFrame:
    """An overview annex as a wide table from its facts: a row per body and measure (money under
    财政资源, posts under 员额资源), a column per funding group and year ("预算外: 2024 年估计")."""
    import pandas as pd

    columns: dict[int, str] = {}
    rows: dict[tuple[Measure, str], dict[str, object]] = {}
    for fact in facts:
        cell = annex_cell(fact)
        columns.setdefault(cell, annex_column(fact))
        label = fact.source.row or fact.label or fact.body
        row = rows.setdefault((fact.measure, fact.body), {
            "sub_part": None, "group": _ANNEX_GROUPS.get(fact.measure), "label": label,
            "is_total": label.startswith("共计"), LABEL_EN: english.label(label)})
        row[columns[cell]] = 0.0 if fact.is_nil else (fact.value if fact.value is not None else math.nan)
    names = [columns[cell] for cell in sorted(columns)]
    frame = pd.DataFrame.from_records(list(rows.values()), columns=[*ROW_COLUMNS[:3], LABEL_EN, ROW_COLUMNS[3], *names])
    for name in names:
        frame[name] = frame[name].astype("float64")
    return frame


def annex_cell(fact: Fact) -> int:
    """The position of an overview-annex fact's cell in its row (0–11: four groups of three)."""
    match = _ANNEX_CELL_ID.search(fact.id)
    if match is None:
        raise ValueError(f"{fact.id!r} is not an overview-annex cell id (annex:四#money.UNOCT.10)")
    return int(match["cell"])


def annex_column(fact: Fact) -> str:
    """An overview-annex cell's column: its group and its header, "预算外: 2024 年估计"."""
    return f"{fact.source.sub_part}: {fact.source.column}" if fact.source.sub_part else str(fact.source.column)


def english_header(header: str, english: EnglishText) -> str:
    """A printed column header in English ("2023 年批款" → "2023 appropriation"; an annex's
    "预算外: 2024 年估计" → "Extrabudgetary: 2024 estimate"); the header as printed where it has none."""
    whole = english.header(header)
    if whole is not None:
        return whole
    pieces = [english.header(piece.strip()) for piece in header.split(": ")]
    return ": ".join(p for p in pieces if p) if all(pieces) else header


# ---------------------------------------------------------------------------- workbook


def workbook_bytes(document: Document, english: EnglishText, facts: list[Fact] | None = None) -> bytes:
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
    for sheet in sheets(document, english, facts):
        index.append(
            [sheet.name, format_label(sheet.kind, sheet.ref, "zh"), format_label(sheet.kind, sheet.ref, "en"),
             sheet.sub_part or "", sheet.caption, sheet.caption_en or "", sheet.table_kind.value, sheet.unit or "",
             len(sheet.frame), len(sheet.notes)]
        )
        link = index.cell(row=index.max_row, column=1)
        link.hyperlink = f"#'{sheet.name}'!A1"
        link.style = "Hyperlink"
        _write_sheet(book.create_sheet(sheet.name), sheet, english)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_sheet(target: Worksheet, sheet: Sheet, english: EnglishText) -> None:
    from openpyxl.styles import Font

    frame = sheet.frame
    headers = list(frame.columns)
    target.append([_ROW_HEADERS[h][0] if h in _ROW_HEADERS else h for h in headers])
    target.append([_ROW_HEADERS[h][1] if h in _ROW_HEADERS else english_header(h, english) for h in headers])
    for row in (1, 2):
        for cell in target[row]:
            cell.font = Font(bold=True)
    numeric = {name for name in headers if name not in ROW_COLUMNS and frame[name].dtype.kind == "f"}
    for record in frame.itertuples(index=False):
        values = [None if _missing(v) else (bool(v) if isinstance(v, bool) else v) for v in record]
        target.append(values)
        for position, name in enumerate(headers):
            if name in numeric and values[position] is not None:
                target.cell(row=target.max_row, column=position + 1).number_format = _NUMBER_FORMATS[sheet.decimals.get(name, 1)]
    if sheet.notes:
        target.append([])
        target.append(["注 / Notes"])
        for note in sheet.notes:
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


def write_workbook(document: Document, english: EnglishText, out: Path) -> int:
    """Write the workbook to `out` in one atomic step; the number of sheets after the index."""
    facts = extract_facts(document, BodyRegistry.of(document))
    write_bytes(out, workbook_bytes(document, english, facts))
    return len(sheets(document, english, facts))


def write_files(document: Document, english: EnglishText, directory: Path, export: ExportFormat) -> list[Path]:
    """Write ``index.<ext>``, one ``table_<ref>.<ext>`` per table and one ``annex_<numeral>.<ext>`` (Roman numeral, lower case) per
    overview annex into `directory` (CSV or Parquet)."""
    import pandas as pd

    if export is ExportFormat.XLSX:
        raise ValueError("write_files writes csv or parquet; use write_workbook for xlsx")
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    rows = []
    for sheet in sheets(document, english):
        if sheet.sub_part is not None:
            continue  # a sub-part's rows are in its table's file, with their sub_part
        stem = f"table_{sheet.ref}" if sheet.kind is BlockKind.TABLE else format_label(sheet.kind, sheet.ref, "en").lower().replace(" ", "_")
        path = directory / f"{stem}.{export.value}"
        write_bytes(path, _encoded(sheet.frame, export))
        written.append(path)
        rows.append({"table": sheet.ref if sheet.kind is BlockKind.TABLE else format_label(sheet.kind, sheet.ref, "zh"),
                     "file": path.name, "caption": sheet.caption, "caption_en": sheet.caption_en,
                     "kind": sheet.table_kind.value, "unit": sheet.unit, "rows": len(sheet.frame),
                     "notes": " / ".join(sheet.notes)})
    index = directory / f"index.{export.value}"
    write_bytes(index, _encoded(pd.DataFrame.from_records(rows), export))
    return [index, *written]


def _encoded(frame: pd.DataFrame, export: ExportFormat) -> bytes:
    if export is ExportFormat.CSV:
        return str(frame.to_csv(index=False, lineterminator="\n")).encode("utf-8")
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()
