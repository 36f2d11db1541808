"""Batch question files (JSON lines) shared by `search --batch` and `ask --batch`.

Each line holds ``{"id", "question"}`` and optionally ``"follow_up_of"`` (the id of an earlier line of
the same file, making both turns of one chat session) and ``"lang"`` (``zh`` or ``en``).  Blank lines
are skipped.  A bad line becomes a :class:`BatchError` carrying its id (``"line N"`` when the line has
no usable id) and its line number, and the other lines still run.  A file that cannot be a batch file at
all (missing, a directory, empty, binary, over :data:`MAX_BATCH_BYTES` or :data:`MAX_BATCH_LINES`)
raises :class:`BatchFileError` before anything runs.

The commands print one JSON object per non-blank line, in the file's order, and exit with 0 when every
line ran, 1 when some lines failed (their objects carry ``"error"``) and 2 when the file itself could not
be used.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from budgetqa.inputs import InputError, check_question

if TYPE_CHECKING:
    from .language import Language
    from .model import SearchHit

MAX_BATCH_BYTES = 16 * 1024 * 1024
MAX_BATCH_LINES = 10_000
MAX_LINE_BYTES = 64 * 1024
MAX_ID_CHARS = 200
LANGUAGES = ("zh", "en")
EXAMPLE_LINE = '{"id": "q1", "question": "联非办 2024 年有几个员额？"}'


class BatchFileError(ValueError):
    """A batch file that cannot be used at all; the message names the file and what to do."""


@dataclass(frozen=True)
class BatchItem:
    """A line that can run: its id, checked question and the chat session it belongs to."""

    id: str
    question: str
    session: str  # id of the first turn of the conversation this line belongs to
    lang: str | None = None
    line: int = 0


@dataclass(frozen=True)
class BatchError:
    """A line that cannot run, with its id (or ``"line N"``), its line number and what is wrong."""

    id: str
    error: str
    line: int = 0

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "line": self.line, "error": self.error}


def read_batch_file(path: Path) -> list[str]:
    """The lines of batch file `path`, decoded as UTF-8 (undecodable bytes kept as lone surrogates).

    Raises :class:`BatchFileError` for a path that is missing or a directory, a file over
    :data:`MAX_BATCH_BYTES` (checked before reading) or :data:`MAX_BATCH_LINES`, a binary file (one
    holding NUL bytes, as UTF-16 files do) and a file with no non-blank line.
    """
    if not path.exists():
        raise BatchFileError(f"no batch file at {path}: give the path of a JSON-lines file")
    if path.is_dir():
        raise BatchFileError(f"{path} is a directory: give a JSON-lines file, one question per line")
    try:
        if path.is_file() and path.stat().st_size > MAX_BATCH_BYTES:
            raise BatchFileError(_too_big(path, path.stat().st_size))
        with path.open("rb") as handle:
            data = handle.read(MAX_BATCH_BYTES + 1)  # a pipe or device has no size to check first
    except OSError as error:
        raise BatchFileError(f"cannot read {path}: {error.strerror or error}") from None
    if len(data) > MAX_BATCH_BYTES:
        raise BatchFileError(_too_big(path, len(data)))
    if b"\x00" in data:
        raise BatchFileError(
            f"{path} looks like a binary file (it holds NUL bytes): a batch file is UTF-8 text with one "
            f"JSON object per line, e.g. {EXAMPLE_LINE} (save a UTF-16 file as UTF-8)"
        )
    text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()  # the final line break ends the last line; it does not start another
    _check_line_count(len(lines), str(path))
    if not any(line.strip() for line in lines):
        raise BatchFileError(f"{path} is empty: write one JSON object per line, e.g. {EXAMPLE_LINE}")
    return lines


def read_batch(lines: Iterable[str]) -> list[BatchItem | BatchError]:
    """Check batch lines in order; follow-ups join the session of the line they follow.

    Raises :class:`BatchFileError` for more than :data:`MAX_BATCH_LINES` lines.
    """
    numbered = list(enumerate(lines, start=1))
    _check_line_count(len(numbered), "the batch")
    records = {number: _parse(raw) for number, raw in numbered if raw.strip()}
    first_line: dict[str, int] = {}  # every usable id, with the line that first carries it
    for number, record in records.items():
        if isinstance(record, dict):
            item_id = _usable_id(record.get("id"))
            if isinstance(item_id, str):
                first_line.setdefault(item_id, number)

    out: list[BatchItem | BatchError] = []
    sessions: dict[str, str] = {}  # id of a line that can run → id of its session's first line
    failed: dict[str, int] = {}  # id of a line that cannot run → its line number
    for number, record in records.items():
        item = _item(number, record, first_line, sessions, failed)
        if isinstance(item, BatchItem):
            sessions[item.id] = item.session
        elif item.id == _usable_id(record.get("id") if isinstance(record, dict) else None):
            failed.setdefault(item.id, number)
        out.append(item)
    return out


# ---------------------------------------------------------------------------------------------- lines


def _parse(raw: str) -> dict[str, object] | str:
    """The JSON object of a line, or the message saying why the line is not one."""
    size = len(raw.encode("utf-8", errors="surrogateescape"))
    if size > MAX_LINE_BYTES:
        return f"the line is {size:,} bytes long; the limit is {MAX_LINE_BYTES:,} (a question is at most 2000 characters)"
    bad = next((ch for ch in raw if "\udc80" <= ch <= "\udcff"), None)
    if bad is not None:
        column = raw.index(bad) + 1
        return f"the line is not valid UTF-8 (byte 0x{ord(bad) - 0xDC00:02x} at column {column}); save the file as UTF-8"
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as error:
        return f"not valid JSON: {error.msg} at column {error.colno}; write one object per line, e.g. {EXAMPLE_LINE}"
    except ValueError as error:  # a number too long to convert
        return f"not valid JSON: {error}"
    except RecursionError:
        return "not valid JSON: nested too deeply; write one flat object per line"
    if not isinstance(record, dict):
        return f"each line must be a JSON object with 'id' and 'question', not a JSON {_json_type(record)}"
    return record


def _item(
    number: int,
    record: dict[str, object] | str,
    first_line: dict[str, int],
    sessions: dict[str, str],
    failed: dict[str, int],
) -> BatchItem | BatchError:
    """The runnable item of a parsed line, or its error."""
    fallback = f"line {number}"
    if isinstance(record, str):
        return BatchError(fallback, record, number)
    item_id = _usable_id(record.get("id"))
    if not isinstance(item_id, str):
        return BatchError(fallback, str(item_id), number)
    if first_line[item_id] != number:
        return BatchError(
            item_id,
            f"duplicate id {item_id!r}: line {first_line[item_id]} already uses it; give each line its own id",
            number,
        )
    if "question" not in record:
        return BatchError(item_id, f"missing 'question': each line needs one, e.g. {EXAMPLE_LINE}", number)
    try:
        question = check_question(record["question"])
    except InputError as error:
        return BatchError(item_id, str(error), number)
    lang = record.get("lang")
    if lang is not None and (not isinstance(lang, str) or lang not in LANGUAGES):
        return BatchError(item_id, f"'lang' must be zh or en, not {json.dumps(lang, ensure_ascii=True)}", number)
    parent = record.get("follow_up_of")
    if parent is None:
        return BatchItem(item_id, question, item_id, lang, number)
    key = _usable_id(parent)
    if isinstance(key, str) and key in sessions:
        return BatchItem(item_id, question, sessions[key], lang, number)
    return BatchError(item_id, _follow_up_error(parent, key, item_id, number, first_line, failed), number)


def _follow_up_error(
    parent: object, key: str | InputError, item_id: str, number: int, first_line: dict[str, int], failed: dict[str, int]
) -> str:
    shown = json.dumps(parent, ensure_ascii=True)
    if not isinstance(key, str):
        return f"follow_up_of {shown} is not an id: give the id of an earlier line of this file"
    if key == item_id:
        return f"follow_up_of {shown} names this line itself; give the id of an earlier line"
    if key in failed:
        return f"follow_up_of {shown} names line {failed[key]}, which has an error; fix that line first"
    if key in first_line and first_line[key] > number:
        return f"follow_up_of {shown} names line {first_line[key]}, which comes later; put a follow-up after the line it follows"
    return f"follow_up_of {shown} is not the id of an earlier line in this file"


def _usable_id(value: object) -> str | InputError:
    """The id of a line as text (an integer id such as 0 is kept), or why it cannot be one."""
    if value is None or value == "":
        return InputError("missing_id", "missing 'id': give each line an id (a string or an integer) to match its answer")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return InputError("bad_id", f"'id' must be a string or an integer, not a JSON {_json_type(value)}")
    text = str(value).strip()
    if not text:
        return InputError("missing_id", "the 'id' is blank: give each line an id (a string or an integer)")
    if len(text) > MAX_ID_CHARS:
        return InputError("bad_id", f"the 'id' is {len(text):,} characters long; the limit is {MAX_ID_CHARS}")
    if "\ufffd" in text or any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text):
        return InputError("bad_id", "the 'id' holds control characters or undecodable bytes; use plain text")
    return text


def _json_type(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _check_line_count(count: int, what: str) -> None:
    if count > MAX_BATCH_LINES:
        raise BatchFileError(
            f"{what} has {count:,} lines; the limit is {MAX_BATCH_LINES:,}: split it into smaller files"
        )


def _too_big(path: Path, size: int) -> str:
    return f"{path} is {size:,} bytes; the limit is {MAX_BATCH_BYTES:,}: split it into smaller files"


class SearchesQuestions(Protocol):
    """What a batch of searches runs on: `SearchService` or `CorpusSearchService`."""

    def search(
        self, question: str, *, top_k: int = 10, session_id: str | None = None, lang: Language | None = None
    ) -> list[SearchHit]: ...


def run_search_items(
    service: SearchesQuestions, items: Iterable[BatchItem | BatchError], *, top_k: int = 10
) -> Iterator[dict[str, object]]:
    """Search each checked batch line: ``{"id", "results"}``, or ``{"id", "line", "error"}``."""
    for item in items:
        if isinstance(item, BatchError):
            yield item.to_json()
            continue
        try:
            hits = service.search(item.question, top_k=top_k, session_id=f"batch:{item.session}", lang=item.lang)  # type: ignore[arg-type]
        except ValueError as error:
            yield BatchError(item.id, str(error), item.line).to_json()
            continue
        yield {"id": item.id, "results": [hit.to_json() for hit in hits]}
