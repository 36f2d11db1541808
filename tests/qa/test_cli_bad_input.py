"""Bad input to `budgetqa ask`, `show` and `chat`: a one-line message, a non-zero exit, nothing written.

A refused question is refused before any index is opened, so most command-line tests point the cache at
a directory that does not exist yet and check it is still missing afterwards.  The chat tests marked
FAKE use the FAKE answer service of ``conftest.py`` (canned answers, no index); the rules they check are
the chat's own.  Every behaviour is also tested against the REAL service over the session index of the
bundled document (BM25 + usem3, built once by the fixtures imported from ``tests/index/conftest.py``).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from budgetqa.cli import app
from budgetqa.inputs import (
    MAX_QUESTION_CHARS,
    MAX_REFERENCE_CHARS,
    InputError,
    check_question,
    check_reference,
)
from budgetqa.qa.chat import run_chat
from budgetqa.settings import Settings
from tests.conftest import write_file
from tests.index.conftest import usem3_index, usem3_service, usem3_settings  # noqa: F401  (session fixtures)

SURROGATE_ARGUMENT = b"\xff\xfe budget".decode("utf-8", errors="surrogateescape")  # as Python passes argv

BAD_QUESTIONS = [
    ("", "empty", "empty question"),
    ("   \t\n ", "empty", "empty question"),
    ("\u3000\u3000", "empty", "empty question"),  # full-width spaces
    ("员" * (MAX_QUESTION_CHARS + 1), "too_long", "limit is 2000"),
    ("budget " * 150_000, "too_long", "limit is 2000"),  # about 1 MB
    ("员额\x00\x01\x02", "control_characters", "control characters"),
    ("\x1b[2J 员额", "control_characters", "control characters"),
    ("\x7f budget", "control_characters", "control characters"),
    (SURROGATE_ARGUMENT, "invalid_utf8", "not valid UTF-8"),
    ("\ud800 员额", "invalid_utf8", "not valid UTF-8"),
    ("员额 \ufffd\ufffd", "invalid_utf8", "not valid UTF-8"),
    ("?!…——。", "no_words", "no letters or digits"),
    ("🙂🙂", "no_words", "no letters or digits"),
    ("[/] [", "no_words", "no letters or digits"),
]

THIRD_LANGUAGES = [
    "Сколько должностей предлагается на 2024 год?",  # Russian
    "كم عدد الوظائف المقترحة لعام 2024؟",  # Arabic
    "2024年の特別政治ミッションの予算はいくらですか？",  # Japanese
    "¿Cuánto se propone para las misiones políticas especiales en 2024?",  # Spanish
    "Combien de postes sont proposés pour 2024 ?",  # French
    "2024년 특별정치임무 예산은 얼마입니까?",  # Korean
    "Wie viele Stellen gibt es 2024?",  # German
]


# ---------------------------------------------------------------------------------------------- the rules


@pytest.mark.parametrize(("text", "code", "fragment"), BAD_QUESTIONS)
def test_each_rule_has_its_code_and_a_message_that_says_what_to_do(text: str, code: str, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        check_question(text)
    assert caught.value.code == code and fragment in str(caught.value)
    assert "\n" not in str(caught.value)
    str(caught.value).encode("utf-8")  # the message never echoes undecodable input


@pytest.mark.parametrize(
    "text", ["联非办 2024 年有几个员额？", "UNOAU\tposts\n2024", "3.115", "表 3.27", *THIRD_LANGUAGES]
)
def test_questions_in_any_script_with_tabs_or_line_breaks_pass_trimmed(text: str) -> None:
    assert check_question(f"  {text}  ") == text


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=2100) | st.binary(max_size=300).map(lambda b: b.decode("utf-8", "surrogateescape")))
def test_any_text_is_either_accepted_as_clean_text_or_refused_with_an_input_error(text: str) -> None:
    try:
        checked = check_question(text)
    except InputError as error:
        assert error.code in {"empty", "too_long", "invalid_utf8", "control_characters", "no_words"}
        return
    assert checked == checked.strip() and 0 < len(checked) <= MAX_QUESTION_CHARS
    checked.encode("utf-8")  # no lone surrogates
    assert not any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in checked)
    assert any(unicodedata.category(ch)[0] in "LN" for ch in checked)


@pytest.mark.parametrize(
    ("ref", "fragment"),
    [("", "empty reference"), (" ", "empty reference"), ("3" * 101, "limit is 100"), ("3.1\x00", "control")],
)
def test_a_reference_that_cannot_be_one_is_refused_before_parsing(ref: str, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        check_reference(ref)
    assert check_reference(" 表 3.27 ") == "表 3.27" and MAX_REFERENCE_CHARS == 100


# ---------------------------------------------------------------------------------------------- ask


@pytest.fixture
def empty_cache(tmp_path: Path) -> dict[str, str | None]:
    """The CLI's environment with a cache directory that does not exist yet: opening an index would create it."""
    return {
        "BUDGETQA_CACHE_DIR": str(tmp_path / "cache"),
        "BUDGETQA_ENCODERS": "usem3",
        "BUDGETQA_DOCUMENT": None,
        "HF_HUB_OFFLINE": "1",
    }


