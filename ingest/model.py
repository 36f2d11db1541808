"""The typed document model every stage speaks.

A budget section (A/78/6 (Sect. N)) is parsed into a :class:`Document`: parts, headings, numbered
paragraphs, tables with rows and cells, figures with their chart values, forewords, mandate lists,
annexes and footnotes.  Every block knows its source line span (1-based, inclusive) and its section
path, so that a citation can always be traced back to the printed text.

:class:`Unit` is the flat, citable view of a block that retrieval, answers and the CLI contract
(`budgetqa units --json`) use.  Unit ids are the document's own references: ``3.115`` for ¶3.115,
``3.27`` for 表 3.27, ``3.十四`` for 图 3.十四.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from .budget import Column, TableKind

if TYPE_CHECKING:
    import pandas as pd


class BlockKind(StrEnum):
    """Kinds of citable blocks; the values are the `kind` strings of the units contract."""

    PARAGRAPH = "paragraph"
    TABLE = "table"
    FIGURE = "figure"
    FOREWORD = "foreword"
    MANDATES = "mandates"
    ANNEX = "annex"
    FOOTNOTE = "footnote"
    HEADING = "heading"

    @classmethod
    def from_str(cls, value: str) -> BlockKind:
        """Parse a kind name, with an error that lists the valid choices."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            choices = ", ".join(k.value for k in cls)
            raise ValueError(f"unknown block kind {value!r}; choose one of: {choices}") from None


@dataclass(frozen=True)
class LineSpan:
    """First and last source line (1-based, inclusive) of a block's body."""

    first: int
    last: int

    def as_list(self) -> list[int]:
        return [self.first, self.last]

    def __contains__(self, line: object) -> bool:
        return isinstance(line, int) and self.first <= line <= self.last


@dataclass(frozen=True)
class Reference:
    """A cross-reference printed in a block: "见表 3.27" → Reference(TABLE, "3.27")."""

    kind: BlockKind
    ref: str


@dataclass(frozen=True)
class Part:
    """A part of the section: "一. 政治和建设和平事务部" (Department of Political and Peacebuilding Affairs)."""

    number: str  # Chinese numeral as printed: "一"
    index: int  # 1-based integer value of `number`
    title: str  # Chinese title as printed
    title_en: str  # official English name
    line: int


@dataclass(frozen=True)
class Heading:
    """A heading line: sub-part ("A. …"), 总方向, 次级方案 N and its title, 构成部分, 成果 N, …"""

    text: str
    level: int  # 1 = part, 2 = sub-part (A./B.), 3 = subprogramme/component, 4 = below
    line: int
    part: str  # number of the enclosing part ("一")


@dataclass(frozen=True)
class Misprint:
    """A paragraph number printed wrongly and corrected from the numbering order."""

    printed: str  # "3.62"
    corrected: str  # "3.262"
    line: int


@dataclass
class Paragraph:
    """A numbered paragraph (¶3.1–3.271)."""

    ref: str  # corrected number: "3.262"
    printed_ref: str  # as printed: "3.62"
    text: str  # body without the number; lines joined, debris removed
    lines: LineSpan
    section: list[str]  # heading path, outermost first
    part: str  # "一"
    references: list[Reference] = field(default_factory=list)

    @property
    def number(self) -> tuple[int, int]:
        """(section, paragraph) as integers: "3.115" → (3, 115)."""
        major, minor = self.ref.split(".")
        return int(major), int(minor)


@dataclass(frozen=True)
class Cell:
    """One table cell: its text as printed and, for numeric cells, the normalised value.

    "47 278.1" → value 47278.1; "(7.2)" → −7.2; "—" → is_nil with value None; text cells have
    value None and is_nil False.
    """

    text: str
    value: float | None = None
    is_nil: bool = False

    @property
    def is_numeric(self) -> bool:
        return self.value is not None or self.is_nil


