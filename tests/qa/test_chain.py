"""LangChain Runnables: the retriever, the answer chain and the RAG chain, in users' pipelines.

The fast tests use the FAKE answer service of ``conftest.py``; the slow ones the real service, with
a FAKE chat model (LangChain's ``GenericFakeChatModel``) in the RAG chain.
"""

from __future__ import annotations

import asyncio

import pytest
from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_core.runnables import RunnableLambda

from budgetqa.qa.chain import make_answer_chain, make_rag_chain, make_retriever


def test_the_retriever_returns_documents_with_their_citation_metadata(fake_service) -> None:
    documents = make_retriever(fake_service, k=2).invoke("员额")
    assert all(isinstance(document, Document) for document in documents)
    first = documents[0].metadata
    assert (first["kind"], first["ref"], first["row"], first["lines"]) == (
        "table",
        "3.24",
        "员额",
        [2105, 2105],
    )
    assert documents[1].metadata["ref"] == "3.144"
    assert ("search", {"query": "员额", "top_k": 2, "session_id": None}) in fake_service.calls


def test_the_answer_chain_takes_a_question_or_a_mapping_and_returns_answer_json(fake_service) -> None:
    chain = make_answer_chain(fake_service)
    answer = chain.invoke("政治建和部 2024 年的员额资源是多少？")
    assert answer["answer"] == "员额，2024 年估计数(重计费用前)：47 270.9 千美元 [表 3.24]"
    assert answer["citations"][0]["ref"] == "3.24" and answer["abstained"] is False
    english = chain.invoke({"question": "员额", "lang": "en", "session_id": "s1"})
    assert english["answer"].startswith("Posts, 2024 estimate")
    assert fake_service.calls[-1][1] == {"question": "员额", "session_id": "s1", "lang": "en"}


def test_the_answer_chain_batches_streams_and_composes(fake_service) -> None:
    chain = make_answer_chain(fake_service)
    batch = chain.batch(["员额", "special political missions", "谁赢了世界杯？"])
    assert [item["abstained"] for item in batch] == [False, False, True]
    streamed = list(chain.stream("员额"))
    assert streamed[-1]["citations"][0]["ref"] == "3.24"
    composed = chain | RunnableLambda(lambda answer: [c["ref"] for c in answer["citations"]])
    assert composed.invoke("special political missions") == ["3.144"]
    assert asyncio.run(chain.ainvoke("员额"))["answer"].endswith("[表 3.24]")


def test_the_answer_chain_rejects_input_without_a_question(fake_service) -> None:
    chain = make_answer_chain(fake_service)
    with pytest.raises(ValueError, match='"question"'):
        chain.invoke({"query": "员额"})
    with pytest.raises(ValueError, match='"lang"'):
        chain.invoke({"question": "员额", "lang": "fr"})


@pytest.fixture(scope="module")
def real_service():
    from budgetqa.qa.service import QAService
    from budgetqa.settings import Settings

    return QAService.open(Settings.from_env())


@pytest.mark.slow
def test_real_retriever_and_answer_chain_find_table_3_24_for_posts(real_service) -> None:
    """The REAL answer service over the bundled document."""
    documents = make_retriever(real_service, k=5).invoke("政治建和部 2024 年的员额资源是多少？")
    assert "3.24" in [document.metadata["ref"] for document in documents]
    chain = make_answer_chain(real_service)
    answers = chain.batch(["政治建和部 2024 年的员额资源是多少？", "表 3.24"])
    assert "47 270.9" in answers[0]["answer"]
    assert answers[1]["mode"] == "lookup"
    assert list(chain.stream("表 3.24"))[-1]["citations"][0]["ref"] == "3.24"


@pytest.mark.slow
def test_the_rag_chain_verifies_what_a_fake_chat_model_writes(real_service) -> None:
    """REAL retrieval and verification; a FAKE chat model citing a missing paragraph and inventing a figure."""
    reply = (
        "2024 年 39 个特别政治任务的拟议所需资源为 775 326 200 美元 [¶3.144]；另有 106 个联络处 [¶3.999]。"
    )
    model = GenericFakeChatModel(messages=iter([AIMessage(content=reply)] * 3))
    chain = make_rag_chain(real_service, model, k=6)
    answer = chain.invoke("2024 年特别政治任务的拟议所需资源是多少？")
    assert [c["ref"] for c in answer["citations"]] == ["3.144"]
    assert answer["verification"]["removed_citations"] == ["¶3.999"]
    assert answer["verification"]["removed_figures"] == ["106"]
    assert answer["mode"] == "llm:GenericFakeChatModel"
    streamed = list(chain.stream({"question": "2024 年特别政治任务的拟议所需资源是多少？"}))
    assert streamed[-1]["verification"]["removed_figures"] == ["106"]
    assert len(chain.batch(["特别政治任务经费"])) == 1
