"""Fragment repair: the Chinese a translation left, translated on its own in its sentence.

A small model often translates a paragraph well but leaves a word or two in Chinese ("… the 联络
function of the Office …").  A full retry costs the whole paragraph again and often leaves another
word; instead each leftover run of Chinese is sent alone, with the English sentence around it, in a
short prompt, and the reply replaces the run.  The repaired version then goes through every check
again (:func:`~budgetqa.index.translation_checks.check_translation`), so a repair can never bring a
wrong figure or a missing name through.

>>> # english = repair_fragments(english, translator)   # "… the liaison function of the Office …"
"""

from __future__ import annotations

import re

from .english_sentences import sentence_around
from .translate_prompt import Translator, Turn
from .translation_checks import HAN_RUN

REPAIR_SYSTEM = (
    "You are a translator at the United Nations. You are given an English sentence from the programme "
    "budget document A/78/6 (Sect. 3) in which a few Chinese words were left untranslated. Reply with "
    "the English for those Chinese words only, as they fit the sentence: no quotes, no explanation."
)
MAX_RUNS = 8  # a reply with more leftover runs than this is translated again instead
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-/ ,()]*")


def repair_prompt(sentence: str, run: str) -> str:
    """The user message asking for the English of the Chinese `run` as it stands in `sentence`."""
    return f"Sentence: {sentence}\nChinese words: {run}\nEnglish for the Chinese words:"


def clean_fragment(reply: str) -> str | None:
    """The English words of a fragment reply, or None when it is not a short English phrase (Chinese
    left, a sentence of explanation, empty).

    >>> clean_fragment('"liaison"\\n')
    'liaison'
    >>> clean_fragment("联络") is None
    True
    """
    text = reply.strip().split("\n", 1)[0].strip().strip("\"'“”‘’`").strip()
    text = re.sub(r"^(?:English(?: for the Chinese words)?:)\s*", "", text, flags=re.IGNORECASE).strip()
    text = text.rstrip(".").strip()
    if not text or HAN_RUN.search(text) or not _WORD.fullmatch(text) or len(text.split()) > 8:
        return None
    return text


def repair_fragments(english: str, translator: Translator) -> str | None:
    """`english` with each run of Chinese replaced by the model's English for it in its sentence;
    None when there is nothing to repair, too much, or a reply is not a usable phrase."""
    runs = list(HAN_RUN.finditer(english))
    if not runs or len(runs) > MAX_RUNS:
        return None
    pieces: list[str] = []
    last = 0
    for match in runs:
        sentence = sentence_around(english, match.start(), match.end())
        reply = translator.complete(
            REPAIR_SYSTEM, (Turn("user", repair_prompt(sentence, match.group(0))),), max_tokens=8 + 4 * len(match.group(0))
        )
        words = clean_fragment(reply)
        if words is None:
            return None
        before = english[last : match.start()]
        pieces.append(before + ("" if not before or before.endswith((" ", "(")) else " ") + words)
        last = match.end()
        if last < len(english) and english[last].isalnum():
            pieces.append(" ")
    pieces.append(english[last:])
    return re.sub(r" {2,}", " ", "".join(pieces)).strip()
