"""Budget facts: every figure of the document as a typed record with its source.

A :class:`Fact` is one printed figure with everything a reader needs to know what it means: the
body and component it belongs to, the funding source, what the row is (the total, a component, an
object of expenditure, a grade …), the year, the basis (expenditure, appropriation, estimate before
recosting, change …), the measure and unit, and the cell or sentence it was read from.  Facts come
from three places:

- every numeric cell of the typed tables (:attr:`Table.kind`, :attr:`Table.column_types`);
- the section's overview annex (resources and posts by body and funding source);
- the standard budget sentences of the paragraphs ("2024 年拟议经常预算资源为 X 美元，与 2023 年批款
  相比增加 Y 美元", "预算外资源估计为 X 美元").

Downstream stages (the fact store, figure answers, the generated questions) read these fields and
never a header string.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .bodies import BodyRegistry
from .budget import (
    YEAR_RE,
    Basis,
    Breakdown,
    ChangeKind,
    Column,
    FundingSource,
    Measure,
    TableKind,
    basis_for_source,
    is_grade,
    measure_unit,
    row_measure,
)
from .model import Annex, BlockKind, Cell, Document, Paragraph, Table, TableRow
from .numeric import parse_number
from .sectioninfo import budget_year
from .table_cells import enumerate_splits, make_cell, tokenize

NUMERIC_KINDS = frozenset(
    {
        TableKind.RESOURCES_BY_OBJECT,
        TableKind.RESOURCES_BY_SOURCE,
        TableKind.POSTS_BY_SOURCE,
        TableKind.POSTS_BY_GRADE,
        TableKind.RESOURCES_AND_POSTS,
        TableKind.POST_CHANGES,
        TableKind.DELIVERABLES,
        TableKind.COMPLIANCE,
        TableKind.DECISION_ORGANS,
    }
)
# Tables that report the regular budget only (the by-source tables say so row by row).
_REGULAR_BUDGET_KINDS = frozenset(
    {TableKind.RESOURCES_BY_OBJECT, TableKind.POSTS_BY_GRADE, TableKind.POST_CHANGES, TableKind.RESOURCES_AND_POSTS,
     TableKind.DECISION_ORGANS}
)
_SOURCE_WORDS: tuple[tuple[str, FundingSource], ...] = (
    ("经常预算", FundingSource.REGULAR_BUDGET),
    ("其他分摊", FundingSource.OTHER_ASSESSED),
    ("预算外", FundingSource.EXTRABUDGETARY),
)
_NUMBERED = re.compile(r"^(?:[A-Z]|\d{1,2})\.\s*")
_SUBPROGRAMME = re.compile(r"^次级方案\s*(\d+)\s*(.*)$")
COMPONENT_HEADINGS = ("决策机关", "行政领导和管理", "方案支助", "工作方案")


@dataclass(frozen=True)
class FactSource:
    """Where a fact was printed: a table cell, an annex cell or a paragraph sentence."""

    kind: BlockKind  # TABLE, ANNEX or PARAGRAPH
    ref: str  # "3.27", "四", "3.121"
    line: int
    text: str  # the printed cell, or the sentence
    row: str | None = None  # row label as printed (tables and annexes)
    column: str | None = None  # column header as printed (tables and annexes)
    sub_part: str | None = None  # "(1) 经常预算"


@dataclass(frozen=True)
class Fact:
    """One printed figure, typed."""

    id: str  # "table:3.27#12.8", "paragraph:3.121#1"
    document: str  # "A/78/6 (Sect. 3)"
    body: str  # body key: "DPPA", "UNOAU", SECTION_KEY
    component: str | None  # "预防、管理和解决冲突", "决策机关"; None for the body as a whole
    subprogramme: int | None  # 1 for 次级方案 1
    table_kind: TableKind | None  # None for sentence facts
    funding: FundingSource
    breakdown: Breakdown
    label: str  # row label without its numbering: "员额", "P-4", "预防、管理和解决冲突"
    group: str | None  # enclosing row group: "专业及以上职类"
    year: int | None
    basis: Basis
    change: ChangeKind | None
    measure: Measure
    unit: str  # "千美元", "美元", "员额", "%", "个"
    value: float | None  # None with is_nil for "—"
    is_nil: bool
    printed: str  # the figure as printed: "47 278.1", "(7.2)", "537 200 美元"
    source: FactSource

    @property
    def usd(self) -> float | None:
        """A money fact's value in US dollars (tables print thousands)."""
        if self.measure is not Measure.MONEY:
            return None
        value = 0.0 if self.is_nil else self.value
        if value is None:
            return None
        return value * 1000 if self.unit == "千美元" else value

    @property
    def number(self) -> float | None:
        """The value, with a printed nil ("—") read as zero."""
        return 0.0 if self.is_nil else self.value


