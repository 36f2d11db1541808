"""Figure answers from facts: a figure question becomes a query over the document's typed facts.

The stages after :mod:`budgetqa.qa.understand`:

- **select**: filter the facts by the parsed slots (body, component, funding source, measure,
  breakdown, year and basis); choose the total or the component by what was asked; choose the
  column by year and basis (default: the proposal year's estimate before recosting, and the answer
  says so). Changes come from the printed change columns and sentences; a difference the document
  does not print is computed from printed facts, with its formula and every cell it uses cited.
- **decline**: a slot the document cannot ground (an approved or recosted amount, a year it does not
  cover, a body it does not budget for) declines with the reason and the nearest real fact.
- **compose**: the answer in the question's language — English labels and number formats for an
  English question (USD 10,112.1 thousand), Chinese ones for a Chinese question (10 112.1 千美元); the
  Chinese source cell or sentence is carried by the citations' quotes, never as the English answer.

Questions that are not about a body's budget figures (counts in the narrative, dates, reasons)
return None here and go to the passage answerer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from budgetqa.index.glossary import Glossary
from budgetqa.ingest.bodies import Body, BodyRegistry
from budgetqa.ingest.budget import (
    BASIS_NAMES_EN,
    BASIS_NAMES_ZH,
    SOURCE_NAMES_EN,
    SOURCE_NAMES_ZH,
    Basis,
    Breakdown,
    ChangeKind,
    FundingSource,
    Measure,
    TableKind,
)
from budgetqa.ingest.english import has_han
from budgetqa.ingest.facts import Fact
from budgetqa.ingest.model import BlockKind
from budgetqa.ingest.refs import format_label

from .model import Answer, Citation, Computation, Language
from .row_ranking import RankedRow, rank_rows, row_facts
from .understand import PROPOSAL_YEAR, Aggregate, Extreme, ParsedQuestion, QuestionKind, RankedRows
from .understand.parse import POST_CHANGE_TERMS
from .understand.unprinted import Unprinted

MAX_SOURCES = 4  # citations of one figure (the table, the annex, the paragraph that print it)

# The basis a year's figure has when the question names none, by the year's distance from the
# document's proposal year and the measure: the proposal year is estimated before recosting, the
# current year appropriated, the last year spent.
_DEFAULT_BASES: dict[tuple[int, Measure], tuple[Basis, ...]] = {
    (0, Measure.MONEY): (Basis.ESTIMATE_BEFORE_RECOSTING, Basis.PROPOSED, Basis.ESTIMATE),
    (-1, Measure.MONEY): (Basis.APPROPRIATION, Basis.ESTIMATE),
    (-2, Measure.MONEY): (Basis.ACTUAL,),
    (0, Measure.POSTS): (Basis.PROPOSED, Basis.ESTIMATE_BEFORE_RECOSTING, Basis.ESTIMATE),
    (-1, Measure.POSTS): (Basis.APPROVED, Basis.ESTIMATE),
}
# Bases a question may name that mean the same printed column.
# The post changes a staffing table lists (its own labels), as an English decline names them.
_POST_CHANGES_EN = {label: english for label, english, _ in POST_CHANGE_TERMS}
_SAME_BASIS: dict[Basis, tuple[Basis, ...]] = {
    Basis.PROPOSED: (Basis.ESTIMATE_BEFORE_RECOSTING, Basis.PROPOSED, Basis.ESTIMATE),
    Basis.ESTIMATE: (Basis.ESTIMATE, Basis.ESTIMATE_BEFORE_RECOSTING, Basis.PROPOSED),
    Basis.ESTIMATE_BEFORE_RECOSTING: (Basis.ESTIMATE_BEFORE_RECOSTING, Basis.PROPOSED, Basis.ESTIMATE),
    Basis.PLANNED: (Basis.ESTIMATE_BEFORE_RECOSTING, Basis.PROPOSED, Basis.ESTIMATE),
    Basis.APPROPRIATION: (Basis.APPROPRIATION, Basis.APPROVED),
    Basis.APPROVED: (Basis.APPROVED, Basis.APPROPRIATION),
    Basis.ACTUAL: (Basis.ACTUAL,),
}
# Preference among sources printing the same figure: the body's own tables, the overview annex,
# then the paragraphs.
_SOURCE_RANK = {BlockKind.TABLE: 0, BlockKind.ANNEX: 1, BlockKind.PARAGRAPH: 2}


# What each kind of ranked row is called (English, Chinese, English plural).
_ROW_NAMES: dict[RankedRows, tuple[str, str, str]] = {
    RankedRows.SUBPROGRAMME: ("subprogramme", "次级方案", "subprogrammes"),
    RankedRows.COMPONENT: ("component", "组成部分", "components"),
    RankedRows.OBJECT: ("object of expenditure", "支出用途", "objects of expenditure"),
    RankedRows.GRADE: ("grade", "职等", "grades"),
    RankedRows.FUNDING: ("funding source", "资金来源", "funding sources"),
}


@dataclass(frozen=True)
class Decline:
    """Why a figure question cannot be answered from the document, and the nearest real fact."""

    reason_zh: str
    reason_en: str
    nearest: Fact | None = None


class FactAnswerer:
    """Answers figure questions over one document's facts; `proposal_year` is the year the document
    proposes a budget for (2024 for A/78/6), the year a question that names none is asked about."""

    def __init__(
        self,
        facts: list[Fact],
        registry: BodyRegistry,
        glossary: Glossary | None = None,
        *,
        proposal_year: int = PROPOSAL_YEAR,
    ) -> None:
        self.proposal_year = proposal_year
        self.facts = facts
        self.registry = registry
        self.glossary = glossary
        self.years = sorted({f.year for f in facts if f.year is not None and f.measure is Measure.MONEY})
        self._by_id = {f.id: f for f in facts}

    def _asked_year(self, parsed: ParsedQuestion) -> int:
        return max(parsed.years) if parsed.years else self.proposal_year

    def _in_year(self, facts: list[Fact], year: int, basis: Basis | None, measure: Measure) -> list[Fact]:
        return _in_year(facts, year, basis, measure, self.proposal_year)

    # ------------------------------------------------------------------ entry point

    def answer(self, parsed: ParsedQuestion) -> Answer | None:
        """The answer from facts, a reasoned decline, or None when facts do not apply."""
        if not parsed.asks_figure or parsed.measure in (Measure.COUNT, Measure.TEXT, None):
            return None
        if parsed.unknown_bodies and not parsed.bodies:
            return self._decline(parsed, _outside(parsed.unknown_bodies, self.registry), [])
        if parsed.measure is Measure.PERCENTAGE and parsed.aggregate not in (Aggregate.CHANGE, Aggregate.PERCENTAGE):
            return None  # a rate or a share (a performance measure): the budget rows print per cent only of changes
        if parsed.unprinted is not None and parsed.unprinted.qualifies(parsed.measure):
            return self._unprinted(parsed)
        if parsed.other_topics and parsed.breakdown is None:
            return None  # a figure about something the budget rows do not list: the narrative answers
        bodies = list(parsed.bodies)
        if parsed.ranks_rows is not None and len(bodies) <= 1 and parsed.component is None and (
            parsed.subprogramme is None or parsed.ranks_rows is not RankedRows.SUBPROGRAMME
        ):
            return self._ranked_rows(parsed, parsed.ranks_rows, bodies[0] if bodies else None)
        if parsed.lists_rows is not None and len(bodies) <= 1 and (
            parsed.component is None or parsed.lists_rows in (RankedRows.OBJECT, RankedRows.GRADE)
        ):
            listed = self._listed_rows(parsed, parsed.lists_rows, bodies[0] if bodies else self.registry.section)
            if listed is not None:
                return listed
            if parsed.component is not None:
                return None  # a component's rows no table prints ("决策机关 by object"): the paragraphs list them
        if parsed.aggregate in (Aggregate.LARGEST, Aggregate.SMALLEST) and not parsed.component and len(bodies) != 1:
            return self._extreme(parsed, bodies)
        if not bodies and parsed.component is None and parsed.subprogramme is None:
            return None
        if parsed.kind is QuestionKind.COMPARE and len(bodies) >= 2:
            return self._compare(parsed, bodies)
        body = bodies[0] if bodies else None
        decline = self._unanswerable(parsed, body)
        if decline is not None:
            return self._decline(parsed, decline, [])
        if parsed.aggregate in (Aggregate.CHANGE, Aggregate.PERCENTAGE):
            return self._change(parsed, body)
        if parsed.post_change is not None and parsed.measure is Measure.POSTS and body is not None:
            return self._post_changes(parsed, body)
        if len(parsed.fundings) >= 2:
            return self._sources(parsed, body)
        labels = self._objects_named(parsed, body)
        if len(labels) >= 2:
            return self._each_object(parsed, body, labels)
        chosen = self._select(parsed, body)
        if not chosen:
            return None
        return self._figure_answer(parsed, chosen, also=self._printed_change(parsed, body, chosen[0]))

    def _unprinted(self, parsed: ParsedQuestion) -> Answer:
        """A decline for a breakdown budgets never print, with the figure the document gives instead."""
        assert parsed.unprinted is not None
        body = parsed.bodies[0] if parsed.bodies else None
        what_en = "posts" if parsed.measure is Measure.POSTS else "resources"
        what_zh = "员额" if parsed.measure is Measure.POSTS else "经费"
        if parsed.unprinted is Unprinted.PERSON:
            zh, en = "文件不列个人薪金，员额经费只按员额总体编列", "The document gives no individual salaries; post costs are budgeted as a whole"
        else:
            zh = f"文件没有按{parsed.unprinted.label('zh')}细分{what_zh}"
            en = f"The document does not break {what_en} down by {parsed.unprinted.label('en')}"
        decline = Decline(
            zh,
            en,
            _best(self._select(parsed, body)) if body is not None or parsed.component is not None else None,
        )
        return self._decline(parsed, decline, [])

    def _printed_change(self, parsed: ParsedQuestion, body: Body | None, fact: Fact) -> list[Fact]:
        """What a delegate reads beside a proposal-year figure: the previous year's figure of the same
        row (its appropriation, or its approved posts) and the change printed between them."""
        if fact.year != self.proposal_year or fact.basis is Basis.CHANGE or parsed.measure is Measure.PERCENTAGE:
            return []
        same_row = [
            f
            for f in self.scoped(parsed, body)
            if f.funding is fact.funding and f.label == fact.label and f.component == fact.component
        ]
        previous = self._in_year(same_row, self.proposal_year - 1, None, fact.measure)[:1]
        changes = [
            f
            for f in self.scoped(parsed, body)
            if f.basis is Basis.CHANGE
            and f.change is ChangeKind.TOTAL
            and f.year == fact.year
            and f.funding is fact.funding
            and f.label == fact.label
        ]
        return [*previous, *_agreeing(changes)[:1]]

    # ------------------------------------------------------------------ select

    def scoped(self, parsed: ParsedQuestion, body: Body | None, *, measure: Measure | None = None) -> list[Fact]:
        """Facts of the body, component, measure and breakdown the question asks about."""
        measure = measure or parsed.measure
        facts = [f for f in self.facts if f.measure is measure]
        if body is not None:
            facts = [f for f in facts if f.body == body.key]
        if parsed.component is not None:
            facts = [f for f in facts if f.component == parsed.component]
        elif parsed.subprogramme is not None:
            facts = [f for f in facts if f.subprogramme == parsed.subprogramme]
        if parsed.breakdown is not None:
            facts = [f for f in facts if _names_row(parsed.breakdown, f)]
            if parsed.component is None and parsed.subprogramme is None:
                facts = [f for f in facts if f.component is None] or facts  # the body's own row, not a component's
        else:
            has_component = parsed.component is not None or parsed.subprogramme is not None
            wanted = Breakdown.COMPONENT if has_component else Breakdown.TOTAL
            level = [f for f in facts if f.breakdown is wanted and (wanted is Breakdown.COMPONENT or f.component is None)]
            if has_component:
                level += [f for f in facts if f.breakdown is Breakdown.TOTAL]
            facts = level
        return facts

    def _by_funding(self, parsed: ParsedQuestion, facts: list[Fact]) -> tuple[list[Fact], FundingSource]:
        if parsed.funding is not None:
            return [f for f in facts if f.funding is parsed.funding], parsed.funding
        order = (FundingSource.REGULAR_BUDGET, FundingSource.ALL)
        if parsed.aggregate is Aggregate.TOTAL and parsed.breakdown is None:
            order = (FundingSource.ALL, FundingSource.REGULAR_BUDGET)  # "in total": every source together
        for funding in order:
            chosen = [f for f in facts if f.funding is funding]
            if chosen:
                return chosen, funding
        return facts, FundingSource.ALL

    def _select(self, parsed: ParsedQuestion, body: Body | None) -> list[Fact]:
        facts, _ = self._by_funding(parsed, self.scoped(parsed, body))
        year = self._asked_year(parsed)
        return self._in_year(facts, year, parsed.basis, parsed.measure or Measure.MONEY)

    def _unanswerable(self, parsed: ParsedQuestion, body: Body | None) -> Decline | None:
        measure = parsed.measure if parsed.measure not in (None, Measure.PERCENTAGE) else Measure.MONEY
        scoped = self.scoped(parsed, body, measure=measure)
        nearest = _best(self._in_year(self._by_funding(parsed, scoped)[0], self.proposal_year, None, measure))
        if parsed.after_recosting:
            return Decline(
                "文件只给出重计费用前的估计数，没有给出重计费用后的数额",
                "The document gives amounts before recosting only, not amounts after recosting",
                nearest,
            )
        years = parsed.years
        covered = sorted({f.year for f in scoped if f.year is not None})
        for year in years:
            if covered and year not in covered:
                listed = "、".join(str(y) for y in covered)
                return Decline(
                    f"文件没有 {year} 年的数字（只有 {listed} 年的）",
                    f"The document gives no {year} figure (it covers {', '.join(str(y) for y in covered)})",
                    nearest,
                )
        basis = parsed.basis
        if basis is not None and parsed.aggregate not in (Aggregate.CHANGE, Aggregate.PERCENTAGE):
            year = self._asked_year(parsed)
            same = _SAME_BASIS.get(basis, (basis,))
            in_year = [f for f in scoped if f.year == year]
            if in_year and not any(f.basis in same for f in in_year):
                printed = {f.basis for f in in_year if f.basis is not Basis.CHANGE}
                defaults = [b for b in _DEFAULT_BASES.get((year - self.proposal_year, measure), ()) if b in printed] or sorted(printed)
                zh = BASIS_NAMES_ZH[defaults[0]]
                en = BASIS_NAMES_EN[defaults[0]]
                return Decline(
                    f"文件给出的 {year} 年数字是{zh}数，不是{BASIS_NAMES_ZH[basis]}数",
                    f"For {year} the document gives the {en}, not the {BASIS_NAMES_EN[basis]} amount",
                    _best(self._in_year(self._by_funding(parsed, scoped)[0], year, None, measure)) or nearest,
                )
        if parsed.funding is not None and scoped and not [f for f in scoped if f.funding is parsed.funding]:
            return Decline(
                f"文件没有给出{SOURCE_NAMES_ZH[parsed.funding]}的这一数字",
                f"The document gives no {SOURCE_NAMES_EN[parsed.funding]} figure for this",
                nearest,
            )
        if not scoped and parsed.breakdown is not None and body is not None:
            return Decline(
                f"文件没有列出{body.name_zh}的“{parsed.breakdown}”细目",
                f"The document does not break down {body.name_en}'s figures by {self._english(parsed.breakdown)}",
                None,
            )
        return None

    # ------------------------------------------------------------------ changes, comparisons

    def _change(self, parsed: ParsedQuestion, body: Body | None) -> Answer | None:
        measure = parsed.measure if parsed.measure not in (None, Measure.PERCENTAGE) else Measure.MONEY
        scoped, _ = self._by_funding(parsed, self.scoped(parsed, body, measure=measure))
        years = parsed.years
        if len(years) >= 2:
            earlier, later = min(years), max(years)
        elif years and years[0] < self.proposal_year:
            earlier, later = years[0], self.proposal_year  # "比 2023 年增加了多少", "change from 2023"
        else:
            later = years[0] if years else self.proposal_year
            earlier = later - 1
        if later == self.proposal_year and earlier == self.proposal_year - 1:
            change_kind = parsed.change or ChangeKind.TOTAL
            printed = [f for f in scoped if f.basis is Basis.CHANGE and f.change is change_kind and f.year == later]
            percent = [
                f
                for f in self._by_funding(parsed, self.scoped(parsed, body, measure=Measure.PERCENTAGE))[0]
                if f.basis is Basis.CHANGE and f.year == later
            ]
            if printed:
                chosen = _agreeing(printed)
                extra = _agreeing(percent) if change_kind is ChangeKind.TOTAL else []
                # the change goes with the two figures it is the change between ("from 6 to 17")
                levels = [*self._in_year(scoped, earlier, None, measure)[:1], *self._in_year(scoped, later, None, measure)[:1]]
                if parsed.aggregate is Aggregate.PERCENTAGE and extra:
                    return self._figure_answer(parsed, extra, also=[*chosen, *levels])
                return self._figure_answer(parsed, chosen, also=[*extra, *levels])
        first = self._in_year(scoped, earlier, None, measure)
        second = self._in_year(scoped, later, None, measure)
        if not first or not second:
            return None
        return self._computed_change(parsed, first, second)

    def _computed_change(self, parsed: ParsedQuestion, first: list[Fact], second: list[Fact]) -> Answer:
        a, b = first[0], second[0]
        left, right = _in_unit(b, a.unit), a.number or 0.0
        result = round(left - right, 1)
        lang = parsed.lang
        formula = f"{_format(left, a, lang)} − {_format(right, a, lang)} = {_format(result, a, lang, signed=True)}"
        computations = [Computation(formula, [left, right], "-", result)]
        percent = ""
        if right:
            share = round(result / right * 100, 1)
            percent = f" ({share:+.1f}%)"
            computations.append(Computation(f"{result} / {right} × 100", [result, right], "%", share))
        heading = self._heading(parsed, a, change=True, years=(a.year, b.year))
        text = f"{heading}: {formula}{percent}" if lang == "en" else f"{heading}：{formula}{percent}"
        citations = self._citations([*second[:1], *first[:1]], lang)
        text += " " + _cite_text(citations, lang)
        return self._answer(parsed, text, citations, computations, [b, a])

    def _sources(self, parsed: ParsedQuestion, body: Body | None) -> Answer | None:
        """A question naming several funding sources: each source's figure, then their sum ("加在一起",
        "combined") or their difference ("compare"), computed with its formula.

        A sum of every source the scope has is the table's printed all-sources total, which is cited
        and preferred to the computed sum (the two may differ by rounding).
        """
        rows: list[Fact] = []
        for source in parsed.fundings:
            if source is not FundingSource.ALL:
                chosen = self._select(replace(parsed, funding=source, fundings=(source,)), body)
                rows.extend(chosen[:1])
        if len(rows) < 2:
            return None
        lang = parsed.lang
        lines = self._row_lines(parsed, rows)
        computations: list[Computation] = []
        cited = list(rows)
        operands = [_in_unit(fact, rows[0].unit) for fact in rows]
        if parsed.aggregate is Aggregate.TOTAL:
            printed = self._printed_total(parsed, body, rows)
            if printed is not None:
                cited.insert(0, printed)
                plus = " + ".join(_format(v, rows[0], lang) for v in operands)
                beside = self._printed_change(replace(parsed, funding=FundingSource.ALL, fundings=()), body, printed)
                cited.extend(beside)
                context = "".join(f"; {self._beside(printed, other, lang)}" for other in beside)
                if lang == "zh":
                    context = context.replace("; ", "；")
                lines.append(
                    f"All these sources together: {_format(printed.number or 0.0, printed, lang)} ({plus}, as printed{context})"
                    if lang == "en"
                    else f"合计：{_format(printed.number or 0.0, printed, lang)}（{plus}，按文件所列{context}）"
                )
            else:
                computations.append(_sum(rows, lang))
                lines.append(_sum_line(computations[-1], lang))
        elif parsed.kind is QuestionKind.COMPARE or parsed.aggregate is Aggregate.DIFFERENCE:
            computation = _difference(rows[0], rows[1], lang)
            if computation is not None:
                computations.append(computation)
                lines.append(("Difference: " if lang == "en" else "相差：") + computation.formula)
        return self._listed_answer(parsed, lines, cited, computations)

    def _post_changes(self, parsed: ParsedQuestion, body: Body) -> Answer:
        """"How many new posts / posts abolished / reclassified …": the change a staffing table lists
        for the body, with its grades; else a decline that lists the changes the table does show."""
        lang = parsed.lang
        listed = [
            f
            for f in self.facts
            if f.table_kind is TableKind.POST_CHANGES
            and f.body == body.key
            and f.basis is Basis.CHANGE
            and (parsed.funding is None or f.funding is parsed.funding)
        ]
        asked = [f for f in listed if f.label.startswith(parsed.post_change or "")]
        if asked:
            return self._listed_answer(parsed, [self._post_change_line(body, fact, lang) for fact in asked], asked, [])
        asked_en = _POST_CHANGES_EN.get(parsed.post_change or "", "change")
        others_zh = "；".join(self._post_change_line(body, f, "zh") for f in listed)
        others_en = "; ".join(self._post_change_line(body, f, "en") for f in listed)
        decline = Decline(
            f"文件没有为{body.name_zh}列出拟议{parsed.post_change}的员额"
            + (f"；它列出的员额变动：{others_zh}" if listed else "；它的员额表没有列出员额变动"),
            f"The document lists no proposed {asked_en} of posts for {body.name_en}"
            + (f"; the post changes it lists: {others_en}" if listed else "; its staffing tables list no post changes"),
        )
        answer = self._decline(parsed, decline, [])
        if listed:
            answer.citations = self._citations(listed, lang)
        return answer

    def _post_change_line(self, body: Body, fact: Fact, lang: str) -> str:
        """"反恐怖主义办公室 改划：24 个员额（2 个 P-5、11 个 P-4 …）" in the question's language."""
        count = "" if fact.value is None else _format(fact.value, fact, lang)
        details = fact.group or ""
        if lang == "en":
            label = self._english(fact.label)
            details = self._english(_english_post_detail(details)) if details else ""
            if has_han(details):
                details = ""  # words the glossary cannot render stay out of an English answer
            shown = ", ".join(item for item in (count, details) if item) or "see the cited table"
            return f"{body.name_en}, {fact.year} post changes, {label}: {shown}"
        shown = "（".join(item for item in (count, details) if item) + ("）" if count and details else "")
        return f"{body.name_zh} {fact.year} 年员额变动 {fact.label}：{shown}"

    def _objects_named(self, parsed: ParsedQuestion, body: Body | None) -> list[str]:
        """The objects of expenditure a breakdown names by a word they share ("差旅费", "travel": 代表差旅
        and 工作人员差旅), in the order printed; [] when it names one row exactly or none."""
        if parsed.breakdown is None:
            return []
        want = "".join(parsed.breakdown.split())
        labels = [f.label for f in self.scoped(parsed, body) if f.breakdown is Breakdown.OBJECT and f.label]
        if any("".join(label.split()) == want for label in labels):
            return []
        return list(dict.fromkeys(labels))

    def _each_object(self, parsed: ParsedQuestion, body: Body | None, labels: list[str]) -> Answer | None:
        """Each object of expenditure the question's word covers, then their sum, computed with its formula."""
        rows = [fact for label in labels for fact in self._select(replace(parsed, breakdown=label), body)[:1]]
        rows = [fact for fact in rows if fact.number is not None and not fact.is_nil]
        if not rows:
            return None
        if len(rows) == 1:
            return self._figure_answer(parsed, rows, also=self._printed_change(parsed, body, rows[0]))
        total = _sum(rows, parsed.lang)
        return self._listed_answer(parsed, [*self._row_lines(parsed, rows), _sum_line(total, parsed.lang)], rows, [total])

    def _row_lines(self, parsed: ParsedQuestion, rows: list[Fact]) -> list[str]:
        """One "heading: value" line per fact, in the question's language."""
        colon = ": " if parsed.lang == "en" else "："
        return [f"{self._heading(parsed, fact, change=False)}{colon}{_format(fact.number or 0.0, fact, parsed.lang)}" for fact in rows]

    def _listed_answer(
        self, parsed: ParsedQuestion, lines: list[str], cited: list[Fact], computations: list[Computation]
    ) -> Answer:
        """An answer of several lines, joined in the question's language, citing every fact it used."""
        citations = self._citations(cited, parsed.lang)
        separator = "; " if parsed.lang == "en" else "；"
        text = f"{separator.join(lines)} {_cite_text(citations, parsed.lang)}"
        return self._answer(parsed, text, citations, computations, cited)

    def _printed_total(self, parsed: ParsedQuestion, body: Body | None, rows: list[Fact]) -> Fact | None:
        """The all-sources total printed for the scope of `rows`, when the sources in `rows` are all
        the sources the scope has in that year and the total agrees with their sum to rounding."""
        first = rows[0]
        column = _SAME_BASIS.get(first.basis, (first.basis,))  # each source names the column its own way
        same_year = [
            f
            for f in self.scoped(replace(parsed, funding=None, fundings=()), body, measure=first.measure)
            if f.year == first.year and f.basis in column
        ]
        present = {f.funding for f in same_year if f.funding is not FundingSource.ALL and not f.is_nil and f.number}
        if not present <= {f.funding for f in rows}:
            return None
        totals = _agreeing([f for f in same_year if f.funding is FundingSource.ALL])
        if not totals:
            return None
        tolerance = 0.1 * len(rows) if first.unit == "千美元" else 0.5
        total = totals[0]
        return total if abs(_in_unit(total, first.unit) - sum(_in_unit(f, first.unit) for f in rows)) <= tolerance else None

    def contrast(self, whole: ParsedQuestion, answers: list[Answer]) -> tuple[str, Computation] | None:
        """For a question whose parts are compared ("…是多少？比员额经费高还是低？"): the difference of the
        two parts' figures, as a line and its computation; None unless both parts stated one
        comparable figure."""
        if whole.kind is not QuestionKind.COMPARE or len(answers) != 2:
            return None
        a, b = (self._by_id.get(answer.facts[0]) if answer.facts and not answer.abstained else None for answer in answers)
        if a is None or b is None:
            return None
        if a.measure is not b.measure or a.basis is Basis.CHANGE or b.basis is Basis.CHANGE:
            return None
        computation = _difference(a, b, whole.lang)
        if computation is None:
            return None
        label = "Difference" if whole.lang == "en" else "两者相差"
        separator = ": " if whole.lang == "en" else "："
        return f"{label}{separator}{computation.formula}", computation

    def _compare(self, parsed: ParsedQuestion, bodies: list[Body]) -> Answer | None:
        rows: list[tuple[Body, Fact]] = []
        for body in bodies:
            chosen = self._select(parsed, body)
            if chosen:
                rows.append((body, chosen[0]))
        if len(rows) < 2:
            return None
        return self._ranked(parsed, rows, difference=True)

    def _extreme(self, parsed: ParsedQuestion, bodies: list[Body]) -> Answer | None:
        candidates = bodies or [b for b in self.registry.bodies if not b.is_section]
        rows = [(body, chosen[0]) for body in candidates if (chosen := self._select(parsed, body))]
        if not rows:
            return None
        return self._ranked(parsed, rows, difference=False)

    def _rows_asked(
        self, parsed: ParsedQuestion, kind: RankedRows, keys: set[str], component: str | None = None
    ) -> tuple[list[Fact], Measure]:
        """The facts of the rows a ranking or listing reads, of the asked funding source (the sources
        are themselves the rows of a FUNDING question), and the measure they count: posts for grades,
        else the asked money or posts."""
        measure = Measure.POSTS if kind is RankedRows.GRADE else parsed.measure
        if measure not in (Measure.MONEY, Measure.POSTS):
            measure = Measure.MONEY
        facts = row_facts(self.facts, kind, keys, measure, component)
        if kind is not RankedRows.FUNDING:
            facts, _ = self._by_funding(parsed, facts)
        return facts, measure

    def _ranked_rows(self, parsed: ParsedQuestion, kind: RankedRows, body: Body | None) -> Answer | None:
        """The rows of one body's tables ranked: its subprogrammes, components, objects of
        expenditure, grades or funding sources, by the asked year's figure or by the change."""
        lang = parsed.lang
        if body is None and kind is not RankedRows.SUBPROGRAMME:
            body = self.registry.section
        keys = {b.key for b in self.registry.bodies if not b.is_section} if body is None else {body.key}
        facts, measure = self._rows_asked(parsed, kind, keys)
        by_percent = parsed.aggregate is Aggregate.PERCENTAGE
        by_change = by_percent or parsed.aggregate is Aggregate.CHANGE
        year = self._asked_year(parsed)
        rows = rank_rows(
            facts,
            kind,
            year=year,
            measure=measure,
            by_change=by_change,
            by_percent=by_percent,
            lowest_first=parsed.extreme is Extreme.LOWEST,
            level_of=lambda group, y: self._in_year(group, y, parsed.basis if y == year else None, measure),
        )
        owners = {row.key[0] for row in rows}
        owner = body if body is not None and not (body.is_section and len(owners) == 1) else None
        owner = owner or (self.registry.by_key(next(iter(owners))) if len(owners) == 1 else self.registry.section)
        where = owner.label(lang)
        if lang == "en" and not owner.is_section:
            where = f"the {where}"
        what = _ROW_NAMES[kind][0 if lang == "en" else 1]
        if not rows and by_change:
            unchanged = rank_rows(
                facts, kind, year=year, measure=measure, by_change=False, by_percent=False, lowest_first=False,
                level_of=lambda group, y: self._in_year(group, y, None, measure),
            )
            if len(unchanged) >= 2:  # every row's change is printed as none
                where = self.registry.by_key(unchanged[0].key[0]).label(lang)
                citations = self._citations([f for row in unchanged for f in row.facts], lang)
                text = (
                    f"None of the {_ROW_NAMES[kind][2]} of {where} changes from {year - 1} to {year}: the changes are printed as none (—). {_cite_text(citations, lang)}"
                    if lang == "en"
                    else f"{where}的各{_ROW_NAMES[kind][1]} {year - 1}—{year} 年都没有变动（变动栏列为 —）。{_cite_text(citations, lang)}"
                )
                return self._answer(parsed, text, citations, [], [f for row in unchanged for f in row.facts])
        if not rows or (len(rows) < 2 and not by_change):
            return self._decline(
                parsed,
                Decline(
                    f"文件没有按{what}列出{where}的这一数字，无从比较",
                    f"The document does not break {where}'s figures down by {what}, so there is nothing to rank",
                ),
                [],
            )
        computations: list[Computation] = []
        entries = [self._ranked_row(row, kind, lang, by_change=by_change, computations=computations) for row in rows]
        lowest = parsed.extreme is Extreme.LOWEST
        falls = by_change and lowest
        if by_change and (rows[0].value >= 0 if falls else rows[0].value <= 0):
            lead = (
                f"No {what} of {where} {'falls' if falls else 'rises'} from {year - 1} to {year}."
                if lang == "en"
                else f"{where}没有哪个{what} {year - 1}—{year} 年{'减少' if falls else '增加'}。"
            )
        elif lang == "en":
            end = ("Largest fall" if falls else "Largest rise") if by_change else ("Smallest" if lowest else "Largest")
            lead = f"{end} among the {_ROW_NAMES[kind][2]} of {where}: {entries[0]}."
        else:
            end = ("减少最多" if falls else "增加最多") if by_change else ("最少" if lowest else "最多")
            lead = f"{where}的各{what}中，{end}的是{entries[0]}。"
        top = rows[0].ranked
        if kind is RankedRows.FUNDING:  # the rows are the sources: the heading names the years only
            heading = (f"{year - 1} to {year}" if lang == "en" else f"{year - 1}—{year} 年") if by_change else str(year)
        else:  # the heading names the body, source and year, not the top row
            heading = self._heading(parsed, top, change=by_change)
            heading = heading.replace(f", {self._english(top.label)}", "").replace(f" {top.label}", "")
        ranking = f"Ranking ({heading}): " if lang == "en" else f"排序（{heading}）："
        separator = "; " if lang == "en" else "；"
        cited = [f for row in rows for f in row.facts]
        citations = self._citations(cited, lang)
        notes = "" if by_change else self._notes(parsed, rows[0].level or top)
        text = f"{lead} {ranking}{separator.join(entries)} {_cite_text(citations, lang)}{notes}"
        return self._answer(parsed, text, citations, computations, cited)

    def _listed_rows(self, parsed: ParsedQuestion, kind: RankedRows, body: Body) -> Answer | None:
        """The figure of every row of a kind, in the order the table prints them, then the total they
        make ("按资金来源分别是多少", "posts by grade"); None when the body's tables have no such rows."""
        lang = parsed.lang
        facts, measure = self._rows_asked(parsed, kind, {body.key}, parsed.component)
        by_change = parsed.aggregate in (Aggregate.CHANGE, Aggregate.PERCENTAGE)
        year = self._asked_year(parsed)
        rows = rank_rows(
            facts, kind, year=year, measure=measure, by_change=by_change, by_percent=False, lowest_first=False,
            level_of=lambda group, y: self._in_year(group, y, parsed.basis if y == year else None, measure),
            printed_order=True,
        )
        if len(rows) < 2 or all(row.ranked.is_nil or not row.ranked.number for row in rows[1:]) and kind is not RankedRows.FUNDING:
            return None
        computations: list[Computation] = []
        entries = [self._ranked_row(row, kind, lang, by_change=by_change, computations=computations) for row in rows]
        top = rows[0].ranked
        if kind is RankedRows.FUNDING:
            heading = f"{body.label(lang)}, {year}" if lang == "en" else f"{body.label(lang)} {year} 年"
            whole = [f for f in self.facts if f.body == body.key and f.funding is FundingSource.ALL and f.breakdown is Breakdown.TOTAL
                     and f.component is None and f.measure is measure]
        else:
            heading = self._heading(parsed, top, change=by_change)
            heading = heading.replace(f", {self._english(top.label)}", "").replace(f" {top.label}", "")
            whole = [f for f in self.scoped(replace(parsed, breakdown=None, lists_rows=None), body, measure=measure)
                     if f.funding is top.funding and f.component == top.component]
        total = _best(
            [f for f in whole if f.basis is Basis.CHANGE and f.year == year and f.change in (ChangeKind.TOTAL, None)]
            if by_change else self._in_year(whole, year, parsed.basis, measure)
        )
        what = _ROW_NAMES[kind][2] if lang == "en" else _ROW_NAMES[kind][1]
        separator = "; " if lang == "en" else "；"
        lines = separator.join(entries)
        if total is not None:
            shown = _format(total.number or 0.0, total, lang, signed=by_change)
            lines += f"{separator}{'total' if lang == 'en' else '共计'}: {shown}" if lang == "en" else f"{separator}共计：{shown}"
        cited = [f for row in rows for f in row.facts] + ([total] if total is not None else [])
        citations = self._citations(cited, lang)
        lead = f"{heading}, by {_ROW_NAMES[kind][0]}: " if lang == "en" else f"{heading}（按{what}）："
        text = f"{lead}{lines} {_cite_text(citations, lang)}"
        return self._answer(parsed, text, citations, computations, cited)

    def _ranked_row(
        self, row: RankedRow, kind: RankedRows, lang: str, *, by_change: bool, computations: list[Computation]
    ) -> str:
        """A row's name and figures: "选举援助（次级方案 2）：4 123.6 千美元", or its change with the
        percentage and the two years ("-62.9 千美元（-28.8%；218.3 千美元 → 155.4 千美元）"); a
        percentage the table does not print is computed and added to `computations`."""
        fact = row.ranked
        if kind is RankedRows.FUNDING:
            name = SOURCE_NAMES_EN[fact.funding] if lang == "en" else SOURCE_NAMES_ZH[fact.funding]
        else:
            name = self._english(fact.label) if lang == "en" else fact.label
        if row.subprogramme is not None:
            name += f" (subprogramme {row.subprogramme})" if lang == "en" else f"（次级方案 {row.subprogramme}）"
        value = _format(fact.number or 0.0, fact, lang, signed=by_change)
        if by_change:
            beside = []
            if fact.measure is not Measure.PERCENTAGE:
                if row.percent is not None and not row.percent.is_nil:
                    beside.append(_format(row.percent.number or 0.0, row.percent, lang, signed=True))
                elif row.base is not None and row.base.number:
                    change, base = fact.number or 0.0, _in_unit(row.base, fact.unit)
                    share = round(change / base * 100, 1)
                    computations.append(Computation(f"{change} / {base} × 100", [change, base], "%", share))
                    beside.append(f"{share:+.1f}%")
            if row.base is not None and row.level is not None:
                beside.append(f"{_format(row.base.number or 0.0, row.base, lang)} → {_format(row.level.number or 0.0, row.level, lang)}")
            if beside:
                value += f" ({'; '.join(beside)})" if lang == "en" else f"（{'；'.join(beside)}）"
        return f"{name}: {value}" if lang == "en" else f"{name}：{value}"

    def _ranked(self, parsed: ParsedQuestion, rows: list[tuple[Body, Fact]], *, difference: bool) -> Answer:
        lang = parsed.lang
        reverse = parsed.aggregate is not Aggregate.SMALLEST
        rows.sort(key=lambda item: _usd_or_value(item[1]), reverse=reverse)
        lines = []
        for body, fact in rows:
            value = _format(fact.number or 0.0, fact, lang)
            lines.append(f"{body.label(lang)}: {value}" if lang == "en" else f"{body.label(lang)}：{value}")
        computations: list[Computation] = []
        top, second = rows[0][1], rows[1][1] if len(rows) > 1 else None
        computation = _difference(top, second, lang) if difference and second is not None else None
        if computation is not None:
            computations.append(computation)
            lines.append(("Difference: " if lang == "en" else "相差：") + computation.formula)
        first = rows[0][0].label(lang)
        lead = (
            f"{'Largest' if reverse else 'Smallest'}: {first}."
            if lang == "en"
            else f"{'最多' if reverse else '最少'}的是{first}。"
        )
        citations = self._citations([fact for _, fact in rows], lang)
        separator = "; " if lang == "en" else "；"
        text = f"{lead} {separator.join(lines)} {_cite_text(citations, lang)}"
        return self._answer(parsed, text, citations, computations, [fact for _, fact in rows])

    # ------------------------------------------------------------------ compose

    def _figure_answer(self, parsed: ParsedQuestion, chosen: list[Fact], also: Iterable[Fact] = ()) -> Answer:
        lang = parsed.lang
        fact = chosen[0]
        heading = self._heading(parsed, fact, change=fact.basis is Basis.CHANGE)
        value = _format(fact.number or 0.0, fact, lang, signed=fact.basis is Basis.CHANGE)
        extra = [f for f in also if f.id not in {c.id for c in chosen}]
        if extra:
            # a value printed by several sources is shown once
            firsts = {(f.basis, f.measure, round(_usd_or_value(f), 1)): f for f in reversed(extra)}.values()
            shown = list(dict.fromkeys(self._beside(fact, other, lang) for other in extra if other in firsts))
            value += f" ({'; '.join(shown)})" if lang == "en" else f"（{'；'.join(shown)}）"
        citations = self._citations([*chosen, *extra], lang)
        text = f"{heading}: {value}" if lang == "en" else f"{heading}：{value}"
        notes = self._notes(parsed, fact)
        text = f"{text} {_cite_text(citations, lang)}{notes}"
        return self._answer(parsed, text, citations, [], [fact, *extra])

    def _beside(self, fact: Fact, other: Fact, lang: str) -> str:
        """A figure shown beside the answer's: the change from the previous year, or that year's figure."""
        # A percentage printed without the sign of its change (the document has such cells) is
        # shown as printed, not given a "+" that contradicts the change beside it.
        agrees = (other.number or 0.0) * (fact.number or 0.0) >= 0 or other.measure is not Measure.PERCENTAGE
        shown = _format(other.number or 0.0, other, lang, signed=other.basis is Basis.CHANGE and agrees)
        if fact.basis is Basis.CHANGE and other.basis is Basis.CHANGE:
            return shown
        if other.basis is Basis.CHANGE:
            previous = (fact.year or self.proposal_year) - 1
            return f"change from {previous}: {shown}" if lang == "en" else f"比 {previous} 年变动 {shown}"
        if lang == "en":
            return f"{other.year} {BASIS_NAMES_EN[other.basis]}: {shown}"
        return f"{other.year} 年{BASIS_NAMES_ZH[other.basis]}：{shown}"

    def _notes(self, parsed: ParsedQuestion, fact: Fact) -> str:
        """What the answer assumed: the default basis, the default funding source."""
        notes_zh: list[str] = []
        notes_en: list[str] = []
        if parsed.basis is None and fact.basis is Basis.ESTIMATE_BEFORE_RECOSTING and fact.measure is Measure.MONEY:
            notes_zh.append("这是重计费用前的拟议估计数")
            notes_en.append("this is the proposed estimate before recosting")
        if parsed.funding is None and fact.funding is FundingSource.REGULAR_BUDGET:
            total = [
                f
                for f in self.facts
                if f.body == fact.body
                and f.funding is FundingSource.ALL
                and f.measure is fact.measure
                and f.year == fact.year
                and f.breakdown is Breakdown.TOTAL
                and f.component is None
                and f.basis is not Basis.CHANGE
                and fact.component is None
                and fact.breakdown is Breakdown.TOTAL
            ]
            if total and not _same_value(total[0], fact):
                t = total[0]
                label = format_label(t.source.kind, t.source.ref, parsed.lang)
                notes_zh.append(f"所有资金来源共计 {_format(t.number or 0.0, t, 'zh')} [{label}]")
                notes_en.append(f"all funding sources together: {_format(t.number or 0.0, t, 'en')} [{label}]")
        if parsed.lang == "en":
            return "" if not notes_en else " (" + "; ".join(notes_en) + ".)"
        return "" if not notes_zh else "（" + "；".join(notes_zh) + "。）"

    def _heading(
        self, parsed: ParsedQuestion, fact: Fact, *, change: bool, years: tuple[int | None, int | None] | None = None
    ) -> str:
        lang = parsed.lang
        start, end = years or ((fact.year - 1 if fact.year else None), fact.year)
        body = self.registry.by_key(fact.body)
        subject = body.label(lang)
        if fact.component:
            subject += f", {self._english(fact.component)}" if lang == "en" else f" {fact.component}"
        if fact.breakdown not in (Breakdown.TOTAL, Breakdown.COMPONENT) and fact.label:
            subject += f", {self._english(fact.label)}" if lang == "en" else f" {fact.label}"
        if lang == "en":
            source = SOURCE_NAMES_EN[fact.funding]
            if change:
                what = "percentage change" if fact.measure is Measure.PERCENTAGE else "change"
                return f"{subject}, {source}, {what} {start} to {end}"
            measure = "posts" if fact.measure is Measure.POSTS else BASIS_NAMES_EN[fact.basis]
            if fact.measure is Measure.POSTS:
                measure = f"{BASIS_NAMES_EN[fact.basis]} posts"
            return f"{subject}, {source}, {fact.year} {measure}"
        source = SOURCE_NAMES_ZH[fact.funding]
        if change:
            what = "变动百分比" if fact.measure is Measure.PERCENTAGE else "变动"
            return f"{subject} {source} {start}—{end} 年{what}"
        measure = "员额" if fact.measure is Measure.POSTS else ""
        return f"{subject} {fact.year} 年{source}{BASIS_NAMES_ZH[fact.basis]}{measure}"

    def _english(self, zh: str) -> str:
        if self.glossary is not None:
            label = self.glossary.english_label(zh)
            if label and not any("\u4e00" <= ch <= "\u9fff" for ch in label):
                return label
        return zh

    def _citations(self, facts: Iterable[Fact], lang: Language) -> list[Citation]:
        """One citation per table, annex or paragraph, quoting every cell or sentence of it the answer
        uses (an annex prints each figure on its own line: each is quoted, so each is verified)."""
        out: list[Citation] = []
        seen: dict[tuple[str, str], int] = {}
        for fact in facts:
            source = fact.source
            key = (source.kind.value, source.ref)
            if key in seen:
                cited = out[seen[key]]
                quote = _quote(fact)
                if quote not in cited.quote:
                    first, last = cited.lines
                    out[seen[key]] = replace(
                        cited, quote=f"{cited.quote}；{quote}", lines=[min(first, source.line), max(last, source.line)]
                    )
                continue
            if len(out) >= MAX_SOURCES:
                continue
            seen[key] = len(out)
            out.append(
                Citation(
                    kind=source.kind.value,
                    ref=source.ref,
                    lines=[source.line, source.line],
                    quote=_quote(fact),
                    row=source.row,
                    column=source.column,
                )
            )
        return out

    def _decline(self, parsed: ParsedQuestion, decline: Decline, _: list[Fact]) -> Answer:
        lang = parsed.lang
        reason = decline.reason_en if lang == "en" else decline.reason_zh
        citations: list[Citation] = []
        text = reason + ("." if lang == "en" else "。")
        nearest = decline.nearest
        if nearest is not None:
            citations = self._citations([nearest], lang)
            heading = self._heading(parsed, nearest, change=nearest.basis is Basis.CHANGE)
            value = _format(nearest.number or 0.0, nearest, lang)
            label = _cite_text(citations, lang)
            text += (
                f" The nearest figure it gives: {heading}: {value} {label}."
                if lang == "en"
                else f"文件给出的最接近的数字：{heading}：{value} {label}。"
            )
        answer = self._answer(parsed, text, citations, [])
        answer.abstained = True
        answer.confidence = 0.0
        return answer

    def _answer(
        self,
        parsed: ParsedQuestion,
        text: str,
        citations: list[Citation],
        computations: list[Computation],
        facts: Iterable[Fact] = (),
    ) -> Answer:
        return Answer(
            question=parsed.text,
            language=parsed.lang,
            text=text,
            citations=citations,
            confidence=0.9,
            abstained=False,
            evidence=[f"{c.kind}:{c.ref}" for c in citations],
            mode="facts",
            computations=computations,
            facts=list(dict.fromkeys(f.id for f in facts)),
        )


