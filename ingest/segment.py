"""Cutting the cleaned source lines into blocks, each with its section path and part.

One pass over the lines, in document order.  Strong markers open a block wherever they appear: a
paragraph start (from the numbering order), "表 3.N", "图 3.N", "前言", "附件N", a part ("二. …"),
a sub-part ("A. …") and the standard headings.  Inside a table only those end it; elsewhere an
indented short line is a heading too.  Chart values printed inside a paragraph or between blocks
are taken out as debris and kept for the figure they belong to.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .headings import (
    MANDATES_HEADING,
    PART_RE,
    is_sub_part,
    is_subprogramme_number,
    looks_like_heading,
    model_level,
    standard_rank,
)
from .lines import SourceLine, chart_run_length
from .model import Heading
from .numbering import ParagraphStart
from .numerals import CHINESE_NUMERAL_CHARS, chinese_to_int

ANNEX_RE = re.compile(rf"^\s*附件(?P<number>[{CHINESE_NUMERAL_CHARS}]+)\s*$")
FOREWORD_RE = re.compile(r"^\s*前言\s*$")
FOOTNOTE_RULE_RE = re.compile(r"^\s*_{5,}\s*$")
_RESULT_PARENT_RE = re.compile(r"^\d{4} 年方案执行情况$")


@dataclass
class RawBlock:
    """A block's lines before they are turned into model objects."""

    kind: str  # paragraph, table, figure, foreword, mandates, annex, footnotes
    lines: list[SourceLine]
    section: list[str]
    part: str
    ref: str = ""
    start: ParagraphStart | None = None
    groups: list[str | None] = field(default_factory=list)  # mandates: subprogramme of each line


@dataclass
class RawPart:
    number: str
    title: str
    line: int


@dataclass
class ChartRun:
    """Chart values found outside their figure, and the figure printed last before them."""

    lines: list[SourceLine]
    figure_index: int | None


@dataclass
class Segmentation:
    blocks: list[RawBlock]
    parts: list[RawPart]
    headings: list[Heading]
    chart_runs: list[ChartRun]
    unplaced: list[SourceLine]
    debris: Counter[str]


