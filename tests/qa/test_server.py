"""The HTTP API: every endpoint and every client error, against a FAKE answer service.

The service here is the `fake_service` fixture (``Any`` in this folder's conftest), a fake
with canned answers and no index or model: these tests check what the server does with requests and
answers, not the answers themselves.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from budgetqa.qa.server import (
    MAX_BODY_BYTES,
    MAX_QUESTION_CHARS,
    AnswerOut,
    ChatAnswerOut,
    SearchOut,
    UnitOut,
    create_app,
    qualified_ref,
)

POSTS_QUESTION = "政治建和部 2024 年的员额资源是多少？"


@pytest.fixture
def client(fake_service: Any) -> Iterator[TestClient]:
    with TestClient(create_app(fake_service)) as test_client:
        yield test_client


def sse_events(body: str) -> list[tuple[str, dict[str, object]]]:
    """Parse a text/event-stream body into (event, data) pairs; every event must carry JSON data."""
    events = []
    for block in body.split("\n\n"):
        if not block.strip():
            continue
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[len("event:") :].strip()
            elif line.startswith("data:"):
                data.append(line[len("data:") :].strip())
        events.append((name, json.loads("\n".join(data))))
    return events


# --------------------------------------------------------------------------- answers


def test_ask_returns_the_answer_json_with_its_table_cell_citation(
    client: TestClient, fake_service: Any
) -> None:
    response = client.post("/ask", json={"question": POSTS_QUESTION})
    assert response.status_code == 200
    body = response.json()
    assert "47 270.9" in body["answer"]
    assert body["language"] == "zh"
    assert body["abstained"] is False
    assert body["citations"] == [
        {
            "kind": "table",
            "ref": "3.24",
            "lines": [2105, 2105],
            "quote": "员额 45 001.2 46 512.3 47 270.9",
            "label": "表 3.24",
            "label_en": "Table 3.24",
            "row": fake_service.POSTS_ROW,
            "column": fake_service.POSTS_COLUMN,
        }
    ]
    AnswerOut.model_validate(body)


def test_ask_passes_language_and_session_to_the_service(client: TestClient, fake_service: Any) -> None:
    response = client.post(
        "/ask", json={"question": POSTS_QUESTION, "lang": "en", "session_id": "delegate-7"}
    )
    assert response.status_code == 200
    assert response.json()["language"] == "en"
    assert "USD 47,270.9 thousand" in response.json()["answer"]
    assert fake_service.calls[-1] == (
        "stream",
        {"question": POSTS_QUESTION, "session_id": "delegate-7", "lang": "en"},
    )


def test_ask_trims_the_question_before_answering(client: TestClient, fake_service: Any) -> None:
    client.post("/ask", json={"question": f"  \n{POSTS_QUESTION}\t "})
    assert fake_service.calls[-1][1]["question"] == POSTS_QUESTION


def test_an_abstained_answer_is_returned_with_its_nearest_passages(client: TestClient) -> None:
    body = client.post("/ask", json={"question": "What is the budget for the Mars mission?"}).json()
    assert body["abstained"] is True
    assert body["answer"].startswith("The document does not say")
    assert body["citations"] == [] and body["evidence"] == ["paragraph:3.144", "row:3.24:0"]
    assert body["confidence"] == 0.0


def test_chat_returns_the_answer_with_its_session_id(client: TestClient, fake_service: Any) -> None:
    first = client.post("/chat", json={"session_id": "s-1", "message": "特别政治任务 2024 年有多少个？"})
    follow_up = client.post("/chat", json={"session_id": "s-1", "message": "What about posts?", "lang": "en"})
    assert first.status_code == follow_up.status_code == 200
    assert first.json()["session_id"] == follow_up.json()["session_id"] == "s-1"
    assert first.json()["citations"][0]["ref"] == "3.144"
    ChatAnswerOut.model_validate(follow_up.json())
    assert [call[1]["session_id"] for call in fake_service.calls] == ["s-1", "s-1"]


def test_chat_without_a_session_id_is_rejected_with_a_message(client: TestClient) -> None:
    response = client.post("/chat", json={"message": POSTS_QUESTION})
    assert response.status_code == 422
    assert "session_id" in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("post", "/ask/stream", {"json": {"question": POSTS_QUESTION}}),
        ("get", "/ask/stream", {"params": {"question": POSTS_QUESTION}}),
        ("post", "/chat/stream", {"json": {"session_id": "s-2", "message": POSTS_QUESTION}}),
    ],
)
def test_streamed_answers_are_token_events_then_one_answer_event(
    client: TestClient, method: str, path: str, payload: dict[str, object]
) -> None:
    response = getattr(client, method)(path, **payload)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    names = [name for name, _ in events]
    assert names[-1] == "answer" and set(names[:-1]) == {"token"} and len(names) > 2
    answer = events[-1][1]
    assert "".join(str(data["text"]) for _, data in events[:-1]) == answer["answer"]
    assert answer["citations"][0]["ref"] == "3.24"
    AnswerOut.model_validate(answer)
    assert ("session_id" in answer) == path.startswith("/chat")


def test_a_failure_part_way_through_a_stream_ends_it_with_an_error_event(
    client: TestClient, fake_service: Any
) -> None:
    response = client.post("/ask/stream", json={"question": f"{fake_service.FAIL_MARKER} 员额"})
    assert response.status_code == 200
    events = sse_events(response.text)
    assert events[0][0] == "token"
    assert events[-1] == ("error", {"detail": "answering failed: the index was closed while answering"})


# --------------------------------------------------------------------------- search and units


def test_search_returns_ranked_hits_with_table_rows_reported_as_their_table(
    client: TestClient, fake_service: Any
) -> None:
    body = client.post("/search", json={"query": "员额", "top_k": 5, "session_id": "s-3"}).json()
    SearchOut.model_validate(body)
    first = body["results"][0]
    assert (first["kind"], first["ref"], first["row"], first["row_index"]) == (
        "table",
        "3.24",
        fake_service.POSTS_ROW,
        0,
    )
    assert fake_service.calls[-1] == ("search", {"query": "员额", "top_k": 5, "session_id": "s-3"})


def test_search_top_k_defaults_to_ten_and_limits_the_results(client: TestClient, fake_service: Any) -> None:
    client.post("/search", json={"query": "特别政治任务"})
    assert fake_service.calls[-1][1]["top_k"] == 10
    assert len(client.post("/search", json={"query": "特别政治任务", "top_k": 1}).json()["results"]) == 1


@pytest.mark.parametrize("top_k", [0, 101, -3, "many"])
def test_search_top_k_outside_1_to_100_is_a_422(client: TestClient, top_k: object) -> None:
    response = client.post("/search", json={"query": "员额", "top_k": top_k})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("top_k:")


@pytest.mark.parametrize("ref", ["3.144", "¶3.144", "第 3.144 段", "paragraph 3.144"])
def test_units_returns_a_paragraph_by_any_form_of_its_reference(client: TestClient, ref: str) -> None:
    response = client.get(f"/units/{ref}")
    assert response.status_code == 200
    body = response.json()
    UnitOut.model_validate(body)
    assert (body["kind"], body["ref"], body["label"]) == ("paragraph", "3.144", "¶3.144")
    assert body["rows"] is None


@pytest.mark.parametrize(
    "path", ["/units/表3.24", "/units/%E8%A1%A83.24", "/units/table%203.24", "/units/3.24?kind=table"]
)
def test_units_returns_a_table_with_its_grid(client: TestClient, fake_service: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["label"]) == ("table", "表 3.24")
    assert body["columns"][-1] == fake_service.POSTS_COLUMN
    assert body["rows"][0]["label"] == fake_service.POSTS_ROW and body["rows"][0]["cells"][-1] == "47 270.9"


def test_a_bare_ref_with_a_kind_names_that_kind_of_unit() -> None:
    assert qualified_ref("3.27", "table") == "表 3.27"
    assert qualified_ref("3.十四", "figure") == "图 3.十四"
    assert qualified_ref("3.115", "paragraph") == "¶3.115"
    assert qualified_ref("三", "annex") == "附件三"
    assert qualified_ref("表3.27", "table") == "表3.27"
    assert qualified_ref(" 3.27 ", None) == "3.27"


def test_an_unknown_unit_is_a_404_that_names_the_nearest_refs(client: TestClient) -> None:
    response = client.get("/units/表3.27")
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert "3.27" in detail and "nearest: 表 3.24" in detail


@pytest.mark.parametrize("ref", ["hello", "%3Cscript%3E", "x" * 150])
def test_text_that_is_not_a_reference_is_a_400(client: TestClient, ref: str) -> None:
    response = client.get(f"/units/{ref}")
    assert response.status_code == 400
    assert "not a reference" in response.json()["detail"]


def test_an_unknown_kind_for_a_unit_is_a_422(client: TestClient) -> None:
    assert client.get("/units/3.24?kind=spreadsheet").status_code == 422


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("path", "body", "field", "fragment"),
    [
        ("/ask", {"question": ""}, "question", "empty"),
        ("/ask", {"question": "   \n\t "}, "question", "empty"),
        ("/ask", {"question": "x" * (MAX_QUESTION_CHARS + 1)}, "question", "limit is 2000"),
        ("/ask", {"question": "员额\x00\x01\x02"}, "question", "control characters"),
        ("/ask", {"question": "?!…——。"}, "question", "no letters or digits"),
        ("/ask", {"question": 42}, "question", "valid string"),
        ("/ask", {}, "question", "Field required"),
        ("/ask", {"question": "员额", "lang": "fr"}, "lang", "'zh' or 'en'"),
        ("/ask", {"question": "员额", "session_id": "../../etc/passwd"}, "session_id", "pattern"),
        ("/ask", {"question": "员额", "colour": "red"}, "colour", "Extra inputs"),
        ("/chat", {"session_id": "s", "message": ""}, "message", "empty"),
        ("/chat", {"session_id": "", "message": "员额"}, "session_id", "pattern"),
        ("/chat/stream", {"session_id": "s", "message": "x" * 5000}, "message", "limit is 2000"),
        ("/ask/stream", {"question": " "}, "question", "empty"),
        ("/search", {"query": ""}, "query", "empty"),
    ],
)
def test_bad_input_is_a_422_whose_detail_names_the_field_and_the_problem(
    client: TestClient, fake_service: Any, path: str, body: dict[str, object], field: str, fragment: str
) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith(f"{field}:") and fragment in detail
    assert response.json()["errors"]
    assert fake_service.calls == []


def test_a_lone_surrogate_escaped_in_json_is_a_422(client: TestClient) -> None:
    body = b'{"question": "\\ud800 \\u5458\\u989d"}'
    response = client.post("/ask", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "control characters" in response.json()["detail"]


def test_a_question_over_the_limit_in_a_get_stream_is_a_422(client: TestClient) -> None:
    response = client.get("/ask/stream", params={"question": "员" * (MAX_QUESTION_CHARS + 1)})
    assert response.status_code == 422
    assert "limit is 2000" in response.json()["detail"]


def test_a_body_that_is_not_json_is_a_422_that_says_so(client: TestClient) -> None:
    response = client.post("/ask", content=b"question=budget", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "not valid JSON" in response.json()["detail"]


def test_a_json_body_that_is_not_an_object_is_a_422(client: TestClient) -> None:
    response = client.post("/ask", json=["员额"])
    assert response.status_code == 422


def test_a_body_that_is_not_utf8_is_a_400(client: TestClient) -> None:
    response = client.post(
        "/ask", content=b'{"question": "\xff\xfe\x00budget"}', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert "not UTF-8" in response.json()["detail"]


def test_binary_bytes_as_a_body_are_a_4xx(client: TestClient) -> None:
    response = client.post(
        "/ask", content=bytes(range(256)), headers={"content-type": "application/octet-stream"}
    )
    assert 400 <= response.status_code < 500


def test_a_one_megabyte_body_is_a_413(client: TestClient, fake_service: Any) -> None:
    response = client.post("/ask", json={"question": "员额" * 500_000})
    assert response.status_code == 413
    assert str(MAX_BODY_BYTES) in response.json()["detail"]
    assert fake_service.calls == []


def test_a_chunked_body_over_the_limit_is_a_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"question": "'
        for _ in range(100):
            yield b"x" * 1024
        yield b'"}'

    response = client.post("/ask", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


# --------------------------------------------------------------------------- pages, health, schema


def test_healthz_reports_ready(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "service": "ready"}


def test_a_service_factory_is_opened_once_at_start_up(fake_service: Any) -> None:
    opened: list[Any] = []

    def factory() -> Any:
        opened.append(type(fake_service)())
        return opened[-1]

    app = create_app(factory)
    with TestClient(app) as test_client:
        assert len(opened) == 1
        assert test_client.get("/healthz").json()["service"] == "ready"
        test_client.post("/ask", json={"question": POSTS_QUESTION})
    assert len(opened) == 1 and opened[0].calls[0][0] == "stream"


def test_create_app_rejects_something_that_is_not_a_service() -> None:
    with pytest.raises(TypeError, match="AnswerService"):
        create_app(42)  # type: ignore[arg-type]


def test_the_root_page_is_the_web_chat_with_only_local_assets(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert 'src="/static/app.js"' in html and 'href="/static/app.css"' in html
    assert "http://" not in html and "https://" not in html
    for asset, kind in [("app.js", "javascript"), ("app.css", "text/css")]:
        response = client.get(f"/static/{asset}")
        assert response.status_code == 200 and kind in response.headers["content-type"]
        assert "https://" not in response.text and "http://" not in response.text


def test_static_files_do_not_reach_outside_the_web_folder(client: TestClient) -> None:
    for path in ["/static/../server.py", "/static/%2e%2e/server.py", "/static/..%2fserver.py"]:
        assert client.get(path).status_code == 404


def test_the_openapi_schema_documents_every_endpoint(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    expected = {
        "/ask": {"post"},
        "/ask/stream": {"get", "post"},
        "/chat": {"post"},
        "/chat/stream": {"post"},
        "/search": {"post"},
        "/units/{ref}": {"get"},
        "/healthz": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
    assert "text/event-stream" in paths["/chat/stream"]["post"]["responses"]["200"]["content"]
    assert {"404", "400"} <= set(paths["/units/{ref}"]["get"]["responses"])
    components = schema["components"]["schemas"]
    assert {"AskRequest", "ChatRequest", "SearchRequest", "AnswerOut", "UnitOut", "ErrorOut"} <= set(
        components
    )
    assert components["AskRequest"]["properties"]["question"]["description"]
    assert components["AskRequest"]["examples"]
