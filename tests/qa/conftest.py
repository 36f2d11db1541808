"""Fixtures for the HTTP API and web chat tests: a FAKE answer service, a live server and a headless browser."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import ClassVar

import pytest

from budgetqa.eval.web_check import CHROMIUM, CHROMIUM_ARGS
from budgetqa.index.model import IndexUnit, SearchHit
from budgetqa.ingest.model import BlockKind, LineSpan
from budgetqa.ingest.refs import UnknownReference, parse_citation
from budgetqa.qa.model import Answer, AnswerEvent, Citation, Language, UnitView
from budgetqa.qa.protocols import AnswerService

# A question containing this marker makes the fake fail part-way through a streamed answer.
FAIL_MARKER = "__fail__"

POSTS_COLUMN = "2024 年估计数(重计费用前)"
POSTS_ROW = "员额"
PARAGRAPH_3_144 = (
    "3.144 拟议 2024 年特别政治任务经费用于 38 个特别政治任务。"
    "所需资源载于秘书长关于特别政治任务估计所需经费的报告。"
)
PARAGRAPH_3_144_QUOTE = "拟议 2024 年特别政治任务经费用于 38 个特别政治任务。"
XSS_ROW_LABEL = '<img src=x onerror="window.__xss=1">注'

TABLE_3_24 = UnitView(
    kind="table",
    ref="3.24",
    label="表 3.24",
    title="表 3.24 政治和建设和平事务部：按支出用途分列的所需资源(千美元)",
    text="",
    lines=[2101, 2130],
    section=["一. 政治和建设和平事务部", "B. 拟议所需资源"],
    part="一. 政治和建设和平事务部",
    english_label="Table 3.24 Department of Political and Peacebuilding Affairs: requirements by object",
    columns=["2022 年实际支出", "2023 年批款", POSTS_COLUMN],
    rows=[
        {
            "label": POSTS_ROW,
            "cells": ["45 001.2", "46 512.3", "47 270.9"],
            "group": None,
            "part": None,
            "is_total": False,
        },
        {
            "label": "其他人事费",
            "cells": ["1 230.0", "1 198.4", "1 205.6"],
            "group": None,
            "part": None,
            "is_total": False,
        },
        {"label": XSS_ROW_LABEL, "cells": ["–", "–", "–"], "group": None, "part": None, "is_total": False},
        {
            "label": "共计",
            "cells": ["46 231.2", "47 710.7", "48 476.5"],
            "group": None,
            "part": None,
            "is_total": True,
        },
    ],
)
PARAGRAPH_UNIT = UnitView(
    kind="paragraph",
    ref="3.144",
    label="¶3.144",
    title="特别政治任务",
    text=PARAGRAPH_3_144,
    lines=[4810, 4813],
    section=["二. 特别政治任务"],
    part="二. 特别政治任务",
    english_label="Special political missions",
)
UNITS: dict[tuple[BlockKind, str], UnitView] = {
    (BlockKind.TABLE, "3.24"): TABLE_3_24,
    (BlockKind.PARAGRAPH, "3.144"): PARAGRAPH_UNIT,
}


def _language(question: str, lang: Language | None) -> Language:
    if lang is not None:
        return lang
    return "zh" if re.search(r"[\u4e00-\u9fff]", question) else "en"


@dataclass
class FakeAnswerService:
    """A FAKE :class:`AnswerService` for the server and browser tests: canned answers, no index, no model.

    Questions about posts (员额) get the figure of 表 3.24 with a cell citation; questions about special
    political missions get ¶3.144; anything else abstains, echoing the question and naming its nearest
    passages as evidence only (as the real service does: "这份文件没有提到……").  It looks up only 表 3.24 and ¶3.144, and records every call so tests can
    check what the server passed on (session ids, languages, top_k).
    """

    FAIL_MARKER: ClassVar[str] = FAIL_MARKER
    POSTS_ROW: ClassVar[str] = POSTS_ROW
    POSTS_COLUMN: ClassVar[str] = POSTS_COLUMN
    XSS_ROW_LABEL: ClassVar[str] = XSS_ROW_LABEL

    calls: list[tuple[str, dict[str, object]]] = field(default_factory=list)

    def ask(self, question: str, *, session_id: str | None = None, lang: Language | None = None) -> Answer:
        self.calls.append(("ask", {"question": question, "session_id": session_id, "lang": lang}))
        return self._answer(question, lang)

    def stream(
        self, question: str, *, session_id: str | None = None, lang: Language | None = None
    ) -> Iterator[AnswerEvent]:
        self.calls.append(("stream", {"question": question, "session_id": session_id, "lang": lang}))
        answer = self._answer(question, lang)
        words = re.findall(r"\S+\s*", answer.text)
        for index, word in enumerate(words):
            if FAIL_MARKER in question and index == 1:
                raise RuntimeError("the index was closed while answering")
            yield AnswerEvent(type="token", text=word)
        yield AnswerEvent(type="answer", text=answer.text, answer=answer)

    def search(self, query: str, *, top_k: int = 10, session_id: str | None = None) -> list[SearchHit]:
        self.calls.append(("search", {"query": query, "top_k": top_k, "session_id": session_id}))
        hits = [
            SearchHit(
                unit=IndexUnit(
                    uid="row:3.24:0",
                    kind=BlockKind.TABLE,
                    ref="3.24",
                    title=TABLE_3_24.title,
                    text="员额 45 001.2 46 512.3 47 270.9",
                    indexed_text="员额 posts 47 270.9",
                    lines=LineSpan(2105, 2105),
                    section=tuple(TABLE_3_24.section),
                    part=TABLE_3_24.part,
                    row=0,
                    row_label=POSTS_ROW,
                ),
                score=0.91,
                ranks={"bm25": 0, "dense:usem3": 1},
            ),
            SearchHit(
                unit=IndexUnit(
                    uid="paragraph:3.144",
                    kind=BlockKind.PARAGRAPH,
                    ref="3.144",
                    title=PARAGRAPH_UNIT.title,
                    text=PARAGRAPH_3_144,
                    indexed_text=PARAGRAPH_3_144,
                    lines=LineSpan(4810, 4813),
                    section=tuple(PARAGRAPH_UNIT.section),
                    part=PARAGRAPH_UNIT.part,
                ),
                score=0.52,
                ranks={"bm25": 1},
            ),
        ]
        return hits[:top_k]

    def lookup(self, ref: str) -> UnitView:
        self.calls.append(("lookup", {"ref": ref}))
        citation = parse_citation(ref)
        if citation is None:
            raise ValueError(f"{ref!r} is not a reference")
        unit = UNITS.get((citation.kind, citation.ref))
        if unit is None:
            nearest = [u.label for (kind, _), u in UNITS.items() if kind is citation.kind]
            raise UnknownReference(citation, nearest)
        return unit

    def _answer(self, question: str, lang: Language | None) -> Answer:
        language = _language(question, lang)
        lowered = question.lower()
        if "员额" in question or "post" in lowered:
            cell = Citation(
                kind="table",
                ref="3.24",
                lines=[2105, 2105],
                quote="员额 45 001.2 46 512.3 47 270.9",
                row=POSTS_ROW,
                column=POSTS_COLUMN,
            )
            text = (
                "员额，2024 年估计数(重计费用前)：47 270.9 千美元 [表 3.24]"
                if language == "zh"
                else "Posts, 2024 estimate before recosting: USD 47,270.9 thousand [Table 3.24]"
            )
            return Answer(question, language, text, [cell], 0.87, False, evidence=["row:3.24:0"])
        if "特别政治任务" in question or "special political" in lowered:
            citation = Citation("paragraph", "3.144", [4810, 4813], quote=PARAGRAPH_3_144_QUOTE)
            text = (
                f"{PARAGRAPH_3_144_QUOTE} [¶3.144]"
                if language == "zh"
                else f"Special political missions: 「{PARAGRAPH_3_144_QUOTE}」 [¶3.144]"
            )
            return Answer(question, language, text, [citation], 0.74, False, evidence=["paragraph:3.144"])
        text = (
            f"这份文件没有提到“{question}”。最接近的段落：¶3.144、表 3.24"
            if language == "zh"
            else f"The document does not say “{question}”. Nearest passages: para. 3.144, Table 3.24"
        )
        return Answer(question, language, text, [], 0.0, True, evidence=["paragraph:3.144", "row:3.24:0"])


@pytest.fixture
def fake_service() -> FakeAnswerService:
    """A fresh FAKE answer service (see :class:`FakeAnswerService`)."""
    return FakeAnswerService()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A uvicorn server running in a background thread."""

    url: str
    service: AnswerService


