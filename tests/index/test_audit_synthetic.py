"""The audit's checks on FAKE tables and facts built in the test: every kind of planted discrepancy is
found and correctly classed, and clean tables give no finding.

The data here is made up (table 9.x, body "DEMO", round figures); it does not pretend to be the
bundled document's.  The real document is audited in test_audit.py.
"""

from __future__ import annotations

from budgetqa.index.audit_annex import annex_findings
from budgetqa.index.audit_model import Check, FindingClass, Printed, classify, number_text
from budgetqa.index.audit_objects import object_amount_findings
from budgetqa.index.audit_places import paragraph_findings, same_figure_findings
from budgetqa.index.audit_posts import post_list_findings
from budgetqa.index.audit_tables import table_findings
from budgetqa.ingest.budget import Basis, Breakdown, FundingSource, Measure, TableKind, type_columns
from budgetqa.ingest.facts import Fact, FactSource
from budgetqa.ingest.model import BlockKind, Cell, Document, LineSpan, Paragraph, ParseReport, Table, TableRow
from budgetqa.ingest.numeric import is_nil, parse_number

RESOURCE_HEADERS = [
    "2022 年支出", "2023 年批款", "变动: 技术调整", "变动: 新的/扩大的任务", "变动: 其他", "变动: 共计",
    "变动: 百分比", "2024 年估计(重计费用前)",
]


def fake_cell(text: str) -> Cell:
    if is_nil(text):
        return Cell(text, None, True)
    return Cell(text, parse_number(text))


def fake_table(rows: list[tuple[str, str, bool, str | None]], *, kind: TableKind = TableKind.RESOURCES_BY_OBJECT,
               headers: list[str] | None = None, unit: str = "千美元", ref: str = "9.1") -> Table:
    """A FAKE table: rows are (label, cells separated by '|', is_total, group)."""
    headers = headers or RESOURCE_HEADERS
    built = [
        TableRow(label, [fake_cell(t.strip()) for t in cells.split("|")], 100 + 2 * n, group=group, is_total=total)
        for n, (label, cells, total, group) in enumerate(rows)
    ]
    return Table(ref, "演示表", unit, headers, built, [], LineSpan(90, 200), [], "一", kind=kind,
                 column_types=type_columns(headers, table_unit=unit, kind=kind))


CLEAN_ROWS = [
    ("甲", "10.0 | 20.0 | — | 5.0 | — | 5.0 | 25.0 | 25.0", False, None),
    ("乙", "4.0 | 8.0 | — | — | (2.0) | (2.0) | (25.0) | 6.0", False, None),
    ("共计", "14.0 | 28.0 | — | 5.0 | (2.0) | 3.0 | 10.7 | 31.0", True, None),
]


def findings_of(table: Table):
    return list(table_findings(table, "DEMO"))


def test_a_clean_fake_table_gives_no_finding():
    assert findings_of(fake_table(CLEAN_ROWS)) == []


def test_a_total_off_by_more_than_rounding_is_a_row_sum_discrepancy_citing_every_row():
    rows = [*CLEAN_ROWS[:2], ("共计", "14.0 | 29.0 | — | 5.0 | (2.0) | 3.0 | 10.7 | 31.0", True, None)]
    found = [f for f in findings_of(fake_table(rows)) if f.check is Check.ROW_SUM]
    assert len(found) == 1
    finding = found[0]
    assert finding.finding_class is FindingClass.DISCREPANCY
    assert (finding.printed.row, finding.printed.column, finding.printed.value) == ("共计", "2023 年批款", 29.0)
    assert [o.row for o in finding.other] == ["甲", "乙"]
    assert finding.expected == 28.0 and round(finding.difference, 6) == 1.0
    assert finding.formula == "20.0 + 8.0 = 28.0"


def test_a_total_off_by_one_printed_unit_is_rounding():
    rows = [*CLEAN_ROWS[:2], ("共计", "14.1 | 28.0 | — | 5.0 | (2.0) | 3.0 | 10.7 | 31.0", True, None)]
    (finding,) = findings_of(fake_table(rows))
    assert (finding.check, finding.finding_class) == (Check.ROW_SUM, FindingClass.ROUNDING)
    assert finding.printed.column == "2022 年支出"


