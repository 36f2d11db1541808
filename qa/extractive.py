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

import re
from dataclasses import dataclass, replace

from budgetqa.index.evidence import Candidate, EvidenceScorer, RankedUnit
from budgetqa.index.glossary import Glossary, GlossaryEntry, normalize_zh
from budgetqa.index.model import IndexUnit, SearchHit
from budgetqa.index.units import label_in_english
from budgetqa.ingest.budget import Measure as AskedMeasure
from budgetqa.ingest.english import EnglishVersions, has_han
from budgetqa.ingest.english_view import MACHINE_TRANSLATION_NOTE, EnglishUnit, english_unit
from budgetqa.ingest.model import BlockKind, Cell, Document, Table, TableRow, Unit
from budgetqa.ingest.numerals import int_to_chinese
from budgetqa.ingest.refs import format_label

from .english_quote import EnglishQuotes
from .measure import (
    STATES_NONE,
    Measure,
    cell_measure,
    funding_sources,
    mentions,
    sentence_measure,
    states_count_of,
)
from .model import Answer, Citation, Language
from .table_answer import CellAnswer, answer_cell, names_row
from .understand import ParsedQuestion
from .understand.counting import asked_measure, counted_noun, english_counted_phrase
from .understand.interrogatives import asks_figure
from .understand.parts import split_question
from .verify import stated_figures

# Below this evidence score the answerer abstains (chosen on the dev set's answerable vs
# unanswerable questions; see eval/ for the measurement).
ABSTAIN_BELOW = 0.38
# How an English answer labels an English version: made by the local model, its figures checked.
MACHINE_TRANSLATION = "machine translation, figures checked"
# A body, office or place the document names in at most this many blocks is specific enough that
# evidence not mentioning it answers about something else.
RARE_ENTITY_BLOCKS = 10
ENTITY_CATEGORIES = frozenset({"org", "geo"})
# A second piece of evidence is added when it scores at least this share of the best one.
SECOND_EVIDENCE_RATIO = 0.85
EVIDENCE_UNITS = 8
MAX_EVIDENCE = 3  # pieces of evidence quoted in one answer
# Tables among the top evidence units whose rows are all candidates (other tables offer only the
# rows retrieval found).
ROW_TABLES = 3
ROW_TABLE_POSITIONS = 4
SMALL_TABLE_ROWS = 12  # a table this small offers all its rows wherever it ranks
DEEPER_ROWS = 6  # table rows taken from below the top evidence units
DEEPER_COUNTS = 3  # units from below the top that count what a count question counts
# Score adjustments for a figure of the kind asked (money, posts, percentage, count) or not, and for
# a table row whose label the question names.
MEASURE_MATCH = 0.12
MEASURE_MISMATCH = -0.15
ROW_LABEL_NAMED = 0.15
MEASURE_UNSPECIFIC = -0.12  # a bare count where money, posts or a percentage was asked
COUNTED_NOUN = 0.12  # "几个代表团": evidence that counts 代表团 gains, evidence that never names it loses
SHORT_TEXT_CELL = 12  # a text cell this short ("不适用 a") can answer as a cell
NIL_CELL = -0.1  # "—" answers a figure question only when nothing better is there
ROW_YEAR = 0.15  # a row labelled with a year ("2024 年拟议") answers for that year only
SOURCE_NAMED = 0.12  # a figure of the funding source asked (regular budget, extrabudgetary …) or of another
OTHER_PART = 0.2  # evidence from another body's part, for a question about a body with a part of its own
TOTAL_ROW_ASKED = 0.1  # "一共/in total" asks for a 共计 row (more so for a table's grand total)
# Rows of tables with at most this many columns are quoted whole (plan and actual, every year).
WHOLE_ROW_COLUMNS = 6

