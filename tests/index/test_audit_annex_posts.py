"""The audit's check of the annex of post changes on the FAKE annex of tests/ingest/test_annex_posts.py
(body "示范办公室", made-up units): a planted miscount is found and classed as a discrepancy citing both
sides, the clean annex gives nothing.  The bundled document's finding is listed with the others in
test_audit.py."""

from __future__ import annotations

from budgetqa.index.audit_annex_posts import annex_post_findings
from budgetqa.index.audit_model import Check, FindingClass
from budgetqa.ingest.annex_posts import read_post_changes
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
