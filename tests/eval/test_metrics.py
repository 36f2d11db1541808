"""Retrieval metrics (hand-computed and against sentence-transformers) and answer metrics."""

from __future__ import annotations

import math
import random

import pytest

from budgetqa.eval.answer_metrics import (
    AnswerRecord,
    CitedUnit,
    aggregate,
    evaluate_answers,
    key_figures,
    score_answer,
    span_oracle_from_texts,
)
from budgetqa.eval.gold import GoldQuestion, default_gold_path, load_gold
from budgetqa.eval.metrics import MetricSpec, breakdown, evaluate_rankings, gap, score_ranking

# ---------------------------------------------------------------------------------------------- retrieval


def test_metrics_of_a_ranking_match_hand_computed_values() -> None:
    result = score_ranking("q", ["a", "r1", "b", "r2"], {"r1", "r2", "r3"})
    assert result.first_relevant_rank == 2
    assert result.accuracy_at_k == {1: 0.0, 5: 1.0, 10: 1.0}
    assert result.precision_at_k == {1: 0.0, 5: 2 / 5, 10: 2 / 10}
    assert result.recall_at_k == {1: 0.0, 5: 2 / 3, 10: 2 / 3}
    assert result.mrr_at_k == {10: 0.5}
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert result.ndcg_at_k[10] == pytest.approx((1 / math.log2(3) + 1 / math.log2(5)) / ideal)


def test_a_relevant_unit_beyond_rank_10_earns_no_mrr_at_10() -> None:
    ranking = [f"x{i}" for i in range(10)] + ["r"]
    result = score_ranking("q", ranking, {"r"})
    assert result.first_relevant_rank == 11
    assert result.mrr_at_k[10] == 0.0 and result.accuracy_at_k[10] == 0.0 and result.ndcg_at_k[10] == 0.0


def test_a_perfect_ranking_scores_one_on_every_rank_metric() -> None:
    result = score_ranking("q", ["r1", "r2"], {"r1", "r2"})
    assert result.mrr_at_k[10] == result.ndcg_at_k[10] == result.recall_at_k[10] == 1.0


def test_questions_without_relevant_ids_are_not_scored_and_missing_rankings_score_zero() -> None:
    evaluation = evaluate_rankings({"a": ["r"]}, {"a": {"r"}, "b": {"r"}, "unanswerable": set()})
    assert set(evaluation.per_question) == {"a", "b"}
    assert evaluation.per_question["b"].missing and evaluation.per_question["b"].mrr_at_k[10] == 0.0
    assert evaluation.mean.n == 2
    assert evaluation.mean.accuracy_at_k[1] == 0.5


def test_breakdown_by_language_and_the_zh_en_gap() -> None:
    evaluation = evaluate_rankings(
        {"z1": ["r"], "z2": ["x", "r"], "e1": ["x", "y", "r"], "e2": []},
        {"z1": {"r"}, "z2": {"r"}, "e1": {"r"}, "e2": {"r"}},
    )
    groups = breakdown(
        evaluation, {"z1": ["zh", "numeric"], "z2": ["zh"], "e1": ["en", "numeric"], "e2": ["en"]}
    )
    assert groups["zh"].mrr_at_k[10] == pytest.approx(0.75)
    assert groups["en"].mrr_at_k[10] == pytest.approx(1 / 6)
    assert groups["numeric"].n == 2 and groups["numeric"].accuracy_at_k[1] == 0.5
    assert gap(groups["zh"], groups["en"])["mrr@10"] == pytest.approx(0.75 - 1 / 6)
    assert groups["zh"].metric("hit@5") == 1.0 and groups["en"].metric("hit@5") == 0.5


def test_unknown_metric_names_list_the_available_ones() -> None:
    scores = evaluate_rankings({"a": ["r"]}, {"a": {"r"}}).mean
    with pytest.raises(KeyError, match="available: n, hit@1"):
        scores.metric("map@100")


def test_cut_offs_must_be_positive() -> None:
    with pytest.raises(ValueError, match="cut-offs"):
        MetricSpec(accuracy_at_k=(0,))


