"""The audit's check of the annex of post changes on the FAKE annex of tests/ingest/test_annex_posts.py
(body "示范办公室", made-up units): a planted miscount is found and classed as a discrepancy citing both
sides, the clean annex gives nothing; a FAKE post-changes table is set against it.  The bundled document's finding is listed with the others in
test_audit.py."""

from __future__ import annotations

from budgetqa.index.audit_annex_posts import annex_post_findings, post_table_findings
from budgetqa.index.audit_model import Check, FindingClass
from budgetqa.ingest.annex_posts import annex_post_changes, read_post_changes
from budgetqa.ingest.bodies import BodyRegistry
from budgetqa.ingest.budget import TableKind
from budgetqa.ingest.model import Cell, LineSpan, Table, TableRow
from tests.ingest.test_annex_posts import FAKE_ANNEX, FAKE_REGISTRY


def _findings(text: str):
    return list(annex_post_findings(read_post_changes("九", text.splitlines(), 700, FAKE_REGISTRY)))


def test_a_clean_annex_of_post_changes_has_no_finding():
    assert _findings(FAKE_ANNEX) == []


def test_a_restated_count_that_the_listed_posts_contradict_is_a_discrepancy_citing_both_sides():
    planted = FAKE_ANNEX.replace("这 3 个员额的职能如下", "这 4 个员额的职能如下")
    (finding,) = _findings(planted)
    assert (finding.check, finding.finding_class, finding.body) == (Check.ANNEX_POSTS, FindingClass.DISCREPANCY, "DEMO")
    assert (finding.printed.ref, finding.printed.line, finding.printed.text, finding.printed.value) == (
        "九", 726, "这 4 个员额", 4.0)
    assert finding.expected == 3.0 and finding.difference == 1.0
    assert [(o.line, o.text, o.row) for o in finding.other] == [(728, "2 P-3", "P-3"), (730, "1 GS", "GS (OL)")]
    assert finding.formula == "2 P-3 + 1 GS = 3"


def test_a_group_head_and_a_summary_that_miscount_are_each_found():
    planted = FAKE_ANNEX.replace("改划示例股 2 个员额", "改划示例股 3 个员额").replace("供资的 5 个员额", "供资的 6 个员额")
    found = sorted((f.printed.line, f.printed.text, f.expected) for f in _findings(planted))
    assert found == [(720, "6 个员额改划", 5.0), (736, "改划示例股 3 个员额", 2.0)]


def _fake_post_changes(count: str, detail: str) -> Table:
    """A FAKE post-changes table of the fake body: one conversion row."""
    cells = [Cell(count, float(count)), Cell(detail)]
    return Table("9.5", "2024 年拟议员额和员额变动", "员额数目", ["数目", "详情"], [TableRow("改划", cells, 900)], [],
                 LineSpan(899, 901), [], "九", kind=TableKind.POST_CHANGES)


def _table_findings(table: Table):
    changes = read_post_changes("九", FAKE_ANNEX.splitlines(), 700, FAKE_REGISTRY)
    return list(post_table_findings(changes, [table], {"九": "DEMO"}))


def test_a_post_changes_table_that_agrees_with_the_annex_grade_by_grade_has_no_finding():
    # the fake annex converts 2 P-3 and 1 GS (OL) (one group) and 1 P-2 and 1 LL (another)
    assert _table_findings(_fake_post_changes("5", "1 个 P-2、2 个 P-3、1 个 GS (OL)和 1 个 LL")) == []


def test_a_post_changes_table_that_the_annex_contradicts_is_found_in_all_and_by_grade():
    found = _table_findings(_fake_post_changes("6", "1 个 P-2、3 个 P-3、1 个 GS (OL)和 1 个 LL"))
    assert sorted((f.printed.column, f.printed.text, f.expected, f.finding_class.value) for f in found) == [
        ("数目", "6", 5.0, "discrepancy"),
        ("详情 (P-3)", "3 个 P-3", 2.0, "discrepancy"),
    ]
    (by_grade,) = [f for f in found if f.printed.column == "详情 (P-3)"]
    assert [(o.ref, o.line, o.text) for o in by_grade.other] == [("九", 728, "2 P-3")]


def test_the_bundled_post_changes_tables_agree_with_annex_iii(document):
    registry = BodyRegistry.of(document)
    body_of = {b.part: b.key for b in registry.bodies if b.part is not None}
    changes = annex_post_changes(document, registry)
    tables = [t for t in document.tables if t.kind is TableKind.POST_CHANGES]
    # 表 3.25 调动 (1 P-3, 1 LL), 3.47 设立 2 LL and 改叙 1, 3.76 改划 24 by five grades: all as annex III lists them
    assert {t.ref for t in tables} >= {"3.25", "3.47", "3.76"}
    assert list(post_table_findings(changes, tables, body_of)) == []
