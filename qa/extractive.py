"""The passage answerer: quotes the sentence or table cell that answers, or declines with a reason.

- A figure question gets the figure with its unit and labels, from the best table cell or the best
  sentence that holds a number.
- A fact question gets the sentence or two that answer it, with the paragraph id.
- A lookup shows the unit.

Evidence is chosen by fitted score: each candidate sentence, row or cell gets the probability that it
answers, from named features (:mod:`.features`) and the weights fitted on the gold sets' fitting halves
(:mod:`.weights`, written by ``budgetqa eval fit-weights``).  Vetoes (:mod:`.vetoes`) drop evidence that
cannot answer whatever its score.  When no evidence is left, or the best is below the fitted threshold,
the answerer declines, says why, and names the nearest passages.  English questions get English framing
and labels from the glossary; quotes stay Chinese, with their key terms glossed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetqa.index.evidence import Candidate, EvidenceScorer, RankedUnit
from budgetqa.index.glossary import Glossary
from budgetqa.index.model import SearchHit
from budgetqa.ingest.budget import Measure
from budgetqa.ingest.model import BlockKind, Document, TableRow, Unit
from budgetqa.ingest.refs import format_label

from .asked import AskedQuestion, QuestionReader
from .features import Evidence, cell_figure, cell_year, feature_values, sentence_figure
from .measure import STATES_NONE, states_count_of
from .model import Answer, Citation, Language, unique_citations
from .table_answer import CellAnswer, answer_cell
from .understand import ParsedQuestion, Understanding
from .verify import stated_figures
from .vetoes import DocumentTexts, Reason, veto
from .weights import Weights

MAX_EVIDENCE = 3  # pieces of evidence quoted in one answer
# Which retrieved units offer evidence: the top units, every row of the top tables (any row may hold
# the asked cell), and a few units ranked below them that hold a figure the question asks for.
EVIDENCE_UNITS = 8
ROW_TABLES = 3
ROW_TABLE_POSITIONS = 4
SMALL_TABLE_ROWS = 12  # a table this small offers all its rows wherever it ranks
DEEPER_ROWS = 6  # table rows taken from below the top evidence units
DEEPER_COUNTS = 3  # units from below the top that count what a count question counts
SHORT_TEXT_CELL = 12  # a text cell this short ("不适用 a") can answer as a cell
# Rows of tables with at most this many columns are quoted whole (plan and actual, every year).
WHOLE_ROW_COLUMNS = 6


@dataclass(frozen=True)
class Scored:
    """A piece of evidence with the probability that it answers."""

    evidence: Evidence
    probability: float


@dataclass
class Ranking:
    """The evidence of one question ranked by probability, and the evidence vetoes dropped."""

    scored: list[Scored] = field(default_factory=list)  # best first
    vetoed: list[tuple[Scored, Reason]] = field(default_factory=list)  # best first

    def chosen(self, threshold: float) -> list[Scored]:
        """The best evidence, and the next piece when it too reaches `threshold` and is about the same
        part of the budget (the same table row of another office answers a different question);
        nothing below `threshold`."""
        if not self.scored or self.scored[0].probability < threshold:
            return []
        best = self.scored[0]
        unit = best.evidence.candidate.unit
        for other in self.scored[1:]:
            same_unit = other.evidence.candidate.unit.uid == unit.uid
            if same_unit and other.evidence.cell is None and best.evidence.cell is None:
                continue
            if other.evidence.candidate.unit.part != unit.part:
                continue
            if other.probability >= threshold:
                return [best, other]
            break
        return [best]

    def reason(self, threshold: float) -> Reason:
        """Why nothing answers: the veto of the best vetoed evidence (when it beat every other), or a
        best score below the threshold."""
        best = self.scored[0].probability if self.scored else 0.0
        if self.vetoed and self.vetoed[0][0].probability >= best:
            return self.vetoed[0][1]
        return Reason(
            "weak_evidence",
            f"没有足够相符的证据（最佳得分 {best:.2f}，低于 {threshold:.2f}）",
            f"no passage supports an answer well enough (best score {best:.2f}, below {threshold:.2f})",
        )


class ExtractiveAnswerer:
    """Answers from the evidence of one index, without a language model."""

    def __init__(
        self,
        document: Document,
        scorer: EvidenceScorer,
        glossary: Glossary,
        *,
        understanding: Understanding | None = None,
        weights: Weights | None = None,
    ) -> None:
        self.document = document
        self.scorer = scorer
        self.glossary = glossary
        self.rows_of = scorer.index.rows_of
        self.understanding = understanding or Understanding.of(document, glossary=glossary)
        self.reader = QuestionReader(glossary)
        self.texts = DocumentTexts.of(document)
        self._weights = weights
        self._signatures = [
            ("".join(f.signatory.split()), "".join(f"{f.signatory_title}{f.signatory}".split()))
            for f in document.forewords
            if f.signatory
        ]
        self._tables = {table.ref: table for table in document.tables}

    @property
    def weights(self) -> Weights:
        """The fitted weights (the file shipped with budgetqa unless others were given)."""
        if self._weights is None:
            self._weights = Weights.load()
        return self._weights

    @weights.setter
    def weights(self, weights: Weights) -> None:
        self._weights = weights

    def answer(
        self,
        question: str,
        standalone: str,
        hits: list[SearchHit],
        language: Language,
        *,
        split: bool = True,
        parsed: ParsedQuestion | None = None,
    ) -> Answer:
        """Answer `question` (made standalone as `standalone`, parsed as `parsed`) from retrieval `hits`.

        A question that asks several things ("多少钱？覆盖了几个国家？") is answered part by part, from
        the units retrieved for the whole; `split=False` keeps it whole (a follow-up joined to the
        question it follows must not be split apart again).  Without `parsed`, `standalone` is parsed.
        """
        parts = self.read(standalone, parsed, split=split)
        units = self.evidence_units(hits, [part.counted for part in parts if part.counted])
        evidence: list[Scored] = []
        reasons: list[Reason] = []
        for part in parts:
            ranking = self.rank(part, units)
            threshold = self.weights.threshold(figure=part.figure)
            chosen = ranking.chosen(threshold)
            evidence.extend(chosen if len(parts) == 1 else chosen[:1])
            if not chosen:
                reasons.append(ranking.reason(threshold))
        evidence = _distinct(evidence)[:MAX_EVIDENCE]
        if not evidence:
            return self.abstain(question, language, hits, reasons[0] if reasons else None)
        return Answer(
            question=question,
            language=language,
            text="\n".join(self._render(item.evidence, language) for item in evidence),
            citations=unique_citations([self._citation(item.evidence) for item in evidence]),
            confidence=round(evidence[0].probability, 4),
            abstained=False,
            evidence=[item.evidence.candidate.unit.uid for item in evidence],
        )

    # ------------------------------------------------------------------ evidence

    def read(self, standalone: str, parsed: ParsedQuestion | None = None, *, split: bool = True) -> list[AskedQuestion]:
        """The question (or each part of a question that asks several things) as evidence selection
        reads it; a whole question is matched against its standalone text."""
        parsed = parsed or self.understanding.parse(standalone)
        parts = self.understanding.split(parsed) if split else [parsed]
        if len(parts) == 1:
            return [self.reader.read(parts[0], standalone)]
        return [self.reader.read(part) for part in parts]

    def evidence_units(self, hits: list[SearchHit], counted: list[str]) -> list[RankedUnit]:
        """The top units, with every row of the top tables (any row may hold the asked cell), and
        the units ranked below them that hold a figure the question asks for: table rows, and
        sentences that count what it counts ("派出 7 个代表团" for "派了几个代表团").  Each unit
        keeps the retrieval rank of its hit (a table's rows, that of their table)."""
        units: list[RankedUnit] = []
        seen: set[str] = set()
        tables = 0
        for position, hit in enumerate(hits[:EVIDENCE_UNITS]):
            unit = hit.unit
            expand = position < ROW_TABLE_POSITIONS and tables < ROW_TABLES
            small = len(self.rows_of(unit.ref)) <= SMALL_TABLE_ROWS
            if unit.is_whole_table and (expand or small) and unit.ref not in seen:
                seen.add(unit.ref)
                tables += 1
                units.extend(RankedUnit(row, position) for row in self.rows_of(unit.ref) if row.uid not in seen)
                seen.update(row.uid for row in self.rows_of(unit.ref))
            elif unit.uid not in seen:
                units.append(RankedUnit(unit, position))
            seen.add(unit.uid)
        below = list(enumerate(hits))[EVIDENCE_UNITS:]
        # Figures live in tables: rows ranked below the top units still get their chance.
        deeper = [RankedUnit(hit.unit, rank) for rank, hit in below if hit.unit.row is not None and hit.unit.uid not in seen]
        units.extend(deeper[:DEEPER_ROWS])
        seen.update(item.unit.uid for item in deeper[:DEEPER_ROWS])
        counting = [
            RankedUnit(hit.unit, rank)
            for rank, hit in below
            if hit.unit.uid not in seen and any(states_count_of(hit.unit.text, noun) for noun in counted)
        ]
        units.extend(counting[:DEEPER_COUNTS])
        return units

    def pool(self, question: AskedQuestion, units: list[RankedUnit]) -> list[Evidence]:
        """Every piece of evidence the units offer: for a figure question the cells and sentences that
        state a figure (all of them when none does), otherwise every sentence and row."""
        candidates = self.scorer.candidates(question.text, [item.unit for item in units], ranks=[item.rank for item in units])
        if question.figure:
            figures = [item for candidate in candidates for item in self._figure_items(question, candidate)]
            if figures:
                return figures
        return [self._fact_item(question, candidate) for candidate in candidates]

    def rank(self, question: AskedQuestion, units: list[RankedUnit]) -> Ranking:
        """The evidence of `units` scored with the fitted weights, vetoed evidence set apart."""
        ranking = Ranking()
        for item in self.pool(question, units):
            scored = Scored(item, self.weights.probability(feature_values(question, item)))
            reason = veto(self.texts, question, item)
            if reason is None:
                ranking.scored.append(scored)
            else:
                ranking.vetoed.append((scored, reason))
        ranking.scored.sort(key=lambda item: -item.probability)
        ranking.vetoed.sort(key=lambda pair: -pair[0].probability)
        return ranking

    def _figure_items(self, question: AskedQuestion, candidate: Candidate) -> list[Evidence]:
        """The figure evidence of one candidate: a row's asked cell (and the row itself when a text
        cell holds a figure, "成员：31 个会员国"), or a sentence that states a figure or gives none."""
        unit = candidate.unit
        if unit.row is None:
            if stated_figures(candidate.text):
                return [Evidence(candidate, measure=sentence_figure(candidate.text))]
            if STATES_NONE.search(candidate.text):  # "预计 2024 年没有预算外资源": the answer is none
                return [Evidence(candidate, measure=question.measure, nil=True)]
            return []
        table = self._tables[unit.ref]
        items = []
        if _states_figures_in_text_cells(table.rows[unit.row]):
            items.append(Evidence(candidate, measure=sentence_figure(candidate.text), table=table))
        cell = answer_cell(table, unit.row, question.text)
        if cell is not None and (cell.cell.is_numeric or len(cell.cell.text) <= SHORT_TEXT_CELL):
            items.append(Evidence(candidate, cell, cell_figure(cell), nil=cell.cell.is_nil, table=table))
        return items

    def _fact_item(self, question: AskedQuestion, candidate: Candidate) -> Evidence:
        """A sentence or row; for a question naming a year, a row whose cell for that year states it in
        words (a performance measure's "2024(计划)") answers with that cell."""
        unit = candidate.unit
        if unit.row is None:
            return Evidence(candidate, signature=self._is_signature(candidate))
        table = self._tables.get(unit.ref)
        cell = answer_cell(table, unit.row, question.text) if table is not None and question.years else None
        if cell is None or cell.cell.is_numeric or cell_year(cell) not in question.years:
            return Evidence(candidate, table=table)
        return Evidence(candidate, cell, table=table)

    def _is_signature(self, candidate: Candidate) -> bool:
        """The candidate is the signature line of a foreword (the head's title and name)."""
        if candidate.unit.kind is not BlockKind.FOREWORD:
            return False
        compact = "".join(candidate.text.split())
        return any(name in compact and len(compact) <= len(signature) + 4 for name, signature in self._signatures)

    # ------------------------------------------------------------------ rendering

    def _render(self, item: Evidence, language: Language) -> str:
        unit = item.candidate.unit
        label = format_label(unit.kind, unit.ref, language)
        if item.cell is not None:
            return self._render_cell(item.cell, label, language)
        quote = item.candidate.text.strip()
        if language == "zh":
            return f"{quote} [{label}]"
        glossed = "; ".join(f"{zh} = {en}" for zh, en in self.glossary.gloss(quote)[:6])
        gloss = f" (key terms: {glossed})" if glossed else ""
        return f"{label.capitalize()} states: “{quote}”{gloss} [{label}]"

    def _render_cell(self, cell: CellAnswer, label: str, language: Language) -> str:
        """The asked cell first, then — for narrow tables (plan/actual by year) — the whole row."""
        row = cell.row
        scope = [item for item in (row.part, row.group) if item]
        if len(cell.table.columns) <= WHOLE_ROW_COLUMNS:
            others = [
                (column, other)
                for column, other in zip(cell.table.columns, row.cells, strict=False)
                if other is not cell.cell and other.text.strip()
            ]
        else:
            others = list(cell.also)
        show_row = bool(others)
        if language == "zh":
            where = f"（{' / '.join(scope)}）" if scope else ""
            rest = f"（同行：{'；'.join(f'{column} {other.text}' for column, other in others)}）" if show_row else ""
            return f"{row.label}{where}，{cell.column}：{_zh_value(cell)}{rest} [{label}]"
        english = self.glossary.english_label
        where = f" ({' / '.join(english(item) for item in scope)})" if scope else ""
        rest = f" (same row: {'; '.join(f'{english(column)} {other.text}' for column, other in others)})" if show_row else ""
        if cell.cell.value is None and not cell.cell.is_nil:  # a cell in words: its key terms glossed
            glossed = "; ".join(f"{zh} = {en}" for zh, en in self.glossary.gloss(cell.cell.text)[:6])
            rest += f" (key terms: {glossed})" if glossed else ""
        return f"{english(row.label)}{where}, {english(cell.column)}: {_english_value(cell)}{rest} [{label}]"

    def _citation(self, item: Evidence) -> Citation:
        unit = item.candidate.unit
        if item.cell is not None:
            return Citation(
                kind=BlockKind.TABLE.value,
                ref=unit.ref,
                lines=[item.cell.row.line, item.cell.row.line],
                quote=unit.text,
                row=item.cell.row.label,
                column=item.cell.column,
            )
        return Citation(kind=unit.kind.value, ref=unit.ref, lines=unit.lines.as_list(), quote=item.candidate.text)

    def render(self, item: Evidence, language: Language) -> tuple[str, Citation]:
        """One piece of evidence as an answer would quote and cite it (the fitting script labels
        evidence by scoring this against the gold answers)."""
        return self._render(item, language), self._citation(item)

    # ------------------------------------------------------------------ abstain and lookup

    def abstain(self, question: str, language: Language, hits: list[SearchHit], reason: Reason | None = None) -> Answer:
        """"The document does not say …", why (when known), and the nearest passages it did find."""
        nearest = [hit.unit for hit in hits[:3]]
        if language == "zh":
            labels = "、".join(format_label(u.kind, u.ref, "zh") for u in nearest)
            why = f"（{reason.zh}）" if reason is not None else ""
            text = f"这份文件没有提到这一点（{question.strip()}）{why}。" + (f"最接近的段落：{labels}。" if nearest else "")
        else:
            labels = ", ".join(format_label(u.kind, u.ref, "en") for u in nearest)
            why = f": {reason.en}" if reason is not None else ""
            text = f"The document does not say this ({question.strip()}){why}." + (
                f" The nearest passages are {labels}." if nearest else ""
            )
        return Answer(
            question=question,
            language=language,
            text=text,
            citations=[],
            confidence=0.0,
            abstained=True,
            evidence=[unit.uid for unit in nearest],
        )

    def lookup(self, question: str, unit: Unit, language: Language) -> Answer:
        """Show a unit the question names."""
        label = format_label(unit.kind, unit.ref, language)
        heading = f"{label} — {unit.title}" if unit.title and unit.title != label else label
        english = self.glossary.english_label(unit.title)
        if language == "en" and english and english != unit.title:
            heading = f"{heading} ({english})"
        return Answer(
            question=question,
            language=language,
            text=f"{heading}\n{unit.text}",
            citations=[Citation(unit.kind.value, unit.ref, unit.lines.as_list(), unit.text[:300])],
            confidence=1.0,
            abstained=False,
            evidence=[unit.id],
            mode="lookup",
        )


def _distinct(evidence: list[Scored]) -> list[Scored]:
    out: list[Scored] = []
    seen: set[tuple[str, str]] = set()
    for item in evidence:
        key = (item.evidence.candidate.unit.uid, item.evidence.candidate.text)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _states_figures_in_text_cells(row: TableRow) -> bool:
    return any(cell.value is None and not cell.is_nil and re.search(r"\d", cell.text) for cell in row.cells)


def _zh_value(cell: CellAnswer) -> str:
    """"47 270.9 千美元", "53 个员额", "89%": the value with the unit its table prints."""
    text = cell.cell.text
    if cell.cell.value is None:
        return text
    measure = cell_figure(cell)
    if measure is Measure.MONEY:
        return f"{text} 千美元" if "千美元" in (cell.table.unit or "") else f"{text} 美元"
    if measure is Measure.POSTS:
        return f"{text} 个员额"
    if measure is Measure.PERCENTAGE:
        return f"{text}%"
    return text


def _english_value(cell: CellAnswer) -> str:
    """"USD 47,270.9 thousand", "53 posts", "89%"."""
    text, value = cell.cell.text, cell.cell.value
    if value is None:
        return "nil (—)" if text.strip() in ("—", "-") else text
    number = f"{value:,.1f}" if "." in text else f"{value:,.0f}"
    measure = cell_figure(cell)
    if measure is Measure.MONEY:
        return f"USD {number} thousand" if "千美元" in (cell.table.unit or "") else f"USD {number}"
    if measure is Measure.POSTS:
        return f"{number} posts"
    if measure is Measure.PERCENTAGE:
        return f"{number}%"
    return number
