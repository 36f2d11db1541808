"""Analyst answers: consistency questions from the audit, "each body" and "which body most" questions
from the resource overview — cited, in the question's language.

- "表 3.27 的小计加起来对吗？", "Are the UNOAU figures consistent?": the audit's findings in the scope
  the question names (a table or annex, a body, the total or subtotal rows), each with both places,
  the two values, the difference and its class; or "they agree", saying what was checked.
- "各实体 2024 年员额分别是多少？": the overview's figure of every body, and the section's total.
- "Which body's extrabudgetary resources fall most?": the bodies ranked by the change (and by the
  percentage, when another body leads on it).

The question parse says which kind a question is (:class:`ParsedQuestion` ``kind`` CHECK, ``aggregate``
EACH, ``ranks_bodies``).  Computed figures (sums, differences, percentages) travel as :class:`Computation` s, so
that the verifier accepts them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from budgetqa.index.audit import AuditReport, run_audit
from budgetqa.index.audit_model import Check, Finding, FindingClass, Printed
from budgetqa.index.audit_places import printed_fact
from budgetqa.index.audit_report import sentence, shown_decimals
from budgetqa.index.glossary import Glossary
from budgetqa.ingest.bodies import BodyRegistry
from budgetqa.ingest.budget import FundingSource, Measure, TableKind
from budgetqa.ingest.facts import Fact, extract_facts
from budgetqa.ingest.model import BlockKind, Document
from budgetqa.ingest.refs import format_label

from .model import Answer, Citation, Computation, Language, unique_citations
from .overview import Overview, OverviewLine, source_name
from .overview_render import fact_text, figure_text
from .understand import Aggregate, ParsedQuestion, QuestionKind

MAX_LISTED = 8  # findings spelled out in one answer; the rest are counted (budgetqa check lists all)

_EXTREME = re.compile(r"最|\bmost\b|\blargest\b|\bbiggest\b|\bhighest\b|\bfastest\b|\bleast\b|\bsmallest\b|\blowest\b|\bfewest\b", re.I)
_DECREASE = re.compile(r"减少|下降|降低|削减|缩减|\bfall|\bfell\b|\bdrop|\bdecreas|\bcut\b|\bshrink|\bdeclin", re.I)
_FEWEST = re.compile(r"最少|最小|最低|最慢|\bleast\b|\bsmallest\b|\blowest\b|\bfewest\b", re.I)
_GRAND_TOTAL = re.compile(r"共计|总计|合计|总数|总额|\btotals?\b|\bgrand total\b", re.I)
_SUBTOTAL = re.compile(r"小计|\bsubtotals?\b", re.I)
_TOTAL_ROWS = ("共计", "合计", "总计")
# A question asking whether something is wrong ("有没有不一致", "Are there any discrepancies?"), which
# "yes" answers when the audit finds one, unlike one asking whether the figures agree ("对得上吗？",
# "Do they add up?"), which "no" answers then.
_ASKS_FAULT = re.compile(
    r"(?:有没有|有无|是否有|是否存在|存在|有)[^，。？?]{0,8}?(?:不一致|不符|差异|差错|错误|错|问题|矛盾|出入)|有误|算错"
    r"|\binconsisten|\bdiscrepanc|\bmismatch|\berrors?\b|\bmistakes?\b|\bwrong\b|\bproblems?\b"
    r"|\bany issues?\b|\bissues? (?:with|in)\b",
    re.I,
)
# The section's overview annex named by what it is rather than by its number ("概览附件", "the overview annex").
_OVERVIEW_ANNEX = re.compile(r"概览附件|附件[^，。？?]{0,6}概览|资源概览|\boverview annex\b|\bannex (?:of|with) the overview\b", re.I)


class AnalystAnswerer:
    """Answers consistency, each-body and which-body questions over one document's audit and overview."""

    def __init__(
        self,
        document: Document,
        facts: list[Fact] | None = None,
        registry: BodyRegistry | None = None,
        glossary: Glossary | None = None,
    ) -> None:
        self.document = document
        self.registry = registry or BodyRegistry.of(document)
        self.facts = facts if facts is not None else extract_facts(document, self.registry)
        self.glossary = glossary
        self.audit: AuditReport = run_audit(document, self.facts, self.registry)
        self.overview = Overview.of(document, self.facts, self.registry, self.audit)

    def answer(self, parsed: ParsedQuestion) -> Answer | None:
        """The answer, or None when the question is none of the three kinds."""
        if parsed.kind is QuestionKind.CHECK:
            return self._consistency(parsed)
        measure = _ranked_measure(parsed)
        if measure is None:
            return None
        if parsed.ranks_bodies:
            return self._ranking(parsed, measure)
        if parsed.aggregate is Aggregate.EACH:
            return self._each_body(parsed, measure)
        return None

    # ------------------------------------------------------------------ consistency

    def scope(self, parsed: ParsedQuestion) -> list[Finding]:
        """The audit's findings in the places, bodies and rows the question names."""
        findings = self.audit.findings
        places = set(self._places(parsed))
        if places:
            findings = [f for f in findings if any((s.kind, s.ref) in places for s in (f.printed, *f.other))]
        if parsed.bodies and not places:
            keys = set(parsed.body_keys)
            findings = [f for f in findings if f.body in keys]
        if places and _SUBTOTAL.search(parsed.text):
            findings = [f for f in findings if (f.printed.row or "").startswith("小计")]
        elif places and _GRAND_TOTAL.search(parsed.text):
            findings = [f for f in findings if (f.printed.row or "").startswith(_TOTAL_ROWS)]
        return findings

    def _places(self, parsed: ParsedQuestion) -> list[tuple[BlockKind, str]]:
        """The tables and annexes the question names: by number, or the overview annex by what it is."""
        places = [(c.kind, c.ref) for c in parsed.citations if c.kind in (BlockKind.TABLE, BlockKind.ANNEX)]
        if _OVERVIEW_ANNEX.search(parsed.text):
            annex = next((f.source for f in self.facts if f.table_kind is TableKind.ANNEX_OVERVIEW), None)
            if annex is not None and (annex.kind, annex.ref) not in places:
                places.append((annex.kind, annex.ref))
        return places

    def _consistency(self, parsed: ParsedQuestion) -> Answer:
        lang = parsed.lang
        findings = self.scope(parsed)
        where = self._where(parsed)
        fault = bool(_ASKS_FAULT.search(parsed.text))  # "is anything wrong?" rather than "does it agree?"
        if not findings:
            if lang == "en":
                text = (
                    f"{'No' if fault else 'Yes'}: the audit finds no inconsistency in {where} (totals against their rows, "
                    f"2023 + change = 2024, percentages, the same figure in the tables, the overview annex and the paragraphs)."
                )
            else:
                text = (
                    f"{'没有' if fault else '对得上'}：核查没有发现{where}有不一致之处（已核查合计与组成行、2023 年数 + 变动 = "
                    f"2024 年数、百分比，以及表格、附件四和段落中的同一数字）。"
                )
            citations = self._place_citations(parsed)
            return self._answer(parsed, text + " " + _cite_text(citations, lang), citations, [], findings)
        real = [f for f in findings if f.finding_class is FindingClass.DISCREPANCY]
        if real and lang == "en":
            lead = f"{'Yes' if fault else 'No'}: the audit finds these inconsistencies in {where}:"
        elif real:
            lead = f"{'有' if fault else '对不上'}：核查发现{where}有以下不一致："
        elif lang == "en":
            lead = (f"{'Only rounding' if fault else 'Yes, within rounding'}: "
                    f"the audit finds only differences of rounding in {where}:")
        else:
            lead = f"{'只有舍入差异' if fault else '在舍入范围内对得上'}：核查发现{where}只有舍入差异："
        listed = (real + [f for f in findings if f not in real])[:MAX_LISTED]
        lines = [f"• {sentence(f, lang, self.glossary)}" for f in listed]
        if len(findings) > len(listed):
            lines.append("… and more: budgetqa check lists them all." if lang == "en" else "……其余见 budgetqa check 的完整清单。")
        citations = unique_citations([c for f in listed for c in _finding_citations(f, self.document)])
        text = "\n".join([lead, *lines]) + " " + _cite_text(citations, lang)
        return self._answer(parsed, text, citations, [c for f in listed for c in _computations(f)], listed)

    def _where(self, parsed: ParsedQuestion) -> str:
        """The scope in words: "Table 3.68", "the totals of 表 3.68 " (a space before the Chinese that follows)."""
        lang = parsed.lang
        named = self._places(parsed)
        places = [format_label(kind, ref, lang) for kind, ref in named]
        if not places and parsed.bodies:
            places = [body.label(lang) for body in parsed.bodies]
        if not places:
            return "the document" if lang == "en" else "本文件"
        joined = ", ".join(places) if lang == "en" else "、".join(places)
        spaced = joined + " " if lang != "en" and joined[-1:].isascii() else joined  # "表 3.68 的", "附件四的"
        if _SUBTOTAL.search(parsed.text):
            return f"the subtotals of {joined}" if lang == "en" else f"{spaced}的小计"
        if named and _GRAND_TOTAL.search(parsed.text):
            return f"the totals of {joined}" if lang == "en" else f"{spaced}的共计"
        return spaced

    def _place_citations(self, parsed: ParsedQuestion) -> list[Citation]:
        out = []
        for kind, ref in self._places(parsed):
            unit = next((u for u in self.document.units() if u.kind is kind and u.ref == ref), None)
            if unit is not None:
                out.append(Citation(unit.kind.value, unit.ref, unit.lines.as_list()))
        return out

    # ------------------------------------------------------------------ overview

    def _lines(self, parsed: ParsedQuestion, measure: Measure) -> tuple[list[OverviewLine], OverviewLine | None, FundingSource]:
        """The bodies' lines of the asked source and the section's: the source the question names;
        all sources for a total ("资源总额", "total resources"); else the regular budget."""
        asks_total = parsed.aggregate is Aggregate.TOTAL or bool(_GRAND_TOTAL.search(parsed.text))
        funding = parsed.funding or (FundingSource.ALL if asks_total else FundingSource.REGULAR_BUDGET)
        wanted = set(parsed.body_keys)
        lines = [
            x for x in self.overview.lines
            if x.funding is funding and x.measure is measure and not x.body.is_section and (not wanted or x.body.key in wanted)
        ]
        section = next((x for x in self.overview.lines if x.body.is_section and x.funding is funding and x.measure is measure), None)
        return lines, section, funding

    def _each_body(self, parsed: ParsedQuestion, measure: Measure) -> Answer | None:
        """Every body's figure of the asked year; both years with the change when the question names
        both ("各实体 2023 年和 2024 年的…")."""
        lang = parsed.lang
        lines, section, funding = self._lines(parsed, measure)
        years = self.overview.years
        if set(parsed.years) >= set(years):
            return self._each_body_both_years(parsed, measure, lines, section, funding)
        year = max(parsed.years) if parsed.years else years[1]
        if year not in years or not lines:
            return None
        pick = (lambda x: x.final) if year == years[1] else (lambda x: x.base)
        chosen = [(x, fact) for x in lines if (fact := pick(x)) is not None]
        total = pick(section) if section is not None and not parsed.bodies else None
        unit = _unit_name(measure, lang)
        entries = [f"{x.body.label(lang)} {fact_text(fact, lang)}" for x, fact in chosen]
        if total is not None:
            entries.append(("Section total " if lang == "en" else "全款合计 ") + fact_text(total, lang))
        head = (
            f"{subject(funding, measure, lang).capitalize()} by body, {year} ({unit}): "
            if lang == "en"
            else f"{year} 年各实体的{subject(funding, measure, lang)}（{unit}）："
        )
        facts = [fact for _, fact in chosen] + ([total] if total is not None else [])
        return self._listed(parsed, head, entries, facts, [x for x, _ in chosen], section if total is not None else None)

    def _each_body_both_years(
        self, parsed: ParsedQuestion, measure: Measure, lines: list[OverviewLine], section: OverviewLine | None,
        funding: FundingSource,
    ) -> Answer | None:
        lang = parsed.lang
        chosen = [x for x in lines if x.base is not None and x.final is not None]
        if not chosen:
            return None
        shown = chosen + ([section] if section is not None and not parsed.bodies and section.base and section.final else [])
        first, second = self.overview.years
        unit = _unit_name(measure, lang)
        entries = []
        for line in shown:
            name = ("Section total" if lang == "en" else "全款合计") if line.body.is_section else line.body.label(lang)
            entries.append(f"{name} {_ranked_entry(line, lang, True, named=False, span_first=True)}")
        head = (
            f"{subject(funding, measure, lang).capitalize()} by body, {first} → {second} ({unit}): "
            if lang == "en"
            else f"各实体的{subject(funding, measure, lang)}，{first} 年 → {second} 年（{unit}）："
        )
        facts = [f for x in shown for f in (x.base, x.final, x.change) if f is not None]
        computations = [_percent_computation(x) for x in shown if x.percent is not None and x.change is not None]
        return self._listed(parsed, head, entries, facts, chosen, section if len(shown) > len(chosen) else None, computations)

    def _listed(
        self, parsed: ParsedQuestion, head: str, entries: list[str], facts: list[Fact], chosen: list[OverviewLine],
        section: OverviewLine | None, computations: list[Computation] | None = None,
    ) -> Answer:
        """An answer listing one entry per body (and the section's), cited, with the audit's findings
        on the figures it states."""
        lang = parsed.lang
        citations = unique_citations([_fact_citation(f, self.document) for f in facts])
        flagged = _flagged([*chosen, *([section] if section is not None else [])], facts)
        note = ""
        if flagged:
            note = (" Note — the audit finds: " if lang == "en" else " 注意，核查发现：") + " ".join(
                sentence(f, lang, self.glossary) for f in flagged
            )
            citations = unique_citations([*citations, *(c for f in flagged for c in _finding_citations(f, self.document))])
        separator = "; " if lang == "en" else "；"
        text = head + separator.join(entries) + ("." if lang == "en" else "。") + note + " " + _cite_text(citations, lang)
        steps = [*(computations or []), *(c for f in flagged for c in _computations(f))]
        return self._answer(parsed, text, citations, steps, flagged)

    def _ranking(self, parsed: ParsedQuestion, measure: Measure) -> Answer | None:
        lang = parsed.lang
        lines, _, funding = self._lines(parsed, measure)
        by_change = parsed.aggregate in (Aggregate.CHANGE, Aggregate.PERCENTAGE)
        fewest = bool(_FEWEST.search(parsed.text)) != bool(by_change and _DECREASE.search(parsed.text))
        needed = (lambda x: x.change is not None and x.base is not None) if by_change else (lambda x: x.final is not None)
        lines = [x for x in lines if needed(x) and not x.is_empty]
        if len(lines) < 2:
            return None
        by_percent = parsed.aggregate is Aggregate.PERCENTAGE
        ranked = sorted(lines, key=lambda x: _rank_value(x, by_change, by_percent), reverse=not fewest)
        unit = _unit_name(measure, lang)
        computations = [_percent_computation(x) for x in ranked if by_change and x.percent is not None]
        entries = [_ranked_entry(x, lang, by_change) for x in ranked]
        top = ranked[0]
        what = subject(funding, measure, lang)
        top_change = (top.change.number or 0.0) if by_change and top.change is not None else None
        falls = by_change and bool(_DECREASE.search(parsed.text))
        if top_change is not None and (top_change >= 0 if falls else top_change <= 0) and not _FEWEST.search(parsed.text):
            # the question asks which falls (rises) most, and no body's figure does
            if lang == "en":
                lead = f"No body's {what} {'fall' if falls else 'rise'} from {self.overview.years[0]} to {self.overview.years[1]} ({unit})."
            else:
                lead = f"没有实体的{what}从 {self.overview.years[0]} 年到 {self.overview.years[1]} 年{'减少' if falls else '增加'}（{unit}）。"
        elif lang == "en":
            lead = f"{top.body.label(lang)}: {what} {'change by' if by_change else 'are'} {_ranked_entry(top, lang, by_change, named=False)} ({unit})."
        else:
            lead = f"{top.body.label(lang)}：{what}{'变动' if by_change else '为'} {_ranked_entry(top, lang, by_change, named=False)}（{unit}）。"
        other = ""
        if by_change and parsed.aggregate is not Aggregate.PERCENTAGE:
            percent_order = sorted([x for x in lines if x.percent is not None], key=lambda x: x.percent or 0.0, reverse=not fewest)
            if percent_order and percent_order[0].body.key != top.body.key:
                leader = percent_order[0]
                other = (
                    f" In percentage terms {leader.body.label(lang)} leads ({figure_text(leader.percent or 0.0, lang, signed=True)}%)."
                    if lang == "en"
                    else f"按百分比计，{leader.body.label(lang)}居首（{figure_text(leader.percent or 0.0, lang, signed=True)}%）。"
                )
        facts = [f for x in ranked for f in ((x.base, x.final, x.change) if by_change else (x.final,)) if f is not None]
        citations = unique_citations([_fact_citation(f, self.document) for f in facts])
        ranking = ("Ranking: " if lang == "en" else "排序：") + ("; " if lang == "en" else "；").join(entries)
        text = f"{lead}{other} {ranking} {_cite_text(citations, lang)}"
        return self._answer(parsed, text, citations, computations, [])

    # ------------------------------------------------------------------ compose

    def _answer(
        self, parsed: ParsedQuestion, text: str, citations: list[Citation], computations: list[Computation], findings: list[Finding]
    ) -> Answer:
        return Answer(
            question=parsed.text,
            language=parsed.lang,
            text=text,
            citations=citations,
            confidence=0.9,
            abstained=False,
            evidence=list(dict.fromkeys(f"{c.kind}:{c.ref}" for c in citations)),
            mode="analyst",
            computations=computations,
            facts=[p.fact for f in findings for p in (f.printed, *f.other) if p.fact is not None],
        )


