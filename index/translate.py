"""English versions of every segment, made offline by a local model and checked before they are kept.

For each :class:`~budgetqa.ingest.english.Segment` (a paragraph, caption, label, …):

1. a segment of more than one sentence is cut into its sentences (an annex into its lines,
   :mod:`.translate_pieces`), each translated and checked on its own, then put back together;
2. the figures of each text are put into English notation
   (:func:`~budgetqa.index.english_figures.to_english_notation`), so that the model copies "US$231.5
   million" instead of converting "2.315 亿美元" itself; one of the section's standard sentences
   comes from the translation memory (:mod:`.standard_sentences`) instead of the model;
3. the model translates it at temperature 0, told the official English form of every glossary term
   it contains (:mod:`.translate_prompt`); Chinese left in the reply that is a glossary term is
   replaced by the term's official English, any other is repaired (:mod:`.translate_repair`);
4. the result is checked (:func:`~budgetqa.index.translation_checks.check_translation`); a text that
   fails is retried with the failures named and the names it missed given in English, then with
   sampling (:data:`SAMPLED_RETRIES`, then :data:`FIRST_PROMPT_RETRIES`); a segment whose English
   still fails is kept as "not translated" (``english`` None, the attempt in ``rejected``), never shown.

Results are cached one file per segment text, keyed by the sha256 of the text and of the model, so a
run that is killed resumes where it stopped and a text is never translated twice by the same model.

>>> # versions = translate_segments(document_segments(document), translator, load_glossary(), cache)
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from budgetqa.atomic import write_text
from budgetqa.ingest.english import CheckName, EnglishVersion, Segment, SegmentKind

from .english_figures import to_english_notation
from .glossary import Glossary
from .standard_sentences import standard_english
from .translate_pieces import (
    checked_text,
    join_clauses,
    join_pieces,
    leading_marker,
    mirror_end,
    source_clauses,
    source_pieces,
    with_marker,
)
from .translate_prompt import (
    Sampling,
    Translator,
    build_prompt,
    clean_reply,
    max_tokens_for,
    piece_name,
    with_names_in_english,
)
from .translate_repair import amend_omissions, omissions, repair_fragments
from .translation_checks import (
    HAN_RUN,
    CheckResult,
    Term,
    check_translation,
    overall_length_failures,
    rendered,
    source_terms,
)

ATTEMPTS = 2  # deterministic attempts: the first translation and one retry with its failures named
# Retries after both deterministic attempts failed a check: the retry prompt (failures named, missed
# names in English in the text), sampled ...
SAMPLED_RETRIES = (Sampling(0.4, 1), Sampling(0.6, 2), Sampling(0.8, 3))
# ... then the first prompt, sampled: names written into a long sentence with nested modifiers lead a
# small model to drop the modifier around them, and the plain text, sampled, may keep every part.
# Only a text that failed every other retry gets here (a dozen of the bundled document's 1,092
# segments), and a sample of one sentence costs a few seconds: so eight of them.
FIRST_PROMPT_RETRIES = tuple(Sampling(0.6 if seed % 2 == 0 else 0.8, seed) for seed in range(4, 12))
LONG_LABEL = 16  # characters: a label at least this long is given its table's caption as context


@dataclass(frozen=True)
class Attempt:
    """The English kept for one text after its attempts, its checks, and how many model calls it took."""

    english: str
    result: CheckResult
    attempts: int



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

    if not HAN_RUN.search(english):
        return english
    replaced = re.sub(r" {2,}", " ", HAN_RUN.sub(replace, english))
    return re.sub(r"\( +", "(", re.sub(r" +([,.;:)])", r"\1", replaced)).strip()


def names_only_english(text: str, glossary: Glossary) -> str | None:
    """The English of a text made only of glossary names, figures, grades and punctuation (a box of an
    organigram, a row label with its figures, column headings: "区域事务科", "共计：9 共计：18",
    "员额 职等 说明 变动原因"), each run of Chinese characters one glossary term, rendered from the
    glossary as table labels are (:meth:`~budgetqa.index.glossary.Glossary.english_label`); None for
    any other text (a run of several terms, "改划副秘书长办公室", may be a sentence: left to the model).

    >>> from budgetqa.index.glossary import load_glossary
    >>> names_only_english("共计：9 共计：18", load_glossary())
    'Total: 9 total: 18'
    >>> names_only_english("改划副秘书长办公室 5 个员额", load_glossary()) is None
    True
    """
    runs = HAN_RUN.findall(text)
    for run in runs:
        found = glossary.find_terms(run)
        if len(found) != 1 or len(found[0][0]) != len(run):
            return None
    english = glossary.english_label(text).strip()
    return english if runs and english and not HAN_RUN.search(english) else None


def translate_text(
    text: str,
    kind: SegmentKind | str,
    translator: Translator,
    glossary: Glossary,
    *,
    context: str | None = None,
    by_clauses: bool = True,
) -> Attempt:
    """Translate one text (a whole segment of `kind`, or one piece of one, named by a string) and
    check it: a standard sentence from the translation memory, a text of glossary names only from the
    glossary (:func:`names_only_english`); else the model at temperature 0,
    then once more with the failures named and the names it missed given in English in the text,
    then that prompt sampled (:data:`SAMPLED_RETRIES`), then the first prompt sampled
    (:data:`FIRST_PROMPT_RETRIES`), each attempt's Chinese leftovers
    repaired; an enumeration marker the text starts with is kept as written; the first attempt that passes every check, else the one with the fewest failures.

    When both attempts at temperature 0 fail, the one with the fewest failures is first given back to
    the model with the names and figures it left out, to be put in (:func:`amend_omissions`); then,
    when the text is a sentence of several clauses, the clauses are translated one by one (each checked and retried as a text is) and joined
    (:func:`~budgetqa.index.translate_pieces.join_clauses`) before any sampled retry: a small model
    drops a name or a year in the middle of a long sentence, and keeps it in a short clause.
    `by_clauses` False: no such split (a clause itself, sampled like any text when its attempts at
    temperature 0 and the omission repair fail)."""
    prepared = to_english_notation(text)
    standard = standard_english(text)
    if standard is not None:
        checked = check_translation(text, prepared, standard, glossary)
        if checked.passed:
            return Attempt(standard, checked, 0)
    named = names_only_english(text, glossary)
    if named is not None:
        checked = check_translation(text, prepared, named, glossary)
        if checked.passed:
            return Attempt(named, checked, 0)
    marker, body = leading_marker(prepared)  # "(b)" is kept as written, not left to the model
    terms = source_terms(prepared, glossary)
    missed: list[Term] = []  # names an attempt left out: given in English from then on

    def attempt(failures: Sequence[str], sampling: Sampling | None) -> tuple[str, CheckResult]:
        first = sampling in FIRST_PROMPT_RETRIES
        source = body if first else with_names_in_english(body, missed)
        prompt = build_prompt(kind, source, terms, () if first else failures, context=context)
        size = max_tokens_for(body)
        reply = (
            translator.complete(prompt.system, prompt.turns, max_tokens=size, sampling=sampling)
            if sampling is not None
            else translator.complete(prompt.system, prompt.turns, max_tokens=size)
        )
        english = with_marker(marker, english_glossary_terms(clean_reply(reply), glossary))
        result = check_translation(text, prepared, english, glossary)
        if not result.passed and not result.checks.get(CheckName.NO_HAN, True):
            fixed = repair_fragments(english, translator)
            if fixed is not None:
                fixed = english_glossary_terms(fixed, glossary)
                again = check_translation(text, prepared, fixed, glossary)
                if again.passed:
                    return fixed, again
        return english, result

    def amend(previous: Attempt) -> Attempt | None:
        """`previous` with the names and figures it left out put in (:func:`amend_omissions`)."""
        checks = previous.result.checks
        # an English too short for its Chinese characters has left something out: what this repairs
        if overall_length_failures(text, previous.english) or not all(
            checks.get(name, True) for name in (CheckName.NO_HAN, CheckName.NO_PROMPT)
        ):
            return None
        fixed = amend_omissions(prepared, previous.english, omissions(prepared, previous.english, terms), translator)
        if fixed is None:  # nothing left out (a figure not in the source, a marker): no model call
            return None
        english = with_marker(marker, english_glossary_terms(fixed, glossary))
        return Attempt(english, check_translation(text, prepared, english, glossary), previous.attempts + 1)

    plan: list[Sampling | None] = [None] * ATTEMPTS + list(SAMPLED_RETRIES) + list(FIRST_PROMPT_RETRIES)
    best: Attempt | None = None
    failures: list[str] = []
    calls = 0

    def better(candidate: Attempt) -> bool:
        return best is None or len(candidate.result.failures) < len(best.result.failures)

    for index, sampling in enumerate([*plan, None]):
        if index == ATTEMPTS and best is not None:  # both attempts at temperature 0 failed
            amended = amend(best)
            if amended is not None:
                calls += 1
                if amended.result.passed:
                    return Attempt(amended.english, amended.result, calls)
                best = Attempt(amended.english, amended.result, calls) if better(amended) else best
            joined = _by_clauses(text, kind, translator, glossary, context) if by_clauses else None
            if joined is not None:
                calls += joined.attempts
                if joined.result.passed:
                    return Attempt(joined.english, joined.result, calls)
                best = Attempt(joined.english, joined.result, calls) if better(joined) else best
        if index == len(plan):
            break
        english, result = attempt(failures, sampling)
        calls += 1
        if best is None or len(result.failures) <= len(best.result.failures):
            best = Attempt(english, result, calls)
        if result.passed:
            return Attempt(english, result, calls)
        failures = result.failures
        missed += [term for term in terms if _is_name(term) and term not in missed and not rendered(term, english)]
    assert best is not None
    return Attempt(best.english, best.result, calls)


def _by_clauses(
    text: str, kind: SegmentKind | str, translator: Translator, glossary: Glossary, context: str | None
) -> Attempt | None:
    """`text` translated clause by clause and joined, the whole checked; None for a single clause."""
    clauses = source_clauses(text)
    if len(clauses) < 2:
        return None
    done = [translate_text(clause, kind, translator, glossary, context=context, by_clauses=False) for clause in clauses]
    english = join_clauses(text, [item.english for item in done], name_leads(glossary))
    result = check_translation(text, to_english_notation(text), english, glossary)
    return Attempt(english, result, sum(item.attempts for item in done))


def name_leads(glossary: Glossary) -> frozenset[str]:
    """The capitalized words the glossary's English names begin with ("Security", "Member", "Liberia"),
    which keep their capital at the head of a clause joined to another."""
    return frozenset(
        word
        for entry in glossary.entries
        for form in entry.en_forms
        if (word := form.split(" ", 1)[0]) and word[:1].isupper()
    ) - {"The", "A", "An"}


def _is_name(term: Term) -> bool:
    """Whether `term` is a checked proper name ("Security Council", "P-4"), which a retry may give in
    English in the text; not a common word the check enforces ("decision", "travel"), which the
    Chinese may use as a verb or in another sense, so the model is only told of it."""
    return term.checked and (term.english[:1].isupper() or term.english[:1].isdigit())


def translate_segment(
    segment: Segment,
    translator: Translator,
    glossary: Glossary,
    *,
    context: str | None = None,
    cache: TranslationCache | None = None,
    reuse_pieces: bool = True,
) -> EnglishVersion:
    """Translate one segment and check it: whole when it is one sentence, else piece by piece
    (:mod:`.translate_pieces`), each piece checked and retried on its own (:func:`translate_text`),
    then the whole checked again.  `context`: the English caption of a long label's table.  With a
    `cache`, a piece whose checked English it holds (from a run that was killed, or a retry of a
    segment that failed in another piece) is not translated again, unless `reuse_pieces` is False
    (the segment translated again after a change to the prompt); each piece that passes is kept."""
    prepared = to_english_notation(checked_text(segment))
    standard = standard_version(segment, prepared, glossary, translator.model_sha256)
    if standard is not None:
        return standard
    pieces = source_pieces(segment)
    if len(pieces) <= 1:
        done = translate_text(segment.text, segment.kind, translator, glossary, context=context)
        return _version(segment, translator.model_sha256, done.english, done.result, done.attempts)
    name = piece_name(segment.kind)

    def piece(text: str) -> Attempt:
        known = cache.get_piece(name, text) if cache is not None and reuse_pieces else None
        if known is not None:
            checked = check_translation(text, to_english_notation(text), known.english, glossary)
            if checked.passed:
                return Attempt(known.english, checked, known.attempts)
        done = translate_text(text, name, translator, glossary)
        if cache is not None and done.result.passed:
            cache.put_piece(name, text, done)
        return done

    done_pieces = [piece(p.text) if p.translated else None for p in pieces]
    english = join_pieces(
        pieces,
        [mirror_end(p.text, d.english) if d is not None else p.text for p, d in zip(pieces, done_pieces, strict=True)],
    )
    result = check_translation(checked_text(segment), prepared, english, glossary)
    attempts = max((d.attempts for d in done_pieces if d is not None), default=0)
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
    result = check_translation(checked_text(segment), to_english_notation(checked_text(segment)), fixed, glossary)
    if not result.passed:
        return version
    return _version(segment, translator.model_sha256, fixed, result, version.attempts)


def recheck(version: EnglishVersion, segment: Segment, glossary: Glossary) -> EnglishVersion:
    """A cached version checked again with the current checks (made before a change to the checks or
    to the cleaning of replies): one of the section's standard sentences or names takes its known
    English (:mod:`.standard_sentences`), whatever the model made; a checked one that fails them now
    is "not translated" (and translated again by a run that retries failures); a failed one whose
    last attempt, cleaned and led by the source's item marker or list number as a new attempt is,
    now passes is kept."""
    attempt = version.english if version.english is not None else version.rejected
    if attempt is None:
        return version
    prepared = to_english_notation(checked_text(segment))
    standard = standard_version(segment, prepared, glossary, version.model_sha256)
    if standard is not None:
        # The translation memory wins over the model, as when translating: a version made before its
        # pattern was added is replaced by the known English.
        return version if version.english == standard.english else standard
    if version.passed:
        result = check_translation(checked_text(segment), prepared, attempt, glossary)
        if result.passed:
            return version
        update = {"english": None, "checks": result.checks, "failures": result.failures, "rejected": attempt}
        return version.model_copy(update=update)
    english = with_marker(leading_marker(prepared)[0], english_glossary_terms(clean_reply(attempt), glossary))
    result = check_translation(checked_text(segment), prepared, english, glossary)
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


class CachedPiece(BaseModel):
    """The checked English of one piece (a sentence) of a segment, as the translation cache keeps it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str  # what the piece is called in the prompt ("paragraph sentence", …)
    text: str
    english: str
    attempts: int


