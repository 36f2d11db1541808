"""LangChain Runnables: the retriever, the answer chain and the grounded RAG chain, in users' pipelines.

The fast tests use the FAKE answer service of ``conftest.py``; the slow ones the real service, with
a FAKE chat model (LangChain's ``GenericFakeChatModel`` replaying a scripted reply) in the RAG chain.
"""

from __future__ import annotations

import asyncio

import pytest
from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_core.runnables import RunnableLambda

from budgetqa.qa.chain import make_answer_chain, make_rag_chain, make_retriever
from budgetqa.qa.grounded import reply_json


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


def rag_model(reply: str) -> GenericFakeChatModel:
    """A FAKE chat model replaying `reply` (a few times: a chain may be invoked more than once)."""
    return GenericFakeChatModel(messages=iter([AIMessage(content=reply)] * 3))


SPM_QUESTION = "特别政治任务 2024 年拟议多少经费？"


@pytest.mark.slow
def test_the_rag_chain_shows_a_cited_verified_reply(real_service) -> None:
    """REAL evidence and verification; a FAKE chat model phrasing the offline answer correctly."""
    reply = reply_json("2024 年特别政治任务拟议经费为 775 326.2 千美元。", ["附件四"])
    answer = make_rag_chain(real_service, rag_model(reply)).invoke(SPM_QUESTION)
    assert answer["answer"] == "2024 年特别政治任务拟议经费为 775 326.2 千美元。[附件四]"
    assert [c["ref"] for c in answer["citations"]] == ["四", "3.144"]  # its own, then the checked answer's others
    assert answer["mode"] == "llm:GenericFakeChatModel" and not answer["abstained"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        # fluent, right figure, no citation at all (prose outside the reply schema, or an empty list)
        ("2024 年特别政治任务拟议经费为 775 326.2 千美元，比上年略有增加。", "不是所要求的格式"),
        (reply_json("2024 年特别政治任务拟议经费为 775 326.2 千美元。", []), "没有注明出处"),
        # a real paragraph of the document, but not evidence for this answer
        (reply_json("2024 年特别政治任务拟议经费为 775 326.2 千美元。", ["¶3.115"]), "¶3.115"),
        # an invented body: recorded in the notes, never repeated to the user
        (reply_json("2024 年由和平观察委员会管理的特别政治任务拟议经费为 775 326.2 千美元。", ["¶3.144"]), "和平观察委员会"),
    ],
)
def test_the_rag_chain_withholds_an_unverified_reply_for_the_offline_answer(real_service, reply, reason) -> None:
    """REAL evidence and verification; a FAKE chat model writing what must not be shown."""
    chain = make_rag_chain(real_service, rag_model(reply))
    answer = chain.invoke({"question": SPM_QUESTION})
    offline = real_service.offline(SPM_QUESTION).answer
    assert answer["answer"].startswith("（生成的回答未通过核查，未予显示")
    notes = answer["verification"]["notes"]
    if reason == "和平观察委员会":
        assert reason not in answer["answer"] and reason in notes[-1]
    else:
        assert reason in answer["answer"]
    assert answer["answer"].endswith(offline.text)
    assert [c["ref"] for c in answer["citations"]] == [c.ref for c in offline.citations]
    assert answer["mode"] == offline.mode and "775 326.2" in answer["answer"]
    assert any(note.startswith("generated answer withheld") for note in answer["verification"]["notes"])


class ExplodingModel(GenericFakeChatModel):
    """A FAKE chat model that fails the test if it is asked anything."""

    def _generate(self, *args, **kwargs):
        raise AssertionError("the model was asked although the offline answer declines")

    def _stream(self, *args, **kwargs):
        raise AssertionError("the model was asked although the offline answer declines")


@pytest.mark.slow
@pytest.mark.parametrize("question", ["哪个国家赢得了上一届奥运会的金牌榜？", "表 3.24"])
def test_the_rag_chain_never_asks_the_model_to_decline_or_to_restate_a_lookup(real_service, question) -> None:
    """A question the offline answer declines, and a reference lookup, never reach the FAKE model."""
    answer = make_rag_chain(real_service, ExplodingModel(messages=iter([]))).invoke(question)
    assert answer["abstained"] or answer["mode"] == "lookup"
    assert answer == real_service.offline(question).answer.to_json()


@pytest.mark.slow
def test_the_rag_chain_streams_the_models_tokens_as_events(real_service) -> None:
    reply = reply_json("2024 年特别政治任务拟议经费为 775 326.2 千美元。", ["附件四"])
    chain = make_rag_chain(real_service, rag_model(reply))

    async def events() -> list[dict]:
        return [event async for event in chain.astream_events(SPM_QUESTION, version="v2")]

    seen = asyncio.run(events())
    tokens = [e["data"]["chunk"].content for e in seen if e["event"] == "on_chat_model_stream"]
    assert len(tokens) > 1 and "".join(tokens) == reply
    assert seen[-1]["data"]["output"]["answer"].endswith("[附件四]")
