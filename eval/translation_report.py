"""Measure the English versions of a document: coverage, checks, glossary-term hit rate, and a sample to read.

    python -m budgetqa.eval.translation_report [--versions run.jsonl] [--sample 40] [--seed 14] [--sample-out sample.md]

Prints, per segment kind, how many segments have a version that passed every check; the reasons
of the failures, grouped; the share of first attempts that passed (a version made with no model call, from
the translation memory or the glossary, counts as one); the glossary-term hit rate
(every glossary term of the source, names and vocabulary alike, found in one of its English forms in
the checked versions); how many checked versions of several sentences had their figures compared
sentence by sentence, and which across the whole text (their English has another number of
sentences); how many English characters of its own a checked version has per Chinese character
(the median, the 2nd percentile and the lowest versions: the bound of the length check,
:data:`~budgetqa.index.translation_checks.MIN_ENGLISH_PER_HAN`, comes from them); and every segment
without a checked version, with its reason (the checks its
last attempt failed, or that none has been made).  ``--sample-out`` writes a random sample of checked versions side by side with
their Chinese, for a reader to rate (accurate / minor slip / wrong meaning).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from budgetqa.atomic import write_text
from budgetqa.index.english_figures import to_english_notation
from budgetqa.index.evidence import split_sentences
from budgetqa.index.glossary import load_glossary
from budgetqa.index.translate_pieces import checked_text
from budgetqa.index.translation_checks import (
    SHORT_TEXT,
    english_per_han,
    figure_check,
    source_terms,
    term_hits,
)
from budgetqa.ingest.commands import load_document
from budgetqa.ingest.english import NEVER_MADE, EnglishVersions, Missing, Segment, SegmentKind, read_versions
from budgetqa.settings import Settings


@dataclass(frozen=True)
class KindCoverage:
    """How many segments of one kind have a checked version, failed, or were never translated."""

    kind: SegmentKind
    segments: int
    checked: int
    failed: int
    first_attempt: int  # checked on the first attempt


@dataclass(frozen=True)
class TranslationReport:
    """The measurements of one document's English versions."""

    coverage: list[KindCoverage]
    failure_reasons: Counter[str]
    term_hits: int
    terms: int
    missing: list[Missing]  # every segment without a checked version, in document order, and why
    by_sentence: int = 0  # checked versions of several sentences whose figures were compared sentence by sentence
    whole_text: tuple[str, ...] = ()  # the uids of those compared across the whole text (sentences not paired)
    # (English characters of its own per Chinese character, uid) of each checked version of a long
    # enough source (:func:`~budgetqa.index.translation_checks.english_per_han`), lowest first
    per_han: tuple[tuple[float, str], ...] = ()

    @property
    def checked_share(self) -> float:
        total = sum(item.segments for item in self.coverage)
        return sum(item.checked for item in self.coverage) / total if total else 0.0


def _reason(failure: str) -> str:
    """A failure message without its particulars: "the figure 2024 of the source is missing …" →
    "the figure … of the source is missing" (whichever sentence)."""
    text = re.sub(r"\(\d+ characters\)", "(…)", failure.split(";")[0])
    text = re.sub(r" \(sentence \d+\)", "", text)
    text = re.sub(r"source of \d+", "source of …", text)
    text = re.sub(r"(figure|symbol|term) \S+", r"\1 …", text)
    text = re.sub(r'"[^"]*"', '"…"', text)
    return re.sub(r"Chinese \([^)]*\)", "Chinese (…)", text)


def measure(versions: EnglishVersions) -> TranslationReport:
    """Coverage per kind, failure reasons and glossary-term hit rate of `versions`."""
    glossary = load_glossary()
    coverage: list[KindCoverage] = []
    reasons: Counter[str] = Counter()
    hits = total = by_sentence = 0
    whole_text: list[str] = []
    per_han: list[tuple[float, str]] = []
    for kind in SegmentKind:
        segments = [segment for segment in versions.segments if segment.kind is kind]
        if not segments:
            continue
        made = [(segment, versions.version(segment.uid)) for segment in segments]
        checked = [(segment, v) for segment, v in made if v is not None and v.passed]
        failed = [v for _, v in made if v is not None and not v.passed]
        for version in failed:
            reasons.update({_reason(failure) for failure in version.failures})
        for segment, version in checked:
            found, count = term_hits(source_terms(to_english_notation(segment.text), glossary), version.english or "")
            hits, total = hits + found, total + count
            text = checked_text(segment)  # an annex as its English is laid out
            prepared = to_english_notation(text)
            ratio = english_per_han(text, version.english or "", prepared)
            if ratio is not None:
                per_han.append((ratio, segment.uid))
            if len(split_sentences(prepared)) > 1:
                if figure_check(prepared, version.english or "").notes:
                    whole_text.append(segment.uid)
                else:
                    by_sentence += 1
        first = sum(1 for _, version in checked if version.attempts <= 1)  # 0: from the translation memory or the glossary, no model call
        coverage.append(KindCoverage(kind, len(segments), len(checked), len(failed), first))
    return TranslationReport(
        coverage, reasons, hits, total, versions.missing(), by_sentence, tuple(whole_text), tuple(sorted(per_han))
    )


