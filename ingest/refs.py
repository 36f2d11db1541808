"""Citations: recognising a reference to a block in what a user types, and finding its unit.

Users cite the budget the way it is printed or the way its English edition prints it: "¶3.115",
"第 3.115 段", "para. 3.115"; "表 3.27 (1)", "Table 3.27(1)"; "图 3.十四", "Figure 3.XIV", "fig. 3.14";
"附件三", "Annex III"; "前言 一", "foreword to part I".  This module turns any of those forms into a
:class:`BlockReference` (kind + the document's own ref: "3.115", "3.27", "3.十四", "三"), finds the
references mentioned inside a longer question, and resolves a citation to its :class:`Unit` — or says
that the document has no such block and names the nearest ones that exist.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .model import BlockKind, Document, Unit
from .numerals import chinese_to_int, int_to_chinese, int_to_roman, roman_to_int

# --------------------------------------------------------------------------------------------------
# Citations and labels
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockReference:
    """A reference to one block, as a user or the document writes it: kind and the document's own ref.

    Not to be confused with :class:`budgetqa.qa.model.Citation`, the cited unit of an answer (with
    its lines and quote), nor with :class:`budgetqa.ingest.model.Reference`, a cross-reference printed
    in the document's running text.

    Paragraphs and tables: "3.115", "3.27"; figures: "3.十四" (Chinese numeral, as printed);
    annexes: "三"; forewords: the part's numeral "一" ("" when no part was named).
    `table_part` is the sub-part of a table ("(1)" for "表 3.27 (1)").
    """

    kind: BlockKind
    ref: str
    table_part: str | None = None

    def label(self, lang: str = "zh") -> str:
        """Printed label of the citation, with its table part: "表 3.27 (1)" / "Table 3.27 (1)"."""
        label = format_label(self.kind, self.ref, lang)
        return f"{label} {self.table_part}" if self.table_part else label


_ZH_PREFIX = {BlockKind.ANNEX: "附件", BlockKind.FOREWORD: "前言 ", BlockKind.MANDATES: "授权 "}


def format_label(kind: BlockKind, ref: str, lang: str = "zh") -> str:
    """The label a reader knows a block by.

    zh: "¶3.115", "表 3.27", "图 3.十四", "附件三", "前言 一";
    en: "para. 3.115", "Table 3.27", "Figure 3.14", "Annex III", "Foreword, part I".
    `ref` may be given in any numeral form ("3.14" or "3.十四" for a figure, "3" or "三" for an annex).
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown label language {lang!r}; choose 'zh' or 'en'")
    english = lang == "en"
    if kind is BlockKind.PARAGRAPH:
        return f"para. {ref}" if english else f"¶{ref}"
    if kind is BlockKind.TABLE:
        return f"Table {ref}" if english else f"表 {ref}"
    if kind is BlockKind.FIGURE:
        key = _figure_key(ref)
        if key is None:
            return f"Figure {ref}" if english else f"图 {ref}"
        major, number = key
        return f"Figure {major}.{number}" if english else f"图 {major}.{int_to_chinese(number)}"
    if kind in (BlockKind.ANNEX, BlockKind.FOREWORD, BlockKind.MANDATES):
        ordinal = _ordinal_value(_strip_prefix(kind, ref))
        if english:
            name = {BlockKind.ANNEX: "Annex", BlockKind.FOREWORD: "Foreword", BlockKind.MANDATES: "Mandates"}[
                kind
            ]
            if ordinal is None:
                return name if not ref else f"{name} {ref}"
            return (
                f"Annex {int_to_roman(ordinal)}"
                if kind is BlockKind.ANNEX
                else f"{name}, part {int_to_roman(ordinal)}"
            )
        prefix = _ZH_PREFIX[kind]
        if ordinal is None:
            return prefix.strip() if not ref else f"{prefix}{ref}"
        return f"{prefix}{int_to_chinese(ordinal)}"
    return f"{kind.value} {ref}"


# --------------------------------------------------------------------------------------------------
# Patterns (applied to NFKC-normalised, lower-cased text)
# --------------------------------------------------------------------------------------------------

_CN = "零〇一二两三四五六七八九十百"
_ROMAN = "ivxlcdm"
# A Roman numeral ends where no Latin letter or digit follows; a Chinese character may ("annex iii中的").
_ROMAN_END = r"(?![a-z0-9_])"

