"""Reading the file a user gives as a budget section, with one clear error for each way it can be wrong.

A budget section's text extraction is UTF-8 text of a few hundred kilobytes (the bundled A/78/6 (Sect. 3)
is 280 kB).  :func:`read_source` refuses, each with a :class:`DocumentError` that says what is wrong and
what to do: a missing path, a directory or device, a file over :data:`MAX_DOCUMENT_BYTES` (before
reading it), a binary file, UTF-16 text and bytes that are not UTF-8.
"""

from __future__ import annotations

from pathlib import Path

from .errors import DocumentError

MAX_DOCUMENT_BYTES = 20_000_000
"""Largest source accepted: 70 times the bundled section, far below what would take minutes to parse."""

_BINARY_PROBE = 64 * 1024  # a NUL byte among the first 64 KiB marks a binary file
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_WHAT_TO_GIVE = "give the UTF-8 text extraction of one budget section (e.g. A_78_6_Sect3_zh.txt)"


def shown(path: Path) -> str:
    """`path` as it can be printed: bytes of the name that are not UTF-8 become U+FFFD."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def read_source(path: Path | str) -> str:
    """The text of the budget section stored at `path`, or a :class:`DocumentError` saying what is wrong.

    >>> try:
    ...     read_source("/nonexistent/section.txt")
    ... except DocumentError as error:
    ...     print(error)
    /nonexistent/section.txt does not exist; give the UTF-8 text extraction of one budget section (e.g. A_78_6_Sect3_zh.txt)
    """
    source = Path(path)
    name = shown(source)
    try:
        if source.is_dir():
            raise DocumentError(f"{name} is a directory; {_WHAT_TO_GIVE}")
        if not source.exists():
            raise DocumentError(f"{name} does not exist; {_WHAT_TO_GIVE}")
        if not source.is_file():
            raise DocumentError(f"{name} is not a regular file (a device or pipe); {_WHAT_TO_GIVE}")
        size = source.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise DocumentError(
                f"{name} is {_megabytes(size)}, over the {_megabytes(MAX_DOCUMENT_BYTES)} limit for one budget "
                f"section (the bundled one is 0.3 MB); check that it is the text of one section, not a PDF or an archive"
            )
        with source.open("rb") as handle:
            data = handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as error:
        raise DocumentError(f"cannot read {name}: {error.strerror or error}; {_WHAT_TO_GIVE}") from error
    if len(data) > MAX_DOCUMENT_BYTES:  # the file grew while it was read
        raise DocumentError(
            f"{name} is over the {_megabytes(MAX_DOCUMENT_BYTES)} limit for one budget section"
        )
    return decode_source(data, name)


def decode_source(data: bytes, name: str = "the document") -> str:
    """`data` decoded as UTF-8 (a byte-order mark is allowed), or a :class:`DocumentError`."""
    if data.startswith(b"%PDF-"):
        raise DocumentError(f"{name} is a PDF; extract its text first (e.g. pdftotext -enc UTF-8 {name})")
    if data.startswith(_UTF16_BOMS):
        raise DocumentError(f"{name} is UTF-16 text; save it as UTF-8 and try again")
    if b"\x00" in data[:_BINARY_PROBE]:
        raise DocumentError(f"{name} is a binary file (a PDF, an image or an archive?); {_WHAT_TO_GIVE}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentError(
            f"{name} is not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8 "
            "(e.g. iconv -f GB18030 -t UTF-8) and try again"
        ) from error


__all__ = ["MAX_DOCUMENT_BYTES", "decode_source", "read_source", "shown"]
