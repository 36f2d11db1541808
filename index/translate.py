"""English versions of every segment, made offline by a local model and checked before they are kept.

For each :class:`~budgetqa.ingest.english.Segment` (a paragraph, caption, label, …):

1. its figures are put into English notation (:func:`~budgetqa.index.english_figures.to_english_notation`),
   so that the model copies "US$231.5 million" instead of converting "2.315 亿美元" itself;
2. the model translates it, told the official English form of every glossary term it contains;
3. Chinese left in the reply that is a glossary term is replaced by the term's official English;
4. the result is checked (:func:`~budgetqa.index.translation_checks.check_translation`); a version that
   fails is retried once with the failures named in the prompt, and if it fails again it is kept as
   "not translated" (``english`` None, the attempt in ``rejected``), never shown.

Results are cached one file per segment text, keyed by the sha256 of the text and of the model, so a
run that is killed resumes where it stopped and a text is never translated twice by the same model.

>>> # versions = translate_segments(document_segments(document), translator, load_glossary(), cache)
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from pydantic import ValidationError

from budgetqa.atomic import write_text
from budgetqa.ingest.english import CheckName, EnglishVersion, Segment, SegmentKind

from .english_figures import to_english_notation
from .glossary import Glossary
from .standard_sentences import standard_english
from .translate_repair import repair_fragments
from .translation_checks import ECHO_FAILURE, CheckResult, Term, check_translation, source_terms

ATTEMPTS = 2  # the first translation and one retry with its failures named
MAX_TOKENS = 900  # enough for the longest paragraph (685 Chinese characters ≈ 420 English tokens)

SYSTEM_PROMPT = (
    "You are a translator at the United Nations. Translate the Chinese text of the programme budget "
    "document A/78/6 (Sect. 3), Political affairs, into English in the style of United Nations documents.\n"
    "Rules:\n"
    "1. Translate all of the text and nothing else: no notes, no explanations, no Chinese characters.\n"
    "2. Figures are already in English notation (US$231.5 million, US$47,278.1 thousand, 1,007,000, 18.7%): "
    "copy every figure, year and document symbol exactly as written; never convert or round them.\n"
    "3. Use the official English terms given with the text, and keep every name, year and figure.\n"
    "Example (made up):\n"
    "Glossary: 示例基金 = Example Fund\n"
    "Chinese text: 2030 年，示例基金在 12 个国家投资 US$45.6 million，比 2029 年增加 3.2%。\n"
    "English translation: In 2030, the Example Fund invested US$45.6 million in 12 countries, an increase "
    "of 3.2% over 2029."
)

_KIND_NAMES = {
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


class Translator(Protocol):
    """A chat model that answers deterministically (temperature 0)."""

    @property
    def model_sha256(self) -> str:
        """The sha256 of the model file: translations are cached and shipped under it."""
        ...

    def complete(self, system: str, turns: Sequence[Turn], *, max_tokens: int) -> str:
        """The model's reply to the conversation `turns` (user first, alternating) under `system`."""
        ...


@dataclass(frozen=True)
class Turn:
    """One message of the conversation with the model."""

    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class Prompt:
    """The messages sent to the model: the system prompt, then the conversation."""

    system: str
    turns: tuple[Turn, ...]

    @property
    def user(self) -> str:
        """The last user message."""
        return next(turn.content for turn in reversed(self.turns) if turn.role == "user")


def build_prompt(segment: Segment, prepared: str, terms: Sequence[Term], failures: Sequence[str] = ()) -> Prompt:
    """The prompt translating `segment` (its `prepared` text).  A retry is a fresh prompt that names
    the `failures` of the first attempt as points to get right (the rejected text itself is not
    shown: a small model given it writes it back, or the prompt, instead of translating)."""
    lines = [f"Translate {_KIND_NAMES[segment.kind]} into English."]
    if any(failure.startswith(ECHO_FAILURE) for failure in failures):
        # The first reply wrote the glossary list back: give the terms as one line of the system
        # prompt and only the text in the user message, with nothing list-like to continue.
        glossary_line = "; ".join(f"{term.chinese} = {term.english}" for term in terms)
        system = SYSTEM_PROMPT + (f"\nOfficial English terms for this text: {glossary_line}." if terms else "")
        lines.append("Reply with the English translation only.")
        lines.append(f"Chinese text:\n{prepared}")
        lines.append("English translation:")
        return Prompt(system, (Turn("user", "\n".join(lines)),))
    if terms:
        lines.append("Glossary (where a Chinese term occurs, use its English form; add nothing else):")
        lines.extend(f"- {term.chinese} = {term.english}" for term in terms)
    if failures:
        lines.append("Take care, a first translation got these wrong:")
        lines.extend(f"- {failure}" for failure in failures)
    lines.append(f"Chinese text:\n{prepared}")
    lines.append("English translation:")
    return Prompt(SYSTEM_PROMPT, (Turn("user", "\n".join(lines)),))


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
    return text


