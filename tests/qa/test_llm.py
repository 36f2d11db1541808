"""Generative answers through LangChain chat models, and the verifier catching what a model gets wrong.

Every chat model here is one of LangChain's FAKE chat models (``GenericFakeChatModel``,
``FakeListChatModel``) replaying a scripted reply; the evidence and the verification are real (the
bundled document).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage

from budgetqa.index.model import IndexUnit, SearchHit
from budgetqa.index.units import row_text
from budgetqa.ingest.model import BlockKind
from budgetqa.ingest.refs import parse_citation, resolve
from budgetqa.qa.llm import GenerationError, GenerativeAnswerer, chat_model_from_settings, format_evidence
from budgetqa.qa.local_model import LocalModelError
from budgetqa.qa.model import AnswerEvent
from budgetqa.qa.verify import verify
from budgetqa.settings import Settings


def fake_model(reply: str) -> GenericFakeChatModel:
    """A FAKE chat model that streams `reply` word by word."""
    return GenericFakeChatModel(messages=iter([AIMessage(content=reply)]))


def block_hit(document, label: str, score: float = 0.9) -> SearchHit:
    unit = resolve(document, parse_citation(label))
    index_unit = IndexUnit(
        uid=unit.id,
        kind=unit.kind,
        ref=unit.ref,
        title=unit.title,
        text=unit.text,
        indexed_text=unit.text,
        lines=unit.lines,
        section=tuple(unit.section),
        part=unit.part,
    )
    return SearchHit(index_unit, score)


def row_hit(document, ref: str, label: str, score: float = 0.8) -> SearchHit:
    table = document.table(ref)
    index, row = next((i, row) for i, row in enumerate(table.rows) if row.label == label)
    text = row_text(table, row)
    unit = IndexUnit(
        uid=f"row:{ref}:{index}",
        kind=BlockKind.TABLE,
        ref=ref,
        title=f"表 {ref} {table.caption}",
        text=text,
        indexed_text=text,
        lines=type(resolve(document, parse_citation(f"表 {ref}")).lines)(row.line, row.line),
        section=tuple(table.section),
        part=table.part,
        english_label=f"Table {ref}: Posts",
        row=index,
        row_label=row.label,
    )
    return SearchHit(unit, score)


@pytest.fixture
def hits(document) -> list[SearchHit]:
    """Evidence for questions about special political missions and posts: ¶3.144 and the 员额 row of 表 3.24."""
    return [block_hit(document, "¶3.144"), row_hit(document, "3.24", "员额"), block_hit(document, "¶3.115")]


def run(answerer: GenerativeAnswerer, question: str, hits, language):
    """Drive the answerer's generator: (events, returned answer)."""
    generator = answerer.stream(question, hits, language)
    events: list[AnswerEvent] = []
    while True:
        try:
            events.append(next(generator))
        except StopIteration as stop:
            return events, stop.value


def test_streaming_yields_the_models_tokens_then_returns_the_cited_answer(hits) -> None:
    """FAKE model: the tokens stream as events; the returned answer carries the citation and mode."""
    reply = "2024 年 39 个特别政治任务的拟议所需资源为 775 326 200 美元 [¶3.144]。"
    events, answer = run(
        GenerativeAnswerer(fake_model(reply)), "特别政治任务 2024 年拟议经费是多少？", hits, "zh"
    )
    assert len(events) > 3
    assert all(event.type == "token" for event in events)
    assert "".join(event.text for event in events) == reply
    assert answer.text == reply
    assert [c.label for c in answer.citations] == ["¶3.144"]
    assert answer.citations[0].lines == hits[0].unit.lines.as_list()
    assert answer.mode == "llm:GenericFakeChatModel"
    assert not answer.abstained
    assert answer.evidence == ["paragraph:3.144"]


def test_prompt_gives_each_evidence_unit_with_its_id_and_asks_for_the_questions_language(hits) -> None:
    answerer = GenerativeAnswerer(fake_model("unused"))
    zh = answerer.messages("特别政治任务 2024 年拟议经费是多少？", hits, "zh")
    en = answerer.messages("How much for special political missions in 2024?", hits, "en")
    zh_text = "\n".join(message.text for message in zh)
    assert "[¶3.144] 2024 年 39 个特别政治任务的拟议所需资源为 775 326 200 美元" in zh_text
    assert "[表 3.24]" in zh_text and "员额" in zh_text and "47 270.9" in zh_text
    assert "用简体中文回答" in zh_text and "这份文件没有提到" in zh_text
    en_text = "\n".join(message.text for message in en)
    assert "Answer in English" in en_text and "The document does not say" in en_text
    assert "Table 3.24: Posts" in en_text