# ---------------------------------------------------------------------- helpers


def _sum(rows: list[Fact], lang: str) -> Computation:
    """The sum of `rows` in the first row's unit, with its formula ("977.1 千美元 + 684.1 千美元 = …")."""
    operands = [_in_unit(fact, rows[0].unit) for fact in rows]
    total = round(sum(operands), 1)
    formula = " + ".join(_format(v, rows[0], lang) for v in operands) + f" = {_format(total, rows[0], lang)}"
    return Computation(formula, operands, "+", total)


def _sum_line(total: Computation, lang: str) -> str:
    return f"Together: {total.formula}" if lang == "en" else f"合计：{total.formula}"


def _outside(names: tuple[str, ...], registry: BodyRegistry) -> Decline:
    covered_en = ", ".join(b.name_en for b in registry.bodies if not b.is_section)
    covered_zh = "、".join(b.name_zh for b in registry.bodies if not b.is_section)
    return Decline(
        f"这份文件没有{'、'.join(names)}的预算数字；它的各部分涵盖：{covered_zh}",
        f"The document gives no budget figures for {', '.join(names)}; its parts cover: {covered_en}",
    )


def _in_year(facts: list[Fact], year: int, basis: Basis | None, measure: Measure, proposal_year: int) -> list[Fact]:
    """Facts of `year` with the asked basis (or the year's default basis in a document proposing the
    budget of `proposal_year`), best-supported first.

    The first basis in order of preference that has facts decides the value; every other source
    that prints the same value under an equivalent basis (a paragraph's "拟议" amount for a table's
    "估计(重计费用前)" column) is kept with it, so that all of them are cited.
    """
    in_year = [f for f in facts if f.year == year and f.basis is not Basis.CHANGE]
    bases = _SAME_BASIS.get(basis, (basis,)) if basis is not None else _DEFAULT_BASES.get((year - proposal_year, measure), ())
    for candidate in bases:
        chosen = _agreeing([f for f in in_year if f.basis is candidate])
        if chosen:
            equivalent = _SAME_BASIS.get(candidate, (candidate,))
            more = [f for f in in_year if f.basis in equivalent and f not in chosen and _same_value(f, chosen[0])]
            return sorted([*chosen, *more], key=lambda f: (_SOURCE_RANK[f.source.kind], f.source.ref))
    return _agreeing(in_year) if basis is None and not bases else []


