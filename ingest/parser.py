"""The document parser: raw PDF-to-text extraction of a budget section → :class:`Document`.

Entry points: :func:`parse_document` (a file) and :func:`parse_text` (a string).  The section
number, title and symbol come from the text itself, so every section of the same budget
(A/NN/6 (Sect. N)) parses the same way.  Table bodies are parsed by
:func:`budgetqa.ingest.tables.parse_table_block`.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .charts import chart_values
from .completeness import cut_before_running_head, missing_beginning, truncation_warning
from .entities import english_name
from .errors import DocumentError
from .forewords import parse_foreword
from .lines import SourceLine, clean_source
from .mandates import parse_mandate_lines
from .model import (
    Annex,
    BlockKind,
    Document,
    Figure,
    Footnote,
    LineSpan,
    MandateList,
    Paragraph,
    ParseReport,
    Part,
    Table,
)
from .numbering import find_paragraph_starts
from .numerals import chinese_to_int
from .references import find_references
from .sectioninfo import NotABudgetSection, detect_section
from .segment import RawBlock, Segmentation, Segmenter
from .source import read_source, shown
from .tables import parse_table_block
from .textjoin import join_lines
from .units import document_units

__all__ = ["DocumentError", "NotABudgetSection", "parse_document", "parse_text"]

_LIST_ITEM_RE = re.compile(r"^\s*(?:\([a-z]{1,3}\)|\([一二三四五六七八九十]+\)|[㈠-㈩])\s")
_FOOTNOTE_RE = re.compile(r"^\s*(?P<marker>[a-z]|\d{1,3})\s+(?P<text>\S.*)$")


def parse_document(path: Path | str) -> Document:
    """Parse the budget section stored as UTF-8 text at `path`.

    Raises :class:`DocumentError` (see :func:`budgetqa.ingest.source.read_source`) for a missing,
    unreadable, oversized, binary, non-UTF-8 or empty file, and its kind :class:`NotABudgetSection`
    for text that is not a budget section (or one cut short before its first page ended).
    """
    source = Path(path)
    return parse_text(read_source(source), source_name=shown(source))


def parse_text(text: str, source_name: str = "") -> Document:
    """Parse a budget section given as the text of its PDF-to-text extraction.

    Raises :class:`DocumentError` (or its kind :class:`NotABudgetSection`) with a message that says what
    is wrong and what to do; never another exception.  A section that seems truncated (no annex at its
    end) is parsed, with a warning in ``document.report.warnings``.
    """
    name = source_name or "the document"
    lead = f"{source_name}: " if source_name else ""
    if not text.strip():
        raise DocumentError(f"{name} is empty; give the UTF-8 text extraction of one budget section")
    try:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    except UnicodeEncodeError as error:
        raise DocumentError(
            f"{name} holds characters that are not Unicode text (lone surrogates at position {error.start}); "
            "give the UTF-8 text extraction of one budget section"
        ) from None
    raw_lines = text.split("\n")
    clean = clean_source(raw_lines)
    try:
        info = detect_section(raw_lines, text)
    except NotABudgetSection as error:
        raise NotABudgetSection(f"{lead}{cut_before_running_head(clean.lines) or error}") from None
    starts, misprints = find_paragraph_starts(clean.lines, info.number)
    if not starts:
        hint = missing_beginning(clean.lines, info.number) or "this does not look like a budget section"
        raise NotABudgetSection(
            f"{lead}no numbered paragraph {info.number}.1, {info.number}.2, … was found; {hint}"
        )
    segmentation = Segmenter(clean.lines, info.number, starts).run()
    report = ParseReport(misprints=misprints)
    debris = dict(clean.removed) | dict(segmentation.debris)
    report.debris_removed = {kind: count for kind, count in sorted(debris.items()) if count}
    document = Document(
        symbol=info.symbol,
        section_number=info.number,
        title=info.title,
        source_sha256=digest,
        lines=[line.rstrip("\r") for line in raw_lines],
        parts=[
            Part(p.number, chinese_to_int(p.number), p.title, english_name(p.title), p.line)
            for p in segmentation.parts
        ],
        headings=segmentation.headings,
        paragraphs=[],
        tables=[],
        figures=[],
        forewords=[],
        mandates=[],
        annexes=[],
        footnotes=[],
        report=report,
    )
    _build_blocks(document, segmentation)
    if not document.paragraphs:  # every numbered line fell inside an annex, which runs to the end
        annex = document.annexes[0] if document.annexes else None
        after = f" (附件{annex.ref}, line {annex.lines.first})" if annex else ""
        raise NotABudgetSection(
            f"{lead}paragraph {info.number}.1 comes only after the annexes begin{after}, and a budget section "
            "prints its annexes last: the text is out of order or not a budget section"
        )
    _attach_chart_runs(document, segmentation)
    _link_citations(document)
    report.ambiguous_rows = [
        (table.ref, row.line) for table in document.tables for row in table.rows if row.ambiguous
    ]
    if warning := truncation_warning(document):
        report.warnings.append(warning)
    document.rendered_units = list(document_units(document))
    return document


def _span(lines: list[SourceLine]) -> LineSpan:
    return LineSpan(lines[0].number, lines[-1].number)


def _build_blocks(document: Document, segmentation: Segmentation) -> None:
    builders = {
        "paragraph": _add_paragraph,
        "table": _add_table,
        "figure": _add_figure,
        "foreword": _add_foreword,
        "mandates": _add_mandates,
        "annex": _add_annex,
        "footnotes": _add_footnotes,
    }
    for block in segmentation.blocks:
        if block.lines:
            builders[block.kind](document, block)


def _add_paragraph(document: Document, block: RawBlock) -> None:
    assert block.start is not None
    pieces: list[str] = []
    current: list[str] = [block.start.first_text]
    for line in block.lines[1:]:
        if _LIST_ITEM_RE.match(line.text):
            pieces.append(join_lines(current))
            current = []
        current.append(line.text)
    pieces.append(join_lines(current))
    text = "\n".join(piece for piece in pieces if piece)
    document.paragraphs.append(
        Paragraph(
            ref=block.start.ref,
            printed_ref=block.start.printed_ref,
            text=text,
            lines=_span(block.lines),
            section=block.section,
            part=block.part,
            references=find_references(text, document.section_number),
        )
    )


def _add_table(document: Document, block: RawBlock) -> None:
    body = [(line.number, line.text) for line in block.lines]
    table: Table = parse_table_block(block.ref, body, section=block.section, part=block.part)
    table.lines = _span(block.lines)
    document.tables.append(table)
    for note in table.notes:
        match = _FOOTNOTE_RE.match(note)
        marker, text = (match.group("marker"), match.group("text")) if match else ("", note.strip())
        document.footnotes.append(
            Footnote(marker=marker, text=text, line=table.lines.last, attached_to=table.ref)
        )


def _add_figure(document: Document, block: RawBlock) -> None:
    ref = block.ref.split(".", 1)
    title = block.lines[1].stripped if len(block.lines) > 1 else ""
    document.figures.append(
        Figure(
            ref=block.ref,
            number=chinese_to_int(ref[1]),
            title=title,
            lines=_span(block.lines),
            section=block.section,
            part=block.part,
            values=chart_values(block.lines[2:]),
        )
    )


def _add_foreword(document: Document, block: RawBlock) -> None:
    foreword = parse_foreword(block.part, block.lines[1:])
    foreword.lines = _span(block.lines)
    document.forewords.append(foreword)


def _add_mandates(document: Document, block: RawBlock) -> None:
    entries = parse_mandate_lines(list(zip(block.lines, block.groups, strict=True)))
    taken = sum(1 for mandates in document.mandates if mandates.part == block.part)
    ref = block.part + (f"-{taken + 1}" if taken else "")
    document.mandates.append(
        MandateList(
            ref=ref, part=block.part, entries=entries, lines=_span(block.lines), section=block.section
        )
    )


def _add_annex(document: Document, block: RawBlock) -> None:
    title = block.lines[1].stripped if len(block.lines) > 1 else ""
    text = "\n".join(line.stripped for line in block.lines[2:])
    document.annexes.append(Annex(block.ref, chinese_to_int(block.ref), title, text, _span(block.lines)))


def _add_footnotes(document: Document, block: RawBlock) -> None:
    notes: list[tuple[str, list[str], int]] = []
    for line in block.lines:
        match = _FOOTNOTE_RE.match(line.text)
        if match or not notes:
            marker = match.group("marker") if match else ""
            notes.append((marker, [match.group("text") if match else line.text], line.number))
        else:
            notes[-1][1].append(line.text)
    for marker, lines, number in notes:
        document.footnotes.append(Footnote(marker=marker, text=join_lines(lines), line=number))


def _attach_chart_runs(document: Document, segmentation: Segmentation) -> None:
    """Chart values printed away from their figure belong to the figure printed last before them."""
    for run in segmentation.chart_runs:
        if run.figure_index is None or run.figure_index >= len(document.figures):
            continue
        document.figures[run.figure_index].values.extend(chart_values(run.lines))


def _link_citations(document: Document) -> None:
    """Fill `cited_by` of tables and figures from the paragraphs' references."""
    tables = {table.ref: table for table in document.tables}
    figures = {figure.ref: figure for figure in document.figures}
    for paragraph in document.paragraphs:
        for reference in paragraph.references:
            target: Table | Figure | None = None
            if reference.kind == BlockKind.TABLE:
                target = tables.get(reference.ref)
            elif reference.kind == BlockKind.FIGURE:
                target = figures.get(reference.ref)
            if target is not None and paragraph.ref not in target.cited_by:
                target.cited_by.append(paragraph.ref)