def test_long_units_are_cut_at_a_sentence_end(document) -> None:
    evidence = format_evidence([block_hit(document, "¶3.144")], "zh", unit_chars=80)
    assert evidence.endswith("…")
    assert len(evidence) < 120


def test_a_correct_generated_answer_passes_verification_unchanged(document, hits) -> None:
    """FAKE model citing the right unit with its own figures: nothing is removed."""
    reply = "2024 年 39 个特别政治任务的拟议所需资源为 775 326 200 美元 [¶3.144]。"
    answer = GenerativeAnswerer(fake_model(reply)).answer("特别政治任务 2024 年拟议经费是多少？", hits, "zh")
    checked = verify(answer, document)
    assert checked.text == reply
    assert checked.verification.clean
    assert checked.confidence == answer.confidence


def test_a_citation_of_a_paragraph_the_document_lacks_is_removed_and_the_answer_says_so(
    document, hits
) -> None:
    """FAKE model citing ¶3.999, which does not exist."""
    reply = "2024 年 39 个特别政治任务的拟议所需资源为 775 326 200 美元 [¶3.144][¶3.999]。"
    answer = GenerativeAnswerer(fake_model(reply)).answer("特别政治任务 2024 年拟议经费是多少？", hits, "zh")
    assert {c.label for c in answer.citations} == {"¶3.144", "¶3.999"}
    checked = verify(answer, document)
    assert [c.label for c in checked.citations] == ["¶3.144"]
    assert checked.verification.removed_citations == ["¶3.999"]
    assert "[¶3.999]" not in checked.text
    assert "已删除文件中不存在的引文：¶3.999" in checked.text


def test_an_invented_figure_is_removed_and_the_answer_says_so(document, hits) -> None:
    """FAKE model that mixes up a figure: 106 missions where ¶3.144 says 39 (as the local model did)."""
    reply = "2024 年 106 个特别政治任务的拟议所需资源为 775 326 200 美元 [¶3.144]。"
    answer = GenerativeAnswerer(fake_model(reply)).answer("2024 年有多少个特别政治任务？", hits, "zh")
    checked = verify(answer, document)
    assert checked.verification.removed_figures == ["106"]
    assert "106" not in checked.text.splitlines()[0]
    assert "[?]" in checked.text
    assert "775 326 200" in checked.text
    assert "已删除所引内容中找不到的数字：106" in checked.text
    assert checked.confidence <= 0.3


def test_an_english_answer_citing_table_3_24_gets_the_posts_row_as_its_quote(document, hits) -> None:
    """FAKE model answering in English with the English label "Table 3.24"."""
    reply = "Posts, 2024 estimate before recosting: USD 47,270.9 thousand [Table 3.24]."
    answer = GenerativeAnswerer(fake_model(reply)).answer("How much for posts in 2024?", hits, "en")
    assert answer.text == "Posts, 2024 estimate before recosting: USD 47,270.9 thousand [表 3.24]."
    (citation,) = answer.citations
    assert (citation.kind, citation.ref, citation.row) == ("table", "3.24", "员额")
    assert "47 270.9" in citation.quote
    assert verify(answer, document).verification.clean


@pytest.mark.parametrize(
    ("reply", "language"),
    [
        ("这份文件没有提到 2025 年的经费。最接近的段落：[¶3.144]。", "zh"),
        ("The document does not say what is proposed for 2025; the nearest passage is [¶3.144].", "en"),
    ],
)
def test_saying_the_document_does_not_answer_marks_the_answer_abstained(
    document, hits, reply, language
) -> None:
    """FAKE model declining to answer."""
    answer = GenerativeAnswerer(fake_model(reply)).answer("2025 年的经费是多少？", hits, language)
    assert answer.abstained
    assert verify(answer, document).abstained