# ---------------------------------------------------------------------- helpers


def subject(funding: FundingSource, measure: Measure, lang: str) -> str:
    """What a figure is of: "regular budget posts", "extrabudgetary resources", "所有资金来源的资源"."""
    name = source_name(funding, lang)
    if lang == "en":
        if funding is FundingSource.ALL:
            return f"{'posts' if measure is Measure.POSTS else 'resources'} from {name}"
        bare = name.removesuffix(" resources")
        return f"{bare} posts" if measure is Measure.POSTS else (name if funding is not FundingSource.REGULAR_BUDGET else f"{name} resources")
    if funding is FundingSource.ALL:
        return f"{name}的{'员额' if measure is Measure.POSTS else '资源'}"
    bare = name.removesuffix("资源")
    return f"{bare}员额" if measure is Measure.POSTS else name


def _rank_value(line: OverviewLine, by_change: bool, by_percent: bool) -> float:
    """What a ranking orders by: the percentage, the change, or the proposal year's figure."""
    if by_percent:
        return line.percent or 0.0
    fact = line.change if by_change else line.final
    return (fact.number or 0.0) if fact is not None else 0.0


def _unit_name(measure: Measure, lang: str) -> str:
    if measure is Measure.POSTS:
        return "posts" if lang == "en" else "员额数"
    return "USD thousand" if lang == "en" else "千美元"


