"""The contract between the answer service and its front ends (CLI chat, HTTP API, web UI)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from budgetqa.index.model import SearchHit

from .model import Answer, AnswerEvent, Language, UnitView


class AnswerService(Protocol):
    """What the front ends need: answers (whole or streamed), search, and unit lookup.

    `session_id` groups the turns of one conversation, so that follow-up questions ("那 2023 年呢？")
    are understood.  `lookup` raises ``budgetqa.ingest.refs.UnknownReference`` for an unknown ref and
    ``ValueError`` for text that is not a reference.
    """

    def ask(self, question: str, *, session_id: str | None = None, lang: Language | None = None) -> Answer: ...

    def stream(
        self, question: str, *, session_id: str | None = None, lang: Language | None = None
    ) -> Iterator[AnswerEvent]: ...

    def search(self, query: str, *, top_k: int = 10, session_id: str | None = None) -> list[SearchHit]: ...

    def lookup(self, ref: str) -> UnitView: ...
