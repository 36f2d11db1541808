"""Understand: one parse of each question, read by every later stage.

- :mod:`.parse`: :class:`Understanding` turns a question into a :class:`ParsedQuestion` (language,
  kind, bodies, component, funding sources, measure, years and basis, breakdown, aggregate, parts);
  follow-ups inherit the slots they leave out.
- :mod:`.interrogatives`: whether a question asks to see a unit, asks for a figure, or asks for
  something else.
- :mod:`.parts`: a question that asks several things, taken apart.
- :mod:`.counting`: what kind of figure a question asks for, and what a count question counts.
"""

from .parse import (
    BREAKDOWN_TERMS,
    BUDGET_ORGANS,
    PROPOSAL_YEAR,
    Aggregate,
    Extreme,
    ParsedQuestion,
    QuestionKind,
    RankedRows,
    Understanding,
)

__all__ = [
    "BREAKDOWN_TERMS",
    "BUDGET_ORGANS",
    "PROPOSAL_YEAR",
    "Aggregate",
    "Extreme",
    "ParsedQuestion",
    "QuestionKind",
    "RankedRows",
    "Understanding",
]