def _ranked_entry(line: OverviewLine, lang: str, by_change: bool, *, named: bool = True, span_first: bool = False) -> str:
    """A body's entry: its figure; or its change, percentage and the two years ("+24 (+72.7%), 33 → 57"),
    the two years first with `span_first` ("33 → 57 (+24, +72.7%)")."""
    name = f"{line.body.label(lang)} " if named else ""
    if not by_change:
        return name + fact_text(line.final, lang)
    percent = f" ({figure_text(line.percent, lang, signed=True)}%)" if line.percent else ""
    change = fact_text(line.change, lang, signed=True) if line.change is not None and line.change.number else (
        "no change" if lang == "en" else "无变动")
    years = f"{fact_text(line.base, lang)} → {fact_text(line.final, lang)}"
    if span_first:
        share = f", {figure_text(line.percent, lang, signed=True)}%" if line.percent else ""
        return f"{name}{years} ({change}{share})"
    span = f", {years}" if lang == "en" else f"，{years}"
    return f"{name}{change}{percent}{span}"


def _ranked_measure(parsed: ParsedQuestion) -> Measure | None:
    """What the bodies' figures count: money or posts.  A question about a percentage change names
    its figures in words ("增长的百分比最高", "largest percentage increase"); the parse gives those
    the measure PERCENTAGE, and the percentage is then one of money (or of posts, which the parse
    names as the measure when the question says posts)."""
    if parsed.measure in (Measure.MONEY, Measure.POSTS):
        return parsed.measure
    if parsed.measure is Measure.PERCENTAGE and parsed.aggregate is Aggregate.PERCENTAGE:
        return Measure.MONEY
    return None


