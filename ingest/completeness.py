"""Whether a budget section's text is whole: its beginning, its running heads and its closing annexes.

A section's extraction begins with paragraph N.1, carries running heads ("第 3 款 政治事务") on every
page and ends with its annexes (附件一 "组织结构和员额分配" …).  A file cut short lacks some of these;
the functions here say which, in words a user can act on:

- :func:`numbered_paragraphs`: the run of paragraphs N.1, N.2, … a text holds, whatever its section,
  so that a file cut before its first running head is recognised as a section cut short;
- :func:`missing_beginning`: the first numbered paragraph when N.1 is not there;
- :func:`truncation_warning`: a parsed section that has no annex.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .lines import SourceLine
from .model import Document
from .numbering import find_paragraph_starts

_NUMBERED_RE = re.compile(r"^\s*(?P<section>\d{1,2})\.(?P<number>\d{1,3})\s+\S")
_COMPLETE_EXTRACTION = "give the complete text extraction of the section"


@dataclass(frozen=True)
class NumberedRun:
    """Paragraphs numbered `section`.1 … `section`.`last` in order; `last_line` is where the last begins."""

    section: int
    last: int
    last_line: int

    @property
    def label(self) -> str:
        first = f"{self.section}.1"
        return first if self.last == 1 else f"{first}–{self.section}.{self.last}"


def numbered_paragraphs(lines: list[SourceLine]) -> NumberedRun | None:
    """The longest run of paragraphs numbered N.1, N.2, … in `lines`, for the section N printed most."""
    sections = Counter(int(m.group("section")) for line in lines if (m := _NUMBERED_RE.match(line.text)))
    best: NumberedRun | None = None
    for section, _ in sections.most_common(3):
        starts, _ = find_paragraph_starts(lines, section)
        if starts and (best is None or len(starts) > best.last):
            best = NumberedRun(section, len(starts), lines[starts[-1].position].number)
    return best


def missing_beginning(lines: list[SourceLine], section: int) -> str | None:
    """When no paragraph `section`.1 exists but later ones do: which one comes first, and where."""
    for line in lines:
        match = _NUMBERED_RE.match(line.text)
        if match and int(match.group("section")) == section and int(match.group("number")) > 1:
            return (
                f"the first numbered paragraph is {section}.{match.group('number')} (line {line.number}), "
                f"not {section}.1: the beginning of the section seems missing; {_COMPLETE_EXTRACTION}"
            )
    return None


def cut_before_running_head(lines: list[SourceLine]) -> str | None:
    """For a text without running heads: a hint when it still holds paragraphs N.1, N.2, …"""
    run = numbered_paragraphs(lines)
    if run is None:
        return None
    return (
        f"paragraphs {run.label} were found but no running head ('第 {run.section} 款 …') that names the "
        f"section: the text seems cut short after line {lines[-1].number}; {_COMPLETE_EXTRACTION}"
    )


def truncation_warning(document: Document) -> str | None:
    """A warning when a parsed section has no annex: every budget section closes with its annexes."""
    if document.annexes or not document.paragraphs:
        return None
    last = document.paragraphs[-1]
    count = max((number for number, text in enumerate(document.lines, 1) if text.strip()), default=0)
    return (
        f"paragraphs {document.paragraphs[0].ref}–{last.ref} were found but no annex (附件一 …) after them, "
        f"and a budget section closes with its annexes: the text seems truncated (it ends at line {count}); "
        f"{_COMPLETE_EXTRACTION}"
    )


__all__ = [
    "NumberedRun",
    "cut_before_running_head",
    "missing_beginning",
    "numbered_paragraphs",
    "truncation_warning",
]