def _agreeing(facts: list[Fact]) -> list[Fact]:
    """The facts that print the best-supported value, tables first."""
    if not facts:
        return []
    groups: dict[float, list[Fact]] = {}
    for fact in facts:
        groups.setdefault(round(_usd_or_value(fact), 1), []).append(fact)

    def support(item: tuple[float, list[Fact]]) -> tuple[int, int]:
        members = item[1]
        return (len({(f.source.kind, f.source.ref) for f in members}), -min(_SOURCE_RANK[f.source.kind] for f in members))

    best = max(groups.items(), key=support)[1]
    return sorted(best, key=lambda f: (_SOURCE_RANK[f.source.kind], f.source.ref))


def _difference(a: Fact, b: Fact, lang: str) -> Computation | None:
    """a − b in a's unit, as a computation with its formula; None for figures of different measures,
    or where one is printed as none (the answer already says so)."""
    if a.measure is not b.measure or a.is_nil or b.is_nil:
        return None
    left, right = a.number or 0.0, _in_unit(b, a.unit)
    result = round(left - right, 1)
    formula = f"{_format(left, a, lang)} − {_format(right, a, lang)} = {_format(result, a, lang, signed=True)}"
    return Computation(formula, [left, right], "-", result)


def _best(facts: list[Fact]) -> Fact | None:
    return facts[0] if facts else None