_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_TOTAL = re.compile(r"一共|总共|共计|合计|总额|加在一起|合起来|\bin total\b|\baltogether\b|\bcombined\b|\btotal\b", re.IGNORECASE)
_ORDINAL_EN = {
    word: int_to_chinese(number)
    for number, word in enumerate(
        ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"), start=1
    )
}
_ORDINAL_ZH = re.compile(r"第([一二三四五六七八九十]+)(?:次|届|轮)")
_ASKS_WHO = re.compile(
    r"\bwho(?:m|se)?\b|\bsign(?:s|ed|ature)?\b|\bheads?\b|\bheaded\b|under-secretary|谁|哪位|签署|署名|负责人|主管|副秘书长",
    re.IGNORECASE,
)
_ASKS_COUNTRY = re.compile(r"哪个国家|哪国|which (country|member state)", re.IGNORECASE)
# A question for a person or an office holder ("谁主持了…", "Who chaired …").
_ASKS_PERSON = re.compile(r"\bwho(?:m|se)?\b|谁|哪位", re.IGNORECASE)
_PERCENT_SIGN = re.compile(r"%|％|百分之")
# A question for who signed a text, and for when something happened.
_ASKS_SIGNER = re.compile(r"签署|署名|\bsign(?:s|ed)?\b", re.IGNORECASE)
_ASKS_WHEN = re.compile(r"哪一?年|何时|什么时候|\bwhen\b|\b(?:which|what) year\b", re.IGNORECASE)
# A person's name as the document prints it: "弗拉基米尔·沃龙科夫".
_PERSON_NAME = re.compile(r"[\u4e00-\u9fff]{1,8}·[\u4e00-\u9fff]{1,8}")
# Glossary categories that can answer "who": an office holder, an entity, a country.
_WHO_CATEGORIES = frozenset({"org", "geo", "title"})
# Roles a question can ask about, in the document's Chinese and as English questions word them: the
# evidence must state the role ("who chaired the Commission" is not answered by its meetings).
_ROLES: dict[str, re.Pattern[str]] = {
    "副主席": re.compile(r"副主席|\bvice[- ](?:chair\w*|president)", re.IGNORECASE),
    "主席": re.compile(r"(?<!副)主席|\bchair(?:s|ed|ing|man|woman|person|manship)?\b|\bpresiden(?:t|cy)\b", re.IGNORECASE),
    "报告员": re.compile(r"报告员|\brapporteurs?\b", re.IGNORECASE),
}


@dataclass(frozen=True)
class Evidence:
    """The chosen support of an answer: a sentence/unit candidate, or a table cell."""

    candidate: Candidate
    cell: CellAnswer | None = None

    adjustment: float = 0.0
    measure: Measure | None = None  # what kind of figure it states (figure evidence only)

    @property
    def score(self) -> float:
        bonus = 0.1 * self.cell.column_score if self.cell is not None else 0.0
        return self.candidate.score + bonus + self.adjustment