_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def english_glossary_terms(english: str, glossary: Glossary) -> str:
    """`english` with each run of Chinese characters that is wholly glossary terms replaced by their
    official English ("… of the 政治建和部" → "… of the Department of Political and Peacebuilding
    Affairs"); other Chinese is left for the checks to reject.

    >>> from budgetqa.index.glossary import load_glossary
    >>> english_glossary_terms("Posts of the 联非办, and 其他 间", load_glossary())
    'Posts of the United Nations Office to the African Union, and other 间'
    """

    def replace(match: re.Match[str]) -> str:
        found = glossary.find_terms(match.group(0))
        if not found or "".join(form for form, _ in found) != match.group(0):
            return match.group(0)
        return f" {' '.join(entry.en for _, entry in found)} "

    if not _HAN_RUN.search(english):
        return english
    replaced = re.sub(r" {2,}", " ", _HAN_RUN.sub(replace, english))
    return re.sub(r"\( +", "(", re.sub(r" +([,.;:)])", r"\1", replaced)).strip()


def translate_segment(segment: Segment, translator: Translator, glossary: Glossary) -> EnglishVersion:
    """Translate one segment, check it, retry once with the failures named; the version to keep."""
    prepared = to_english_notation(segment.text)
    terms = source_terms(prepared, glossary)

    def attempt(failures: Sequence[str]) -> tuple[str, CheckResult]:
        prompt = build_prompt(segment, prepared, terms, failures)
        reply = translator.complete(prompt.system, prompt.turns, max_tokens=max_tokens_for(prepared))
        english = english_glossary_terms(clean_reply(reply), glossary)
        return english, check_translation(segment.text, prepared, english, glossary)

    def repaired(english: str, result: CheckResult) -> tuple[str, CheckResult]:
        if result.passed or result.checks.get(CheckName.NO_HAN, True):
            return english, result
        fixed = repair_fragments(english, translator)
        if fixed is None:
            return english, result
        fixed = english_glossary_terms(fixed, glossary)
        again = check_translation(segment.text, prepared, fixed, glossary)
        return (fixed, again) if again.passed else (english, result)

    standard = standard_version(segment, prepared, glossary, translator.model_sha256)
    if standard is not None:
        return standard
    english, result = repaired(*attempt(()))
    attempts = 1
    while not result.passed and attempts < ATTEMPTS:
        english, result = repaired(*attempt(result.failures))
        attempts += 1
    return _version(segment, translator.model_sha256, english, result, attempts)


def standard_version(segment: Segment, prepared: str, glossary: Glossary, model_sha256: str) -> EnglishVersion | None:
    """The version of one of the section's standard sentences (:mod:`.standard_sentences`), made
    without the model (0 attempts) and checked like any other; None for any other text, or if the
    known English does not pass."""
    standard = standard_english(segment.text)
    if standard is None:
        return None
    result = check_translation(segment.text, prepared, standard, glossary)
    return _version(segment, model_sha256, standard, result, 0) if result.passed else None


def _version(segment: Segment, model_sha256: str, english: str, result: CheckResult, attempts: int) -> EnglishVersion:
    """The version of `segment` kept after its last attempt `english` was checked (`result`)."""
    return EnglishVersion(
        uid=segment.uid,
        kind=segment.kind,
        ref=segment.ref,
        source_sha256=segment.sha256,
        english=english if result.passed else None,
        checks=result.checks,
        failures=result.failures,
        attempts=attempts,
        model_sha256=model_sha256,
        rejected=None if result.passed else english,
    )


def repair_version(version: EnglishVersion, segment: Segment, translator: Translator, glossary: Glossary) -> EnglishVersion:
    """A failed version whose attempt left Chinese, with the leftover runs translated on their own
    (:func:`~budgetqa.index.translate_repair.repair_fragments`) and every check run again; `version`
    unchanged when that does not make it pass (it is then translated again)."""
    attempt = version.rejected
    if version.passed or attempt is None or version.checks.get(CheckName.NO_HAN, True):
        return version
    fixed = repair_fragments(attempt, translator)
    if fixed is None:
        return version
    fixed = english_glossary_terms(fixed, glossary)
    result = check_translation(segment.text, to_english_notation(segment.text), fixed, glossary)
    if not result.passed:
        return version
    return _version(segment, translator.model_sha256, fixed, result, version.attempts)


