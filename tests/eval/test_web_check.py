"""The web check's verdicts and report, over FAKE page observations (no server, no browser)."""

from __future__ import annotations

from budgetqa.eval.web_check import WebAnswer, render_markdown


def test_an_answer_that_streamed_and_finished_has_no_problem_and_a_503_or_a_whole_answer_does() -> None:
    streamed = WebAnswer("q", statuses=[200], first_draft_s=12.5, draft_pieces=9, total_s=30.0, state="done", text="6 个员额 llm:fake")
    failed = WebAnswer("q", statuses=[503], state="error", text="Error: timed out")
    whole = WebAnswer("q", statuses=[200], state="done", text="6 个员额 facts")
    assert streamed.problems == []
    assert len(failed.problems) == 3 and "server error" in failed.problems[0]
    assert whole.problems == ["the model's words did not stream into the page"]
    rows = render_markdown([streamed, failed, whole], "test")[-3:]
    assert rows[0] == "| q | 200 | 12.5 | 9 | 30.0 | generated | none |"
    assert "| error |" in rows[1] and "| offline |" in rows[2]