class ExtractiveAnswerer:
    """Answers from the evidence of one index, without a language model."""

    def __init__(
        self, document: Document, scorer: EvidenceScorer, glossary: Glossary, english: EnglishQuotes | None = None
    ) -> None:
        self.document = document
        self.scorer = scorer
        self.glossary = glossary
        self.english = english  # the checked English versions quoted in English answers (none: glossed Chinese)
        self.rows_of = scorer.index.rows_of
        self._block_texts = [normalize_zh(unit.text) for unit in document.units()]
        self._signatures = [
            ("".join(f.signatory.split()), "".join(f"{f.signatory_title}{f.signatory}".split()))
            for f in document.forewords
            if f.signatory
        ]
        self._frequency: dict[str, int] = {}
        texts: dict[tuple[str, ...], list[str]] = {}
        for unit, normalized in zip(document.units(), self._block_texts, strict=True):
            key = _subprogramme(unit.section)
            if key is not None:
                texts.setdefault(key, []).append(normalized)
        self._subprogramme_texts = {key: " ".join(parts) for key, parts in texts.items()}
        self._normalized: dict[str, str] = {}  # evidence unit id → its text, normalised (filled as met)
        self._tables = {table.ref: table for table in document.tables}
        self._part_titles = {part.number: normalize_zh(part.title) for part in document.parts}

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
        parts = split_question(standalone) if split else [standalone]
        units = self._evidence_units(hits, [noun for part in parts if (noun := self._counted(part))])
        evidence: list[Evidence] = []
        for part in parts:
            found = self._evidence_for(part, units)
            if found and not self._too_weak(part, found[0]):
                evidence.extend(found if len(parts) == 1 else found[:1])
        evidence = _distinct(evidence)[:MAX_EVIDENCE]
        if not evidence:
            return self.abstain(question, language, hits)
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

    def _fact_evidence(self, question: str, units: list[RankedUnit]) -> list[Evidence]:
        candidates = self.scorer.candidates(question, [item.unit for item in units], ranks=[item.rank for item in units])
        if not _ASKS_WHO.search(question):
            # A foreword's signature names its office as no sentence does, and answers nothing but "who".
            candidates = [c for c in candidates if not self._is_signature(c)]
        evidence = self._in_asked_part(question, [self._fact_item(question, candidate) for candidate in candidates])
        ranked = sorted(evidence, key=lambda item: -item.score)
        return _top_two(self._of_asked_type(question, ranked))

    def _of_asked_type(self, question: str, ranked: list[Evidence]) -> list[Evidence]:
        """Evidence of the type the question asks for first (expected-answer-type ordering): a
        signature for "who signed", a sentence naming someone besides the question's subjects for
        "who", a sentence with a year for "when"; the rest after, in their order."""
        if _ASKS_SIGNER.search(question):
            fits = [item for item in ranked if self._is_signature(item.candidate)]
        elif _ASKS_PERSON.search(question):
            fits = [item for item in ranked if self._names_someone_else(question, item.candidate.text)]
        elif _ASKS_WHEN.search(question):
            fits = [item for item in ranked if _YEAR.search(item.candidate.text)]
        else:
            return ranked
        fits = [item for item in fits if item.score >= ABSTAIN_BELOW]
        return fits + [item for item in ranked if item not in fits]

    def _of_asked_source(self, expanded_question: str, evidence: list[Evidence]) -> list[Evidence]:
        """"预算外资源是多少": a figure of the funding source asked (regular budget, other assessed,
        extrabudgetary) gains, a figure said of another source loses.  `expanded_question` is the
        question with the glossary's Chinese for its English phrases."""
        asked = funding_sources(expanded_question)
        if not asked:
            return evidence
        out = []
        for item in evidence:
            stated = funding_sources(item.candidate.text)
            if stated:
                item = replace(item, adjustment=item.adjustment + (SOURCE_NAMED if asked & stated else -SOURCE_NAMED))
            out.append(item)
        return out

    def _in_asked_part(self, question: str, evidence: list[Evidence]) -> list[Evidence]:
        """A question about a body that has a part of its own (the Register of Damage, UNOAU, UNOCT …)
        is answered from that part wherever it has evidence; evidence from another part that never
        names the body otherwise loses ("2024 年，预算外资源估计为 …" is said of every office)."""
        forms = [normalize_zh(form) for entry in self._named_entities(question) for form in entry.zh_forms]
        home = {
            number
            for number, title in self._part_titles.items()
            if any(len(form) >= 2 and (form in title or title in form) for form in forms)
        }
        if not home:
            return evidence
        inside, outside = [], []
        for item in evidence:
            unit = item.candidate.unit
            if unit.part in home or any(form in self._normalized_text(unit) for form in forms):
                inside.append(item)
            else:
                outside.append(replace(item, adjustment=item.adjustment - OTHER_PART))
        if any(item.score >= ABSTAIN_BELOW for item in inside):
            return inside  # the body's own part answers, wherever it has evidence
        return inside + outside

    def _normalized_text(self, unit: IndexUnit) -> str:
        text = self._normalized.get(unit.uid)
        if text is None:
            text = self._normalized[unit.uid] = normalize_zh(unit.text)
        return text

    def _fact_item(self, question: str, candidate: Candidate) -> Evidence:
        """"What is the 2024 target for …": a table row whose cell for that year states it in words (a
        performance measure's "2024(计划)") answers with that cell first, and counts for more than
        prose about other years."""
        unit = candidate.unit
        years = set(_YEAR.findall(question))
        if unit.row is None or not years:
            return Evidence(candidate)
        table = self._tables[unit.ref]
        table_years = {year for column in table.columns for year in _YEAR.findall(column)}
        if not table_years:
            return Evidence(candidate)
        if not years & table_years:
            return Evidence(candidate, None, -ROW_YEAR)  # the table's years are others
        cell = answer_cell(table, unit.row, question)
        if cell is None or cell.cell.is_nil or not years & set(_YEAR.findall(cell.column)):
            return Evidence(candidate)
        if cell.cell.is_numeric:
            # that year's cell is a figure (an estimate, a count): the row answers "how much", not "what"
            return Evidence(candidate, None, -ROW_YEAR)
        return Evidence(candidate, cell, ROW_YEAR)

    def _is_signature(self, candidate: Candidate) -> bool:
        """The candidate is the signature line of a foreword ("主管反恐怖主义办公室副秘书长 弗拉基米尔·沃龙科夫")."""
        if candidate.unit.kind is not BlockKind.FOREWORD:
            return False
        compact = "".join(candidate.text.split())
        return any(name in compact and len(compact) <= len(signature) + 4 for name, signature in self._signatures)

    def _figure_evidence(self, question: str, units: list[RankedUnit]) -> list[Evidence]:
        candidates = self.scorer.candidates(question, [item.unit for item in units], ranks=[item.rank for item in units])
        asked = question_measure(question)
        # An English question names rows through the glossary's Chinese for its phrases.
        expanded_question = f"{question} {' '.join(self.glossary.expand_english(question))}"
        compact_question = "".join(expanded_question.split())
        question_terms = [form for form, _ in self.glossary.find_terms(expanded_question)]
        counted = self._counted(question)
        intent_years = set(_YEAR.findall(question))
        pool: list[Evidence] = []
        for candidate in candidates:
            unit = candidate.unit
            if unit.row is not None:
                cell = answer_cell(self._tables[unit.ref], unit.row, question)
                if _states_figures_in_text_cells(self._tables[unit.ref].rows[unit.row]):
                    # "成员：31 个会员国": a figure inside a text cell answers as a quote of the row
                    stated = sentence_measure(candidate.text)
                    pool.append(Evidence(candidate, None, _measure_adjustment(asked, stated), stated))
                if cell is None or not (cell.cell.is_numeric or len(cell.cell.text) <= SHORT_TEXT_CELL):
                    continue  # a long text cell is quoted through the row, above
                stated = cell_measure(cell.table, cell.row, cell.cell.text)
                adjustment = _measure_adjustment(asked, stated)
                if cell.cell.is_nil:
                    adjustment += NIL_CELL
                if names_row(compact_question, question_terms, cell.row, cell.table):
                    adjustment += ROW_LABEL_NAMED
                row_years = set(_YEAR.findall(cell.row.label))
                if row_years and intent_years:
                    adjustment += ROW_YEAR if row_years & intent_years else -ROW_YEAR
                if cell.row.is_total and _TOTAL.search(question):
                    adjustment += TOTAL_ROW_ASKED + (TOTAL_ROW_ASKED if cell.row.part is None else 0.0)
                pool.append(Evidence(candidate, cell, adjustment, stated))
            elif _has_figure(candidate.text):
                stated = sentence_measure(candidate.text)
                pool.append(Evidence(candidate, None, _measure_adjustment(asked, stated), stated))
            elif STATES_NONE.search(candidate.text):
                # "预计 2024 年没有预算外资源": the answer is none, as a nil cell ("—") says it
                pool.append(Evidence(candidate, None, NIL_CELL, asked))
        if counted:
            # "几个代表团": evidence that counts 代表团 answers, wherever the evidence has some.
            pool = [replace(item, adjustment=item.adjustment + _counting_adjustment(item, counted)) for item in pool]
            counting = [item for item in pool if _counts(item, counted) and item.score >= ABSTAIN_BELOW]
            pool = counting or pool
        pool = self._of_asked_source(expanded_question, pool)
        pool = self._in_asked_part(question, pool)
        if not pool:
            return self._fact_evidence(question, units)
        if asked is Measure.PERCENT:
            # "What share / proportion / 比例": only a percentage answers it, where one is in the evidence.
            percentages = [item for item in pool if item.measure is Measure.PERCENT and item.score >= ABSTAIN_BELOW]
            pool = percentages or pool
        pool.sort(key=lambda item: -item.score)
        return _top_two(_stated_before_nil(pool))

    def _counted(self, question: str) -> str | None:
        """What a count question counts, in the document's Chinese: "几个代表团" → 代表团, "how many
        civil society speakers" → 发言者 (the longest tail of the phrase the glossary knows).  Not
        posts: staffing tables count them under their own labels (see :mod:`.measure`)."""
        if question_measure(question) is Measure.POSTS:
            return None
        if _HAN.search(question):
            return counted_noun(question)
        phrase = english_counted_phrase(question)
        words = phrase.split() if phrase else []
        for start in range(len(words)):
            chinese = self.glossary.chinese_for(" ".join(words[start:]))
            if chinese:
                return chinese
        return None

    def _too_weak(self, question: str, best: Evidence) -> bool:
        figure = asks_figure(question)
        years = tuple(dict.fromkeys(_YEAR.findall(question)))
        if best.score < ABSTAIN_BELOW:
            return True
        if self._missing_rare_terms(question, best) or self._misses_asked_ordinal(question, best):
            return True
        if _ASKS_COUNTRY.search(question) and not self._names_a_place(best.candidate.text):
            return True
        if _ASKS_PERSON.search(question) and not self._names_someone_else(question, best.candidate.text):
            return True  # "who attended X" answered by a sentence that names nobody but X
        if not _states_asked_roles(question, best.candidate.text):
            return True  # "who chaired X" answered by a sentence on X's meetings
        counted = self._counted(question)
        if counted and not mentions(best.candidate.text, counted):
            return True  # "多少份索赔申请表" answered by evidence that never mentions them
        if figure and best.measure is Measure.COUNT and question_measure(question) is Measure.MONEY:
            return True  # "how much is the budget of X" answered by a count of X's meetings
        if (
            figure
            and question_measure(question) is Measure.PERCENT
            and best.measure is not Measure.PERCENT
            and not _PERCENT_SIGN.search(best.candidate.text)
        ):
            return True  # "what is the vacancy rate" answered by a sentence with no percentage in it
        if figure and years:
            if best.cell is not None:
                # A column without a year (a change column) is about the budget year itself.
                header_years = _YEAR.findall(best.cell.column)
                return bool(header_years) and not any(year in header_years for year in years)
            unit = best.candidate.unit
            context = " ".join(unit.section)
            if unit.note is not None:  # a table note speaks of the table's figures, of its columns' years
                context += " " + " ".join(self._tables[unit.ref].columns)
            return not any(_figure_for_year(best.candidate.text, year, context) for year in years)
        return False

    def _missing_rare_terms(self, question: str, best: Evidence) -> list[str]:
        """Bodies, offices and places the question names (glossary entities the document mentions
        only in a few blocks) that the evidence's unit never mentions: the evidence is about
        something else ("联合国阿富汗援助团" answered from a paragraph on another office)."""
        unit = best.candidate.unit
        seen = normalize_zh(f"{unit.text} {unit.title} {' '.join(unit.section)}")
        subprogramme = _subprogramme(unit.section)
        if subprogramme is not None:
            # A subprogramme's blocks speak of its body by a short name ("特别委员会") once one of
            # them has named it in full.
            seen += self._subprogramme_texts.get(subprogramme, "")
        missing = []
        for entry in self._named_entities(question):
            forms = [normalize_zh(form) for form in entry.zh_forms]
            if self._block_frequency(forms) <= RARE_ENTITY_BLOCKS and not any(form in seen for form in forms):
                missing.append(entry.zh)
        return missing

    def _misses_asked_ordinal(self, question: str, best: Evidence) -> bool:
        """"第八次审查" / "the eighth review": evidence must speak of that occurrence, not another."""
        wanted = set(_ORDINAL_ZH.findall(question))
        wanted |= {zh for word, zh in _ORDINAL_EN.items() if re.search(rf"\b{word}\b", question, re.IGNORECASE)}
        if not wanted:
            return False
        text = best.candidate.text + best.candidate.unit.text
        return not any(f"第{numeral}" in text for numeral in wanted)

    def _names_someone_else(self, question: str, text: str) -> bool:
        """The text names a person, or an office holder, entity or country the question does not name."""
        if _PERSON_NAME.search(text):
            return True
        asked = {entry.zh for entry in self._entries_of(question)}
        return any(
            entry.category in _WHO_CATEGORIES and entry.zh not in asked for _, entry in self.glossary.find_terms(text)
        )

    def _entries_of(self, question: str) -> list[GlossaryEntry]:
        """The glossary entries a question names, in either language."""
        if _HAN.search(question):
            return [entry for _, entry in self.glossary.find_terms(question)]
        return self.glossary.match_english(question)

    def _names_a_place(self, text: str) -> bool:
        """The text names a country, territory or region (a glossary place)."""
        return any(entry.category == "geo" for _, entry in self.glossary.find_terms(text))

    def _named_entities(self, question: str) -> list[GlossaryEntry]:
        return [entry for entry in self._entries_of(question) if entry.category in ENTITY_CATEGORIES]

    def _block_frequency(self, forms: list[str]) -> int:
        key = "|".join(forms)
        if key not in self._frequency:
            self._frequency[key] = sum(any(form in text for form in forms) for text in self._block_texts)
        return self._frequency[key]

    # ------------------------------------------------------------------ rendering

    def _render(self, item: Evidence, language: Language) -> str:
        unit = item.candidate.unit
        label = format_label(unit.kind, unit.ref, language)
        if item.cell is not None:
            return self._render_cell(item.cell, label, language)
        quote = item.candidate.text.strip()
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
        rest = f" (same row: {'; '.join(f'{english(column)} {self._english_cell(other)}' for column, other in others)})" if show_row else ""
        value = _english_value(cell)
        if cell.cell.value is None and not cell.cell.is_nil:  # a cell in words: its checked English, else key terms glossed
            translated = self._checked_label(cell.cell.text)
            if translated:
                value = f"{translated} ({MACHINE_TRANSLATION})"
            else:
                glossed = "; ".join(f"{zh} = {en}" for zh, en in self.glossary.gloss(cell.cell.text)[:6])
                rest += f" (key terms: {glossed})" if glossed else ""
        return f"{english(row.label)}{where}, {english(cell.column)}: {value}{rest} [{label}]"

    def _english_label(self, chinese: str) -> str:
        """A label in English: a glossary term's official English, else the label's checked English
        version, else the glossary's rendering where it renders the whole label (a half-rendered
        label reads worse than the original)."""
        versions = self.english.versions if self.english is not None else EnglishVersions([], [])
        rendered = label_in_english(chinese, versions, self.glossary)
        return chinese if has_han(rendered) else rendered

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

    # ------------------------------------------------------------------ abstain and lookup

    def abstain(self, question: str, language: Language, hits: list[SearchHit]) -> Answer:
        """"The document does not say …", with the nearest passages it did find."""
        nearest = [hit.unit for hit in hits[:3]]
        labels = "、".join(format_label(u.kind, u.ref, "zh") for u in nearest)
        if language == "zh":
            text = f"这份文件没有提到这一点（{question.strip()}）。" + (f"最接近的段落：{labels}。" if nearest else "")
        else:
            labels = ", ".join(format_label(u.kind, u.ref, "en") for u in nearest)
            text = f"The document does not say this ({question.strip()})." + (
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
            f"{label(column)} {self._english_cell(cell)}"
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


def question_measure(question: str) -> Measure:
    """The kind of figure `question` asks for (:func:`~budgetqa.qa.understand.counting.asked_measure`),
    in the evidence's terms."""
    asked = asked_measure(question)
    return Measure.PERCENT if asked is AskedMeasure.PERCENTAGE else Measure(asked.value)


def _subprogramme(section: tuple[str, ...] | list[str]) -> tuple[str, ...] | None:
    """The heading path down to a unit's subprogramme ("次级方案 4 非殖民化"), or None outside one."""
    for depth, heading in enumerate(section):
        if heading.startswith("次级方案"):
            return tuple(section[: depth + 1])
    return None


def _distinct(evidence: list[Evidence]) -> list[Evidence]:
    out: list[Evidence] = []
    seen: set[tuple[str, str]] = set()
    for item in evidence:
        key = (item.candidate.unit.uid, item.candidate.text)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _stated_before_nil(ranked: list[Evidence]) -> list[Evidence]:
    """A nil cell ("—") first only when no stated figure comes close: "how many posts in 2024" is
    answered by the row that has them, not by the extrabudgetary row that has none."""
    if not ranked or ranked[0].cell is None or not ranked[0].cell.cell.is_nil:
        return ranked
    for position, item in enumerate(ranked[1:], start=1):
        if item.score < SECOND_EVIDENCE_RATIO * ranked[0].score:
            break
        if item.cell is None or not item.cell.cell.is_nil:
            return [item, *ranked[:position], *ranked[position + 1 :]]
    return ranked


def _states_asked_roles(question: str, text: str) -> bool:
    """Every role the question asks about (chair, vice-chair, rapporteur) is stated in `text`.

    >>> _states_asked_roles("Who chaired the Commission in 2022?", "委员会举行了 27 次会议。")
    False
    >>> _states_asked_roles("谁担任委员会主席？", "主席由摩洛哥担任。"), _states_asked_roles("委员会开了几次会？", "")
    (True, True)
    """
    asked = [role for role, pattern in _ROLES.items() if pattern.search(question)]
    return all(role in text for role in asked)


def _top_two(ranked: list[Evidence]) -> list[Evidence]:
    """The best evidence, and a second piece nearly as good about the same part of the budget (the
    same table row of another office answers a different question)."""
    if not ranked:
        return []
    best = ranked[0]
    for other in ranked[1:]:
        if other.candidate.unit.uid == best.candidate.unit.uid and other.cell is None and best.cell is None:
            continue
        if other.candidate.unit.part != best.candidate.unit.part:
            continue
        if other.score >= SECOND_EVIDENCE_RATIO * best.score:
            return [best, other]
        break
    return [best]


def _has_figure(text: str) -> bool:
    """A sentence states a figure: a number that is not a year, a symbol or a paragraph number."""
    return bool(stated_figures(text))


def _figure_for_year(sentence: str, year: str, context: str = "") -> bool:
    """The sentence states a figure for `year`: the year is followed, within its clause, by a figure,
    or the sentence has no year but sits under a heading of that year ("2022 年方案执行情况").

    >>> _figure_for_year("2022 年在 37 个国家投资 2.315 亿美元，比 2019 年减少。", "2022")
    True
    >>> _figure_for_year("2022 年在 37 个国家投资 2.315 亿美元，比 2019 年减少。", "2019")
    False
    >>> _figure_for_year("由于捐助方停止供资，预计 2024 年没有预算外资源。", "2024")
    True
    """
    for match in re.finditer(rf"(?<!\d){year}(?!\d)", sentence):
        clause = re.split(r"[。；;]", sentence[match.end() :], maxsplit=1)[0][:60]
        if stated_figures(clause) or STATES_NONE.search(clause):
            return True
    if year not in sentence:
        return year in context and bool(stated_figures(sentence) or STATES_NONE.search(sentence))
    return False


def _counting_adjustment(item: Evidence, noun: str) -> float:
    """For "几个代表团": evidence that gives a number of 代表团 (a sentence "派出 7 个代表团", a cell of
    a row about them) gains, evidence that only mentions them stays, evidence without them loses."""
    if _counts(item, noun):
        return COUNTED_NOUN
    return 0.0 if mentions(item.candidate.text, noun) else -COUNTED_NOUN


def _counts(item: Evidence, noun: str) -> bool:
    """The evidence gives a number of `noun`: a sentence that counts it, or a cell of a row about it."""
    if item.cell is not None:
        return mentions(item.cell.row.label, noun) and item.measure in (Measure.COUNT, Measure.POSTS)
    return states_count_of(item.candidate.text, noun)


def _measure_adjustment(asked: Measure, stated: Measure) -> float:
    if asked is stated:
        return MEASURE_MATCH
    if asked is Measure.COUNT:
        return 0.0
    if stated is Measure.COUNT:
        return MEASURE_UNSPECIFIC
    return MEASURE_MISMATCH


def _states_figures_in_text_cells(row: TableRow) -> bool:
    return any(cell.value is None and not cell.is_nil and re.search(r"\d", cell.text) for cell in row.cells)


def _zh_value(cell: CellAnswer) -> str:
    """"47 270.9 千美元", "53 个员额", "89%": the value with the unit its table prints."""
    text = cell.cell.text
    measure = cell_measure(cell.table, cell.row, text)
    if cell.cell.value is None:
        return text
    if measure is Measure.MONEY:
        return f"{text} 千美元" if "千美元" in (cell.table.unit or "") else f"{text} 美元"
    if measure is Measure.POSTS:
        return f"{text} 个员额"
    if measure is Measure.PERCENT:
        return f"{text}%"
    return text


def _english_value(cell: CellAnswer) -> str:
    """"USD 47,270.9 thousand", "53 posts", "89%"."""
    text, value = cell.cell.text, cell.cell.value
    if value is None:
        return "nil (—)" if text.strip() in ("—", "-") else text
    number = f"{value:,.1f}" if "." in text else f"{value:,.0f}"
    measure = cell_measure(cell.table, cell.row, text)
    if measure is Measure.MONEY:
        return f"USD {number} thousand" if "千美元" in (cell.table.unit or "") else f"USD {number}"
    if measure is Measure.POSTS:
        return f"{number} posts"
    if measure is Measure.PERCENT:
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