# "3.115": a section number, a dot and a paragraph/table number without leading zero or further digits.
_AR = r"\d{1,2}\.[1-9]\d{0,2}(?!\d)(?!\.\d)"
# Figure numbers: "3.十四", "3.14", "3.xiv".
_FIG = rf"\d{{1,2}}\.(?:[{_CN}]+|[1-9]\d{{0,2}}(?!\d)(?!\.\d)|[{_ROMAN}]+{_ROMAN_END})"
# Annex and part numbers: "三", "3", "iii".
_ORD = rf"(?:[{_CN}]+|[1-9]\d?(?!\d)(?!\.\d)|[{_ROMAN}]+{_ROMAN_END})"
# A table sub-part: "(1)", " (2)", ", part 1".
_PART = r"(?:\s*\(\s*[1-9]\s*\)|\s*,?\s*part\s*\(?\s*[1-9]\s*\)?(?!\d))"

# Words after a number that make it a quantity, not a reference: "3.7 million", "3.5%", "2.5 亿美元".
_MONEY_AFTER = (
    r"%|percent\b|per\s*cent\b|pct\b|million\b|billion\b|thousand\b|bn\b|mn\b|m\b|k\b|"
    r"百万|千万|万|亿|千|美元|元|dollars?\b|usd\b|倍|times\b"
)
_COUNT_AFTER = (
    r"个|名|项|年|岁|次|小时|天|周|月|员额|人|"
    r"hours?\b|days?\b|weeks?\b|months?\b|years?\b|posts?\b|people\b|persons?\b|staff\b"
)
_NOT_MONEY = rf"(?!\s*(?:{_MONEY_AFTER}))"
_NOT_QUANTITY = rf"(?!\s*(?:{_MONEY_AFTER}|{_COUNT_AFTER}))"

# Words before a bare number that make it a quantity or another kind of number: "increase by 3.2",
# "约 3.5", "US$ 3.1", "section 3.2".
_QUANTITY_BEFORE = re.compile(
    r"(?:\b(?:by|of|from|than|about|approximately|approx\.?|around|nearly|almost|over|under|between|"
    r"us\$?|usd|eur|chf|version|v|sections?|sect\.?|subprogrammes?|components?)|[$€£¥]|"
    r"增加|减少|增长|下降|减|增|为|约|近|达|共|超过|不到|逾|次级方案|款)\s*$"
)

# Separators inside a list of references: "表 3.27 和 3.28", "paragraphs 3.115 to 3.117".
_RANGE_SEP = r"至|到|~|-|–|—|\bto\b|\bthrough\b|\bthru\b"
_SEP = rf"\s*(?:[,、&]|和|及|与|或|{_RANGE_SEP}|\band\b|\bor\b)\s*"
_IS_RANGE = re.compile(rf"^\s*(?:{_RANGE_SEP})\s*$")

_EN = r"(?<![a-z])"  # an English marker starts a word
_NO = r"(?:no\.?\s*|number\s*|#\s*)?"

_PARA_LIST = rf"{_AR}(?:{_SEP}{_AR}{_NOT_MONEY})*"
_TABLE_LIST = rf"{_AR}{_PART}?(?:{_SEP}(?:表\s*)?{_AR}{_NOT_MONEY}{_PART}?)*"
_FIG_LIST = rf"{_FIG}(?:{_SEP}(?:图\s*)?{_FIG}{_NOT_MONEY})*"
_ANNEX_LIST = rf"{_ORD}(?:{_SEP}(?:附件\s*)?{_ORD})*"

