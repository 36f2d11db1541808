"""Source-line cleaning: the debris a PDF-to-text extraction leaves between the printed lines.

Three kinds of debris are recognised here, independently of the section being parsed:

- ``url``: hyperlink targets the extraction appends as lines of their own (``https://undocs.org/…``);
- ``page_header`` / ``page_footer``: running heads and feet of a page, printed in pairs —
  "第 3 款 政治事务" + "17/136 23-08138" on odd pages, "第二编 政治事务" + "23-08138 26/136" on even ones;
- ``chart_value``: values and labels of a chart, printed line by line wherever the chart's text
  landed (between the lines of a paragraph, pages away from the figure).

:func:`clean_source` removes URLs, page heads and feet and blank lines, keeping every other line
with its 1-based number; chart values need the context of a block and are found with
:func:`chart_run_length` by the parser.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .numeric import NUMBER_RE

URL_RE = re.compile(r"^\s*(?:https?://|www\.)\S*\s*$", re.IGNORECASE)
# "第 3 款 政治事务" (section head) or "第二编 政治事务" (budget-part head).
PAGE_HEADER_RE = re.compile(r"^\s*第\s*(?:\d+\s*款|[一二三四五六七八九十]+\s*编)\s+\S.*$")
SECTION_HEADER_RE = re.compile(r"^\s*第\s*(?P<number>\d+)\s*款\s+(?P<title>\S.*?)\s*$")
# "17/136 23-08138" (odd page) or "23-08138 26/136" (even page).
PAGE_FOOTER_RE = re.compile(r"^\s*(?:\d{1,4}/\d{1,4}\s+\d{2}-\d{5}|\d{2}-\d{5}\s+\d{1,4}/\d{1,4})\s*$")
# Form feeds (pdftotext begins each page with one) and vertical tabs: dropped, so that an indented
# heading at the top of a page keeps its indent.
_PAGE_BREAKS = str.maketrans("", "", "\f\v")
_LONE_NUMBER_RE = re.compile(rf"^\(?(?:{NUMBER_RE.pattern})\)?%?$")
_SENTENCE_MARKS = re.compile(r"[，。；：！？、“”《》]|[,;:] ")


@dataclass(frozen=True)
class SourceLine:
    """One non-blank source line and its 1-based line number."""

    number: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def indent(self) -> int:
        """Leading spaces of the line as printed."""
        return len(self.text) - len(self.text.lstrip(" "))


@dataclass
class CleanSource:
    """The source without blank lines, URLs and page heads/feet, and what was removed."""

    lines: list[SourceLine]
    removed: Counter[str] = field(default_factory=Counter)
    removed_lines: set[int] = field(default_factory=set)


def is_url_line(text: str) -> bool:
    """A line that is only a hyperlink target."""
    return bool(URL_RE.match(text))


def is_page_footer(text: str) -> bool:
    """A page foot: page number and document job number ("17/136 23-08138")."""
    return bool(PAGE_FOOTER_RE.match(text))


def is_page_header(text: str) -> bool:
    """A running head ("第 3 款 政治事务", "第二编 政治事务"); only debris when a page foot follows."""
    return bool(PAGE_HEADER_RE.match(text))


def clean_source(raw_lines: list[str]) -> CleanSource:
    """Drop blank lines, URL lines, page head/foot pairs and form feeds, counting what was removed by kind.

    A running head is only removed when the next non-blank line is a page foot, so that a
    sentence that happens to begin with "第 3 款" is kept; a page foot is removed wherever it is.
    """
    numbered = [
        SourceLine(index + 1, text.rstrip("\r\n").translate(_PAGE_BREAKS))
        for index, text in enumerate(raw_lines)
        if text.strip()
    ]
    clean = CleanSource(lines=[])
    for position, line in enumerate(numbered):
        text = line.text
        if is_url_line(text):
            kind = "url"
        elif is_page_footer(text):
            kind = "page_footer"
        elif (
            is_page_header(text)
            and position + 1 < len(numbered)
            and is_page_footer(numbered[position + 1].text)
        ):
            kind = "page_header"
        else:
            clean.lines.append(line)
            continue
        clean.removed[kind] += 1
        clean.removed_lines.add(line.number)
    return clean


def is_number_line(text: str) -> bool:
    """A line that is a single printed number: "9 169.5", "3.1", "(7.2)", "18%"."""
    return bool(_LONE_NUMBER_RE.match(text.strip()))


def is_chart_label(text: str) -> bool:
    """A short line without sentence punctuation, as chart labels are: "P-4", "家具和设备", "GS (OL)"."""
    stripped = text.strip()
    if not stripped or len(stripped) > 12 or _SENTENCE_MARKS.search(stripped):
        return False
    return not stripped.startswith(("(", "（")) or stripped in {"(OL)", "(PL)"}


def is_chart_line(text: str) -> bool:
    """A line that may belong to a chart's printed values: a lone number or a short label."""
    return is_number_line(text) or is_chart_label(text)


def chart_run_length(lines: list[SourceLine], start: int) -> int:
    """Length of the run of chart-value lines beginning at ``lines[start]``; 0 if there is none.

    A run is at least two consecutive chart lines of which at least one is a lone number, so that
    a short closing line of a paragraph ("发展") is never taken for a chart label.
    """
    end = start
    numbers = 0
    while end < len(lines) and is_chart_line(lines[end].text):
        numbers += is_number_line(lines[end].text)
        end += 1
    length = end - start
    return length if length >= 2 and numbers >= 1 else 0
