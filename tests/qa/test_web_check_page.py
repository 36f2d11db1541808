"""The web check's page driver against the FAKE answer service of this folder's conftest (canned
answers streamed word by word, no model): it sees the streamed draft, the finished answer and the
stream's status, and takes its screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from budgetqa.eval.web_check import ask_in_page, open_chat

pytestmark = pytest.mark.slow


def test_the_page_driver_sees_the_draft_stream_and_the_answer(browser_page: Any, start_server: Any, fake_service: Any, tmp_path: Path) -> None:
    server = start_server(fake_service)
    open_chat(browser_page, server.url)
    first = ask_in_page(browser_page, "政治建和部 2024 年的员额资源是多少？", tmp_path, "q1", answer_s=30)
    second = ask_in_page(browser_page, "special political missions", tmp_path, "q2", answer_s=30)
    for answer in (first, second):
        assert answer.problems == [], answer
        assert answer.statuses == [200] and answer.draft_pieces > 1 and answer.first_draft_s is not None
        assert all(path.exists() for path in answer.screenshots)
    assert "47 270.9" in first.text and "special political missions" in second.text.lower()
