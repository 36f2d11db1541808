"""Reading which documents a text names: a symbol, a section, a budget year."""

from __future__ import annotations

import pytest

from budgetqa.ingest.document_refs import (
    DocumentScope,
    DocumentSymbol,
    parse_symbol,
    read_document_scope,
    split_document_reference,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A/79/6 (Sect. 3)", DocumentSymbol(79, 3)),
        ("a/79/6(sect.3)", DocumentSymbol(79, 3)),
        ("A / 80 / 6", DocumentSymbol(80)),
        ("the A/78/6 (Sect. 29) text", DocumentSymbol(78, 29)),
    ],
)
def test_a_symbol_is_read_in_the_forms_readers_write_it(text, expected):
    assert parse_symbol(text) == expected


def test_a_symbol_without_its_section_matches_every_section_of_its_session():
    assert DocumentSymbol(79).matches("A/79/6 (Sect. 3)")
    assert DocumentSymbol(79, 3).matches("A/79/6 (Sect. 3)")
    assert not DocumentSymbol(79, 29).matches("A/79/6 (Sect. 3)")
    assert not DocumentSymbol(80).matches("A/79/6 (Sect. 3)")


def test_a_question_names_years_sections_and_symbols():
    scope = read_document_scope("第 3 款 2025 年拟议的差旅费和 A/80/6 (Sect. 3) 的相比如何？")
    assert scope.symbols == (DocumentSymbol(80, 3),)
    assert scope.sections == (3,)
    assert scope.years == (2025,)  # the symbol's digits are neither a year nor a section


def test_english_questions_name_sections_and_proposal_years():
    scope = read_document_scope("What does Section 29 propose for travel in the 2026 proposal?")
    assert scope.sections == (29,) and scope.years == (2026,)
    assert not read_document_scope("How many posts does the Office have?")


def test_a_chinese_section_number_may_be_written_in_chinese_numerals():
    assert read_document_scope("第二十九款的员额").sections == (29,)


@pytest.mark.parametrize(
    ("reference", "scope", "rest"),
    [
        ("A/78/6 (Sect. 3) 3.115", DocumentScope(symbols=(DocumentSymbol(78, 3),)), "3.115"),
        ("2024 年第 3 款 表 3.27", DocumentScope(sections=(3,), years=(2024,)), "表 3.27"),
        ("2026, table 3.24", DocumentScope(years=(2026,)), "table 3.24"),
        ("表 3.27", DocumentScope(), "表 3.27"),
        ("2024", DocumentScope(), "2024"),  # a year alone is not a document and a reference
    ],
)
def test_a_reference_loses_the_documents_named_at_its_front(reference, scope, rest):
    assert split_document_reference(reference) == (scope, rest)
