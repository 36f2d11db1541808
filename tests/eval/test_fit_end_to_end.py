"""The end-to-end search of the evidence weights: its steps, and its score on the real answerer."""

from __future__ import annotations

import pytest

from budgetqa.eval.fit_end_to_end import EndToEnd, Score, apply_step, search, steps
from budgetqa.eval.gold import GoldQuestion
from budgetqa.qa.evidence_score import EvidenceWeights, Feature
from budgetqa.qa.service import QAService
from budgetqa.settings import Settings

# FAKE weights, to check the arithmetic of the steps.
FAKE = EvidenceWeights({Feature.LEXICAL: 1.0}, intercept=-2.0, abstain_below=0.04, second_ratio=0.98)


def test_a_step_moves_one_weight_and_keeps_the_threshold_and_ratio_in_range() -> None:
    assert apply_step(FAKE, "lexical +0.5").weights[Feature.LEXICAL] == 1.5
    assert apply_step(FAKE, "semantic -1.0").weights[Feature.SEMANTIC] == -1.0
    assert apply_step(FAKE, "intercept +1.0").intercept == -1.0
    assert apply_step(FAKE, "abstain_below -0.05").abstain_below == 0.01
    assert apply_step(FAKE, "second_ratio +0.05").second_ratio == 1.0
    assert len(steps(FAKE)) == 4 * len(Feature) + 4 + 8


def test_the_score_adds_the_three_rates_and_takes_off_the_answerable_declined() -> None:
    assert Score(0.9, 0.8, 1.0, 0.1).total == pytest.approx(2.6)


class _FixedJudge:
    """FAKE judge: scores weights by their lexical weight alone, peaking at 2.0."""

    def score(self, weights: EvidenceWeights, ids: set[str]) -> Score:
        lexical = weights.weights.get(Feature.LEXICAL, 0.0)
        return Score(1.0 - abs(lexical - 2.0) / 10, 1.0, 1.0, 0.0)


def test_the_search_keeps_only_steps_that_raise_the_fitting_score() -> None:
    best, score, kept = search(_FixedJudge(), FAKE, {"q"}, passes=3)  # type: ignore[arg-type]
    assert best.weights[Feature.LEXICAL] == 2.0 and score.figure_accuracy == 1.0
    assert kept and all("lexical" in step for step in kept)


@pytest.mark.slow
def test_the_real_answers_are_scored_as_budgetqa_eval_scores_them() -> None:
    service = QAService.open(Settings.from_env())
    questions = [
        GoldQuestion(id="T-1", lang="zh", type="numeric", question="反恐办 2024 年经常预算拟议多少员额？",
                     gold_paragraphs=(), gold_tables=("3.76",), gold_figures=(), answer="57 个员额", answer_zh_span=""),
        GoldQuestion(id="T-2", lang="en", type="unanswerable", question="What is UNOCT's approved budget for 2031?",
                     gold_paragraphs=(), gold_tables=(), gold_figures=(), answer="", answer_zh_span=""),
    ]
    judge = EndToEnd(service, questions)
    score = judge.score(service.extractive.weights, {"T-1", "T-2"})
    assert score == Score(1.0, 1.0, 1.0, 0.0)
    assert service.extractive is judge.base  # the answerer is given back its weights
