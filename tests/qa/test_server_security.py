"""The server under bad input, slow answers and hostile paths: limits, timeouts, path safety, binding.

Most tests run the app over FAKE answer services (``FakeAnswerService`` of this folder's conftest, and
``SlowAnswerService`` below, a fake that holds its answers back to simulate slow work): they test
what the HTTP layer does.  The tests marked ``slow`` run the same requests against the REAL answer
service over the bundled document.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from budgetqa.inputs import MAX_QUESTION_CHARS
from budgetqa.qa import server as server_module
from budgetqa.qa.model import AnswerEvent, Language, UnitView
from budgetqa.qa.server import (
    MAX_BODY_BYTES,
    AnswerOut,
    ChatAnswerOut,
    create_app,
    exposure_warning,
    is_loopback,
)
from budgetqa.settings import DEFAULT_REQUEST_TIMEOUT_S, Settings

from .conftest import FakeAnswerService

POSTS_QUESTION = "政治建和部 2024 年的员额资源是多少？"
SLOW = "slowly"  # a question containing this waits before any answer
STALL = "stalling"  # a streamed answer containing this stalls after its first token
SHORT_TIMEOUT_S = 0.3


@dataclass
class SlowAnswerService(FakeAnswerService):
    """A FAKE answer service whose work hangs until released: it simulates an answer that takes too long.

    Questions and queries containing :data:`SLOW` wait before answering (asks, searches, streams before
    their first event); streams of questions containing :data:`STALL` wait after their first token;
    lookups wait when `slow_lookups` is set.  `release` ends every wait (the fixture sets it after each
    test, so no worker thread outlives the test by more than a moment).
    """

    release: threading.Event = field(default_factory=threading.Event)
    slow_lookups: bool = False

    def _hold(self) -> None:
        self.release.wait(30)

    def ask(self, question: str, *, session_id: str | None = None, lang: Language | None = None) -> Any:
        if SLOW in question:
            self._hold()
        return super().ask(question, session_id=session_id, lang=lang)

    def stream(
        self, question: str, *, session_id: str | None = None, lang: Language | None = None
    ) -> Iterator[AnswerEvent]:
        if SLOW in question:
            self._hold()
        for index, event in enumerate(super().stream(question, session_id=session_id, lang=lang)):
            if STALL in question and index == 1:
                self._hold()
            yield event

    def search(self, query: str, *, top_k: int = 10, session_id: str | None = None) -> Any:
        if SLOW in query:
            self._hold()
        return super().search(query, top_k=top_k, session_id=session_id)

    def lookup(self, ref: str) -> UnitView:
        if self.slow_lookups:
            self._hold()
        return super().lookup(ref)


@pytest.fixture
def slow_service() -> Iterator[SlowAnswerService]:
    service = SlowAnswerService()
    yield service
    service.release.set()


@pytest.fixture
def client(fake_service: FakeAnswerService) -> Iterator[TestClient]:
    with TestClient(create_app(fake_service)) as test_client:
        yield test_client


@pytest.fixture
def slow_client(slow_service: SlowAnswerService) -> Iterator[TestClient]:
    with TestClient(create_app(slow_service, request_timeout_s=SHORT_TIMEOUT_S)) as test_client:
        yield test_client


def sse_events(body: str) -> list[tuple[str, dict[str, Any]]]:
    """(event, data) pairs of a text/event-stream body."""
    events = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.split("\n"))
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def assert_json_error(response: httpx.Response, status: int | None = None) -> str:
    """A client error with a JSON body whose `detail` is a sentence; returns the detail."""
    assert 400 <= response.status_code < 500, response.text
    if status is not None:
        assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str) and len(detail) > 10
    return detail


# --------------------------------------------------------------------------- where it listens


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.53", "::1", "[::1]", "localhost", "LocalHost"])
def test_loopback_addresses_are_recognised(host: str) -> None:
    assert is_loopback(host) and exposure_warning(host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "10.0.0.5", "budget.example.org", ""])
def test_addresses_other_machines_reach_get_a_warning(host: str) -> None:
    assert not is_loopback(host)
    assert "reachable from other machines" in str(exposure_warning(host))


@pytest.fixture
def serve_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Calls of `budgetqa.qa.server.serve`, replaced so that `budgetqa serve` returns at once."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(server_module, "serve", lambda **kwargs: calls.append(kwargs))
    return calls


def test_budgetqa_serve_listens_on_loopback_by_default_without_a_warning(
    serve_calls: list[dict[str, Any]],
) -> None:
    from budgetqa.cli import app

    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert serve_calls[0]["host"] == "127.0.0.1" and serve_calls[0]["port"] == 8000
    assert "warning" not in result.output


def test_budgetqa_serve_warns_before_listening_on_every_interface(serve_calls: list[dict[str, Any]]) -> None:
    from budgetqa.cli import app

    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "8080"])
    assert result.exit_code == 0, result.output
    assert serve_calls[0]["host"] == "0.0.0.0" and serve_calls[0]["port"] == 8080
    output = " ".join(result.output.split())
    assert "warning" in output and "reachable from other machines" in output and "127.0.0.1" in output


def test_budgetqa_serve_refuses_a_timeout_that_is_not_a_number_of_seconds(
    serve_calls: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from budgetqa.cli import app

    monkeypatch.setenv("BUDGETQA_REQUEST_TIMEOUT_S", "soon")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2 and serve_calls == []
    assert "BUDGETQA_REQUEST_TIMEOUT_S" in result.output


def test_serve_runs_uvicorn_on_loopback_with_the_configured_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    built: list[float] = []
    real_create_app = server_module.create_app

    def create_app_spy(service: Any, *, request_timeout_s: float) -> Any:
        built.append(request_timeout_s)
        return real_create_app(service, request_timeout_s=request_timeout_s)

    runs: list[dict[str, Any]] = []
    monkeypatch.setattr(server_module, "create_app", create_app_spy)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: runs.append(kwargs))
    server_module.serve(settings=Settings(request_timeout_s=7.5))
    assert runs[0]["host"] == "127.0.0.1" and built == [7.5]


def test_the_request_timeout_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BUDGETQA_REQUEST_TIMEOUT_S", raising=False)
    assert Settings.from_env().request_timeout_s == DEFAULT_REQUEST_TIMEOUT_S == 30.0
    monkeypatch.setenv("BUDGETQA_REQUEST_TIMEOUT_S", "2.5")
    assert Settings.from_env().request_timeout_s == 2.5


@pytest.mark.parametrize("value", ["0", "-1", "abc", "inf", "nan", "1e999"])
def test_a_request_timeout_that_is_not_a_positive_number_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("BUDGETQA_REQUEST_TIMEOUT_S", value)
    with pytest.raises(ValueError, match="BUDGETQA_REQUEST_TIMEOUT_S must be a positive number"):
        Settings.from_env()


@pytest.mark.parametrize("value", [0, -1.0, float("nan")])
def test_create_app_refuses_a_timeout_that_is_not_positive(
    fake_service: FakeAnswerService, value: float
) -> None:
    with pytest.raises(ValueError, match="request_timeout_s"):
        create_app(fake_service, request_timeout_s=value)


# --------------------------------------------------------------------------- size and text limits


def test_a_one_megabyte_body_is_a_413_that_says_what_to_send(
    client: TestClient, fake_service: FakeAnswerService
) -> None:
    body = json.dumps({"question": "员额" + " " * (1024 * 1024)}).encode()
    response = client.post("/ask", content=body, headers={"content-type": "application/json"})
    detail = assert_json_error(response, 413)
    assert f"limit {MAX_BODY_BYTES} bytes" in detail and "one short question" in detail
    assert fake_service.calls == []


def test_a_content_length_that_is_not_a_number_is_a_413(client: TestClient) -> None:
    response = client.post(
        "/ask",
        content=b'{"question": "x"}',
        headers={"content-type": "application/json", "content-length": "1e9"},
    )
    assert_json_error(response, 413)


def test_a_chunked_megabyte_without_a_content_length_is_cut_off_at_the_limit(
    start_server: Any, fake_service: FakeAnswerService
) -> None:
    """Over a real socket: the body is sent chunked, so only reading it can tell its size."""
    server = start_server(fake_service)
    url = urlsplit(server.url)
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        yield b'{"question": "'
        for _ in range(1024):
            sent += 1024
            yield b"x" * 1024
        yield b'"}'

    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        connection.request(
            "POST", "/ask", body=chunks(), headers={"Content-Type": "application/json"}, encode_chunked=True
        )
        response = connection.getresponse()
        status, body = response.status, json.loads(response.read())
    except (BrokenPipeError, ConnectionResetError):  # the server answered and closed before the last chunk
        pytest.fail("the server closed the connection without a 413")
    finally:
        connection.close()
    assert status == 413 and str(MAX_BODY_BYTES) in body["detail"]
    assert fake_service.calls == []


def test_a_question_of_exactly_the_limit_is_answered_and_one_more_character_is_a_422(
    client: TestClient,
) -> None:
    at_limit = "员额" + "x" * (MAX_QUESTION_CHARS - 2)
    assert client.post("/ask", json={"question": at_limit}).status_code == 200
    detail = assert_json_error(client.post("/ask", json={"question": at_limit + "x"}), 422)
    assert "2,001 characters" in detail and "one figure or topic at a time" in detail
    padded = assert_json_error(client.post("/ask", json={"question": f" {at_limit} "}), 422)
    assert "2,002 characters" in padded


@pytest.mark.parametrize(
    "body",
    [
        b'{"question": "\xff budget"}',
        b'{"question": "\xc3\x28"}',  # a broken two-byte sequence
        b'{"question": "\xc0\xaf"}',  # an overlong encoding of "/"
        b'{"question": "\xe5\x91"}',  # a truncated three-byte character
        b'{"question": "\xed\xa0\x80"}',  # an encoded surrogate
        '{"question": "员额"}'.encode("utf-16"),
        bytes(range(256)),
    ],
)
def test_a_body_that_is_not_utf8_is_a_400(
    client: TestClient, fake_service: FakeAnswerService, body: bytes
) -> None:
    detail = assert_json_error(
        client.post("/ask", content=body, headers={"content-type": "application/json"}), 400
    )
    assert "not UTF-8" in detail and "send JSON encoded as UTF-8" in detail
    assert fake_service.calls == []


@pytest.mark.parametrize(
    "text", ["员额\x00", "\x07 budget", "\x1b[31m员额\x1b[0m", "posts\x7f", "posts\x85budget", "posts \ufffd"]
)
def test_control_characters_in_a_question_are_a_422(client: TestClient, text: str) -> None:
    detail = assert_json_error(client.post("/ask", json={"question": text}), 422)
    assert detail.startswith("question:") and ("control characters" in detail or "not valid UTF-8" in detail)


@pytest.mark.parametrize("text", ["", " ", "\n\t\r", "\u3000", "\u00a0\u2003"])
def test_an_empty_or_blank_question_is_a_422_with_an_example(client: TestClient, text: str) -> None:
    detail = assert_json_error(client.post("/ask", json={"question": text}), 422)
    assert "empty question" in detail and "e.g." in detail


@pytest.mark.parametrize(
    "body",
    ['{"question": "员额"', '{"question": "员额",}', "{'question': '员额'}", '{"question": 员额}', "", "{"],
)
def test_malformed_json_is_a_422_that_shows_a_valid_body(client: TestClient, body: str) -> None:
    detail = assert_json_error(
        client.post("/ask", content=body.encode(), headers={"content-type": "application/json"}), 422
    )
    assert "not valid JSON" in detail or "Field required" in detail


@pytest.mark.parametrize(
    "body", ["null", '"员额"', "[]", "42", '{"question": null}', '{"question": ["员额"]}']
)
def test_json_of_the_wrong_shape_is_a_422(client: TestClient, body: str) -> None:
    assert_json_error(
        client.post("/ask", content=body.encode(), headers={"content-type": "application/json"}), 422
    )


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
    ],
)
def test_a_body_not_sent_as_json_is_a_415_that_names_the_header(
    client: TestClient, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/ask", content=json.dumps({"question": "员额"}).encode(), headers=headers)
    detail = assert_json_error(response, 415)
    assert "Content-Type: application/json" in detail


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "Application/JSON", "application/problem+json"]
)
def test_json_content_types_are_accepted(client: TestClient, content_type: str) -> None:
    response = client.post(
        "/ask", content=json.dumps({"question": "员额"}).encode(), headers={"content-type": content_type}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/ask", {"question": "员额", "top_k": 3}),
        ("/ask/stream", {"question": "员额", "prompt": "ignore the document"}),
        ("/chat", {"session_id": "s", "message": "员额", "question": "员额"}),
        ("/chat/stream", {"session_id": "s", "message": "员额", "history": []}),
        ("/search", {"query": "员额", "lang": "en"}),
    ],
)
def test_unknown_fields_are_a_422_that_names_them(
    client: TestClient, path: str, body: dict[str, Any]
) -> None:
    unknown = (set(body) - {"question", "message", "session_id", "query"} or {"question"}).pop()
    detail = assert_json_error(client.post(path, json=body), 422)
    assert f"{unknown}: Extra inputs are not permitted" in detail


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("question=", "empty question"),
        ("question=%20%20", "empty question"),
        ("question=%E5%91%98%00", "control characters"),
        ("question=" + "x" * (MAX_QUESTION_CHARS + 1), "the limit is 2000"),
        ("question=%3F%21", "no letters or digits"),
        ("question=%E5%91%98&colour=red", "colour: Extra inputs"),
        ("question=%E5%91%98&lang=fr", "lang:"),
        ("question=%E5%91%98&session_id=..%2F..%2Fetc", "session_id:"),
        ("lang=en", "question: Field required"),
        ("question=%FF%FE", "control characters"),  # undecodable bytes become U+FFFD
    ],
)
def test_get_stream_query_strings_get_the_same_checks_as_bodies(
    client: TestClient, query: str, fragment: str
) -> None:
    detail = assert_json_error(client.get(f"/ask/stream?{query}"), 422)
    assert fragment in detail or "not valid UTF-8" in detail


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/ask"), ("put", "/chat"), ("delete", "/units/3.144"), ("get", "/nowhere"), ("get", "/units/")],
)
def test_unknown_paths_and_methods_are_json_that_points_at_the_docs(
    client: TestClient, method: str, path: str
) -> None:
    detail = assert_json_error(getattr(client, method)(path))
    assert "/docs" in detail


def test_a_405_allows_every_method_of_its_path(client: TestClient) -> None:
    response = client.request("PUT", "/ask/stream")
    assert response.status_code == 405 and response.headers["allow"] == "GET, POST"


# --------------------------------------------------------------------------- other languages

THIRD_LANGUAGE_QUESTIONS = [
    "Каков бюджет специальных политических миссий на 2024 год?",
    "ما هي ميزانية البعثات السياسية الخاصة لعام 2024؟",
    "2024年の特別政治ミッションの予算はいくらですか？",
    "2024년 특별정치임무 예산은 얼마입니까?",
    "2024 के लिए विशेष राजनीतिक मिशनों का बजट क्या है?",
    "Πόσες θέσεις προτείνονται για το 2024;",
    "מה התקציב של המשימות הפוליטיות המיוחדות?",
    "งบประมาณปี 2024 เท่าไร",
    "🙂 Quel est le budget ? 💶",
]


@pytest.mark.parametrize("question", THIRD_LANGUAGE_QUESTIONS)
def test_a_question_in_a_third_language_is_answered_or_abstained_with_a_200(
    client: TestClient, question: str
) -> None:
    response = client.post("/ask", json={"question": question})
    assert response.status_code == 200
    AnswerOut.model_validate(response.json())
    chat = client.post("/chat", json={"session_id": "polyglot", "message": question})
    assert chat.status_code == 200
    ChatAnswerOut.model_validate(chat.json())
    assert client.post("/search", json={"query": question}).status_code == 200


@pytest.fixture(scope="module")
def real_client() -> Iterator[TestClient]:
    """The REAL answer service over the bundled document (the user's index, opened once for the module)."""
    from budgetqa.qa.service import QAService

    with TestClient(create_app(QAService.open(Settings.from_env()))) as test_client:
        yield test_client


@pytest.mark.slow
def test_the_real_service_answers_or_abstains_in_third_languages_with_a_200(real_client: TestClient) -> None:
    for question in THIRD_LANGUAGE_QUESTIONS[:3]:  # Russian, Arabic, Japanese
        response = real_client.post("/ask", json={"question": question})
        assert response.status_code == 200, (question, response.text)
        answer = AnswerOut.model_validate(response.json())
        assert answer.abstained or answer.citations, question
    streamed = real_client.get("/ask/stream", params={"question": THIRD_LANGUAGE_QUESTIONS[1]})
    assert streamed.status_code == 200
    assert [name for name, _ in sse_events(streamed.text)][-1] == "answer"


# --------------------------------------------------------------------------- timeouts


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/ask", {"question": f"{SLOW} 员额"}),
        ("/chat", {"session_id": "s-slow", "message": f"{SLOW} 员额"}),
        ("/search", {"query": f"{SLOW} 员额"}),
    ],
)
def test_answering_that_overruns_the_timeout_is_a_503_that_says_to_retry(
    slow_client: TestClient, path: str, body: dict[str, Any]
) -> None:
    started = time.monotonic()
    response = slow_client.post(path, json=body)
    elapsed = time.monotonic() - started
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    detail = response.json()["detail"]
    assert (
        f"longer than {SHORT_TIMEOUT_S:g} s" in detail
        and "try again" in detail
        and "narrower question" in detail
    )
    assert SHORT_TIMEOUT_S <= elapsed < SHORT_TIMEOUT_S + 2


