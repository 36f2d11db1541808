"""The bilingual (zh↔en) glossary of official UN terms used in A/78/6 (Sect. 3).

The data lives in `resources/glossary.tsv` (UTF-8, tab-separated, one header line) with the columns
`zh  en  abbr_en  abbr_zh  category  variants  en_variants`:

- `zh`: the Chinese term as the document writes it; `abbr_zh`: its Chinese short form (政治建和部);
  `variants`: other Chinese forms, separated by "|";
- `en`: the official English term; `abbr_en`: its abbreviation (DPPA, P-4, GS (OL));
  `en_variants`: English synonyms users write, separated by "|";
- `category`: org, title, grade, budget, label, expenditure, mandate, programme, geo, count
  (things a question counts, "会议 meetings": too common to search by or to gloss).

Every Chinese form occurs in the document (a test checks it), so the glossary speaks the
document's own language.  It serves three users:

- the lexical index expands English queries into Chinese (`Glossary.expand_english`);
- units, headings and table rows get English labels (`Glossary.english_label`);
- English answers gloss the key terms of the Chinese quotes they show (`Glossary.gloss`).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from budgetqa.ingest.numerals import chinese_to_int, int_to_roman

GLOSSARY_RESOURCE = "glossary.tsv"
COLUMNS = ("zh", "en", "abbr_en", "abbr_zh", "category", "variants", "en_variants")
CATEGORIES = frozenset(
    {"org", "title", "grade", "budget", "label", "expenditure", "mandate", "programme", "geo", "count"}
)
# Table-header vocabulary ("其他", "计划", "实际"): used for labels, too generic to gloss.
_LABEL_ONLY = frozenset({"label", "count"})
# Words of every other sentence ("会议", "活动"): a query is not expanded with them.
_NOT_SEARCHED = frozenset({"count"})

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_HAS_CJK = re.compile(rf"[{_CJK}]")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Grades in the forms users type them: "P-4", "P4", "p 4", "P-2/1", "GS (OL)", "GS-OL", "D1".
_GRADE_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:(?P<pd>[PD])\s?-?\s?(?P<level>[1-5](?:\s?/\s?1)?)|GS\s?[-(]?\s?(?P<gs>PL|OL)\s?\)?)(?![A-Za-z0-9/])",
    re.IGNORECASE,
)
_PUNCT_EN = {
    "《": "",
    "》": "",
    "〈": "",
    "〉": "",
    "：": ": ",
    ":": ": ",
    "，": ", ",
    ",": ", ",
    "、": ", ",
    "；": "; ",
    ";": "; ",
    "。": ". ",
}


class GlossaryError(ValueError):
    """The glossary file is malformed; the message names the line and what to fix."""


@dataclass(frozen=True)
class GlossaryEntry:
    """One term: its Chinese forms, its English forms and its category."""

    zh: str
    en: str
    category: str
    abbr_en: str = ""
    abbr_zh: str = ""
    variants: tuple[str, ...] = ()
    en_variants: tuple[str, ...] = ()

    @property
    def zh_forms(self) -> tuple[str, ...]:
        """Every Chinese form: the term, its short form and its variants."""
        forms = [self.zh]
        if self.abbr_zh:
            forms.append(self.abbr_zh)
        forms.extend(self.variants)
        return tuple(dict.fromkeys(forms))

    @property
    def en_forms(self) -> tuple[str, ...]:
        """Every English form: the term, its abbreviation and its synonyms."""
        forms = [self.en]
        if self.abbr_en:
            forms.append(self.abbr_en)
        forms.extend(self.en_variants)
        return tuple(dict.fromkeys(f for f in forms if f))


def normalize_zh(text: str) -> str:
    """NFKC (full-width → half-width) and no whitespace next to a Chinese character.

    PDF extraction breaks lines inside words ("政治建\\n和部") and puts spaces around numbers
    ("2024 年"); both sides of every Chinese match go through this.
    """
    return _SPACE_NEAR_CJK.sub("", unicodedata.normalize("NFKC", text))


def singular(word: str) -> str:
    """A crude English singular: "posts" → "post", "missions" → "mission", "bodies" → "body"."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _canonical_grade(match: re.Match[str]) -> str:
    if match.group("gs"):
        return f"gs({match.group('gs').lower()})"
    level = re.sub(r"\s", "", match.group("level"))
    return f"{match.group('pd').lower()}-{level}"


