"""Which lines begin numbered paragraphs, found from the numbering order.

A line that starts with "3.N" is a paragraph start only where N is the number expected next.  A
line whose number breaks the order ("3.62" between ¶3.261 and ¶3.263) is a misprinted paragraph
when it reads as prose and the numbering resumes with the following number after it; table rows
("3. 为阿盟…培训活动 5 6 2 2") and chart values ("3.1") never match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lines import SourceLine
from .model import Misprint

_CJK_RE = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class ParagraphStart:
    """A line that begins a paragraph: corrected and printed number, and the text after the number."""

    position: int  # index into the cleaned lines
    ref: str
    printed_ref: str
    first_text: str


def _candidate_re(section: int) -> re.Pattern[str]:
    return re.compile(rf"^\s*(?P<ref>{section}\.(?P<minor>\d+))\s+(?P<text>\S.*?)\s*$")


def _reads_as_prose(text: str) -> bool:
    """Text of a paragraph's first line: several Chinese characters, not a row of figures."""
    return len(_CJK_RE.findall(text)) >= 4 and not re.search(r"(?:\s(?:\d[\d .]*|—)){3,}\s*$", text)


def find_paragraph_starts(
    lines: list[SourceLine], section: int
) -> tuple[list[ParagraphStart], list[Misprint]]:
    """Paragraph starts in document order, numbered 1, 2, 3, … with misprints corrected."""
    pattern = _candidate_re(section)
    candidates: list[tuple[int, int, re.Match[str]]] = []
    for position, line in enumerate(lines):
        match = pattern.match(line.text)
        if match:
            candidates.append((position, int(match.group("minor")), match))
    starts: list[ParagraphStart] = []
    misprints: list[Misprint] = []
    expected = 1
    for index, (position, number, match) in enumerate(candidates):
        text = match.group("text")
        if number == expected:
            starts.append(ParagraphStart(position, f"{section}.{number}", match.group("ref"), text))
            expected += 1
            continue
        if not _reads_as_prose(text) or lines[position].indent > 2:
            continue
        if _numbering_resumes(candidates[index + 1 :], expected):
            ref = f"{section}.{expected}"
            starts.append(ParagraphStart(position, ref, match.group("ref"), text))
            misprints.append(Misprint(printed=match.group("ref"), corrected=ref, line=lines[position].number))
            expected += 1
    return starts, misprints


def _numbering_resumes(following: list[tuple[int, int, re.Match[str]]], expected: int) -> bool:
    """True when the next number (`expected` + 1) comes before any line numbered `expected`."""
    for _, number, _ in following:
        if number == expected:
            return False
        if number == expected + 1:
            return True
    return False
