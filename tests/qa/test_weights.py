"""The evidence weights file: loaded, checked against the features, written atomically.

The shipped file is the one ``budgetqa eval fit-weights`` wrote; tests that build their own weights
use FAKE coefficients (0.5 each), to test the arithmetic and the checks, not any fitted value.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from budgetqa.qa.features import FEATURE_NAMES
from budgetqa.qa.weights import FIT_COMMAND, KINDS, Weights, WeightsError, default_weights_path


def _fake(**changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "coefficients": dict.fromkeys(FEATURE_NAMES, 0.5),
        "intercept": -1.0,
        "thresholds": {"figure": 0.3, "other": 0.1},
    }
    record.update(changes)
    return record


def test_the_shipped_weights_cover_every_feature_and_say_how_they_were_fitted() -> None:
    weights = Weights.load()
    assert list(weights.coefficients) == list(FEATURE_NAMES)
    assert all(0.0 < weights.threshold(figure=figure) < 1.0 for figure in (True, False))
    assert weights.provenance["fitted_by"] == FIT_COMMAND
    fitted_on = json.dumps(weights.provenance["fitted_on"])
    assert "fit" in fitted_on and "check" not in fitted_on


def test_probability_is_the_logistic_of_the_weighted_sum() -> None:
    weights = Weights.from_json(_fake())
    values = dict.fromkeys(FEATURE_NAMES, 0.0)
    assert weights.probability(values) == pytest.approx(1 / (1 + math.e))  # logit -1
    values[FEATURE_NAMES[0]] = 2.0
    assert weights.logit(values) == pytest.approx(0.0) and weights.probability(values) == pytest.approx(0.5)
    extreme = dict.fromkeys(FEATURE_NAMES, -5000.0)
    assert weights.probability(extreme) == 0.0  # no overflow far below zero


def test_thresholds_are_per_question_kind() -> None:
    weights = Weights.from_json(_fake())
    assert weights.threshold(figure=True) == 0.3 and weights.threshold(figure=False) == 0.1
    assert sorted(weights.thresholds) == sorted(KINDS)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (_fake(coefficients={"lexical": 1.0}), "no coefficient for"),
        (_fake(coefficients={**dict.fromkeys(FEATURE_NAMES, 0.5), "shoe_size": 1.0}), "unknown features shoe_size"),
        (_fake(thresholds={"figure": 0.3}), "thresholds must be given for figure and other"),
        (_fake(thresholds={"figure": 1.3, "other": 0.1}), "not a probability"),
        ({"coefficients": {}}, "needs 'coefficients'"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_bad_weights_say_what_is_wrong_and_how_to_refit(record: object, message: str) -> None:
    with pytest.raises(WeightsError, match=message) as raised:
        Weights.from_json(record, "weights.json")
    assert FIT_COMMAND in str(raised.value) and "weights.json" in str(raised.value)


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    weights = Weights.from_json({**_fake(), "provenance": {"fitted_by": "a test"}})
    target = tmp_path / "nested" / "weights.json"
    weights.save(target)
    assert Weights.load(target) == weights
    assert not [p for p in target.parent.iterdir() if p.name != "weights.json"]  # no temporary left


def test_a_missing_or_unreadable_file_names_the_command_that_writes_one(tmp_path: Path) -> None:
    with pytest.raises(WeightsError, match="no weights file at .*fit-weights"):
        Weights.load(tmp_path / "absent.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(WeightsError, match="cannot be read as JSON"):
        Weights.load(broken)
    assert default_weights_path().name == "evidence_weights.json"
