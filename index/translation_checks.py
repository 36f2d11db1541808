"""The checks an English version must pass before it is kept (see :mod:`budgetqa.index.translate`).

- **figures**: every figure of the English equals a figure of the source and every figure of the
  source appears (values compared after :func:`~budgetqa.index.english_figures.to_english_notation`,
  so "US$231.5 million" meets "2.315 亿美元" and "$2.315 billion" does not); document symbols
  ("A/77/7", "77/262") and references to the Charter ("Chapter VIII", "Article 8") must match too,
  and so must the item markers of an enumeration ("(a)", "(b)": each one of the source appears in
  the English).  A small whole number written in words on one side ("two posts", "第一阶段") counts
  as stated.  The comparison is made **sentence by sentence**: each Chinese sentence is paired with
  the English sentence that renders it (:func:`~budgetqa.index.english_alignment.align_sentences`),
  so a figure must appear in the English of its own sentence, and a version that drops a figure
  from one sentence and states it in another fails.  Where the English has another number of
  sentences (a sentence split or merged in translation), the figures are compared across the whole
  text, and the check says so (:attr:`CheckResult.notes`, and a line of the failures).
- **terms**: every glossary *name* of the source (a body, title, grade, place, mandate or object of
  expenditure: :data:`CHECKED_CATEGORIES`) appears in one of its English forms (case, plural and
  hyphenation aside), so "政治建和部" must come out as "Department of Political and Peacebuilding
  Affairs" or "DPPA".  Programme and budget vocabulary ("说明" description, "评估" assessment, "目标"
  objective) is given to the model too, but its rendering depends on the sentence ("说明" is often
  the verb "shows"), so it is measured (:func:`term_hits`), not enforced.
- **length**: the English is neither much shorter nor much longer than a translation can be (a
  model that stops early or goes on to explain itself fails).
- **no_han**: no Chinese character is left.
- **no_prompt**: no part of the prompt is written back (a small model sometimes repeats the glossary
  or the failures of a first attempt, whose figures and terms would otherwise pass the checks).

Each failure is a sentence that names what is wrong, so that the retry prompt can name it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from budgetqa.ingest.english import CheckName

from .english_alignment import align_sentences, sentence_counts
from .english_figures import stated_figures
from .glossary import Glossary, english_words

# English characters per Chinese character: UN translations run at about 3; these bounds only catch
# a model that stopped early or kept on writing.  Short labels ("其他" → "Other") vary more.
LENGTH_RATIO = (1.0, 7.0)
SHORT_LENGTH_RATIO = (0.5, 16.0)
SHORT_TEXT = 12  # characters: below this the short-text bounds apply
LENGTH_SLACK = 8  # characters always allowed beyond the upper bound (a short label and its article)
# English characters of its own (beyond the figures, symbols and Latin words it copies from the
# source) per Chinese character, below which a text of SHORT_TEXT Chinese characters or more has lost
# a clause.  When the bound was added the shipped checked versions ran at a median 4.3 and a 2nd
# percentile 2.6; each of the nine below 2.1, read, had dropped a clause or a qualifier ("… 的报告(A/74/790)，其中呼吁所有会员国
# 建立国家框架 …" as "Report on … (A/74/790)"); measured by `python -m budgetqa.eval.translation_report`.
MIN_ENGLISH_PER_HAN = 2.1
# Chinese characters: the ideographs (CJK Unified Ideographs, Extension A, the compatibility block, and
# Extensions B and beyond) and the forms a Chinese text writes its numerals and dates in that are not
# in those blocks: the radicals, the ideographic zero "〇", the parenthesized and circled ideographs
# ("㈠" … "㈩", "㊀" …), the ideographic telegraph symbols for months, hours and days, the enclosed
# ideographs ("🈐").  An English that kept "㈡" from an enumeration still contains Chinese.
CHINESE_CHARACTERS = (
    "\u2e80-\u2fdf"  # CJK radicals supplement, Kangxi radicals
    "\u3007"  # 〇, the ideographic number zero
    "\u3190-\u319f"  # kanbun (㆒ …)
    "\u3220-\u3247"  # parenthesized ideographs ㈠ … ㈩ ㈪ … ㉇
    "\u3280-\u32b0"  # circled ideographs ㊀ … ㊰
    "\u32c0-\u32cb"  # ideographic telegraph symbols for months ㋀ …
    "\u3358-\u3370"  # ideographic telegraph symbols for hours
    "\u33e0-\u33fe"  # ideographic telegraph symbols for days
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK Unified Ideographs, Extension A, compatibility ideographs
    "\U0001f200-\U0001f2ff"  # enclosed ideographic supplement
    "\U00020000-\U0003134f"  # CJK Extensions B to G, compatibility supplement
)
HAN_RUN = re.compile(f"[{CHINESE_CHARACTERS}]+")  # a run of Chinese characters
_HAN_RUN = HAN_RUN


@dataclass(frozen=True)
class CheckResult:
    """The outcome of every check, and one sentence per failure."""

    checks: dict[CheckName, bool]
    failures: list[str]
    notes: tuple[str, ...] = ()  # how a check was made where it could not be made as designed


    @property
    def passed(self) -> bool:
        return all(self.checks.values())


# Glossary categories whose terms are names with one official English form, enforced by the check.
CHECKED_CATEGORIES = frozenset({"org", "title", "grade", "geo", "mandate", "expenditure"})


@dataclass(frozen=True)
class Term:
    """A glossary term of the source and the English forms that render it."""

    chinese: str
    english: str  # the official form, given in the prompt
    accepted: tuple[str, ...]  # every form the check accepts
    checked: bool = True  # a name the term check enforces (else measured only)


def source_terms(text: str, glossary: Glossary) -> list[Term]:
    """The glossary terms of a Chinese text (figures already in English notation, so that "美元" of an
    amount is not one) that its English must render, in order of appearance."""
    terms: list[Term] = []
    for chinese, english in glossary.gloss(text):
        entry = glossary.by_zh(chinese)
        accepted = entry.en_forms if entry is not None else (english,)
        checked = entry is None or entry.category in CHECKED_CATEGORIES
        terms.append(Term(chinese, english, accepted, checked))
    return terms


def check_translation(source: str, prepared: str, english: str, glossary: Glossary) -> CheckResult:
    """Check `english` against the Chinese `source` and its `prepared` form (figures in English notation)."""
    figures = figure_check(prepared, english)
    failures: dict[CheckName, list[str]] = {
        CheckName.FIGURES: figures.failures,
        CheckName.TERMS: term_failures(source_terms(prepared, glossary), english),
        CheckName.LENGTH: length_failures(source, english, prepared),
        CheckName.NO_HAN: han_failures(english),
        CheckName.NO_PROMPT: prompt_failures(english),
    }
    return CheckResult(
        {name: not found for name, found in failures.items()},
        [failure for found in failures.values() for failure in found],
        figures.notes,
    )


# How a note or failure line starts when the figures were compared across the whole text.
WHOLE_TEXT = "figures compared across the whole text"


@dataclass(frozen=True)
class FigureCheck:
    """The figure check's failures, and a note when it could not compare sentence by sentence."""

    failures: list[str]
    notes: tuple[str, ...] = ()