def test_metrics_equal_sentence_transformers_information_retrieval_evaluator() -> None:
    """Random rankings scored by our functions and by the evaluator's own `compute_metrics`.

    No model is involved: `InformationRetrievalEvaluator.compute_metrics` takes each query's scored
    hits directly, so the hits are given descending scores in our ranking's order.
    """
    from sentence_transformers.sentence_transformer.evaluation import InformationRetrievalEvaluator

    rng = random.Random(7)
    corpus = {f"paragraph:3.{i}": f"text {i}" for i in range(1, 41)}
    ids = list(corpus)
    queries, relevant, rankings = {}, {}, {}
    for q in range(25):
        qid = f"q{q}"
        queries[qid] = f"question {q}"
        relevant[qid] = set(rng.sample(ids, rng.randint(1, 4)))
        rankings[qid] = rng.sample(ids, rng.randint(3, 15))
    spec = MetricSpec(
        accuracy_at_k=(1, 3, 5, 10), precision_recall_at_k=(1, 3, 5, 10), mrr_at_k=(10,), ndcg_at_k=(10,)
    )
    evaluator = InformationRetrievalEvaluator(
        queries,
        corpus,
        relevant,
        accuracy_at_k=list(spec.accuracy_at_k),
        precision_recall_at_k=list(spec.precision_recall_at_k),
        mrr_at_k=list(spec.mrr_at_k),
        ndcg_at_k=list(spec.ndcg_at_k),
        map_at_k=[10],
        write_csv=False,
    )
    hits = [
        [{"corpus_id": cid, "score": 1.0 - rank / 100} for rank, cid in enumerate(rankings[qid])]
        for qid in evaluator.queries_ids
    ]
    theirs = evaluator.compute_metrics(hits)
    ours = evaluate_rankings(rankings, relevant, spec).mean
    for k in spec.accuracy_at_k:
        assert ours.accuracy_at_k[k] == pytest.approx(theirs["accuracy@k"][k])
    for k in spec.precision_recall_at_k:
        assert ours.precision_at_k[k] == pytest.approx(theirs["precision@k"][k])
        assert ours.recall_at_k[k] == pytest.approx(theirs["recall@k"][k])
    assert ours.mrr_at_k[10] == pytest.approx(theirs["mrr@k"][10])
    assert ours.ndcg_at_k[10] == pytest.approx(theirs["ndcg@k"][10])


# ---------------------------------------------------------------------------------------------- answers


def _question(**overrides: object) -> GoldQuestion:
    fields: dict[str, object] = {
        "id": "Q",
        "lang": "zh",
        "type": "numeric",
        "question": "建设和平基金 2022 年的投资总额是多少？投向了多少个国家？",
        "gold_paragraphs": ("3.87",),
        "gold_tables": (),
        "gold_figures": ("3.十一",),
        "answer": "2022 年在 37 个国家投资 2.315 亿美元",
        "answer_zh_span": "2022 年在 37 个国家投资 2.315 亿美元",
        "follow_up_of": None,
    }
    fields.update(overrides)
    return GoldQuestion(**fields)  # type: ignore[arg-type]


def test_key_figures_skip_years_symbols_grades_and_references() -> None:
    figures = key_figures("2022 年在 37 个国家投资 2.315 亿美元")
    assert [(f.text, f.main) for f in figures] == [("37", True), ("2.315 亿", True)]
    assert key_figures("大会第 64/288 号决议；A/77/83；2 个 P-4；第 3.144 段；COVID-19；2022-2024") == [
        key_figures("2 个")[0]
    ]
    assert key_figures("2015 年 3 月 12 日设立了 4 个办事处") == key_figures("4 个办事处")  # a date is no figure


def test_figures_in_parentheses_are_secondary_when_a_figure_stands_outside() -> None:
    figures = key_figures("32 个(2022 年计划 25 个、实际 30 个)")
    assert [(f.text, f.main) for f in figures] == [("32", True), ("25", False), ("30", False)]


def test_a_figure_written_in_another_unit_counts_as_correct() -> None:
    score = score_answer(
        _question(), AnswerRecord("Q", "In 2022 it invested $231.5 million in 37 countries.")
    )
    assert score.figure_correct is True and score.figure_recall == 1.0


def test_an_english_answer_showing_chinese_is_counted_and_a_chinese_one_is_not_scored_for_it() -> None:
    english = _question(lang="en", question="How much did the Fund invest in 2022, in how many countries?")
    scores = [
        score_answer(english, AnswerRecord("Q", "US$231.5 million in 37 countries [para. 3.87]")),
        score_answer(english, AnswerRecord("Q", "Para. 3.87 states: “2022 年在 37 个国家投资 2.315 亿美元”")),
        score_answer(_question(), AnswerRecord("Q", "2022 年在 37 个国家投资 2.315 亿美元")),
    ]
    assert [score.shows_chinese for score in scores] == [False, True, None]
    assert aggregate(scores).chinese_in_english == 0.5


