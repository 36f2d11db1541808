"""The HTTP API and the web chat: `budgetqa serve` at http://127.0.0.1:8000.

Endpoints (all documented in the OpenAPI schema at ``/docs`` and ``/openapi.json``):

- ``POST /ask``: one question → a cited, verified answer;
- ``POST /ask/stream``, ``GET /ask/stream``: the same answer streamed as server-sent events;
- ``POST /chat``, ``POST /chat/stream``: a turn of a conversation (a ``session_id`` groups the turns,
  so that follow-up questions are understood);
- ``POST /search``: ranked units for a query;
- ``GET /units/{ref}``: a paragraph, table or figure, tables with their parsed grid;
- ``GET /audit``: the consistency audit's findings (both sides cited, the values, the difference, the class);
- ``GET /overview``, ``GET /overview/chart.png``: resources and posts by body and funding source, 2023
  against 2024, as JSON and as a chart;
- ``GET /healthz``; ``GET /`` the web chat, ``/static/…`` its assets (all served locally: it works offline).

The server speaks to an :class:`~budgetqa.qa.protocols.AnswerService` only, so it can be tested with any
implementation of that contract; the audit and overview views come from
:class:`~budgetqa.qa.analyst_views.AnalystViews`, given to :func:`create_app` or built from the
service's document.

Safety: it listens on 127.0.0.1 unless told otherwise; request bodies are limited to
:data:`MAX_BODY_BYTES` and questions to :data:`MAX_QUESTION_CHARS`; answering runs in a worker thread
and a request whose answer makes no progress for the request timeout (no answer step, no model
token) gets a 503 (a stream, an ``error`` event), the timeout applying to silence, not to the whole
answer; a timed-out or disconnected request stops its generation (:class:`StoppableEvents`); refs are parsed, never joined into paths; every client error is JSON with a ``detail`` that
says what to do; the page is served with a Content-Security-Policy that allows only its own assets.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import anyio
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from budgetqa.ingest.model import BlockKind
from budgetqa.ingest.refs import AmbiguousReference, UnknownReference, format_label, parse_citation
from budgetqa.inputs import (
    MAX_QUESTION_CHARS,
    MAX_REFERENCE_CHARS,
    REFERENCE_EXAMPLES,
    InputError,
    check_question,
    check_reference,
    describe,
)

from .model import Answer, AnswerEvent
from .protocols import AnswerService
from .streaming import StoppableEvents

if TYPE_CHECKING:
    from budgetqa.settings import Settings

    from .analyst_views import AnalystViews

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent / "web"
MAX_BODY_BYTES = 64 * 1024
SESSION_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,128}$"
DEFAULT_REQUEST_TIMEOUT_S = 30.0  # seconds; `BUDGETQA_REQUEST_TIMEOUT_S` in Settings
JSON_MEDIA_TYPES = ("application/json",)
PAGE_SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
OTHER_SECURITY_HEADERS: dict[str, str] = {"X-Content-Type-Options": "nosniff"}
T = TypeVar("T")
# Control characters other than tab and line breaks, and U+FFFD (where undecodable bytes were).  Lone
# surrogates (possible only as JSON "\\ud800" escapes) are refused too, but ECMA regex engines cannot
# name them in a pattern.
_FORBIDDEN = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd"
TEXT_PATTERN = rf"^[^{_FORBIDDEN}]*[\p{{L}}\p{{N}}][^{_FORBIDDEN}]*$"

ServiceSource = AnswerService | Callable[[], AnswerService]

CitableKind = Literal["paragraph", "table", "figure", "annex", "foreword", "mandates"]
LangQuery = Annotated[Literal["zh", "en"], Query(description="Language of names, labels and sentences.")]
BodyQuery = Annotated[
    str | None,
    Query(max_length=MAX_REFERENCE_CHARS, description="One body: a key, name or abbreviation (UNOCT, 反恐办)."),
]


# --------------------------------------------------------------------------- input checks


def clean_text(value: str, *, field: str) -> str:
    """The question or query as the service should see it: trimmed, non-empty, not too long, readable.

    The rules are those of :func:`budgetqa.inputs.check_question` (shared with the command line and the
    services), plus one the schema states: the text as sent is at most :data:`MAX_QUESTION_CHARS`
    characters, surrounding whitespace included.  A broken rule raises a pydantic custom error,
    reported as HTTP 422 with its message.
    """
    if len(value) > MAX_QUESTION_CHARS:
        raise PydanticCustomError(
            "too_long",
            f"the {field} is {len(value):,} characters long; the limit is {MAX_QUESTION_CHARS}: "
            "ask about one figure or topic at a time",
        )
    try:
        return check_question(value, field=field)
    except InputError as error:
        raise PydanticCustomError(error.code, str(error)) from None


def text_schema(field: str) -> dict[str, Any]:
    """The JSON-schema constraints :func:`clean_text` enforces, for the OpenAPI documentation.

    The pattern (ECMA-262 with Unicode property escapes, as JSON Schema reads patterns) asks for at
    least one letter or digit in any script (``\\p{L}``, ``\\p{N}``) and no control character other
    than tab and line breaks.
    """
    return {
        "minLength": 1,
        "maxLength": MAX_QUESTION_CHARS,
        "pattern": TEXT_PATTERN,
        "description": (
            f"The {field}, in Chinese or English (at most {MAX_QUESTION_CHARS} characters, with at least "
            "one letter or digit and no control characters)."
        ),
    }


# --------------------------------------------------------------------------- request models

LangField = Field(
    default=None,
    description="Language of the answer: `zh` or `en`. Omitted: the language of the question.",
    examples=["en"],
)
SessionField = Field(
    default=None,
    pattern=SESSION_ID_PATTERN,
    description="Groups the turns of one conversation, so that follow-up questions are understood.",
    examples=["c0ffee-42"],
)


class AskRequest(BaseModel):
    """One question about the document."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"question": "How much is proposed for special political missions in 2024?", "lang": "en"},
                {"question": "政治建和部 2024 年的员额资源是多少？"},
            ]
        },
    )

    question: str = Field(
        examples=["政治建和部 2024 年的员额资源是多少？"], json_schema_extra=text_schema("question")
    )
    lang: Literal["zh", "en"] | None = LangField
    session_id: str | None = SessionField

    @field_validator("question", mode="after")
    @classmethod
    def _question(cls, value: str) -> str:
        return clean_text(value, field="question")