def extract_facts(document: Document, registry: BodyRegistry | None = None) -> list[Fact]:
    """Every fact of `document`, tables first, then the overview annex, then sentences."""
    registry = registry or BodyRegistry.of(document)
    subprogrammes = _subprogramme_titles(document)
    facts: list[Fact] = []
    for table in document.tables:
        if table.kind in NUMERIC_KINDS:
            facts.extend(_table_facts(document, table, registry, subprogrammes))
    for annex in document.annexes:
        if "资金来源" in annex.title and "概览" in annex.title:
            facts.extend(_overview_facts(document, annex, registry))
    for paragraph in document.paragraphs:
        facts.extend(_sentence_facts(document, paragraph, registry, subprogrammes))
    return facts


# ---------------------------------------------------------------------------- tables


def _subprogramme_titles(document: Document) -> dict[tuple[str, int], str]:
    """(part, number) → subprogramme title, from the headings "次级方案 1 预防、管理和解决冲突"."""
    titles: dict[tuple[str, int], str] = {}
    for heading in document.headings:
        match = _SUBPROGRAMME.match(heading.text.strip())
        if match and match.group(2):
            titles.setdefault((heading.part, int(match.group(1))), match.group(2).strip())
    return titles


def component_of_section(section: list[str], part: str, subprogrammes: dict[tuple[str, int], str]) -> tuple[str | None, int | None]:
    """The component a block's section path puts it in: the innermost subprogramme or component heading."""
    for heading in reversed(section):
        text = heading.strip()
        match = _SUBPROGRAMME.match(text)
        if match:
            number = int(match.group(1))
            return subprogrammes.get((part, number), match.group(2).strip() or None), number
        if text in COMPONENT_HEADINGS[:3]:
            return text, None
    return None, None


def _row_component(label: str, part: str, subprogrammes: dict[tuple[str, int], str]) -> tuple[str, int | None]:
    """A by-source table's row "1. 预防、管理和解决冲突" → (title, 1); "B. 行政领导和管理" → (title, None)."""
    bare = _NUMBERED.sub("", label).strip()
    match = re.match(r"^(\d{1,2})\.", label)
    if match:
        number = int(match.group(1))
        return subprogrammes.get((part, number), bare), number
    return bare, None


def _table_source(table: Table, row: TableRow) -> FundingSource:
    if table.kind in _REGULAR_BUDGET_KINDS:
        return FundingSource.REGULAR_BUDGET
    if row.part is None:
        return FundingSource.ALL if table.sub_parts else FundingSource.REGULAR_BUDGET
    for word, source in _SOURCE_WORDS:
        if word in row.part:
            return source
    return FundingSource.ALL


