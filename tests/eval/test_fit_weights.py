"""`budgetqa eval fit-weights`: labels from the gold sets, nothing from a check half, a logistic fit
checked by grouped cross-validation, thresholds within the project's target."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from budgetqa.cli import app
from budgetqa.eval.answer_metrics import key_figures, span_oracle_from_texts
from budgetqa.eval.dev_split import CHECK, FIT, dev_splits
from budgetqa.eval.fit_labels import (
    DEV,
    GENERATED,
    PartEvidence,
    QuestionEvidence,
    dev_items,
    generated_items,
    span_overlap,
)
from budgetqa.eval.fit_model import (
    ANSWERABLE_DECLINED,
    Decision,
    choose_threshold,
    cross_validate,
    fit,
    pairs,
)
from budgetqa.eval.generate import Split, generate_questions
from budgetqa.eval.gold import default_gold_path, load_gold
from budgetqa.qa.features import FEATURE_NAMES
from budgetqa.qa.model import Citation
from budgetqa.qa.weights import FIGURE, KINDS, OTHER

runner = CliRunner()


def _fake_questions(count: int, seed: int = 7) -> list[QuestionEvidence]:
    """FAKE evidence (random features, no document): the first feature decides the label, so a fit
    must find it; each question has one positive piece among eight, half of them figure questions,
    and every fifth question is unanswerable (no positive piece)."""
    rng = np.random.default_rng(seed)
    out = []
    for index in range(count):
        features = rng.random((8, len(FEATURE_NAMES))) * 0.5
        labels = np.zeros(8, dtype=bool)
        answerable = index % 5 != 0
        if answerable:
            features[0, 0], labels[0] = 0.6 + 0.4 * rng.random(), True
        part = PartEvidence(features, labels, figure=index % 2 == 0)
        source = DEV if index % 3 == 0 else GENERATED
        out.append(QuestionEvidence(f"q{index}", f"conversation{index // 2}", source, answerable, (part,)))
    return out


def test_span_overlap_counts_the_gold_spans_character_pairs() -> None:
    assert span_overlap("办事处将在其总部利用太阳能。", "利用太阳能") == 1.0
    assert span_overlap("办事处将在其总部利用太阳能。", "利用风能") == pytest.approx(1 / 3)
    assert span_overlap("anything", "") == 0.0


def test_the_threshold_declines_at_most_the_target_share_of_answerable_parts() -> None:
    answerable = [Decision(best, True, DEV, True) for best in np.linspace(0.2, 0.9, 20)]
    unanswerable = [Decision(best, False, DEV, True) for best in (0.05, 0.1, 0.3)]
    found = choose_threshold(answerable + unanswerable)
    assert found.answerable_declined <= ANSWERABLE_DECLINED
    assert found.unanswerable_declined == pytest.approx(2 / 3)  # 0.3 scores above two answerable parts
    assert choose_threshold(answerable, most_declined=0.0).value < 0.2


def test_each_source_weighs_as_much_as_the_other_in_the_threshold() -> None:
    many = [Decision(0.8, True, GENERATED, True) for _ in range(50)]
    few = [Decision(0.1, True, DEV, True), Decision(0.9, True, DEV, True)]
    found = choose_threshold(many + few, most_declined=0.2)
    assert found.value < 0.1  # 1 of 52 parts, but half of the dev source: a quarter on average


def test_pairs_set_each_positive_against_each_negative_of_its_part_in_both_orders() -> None:
    data = _fake_questions(10)
    x, y, w = pairs(data)
    answerable = [q for q in data if q.answerable]
    assert len(x) == 2 * 7 * len(answerable) and y.sum() == len(y) / 2  # one positive, seven negatives each
    assert np.allclose(x[: len(x) // 2], -x[len(x) // 2 :]) and w.mean() == pytest.approx(1.0)


def test_a_fit_on_fake_evidence_finds_the_deciding_feature() -> None:
    data = _fake_questions(60)
    cv = cross_validate(data, 1.0, 3)
    assert cv.top1 == {DEV: 1.0, GENERATED: 1.0} and 0.0 < cv.log_loss < 0.5 and len(cv.probabilities) == len(data)
    weights, report = fit(data, folds=3)
    assert max(weights.coefficients, key=lambda name: weights.coefficients[name]) == FEATURE_NAMES[0]
    assert sorted(weights.thresholds) == sorted(KINDS) and set(report.thresholds) == {FIGURE, OTHER}
    assert report.chosen in report.grid and report.positives == sum(q.answerable for q in data)
    assert "fit" in str(weights.provenance["fitted_on"]) and report.questions == {DEV: 20, GENERATED: 40}
    for kind in KINDS:  # the unanswerable questions score low: the thresholds decline them all
        assert report.thresholds[kind].unanswerable_declined == 1.0


def test_a_fold_without_positive_evidence_is_an_error_that_says_what_to_do() -> None:
    data = [q for q in _fake_questions(20) if not q.answerable]
    with pytest.raises(ValueError, match="no positive"):
        cross_validate(data, 1.0, 2)


def test_only_the_fit_half_of_the_development_set_is_fitted_on(document) -> None:
    questions = load_gold(default_gold_path())
    halves = dev_splits(questions)
    oracle = span_oracle_from_texts({unit.id: unit.text for unit in document.units()})
    items = dev_items(questions, oracle)
    assert {item.id for item in items} == set(halves[FIT]) and not {item.id for item in items} & set(halves[CHECK])


def test_a_dev_piece_is_positive_when_it_cites_gold_and_states_a_main_gold_figure(document) -> None:
    questions = load_gold(default_gold_path())
    oracle = span_oracle_from_texts({unit.id: unit.text for unit in document.units()})
    by_id = {q.id: q for q in questions}
    item, question = next(
        (item, by_id[item.id])
        for item in dev_items(questions, oracle)
        if by_id[item.id].gold_paragraphs and any(f.main for f in key_figures(by_id[item.id].answer))
    )
    figure = next(f.text for f in key_figures(question.answer) if f.main)
    gold = Citation("paragraph", question.gold_paragraphs[0], [1, 1], quote=question.answer_zh_span)
    elsewhere = Citation("paragraph", "3.1" if question.gold_paragraphs[0] != "3.1" else "3.2", [1, 1])
    assert item.label(f"{figure} [¶{gold.ref}]", gold)
    assert not item.label(f"{figure} [¶{elsewhere.ref}]", elsewhere)
    assert not item.label("没有数字 [¶]", gold)


def test_generated_questions_of_the_check_templates_are_refused(document) -> None:
    check = generate_questions(document, splits=(Split.CHECK,))[:3]
    with pytest.raises(ValueError, match="fitting templates"):
        generated_items(check)
    fit_questions = generate_questions(document, splits=(Split.FIT,))[:3]
    assert [item.id for item in generated_items(fit_questions)] == [q.id for q in fit_questions]


def test_the_command_refuses_a_folder_as_the_weights_file(tmp_path) -> None:
    result = runner.invoke(app, ["eval", "fit-weights", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "is a folder" in " ".join(result.output.split())


@pytest.mark.slow
def test_collect_labels_real_evidence_of_a_few_fit_questions() -> None:
    from budgetqa.eval.fit_labels import collect, fitting_items
    from budgetqa.qa.service import QAService
    from budgetqa.settings import Settings

    service = QAService.open(Settings.from_env())
    items = [item for item in fitting_items(service) if item.source == DEV][:6]
    data = collect(service, items)
    assert data and {q.id for q in data} <= {item.id for item in items}  # lookups offer no evidence
    pieces = [part for question in data for part in question.parts]
    assert pieces and all(part.features.shape[1] == len(FEATURE_NAMES) for part in pieces)
    assert any(part.labels.any() for part in pieces)  # some evidence of these questions answers them
    assert not any(part.labels.any() for q in data if not q.answerable for part in q.parts)