class ChatRequest(BaseModel):
    """A turn of a conversation: the session id keeps the context of the earlier turns."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"session_id": "c0ffee-42", "message": "建设和平基金 2022 年一共投了多少钱？"},
                {"session_id": "c0ffee-42", "message": "那 2023 年呢？"},
            ]
        },
    )

    session_id: str = Field(
        pattern=SESSION_ID_PATTERN,
        description="Any id the client chooses (letters, digits, `_.:-`); reuse it for follow-up questions.",
        examples=["c0ffee-42"],
    )
    message: str = Field(
        examples=["What about 2023?"], json_schema_extra=text_schema("question or follow-up")
    )
    lang: Literal["zh", "en"] | None = LangField

    @field_validator("message", mode="after")
    @classmethod
    def _message(cls, value: str) -> str:
        return clean_text(value, field="message")


class SearchRequest(BaseModel):
    """A retrieval query: ranked units, no answer."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"query": "special political missions 2024", "top_k": 5}]},
    )

    query: str = Field(examples=["特别政治任务"], json_schema_extra=text_schema("query: words or a question"))
    top_k: int = Field(default=10, ge=1, le=100, description="How many units to return (1 to 100).")
    session_id: str | None = SessionField

    @field_validator("query", mode="after")
    @classmethod
    def _query(cls, value: str) -> str:
        return clean_text(value, field="query")


# --------------------------------------------------------------------------- response models (documentation)


class CitationOut(BaseModel):
    """A cited unit; a table-cell citation also names its row and column."""

    kind: str = Field(
        description="Block kind: `paragraph`, `table`, `figure`, `annex`, …", examples=["table"]
    )
    ref: str = Field(description="The document's own reference.", examples=["3.24"])
    lines: list[int] = Field(
        description="First and last source line of the cited text.", examples=[[2101, 2130]]
    )
    quote: str = Field(default="", description="The supporting sentence, or the table row rendered.")
    row: str | None = Field(default=None, description="Row label of a cited table cell.", examples=["员额"])
    column: str | None = Field(default=None, description="Column header of a cited table cell.")
    label: str = Field(default="", description="The citation as printed in Chinese.", examples=["附件三"])
    label_en: str = Field(default="", description="The citation as printed in English.", examples=["Annex III"])