def _breakdown(table: Table, row: TableRow) -> Breakdown:
    label = row.label
    if row.is_total:
        if label.startswith("共计") or label.startswith("合计"):
            return Breakdown.TOTAL
        if table.kind in (TableKind.RESOURCES_BY_SOURCE, TableKind.POSTS_BY_SOURCE) and re.search(r"\(\d\)|^小计$", label):
            return Breakdown.TOTAL  # a funding source's subtotal is that source's total
        return Breakdown.SUBTOTAL
    kind = table.kind
    if kind in (TableKind.RESOURCES_BY_SOURCE, TableKind.POSTS_BY_SOURCE):
        return Breakdown.COMPONENT
    if kind is TableKind.POSTS_BY_GRADE:
        return Breakdown.GRADE if is_grade(label) else Breakdown.CATEGORY
    if kind is TableKind.RESOURCES_AND_POSTS:
        return Breakdown.CATEGORY if "职类" in label or "员额" in (row.group or "") and "职类" in label else Breakdown.OBJECT
    if kind is TableKind.RESOURCES_BY_OBJECT:
        return Breakdown.OBJECT
    return Breakdown.ITEM


def _table_facts(
    document: Document, table: Table, registry: BodyRegistry, subprogrammes: dict[tuple[str, int], str]
) -> Iterator[Fact]:
    body = registry.by_part(table.part).key
    component, number = component_of_section(table.section, table.part, subprogrammes)
    final_year = max((c.year for c in table.column_types if c.year is not None), default=None)
    for row_index, row in enumerate(table.rows):
        if table.kind is TableKind.POST_CHANGES:
            yield from _post_change_facts(document, table, row, row_index, body)
            continue
        breakdown = _breakdown(table, row)
        row_component, row_number = component, number
        label = _NUMBERED.sub("", row.label).strip()
        if breakdown is Breakdown.COMPONENT:
            row_component, row_number = _row_component(row.label, table.part, subprogrammes)
            label = row_component
        elif row.is_total and row.group and row.group.startswith("C."):
            row_component, breakdown, label = _NUMBERED.sub("", row.group).strip(), Breakdown.COMPONENT, _NUMBERED.sub("", row.group).strip()
        for column_index, (cell, column) in enumerate(zip(row.cells, table.column_types, strict=False)):
            if not cell.is_numeric or column.basis is None:
                continue
            measure = row_measure(table.unit, column, row.group, row.label)
            if measure is Measure.TEXT:
                continue
            year = column.year if column.year is not None else final_year
            funding = _table_source(table, row)
            yield Fact(
                id=f"table:{table.ref}#{row_index}.{column_index}",
                document=document.symbol,
                body=body,
                component=row_component,
                subprogramme=row_number,
                table_kind=table.kind,
                funding=funding,
                breakdown=breakdown,
                label=label,
                group=row.group,
                year=year,
                basis=basis_for_source(column.basis, funding),
                change=column.change,
                measure=measure,
                unit=_unit(measure, column, table),
                value=cell.value,
                is_nil=cell.is_nil,
                printed=cell.text,
                source=FactSource(BlockKind.TABLE, table.ref, row.line, cell.text, row.label, column.header, row.part),
            )


def _unit(measure: Measure, column: Column, table: Table) -> str:
    """The column's own unit, or, in a table that mixes measures, the row measure's unit."""
    if column.unit and column.measure is not None:
        return column.unit
    return measure_unit(measure, table.unit) or ""


def _post_change_facts(document: Document, table: Table, row: TableRow, row_index: int, body: str) -> Iterator[Fact]:
    """"2023 年核定 277" → approved posts of 2023; "设立 1" → a change of 2024, labelled."""
    cell = row.cell(0)
    if cell is None or not cell.is_numeric:
        return
    year_match = YEAR_RE.search(row.label)
    if year_match:
        year, basis = int(year_match.group(1)), Basis.APPROVED if "核定" in row.label else Basis.PROPOSED
        breakdown, change = Breakdown.TOTAL, None
    else:
        year, basis, breakdown, change = proposal_year(document), Basis.CHANGE, Breakdown.ITEM, ChangeKind.TOTAL
        final = [c for r in table.rows for c in [YEAR_RE.search(r.label)] if c]
        if final:
            year = max(int(m.group(1)) for m in final)
    detail = row.cell(1)
    yield Fact(
        id=f"table:{table.ref}#{row_index}.0",
        document=document.symbol,
        body=body,
        component=None,
        subprogramme=None,
        table_kind=table.kind,
        funding=FundingSource.REGULAR_BUDGET,
        breakdown=breakdown,
        label=row.label,
        group=detail.text if detail is not None and detail.text and not detail.is_nil else None,
        year=year,
        basis=basis,
        change=change,
        measure=Measure.POSTS,
        unit="员额",
        value=cell.value,
        is_nil=cell.is_nil,
        printed=cell.text,
        source=FactSource(BlockKind.TABLE, table.ref, row.line, cell.text, row.label, table.columns[0], row.part),
    )


