"""A segment cut into the pieces the local model translates one at a time, and put back together.

A small model asked for a long paragraph in one go drops a year, shortens a name or writes the prompt
back, and a retry of the whole paragraph often gets another part wrong.  So a segment of more than
one sentence is translated sentence by sentence (the sentences and enumeration items the evidence
scorer cuts Chinese prose into, :func:`~budgetqa.index.evidence.split_sentences`), each sentence
checked and retried on its own; an annex, laid out as a table, line by line (a sentence wrapped over
several lines put back together first), its lines without Chinese (grades, figures) kept as they are.  The English keeps the source's line breaks, and the
sentences of a line are joined by a space, so a paragraph's English has its sentences in the same
order as the Chinese.

>>> from budgetqa.ingest.english import Segment, SegmentKind
>>> made_up = Segment("paragraph:9.1", SegmentKind.PARAGRAPH, "甲方完成了工作。乙方将开展：\\n(a) 第一项工作；")
>>> [piece.text for piece in source_pieces(made_up)]
['甲方完成了工作。', '乙方将开展：', '(a) 第一项工作；']
>>> join_pieces(source_pieces(made_up), ["Party A finished.", "Party B will:", "(a) the first task;"])
'Party A finished. Party B will:\\n(a) the first task;'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from budgetqa.ingest.english import Segment, SegmentKind, has_han

from .evidence import split_sentences
from .wrapped_lines import annex_lines


@dataclass(frozen=True)
class Piece:
    """One piece of a segment: a sentence (or an annex line) and the source line it is on."""

    text: str
    line: int

    @property
    def translated(self) -> bool:
        """Whether the piece goes to the model (it has Chinese); else it is kept as it is."""
        return has_han(self.text)


def source_pieces(segment: Segment) -> list[Piece]:
    """The pieces `segment` is translated in: the sentences of each line (of each run of wrapped
    lines put together, in an annex: :func:`annex_lines`)."""
    lines = annex_lines(segment.text) if segment.kind is SegmentKind.ANNEX else enumerate(segment.text.splitlines())
    return [Piece(sentence, number) for number, line in lines if line.strip() for sentence in split_sentences(line)]


def checked_text(segment: Segment) -> str:
    """The source text a segment's whole English is checked against: an annex with its wrapped
    sentences put back on one line (:func:`annex_lines`), as its English has them, so that the
    figures check pairs each Chinese sentence with its own English sentence; any other segment's text."""
    if segment.kind is not SegmentKind.ANNEX:
        return segment.text
    return "\n".join(line for _, line in annex_lines(segment.text))


def join_pieces(pieces: Sequence[Piece], english: Sequence[str]) -> str:
    """The English of the pieces put together: the pieces of one source line joined by a space, lines
    by a line break."""
    lines: list[list[str]] = []
    last = None
    for piece, text in zip(pieces, english, strict=True):
        if piece.line != last:
            lines.append([])
            last = piece.line
        lines[-1].append(text.strip())
    return "\n".join(" ".join(part for part in line if part) for line in lines)


# "(a)", "(iv)", "(1)", the number of a numbered list ("12. ", not the "3.27" of a table reference), or
# the document symbol a mandate's title starts with ("S/2013/759 …")
_LEADING_MARKER = re.compile(
    r"^\s*([(（](?:[a-z]{1,3}|viii|\d{1,2})[)）]|\d{1,2}\.(?=\s)|[A-Z]{1,3}(?:/[A-Z0-9.()\-]+)+(?=\s))\s*"
)
# The punctuation that ends a Chinese piece, as the English of the piece ends: an enumeration item
# ends with a semicolon, a lead-in with a colon, not with the full stop a model puts everywhere.
_ENDS = {"；": ";", ";": ";", "：": ":", ":": ":"}