class TranslationCache:
    """Finished translations, one JSON file per segment text under ``<directory>/<model sha256[:16]>/``,
    and the checked English of each piece of a segment translated piece by piece under its
    ``pieces/`` folder.

    Each file is written atomically as soon as its segment (or piece) is done, so a killed run loses
    at most the piece it was translating.
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

    def _piece_path(self, name: str, text: str) -> Path:
        key = hashlib.sha256(f"{name}\n{text}".encode()).hexdigest()
        return self.directory / "pieces" / key[:2] / f"{key}.json"

    def get_piece(self, name: str, text: str) -> CachedPiece | None:
        """The cached checked English of the piece `text` called `name`; None if absent or unreadable."""
        try:
            piece = CachedPiece.model_validate_json(self._piece_path(name, text).read_bytes())
        except (OSError, ValidationError):
            return None
        return piece if piece.name == name and piece.text == text else None

    def put_piece(self, name: str, text: str, done: Attempt) -> None:
        """Keep the checked English of one piece."""
        piece = CachedPiece(name=name, text=text, english=done.english, attempts=done.attempts)
        write_text(self._piece_path(name, text), piece.model_dump_json())


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
    again: frozenset[str] = frozenset(),
) -> Iterator[Progress]:
    """The version of every segment, in order, from the cache or translated now and cached.

    A segment the cache lacks is taken from the `earlier` versions (the file being written, the
    shipped file) when one translates the same text with the same model: no model call is made.
    Every cached version is first checked again with the current checks (:func:`recheck`); one
    that fails is translated again when
    `retry_failed` is set (after a change to the prompt), first by fragment repair when it left
    Chinese (:func:`repair_version`); with `repair_only`, only that is tried (a cheap pass over every
    failure before the long full retries).  The segments whose uids are in `again` are translated
    again, sentences and all, whatever version the cache or the earlier files hold (after a change
    to the prompt, for versions a reader found wrong).  Texts that recur are translated once.  A long
    label is given the checked English caption of the table it comes from as context.
    """
    segments = list(segments)
    known = earlier_by_text(earlier, cache.model_sha256)

    def cached(segment: Segment) -> EnglishVersion | None:
        found = cache.get(segment)
        if found is None and segment.sha256 in known:
            found = recheck(known[segment.sha256].renamed(segment), segment, glossary)
            cache.put(found)
        if found is not None:
            rechecked = recheck(found, segment, glossary)
            if rechecked != found:
                cache.put(rechecked)
            found = rechecked
        return found

    def context_of(segment: Segment) -> str | None:
        """The checked English caption of the table a long label comes from, if there is one."""
        if segment.kind is not SegmentKind.LABEL or len(segment.text) < LONG_LABEL or not segment.context:
            return None
        caption = cached(Segment("caption:context", SegmentKind.CAPTION, segment.context))
        return caption.english if caption is not None and caption.passed else None

    def needed(segment: Segment) -> bool:
        if segment.uid in again:
            return True
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
        if segment.uid in again and fresh:
            found = translate_segment(segment, translator, glossary, context=context_of(segment), cache=cache, reuse_pieces=False)
            cache.put(found)
            translated.add(segment.sha256)
            done += len(segment.text)
        elif fresh or found is None:
            repaired = repair_version(found, segment, translator, glossary) if found is not None else None
            found = repaired if repaired is not None and repaired.passed else None
            if found is None and repair_only and repaired is not None:
                found = repaired
            found = found or translate_segment(segment, translator, glossary, context=context_of(segment), cache=cache)
            cache.put(found)
            translated.add(segment.sha256)
            done += len(segment.text)
        yield Progress(segment, found, not fresh, done, total, time.perf_counter() - started)
