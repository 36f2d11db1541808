"""Render document blocks as flat citable :class:`Unit`s (the `budgetqa units --json` contract)."""

from __future__ import annotations

from collections.abc import Iterator

from .model import BlockKind, Document, Unit


def document_units(document: Document) -> Iterator[Unit]:
    """Every citable block of `document` as a Unit."""
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
