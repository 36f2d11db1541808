"""The lines of an annex with the sentences the page wrapped put back together.

An annex laid out as a table wraps its notes and the text of its columns at the column's width
("…的政治局势正变得" / "日益复杂和动荡。"), and a line cut mid-sentence is neither a sentence a reader can
be quoted nor one a model can translate.  Both the answers' quotes
(:func:`budgetqa.index.evidence.candidate_texts`) and the translated pieces
(:mod:`budgetqa.index.translate_pieces`) read an annex through :func:`annex_lines`, so a quoted
sentence and its English are cut the same way.

The rules are hand-written: the page's layout is lost in the text, and what is left to go on is how
a wrapped line ends and how its rest begins.
"""

from __future__ import annotations

import re

from budgetqa.ingest.english import has_han
from budgetqa.ingest.textjoin import join_lines

WRAPPED = 20  # characters: a line of an annex at least this long, ending mid-sentence, was wrapped
_BROKEN_OFF = re.compile(r"[\u3400-\u9fff，、“《（(]$")  # how a wrapped line ends: mid-word or mid-clause
_GOES_ON = re.compile(r"^[\u3400-\u9fff，、）》”]")  # how the rest of a wrapped Chinese sentence starts
# A line that ends in a word needing what follows ("增至 2022 年的" / "739 次。") goes on even into a figure.
_OPEN_ENDED = re.compile(r"[的和与及从至到向对把被由于在]$")
_HEADER_WORD = re.compile(r"^[\u3400-\u9fff]{1,4}$")


def _column_header(line: str) -> bool:
    """Whether `line` is a table's column headings ("员额 职等 说明 变动原因"), repeated on each page."""
    words = line.split()
    return len(words) >= 2 and all(_HEADER_WORD.match(word) for word in words)


def _name_broken(before: str, after: str) -> bool:
    """Whether a line break between `before` and `after` falls inside a glossary name."""
    from budgetqa.index.glossary import load_glossary

    tail, head = before[-24:], after[:24]
    if not (tail and head and has_han(tail[-1]) and has_han(head[0])):
        return False
    text = tail + head
    position = 0
    for form, _ in load_glossary().find_terms(text):
        start = text.find(form, position)
        if start < 0:
            continue
        if start < len(tail) < start + len(form):
            return True
        position = start + len(form)
    return False


def annex_lines(text: str) -> list[tuple[int, str]]:
    r"""The lines of an annex, each with its number, a sentence wrapped over several lines put back on
    the first of them: an annex laid out as a table wraps its notes and the text of its columns at
    the column's width ("…的政治局势正变得" / "日益复杂和动荡。"), and a line cut mid-sentence is
    no sentence a model can translate.  A line is joined to the next one when it is long and ends
    in a Chinese word or after a comma (not after a figure, which ends a row, nor a full stop), and
    the next line goes on in Chinese (not a grade, a figure, a footnote letter or a column heading);
    a line of any length is joined to the next where the break falls inside a glossary name (a cell
    of a narrow column: "…改叙为高级联" / "络干事(P-5)").

    >>> annex_lines("示例办事处所在国家的政治局势正在变得日益\n复杂。\n1 P-4\n示例科")
    [(0, '示例办事处所在国家的政治局势正在变得日益复杂。'), (2, '1 P-4'), (3, '示例科')]
    >>> annex_lines("近身保护行动从 229 次增至 2022 年的次数已经增加到\n739 次。\n2 P-3")
    [(0, '近身保护行动从 229 次增至 2022 年的次数已经增加到 739 次。'), (2, '2 P-3')]
    >>> annex_lines("改叙为高级联\n络干事")
    [(0, '改叙为高级联络干事')]
    """
    joined: list[tuple[int, str]] = []
    goes_on = open_ended = False
    for number, raw in enumerate(text.splitlines()):
        line = raw.strip()
        wrapped = goes_on and line and (_GOES_ON.match(line) or (open_ended and line[0].isdigit())) and not _column_header(line)
        if joined and line and (wrapped or _name_broken(joined[-1][1], line)):
            first, before = joined[-1]
            joined[-1] = (first, join_lines([before, line]))
        else:
            joined.append((number, line))
        current = joined[-1][1]
        goes_on = len(line) >= WRAPPED and bool(_BROKEN_OFF.search(current)) and not _column_header(line)
        open_ended = bool(_OPEN_ENDED.search(current))
    return [(number, line) for number, line in joined if line]
