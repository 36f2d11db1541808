"""How a piece of evidence is scored: named features, and their weights in one fitted object.

A candidate answer (a sentence, or a table cell with its row) is described by a few named features
(:class:`Feature`): how much of the question it covers, how close it is in meaning, how high its unit
ranked, and whether it states the kind of figure, the year, the funding source, the row or the body the
question asks about.  Each feature is a small function of the question's parse and the candidate,
computed by the answerer (:mod:`budgetqa.qa.extractive`); this module only combines them.

The weights are not set by hand: ``python -m budgetqa.eval.fit_evidence`` fits them (logistic
regression on the candidates of the fitting halves of the gold sets, each labelled by whether it is
one of the gold units, checked by cross-validation) and writes ``qa/resources/evidence_weights.json``.
The score of a candidate is the fitted probability that it answers the question; the answerer
abstains below the fitted threshold.

>>> weights = EvidenceWeights({Feature.LEXICAL: 4.0, Feature.SEMANTIC: 2.0}, intercept=-3.0, abstain_below=0.5)
>>> round(weights.score({Feature.LEXICAL: 1.0, Feature.SEMANTIC: 0.5}), 3)
0.881
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from importlib.resources import files
from pathlib import Path

from budgetqa.atomic import write_text
from budgetqa.index.evidence import Candidate

from .measure import Measure
from .table_answer import CellAnswer


class Feature(StrEnum):
    """A named property of a candidate answer, against the question it would answer."""

    LEXICAL = "lexical"  # IDF-weighted share of the question's terms the candidate contains
    SEMANTIC = "semantic"  # cosine similarity under the multilingual sentence encoder
    RANK_PRIOR = "rank_prior"  # 1 / (1 + the retrieval rank of the candidate's unit)
    COLUMN_FIT = "column_fit"  # how well a cell's column fits the question's year and basis (0–1)
    MEASURE_MATCH = "measure_match"  # states the kind of figure asked (money, posts, percentage, count)
    MEASURE_MISMATCH = "measure_mismatch"  # states another kind of figure than the one asked
    MEASURE_UNSPECIFIC = "measure_unspecific"  # a bare count where money, posts or a percentage was asked
    ROW_NAMED = "row_named"  # a table row whose label the question names
    NIL = "nil"  # a nil cell ("—") or a sentence stating there is none
    ROW_YEAR_MATCH = "row_year_match"  # a row or column of the year asked
    ROW_YEAR_MISMATCH = "row_year_mismatch"  # a row or table of other years only
    TOTAL_ASKED = "total_asked"  # a total row, for a question asking for a total
    GRAND_TOTAL_ASKED = "grand_total_asked"  # a table's grand total, for a question asking for a total
    COUNTS_ASKED = "counts_asked"  # gives a number of what the question counts ("几个代表团")
    LACKS_COUNTED = "lacks_counted"  # never names what the question counts
    SOURCE_MATCH = "source_match"  # a figure of the funding source asked
    SOURCE_MISMATCH = "source_mismatch"  # a figure said of another funding source
    OTHER_PART = "other_part"  # from another body's part, for a question about a body with a part of its own
    REASON_STATED = "reason_stated"  # states a reason or a purpose, for a question asking why or what for


Features = Mapping[Feature, float]

WEIGHTS_FILE = "evidence_weights.json"


def default_weights_path() -> Path:
    """The fitted weights shipped with budgetqa (package data of ``budgetqa.qa``)."""
    return Path(str(files("budgetqa.qa").joinpath("resources", WEIGHTS_FILE)))


class WeightsError(ValueError):
    """A weights file that cannot be used (missing, unreadable, or naming unknown features)."""


@dataclass(frozen=True)
class EvidenceWeights:
    """The weights of the features, the intercept and the abstention threshold, fitted together.

    ``score`` is the logistic of the weighted sum: the fitted probability that a candidate is gold
    evidence for its question.  ``abstain_below`` is the score under which the best candidate is too
    weak to answer; ``second_ratio`` is the share of the best score a second piece of evidence needs
    to be quoted beside it.
    """

    weights: Mapping[Feature, float]
    intercept: float = 0.0
    abstain_below: float = 0.5
    second_ratio: float = 0.85
    fitted_on: str = ""  # what the weights were fitted on, for the record

    def score(self, features: Features) -> float:
        """The probability that a candidate with these `features` answers its question."""
        total = self.intercept + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, total))))

    @classmethod
    def load(cls, path: Path | None = None) -> EvidenceWeights:
        """Read weights written by :meth:`save` (the shipped, fitted ones by default)."""
        path = path or default_weights_path()
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            weights = {Feature(name): float(value) for name, value in record["weights"].items()}
            return cls(
                weights=weights,
                intercept=float(record["intercept"]),
                abstain_below=float(record["abstain_below"]),
                second_ratio=float(record.get("second_ratio", 0.85)),
                fitted_on=str(record.get("fitted_on", "")),
            )
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise WeightsError(
                f"cannot read evidence weights from {path}: {error}; "
                "refit them with `python -m budgetqa.eval.fit_evidence`"
            ) from error

    def save(self, path: Path, **record: object) -> None:
        """Write the weights (and any extra `record` fields, such as cross-validation scores) atomically."""
        body = {
            "fitted_on": self.fitted_on,
            "intercept": round(self.intercept, 6),
            "abstain_below": round(self.abstain_below, 6),
            "second_ratio": self.second_ratio,
            "weights": {name.value: round(self.weights.get(name, 0.0), 6) for name in Feature},
            **record,
        }
        write_text(path, json.dumps(body, ensure_ascii=False, indent=2) + "\n")


@dataclass(frozen=True)
class Evidence:
    """A candidate answer: a sentence or unit, or a table cell, with its features and their weights."""

    candidate: Candidate
    cell: CellAnswer | None = None
    features: Features = field(default_factory=dict)
    measure: Measure | None = None  # what kind of figure it states (figure evidence only)
    weights: EvidenceWeights | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(
        cls, candidate: Candidate, weights: EvidenceWeights, cell: CellAnswer | None = None, features: Features | None = None
    ) -> Evidence:
        """Evidence with the candidate's own features (coverage, similarity, rank; a cell's column
        fit) and `features`."""
        base: dict[Feature, float] = {
            Feature.LEXICAL: candidate.lexical,
            Feature.SEMANTIC: candidate.semantic,
            Feature.RANK_PRIOR: 1.0 / (1.0 + candidate.rank),
        }
        if cell is not None:
            base[Feature.COLUMN_FIT] = cell.column_score
        return cls(candidate, cell, {**base, **(features or {})}, None, weights)

    def with_features(self, features: Features) -> Evidence:
        """This evidence with `features` added to (summed with) its own."""
        merged = dict(self.features)
        for name, value in features.items():
            merged[name] = merged.get(name, 0.0) + value
        return replace(self, features=merged)

    @property
    def score(self) -> float:
        """The fitted probability that this evidence answers the question (0 without weights)."""
        return self.weights.score(self.features) if self.weights is not None else 0.0
