"""The audit's check of the annex of post changes: a stated number of posts against the posts listed.

The annex of post changes (:mod:`budgetqa.ingest.annex_posts`) states a change of a number of posts
("改划某处 11 个员额", restated as "这 11 个员额的职能详述如下") and lists the posts under it by
grade ("7 P-4", "3 P-3", "1 GS (OL)").  Every number it states for a group, or for a summary that
covers several groups, must be the sum of the posts listed under it; a difference is a discrepancy
(counts of posts are exact).  A body's post-changes table ("改划 | 24 | 2 个 P-5、11 个 P-4……") must
count, in all and grade by grade, the posts the annex lists for that body and change.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from budgetqa.ingest.annex_posts import AnnexPostChange, EntryShape, ListedPosts, change_kind
from budgetqa.ingest.bodies import SECTION_KEY
from budgetqa.ingest.budget import YEAR_RE, TableKind
from budgetqa.ingest.model import BlockKind, Table, TableRow

from .audit_model import Check, Finding, Printed, sum_finding
from .audit_posts import LISTED_RE, grade_key

STATED_COLUMN = "说明 / 变动原因"  # the columns a stated number is printed in
LISTED_COLUMN = "员额 / 职等"  # the columns a listed count and grade are printed in


def annex_post_findings(changes: Iterable[AnnexPostChange]) -> Iterator[Finding]:
    """A finding for every stated number of posts that the posts listed under it contradict."""
    for change in changes:
        if change.shape is EntryShape.ROW or not change.listed:
            continue
        parts = [
            Printed(BlockKind.ANNEX, change.annex, item.line, item.text, float(item.count), row=item.grade,
                    column=LISTED_COLUMN)
            for item in change.listed
            if not item.given_up
        ]
        for stated in change.stated:
            printed = Printed(BlockKind.ANNEX, change.annex, stated.line, stated.text, float(stated.count),
                              row=change.statement, column=STATED_COLUMN, sentence=stated.text)
            finding = sum_finding(Check.ANNEX_POSTS, change.body or SECTION_KEY, printed, parts)
            if finding is not None:
                yield finding


def post_table_findings(
    changes: Sequence[AnnexPostChange], tables: Sequence[Table], body_of: dict[str, str]
) -> Iterator[Finding]:
    """Each change row of a body's post-changes table against the annex's rows of that body and change.

    A row "改划 | 24 | 2 个 P-5、11 个 P-4……" must count the posts the annex lists for the body's
    conversions (its number, where printed) and, grade by grade, as many as its detail lists (a grade
    one side lists and the other leaves out counts as none there).  `body_of` maps a part's numeral to
    its body key.
    """
    for table in tables:
        if table.kind is not TableKind.POST_CHANGES:
            continue
        body = body_of.get(table.part, table.part)
        for row in table.rows:
            kind = None if YEAR_RE.search(row.label) else change_kind(row.label)
            rows = [c for c in changes if c.shape is EntryShape.ROW and c.body == body and c.kind is kind]
            if kind is None or not rows:
                continue
            listed = [item for change in rows for item in change.listed if not item.given_up]
            yield from _against_count(table, row, body, rows[0], listed)
            yield from _against_detail(table, row, body, rows[0], listed)


def _annex_side(annex: str, items: Iterable[ListedPosts]) -> list[Printed]:
    return [Printed(BlockKind.ANNEX, annex, i.line, i.text, float(i.count), row=i.grade, column=LISTED_COLUMN)
            for i in items]


def _against_count(
    table: Table, row: TableRow, body: str, first: AnnexPostChange, listed: list[ListedPosts]
) -> Iterator[Finding]:
    count = row.cell(0)
    if count is None or not count.is_numeric or count.is_nil or count.value is None:
        return
    printed = Printed(BlockKind.TABLE, table.ref, row.line, count.text, float(count.value), row.label, table.columns[0])
    finding = sum_finding(Check.ANNEX_POSTS, body, printed, _annex_side(first.annex, listed))
    if finding is not None:
        yield finding


def _against_detail(
    table: Table, row: TableRow, body: str, first: AnnexPostChange, listed: list[ListedPosts]
) -> Iterator[Finding]:
    """Grade by grade; a grade the annex does not list is cited at the annex's first row of the change."""
    detail = row.cell(1)
    found = list(LISTED_RE.finditer(detail.text)) if detail is not None and len(table.columns) > 1 else []
    if not found:
        return
    printed_by_grade = {grade_key(m.group(2)): m for m in found}
    annex_by_grade: dict[str, list[ListedPosts]] = {}
    for item in listed:
        annex_by_grade.setdefault(grade_key(item.grade), []).append(item)
    for grade in dict.fromkeys([*printed_by_grade, *annex_by_grade]):
        match = printed_by_grade.get(grade)
        column = f"{table.columns[1]} ({grade})"
        text, value = (match.group(0), float(match.group(1))) if match else ("—", 0.0)
        printed = Printed(BlockKind.TABLE, table.ref, row.line, text, value, row.label, column)
        parts = _annex_side(first.annex, annex_by_grade.get(grade, []))
        if not parts:  # the table lists a grade the annex does not: the annex's side is nothing printed
            parts = [Printed(BlockKind.ANNEX, first.annex, first.line, "—", 0.0, row=grade, column=LISTED_COLUMN)]
        finding = sum_finding(Check.ANNEX_POSTS, body, printed, parts)
        if finding is not None:
            yield finding
