"""The annex of post changes read as typed post changes: on a FAKE annex written here (body "示范办公室",
made-up units and grades) and on the bundled document's 附件三, each entry checked against the text."""

from __future__ import annotations

from budgetqa.ingest.annex_posts import (
    AnnexPostChange,
    EntryShape,
    PostChangeKind,
    annex_post_changes,
    read_post_changes,
)
from budgetqa.ingest.bodies import Body, BodyRegistry

FAKE_REGISTRY = BodyRegistry([Body("DEMO", "九", "示范办公室", "Demo Office", ("示范办公室",))])

# A FAKE annex in the printed layout: rows (count, grade, description), a stacked row, and two groups.
FAKE_ANNEX = """\
 员额 职等 说明 变动原因

     示范办公室

 1 LL 在甲城设立 1 个行政助理 该助理将支助办公室的日常行政工作。

(1)

1

P-3

P-4

1 个方案干事(P-3) 改叙为方案干

事(P-4)

职责扩大，需要更高级别的经验。

示范办公室    拟议将由自愿捐款供资的 5 个员额改划为由经常预算供资。

   改划样本科 3

个员额

拟议改划的 3 个员额将确保样本科继续履行任务。这 3 个员额的职能如下。

 2 P-3 方案干事 负责方案规划和监测。

 1 GS

(OL)

方案助理 提供行政支助。

   改划示例股 2 个员额 拟议改划的 2 个员额将支助该股。这 2 个员额的职能详述如下。

 1 P-2 协理干事 支助数据管理。

 1 LL 行政助理 支助日常行政工作。
"""


def _fake(text: str = FAKE_ANNEX) -> list[AnnexPostChange]:
    return read_post_changes("九", text.splitlines(), 500, FAKE_REGISTRY)


def test_a_fake_annex_is_read_into_rows_groups_and_a_summary_with_their_lines():
    changes = _fake()
    rows = [c for c in changes if c.shape is EntryShape.ROW]
    groups = [c for c in changes if c.shape is EntryShape.GROUP]
    (summary,) = [c for c in changes if c.shape is EntryShape.SUMMARY]
    assert [(r.kind, r.line, [(p.count, p.grade, p.given_up) for p in r.listed]) for r in rows[:2]] == [
        (PostChangeKind.ESTABLISH, 504, [(1, "LL", False)]),
        (PostChangeKind.RECLASSIFY, 506, [(1, "P-3", True), (1, "P-4", False)]),
    ]
    assert [(g.kind, g.line, [s.count for s in g.stated], g.posts_listed) for g in groups] == [
        (PostChangeKind.CONVERT, 522, [3, 3, 3], 3),
        (PostChangeKind.CONVERT, 536, [2, 2, 2], 2),
    ]
    assert [p.grade for p in groups[0].listed] == ["P-3", "GS (OL)"]
    assert (summary.kind, summary.line, summary.stated[0].count, summary.posts_listed) == (
        PostChangeKind.CONVERT, 520, 5, 5)
    assert {c.body for c in changes} == {"DEMO"}


def test_the_bundled_annex_of_post_changes_is_typed_entry_by_entry(document):
    changes = annex_post_changes(document)
    shapes = [(c.shape.value, c.kind.value if c.kind else None, c.body, c.line) for c in changes
              if c.shape is not EntryShape.ROW]
    assert shapes == [
        ("summary", "convert", "UNOCT", 11011),
        ("group", "convert", "UNOCT", 11017),
        ("group", "convert", "UNOCT", 11145),
        ("group", "convert", "UNOCT", 11250),
        ("group", "convert", "UNOCT", 11337),
    ]
    summary = changes[[c.line for c in changes].index(11011)]
    assert (summary.stated[0].count, summary.posts_listed) == (24, 24)
    (policy,) = [c for c in changes if c.shape is EntryShape.GROUP and c.line == 11145]
    assert [(s.count, s.line) for s in policy.stated] == [(11, 11145), (11, 11149), (4, 11169)]
    assert [(p.count, p.grade, p.line) for p in policy.listed] == [(7, "P-4", 11173), (3, "P-3", 11210),
                                                                   (1, "GS (OL)", 11234)]
    rows = [(c.kind.value if c.kind else None, c.body, c.line, c.posts_listed) for c in changes
            if c.shape is EntryShape.ROW]
    assert rows[:4] == [
        ("redeploy", "DPPA", 10884, 2),  # 1 P-3 and 1 LL from Nairobi to Arusha, stacked one a line
        ("establish", "UNSCO", 10920, 1),
        ("establish", "UNSCO", 10942, 1),
        ("reclassify", "UNSCO", 10968, 1),  # (1) P-4 given up, 1 P-5
    ]
    assert len(rows) == 4 + 16 and all(r[0] == "convert" and r[1] == "UNOCT" for r in rows[4:])


def test_a_document_without_an_annex_of_post_changes_has_none(document):
    from dataclasses import replace

    assert annex_post_changes(replace(document, annexes=[a for a in document.annexes if a.number != "三"])) == []
