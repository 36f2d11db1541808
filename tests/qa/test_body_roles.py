"""What a body does, from the first paragraph of its mandate (heading 任务和背景): the question forms
that ask only for a body's role, in both languages, and those that ask something more.  Questions
are our own wordings; the paragraphs are the bundled document's."""

from __future__ import annotations

import pytest

from budgetqa.index.glossary import load_glossary
from budgetqa.ingest.bodies import BodyRegistry
from budgetqa.ingest.commands import load_document
from budgetqa.ingest.facts import extract_facts
from budgetqa.qa.body_roles import asks_role
from budgetqa.qa.service import QAService
from budgetqa.qa.understand import Understanding
from budgetqa.settings import Settings


@pytest.fixture(scope="module")
def parsing():
    document = load_document()
    registry = BodyRegistry.of(document)
    facts = extract_facts(document, registry)
    return registry, Understanding.of(document, facts, load_glossary())


@pytest.mark.parametrize(
    "question",
    [
        "联非办到底是做什么的？",
        "反恐办主要负责什么工作",
        "损失登记册的职责有哪些？",
        "What does the Office of the Special Coordinator do?",
        "What is the role of UNOAU?",
        "What are DPPA's core responsibilities?",
        "What resolutions is the Register of Damage's mandate based on?",
        "Where does UNOCT's mandate come from?",
        "损失登记册的任务来源是什么？",
    ],
)
def test_a_question_asking_only_what_a_body_does_asks_its_role(parsing, question: str) -> None:
    registry, understanding = parsing
    assert asks_role(understanding.parse(question), registry)


@pytest.mark.parametrize(
    "question",
    [
        "What does UNOCT do to support victims of terrorism?",
        "联非办 2024 年的经常预算是多少？",
        "反恐办和联非办是做什么的？",
        "Who heads the Office to the African Union?",
        "政治建和部在选举援助方面做了什么？",
        "Which resolutions does UNOAU report on to the Security Council?",
    ],
)
def test_a_question_asking_more_than_the_role_is_not_a_role_question(parsing, question: str) -> None:
    registry, understanding = parsing
    assert not asks_role(understanding.parse(question), registry)


@pytest.fixture(scope="module")
def service() -> QAService:
    return QAService.open(Settings.from_env())


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "ref", "shown"),
    [
        ("损失登记册是干什么的？", "3.175", "以文献形式记录"),
        ("What is the mandate of UNSCO?", "3.145", "coordinat"),
        ("反恐办的职能是什么？", "3.233", "五项主要职能"),
    ],
)
def test_a_role_question_quotes_the_opening_of_the_mandate(service: QAService, question: str, ref: str, shown: str) -> None:
    answer = service.ask(question)
    assert not answer.abstained and [c.ref for c in answer.citations] == [ref]
    assert shown in answer.text