class VerificationOut(BaseModel):
    """What citation verification removed from the answer, and why."""

    removed_citations: list[str] = Field(description="Cited refs that do not exist in the document.")
    removed_figures: list[str] = Field(description="Figures that no cited unit contains.")
    notes: list[str]


class AnswerOut(BaseModel):
    """A cited, verified answer (`Answer.to_json()`)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "question": "政治建和部 2024 年的员额资源是多少？",
                    "language": "zh",
                    "answer": "员额，2024 年估计数(重计费用前)：47 270.9 千美元 [表 3.24]",
                    "citations": [
                        {
                            "kind": "table",
                            "ref": "3.24",
                            "lines": [2101, 2130],
                            "quote": "员额 …",
                            "row": "员额",
                        }
                    ],
                    "confidence": 0.87,
                    "abstained": False,
                    "evidence": ["row:3.24:0"],
                    "mode": "extractive",
                    "verification": {"removed_citations": [], "removed_figures": [], "notes": []},
                }
            ]
        },
    )

    question: str
    language: Literal["zh", "en"]
    answer: str = Field(description="The answer text, with its citations in brackets.")
    citations: list[CitationOut]
    confidence: float = Field(ge=0.0, le=1.0)
    abstained: bool = Field(
        description="True when the document does not say; the citations are then the nearest passages."
    )
    evidence: list[str] = Field(description="Ids of the units the answer was drawn from.")
    mode: str = Field(description="`extractive`, `lookup` or `llm:<model>`.")
    verification: VerificationOut


class ChatAnswerOut(AnswerOut):
    """An answer in a conversation, with the session id to send with the next turn."""

    session_id: str


class SearchHitOut(BaseModel):
    """A ranked unit; a table-row hit is reported as its table, with the row label."""

    model_config = ConfigDict(extra="allow")

    kind: str
    ref: str
    score: float
    lines: list[int]
    title: str
    row: str | None = None
    row_index: int | None = None


class SearchOut(BaseModel):
    """Ranked units, best first."""

    results: list[SearchHitOut]


class UnitOut(BaseModel):
    """A unit as shown in the side panel; tables carry their parsed grid."""

    model_config = ConfigDict(extra="allow")

    kind: str
    ref: str
    label: str = Field(examples=["表 3.27"])
    title: str
    text: str
    lines: list[int]
    section: list[str]
    part: str
    english_label: str = ""
    columns: list[str] | None = Field(default=None, description="Column headers (tables only).")
    rows: list[dict[str, Any]] | None = Field(
        default=None, description='Tables only: `{"label", "cells": [text…], "group", "part", "is_total"}`.'
    )


class AuditSideOut(BaseModel):
    """One side of a finding: where the figure is printed, for opening the unit with the cell highlighted."""

    model_config = ConfigDict(extra="allow")

    role: Literal["printed", "other"]
    kind: str
    ref: str
    label: str = Field(examples=["附件四"])
    place: str = Field(description="Unit, sub-part, row and column in the asked language.")
    printed: str = Field(examples=["29 662.5"])
    row: str | None = None
    column: str | None = None
    sub_part: str | None = None
    line: int
    quote: str = Field(description="The source line (table, annex) or the sentence (paragraph).")


class AuditFindingOut(BaseModel):
    """A figure another place of the document contradicts."""

    model_config = ConfigDict(extra="allow")

    id: str
    check: str = Field(examples=["column_sum"])
    # "class" is a Python keyword: the field is named through an alias
    finding_class: Literal["rounding", "discrepancy"] = Field(alias="class")
    body: str
    sentence: str = Field(description="The finding in words, in the asked language.")
    expected: float
    difference: float
    formula: str
    sides: list[AuditSideOut]


class AuditOut(BaseModel):
    """The consistency audit's findings, in document order."""

    model_config = ConfigDict(extra="allow")

    document: str
    counts: dict[str, int] = Field(examples=[{"rounding": 5, "discrepancy": 22}])
    findings: list[AuditFindingOut]


class OverviewOut(BaseModel):
    """Resources and posts by body and funding source, every figure a cited fact."""

    model_config = ConfigDict(extra="allow")

    document: str
    years: list[int]
    headers: list[str]
    rows: list[list[str]] = Field(description="The table as shown: one row of cells per line.")
    lines: list[dict[str, Any]] = Field(description="Each line's facts (printed figure, value, citation).")
    notes: list[str]
    chart: str = Field(description="Address of the chart of the same overview.", examples=["/overview/chart.png?lang=en"])


