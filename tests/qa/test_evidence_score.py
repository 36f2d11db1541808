"""The evidence weights: one fitted object, read from the shipped file, combining named features."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest

from budgetqa.index.evidence import Candidate
from budgetqa.index.model import IndexUnit
from budgetqa.ingest.model import BlockKind, LineSpan
from budgetqa.qa import evidence_score
from budgetqa.qa.evidence_score import Evidence, EvidenceWeights, Feature, WeightsError, default_weights_path


def _candidate(lexical: float, semantic: float, rank: int = 0) -> Candidate:
    """A FAKE sentence candidate: invented text, not the document's."""
    unit = IndexUnit(
        uid="paragraph:9.1", kind=BlockKind.PARAGRAPH, ref="9.1", title="", text="示例句子。",
        indexed_text="示例句子。", lines=LineSpan(1, 1), section=(), part="一",
    )
    return Candidate(unit, "示例句子。", rank, lexical, semantic)


def test_the_doctests_hold() -> None:
    assert doctest.testmod(evidence_score).failed == 0


def test_the_shipped_weights_name_every_feature_and_say_where_they_come_from() -> None:
    record = json.loads(default_weights_path().read_text(encoding="utf-8"))
    assert set(record["weights"]) == {feature.value for feature in Feature}
    assert record["fitted_on"]  # written by eval/fit_evidence.py, or the earlier weights it is measured against
    assert 0.0 < record["abstain_below"] < 1.0
    weights = EvidenceWeights.load()
    assert weights.weights[Feature.LEXICAL] > 0  # covering the question's terms can only help


def test_a_better_covered_candidate_scores_higher_and_scores_are_probabilities() -> None:
    weights = EvidenceWeights.load()
    strong = Evidence.of(_candidate(0.9, 0.8), weights)
    weak = Evidence.of(_candidate(0.1, 0.2, rank=9), weights)
    assert 0.0 < weak.score < strong.score < 1.0


def test_added_features_sum_with_those_already_there() -> None:
    weights = EvidenceWeights({Feature.NIL: -2.0}, intercept=0.0)
    item = Evidence.of(_candidate(0.5, 0.5), weights, None, {Feature.NIL: 1.0})
    twice = item.with_features({Feature.NIL: 1.0})
    assert twice.features[Feature.NIL] == 2.0 and twice.score < item.score
    assert Evidence(_candidate(0.5, 0.5)).score == 0.0  # no weights, no score


def test_weights_survive_a_round_trip_with_their_record(tmp_path: Path) -> None:
    weights = EvidenceWeights({Feature.LEXICAL: 3.0, Feature.OTHER_PART: -1.5}, -2.0, 0.4, 0.8, "a test")
    path = tmp_path / "weights.json"
    weights.save(path, check_accuracy=0.5)
    again = EvidenceWeights.load(path)
    assert again.weights[Feature.LEXICAL] == 3.0 and again.weights[Feature.OTHER_PART] == -1.5
    assert (again.intercept, again.abstain_below, again.second_ratio, again.fitted_on) == (-2.0, 0.4, 0.8, "a test")
    assert json.loads(path.read_text())["check_accuracy"] == 0.5


@pytest.mark.parametrize("content", ["", "{}", '{"weights": {"no_such_feature": 1}, "intercept": 0, "abstain_below": 0.5}'])
def test_an_unusable_weights_file_says_how_to_refit(tmp_path: Path, content: str) -> None:
    path = tmp_path / "weights.json"
    path.write_text(content)
    with pytest.raises(WeightsError, match="fit_evidence"):
        EvidenceWeights.load(path)
