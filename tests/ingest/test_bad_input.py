"""Files that are not a budget section, given to `budgetqa ingest`: one clear line, a non-zero exit, nothing written.

Exit codes: 2 when the file cannot be read as a budget section (the message says what is wrong and
what to do), 1 when it was parsed but seems truncated (``--partial`` accepts it), 0 otherwise.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetqa.cli import app
from budgetqa.data import bundled_document_path
from budgetqa.ingest.errors import DocumentError
from budgetqa.ingest.parser import NotABudgetSection, parse_document, parse_text
from budgetqa.ingest.source import MAX_DOCUMENT_BYTES, read_source
from budgetqa.ingest.tables import TableParseError

runner = CliRunner()

NOVEL = """It was the best of times, it was the worst of times, it was the age of wisdom, it was the age
of foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season of
Light, it was the season of Darkness, it was the spring of hope, it was the winter of despair.

There were a king with a large jaw and a queen with a plain face, on the throne of England.
"""


def bundled_lines() -> list[str]:
    return bundled_document_path().read_text(encoding="utf-8").split("\n")


def cut(fraction_from: float, fraction_to: float) -> bytes:
    lines = bundled_lines()
    return "\n".join(lines[int(len(lines) * fraction_from) : int(len(lines) * fraction_to)]).encode()


def random_bytes(seed: int, size: int, *, nul: bool) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(0 if nul else 0x80, 256) for _ in range(size))


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    """A cache directory of its own, which no ingest may write into."""
    directory = tmp_path / "cache"
    monkeypatch.setenv("BUDGETQA_CACHE_DIR", str(directory))
    return directory


def invoke(*args: str):
    return runner.invoke(app, ["ingest", *args], env={"COLUMNS": "100"})


def assert_refused(result, cache: Path, *fragments: str) -> None:
    """Exit 2, one error line on standard error naming the problem, no traceback, nothing cached."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.output
    assert result.stdout == ""  # no summary of a document that was not read
    assert not cache.exists() or not any(cache.rglob("*"))


BAD_FILES = [
    ("empty", b"", ["is empty", "give the UTF-8 text extraction"]),
    ("whitespace only", " \n\t\r\n  \n\u3000\n".encode(), ["is empty"]),
    ("random bytes", random_bytes(7, 4096, nul=True), ["binary file", "give the UTF-8 text"]),
    ("random bytes without NUL", random_bytes(8, 4096, nul=False), ["not UTF-8", "save it as UTF-8"]),
    ("PNG image", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(64), ["binary file"]),
    (
        "PDF",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        ["is a PDF", "pdftotext"],
    ),
    (
        "GB18030 text",
        "第 3 款 政治事务\n 3.1 政治和建设和平事务部负责。".encode("gb18030"),
        ["not UTF-8", "iconv"],
    ),
    (
        "UTF-16 text",
        "第 3 款 政治事务\n 3.1 政治和建设和平事务部负责。".encode("utf-16"),
        ["UTF-16", "as UTF-8"],
    ),
    ("a page of a novel", NOVEL.encode(), ["no running head", "第 3 款"]),
    (
        "a JSON file",
        json.dumps({"question": "联非办 2024 年有几个员额？", "answer": [1, 2]}).encode(),
        ["no running head"],
    ),
    (
        "running heads but no paragraphs",
        "第 3 款 政治事务\n17/136 23-08138\n一些文字。\n".encode(),
        ["no numbered paragraph 3.1"],
    ),
    (
        "the first 5 % of the section",
        cut(0, 0.05),
        ["paragraphs 3.1–3.", "cut short", "complete text extraction"],
    ),
    (
        "the annexes before the paragraphs",
        cut(0.84, 1) + b"\n" + cut(0, 0.84),
        ["paragraph 3.1 comes only after the annexes begin (附件一", "out of order"],
    ),
    (
        "the second half of the section",
        cut(0.5, 1),
        ["first numbered paragraph is 3.", "beginning of the section"],
    ),
]


@pytest.mark.parametrize(
    ("content", "fragments"), [(c, f) for _, c, f in BAD_FILES], ids=[n for n, _, _ in BAD_FILES]
)
def test_a_file_that_is_not_a_budget_section_is_refused_with_one_line(tmp_path, cache, content, fragments):
    path = tmp_path / "section.txt"
    path.write_bytes(content)
    assert_refused(invoke(str(path)), cache, str(path), *fragments)


def test_a_directory_is_refused(tmp_path, cache):
    assert_refused(invoke(str(tmp_path)), cache, "is a directory")


