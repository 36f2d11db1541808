"""Repairs of a translation that failed a check: the Chinese it left, the names and figures it left out.

**Fragment repair.**
A small model often translates a paragraph well but leaves a word or two in Chinese ("… the 联络
function of the Office …").  A full retry costs the whole paragraph again and often leaves another
word; instead each leftover run of Chinese is sent alone, with the English sentence around it, in a
short prompt, and the reply replaces the run.  The repaired version then goes through every check
again (:func:`~budgetqa.index.translation_checks.check_translation`), so a repair can never bring a
wrong figure or a missing name through.

>>> # english = repair_fragments(english, translator)   # "… the liaison function of the Office …"

**Omission repair.**  A small model drops a qualifier it finds in the way ("包括东耶路撒冷在内的",
including East Jerusalem; "较 2021 年", compared with 2021) and drops it again when the whole text is
translated again, with the failure named.  Instead its translation is given back with the Chinese and
the names and figures it left out, and the model is asked to put them in where they belong
(:func:`amend_omissions`); the amended English goes through every check again.

>>> # english = amend_omissions(prepared, english, ["East Jerusalem"], translator)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .english_figures import stated_figures
from .english_sentences import sentence_around
from .translate_prompt import Translator, Turn, clean_reply, max_tokens_for
from .translation_checks import HAN_RUN, Term, rendered

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


AMEND_SYSTEM = (
    "You are a translator at the United Nations. You are given a Chinese text from the programme budget "
    "document A/78/6 (Sect. 3), its English translation, and the names and figures the translation left "
    "out. Reply with the corrected English translation only: the same translation with each of them put in "
    "where the Chinese has it, with the words that tie it to the sentence; copy figures and names exactly "
    "as given, and change nothing else."
)


def omissions(prepared: str, english: str, terms: Sequence[Term]) -> list[str]:
    """What `english` left out of the `prepared` source (figures in English notation): each checked
    glossary name of `terms` it does not render, in its official English, and each figure and
    document symbol as the source writes it.

    >>> omissions("2022 年较 2021 年增加 18.7%", "In 2022, an increase of 18.7%.", [])
    ['2021']
    """
    source, target = stated_figures(prepared), stated_figures(english)
    missing = [term.english for term in terms if term.checked and not rendered(term, english)]
    missing += [figure.written for figure in source.figures if not target.has_in_words(figure.value)]
    missing += sorted(source.symbols - target.symbols)
    return list(dict.fromkeys(missing))


def amend_prompt(prepared: str, english: str, missing: Sequence[str]) -> str:
    """The user message asking for `english` with the `missing` names and figures put in."""
    left_out = "; ".join(f"“{item}”" for item in missing)
    return (
        f"Chinese text:\n{prepared}\nEnglish translation:\n{english}\nLeft out of the English: {left_out}\n"
        "Corrected English translation:"
    )


def amend_omissions(prepared: str, english: str, missing: Sequence[str], translator: Translator) -> str | None:
    """`english` with the `missing` names and figures put in by the model (the reply cleaned as a
    translation is, empty when the model gave none); None when nothing is missing (no model call)."""
    if not missing:
        return None
    reply = translator.complete(
        AMEND_SYSTEM,
        (Turn("user", amend_prompt(prepared, english, missing)),),
        max_tokens=max_tokens_for(prepared) + 8 * len(missing),
    )
    text = clean_reply(reply)
    for label in ("Corrected English translation:", "Corrected translation:"):
        if text.lower().startswith(label.lower()):
            text = text[len(label) :].strip()
    return text
