"""What users may type: the one set of rules for questions, queries and references, shared by every stage.

The command line (``ask``, ``search``, ``show``, ``chat``, batch files), the answer and search services
and the HTTP API check text with these functions, so that the same input gets the same verdict and the
same message everywhere.  A text that breaks a rule raises :class:`InputError`, whose ``code`` names the
rule (``empty``, ``too_long``, ``invalid_utf8``, ``control_characters``, ``no_words``, ``not_text``) and
whose message says what is wrong and what to do.

>>> check_question("  联非办 2024 年有几个员额？ ")
'联非办 2024 年有几个员额？'
>>> try:
...     check_question("?!…")
... except InputError as error:
...     print(error.code, "|", error)
no_words | the question has no letters or digits; type a question in words
"""

from __future__ import annotations

import unicodedata
from typing import BinaryIO

MAX_QUESTION_CHARS = 2000
MAX_REFERENCE_CHARS = 100
MAX_STDIN_BYTES = 64 * 1024  # a question read from standard input; far above 2,000 characters of UTF-8
ALLOWED_CONTROLS = "\t\n\r"
REPLACEMENT_CHARACTER = "\ufffd"  # what a lossy decoder leaves where bytes were not UTF-8
REFERENCE_EXAMPLES = "3.115, 表 3.27, table 3.27, 图 3.十四 or 附件三"


class InputError(ValueError):
    """Text a user gave that cannot be used as given; `code` names the rule it broke."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def check_text(value: object, *, field: str = "question", limit: int = MAX_QUESTION_CHARS) -> str:
    """`value` trimmed of surrounding whitespace, or an :class:`InputError` saying what is wrong with it.

    The rules, in order: text (a ``str``); not empty once trimmed; at most `limit` characters; valid
    UTF-8 (no lone surrogates, which Python makes of undecodable bytes in arguments and files read with
    ``surrogateescape``, and no U+FFFD replacement characters); no control characters other than tab
    and line breaks; at least one letter or digit (in any script).  `field` names the text in messages
    ("question", "query", "message").
    """
    if not isinstance(value, str):
        raise InputError("not_text", f"the {field} must be text, not {type(value).__name__}")
    text = value.strip()
    if not text:
        raise InputError(
            "empty", f"empty {field}: type a question about the document, e.g. 联非办 2024 年有几个员额？"
        )
    if len(text) > limit:
        raise InputError(
            "too_long",
            f"the {field} is {len(text):,} characters long; the limit is {limit}: "
            "ask about one figure or topic at a time",
        )
    if REPLACEMENT_CHARACTER in text or any(unicodedata.category(ch) == "Cs" for ch in text):
        raise InputError(
            "invalid_utf8",
            f"the {field} is not valid UTF-8: it holds undecodable bytes (binary data or control characters?); "
            "give it as UTF-8 text",
        )
    if any(unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS for ch in text):
        raise InputError(
            "control_characters", f"the {field} contains control characters (binary data?); give plain text"
        )
    if not any(unicodedata.category(ch)[0] in ("L", "N") for ch in text):
        raise InputError("no_words", f"the {field} has no letters or digits; type a question in words")
    return text


def check_question(value: object, *, field: str = "question") -> str:
    """A question or search query, checked by :func:`check_text` against :data:`MAX_QUESTION_CHARS`."""
    return check_text(value, field=field, limit=MAX_QUESTION_CHARS)


def check_reference(value: object) -> str:
    """A reference to look up ("3.115", "表 3.27"), checked like a question but at most 100 characters.

    Whether it names a unit of the document is for the reference parser to say; this only refuses
    what cannot be a reference at all.
    """
    try:
        return check_text(value, field="reference", limit=MAX_REFERENCE_CHARS)
    except InputError as error:
        if error.code == "empty":
            raise InputError("empty", f"empty reference: give one such as {REFERENCE_EXAMPLES}") from None
        if error.code == "no_words":
            raise InputError(
                "no_words", f"the reference has no letters or digits; give one such as {REFERENCE_EXAMPLES}"
            ) from None
        if error.code == "too_long":
            length = len(value.strip()) if isinstance(value, str) else 0
            raise InputError(
                "too_long",
                f"the reference is {length:,} characters long; the limit is {MAX_REFERENCE_CHARS}: "
                f"give one reference such as {REFERENCE_EXAMPLES}",
            ) from None
        raise


def read_question_stream(stream: BinaryIO, *, limit: int = MAX_STDIN_BYTES) -> str:
    """A question read from a byte stream (standard input), decoded as UTF-8, then checked.

    At most `limit` + 1 bytes are read, so a huge input fails at once without being read whole.
    """
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(
            "too_long",
            f"standard input holds more than {limit:,} bytes; a question is at most {MAX_QUESTION_CHARS} "
            "characters: ask about one figure or topic at a time",
        )
    return check_question(data.decode("utf-8", errors="surrogateescape"))


def describe(text: str, limit: int = 40) -> str:
    """`text` shortened and quoted for a message, with undecodable and control characters escaped."""
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return ascii(short) if any(not ch.isprintable() for ch in short) else repr(short)