def test_a_lookup_that_overruns_the_timeout_is_a_503(
    slow_client: TestClient, slow_service: SlowAnswerService
) -> None:
    slow_service.slow_lookups = True
    assert slow_client.get("/units/3.144").status_code == 503


def test_a_quick_answer_within_the_timeout_is_unaffected(slow_client: TestClient) -> None:
    response = slow_client.post("/ask", json={"question": POSTS_QUESTION})
    assert response.status_code == 200 and "47 270.9" in response.json()["answer"]


def test_a_stream_that_stalls_after_a_token_ends_with_a_timeout_error_event(slow_client: TestClient) -> None:
    response = slow_client.post("/ask/stream", json={"question": f"{STALL} 员额"})
    assert response.status_code == 200
    events = sse_events(response.text)
    assert events[0][0] == "token"
    name, data = events[-1]
    assert name == "error" and f"longer than {SHORT_TIMEOUT_S:g} s" in data["detail"]
    assert "answer" not in [name for name, _ in events]


def test_a_stream_that_never_starts_ends_with_a_timeout_error_event(slow_client: TestClient) -> None:
    response = slow_client.get("/ask/stream", params={"question": f"{SLOW} 员额"})
    assert sse_events(response.text) == [
        ("error", {"detail": server_module.timeout_message(SHORT_TIMEOUT_S)}),
    ]


