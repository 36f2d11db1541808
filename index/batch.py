"""Batch question files (JSON lines) shared by `search --batch` and `ask --batch`.

Each line holds at least ``{"id", "question"}`` and optionally ``"follow_up_of"``: the id of an
earlier line of the same file, making both turns of one chat session.  A bad line becomes a
:class:`BatchError` carrying its id (or line number), and the other lines still run.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class BatchItem:
    id: str
    question: str
    session: str  # id of the first turn of the conversation this line belongs to
    lang: str | None = None


@dataclass(frozen=True)
class BatchError:
    id: str
    error: str

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "error": self.error}


def read_batch(lines: Iterable[str]) -> Iterator[BatchItem | BatchError]:
    """Parse batch lines in order; follow-ups join the session of the line they follow."""
    sessions: dict[str, str] = {}
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as error:
            yield BatchError(f"line {number}", f"not valid JSON: {error.msg} at column {error.colno}")
            continue
        if not isinstance(record, dict):
            yield BatchError(f"line {number}", "each line must be a JSON object with 'id' and 'question'")
            continue
        raw_id = record.get("id")
        item_id = f"line {number}" if raw_id is None or raw_id == "" else str(raw_id)  # 0 is a valid id
        question = record.get("question")
        if not isinstance(question, str) or not question.strip():
            yield BatchError(item_id, "missing or empty 'question'")
            continue
        parent = record.get("follow_up_of")
        if parent is not None and str(parent) not in sessions:
            yield BatchError(item_id, f"follow_up_of {parent!r} is not the id of an earlier line in this file")
            continue
        session = sessions[str(parent)] if parent is not None else item_id
        sessions[item_id] = session
        lang = record.get("lang") if record.get("lang") in ("zh", "en") else None
        yield BatchItem(item_id, question, session, lang)