def figure_check(prepared: str, english: str) -> FigureCheck:
    """The figures, symbols and item markers of each sentence of the prepared source against the
    English sentence that renders it; across the whole text where the sentences cannot be paired
    (the note, and a last line of the failures when there are some, say so)."""
    pairs = align_sentences(prepared, english)
    if pairs is not None and len(pairs) > 1:
        return FigureCheck(
            [failure for pair in pairs for failure in figure_failures(pair.chinese, pair.english, sentence=pair.number)]
        )
    failures = figure_failures(prepared, english)
    chinese, counted = sentence_counts(prepared, english)
    if pairs is not None or chinese <= 1:
        return FigureCheck(failures)  # one sentence in the source: the whole text is the sentence
    note = (
        f"{WHOLE_TEXT}: the source has {chinese} sentences and the English {counted}, so they could not be paired"
    )
    return FigureCheck([*failures, note] if failures else [], (note,))


def figure_failures(prepared: str, english: str, *, sentence: int | None = None) -> list[str]:
    """What differs between the figures and symbols of the prepared source and of the English (of
    the `sentence`-th sentence of each, when given: the failures name it)."""
    source, target = stated_figures(prepared), stated_figures(english)
    where = f" (sentence {sentence})" if sentence is not None else ""
    failures = [
        f"the figure {figure.written} of the source is missing{where}; copy it exactly as written"
        for figure in source.figures
        if not target.has_in_words(figure.value)
    ]
    failures += [
        f"the figure {figure.written} is not in the source{where}; write only the figures of the source"
        for figure in target.figures
        if not source.has_in_words(figure.value)
    ]
    failures += [
        f"the symbol {symbol} of the source is missing{where}" for symbol in sorted(source.symbols - target.symbols)
    ]
    failures += [f"the symbol {symbol} is not in the source{where}" for symbol in sorted(target.symbols - source.symbols)]
    missing = Counter(item_markers(prepared)) - Counter(item_markers(english))
    failures += [
        f"the item marker {marker} of the source is missing{where}; keep it as written" for marker in sorted(missing)
    ]
    return failures


ITEM_MARKER = re.compile(r"[(（]([a-z]{1,3}|viii)[)）]")  # "(a)", "(iv)", "(viii)": the items of an enumeration


def item_markers(text: str) -> list[str]:
    """The enumeration item markers of a text, in order, as "(a)".

    >>> item_markers("各方将：(a) 协助；(b) 报告。")
    ['(a)', '(b)']
    """
    return [f"({letter})" for letter in ITEM_MARKER.findall(text)]


