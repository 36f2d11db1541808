"""Figures in English notation: the pre-normalisation of Chinese text before translation, and the
figures and symbols a text states, for checking a translation.

A small model asked to translate "2.315 亿美元" writes "$2.315 billion" (it is US$231.5 million), and
"1 007 000 美元" becomes "1007,000 dollars".  So the Chinese text is put into English notation
*before* the model sees it, and the model only has to copy:

>>> to_english_notation("2022 年在 37 个国家投资 2.315 亿美元，净增 1 007 000 美元")
'2022 年在 37 个国家投资 US$231.5 million，净增 US$1,007,000'
>>> to_english_notation("47 278.1 千美元; 1 290 万美元; 第二.55 段; 2021 年 5 月")
'US$47,278.1 thousand; US$12.9 million; paragraph II.55; May 2021'

:func:`stated_figures` reads the figures of either side (Chinese or English notation) as values in
plain units, and the document symbols ("A/77/7", "77/262", "II.55") as strings, so that a translation
can be checked to state exactly the figures of its source.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from budgetqa.ingest.numerals import CHINESE_NUMERAL_CHARS, chinese_to_int, int_to_roman
from budgetqa.ingest.numeric import find_numbers

_MONTHS = (
    "January February March April May June July August September October November December"
).split()
# A number as the document prints it: digits grouped by single spaces (or commas), a decimal part.
_NUM = r"(?<![\d.,])\d{1,3}(?:[ \u00a0,]\d{3})+(?:\.\d+)?(?![\d])|(?<![\d.,])\d+(?:\.\d+)?(?![\d])"
_MONEY = re.compile(rf"(?P<num>{_NUM})\s*(?P<mag>亿|万|千)?\s*美元")
_MAGNITUDE = re.compile(rf"(?P<num>{_NUM})\s*(?P<mag>亿|万)(?!美元)")
_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0]\d{3})+(?:\.\d+)?(?![\d])")
_FULL_DATE = re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>1[0-2]|0?[1-9])\s*月\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*日")
_YEAR_MONTH = re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>1[0-2]|0?[1-9])\s*月")
_DAY_MONTH = re.compile(r"(?<!\d)(?P<m>1[0-2]|0?[1-9])\s*月\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*日")
_MONTH = re.compile(r"(?<![\d.])(?P<m>1[0-2]|0?[1-9])\s*月(?!份?\s*\d)")
_CHINESE_PARAGRAPH = re.compile(r"第\s*(?P<n>[一二三四五六七八九十]+)\s*\.\s*(?P<p>\d+)\s*段")
_CN = "[一二三四五六七八九十百零]+"
_CHINESE_ARTICLE = re.compile(rf"第\s*(?P<n>{_CN})\s*条")  # "第七十三条": Article 73
_CHINESE_ARTICLE_PARAGRAPH = re.compile(rf"第\s*(?P<n>{_CN})\s*条\s*第\s*(?P<p>{_CN})\s*项")  # Article 12, paragraph 2
_CHINESE_CHAPTER = re.compile(rf"第\s*(?P<n>{_CN})\s*章")  # "第八章" (of the Charter): Chapter VIII
# "第 1(a)段", "第 3.117 段": paragraph 1 (a), paragraph 3.117
_NUMBERED_PARAGRAPH = re.compile(r"第\s*(?P<n>\d{1,3}(?:\.\d{1,3})?)\s*(?P<item>\([a-z]{1,3}\))?\s*段")
# The sub-items of an enumeration: "㈠" … "㈩" (one character each) and "(十一)": (i) … (x), (xi)
_ITEM_IDEOGRAPH = re.compile("[\u3220-\u3229]")
_CHINESE_ITEM = re.compile(r"[(（](?P<n>[一二三四五六七八九十]{1,3})[)）]")
_BUDGET_SECTION = re.compile(r"第\s*(?P<n>\d{1,2})\s*款")  # "第 3 款" (of the programme budget): section 3
_CHINESE_ARTICLES = re.compile(rf"第\s*(?P<n>{_CN})\s*和\s*(?P<m>{_CN})\s*条")  # "第三十三和九十九条"
_CHINESE_FIGURE = re.compile(r"图\s*(?P<s>\d+)\s*\.\s*(?P<n>[一二三四五六七八九十]+)")
_MAGNITUDES = {"亿": Decimal(10) ** 8, "万": Decimal(10) ** 4, "千": Decimal(10) ** 3}
_MILLION = Decimal(10) ** 6

# Document symbols and references whose digits are not figures: "A/77/7", "S/PRST/2021/2",
# "72/262 C", "ES-10/17", "II.55" (a paragraph of a report), "3.XIV" (a figure of the section),
# and names with a number, "COVID-19".
_SYMBOL = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Z]{1,5}(?:-\d+)?/[A-Za-z0-9.\-]+(?:/[A-Za-z0-9.\-]+)*"
    r"|\d{1,3}/\d{1,4}(?:\s?[A-F](?![A-Za-z]))?"
    r"|[IVX]{1,5}\.\d+"
    r"|\d{1,2}\.[IVXL]{1,6}(?![A-Za-z])"
    r"|[A-Z]{3,}-\d{1,2}(?!\d|\.\d))"  # a name with a number: "COVID-19" (not the figure 19)
)
# References to a chapter or an article ("Chapter VIII", "Articles 11, 35 and 99"): each is a
# symbol the English must state as the source does, "Chapter VIII" not "Article 8" nor "Chapter 8".
_REF_NUMBER = r"(?:\d{1,3}|[IVXL]{1,7})(?![A-Za-z0-9]|\.\d)"
_REFERENCE = re.compile(
    rf"(?<![A-Za-z])(?P<kind>[Cc]hapter|[Aa]rticle)s?\s+(?P<numbers>{_REF_NUMBER}(?:(?:\s*,\s*{_REF_NUMBER})*,?\s+(?:and|or)\s+{_REF_NUMBER})?)"
)
_REF_ITEM = re.compile(_REF_NUMBER)
# Small figures an English text may write in words ("two P-3 posts", "the third report").
_NUMBER_WORDS = {
    word: value
    for value, words in enumerate(
        [
            ("zero",),
            ("one", "first", "once", "single"),
            ("two", "second", "twice", "both"),
            ("three", "third"),
            ("four", "fourth"),
            ("five", "fifth"),
            ("six", "sixth"),
            ("seven", "seventh"),
            ("eight", "eighth"),
            ("nine", "ninth"),
            ("ten", "tenth"),
            ("eleven", "eleventh"),
            ("twelve", "twelfth"),
        ]
    )
    for word in words
}
_WORD = re.compile(r"[a-z]+")
# Small numbers a Chinese text writes in characters ("第一阶段", "两次"), which English writes in digits.
_CHINESE_DIGITS = dict(zip("一二两三四五六七八九十", (1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10), strict=True))
# A whole number written in characters ("七十五周年", "第七十八届会议"), which English writes in digits.
_CHINESE_NUMERAL = re.compile(f"[{CHINESE_NUMERAL_CHARS}]{{2,}}")


def _decimal(number: str) -> Decimal:
    return Decimal(re.sub(r"[ \u00a0,]", "", number))


def _plain(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros, its integer part grouped with commas."""
    text = format(value.normalize(), "f")
    whole, _, fraction = text.partition(".")
    grouped = f"{int(whole):,}"
    return f"{grouped}.{fraction}" if fraction else grouped


