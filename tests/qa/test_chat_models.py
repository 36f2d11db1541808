"""The chat models BUDGETQA_LLM names, driven through the grounded answerer over HTTP.

The OpenAI-compatible and Ollama servers here are FAKES (a local ``http.server`` speaking each
protocol's streaming format and replaying a scripted reply); the evidence is FAKE too
(``tests/grounded_fakes.py``).  What is real: the product's own model construction
(:func:`chat_model_from_settings`), the provider's LangChain client, the request it sends (the reply
schema as structured output) and the grounded answerer's decision on what comes back.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from budgetqa.qa.chat_models import GenerationError, chat_model_from_settings, model_name
from budgetqa.qa.grounded import GroundedAnswerer, reply_json, was_withheld
from budgetqa.qa.local_model import LocalModelError
from budgetqa.qa.model import Answer
from budgetqa.settings import Settings
from tests.grounded_fakes import FakeSource, offline

Body = Callable[[dict[str, Any]], Iterator[bytes]]


@dataclass
class FakeServer:
    """A FAKE chat server on 127.0.0.1: records each request's JSON body and streams `body(request)`."""

    path: str
    body: Body
    content_type: str
    requests: list[dict[str, Any]] = field(default_factory=list)

    @contextmanager
    def running(self) -> Iterator[str]:
        """Serve until the block ends; yields the server's base URL."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                request = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append({"path": self.path, **request})
                if self.path != fake.path:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", fake.content_type)
                self.end_headers()
                for piece in fake.body(request):
                    self.wfile.write(piece)
                    self.wfile.flush()

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()


def pieces(text: str, size: int = 7) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def openai_stream(reply: str) -> Body:
    """An OpenAI chat-completions event stream writing `reply` in small pieces."""

    def body(request: dict[str, Any]) -> Iterator[bytes]:
        def event(delta: dict[str, Any], finish: str | None = None) -> bytes:
            chunk = {
                "id": "fake-1",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": request.get("model", "fake"),
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode()

        yield event({"role": "assistant", "content": ""})
        for piece in pieces(reply):
            yield event({"content": piece})
        yield event({}, "stop")
        yield b"data: [DONE]\n\n"

    return body


def ollama_stream(reply: str) -> Body:
    """An Ollama /api/chat stream (one JSON object a line) writing `reply` in small pieces."""

    def body(request: dict[str, Any]) -> Iterator[bytes]:
        model = request.get("model", "fake")
        for piece in pieces(reply):
            line = {"model": model, "created_at": "2024-01-01T00:00:00Z", "message": {"role": "assistant", "content": piece}, "done": False}
            yield (json.dumps(line, ensure_ascii=False) + "\n").encode()
        done = {"model": model, "created_at": "2024-01-01T00:00:00Z", "message": {"role": "assistant", "content": ""}, "done": True, "done_reason": "stop"}
        yield (json.dumps(done) + "\n").encode()

    return body


def answer_with(settings: Settings, question: str, shown: Answer) -> Answer:
    """The grounded answer to `question` phrased by the model `settings` name, over the FAKE evidence."""
    answerer = GroundedAnswerer(chat_model_from_settings(settings))
    generator = answerer.stream(question, shown, FakeSource())  # type: ignore[arg-type]
    try:
        while True:
            next(generator)
    except StopIteration as stop:
        return stop.value


CORRECT = reply_json("月球事务处 2024 年拟设 12 个员额。", ["¶9.1"])
INVENTED = reply_json("火星事务处 2024 年拟设 12 个员额。", ["¶9.1"])  # a body no cited unit names


@pytest.mark.parametrize(("reply", "shown"), [(CORRECT, True), (INVENTED, False)])
def test_an_openai_compatible_server_gets_the_reply_schema_and_its_answer_is_verified(reply: str, shown: bool) -> None:
    server = FakeServer("/v1/chat/completions", openai_stream(reply), "text/event-stream")
    with server.running() as url:
        settings = Settings(llm="openai", llm_model="served-model", llm_base_url=f"{url}/v1", llm_api_key="k")
        answer = answer_with(settings, "月球事务处 2024 年有几个员额？", offline())
    (request,) = server.requests
    assert request["model"] == "served-model" and request["temperature"] == 0 and request["stream"] is True
    response_format = request["response_format"]
    assert response_format["type"] == "json_schema"
    schema = response_format["json_schema"]["schema"]
    assert schema["properties"]["citations"]["items"]["enum"] == ["¶9.1", "¶9.2"]
    assert schema["properties"]["citations"]["minItems"] == 1
    assert was_withheld(answer) is not shown
    if shown:
        assert answer.text == "月球事务处 2024 年拟设 12 个员额。[¶9.1]" and answer.mode == "llm:served-model"
    else:
        assert "火星事务处" in answer.verification.notes[-1] and answer.text.endswith(offline().text)


@pytest.mark.parametrize(("reply", "shown"), [(CORRECT, True), (INVENTED, False)])
def test_an_ollama_server_gets_the_reply_schema_as_its_format_and_its_answer_is_verified(reply: str, shown: bool) -> None:
    pytest.importorskip("langchain_ollama")
    server = FakeServer("/api/chat", ollama_stream(reply), "application/x-ndjson")
    with server.running() as url:
        settings = Settings(llm="ollama", llm_model="qwen-fake:7b", llm_base_url=url)
        answer = answer_with(settings, "月球事务处 2024 年有几个员额？", offline())
    (request,) = server.requests
    assert request["model"] == "qwen-fake:7b" and request["options"]["temperature"] == 0
    assert request["format"]["properties"]["citations"]["items"]["enum"] == ["¶9.1", "¶9.2"]
    assert was_withheld(answer) is not shown
    assert answer.mode == ("llm:qwen-fake:7b" if shown else "facts")


def test_a_server_that_cannot_be_reached_raises_an_error_that_says_what_to_check() -> None:
    settings = Settings(llm="openai", llm_model="served-model", llm_base_url="http://127.0.0.1:9/v1")
    with pytest.raises(GenerationError, match="BUDGETQA_LLM_BASE_URL"):
        answer_with(settings, "月球事务处 2024 年有几个员额？", offline())


def test_openai_settings_give_a_chat_openai_model_at_the_configured_url() -> None:
    from langchain_openai import ChatOpenAI

    model = chat_model_from_settings(Settings(llm="openai", llm_model="qwen2.5", llm_base_url="http://127.0.0.1:9/v1"))
    assert isinstance(model, ChatOpenAI)
    assert model.model_name == "qwen2.5" and model.temperature == 0
    assert str(model.openai_api_base).startswith("http://127.0.0.1:9/v1")
    assert model_name(model) == "qwen2.5"


@pytest.mark.parametrize("choice", ["openai", "ollama"])
def test_a_remote_model_without_its_name_says_what_to_set(choice: str) -> None:
    if choice == "ollama":
        pytest.importorskip("langchain_ollama")
    with pytest.raises(ValueError, match="BUDGETQA_LLM_MODEL"):
        chat_model_from_settings(Settings(llm=choice))


def test_an_unknown_llm_setting_lists_the_choices() -> None:
    with pytest.raises(ValueError, match="openai, ollama, llamacpp"):
        chat_model_from_settings(Settings(llm="gpt"))


def test_llamacpp_with_a_missing_gguf_file_names_the_setting(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp")
    with pytest.raises(LocalModelError, match="BUDGETQA_LLM_MODEL"):
        chat_model_from_settings(Settings(llm="llamacpp", llm_model=str(tmp_path / "missing.gguf")))


def test_llamacpp_without_llama_cpp_python_names_the_extra(tmp_path: Path) -> None:
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        gguf = tmp_path / "model.gguf"
        gguf.write_bytes(b"GGUF")
        with pytest.raises(LocalModelError, match=r"budgetqa\[llm\]"):
            chat_model_from_settings(Settings(llm="llamacpp", llm_model=str(gguf)))
    else:
        pytest.skip("llama-cpp-python is installed here")
