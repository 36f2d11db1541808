"""The offline answerer: quotes the sentence or table cell that answers, or abstains.

- A figure question gets the figure with its unit and labels, from the best table cell or the best
  sentence that holds a number.
- A fact question gets the sentence or two that answer it, with the paragraph id.
- A lookup shows the unit.
- Weak evidence (little of the question found, or a year the evidence does not mention) abstains,
  naming the nearest passages found.
English questions get English framing and labels; a quote leads with its checked English version
(a machine translation, the Chinese original kept as the cited evidence), or stays Chinese with its
key terms glossed where the sentence has none.
"""

from __future__ import annotations

import copy
import itertools
import re
from dataclasses import dataclass, replace

from budgetqa.index.evidence import EvidenceScorer, RankedUnit, candidate_texts
from budgetqa.index.glossary import Glossary, normalize_zh
from budgetqa.index.model import IndexUnit, SearchHit
from budgetqa.index.units import header_in_english, label_in_english
from budgetqa.ingest.budget import Measure, TableKind
from budgetqa.ingest.english import EnglishVersions, has_han
from budgetqa.ingest.english_view import MACHINE_TRANSLATION_NOTE, EnglishUnit, english_unit
from budgetqa.ingest.model import BlockKind, Cell, Document, Table, TableRow, Unit
from budgetqa.ingest.refs import format_label

from .english_quote import EnglishQuotes
from .evidence_score import Evidence, EvidenceWeights, Feature
from .measure import STATES_NONE, cell_measure, funding_sources, mentions, sentence_measure, states_count_of
from .model import Answer, Citation, Language
from .table_answer import CellAnswer, answer_cell, names_row
from .understand import ParsedQuestion
from .understand.counting import asked_measure
from .understand.interrogatives import asks_figure, asks_why
from .understand.parts import split_question, with_antecedents
from .verify import stated_figures
from .vetoes import ASKS_PERSON, YEAR, QuestionTerms, Veto, Vetoes

# How an English answer labels an English version: made by the local model, its figures checked.
MACHINE_TRANSLATION = "machine translation, figures checked"
EVIDENCE_UNITS = 8
MAX_EVIDENCE = 3  # pieces of evidence quoted in one answer
# Tables among the top evidence units whose rows are all candidates (other tables offer only the
# rows retrieval found).
ROW_TABLES = 3
ROW_TABLE_POSITIONS = 4
SMALL_TABLE_ROWS = 12  # a table this small offers all its rows wherever it ranks
DEEPER_ROWS = 6  # table rows taken from below the top evidence units
DEEPER_COUNTS = 3  # units from below the top that count what a count question counts
SHORT_TEXT_CELL = 12  # a text cell this short ("不适用 a") can answer as a cell
# Rows of tables with at most this many columns are quoted whole (plan and actual, every year).
WHOLE_ROW_COLUMNS = 6

_TOTAL = re.compile(r"一共|总共|共计|合计|总额|加在一起|合起来|\bin total\b|\baltogether\b|\bcombined\b|\btotal\b", re.IGNORECASE)
_ASKS_WHO = re.compile(
    r"\bwho(?:m|se)?\b|\bsign(?:s|ed|ature)?\b|\bheads?\b|\bheaded\b|under-secretary|谁|哪位|签署|署名|负责人|主管|副秘书长",
    re.IGNORECASE,
)
# How the document gives a reason or a purpose: "由于…", "是因为…", "用于支助…", "以便…".
_REASON = re.compile(r"由于|因为|原因|所致|归因于|鉴于|用于|以便|为了|旨在|目的是|反映了|源于|是为")
# The items of an enumeration as the document prints them: "(a) …", "（b）…", "a) …".
_LIST_ITEM = re.compile(r"^\s*(?:[(（][a-z\d一二三四五六七八九十]{1,3}[)）]|[a-z]\))")
MAX_LIST_ITEMS = 12  # items quoted after a sentence that introduces them
# A question for who signed a text, and for when something happened.
_ASKS_SIGNER = re.compile(r"签署|署名|\bsign(?:s|ed)?\b", re.IGNORECASE)
_ASKS_WHEN = re.compile(r"哪一?年|何时|什么时候|\bwhen\b|\b(?:which|what) year\b", re.IGNORECASE)