def _amount(value: Decimal) -> str:
    """An amount in plain units: millions from a million up, else the figure itself."""
    return f"{_plain(value / _MILLION)} million" if value >= _MILLION else _plain(value)


def _money(match: re.Match[str]) -> str:
    value = _decimal(match.group("num"))
    magnitude = match.group("mag")
    if magnitude == "千":
        return f"US${_plain(value)} thousand"
    if magnitude:
        return f"US${_amount(value * _MAGNITUDES[magnitude])}"
    return f"US${_plain(value)}"


def to_english_notation(text: str) -> str:
    """`text` with every figure written as an English text writes it (see the module docstring):
    dollar amounts as "US$…" ("亿"/"万" amounts in millions, "千美元" in thousands), other 亿/万
    figures scaled, digit groups with commas, dates in English, "第二.55 段" as "paragraph II.55", a
    chapter or an article of the Charter, "第八章" and "第七十三条", as "Chapter VIII" and "Article
    73" (the model otherwise writes "Article 8" for a chapter), and a section of the programme budget,
    "第 3 款", as "section 3", a numbered paragraph, "第 1(a)段", as "paragraph 1 (a)", and the
    sub-items of an enumeration, "㈠" and "(十一)", as "(i)" and "(xi)" (then kept as written, and
    checked, like "(a)").  Everything else is left as it is.

    >>> to_english_notation("根据《宪章》第七十三条(辰)款；第三十三和九十九条")
    '根据《宪章》Article 73(辰)款；Articles 33 and 99'
    >>> to_english_notation("《宪章》第八章；第十二条第二项；第 2 款和第 3 款；第 1(a)段；第 3.117 段")
    '《宪章》Chapter VIII；Article 12, paragraph 2；section 2和section 3；paragraph 1 (a)；paragraph 3.117'
    >>> to_english_notation("㈠ 及时作出反应；㈨ 制定战略；(十一) 实施议程")
    '(i) 及时作出反应；(ix) 制定战略；(xi) 实施议程'
    """
    text = _FULL_DATE.sub(lambda m: f"{int(m['d'])} {_MONTHS[int(m['m']) - 1]} {m['y']}", text)
    text = _YEAR_MONTH.sub(lambda m: f"{_MONTHS[int(m['m']) - 1]} {m['y']}", text)
    text = _DAY_MONTH.sub(lambda m: f"{int(m['d'])} {_MONTHS[int(m['m']) - 1]}", text)
    text = _MONTH.sub(lambda m: _MONTHS[int(m["m"]) - 1], text)
    text = _CHINESE_PARAGRAPH.sub(lambda m: f"paragraph {int_to_roman(chinese_to_int(m['n']))}.{m['p']}", text)
    text = _CHINESE_FIGURE.sub(lambda m: f"figure {m['s']}.{int_to_roman(chinese_to_int(m['n']))}", text)
    text = _CHINESE_CHAPTER.sub(lambda m: f"Chapter {int_to_roman(chinese_to_int(m['n']))}", text)
    text = _CHINESE_ARTICLE_PARAGRAPH.sub(
        lambda m: f"Article {chinese_to_int(m['n'])}, paragraph {chinese_to_int(m['p'])}", text
    )
    text = _ITEM_IDEOGRAPH.sub(lambda m: f"({int_to_roman(ord(m.group(0)) - 0x321F).lower()})", text)
    text = _CHINESE_ITEM.sub(lambda m: f"({int_to_roman(chinese_to_int(m['n'])).lower()})", text)
    text = _NUMBERED_PARAGRAPH.sub(lambda m: f"paragraph {m['n']}" + (f" {m['item']}" if m["item"] else ""), text)
    text = _BUDGET_SECTION.sub(lambda m: f"section {int(m['n'])}", text)
    text = _CHINESE_ARTICLES.sub(lambda m: f"Articles {chinese_to_int(m['n'])} and {chinese_to_int(m['m'])}", text)
    text = _CHINESE_ARTICLE.sub(lambda m: f"Article {chinese_to_int(m['n'])}", text)
    text = _MONEY.sub(_money, text)
    text = _MAGNITUDE.sub(lambda m: _amount(_decimal(m["num"]) * _MAGNITUDES[m["mag"]]), text)
    return _GROUPED.sub(lambda m: _plain(_decimal(m.group(0))), text)


