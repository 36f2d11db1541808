"""English answers lead with the checked English version of the sentence they quote."""

from __future__ import annotations

import re

import pytest

from budgetqa.index.english_sentences import english_sentences
from budgetqa.index.evidence import split_sentences
from budgetqa.index.glossary import load_glossary
from budgetqa.index.model import IndexUnit
from budgetqa.ingest.english import EnglishVersions, Segment, SegmentKind, has_han
from budgetqa.ingest.model import BlockKind, LineSpan
from budgetqa.qa.english_quote import EnglishQuotes
from budgetqa.qa.extractive import MACHINE_TRANSLATION
from budgetqa.qa.service import QAService
from budgetqa.settings import Settings
from tests.english_fakes import fake_version

# FAKE paragraph and FAKE English: invented text, not the document's.
FAKE_CHINESE = "本办公室设在甲城。2025 年将举办 12 次讲习班；培训 340 名调解人。其余工作照常进行。"
FAKE_ENGLISH = "The Office is based in Town A. In 2025 it will hold 12 workshops. It will train 340 mediators."


def _fake_unit(text: str) -> IndexUnit:
    return IndexUnit(
        uid="paragraph:9.1", kind=BlockKind.PARAGRAPH, ref="9.1", title="", text=text, indexed_text=text,
        lines=LineSpan(1, 1), section=(), part="一",
    )


def _fake_quotes(english: str | None, *, passed: bool = True) -> EnglishQuotes:
    segment = Segment("paragraph:9.1", SegmentKind.PARAGRAPH, FAKE_CHINESE)
    versions = [fake_version(segment, english, passed=passed)] if english is not None else []
    return EnglishQuotes(EnglishVersions([segment], versions), load_glossary())


def test_sentences_are_cut_at_their_end_marks_and_not_after_abbreviations() -> None:
    assert split_sentences(FAKE_CHINESE)[1] == "2025 年将举办 12 次讲习班；"
    assert english_sentences("As in para. 9.1, e.g. Town A. Then B.") == ["As in para. 9.1, e.g. Town A.", "Then B."]


def test_a_quoted_sentence_is_found_by_the_figures_it_shares_with_the_translation() -> None:
    """FAKE versions: four Chinese sentences against three English ones, so position cannot decide."""
    quotes = _fake_quotes(FAKE_ENGLISH)
    unit = _fake_unit(FAKE_CHINESE)
    found = quotes.of(unit, "培训 340 名调解人。")
    assert found is not None and found.text == "It will train 340 mediators."
    both = quotes.of(unit, "2025 年将举办 12 次讲习班；培训 340 名调解人。")
    assert both is not None and both.text == "In 2025 it will hold 12 workshops. It will train 340 mediators."
    whole = quotes.of(unit, FAKE_CHINESE)
    assert whole is not None and whole.text == FAKE_ENGLISH


def test_no_english_quote_without_a_checked_version_or_a_clear_match() -> None:
    """FAKE versions: a failed translation is never quoted; a sentence nothing anchors is not guessed."""
    unit = _fake_unit(FAKE_CHINESE)
    assert _fake_quotes(FAKE_ENGLISH, passed=False).of(unit, "培训 340 名调解人。") is None
    assert _fake_quotes(None).of(unit, "培训 340 名调解人。") is None
    assert _fake_quotes(FAKE_ENGLISH).of(unit, "其余工作照常进行。") is None


def test_a_sentence_the_translator_cut_in_two_is_quoted_with_its_continuation() -> None:
    """FAKE version: one Chinese sentence rendered as two English ones; the figure missing from the
    first is in the second, and the sentence after them is not quoted."""
    chinese = "本办公室 2025 年为 30 个代表团开通了甲系统，其中 12 个已经使用。其余工作照常进行。"
    english = "In 2025 the Office opened System A to 30 delegations. Of these, 12 already use it. Other work went on."
    segment = Segment("paragraph:9.1", SegmentKind.PARAGRAPH, chinese)
    quotes = EnglishQuotes(EnglishVersions([segment], [fake_version(segment, english)]), load_glossary())
    found = quotes.of(_fake_unit(chinese), "本办公室 2025 年为 30 个代表团开通了甲系统，其中 12 个已经使用。")
    assert found is not None
    assert found.text == "In 2025 the Office opened System A to 30 delegations. Of these, 12 already use it."