def _usd_or_value(fact: Fact) -> float:
    usd = fact.usd
    return usd if usd is not None else (fact.number or 0.0)


def _same_value(a: Fact, b: Fact) -> bool:
    return abs(_usd_or_value(a) - _usd_or_value(b)) < 0.5


def _in_unit(fact: Fact, unit: str) -> float:
    """`fact`'s value in `unit` (千美元 or 美元 for money)."""
    value = fact.number or 0.0
    if fact.measure is Measure.MONEY and fact.unit != unit:
        return value / 1000 if unit == "千美元" else value * 1000
    return value


def _names_row(breakdown: str, fact: Fact) -> bool:
    label = "".join(fact.label.split())
    want = "".join(breakdown.split())
    if fact.breakdown is Breakdown.GRADE:
        return label.upper() == want.upper()
    return label == want or (len(want) >= 2 and want in label and fact.breakdown is Breakdown.OBJECT)


def _format(value: float, fact: Fact, lang: str, *, signed: bool = False) -> str:
    """A value in the fact's unit, written for the language: 10 112.1 千美元 / USD 10,112.1 thousand.

    A figure printed as none ("—", "没有预算外资源") is written as none.
    """
    if fact.is_nil and fact.basis is Basis.CHANGE:
        return "no change" if lang == "en" else "无变动"
    if fact.is_nil:
        return "none (printed as —)" if lang == "en" else "无（文件列为 —）"
    decimals = 1 if fact.unit in ("千美元", "%") or (value != int(value)) else 0
    magnitude = f"{abs(value):,.{decimals}f}"
    negative = value < 0
    if lang == "zh":
        magnitude = magnitude.replace(",", " ")
    number = ("-" if negative else "+" if signed and value > 0 else "") + magnitude
    unit = fact.unit
    if lang == "en":
        if unit == "千美元":
            return f"USD {number} thousand"
        if unit == "美元":
            return f"USD {number}"
        if unit == "%":
            return f"{number}%"
        if unit == "员额":
            return f"{number} post" if number == "1" else f"{number} posts"
        return number
    if unit == "%":
        return f"{number}%"
    if unit == "员额":
        return f"{number} 个员额"
    return f"{number} {unit}"


