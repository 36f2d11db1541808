"""The fitted weights of the evidence features: one JSON file, written by ``budgetqa eval fit-weights``.

The passage answerer scores a piece of evidence as the logistic of a weighted sum of its features
(:mod:`.features`): ``p = 1 / (1 + exp(-(intercept + Σ coefficient × feature)))``, the probability
that it answers the question.  The best evidence is quoted when its ``p`` reaches the threshold of
the question's kind (a figure question's evidence is a handful of cells and figures, a fact
question's a page of sentences, so their best pieces score on different scales); below it the
answerer declines.  Coefficients, intercept and thresholds are fitted on the fitting halves of the
gold sets (:mod:`budgetqa.eval.fit_weights`); the file records how.

>>> weights = Weights.load()
>>> sorted(weights.coefficients) == sorted(FEATURE_NAMES)
True
>>> 0.0 < weights.threshold(figure=True) < 1.0 and 0.0 < weights.threshold(figure=False) < 1.0
True
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from budgetqa.atomic import write_text

from .features import FEATURE_NAMES

WEIGHTS_RESOURCE = "evidence_weights.json"
FIT_COMMAND = "budgetqa eval fit-weights"
FIGURE, OTHER = "figure", "other"  # the question kinds with thresholds of their own
KINDS: tuple[str, ...] = (FIGURE, OTHER)


class WeightsError(ValueError):
    """A weights file that cannot be used: unreadable, or not for this version's features."""


def default_weights_path() -> Path:
    """The weights shipped with budgetqa (package data of ``budgetqa.qa``)."""
    return Path(str(files("budgetqa.qa").joinpath("resources", WEIGHTS_RESOURCE)))


@dataclass(frozen=True)
class Weights:
    """Coefficients by feature name, the intercept, the abstention thresholds by question kind
    (:data:`FIGURE`, :data:`OTHER`), and their provenance."""

    coefficients: Mapping[str, float]
    intercept: float
    thresholds: Mapping[str, float]
    provenance: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = [name for name in FEATURE_NAMES if name not in self.coefficients]
        unknown = [name for name in self.coefficients if name not in FEATURE_NAMES]
        if missing or unknown:
            problems = [f"no coefficient for {', '.join(missing)}"] if missing else []
            problems += [f"coefficients for unknown features {', '.join(unknown)}"] if unknown else []
            raise WeightsError(f"the weights do not fit the features ({'; '.join(problems)}); run `{FIT_COMMAND}`")
        if sorted(self.thresholds) != sorted(KINDS):
            raise WeightsError(f"the thresholds must be given for {' and '.join(KINDS)}; run `{FIT_COMMAND}`")
        for kind, value in self.thresholds.items():
            if not 0.0 <= value <= 1.0:
                raise WeightsError(f"the {kind} threshold {value} is not a probability; run `{FIT_COMMAND}`")

    def threshold(self, *, figure: bool) -> float:
        """The probability the best evidence of a figure question (or of another question) must reach."""
        return self.thresholds[FIGURE if figure else OTHER]

    def logit(self, values: Mapping[str, float]) -> float:
        """intercept + Σ coefficient × feature value."""
        return self.intercept + sum(self.coefficients[name] * values[name] for name in FEATURE_NAMES)

    def probability(self, values: Mapping[str, float]) -> float:
        """The probability that evidence with these feature values answers its question."""
        z = self.logit(values)
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

    # ------------------------------------------------------------------ file

    def to_json(self) -> dict[str, object]:
        return {
            "coefficients": {name: self.coefficients[name] for name in FEATURE_NAMES},
            "intercept": self.intercept,
            "thresholds": {kind: self.thresholds[kind] for kind in KINDS},
            "provenance": dict(self.provenance),
        }

    @classmethod
    def from_json(cls, record: object, source: str = "weights") -> Weights:
        """Weights from the JSON object of a weights file; errors name `source` and what to do."""
        if not isinstance(record, dict):
            raise WeightsError(f"{source}: expected a JSON object, got {type(record).__name__}; run `{FIT_COMMAND}`")
        try:
            coefficients = {str(name): float(value) for name, value in record["coefficients"].items()}
            thresholds = {str(kind): float(value) for kind, value in record["thresholds"].items()}
            intercept = float(record["intercept"])
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise WeightsError(
                f"{source}: needs 'coefficients' (feature → number), 'intercept' and 'thresholds' "
                f"({' and '.join(KINDS)} → probability) ({error!r}); run `{FIT_COMMAND}`"
            ) from None
        provenance = record.get("provenance") or {}
        try:
            return cls(coefficients, intercept, thresholds, dict(provenance))
        except WeightsError as error:
            raise WeightsError(f"{source}: {error}") from None

    @classmethod
    def load(cls, path: Path | None = None) -> Weights:
        """The weights in `path` (default: the file shipped with budgetqa)."""
        path = path or default_weights_path()
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise WeightsError(f"no weights file at {path}; run `{FIT_COMMAND}` to write one") from None
        except (OSError, ValueError) as error:
            raise WeightsError(f"{path} cannot be read as JSON ({error}); run `{FIT_COMMAND}`") from None
        return cls.from_json(record, str(path))

    def save(self, path: Path) -> None:
        """Write the weights to `path` atomically."""
        write_text(path, json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n")
