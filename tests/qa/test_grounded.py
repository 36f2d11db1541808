"""Generative mode, grounded: what a chat model writes is shown only when it is cited and verified.

Every chat model here is a FAKE (LangChain's ``GenericFakeChatModel`` replaying a scripted reply, or
a counting fake below), and the evidence is FAKE too (``tests/grounded_fakes.py``: a made-up "Office
for Lunar Affairs" with made-up paragraphs ¶9.1 and ¶9.2, which the real document does not have).
Only the decision code (schema, verification, claims, withholding) is real.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from budgetqa.ingest.budget import Measure
from budgetqa.qa.grounded import (
    GroundedAnswerer,
    Withheld,
    partial_answer,
    reply_grammar,
    reply_json,
    reply_schema,
    was_withheld,
    withheld_reason,
)
from budgetqa.qa.model import Answer, AnswerEvent, Citation, Computation
from tests.grounded_fakes import FAKE_UNITS, FakeSource, offline


def fake_model(reply: str) -> GenericFakeChatModel:
    """A FAKE chat model that streams `reply` piece by piece."""
    return GenericFakeChatModel(messages=iter([AIMessage(content=reply)]))


def run(
    answerer: GroundedAnswerer, question: str, answer: Answer, measures: tuple[Measure, ...] = ()
) -> tuple[list[AnswerEvent], Answer]:
    generator = answerer.stream(question, answer, FakeSource(), measures=measures)  # type: ignore[arg-type]
    events: list[AnswerEvent] = []
    try:
        while True:
            events.append(next(generator))
    except StopIteration as stop:
        return events, stop.value


def ids(language: str) -> tuple[str, str]:
    return ("¶9.1", "¶9.2") if language == "zh" else ("para. 9.1", "para. 9.2")


# ---------------------------------------------------------------------------------------------- shown


def test_correct_cited_answer_is_shown_with_its_citation():
    reply = reply_json("月球事务处 2024 年拟设 12 个员额。", ["¶9.1"])
    events, answer = run(GroundedAnswerer(fake_model(reply), name="fake"), "月球事务处 2024 年有几个员额？", offline())
    assert answer.mode == "llm:fake"
    assert not was_withheld(answer)
    assert answer.text == "月球事务处 2024 年拟设 12 个员额。[¶9.1]"
    assert [c.ref for c in answer.citations] == ["9.1", "9.2"]  # its own, then the checked answer's others
    assert "".join(e.text for e in events) == "月球事务处 2024 年拟设 12 个员额。"


def test_correct_english_answer_is_supported_through_the_glossary():
    reply = reply_json("The OLA proposes 12 posts in 2024.", ["para. 9.1"])
    _, answer = run(GroundedAnswerer(fake_model(reply), name="fake"), "How many posts?", offline("en"))
    assert not was_withheld(answer), answer.text
    assert answer.text.endswith("[para. 9.1]")


# ---------------------------------------------------------------------------------------------- withheld


def test_fluent_uncited_answer_is_withheld_for_the_offline_one():
    reply = reply_json("月球事务处 2024 年拟设 12 个员额。", [])
    _, answer = run(GroundedAnswerer(fake_model(reply)), "月球事务处 2024 年有几个员额？", offline())
    assert withheld_reason(answer) is Withheld.UNCITED
    assert answer.mode == "facts"
    assert answer.text.startswith("（生成的回答未通过核查") and "没有注明出处" in answer.text
    assert answer.text.endswith(offline().text)


def test_plain_prose_without_the_schema_is_withheld():
    _, answer = run(GroundedAnswerer(fake_model("月球事务处有 12 个员额 [¶9.1]")), "几个员额？", offline())
    assert was_withheld(answer) and "格式" in answer.text


def test_answer_citing_a_real_but_irrelevant_unit_is_withheld():
    reply = reply_json("月球事务处 2024 年拟设 12 个员额。", ["¶9.2"])  # ¶9.2 is given, but says nothing of posts
    _, answer = run(GroundedAnswerer(fake_model(reply)), "月球事务处 2024 年有几个员额？", offline())
    assert withheld_reason(answer) is Withheld.FIGURE
    assert "12" in answer.verification.notes[-1]


@pytest.mark.parametrize("text", ["共计", "月球事务处 2024 年拟设员额。"])
def test_answer_that_leaves_out_the_figure_asked_for_is_withheld(text):
    reply = reply_json(text, ["¶9.1"])  # cited, in Chinese, nothing false: but it does not answer
    _, answer = run(GroundedAnswerer(fake_model(reply)), "月球事务处 2024 年有几个员额？", offline())
    assert withheld_reason(answer) is Withheld.INCOMPLETE and "12" in answer.text.splitlines()[0]


@pytest.mark.parametrize(("amount", "shown"), [("3 456.7 千美元", True), ("345.67 万美元", True), ("3 456.7元", False), ("3 456.7 美元", False)])
def test_an_amount_written_at_another_scale_than_the_evidence_is_withheld(amount, shown):
    reply = reply_json(f"月球事务处 2024 年拟设 12 个员额，经费 {amount}。", ["¶9.1"])  # ¶9.1 prints 3 456.7 千美元
    _, answer = run(GroundedAnswerer(fake_model(reply)), "月球事务处 2024 年的员额和经费？", offline())
    assert withheld_reason(answer) is (None if shown else Withheld.FIGURE), answer.text


@pytest.mark.parametrize(
    ("text", "withheld"),
    [
        ("月球事务处 2024 年拟设 12 个员额，经费 3 456.7。", Withheld.UNIT),  # 3 456.7 what? the evidence says 千美元
        ("The OLA proposes 12 posts in 2024, funded with 3456.7.", Withheld.UNIT),
        ("月球事务处 2024 年拟设 12 个员额，经费 3 456.7 千美元。", None),
    ],
)
def test_an_amount_written_without_its_unit_is_withheld(text, withheld):
    language = "en" if text.startswith("The") else "zh"
    reply = reply_json(text, [ids(language)[0]])
    _, answer = run(GroundedAnswerer(fake_model(reply)), "月球事务处 2024 年的员额和经费？", offline(language))
    assert withheld_reason(answer) is withheld, answer.text
    if withheld:
        assert "3 456.7" in answer.verification.notes[-1] or "3456.7" in answer.verification.notes[-1]


def test_answer_leaving_out_one_of_several_figures_of_the_checked_answer_is_withheld():
    two = replace(offline(), text="月球事务处 2024 年员额：12 个 [¶9.1]；经费：3 456.7 千美元（2023 年：3 000.0 千美元）[¶9.1]")
    reply = reply_json("月球事务处 2024 年拟设 12 个员额。", ["¶9.1"])  # the amount is left out; 2023's need not be there
    _, answer = run(GroundedAnswerer(fake_model(reply)), "月球事务处 2024 年的员额和经费？", two)
    assert withheld_reason(answer) is Withheld.INCOMPLETE and "3 456.7" in answer.verification.notes[-1]
    whole = reply_json("月球事务处 2024 年拟设 12 个员额，经费 3 456.7 千美元。", ["¶9.1"])
    _, answer = run(GroundedAnswerer(fake_model(whole)), "月球事务处 2024 年的员额和经费？", two)
    assert withheld_reason(answer) is None, answer.text


# A FAKE passage answer: the best sentence (¶9.1, quoted), then a supporting one (¶9.2).
PASSAGE = "月球事务处 2024 年拟设 12 个员额，经费 3 456.7 千美元，依据第 99/123 号决议。 [¶9.1]\n月球事务处将继续与各会员国协商。 [¶9.2]"


@pytest.mark.parametrize(
    ("measures", "text", "shown"),
    [
        ((Measure.MONEY,), "月球事务处 2024 年的经费是 3 456.7 千美元。", True),  # the posts were not asked
        ((Measure.POSTS,), "月球事务处 2024 年拟设 12 个员额。", True),
        ((Measure.MONEY,), "月球事务处 2024 年拟设 12 个员额。", False),  # the amount asked is left out
        ((), "月球事务处 2024 年的经费是 3 456.7 千美元。", False),  # no figure asked: the sentence's figures all count
    ],
)
def test_a_passage_answer_must_keep_the_figure_of_the_measure_asked_not_every_figure(measures, text, shown):
    passage = replace(offline(), text=PASSAGE, mode="extractive")
    _, answer = run(GroundedAnswerer(fake_model(reply_json(text, ["¶9.1"]))), "月球事务处的？", passage, measures)
    assert withheld_reason(answer) is (None if shown else Withheld.INCOMPLETE), answer.text
    if not shown:  # the checked answer is what the user reads
        assert answer.text.endswith(PASSAGE)


# A FAKE passage answer whose shares stand only in parentheses (¶9.3 is made up for this test).
SHARES_UNIT = "月球事务处的经费来自经常预算（12.5%）和自愿捐款（87.5%），因此建议进行一次审查。"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("月球事务处的经费中经常预算占 12.5%，自愿捐款占 87.5%。", True),
        ("月球事务处的经费来自经常预算和自愿捐款，建议进行审查。", False),  # fluent, true, but without the shares
    ],
)
def test_a_reply_must_keep_shares_that_stand_only_in_parentheses_when_shares_are_asked(monkeypatch, text, shown):
    monkeypatch.setitem(FAKE_UNITS, "9.3", SHARES_UNIT)
    passage = replace(
        offline(),
        text=f"{SHARES_UNIT} [¶9.3]",
        citations=[Citation("paragraph", "9.3", [5, 6], quote=SHARES_UNIT)],
        mode="extractive",
    )
    reply = reply_json(text, ["¶9.3"])
    _, answer = run(GroundedAnswerer(fake_model(reply)), "月球事务处的经费各占几成？", passage, (Measure.PERCENTAGE,))
    assert withheld_reason(answer) is (None if shown else Withheld.INCOMPLETE), answer.text
    if not shown:
        assert "12.5%" in answer.verification.notes[-1] and "(12.5%" not in answer.verification.notes[-1]


# A FAKE figure answer whose checked total is written without a unit (¶9.4 is made up for this test).
PARTS_UNIT = "月球事务处 2024 年经常预算 1 200.0 千美元，预算外资源 300.0 千美元。"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("月球事务处 2024 年的资源合计 1 500.0 千美元。", True),
        ("月球事务处 2024 年经常预算 1 200.0 千美元，预算外资源 300.0 千美元。", False),  # the parts, not the total asked
    ],
)
def test_a_reply_must_keep_a_computed_total_even_where_the_checked_answer_gives_it_no_unit(monkeypatch, text, shown):
    monkeypatch.setitem(FAKE_UNITS, "9.4", PARTS_UNIT)
    total = replace(
        offline(),
        text="月球事务处 2024 年经常预算：1 200.0 千美元；预算外：300.0 千美元；合计：1 500.0 [¶9.4]",
        citations=[Citation("paragraph", "9.4", [7, 8], quote=PARTS_UNIT)],
        computations=[Computation("1 200.0 + 300.0 = 1 500.0", [1200.0, 300.0], "+", 1500.0)],
    )
    reply = reply_json(text, ["¶9.4"])
    _, answer = run(GroundedAnswerer(fake_model(reply)), "月球事务处 2024 年一共有多少资源？", total, (Measure.MONEY,))
    assert withheld_reason(answer) is (None if shown else Withheld.INCOMPLETE), answer.text


def test_the_note_of_a_withheld_answer_does_not_repeat_the_invented_figure_or_name():
    invented = reply_json("月球事务处 2024 年拟设 12 个员额，另有 77 个顾问。", ["¶9.1"])
    _, answer = run(GroundedAnswerer(fake_model(invented)), "月球事务处 2024 年有几个员额？", offline())
    assert withheld_reason(answer) is Withheld.FIGURE
    assert "77" not in answer.text and "77" in answer.verification.notes[-1]  # recorded, never shown
    named = reply_json("The Lunar Oversight Committee proposes 12 posts in 2024.", ["para. 9.1"])
    _, answer = run(GroundedAnswerer(fake_model(named)), "How many posts?", offline("en"))
    assert withheld_reason(answer) is Withheld.CLAIM
    assert "Lunar Oversight Committee" not in answer.text and "Lunar Oversight Committee" in answer.verification.notes[-1]


def test_answer_citing_an_id_it_was_not_given_is_withheld():
    reply = reply_json("月球事务处 2024 年拟设 12 个员额。", ["¶9.9"])
    _, answer = run(GroundedAnswerer(fake_model(reply)), "月球事务处 2024 年有几个员额？", offline())
    assert withheld_reason(answer) is Withheld.ID_NOT_GIVEN and "¶9.9" in answer.text


@pytest.mark.parametrize(
    ("language", "text", "missing"),
    [
        ("zh", "月球事务处由 1947 年成立的月球特别委员会领导，2024 年拟设 12 个员额。", "月球特别委员会"),
        ("zh", "火星事务处 2024 年拟设 12 个员额。", "火星事务处"),
        ("en", "The Lunar Oversight Committee proposes 12 posts in 2024.", "Lunar Oversight Committee"),
        ("en", "The OMA proposes 12 posts in 2024.", "OMA"),
        ("en", "The OLA proposes 12 posts in 2024 under resolution 98/777.", "98/777"),
    ],
)
def test_answer_naming_a_body_or_symbol_no_cited_unit_contains_is_withheld(language, text, missing):
    reply = reply_json(text, [ids(language)[0]])
    _, answer = run(GroundedAnswerer(fake_model(reply)), "How many posts?", offline(language))
    assert withheld_reason(answer) is Withheld.CLAIM
    assert missing in answer.verification.notes[-1]


def test_answer_declining_where_the_document_answers_is_withheld():
    reply = reply_json("The document does not say how many posts there are.", ["para. 9.1"])
    _, answer = run(GroundedAnswerer(fake_model(reply)), "How many posts?", offline("en"))
    assert was_withheld(answer)


def test_answer_in_the_wrong_language_is_withheld():
    reply = reply_json("月球事务处 2024 年拟设 12 个员额。", ["para. 9.1"])
    _, answer = run(GroundedAnswerer(fake_model(reply)), "How many posts?", offline("en"))
    assert was_withheld(answer) and "not in English" in answer.text


# ---------------------------------------------------------------------------------------------- abstention


class ExplodingModel(GenericFakeChatModel):
    """A FAKE model that fails the test if it is asked anything."""

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        raise AssertionError("the model was asked although the offline answer declines")


def test_model_is_not_asked_when_the_offline_answer_declines():
    declined = offline(abstained=True)
    _, answer = run(GroundedAnswerer(ExplodingModel(messages=iter([]))), "2031 年呢？", declined)
    assert answer is declined


# ---------------------------------------------------------------------------------------------- streaming


class CountingModel(BaseChatModel):
    """A FAKE chat model streaming a JSON reply one character at a time, counting what it produced."""

    reply: str
    produced: int = 0
    closed: bool = False

    @property
    def _llm_type(self) -> str:
        return "counting-fake"

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.reply))])

    def _stream(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
    ) -> Iterator[ChatGenerationChunk]:
        try:
            for char in self.reply:
                self.produced += 1
                yield ChatGenerationChunk(message=AIMessageChunk(content=char))
        finally:
            self.closed = True


def test_tokens_stream_as_the_answer_is_written_and_closing_stops_the_model():
    model = CountingModel(reply=reply_json("月球事务处 2024 年拟设 12 个员额。" * 5, ["¶9.1"]))
    generator = GroundedAnswerer(model).stream("几个员额？", offline(), FakeSource())  # type: ignore[arg-type]
    progress, first, second = next(generator), next(generator), next(generator)
    assert (progress.text, first.text, second.text) == ("", "月", "球")  # evidence chosen, then the model's words
    generator.close()
    deadline = time.monotonic() + 5
    while not model.closed and time.monotonic() < deadline:  # the model is closed by its stepping thread
        time.sleep(0.01)
    assert model.closed
    assert model.produced < len(model.reply) // 2


# ---------------------------------------------------------------------------------------------- schema


def test_reply_schema_allows_only_the_given_ids_and_at_least_one():
    schema = reply_schema(["¶9.1", "¶9.2"], "zh")
    assert schema["properties"]["citations"]["items"]["enum"] == ["¶9.1", "¶9.2"]
    assert schema["properties"]["citations"]["minItems"] == 1
    assert schema["required"] == ["answer", "citations"]


@pytest.mark.parametrize(
    ("language", "starts", "refused"),
    [("zh", ["月球事务处有 12 个员额。"], ["bytes", "$3,456.7", "12 个员额"]), ("en", ["The OLA has 12 posts.", "OLA"], ["月球", "$3,456.7", " The"])],
)
def test_reply_schema_makes_the_answer_start_in_the_questions_language(language, starts, refused):
    pattern = re.compile(reply_schema(["¶9.1"], language)["properties"]["answer"]["pattern"])
    assert all(pattern.search(text) for text in starts)
    assert not any(pattern.search(text) for text in refused)


def test_reply_grammar_lists_the_given_ids_as_json_strings_and_parses_in_llama_cpp():
    grammar = reply_grammar(["¶9.1", "表 9.2"], "zh")
    assert 'id ::= "\\"¶9.1\\"" | "\\"表 9.2\\""' in grammar
    assert grammar.startswith('root ::= "{\\"answer\\": \\"" first text')
    assert "first ::= [\u4e00-\u9fff]" in grammar
    llama_cpp = pytest.importorskip("llama_cpp")
    for language in ("zh", "en"):
        assert llama_cpp.LlamaGrammar.from_string(reply_grammar(["¶9.1", "表 9.2"], language), verbose=False)


def test_partial_answer_reads_the_answer_string_as_it_grows():
    full = json.dumps({"answer": 'a "quoted" 月球\n', "citations": ["¶9.1"]}, ensure_ascii=False)
    assert [partial_answer(full[:n]) for n in (5, 15, 17)] == ["", "a ", "a \"q"]
    assert partial_answer(full) == 'a "quoted" 月球\n'
