"""The audit's check of the annex of post changes: a stated number of posts against the posts listed.

The annex of post changes (:mod:`budgetqa.ingest.annex_posts`) states a change of a number of posts
("改划某处 11 个员额", restated as "这 11 个员额的职能详述如下") and lists the posts under it by
grade ("7 P-4", "3 P-3", "1 GS (OL)").  Every number it states for a group, or for a summary that
covers several groups, must be the sum of the posts listed under it; a difference is a discrepancy
(counts of posts are exact).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from budgetqa.ingest.annex_posts import AnnexPostChange, EntryShape
from budgetqa.ingest.bodies import SECTION_KEY
from budgetqa.ingest.model import BlockKind

from .audit_model import Check, Finding, Printed, sum_finding

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
