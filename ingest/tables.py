"""Parsing a flattened table block (表 3.N) into caption, unit, columns, rows of cells and notes.

Entry point: :func:`parse_table_block`, called by the document parser with the block's source
lines (URL lines, page headers/footers and blank lines already removed).  The extraction prints
each table cell by cell; a physical line that does not end with a space continues on the next
line (a wrapped label or text cell), so lines are first joined into logical lines on that rule.

What the block holds, in order: the "表 3.N" line, the caption, an optional unit line
("(千美元)"), an optional sub-part line ("(1) 经常预算"), the header lines, the rows, and notes
("a 包括 …", "注：…").  Headers repeated after a page break are skipped; a sub-part line starts a
new header.  ``Table.columns`` is the union of the sub-parts' columns (see
:mod:`budgetqa.ingest.table_header` for the naming convention); a row's cells are aligned to
``Table.columns``, with empty cells (text "") in columns its sub-part does not print.

Rows whose numbers could be split in more than one way are resolved with the row arithmetic and
the column totals (:mod:`budgetqa.ingest.table_rows`); rows that stay undecided are flagged
``ambiguous`` and carry their other candidate splits in ``alternatives``.  Label-only rows of a
resources table ("专业及以上职类", "C. 工作方案") and category rows of a deliverables table
("A. 协助政府间进程和专家机构") become the ``group`` of the rows below them.  Chart values that
the extraction printed inside a table (a run of bare numbers and short labels that fits no row)
are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .budget import TableKind, type_columns
from .errors import DocumentError
from .model import Cell, LineSpan, Table, TableRow
from .numeric import NIL_MARKS, parse_number
from .table_cells import is_value_token, split_label, tokenize
from .table_header import Header, TableShape, build_header, header_fragments, is_header_line
from .table_rows import choose_split, resolve_by_totals

_TABLE_LINE = re.compile(r"^\s*表\s*(\d+\.\d+)\s*$")
_UNIT_LINE = re.compile(r"^\s*[(（]([^()（）]+)[)）]\s*$")
_SUB_PART = re.compile(r"^\s*\((\d{1,2})\)\s+([^\d\s].*?)\s*$")
_NOTE = re.compile(r"^\s*(?:([a-z])\s+(\S.*)|(注：.*))$")
_CATEGORY = re.compile(r"^[A-Z]\.\s")
_TOTAL = re.compile(r"^(共计|小计|合计)")
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef《》“”（）、，。；：]")
_POST_CHANGE_ROW = re.compile(r"^\s*(\d{4}\s*年\S+|[^\d\s—(]\S*)\s+(—|\d+)(?:\s+(.*?))?\s*$")


class TableParseError(DocumentError):
    """A block that is not a table block; the message says what was expected."""


@dataclass
class _Line:
    number: int
    text: str

    @property
    def ends_cell(self) -> bool:
        """The extraction ends the last line of a cell or row with a space."""
        return self.text != self.text.rstrip()


@dataclass
class _Logical:
    number: int
    text: str
    numbers: list[int] = field(default_factory=list)


def join_text(left: str, right: str) -> str:
    """Join two wrapped pieces of text: no space between Chinese characters, one otherwise."""
    left, right = left.rstrip(), right.strip()
    if not left or not right:
        return left + right
    if _CJK.match(left[-1]) or _CJK.match(right[0]):
        return left + right
    return f"{left} {right}"


def _logical_lines(lines: list[_Line]) -> list[_Logical]:
    """Join physical lines until one ends with a space (the end of a cell or row)."""
    logical: list[_Logical] = []
    pending: _Logical | None = None
    for line in lines:
        if pending is None:
            pending = _Logical(line.number, line.text.rstrip(), [line.number])
        else:
            pending.text = join_text(pending.text, line.text)
            pending.numbers.append(line.number)
        if line.ends_cell:
            logical.append(pending)
            pending = None
    if pending is not None:
        logical.append(pending)
    return logical


@dataclass
class _Segment:
    """Lines between two headers of one sub-part (a page break starts a new segment)."""

    part: str | None
    lines: list[_Line] = field(default_factory=list)


@dataclass
class _Layout:
    caption: str
    unit: str | None
    header_of: dict[str | None, Header]
    segments: list[_Segment]
    notes: list[str]
    sub_parts: list[str]


def _layout(lines: list[_Line]) -> _Layout:
    """Cut the block into caption, unit, per-sub-part headers, row segments and notes."""
    index = 1
    caption_lines: list[str] = []
    while index < len(lines):
        caption_lines.append(lines[index].text)
        index += 1
        if lines[index - 1].ends_cell:
            break
    caption = ""
    for piece in caption_lines:
        caption = join_text(caption, piece)
    unit = None
    if index < len(lines) and (match := _UNIT_LINE.match(lines[index].text)):
        unit = match.group(1).strip()
        index += 1
    header_of: dict[str | None, Header] = {}
    segments: list[_Segment] = []
    notes: list[str] = []
    sub_parts: list[str] = []
    part: str | None = None
    header_lines: list[str] = []
    current: _Segment | None = None

    def close_header() -> None:
        nonlocal header_lines, current
        if header_lines and part not in header_of:
            header_of[part] = build_header(header_fragments(header_lines), caption=caption)
        if header_lines:
            if current is not None:
                _drop_dangling(current)  # chart labels printed just before a repeated header
            current = _Segment(part)
            segments.append(current)
        header_lines = []

    for line in lines[index:]:
        text = line.text
        if notes or _NOTE.match(text):
            note = _NOTE.match(text)
            if note and (note.group(3) or notes == [] or _starts_note(text)):
                notes.append(note.group(3) or f"{note.group(1)} {note.group(2).strip()}")
            elif notes:
                notes[-1] = join_text(notes[-1], text)
            continue
        sub = _SUB_PART.match(text)
        if sub and not any(is_value_token(t.text) for t in tokenize(sub.group(2))):
            close_header()
            part = f"({sub.group(1)}) {sub.group(2)}"
            sub_parts.append(part)
            current = None
            continue
        if is_header_line(text):
            header_lines.append(text)
            continue
        close_header()
        if current is None:
            current = _Segment(part)
            segments.append(current)
        current.lines.append(line)
    close_header()
    if None not in header_of and not header_of:
        header_of[None] = build_header([], caption=caption)
    return _Layout(caption, unit, header_of, segments, notes, sub_parts)


def _starts_note(text: str) -> bool:
    return bool(re.match(r"^\s*[a-z]\s+\S", text))


def _drop_dangling(segment: _Segment) -> None:
    """Drop trailing lines that do not end a cell (chart labels printed before a header)."""
    while segment.lines and not segment.lines[-1].ends_cell:
        segment.lines.pop()


def parse_table_block(ref: str, lines: list[tuple[int, str]], *, section: list[str], part: str) -> Table:
    """Parse one table block into a :class:`Table`.

    `lines` are (1-based line number, raw text) pairs starting with the "表 3.N" line, with URL
    lines, page headers/footers and blank lines removed.  Raises :class:`TableParseError` when the
    first line is not a table line.
    """
    if not lines:
        raise TableParseError(f"表 {ref}: no lines given; pass the block starting with its '表 {ref}' line")
    physical = [_Line(number, text) for number, text in lines]
    first = _TABLE_LINE.match(physical[0].text)
    if not first:
        raise TableParseError(
            f"表 {ref}: block must start with the '表 {ref}' line, got {physical[0].text.strip()!r} "
            f"at line {physical[0].number}"
        )
    layout = _layout(physical)
    columns = _union_columns(layout)
    builder = _RowBuilder(columns, layout)
    for segment in layout.segments:
        builder.add_segment(segment)
    rows = builder.rows
    resolve_by_totals(rows, columns)
    kind = table_kind(layout)
    return Table(
        ref=ref,
        caption=layout.caption,
        unit=layout.unit,
        columns=columns,
        rows=rows,
        notes=layout.notes,
        lines=LineSpan(physical[0].number, physical[-1].number),
        section=list(section),
        part=part,
        sub_parts=layout.sub_parts,
        raw_text="\n".join(line.text.rstrip() for line in physical),
        kind=kind,
        column_types=type_columns(columns, table_unit=layout.unit, kind=kind),
    )


_SHAPE_KINDS = {
    TableShape.DELIVERABLES: TableKind.DELIVERABLES,
    TableShape.MEASURES: TableKind.MEASURES,
    TableShape.COMPLIANCE: TableKind.COMPLIANCE,
    TableShape.POST_CHANGES: TableKind.POST_CHANGES,
    TableShape.DECISION_ORGANS: TableKind.DECISION_ORGANS,
}


def table_kind(layout: _Layout) -> TableKind:
    """What the table reports: from its header's shape, then, for resources tables, its label
    column and caption ("按支出用途" by object of expenditure, "按资金来源" by funding source,
    "职类和职等" posts by grade, a component's "财政资源和员额资源")."""
    header = next(iter(layout.header_of.values()))
    if header.shape in _SHAPE_KINDS:
        return _SHAPE_KINDS[header.shape]
    if header.shape is not TableShape.RESOURCES:
        return TableKind.OTHER
    caption, unit = layout.caption, layout.unit or ""
    if header.label_header == "职类和职等" or "职类和职等" in caption:
        return TableKind.POSTS_BY_GRADE
    if "资金来源" in caption:
        return TableKind.POSTS_BY_SOURCE if "美元" not in unit and "员额" in unit else TableKind.RESOURCES_BY_SOURCE
    if header.label_header == "支出用途" or "支出用途" in caption:
        return TableKind.RESOURCES_BY_OBJECT
    return TableKind.RESOURCES_AND_POSTS


def _union_columns(layout: _Layout) -> list[str]:
    """The table's columns: the first sub-part's; a later sub-part's new column follows its left neighbour."""
    columns: list[str] = []
    for header in layout.header_of.values():
        after = -1
        for column in header.columns:
            position = _find_column(columns, column)
            if position is None:
                position = after + 1
                columns.insert(position, column)
            after = position
    return columns


def _find_column(columns: list[str], name: str) -> int | None:
    """Position of `name` in `columns`; "2024 年估计" also matches "2024 年估计(重计费用前)"."""
    if name in columns:
        return columns.index(name)
    for index, column in enumerate(columns):
        if column.startswith(name) or name.startswith(column):
            return index
    return None


class _RowBuilder:
    """Turns segments of logical lines into rows, tracking sub-part and group."""

    def __init__(self, columns: list[str], layout: _Layout) -> None:
        self.columns = columns
        self.layout = layout
        self.rows: list[TableRow] = []
        self.group: str | None = None
        self.part: str | None = "__start__"

    def _header(self, part: str | None) -> Header:
        return self.layout.header_of.get(part) or next(iter(self.layout.header_of.values()))

    def _align(self, header: Header, cells: list[Cell]) -> list[Cell]:
        if header.columns == self.columns:
            return cells
        aligned = [Cell(text="") for _ in self.columns]
        for column, cell in zip(header.columns, cells, strict=False):
            position = _find_column(self.columns, column)
            if position is not None:
                aligned[position] = cell
        return aligned

    def add_segment(self, segment: _Segment) -> None:
        if segment.part != self.part:
            self.part = segment.part
            self.group = None
        header = self._header(segment.part)
        if header.shape is TableShape.MEASURES:
            self._measures(segment, header)
        elif header.shape is TableShape.POST_CHANGES:
            self._post_changes(segment, header)
        elif header.shape is TableShape.DECISION_ORGANS:
            self._decision_organs(segment, header)
        else:
            self._numeric(segment, header)

    # numeric tables: resources, deliverables, compliance -------------------------------------
    def _numeric(self, segment: _Segment, header: Header) -> None:
        pending_label: _Logical | None = None
        count = len(header.columns)
        for logical in _logical_lines(segment.lines):
            row_tokens = split_label(logical.text)
            label = row_tokens.label.strip()
            if not row_tokens.values:
                if pending_label is not None:
                    self._label_only(pending_label, header)
                pending_label = logical
                continue
            line = logical.number
            if not label and pending_label is not None:
                label, line = pending_label.text.strip(), pending_label.number
                pending_label = None
            elif pending_label is not None:
                self._label_only(pending_label, header)
                pending_label = None
            if not label:
                continue  # stray values (chart debris) with no row to belong to
            choice = choose_split(
                row_tokens.values, header.columns, leading_gap=row_tokens.wide_gap_after_label
            )
            if choice is None or sum(1 for c in choice.cells if c.text) < max(1, count - 1):
                if choice is None or header.shape is TableShape.RESOURCES:
                    continue  # chart values printed inside the table: they fit no row
            self._add_row(
                label,
                line,
                self._align(header, choice.cells),
                choice.ambiguous,
                [self._align(header, alt) for alt in choice.alternatives],
            )
        if pending_label is not None:
            self._label_only(pending_label, header)

    def _label_only(self, logical: _Logical, header: Header) -> None:
        label = logical.text.strip()
        if header.shape is TableShape.DELIVERABLES:
            if _CATEGORY.match(label):
                self.group = label
                return
            self.rows.append(
                TableRow(label=label, cells=[], line=logical.number, part=self.part, group=self.group)
            )
            return
        self.group = label

    def _add_row(
        self, label: str, line: int, cells: list[Cell], ambiguous: bool, alternatives: list[list[Cell]]
    ) -> None:
        is_total = bool(_TOTAL.match(label))
        if not is_total and _CATEGORY.match(label):
            self.group = None  # "D. 方案支助 …" is a row of its own, outside the previous group
        part = self.part
        if is_total and label == "共计" and len(self.layout.sub_parts) > 1 and self.rows:
            previous = self.rows[-1]
            if previous.is_total and previous.label.startswith("小计") and previous.part is not None:
                part = None  # the grand total over all sub-parts
        self.rows.append(
            TableRow(
                label=label,
                cells=cells,
                line=line,
                part=part,
                group=self.group,
                is_total=is_total,
                ambiguous=ambiguous,
                alternatives=alternatives,
            )
        )
        if is_total:
            self.group = None

    # performance measures: text cells per year -----------------------------------------------
    def _measures(self, segment: _Segment, header: Header) -> None:
        pieces: list[tuple[int, Cell]] = []
        for logical in _logical_lines(segment.lines):
            text = logical.text.strip()
            while True:
                head, _, rest = text.partition(" ")
                if head in NIL_MARKS:
                    pieces.append((logical.number, Cell(text=head, is_nil=True)))
                    text = rest.strip()
                    continue
                break
            if text:
                pieces.append((logical.number, Cell(text=text)))
        if not pieces:
            return
        count = len(header.columns)
        label = self.layout.caption
        if len(pieces) % count == 0:
            for start in range(0, len(pieces), count):
                chunk = pieces[start : start + count]
                self.rows.append(
                    TableRow(
                        label=label,
                        cells=self._align(header, [c for _, c in chunk]),
                        line=chunk[0][0],
                        part=self.part,
                        group=self.group,
                    )
                )
            return
        cells = [c for _, c in pieces]
        candidates = _pack_text(cells, count)
        self.rows.append(
            TableRow(
                label=label,
                cells=self._align(header, candidates[0]),
                line=pieces[0][0],
                part=self.part,
                group=self.group,
                ambiguous=True,
                alternatives=[self._align(header, c) for c in candidates[1:]],
            )
        )

    # 数目 / 详情 --------------------------------------------------------------------------------
    def _post_changes(self, segment: _Segment, header: Header) -> None:
        for line in segment.lines:
            match = _POST_CHANGE_ROW.match(line.text)
            if match:
                count, detail = match.group(2), (match.group(3) or "").strip()
                cells = [
                    _value_cell(count),
                    _value_cell(detail) if detail in NIL_MARKS else Cell(text=detail),
                ]
                self.rows.append(
                    TableRow(
                        label=match.group(1).strip(),
                        cells=self._align(header, cells),
                        line=line.number,
                        part=self.part,
                        group=self.group,
                        is_total=bool(_TOTAL.match(match.group(1))),
                    )
                )
            elif self.rows and self.rows[-1].cells:
                row = self.rows[-1]
                index = header.columns.index("详情")
                row.cells[index] = Cell(text=join_text(row.cells[index].text, line.text))

    # 决策机关 / 说明 / 补充信息 / amounts --------------------------------------------------------
    def _decision_organs(self, segment: _Segment, header: Header) -> None:
        block: list[_Line] = []
        amounts = len([c for c in header.columns if re.match(r"\d{4}", c)])
        for line in segment.lines:
            tokens = split_label(line.text)
            amounts_line = bool(tokens.values) and (
                not tokens.label.strip() or _TOTAL.match(tokens.label.strip())
            )
            choice = (
                choose_split(tokens.values, header.columns[-amounts:], leading_gap=False)
                if amounts_line
                else None
            )
            if choice is None:
                block.append(line)
                continue
            label_text = tokens.label.strip()
            if label_text:
                block.append(_Line(line.number, label_text + " "))
            label, description, information = _organ_texts(block)
            first = block[0].number if block else line.number
            cells = [Cell(text=description), Cell(text=information), *choice.cells]
            self.rows.append(
                TableRow(
                    label=label,
                    cells=self._align(header, cells),
                    line=first,
                    part=self.part,
                    group=self.group,
                    is_total=bool(_TOTAL.match(label)),
                    ambiguous=choice.ambiguous,
                )
            )
            block = []


def _value_cell(text: str) -> Cell:
    if text in NIL_MARKS:
        return Cell(text=text, is_nil=True)
    return Cell(text=text, value=parse_number(text))


_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff）)])\s+(?=[\u4e00-\u9fff《])")


