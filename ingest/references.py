"""Cross-references printed in running text: "见表 3.27 至 3.29 和图 3.十四", "第 3.117 段", "附件三".

Lists and ranges are expanded: "表 3.27 (1)和 3.28 (1)" → tables 3.27 and 3.28, "表 3.27 至 3.29" →
3.27, 3.28, 3.29.  Figure numbers are Chinese numerals and are kept as printed ("3.十四").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .model import BlockKind, Reference
from .numerals import CHINESE_NUMERAL_CHARS, chinese_to_int, int_to_chinese

_CN = f"[{CHINESE_NUMERAL_CHARS}]+"
_SEP = r"\s*(?:至|到|和|及|与|、|以及|,|，|-|–)\s*"
_SUB = r"(?:\s*\(\d+\))?"


def _list_pattern(keyword: str, number: str) -> re.Pattern[str]:
    item = rf"(?:{keyword}\s*)?{number}{_SUB}"
    return re.compile(rf"{keyword}\s*(?P<items>{number}{_SUB}(?:{_SEP}{item})*)")


def _expand(
    items: str, number: str, as_int: Callable[[str], tuple[int, int]], as_ref: Callable[[int, int], str]
) -> list[str]:
    """Expand "3.27 至 3.29 和 3.31" into refs, with ranges filled in."""
    refs: list[str] = []
    tokens = re.findall(rf"({number})|(至|到)", items)
    pending_range = False
    for ref, range_word in tokens:
        if range_word:
            pending_range = True
            continue
        if pending_range and refs:
            major, first = as_int(refs[-1])
            major_b, last = as_int(ref)
            if major == major_b and first < last <= first + 200:
                refs.extend(as_ref(major, value) for value in range(first + 1, last))
        pending_range = False
        refs.append(ref)
    return refs


def _arabic(ref: str) -> tuple[int, int]:
    major, minor = ref.split(".")
    return int(major), int(minor)


def _chinese(ref: str) -> tuple[int, int]:
    major, minor = ref.split(".")
    return int(major), chinese_to_int(minor)


def find_references(text: str, section: int) -> list[Reference]:
    """Every table, figure, paragraph and annex reference in `text`, in order, without repeats."""
    arabic = rf"{section}\.\d+"
    chinese = rf"{section}\.{_CN}"
    found: list[tuple[int, Reference]] = []
    for match in _list_pattern("表", arabic).finditer(text):
        for ref in _expand(match.group("items"), arabic, _arabic, lambda a, b: f"{a}.{b}"):
            found.append((match.start(), Reference(BlockKind.TABLE, ref)))
    for match in _list_pattern("图", chinese).finditer(text):
        refs = _expand(match.group("items"), chinese, _chinese, lambda a, b: f"{a}.{int_to_chinese(b)}")
        found.extend((match.start(), Reference(BlockKind.FIGURE, ref)) for ref in refs)
    paragraph_list = re.compile(rf"第\s*(?P<items>{arabic}(?:{_SEP}(?:第\s*)?{arabic})*)\s*段")
    for match in paragraph_list.finditer(text):
        for ref in _expand(match.group("items"), arabic, _arabic, lambda a, b: f"{a}.{b}"):
            found.append((match.start(), Reference(BlockKind.PARAGRAPH, ref)))
    for match in re.finditer(rf"附件(?P<number>{_CN})", text):
        found.append((match.start(), Reference(BlockKind.ANNEX, match.group("number"))))
    seen: set[Reference] = set()
    ordered: list[Reference] = []
    for _, reference in sorted(found, key=lambda item: item[0]):
        if reference not in seen:
            seen.add(reference)
            ordered.append(reference)
    return ordered