def leading_marker(text: str) -> tuple[str, str]:
    """The enumeration marker, list number or document symbol a text starts with (in ASCII
    parentheses) and the text after it; the marker is not given to the model but put back in front of its English
    (:func:`with_marker`).

    >>> leading_marker("(b) 评价性别问题；")
    ('(b)', '评价性别问题；')
    >>> leading_marker("12. 特别委员会会议")
    ('12.', '特别委员会会议')
    >>> leading_marker("（2） 其他资源")
    ('(2)', '其他资源')
    >>> leading_marker("3.27 所示")
    ('', '3.27 所示')
    >>> leading_marker("S/2030/1 示例办事处的任务")
    ('S/2030/1', '示例办事处的任务')
    """
    match = _LEADING_MARKER.match(text)
    if match is None:
        return "", text
    return match.group(1).replace("（", "(").replace("）", ")"), text[match.end() :]


def with_marker(marker: str, english: str) -> str:
    """`english` led by `marker` (any marker the model wrote itself replaced)."""
    if not marker:
        return english
    return f"{marker} {_LEADING_MARKER.sub('', english, count=1)}"


def mirror_end(chinese: str, english: str) -> str:
    """`english` ending as the Chinese piece does: a semicolon or a colon instead of a full stop.

    >>> mirror_end("协助和支持建设和平委员会；", "Assist and support the Peacebuilding Commission.")
    'Assist and support the Peacebuilding Commission;'
    """
    end = _ENDS.get(chinese.rstrip()[-1:]) if chinese.strip() else None
    stripped = english.rstrip()
    if end is None or not stripped.endswith("."):
        return english
    return stripped[:-1] + end


_CLAUSE_END = re.compile(r"(?<=，)")  # a Chinese sentence's clauses end with a full-width comma
MIN_CLAUSE = 6  # characters: a shorter clause is joined to the one before it
# Words that lead an English clause in lower case once it follows another clause ("These resources
# …, and will be used …"); any other first word (a name: "Member States", "Department …") is kept.
_LOWER_LEADS = frozenset(
    "a an and as at but by for from in including it its of on or such that the their these they this "
    "those through to under which while who with within".split()
)


def source_clauses(text: str) -> list[str]:
    """The clauses of one Chinese sentence, cut after each full-width comma (a clause shorter than
    :data:`MIN_CLAUSE` characters joined to the one before it); one clause when there is no comma.

    >>> source_clauses("这些资源将补充经常预算资源，并将用于支持预防外交。")
    ['这些资源将补充经常预算资源，', '并将用于支持预防外交。']
    >>> source_clauses("此外，还提供了支持。")
    ['此外，还提供了支持。']
    """
    clauses: list[str] = []
    for part in (part for part in _CLAUSE_END.split(text) if part.strip()):
        if clauses and (len(clauses[-1]) < MIN_CLAUSE or len(part) < MIN_CLAUSE):
            clauses[-1] += part
        else:
            clauses.append(part)
    return clauses


def join_clauses(chinese: str, english: Sequence[str], names: frozenset[str] = frozenset()) -> str:
    """The English of a sentence's clauses as one sentence: joined by commas, a clause after the first
    led in lower case when its first word is a function word, or a capitalized word that does not
    begin a name (`names`: the first words of the glossary's English names, "Member", "Security"),
    ending as the Chinese sentence ends (a full stop, a semicolon, a colon).

    >>> join_clauses("甲。", ["These resources will help.", "And will be used for support."])
    'These resources will help, and will be used for support.'
    >>> join_clauses("甲。", ["The Office will use solar energy.", "Reduce fuel use.", "Member States help."], frozenset({"Member"}))
    'The Office will use solar energy, reduce fuel use, Member States help.'
    """
    parts: list[str] = []
    for number, clause in enumerate(english):
        text = clause.strip().rstrip(".,;:，。")
        first = text.split(" ", 1)[0]
        ordinary = first[1:].islower() and first.isalpha() and first not in names
        if number and first[:1].isupper() and (first.lower() in _LOWER_LEADS or ordinary):
            text = first.lower() + text[len(first) :]
        if text:
            parts.append(text)
    end = {**_ENDS, "。": ".", ".": "."}.get(chinese.rstrip()[-1:], "")
    return ", ".join(parts) + end