class HealthOut(BaseModel):
    status: Literal["ok"]
    service: Literal["ready", "loading"] = Field(description="`loading` while the index is being opened.")


class ErrorOut(BaseModel):
    """A client error: `detail` says what was wrong and what to do."""

    detail: str
    errors: list[dict[str, Any]] | None = Field(default=None, description="Per-field validation errors.")


SSE_DESCRIPTION = (
    'Server-sent events (`text/event-stream`): `event: token` with `data: {"text": …}` as the answer is '
    "produced, then one `event: answer` whose data is the full verified answer JSON (as `POST /ask` "
    'returns). If answering fails part-way, an `event: error` with `data: {"detail": …}` ends the stream.'
)
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Request body that is not UTF-8 text."},
    413: {"model": ErrorOut, "description": f"Request body over {MAX_BODY_BYTES} bytes."},
    415: {"model": ErrorOut, "description": "Request body that is not sent as `application/json`."},
    422: {"model": ErrorOut, "description": "Invalid input: empty, too long, not text, unknown language."},
    503: {"model": ErrorOut, "description": "Answering took longer than the request timeout; retry."},
}
SSE_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "One server-sent event (OpenAPI before 3.2 reads an event stream's schema as one event's).",
    "required": ["event", "data"],
    "properties": {
        "event": {"type": "string", "enum": ["token", "answer", "error"]},
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "description": '`{"text": …}` (token), the answer JSON (answer) or `{"detail": …}` (error).',
        },
    },
}
SSE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {"schema": SSE_EVENT_SCHEMA}}, "description": SSE_DESCRIPTION},
    **ERRORS,
}


# --------------------------------------------------------------------------- service holder


class _ServiceHolder:
    """The answer service, or the factory that opens it on first use (at start-up under uvicorn)."""

    def __init__(self, source: ServiceSource) -> None:
        self._lock = threading.Lock()
        self._service: AnswerService | None = None
        self._factory: Callable[[], AnswerService] | None = None
        if hasattr(source, "ask") and hasattr(source, "lookup"):
            self._service = source  # type: ignore[assignment]
        elif callable(source):
            self._factory = source
        else:
            raise TypeError(
                f"expected an AnswerService or a callable that returns one, got {type(source).__name__}"
            )

    @property
    def ready(self) -> bool:
        return self._service is not None

    def get(self) -> AnswerService:
        if self._service is None:
            with self._lock:
                if self._service is None:
                    assert self._factory is not None
                    log.info("opening the answer service")
                    self._service = self._factory()
        return self._service


class _ViewsHolder:
    """The audit and overview views: given, or built on first use from the answer service's document."""

    def __init__(self, source: AnalystViews | Callable[[], AnalystViews] | None, services: _ServiceHolder) -> None:
        self._lock = threading.Lock()
        self._source = source
        self._services = services
        self._views: AnalystViews | None = None

    def get(self) -> AnalystViews:
        if self._views is None:
            with self._lock:
                if self._views is None:
                    self._views = self._open()
        return self._views

    def _open(self) -> AnalystViews:
        from .analyst_views import AnalystViews

        if isinstance(self._source, AnalystViews):
            return self._source
        if callable(self._source):
            return self._source()
        document = getattr(self._services.get(), "document", None)
        if document is None:
            raise HTTPException(404, "the audit and the overview need the document, and this server's answer service has none")
        return AnalystViews.of(document)


# --------------------------------------------------------------------------- helpers