def english_words(text: str) -> list[str]:
    """Normalised English words for phrase matching: grades kept whole, lowercased, singular.

    >>> english_words("Posts at the P4 level in DPPA's offices")
    ['post', 'at', 'the', 'p-4', 'level', 'in', 'dppa', 'office']
    """
    out: list[str] = []
    pos = 0
    text = unicodedata.normalize("NFKC", text)
    for match in _GRADE_RE.finditer(text):
        out.extend(_plain_words(text[pos : match.start()]))
        out.append(_canonical_grade(match))
        pos = match.end()
    out.extend(_plain_words(text[pos:]))
    return out


def _plain_words(text: str) -> list[str]:
    words = []
    for word in _WORD.findall(text.lower().replace("’", "'")):
        word = word.removesuffix("'s").replace("'", "")
        words.append(singular(word))
    return words


# Reference patterns rendered in English by `english_label` before glossary substitution.
_LABEL_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"表(\d+\.\d+)"), lambda m: f"Table {m.group(1)}"),
    (
        re.compile(r"图(\d+)\.([一二三四五六七八九十]+)"),
        lambda m: f"Figure {m.group(1)}.{int_to_roman(chinese_to_int(m.group(2)))}",
    ),
    (
        re.compile(r"附件([一二三四五六七八九十]+)"),
        lambda m: f"Annex {int_to_roman(chinese_to_int(m.group(1)))}",
    ),
    (re.compile(r"第(\d+)款"), lambda m: f"Section {m.group(1)}"),
    (re.compile(r"第(\d+(?:\.\d+)?)段"), lambda m: f"paragraph {m.group(1)}"),
    (re.compile(r"第([\w/ .()-]+?)号决议"), lambda m: f"resolution {m.group(1)}"),
)
# Applied to the text the glossary left untranslated: "2024 年" → "2024", "277 个员额" → "277 posts".
_DROPPED_AFTER_NUMBER = re.compile(r"(?<=\d)[年个]")


