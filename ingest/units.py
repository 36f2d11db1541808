"""Render document blocks as flat citable :class:`Unit`s (the `budgetqa units --json` contract).

Every kind is rendered as readable text: a paragraph's body; a table's caption, unit, header and
rows ("员额 | 43 526.4 | 47 278.1 | …") and notes; a figure's title and chart values; a foreword with
its signatory; a mandate list entry by entry; an annex's text.
"""

from __future__ import annotations

from collections.abc import Iterator

from .model import (
    Annex,
    BlockKind,
    Document,
    Figure,
    Foreword,
    LineSpan,
    MandateList,
    Table,
    Unit,
)


def table_text(table: Table) -> str:
    """A table as text: caption, unit, column header, one line per row, notes."""
    lines = [table.title]
    if table.unit:
        lines.append(f"({table.unit})" if not table.unit.startswith("(") else table.unit)
    if table.columns:
        lines.append(" | ".join(["", *table.columns]).strip())
    context: tuple[str | None, str | None] = (None, None)
    for row in table.rows:
        if (row.part, row.group) != context:
            context = (row.part, row.group)
            heading = " / ".join(item for item in context if item)
            if heading:
                lines.append(f"[{heading}]")
        lines.append(" | ".join([row.label, *(cell.text for cell in row.cells)]))
    lines.extend(table.notes)
    return "\n".join(lines)


def figure_text(figure: Figure) -> str:
    """A figure as text: title and its chart values ("LL: 32")."""
    values = [f"{value.label}: {value.text}" if value.label else value.text for value in figure.values]
    return "\n".join([figure.title, *values]) if values else figure.title


def foreword_text(foreword: Foreword) -> str:
    signature = " ".join(item for item in (foreword.signatory_title, foreword.signatory) if item)
    return f"{foreword.text}\n{signature}" if signature else foreword.text


def mandates_text(mandates: MandateList) -> str:
    """One line per mandate: symbols, title, issuing body and subprogramme."""
    lines: list[str] = []
    for entry in mandates.entries:
        where = "; ".join(item for item in (entry.body, entry.subprogramme) if item)
        head = "; ".join(entry.symbols)
        line = " ".join(item for item in (head, entry.title) if item)
        lines.append(f"{line} ({where})" if where else line)
    return "\n".join(lines)


def _part_title(document: Document, part: str) -> str:
    try:
        return document.part_of(part).title
    except KeyError:
        return ""


def document_units(document: Document) -> Iterator[Unit]:
    """Every citable block of `document` as a Unit, kind by kind, in document order."""
    for paragraph in document.paragraphs:
        yield Unit(
            kind=BlockKind.PARAGRAPH,
            ref=paragraph.ref,
            title=f"第 {paragraph.ref} 段",
            text=paragraph.text,
            lines=paragraph.lines,
            section=list(paragraph.section),
            part=paragraph.part,
        )
    for table in document.tables:
        yield Unit(
            BlockKind.TABLE,
            table.ref,
            table.title,
            table_text(table),
            table.lines,
            list(table.section),
            table.part,
        )
    for figure in document.figures:
        yield Unit(
            BlockKind.FIGURE,
            figure.ref,
            f"图 {figure.ref} {figure.title}",
            figure_text(figure),
            figure.lines,
            list(figure.section),
            figure.part,
        )
    for foreword in document.forewords:
        title = f"前言：{_part_title(document, foreword.part)}".rstrip("：")
        section = [f"{foreword.part}. {_part_title(document, foreword.part)}"]
        yield Unit(
            BlockKind.FOREWORD,
            foreword.ref,
            title,
            foreword_text(foreword),
            foreword.lines,
            section,
            foreword.part,
        )
    for mandates in document.mandates:
        title = f"立法授权：{_part_title(document, mandates.part)}".rstrip("：")
        yield Unit(
            BlockKind.MANDATES,
            mandates.ref,
            title,
            mandates_text(mandates),
            mandates.lines,
            list(mandates.section),
            mandates.part,
        )
    for annex in document.annexes:
        yield _annex_unit(annex)


def _annex_unit(annex: Annex) -> Unit:
    return Unit(
        kind=BlockKind.ANNEX,
        ref=annex.ref,
        title=f"附件{annex.ref} {annex.title}".strip(),
        text=f"{annex.title}\n{annex.text}".strip(),
        lines=LineSpan(annex.lines.first, annex.lines.last),
        section=[f"附件{annex.ref}"],
        part="",
    )
