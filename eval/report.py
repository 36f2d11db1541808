"""Score systems on a gold set and write the results folder: report.md, PNG plots and results.json.

A *run* is one system's output on the gold questions: its ranked unit ids per question and, for
systems that answer, its answer records.  The tool and its baselines (LangChain tutorial, BM25 only,
dense only) are runs of the same evaluation, so the report shows them side by side with the ratios
tool / baseline.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from budgetqa.atomic import write_bytes, write_text

from . import plots
from .answer_metrics import AnswerEvaluation, AnswerRecord, AnswerScores, SpanOracle, evaluate_answers
from .gold import FOLLOW_UP, LANGUAGES, QUESTION_TYPES, GoldQuestion, normalise_ranking, relevant_ids
from .metrics import MetricSpec, RetrievalEvaluation, RetrievalScores, breakdown, evaluate_rankings, gap

ALL = "all"
LANGUAGE_GROUPS: tuple[str, ...] = (ALL, *LANGUAGES)
TYPE_GROUPS: tuple[str, ...] = (*QUESTION_TYPES, FOLLOW_UP)
HEADLINE_METRICS: tuple[str, ...] = ("hit@1", "hit@5", "hit@10", "recall@10", "mrr@10", "ndcg@10")
RATIO_METRICS: tuple[str, ...] = ("hit@5", "mrr@10", "ndcg@10")
PLOT_METRICS: tuple[str, ...] = ("hit@5", "mrr@10")

REPORT_MD = "report.md"
RESULTS_JSON = "results.json"
LANGUAGE_PNG = "retrieval_by_language.png"
TYPE_PNG = "retrieval_by_type.png"
ANSWERS_PNG = "answers_by_type.png"


@dataclass
class SystemRun:
    """One system's output on the gold questions."""

    name: str
    rankings: Mapping[str, Sequence[str]]  # question id → ranked unit ids (rows and annex forms allowed)
    answers: Sequence[AnswerRecord] | None = None
    build_seconds: float | None = None
    is_tool: bool = False


@dataclass
class SystemResult:
    """The scores of one run."""

    name: str
    retrieval: RetrievalEvaluation
    groups: dict[str, RetrievalScores]  # "all", "zh", "en", each type, "follow-up"
    zh_en_gap: dict[str, float]
    answers: AnswerEvaluation | None
    build_seconds: float | None
    is_tool: bool


@dataclass
class EvalReport:
    """Every system's scores on one gold set."""

    gold_name: str
    questions: list[GoldQuestion]
    systems: list[SystemResult]
    notes: list[str] = field(default_factory=list)
    span_citations: bool = False  # citations of a unit holding the gold answer span count as correct
    appendix: list[str] = field(default_factory=list)  # further markdown sections (dev split, generated questions)
    appendix_json: dict[str, object] = field(default_factory=dict)  # their results, top-level keys of results.json

    @property
    def tool(self) -> SystemResult | None:
        return next((s for s in self.systems if s.is_tool), None)

    @property
    def baselines(self) -> list[SystemResult]:
        return [s for s in self.systems if not s.is_tool]

    def system(self, name: str) -> SystemResult:
        for result in self.systems:
            if result.name == name:
                return result
        raise KeyError(f"no system {name!r}; systems: {', '.join(s.name for s in self.systems)}")


def _question_groups(questions: Iterable[GoldQuestion]) -> dict[str, tuple[str, ...]]:
    return {q.id: (ALL, q.lang, *q.groups) for q in questions}


def score_run(
    questions: Sequence[GoldQuestion],
    run: SystemRun,
    *,
    span_oracle: SpanOracle | None = None,
    spec: MetricSpec | None = None,
) -> SystemResult:
    """Retrieval (and, when the run has answers, answer) metrics of one run."""
    rankings = {qid: normalise_ranking(ranking) for qid, ranking in run.rankings.items()}
    evaluation = evaluate_rankings(rankings, {q.id: relevant_ids(q) for q in questions}, spec)
    groups = breakdown(evaluation, _question_groups(questions))
    empty = evaluation.subset([])
    zh_en = gap(groups.get("zh", empty), groups.get("en", empty))
    answers = evaluate_answers(questions, run.answers, span_oracle) if run.answers is not None else None
    return SystemResult(run.name, evaluation, groups, zh_en, answers, run.build_seconds, run.is_tool)


def evaluate_systems(
    questions: Sequence[GoldQuestion],
    runs: Sequence[SystemRun],
    *,
    gold_name: str = "gold",
    span_oracle: SpanOracle | None = None,
    spec: MetricSpec | None = None,
) -> EvalReport:
    """Score every run on the same questions."""
    names = [run.name for run in runs]
    if len(set(names)) != len(names):
        raise ValueError(f"system names must be unique, got {names}")
    if sum(run.is_tool for run in runs) > 1:
        raise ValueError("at most one run can be the tool (is_tool=True)")
    systems = [score_run(questions, run, span_oracle=span_oracle, spec=spec) for run in runs]
    return EvalReport(gold_name, list(questions), systems, span_citations=span_oracle is not None)


