"""Identity of a budget section, read from its own text: number, title and document symbol."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .errors import DocumentError
from .lines import SECTION_HEADER_RE

_SESSION_SYMBOL = re.compile(r"^A/(\d+)/")
FIRST_SESSION_YEAR = 1946  # the General Assembly's first session; session n proposes the budget of n + 1946


def budget_year(symbol: str) -> int | None:
    """The year whose budget a document of the proposed programme budget proposes: the General
    Assembly session in its symbol plus 1946 ("A/78/6 (Sect. 3)" → 2024); None for another symbol."""
    match = _SESSION_SYMBOL.match(symbol)
    return int(match.group(1)) + FIRST_SESSION_YEAR if match else None


class NotABudgetSection(DocumentError):
    """The text is not a section of a UN programme budget (A/NN/6 (Sect. N))."""


@dataclass(frozen=True)
class SectionInfo:
    """Section number ("第 3 款"), its title ("政治事务") and symbol ("A/78/6 (Sect. 3)")."""

    number: int
    title: str
    symbol: str


def _symbol(text: str, number: int) -> str:
    """The section's symbol as the text cites it ("A/78/6 (Sect. 3)/Add.1" or a link to it)."""
    for match in re.finditer(r"A/(?P<session>\d+)/6\s*\(Sect\.\s*(?P<number>\d+)\)", text):
        if int(match.group("number")) == number:
            return f"A/{match.group('session')}/6 (Sect. {number})"
    sessions = Counter(re.findall(r"A/(\d{2})/6\b", text))
    if sessions:
        return f"A/{sessions.most_common(1)[0][0]}/6 (Sect. {number})"
    return f"Sect. {number}"


def detect_section(raw_lines: list[str], text: str) -> SectionInfo:
    """Section number and title from the running heads ("第 3 款 政治事务").

    Raises :class:`NotABudgetSection` when no running head names a section.
    """
    heads: Counter[tuple[int, str]] = Counter()
    for line in raw_lines:
        match = SECTION_HEADER_RE.match(line)
        if match and len(line.strip()) <= 40:
            heads[(int(match.group("number")), match.group("title"))] += 1
    if not heads:
        raise NotABudgetSection(
            "no running head such as '第 3 款 政治事务' was found; this does not look like a section of "
            "a UN programme budget (A/NN/6 (Sect. N)) in Chinese; give the UTF-8 text extraction of one section"
        )
    (number, title), _ = heads.most_common(1)[0]
    return SectionInfo(number=number, title=title, symbol=_symbol(text, number))