def _refused(result, fragment: str, cache: dict[str, str | None]) -> None:
    """A refusal: exit 2, no traceback, nothing on stdout, one `error:` line on stderr, no cache made."""
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error:") and result.stderr.count("\n") == 1, result.stderr
    assert fragment in result.stderr
    assert not Path(cache["BUDGETQA_CACHE_DIR"]).exists()  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "code", "fragment"), BAD_QUESTIONS)
def test_a_bad_question_to_ask_is_refused_before_any_index_is_opened(empty_cache, text, code, fragment) -> None:
    _refused(CliRunner().invoke(app, ["ask", text, "--json"], env=empty_cache), fragment, empty_cache)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty question"),
        (b"\n\n  \n", "empty question"),
        (b"\xff\xfe\xfd budget", "not valid UTF-8"),
        (bytes(range(256)), "not valid UTF-8"),
        (b"\x00\x01 budget", "control characters"),
        ("预算".encode() * 200_000, "more than 65,536 bytes"),  # 1.2 MB
        (b"x" * 10_000, "limit is 2000"),
    ],
)
def test_a_bad_question_on_stdin_is_refused_the_same_way(empty_cache, data: bytes, fragment: str) -> None:
    _refused(CliRunner().invoke(app, ["ask", "-"], input=data, env=empty_cache), fragment, empty_cache)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["ask"], "QUESTION or --batch"),
        (["ask", "员额", "--batch", "x.jsonl"], "QUESTION or --batch"),
        (["ask", "员额", "--lang", "fr"], "--lang must be zh or en, not 'fr'"),
        (["ask", "员额", "--lang", "\x00"], "--lang must be zh or en"),
        (["chat", "--lang", "de"], "--lang must be zh or en"),
    ],
)
def test_bad_options_are_refused_before_any_index_is_opened(empty_cache, args: list[str], fragment: str) -> None:
    _refused(CliRunner().invoke(app, args, env=empty_cache), fragment, empty_cache)


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda tmp: tmp / "missing.jsonl", "no batch file at"),
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: write_file(tmp, "empty.jsonl", b""), "is empty"),
        (lambda tmp: write_file(tmp, "blank.jsonl", b"\n\n"), "is empty"),
        (lambda tmp: write_file(tmp, "binary.bin", bytes(range(256)) * 8), "binary file"),
        (lambda tmp: write_file(tmp, "many.jsonl", b'{"id": 1, "question": "q"}\n' * 10_001), "limit is 10,000"),
        (lambda tmp: write_file(tmp, "[red]odd[bold] name.jsonl", b""), "[red]odd[bold] name.jsonl is empty"),
    ],
)
def test_an_unusable_batch_file_is_exit_2_with_nothing_answered(empty_cache, tmp_path: Path, make, fragment) -> None:
    path = make(tmp_path)
    _refused(CliRunner().invoke(app, ["ask", "--batch", str(path)], env=empty_cache), fragment, empty_cache)


def test_a_batch_of_only_bad_lines_prints_an_error_line_for_each_and_exits_1(empty_cache, tmp_path: Path) -> None:
    lines = [
        b"{not json",
        b"[1, 2]",
        b'{"question": "no id"}',
        b'{"id": "no-question"}',
        b'{"id": "long", "question": "' + b"x" * 2001 + b'"}',
        b'{"id": "bytes", "question": "\xff\xfe"}',
        b'{"id": "orphan", "question": "that year?", "follow_up_of": "nobody"}',
        b"",
    ]
    path = write_file(tmp_path, "bad.jsonl", b"\n".join(lines))
    result = CliRunner().invoke(app, ["ask", "--batch", str(path)], env=empty_cache)
    assert result.exit_code == 1 and result.stderr == ""
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["line"] for record in records] == [1, 2, 3, 4, 5, 6, 7]
    assert [record["id"] for record in records] == ["line 1", "line 2", "line 3", "no-question", "long", "line 6", "orphan"]
    assert all(set(record) == {"id", "line", "error"} for record in records)
    assert not Path(empty_cache["BUDGETQA_CACHE_DIR"]).exists()  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- show


