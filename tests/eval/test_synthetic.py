"""Synthetic sections derived from the bundled one: they parse, keep the budget's arithmetic and differ in facts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetqa.cli import app
from budgetqa.data import bundled_document_path
from budgetqa.eval.synthetic import SyntheticSpec, corpus_file_name, scaled_text, synthesize
from budgetqa.index.audit import run_audit
from budgetqa.ingest.budget import Measure
from budgetqa.ingest.facts import Fact, extract_facts
from budgetqa.ingest.model import Document
from budgetqa.ingest.parser import parse_document


@pytest.fixture(scope="module")
def original() -> Document:
    return parse_document(bundled_document_path())


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Document:
    out = tmp_path_factory.mktemp("synthetic") / "A_79_6_Sect3_zh.txt"
    synthesize(SyntheticSpec(shift=1, factor=2), out)
    return parse_document(out)


def _year_back(text: str) -> str:
    return re.sub(r"20[12]\d", lambda m: str(int(m.group(0)) - 1), text)


def test_synthetic_section_parses_with_the_next_sessions_symbol(synthetic: Document, original: Document) -> None:
    assert synthetic.symbol == "A/79/6 (Sect. 3)"
    assert len(synthetic.tables) == len(original.tables)
    assert len(synthetic.paragraphs) == len(original.paragraphs)
    assert not synthetic.report.warnings


def test_audit_of_synthetic_section_finds_no_place_the_original_lacks(synthetic: Document, original: Document) -> None:
    known = {finding.id for finding in run_audit(original).findings}
    new = [finding.id for finding in run_audit(synthetic).findings if _year_back(finding.id) not in known]
    assert new == []


def test_synthetic_money_facts_are_the_originals_doubled_a_year_later(synthetic: Document, original: Document) -> None:
    before: dict[str, Fact] = {fact.id: fact for fact in extract_facts(original)}
    after = [fact for fact in extract_facts(synthetic) if fact.measure is Measure.MONEY and fact.value]
    assert len(after) > 500
    for fact in after:
        source = before[fact.id]
        assert fact.value == pytest.approx(2 * source.value), fact.id
        assert fact.year == (source.year + 1 if source.year else None), fact.id
        assert fact.document == "A/79/6 (Sect. 3)"


def test_synthetic_section_keeps_percentages_and_posts(synthetic: Document, original: Document) -> None:
    before = {fact.id: fact for fact in extract_facts(original)}
    kept = [f for f in extract_facts(synthetic) if f.measure in (Measure.PERCENTAGE, Measure.POSTS)]
    assert kept
    assert all(fact.value == before[fact.id].value for fact in kept)


def test_synthetic_prose_is_reworded_and_loses_sentences(tmp_path: Path) -> None:
    out = tmp_path / "A_79_6_Sect3_zh.txt"
    report = synthesize(SyntheticSpec(shift=1, factor=2), out)
    assert report.lines_reworded > 20 and report.sentences_dropped > 5
    source = bundled_document_path().read_text(encoding="utf-8")
    written = out.read_text(encoding="utf-8")
    assert "更进一步" in written and "更进一步" not in source
    assert len(written) < len(source)


def test_scaled_text_keeps_decimals_parentheses_and_groups() -> None:
    assert scaled_text("(401.1)", 3) == "(1 203.3)"
    assert scaled_text("537 200 美元", 2) == "1 074 400 美元"


def test_spec_refuses_a_factor_that_would_leave_figures_unchanged() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        SyntheticSpec(shift=1, factor=1)


def test_synthesize_command_writes_the_section(tmp_path: Path) -> None:
    out = tmp_path / "A_80_6_Sect3_zh.txt"
    result = CliRunner().invoke(app, ["eval", "synthesize", "--out", str(out), "--shift", "2", "--factor", "3"])
    assert result.exit_code == 0, result.output
    assert "A/80/6 (Sect. 3)" in result.output
    assert "2026 年拟议方案计划" in out.read_text(encoding="utf-8")
    bad = CliRunner().invoke(app, ["eval", "synthesize", "--out", str(out), "--factor", "1"])
    assert bad.exit_code == 2


def test_synthesize_corpus_writes_one_section_a_year_each_with_its_own_figures(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "synthesize", "--out", str(tmp_path), "--count", "2"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["A_79_6_Sect3_zh.txt", "A_80_6_Sect3_zh.txt"]
    totals = []
    for name in ("A_79_6_Sect3_zh.txt", "A_80_6_Sect3_zh.txt"):
        facts = extract_facts(parse_document(tmp_path / name))
        totals.append(next(f.value for f in facts if f.id == "table:3.24#0.1"))
    before = next(f.value for f in extract_facts(parse_document(bundled_document_path())) if f.id == "table:3.24#0.1")
    assert totals == [pytest.approx(2 * before), pytest.approx(3 * before)]


def test_corpus_file_name_refuses_a_symbol_that_is_not_a_budget_section() -> None:
    assert corpus_file_name("A/80/6 (Sect. 3)") == "A_80_6_Sect3_zh.txt"
    with pytest.raises(ValueError, match="not a budget section symbol"):
        corpus_file_name("S/2023/1")
