"""Where the answers of an evaluation run came from, counted over FAKE answers (made-up text and ids)."""

from __future__ import annotations

from dataclasses import replace

from budgetqa.eval.generative_metrics import count_answers, render_markdown
from budgetqa.qa.grounded import Withheld, withheld_note
from budgetqa.qa.model import Answer, Citation, VerificationReport

CITED = Answer("q", "zh", "月球事务处 12 个员额 [¶9.1]", [Citation("paragraph", "9.1", [1, 2])], 0.9, False, mode="facts")


def withheld(kind: Withheld) -> Answer:
    return replace(CITED, verification=VerificationReport(notes=[withheld_note(kind, "a reason")]))


def test_answers_are_counted_by_source_and_withheld_ones_by_the_check_they_failed() -> None:
    answers = [
        replace(CITED, mode="llm:fake"),
        withheld(Withheld.CLAIM),
        withheld(Withheld.FIGURE),
        withheld(Withheld.CLAIM),
        replace(CITED, text="没有", citations=[], abstained=True),
        CITED,
    ]
    sources = count_answers(answers)
    assert (sources.total, sources.generated, sources.withheld, sources.declined, sources.offline) == (6, 1, 3, 1, 1)
    assert sources.withheld_by == {"FIGURE": 1, "CLAIM": 2}  # in the order the checks run
    assert sources.shown_without_citation == 0
    text = "\n".join(render_markdown(sources, "fake"))
    assert "| 6 | 1 | 3 | 1 | 1 | 0 |" in text
    assert f"- {Withheld.CLAIM.value}: 2" in text


def test_an_answer_shown_without_a_citation_is_counted_whatever_its_source() -> None:
    uncited = [replace(CITED, citations=[]), replace(CITED, citations=[], mode="llm:fake")]
    sources = count_answers(uncited)
    assert sources.shown_without_citation == 2
    assert "No chat model (offline mode)." in render_markdown(sources, None)