class Segmenter:
    """The one-pass state machine that cuts lines into blocks (see the module docstring)."""

    def __init__(self, lines: list[SourceLine], section: int, starts: list[ParagraphStart]) -> None:
        self.lines = lines
        self.starts = {start.position: start for start in starts}
        self.table_re = re.compile(rf"^\s*表\s*(?P<ref>{section}\.\d+)\s*$")
        self.figure_re = re.compile(rf"^\s*图\s*(?P<ref>{section}\.[{CHINESE_NUMERAL_CHARS}]+)\s*$")
        self.out = Segmentation([], [], [], [], [], Counter())
        self.stack: list[tuple[int, str]] = []
        self.part = ""
        self.block: RawBlock | None = None
        self.mode = "none"
        self.group: str | None = None
        self.last_heading = ""
        self.figures = 0

    # -- helpers ---------------------------------------------------------------------------
    def _open(self, kind: str, ref: str = "", start: ParagraphStart | None = None) -> RawBlock:
        self._close()
        self.block = RawBlock(kind, [], [text for _, text in self.stack], self.part, ref=ref, start=start)
        self.mode = kind
        return self.block

    def _close(self) -> None:
        if self.block is not None:
            self.out.blocks.append(self.block)
        self.block = None
        self.mode = "none"

    def _heading(self, text: str, rank: int, line: SourceLine) -> None:
        self._close()
        while self.stack and self.stack[-1][0] >= rank:
            self.stack.pop()
        self.stack.append((rank, text))
        self.out.headings.append(
            Heading(text=text, level=model_level(rank), line=line.number, part=self.part)
        )
        self.last_heading = text
        self.group = None
        if text == MANDATES_HEADING:
            self.mode = "mandates_pending"

    def _is_marker(self, index: int) -> bool:
        text = self.lines[index].text
        return (
            index in self.starts
            or bool(self.table_re.match(text) or self.figure_re.match(text) or ANNEX_RE.match(text))
            or bool(FOREWORD_RE.match(text) or PART_RE.match(text))
        )

    # -- the pass --------------------------------------------------------------------------
    def run(self) -> Segmentation:
        index = 0
        while index < len(self.lines):
            index = self._step(index)
        self._close()
        return self.out

    def _step(self, index: int) -> int:  # noqa: C901, PLR0911, PLR0912 - one branch per kind of line
        line = self.lines[index]
        text, stripped = line.text, line.stripped
        if self.mode == "annex":
            match = ANNEX_RE.match(text)
            if match:
                self._open("annex", ref=match.group("number")).lines.append(line)
            else:
                assert self.block is not None
                self.block.lines.append(line)
            return index + 1
        if match := ANNEX_RE.match(text):
            self._open("annex", ref=match.group("number")).lines.append(line)
            return index + 1
        if index in self.starts:
            was_mandates = (
                self.mode in {"mandates_pending", "mandates"} or self.last_heading == MANDATES_HEADING
            )
            block = self._open("paragraph", start=self.starts[index])
            block.lines.append(line)
            if was_mandates and self.last_heading == MANDATES_HEADING:
                self.mode = "paragraph_in_mandates"
            return index + 1
        if (match := PART_RE.match(text)) and line.indent >= 1 and not re.search(r"\d\s*$", stripped):
            self._close()
            number, title = match.group("number"), match.group("title")
            self.part = number
            self.stack = [(1, f"{number}. {title}")]
            self.out.parts.append(RawPart(number, title, line.number))
            self.out.headings.append(
                Heading(text=f"{number}. {title}", level=1, line=line.number, part=number)
            )
            self.last_heading = title
            return index + 1
        if match := self.table_re.match(text):
            self._open("table", ref=match.group("ref")).lines.append(line)
            return index + 1
        if match := self.figure_re.match(text):
            self._open("figure", ref=match.group("ref")).lines.append(line)
            self.figures += 1
            return index + 1
        if FOREWORD_RE.match(text):
            self._open("foreword").lines.append(line)
            return index + 1
        if FOOTNOTE_RULE_RE.match(text):
            self._open("footnotes")
            self.out.debris["footnote_rule"] += 1
            return index + 1
        rank = standard_rank(stripped) if line.indent >= 2 else None
        if is_sub_part(text):
            rank = 2
        if self.mode in {"mandates", "paragraph_in_mandates"} and is_subprogramme_number(stripped):
            return self._mandate_group(index)
        generic = (
            rank is None and self.mode not in {"table", "foreword"} and looks_like_heading(text, line.indent)
        )
        if rank is not None or generic:
            return self._take_heading(index, rank)
        return self._body_line(index)

    def _take_heading(self, index: int, rank: int | None) -> int:
        line = self.lines[index]
        text = line.stripped
        consumed = index + 1
        if is_subprogramme_number(text) and consumed < len(self.lines) and not self._is_marker(consumed):
            title_line = self.lines[consumed]
            if (
                looks_like_heading(title_line.text, title_line.indent)
                and standard_rank(title_line.stripped) is None
            ):
                text = f"{text} {title_line.stripped}"
                consumed += 1
        elif len(text) >= 30 and consumed < len(self.lines) and not self._is_marker(consumed):
            tail = self.lines[consumed]
            if tail.indent == 0 and len(tail.stripped) <= 12 and not re.search(r"\d", tail.stripped):
                text += tail.stripped
                consumed += 1
        if rank is None:
            rank = 6 if _RESULT_PARENT_RE.match(self.last_heading) else 4
        self._heading(text, rank, line)
        return consumed

    def _mandate_group(self, index: int) -> int:
        text = self.lines[index].stripped
        consumed = index + 1
        if consumed < len(self.lines) and looks_like_heading(
            self.lines[consumed].text, self.lines[consumed].indent
        ):
            text = f"{text} {self.lines[consumed].stripped}"
            consumed += 1
        self.group = text
        return consumed

    def _body_line(self, index: int) -> int:
        line = self.lines[index]
        if self.mode in {"table", "figure", "foreword", "footnotes", "mandates"}:
            assert self.block is not None
            self.block.lines.append(line)
            if self.mode == "mandates":
                self.block.groups.append(self.group)
            return index + 1
        run = chart_run_length(self.lines, index)
        for offset in range(run):
            candidate = self.lines[index + offset]
            if self._is_marker(index + offset) or (
                candidate.indent >= 2 and looks_like_heading(candidate.text, 2)
            ):
                run = offset if offset >= 2 else 0
                break
        if run and self.mode != "mandates_pending":
            self.out.chart_runs.append(
                ChartRun(self.lines[index : index + run], self.figures - 1 if self.figures else None)
            )
            self.out.debris["chart_value"] += run
            return index + run
        if self.mode == "paragraph_in_mandates" and self.block is not None:
            if self.block.lines[-1].stripped.endswith("。"):
                self._open("mandates", ref=self.part)
                self.block.section = self.out.blocks[-1].section
        elif self.mode == "mandates_pending":
            self._open("mandates", ref=self.part)
        if self.mode == "mandates":
            assert self.block is not None
            self.block.lines.append(line)
            self.block.groups.append(self.group)
            return index + 1
        if self.mode in {"paragraph", "paragraph_in_mandates"} and self.block is not None:
            self.block.lines.append(line)
            return index + 1
        self.out.unplaced.append(line)
        return index + 1


def annex_index(number: str) -> int:
    """Integer value of an annex number ("三" → 3)."""
    return chinese_to_int(number)
