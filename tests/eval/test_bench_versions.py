"""Timing this version's answers against another installed version, in the same run."""

from __future__ import annotations

import sys

import pytest

from budgetqa.eval.bench_versions import VersionTiming, compare, report


def test_the_report_gives_each_versions_percentiles_and_their_ratio() -> None:
    """FAKE timings, to check the arithmetic of the report."""
    mine = VersionTiming("this version", "/a/python", (10.0, 20.0, 30.0))
    theirs = VersionTiming("baseline", "/b/python", (20.0, 40.0, 60.0))
    text = report(mine, theirs, "commit abc")
    assert "| p50 | 20.0 | 40.0 | 0.50× |" in text and "commit abc (/b/python)" in text


def test_rounds_must_be_positive() -> None:
    with pytest.raises(ValueError, match="rounds"):
        compare(sys.executable, ["问题"], rounds=0)


@pytest.mark.slow
def test_both_versions_are_timed_in_their_own_processes_on_every_question() -> None:
    """The real service, with this interpreter standing in for the baseline's."""
    questions = ["政治建和部 2024 年的员额资源是多少？", "How many posts does UNOAU have?"]
    current, baseline = compare(sys.executable, questions, rounds=2)
    assert len(current.samples_ms) == len(baseline.samples_ms) == 4
    assert all(sample > 0 for sample in current.samples_ms + baseline.samples_ms)
