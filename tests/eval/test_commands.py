"""`budgetqa eval`: gold files checked before any model loads, and a results folder from a real run."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetqa.cli import app
from budgetqa.eval.answer_metrics import AnswerRecord, CitedUnit
from budgetqa.eval.evaluate import (
    BASELINES,
    BM25_ONLY,
    DENSE_ONLY,
    EvalOptions,
    default_results_dir,
    results_dir_for,
    single_retriever_weights,
    target_checks,
)
from budgetqa.eval.gold import GoldQuestion, default_gold_path
from budgetqa.eval.report import LANGUAGE_PNG, REPORT_MD, RESULTS_JSON, SystemRun, evaluate_systems
from budgetqa.index.searcher import FUSION_WEIGHTS

runner = CliRunner()


def _question(qid: str, lang: str, qtype: str, paragraph: str | None) -> GoldQuestion:
    return GoldQuestion(
        id=qid,
        lang=lang,  # type: ignore[arg-type]
        type=qtype,  # type: ignore[arg-type]
        question="…",
        gold_paragraphs=(paragraph,) if paragraph else (),
        gold_tables=(),
        gold_figures=(),
        answer="2024 年拟议 775 326 200 美元" if paragraph else "",
        answer_zh_span="",
    )


# ---------------------------------------------------------------------------------------------- fast


def test_a_malformed_gold_file_exits_2_naming_the_file_and_line(tmp_path: Path) -> None:
    gold = tmp_path / "bad.jsonl"
    gold.write_text(
        '{"id": "q1", "lang": "zh", "type": "fact", "question": "？", "gold_paragraphs": ["3.1"]}\n{oops\n'
    )
    result = runner.invoke(app, ["eval", "--gold", str(gold), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "bad.jsonl:2" in " ".join(result.output.split())
    assert not (tmp_path / "out").exists()


def test_a_missing_gold_file_exits_2_and_says_what_to_pass(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "--gold", str(tmp_path / "nowhere.jsonl")])
    assert result.exit_code == 2
    assert "does not exist" in " ".join(result.output.split())


def test_an_unknown_baseline_exits_2_listing_the_known_ones() -> None:
    result = runner.invoke(app, ["eval", "--baseline", "bm42"])
    assert result.exit_code == 2
    assert "bm25-only" in " ".join(result.output.split())


def test_the_default_gold_set_is_the_packaged_dev_set_and_every_baseline_runs() -> None:
    options = EvalOptions(gold_paths=(default_gold_path(),), out_dir=Path("out"))
    assert options.gold_paths[0].name == "dev_qa.jsonl" and options.gold_paths[0].is_file()
    assert options.baselines == BASELINES


def test_results_go_to_a_timestamped_folder_and_one_subfolder_per_gold_file_when_several() -> None:
    assert default_results_dir(datetime(2024, 5, 6, 7, 8, 9)) == Path("eval/results/20240506-070809")
    assert results_dir_for(Path("out"), Path("a/dev.jsonl"), several=False) == Path("out")
    assert results_dir_for(Path("out"), Path("a/dev.jsonl"), several=True) == Path("out/dev")


def test_bm25_only_keeps_only_bm25_and_dense_only_keeps_the_tools_dense_weights() -> None:
    assert single_retriever_weights(BM25_ONLY, "en") == {"bm25": 1.0}
    for lang in ("zh", "en"):
        dense = single_retriever_weights(DENSE_ONLY, lang)
        assert dense and all(name.startswith("dense:") for name in dense)
        assert all(FUSION_WEIGHTS[lang][name] == weight for name, weight in dense.items())  # type: ignore[index]


def test_targets_report_hit_at_5_per_language_and_the_abstention_rates() -> None:
    questions = [
        _question("zh1", "zh", "numeric", "3.144"),
        _question("en1", "en", "numeric", "3.144"),
        _question("no1", "en", "unanswerable", None),
    ]
    answers = [
        AnswerRecord("zh1", "775 326 200 美元", (CitedUnit("paragraph", "3.144"),)),
        AnswerRecord("en1", "The document does not say.", (), abstained=True),
        AnswerRecord("no1", "The document does not say.", (), abstained=True),
    ]
    run = SystemRun("tool", {"zh1": ["paragraph:3.144"], "en1": ["paragraph:3.1"]}, answers, is_tool=True)
    checks = {check.name: check for check in target_checks(evaluate_systems(questions, [run]))}
    assert checks["retrieval hit@5 zh"].value == 1.0 and checks["retrieval hit@5 zh"].met
    assert checks["retrieval hit@5 en"].value == 0.0 and checks["retrieval hit@5 en"].met is False
    assert checks["unanswerable questions abstained"].value == 1.0
    assert (
        checks["answerable questions abstained"].value == 0.5
        and not checks["answerable questions abstained"].met
    )
    assert checks["figure accuracy, numeric + table"].value == 0.5


# ---------------------------------------------------------------------------------------------- slow


@pytest.mark.slow
def test_eval_on_three_questions_writes_the_report_plots_and_every_per_question_result(
    tmp_path: Path,
) -> None:
    lines = default_gold_path().read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    chosen = [r for r in records if r["lang"] == "zh" and r["type"] == "table" and not r["follow_up_of"]][:1]
    chosen += [r for r in records if r["lang"] == "en" and r["type"] == "numeric" and not r["follow_up_of"]][
        :1
    ]
    chosen += [r for r in records if r["type"] == "unanswerable"][:1]
    gold = tmp_path / "three.jsonl"
    gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chosen), encoding="utf-8")
    out = tmp_path / "results"

    result = runner.invoke(app, ["eval", "--gold", str(gold), "--out", str(out), "--no-baselines"])

    assert result.exit_code == 0, result.output
    assert "Retrieval" in result.output and "Answers" in result.output
    for name in (REPORT_MD, RESULTS_JSON, LANGUAGE_PNG):
        assert (out / name).is_file()
    results = json.loads((out / RESULTS_JSON).read_text(encoding="utf-8"))
    tool = results["systems"]["budgetqa"]
    assert tool["is_tool"]
    assert set(tool["answers"]["per_question"]) == {r["id"] for r in chosen}
    assert len(tool["per_question"]) == 2  # the unanswerable question has no gold unit to rank
    assert "target: retrieval hit@5 zh" in (out / REPORT_MD).read_text(encoding="utf-8")