@pytest.mark.parametrize(
    ("ref", "fragment"),
    [
        ("3.999", "the document has no ¶3.999; nearest: ¶3.271, ¶3.270, ¶3.269"),
        ("表 3.99", "the document has no 表 3.99; nearest: 表 3.80, 表 3.79, 表 3.78"),
        ("table 3.100", "the document has no 表 3.100; nearest: 表 3.80"),
        ("附件九", "the document has no 附件九; nearest: 附件四"),
        ("annex XX", "nearest: 附件四"),
        ("图 3.99", "nearest: 图 3."),
        ("table 99", "'table 99' is not a reference; try 3.115, 表 3.27"),
        ("garbage", "'garbage' is not a reference"),
        ("[/]", "the reference has no letters or digits; give one such as 3.115"),
        ("[red]3.1[/red]", "'[red]3.1[/red]' is not a reference"),
        ("", "empty reference"),
        ("  ", "empty reference"),
        ("3" * 500, "limit is 100"),
        ("3.1\x00\x01", "control characters"),
        (SURROGATE_ARGUMENT, "not valid UTF-8"),
    ],
)
def test_show_of_a_ref_the_document_lacks_names_the_nearest_on_stderr_and_exits_2(ref: str, fragment: str) -> None:
    result = CliRunner().invoke(app, ["show", ref])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert result.stdout == "" and result.stderr.count("\n") == 1
    assert result.stderr.startswith("error:") and fragment in result.stderr, result.stderr


# ---------------------------------------------------------------------------------------------- chat


def script(lines: Iterable[str | BaseException]) -> Callable[[str], str]:
    """A read_line that types `lines` (raising those that are exceptions), then ends the input (Ctrl-D)."""
    queue = list(lines)

    def read_line(prompt: str) -> str:
        if not queue:
            raise EOFError
        line = queue.pop(0)
        if isinstance(line, BaseException):
            raise line
        return line

    return read_line


def chat(service, lines: Iterable[str | BaseException]) -> str:
    console = Console(record=True, width=200)
    run_chat(service, console=console, read_line=script(lines))
    return console.export_text()


def test_bad_chat_lines_get_a_message_and_the_chat_goes_on(fake_service) -> None:
    """FAKE service: every bad line is refused by the chat itself; the good question after them is answered."""
    bad = [text for text, _, _ in BAD_QUESTIONS if text.strip()]
    undecodable = UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")
    output = chat(fake_service, [*bad, undecodable, "政治建和部 2024 年的员额资源是多少？"])
    assert [call[0] for call in fake_service.calls] == ["stream"]  # only the good question reached the service
    for _, _, fragment in BAD_QUESTIONS[3:]:
        assert fragment in output
    assert "that line was not valid UTF-8" in output
    assert "47 270.9" in output and "bye" in output


def test_odd_commands_in_chat_are_named_safely_and_the_chat_goes_on(fake_service) -> None:
    """FAKE service: unknown commands with control bytes or huge names, and /show of what is no unit."""
    output = chat(
        fake_service,
        ["/\x00\x1b[31m", "/" + "x" * 5000, "/[bold]", "/show 3.999", "/show garbage", "/show", "/lang fr", "/history"],
    )
    assert "unknown command '/\\x00\\x1b[31m'" in output
    assert "unknown command '/xxxxx" in output and "x" * 100 not in output
    assert "unknown command /[bold]" in output
    assert "3.999" in output and "is not a reference" in output and "usage:" in output
    assert "no questions yet" in output and "bye" in output


def test_end_of_input_and_ctrl_c_end_the_chat_cleanly(fake_service) -> None:
    """FAKE service: Ctrl-D (EOFError) or Ctrl-C at the prompt says goodbye; nothing is asked."""
    for ending in (EOFError(), KeyboardInterrupt()):
        assert "bye" in chat(fake_service, ["   ", ending, "not asked"])
    assert fake_service.calls == []


# ---------------------------------------------------------------------------------------------- the real service


@pytest.fixture(scope="module")
def env(usem3_service, usem3_settings: Settings) -> dict[str, str | None]:  # noqa: F811
    """The CLI's environment: the session cache (index and sentence embeddings already built)."""
    return {
        "BUDGETQA_CACHE_DIR": str(usem3_settings.cache_dir),
        "BUDGETQA_ENCODERS": "usem3",
        "BUDGETQA_DOCUMENT": None,
        "HF_HUB_OFFLINE": "1",
    }