_RESULT_TABLES = frozenset({TableKind.MEASURES, TableKind.COMPLIANCE})


@dataclass(frozen=True)
class PartEvidence:
    """The candidates for one part of a question, ranked, and the veto on the best one (if any)."""

    question: str
    ranked: list[Evidence]
    veto: Veto | None


class ExtractiveAnswerer:
    """Answers from the evidence of one index, without a language model."""

    def __init__(
        self,
        document: Document,
        scorer: EvidenceScorer,
        glossary: Glossary,
        english: EnglishQuotes | None = None,
        weights: EvidenceWeights | None = None,
    ) -> None:
        self.document = document
        self.scorer = scorer
        self.glossary = glossary
        self.english = english  # the checked English versions quoted in English answers (none: glossed Chinese)
        self.rows_of = scorer.index.rows_of
        self.terms = QuestionTerms(document, glossary)
        self.weights = weights or EvidenceWeights.load()
        self.vetoes = Vetoes(document, self.terms, self.weights)
        self._signatures = [
            ("".join(f.signatory.split()), "".join(f"{f.signatory_title}{f.signatory}".split()))
            for f in document.forewords
            if f.signatory
        ]
        self._normalized: dict[str, str] = {}  # evidence unit id → its text, normalised (filled as met)
        self._tables = {table.ref: table for table in document.tables}
        self._part_titles = {part.number: normalize_zh(part.title) for part in document.parts}
        # A result's performance measures, by the heading they stand under with its paragraphs.
        self._measures_under: dict[tuple[str, ...], list[str]] = {}
        for unit in scorer.index.units:
            table = self._tables.get(unit.ref) if unit.is_whole_table else None
            if table is not None and table.kind in _RESULT_TABLES:
                self._measures_under.setdefault(unit.section, []).append(unit.ref)

    def with_weights(self, weights: EvidenceWeights) -> ExtractiveAnswerer:
        """This answerer scoring with other `weights` (for fitting and comparing them)."""
        other = copy.copy(self)
        other.weights = weights
        other.vetoes = self.vetoes.with_weights(weights)
        return other

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
        """Answer `question` (made standalone as `standalone`) from retrieval `hits`.

        A question that asks several things ("多少钱？覆盖了几个国家？") is answered part by part, from
        the units retrieved for the whole; `split=False` keeps it whole (a follow-up joined to the
        question it follows must not be split apart again).  `parsed` is the service's parse of the
        question; the passage answerer reads the question's words itself.
        """
        parts = self.select(standalone, hits, split=split)
        if len(parts) == 1:
            evidence = list(parts[0].ranked) if parts[0].veto is None else []
        else:
            evidence = _one_piece_per_part(parts)
        evidence = _distinct(evidence)[:MAX_EVIDENCE]
        if not evidence:
            vetoes = [part.veto for part in parts if part.veto is not None]
            return self.abstain(question, language, hits, vetoes[0] if vetoes else None)
        text = "\n".join(self._render(item, language) for item in evidence)
        citations = [self._citation(item) for item in evidence]
        return Answer(
            question=question,
            language=language,
            text=text,
            citations=_unique(citations),
            confidence=round(min(1.0, evidence[0].score), 4),
            abstained=False,
            evidence=[item.candidate.unit.uid for item in evidence],
        )

    def select(self, standalone: str, hits: list[SearchHit], *, split: bool = True) -> list[PartEvidence]:
        """The selection stage: for each part of the question, its evidence ranked best first (the best
        and a second nearly as good) and the veto on the best, if any."""
        parts = split_question(standalone) if split else [standalone]
        units = self._evidence_units(hits, [noun for part in parts if (noun := self.terms.counted(part))])
        out = []
        for part, asked in zip(parts, with_antecedents(parts), strict=True):
            ranked = self._evidence_for(asked, units)
            veto = self.vetoes.first(asked, ranked[0]) if ranked else None
            if veto is not None and veto.of_figure_kind:
                # the best piece states another kind of figure (another year, no percentage): the next
                # piece that scores above the threshold and passes every veto is used instead
                usable = next(
                    (i for i, item in enumerate(ranked[1:], 1)
                     if item.score >= self.weights.abstain_below and self.vetoes.first(asked, item) is None),
                    None,
                )
                if usable is not None:
                    ranked, veto = ranked[usable:], None
            chosen = _top_two(ranked, self.weights.second_ratio)
            if len(chosen) == 2 and veto is None and self.vetoes.first(asked, chosen[1]) is not None:
                chosen = chosen[:1]  # a second piece is quoted only where it could answer on its own
            out.append(PartEvidence(part, [_with_listed_items(item) for item in chosen], veto))
        return out

    def candidates(self, question: str, hits: list[SearchHit]) -> list[Evidence]:
        """Every candidate for `question` with its features, before any selection (for fitting the weights)."""
        units = self._evidence_units(hits, [noun] if (noun := self.terms.counted(question)) else [])
        pool = self._figure_pool(question, units) if asks_figure(question) else []
        return pool or self._fact_pool(question, units)

    # ------------------------------------------------------------------ evidence

    def _evidence_units(self, hits: list[SearchHit], counted: list[str]) -> list[RankedUnit]:
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
            if expand and unit.kind is BlockKind.PARAGRAPH:
                # a result's paragraphs and its performance measures answer together ("how much was
                # the portal used" is read in the measures table the paragraph's heading holds); reached
                # through the paragraph, they rank just after it
                for ref in self._measures_under.get(unit.section, []):
                    rows = [row for row in self.rows_of(ref) if row.uid not in seen]
                    units.extend(RankedUnit(row, position + 1) for row in rows)
                    seen.update(row.uid for row in rows)
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

    def _evidence_for(self, question: str, units: list[RankedUnit]) -> list[Evidence]:
        if asks_figure(question):
            return self._figure_evidence(question, units)
        return self._fact_evidence(question, units)

    def _fact_pool(self, question: str, units: list[RankedUnit]) -> list[Evidence]:
        """Every sentence and row of `units` as evidence for a fact question, with its features."""
        candidates = self.scorer.candidates(question, [item.unit for item in units], ranks=[item.rank for item in units])
        if not _ASKS_WHO.search(question):
            # A foreword's signature names its office as no sentence does, and answers nothing but "who".
            candidates = [c for c in candidates if not self._is_signature(c.unit, c.text)]
        why = asks_why(question)
        return self._part_features(
            question,
            [
                self._fact_item(
                    question,
                    Evidence.of(c, self.weights, None, {Feature.REASON_STATED: 1.0} if why and _REASON.search(c.text) else None),
                )
                for c in candidates
            ],
        )

    def _fact_evidence(self, question: str, units: list[RankedUnit]) -> list[Evidence]:
        evidence = self._in_asked_part(self._fact_pool(question, units))
        ranked = sorted(evidence, key=lambda item: -item.score)
        return self._of_asked_type(question, ranked)

    def _of_asked_type(self, question: str, ranked: list[Evidence]) -> list[Evidence]:
        """Evidence of the type the question asks for first (expected-answer-type ordering): a
        signature for "who signed", a sentence naming someone besides the question's subjects for
        "who", a sentence with a year for "when"; the rest after, in their order."""
        if _ASKS_SIGNER.search(question):
            fits = [item for item in ranked if self._is_signature(item.candidate.unit, item.candidate.text)]
        elif ASKS_PERSON.search(question):
            fits = [item for item in ranked if self.terms.names_someone_else(question, item.candidate.text)]
        elif _ASKS_WHEN.search(question):
            fits = [item for item in ranked if YEAR.search(item.candidate.text)]
        else:
            return ranked
        fits = [item for item in fits if self._strong(item)]
        return fits + [item for item in ranked if item not in fits]

    def _strong(self, item: Evidence) -> bool:
        return item.score >= self.weights.abstain_below

    def _source_features(self, expanded_question: str, evidence: list[Evidence]) -> list[Evidence]:
        """"预算外资源是多少": a figure of the funding source asked (regular budget, other assessed,
        extrabudgetary), or a figure said of another source.  `expanded_question` is the question
        with the glossary's Chinese for its English phrases."""
        asked = funding_sources(expanded_question)
        if not asked:
            return evidence
        out = []
        for item in evidence:
            stated = funding_sources(item.candidate.text)
            if stated:
                item = item.with_features({Feature.SOURCE_MATCH if asked & stated else Feature.SOURCE_MISMATCH: 1.0})
            out.append(item)
        return out

    def _part_features(self, question: str, evidence: list[Evidence]) -> list[Evidence]:
        """A question about a body that has a part of its own (the Register of Damage, UNOAU, UNOCT …):
        evidence from another part that never names the body is marked OTHER_PART ("2024 年，预算外资源
        估计为 …" is said of every office)."""
        # bodies and offices only: a place ("巴勒斯坦") in a part's title does not make the part the subject
        bodies = [entry for entry in self.terms.named_entities(question) if entry.category == "org"]
        forms = [normalize_zh(form) for entry in bodies for form in entry.zh_forms]
        home = {
            number
            for number, title in self._part_titles.items()
            if any(len(form) >= 2 and (form in title or title in form) for form in forms)
        }
        if not home:
            return evidence
        out = []
        for item in evidence:
            unit = item.candidate.unit
            if unit.part in home or any(form in self._normalized_text(unit) for form in forms):
                out.append(item)
            else:
                out.append(item.with_features({Feature.OTHER_PART: 1.0}))
        return out

    def _in_asked_part(self, evidence: list[Evidence]) -> list[Evidence]:
        """The body's own part answers wherever it has strong evidence (see :meth:`_part_features`)."""
        inside = [item for item in evidence if not item.features.get(Feature.OTHER_PART)]
        if len(inside) < len(evidence) and any(self._strong(item) for item in inside):
            return inside
        return evidence

    def _normalized_text(self, unit: IndexUnit) -> str:
        text = self._normalized.get(unit.uid)
        if text is None:
            text = self._normalized[unit.uid] = normalize_zh(unit.text)
        return text

    def _fact_item(self, question: str, item: Evidence) -> Evidence:
        """"What is the 2024 target for …": a table row whose cell for that year states it in words (a
        performance measure's "2024(计划)") answers with that cell, and counts for more than prose
        about other years."""
        unit = item.candidate.unit
        years = {int(year) for year in YEAR.findall(question)}
        if unit.row is None or not years:
            return item
        table = self._tables[unit.ref]
        table_years = {column.year for column in table.column_types if column.year is not None}
        if not table_years:
            return item
        if not years & table_years:
            return item.with_features({Feature.ROW_YEAR_MISMATCH: 1.0})  # the table's years are others
        cell = answer_cell(table, unit.row, question)
        if cell is None or cell.cell.is_nil or _column_year(table, cell.column_index) not in years:
            return item
        if cell.cell.is_numeric:
            # that year's cell is a figure (an estimate, a count): the row answers "how much", not "what"
            return item.with_features({Feature.ROW_YEAR_MISMATCH: 1.0})
        own: dict[Feature, float] = {name: value for name, value in item.features.items() if name is not Feature.COLUMN_FIT}
        return Evidence.of(item.candidate, self.weights, cell, {**own, Feature.ROW_YEAR_MATCH: 1.0})

    def _is_signature(self, unit: IndexUnit, text: str) -> bool:
        """The text is the signature line of a foreword ("主管某某办公室副秘书长 某某·某某")."""
        if unit.kind is not BlockKind.FOREWORD:
            return False
        compact = "".join(text.split())
        return any(name in compact and len(compact) <= len(signature) + 4 for name, signature in self._signatures)

    def _figure_pool(self, question: str, units: list[RankedUnit]) -> list[Evidence]:
        """Every figure among `units` (cells, sentences with a figure, statements of none) as evidence
        for a figure question, with its features."""
        candidates = self.scorer.candidates(question, [item.unit for item in units], ranks=[item.rank for item in units])
        asked = asked_measure(question)
        # An English question names rows through the glossary's Chinese for its phrases.
        expanded_question = f"{question} {' '.join(self.glossary.expand_english(question))}"
        compact_question = "".join(expanded_question.split())
        question_terms = [form for form, _ in self.glossary.find_terms(expanded_question)]
        intent_years = set(YEAR.findall(question))
        total_asked = bool(_TOTAL.search(question))
        pool: list[Evidence] = []
        for candidate in candidates:
            unit = candidate.unit
            if unit.row is not None:
                table = self._tables[unit.ref]
                cell = answer_cell(table, unit.row, question)
                if _states_figures_in_text_cells(table.rows[unit.row]):
                    # "成员：31 个会员国": a figure inside a text cell answers as a quote of the row, or
                    # of its cell for the year asked where that cell states one (a measure's "2022 年实际")
                    in_year = (
                        cell is not None
                        and str(_column_year(table, cell.column_index)) in intent_years
                        and _has_figure(cell.cell.text)
                    )
                    stated = sentence_measure(cell.cell.text if in_year and cell is not None else candidate.text)
                    quoted = (
                        Evidence.of(candidate, self.weights, cell, {Feature.ROW_YEAR_MATCH: 1.0})
                        if in_year
                        else Evidence.of(candidate, self.weights)
                    )
                    pool.append(_measured(quoted, asked, stated))
                if cell is None or not (cell.cell.is_numeric or len(cell.cell.text) <= SHORT_TEXT_CELL):
                    continue  # a long text cell is quoted through the row, above
                stated = cell_measure(table, unit.row, cell.column_index)
                features: dict[Feature, float] = {}
                if cell.cell.is_nil:
                    features[Feature.NIL] = 1.0
                if names_row(compact_question, question_terms, cell.row, table):
                    features[Feature.ROW_NAMED] = 1.0
                row_years = set(YEAR.findall(cell.row.label))
                if row_years and intent_years:
                    features[Feature.ROW_YEAR_MATCH if row_years & intent_years else Feature.ROW_YEAR_MISMATCH] = 1.0
                if cell.row.is_total and total_asked:
                    features[Feature.TOTAL_ASKED] = 1.0
                    if cell.row.part is None:
                        features[Feature.GRAND_TOTAL_ASKED] = 1.0
                pool.append(_measured(Evidence.of(candidate, self.weights, cell, features), asked, stated))
            elif _has_figure(candidate.text):
                pool.append(_measured(Evidence.of(candidate, self.weights), asked, sentence_measure(candidate.text)))
            elif STATES_NONE.search(candidate.text):
                # "预计 2024 年没有预算外资源": the answer is none, as a nil cell ("—") says it
                pool.append(replace(Evidence.of(candidate, self.weights, None, {Feature.NIL: 1.0}), measure=asked))
        counted = self.terms.counted(question)
        if counted:
            pool = [item.with_features(_counting_features(item, counted)) for item in pool]
        pool = self._source_features(expanded_question, pool)
        return self._part_features(question, pool)

    def _figure_evidence(self, question: str, units: list[RankedUnit]) -> list[Evidence]:
        pool = self._figure_pool(question, units)
        counted = self.terms.counted(question)
        if counted:
            # "几个代表团": evidence that counts 代表团 answers, wherever the evidence has some.
            counting = [item for item in pool if _counts(item, counted) and self._strong(item)]
            pool = counting or pool
        pool = self._in_asked_part(pool)
        if not pool:
            return self._fact_evidence(question, units)
        if asked_measure(question) is Measure.PERCENTAGE:
            # "What share / proportion / 比例": only a percentage answers it, where one is in the evidence.
            percentages = [item for item in pool if item.measure is Measure.PERCENTAGE and self._strong(item)]
            pool = percentages or pool
        pool.sort(key=lambda item: -item.score)
        return _stated_before_nil(pool, self.weights.second_ratio)

    # ------------------------------------------------------------------ rendering

    def _render(self, item: Evidence, language: Language) -> str:
        unit = item.candidate.unit
        label = format_label(unit.kind, unit.ref, language)
        if item.cell is not None:
            return self._render_cell(item.cell, label, language)
        return self._render_quote(unit, item.candidate.text.strip(), language)

    def _render_quote(self, unit: IndexUnit, quote: str, language: Language) -> str:
        """A quoted passage of `unit` with its label: in English, its checked English version where one
        renders it, else the Chinese quote with its key terms glossed."""
        label = format_label(unit.kind, unit.ref, language)
        if language == "zh":
            return f"{quote} [{label}]"
        english = self.english.of(unit, quote) if self.english is not None else None
        if english is not None:
            # the Chinese original stays the evidence: the citation quotes it
            return f"{label.capitalize()} ({MACHINE_TRANSLATION}): “{english.text}” [{label}]"
        if unit.row is not None and unit.ref in self._tables:
            row = self._english_row(self._tables[unit.ref], unit.row)
            if not has_han(row):
                return f"{label.capitalize()}, row: {row} [{label}]"
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
        english = self._english_label
        where = f" ({' / '.join(english(item) for item in scope)})" if scope else ""
        header = self._english_header
        rest = f" (same row: {'; '.join(f'{header(column)} {self._english_cell(other)}' for column, other in others)})" if show_row else ""
        value = _english_value(cell)
        if cell.cell.value is None and not cell.cell.is_nil:  # a cell in words: its checked English, else key terms glossed
            translated = self._checked_label(cell.cell.text)
            if translated:
                value = f"{translated} ({MACHINE_TRANSLATION})"
            else:
                glossed = "; ".join(f"{zh} = {en}" for zh, en in self.glossary.gloss(cell.cell.text)[:6])
                rest += f" (key terms: {glossed})" if glossed else ""
        return f"{english(row.label)}{where}, {header(cell.column)}: {value}{rest} [{label}]"

    def _english_label(self, chinese: str) -> str:
        """A label in English: a glossary term's official English, else the label's checked English
        version, else the glossary's rendering where it renders the whole label (a half-rendered
        label reads worse than the original)."""
        versions = self.english.versions if self.english is not None else EnglishVersions([], [])
        rendered = label_in_english(chinese, versions, self.glossary)
        return chinese if has_han(rendered) else rendered

    def _english_header(self, chinese: str) -> str:
        """A column header in English (:func:`header_in_english`)."""
        versions = self.english.versions if self.english is not None else EnglishVersions([], [])
        rendered = header_in_english(chinese, versions, self.glossary)
        return chinese if has_han(rendered) else rendered  # as printed rather than half-rendered, as labels

    def _english_cell(self, cell: Cell) -> str:
        """A cell shown beside the answer: figures as printed, words in their checked English (else
        as printed: a half-glossed sentence reads worse than the original)."""
        if cell.value is None and not cell.is_nil and has_han(cell.text):
            return self._checked_label(cell.text) or cell.text
        return cell.text

    def _checked_label(self, chinese: str) -> str | None:
        """The checked English version of a label or text cell, or None."""
        return self.english.versions.label(chinese) if self.english is not None else None

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

    def quote_answer(self, question: str, quotes: list[tuple[IndexUnit, str]], language: Language) -> Answer:
        """An answer quoting passages chosen by a structural stage (the paragraphs that explain a body's
        change), each a (unit, quote) pair, rendered and cited as the passage answerer renders its own."""
        return Answer(
            question=question,
            language=language,
            text="\n".join(self._render_quote(unit, quote, language) for unit, quote in quotes),
            citations=_unique([Citation(kind=u.kind.value, ref=u.ref, lines=u.lines.as_list(), quote=q) for u, q in quotes]),
            confidence=0.8,
            abstained=False,
            evidence=[unit.uid for unit, _ in quotes],
        )

    # ------------------------------------------------------------------ abstain and lookup

    def abstain(self, question: str, language: Language, hits: list[SearchHit], veto: Veto | None = None) -> Answer:
        """"The document does not say …", with why the best evidence found did not answer (`veto`)
        and the nearest passages."""
        nearest = [hit.unit for hit in hits[:3]]
        labels = "、".join(format_label(u.kind, u.ref, "zh") for u in nearest)
        if language == "zh":
            reason = f"{veto.explain('zh')}。" if veto is not None else ""
            text = f"这份文件没有提到这一点（{question.strip()}）。{reason}" + (f"最接近的段落：{labels}。" if nearest else "")
        else:
            labels = ", ".join(format_label(u.kind, u.ref, "en") for u in nearest)
            reason = f" {veto.explain('en').capitalize()}." if veto is not None else ""
            text = f"The document does not say this ({question.strip()}).{reason}" + (
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

    def _english_view(self, unit: Unit) -> str | None:
        """The unit in its checked English versions, as text; None when a segment of it has none (a
        table: when its caption has none; a label without a version stays as printed)."""
        if self.english is None:
            return None
        view = english_unit(self.document, unit, self.english.versions)
        if unit.kind is BlockKind.TABLE and f"caption:{unit.ref}" not in view.untranslated:
            return self._english_table(view, self._tables[unit.ref])
        return render_english_view(view) if view.complete else None

    def _english_row(self, table: Table, index: int) -> str:
        """Row `index` of `table` in English: "[part / group] label: column value; …"."""
        label = self._english_label
        row = table.rows[index]
        scope = " / ".join(label(item) for item in (row.part, row.group) if item)
        cells = "; ".join(
            f"{self._english_header(column)} {self._english_cell(cell)}"
            for column, cell in zip(table.columns, row.cells, strict=False)
            if cell.text.strip()
        )
        return f"{f'[{scope}] ' if scope else ''}{label(row.label)}: {cells}"

    def _english_table(self, view: EnglishUnit, table: Table) -> str:
        """A table in English: its checked caption and notes; labels in their checked versions, else the
        glossary's rendering; figures as printed."""
        label = self._english_label
        caption = self.english.versions.get(f"caption:{table.ref}") if self.english is not None else None
        title = f"{format_label(BlockKind.TABLE, table.ref, 'en')}: {caption or table.caption}"
        if table.unit:  # the unit of the figures ("千美元"), as the glossary names it
            title += f" ({label(table.unit.strip('()（）')).strip('()')})"
        lines = [title, *(self._english_row(table, index) for index in range(len(table.rows)))]
        if view.text:
            lines.append(view.text)
        lines.append(f"({MACHINE_TRANSLATION_NOTE})")
        return "\n".join(lines)

    def lookup(self, question: str, unit: Unit, language: Language) -> Answer:
        """Show a unit the question names."""
        label = format_label(unit.kind, unit.ref, language)
        heading = f"{label} — {unit.title}" if unit.title and unit.title != label else label
        english = self.glossary.english_label(unit.title)
        if language == "en" and english and english != unit.title:
            heading = f"{heading} ({english})"
        shown = f"{heading}\n{unit.text}"
        translated = self._english_view(unit) if language == "en" else None
        if translated is not None:
            shown = translated  # the Chinese original stays the evidence: the citation quotes it
        return Answer(
            question=question,
            language=language,
            text=shown,
            citations=[Citation(unit.kind.value, unit.ref, unit.lines.as_list(), unit.text[:300])],
            confidence=1.0,
            abstained=False,
            evidence=[unit.id],
            mode="lookup",
        )


def render_english_view(view: EnglishUnit) -> str:
    """A unit's English view as text: its title and text (tables go through
    :meth:`ExtractiveAnswerer._english_table`, which renders their labels)."""
    lines = [view.title] if view.title else []
    if view.text:
        lines.append(view.text)
    lines.append(f"({MACHINE_TRANSLATION_NOTE})")
    return "\n".join(lines)



def _one_piece_per_part(parts: list[PartEvidence]) -> list[Evidence]:
    """The piece that answers each part of a several-part question, in the parts' order.

    The parts ask different things, so where two would quote the same piece, the part that has an
    alternative nearly as good (its second-ranked piece) takes that instead; a part with one choice
    claims it first.
    """
    answerable = [part for part in parts if part.ranked and part.veto is None]
    chosen: dict[int, Evidence] = {}
    taken: set[str] = set()
    for index in sorted(range(len(answerable)), key=lambda i: len(answerable[i].ranked)):
        options = answerable[index].ranked
        pick = next((item for item in options if item.candidate.unit.uid not in taken), options[0])
        chosen[index] = pick
        taken.add(pick.candidate.unit.uid)
    return [chosen[index] for index in range(len(answerable))]


def _distinct(evidence: list[Evidence]) -> list[Evidence]:
    out: list[Evidence] = []
    seen: set[tuple[str, str]] = set()
    for item in evidence:
        key = (item.candidate.unit.uid, item.candidate.text)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _stated_before_nil(ranked: list[Evidence], ratio: float) -> list[Evidence]:
    """A nil cell ("—") first only when no stated figure scores within `ratio` of it: "how many posts
    in 2024" is answered by the row that has them, not by the extrabudgetary row that has none."""
    if not ranked or ranked[0].cell is None or not ranked[0].cell.cell.is_nil:
        return ranked
    for position, item in enumerate(ranked[1:], start=1):
        if item.score < ratio * ranked[0].score:
            break
        if item.cell is None or not item.cell.cell.is_nil:
            return [item, *ranked[:position], *ranked[position + 1 :]]
    return ranked


def _top_two(ranked: list[Evidence], ratio: float) -> list[Evidence]:
    """The best evidence, and a second piece scoring within `ratio` of it about the same part of the
    budget (the same table row of another office answers a different question)."""
    if not ranked:
        return []
    best = ranked[0]
    for other in ranked[1:]:
        if other.candidate.unit.uid == best.candidate.unit.uid and other.cell is None and best.cell is None:
            continue
        if other.candidate.unit.part != best.candidate.unit.part:
            continue
        if other.score >= ratio * best.score:
            return [best, other]
        break
    return [best]


def _with_listed_items(item: Evidence) -> Evidence:
    """A sentence that introduces a list ("…进行以下评价：") quoted with the items that follow it in its
    unit: the lead-in alone answers nothing."""
    text = item.candidate.text.rstrip()
    if item.cell is not None or not text.endswith(("：", ":")):
        return item
    pieces = candidate_texts(item.candidate.unit)
    if item.candidate.text not in pieces:
        return item
    following = pieces[pieces.index(item.candidate.text) + 1 :]
    items = list(itertools.takewhile(lambda piece: _LIST_ITEM.match(piece) is not None, following))[:MAX_LIST_ITEMS]
    if not items:
        return item
    return replace(item, candidate=replace(item.candidate, text="\n".join([text, *items])))


def _has_figure(text: str) -> bool:
    """A sentence states a figure: a number that is not a year, a symbol or a paragraph number."""
    return bool(stated_figures(text))


def _measured(item: Evidence, asked: Measure, stated: Measure) -> Evidence:
    """`item`, stating a figure of kind `stated`, marked as the kind asked or another."""
    if asked is stated:
        feature = Feature.MEASURE_MATCH
    elif asked is Measure.COUNT:
        return replace(item, measure=stated)  # a count question is answered by any figure of what it counts
    elif stated is Measure.COUNT:
        feature = Feature.MEASURE_UNSPECIFIC
    else:
        feature = Feature.MEASURE_MISMATCH
    return replace(item.with_features({feature: 1.0}), measure=stated)


def _counting_features(item: Evidence, noun: str) -> dict[Feature, float]:
    """For "几个代表团": evidence that gives a number of 代表团 (a sentence "派出 7 个代表团", a cell of
    a row about them), or evidence that never names them."""
    if _counts(item, noun):
        return {Feature.COUNTS_ASKED: 1.0}
    return {} if mentions(item.candidate.text, noun) else {Feature.LACKS_COUNTED: 1.0}


def _counts(item: Evidence, noun: str) -> bool:
    """The evidence gives a number of `noun`: a sentence that counts it, a cell of a row about it, or a
    text cell that counts it ("涉及约 400 项索赔")."""
    if item.cell is not None:
        cell = item.cell.cell
        if cell.value is None and not cell.is_nil:
            return states_count_of(cell.text, noun)
        return mentions(item.cell.row.label, noun) and item.measure in (Measure.COUNT, Measure.POSTS)
    return states_count_of(item.candidate.text, noun)


def _column_year(table: Table, index: int) -> int | None:
    return table.column_type(index).year if index < len(table.column_types) else None


def _states_figures_in_text_cells(row: TableRow) -> bool:
    return any(cell.value is None and not cell.is_nil and re.search(r"\d", cell.text) for cell in row.cells)


def _zh_value(cell: CellAnswer) -> str:
    """"47 270.9 千美元", "53 个员额", "89%": the value with the unit its table prints."""
    text = cell.cell.text
    measure = cell_measure(cell.table, cell.row_index, cell.column_index)
    if cell.cell.value is None:
        return text
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
    measure = cell_measure(cell.table, cell.row_index, cell.column_index)
    if measure is Measure.MONEY:
        return f"USD {number} thousand" if "千美元" in (cell.table.unit or "") else f"USD {number}"
    if measure is Measure.POSTS:
        return f"{number} posts"
    if measure is Measure.PERCENTAGE:
        return f"{number}%"
    return number


def _unique(citations: list[Citation]) -> list[Citation]:
    out: list[Citation] = []
    seen: set[tuple[str, str, str | None]] = set()
    for citation in citations:
        key = (citation.kind, citation.ref, citation.row)
        if key not in seen:
            seen.add(key)
            out.append(citation)
    return out