@dataclass
class Glossary:
    """The loaded glossary with its lookup tables; build it with `load_glossary()`."""

    entries: list[GlossaryEntry]
    _zh_index: dict[str, list[tuple[str, GlossaryEntry]]] = field(init=False, repr=False)
    _en_index: dict[tuple[str, ...], list[GlossaryEntry]] = field(init=False, repr=False)
    _en_case_sensitive: dict[str, list[GlossaryEntry]] = field(init=False, repr=False)
    _max_en_words: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        zh_index: dict[str, dict[str, GlossaryEntry]] = {}
        for entry in self.entries:
            for form in entry.zh_forms:
                key = normalize_zh(form)
                zh_index.setdefault(key[:1], {}).setdefault(key, entry)
        # Longest form first, so that a scan finds the longest term starting at a position.
        self._zh_index = {
            first: sorted(forms.items(), key=lambda item: -len(item[0])) for first, forms in zh_index.items()
        }
        self._en_index = {}
        self._en_case_sensitive = {}
        for entry in self.entries:
            for form in entry.en_forms:
                if _is_short_abbreviation(form):
                    # "AU", "PA", "OA" are matched only as written, never as ordinary words.
                    self._en_case_sensitive.setdefault(form, []).append(entry)
                    continue
                words = tuple(english_words(form))
                if words:
                    bucket = self._en_index.setdefault(words, [])
                    if entry not in bucket:
                        bucket.append(entry)
        self._max_en_words = max((len(k) for k in self._en_index), default=1)

    # ----------------------------------------------------------------- Chinese → terms

    def find_terms(self, zh_text: str) -> list[tuple[str, GlossaryEntry]]:
        """Glossary terms in a Chinese text, left to right, longest match first, no overlaps.

        Returns (the form as normalised, its entry) pairs.
        """
        text = normalize_zh(zh_text)
        found: list[tuple[str, GlossaryEntry]] = []
        i = 0
        while i < len(text):
            match = self._longest_at(text, i)
            if match is None:
                i += 1
                continue
            found.append(match)
            i += len(match[0])
        return found

    def _longest_at(self, text: str, i: int) -> tuple[str, GlossaryEntry] | None:
        for form, entry in self._zh_index.get(text[i], ()):
            if text.startswith(form, i):
                return form, entry
        return None

    def gloss(self, zh_text: str) -> list[tuple[str, str]]:
        """(Chinese term, English term) pairs for the glossary terms in a Chinese text.

        Each term once, in order of first occurrence; table-header words ("其他", "计划") and
        single characters are left out, as they say nothing on their own.

        >>> load_glossary().gloss("政治建和部的员额")
        [('政治建和部', 'Department of Political and Peacebuilding Affairs'), ('员额', 'posts')]
        """
        pairs: list[tuple[str, str]] = []
        seen: set[str] = set()
        for form, entry in self.find_terms(zh_text):
            if entry.category in _LABEL_ONLY or len(form) < 2 or form in seen:
                continue
            seen.add(form)
            pairs.append((form, entry.en))
        return pairs

    def english_label(self, zh: str) -> str:
        """An English rendering of a Chinese label by longest-match substitution of glossary terms.

        Numbers, years and Latin text are kept; "年" after a year and the measure word "个" are
        dropped; 表/图/附件/第…款/第…段 references become Table/Figure/Annex/Section/paragraph;
        Chinese text the glossary does not know is left as it is.

        >>> g = load_glossary()
        >>> g.english_label("员额"), g.english_label("2024 年估计(重计费用前)"), g.english_label("次级方案 3")
        ('Posts', '2024 estimate (before recosting)', 'Subprogramme 3')
        """
        text = normalize_zh(zh).strip()
        for pattern, render in _LABEL_PATTERNS:
            text = pattern.sub(render, text)
        pieces: list[str] = []
        i = 0
        raw_start = 0

        def raw(segment: str) -> str:
            return _DROPPED_AFTER_NUMBER.sub(" ", segment)

        while i < len(text):
            match = (
                self._longest_at(text, i)
                if (i == 0 or not text[i - 1].isalnum()) or _HAS_CJK.match(text[i])
                else None
            )
            if match is None:
                i += 1
                continue
            pieces.append(raw(text[raw_start:i]))
            pieces.append(f"\x00{match[1].en}\x00")
            i += len(match[0])
            raw_start = i
        pieces.append(raw(text[raw_start:]))
        return _tidy_label("".join(pieces))

    # ----------------------------------------------------------------- English → Chinese

    def match_english(self, query: str) -> list[GlossaryEntry]:
        """Entries whose English forms occur in `query`: longest phrase first, left to right.

        Case-insensitive, singular/plural-insensitive; grades in any common spelling (P4, P-4);
        abbreviations of up to three letters (AU, PA, OA) only in capitals, as written.
        """
        words = english_words(query)
        found: list[GlossaryEntry] = []
        i = 0
        while i < len(words):
            for length in range(min(self._max_en_words, len(words) - i), 0, -1):
                entries = self._en_index.get(tuple(words[i : i + length]))
                if entries and not (length == 1 and words[i] in _EN_FUNCTION_WORDS):
                    found.extend(entries)
                    i += length
                    break
            else:
                i += 1
        for token in re.findall(r"\b[A-Z][A-Za-z0-9-]{0,3}\b", query):
            found.extend(self._en_case_sensitive.get(token, ()))
        return list(dict.fromkeys(found))

    def expand_english(self, query: str) -> list[str]:
        """Chinese terms for the English phrases found in a query, to expand it for BM25.

        Each matched entry contributes its Chinese term and its Chinese short form.

        >>> load_glossary().expand_english("DPPA posts at P-4")
        ['政治和建设和平事务部', '政治建和部', '员额', 'P-4']
        """
        terms: list[str] = []
        for entry in self.match_english(query):
            if entry.category in _NOT_SEARCHED:
                continue
            terms.append(entry.zh)
            if entry.abbr_zh:
                terms.append(entry.abbr_zh)
        return list(dict.fromkeys(terms))

    def chinese_for(self, english: str) -> str | None:
        """The Chinese term whose English form is exactly the phrase `english` (any case or number).

        >>> load_glossary().chinese_for("Delegations"), load_glossary().chinese_for("a delegation")
        ('代表团', None)
        """
        entries = self._en_index.get(tuple(english_words(english)))
        return entries[0].zh if entries else None

    def by_zh(self, zh: str) -> GlossaryEntry | None:
        """The entry one of whose Chinese forms is exactly `zh`, if any."""
        key = normalize_zh(zh)
        for form, entry in self._zh_index.get(key[:1], ()):
            if form == key:
                return entry
        return None