# Phrases of the prompt that no translation of the document contains.
PROMPT_PHRASES = (
    "must be translated as",
    "of the source is missing",
    "is not in the source",
    "Glossary (",
    "Official English terms",
    "Chinese text:",
    "translation was rejected",
    "a first translation got",
    "English translation:",
    "Previous translation:",
    "Left out of the English",
    "Corrected English translation",
    # The made-up names of the prompt's examples, which a model may copy into a sentence without a
    # subject ("2022 年在 37 个国家投资 …" became "the Example Fund invested …").
    "Example Fund",
    "Example Division",
    "Example Union",
)


ECHO_FAILURE = "the English repeats the prompt"  # how a no_prompt failure starts
# A label the model puts before a translation of its own making: "First translation:", "Correct translation:".
TRANSLATION_LABEL = re.compile(r"(?im)^[ \t]*(?:[A-Za-z]+[ \t]+){0,2}translation[ \t]*:")


def prompt_failures(english: str) -> list[str]:
    """A failure naming the prompt text written back in the English."""
    found = [phrase for phrase in PROMPT_PHRASES if phrase.lower() in english.lower()]
    found += [label.group(0).strip() for label in TRANSLATION_LABEL.finditer(english)]
    if not found:
        return []
    return [f'{ECHO_FAILURE} ("{found[0]}"); give only the translation']


def han_failures(english: str) -> list[str]:
    """A failure naming the Chinese left in the English, so that a retry can translate it."""
    left = list(dict.fromkeys(_HAN_RUN.findall(english)))
    if not left:
        return []
    return [f"the English still contains Chinese ({', '.join(left[:5])}); translate it into English"]


def term_failures(terms: list[Term], english: str) -> list[str]:
    """The checked terms (names) whose English forms do not occur in `english`."""
    return [
        f'the term {term.chinese} must be translated as "{term.english}"'
        for term in terms
        if term.checked and not rendered(term, english)
    ]


def rendered(term: Term, english: str) -> bool:
    """Whether one of the English forms of `term` occurs in `english`."""
    words = english_words(english)
    return any(_occurs(form, english, words) for form in term.accepted)


def term_hits(terms: list[Term], english: str) -> tuple[int, int]:
    """(terms rendered in one of their English forms, terms): the glossary-term hit rate of a version."""
    return sum(1 for term in terms if rendered(term, english)), len(terms)


def _occurs(form: str, english: str, words: list[str]) -> bool:
    """Whether an English form occurs in the text: as a phrase of words, or as written (an abbreviation)."""
    wanted = english_words(form)
    if not wanted:
        return form in english
    size = len(wanted)
    return any(words[i : i + size] == wanted for i in range(len(words) - size + 1))


def english_per_han(source: str, english: str, prepared: str | None = None) -> float | None:
    """The English characters of `english` beyond those it copies from the source (the Latin letters,
    digits and signs of `prepared`, the source with its figures in English notation) per Chinese
    character left in `prepared`; None for fewer than SHORT_TEXT Chinese characters.

    >>> english_per_han("示例办事处有 7 个员额。", "The example office has 7 posts.") is None
    True
    >>> source = "示例办事处和示例委员会举办了示例讲习班"
    >>> round(english_per_han(source, "The example office and the example committee held example workshops"), 2)
    3.53
    >>> round(english_per_han(source, "Example workshops"), 2)
    0.89
    """
    text = prepared if prepared is not None else source  # "第七条" is "Article 7" there
    han = sum(len(run) for run in HAN_RUN.findall(text))
    if han < SHORT_TEXT:
        return None
    copied = len(re.findall(r"[!-~]", text))
    return (len(" ".join(english.split())) - copied) / han


def length_failures(source: str, english: str, prepared: str | None = None) -> list[str]:
    """A failure when the English is implausibly short or long for the source
    (:func:`overall_length_failures`), or too short for its Chinese characters, as an English that
    left out a clause is (:data:`MIN_ENGLISH_PER_HAN`; `prepared`: the source with its figures in
    English notation, which the English copies)."""
    overall = overall_length_failures(source, english)
    if overall:
        return overall
    per_han = english_per_han(source, english, prepared)
    if per_han is not None and per_han < MIN_ENGLISH_PER_HAN:
        length = len(" ".join(english.split()))
        return [f"the English ({length} characters) is too short for the Chinese; translate every part of it"]
    return []


def overall_length_failures(source: str, english: str) -> list[str]:
    """A failure when the English is implausibly short or long for the whole source: a model that
    stopped early, or wrote notes and explanations (:data:`LENGTH_RATIO`)."""
    size = len("".join(source.split()))
    low, high = SHORT_LENGTH_RATIO if size < SHORT_TEXT else LENGTH_RATIO
    length = len(" ".join(english.split()))
    if length < low * size or length == 0:
        return [f"the English ({length} characters) is too short for a source of {size}; translate all of it"]
    if length > high * size + LENGTH_SLACK:
        return [
            f"the English ({length} characters) is too long for a source of {size}; give only the translation, "
            "without notes or explanations"
        ]
    return []