_PATTERNS: list[tuple[BlockKind, re.Pattern[str]]] = [
    (
        BlockKind.PARAGRAPH,
        re.compile(
            rf"(?:{_EN}(?:paragraphs?|paras?\.?|pars?\.)|¶+|§+|段落|段)\s*{_NO}(?P<list>{_PARA_LIST})"
            rf"(?:\s*段落?)?"
        ),
    ),
    (BlockKind.PARAGRAPH, re.compile(rf"(?:第\s*)?(?P<list>{_PARA_LIST})\s*段落?")),
    (BlockKind.TABLE, re.compile(rf"(?:{_EN}(?:tables?|tab\.|tbl\.?)|表格?)\s*{_NO}(?P<list>{_TABLE_LIST})")),
    (
        BlockKind.FIGURE,
        re.compile(rf"(?:{_EN}(?:figures?|figs?\.?|charts?|graphs?)|图表?)\s*{_NO}(?P<list>{_FIG_LIST})"),
    ),
    (BlockKind.ANNEX, re.compile(rf"(?:{_EN}annex(?:es|e)?|附件)\s*{_NO}(?P<list>{_ANNEX_LIST})")),
    (
        BlockKind.FOREWORD,
        re.compile(
            rf"(?:前言|{_EN}forewords?)\s*(?:,?\s*\(?\s*(?:of|to|for|in)?\s*(?:the\s*)?"
            rf"(?:part\s*|第\s*)(?P<part>{_ORD})\s*(?:部分)?\s*\)?|(?P<bare_part>{_ORD}))?"
        ),
    ),
    (
        BlockKind.FOREWORD,
        re.compile(
            rf"(?:{_EN}part\s*(?P<part>{_ORD})|第?\s*(?P<zh_part>[{_CN}]+|[1-9])\s*部分)\s*(?:'s|’s|的)?\s*"
            rf"(?:前言|forewords?)"
        ),
    ),
]
_BARE = re.compile(rf"(?<![0-9a-z.$/\-])(?P<list>{_AR}){_NOT_QUANTITY}")

_AR_ITEM = re.compile(rf"(?P<ref>{_AR}){_NOT_MONEY}(?P<part>{_PART})?")
_FIG_ITEM = re.compile(rf"(?P<ref>{_FIG})")
_ORD_ITEM = re.compile(rf"(?P<ref>{_ORD})")
_PART_DIGIT = re.compile(r"[1-9]")

_LEAD = re.compile(r"^(?:见|参见|参看|请参阅|\bsee\b|\bcf\b\.?)\s*")
_TRAIL = re.compile(r"[\s.,;:!?。，；：！？、…]+$")
_QUOTES = "\"'“”‘’「」『』《》〈〉【】"

_MAX_RANGE = 40  # a written range longer than this is taken as its two ends only


def _normalise(text: str) -> str:
    """NFKC (full-width → half-width) and lower case; the text keeps its length only approximately."""
    return unicodedata.normalize("NFKC", text).lower()


# --------------------------------------------------------------------------------------------------
# Numbers of refs
# --------------------------------------------------------------------------------------------------


_MAX_ORDINAL = 3999  # the largest number every numeral form (Roman included) can write


def _ordinal_value(token: str) -> int | None:
    """Integer value of an annex/part number written in Arabic, Chinese or Roman numerals.

    None for anything else, and for numbers that some numeral form cannot write (0, over 3999).
    """
    token = token.strip()
    if not token:
        return None
    if token.isdecimal():
        value: int | None = int(token)
    else:
        value = None
        for reader in (chinese_to_int, roman_to_int):
            try:
                value = reader(token)
                break
            except ValueError:
                continue
    return value if value is not None and 1 <= value <= _MAX_ORDINAL else None


def _ar_key(ref: str) -> tuple[int, int] | None:
    """(section, number) of "3.115"; None for anything else."""
    match = re.fullmatch(r"\s*(\d+)\.(\d+)\s*", ref)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _figure_key(ref: str) -> tuple[int, int] | None:
    """(section, number) of a figure ref in any numeral form: "3.十四", "3.14", "3.XIV" → (3, 14)."""
    major, dot, minor = ref.strip().partition(".")
    if not dot or not major.isdigit():
        return None
    number = _ordinal_value(minor)
    return (int(major), number) if number else None


def _strip_prefix(kind: BlockKind, ref: str) -> str:
    """A unit ref without its kind word: "附件三" → "三", "前言 一" → "一"."""
    ref = ref.strip()
    prefix = _ZH_PREFIX.get(kind, "").strip()
    if prefix and ref.startswith(prefix):
        ref = ref[len(prefix) :].strip()
    return ref


def _key(kind: BlockKind, ref: str) -> tuple[int, int] | None:
    """A comparable numeric key of a ref of `kind`, or None when the ref carries no number."""
    if kind in (BlockKind.PARAGRAPH, BlockKind.TABLE):
        return _ar_key(ref)
    if kind is BlockKind.FIGURE:
        return _figure_key(ref)
    if kind in (BlockKind.ANNEX, BlockKind.FOREWORD, BlockKind.MANDATES):
        number = _ordinal_value(_strip_prefix(kind, ref))
        return (0, number) if number else None
    return None