def test_change_parts_that_do_not_add_up_to_the_total_change_are_a_column_sum_finding():
    rows = [("甲", "10.0 | 20.0 | 1.0 | 5.0 | — | 5.0 | 25.0 | 25.0", False, None)]
    (finding,) = findings_of(fake_table(rows))
    assert (finding.check, finding.finding_class) == (Check.COLUMN_SUM, FindingClass.DISCREPANCY)
    assert finding.printed.column == "变动: 共计" and finding.expected == 6.0


def test_2023_plus_the_change_not_giving_2024_is_a_change_discrepancy():
    rows = [("甲", "10.0 | 20.0 | — | 5.0 | — | 5.0 | 25.0 | 26.0", False, None)]
    found = findings_of(fake_table(rows))
    change = [f for f in found if f.check is Check.CHANGE]
    assert len(change) == 1 and change[0].finding_class is FindingClass.DISCREPANCY
    assert change[0].expected == 6.0 and change[0].formula == "26.0 − 20.0 = 6.0"


def test_a_decrease_printed_without_parentheses_is_a_sign_finding():
    rows = [("乙", "4.0 | 8.0 | — | — | 2.0 | 2.0 | (25.0) | 6.0", False, None)]
    found = findings_of(fake_table(rows))
    signs = [f for f in found if f.check is Check.SIGN]
    assert len(signs) == 1
    assert signs[0].printed.column == "变动: 共计" and signs[0].expected == -2.0
    assert signs[0].finding_class is FindingClass.DISCREPANCY


def test_a_percentage_without_its_sign_is_a_sign_finding_and_a_wrong_one_a_percentage_discrepancy():
    unsigned = findings_of(fake_table([("乙", "4.0 | 8.0 | — | — | (2.0) | (2.0) | 25.0 | 6.0", False, None)]))
    assert [(f.check, f.printed.column) for f in unsigned] == [(Check.SIGN, "变动: 百分比")]
    wrong = findings_of(fake_table([("乙", "4.0 | 8.0 | — | — | (2.0) | (2.0) | (20.0) | 6.0", False, None)]))
    assert [(f.check, f.finding_class) for f in wrong] == [(Check.PERCENTAGE, FindingClass.DISCREPANCY)]


def test_a_percentage_the_rounding_of_its_figures_explains_is_rounding():
    # 0.3 / 0.7 = 42.9 %, but 0.35 / 0.65 (both within rounding of the printed figures) = 53.8 %
    rows = [("丙", "1.0 | 0.7 | — | — | 0.3 | 0.3 | 50.0 | 1.0", False, None)]
    (finding,) = findings_of(fake_table(rows))
    assert (finding.check, finding.finding_class) == (Check.PERCENTAGE, FindingClass.ROUNDING)


GRADE_HEADERS = ["2023 年核定", "变动: 技术调整", "变动: 新的/扩大的任务", "变动: 其他", "变动: 共计", "2024 年拟议"]
GRADE_ROWS = [
    ("P-4", "3 | — | — | 1 | 1 | 4", False, "专业及以上职类"),
    ("P-3", "2 | — | — | — | — | 2", False, "专业及以上职类"),
    ("小计", "5 | — | — | 1 | 1 | 6", True, "专业及以上职类"),
    ("LL", "4 | — | — | — | — | 4", False, "一般事务及有关职类"),
    ("小计", "4 | — | — | — | — | 4", True, "一般事务及有关职类"),
    ("共计", "9 | — | — | 1 | 1 | 10", True, None),
]


def test_a_group_subtotal_and_the_grand_total_are_checked_at_their_own_level():
    rows = [*GRADE_ROWS[:2], ("小计", "5 | — | — | 1 | 1 | 7", True, "专业及以上职类"), *GRADE_ROWS[3:]]
    found = findings_of(fake_table(rows, kind=TableKind.POSTS_BY_GRADE, headers=GRADE_HEADERS, unit="员额数目"))
    # the first 小计 prints 7 for 2024 where its grades add up to 6 (and 5 + 1 = 6, not 7); the grand
    # total is checked against the subtotals as printed: 7 + 4 = 11, not 10
    assert {(f.check, f.printed.row, f.printed.line, f.expected) for f in found} == {
        (Check.ROW_SUM, "小计", 104, 6.0),
        (Check.CHANGE, "小计", 104, 2.0),
        (Check.ROW_SUM, "共计", 110, 11.0),
    }
    assert all(f.finding_class is FindingClass.DISCREPANCY for f in found)  # posts are whole numbers


