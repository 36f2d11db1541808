"""The audit's check of a paragraph's amounts by object of expenditure against the body's tables.

A paragraph explaining a body's changes breaks them down by object of expenditure: "咨询人项下 158 700
美元", "员额资源项下 4 045 700 美元和非员额资源项下 258 600 美元", "订约承办事务项下 43 200 美元".  Each
such amount (美元) is one of the changes the body's tables print for that object (千美元): its
technical adjustment, new or expanded mandates, other changes or the total change, in the
by-object table or, for 员额 and 非员额, the resources-and-posts tables.  An amount none of those
cells prints is a finding, set against the one nearest to it.

The object is read from the words the table prints as a row label, right before "项下", so a
clause the audit cannot read is never reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from budgetqa.ingest.budget import ChangeKind, TableKind
from budgetqa.ingest.model import BlockKind, Document, Paragraph, Table, TableRow
from budgetqa.ingest.numeric import parse_number

from .audit_model import Check, Finding, Printed, same_figure_finding
from .audit_places import THOUSAND
from .audit_tables import Slot, TableGrid
from .evidence import split_sentences

_OBJECT_KINDS = (TableKind.RESOURCES_BY_OBJECT, TableKind.RESOURCES_AND_POSTS)
_CHANGE_SLOTS = tuple(
    Slot("change", change=kind) for kind in (ChangeKind.TOTAL, ChangeKind.TECHNICAL, ChangeKind.NEW_MANDATES, ChangeKind.OTHER)
)
_AMOUNT = r"(?P<amount>\d{1,3}(?: \d{3})+|\d+)\s*美元"
_DECREASE = ("减少", "净减", "降低")


@dataclass(frozen=True)
class _Object:
    """One object of expenditure's row in one of the body's tables."""

    table: Table
    row: TableRow


@dataclass(frozen=True)
class ObjectAmount:
    """An amount a paragraph states for an object of expenditure: "咨询人项下 158 700 美元"."""

    paragraph: Paragraph
    label: str  # the object as its table row prints it: "咨询人"
    figure: str  # the amount as printed: "158 700"
    printed: Printed  # the amount as a printed figure (美元, signed by its "减少"), on its document line


def object_amount_findings(document: Document, body_of: dict[str, str]) -> Iterator[Finding]:
    """Every paragraph amount by object of expenditure that no change cell of its object prints.

    `body_of` maps a part's numeral to its body key.
    """
    rows = _object_rows(document)
    for amount in object_amounts(document, rows):
        cells = [cell for item in rows[amount.paragraph.part][amount.label] for cell in _change_cells(item)]
        value = amount.printed.value
        if not cells or any(abs(abs(value) - abs(cell.value) * THOUSAND) <= cell.half_unit * THOUSAND + 1e-6 for cell in cells):
            continue
        nearest = min(cells, key=lambda cell: abs(abs(value) - abs(cell.value) * THOUSAND))
        body = body_of.get(amount.paragraph.part, amount.paragraph.part)
        finding = same_figure_finding(Check.PARAGRAPH, body, amount.printed, nearest, THOUSAND)
        if finding is not None:
            yield finding


def object_amounts(document: Document, rows: dict[str, dict[str, list[_Object]]] | None = None) -> Iterator[ObjectAmount]:
    """Every amount the paragraphs state for an object of expenditure of their body's tables."""
    rows = rows if rows is not None else _object_rows(document)
    for paragraph in document.paragraphs:
        objects = rows.get(paragraph.part)
        if not objects:
            continue
        labels = "|".join(re.escape(label) for label in sorted(objects, key=len, reverse=True))
        # longest label first: read left to right, "非员额资源项下" is 非员额's, never 员额's
        pattern = re.compile(rf"(?P<object>{labels})(?:资源)?项下\s*(?:拟议)?\s*(?P<word>增加|减少|净增|净减|降低)?\s*{_AMOUNT}")
        for sentence in split_sentences(paragraph.text):
            for match in pattern.finditer(sentence):
                value = parse_number(match["amount"])
                if value is None:
                    continue
                signed = -value if match["word"] in _DECREASE else value
                printed = Printed(BlockKind.PARAGRAPH, paragraph.ref, _line_of(document, paragraph, match["amount"]),
                                  match.group(0)[match.start("amount") - match.start():], signed, sentence=sentence)
                yield ObjectAmount(paragraph, match["object"], match["amount"], printed)


def _object_rows(document: Document) -> dict[str, dict[str, list[_Object]]]:
    """The object-of-expenditure rows of each part's tables, by label."""
    rows: dict[str, dict[str, list[_Object]]] = {}
    for table in document.tables:
        if table.kind in _OBJECT_KINDS:
            for row in table.rows:
                if not row.is_total:
                    rows.setdefault(table.part, {}).setdefault(row.label, []).append(_Object(table, row))
    return rows


def _change_cells(item: _Object) -> Sequence[Printed]:
    """The object's printed change cells (technical, new mandates, other, total) in one table."""
    grid = TableGrid(item.table)
    return [cell for slot in _CHANGE_SLOTS if (cell := grid.cell(item.row, slot)) is not None]


def _line_of(document: Document, paragraph: Paragraph, amount: str) -> int:
    """The document line that prints `amount` within the paragraph (its first line if none does)."""
    wanted = "".join(amount.split())
    for number in range(paragraph.lines.first, paragraph.lines.last + 1):
        if wanted in "".join(document.lines[number - 1].split()):
            return number
    return paragraph.lines.first
