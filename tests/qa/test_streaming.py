"""Answer streams the server can stop, and the request timeout applying to silence, not to the whole answer.

The services here are FAKES (:class:`~tests.qa.conftest.FakeAnswerService` with a steady or a stalling
token stream); no model runs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from budgetqa.qa.model import AnswerEvent, Language
from budgetqa.qa.server import create_app
from budgetqa.qa.streaming import StoppableEvents, with_heartbeat

from .conftest import FakeAnswerService

TIMEOUT_S = 0.5


def counting_source(
    produced: list[int], closed: threading.Event, gate: threading.Event | None = None, step_s: float = 0.0
) -> Iterator[int]:
    """A source that counts the items it produced and notes when it is closed; `gate` holds each step,
    and each takes `step_s` seconds (a model reading its prompt)."""
    try:
        for number in range(100):
            if gate is not None:
                gate.wait(5)
            time.sleep(step_s)
            produced.append(number)
            yield number
    finally:
        closed.set()


def test_stopping_an_idle_stream_closes_its_source_at_once():
    produced: list[int] = []
    closed = threading.Event()
    events = StoppableEvents(counting_source(produced, closed))
    assert [next(events), next(events)] == [0, 1]
    events.stop()
    assert closed.is_set() and next(events, None) is None and produced == [0, 1]


def test_stopping_a_stream_during_a_step_closes_it_when_the_step_returns():
    produced: list[int] = []
    closed = threading.Event()
    gate = threading.Event()
    events = StoppableEvents(counting_source(produced, closed, gate))
    worker = threading.Thread(target=lambda: next(events))
    worker.start()
    time.sleep(0.05)
    events.stop()  # a step is in flight: it cannot be closed yet
    assert not closed.is_set()
    gate.set()
    worker.join(5)
    assert closed.is_set() and produced == [0]
    assert next(events, None) is None


@dataclass
class PacedService(FakeAnswerService):
    """A FAKE service whose streams write one token every `pace_s` seconds, for `tokens` tokens, noting
    when a stream is closed and how many tokens it wrote."""

    pace_s: float = 0.1
    tokens: int = 12
    written: list[int] = field(default_factory=list)
    closed: threading.Event = field(default_factory=threading.Event)

    def stream(self, question: str, *, session_id: str | None = None, lang: Language | None = None) -> Iterator[AnswerEvent]:
        self.calls.append(("stream", {"question": question, "session_id": session_id, "lang": lang}))
        answer = self._answer(question, lang)
        try:
            for number in range(self.tokens):
                time.sleep(self.pace_s)
                self.written.append(number)
                yield AnswerEvent("token", f"{number} ")
            yield AnswerEvent("answer", answer=answer)
        finally:
            self.closed.set()


def client(service: Any) -> TestClient:
    return TestClient(create_app(service, request_timeout_s=TIMEOUT_S))


def test_a_long_answer_that_keeps_writing_is_not_timed_out():
    service = PacedService(pace_s=0.1, tokens=12)  # 1.2 s in all, never silent for 0.5 s
    with client(service) as test_client:
        for path, body in (("/ask", {"question": "员额"}), ("/chat", {"message": "员额", "session_id": "s1"})):
            response = test_client.post(path, json=body)
            assert response.status_code == 200, response.text
            assert "47 270.9" in response.json()["answer"]
        streamed = test_client.post("/ask/stream", json={"question": "员额"}).text
        assert streamed.count("event: token") == 12 and "event: answer" in streamed


def test_a_silent_answer_is_a_503_and_its_generation_is_stopped():
    service = PacedService(pace_s=2.0, tokens=50)  # silent for 2 s before each token
    with client(service) as test_client:
        response = test_client.post("/ask", json={"question": "员额"})
        assert response.status_code == 503 and "without progress" in response.json()["detail"]
        assert service.closed.wait(5), "the stream went on after the request timed out"
    assert len(service.written) <= 2


def test_a_slow_step_reports_progress_until_its_item_comes():
    produced: list[int] = []
    closed = threading.Event()
    stream = with_heartbeat(counting_source(produced, closed, step_s=0.5), every_s=0.1)
    seen = [next(stream) for _ in range(12)]
    assert seen.count(0) == 1 and seen.count(1) == 1 and seen.count(None) >= 6
    assert seen.index(0) >= 3  # the marks came while the first item was computed


def test_closing_a_stream_with_progress_stops_its_source_after_the_step_in_flight():
    produced: list[int] = []
    closed = threading.Event()
    stream = with_heartbeat(counting_source(produced, closed, step_s=0.3), every_s=0.05)
    assert next(stream) is None  # the first item is being computed
    stream.close()
    assert closed.wait(2)
    time.sleep(0.5)
    assert produced == [0]  # the step in flight finished; none after it


def test_a_step_that_runs_too_long_falls_silent_and_an_error_reaches_the_consumer():
    def failing() -> Iterator[int]:
        time.sleep(0.5)
        raise ValueError("the model server went away")
        yield 0

    stream = with_heartbeat(failing(), every_s=0.05, max_step_s=0.1)
    started = time.monotonic()
    marks = 0
    try:
        for item in stream:
            assert item is None
            marks += 1
    except ValueError as error:
        assert "went away" in str(error)
    else:
        raise AssertionError("the source's error was lost")
    assert marks <= 3 and time.monotonic() - started >= 0.45