@pytest.fixture(scope="module")
def qa_service(usem3_service):  # noqa: F811
    """The REAL answer service over the session index."""
    from budgetqa.qa.service import QAService

    return QAService(usem3_service)


def _snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns) for p in directory.rglob("*")}


@pytest.mark.slow
@pytest.mark.parametrize("question", THIRD_LANGUAGES)
def test_a_question_in_a_third_language_is_answered_or_declined_never_a_crash(qa_service, question: str) -> None:
    answer = qa_service.ask(question)
    assert answer.text.strip()
    assert answer.abstained or answer.citations


@pytest.mark.slow
def test_third_languages_and_bad_lines_in_one_ask_batch_through_the_real_cli(env, tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"l{n}", "question": q}, ensure_ascii=False) for n, q in enumerate(THIRD_LANGUAGES)]
    lines += [
        json.dumps({"id": "follow", "question": "Et en 2023 ?", "follow_up_of": "l4"}),
        '{"id": "l0", "question": "duplicate"}',
        '{"id": "early", "question": "那 2023 年呢？", "follow_up_of": "late"}',
        '{"id": "late", "question": "联非办 2024 年有几个员额？"}',
        "",
        "{oops",
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cache = Path(env["BUDGETQA_CACHE_DIR"])  # type: ignore[arg-type]
    before = _snapshot(cache)
    result = CliRunner().invoke(app, ["ask", "--batch", str(path)], env=env)
    assert result.exit_code == 1, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(lines) - 1  # one per non-blank line, in order
    answered = {record["id"]: record for record in records if "answer" in record}
    assert set(answered) == {*(f"l{n}" for n in range(len(THIRD_LANGUAGES))), "follow", "late"}
    assert all(record["answer"].strip() and (record["abstained"] or record["citations"]) for record in answered.values())
    errors = {record["id"]: record["error"] for record in records if "error" in record}
    assert set(errors) == {"l0", "early", "line 13"}
    assert "duplicate" in errors["l0"] and "comes later" in errors["early"]
    assert _snapshot(cache) == before


@pytest.mark.slow
def test_a_third_language_question_and_one_with_markup_are_printed_by_the_real_cli(env) -> None:
    result = CliRunner().invoke(app, ["ask", THIRD_LANGUAGES[0], "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["question"] == THIRD_LANGUAGES[0]
    markup = "[/] [bold red]Who won the 1998 football World Cup?[/bold red] [link=file:///etc/passwd]x"
    result = CliRunner().invoke(app, ["ask", markup], env={**env, "COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "[/]" in result.stdout and "[link=file:///etc/passwd]" in result.stdout  # shown as text


@pytest.mark.slow
def test_bad_questions_with_a_built_index_change_nothing_in_the_cache(env) -> None:
    cache = Path(env["BUDGETQA_CACHE_DIR"])  # type: ignore[arg-type]
    before = _snapshot(cache)
    for text, _, fragment in BAD_QUESTIONS:
        result = CliRunner().invoke(app, ["ask", text], env=env)
        assert result.exit_code == 2 and result.stdout == "" and fragment in result.stderr
    assert _snapshot(cache) == before


@pytest.mark.slow
def test_a_chat_with_the_real_service_survives_bad_lines_and_third_languages(qa_service) -> None:
    output = chat(
        qa_service,
        [
            "\x00\x01\x02",
            "x" * 3000,
            SURROGATE_ARGUMENT,
            THIRD_LANGUAGES[1],
            THIRD_LANGUAGES[2],
            "/show 表 3.99",
            "/show " + "3" * 300,
            "/show \x00",
            "/show 3.115",
            "/history",
        ],
    )
    assert "control characters" in output and "limit is 2000" in output and "not valid UTF-8" in output
    assert "nearest: 表 3.80" in output and "limit is 100" in output
    assert "3.115" in output and "bye" in output
    history = output[output.index("history (chat-") :]
    assert THIRD_LANGUAGES[1] in history and THIRD_LANGUAGES[2] in history


@pytest.mark.slow
@pytest.mark.parametrize(
    ("ref", "error", "fragment"),
    [
        ("3.999", LookupError, "nearest: ¶3.271"),
        ("表 3.99", LookupError, "nearest: 表 3.80"),
        ("garbage", ValueError, "is not a reference"),
        ("", InputError, "empty reference"),
        ("3" * 101, InputError, "limit is 100"),
        ("\udcff", InputError, "not valid UTF-8"),
    ],
)
def test_the_real_lookup_names_what_is_wrong_with_a_ref(qa_service, ref: str, error: type, fragment: str) -> None:
    with pytest.raises(error, match=fragment):
        qa_service.lookup(ref)