def _canonical(kind: BlockKind, major: int, number: int) -> str:
    """The document's own ref for a (section, number) key."""
    if kind is BlockKind.FIGURE:
        return f"{major}.{int_to_chinese(number)}"
    if kind in (BlockKind.ANNEX, BlockKind.FOREWORD, BlockKind.MANDATES):
        return int_to_chinese(number)
    return f"{major}.{number}"


# --------------------------------------------------------------------------------------------------
# Recognising citations
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    citations: tuple[BlockReference, ...]


def _list_citations(kind: BlockKind, text: str) -> list[BlockReference]:
    """Citations of a matched list ("3.27 (1)和 3.28 (1)", "3.115 至 3.117"), ranges expanded."""
    item_pattern = {BlockKind.FIGURE: _FIG_ITEM, BlockKind.ANNEX: _ORD_ITEM}.get(kind, _AR_ITEM)
    out: list[BlockReference] = []
    previous: tuple[tuple[int, int], int] | None = None  # key of the last item and where it ended
    for item in item_pattern.finditer(text):
        key = _key(kind, item.group("ref"))
        if key is None:
            continue
        part_digit = _PART_DIGIT.search(item.groupdict().get("part") or "")
        part = f"({part_digit.group(0)})" if part_digit else None
        if previous is not None:
            (last_major, last_number), last_end = previous
            between = text[last_end : item.start()]
            if (
                _IS_RANGE.match(between)
                and last_major == key[0]
                and last_number < key[1] <= last_number + _MAX_RANGE
            ):
                for number in range(last_number + 1, key[1]):
                    out.append(BlockReference(kind, _canonical(kind, key[0], number)))
        out.append(BlockReference(kind, _canonical(kind, *key), part))
        previous = (key, item.end())
    return out


def _foreword_citation(match: re.Match[str]) -> BlockReference:
    groups = match.groupdict()
    token = groups.get("part") or groups.get("bare_part") or groups.get("zh_part") or ""
    number = _ordinal_value(token)
    return BlockReference(BlockKind.FOREWORD, int_to_chinese(number) if number else "")


def _explicit_hits(text: str) -> list[_Hit]:
    hits: list[_Hit] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if kind is BlockKind.FOREWORD:
                citations = [_foreword_citation(match)]
            else:
                citations = _list_citations(kind, match.group("list"))
            if citations:
                hits.append(_Hit(match.start(), match.end(), tuple(citations)))
    return hits


def _bare_hits(text: str, section: int | None) -> list[_Hit]:
    hits: list[_Hit] = []
    for match in _BARE.finditer(text):
        if _QUANTITY_BEFORE.search(text[: match.start()]):
            continue
        key = _ar_key(match.group("list"))
        if key is None or (section is not None and key[0] != section):
            continue
        hits.append(_Hit(match.start(), match.end(), (BlockReference(BlockKind.PARAGRAPH, f"{key[0]}.{key[1]}"),)))
    return hits


def _select(hits: Iterable[_Hit]) -> list[_Hit]:
    """Non-overlapping hits, preferring the one that starts first, then the longest."""
    chosen: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if chosen and hit.start < chosen[-1].end:
            continue
        chosen.append(hit)
    return chosen


def find_citations(text: str, section: int | None = None) -> list[BlockReference]:
    """References mentioned anywhere in `text`, in order of appearance, without repeats.

    Explicit forms ("paragraph 3.115", "第3.27段", "表 3.27 (1)和 3.28 (1)", "图 3.十四", "annex III",
    "foreword to part II") are always recognised; written ranges ("表 3.27 至 3.29") are expanded.  A
    bare "3.115" counts as a paragraph only when it cannot be a quantity (not "3.7 million", "3.5%",
    "increase of 3.2") and, when `section` is given, only when its first number is that section.
    A foreword named without its part is left out (it does not say which block).
    """
    normalised = _normalise(text)
    hits = _select([*_explicit_hits(normalised), *_bare_hits(normalised, section)])
    seen: set[BlockReference] = set()
    out: list[BlockReference] = []
    for hit in hits:
        for citation in hit.citations:
            if citation.kind is BlockKind.FOREWORD and not citation.ref:
                continue
            if citation not in seen:
                seen.add(citation)
                out.append(citation)
    return out


