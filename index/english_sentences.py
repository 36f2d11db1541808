"""English text cut into sentences: one splitter for every reader of the English versions.

An English sentence ends at ". ! ? ;" before a space and a capital, a digit, an opening quote or
parenthesis (the next sentence, or the next item of an enumeration: "…; (b) …"), except after an
abbreviation ("para.", "e.g.", "No.").  A colon does not end a sentence: "… will:" leads into its
items, which end at their semicolons.  English answers cut a translation with it to find the
sentence that renders a quote (:mod:`budgetqa.qa.english_quote`); fragment repair to give the model
the sentence around a Chinese leftover (:mod:`.translate_repair`).

>>> english_sentences("See para. 3.1 and table 3.2. The total is US$1.5 million. It grows.")
['See para. 3.1 and table 3.2.', 'The total is US$1.5 million.', 'It grows.']
>>> english_sentences("The Office will: (a) advise; (b) report. Then it ends.")
['The Office will: (a) advise;', '(b) report.', 'Then it ends.']

A semicolon before a word in lower case ends a sentence only in the finer cut,
:func:`clause_sentences`, which the alignment of a translation with its Chinese falls back on
(:mod:`.english_alignment`): "…; strategic coordination meetings" renders a Chinese "…；与…举行战略协调会议".
"""

from __future__ import annotations

import re

_BREAK = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9“\"(])")
_ANY_BREAK = re.compile(r"(?<=[.!?;])\s+")  # also before a word in lower case
ABBREVIATIONS = frozenset({"para", "paras", "no", "nos", "e.g", "i.e", "sect", "vol", "mr", "ms", "dr", "art", "fig", "st"})


def sentence_spans(text: str, *, fine: bool = False) -> list[tuple[int, int]]:
    """The (start, end) offsets of the sentences of `text`, without the spaces between them; `fine`:
    a sentence also ends before a word in lower case (:func:`clause_sentences`)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in (_ANY_BREAK if fine else _BREAK).finditer(text):
        before = text[start : match.start()].rstrip()
        last_word = before.rsplit(maxsplit=1)[-1].rstrip(".").lower() if before else ""
        if last_word in ABBREVIATIONS:
            continue
        spans.append((start, start + len(before)))
        start = match.end()
    rest = text[start:]
    begin = start + len(rest) - len(rest.lstrip())
    spans.append((begin, begin + len(rest.strip())))
    return [(begin, end) for begin, end in spans if end > begin]


def english_sentences(text: str) -> list[str]:
    """`text` cut into sentences, not after an abbreviation."""
    return [text[begin:end] for begin, end in sentence_spans(text)]


def clause_sentences(text: str) -> list[str]:
    """`text` cut at every ". ! ? ;" before a space (not after an abbreviation), whatever follows: the
    items of an enumeration joined by semicolons come apart.

    >>> clause_sentences("Consultations with Member States; coordination meetings. See para. 2.")
    ['Consultations with Member States;', 'coordination meetings.', 'See para. 2.']
    """
    return [text[begin:end] for begin, end in sentence_spans(text, fine=True)]


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of `text` that holds the characters `start`..`end` (the whole text if they cross
    a sentence end).

    >>> sentence_around("One. Two 联络 three. Four.", 9, 11)
    'Two 联络 three.'
    """
    return next((text[begin:finish] for begin, finish in sentence_spans(text) if begin <= start and end <= finish), text.strip())