@dataclass
class TableRow:
    """A row of a table: its label and its cells, aligned to the table's columns where known."""

    label: str
    cells: list[Cell]
    line: int  # first source line of the row
    part: str | None = None  # table sub-part: "(1) 经常预算"
    group: str | None = None  # enclosing group row: "专业及以上职类", "C. 工作方案"
    is_total: bool = False  # 共计 / 小计 / 合计 rows
    ambiguous: bool = False  # no split of the printed numbers could be confirmed
    alternatives: list[list[Cell]] = field(default_factory=list)  # other splits still possible

    def cell(self, column: int) -> Cell | None:
        return self.cells[column] if 0 <= column < len(self.cells) else None


@dataclass
class Table:
    """表 3.N: caption, unit, column headers, rows, notes."""

    ref: str  # "3.27"
    caption: str  # "总表：按资金来源、构成部分、次级方案列示的财政资源演变情况"
    unit: str | None  # "千美元", "员额数目"
    columns: list[str]  # column headers, label column excluded
    rows: list[TableRow]
    notes: list[str]  # "a 包括 1 484 400 美元支出……"
    lines: LineSpan
    section: list[str]
    part: str
    sub_parts: list[str] = field(default_factory=list)  # ["(1) 经常预算", "(2) 预算外"]
    cited_by: list[str] = field(default_factory=list)  # paragraph refs that cite or introduce it
    raw_text: str = ""  # the table's text with debris removed, as printed
    kind: TableKind = TableKind.OTHER  # what the table reports, decided at ingest
    column_types: list[Column] = field(default_factory=list)  # one per column: year, basis, measure

    def column_type(self, index: int) -> Column:
        """The typed column at `index` (see :mod:`budgetqa.ingest.budget`)."""
        return self.column_types[index]

    def to_pandas(self) -> pd.DataFrame:
        """The table as a pandas DataFrame: row columns (sub_part, group, label, is_total), then one
        column per printed header, numeric where the cells are figures ("—" is 0.0, blank is NaN).

        >>> document.table("3.27").to_pandas()  # doctest: +SKIP
        """
        from .table_frame import table_frame

        return table_frame(self)

    @property
    def title(self) -> str:
        return f"表 {self.ref} {self.caption}"

    def find_rows(self, label: str) -> list[TableRow]:
        """Rows whose label equals `label` (whitespace-insensitive)."""
        want = "".join(label.split())
        return [row for row in self.rows if "".join(row.label.split()) == want]

    def column_index(self, name: str) -> int:
        """Index of the first column whose header contains `name` (whitespace-insensitive)."""
        want = "".join(name.split())
        for index, column in enumerate(self.columns):
            if want in "".join(column.split()):
                return index
        raise KeyError(f"表 {self.ref} has no column {name!r}; columns: {self.columns}")


@dataclass(frozen=True)
class ChartValue:
    """A value printed for a chart: label (year, category) and number."""

    label: str
    value: float | None
    text: str
    line: int


@dataclass
class Figure:
    """图 3.N: number as printed (Chinese numeral) and as an integer, title, chart values."""

    ref: str  # "3.十四"
    number: int  # 14
    title: str
    lines: LineSpan
    section: list[str]
    part: str
    values: list[ChartValue] = field(default_factory=list)
    cited_by: list[str] = field(default_factory=list)


@dataclass
class Foreword:
    """A part's foreword, signed by its head."""

    part: str
    text: str
    signatory: str  # "罗斯玛丽·迪卡洛"
    signatory_title: str  # "主管政治和建设和平事务副秘书长"
    lines: LineSpan

    @property
    def ref(self) -> str:
        """The part's numeral ("一"): forewords are cited as "前言 一" (see ``refs.format_label``)."""
        return self.part


@dataclass(frozen=True)
class MandateEntry:
    """One mandate: a resolution symbol (or several) and its title."""

    symbols: list[str]  # ["72/199"], ["61/230", "69/291", "75/327"], ["S/PRST/2021/2"]
    title: str  # "联合国和平与安全支柱的结构改革"
    body: str  # "大会决议", "安全理事会决议", …
    subprogramme: str | None  # heading of the subprogramme it is listed under, None for the programme
    line: int