def parse_citation(text: str) -> BlockReference | None:
    """The citation when the whole of `text` is one reference, else None.

    Case, full-width characters, surrounding quotes, a leading "见"/"see" and trailing punctuation are
    tolerated: "3.115", "第 3.115 段", "para. 3.115", "¶3.115" → BlockReference(PARAGRAPH, "3.115");
    "表 3.27 (1)", "Table 3.27(1)" → BlockReference(TABLE, "3.27", "(1)"); "Figure 3.XIV", "图 3.14" →
    BlockReference(FIGURE, "3.十四"); "annex III", "附件 3" → BlockReference(ANNEX, "三"); "前言" →
    BlockReference(FOREWORD, ""), "foreword to part II" → BlockReference(FOREWORD, "二").
    """
    normalised = _normalise(text).strip().strip(_QUOTES).strip()
    normalised = _TRAIL.sub("", _LEAD.sub("", normalised))
    if not normalised:
        return None
    for kind, pattern in [*_PATTERNS, (BlockKind.PARAGRAPH, _BARE)]:
        match = pattern.fullmatch(normalised)
        if match is None:
            continue
        if kind is BlockKind.FOREWORD:
            return _foreword_citation(match)
        citations = _list_citations(kind, match.group("list"))
        if len(citations) == 1:
            return citations[0]
    return None


# --------------------------------------------------------------------------------------------------
# Resolving citations against a document
# --------------------------------------------------------------------------------------------------


class UnknownReference(LookupError):
    """A citation that names no block of the document; `suggestions` are the nearest labels."""

    def __init__(self, citation: BlockReference, suggestions: list[str], symbol: str = "the document") -> None:
        self.citation = citation
        self.suggestions = list(suggestions)
        self.symbol = symbol
        super().__init__(self._message())

    def _message(self) -> str:
        what = f"{self.citation.kind.value} {self.citation.ref}"
        if self.citation.kind is BlockKind.FIGURE:
            key = _figure_key(self.citation.ref)
            what = f"figure {key[0]}.{key[1]}" if key else what
        if self.citation.table_part:
            what += f" {self.citation.table_part}"
        label = self.citation.label("zh")
        head = f"No {what} ({label}) in {self.symbol}"
        if not self.suggestions:
            return f"{head}; it has no {self.citation.kind.value} blocks to choose from"
        return f"{head}; nearest: {', '.join(self.suggestions)}"


class AmbiguousReference(UnknownReference):
    """A citation that fits several blocks ("前言" when each part has its own foreword)."""

    def _message(self) -> str:
        return (
            f"{format_label(self.citation.kind, '', 'en')} of {self.symbol} is ambiguous; "
            f"name one of: {', '.join(self.suggestions)}"
        )