def fake_post_tables(approved: str, proposed: str, *, proposed_count: str = "10") -> list[Table]:
    """A FAKE body's post-changes table (its counts and lists by grade) and its grade table."""
    def row(label: str, count: str, detail: str, line: int) -> TableRow:
        return TableRow(label, [fake_cell(count), Cell(detail)], line)

    headers = ["数目", "详情"]
    changes = Table("9.2", "演示员额变动", "员额数目", headers,
                    [row("2023 年核定", "9", approved, 80), row("改叙", "1", "从 P-3 改叙为 P-4", 82),
                     row("2024 年拟议", proposed_count, proposed, 84)],
                    [], LineSpan(78, 86), [], "一", kind=TableKind.POST_CHANGES,
                    column_types=type_columns(headers, table_unit="员额数目", kind=TableKind.POST_CHANGES))
    grades = fake_table(GRADE_ROWS, kind=TableKind.POSTS_BY_GRADE, headers=GRADE_HEADERS, unit="员额数目", ref="9.3")
    return [changes, grades]


def post_findings(tables: list[Table]):
    return list(post_list_findings(tables, {"一": "DEMO"}))


def test_post_lists_that_add_up_to_their_counts_and_match_the_grade_table_give_no_finding():
    assert post_findings(fake_post_tables("3 个 P-4、2 个 P-3 和 4 个 LL", "4 个 P-4、2 个 P-3、4 个 LL")) == []


def test_a_post_list_that_does_not_add_up_to_its_count_is_a_post_list_discrepancy():
    found = post_findings(fake_post_tables("3 个 P-4、2 个 P-3 和 4 个 LL", "4 个 P-4、2 个 P-3、4 个 LL", proposed_count="11"))
    assert [(f.check, f.finding_class, f.printed.row, f.printed.text, f.expected) for f in found] == [
        (Check.POST_LIST, FindingClass.DISCREPANCY, "2024 年拟议", "11", 10.0)
    ]
    assert [o.text for o in found[0].other] == ["4 个 P-4", "2 个 P-3", "4 个 LL"]


def test_a_grade_the_list_counts_differently_from_the_grade_table_is_a_post_list_finding():
    # the 2023 list adds up to its 9 posts but says 3 P-3 and 3 LL where the grade table approves 2 and 4
    found = post_findings(fake_post_tables("3 个 P-4、3 个 P-3 和 3 个 LL", "4 个 P-4、2 个 P-3、4 个 LL"))
    assert sorted((f.printed.text, f.expected, f.other[0].ref, f.other[0].row) for f in found) == [
        ("3 个 LL", 4.0, "9.3", "LL"), ("3 个 P-3", 2.0, "9.3", "P-3")
    ]
    assert all(f.check is Check.POST_LIST and f.finding_class is FindingClass.DISCREPANCY for f in found)


def test_a_grade_the_list_leaves_out_counts_as_none_listed():
    found = post_findings(fake_post_tables("3 个 P-4、2 个 P-3 和 4 个 LL", "4 个 P-4、2 个 P-3"))
    assert sorted((f.printed.text, f.expected) for f in found) == [("10", 6.0), ("—", 4.0)]


DELIVERABLE_HEADERS = ["2022 年计划", "2022 年实际", "2023 年计划", "2024 年计划"]


