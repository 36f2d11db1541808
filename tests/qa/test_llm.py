"""The answer service in generative mode: the REAL service over the bundled document, with a FAKE
chat model (a ``GenericFakeChatModel`` writing a scripted text in the reply schema); what it writes is
shown only when it verifies, else the offline answer with a note.
"""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

from budgetqa.settings import Settings


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

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        from langchain_core.messages import AIMessage
        from langchain_core.outputs import ChatGeneration, ChatResult

        text = "".join(chunk.text for chunk in self._stream(messages))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


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


@pytest.mark.slow
def test_the_configured_chat_model_reaches_every_entry_point_through_the_grounded_answerer() -> None:
    """The service the CLI, the chat and the server open (a FAKE server address: nothing is asked)."""
    from budgetqa.qa.corpus_service import open_answer_service
    from budgetqa.qa.grounded import GroundedAnswerer

    settings = Settings(llm="openai", llm_model="served-model", llm_base_url="http://127.0.0.1:9/v1")
    service = open_answer_service(settings)
    assert isinstance(service.generator, GroundedAnswerer)
    assert service.generator.mode == "llm:served-model"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("2022 年建设和平基金在 37 个国家投资。", True),  # the count asked; ¶3.87's amount and growth may go
        ("2022 年建设和平基金投资了 2.315 亿美元。", False),  # true, cited, but not the count asked
    ],
)
def test_a_generated_answer_keeps_the_figure_asked_of_a_quoted_passage(text: str, shown: bool) -> None:
    """The REAL QAService and RAG chain with a FAKE chat model, on a question ¶3.87 answers in a
    sentence of several figures: the reply must state the count asked, not every figure."""
    from budgetqa.qa.chain import make_rag_chain
    from budgetqa.qa.grounded import GroundedAnswerer, Withheld, withheld_reason
    from budgetqa.qa.service import QAService

    question = "2022 年建设和平基金在多少个国家投资？"
    service = QAService.open(Settings.from_env(), generator=GroundedAnswerer(CitingFake(messages=iter([]), text=text)))
    answer = service.ask(question)
    assert withheld_reason(answer) is (None if shown else Withheld.INCOMPLETE), answer.text
    assert "37" in answer.text and answer.citations[0].ref == "3.87"
    chained = make_rag_chain(service, CitingFake(messages=iter([]), text=text)).invoke(question)
    assert chained["mode"].startswith("llm:") is shown, chained["answer"]
