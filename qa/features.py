"""Evidence features: what makes a sentence or a table cell answer a question, one named function each.

Every feature is a small function of (the question as read, one piece of evidence) → float, in
:data:`FEATURES`.  The passage answerer scores evidence with these values and the weights that
``budgetqa eval fit-weights`` fits (logistic regression on evidence labelled from the gold sets, see
:mod:`budgetqa.eval.fit_weights` and :mod:`.weights`); no feature carries a hand-set weight.  Hard
filters live apart, in :mod:`.vetoes`.

Yes/no features are 1.0 or 0.0; figure features are 0.0 for questions that ask no figure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from budgetqa.index.evidence import Candidate
from budgetqa.ingest.budget import YEAR_RE, Basis, Column, FundingSource, Measure, row_measure
from budgetqa.ingest.model import Table, TableRow

from .asked import AskedQuestion
from .measure import Measure as StatedMeasure
from .measure import funding_sources, mentions, sentence_measure, states_count_of
from .table_answer import CellAnswer, names_row

# The document's words for the funding sources (see :data:`budgetqa.qa.measure.FUNDING_SOURCES`).
_SOURCE_NAMES = {
    "regular budget": FundingSource.REGULAR_BUDGET,
    "other assessed": FundingSource.OTHER_ASSESSED,
    "extrabudgetary": FundingSource.EXTRABUDGETARY,
}
_STATED = {
    StatedMeasure.MONEY: Measure.MONEY,
    StatedMeasure.POSTS: Measure.POSTS,
    StatedMeasure.PERCENT: Measure.PERCENTAGE,
    StatedMeasure.COUNT: Measure.COUNT,
}


@dataclass(frozen=True)
class Evidence:
    """A piece of evidence an answer may quote: a sentence or table row, or one cell of a row.

    `measure` is the kind of figure it states (None for evidence of a question that asks none);
    `nil` marks a figure given as none ("—", "预计 2024 年没有预算外资源"); `signature` marks the
    signature line of a foreword.
    """

    candidate: Candidate
    cell: CellAnswer | None = None
    measure: Measure | None = None
    nil: bool = False
    signature: bool = False
    table: Table | None = None  # the table of a row (or of a cell), for evidence from a table row

    @property
    def text(self) -> str:
        return self.candidate.text

    @property
    def row(self) -> TableRow | None:
        """The table row the evidence is, or is a cell of."""
        row = self.candidate.unit.row
        return self.table.rows[row] if self.table is not None and row is not None else None


def sentence_figure(text: str) -> Measure:
    """The kind of figure a sentence (or a row quoted whole) states."""
    return _STATED[sentence_measure(text)]


def cell_figure(cell: CellAnswer) -> Measure:
    """The kind of figure a cell holds, from its typed column (and, in tables that mix money and
    posts, its row)."""
    column = cell_column(cell)
    if column is None:
        return Measure.COUNT
    return row_measure(cell.table.unit, column, cell.row.group, cell.row.label)


def cell_column(cell: CellAnswer) -> Column | None:
    """The typed column of a cell (None past the typed columns)."""
    index = next(i for i, other in enumerate(cell.row.cells) if other is cell.cell)
    return cell.table.column_type(index) if index < len(cell.table.column_types) else None


def cell_year(cell: CellAnswer) -> int | None:
    """The year of a cell's column (None for a change column or a column without one)."""
    column = cell_column(cell)
    return column.year if column is not None else None


def cell_basis(cell: CellAnswer) -> Basis | None:
    """What the figures of a cell's column are: spent, appropriated, estimated, proposed, planned …"""
    column = cell_column(cell)
    return column.basis if column is not None else None


# ---------------------------------------------------------------------------------------------- features


def lexical(question: AskedQuestion, evidence: Evidence) -> float:
    """IDF-weighted share of the question's terms the evidence contains (see ``EvidenceScorer``)."""
    return evidence.candidate.lexical


def semantic(question: AskedQuestion, evidence: Evidence) -> float:
    """Cosine similarity of question and evidence under the retrieval encoder."""
    return evidence.candidate.semantic


def rank_prior(question: AskedQuestion, evidence: Evidence) -> float:
    """1 / (1 + rank) of the retrieval hit the evidence came from."""
    return 1.0 / (1.0 + evidence.candidate.rank)


def table_cell(question: AskedQuestion, evidence: Evidence) -> float:
    """The evidence is one cell of a table (not a sentence or a row quoted whole)."""
    return float(evidence.cell is not None)


def column_fit(question: AskedQuestion, evidence: Evidence) -> float:
    """How well the cell's column fits the year and budget words of the question (0.2, 0.6 or 1)."""
    return evidence.cell.column_score if evidence.cell is not None else 0.0


def asks_figure(question: AskedQuestion, evidence: Evidence) -> float:
    """The question asks a figure (the same for all its evidence: it sets the level of the score)."""
    return float(question.figure)


def measure_match(question: AskedQuestion, evidence: Evidence) -> float:
    """The evidence states the kind of figure asked (money, posts, a percentage, a count)."""
    return float(question.figure and evidence.measure is question.measure)


def measure_mismatch(question: AskedQuestion, evidence: Evidence) -> float:
    """The evidence states another specific kind of figure (posts where money is asked)."""
    stated = evidence.measure
    return float(
        question.figure
        and stated is not None
        and stated is not question.measure
        and Measure.COUNT not in (stated, question.measure)
    )


def bare_count(question: AskedQuestion, evidence: Evidence) -> float:
    """The evidence states a bare count where money, posts or a percentage is asked."""
    return float(question.figure and question.measure is not Measure.COUNT and evidence.measure is Measure.COUNT)