# ---------------------------------------------------------------------------- overview annex

# The overview annex prints, for each body, four groups (regular budget, other assessed,
# extrabudgetary, total) of three cells: the 2023 figure, the 2024 figure and the difference.  Each
# group's header as printed is the cell's `FactSource.sub_part`: "2024 年估计" alone does not say which
# of the four groups a cell is in.
_OVERVIEW_GROUPS: tuple[tuple[FundingSource, Basis, Basis, str], ...] = (
    (FundingSource.REGULAR_BUDGET, Basis.APPROPRIATION, Basis.ESTIMATE_BEFORE_RECOSTING, "经常预算"),
    (FundingSource.OTHER_ASSESSED, Basis.ESTIMATE, Basis.ESTIMATE, "其他分摊资源"),
    (FundingSource.EXTRABUDGETARY, Basis.ESTIMATE, Basis.ESTIMATE, "预算外"),
    (FundingSource.ALL, Basis.ESTIMATE, Basis.ESTIMATE, "共计"),
)
_OVERVIEW_HEADERS = {
    Basis.APPROPRIATION: "{year} 年批款",
    Basis.ESTIMATE_BEFORE_RECOSTING: "{year} 年估计(重计费用前)",
}
"""Overview-annex headers named as the tables name the same columns; `year` is the column's year."""

DEFAULT_PROPOSAL_YEAR = 2024
"""The budget year of a document whose symbol names no session (the bundled section proposes 2024)."""


def proposal_year(document: Document) -> int:
    """The year `document` proposes a budget for: its session plus 1946 (A/78/6 → 2024, A/79/6 → 2025)."""
    return budget_year(document.symbol) or DEFAULT_PROPOSAL_YEAR


def _overview_facts(document: Document, annex: Annex, registry: BodyRegistry) -> Iterator[Fact]:
    """Facts of the overview annex: one row per body (and the 共计 row), money then posts."""
    measure: Measure | None = None
    label = ""
    label_line = annex.lines.first
    lines = annex.text.splitlines()
    numbers = _document_lines(document, annex.lines.first, annex.lines.last, lines)
    for raw, line_no in zip(lines, numbers, strict=True):
        text = raw.strip()
        if text.startswith("财政资源"):
            measure, label = Measure.MONEY, ""
            continue
        if text.startswith("员额资源"):
            measure, label = Measure.POSTS, ""
            continue
        if measure is None or not text:
            continue
        tokens = tokenize(text)
        start = len(tokens)
        while start > 0 and re.fullmatch(r"\(?\d[\d.]*\)?|[—–-]", tokens[start - 1].text):
            start -= 1
        head = "".join(t.text for t in tokens[:start])
        values = tokens[start:]
        if head:
            label = head if not label or values else label + head
            label_line = line_no if not label or label == head else label_line
        if not values:
            continue
        cells = _overview_cells(values, measure)
        if cells is None or not label:
            label = ""
            continue
        body = registry.section if label.startswith("共计") else next(iter(registry.find(label)), None)
        if body is None:
            label = ""
            continue
        yield from _overview_row(document, annex, body.key, label, cells, measure, line_no)
        label = ""