def _percent_computation(line: OverviewLine) -> Computation:
    assert line.change is not None and line.base is not None and line.percent is not None
    change, base = line.change.number or 0.0, line.base.number or 0.0
    return Computation(f"{line.change.printed} ÷ {line.base.printed} × 100", [change, base], "%", round(line.percent, 1))


def _flagged(lines: list[OverviewLine], facts: list[Fact]) -> list[Finding]:
    """The audit's findings on the figures an answer states."""
    ids = {f.id for f in facts}
    return list({f.id: f for x in lines for f in x.flags if f.printed.fact in ids}.values())


def _fact_citation(fact: Fact, document: Document) -> Citation:
    """The citation of a fact's cell."""
    return _printed_citation(printed_fact(fact), document)


def _finding_citations(finding: Finding, document: Document) -> Iterable[Citation]:
    """Both sides of a finding: the printed figure and the figures it is set against."""
    for side in (finding.printed, *finding.other):
        yield _printed_citation(side, document)


def _printed_citation(side: Printed, document: Document) -> Citation:
    """A cell cited as "sub-part | row | column: figure" (a sentence as itself), on its source line."""
    cell = " | ".join(side.place_parts())
    quote = side.sentence or (f"{cell}: {side.text}" if cell else side.text)
    line = side.line if 0 < side.line <= len(document.lines) else 0
    return Citation(side.kind.value, side.ref, [line, line], quote=quote, row=side.row, column=side.column)


