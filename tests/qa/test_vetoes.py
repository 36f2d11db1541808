"""Vetoes on the best evidence, each a named reason, against the real document."""

from __future__ import annotations

import doctest

import pytest

from budgetqa.qa import vetoes
from budgetqa.qa.service import QAService
from budgetqa.qa.vetoes import Veto
from budgetqa.settings import Settings


@pytest.fixture(scope="module")
def service() -> QAService:
    return QAService.open(Settings.from_env())


def test_the_doctests_hold() -> None:
    assert doctest.testmod(vetoes).failed == 0


def test_every_veto_is_explained_in_both_languages() -> None:
    for veto in Veto:
        assert veto.explain("zh") and veto.explain("en") and veto.explain("zh") != veto.explain("en")


def _veto(service: QAService, question: str) -> Veto | None:
    resolved = service.searcher.resolve(question, None)
    parsed = service.parse(question)
    hits = service.evidence_hits(question, resolved, parsed, parsed.lang)
    return service.extractive.select(question, hits, split=False)[0].veto


@pytest.mark.slow
def test_a_role_the_evidence_never_states_vetoes_it(service: QAService) -> None:
    assert _veto(service, "谁担任了巴勒斯坦人民权利委员会的报告员？") is Veto.ROLE_NOT_STATED


@pytest.mark.slow
def test_a_year_the_evidence_gives_no_figure_for_vetoes_it(service: QAService) -> None:
    assert _veto(service, "建设和平基金 2016 年投入了多少钱？") is Veto.OTHER_YEAR


@pytest.mark.slow
def test_an_abstention_says_why_in_the_question_language(service: QAService) -> None:
    answer = service.ask("Who served as rapporteur of the Committee on the Exercise of the Inalienable Rights of the Palestinian People?")
    assert answer.abstained
    assert Veto.ROLE_NOT_STATED.explain("en").capitalize() in answer.text