def _document_lines(document: Document, first: int, last: int, lines: list[str]) -> list[int]:
    """The document line number of each line of a unit's cleaned text (which leaves out the page
    headers and footers between `first` and `last`): each is found at or after the one before it."""
    numbers: list[int] = []
    cursor = first
    for raw in lines:
        wanted = "".join(raw.split())
        found = next(
            (n for n in range(cursor, last + 1) if "".join(document.lines[n - 1].split()) == wanted), None
        ) if wanted else None
        if found is not None:
            cursor = found + 1
        numbers.append(found if found is not None else max(first, cursor - 1))
    return numbers


def _overview_cells(values: list, measure: Measure) -> list[Cell | None] | None:
    """Split a row's value tokens into the 12 cells (or 9 when other assessed is left blank).

    The split kept is the one that passes most of the row's arithmetic (2023 + difference = 2024 in
    each group; the three sources add up to the total).  The printed overview is not always exact
    (a total may differ from its parts by a few units), so a split may fail up to two checks, and a
    money row that splits only one way any number; the consistency audit reports such rows.
    """
    best: tuple[int, list[Cell | None]] | None = None
    candidates = 0
    for count in (12, 9):
        for pieces in enumerate_splits(values, count, limit=4000):
            cells = [make_cell(values, piece) for piece in pieces]
            if measure is Measure.MONEY and any(c.value is not None and "." not in c.text for c in cells):
                continue
            candidates += 1
            full: list[Cell | None] = list(cells) if count == 12 else [*cells[:3], None, None, None, *cells[3:]]
            passed = _overview_checks_passed(full)
            if best is None or passed > best[0]:
                best = (passed, full)
        if best is not None and best[0] == _OVERVIEW_CHECKS:
            break
    if best is None:
        return None
    # A money row whose figures split only one way (each printed with its decimal) is kept however
    # badly it adds up: that is for the audit to report, not a reason to lose the row.
    if best[0] < _OVERVIEW_CHECKS - 2 and not (measure is Measure.MONEY and candidates == 1):
        return None
    return best[1]


_OVERVIEW_CHECKS = 6  # four groups' 2023 + difference = 2024, and two years' sources = total


def _overview_checks_passed(cells: list[Cell | None]) -> int:
    def number(cell: Cell | None) -> float:
        return 0.0 if cell is None or cell.value is None else cell.value

    passed = 0
    for group in range(4):
        base, final, diff = cells[group * 3 : group * 3 + 3]
        passed += abs(number(base) + number(diff) - number(final)) <= 0.15
    for position in (0, 1):
        parts = sum(number(cells[group * 3 + position]) for group in range(3))
        passed += abs(parts - number(cells[9 + position])) <= 0.25
    return passed


def _overview_row(
    document: Document, annex: Annex, body: str, label: str, cells: list[Cell | None], measure: Measure, line: int
) -> Iterator[Fact]:
    unit = "千美元" if measure is Measure.MONEY else "员额"
    final = proposal_year(document)
    for group, (funding, base_basis, final_basis, group_header) in enumerate(_OVERVIEW_GROUPS):
        for position, (year, basis, change) in enumerate(
            ((final - 1, base_basis, None), (final, final_basis, None), (final, Basis.CHANGE, ChangeKind.TOTAL))
        ):
            cell = cells[group * 3 + position]
            if cell is None:
                continue
            # the header as printed over the column, money and posts alike
            header = _OVERVIEW_HEADERS.get(basis, "{year} 年" + ("差异" if change else "估计")).format(year=year)
            if measure is Measure.POSTS:
                basis = {Basis.APPROPRIATION: Basis.APPROVED, Basis.ESTIMATE_BEFORE_RECOSTING: Basis.PROPOSED}.get(basis, basis)
            yield Fact(
                id=f"annex:{annex.number}#{measure.value}.{body}.{group * 3 + position}",
                document=document.symbol,
                body=body,
                component=None,
                subprogramme=None,
                table_kind=TableKind.ANNEX_OVERVIEW,
                funding=funding,
                breakdown=Breakdown.TOTAL,
                label=label,
                group=None,
                year=year,
                basis=basis,
                change=change,
                measure=measure,
                unit=unit,
                value=cell.value,
                is_nil=cell.is_nil,
                printed=cell.text,
                source=FactSource(BlockKind.ANNEX, annex.number, line, cell.text, label, header, group_header),
            )