@pytest.fixture
def start_server() -> Iterator[Callable[[AnswerService], LiveServer]]:
    """Start the budgetqa app over a given service on a free loopback port; stopped after the test."""
    import uvicorn

    from budgetqa.qa.server import create_app

    running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(service: AnswerService) -> LiveServer:
        port = _free_port()
        config = uvicorn.Config(
            create_app(service), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
        thread.start()
        running.append((server, thread))
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the test server stopped during start-up; see the log above")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the test server did not start on port {port} within 30 s")
            time.sleep(0.02)
        return LiveServer(url=f"http://127.0.0.1:{port}", service=service)

    yield start
    for server, thread in running:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def browser_page() -> Iterator[object]:
    """A page in Debian's headless Chromium driven by Playwright (no browser download)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.set_default_timeout(15_000)
            yield page
            context.close()
        finally:
            browser.close()


@pytest.fixture
def start_app() -> Iterator[Callable[[object], str]]:
    """Start any ASGI app (one built with non-default options) on a free loopback port; returns its URL.

    Like `start_server`, for apps that a test builds itself (``create_app(service, request_timeout_s=…)``).
    """
    import uvicorn

    running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(app: object) -> str:
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")  # type: ignore[arg-type]
        )
        thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
        thread.start()
        running.append((server, thread))
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the test server on port {port} did not start; see the log above")
            time.sleep(0.02)
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in running:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass(frozen=True)
class BudgetFacts:
    """The REAL bundled document's facts with the question parse and the fact answerer built on them."""

    document: object
    facts: list
    understanding: object
    answerer: object


@pytest.fixture(scope="session")
def budget_facts() -> BudgetFacts:
    """The bundled document parsed once per test session, for tests of the parse and the fact answers."""
    from budgetqa.index.glossary import load_glossary
    from budgetqa.ingest.bodies import BodyRegistry
    from budgetqa.ingest.commands import load_document
    from budgetqa.ingest.facts import extract_facts
    from budgetqa.qa.fact_answer import FactAnswerer
    from budgetqa.qa.understand import Understanding

    document = load_document()
    registry = BodyRegistry.of(document)
    facts = extract_facts(document, registry)
    glossary = load_glossary()
    return BudgetFacts(document, facts, Understanding.of(document, facts, glossary), FactAnswerer(facts, registry, glossary))