def test_a_missing_path_is_refused(tmp_path, cache):
    assert_refused(invoke(str(tmp_path / "nowhere" / "section.txt")), cache, "does not exist")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused_without_reading_it(cache):
    """/dev/zero never ends: reading it would hang; it is refused as not a regular file."""
    assert_refused(invoke("/dev/zero"), cache, "not a regular file")


def test_a_huge_file_is_refused_before_it_is_read(tmp_path, cache):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.write(bundled_document_path().read_bytes())
        handle.truncate(50_000_000)  # 50 MB, mostly a sparse hole: cheap to make, slow to parse
    started = time.perf_counter()
    result = invoke(str(path))
    assert time.perf_counter() - started < 5
    assert_refused(result, cache, "is 50.0 MB", "over the 20.0 MB limit", "not a PDF or an archive")
    assert MAX_DOCUMENT_BYTES == 20_000_000


def test_a_file_name_with_markup_and_undecodable_bytes_is_printed_as_it_is(tmp_path, cache):
    markup = tmp_path / "[red]odd[bold] name.txt"
    markup.write_bytes(b"")
    assert_refused(invoke(str(markup)), cache, "[red]odd[bold] name.txt is empty")
    undecodable = Path(os.fsdecode(bytes(tmp_path) + b"/\xff\xfe.txt"))
    undecodable.write_bytes(b"\x00")
    assert_refused(invoke(str(undecodable)), cache, "\ufffd\ufffd.txt is a binary file")


# --------------------------------------------------------------------------------------------------
# A section cut short after its first pages: parsed, with a warning, and exit code 1 unless --partial
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def half(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("truncated") / "half.txt"
    path.write_bytes(cut(0, 0.5))
    return path


def test_a_truncated_section_is_parsed_with_a_warning_and_exit_code_1(half, cache):
    result = invoke(str(half))
    assert result.exit_code == 1, result.output
    assert "paragraphs" in result.stdout and "debris removed" in result.stdout  # the summary is printed
    warning, error = result.stderr.strip().splitlines()
    assert warning.startswith("warning: paragraphs 3.1–3.")
    kept = bundled_lines()[: len(bundled_lines()) // 2]
    last_line = max(number for number, text in enumerate(kept, 1) if text.strip())
    assert "no annex" in warning and f"seems truncated (it ends at line {last_line})" in warning
    assert error == "error: the document seems truncated; pass --partial to accept it as it is"
    assert not cache.exists()


def test_partial_accepts_a_truncated_section_and_still_warns(half, cache):
    """Accepted, it joins the corpus (its text and the registry are written); --no-index leaves its
    index to be built when it is first searched."""
    result = invoke(str(half), "--partial", "--no-index")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("warning: paragraphs 3.1–3.") and "error" not in result.stderr
    assert "to the corpus (2 documents)" in result.stdout
    written = sorted(path.relative_to(cache).as_posix() for path in cache.rglob("*") if path.is_file())
    assert written[0] == "corpus/corpus.json" and len(written) == 3  # the registry and two texts
    assert not (cache / "indexes").exists()


def test_the_truncated_section_keeps_the_paragraphs_it_has(half):
    document = parse_document(half)
    whole = parse_document(bundled_document_path())
    count = len(document.paragraphs)
    assert 100 < count < len(whole.paragraphs)
    assert [p.ref for p in document.paragraphs] == [p.ref for p in whole.paragraphs[:count]]
    (warning,) = document.report.warnings
    assert f"paragraphs 3.1–{document.paragraphs[-1].ref} were found but no annex" in warning


def test_the_whole_section_is_ingested_without_warnings_or_writes(cache):
    result = invoke(str(bundled_document_path()))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "271" in result.stdout
    assert not cache.exists()


# --------------------------------------------------------------------------------------------------
# The library: one error type, messages that say what to do
# --------------------------------------------------------------------------------------------------


def test_every_refusal_of_the_parser_is_a_document_error():
    assert issubclass(NotABudgetSection, DocumentError)
    assert issubclass(TableParseError, DocumentError)


@pytest.mark.parametrize("name", [n for n, _, _ in BAD_FILES])
def test_read_source_and_parse_text_refuse_bad_files_with_a_document_error(tmp_path, name):
    content = next(c for n, c, _ in BAD_FILES if n == name)
    path = tmp_path / "section.txt"
    path.write_bytes(content)
    with pytest.raises(DocumentError):
        parse_text(read_source(path))


def test_a_byte_order_mark_and_crlf_line_ends_are_read(tmp_path):
    path = tmp_path / "section.txt"
    text = bundled_document_path().read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    document = parse_document(path)
    assert len(document.paragraphs) == 271 and not document.report.warnings
