"""The evidence-weight fitting script's labels and training pairs, on FAKE candidates (invented text and
unit ids, not the document's); the shipped, fitted weights are tested in tests/qa/test_evidence_score.py."""

from __future__ import annotations

from budgetqa.eval.fit_evidence import Fitter, is_gold
from budgetqa.eval.gold import GoldQuestion
from budgetqa.index.evidence import Candidate
from budgetqa.index.model import IndexUnit
from budgetqa.ingest.model import BlockKind, LineSpan
from budgetqa.qa.evidence_score import Evidence, EvidenceWeights, Feature


def _evidence(ref: str, text: str, lexical: float) -> Evidence:
    unit = IndexUnit(
        uid=f"paragraph:{ref}", kind=BlockKind.PARAGRAPH, ref=ref, title="", text=text, indexed_text=text,
        lines=LineSpan(1, 1), section=(), part="一",
    )
    return Evidence.of(Candidate(unit, text, 0, lexical, 0.5), EvidenceWeights({}))


QUESTION = GoldQuestion(
    id="T-1", lang="zh", type="fact", question="示例办公室做什么？", gold_paragraphs=("9.1",), gold_tables=(),
    gold_figures=(), answer="负责协调示例工作", answer_zh_span="示例办公室负责协调示例工作",
)


def test_a_candidate_is_gold_when_it_lies_in_a_gold_unit_and_states_the_answer() -> None:
    assert is_gold(_evidence("9.1", "示例办公室负责协调示例工作。", 0.9), QUESTION)
    assert not is_gold(_evidence("9.1", "该办公室设在示例城市。", 0.9), QUESTION)  # the right unit, another sentence
    assert not is_gold(_evidence("9.2", "示例办公室负责协调示例工作。", 0.9), QUESTION)  # not a gold unit


def test_each_gold_candidate_is_paired_with_the_others_of_its_question_both_ways() -> None:
    fitter = object.__new__(Fitter)
    fitter.pools = [[_evidence("9.1", "示例办公室负责协调示例工作。", 0.9), _evidence("9.2", "别的句子。", 0.2), _evidence("9.3", "又一句。", 0.4)]]
    fitter.labels = [[True, False, False]]
    X, y = fitter.pairs([0], [Feature.LEXICAL, Feature.SEMANTIC])
    assert X.shape == (4, 2) and list(y) == [1, 1, 0, 0]
    assert [round(row[0], 1) for row in X] == [0.7, 0.5, -0.7, -0.5]