def sample(versions: EnglishVersions, size: int, seed: int) -> list[tuple[Segment, str]]:
    """A random sample (fixed `seed`) of checked versions: (segment, English)."""
    checked = [(s, versions.get(s.uid) or "") for s in versions.segments if versions.get(s.uid) is not None]
    return random.Random(seed).sample(checked, min(size, len(checked)))


def render(report: TranslationReport) -> str:
    """The report as markdown tables."""
    lines = ["| kind | segments | checked | failed | not yet translated | checked at first attempt |", "|---|---|---|---|---|---|"]
    for item in report.coverage:
        missing = item.segments - item.checked - item.failed
        lines.append(f"| {item.kind.value} | {item.segments} | {item.checked} | {item.failed} | {missing} | {item.first_attempt} |")
    total = sum(item.segments for item in report.coverage)
    checked = sum(item.checked for item in report.coverage)
    lines += ["", f"Checked: {checked} of {total} segments ({report.checked_share:.1%})."]
    if report.terms:
        lines.append(
            f"Glossary-term hit rate in the checked versions: {report.term_hits} of {report.terms} "
            f"({report.term_hits / report.terms:.1%})."
        )
    several = report.by_sentence + len(report.whole_text)
    if several:
        lines.append(
            f"Figures compared sentence by sentence in {report.by_sentence} of the {several} checked versions of "
            f"several sentences; across the whole text, their English having another number of sentences, in "
            f"{len(report.whole_text)}: {', '.join(_short(uid) for uid in report.whole_text) or 'none'}."
        )
    if report.per_han:
        ratios = [ratio for ratio, _ in report.per_han]
        second = statistics.quantiles(ratios, n=50)[0] if len(ratios) > 1 else ratios[0]
        lowest = ", ".join(f"{_short(uid)} {ratio:.2f}" for ratio, uid in report.per_han[:5])
        lines.append(
            f"English characters of its own per Chinese character, in the {len(ratios)} checked versions of "
            f"{SHORT_TEXT} Chinese characters or more: median {statistics.median(ratios):.2f}, 2nd percentile "
            f"{second:.2f}; lowest: {lowest}."
        )
    lines += ["", "| failure (segments, after the retry) | count |", "|---|---|"]
    lines += [f"| {reason} | {count} |" for reason, count in report.failure_reasons.most_common()]
    return "\n".join(lines + render_missing(report.missing))


def render_missing(missing: Sequence[Missing]) -> list[str]:
    """Every segment without a checked version: those whose attempt failed one row each with the
    checks it failed; those never translated one line per kind, listing them."""
    failed = [item for item in missing if item.reason != NEVER_MADE]
    lines = ["", "| segment without a checked English version | reason |", "|---|---|"]
    lines += [f"| {_cell(item.uid)} | {_cell(item.reason)} |" for item in failed]
    for kind in SegmentKind:
        never = [_cell(item.uid.split(":", 1)[1]) for item in missing if item.kind is kind and item.reason == NEVER_MADE]
        if never:
            lines.append(f"| {kind.value}, never translated ({len(never)}): {'; '.join(never)} | {NEVER_MADE} |")
    return lines if len(lines) > 3 else []


def _short(uid: str, size: int = 30) -> str:
    """A segment uid cut to `size` characters (a label's uid is its whole text)."""
    return uid if len(uid) <= size else uid[: size - 1] + "…"


def _cell(text: str) -> str:
    """`text` for one cell of a markdown table (its pipes escaped, its lines joined)."""
    return " ".join(text.split()).replace("|", "\\|")


def render_sample(items: Sequence[tuple[Segment, str]]) -> str:
    """The sample side by side, one numbered entry per segment."""
    out = []
    for number, (segment, english) in enumerate(items, 1):
        out.append(f"### {number}. {segment.uid}\n\n{segment.text}\n\n> {english}\n")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--sample-out", type=Path)
    parser.add_argument("--versions", type=Path, help="A versions file read after the shipped ones (a run's --out).")
    args = parser.parse_args(argv)
    document = load_document()
    versions = EnglishVersions.load(document, cache_dir=Settings.from_env().cache_dir)
    if args.versions:
        versions = EnglishVersions(versions.segments, [*versions.records(), *read_versions(args.versions)])
    print(render(measure(versions)))
    if args.sample_out:
        write_text(args.sample_out, render_sample(sample(versions, args.sample, args.seed)))
        print(f"\nsample of {args.sample} written to {args.sample_out}")


if __name__ == "__main__":
    main()