@dataclass
class MandateList:
    """A "立法授权" list of a part: entries grouped by subprogramme."""

    ref: str  # the part's numeral: "一" (cited as "授权 一")
    part: str
    entries: list[MandateEntry]
    lines: LineSpan
    section: list[str]


@dataclass
class Annex:
    """附件一 … 附件四."""

    number: str  # "三"
    index: int  # 3
    title: str
    text: str
    lines: LineSpan

    @property
    def ref(self) -> str:
        """The annex numeral ("三"), cited as "附件三" / "Annex III" (see ``refs.format_label``)."""
        return self.number


@dataclass(frozen=True)
class Footnote:
    """A footnote or table note printed at the foot of a page or table."""

    marker: str  # "a", "1"
    text: str
    line: int
    attached_to: str | None = None  # ref of the block it belongs to ("3.24")


@dataclass(frozen=True)
class Unit:
    """The flat, citable view of a block (the `budgetqa units --json` contract)."""

    kind: BlockKind
    ref: str
    title: str
    text: str
    lines: LineSpan
    section: list[str]
    part: str

    @property
    def id(self) -> str:
        """Globally unique id: "paragraph:3.115", "table:3.27"."""
        return f"{self.kind.value}:{self.ref}"

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "ref": self.ref,
            "title": self.title,
            "text": self.text,
            "lines": self.lines.as_list(),
            "section": list(self.section),
            "part": self.part,
        }


@dataclass
class ParseReport:
    """What the parser corrected and what it could not decide."""

    misprints: list[Misprint] = field(default_factory=list)
    debris_removed: dict[str, int] = field(default_factory=dict)  # "url": 537, "page_header": …
    ambiguous_rows: list[tuple[str, int]] = field(default_factory=list)  # (table ref, line)
    warnings: list[str] = field(default_factory=list)  # e.g. the text seems truncated


@dataclass
class Document:
    """A parsed budget section."""

    symbol: str  # "A/78/6 (Sect. 3)"
    section_number: int  # 3
    title: str  # "政治事务"
    source_sha256: str
    lines: list[str]  # raw source lines (index 0 = line 1)
    parts: list[Part]
    headings: list[Heading]
    paragraphs: list[Paragraph]
    tables: list[Table]
    figures: list[Figure]
    forewords: list[Foreword]
    mandates: list[MandateList]
    annexes: list[Annex]
    footnotes: list[Footnote]
    report: ParseReport
    # Every block as a flat Unit, rendered by the parser once the blocks are built (ingest/units.py).
    rendered_units: list[Unit] = field(default_factory=list, repr=False)

    def paragraph(self, ref: str) -> Paragraph:
        for paragraph in self.paragraphs:
            if paragraph.ref == ref:
                return paragraph
        raise KeyError(f"no paragraph {ref}")

    def table(self, ref: str) -> Table:
        for table in self.tables:
            if table.ref == ref:
                return table
        raise KeyError(f"no table {ref}")

    def figure(self, ref: str) -> Figure:
        for figure in self.figures:
            if figure.ref == ref:
                return figure
        raise KeyError(f"no figure {ref}")

    def part_of(self, number: str) -> Part:
        for part in self.parts:
            if part.number == number:
                return part
        raise KeyError(f"no part {number}")

    def source_text(self, span: LineSpan) -> str:
        """The raw source lines of a span, joined with newlines."""
        return "\n".join(self.lines[span.first - 1 : span.last])

    def units(self) -> Iterator[Unit]:
        """Every citable block as a :class:`Unit`, in document order within each kind.

        The parser attaches them (:func:`budgetqa.ingest.units.document_units`); a document assembled
        by other means has none until its ``rendered_units`` are set.
        """
        yield from self.rendered_units

    def unit(self, kind: BlockKind, ref: str) -> Unit:
        for unit in self.units():
            if unit.kind == kind and unit.ref == ref:
                return unit
        raise KeyError(f"no {kind.value} {ref}")