def test_an_empty_reply_becomes_an_abstention_naming_the_nearest_units(hits) -> None:
    """FAKE model that returns only white space."""
    answer = GenerativeAnswerer(FakeListChatModel(responses=[" \n"])).answer("2025 年呢？", hits, "zh")
    assert answer.abstained
    assert "这份文件没有提到" in answer.text and "[¶3.144]" in answer.text


def test_a_failing_model_raises_an_error_that_says_what_to_check(hits) -> None:
    """FAKE model that fails on its first chunk (as an unreachable server would)."""
    model = FakeListChatModel(responses=["never"], error_on_chunk_number=0)
    with pytest.raises(GenerationError, match="BUDGETQA_LLM"):
        GenerativeAnswerer(model).answer("特别政治任务 2024 年拟议经费是多少？", hits, "zh")


def test_openai_settings_give_a_chat_openai_model_at_the_configured_url() -> None:
    from langchain_openai import ChatOpenAI

    settings = Settings(llm="openai", llm_model="qwen2.5", llm_base_url="http://127.0.0.1:9/v1")
    model = chat_model_from_settings(settings)
    assert isinstance(model, ChatOpenAI)
    assert model.model_name == "qwen2.5"
    assert str(model.openai_api_base).startswith("http://127.0.0.1:9/v1")
    assert GenerativeAnswerer(model).mode == "llm:qwen2.5"


def test_an_unknown_llm_setting_lists_the_choices() -> None:
    with pytest.raises(ValueError, match="openai, ollama, llamacpp"):
        chat_model_from_settings(Settings(llm="gpt"))


def test_ollama_without_its_package_names_the_install_command() -> None:
    pytest.importorskip("langchain_core")
    try:
        import langchain_ollama  # noqa: F401
    except ImportError:
        with pytest.raises(ValueError, match="pip install langchain-ollama"):
            chat_model_from_settings(Settings(llm="ollama", llm_model="qwen2.5:7b"))
    else:
        pytest.skip("langchain-ollama is installed here")


def test_llamacpp_without_llama_cpp_python_names_the_extra(tmp_path: Path) -> None:
    pytest.importorskip("langchain_core")
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        gguf = tmp_path / "model.gguf"
        gguf.write_bytes(b"GGUF")
        with pytest.raises(LocalModelError, match=r"budgetqa\[llm\]"):
            chat_model_from_settings(Settings(llm="llamacpp", llm_model=str(gguf)))
    else:
        pytest.skip("llama-cpp-python is installed here")


class CitingFake(GenericFakeChatModel):
    """A FAKE chat model that writes `text` in the reply schema, citing the first id its prompt gives."""

    text: str = ""

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        import re

        from langchain_core.messages import AIMessageChunk
        from langchain_core.outputs import ChatGenerationChunk

        from budgetqa.qa.grounded import reply_json

        first_id = re.search(r"^\[([^\]]+)\]", messages[-1].content, re.M)
        yield ChatGenerationChunk(message=AIMessageChunk(content=reply_json(self.text, [first_id.group(1)])))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("2024 年特别政治任务的拟议经费为 775 326.2 千美元。", True),
        ("2024 年特别政治任务的拟议经费为 106 千美元。", False),  # a figure no cited unit prints
        ("2019 年成立的和平观察委员会为特别政治任务拟议 775 326.2 千美元。", False),  # an invented body and year
    ],
)
def test_the_answer_service_shows_a_generated_answer_only_when_it_verifies(text: str, shown: bool) -> None:
    """The REAL QAService with a FAKE chat model: its reply is shown, or withheld for the offline answer."""
    from budgetqa.qa.grounded import GroundedAnswerer, was_withheld
    from budgetqa.qa.service import QAService

    service = QAService.open(Settings.from_env(), generator=GroundedAnswerer(CitingFake(messages=iter([]), text=text)))
    events = list(service.stream("2024 年特别政治任务拟议多少经费？"))
    assert "".join(event.text for event in events if event.type == "token") == text
    answer = events[-1].answer
    assert answer is not None and answer.citations and not answer.abstained
    assert was_withheld(answer) is not shown
    assert answer.mode.startswith("llm:") is shown
    assert "775 326" in answer.text
    if not shown:
        assert answer.text.startswith("（生成的回答未通过核查")