@pytest.fixture(scope="module")
def service() -> QAService:
    return QAService.open(Settings.from_env())


def _translated_sentence(service: QAService) -> tuple[IndexUnit, str]:
    """A real paragraph with a checked English version, and one of its sentences that has a figure."""
    for unit in service.searcher.index.units:
        if unit.kind is BlockKind.PARAGRAPH and service.searcher.english.get(unit.uid):
            sentences = split_sentences(unit.text)
            with_figures = [s for s in sentences if re.search(r"\d{2,}", s) and len(s) > 20]
            if len(sentences) >= 2 and with_figures:
                return unit, with_figures[0]
    raise AssertionError("no paragraph of the bundled document has a checked English version")


@pytest.mark.slow
def test_the_real_english_version_of_a_quoted_sentence_carries_its_figures(service: QAService) -> None:
    unit, sentence = _translated_sentence(service)
    found = EnglishQuotes(service.searcher.english, service.searcher.index.glossary).of(unit, sentence)
    assert found is not None and not has_han(found.text)
    figures = [f.replace(" ", "") for f in re.findall(r"\d[\d ]*\d", sentence) if not re.fullmatch(r"20\d\d", f)]
    digits = found.text.replace(",", "")
    assert all(figure in digits for figure in figures if "." not in figure and len(figure) < 5)


@pytest.mark.slow
def test_an_english_fact_answer_leads_with_english_and_keeps_the_chinese_as_evidence(service: QAService) -> None:
    answer = service.ask("What was the effect of the COVID-19 pandemic on training and workshops in 2022?")
    first = answer.text.splitlines()[0]
    assert MACHINE_TRANSLATION in first and not has_han(first) and first.startswith("Para.")
    assert answer.citations and has_han(answer.citations[0].quote or "")


@pytest.mark.slow
def test_every_translated_sentence_is_rendered_in_english(service: QAService) -> None:
    from budgetqa.index.evidence import Candidate
    from budgetqa.qa.extractive import Evidence

    unit, sentence = _translated_sentence(service)
    rendered = service.extractive._render(Evidence(Candidate(unit, sentence, 0, 0.9, 0.9)), "en")
    assert MACHINE_TRANSLATION in rendered and not has_han(rendered)


@pytest.mark.slow
def test_an_english_lookup_shows_the_checked_english_version(service: QAService) -> None:
    unit, _ = _translated_sentence(service)
    answer = service.ask(f"Show me paragraph {unit.ref}")
    assert answer.mode == "lookup" and not has_han(answer.text)
    assert "Machine translation, figures checked" in answer.text and has_han(answer.citations[0].quote or "")


@pytest.mark.slow
def test_an_english_table_lookup_has_english_labels_and_the_printed_figures(service: QAService) -> None:
    answer = service.ask("Show table 3.24")
    table = service.document.table("3.24")
    assert answer.mode == "lookup" and "(Thousands of United States dollars)" in answer.text.splitlines()[0]
    assert "Posts" in answer.text and table.rows[0].cells[-1].text in answer.text


@pytest.mark.slow
def test_every_line_of_the_mandate_lists_reads_in_english_entry_by_entry(service: QAService) -> None:
    quotes = EnglishQuotes(service.searcher.english, service.searcher.index.glossary)
    lines = [
        (unit, line)
        for unit in service.searcher.index.units
        if unit.kind is BlockKind.MANDATES
        for line in unit.text.splitlines()
        if re.match(r"\d", line)
    ]
    rendered = [(line, quotes.of(unit, line)) for unit, line in lines]
    english = [(line, found.text) for line, found in rendered if found is not None]
    assert len(english) >= 0.9 * len(lines)  # a title with no checked English keeps its Chinese
    for line, text in english:
        assert not has_han(text) and text.split()[0] == line.split()[0]  # the symbols as printed lead
    assert any(text.startswith("60/287; 63/282 Peacebuilding Fund (General Assembly resolution") for _, text in english)