_GRADE_COUNT = re.compile(r"(\d+)\s*个\s*((?:USG|ASG|D-[12]|P-[1-5](?:/1)?|GS\s*\((?:PL|OL)\)|FS|NPO|LL))")
_PLACE_TO_PLACE = re.compile(r"从\s*(.+?)\s*(?:调至|改叙为|改划为)\s*(.+)$")


def _english_post_detail(text: str) -> str:
    """A staffing table's detail cell in English where it is made of grades and counts only ("2 个 P-5、
    11 个 P-4 和 2 个 LL" → "2 P-5, 11 P-4 and 2 LL"; "从 P-4 改叙为 P-5" → "from P-4 to P-5"; "设立 2 个
    LL 员额" → "2 LL posts"); words it cannot render stay Chinese (the caller leaves those out)."""
    detail = _GRADE_COUNT.sub(lambda m: f"{m.group(1)} {m.group(2)}", text)
    detail = re.sub(r"^设立\s*(.+?)\s*员额$", r"\1 posts", detail)
    moved = _PLACE_TO_PLACE.search(detail)
    if moved and not has_han(moved.group(1) + moved.group(2)):
        detail = detail[: moved.start()] + f"from {moved.group(1)} to {moved.group(2)}"
    return re.sub(r"\s*和\s*", " and ", detail).replace("、", ", ")


def _quote(fact: Fact) -> str:
    source = fact.source
    if source.kind is BlockKind.PARAGRAPH:
        return source.text
    parts = [p for p in (source.sub_part, source.row, source.column) if p]
    return " | ".join(parts) + f": {source.text}"


def _cite_text(citations: list[Citation], lang: str) -> str:
    labels = [format_label(BlockKind(c.kind), c.ref, lang) for c in citations]
    return "[" + ("; ".join(labels) if lang == "en" else "；".join(labels)) + "]" if labels else ""

