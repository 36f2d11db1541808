"""Turn a parsed document into retrievable units, each with its context prefixed.

Every citable block (paragraph, table, figure, foreword, mandate list, annex) is a unit, and so is
every table row, so that "员额 2024" can land on one row of 表 3.24 rather than on the whole table, and
every table note (a footnote can state what no row does); rows and notes cite their table.
Each unit's `indexed_text` carries its context — part, subprogramme, table caption, column headers —
and English labels from the glossary, so that "subprogramme 3", "UNOAU" or "posts" in a question can
match Chinese text.  Its `english_text` is its checked English version (see
:mod:`budgetqa.ingest.english`) under its English context, so that an English question also meets
English text; a unit without a checked version has only the English of its context and labels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from budgetqa.ingest.english import EnglishVersions, SegmentKind, has_han, split_pieces
from budgetqa.ingest.english_view import english_unit
from budgetqa.ingest.model import BlockKind, Document, LineSpan, Table, TableRow, Unit

from .glossary import Glossary, normalize_zh
from .model import IndexUnit

# Long blocks (annexes, mandate lists) are split into pieces of about this many characters for
# retrieval, each piece still citing its block; dense encoders truncate long inputs anyway.  The
# English versions cut annexes into the same pieces (``budgetqa.ingest.english.PIECE_CHARS``).
PIECE_CHARS = 600

# A line left in Chinese (no checked English version) that is at most this long is a label, given
# in the glossary's English in the English field; a longer one is left out of that field.
SHORT_LINE = 40

# Heading level of subprogrammes and components (see ``budgetqa.ingest.model.Heading``): the context
# of every unit keeps the headings down to this level, however deep the unit sits.
SUBPROGRAMME_LEVEL = 3


def build_index_units(
    document: Document, glossary: Glossary, english: EnglishVersions | None = None
) -> list[IndexUnit]:
    """All retrievable units of `document`, in a stable order (blocks, then each table's rows and notes),
    with their English text from `english` (none without it)."""
    part_titles = {part.number: f"{part.number}. {part.title} {part.title_en}" for part in document.parts}
    levels: dict[str, int] = {}
    for heading in document.headings:
        levels[heading.text] = min(heading.level, levels.get(heading.text, heading.level))
    words = _EnglishWords(document, english or EnglishVersions([], []), glossary)

    def context_of(part: str, section: list[str]) -> str:
        return _context(part_titles.get(part, ""), _heading_path(section, levels), glossary)

    def english_context(part: str, section: list[str]) -> str:
        return words.context(part, _heading_path(section, levels))

    units: list[IndexUnit] = []
    table_blocks: dict[str, Unit] = {}
    for unit in document.units():
        context = context_of(unit.part, unit.section)
        if unit.kind in (BlockKind.ANNEX, BlockKind.MANDATES) and len(unit.text) > PIECE_CHARS:
            pieces = _pieces(unit, context, glossary)
            units.extend(words.with_pieces(unit, pieces, english_context(unit.part, unit.section)))
            continue
        if unit.kind is BlockKind.TABLE:
            table_blocks[unit.ref] = unit
        block = _block_unit(unit, context, glossary)
        english = _joined(english_context(unit.part, unit.section), words.block(unit))
        units.append(replace(block, english_text=english))
    for table in document.tables:
        context = context_of(table.part, table.section)
        en_context = english_context(table.part, table.section)
        for row_unit in _row_units(table, context, glossary):
            row = table.rows[row_unit.row or 0]
            english_row = row_english(table, row, words.label)
            units.append(replace(row_unit, english_text=_joined(en_context, words.caption(table), english_row)))
        for note_unit in _note_units(table_blocks[table.ref], table.notes, context, glossary):
            note = words.segment(f"note:{table.ref}:{note_unit.note}")
            units.append(replace(note_unit, english_text=_joined(en_context, words.caption(table), note)))
    return [replace(unit, document=document.symbol) for unit in units]


def _joined(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


class _EnglishWords:
    """The English of a document's text for the English field: checked versions where there are,
    the glossary's English labels for headings and labels without one."""

    def __init__(self, document: Document, versions: EnglishVersions, glossary: Glossary) -> None:
        self.document = document
        self.versions = versions
        self.glossary = glossary

    def segment(self, uid: str) -> str:
        return self.versions.get(uid) or ""

    def label(self, chinese: str, kind: SegmentKind = SegmentKind.LABEL) -> str:
        return label_in_english(chinese, self.versions, self.glossary, kind)

    def caption(self, table: Table) -> str:
        return f"Table {table.ref}: {self.segment(f'caption:{table.ref}') or self.label(table.caption)}"

    def context(self, part: str, section: list[str]) -> str:
        """The English heading path: part name, then the headings ("Subprogramme 3 > Objective")."""
        names = [item.title_en for item in self.document.parts if item.number == part]
        names += [self.label(heading, SegmentKind.HEADING) for heading in section if heading]
        return " > ".join(names)

    def block(self, unit: Unit) -> str:
        """A whole block in English: its checked text, or for a table its caption, headers and labels."""
        if not self.versions.segments:
            return ""
        view = english_unit(self.document, unit, self.versions)
        lines = [view.title, *view.text.splitlines()]
        if view.columns is not None:
            lines.append("; ".join(view.columns))
        lines.extend(row.label for row in view.rows or [])
        return _joined(*(self._english_line(line) for line in lines))

    def _english_line(self, line: str) -> str:
        """A line of an English view: as it is, or where it stayed Chinese (no checked version) the
        glossary's English label of a short line, and nothing for a long one."""
        if not has_han(line):
            return line
        return self.glossary.english_label(line) if len(line) <= SHORT_LINE else ""

    def with_pieces(self, unit: Unit, pieces: Iterator[IndexUnit], context: str) -> Iterator[IndexUnit]:
        """The pieces of a long block, each with its English: an annex piece its own version, a
        mandate-list piece the English lines of its entries (one line per entry on both sides)."""
        lines: list[str] = []
        if unit.kind is BlockKind.MANDATES and self.versions.segments:
            view = english_unit(self.document, unit, self.versions)
            lines = [self._english_line(line) for line in view.text.splitlines()]
        first = 0
        for piece in pieces:
            if unit.kind is BlockKind.ANNEX:
                english = self.segment(piece.uid)
            else:
                count = len(piece.text.splitlines())
                english = "\n".join(lines[first : first + count])
                first += count
            yield replace(piece, english_text=_joined(context, piece.english_label, english))


def _heading_path(section: list[str], levels: dict[str, int]) -> list[str]:
    """The headings that place a unit: its sub-part and subprogramme (or component), whatever the
    depth of the unit, then its three innermost headings.  The part heading itself is left out: the
    part title (with its English name) is prefixed separately."""
    wanted = {
        index
        for index, heading in enumerate(section)
        if levels.get(heading, SUBPROGRAMME_LEVEL + 1) in range(2, SUBPROGRAMME_LEVEL + 1)
    }
    wanted.update(index for index in range(len(section)) if index >= len(section) - 3)
    return [
        heading
        for index, heading in enumerate(section)
        if index in wanted and heading and levels.get(heading) != 1
    ]


def _context(part_title: str, section: list[str], glossary: Glossary) -> str:
    """The heading path a unit sits under, in Chinese and English: "一. 政治… > 次级方案 3 …"."""
    path = [part_title, *section]
    zh = " > ".join(item for item in path if item)
    en = " > ".join(glossary.english_label(item) for item in section if item)
    return f"{zh} ({en})" if en and en != zh else zh


def _block_unit(unit: Unit, context: str, glossary: Glossary) -> IndexUnit:
    return _text_unit(unit, context, glossary.english_label(unit.title), unit.id, unit.text, glossary)


def _pieces(unit: Unit, context: str, glossary: Glossary) -> Iterator[IndexUnit]:
    """Split a long block at line boundaries into pieces that each cite the whole block."""
    english = glossary.english_label(unit.title)
    for number, piece in enumerate(split_pieces(unit.text, PIECE_CHARS)):
        yield _text_unit(unit, context, english, f"{unit.id}#{number}", piece, glossary)


def _text_unit(unit: Unit, context: str, english: str, uid: str, text: str, glossary: Glossary) -> IndexUnit:
    """A block, or a piece of one, with its context and the English of its glossary terms."""
    return IndexUnit(
        uid=uid,
        kind=unit.kind,
        ref=unit.ref,
        title=unit.title,
        text=text,
        indexed_text=f"{context}\n{unit.title} {english}\n{text}\n{_glossed_terms(text, glossary)}".strip(),
        lines=unit.lines,
        section=tuple(unit.section),
        part=unit.part,
        english_label=english,
    )


def _row_units(table: Table, context: str, glossary: Glossary) -> Iterator[IndexUnit]:
    caption_en = glossary.english_label(table.caption)
    for index, row in enumerate(table.rows):
        if not row.label and not row.cells:
            continue
        zh = row_text(table, row)
        en = row_english(table, row, glossary.english_label)
        yield IndexUnit(
            uid=f"row:{table.ref}:{index}",
            kind=BlockKind.TABLE,
            ref=table.ref,
            title=f"表 {table.ref} {table.caption}",
            text=zh,
            indexed_text=f"{context}\n表 {table.ref} {table.caption} ({caption_en})\n{zh}\n{en}",
            lines=LineSpan(row.line, row.line),
            section=tuple(table.section),
            part=table.part,
            english_label=f"Table {table.ref}: {en}",
            row=index,
            row_label=row.label,
        )


def _note_units(table: Unit, notes: list[str], context: str, glossary: Glossary) -> Iterator[IndexUnit]:
    """A table's notes, each its own unit citing the table: "a 包括 1 484 400 美元支出，该款项由大会第
    76/248 号决议……的承付授权供资" is a fact no row states, and the whole table drowns it."""
    english = glossary.english_label(table.title)
    for index, note in enumerate(notes):
        piece = _text_unit(table, context, english, f"note:{table.ref}:{index}", note, glossary)
        yield replace(piece, note=index)


def row_text(table: Table, row: TableRow) -> str:
    """A row as "[(1) 经常预算 / C. 工作方案] 员额: 2022 年支出 43 526.4; 2023 年批款 47 278.1; …"."""
    scope = " / ".join(item for item in (row.part, row.group) if item)
    cells = "; ".join(
        f"{column} {cell.text}" for column, cell in zip(_columns(table, row), row.cells, strict=False)
    )
    prefix = f"[{scope}] " if scope else ""
    unit = f" ({table.unit})" if table.unit else ""
    return f"{prefix}{row.label}{unit}: {cells}" if cells else f"{prefix}{row.label}"


def label_in_english(
    chinese: str, versions: EnglishVersions, glossary: Glossary, kind: SegmentKind = SegmentKind.LABEL
) -> str:
    """A label in English: a glossary term's official English (the model's "Number of posts" for 员额
    in a table of money is not used), else the label's checked English version, else the glossary's
    rendering (which leaves the Chinese it does not know)."""
    if glossary.by_zh(normalize_zh(chinese).strip()) is not None:
        return glossary.english_label(chinese)
    return versions.label(chinese, kind) or glossary.english_label(chinese)


def header_in_english(chinese: str, versions: EnglishVersions, glossary: Glossary) -> str:
    """A column header in English: the glossary's rendering where it renders all of it (its patterns
    write every year's column alike: "2021 年实际" → "2021 actual"), else as a label."""
    rendered = glossary.english_label(chinese).strip()
    return rendered if rendered and not has_han(rendered) else label_in_english(chinese, versions, glossary)


def row_english(table: Table, row: TableRow, english: Callable[[str], str]) -> str:
    """The row with its labels, text cells and column headers in `english` (figures unchanged)."""
    scope = " / ".join(english(item) for item in (row.part, row.group) if item)
    cells = "; ".join(
        f"{english(column)} {cell.text if cell.is_numeric else english(cell.text)}"
        for column, cell in zip(_columns(table, row), row.cells, strict=False)
    )
    label = english(row.label)
    prefix = f"[{scope}] " if scope else ""
    return f"{prefix}{label}: {cells}" if cells else f"{prefix}{label}"


def _columns(table: Table, row: TableRow) -> list[str]:
    if len(table.columns) >= len(row.cells):
        return table.columns
    return table.columns + [f"列 {i + 1}" for i in range(len(table.columns), len(row.cells))]


def _glossed_terms(text: str, glossary: Glossary) -> str:
    """English equivalents of the glossary terms a Chinese text contains, for cross-lingual matching."""
    return " ".join(sorted({en for _, en in glossary.gloss(text)}))
