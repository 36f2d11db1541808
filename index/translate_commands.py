"""``budgetqa translate``: make and check the English version of every segment of a document.

>>> # budgetqa translate                                   (the configured document, packaged Qwen model)
>>> # budgetqa translate --out data/A_78_6_Sect3_en.jsonl  (regenerate the shipped versions)
>>> # budgetqa translate --status                          (no model needed: what lacks a version)
>>> # budgetqa translate --recheck --out data/A_78_6_Sect3_en.jsonl  (no model: check the file again)
>>> # budgetqa translate --segment paragraph:3.19 --again           (translate a checked version again)
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as ProgressBar
from rich.table import Table as RichTable

from budgetqa.atomic import write_text
from budgetqa.ingest.english import (
    EnglishVersion,
    EnglishVersions,
    EnglishVersionsError,
    Segment,
    SegmentKind,
    document_segments,
    read_versions,
    render_versions,
    shipped_paths,
    user_path,
)
from budgetqa.ingest.model import Document
from budgetqa.settings import Settings

from .commands import console, err, fail
from .glossary import Glossary, load_glossary
from .translate import Progress, TranslationCache, Translator, recheck, translate_segments

WRITE_EVERY_S = 60.0  # the output file is rewritten at least this often during a run
MISSING_SHOWN = 40  # segments listed by --status and at the end of a run


def register(app: typer.Typer) -> None:
    """Add ``translate`` to the `budgetqa` app."""
    app.command("translate")(translate_command)


def translate_command(
    out: Annotated[
        Path | None,
        typer.Option(help="Versions file to write (default: <cache>/english/<document sha256[:16]>.jsonl)."),
    ] = None,
    model: Annotated[
        Path | None, typer.Option(help="GGUF model file (default: the packaged Qwen2.5-Coder-1.5B-Instruct).")
    ] = None,
    kind: Annotated[
        list[SegmentKind] | None, typer.Option(help="Translate only segments of this kind (repeatable).")
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option("--segment", help="Translate only the segment of this uid, e.g. paragraph:3.87 (repeatable)."),
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Translate at most this many segments.")] = None,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Translate again the cached versions that failed their checks.")
    ] = False,
    repair_only: Annotated[
        bool,
        typer.Option(
            "--repair-only",
            help="With --retry-failed: only repair the Chinese left in failed versions (short prompts), no full retries.",
        ),
    ] = False,
    again: Annotated[
        bool,
        typer.Option(
            "--again",
            help="With --segment: translate the named segments again, sentence by sentence, even where a checked "
            "version exists (after a change to the prompt, for a version read as wrong).",
        ),
    ] = False,
    status: Annotated[
        bool, typer.Option("--status", help="Only report which segments have a checked English version.")
    ] = False,
    recheck_only: Annotated[
        bool,
        typer.Option(
            "--recheck",
            help="Only check every version of the file again with the current checks, without the model: a "
            "version that fails them now is kept as not translated, with its reasons.",
        ),
    ] = False,
    document: Annotated[Path | None, typer.Option(help="Document (default: the bundled one).")] = None,
    threads: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="CPU threads for the model (default: every core). On a machine other jobs keep busy, 1 can "
            "run faster than every core: threads that wait for each other lose their turns.",
        ),
    ] = None,
) -> None:
    """Translate every paragraph, caption, note, heading, label, mandate title and annex into English
    with the local model, check each version (figures, glossary terms, length, no Chinese left), and
    write those versions, one JSON line per segment.

    Finished segments are cached by text and model, so a killed run resumes.  Exit codes: 0 done (the
    segments that failed their checks are listed); 2 bad input or no local model (pip install
    'budgetqa[llm]').
    """
    from budgetqa.ingest.commands import load_document

    settings = Settings.from_env()
    parsed = load_document(document)
    target = out or user_path(settings.cache_dir, parsed)
    if status:
        _report_status(_load_versions(parsed, settings, target))
        return
    if recheck_only:
        _recheck_file(target, document_segments(parsed))
        return
    every = document_segments(parsed)
    unknown = sorted(set(only or ()) - {segment.uid for segment in every})
    if unknown:
        raise fail(f"no segment {', '.join(unknown)} in the document; `budgetqa translate --status` lists their uids")
    if again and not only:
        raise fail("--again translates only the segments named with --segment; name them (e.g. --segment paragraph:3.87)")
    segments = [s for s in every if (not kind or s.kind in kind) and (not only or s.uid in only)][:limit]
    translator = _open_translator(model, settings, threads)
    cache = TranslationCache(settings.cache_dir / "translations", translator.model_sha256)
    earlier = [*(read_versions(target) if target.is_file() else []), *_shipped_versions()]
    versions = _run(
        segments,
        translator,
        cache,
        target,
        retry_failed=retry_failed,
        earlier=earlier,
        every=every,
        repair_only=repair_only,
        again=frozenset(only or ()) if again else frozenset(),
    )
    _report_run(versions, target)


def _load_versions(document: Document, settings: Settings, target: Path) -> EnglishVersions:
    """The document's versions: shipped, from the cache directory, and from `target`."""
    try:
        loaded = EnglishVersions.load(document, cache_dir=settings.cache_dir)
        extra = read_versions(target) if target.is_file() else []
    except EnglishVersionsError as error:
        raise fail(str(error)) from None
    return EnglishVersions(loaded.segments, [*loaded.records(), *extra])


