"""The load section of `budgetqa bench`: its mix, its counts and percentiles, its checks of every response.

Most tests load a FAKE answer service (tests/qa/conftest.py's canned answers, no index) served by uvicorn
in a thread, so that they are quick and can make the service misbehave on purpose; the slow test loads the
real ``budgetqa serve`` in its own process.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetqa.cli import app
from budgetqa.eval.bench import BenchReport, Section, SystemBench, render_markdown, serve_in_thread
from budgetqa.eval.bench_load import (
    LoadError,
    LoadLatency,
    Script,
    ask_call,
    chat_script,
    load_mix,
    render_load,
    run_load,
    search_call,
    serve_process,
    unit_call,
)
from budgetqa.eval.gold import default_gold_path, load_gold
from budgetqa.eval.runner import session_roots
from budgetqa.qa.model import Answer, AnswerEvent, Language
from tests.qa.conftest import FakeAnswerService

runner = CliRunner()

POSTS_ZH = "政治建和部 2024 年的员额资源是多少？"
MISSIONS_EN = "How much is proposed for special political missions in 2024?"
UNANSWERABLE_ZH = "建设和平基金 2018 年收到的捐款总额是多少？"


def fake_mix() -> list[Script]:
    """Every endpoint, both languages, an abstention and a conversation, over what the fake knows."""
    return [
        Script((ask_call(POSTS_ZH),)),
        chat_script([MISSIONS_EN, "And in 2023?"]),
        Script((ask_call(UNANSWERABLE_ZH),)),
        Script((search_call("员额"),)),
        Script((unit_call("表3.24"),)),
        Script((unit_call("3.144", "paragraph"),)),
    ]


@dataclass
class MisbehavingService(FakeAnswerService):
    """A FAKE service that answers every question right once, then fails one question with an exception
    (HTTP 500) and gives another a different answer each time."""

    broken: str = "BROKEN question about posts"
    flaky: str = "FLAKY question about special political missions"
    asked: Counter[str] = field(default_factory=Counter)

    def ask(self, question: str, *, session_id: str | None = None, lang: Language | None = None) -> Answer:
        self.asked[question] += 1
        answer = super().ask(question, session_id=session_id, lang=lang)
        if self.asked[question] > 1 and question == self.broken:
            raise RuntimeError("the index went away")
        if self.asked[question] > 1 and question == self.flaky:
            answer.text = f"{answer.text} (call {self.asked[question]})"
        return answer

    def stream(
        self, question: str, *, session_id: str | None = None, lang: Language | None = None
    ) -> Iterator[AnswerEvent]:
        """The same misbehaviour through the stream the server answers /ask from."""
        answer = self.ask(question, session_id=session_id, lang=lang)
        yield AnswerEvent(type="token", text=answer.text)
        yield AnswerEvent(type="answer", text=answer.text, answer=answer)


def test_the_mix_of_the_dev_set_asks_every_question_and_calls_every_endpoint() -> None:
    gold = load_gold(default_gold_path())
    mix = load_mix(gold)
    calls = [call for script in mix for call in script.calls]
    assert {call.endpoint for call in calls} == {"POST /ask", "POST /chat", "POST /search", "GET /units"}
    asked = [call.label for call in calls if call.endpoint in ("POST /ask", "POST /chat")]
    assert sorted(asked) == sorted([q.question for q in gold] + ["show table 3.27", "表3.24"])
    by_text = {q.question: q for q in gold}
    assert {by_text[text].lang for text in asked if text in by_text} == {"zh", "en"}
    assert any(not by_text[text].answerable for text in asked if text in by_text)
    assert any(by_text[text].type == "lookup" for text in asked if text in by_text)
    # A follow-up is the second turn of the conversation its first question starts.
    roots = session_roots(gold)
    follow_up = next(q for q in gold if q.follow_up_of is not None)
    conversation = next(s for s in mix if follow_up.question in [c.label for c in s.calls])
    turns = [q.question for q in gold if roots[q.id] == roots[follow_up.id]]
    assert len(turns) >= 2 and [c.label for c in conversation.calls] == turns
    assert conversation.conversation and all(c.endpoint == "POST /chat" for c in conversation.calls)
    assert Counter(c.endpoint for c in calls)["POST /search"] == 4
    assert Counter(c.endpoint for c in calls)["GET /units"] == 4
    # The extra calls are spread through the loop, not bunched at its end.
    positions = [n for n, s in enumerate(mix) if s.calls[0].endpoint in ("POST /search", "GET /units")]
    assert positions[0] < len(mix) // 3 and positions[-1] > len(mix) // 2


def test_load_percentiles_equal_the_standard_librarys_inclusive_quantiles() -> None:
    rng = random.Random(7)
    seconds = [rng.lognormvariate(-2.0, 0.8) for _ in range(997)]
    latency = LoadLatency.of(seconds)
    cuts = statistics.quantiles([s * 1000 for s in seconds], n=100, method="inclusive")
    assert latency.p50_ms == pytest.approx(cuts[49])
    assert latency.p95_ms == pytest.approx(cuts[94])
    assert latency.p99_ms == pytest.approx(cuts[98])
    assert latency.max_ms == pytest.approx(max(seconds) * 1000)
    steps = LoadLatency.of([0.001 * i for i in range(1, 101)])  # 1 … 100 ms
    assert (steps.p50_ms, steps.p95_ms, steps.p99_ms) == pytest.approx((50.5, 95.05, 99.01))


def test_five_clients_for_two_seconds_against_a_fake_service_get_only_200s_and_their_counts_add_up() -> None:
    fake = FakeAnswerService()
    with serve_in_thread(fake) as url:
        result = run_load(url, fake_mix(), clients=5, seconds=2.0)
    assert result.ok, result.error_messages
    assert result.statuses == {"200": result.requests}
    assert result.requests == sum(e.requests for e in result.endpoints) > 5
    assert {e.endpoint for e in result.endpoints} == {"POST /ask", "POST /chat", "POST /search", "GET /units"}
    assert result.incorrect == 0 and result.errors == 0 and not result.mismatches
    assert 2.0 <= result.seconds < 30
    assert result.per_second == pytest.approx(result.requests / result.seconds)
    assert result.latency.p50_ms <= result.latency.p95_ms <= result.latency.p99_ms <= result.latency.max_ms
    assert result.mix == {"GET /units": 2, "POST /ask": 2, "POST /chat": 2, "POST /search": 1}
    # The fake saw the reference pass once, then the clients: one session per client and conversation.
    sessions = [
        kwargs["session_id"]
        for name, kwargs in fake.calls
        if kwargs.get("question") in (MISSIONS_EN, "And in 2023?")
    ]
    assert sessions[:2] == ["reference-1", "reference-1"]
    clients = {re.match(r"load-(\d+)-\d+$", s).group(1) for s in sessions[2:] if s}  # type: ignore[union-attr]
    assert len(clients) == 5
    text = "\n".join(render_load(result))
    assert "## Load: 5 concurrent clients for 2 s" in text and "Load held" in text


def test_a_server_error_and_a_changed_answer_are_counted_and_named_with_their_question() -> None:
    fake = MisbehavingService()
    mix = [*fake_mix(), Script((ask_call(fake.broken),)), Script((ask_call(fake.flaky),))]
    with serve_in_thread(fake) as url:
        result = run_load(url, mix, clients=5, seconds=2.0)
    assert not result.ok
    # A 500 may also close its connection under a client that already sent its next request: an error.
    assert result.statuses.get("500", 0) >= 1 and set(result.statuses) <= {"200", "500", "error"}
    assert result.requests == sum(result.statuses.values())
    assert result.not_200 == result.statuses["500"] + result.errors
    ask = next(e for e in result.endpoints if e.endpoint == "POST /ask")
    assert ask.incorrect == result.incorrect >= 1
    assert [m.question for m in result.mismatches] == [fake.flaky]
    assert "(call " in result.mismatches[0].got and "(call " not in result.mismatches[0].expected
    assert any(fake.broken in message and "500" in message for message in result.error_messages)
    text = "\n".join(render_load(result))
    assert "**not held**" in text and fake.flaky in text and fake.broken in text


def test_a_reference_call_that_fails_stops_the_run_before_the_load() -> None:
    with serve_in_thread(FakeAnswerService()) as url, pytest.raises(LoadError, match="表9.99.*404"):
        run_load(url, [Script((unit_call("表9.99"),))], clients=2, seconds=1.0)


def test_a_server_that_exits_at_start_up_is_reported_with_its_output() -> None:
    command = [sys.executable, "-c", "import sys; print('no index here'); sys.exit(3)"]
    with pytest.raises(LoadError, match=r"exited with 3(.|\n)*no index here"):
        with serve_process(command, timeout=30):
            pass


def test_a_load_section_survives_its_json_and_joins_the_comparison_of_an_earlier_report() -> None:
    with serve_in_thread(FakeAnswerService()) as url:
        load = run_load(url, fake_mix()[:2], clients=2, seconds=0.5)
    only_load = BenchReport("2024-01-02T00:00:00+00:00", 1.0, {}, {}, None, None, load)
    again = BenchReport.from_json(json.loads(json.dumps(only_load.to_json())))
    assert again.load == load
    earlier = BenchReport(
        "2024-01-01T00:00:00+00:00",
        200.0,
        {"platform": "linux", "python": "3.11", "cpus": 2, "load_average": [1.0]},
        {"quick": False, "questions_timed": 2},
        SystemBench("budgetqa"),
        SystemBench("langchain tutorial (e5-small)"),
    )
    merged = again.keep_sections_of(earlier)
    assert merged.tool == earlier.tool and merged.started == earlier.started and merged.load == load
    text = render_markdown(merged)
    assert "| measure | budgetqa | langchain tutorial (e5-small) |" in text
    assert "## Load: 2 concurrent clients for 0.5 s" in text
    assert "comparison with the LangChain baseline was not run" in render_markdown(only_load)


def test_bench_refuses_an_unknown_section_and_names_the_valid_ones(tmp_path: Path) -> None:
    result = runner.invoke(app, ["bench", "--section", "speed", "--out", str(tmp_path / "b.md")])
    assert result.exit_code == 2
    assert "unknown benchmark section 'speed'" in result.output and "comparison, load" in result.output
    assert Section.from_str(" LOAD ") is Section.LOAD


@pytest.mark.slow
def test_the_real_server_holds_four_clients_for_three_seconds_with_only_200s_and_correct_answers(
    tmp_path: Path,
) -> None:
    out = tmp_path / "benchmarks.md"
    args = [
        "bench",
        "--quick",
        "--section",
        "load",
        "--load-clients",
        "4",
        "--load-seconds",
        "3",
        "--out",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    load = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["load"]
    assert load["clients"] == 4 and load["statuses"] == {"200": load["requests"]} and load["requests"] >= 4
    assert load["incorrect"] == 0 and load["errors"] == 0
    assert set(load["mix"]) == {"POST /ask", "POST /chat", "POST /search", "GET /units"}
    assert load["machine"]["server_peak_mb"] > 0
    text = out.read_text(encoding="utf-8")
    assert "## Load: 4 concurrent clients for 3 s" in text and "Load held" in text
