"""Splitting a flattened table row into cells.

The PDF-to-text extraction prints a row as one line in which a single space separates both the
thousands groups of a number and the cells themselves: "员额 43 526.4 47 278.1 — — (7.2) (7.2)
(0.0) 47 270.9".  This module tokenises such a row, finds where its label ends, and enumerates
every way of grouping the value tokens into exactly the number of cells the header has.  Choosing
among the candidate splits (row arithmetic, column totals) is the caller's business
(:mod:`budgetqa.ingest.tables`).

Grammar of a cell, as the document prints it:

* nil: "—" (also "–", "-");
* "不适用" (not applicable), optionally followed by a note marker ("不适用 a");
* a number: a first group of digits, then zero or more groups of exactly three digits; the
  decimal part ends the number; "(…)" wraps a negative number and must close on its last group;
  a trailing "%" ends it too.  A cell never starts with a group that has a leading zero ("000").

Two or more spaces between tokens are always a cell boundary (thousands are separated by one).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .model import Cell
from .numeric import NIL_MARKS, parse_number

_NUMBER_TOKEN = re.compile(r"^\(?\d+(?:\.\d+)?\)?%?$")
_GROUP_TOKEN = re.compile(r"^\d{3}(?:\.\d+)?\)?%?$")
_TEXT_CELLS = frozenset({"不适用"})
_MARKER = re.compile(r"^[a-z]$")

# Guard against pathological rows: the number of splits kept per row.
MAX_SPLITS = 256


@dataclass(frozen=True)
class Token:
    """One whitespace-separated token of a row, and whether a wide gap (2+ spaces) precedes it."""

    text: str
    wide_gap_before: bool


@dataclass(frozen=True)
class RowTokens:
    """A row line cut into its label and the value tokens that follow it."""

    label: str
    values: list[Token]
    wide_gap_after_label: bool


def tokenize(text: str) -> list[Token]:
    """Tokens of a row line, repairing the extraction's stray spaces ("51 069 .7", "391.8.")."""
    tokens: list[Token] = []
    for match in re.finditer(r"(\s*)(\S+)", text):
        gap, word = match.group(1), match.group(2)
        if re.fullmatch(r"\d+\.\d+\.", word):
            word = word[:-1]
        if word.startswith(".") and word[1:].isdigit() and tokens and tokens[-1].text.isdigit():
            previous = tokens.pop()
            tokens.append(Token(previous.text + word, previous.wide_gap_before))
            continue
        tokens.append(Token(word, len(gap) >= 2))
    return tokens


def is_value_token(text: str) -> bool:
    """True for tokens that can be part of a cell: digits, nil marks, "不适用", note markers."""
    return bool(_NUMBER_TOKEN.match(text)) or text in NIL_MARKS or text in _TEXT_CELLS


def split_label(text: str) -> RowTokens:
    """Cut a row line into its label and its trailing run of value tokens.

    >>> r = split_label("员额 43 526.4 47 278.1 — —")
    >>> r.label, [t.text for t in r.values]
    ('员额', ['43', '526.4', '47', '278.1', '—', '—'])
    """
    tokens = tokenize(text)
    start = len(tokens)
    while start > 0:
        word = tokens[start - 1].text
        if is_value_token(word):
            start -= 1
        elif _MARKER.match(word) and start >= 2 and tokens[start - 2].text in _TEXT_CELLS:
            start -= 1  # "不适用 a": the marker belongs to the cell
        else:
            break
    label = " ".join(t.text for t in tokens[:start])
    values = tokens[start:]
    wide = bool(values) and values[0].wide_gap_before
    return RowTokens(label=label, values=values, wide_gap_after_label=wide)


@dataclass(frozen=True)
class Piece:
    """A candidate cell: tokens[start:end] of a row's value tokens."""

    start: int
    end: int


def _cell_ends(tokens: list[Token], start: int) -> Iterator[int]:
    """Every end index such that tokens[start:end] forms one valid cell."""
    first = tokens[start].text
    if first in NIL_MARKS:
        yield start + 1
        return
    if first in _TEXT_CELLS:
        yield start + 1
        if start + 1 < len(tokens) and _MARKER.match(tokens[start + 1].text):
            yield start + 2
        return
    match = re.fullmatch(r"(\()?(\d+)(\.\d+)?(\))?(%)?", first)
    if not match:
        return
    opened, digits, decimals, closed, percent = match.groups()
    if len(digits) > 1 and digits.startswith("0"):
        return
    if closed and not opened:
        return
    if not opened or closed:
        yield start + 1
    if decimals or closed or percent or len(digits) > 3:
        return
    end = start + 1
    while end < len(tokens):
        token = tokens[end]
        if token.wide_gap_before or not _GROUP_TOKEN.match(token.text):
            return
        has_close = token.text.endswith(")") or token.text.endswith(")%")
        if has_close and not opened:
            return
        end += 1
        if not opened or has_close:
            yield end
        if "." in token.text or has_close or token.text.endswith("%"):
            return


def enumerate_splits(tokens: list[Token], count: int, limit: int = MAX_SPLITS) -> list[list[Piece]]:
    """All ways to group `tokens` into exactly `count` cells (at most `limit` of them)."""
    results: list[list[Piece]] = []
    memo_fail: set[tuple[int, int]] = set()

    def walk(start: int, remaining: int, acc: list[Piece]) -> bool:
        if len(results) >= limit:
            return True
        if start == len(tokens):
            if remaining == 0:
                results.append(list(acc))
                return True
            return False
        if remaining == 0 or (start, remaining) in memo_fail:
            return False
        found = False
        for end in _cell_ends(tokens, start):
            acc.append(Piece(start, end))
            found = walk(end, remaining - 1, acc) or found
            acc.pop()
        if not found:
            memo_fail.add((start, remaining))
        return found

    walk(0, count, [])
    return results


def make_cell(tokens: list[Token], piece: Piece) -> Cell:
    """The :class:`Cell` for tokens[piece.start:piece.end]."""
    text = " ".join(t.text for t in tokens[piece.start : piece.end])
    if text in NIL_MARKS:
        return Cell(text=text, value=None, is_nil=True)
    return Cell(text=text, value=parse_number(text))


def decimals_of(cell: Cell) -> int | None:
    """Number of printed decimals of a numeric cell; None for nil and text cells."""
    if cell.value is None:
        return None
    body = cell.text.strip("()%")
    return len(body.split(".")[1]) if "." in body else 0
