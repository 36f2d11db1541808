"""The English of a quoted passage: the sentence(s) of a unit's checked English version that render
the Chinese sentence an answer quotes.

An English answer leads with English.  Each paragraph, note, foreword and annex piece has, where its
translation passed every check (:mod:`budgetqa.ingest.english`), an English version made offline by
the local model, with the same figures and symbols as the Chinese.  An answer quotes one or two
sentences of a unit (cut as the evidence scorer cuts its candidates,
:func:`budgetqa.index.evidence.split_sentences`; the English with the project's English splitter,
:func:`budgetqa.index.english_sentences.english_sentences`), so the matching sentences are found in
the unit's version: by position when both sides have as many sentences (a version translated
sentence by sentence has, :mod:`budgetqa.index.translate_pieces`), otherwise by what a translation
cannot change (the figures and symbols, the glossary's names).  When no English sentence clearly
renders the quote, there is no English quote and the answer keeps the Chinese with its key terms
glossed.

No sentence aligner on PyPI reads Chinese against a machine translation offline without a model;
the figures shared by both sides are a stronger anchor here than any lexical similarity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from budgetqa.index.english_figures import stated_figures
from budgetqa.index.english_sentences import english_sentences
from budgetqa.index.evidence import candidate_texts, split_sentences
from budgetqa.index.glossary import Glossary
from budgetqa.index.model import IndexUnit
from budgetqa.index.units import label_in_english
from budgetqa.ingest.english import EnglishVersions, SegmentKind, has_han
from budgetqa.ingest.model import BlockKind

# The closing parentheses of a mandate list's line: "60/287; 63/282 建设和平基金 (大会决议; 次级方案 6 …)".
_LAST_PARENTHESES = re.compile(r"\((?P<about>[^()]*)\)\s*$")
# Matching needs at least this much shared: one figure, or two glossary names.
MIN_SCORE = 2.0
FIGURE_WEIGHT = 2.0
TERM_WEIGHT = 1.0


@dataclass(frozen=True)
class EnglishQuote:
    """The English sentences rendering a quote, and the segment they come from."""

    text: str
    segment: str  # the English version's segment uid ("paragraph:3.115")


def segment_of(unit: IndexUnit) -> str | None:
    """The uid of the English-versions segment that holds `unit`'s text; None for table rows."""
    if unit.row is not None:
        return None
    if unit.uid.startswith("table:"):
        return f"caption:{unit.ref}"
    return unit.uid  # paragraphs, notes ("note:3.24:0"), forewords, figures, annex pieces


def _figures(text: str) -> set[float | str]:
    """The figures (as values, whatever their notation) and document symbols of a text."""
    found = stated_figures(text)
    return {round(figure.value, 6) for figure in found.figures} | set(found.symbols)


_ITEM = re.compile(r"\(([a-z])\)")


def _anchors(text: str) -> set[float | str]:
    """What a translation keeps of a sentence: its figures, symbols and list items ("(a)")."""
    return _figures(text) | {f"({item})" for item in _ITEM.findall(text)}


def _continued(sentence: str, target: list[str], index: int) -> list[int]:
    """English sentence `index` and those after it that carry on the rendering of Chinese `sentence`:
    a translator may cut one long Chinese sentence in two ("…, which … . Now, the portal includes:
    (a) …; (b) …"), and the figures or list items missing from the first are in the next."""
    missing = _anchors(sentence) - _anchors(target[index])
    out = [index]
    while missing and out[-1] + 1 < len(target):
        following = _anchors(target[out[-1] + 1])
        if not missing & following:
            break
        out.append(out[-1] + 1)
        missing -= following
    return out


class EnglishQuotes:
    """Finds the English of quoted sentences in a document's checked English versions."""

    def __init__(self, versions: EnglishVersions, glossary: Glossary) -> None:
        self.versions = versions
        self.glossary = glossary

    def of(self, unit: IndexUnit, quote: str) -> EnglishQuote | None:
        """The English of `quote` (one or more sentences of `unit`'s text), or None when the unit has no
        checked version or no sentence of it clearly renders the quote."""
        if unit.kind is BlockKind.MANDATES:
            return self._mandates(unit, quote)
        segment = segment_of(unit)
        english = self.versions.get(segment) if segment is not None else None
        if segment is None or not english:
            return None
        if "".join(quote.split()) == "".join(unit.text.split()):
            return EnglishQuote(english, segment)
        if unit.uid.startswith("table:"):
            return None  # a table's version is its caption's; a quote of its other text has none
        source = candidate_texts(unit) or split_sentences(unit.text)  # cut as the answer's quotes are cut
        target = english_sentences(english)
        chosen: list[int] = []
        for sentence in split_sentences(quote):
            index = self._match(sentence, source, target)
            if index is None:
                return None
            for covering in _continued(sentence, target, index):
                if covering not in chosen:
                    chosen.append(covering)
        if not chosen:
            return None
        text = " ".join(target[index] for index in sorted(chosen))
        return None if has_han(text) else EnglishQuote(text, segment)

    def _mandates(self, unit: IndexUnit, quote: str) -> EnglishQuote | None:
        """Lines of a mandate list in English, entry by entry: the symbols as printed, the title's
        checked English (else the glossary's, where it renders all of it), the organ and the
        subprogramme by the glossary ("60/287 Peacebuilding Fund (General Assembly resolution;
        Subprogramme 6 Peacebuilding Support Office)"); None when any of it stays Chinese."""
        lines = []
        for line in quote.splitlines():
            line = line.strip()
            about: list[str] = []
            last = _LAST_PARENTHESES.search(line)
            if last is not None and has_han(last["about"]):  # "(大会决议; 次级方案 6 …)": the organ and where it is listed
                about = [self.glossary.english_label(item.strip()) for item in last["about"].split(";") if item.strip()]
                line = line[: last.start()].rstrip()
            first_han = next((i for i, char in enumerate(line) if has_han(char)), len(line))
            symbols, title = line[:first_han].strip(), line[first_han:].strip()
            english_title = label_in_english(title, self.versions, self.glossary, SegmentKind.MANDATE) if title else ""
            rendered = " ".join(part for part in (symbols, english_title) if part)
            if about:
                rendered += f" ({'; '.join(about)})"
            lines.append(rendered)
        text = "\n".join(lines)
        return EnglishQuote(text, unit.uid) if lines and not has_han(text) else None

    def _match(self, sentence: str, source: list[str], target: list[str]) -> int | None:
        """The index of the English sentence that renders Chinese `sentence` of `source`."""
        compact = "".join(sentence.split())
        position = next((i for i, s in enumerate(source) if "".join(s.split()) == compact), None)
        if position is not None and len(source) == len(target):
            return position  # as many sentences on each side: they correspond in order
        figures = _figures(sentence)
        terms = [english for _, english in self.glossary.gloss(sentence)]
        best, best_key = None, (0.0, 0.0)
        for index, candidate in enumerate(target):
            shared = figures & _figures(candidate)
            named = sum(1 for term in terms if term.lower() in candidate.lower())
            score = FIGURE_WEIGHT * len(shared) + TERM_WEIGHT * named
            # nearer the Chinese sentence's relative place, the likelier: a tie-breaker only
            nearness = -abs(index / len(target) - position / len(source)) if position is not None else 0.0
            if (score, nearness) > best_key:
                best, best_key = index, (score, nearness)
        return best if best_key[0] >= MIN_SCORE else None