def _sse(event: str, data: dict[str, object]) -> str:
    """One server-sent event; the JSON payload is a single `data:` line."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _answer_json(answer: Answer, session_id: str | None, *, with_session: bool) -> dict[str, object]:
    out = answer.to_json()
    if with_session:
        out["session_id"] = session_id
    return out


def timeout_message(limit_s: float) -> str:
    """What a client is told when answering takes longer than `limit_s` seconds."""
    return (
        f"answering went longer than {limit_s:g} s without progress and was stopped; try again in a moment, "
        "or ask a narrower question (one figure, one year, one office)"
    )


async def in_worker(limit_s: float, work: Callable[[], T]) -> T:
    """Run blocking service work in a worker thread; past `limit_s` seconds, a 503 with a message.

    The event loop stays free meanwhile, so other requests are served.  A thread that overruns is
    abandoned (Python cannot stop it): its result is discarded when it finishes.
    """
    try:
        with anyio.fail_after(limit_s):
            return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
    except TimeoutError:
        log.warning("a request overran the %g s request timeout", limit_s)
        raise HTTPException(503, timeout_message(limit_s), headers={"Retry-After": "5"}) from None


async def paced_events(limit_s: float, start: Callable[[], Iterator[AnswerEvent]]) -> AsyncGenerator[AnswerEvent, None]:
    """The service's answer events, each produced in a worker thread, with the request timeout
    applied to silence: each step (the offline answer, each model token) must come within `limit_s`
    seconds, however long the whole answer takes; past it, ``TimeoutError``.

    However the iteration ends (answered, silent, failed, or the client gone), the stream is stopped
    (:class:`StoppableEvents`), so the model does not go on generating for nobody.
    """
    events: StoppableEvents[AnswerEvent] | None = None
    try:
        with anyio.fail_after(limit_s):
            events = StoppableEvents(await anyio.to_thread.run_sync(start, abandon_on_cancel=True))
        while True:
            with anyio.fail_after(limit_s):
                event = await anyio.to_thread.run_sync(next, events, None, abandon_on_cancel=True)
            if event is None:
                return
            yield event
    finally:
        if events is not None:
            events.stop()


async def answered(limit_s: float, start: Callable[[], Iterator[AnswerEvent]]) -> Answer:
    """The final answer of an answer stream (:func:`paced_events`); a 503 when it falls silent."""
    try:
        async with contextlib.aclosing(paced_events(limit_s, start)) as events:
            async for event in events:
                if event.type == "answer" and event.answer is not None:
                    return event.answer
    except TimeoutError:
        log.warning("a request was silent past the %g s request timeout", limit_s)
        raise HTTPException(503, timeout_message(limit_s), headers={"Retry-After": "5"}) from None
    raise RuntimeError("the answer stream ended without an answer")


async def _event_stream(
    start: Callable[[], Iterator[AnswerEvent]],
    session_id: str | None,
    *,
    with_session: bool,
    limit_s: float,
) -> AsyncIterator[str]:
    """Frame the service's answer events (:func:`paced_events`) as SSE.

    An error part-way, or a stream that produces no event for `limit_s` seconds (stalled), ends with
    an `error` event: the response has started, so the failure is reported in-band.
    """
    try:
        async with contextlib.aclosing(paced_events(limit_s, start)) as events:
            async for event in events:
                if event.type == "token":
                    yield _sse("token", {"text": event.text})
                elif event.type == "answer" and event.answer is not None:
                    yield _sse("answer", _answer_json(event.answer, session_id, with_session=with_session))
    except TimeoutError:
        log.warning("a stream stalled past the %g s request timeout", limit_s)
        yield _sse("error", {"detail": timeout_message(limit_s)})
    except Exception as exc:
        log.exception("answering failed while streaming")
        yield _sse("error", {"detail": f"answering failed: {exc}"})


def _streaming(body: AsyncIterator[str]) -> StreamingResponse:
    return StreamingResponse(
        body,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def qualified_ref(ref: str, kind: str | None) -> str:
    """The ref to look up, made unambiguous by its kind: ("3.27", "table") → "表 3.27".

    Tables and paragraphs share numbers, so a citation's bare ref needs its kind.  A ref that already
    names its kind ("表3.27"), or one given without a kind, is looked up as written; a ref equal to the
    kind's name ("foreword") stands for the kind's only block ("前言").
    """
    ref = ref.strip()
    if not kind:
        return ref
    block_kind = BlockKind.from_str(kind)
    bare = "" if ref.lower() == block_kind.value else ref
    label = format_label(block_kind, bare, "zh")
    return label if parse_citation(label) is not None else ref


def is_loopback(host: str) -> bool:
    """Whether `host` is an address only this machine can reach: 127.0.0.0/8, ::1 or "localhost"."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str | None:
    """A warning to print when the server would listen on an address other machines can reach."""
    if is_loopback(host):
        return None
    return (
        f"listening on {host}: the web chat and the API will be reachable from other machines, "
        "without any login. Use the default --host 127.0.0.1 unless that is what you want."
    )


