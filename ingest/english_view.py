"""A unit in English, assembled from the checked English versions of its segments.

A paragraph, foreword or note is one segment; a table is its caption, unit, column headers, row
labels and text cells (figures are copied as printed); a figure is its title and chart labels; a
mandate list its titles; an annex its pieces.  A segment without a checked version stays in Chinese
and is named in :attr:`EnglishUnit.untranslated`, so a reader can tell the machine translation from
the original:

>>> # view = english_unit(document, document.unit(BlockKind.PARAGRAPH, "3.115"), versions)
>>> # view.title, view.text[:40], view.untranslated      → ("para. 3.115", "As shown in tables …", [])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .english import EnglishVersions, SegmentKind, has_han, label_segment, split_pieces
from .model import BlockKind, Document, Table, Unit
from .refs import format_label

MACHINE_TRANSLATION_NOTE = "Machine translation, figures checked against the Chinese original."


@dataclass(frozen=True)
class EnglishRow:
    """A table row in English: its label and cells, the group and sub-part it sits under."""

    label: str
    cells: list[str]
    group: str | None = None
    part: str | None = None
    is_total: bool = False


@dataclass
class EnglishUnit:
    """A unit as an English reader sees it; Chinese remains only where a segment is untranslated."""

    kind: BlockKind
    ref: str
    title: str
    text: str
    columns: list[str] | None = None  # tables only
    rows: list[EnglishRow] | None = None  # tables only
    untranslated: list[str] = field(default_factory=list)  # uids of segments left in Chinese

    @property
    def complete(self) -> bool:
        """Whether every segment of the unit has a checked English version."""
        return not self.untranslated


class _Translator:
    """Looks segments up in the versions, remembering the ones that have no checked version."""

    def __init__(self, versions: EnglishVersions) -> None:
        self.versions = versions
        self.untranslated: list[str] = []

    def segment(self, uid: str, chinese: str) -> str:
        english = self.versions.get(uid)
        if english is None and has_han(chinese):
            self.untranslated.append(uid)
            return chinese
        return english or chinese

    def label(self, chinese: str | None, kind: SegmentKind = SegmentKind.LABEL) -> str:
        if not chinese:
            return ""
        return self.segment(label_segment(chinese, kind).uid, " ".join(chinese.split()))


def english_unit(document: Document, unit: Unit, versions: EnglishVersions) -> EnglishUnit:
    """`unit` of `document` in English, from `versions`."""
    words = _Translator(versions)
    label = format_label(unit.kind, unit.ref, "en")
    view = EnglishUnit(unit.kind, unit.ref, label, "")
    if unit.kind is BlockKind.PARAGRAPH:
        view.text = words.segment(f"paragraph:{unit.ref}", document.paragraph(unit.ref).text)
    elif unit.kind is BlockKind.TABLE:
        _table(view, document.table(unit.ref), words)
    elif unit.kind is BlockKind.FIGURE:
        figure = document.figure(unit.ref)
        view.title = f"{label}: {words.segment(f'figure:{figure.ref}', figure.title)}"
        view.text = "\n".join(
            f"{words.label(value.label)}: {value.text}" if value.label else value.text for value in figure.values
        )
    elif unit.kind is BlockKind.FOREWORD:
        foreword = next(item for item in document.forewords if item.ref == unit.ref)
        signature = ", ".join(words.label(item) for item in (foreword.signatory, foreword.signatory_title) if item)
        view.text = "\n".join(item for item in (words.segment(f"foreword:{unit.ref}", foreword.text), signature) if item)
    elif unit.kind is BlockKind.MANDATES:
        mandates = next(item for item in document.mandates if item.ref == unit.ref)
        view.text = "\n".join(
            " ".join(item for item in ("; ".join(entry.symbols), words.label(entry.title, SegmentKind.MANDATE)) if item)
            for entry in mandates.entries
        )
    elif unit.kind is BlockKind.ANNEX:
        annex = next(item for item in document.annexes if item.ref == unit.ref)
        pieces = split_pieces(f"{annex.title}\n{annex.text}".strip())
        view.text = "\n".join(words.segment(f"annex:{annex.ref}#{n}", piece) for n, piece in enumerate(pieces))
    else:
        view.text = unit.text
    view.untranslated = list(dict.fromkeys(words.untranslated))
    return view


def _table(view: EnglishUnit, table: Table, words: _Translator) -> None:
    view.title = f"{view.title}: {words.segment(f'caption:{table.ref}', table.caption)}"
    if table.unit:
        view.title += f" ({words.label(table.unit).strip('()')})"
    view.columns = [words.label(column) for column in table.columns]
    view.rows = [
        EnglishRow(
            label=words.label(row.label),
            cells=[cell.text if cell.is_numeric else words.label(cell.text) for cell in row.cells],
            group=words.label(row.group) or None,
            part=words.label(row.part) or None,
            is_total=row.is_total,
        )
        for row in table.rows
    ]
    view.text = "\n".join(words.segment(f"note:{table.ref}:{n}", note) for n, note in enumerate(table.notes))


class EnglishReader:
    """English views of the units of one document (for `show --lang en` and the chat's `/lang en`)."""

    def __init__(self, document: Document, versions: EnglishVersions) -> None:
        self.document = document
        self.versions = versions

    @classmethod
    def load(cls, document: Document, *, cache_dir: Path | None = None) -> EnglishReader:
        """The reader over the shipped versions and those `budgetqa translate` wrote under `cache_dir`."""
        return cls(document, EnglishVersions.load(document, cache_dir=cache_dir))

    def unit(self, kind: BlockKind, ref: str) -> tuple[Unit, EnglishUnit] | None:
        """The unit (`kind`, `ref`) and its English view; None when the document has no such unit."""
        found = next((unit for unit in self.document.units() if unit.kind is kind and unit.ref == ref), None)
        return None if found is None else (found, english_unit(self.document, found, self.versions))
