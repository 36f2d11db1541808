""" "立法授权" lists: resolution symbols with their titles, grouped by issuing body and subprogramme.

Entries are printed as "72/199 联合国和平与安全支柱的结构改革"; a symbol list may run over lines
("61/230; 69/291; " / "75/327 " / title), a title may wrap ("…可持续" / "发展"), and Security Council
resolutions and presidential statements stand alone ("1645 (2005)", "S/PRST/2021/2  S/PRST/2022/1").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lines import SourceLine
from .model import MandateEntry

_SYMBOL = (
    r"(?:[A-Z]/[A-Z]+/\d{4}/\d+"  # S/PRST/2021/2
    r"|ES-\d+/\d+"
    r"|\d{1,4}/\d{1,4}(?:\s[A-Z](?:\s和\s[A-Z])?(?=[\s;；]|$))?"  # 72/262 C, 52/12 A 和 B
    r"|\d{1,4}\s?\((?:\d{4}|[IVXL]+)\))"  # 1645 (2005), 3376 (XXX), 13 (I)
)
_SYMBOL_RE = re.compile(_SYMBOL)
_SYMBOLS_AT_START = re.compile(rf"^(?P<symbols>{_SYMBOL}(?:\s*[;；]?\s*{_SYMBOL})*)\s*[;；]?\s*(?P<rest>.*)$")
_EMBEDDED = re.compile(
    rf"^(?P<before>\D\S*?)\s+(?P<tail>{_SYMBOL}(?:\s*[;；]\s*{_SYMBOL})*\s*[;；]?\s+\S.*)$"
)
_BODY_RE = re.compile(r"^\S*(?:决议|决定|声明|宪章》?|规则)$")


@dataclass
class _Entry:
    symbols: list[str]
    title_parts: list[str] = field(default_factory=list)
    body: str = ""
    subprogramme: str | None = None
    line: int = 0
    open_symbols: bool = False  # symbol list ended with ";": more symbols follow


def parse_mandate_lines(lines: list[tuple[SourceLine, str | None]]) -> list[MandateEntry]:
    """Entries of a mandate list; each line comes with the subprogramme heading it is listed under."""
    entries: list[_Entry] = []
    body = ""
    for line, subprogramme in lines:
        text = line.text.strip()
        if _BODY_RE.match(text) and not _SYMBOL_RE.search(text):
            if text.startswith("《"):
                entries.append(
                    _Entry(
                        symbols=[], title_parts=[text], body="", subprogramme=subprogramme, line=line.number
                    )
                )
            else:
                body = text
            continue
        start = _SYMBOLS_AT_START.match(text)
        embedded = None if start else _EMBEDDED.match(text)
        if embedded and entries:
            entries[-1].title_parts.append(embedded.group("before"))
            text = embedded.group("tail")
            start = _SYMBOLS_AT_START.match(text)
        if start:
            symbols = [symbol.strip() for symbol in _SYMBOL_RE.findall(start.group("symbols"))]
            rest = start.group("rest").strip()
            current = entries[-1] if entries else None
            if current is not None and current.open_symbols and not current.title_parts:
                current.symbols.extend(symbols)
            elif not rest and len(symbols) > 1 and all("/" in s and s.startswith("S/") for s in symbols):
                for symbol in symbols:
                    entries.append(_Entry([symbol], body=body, subprogramme=subprogramme, line=line.number))
                continue
            else:
                current = _Entry(symbols, body=body, subprogramme=subprogramme, line=line.number)
                entries.append(current)
            current.open_symbols = not rest and (
                text.rstrip().endswith((";", "；")) or not _is_standalone(symbols)
            )
            if rest:
                current.title_parts.append(rest)
            continue
        if entries:
            entries[-1].title_parts.append(text)
            entries[-1].open_symbols = False
        else:
            entries.append(_Entry([], [text], body=body, subprogramme=subprogramme, line=line.number))
    return [
        MandateEntry(
            symbols=entry.symbols,
            title="".join(entry.title_parts),
            body=entry.body,
            subprogramme=entry.subprogramme,
            line=entry.line,
        )
        for entry in entries
    ]


def _is_standalone(symbols: list[str]) -> bool:
    """Security Council resolutions and statements carry no title on their line."""
    return all("(" in symbol or symbol.startswith("S/") for symbol in symbols)