def _open_translator(model: Path | None, settings: Settings, threads: int | None = None) -> Translator:
    """The local model: `model`, or the packaged Qwen GGUF assembled from its installed slices."""
    from .llama_translator import LlamaTranslator, TranslatorUnavailable

    try:
        if model is not None:
            from budgetqa.qa.local_model import sha256_of

            return LlamaTranslator(model, sha256_of(model), n_threads=threads)
        from budgetqa.qa.local_model import QWEN_SHA256, LocalModelError, assemble_qwen_gguf

        try:
            path = assemble_qwen_gguf(settings.models_dir)
        except LocalModelError as error:
            raise TranslatorUnavailable(str(error)) from None
        return LlamaTranslator(path, QWEN_SHA256, n_threads=threads)
    except TranslatorUnavailable as error:
        err.print(
            "[yellow]English versions without the local model: run `budgetqa translate --status` for "
            "the segments that lack one[/]",
            soft_wrap=True,
        )
        raise fail(str(error)) from None


def _shipped_versions() -> list[EnglishVersion]:
    """Every version in the files shipped with the package: a cache of translations already made."""
    try:
        return [version for path in shipped_paths() for version in read_versions(path)]
    except EnglishVersionsError as error:
        raise fail(str(error)) from None


def _run(
    segments: list[Segment],
    translator: Translator,
    cache: TranslationCache,
    target: Path,
    *,
    retry_failed: bool,
    earlier: list[EnglishVersion],
    every: list[Segment],
    repair_only: bool = False,
    again: frozenset[str] = frozenset(),
) -> list[EnglishVersion]:
    """Translate `segments` with a progress bar, merging the results into `target` as they come; a
    segment the cache lacks is taken from the `earlier` versions of its text, re-checked.  The
    file's versions of other segments (of `every` segment of the document) are kept, re-checked."""
    glossary = load_glossary()
    by_uid = {segment.uid: segment for segment in every}
    kept = {
        version.uid: _rechecked(version, by_uid.get(version.uid), glossary)
        for version in (read_versions(target) if target.is_file() else [])
    }
    order = [segment.uid for segment in segments]
    versions: dict[str, EnglishVersion] = {}
    last_write = time.monotonic()
    columns = (
        TextColumn("[bold]translating[/] {task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )
    with ProgressBar(*columns, console=err, transient=False) as bar:
        task = bar.add_task("", total=None)
        for step in translate_segments(
            segments,
            translator,
            glossary,
            cache,
            retry_failed=retry_failed,
            earlier=earlier,
            repair_only=repair_only,
            again=again,
        ):
            versions[step.segment.uid] = step.version
            bar.update(task, total=max(step.total_chars, 1), completed=step.done_chars, description=_label(step))
            if not step.cached and not err.is_terminal:
                err.print(_log_line(step), soft_wrap=True)  # a log file gets one line per segment translated
            if time.monotonic() - last_write > WRITE_EVERY_S:
                _write(target, kept, versions, order)
                last_write = time.monotonic()
    _write(target, kept, versions, order)
    return [versions[uid] for uid in order]


def _recheck_file(target: Path, segments: list[Segment]) -> None:
    """Every version of `target` checked again with the current checks (:func:`recheck`, no model) and
    the file rewritten atomically when one changed; the versions that now fail are listed."""
    if not target.is_file():
        raise fail(f"{target} does not exist; give the versions file to check with --out")
    try:
        versions = read_versions(target)
    except EnglishVersionsError as error:
        raise fail(str(error)) from None
    glossary = load_glossary()
    by_uid = {segment.uid: segment for segment in segments}
    rechecked = [_rechecked(version, by_uid.get(version.uid), glossary) for version in versions]
    now_failing = [new for old, new in zip(versions, rechecked, strict=True) if old.passed and not new.passed]
    now_passing = [new for old, new in zip(versions, rechecked, strict=True) if new.passed and not old.passed]
    rewritten = sum(1 for old, new in zip(versions, rechecked, strict=True) if old.passed and new.passed and old.english != new.english)
    if rechecked != versions:
        write_text(target, render_versions(rechecked))
    passed = sum(1 for version in rechecked if version.passed)
    console.print(
        f"{passed} of {len(rechecked)} versions pass the current checks; {len(now_failing)} checked before now "
        f"fail, {len(now_passing)} failed before now pass ({escape(str(target))})"
    )
    if rewritten:
        console.print(f"  {rewritten} checked versions now take the translation memory's English (standard sentences and names)")
    for version in now_failing:
        console.print(f"  now not translated: {escape(version.uid)}: {escape('; '.join(version.failures))}", soft_wrap=True)
    for version in now_passing:
        console.print(f"  now checked: {escape(version.uid)}", soft_wrap=True)


def _rechecked(version: EnglishVersion, segment: Segment | None, glossary: Glossary) -> EnglishVersion:
    """`version` checked again with the current checks when it still translates `segment`'s text."""
    if segment is None or segment.sha256 != version.source_sha256:
        return version
    return recheck(version, segment, glossary)


def _label(step: Progress) -> str:
    mark = "✓" if step.version.passed else "✗"
    return escape(f"{step.segment.uid[:40]} {mark}")


def _log_line(step: Progress) -> str:
    """One segment translated, for a log: how far the run is and an estimate of the time left."""
    share = step.done_chars / step.total_chars if step.total_chars else 1.0
    left = step.elapsed_s * (1 - share) / share if share else 0.0
    return (
        f"{_label(step)}  {step.done_chars}/{step.total_chars} characters ({share:.0%}), "
        f"{step.elapsed_s / 60:.1f} min elapsed, about {left / 60:.0f} min left"
    )


def _write(target: Path, kept: dict[str, EnglishVersion], versions: dict[str, EnglishVersion], order: list[str]) -> None:
    """`target` rewritten atomically: the file's versions in their places, each replaced by this run's
    version of its segment if there is one, then this run's other versions in segment order (a run
    over a few segments changes only their lines)."""
    merged = [versions.get(uid, version) for uid, version in kept.items()]
    merged += [versions[uid] for uid in order if uid in versions and uid not in kept]
    write_text(target, render_versions(merged))


def _report_run(versions: list[EnglishVersion], target: Path) -> None:
    passed = sum(1 for version in versions if version.passed)
    console.print(f"{passed} of {len(versions)} segments have a checked English version; written to {escape(str(target))}")
    failed = [version for version in versions if not version.passed]
    for version in failed[:MISSING_SHOWN]:
        console.print(f"  not translated: {escape(version.uid)}: {escape('; '.join(version.failures))}", soft_wrap=True)
    if len(failed) > MISSING_SHOWN:
        console.print(f"  … and {len(failed) - MISSING_SHOWN} more")


def _report_status(versions: EnglishVersions) -> None:
    missing = versions.missing()
    by_kind = Counter(segment.kind for segment in versions.segments)
    lacking = Counter(item.kind for item in missing)
    table = RichTable(title="English versions")
    for column in ("kind", "segments", "checked", "missing"):
        table.add_column(column, justify="right" if column != "kind" else "left")
    for segment_kind in SegmentKind:
        total = by_kind.get(segment_kind, 0)
        if total:
            table.add_row(segment_kind.value, str(total), str(total - lacking[segment_kind]), str(lacking[segment_kind]))
    console.print(table)
    for item in missing[:MISSING_SHOWN]:
        console.print(f"  no English version: {escape(item.uid)}: {escape(item.reason)}", soft_wrap=True)
    if len(missing) > MISSING_SHOWN:
        console.print(f"  … and {len(missing) - MISSING_SHOWN} more")