def test_a_missing_main_figure_makes_the_answer_wrong() -> None:
    score = score_answer(_question(), AnswerRecord("Q", "2022 年投资 2.315 亿美元"))
    assert score.figure_correct is False and score.figure_recall == 0.5


def test_answers_without_key_figures_are_not_scored_for_figures() -> None:
    question = _question(type="fact", answer="在专家小组任务期限延长后两周内")
    assert score_answer(question, AnswerRecord("Q", "两周内")).figure_correct is None


def test_citation_precision_and_recall_at_unit_id_level() -> None:
    answer = AnswerRecord("Q", "…", (CitedUnit("paragraph", "3.87"), CitedUnit("paragraph", "3.86")))
    score = score_answer(_question(), answer)
    assert score.citation_precision == 0.5
    assert score.citation_recall == 0.5
    assert score.cites_gold is True


def test_a_citation_of_a_unit_holding_the_answer_span_counts_as_correct() -> None:
    oracle = span_oracle_from_texts({"paragraph:3.86": "……2022 年在 37 个国家\n投资 2.315 亿美元……"})
    answer = AnswerRecord("Q", "…", (CitedUnit("paragraph", "3.86"),))
    score = score_answer(_question(), answer, oracle)
    assert score.citation_precision == 1.0 and score.cites_gold is True
    assert score.citation_recall == 0.0  # recall counts the gold ids cited


def test_abstention_precision_and_recall_over_unanswerable_questions() -> None:
    questions = [
        _question(id="A"),
        _question(id="U1", type="unanswerable", gold_paragraphs=(), gold_figures=(), answer="文件未提供"),
        _question(id="U2", type="unanswerable", gold_paragraphs=(), gold_figures=(), answer="文件未提供"),
    ]
    answers = [
        AnswerRecord("A", "…", abstained=True),
        AnswerRecord("U1", "", abstained=True),
        AnswerRecord("U2", "x"),
    ]
    overall = evaluate_answers(questions, answers).overall
    assert overall.abstention_precision == 0.5
    assert overall.abstention_recall == 0.5
    assert overall.figure_accuracy == 0.0 and overall.figure_n == 1  # abstaining on A loses its figures


def test_answer_scores_break_down_by_language_and_type_and_missing_answers_are_an_error() -> None:
    questions = [_question(id="Z"), _question(id="E", lang="en", type="table")]
    answers = [AnswerRecord("Z", "37 个国家，2.315 亿美元"), AnswerRecord("E", "none")]
    evaluation = evaluate_answers(questions, answers)
    assert evaluation.by_group["zh"].figure_accuracy == 1.0
    assert evaluation.by_group["en"].figure_accuracy == 0.0
    assert evaluation.by_group["table"].n == 1
    with pytest.raises(ValueError, match="1 gold question\\(s\\) have no answer record: E"):
        evaluate_answers(questions, answers[:1])


def test_answer_records_read_from_json_lines() -> None:
    record = AnswerRecord.from_json(
        {"id": "Q", "answer": "x", "citations": [{"kind": "annex", "ref": "附件三"}], "abstained": False}
    )
    assert record.citations[0].uid == "annex:三"
    with pytest.raises(ValueError, match="needs 'kind' and 'ref'"):
        AnswerRecord.from_json({"id": "Q", "citations": [{"ref": "3.1"}]})


def test_gold_answers_score_full_figure_accuracy_on_the_dev_set() -> None:
    questions = load_gold(default_gold_path())
    answers = [AnswerRecord(q.id, q.answer, abstained=not q.answerable) for q in questions]
    overall = evaluate_answers(questions, answers).overall
    assert overall.figure_accuracy == 1.0 and overall.figure_n >= 30
    assert overall.abstention_precision == overall.abstention_recall == 1.0


def test_answer_records_from_the_tools_answers_keep_citations_and_abstention() -> None:
    from budgetqa.qa.model import Answer, Citation

    answer = Answer("q", "zh", "2.315 亿美元", [Citation("paragraph", "3.87", [3140, 3146])], 0.9, False)
    record = AnswerRecord.from_answer("P1-005", answer)
    assert record == AnswerRecord("P1-005", "2.315 亿美元", (CitedUnit("paragraph", "3.87"),), False)