# ---------------------------------------------------------------------------------------------- markdown


def _fmt(value: float | int | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, None when the denominator is 0."""
    return numerator / denominator if denominator else None


def _metric(scores: RetrievalScores | None, name: str) -> float | None:
    return None if scores is None or scores.n == 0 else scores.metric(name)


def _retrieval_section(report: EvalReport) -> list[str]:
    out = ["## Retrieval", ""]
    for group in LANGUAGE_GROUPS:
        n = max((s.groups.get(group, s.retrieval.subset([])).n for s in report.systems), default=0)
        out += [f"### {group} ({n} answerable questions)", ""]
        rows = [
            [
                s.name + (" (tool)" if s.is_tool else ""),
                *(_fmt(_metric(s.groups.get(group), m)) for m in HEADLINE_METRICS),
            ]
            for s in report.systems
        ]
        out += [_table(["system", *HEADLINE_METRICS], rows), ""]
    out += ["### zh − en gap", ""]
    rows = [[s.name, *(_fmt(s.zh_en_gap.get(m)) for m in HEADLINE_METRICS)] for s in report.systems]
    out += [_table(["system", *HEADLINE_METRICS], rows), ""]
    tool = report.tool
    if tool is not None and report.baselines:
        out += [f"### Ratios {tool.name} / baseline", ""]
        header = ["baseline", *(f"{m} {g}" for m in RATIO_METRICS for g in LANGUAGE_GROUPS)]
        rows = []
        for baseline in report.baselines:
            cells = []
            for metric in RATIO_METRICS:
                for group in LANGUAGE_GROUPS:
                    mine, theirs = (
                        _metric(tool.groups.get(group), metric),
                        _metric(baseline.groups.get(group), metric),
                    )
                    value = ratio(mine, theirs) if mine is not None and theirs is not None else None
                    cells.append("n/a" if value is None else f"{value:.2f}×")
            rows.append([baseline.name, *cells])
        out += [_table(header, rows), ""]
    out += ["### By question type (hit@5 / MRR@10)", ""]
    types = [t for t in TYPE_GROUPS if any(s.groups.get(t) and s.groups[t].n for s in report.systems)]
    rows = []
    for s in report.systems:
        cells = [
            f"{_fmt(_metric(s.groups.get(t), 'hit@5'), 2)} / {_fmt(_metric(s.groups.get(t), 'mrr@10'), 2)}"
            for t in types
        ]
        rows.append([s.name, *cells])
    header_types = [f"{t} (n={max(s.groups[t].n for s in report.systems if t in s.groups)})" for t in types]
    out += [_table(["system", *header_types], rows), ""]
    builds = [s for s in report.systems if s.build_seconds is not None]
    if builds:
        out += ["### Index build time", ""]
        out += [_table(["system", "build (s)"], [[s.name, f"{s.build_seconds:.1f}"] for s in builds]), ""]
    return out


ANSWER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("figure accuracy", "figure_accuracy"),
    ("figure recall", "figure_recall"),
    ("citation P", "citation_precision"),
    ("citation R", "citation_recall"),
    ("cites gold", "cites_gold_rate"),
    ("abstention P", "abstention_precision"),
    ("abstention R", "abstention_recall"),
    ("English answers showing Chinese", "chinese_in_english"),
)


def _answer_row(name: str, scores: AnswerScores) -> list[str]:
    values = scores.to_json()
    return [name, str(scores.n), *(_fmt(values[key]) for _, key in ANSWER_COLUMNS)]


def _answer_section(report: EvalReport) -> list[str]:
    answering = [(s.name, s.answers) for s in report.systems if s.answers is not None]
    if not answering:
        return []
    out = ["## Answers", ""]
    header = ["group", "n", *(label for label, _ in ANSWER_COLUMNS)]
    for name, answers in answering:
        out += [f"### {name}", ""]
        rows = [_answer_row(group, scores) for group, scores in _answer_groups(answers).items()]
        out += [_table(header, rows), ""]
    span_rule = (
        "; a citation also counts when the cited unit contains the gold answer span"
        if report.span_citations
        else ""
    )
    out += [
        "Figure accuracy: the main figures of the gold answer (numbers outside parentheses, years and "
        "references excluded) all appear in the answer, up to unit changes and rounding. Citation P/R at "
        f"unit-id level{span_rule}. Abstention: unanswerable questions should be abstained from.",
        "",
    ]
    return out


def render_markdown(report: EvalReport) -> str:
    """The report as markdown."""
    by_lang = {lang: sum(q.lang == lang for q in report.questions) for lang in LANGUAGES}
    answerable = sum(q.answerable for q in report.questions)
    out = [
        f"# budgetqa evaluation — {report.gold_name}",
        "",
        f"{len(report.questions)} questions ({', '.join(f'{k} {v}' for k, v in by_lang.items())}); "
        f"{answerable} answerable. A hit is a gold paragraph, table or figure among the top k "
        "(table rows count as their table).",
        "",
        *_retrieval_section(report),
        *_answer_section(report),
        *report.appendix,
    ]
    if report.notes:
        out += ["## Notes", "", *(f"- {note}" for note in report.notes), ""]
    out += [f"![retrieval by language]({LANGUAGE_PNG})", "", f"![retrieval by type]({TYPE_PNG})", ""]
    if any(s.answers is not None for s in report.systems):
        out += [f"![answers by group]({ANSWERS_PNG})", ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- json, plots


def results_json(report: EvalReport) -> dict[str, object]:
    """Every per-question result, every summary, for every system."""
    systems: dict[str, object] = {}
    for s in report.systems:
        systems[s.name] = {
            "is_tool": s.is_tool,
            "build_seconds": s.build_seconds,
            "retrieval": {group: scores.to_json() for group, scores in s.groups.items()},
            "zh_en_gap": s.zh_en_gap,
            "per_question": {qid: r.to_json() for qid, r in s.retrieval.per_question.items()},
            "answers": None
            if s.answers is None
            else {
                "overall": s.answers.overall.to_json(),
                "by_group": {g: a.to_json() for g, a in s.answers.by_group.items()},
                "per_question": {qid: a.to_json() for qid, a in s.answers.per_question.items()},
            },
        }
    return {
        "gold": report.gold_name,
        "questions": [
            {
                "id": q.id,
                "lang": q.lang,
                "type": q.type,
                "follow_up_of": q.follow_up_of,
                "relevant": sorted(relevant_ids(q)),
            }
            for q in report.questions
        ],
        "systems": systems,
        "notes": report.notes,
        **report.appendix_json,
    }


def _series(report: EvalReport, metric: str, groups: Sequence[str]) -> dict[str, dict[str, float | None]]:
    return {s.name: {g: _metric(s.groups.get(g), metric) for g in groups} for s in report.systems}


def _answer_groups(answers: AnswerEvaluation) -> dict[str, AnswerScores]:
    groups = {ALL: answers.overall}
    groups.update((g, answers.by_group[g]) for g in (*LANGUAGES, *TYPE_GROUPS) if g in answers.by_group)
    return groups


def _answer_series(report: EvalReport) -> dict[str, dict[str, dict[str, float | None]]]:
    """Metric → system → group → value, for the systems that answer."""
    panels: dict[str, dict[str, dict[str, float | None]]] = {}
    for label, key in (("figure accuracy", "figure_accuracy"), ("cites gold", "cites_gold_rate")):
        for system in report.systems:
            if system.answers is None:
                continue
            groups = _answer_groups(system.answers)
            panels.setdefault(label, {})[system.name] = {
                g: groups[g].to_json()[key] if g in groups else None for g in (ALL, *LANGUAGES, *TYPE_GROUPS)
            }
    return panels


def render_plots(report: EvalReport) -> dict[str, bytes]:
    """File name → PNG bytes of every chart of the report."""
    types = [t for t in TYPE_GROUPS if any(t in s.groups and s.groups[t].n for s in report.systems)]
    out = {
        LANGUAGE_PNG: plots.metric_panels_png(
            {m: _series(report, m, LANGUAGE_GROUPS) for m in PLOT_METRICS}, LANGUAGE_GROUPS, xlabel="language"
        ),
        TYPE_PNG: plots.metric_panels_png(
            {m: _series(report, m, types) for m in PLOT_METRICS}, types, xlabel="question type"
        ),
    }
    answer_panels = _answer_series(report)
    if answer_panels:
        groups = [
            g
            for g in (ALL, *LANGUAGES, *TYPE_GROUPS)
            if any(s.answers is not None and g in _answer_groups(s.answers) for s in report.systems)
        ]
        out[ANSWERS_PNG] = plots.metric_panels_png(answer_panels, groups, xlabel="group")
    return out


# ---------------------------------------------------------------------------------------------- writing


def write_report(report: EvalReport, results_dir: str | Path) -> list[Path]:
    """Write report.md, results.json and the PNG plots under `results_dir`; returns the written paths."""
    folder = Path(results_dir)
    written = []
    for name, png in render_plots(report).items():
        write_bytes(folder / name, png)
        written.append(folder / name)
    write_text(
        folder / RESULTS_JSON, json.dumps(results_json(report), ensure_ascii=False, indent=2) + "\n"
    )
    written.append(folder / RESULTS_JSON)
    write_text(folder / REPORT_MD, render_markdown(report))
    written.append(folder / REPORT_MD)
    return written