def references(text: str) -> frozenset[str]:
    """The chapters and articles `text` refers to, one symbol each ("Chapter VIII", "Article 35").

    >>> sorted(references("under Chapter VIII and Articles 11, 35 and 99 of the Charter; Article 7, 15 members"))
    ['Article 11', 'Article 35', 'Article 7', 'Article 99', 'Chapter VIII']
    """
    return frozenset(
        f"{match['kind'].capitalize()} {number}"
        for match in _REFERENCE.finditer(text)
        for number in _REF_ITEM.findall(match["numbers"])
    )


@dataclass(frozen=True)
class StatedFigure:
    """A figure a text states: its value in plain units (sign dropped) and how it was written."""

    value: float
    written: str


@dataclass(frozen=True)
class StatedFigures:
    """The figures and document symbols of a text, and the small numbers it writes in words (English
    words or Chinese numerals)."""

    figures: tuple[StatedFigure, ...]
    symbols: frozenset[str]
    word_values: frozenset[int]

    def has(self, value: float) -> bool:
        """Whether the text states `value` in digits."""
        return any(_same(value, figure.value) for figure in self.figures)

    def has_in_words(self, value: float) -> bool:
        """Whether the text states `value` in digits or, for a small whole number, in words."""
        return self.has(value) or (float(value).is_integer() and int(value) in self.word_values)


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _chinese_numerals(text: str) -> set[int]:
    """The values of the whole numbers `text` writes in Chinese numerals of two characters or more.

    >>> sorted(_chinese_numerals("纪念联合国七十五周年；大会第七十八届会议；一些国家"))
    [75, 78]
    """
    values = set()
    for match in _CHINESE_NUMERAL.finditer(text):
        try:
            values.add(chinese_to_int(match.group(0)))
        except ValueError:  # a run of characters that is not one number ("一二")
            continue
    return values


def stated_figures(text: str) -> StatedFigures:
    """The figures of `text` (Chinese or English notation), its symbols and its number words.

    >>> found = stated_figures("US$231.5 million under resolution 77/262 (see A/77/7), two posts, 18.7%")
    >>> [f.value for f in found.figures], sorted(found.symbols), 2 in found.word_values
    ([231500000.0, 18.7], ['77/262', 'A/77/7'], True)
    >>> sorted(stated_figures("Article 8 of the Charter").symbols)
    ['Article 8']
    >>> stated_figures("纪念联合国七十五周年").has_in_words(75)
    True
    """
    symbols = frozenset(re.sub(r"\s", "", match.group(0)).rstrip(".") for match in _SYMBOL.finditer(text))
    masked = _SYMBOL.sub(lambda match: " " * len(match.group(0)), text)
    symbols |= references(masked)
    masked = _REFERENCE.sub(lambda match: " " * len(match.group(0)), masked)
    figures: list[StatedFigure] = []
    for mention in find_numbers(masked):
        value = abs(mention.scaled)
        if not any(_same(value, figure.value) for figure in figures):
            figures.append(StatedFigure(value, mention.text.strip()))
    words = {_NUMBER_WORDS[word] for word in _WORD.findall(text.lower()) if word in _NUMBER_WORDS}
    words.update(_CHINESE_DIGITS[char] for char in text if char in _CHINESE_DIGITS)
    words.update(_chinese_numerals(text))
    return StatedFigures(tuple(figures), symbols, frozenset(words))