def _organ_texts(block: list[_Line]) -> tuple[str, str, str]:
    """Split a decision-organ block into its name, its description and its 授权/成员/届会 lines."""
    name, description, information = "", "", ""
    items: list[str] = []
    state = "name"
    for line in block:
        text = line.text
        if state != "info" and "授权" in text:
            before, _, after = text.partition("授权")
            if before.strip():
                if state == "name":
                    name = join_text(name, before)
                else:
                    description = join_text(description, before)
            state = "info"
            items.append("授权" + after.strip())
            continue
        if state == "info":
            if items and not items[-1].endswith(" ") and not _starts_item(text):
                items[-1] = join_text(items[-1], text)
            else:
                items.append(text.strip())
            continue
        if state == "name":
            gap = _CJK_GAP.search(text.strip())
            if gap:
                stripped = text.strip()
                name = join_text(name, stripped[: gap.start()])
                description = stripped[gap.end() :]
                state = "description"
                continue
            name = join_text(name, text)
            if line.ends_cell and _CJK.match(text.rstrip()[-1:] or " "):
                state = "description"
            continue
        description = join_text(description, text)
    information = "；".join(item.strip() for item in items if item.strip())
    return name.strip(), description.strip(), information


def _starts_item(text: str) -> bool:
    return bool(re.match(r"^\s*(授权|成员|\d{4} 年届会次数)", text))


