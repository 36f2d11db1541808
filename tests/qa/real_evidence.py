"""Evidence of the real bundled document, built without an index, for the feature and veto tests.

Sentences and rows are the real retrievable units of A/78/6 (Sect. 3) (``build_index_units``); only the
retrieval scores a candidate carries (lexical, semantic, rank) are given by the test, as the features
that read them pass them through.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from budgetqa.index.evidence import Candidate, split_sentences
from budgetqa.index.glossary import Glossary, load_glossary
from budgetqa.index.model import IndexUnit
from budgetqa.index.units import build_index_units
from budgetqa.ingest.model import Document
from budgetqa.qa.asked import AskedQuestion, QuestionReader
from budgetqa.qa.features import Evidence, cell_figure, sentence_figure
from budgetqa.qa.table_answer import answer_cell
from budgetqa.qa.understand import Understanding
from budgetqa.qa.vetoes import DocumentTexts


@dataclass
class RealEvidence:
    """Questions read and evidence built from the bundled document."""

    document: Document

    @cached_property
    def glossary(self) -> Glossary:
        return load_glossary()

    @cached_property
    def units(self) -> dict[str, IndexUnit]:
        return {unit.uid: unit for unit in build_index_units(self.document, self.glossary)}

    @cached_property
    def understanding(self) -> Understanding:
        return Understanding.of(self.document, glossary=self.glossary)

    @cached_property
    def texts(self) -> DocumentTexts:
        return DocumentTexts.of(self.document)

    def asked(self, question: str) -> AskedQuestion:
        """`question` parsed and read as the passage answerer reads it."""
        return QuestionReader(self.glossary).read(self.understanding.parse(question))

    def sentence(
        self, uid: str, containing: str, *, rank: int = 0, lexical: float = 0.5, semantic: float = 0.5, **flags: bool
    ) -> Evidence:
        """The sentence of unit `uid` that contains `containing`, as evidence stating its figure."""
        unit = self.units[uid]
        text = next(piece for piece in split_sentences(unit.text) if containing in piece)
        return Evidence(Candidate(unit, text, rank, lexical, semantic), measure=sentence_figure(text), **flags)

    def cell(self, table_ref: str, row: int, question: str, *, rank: int = 0) -> Evidence:
        """The cell of a real table row that `question` asks for, as evidence."""
        table = self.document.table(table_ref)
        unit = self.units[f"row:{table_ref}:{row}"]
        cell = answer_cell(table, row, question)
        assert cell is not None, f"row {row} of table {table_ref} has no cell for {question!r}"
        figure = cell_figure(cell)
        return Evidence(Candidate(unit, unit.text, rank, 0.5, 0.5), cell, figure, nil=cell.cell.is_nil, table=table)

    def row(self, table_ref: str, row: int) -> Evidence:
        """A real table row quoted whole, as evidence."""
        unit = self.units[f"row:{table_ref}:{row}"]
        return Evidence(Candidate(unit, unit.text, 0, 0.5, 0.5), table=self.document.table(table_ref))