# ---------------------------------------------------------------------------- sentences

_SENTENCE_END = re.compile(r"(?<=[。；])")
_AMOUNT = re.compile(r"(?<![\d.])(\d{1,3}(?: \d{3})+|\d+)(?:\.(\d+))?\s*(亿|万)?\s*美元")
_CHANGE_WORD = re.compile(r"(净增|增加|增长|减少|净减|降低)\s*$")
_RESOURCE_WORD = re.compile(r"资源|所需|经费|批款|预算|支出")
_STATES_NONE = re.compile(r"(?:没有|无|不再有)(经常预算|其他分摊|预算外)资源")
_UNCHANGED = re.compile(r"(\d{4})\s*年批款相比(?:资源数额)?(?:不变|没有变化)")


def _sentence_facts(
    document: Document, paragraph: Paragraph, registry: BodyRegistry, subprogrammes: dict[tuple[str, int], str]
) -> Iterator[Fact]:
    """Facts of the standard budget sentences of a paragraph about resources.

    The sentences of a paragraph are read in order: a change that names no source or year ("减少
    128 400 美元，…") takes those of the paragraph's last amount, even in a later sentence.
    """
    body = registry.by_part(paragraph.part).key
    component, number = component_of_section(paragraph.section, paragraph.part, subprogrammes)
    heading_years = [int(y) for heading in paragraph.section for y in YEAR_RE.findall(heading)]
    carry = _Carry(context_year=heading_years[-1] if heading_years else None)
    counter = 0
    for sentence in _SENTENCE_END.split(paragraph.text):
        if "美元" not in sentence and not _UNCHANGED.search(sentence) and not _STATES_NONE.search(sentence):
            continue
        for fact in _amounts_in(sentence, carry):
            counter += 1
            named = _clause_component(fact.clause, paragraph.part, subprogrammes)
            fact_component, fact_number = named if named is not None else (component, number)
            yield Fact(
                id=f"paragraph:{paragraph.ref}#{counter}",
                document=document.symbol,
                body=body,
                component=fact_component,
                subprogramme=fact_number,
                table_kind=None,
                funding=fact.funding,
                breakdown=Breakdown.OBJECT if fact.label else Breakdown.TOTAL,
                label=fact.label,
                group=None,
                year=fact.year,
                basis=fact.basis,
                change=ChangeKind.TOTAL if fact.basis is Basis.CHANGE else None,
                measure=Measure.MONEY,
                unit="美元",
                value=fact.value,
                is_nil=fact.value is None,
                printed=fact.printed,
                source=FactSource(BlockKind.PARAGRAPH, paragraph.ref, paragraph.lines.first, sentence.strip()),
            )


@dataclass(frozen=True)
class _SentenceAmount:
    value: float | None  # None: the sentence states there is none
    printed: str
    year: int | None
    basis: Basis
    funding: FundingSource
    label: str
    clause: str = ""  # the words before the amount, back to the last comma or colon


@dataclass
class _Carry:
    """What the earlier amounts of a paragraph say of its later ones."""

    context_year: int | None  # the year of the paragraph's heading
    year: int | None = None  # the year of the last amount that was not a change
    funding: FundingSource = FundingSource.REGULAR_BUDGET  # its funding source
    change_sign: float | None = None  # +1/-1 once an increase/decrease was met


_CLAUSE_BASES: tuple[tuple[str, Basis], ...] = (
    ("拟议", Basis.PROPOSED),
    ("估计", Basis.ESTIMATE),
    ("批款", Basis.APPROPRIATION),
    ("支出", Basis.ACTUAL),
)
_CLAUSE_SUBPROGRAMME = re.compile(r"次级方案\s*(\d{1,2})")


