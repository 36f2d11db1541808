from __future__ import annotations

import pytest

from budgetqa.ingest.model import Document
from budgetqa.qa.model import Answer, Citation
from budgetqa.qa.verify import stated_figures, verify


def _answer(text: str, citations: list[Citation], language: str = "zh") -> Answer:
    return Answer(question="q", language=language, text=text, citations=citations, confidence=0.9, abstained=False)  # type: ignore[arg-type]


def test_stated_figures_skip_citations_symbols_grades_and_years() -> None:
    figures = stated_figures("第 72/262 C 号决议；2024 年 P-4 员额 53 个，共 47 270.9 千美元 [表 3.24] (¶3.113)")
    assert [figure.value for figure in figures] == [53.0, 47270.9]


def test_the_hundred_of_a_percentage_formula_is_no_stated_figure() -> None:
    figures = stated_figures("变动 ÷ 上年数为 1.41［128.4 ÷ 9 076.0 × 100 = 1.41］；100 个员额")
    assert [figure.value for figure in figures] == [1.41, 128.4, 9076.0, 1.41, 100.0]


def test_a_figure_the_cited_paragraph_holds_passes(document: Document) -> None:
    answer = verify(
        _answer("39 个特别政治任务共需 775 326 200 美元 [¶3.144]", [Citation("paragraph", "3.144", [])]), document
    )
    assert answer.verification.clean
    assert answer.citations[0].lines  # lines filled in from the document


def test_the_same_figure_in_other_units_matches_after_normalisation(document: Document) -> None:
    answer = verify(
        _answer("USD 51.2 million, i.e. 51,212,800 dollars [para. 3.115]", [Citation("paragraph", "3.115", [])], "en"),
        document,
    )
    assert answer.verification.clean, answer.verification


def test_an_invented_figure_is_removed_and_the_answer_says_so(document: Document) -> None:
    answer = verify(_answer("39 个特别政治任务共需 106 美元 [¶3.144]", [Citation("paragraph", "3.144", [])]), document)
    assert answer.verification.removed_figures == ["106"]
    assert "106" not in answer.text.split("（核查")[0]
    assert "核查" in answer.text


def test_a_citation_of_a_missing_paragraph_is_removed(document: Document) -> None:
    answer = verify(
        _answer("39 个特别政治任务 [¶3.999] [¶3.144]", [Citation("paragraph", "3.999", []), Citation("paragraph", "3.144", [])]),
        document,
    )
    assert [c.ref for c in answer.citations] == ["3.144"]
    assert answer.verification.removed_citations == ["¶3.999"]
    assert "[¶3.999]" not in answer.text


@pytest.mark.parametrize("kind", ["table", "figure"])
def test_missing_tables_and_figures_are_removed(document: Document, kind: str) -> None:
    ref = "3.81" if kind == "table" else "3.九十"
    answer = verify(_answer("x", [Citation(kind, ref, [])], "en"), document)
    assert answer.citations == [] and answer.verification.removed_citations


def test_a_missing_citation_is_removed_in_its_english_form_too(document: Document) -> None:
    answer = verify(_answer("See [para. 3.999].", [Citation("paragraph", "3.999", [])], "en"), document)
    assert "[para. 3.999]" not in answer.text and "Verification" in answer.text


def test_a_percentage_written_as_money_is_removed(document: Document) -> None:
    """¶3.87 prints an 18.7 % rise; the same digits stated as dollars are not supported."""
    citation = [Citation("paragraph", "3.87", [])]
    as_money = verify(_answer("建设和平基金投资增加 18.7 千美元 [¶3.87]", citation), document)
    assert as_money.verification.removed_figures == ["18.7 千"]
    as_percent = verify(_answer("建设和平基金投资较 2021 年增加 18.7% [¶3.87]", citation), document)
    assert as_percent.verification.clean, as_percent.verification


def test_a_decrease_printed_in_parentheses_supports_a_negative_figure(document: Document) -> None:
    """Changes are printed "(3 937.3)"; an answer writing "-3 937.3 千美元" states the same figure."""
    table = document.table("3.68")
    negative = next(cell.text for row in table.rows for cell in row.cells if cell.text.startswith("("))
    digits = negative.strip("()")
    answer = verify(_answer(f"变动：-{digits} 千美元 [表 3.68]", [Citation("table", "3.68", [])]), document)
    assert answer.verification.clean, answer.verification