def _computations(finding: Finding) -> list[Computation]:
    """The arithmetic behind a finding's expected value and difference, for the verifier.

    The expected value stays exact (the sentence and its formula write it to different precisions,
    both roundings of it); the difference is the one the sentence writes (−0.0655 is written −0.07,
    and a written figure under 1 must equal a result, not round from it)."""
    printed, other = finding.printed, finding.other
    expected = finding.expected
    steps: list[Computation] = []
    if finding.check in (Check.ROW_SUM, Check.COLUMN_SUM) or (finding.check is Check.POST_LIST and len(other) > 1):
        terms = [o.value for o in other if o.value] or [0.0]  # a nil adds nothing and prints no figure
        steps.append(Computation(finding.formula, terms, "+", expected))
    elif finding.check in (Check.CHANGE, Check.SIGN) and len(other) == 2 and "÷" not in finding.formula:
        base, final = other
        steps.append(Computation(finding.formula, [final.value, base.value], "-", expected))
    elif finding.check in (Check.PERCENTAGE, Check.SIGN) and len(other) == 2:
        change, base = other
        steps.append(Computation(finding.formula, [change.value, base.value], "%", expected))
    if printed.value:  # against a nil, the difference is the expected value itself
        steps.append(Computation("printed − expected", [printed.value, expected], "-", round(finding.difference, shown_decimals(finding))))
    return steps


def _cite_text(citations: list[Citation], lang: Language | str) -> str:
    labels = list(dict.fromkeys(c.label_for("en" if lang == "en" else "zh") for c in citations))
    return "[" + ("; ".join(labels) if lang == "en" else "；".join(labels)) + "]" if labels else ""
