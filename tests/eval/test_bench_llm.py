"""The local model's bench section, timed over FAKE answer streams (no model runs)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from budgetqa.eval.bench_llm import render_markdown, time_question
from budgetqa.qa.grounded import Withheld, withheld_note
from budgetqa.qa.model import Answer, AnswerEvent, VerificationReport


@dataclass
class PacedFake:
    """A FAKE service: waits `wait_s`, streams `pieces` pieces, then answers (declined or withheld as told)."""

    wait_s: float
    pieces: int
    abstained: bool = False
    withheld: bool = False

    def stream(self, question: str) -> Iterator[AnswerEvent]:
        time.sleep(self.wait_s)
        for _ in range(self.pieces):
            yield AnswerEvent("token", "x")
        notes = [withheld_note(Withheld.FIGURE, "a reason")] if self.withheld else []
        answer = Answer(question, "en", "x", [], 0.5, self.abstained, verification=VerificationReport(notes=notes))
        yield AnswerEvent("answer", answer=answer)


@pytest.mark.parametrize(
    ("fake", "outcome"),
    [
        (PacedFake(0.2, 3), "offline"),
        (PacedFake(0.2, 3, withheld=True), f"withheld ({Withheld.FIGURE.value})"),
        (PacedFake(0.2, 1, abstained=True), "declined"),
    ],
)
def test_time_question_reports_the_wait_for_the_first_piece_and_the_outcome(fake, outcome):
    timing = time_question(fake, "q")  # type: ignore[arg-type]
    assert timing.first_token_s is not None and 0.2 <= timing.first_token_s < 1.0
    assert timing.total_s >= timing.first_token_s
    assert (timing.pieces, timing.outcome) == (fake.pieces, outcome)


def test_render_markdown_gives_medians_of_the_questions_sent_to_the_model():
    timings = [time_question(PacedFake(0.0, 2), "a"), time_question(PacedFake(0.0, 1, abstained=True), "b")]  # type: ignore[arg-type]
    text = "\n".join(render_markdown(timings, "fake", "test"))
    assert "1 of 2 questions sent to the model" in text and "Median time to the first token" in text
    assert text.count("\n| ") == 3


def test_each_row_gives_the_prompt_size_and_the_load_it_ran_under():
    timing = time_question(PacedFake(0.0, 2), "a", tokens=240)  # type: ignore[arg-type]
    assert timing.prompt_tokens == 240 and timing.load >= 0
    row = render_markdown([timing], "fake", "test")[-1]
    assert row.startswith("| a | 240 | ") and row.endswith(f"| offline | {timing.load:.1f} |")
