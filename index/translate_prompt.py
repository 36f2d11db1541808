"""What the local model is asked and how its reply is read: the translator protocol, the prompt, the
cleaning of replies.

The prompt gives the official English of the glossary terms of the text in the **system prompt**, as
one line, and only the Chinese text in the user message: a small model given a list in the user
message sometimes writes the list back instead of translating.  A retry names what the first reply got
wrong and gives the names it shortened or dropped already in English in the text itself, as the
figures are (:func:`with_names_in_english`), so that the model copies them.

>>> from budgetqa.ingest.english import Segment, SegmentKind
>>> prompt = build_prompt(SegmentKind.LABEL, "示例员额", [Term("员额", "posts", ("posts",))])
>>> prompt.system.endswith("Official English terms for this text: 员额 = posts.")
True
>>> prompt.user.splitlines()[-2:]
['示例员额', 'English translation:']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from budgetqa.ingest.english import SegmentKind

from .translation_checks import ECHO_FAILURE, WHOLE_TEXT, Term

MAX_TOKENS = 900  # enough for the longest paragraph (685 Chinese characters ≈ 420 English tokens)

SYSTEM_PROMPT = (
    "You are a translator at the United Nations. Translate the Chinese text of the programme budget "
    "document A/78/6 (Sect. 3), Political affairs, into English in the style of United Nations documents.\n"
    "Rules:\n"
    "1. Translate all of the text and nothing else: no notes, no explanations, no Chinese characters.\n"
    "2. Figures are already in English notation (US$231.5 million, US$47,278.1 thousand, 1,007,000, 18.7%): "
    "copy every figure, year and document symbol exactly as written; never convert or round them.\n"
    "3. Use the official English terms given with the text, and keep every name, year and figure, with the "
    "words that tie it to the text: 包括 X 在内的 = including X; 关于 X 的 = on X; 较 2029 年 = compared with 2029.\n"
    "4. Keep who does what: the one who leads (由 X 主导的 = led by X), the one who supports (在 X 支持下 = with "
    "the support of X), the one whose capacity or partnerships are strengthened, and the partners.\n"
    "Examples (made up):\n"
    "Chinese text: 2030 年，示例基金在 12 个国家投资 US$45.6 million，比 2029 年增加 3.2%。\n"
    "English translation: In 2030, the Example Fund invested US$45.6 million in 12 countries, an increase "
    "of 3.2% over 2029.\n"
    "Chinese text: 加强示例司的能力、专门知识和与区域组织的伙伴关系，支持由示例联盟主导的行动。\n"
    "English translation: Strengthen the capacity and expertise of the Example Division and its partnerships "
    "with regional organizations, and support operations led by the Example Union."
)

KIND_NAMES = {
    SegmentKind.PARAGRAPH: "a paragraph",
    SegmentKind.CAPTION: "a table caption",
    SegmentKind.NOTE: "a table note",
    SegmentKind.FIGURE: "a figure title",
    SegmentKind.FOREWORD: "a foreword",
    SegmentKind.HEADING: "a heading",
    SegmentKind.LABEL: "a table label or heading (translate it as a short label)",
    SegmentKind.MANDATE: "the title of a resolution or mandate",
    SegmentKind.ANNEX: "part of an annex laid out as a table (keep its line breaks)",
}
# What one piece of a segment translated piece by piece is (see :mod:`.translate_pieces`).
PIECE_NAMES = {
    SegmentKind.ANNEX: "one line of an annex laid out as a table (a heading, a row, or a sentence of a note or column)",
}


def piece_name(kind: SegmentKind) -> str:
    """How the prompt names one piece of a segment of `kind`: "one sentence of a paragraph"."""
    return PIECE_NAMES.get(kind, f"one sentence of {KIND_NAMES[kind].split(' (')[0]}")


@dataclass(frozen=True)
class Turn:
    """One message of the conversation with the model."""

    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class Sampling:
    """Sampling settings for a retry after the deterministic reply failed a check."""

    temperature: float
    seed: int


class Translator(Protocol):
    """A chat model that answers deterministically (temperature 0) unless given a `sampling`."""

    @property
    def model_sha256(self) -> str:
        """The sha256 of the model file: translations are cached and shipped under it."""
        ...

    def complete(self, system: str, turns: Sequence[Turn], *, max_tokens: int, sampling: Sampling | None = None) -> str:
        """The model's reply to the conversation `turns` (user first, alternating) under `system`."""
        ...


@dataclass(frozen=True)
class Prompt:
    """The messages sent to the model: the system prompt, then the conversation."""

    system: str
    turns: tuple[Turn, ...]

    @property
    def user(self) -> str:
        """The last user message."""
        return next(turn.content for turn in reversed(self.turns) if turn.role == "user")