def test_a_deliverables_category_is_checked_against_its_numbered_items_only():
    rows = [
        ("实质性会议服务(3 小时会议次数)", "12 | 14 | 12 | 12", False, "A. 协助政府间进程"),
        ("下列机构的会议：", "", False, "A. 协助政府间进程"),
        ("1. 甲委员会", "8 | 9 | 8 | 8", False, "A. 协助政府间进程"),
        ("2. 乙委员会", "4 | 5 | 4 | 3", False, "A. 协助政府间进程"),
        ("技术材料(材料数目)", "2 | 2 | 2 | 2", False, "B. 生成和转让知识"),
        ("3. 丙手册", "2 | 2 | 2 | 2", False, "B. 生成和转让知识"),
    ]
    table = fake_table(rows, kind=TableKind.DELIVERABLES, headers=DELIVERABLE_HEADERS, unit="")
    found = findings_of(table)
    # 2024: 8 + 3 = 11 meetings, the category prints 12; the technical materials add up
    assert [(f.check, f.finding_class, f.printed.column, f.expected) for f in found] == [
        (Check.ROW_SUM, FindingClass.DISCREPANCY, "2024 年计划", 11.0)
    ]
    assert [o.row for o in found[0].other] == ["1. 甲委员会", "2. 乙委员会"]


def fake_document(paragraph_text: str, tables: list[Table]) -> Document:
    """A FAKE document of one paragraph (printed on line 50) and `tables`."""
    lines = [""] * 49 + [paragraph_text]
    paragraph = Paragraph("9.5", "9.5", paragraph_text, LineSpan(50, 50), [], "一")
    return Document("DEMO", 9, "演示", "0" * 64, lines, [], [], [paragraph], tables, [], [], [], [], [], ParseReport())


def test_a_paragraph_amount_by_object_is_checked_against_the_objects_change_cells():
    # 甲 changes by 5.0 (new mandates, total) and 乙 by (2.0) in the FAKE by-object table (千美元)
    agreeing = fake_document("变动包括：甲项下 5 000 美元；乙项下减少 2 000 美元。", [fake_table(CLEAN_ROWS)])
    assert list(object_amount_findings(agreeing, {"一": "DEMO"})) == []
    planted = fake_document("变动包括：甲项下 6 000 美元以及乙项下减少 2 000 美元。", [fake_table(CLEAN_ROWS)])
    (finding,) = object_amount_findings(planted, {"一": "DEMO"})
    assert (finding.check, finding.finding_class, finding.printed.text) == (Check.PARAGRAPH, FindingClass.DISCREPANCY, "6 000 美元")
    assert (finding.other[0].row, finding.expected, finding.difference, finding.printed.line) == ("甲", 5000.0, 1000.0, 50)
    # a clause that names no row of the table is not read
    assert list(object_amount_findings(fake_document("丙项下 6 000 美元。", [fake_table(CLEAN_ROWS)]), {"一": "DEMO"})) == []


def fake_fact(body: str, funding: FundingSource, year: int, basis: Basis, value: float, printed: str, *,
              kind: BlockKind = BlockKind.TABLE, ref: str = "9.1", line: int = 100, unit: str = "千美元",
              table_kind: TableKind | None = TableKind.RESOURCES_BY_SOURCE) -> Fact:
    """A FAKE fact of body `body`'s total."""
    return Fact(
        id=f"{kind.value}:{ref}#{line}.{funding.value}.{year}.{basis.value}", document="DEMO", body=body,
        component=None, subprogramme=None, table_kind=table_kind, funding=funding, breakdown=Breakdown.TOTAL,
        label="共计", group=None, year=year, basis=basis, change=None, measure=Measure.MONEY, unit=unit,
        value=value, is_nil=False, printed=printed,
        source=FactSource(kind, ref, line, printed, "共计" if kind is not BlockKind.PARAGRAPH else None,
                          f"{year} 年" if kind is not BlockKind.PARAGRAPH else None),
    )