def nil_figure(question: AskedQuestion, evidence: Evidence) -> float:
    """The evidence gives the figure as none ("—", "没有预算外资源")."""
    return float(question.figure and evidence.nil)


def figures_for_words(question: AskedQuestion, evidence: Evidence) -> float:
    """A question that asks no figure, and a table row quoted whole whose cells are mostly figures: it
    answers "how much", not "what" or "why"."""
    row = evidence.row
    if question.figure or row is None or evidence.cell is not None:
        return 0.0
    filled = [cell for cell in row.cells if cell.text.strip()]
    return float(bool(filled) and sum(cell.is_numeric for cell in filled) * 2 > len(filled))


def row_label_named(question: AskedQuestion, evidence: Evidence) -> float:
    """The question names the label of the row of the evidence's cell ("员额资源" names the 员额 row)."""
    cell = evidence.cell
    return float(cell is not None and names_row(question.row_text, list(question.row_terms), cell.row, cell.table))


def _evidence_years(evidence: Evidence) -> set[int]:
    """The years the evidence is about: a cell's column; a row's columns; and the years its row label
    or its sentence names."""
    named = {int(y) for y in YEAR_RE.findall(evidence.row.label if evidence.row is not None else evidence.text)}
    if evidence.cell is not None:
        year = cell_year(evidence.cell)
        return named | ({year} if year is not None else set())
    if evidence.table is not None:
        return named | {column.year for column in evidence.table.column_types if column.year is not None}
    return named


def _shared(asked: frozenset[Any], stated: set[Any]) -> float:
    return float(bool(asked & stated))


def _disjoint(asked: frozenset[Any], stated: set[Any]) -> float:
    """The evidence states some, none of them asked."""
    return float(bool(asked and stated and not asked & stated))


def year_match(question: AskedQuestion, evidence: Evidence) -> float:
    """The evidence is about a year the question asks about."""
    return _shared(question.years, _evidence_years(evidence))


def year_mismatch(question: AskedQuestion, evidence: Evidence) -> float:
    """The evidence is about years, none of them asked."""
    return _disjoint(question.years, _evidence_years(evidence))


def basis_match(question: AskedQuestion, evidence: Evidence) -> float:
    """The cell's column is of the basis the question names (actual, appropriation, proposed …)."""
    asked = question.parsed.basis
    return float(asked is not None and evidence.cell is not None and cell_basis(evidence.cell) is asked)


def _stated_sources(evidence: Evidence) -> set[FundingSource]:
    scope = " ".join(item for item in (evidence.row.part, evidence.row.group) if item) if evidence.row else ""
    return {_SOURCE_NAMES[name] for name in funding_sources(f"{scope} {evidence.text}")}


def source_match(question: AskedQuestion, evidence: Evidence) -> float:
    """The evidence names the funding source asked (regular budget, other assessed, extrabudgetary)."""
    return _shared(question.sources, _stated_sources(evidence))


def source_mismatch(question: AskedQuestion, evidence: Evidence) -> float:
    """The evidence names funding sources, none of them the one asked."""
    return _disjoint(question.sources, _stated_sources(evidence))


def names_body(question: AskedQuestion, evidence: Evidence) -> bool:
    """The evidence comes from the part of a body the question names, or names that body."""
    unit = evidence.candidate.unit
    return unit.part in question.home_parts or any(name in unit.text for name in question.body_names)


def body_part(question: AskedQuestion, evidence: Evidence) -> float:
    """The question names a body with a part of its own, and the evidence is from it or names it."""
    return float(bool(question.home_parts) and names_body(question, evidence))


def total_row(question: AskedQuestion, evidence: Evidence) -> float:
    """The question asks a total ("一共", "in total") and the evidence is a total row."""
    return float(question.asks_total and evidence.row is not None and evidence.row.is_total)


def grand_total_row(question: AskedQuestion, evidence: Evidence) -> float:
    """… and the total of the whole table, not of one of its sub-parts."""
    return float(total_row(question, evidence) and evidence.row is not None and evidence.row.part is None)


def counts_noun(question: AskedQuestion, evidence: Evidence) -> float:
    """The evidence gives a number of what a count question counts ("派出 7 个代表团", or a cell of
    a row about them)."""
    noun = question.counted
    if noun is None:
        return 0.0
    if evidence.cell is not None:
        return float(_label_counts(evidence.cell.row.label, noun) and evidence.measure in (Measure.COUNT, Measure.POSTS))
    return float(states_count_of(evidence.text, noun))


def _label_counts(label: str, noun: str) -> bool:
    """A row label counts `noun` when it ends with it ("…技术、咨询和审查团", "…(社会经济状况报告)"), not
    when the noun only qualifies what the row counts ("代表团访问及其他活动")."""
    head = re.sub(r"[\W\d_]+$", "", label)
    return mentions(label, noun) and head.endswith(noun[-1])


def signature_line(question: AskedQuestion, evidence: Evidence) -> float:
    """The evidence is a foreword's signature line (it names an office as no sentence does)."""
    return float(evidence.signature)


Feature = Callable[[AskedQuestion, Evidence], float]

FEATURES: Mapping[str, Feature] = {
    feature.__name__: feature
    for feature in (
        lexical,
        semantic,
        rank_prior,
        table_cell,
        column_fit,
        asks_figure,
        measure_match,
        measure_mismatch,
        bare_count,
        nil_figure,
        figures_for_words,
        row_label_named,
        year_match,
        year_mismatch,
        basis_match,
        source_match,
        source_mismatch,
        body_part,
        total_row,
        grand_total_row,
        counts_noun,
        signature_line,
    )
}
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURES)


def feature_values(question: AskedQuestion, evidence: Evidence) -> dict[str, float]:
    """Every feature of one piece of evidence, by name."""
    return {name: float(feature(question, evidence)) for name, feature in FEATURES.items()}
