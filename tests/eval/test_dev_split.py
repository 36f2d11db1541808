"""The development set's fit / check halves: stable, by conversation, reported beside the whole set."""

from __future__ import annotations

from budgetqa.eval.answer_metrics import AnswerRecord, CitedUnit
from budgetqa.eval.dev_split import CHECK, FIT, dev_splits, render_markdown, split_metrics, split_of_id
from budgetqa.eval.gold import GoldQuestion, default_gold_path, load_gold
from budgetqa.eval.report import SystemRun, evaluate_systems


def question(qid: str, follow_up_of: str | None = None) -> GoldQuestion:
    return GoldQuestion(
        qid, "zh", "numeric", f"问题 {qid}", ("3.264",), (), (), "10 112 100 美元", "", follow_up_of
    )


def test_the_half_of_an_id_is_stable() -> None:
    assert split_of_id("T-001") == split_of_id("T-001")
    assert {split_of_id(f"T-{n:03d}") for n in range(40)} == {FIT, CHECK}


def test_a_follow_up_goes_with_the_question_it_follows() -> None:
    ids = [f"T-{n:03d}" for n in range(30)]
    questions = [question(qid) for qid in ids]
    questions += [question("T-900", follow_up_of="T-005"), question("T-901", follow_up_of="T-900")]
    halves = dev_splits(questions)
    home = FIT if "T-005" in halves[FIT] else CHECK
    assert "T-900" in halves[home] and "T-901" in halves[home]
    assert sorted(halves[FIT] + halves[CHECK]) == sorted(q.id for q in questions)


def test_the_packaged_development_set_splits_into_two_non_empty_halves() -> None:
    questions = load_gold(default_gold_path())
    halves = dev_splits(questions)
    assert halves[FIT] and halves[CHECK] and len(halves[FIT]) + len(halves[CHECK]) == len(questions)


def test_split_metrics_sit_beside_the_whole_set() -> None:
    questions = [question(f"T-{n:03d}") for n in range(12)]
    rankings = {q.id: ["paragraph:3.264"] for q in questions}
    answers = [AnswerRecord(q.id, "10 112 100 美元", (CitedUnit("paragraph", "3.264"),)) for q in questions]
    report = evaluate_systems(questions, [SystemRun("budgetqa", rankings, answers, is_tool=True)])
    metrics = split_metrics(report)
    assert set(metrics) == {"whole", FIT, CHECK}
    assert metrics["whole"]["n"] == 12 and metrics[FIT]["n"] + metrics[CHECK]["n"] == 12  # type: ignore[operator]
    assert metrics["whole"]["hit@5"] == 1.0 and metrics["whole"]["figure_accuracy"] == 1.0
    assert "## Development set split (fit / check)" in "\n".join(render_markdown(report))