def test_one_figure_printed_differently_in_a_table_and_the_annex_is_a_same_figure_finding():
    table = fake_fact("DEMO", FundingSource.ALL, 2024, Basis.ESTIMATE, 120.0, "120.0")
    annex = fake_fact("DEMO", FundingSource.ALL, 2024, Basis.ESTIMATE, 130.0, "130.0", kind=BlockKind.ANNEX,
                      ref="九", table_kind=TableKind.ANNEX_OVERVIEW)
    (finding,) = list(same_figure_findings([table, annex]))
    assert (finding.check, finding.finding_class) == (Check.SAME_FIGURE, FindingClass.DISCREPANCY)
    assert (finding.printed.kind, finding.other[0].kind) == (BlockKind.ANNEX, BlockKind.TABLE)
    assert finding.difference == 10.0
    agreeing = fake_fact("DEMO", FundingSource.ALL, 2024, Basis.ESTIMATE, 120.0, "120.0", kind=BlockKind.ANNEX,
                         ref="九", table_kind=TableKind.ANNEX_OVERVIEW)
    assert list(same_figure_findings([table, agreeing])) == []


def test_a_paragraph_amount_unlike_its_table_cell_is_found_and_one_that_matches_is_not():
    cell = fake_fact("DEMO", FundingSource.REGULAR_BUDGET, 2024, Basis.ESTIMATE_BEFORE_RECOSTING, 3166.2, "3 166.2")
    stated = fake_fact("DEMO", FundingSource.REGULAR_BUDGET, 2024, Basis.PROPOSED, 3_176_200.0, "3 176 200 美元",
                       kind=BlockKind.PARAGRAPH, ref="9.5", unit="美元", table_kind=None)
    (finding,) = list(paragraph_findings([cell, stated]))
    assert (finding.check, finding.finding_class) == (Check.PARAGRAPH, FindingClass.DISCREPANCY)
    assert finding.expected == 3_166_200.0 and finding.difference == 10_000.0
    matching = fake_fact("DEMO", FundingSource.REGULAR_BUDGET, 2024, Basis.PROPOSED, 3_166_200.0, "3 166 200 美元",
                         kind=BlockKind.PARAGRAPH, ref="9.5", unit="美元", table_kind=None)
    assert list(paragraph_findings([cell, matching])) == []


def annex_row(body: str, cells: dict[FundingSource, tuple[float, float, float]]) -> list[Fact]:
    """FAKE overview-annex facts of one body: per source (2023, 2024, change)."""
    out = []
    for funding, (base, final, change) in cells.items():
        for year, basis, value in ((2023, Basis.ESTIMATE, base), (2024, Basis.ESTIMATE, final), (2024, Basis.CHANGE, change)):
            out.append(fake_fact(body, funding, year, basis, value, number_text(value, 1), kind=BlockKind.ANNEX,
                                 ref="九", line=10 if body != "SECTION" else 20, table_kind=TableKind.ANNEX_OVERVIEW))
    return out


def test_the_annex_arithmetic_finds_a_wrong_all_sources_total_and_nothing_in_a_clean_annex():
    rb, xb = FundingSource.REGULAR_BUDGET, FundingSource.EXTRABUDGETARY
    clean = annex_row("DEMO", {rb: (10.0, 12.0, 2.0), xb: (5.0, 4.0, -1.0), FundingSource.ALL: (15.0, 16.0, 1.0)})
    clean += annex_row("SECTION", {rb: (10.0, 12.0, 2.0), xb: (5.0, 4.0, -1.0), FundingSource.ALL: (15.0, 16.0, 1.0)})
    assert list(annex_findings(clean)) == []
    planted = annex_row("DEMO", {rb: (10.0, 12.0, 2.0), xb: (5.0, 4.0, -1.0), FundingSource.ALL: (15.0, 17.0, 1.0)})
    found = {(f.check, f.body, f.printed.text) for f in annex_findings(planted)}
    assert found == {(Check.COLUMN_SUM, "DEMO", "17.0"), (Check.CHANGE, "DEMO", "1.0")}


def test_classify_and_number_text():
    assert classify(0.0, 0.1) is None
    assert classify(0.1, 0.1) is FindingClass.ROUNDING
    assert classify(0.2, 0.1) is FindingClass.DISCREPANCY
    assert number_text(-529.5, 1) == "(529.5)" and number_text(1006516.6, 1) == "1 006 516.6"
    assert Printed(BlockKind.TABLE, "9.1", 1, "—", 0.0).half_unit == 0.0
    assert Printed(BlockKind.TABLE, "9.1", 1, "(7.2)", -7.2).half_unit == 0.05