def _pack_text(cells: list[Cell], count: int) -> list[list[Cell]]:
    """Candidate groupings of more (or fewer) text pieces than columns into `count` cells.

    With fewer pieces the cells are right-aligned (the leading years left empty).  With more,
    adjacent pieces are merged into one cell; candidates are ordered by how evenly they spread
    the text (the most even first).  The extraction gives no way to tell which is right, so the
    row is always marked ambiguous by the caller.
    """
    if len(cells) < count:
        return [[Cell(text="")] * (count - len(cells)) + cells]
    results: list[tuple[float, list[Cell]]] = []

    def merge(group: list[Cell]) -> Cell:
        if len(group) == 1:
            return group[0]
        return Cell(text="；".join(c.text for c in group))

    def walk(start: int, remaining: int, acc: list[list[Cell]]) -> None:
        if len(results) > 200:
            return
        if remaining == 1:
            groups = [*acc, cells[start:]]
            lengths = [sum(len(c.text) for c in g) for g in groups]
            mean = sum(lengths) / len(lengths)
            results.append((sum((n - mean) ** 2 for n in lengths), [merge(g) for g in groups]))
            return
        for end in range(start + 1, len(cells) - remaining + 2):
            walk(end, remaining - 1, [*acc, cells[start:end]])

    walk(0, count, [])
    results.sort(key=lambda item: item[0])
    return [cells for _, cells in results[:6]]


def table_to_text(table: Table) -> str:
    """A readable rendering: title and unit, then one row per line "label | column: value | …".

    Sub-parts and groups are printed on their own line when they change; empty cells are left
    out; notes follow the rows.
    """
    head = table.title + (f" ({table.unit})" if table.unit else "")
    out = [head]
    part: str | None = None
    group: str | None = None
    for row in table.rows:
        if row.part != part:
            part = row.part
            if part:
                out.append(part)
        if row.group != group:
            group = row.group
            if group:
                out.append(f"[{group}]")
        fields = [row.label]
        for column, cell in zip(table.columns, row.cells, strict=False):
            if cell.text:
                fields.append(f"{column}: {cell.text}")
        line = " | ".join(fields)
        if row.ambiguous:
            line += " | (拆分存疑)"
        out.append(line)
    out.extend(table.notes)
    return "\n".join(out)