def _clause_basis(clause: str) -> Basis | None:
    """The basis a clause names ("拟议", "估计", "重计费用前" …); None when it names none."""
    if "重计费用前" in clause:
        return Basis.ESTIMATE_BEFORE_RECOSTING
    return next((basis for word, basis in _CLAUSE_BASES if word in clause), None)


def _clause_component(
    clause: str, part: str, subprogrammes: dict[tuple[str, int], str]
) -> tuple[str, int | None] | None:
    """The component a clause names ("决策机关项下增加", "由次级方案 1 员额项下减少"), if any."""
    match = _CLAUSE_SUBPROGRAMME.search(clause)
    if match:
        number = int(match.group(1))
        return subprogrammes.get((part, number), f"次级方案 {number}"), number
    return next(((heading, None) for heading in COMPONENT_HEADINGS[:3] if heading in clause), None)


def _amounts_in(sentence: str, carry: _Carry) -> Iterator[_SentenceAmount]:
    """The resource amounts of one sentence, each with the year, basis and source its clause gives.

    A clause without a year takes the year of the paragraph's heading ("2024 年拟议所需员额资源…");
    an amount proposed before recosting is a regular-budget amount (only the regular budget is
    recosted), and so is a proposal that names no source; an amount of another source that names no
    basis is an estimate ("本次级方案的预算外资源为 …"). A change takes the source of the amount it
    follows, and an amount that names no basis after a change is a part of that change ("增加
    4 304 300 美元，包括员额资源项下 4 045 700 美元…").
    """
    for match in _AMOUNT.finditer(sentence):
        clause_start = max(sentence.rfind(mark, 0, match.start()) for mark in "，,。；：")
        clause = sentence[clause_start + 1 : match.start()]
        before = sentence[: match.start()]
        if not _RESOURCE_WORD.search(clause) and not _CHANGE_WORD.search(clause.strip()):
            continue
        years = [int(y) for y in YEAR_RE.findall(before)]
        value = parse_number(match.group(1) + (f".{match.group(2)}" if match.group(2) else ""))
        if value is None:
            continue
        value *= {"亿": 1e8, "万": 1e4}.get(match.group(3) or "", 1)
        named = [source for word, source in _SOURCE_WORDS if word in clause]
        label = (
            "非员额" if "非员额" in clause else "员额" if "员额资源" in clause or "员额项下" in clause else ""
        )
        change = _CHANGE_WORD.search(clause.strip())
        named_basis = _clause_basis(clause)
        if change or (named_basis is None and carry.change_sign is not None):
            basis = Basis.CHANGE
            if change:
                carry.change_sign = -1.0 if change.group(1) in ("减少", "净减", "降低") else 1.0
            value *= carry.change_sign or 1.0
            year = carry.year or carry.context_year
            funding = named[-1] if named else carry.funding
        else:
            if named:
                funding = named[-1]
            elif named_basis in (None, Basis.PROPOSED, Basis.ESTIMATE_BEFORE_RECOSTING):
                funding = FundingSource.REGULAR_BUDGET
            else:
                funding = FundingSource.ALL
            if named_basis is None:
                named_basis = Basis.PROPOSED if funding is FundingSource.REGULAR_BUDGET else Basis.ESTIMATE
            basis = basis_for_source(named_basis, funding)
            year = years[-1] if years else carry.context_year
            carry.year, carry.funding = year, funding
        yield _SentenceAmount(value, match.group(0), year, basis, funding, label, clause)
    none = _STATES_NONE.search(sentence)
    if none:
        said = [int(y) for y in YEAR_RE.findall(sentence[: none.start()])]
        funding = next(source for word, source in _SOURCE_WORDS if none.group(1).startswith(word))
        yield _SentenceAmount(None, none.group(0), said[-1] if said else carry.context_year, Basis.ESTIMATE, funding, "")
    unchanged = _UNCHANGED.search(sentence)
    year = carry.year or carry.context_year
    if unchanged and year is not None:
        yield _SentenceAmount(0.0, unchanged.group(0), year, Basis.CHANGE, carry.funding, "")