class RefIndex:
    """The citable units of one document, indexed by ref, for repeated look-ups.

    Build it once per document (indexing every unit is the costly part); :func:`resolve`,
    :func:`nearest` and :func:`lookup` build a fresh one on each call.
    """

    def __init__(self, document: Document, units: Iterable[Unit] | None = None) -> None:
        self.document = document
        self._units: dict[tuple[BlockKind, tuple[int, int] | str], Unit] = {}
        self._by_kind: dict[BlockKind, list[tuple[tuple[int, int] | None, Unit]]] = {}
        for unit in document.units() if units is None else units:
            key = _key(unit.kind, unit.ref)
            self._units.setdefault((unit.kind, key if key is not None else unit.ref), unit)
            self._by_kind.setdefault(unit.kind, []).append((key, unit))
        # A misprinted paragraph number resolves too, when no paragraph carries it as its own number.
        self._printed: dict[tuple[int, int], tuple[int, int]] = {}
        misprints = [(p.printed_ref, p.ref) for p in document.paragraphs if p.printed_ref != p.ref]
        misprints += [(m.printed, m.corrected) for m in document.report.misprints]
        for printed, corrected in misprints:
            printed_key, corrected_key = _ar_key(printed), _ar_key(corrected)
            if printed_key and corrected_key and (BlockKind.PARAGRAPH, printed_key) not in self._units:
                self._printed[printed_key] = corrected_key

    def resolve(self, citation: BlockReference) -> Unit:
        """The unit a citation names; raises :class:`UnknownReference` with the nearest refs if none."""
        key = _key(citation.kind, citation.ref)
        if citation.kind is BlockKind.FOREWORD and key is None:
            forewords = [unit for _, unit in self._by_kind.get(BlockKind.FOREWORD, [])]
            if len(forewords) == 1:
                return forewords[0]
            labels = [format_label(BlockKind.FOREWORD, unit.ref) for unit in forewords]
            raise AmbiguousReference(citation, labels, self.document.symbol)
        unit = self._units.get((citation.kind, key if key is not None else citation.ref))
        if unit is None and citation.kind is BlockKind.PARAGRAPH and key in self._printed:
            unit = self._units.get((BlockKind.PARAGRAPH, self._printed[key]))
        if unit is None:
            raise UnknownReference(citation, self.nearest(citation), self.document.symbol)
        if citation.kind is BlockKind.TABLE and citation.table_part:
            self._check_table_part(citation)
        return unit

    def _check_table_part(self, citation: BlockReference) -> None:
        table = next((t for t in self.document.tables if _ar_key(t.ref) == _ar_key(citation.ref)), None)
        if table is None or not table.sub_parts:
            return  # the parser recorded no sub-parts: nothing to check the part against
        printed = [_PART_DIGIT.search(part) for part in table.sub_parts]
        digits = [match.group(0) for match in printed if match]
        if (citation.table_part or "").strip("()") not in digits:
            labels = [f"{format_label(BlockKind.TABLE, table.ref)} ({digit})" for digit in digits]
            raise UnknownReference(citation, labels, self.document.symbol)

    def nearest(self, citation: BlockReference, k: int = 3) -> list[str]:
        """Labels of the `k` existing refs of the citation's kind nearest to it in numbering."""
        key = _key(citation.kind, citation.ref)
        candidates = [(other, unit) for other, unit in self._by_kind.get(citation.kind, []) if other != key]

        def distance(item: tuple[tuple[int, int] | None, Unit]) -> tuple[int, int, int]:
            other, _ = item
            if key is None or other is None:
                return (1 << 30, 0, 0)
            return (abs(other[0] - key[0]), abs(other[1] - key[1]), -other[1])

        ranked = sorted(candidates, key=distance)[: max(k, 0)]
        return [format_label(unit.kind, unit.ref) for _, unit in ranked]

    def lookup(self, text: str) -> Lookup:
        """Every reference in `text` with its unit, and the ones the document lacks."""
        whole = parse_citation(text)
        citations = [whole] if whole else find_citations(text, self.document.section_number)
        units: list[Unit] = []
        unknown: list[UnknownReference] = []
        for citation in citations:
            try:
                unit = self.resolve(citation)
            except UnknownReference as error:
                unknown.append(error)
                continue
            if unit not in units:
                units.append(unit)
        return Lookup(tuple(citations), tuple(units), tuple(unknown), whole is not None)

    def __iter__(self) -> Iterator[Unit]:
        for entries in self._by_kind.values():
            for _, unit in entries:
                yield unit


@dataclass(frozen=True)
class Lookup:
    """The references of a question: citations found, units they name, and those the document lacks.

    `whole` is True when the question is nothing but a reference ("表 3.27"), so its unit is the answer.
    """

    citations: tuple[BlockReference, ...]
    units: tuple[Unit, ...]
    unknown: tuple[UnknownReference, ...]
    whole: bool


def resolve(document: Document, citation: BlockReference) -> Unit:
    """The unit of `document` that `citation` names.

    A misprinted paragraph number (printed "3.62" for ¶3.262) resolves to its paragraph when no other
    paragraph carries that number.  Raises :class:`UnknownReference` (with the nearest existing refs)
    when the document has no such block.
    """
    return RefIndex(document).resolve(citation)


def nearest(document: Document, citation: BlockReference, k: int = 3) -> list[str]:
    """Labels of the `k` existing blocks of the same kind nearest in numbering: 表 3.81 → 表 3.80, 表 3.79, …"""
    return RefIndex(document).nearest(citation, k)


def lookup(document: Document, text: str) -> Lookup:
    """The references mentioned in `text`, resolved against `document` (see :meth:`RefIndex.lookup`)."""
    return RefIndex(document).lookup(text)