def build_prompt(
    kind: SegmentKind | str,
    prepared: str,
    terms: Sequence[Term],
    failures: Sequence[str] = (),
    *,
    context: str | None = None,
) -> Prompt:
    """The prompt translating the `prepared` text (figures in English notation) of a segment of
    `kind` (or a piece named by a string, :func:`piece_name`).  The glossary `terms` and the
    `context` (the English caption of the table a long label comes from) go in the system prompt; a
    retry names the `failures` of the first attempt but the prompt written back (the rejected text
    itself is not shown: a small model given it writes it back instead of translating)."""
    name = KIND_NAMES[kind] if isinstance(kind, SegmentKind) else kind
    system = SYSTEM_PROMPT
    if terms:
        system += "\nOfficial English terms for this text: " + "; ".join(f"{t.chinese} = {t.english}" for t in terms) + "."
    if context:
        system += f"\nThe text comes from the table “{context}”; translate the text only, not the table's title."
    lines = [f"Translate {name} into English. Reply with the English translation only."]
    # A reply that wrote the prompt back is answered by the line above; quoting it would invite it again.
    # How the figures were compared is for the reader of the failures, not for the model.
    named = [failure for failure in failures if not failure.startswith((ECHO_FAILURE, WHOLE_TEXT))]
    if named:
        lines.append("Take care, a first translation got these wrong: " + " ".join(f"{f.rstrip('.')}." for f in named))
    lines.append(f"Chinese text:\n{prepared}")
    lines.append("English translation:")
    return Prompt(system, (Turn("user", "\n".join(lines)),))


def with_names_in_english(prepared: str, terms: Sequence[Term]) -> str:
    """`prepared` with each of the (glossary name) `terms` written in its official English, so that a
    retry copies a name the first attempt shortened or dropped.

    >>> with_names_in_english("示例办事处有 7 个员额", [Term("示例办事处", "Example Office", ("Example Office",))])
    'Example Office 有 7 个员额'
    """
    for term in sorted(terms, key=lambda t: -len(t.chinese)):
        pattern = r"\s*".join(re.escape(char) for char in term.chinese)
        prepared = re.sub(pattern, f" {term.english} ".replace("\\", "\\\\"), prepared)
    return re.sub(r" {2,}", " ", prepared).strip()


def max_tokens_for(text: str) -> int:
    """Room for the translation of `text`: its English takes about 0.6 model tokens per Chinese
    character; a reply that needs more than 0.9 is rambling (and fails the length check anyway)."""
    return min(MAX_TOKENS, 32 + int(0.9 * len(text)))


# Headers of the prompt a small model sometimes writes back before or after its translation.
_ECHOES = (
    "Glossary",
    "Chinese text:",
    "Take care, a first translation",
    "English translation:",
    "Translate ",
    "Official English terms",
    "The previous translation",
    "Previous translation:",
    "That translation was rejected",
    "The corrected translation",
)


def clean_reply(reply: str) -> str:
    """The model's reply without the wrapping it sometimes adds (a label, quotes, a code fence, parts
    of the prompt written back before or after the translation)."""
    text = reply.strip()
    if text.startswith(_ECHOES) and "English translation:" in text:
        text = text.rsplit("English translation:", 1)[1].strip()
    cut = min((text.find(f"\n{echo}") for echo in _ECHOES if f"\n{echo}" in text), default=-1)
    if cut > 0:
        text = text[:cut].strip()
    if text.startswith("```"):
        text = text.strip("`").split("\n", 1)[-1] if "\n" in text else text.strip("`")
        text = text.rstrip("`").strip()
    for label in ("English translation:", "Translation:", "English:"):
        if text.lower().startswith(label.lower()):
            text = text[len(label) :].strip()
    if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'“":
        text = text[1:-1].strip()
    if text.startswith("“") and text.endswith("”"):
        text = text[1:-1].strip()
    return united_nations_in_full(text)


def united_nations_in_full(text: str) -> str:
    """`text` with "UN" written out as United Nations documents write it ("UN system" → "United Nations
    system", "UN's" → "United Nations'"); the names that carry it ("UN-Women", "UN-Habitat") kept.

    >>> united_nations_in_full("the UN's support to UN-Women and the UN system")
    "the United Nations' support to UN-Women and the United Nations system"
    """
    text = re.sub(r"\bUN['’]s\b", "United Nations'", text)
    return re.sub(r"\bUN\b(?![-‐/])", "United Nations", text)