def recheck(version: EnglishVersion, segment: Segment, glossary: Glossary) -> EnglishVersion:
    """A cached version that does not pass the current checks (made before a change to the checks or
    to the cleaning of replies), checked again: its last attempt is kept if it now passes."""
    attempt = version.english if version.english is not None else version.rejected
    if version.passed or attempt is None:
        return version
    prepared = to_english_notation(segment.text)
    standard = standard_version(segment, prepared, glossary, version.model_sha256)
    if standard is not None:
        return standard  # a standard sentence the model got wrong: its known English instead
    english = english_glossary_terms(clean_reply(attempt), glossary)
    result = check_translation(segment.text, prepared, english, glossary)
    return version.model_copy(
        update={
            "english": english if result.passed else None,
            "checks": result.checks,
            "failures": result.failures,
            "rejected": None if result.passed else english,
        }
    )


def earlier_by_text(versions: Iterable[EnglishVersion], model_sha256: str) -> dict[str, EnglishVersion]:
    """The `versions` made by the model `model_sha256`, by the sha256 of the text they translate; of
    two versions of one text, a passed one wins over a failed one, else the first wins."""
    known: dict[str, EnglishVersion] = {}
    for version in versions:
        if version.model_sha256 != model_sha256:
            continue
        present = known.get(version.source_sha256)
        if present is None or (version.passed and not present.passed):
            known[version.source_sha256] = version
    return known


class TranslationCache:
    """Finished translations, one JSON file per segment text under ``<directory>/<model sha256[:16]>/``.

    Each file is written atomically as soon as its segment is done, so a killed run loses at most the
    segment it was translating.
    """

    def __init__(self, directory: Path, model_sha256: str) -> None:
        self.directory = directory / model_sha256[:16]
        self.model_sha256 = model_sha256

    def _path(self, source_sha256: str) -> Path:
        return self.directory / source_sha256[:2] / f"{source_sha256}.json"

    def get(self, segment: Segment) -> EnglishVersion | None:
        """The cached version of `segment`'s text by this model, renamed to `segment`; None if absent
        or unreadable (it is then translated again)."""
        path = self._path(segment.sha256)
        try:
            version = EnglishVersion.model_validate_json(path.read_bytes())
        except (OSError, ValidationError):
            return None
        if version.model_sha256 != self.model_sha256 or version.source_sha256 != segment.sha256:
            return None
        return version.renamed(segment)

    def put(self, version: EnglishVersion) -> None:
        write_text(self._path(version.source_sha256), version.model_dump_json())


@dataclass(frozen=True)
class Progress:
    """One finished segment of a run, and how far the run is, in source characters."""

    segment: Segment
    version: EnglishVersion
    cached: bool  # found in the cache, not translated now
    done_chars: int  # characters translated so far by this run
    total_chars: int  # characters this run has to translate (the segments not in the cache)
    elapsed_s: float


def translate_segments(
    segments: Iterable[Segment],
    translator: Translator,
    glossary: Glossary,
    cache: TranslationCache,
    *,
    retry_failed: bool = False,
    earlier: Iterable[EnglishVersion] = (),
    repair_only: bool = False,
) -> Iterator[Progress]:
    """The version of every segment, in order, from the cache or translated now and cached.

    A segment the cache lacks is taken from the `earlier` versions (the file being written, the
    shipped file) when one translates the same text with the same model: no model call is made.
    A cached version that failed is first checked again (:func:`recheck`), and translated again when
    `retry_failed` is set (after a change to the prompt), first by fragment repair when it left
    Chinese (:func:`repair_version`); with `repair_only`, only that is tried (a cheap pass over every
    failure before the long full retries).  Texts that recur are translated once.
    """
    segments = list(segments)
    known = earlier_by_text(earlier, cache.model_sha256)

    def cached(segment: Segment) -> EnglishVersion | None:
        found = cache.get(segment)
        if found is None and segment.sha256 in known:
            found = recheck(known[segment.sha256].renamed(segment), segment, glossary)
            cache.put(found)
        if found is not None and not found.passed:
            rechecked = recheck(found, segment, glossary)
            if rechecked != found:
                cache.put(rechecked)
            found = rechecked
        return found

    def needed(segment: Segment) -> bool:
        found = cached(segment)
        return found is None or (retry_failed and not found.passed)

    todo = {segment.uid for segment in segments if needed(segment)}
    total = sum(len(text) for text in {segment.text for segment in segments if segment.uid in todo})
    done = 0
    translated: set[str] = set()
    started = time.perf_counter()
    for segment in segments:
        found = cached(segment)
        fresh = segment.uid in todo and segment.sha256 not in translated
        if fresh or found is None:
            repaired = repair_version(found, segment, translator, glossary) if found is not None else None
            found = repaired if repaired is not None and repaired.passed else None
            if found is None and repair_only and repaired is not None:
                found = repaired
            found = found or translate_segment(segment, translator, glossary)
            cache.put(found)
            translated.add(segment.sha256)
            done += len(segment.text)
        yield Progress(segment, found, not fresh, done, total, time.perf_counter() - started)
