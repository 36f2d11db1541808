"""The results folder: report.md with systems side by side, PNG plots, results.json per question."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from budgetqa.eval.answer_metrics import AnswerRecord, CitedUnit
from budgetqa.eval.gold import GoldQuestion
from budgetqa.eval.report import (
    ANSWERS_PNG,
    LANGUAGE_PNG,
    REPORT_MD,
    RESULTS_JSON,
    TYPE_PNG,
    SystemRun,
    evaluate_systems,
    render_markdown,
    write_report,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _q(
    qid: str, lang: str, qtype: str, paragraphs: tuple[str, ...], follow_up_of: str | None = None
) -> GoldQuestion:
    return GoldQuestion(
        id=qid,
        lang=lang,  # type: ignore[arg-type]
        type=qtype,  # type: ignore[arg-type]
        question="…",
        gold_paragraphs=paragraphs,
        gold_tables=(),
        gold_figures=(),
        answer="37 个国家" if paragraphs else "文件未提供",
        answer_zh_span="",
        follow_up_of=follow_up_of,
    )


QUESTIONS = [
    _q("Z1", "zh", "numeric", ("3.87",)),
    _q("Z2", "zh", "table", ("3.43",), follow_up_of="Z1"),
    _q("E1", "en", "numeric", ("3.87",)),
    _q("E2", "en", "fact", ("3.21",)),
    _q("U1", "en", "unanswerable", ()),
]
TOOL = SystemRun(
    "budgetqa",
    {
        "Z1": ["paragraph:3.87"],
        "Z2": ["row:3.7:1", "paragraph:3.43"],
        "E1": ["paragraph:3.87"],
        "E2": ["paragraph:3.1", "paragraph:3.21"],
        "U1": [],
    },
    answers=[
        AnswerRecord("Z1", "37 个国家", (CitedUnit("paragraph", "3.87"),)),
        AnswerRecord("Z2", "x", (CitedUnit("table", "3.7"),)),
        AnswerRecord("E1", "37 countries", (CitedUnit("paragraph", "3.87"),)),
        AnswerRecord("E2", "y"),
        AnswerRecord("U1", "not in the document", abstained=True),
    ],
    build_seconds=12.5,
    is_tool=True,
)
BASELINE = SystemRun(
    "langchain",
    {"Z1": ["paragraph:3.1", "paragraph:3.87"], "Z2": ["paragraph:3.43"], "E1": ["paragraph:3.2"], "E2": []},
    build_seconds=30.0,
)


def test_the_tool_and_baselines_are_scored_on_the_same_questions() -> None:
    report = evaluate_systems(QUESTIONS, [TOOL, BASELINE], gold_name="toy")
    tool, baseline = report.system("budgetqa"), report.system("langchain")
    assert tool.groups["all"].n == baseline.groups["all"].n == 4
    assert tool.groups["zh"].metric("mrr@10") == pytest.approx(0.75)  # Z2: the row of 表 3.7 is ranked first
    assert baseline.groups["en"].metric("hit@10") == 0.0
    assert tool.groups["follow-up"].n == 1
    assert tool.zh_en_gap["mrr@10"] == pytest.approx(0.75 - 0.75)
    assert report.tool is tool and report.baselines == [baseline]


def test_the_markdown_report_shows_each_language_the_ratios_and_the_answers() -> None:
    text = render_markdown(evaluate_systems(QUESTIONS, [TOOL, BASELINE], gold_name="toy"))
    assert "### zh (2 answerable questions)" in text and "### en (2 answerable questions)" in text
    assert "| budgetqa (tool) | 0.500 | 1.000 | 1.000 |" in text  # zh: hit@1, hit@5, hit@10
    assert "### Ratios budgetqa / baseline" in text
    assert "| langchain | 2.00× | 1.00× | n/a |" in text  # hit@5: all, zh, en (the baseline has 0)
    assert "## Answers" in text and "| unanswerable | 1 |" in text


def test_system_names_must_be_unique_and_only_one_run_is_the_tool() -> None:
    with pytest.raises(ValueError, match="unique"):
        evaluate_systems(QUESTIONS, [BASELINE, BASELINE])
    with pytest.raises(ValueError, match="at most one run"):
        evaluate_systems(QUESTIONS, [TOOL, SystemRun("other", {}, is_tool=True)])


def test_the_results_folder_holds_report_plots_and_every_per_question_result(tmp_path: Path) -> None:
    report = evaluate_systems(QUESTIONS, [TOOL, BASELINE], gold_name="toy")
    written = write_report(report, tmp_path / "results")
    folder = tmp_path / "results"
    assert {p.name for p in written} == {REPORT_MD, RESULTS_JSON, LANGUAGE_PNG, TYPE_PNG, ANSWERS_PNG}
    for name in (LANGUAGE_PNG, TYPE_PNG, ANSWERS_PNG):
        assert (folder / name).read_bytes().startswith(PNG_SIGNATURE)
    results = json.loads((folder / RESULTS_JSON).read_text(encoding="utf-8"))
    assert set(results["systems"]) == {"budgetqa", "langchain"}
    tool = results["systems"]["budgetqa"]
    assert set(tool["per_question"]) == {"Z1", "Z2", "E1", "E2"}
    assert tool["per_question"]["Z2"]["ranking"] == ["table:3.7", "paragraph:3.43"]
    assert tool["answers"]["per_question"]["U1"]["abstained"] is True
    assert results["systems"]["langchain"]["answers"] is None
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in written)  # no temp files left