def _validation_message(errors: list[dict[str, Any]]) -> str:
    """One readable sentence from pydantic's errors: "question: the question is empty; …"."""
    parts = []
    for err in errors:
        if err.get("type") == "json_invalid":
            parts.append('the request body is not valid JSON; send an object such as {"question": "…"}')
            continue
        loc = [str(p) for p in err.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path"):
            loc = loc[1:]
        where = ".".join(loc) or "request body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(dict.fromkeys(parts)) or "invalid request"


# --------------------------------------------------------------------------- request body guard


class BodyGuard:
    """ASGI middleware: request bodies over `limit` bytes get 413, bodies not sent as JSON get 415,
    bodies that are not UTF-8 text get 400.

    The body (at most `limit` bytes, since requests here carry one question) is read before any handler
    runs and replayed to the app, so a chunked upload cannot get past the limit either.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._reject(scope, receive, send, 413, self._too_large())
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body.extend(message.get("body", b""))
            if len(body) > self.limit:
                await self._reject(scope, receive, send, 413, self._too_large())
                return
            if not message.get("more_body", False):
                break
        media_type = headers.get(b"content-type", b"").split(b";")[0].strip().decode("latin-1").lower()
        if body and not (media_type in JSON_MEDIA_TYPES or media_type.endswith("+json")):
            sent = media_type or "no Content-Type"
            detail = f"the request body is sent as {sent}; send JSON with the header Content-Type: application/json"
            await self._reject(scope, receive, send, 415, detail)
            return
        try:
            bytes(body).decode("utf-8")
        except UnicodeDecodeError as exc:
            detail = f"the request body is not UTF-8 text (byte {exc.start}); send JSON encoded as UTF-8"
            await self._reject(scope, receive, send, 400, detail)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _too_large(self) -> str:
        return f"request body too large (limit {self.limit} bytes); send one short question"

    @staticmethod
    async def _reject(scope: Scope, receive: Receive, send: Send, status: int, detail: str) -> None:
        await JSONResponse(status_code=status, content={"detail": detail})(scope, receive, send)


class PageSecurityHeaders:
    """ASGI middleware: the web chat (`/`, `/static/…`) is served with :data:`PAGE_SECURITY_HEADERS`.

    The Content-Security-Policy lets the page run only its own script and talk only to this server,
    so markup that ever slipped into the page could not run; ``nosniff`` keeps browsers from reading
    a JSON error as HTML.  Every other response gets ``nosniff`` only (``/docs`` loads its own assets).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        page = path == "/" or path.startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                headers = MutableHeaders(scope=message)
                for name, value in (PAGE_SECURITY_HEADERS if page else OTHER_SECURITY_HEADERS).items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """Every method some route of `app` takes at the request's path, for a 405's ``Allow`` header."""
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def _http_error_detail(request: Request, status: int, detail: str) -> str:
    """Starlette's bare "Not Found" / "Method Not Allowed", made to say what to do."""
    if status == 404 and detail == "Not Found":
        return f"no such page: {request.url.path[:100]}; the API is described at /docs and /openapi.json"
    if status == 405 and detail == "Method Not Allowed":
        return (
            f"{request.method} is not allowed on {request.url.path[:100]}; /docs lists each endpoint's method"
        )
    return detail


# --------------------------------------------------------------------------- the app


def create_app(
    service: ServiceSource,
    *,
    request_timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S,
    views: AnalystViews | Callable[[], AnalystViews] | None = None,
) -> FastAPI:
    """The FastAPI app over an answer service, or over a factory that opens one at start-up.

    `request_timeout_s` bounds the service work of one request (for a stream: the wait for each event);
    past it the client gets a 503 (a stream: an `error` event) and the server goes on serving others.
    `views` serves ``/audit`` and ``/overview`` (default: built from the service's ``document``).
    """
    if not request_timeout_s > 0:
        raise ValueError(f"request_timeout_s must be a positive number of seconds, not {request_timeout_s!r}")
    holder = _ServiceHolder(service)
    analyst = _ViewsHolder(views, holder)
    limit_s = request_timeout_s

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(holder.get)
        yield

    app = FastAPI(
        title="budgetqa",
        version="0.1.0",
        summary="Cited, verified answers about UN programme-budget documents, in Chinese and English.",
        description=(
            "Every answer cites the document's own paragraphs (¶3.144) and tables (表 3.24); each figure "
            "in an answer is checked against the units it cites. When the document does not say, the "
            "answer abstains (`abstained: true`) and lists the nearest passages."
        ),
        lifespan=lifespan,
    )

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "loc": [str(p) for p in e.get("loc", ())],
                "msg": str(e.get("msg", "")),
                "type": str(e.get("type", "")),
            }
            for e in exc.errors()
        ]
        return JSONResponse(
            status_code=422, content={"detail": _validation_message(errors), "errors": errors}
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = _http_error_detail(request, exc.status_code, str(exc.detail))
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # Starlette names the methods of one route; a path may have several
            headers["Allow"] = ", ".join(_allowed_methods(app, request))
        return JSONResponse(status_code=exc.status_code, content={"detail": detail}, headers=headers)

    @app.get("/healthz", response_model=HealthOut, tags=["meta"], summary="Liveness and readiness")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "service": "ready" if holder.ready else "loading"}

    @app.post(
        "/ask", response_model=AnswerOut, responses=ERRORS, tags=["answers"], summary="Answer one question"
    )
    async def ask(request: AskRequest) -> JSONResponse:
        answer = await answered(
            limit_s,
            lambda: holder.get().stream(request.question, session_id=request.session_id, lang=request.lang),
        )
        return JSONResponse(answer.to_json())

    def stream_answer(
        question: str, session_id: str | None, lang: Any, *, with_session: bool
    ) -> StreamingResponse:
        def start() -> Iterator[AnswerEvent]:
            return holder.get().stream(question, session_id=session_id, lang=lang)

        return _streaming(_event_stream(start, session_id, with_session=with_session, limit_s=limit_s))

    @app.post(
        "/ask/stream",
        response_class=StreamingResponse,
        responses=SSE_RESPONSE,
        tags=["answers"],
        summary="Answer one question, streamed (server-sent events)",
    )
    async def ask_stream(request: AskRequest) -> StreamingResponse:
        return stream_answer(request.question, request.session_id, request.lang, with_session=False)

    @app.get(
        "/ask/stream",
        response_class=StreamingResponse,
        responses=SSE_RESPONSE,
        tags=["answers"],
        summary="Answer one question, streamed (server-sent events, for EventSource)",
    )
    async def ask_stream_get(request: Annotated[AskRequest, Query()]) -> StreamingResponse:
        return stream_answer(request.question, request.session_id, request.lang, with_session=False)

    @app.post(
        "/chat",
        response_model=ChatAnswerOut,
        responses=ERRORS,
        tags=["answers"],
        summary="A turn of a conversation (follow-up questions keep their context)",
    )
    async def chat(request: ChatRequest) -> JSONResponse:
        answer = await answered(
            limit_s,
            lambda: holder.get().stream(request.message, session_id=request.session_id, lang=request.lang),
        )
        return JSONResponse(_answer_json(answer, request.session_id, with_session=True))

    @app.post(
        "/chat/stream",
        response_class=StreamingResponse,
        responses=SSE_RESPONSE,
        tags=["answers"],
        summary="A turn of a conversation, streamed (server-sent events)",
    )
    async def chat_stream(request: ChatRequest) -> StreamingResponse:
        return stream_answer(request.message, request.session_id, request.lang, with_session=True)

    @app.post(
        "/search", response_model=SearchOut, responses=ERRORS, tags=["retrieval"], summary="Ranked units"
    )
    async def search(request: SearchRequest) -> JSONResponse:
        hits = await in_worker(
            limit_s,
            lambda: holder.get().search(request.query, top_k=request.top_k, session_id=request.session_id),
        )
        return JSONResponse({"results": [hit.to_json() for hit in hits]})

    @app.get(
        "/units/{ref}",
        response_model=UnitOut,
        responses={
            400: {"model": ErrorOut, "description": "Not a reference, or one that fits several units."},
            404: {"model": ErrorOut, "description": "No such unit; the message lists the nearest refs."},
            422: {"model": ErrorOut, "description": "A `kind` that is not one of the citable kinds."},
            503: ERRORS[503],
        },
        tags=["retrieval"],
        summary="A paragraph, table or figure by its reference",
    )
    async def unit(
        ref: Annotated[
            str,
            PathParam(
                description='"3.115", "¶3.115", "表3.27", "table 3.27", "图 3.十四" (URL-encoded).',
                examples=["表3.27"],
                json_schema_extra={"minLength": 1, "maxLength": MAX_REFERENCE_CHARS, "pattern": TEXT_PATTERN},
            ),
        ],
        kind: Annotated[
            CitableKind | None,
            Query(description="Kind of a bare ref, as citations carry it: `table` makes 3.27 mean 表 3.27."),
        ] = None,
    ) -> JSONResponse:
        try:
            wanted = qualified_ref(check_reference(ref), kind)
            view = await in_worker(limit_s, lambda: holder.get().lookup(wanted))
        except AmbiguousReference as exc:
            raise HTTPException(400, str(exc)) from exc
        except UnknownReference as exc:
            raise HTTPException(404, str(exc)) from exc
        except InputError as exc:
            raise HTTPException(400, f"{describe(ref)} is not a reference: {exc}") from exc
        except ValueError as exc:
            raise HTTPException(400, f"{exc}; try {REFERENCE_EXAMPLES}") from exc
        return JSONResponse(view.to_json())

    def analyst_call(work: Callable[[AnalystViews], T]) -> Callable[[], T]:
        from .analyst_views import AnalystViewError

        def run() -> T:
            try:
                return work(analyst.get())
            except AnalystViewError as exc:
                raise HTTPException(400, str(exc)) from exc

        return run

    views_errors: dict[int | str, dict[str, Any]] = {
        400: {"model": ErrorOut, "description": "An unknown body or table; the message lists the valid ones."},
        404: {"model": ErrorOut, "description": "The answer service has no document to audit."},
        422: {"model": ErrorOut, "description": "Invalid query: an unknown language or class, a table that is no ref."},
        503: ERRORS[503],
    }

    @app.get("/audit", response_model=AuditOut, responses=views_errors, tags=["analysis"], summary="Consistency audit")
    async def audit(
        lang: LangQuery = "zh",
        body: BodyQuery = None,
        table: Annotated[str | None, Query(pattern=r"^\d+\.\d+$", description="Only findings citing this table: 3.68.")] = None,
        only: Annotated[Literal["rounding", "discrepancy"] | None, Query(description="Only one class.")] = None,
    ) -> JSONResponse:
        from budgetqa.index.audit_model import FindingClass

        wanted = FindingClass(only) if only else None
        data = await in_worker(limit_s, analyst_call(lambda v: v.audit(lang, body=body, table=table, only=wanted)))
        return JSONResponse(data)

    @app.get("/overview", response_model=OverviewOut, responses=views_errors, tags=["analysis"],
             summary="Resources and posts by body and funding source, 2023 against 2024")
    async def overview(lang: LangQuery = "zh", body: BodyQuery = None) -> JSONResponse:
        return JSONResponse(await in_worker(limit_s, analyst_call(lambda v: v.overview(lang, body=body))))

    @app.get("/overview/chart.png", response_class=Response, responses={200: {"content": {"image/png": {}}}, **views_errors},
             tags=["analysis"], summary="The overview as a chart (PNG, figures labelled)")
    async def overview_chart(lang: LangQuery = "zh", body: BodyQuery = None) -> Response:
        png, warnings = await in_worker(limit_s, analyst_call(lambda v: v.chart(lang, body=body)))
        headers = {"Cache-Control": "max-age=300"}
        if warnings:
            headers["X-Chart-Warning"] = "; ".join(warnings).encode("ascii", "replace").decode("ascii")
        return Response(png, media_type="image/png", headers=headers)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    app.add_middleware(BodyGuard, limit=MAX_BODY_BYTES)
    app.add_middleware(PageSecurityHeaders)
    return app


def serve(host: str = "127.0.0.1", port: int = 8000, settings: Settings | None = None) -> None:
    """Run the web chat and HTTP API with the real answer service (opened at start-up).

    It listens on 127.0.0.1 (this machine only) unless `host` says otherwise (``budgetqa serve`` warns
    about any other address: see :func:`exposure_warning`).  The request timeout is
    ``settings.request_timeout_s``.
    """
    import uvicorn

    from budgetqa.settings import Settings as _Settings

    resolved = settings or _Settings.from_env()

    def open_service() -> AnswerService:
        from budgetqa.qa.corpus_service import open_answer_service

        service = open_answer_service(resolved)
        service.warm_up()  # the first questions are answered as fast as the later ones  # the first questions are answered as fast as the later ones
        return service

    app = create_app(open_service, request_timeout_s=resolved.request_timeout_s)
    uvicorn.run(app, host=host, port=port, log_level="info")