# English words that are glossary terms in a table header ("other", "plan") but mean nothing
# in a question on their own.
_EN_FUNCTION_WORDS = frozenset({"other", "number", "period", "detail", "plan", "section", "actual"})


def _is_short_abbreviation(form: str) -> bool:
    return form.isupper() and form.isalpha() and len(form) <= 3


def _tidy_label(text: str) -> str:
    """Join substituted English terms and kept text with sensible spacing and punctuation."""
    for zh_mark, en_mark in _PUNCT_EN.items():
        text = text.replace(zh_mark, en_mark)
    text = text.replace("\x00", " ")
    text = re.sub(rf"(?<=[A-Za-z0-9)])(?=[{_CJK}《])|(?<=[{_CJK}》])(?=[A-Za-z0-9(])", " ", text)
    text = re.sub(r"\(\s+", "(", text)
    text = re.sub(r"\s+\)", ")", text)
    text = re.sub(r"(?<=[\w)])\(", " (", text)
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    text = _listed_by(re.sub(r"\s{2,}", " ", text).strip())
    return text[:1].upper() + text[1:]


# "按 A 和 B 列示的 C" (C listed by A and B), once A and C are English: "C by A and B".
_LISTED_BY = re.compile(r"按\s*([^按]+?)\s*列示的\s*(.+)$")


def _listed_by(text: str) -> str:
    """A caption's "按 … 列示的 …" in English word order, when its parts are English but for 和.

    >>> _listed_by("Overall: 按 source of funding 和 component 列示的 2024 proposed posts")
    'Overall: 2024 proposed posts by source of funding and component'
    """
    match = _LISTED_BY.search(text)
    if match is None:
        return text
    by, listed = (re.sub(r"\s*和\s*", " and ", part).strip() for part in match.groups())
    if _HAS_CJK.search(by + listed):
        return text
    return f"{text[: match.start()]}{listed} by {by}"


def parse_glossary(text: str, source: str = GLOSSARY_RESOURCE) -> list[GlossaryEntry]:
    """Parse the TSV text of a glossary; a malformed line raises `GlossaryError` naming it."""
    reader = csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header is None or tuple(header[: len(COLUMNS)]) != COLUMNS:
        raise GlossaryError(
            f"{source}: the first line must be the header {' '.join(COLUMNS)!r}, got {header!r}"
        )
    entries: list[GlossaryEntry] = []
    for line_no, row in enumerate(reader, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        row = [cell.strip() for cell in row] + [""] * (len(COLUMNS) - len(row))
        zh, en, abbr_en, abbr_zh, category, variants, en_variants = row[: len(COLUMNS)]
        if not zh or not en:
            raise GlossaryError(f"{source}:{line_no}: every entry needs a zh and an en term, got {row!r}")
        if category not in CATEGORIES:
            raise GlossaryError(
                f"{source}:{line_no}: unknown category {category!r}; use one of {sorted(CATEGORIES)}"
            )
        entries.append(
            GlossaryEntry(
                zh=zh,
                en=en,
                category=category,
                abbr_en=abbr_en,
                abbr_zh=abbr_zh,
                variants=tuple(v.strip() for v in variants.split("|") if v.strip()),
                en_variants=tuple(v.strip() for v in en_variants.split("|") if v.strip()),
            )
        )
    return entries


@cache
def load_glossary() -> Glossary:
    """The packaged glossary, loaded once per process."""
    text = resources.files("budgetqa.index").joinpath("resources", GLOSSARY_RESOURCE).read_text("utf-8")
    return Glossary(parse_glossary(text))