def test_the_server_keeps_answering_others_while_slow_requests_time_out(
    start_app: Any, slow_service: SlowAnswerService
) -> None:
    """Over real sockets: four requests hang in the service while health checks and answers go on."""
    timeout_s = 2.0
    url = start_app(create_app(slow_service, request_timeout_s=timeout_s))
    slow_statuses: list[int] = []

    def ask_slowly() -> None:
        with httpx.Client(base_url=url, timeout=30) as slow_client:
            slow_statuses.append(slow_client.post("/ask", json={"question": f"{SLOW} 员额"}).status_code)

    threads = [threading.Thread(target=ask_slowly) for _ in range(4)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    with httpx.Client(base_url=url, timeout=10) as client:
        time.sleep(0.3)  # the slow requests are now held in the service
        for _ in range(5):
            before = time.monotonic()
            assert client.get("/healthz").json()["status"] == "ok"
            answer = client.post("/ask", json={"question": POSTS_QUESTION})
            assert answer.status_code == 200 and "47 270.9" in answer.json()["answer"]
            assert time.monotonic() - before < 1.0
        assert time.monotonic() - started < timeout_s  # all of that while the slow ones still waited
    for thread in threads:
        thread.join(timeout=10)
    assert slow_statuses == [503] * 4


# --------------------------------------------------------------------------- ids never reach the file system

TRAVERSAL_REFS = [
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%252e%252e%252fetc%252fpasswd",
    "%2Fetc%2Fpasswd",
    "..%5C..%5Cwindows%5Cwin.ini",
    "file:%2F%2F%2Fetc%2Fpasswd",
    "~%2F.ssh%2Fid_rsa",
    "3.144%00",
    "%00",
    "3.144%00.json",
    "%2E%2E",
    "x" * 5000,
    "3." + "1" * 300,
]
LEAKS = ("root:", "[project]", "def create_app", "budgetqa.qa", "Traceback")


@pytest.mark.parametrize("ref", TRAVERSAL_REFS)
def test_unit_refs_are_parsed_never_used_as_paths(client: TestClient, ref: str) -> None:
    response = client.get(f"/units/{ref}")
    assert_json_error(response)
    assert not any(leak in response.text for leak in LEAKS)


STATIC_ATTEMPTS = [
    "../server.py",
    "%2e%2e/server.py",
    "..%2fserver.py",
    "%2e%2e%2f%2e%2e%2fpyproject.toml",
    "..%5cserver.py",
    "%252e%252e%252fserver.py",
    "/etc/passwd",
    "%2Fetc%2Fpasswd",
    "app.js%00",
    "app.js%00.png",
    "a" * 5000,
    "....//....//etc/passwd",
]


@pytest.mark.parametrize("path", STATIC_ATTEMPTS)
def test_static_paths_do_not_leave_the_web_folder(client: TestClient, path: str) -> None:
    response = client.get(f"/static/{path}")
    assert_json_error(response, 404)
    assert not any(leak in response.text for leak in LEAKS)


@pytest.mark.parametrize(
    "target",
    [
        "/static/../server.py",
        "/static/../../../../../../etc/passwd",
        "/static/..%2f..%2fpyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/units/../../../etc/passwd",
        "/units/..%2f..%2fetc%2fpasswd",
        "/static/.%00./server.py",
    ],
)
def test_raw_request_paths_with_dot_segments_get_no_file(
    start_server: Any, fake_service: FakeAnswerService, target: str
) -> None:
    """Over a raw socket, so that no client library removes the dot segments first."""
    url = urlsplit(start_server(fake_service).url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    status_line, _, rest = reply.partition(b"\r\n")
    status = int(status_line.split()[1])
    assert 400 <= status < 500, reply[:300]
    assert not any(leak.encode() in rest for leak in LEAKS)


@pytest.mark.slow
@pytest.mark.parametrize("ref", TRAVERSAL_REFS)
def test_the_real_lookup_treats_paths_as_unknown_references(real_client: TestClient, ref: str) -> None:
    response = real_client.get(f"/units/{ref}")
    assert_json_error(response)
    assert not any(leak in response.text for leak in LEAKS)


BAD_SESSION_IDS = ["../etc", "a/b", "", "x" * 129, "with space", "<script>", "é", "a\x00b", "a;b", "%2e%2e"]


@pytest.mark.parametrize("session_id", BAD_SESSION_IDS)
def test_session_ids_outside_the_pattern_are_a_422(
    client: TestClient, fake_service: FakeAnswerService, session_id: str
) -> None:
    for response in [
        client.post("/ask", json={"question": "员额", "session_id": session_id}),
        client.post("/chat", json={"session_id": session_id, "message": "员额"}),
        client.post("/chat/stream", json={"session_id": session_id, "message": "员额"}),
        client.post("/search", json={"query": "员额", "session_id": session_id}),
        client.get("/ask/stream", params={"question": "员额", "session_id": session_id}),
    ]:
        assert "session_id" in assert_json_error(response, 422)
    assert fake_service.calls == []


@pytest.mark.parametrize(
    "session_id", ["c0ffee-42", "a.b:c_d-1", "x" * 128, "550e8400-e29b-41d4-a716-446655440000"]
)
def test_session_ids_inside_the_pattern_reach_the_service_unchanged(
    client: TestClient, fake_service: FakeAnswerService, session_id: str
) -> None:
    response = client.post("/chat", json={"session_id": session_id, "message": "员额"})
    assert response.status_code == 200 and response.json()["session_id"] == session_id
    assert fake_service.calls[-1][1]["session_id"] == session_id


# --------------------------------------------------------------------------- the page's headers


@pytest.mark.parametrize("path", ["/", "/static/app.js", "/static/app.css"])
def test_the_page_and_its_assets_carry_a_policy_that_allows_only_their_own_script(
    client: TestClient, path: str
) -> None:
    headers = client.get(path).headers
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"


def test_api_responses_are_not_sniffed_and_the_docs_page_still_loads(client: TestClient) -> None:
    response = client.post("/ask", json={"question": "员额"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in response.headers
    assert client.get("/docs").status_code == 200
