"""Which documents a question or a reference names: a symbol, a section, a budget year.

A corpus holds several budget sections (other sections, other years). A reader names the one they mean
the way the documents name themselves: by symbol ("A/79/6 (Sect. 3)", "A/79/6"), by section ("第 3 款",
"Section 3") or by year ("in the 2025 proposal", "2025 年拟议"). :func:`read_document_scope` reads these
from any text; :func:`split_document_reference` cuts them off the front of a citation, so that
"A/78/6 (Sect. 3) 3.115" and "2024 年第 3 款 表 3.27" are looked up as "3.115" and "表 3.27" in the
document they name.

>>> read_document_scope("How much is proposed for posts in the 2025 proposal?").years
(2025,)
>>> read_document_scope("A/79/6 (Sect. 3) 的员额").symbols
(DocumentSymbol(session=79, section=3),)
>>> split_document_reference("A/78/6 (Sect. 3) 3.115")
(DocumentScope(symbols=(DocumentSymbol(session=78, section=3),), sections=(), years=()), '3.115')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .budget import YEAR_RE
from .numerals import chinese_to_int

_SYMBOL = re.compile(r"\bA\s*/\s*(?P<session>\d{2,3})\s*/\s*6\b(?:\s*\(\s*Sect\.?\s*(?P<section>\d{1,2})\s*\))?", re.I)
_SECTION_ZH = re.compile(r"第\s*(?P<number>\d{1,2}|[一二三四五六七八九十]{1,3})\s*款")
_SECTION_EN = re.compile(r"\bsect(?:ion|\.)?\s*(?P<number>\d{1,2})\b(?!\.\d)", re.I)
_YEAR_PREFIX = re.compile(r"^\s*(?P<year>(?:19|20)\d{2})\s*(?:年度?|年的|'s)?\s*(?:的)?\s*")
_SEPARATORS = " \t,，、:：;；"


@dataclass(frozen=True)
class DocumentSymbol:
    """A symbol as a reader writes it: the General Assembly session and, when given, the section."""

    session: int  # 79 for A/79/6
    section: int | None = None  # 3 for (Sect. 3); None for "A/79/6" alone

    def matches(self, symbol: str) -> bool:
        """Whether document `symbol` ("A/79/6 (Sect. 3)") is this one (any section when none is given).

        >>> DocumentSymbol(79).matches("A/79/6 (Sect. 3)"), DocumentSymbol(79, 4).matches("A/79/6 (Sect. 3)")
        (True, False)
        """
        found = parse_symbol(symbol)
        return found is not None and found.session == self.session and self.section in (None, found.section)


@dataclass(frozen=True)
class DocumentScope:
    """The documents a text names: by symbol, by section number, by year (any of them may be empty)."""

    symbols: tuple[DocumentSymbol, ...] = ()
    sections: tuple[int, ...] = ()
    years: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.symbols or self.sections or self.years)


def parse_symbol(text: str) -> DocumentSymbol | None:
    """The symbol in `text` ("A/79/6 (Sect. 3)", "a/79/6(sect.3)", "A/79/6"), or None.

    >>> parse_symbol("A/79/6(Sect.3)"), parse_symbol("Sect. 3") is None
    (DocumentSymbol(session=79, section=3), True)
    """
    match = _SYMBOL.search(text)
    if match is None:
        return None
    section = match.group("section")
    return DocumentSymbol(int(match.group("session")), int(section) if section else None)


def read_document_scope(text: str) -> DocumentScope:
    """The symbols, sections and years `text` names, each once, in order."""
    symbols = tuple(dict.fromkeys(_symbols(text)))
    bare = _SYMBOL.sub(" ", text)  # a symbol's digits are neither a section nor a year
    sections = [_section_number(m.group("number")) for m in _SECTION_ZH.finditer(bare)]
    sections += [int(m.group("number")) for m in _SECTION_EN.finditer(bare)]
    years = [int(year) for year in YEAR_RE.findall(bare)]
    return DocumentScope(symbols, tuple(dict.fromkeys(sections)), tuple(dict.fromkeys(years)))


def without_symbols(text: str) -> str:
    """`text` with the document symbols it names taken out (what a document's own answerer reads).

    >>> without_symbols("A/79/6 (Sect. 3) 第 3.115 段")
    '第 3.115 段'
    """
    return re.sub(r"\s{2,}", " ", _SYMBOL.sub(" ", text)).strip(_SEPARATORS) or text


def split_document_reference(text: str) -> tuple[DocumentScope, str]:
    """A reference with the documents it names at its front taken off: (those documents, the rest).

    The document part is a symbol, a year, a section or a year and a section ("2024 年第 3 款").

    >>> split_document_reference("2024 年第 3 款 表 3.27")
    (DocumentScope(symbols=(), sections=(3,), years=(2024,)), '表 3.27')
    >>> split_document_reference("表 3.27")
    (DocumentScope(symbols=(), sections=(), years=()), '表 3.27')
    """
    rest = text.strip()
    symbols: list[DocumentSymbol] = []
    sections: list[int] = []
    years: list[int] = []
    while True:
        symbol = _SYMBOL.match(rest)
        section = _SECTION_ZH.match(rest) or _SECTION_EN.match(rest)
        year = _YEAR_PREFIX.match(rest)
        if symbol:
            found = parse_symbol(symbol.group(0))
            assert found is not None
            symbols.append(found)
            rest = rest[symbol.end() :]
        elif section:
            sections.append(_section_number(section.group("number")))
            rest = rest[section.end() :]
        elif year and year.end() < len(rest):
            years.append(int(year.group("year")))
            rest = rest[year.end() :]
        else:
            break
        rest = rest.lstrip(_SEPARATORS)
    return DocumentScope(tuple(symbols), tuple(sections), tuple(years)), rest


def _symbols(text: str) -> list[DocumentSymbol]:
    found = []
    for match in _SYMBOL.finditer(text):
        section = match.group("section")
        found.append(DocumentSymbol(int(match.group("session")), int(section) if section else None))
    return found


def _section_number(number: str) -> int:
    return int(number) if number.isdigit() else chinese_to_int(number)
