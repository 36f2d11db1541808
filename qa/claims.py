"""Prose verification: every sentence of a generated answer must be backed by the units it cites.

Figures are checked by :mod:`budgetqa.qa.verify`.  This module checks the words around them: a
sentence that names a body, a place or a mandate (a glossary term), a year or a resolution symbol
that none of the cited texts contains is unsupported.  English sentences are checked through the
glossary: "UNOCT" is supported by a cited unit that says 反恐办 or 联合国反恐怖主义办公室.  Names
that the glossary does not know ("the Special Committee on Palestine", "西亚和平委员会") count as
key terms too, so an invented body cannot slip through by being unknown.

>>> from budgetqa.index.glossary import load_glossary
>>> check_claims("UNOCT was set up in 2017.", ["反恐办 2017 年设立"], load_glossary(), "en").supported
True
>>> check_claims("UNOCT was set up in 1947.", ["反恐办 2017 年设立"], load_glossary(), "en").unsupported[0].missing
['1947']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from budgetqa.index.glossary import Glossary, GlossaryEntry, normalize_zh

from .model import Language

# Glossary categories whose terms name something a sentence asserts about: organisations, places,
# mandates and titles.  Budget vocabulary (posts, travel, grades) is checked by the figure verifier.
KEY_CATEGORIES = frozenset({"org", "geo", "mandate", "title"})

_YEAR = re.compile(r"(?<![\d./])(?:19|20)\d{2}(?![\d/])")
# S/RES/2719 (2023), A/78/6, 77/262, 第 2719 号决议
_SYMBOL = re.compile(r"\b[A-Z]{1,3}(?:/[A-Z0-9.]+)+\b|(?<![\d.])\d{2,3}/\d{1,3}(?![\d/])|(?<=第)\s*\d{3,4}\s*(?=号)")
# An English proper name the glossary may not know: two or more capitalised words, "of/on/for/the/and"
# allowed between them ("Special Committee on Palestine"), or an acronym of three or more capitals.
_EN_WORD = r"[A-Z][a-z]+(?:-[A-Za-z][a-z]+)*"  # "Office", "Counter-Terrorism"
_EN_NAME = re.compile(
    rf"\b{_EN_WORD}(?:\s+(?:(?:of|on|for|the|and|in)\s+)*{_EN_WORD})+\b|\b[A-Z]{{3,}}[a-z]?\b"
)
# A Chinese organisation name the glossary may not know: a few characters ending in a body's noun.
_ZH_NAME = re.compile(r"[\u4e00-\u9fff]{2,14}?(?:委员会|办事处|办公室|特派团|理事会|特别法庭|基金会|工作组)")
# Capitalised words that start sentences or are ordinary in these answers, not names.
_EN_COMMON = frozenset(
    {
        "The", "This", "That", "These", "In", "For", "It", "Its", "Of", "United", "Nations", "Posts",
        "Regular", "Budget", "Extrabudgetary", "Resources", "Total", "Section", "Table", "Paragraph",
        "Annex", "Figure", "US", "USD", "The United Nations", "United Nations",
    }
)
_SENTENCE_END = re.compile(r"(?<=[。！？；])|(?<=[.!?;])\s+(?=[A-Z0-9\"“(])")


@dataclass(frozen=True)
class Claim:
    """One sentence of an answer and the key terms of it that no cited text contains."""

    sentence: str
    missing: list[str]


@dataclass(frozen=True)
class ClaimCheck:
    """The result of :func:`check_claims`: the unsupported sentences, if any."""

    unsupported: list[Claim] = field(default_factory=list)

    @property
    def supported(self) -> bool:
        return not self.unsupported

    def reason(self, language: Language) -> str:
        """What was unsupported, in `language`: "names 1947, UNSCO that no cited unit contains"."""
        terms = list(dict.fromkeys(term for claim in self.unsupported for term in claim.missing))
        if language == "zh":
            return f"提到了所引内容中没有的{'、'.join(terms)}"
        return f"it names {', '.join(terms)}, which no cited unit contains"


def sentences(text: str) -> list[str]:
    """`text` split into sentences (Chinese and English punctuation), empty pieces dropped.

    >>> sentences("UNOCT has 57 posts. It grew in 2024.")
    ['UNOCT has 57 posts.', 'It grew in 2024.']
    """
    return [piece.strip() for piece in _SENTENCE_END.split(text) if piece and piece.strip()]


def check_claims(
    answer: str,
    cited: Sequence[str],
    glossary: Glossary,
    language: Language,
    *,
    question: str = "",
) -> ClaimCheck:
    """Check every sentence of `answer` against the `cited` texts (Chinese units, their English
    versions, the quotes and the checked answer they were drawn from).

    A term the `question` itself names is not a claim of the answer and is not required in the units.
    """
    support = "\n".join(cited)
    support_zh = normalize_zh(support)
    support_lower = support.lower()
    asked = question.lower()
    unsupported = []
    for sentence in sentences(answer):
        missing = [
            term
            for term in _key_terms(sentence, glossary)
            if not _term_supported(term, glossary, support_zh, support_lower) and term.lower() not in asked
        ]
        if missing:
            unsupported.append(Claim(sentence, list(dict.fromkeys(missing))))
    return ClaimCheck(unsupported)


def _key_terms(sentence: str, glossary: Glossary) -> list[str]:
    """Years, symbols, glossary names and unknown names a sentence states."""
    bare = re.sub(r"\[[^\]]*\]", " ", sentence)  # citation brackets are checked elsewhere
    terms = _YEAR.findall(bare) + [m.group(0).strip() for m in _SYMBOL.finditer(bare)]
    known: list[str] = []
    for entry in glossary.match_english(bare):
        if entry.category in KEY_CATEGORIES:
            known.append(entry.abbr_en or entry.en)
    for form, entry in glossary.find_terms(bare):
        if entry.category in KEY_CATEGORIES:
            known.append(form)
    covered = " ".join(known).lower()
    for match in _EN_NAME.finditer(bare):
        name = re.sub(r"^(?:The|This|That|Its|In|For)\s+", "", match.group(0))
        # a name the glossary has as a whole is checked as a known term; a longer one it only partly
        # knows ("Counter-Terrorism Steering Board") is a name of its own
        if name not in _EN_COMMON and glossary.chinese_for(name) is None and name.lower() not in covered:
            terms.append(name)
    for match in _ZH_NAME.finditer(bare):
        name = match.group(0)
        if not any(name.endswith(form) or form.endswith(name) for form in known):
            terms.append(name)
    return terms + known


def _term_supported(term: str, glossary: Glossary, support_zh: str, support_lower: str) -> bool:
    """A term is supported when a cited text writes it, or one of its glossary forms in either language."""
    if term.lower() in support_lower or normalize_zh(term) in support_zh:
        return True
    # only an entry that is the whole term: "Counter-Terrorism Steering Board" is not 反恐办
    whole = glossary.chinese_for(term)
    candidates = [glossary.by_zh(term), glossary.by_zh(whole) if whole else None]
    entries: list[GlossaryEntry] = [entry for entry in candidates if entry is not None]
    if " " not in term:  # an abbreviation ("UNOCT") or a one-word name
        entries += glossary.match_english(term)
    for found in entries:
        if any(normalize_zh(form) in support_zh for form in found.zh_forms):
            return True
        if any(form.lower() in support_lower for form in found.en_forms):
            return True
    return False
