"""`budgetqa chat`: scripted conversations rendered into a recording console.

Most tests talk to the FAKE answer service of ``conftest.py`` (canned answers for 员额 / special
political missions, units ¶3.144 and 表 3.24 only); the last one talks to the real service.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from rich.console import Console

from budgetqa.qa.chat import run_chat


def script(lines: Iterable[str]) -> Callable[[str], str]:
    """A read_line that types `lines`, then ends the input (as Ctrl-D does)."""
    queue = list(lines)

    def read_line(prompt: str) -> str:
        if not queue:
            raise EOFError
        return queue.pop(0)

    return read_line


def chat(service, lines: Iterable[str], **options) -> str:
    console = Console(record=True, width=120)
    run_chat(service, console=console, read_line=script(lines), **options)
    return console.export_text()


def test_an_answer_is_shown_with_its_citation_lines_and_confidence(fake_service) -> None:
    output = chat(fake_service, ["政治建和部 2024 年的员额资源是多少？", "/quit"])
    assert "员额，2024 年估计数(重计费用前)：47 270.9 千美元 [表 3.24]" in output
    assert "表 3.24" in output and "L2105" in output and "员额 / 2024 年估计数(重计费用前)" in output
    assert "confidence 0.87" in output
    assert "bye" in output


def test_all_questions_of_one_chat_share_one_session_so_follow_ups_work(fake_service) -> None:
    chat(fake_service, ["政治建和部 2024 年的员额资源是多少？", "那 2023 年呢？"])
    sessions = {call[1]["session_id"] for call in fake_service.calls if call[0] == "stream"}
    assert len(sessions) == 1 and None not in sessions
    chat(fake_service, ["政治建和部 2024 年的员额资源是多少？"])
    assert len({call[1]["session_id"] for call in fake_service.calls if call[0] == "stream"}) == 2


def test_an_abstained_answer_is_marked(fake_service) -> None:
    output = chat(fake_service, ["联合国秘书长的生日是哪天？"])
    assert "这份文件没有提到" in output and "abstained" in output


def test_show_renders_a_table_as_a_grid_of_its_rows(fake_service) -> None:
    output = chat(fake_service, ["/show 表 3.24"])
    assert "表 3.24" in output and "2024 年估计数(重计费用前)" in output
    posts_line = next(line for line in output.splitlines() if "员额" in line and "47 270.9" in line)
    assert posts_line.index("45 001.2") < posts_line.index("46 512.3") < posts_line.index("47 270.9")
    assert "L2101–2130" in output


def test_show_renders_a_paragraph_and_explains_unknown_references(fake_service) -> None:
    output = chat(fake_service, ["/show 3.144", "/show 3.999", "/show nothing", "/show"])
    assert "¶3.144" in output and "拟议 2024 年特别政治任务经费用于 38 个特别政治任务" in output
    assert "3.999" in output  # the unknown reference is named, with the nearest that exist
    assert "is not a reference" in output
    assert "usage:" in output


def test_lang_sets_the_answer_language_until_auto(fake_service) -> None:
    output = chat(
        fake_service, ["/lang en", "政治建和部 2024 年的员额资源是多少？", "/lang auto", "员额", "/lang fr"]
    )
    langs = [call[1]["lang"] for call in fake_service.calls if call[0] == "stream"]
    assert langs == ["en", None]
    assert "Posts, 2024 estimate before recosting: USD 47,270.9 thousand" in output
    assert "usage:" in output and "/lang en|zh|auto" in output


def test_history_lists_the_questions_and_their_citations(fake_service) -> None:
    output = chat(
        fake_service, ["/history", "政治建和部 2024 年的员额资源是多少？", "特别政治任务有多少？", "/history"]
    )
    assert "no questions yet" in output
    history = output[output.rindex("history (chat-") :]
    assert "政治建和部 2024 年的员额资源是多少？" in history and "特别政治任务有多少？" in history
    assert "表 3.24" in history and "¶3.144" in history


def test_help_unknown_commands_and_blank_lines_do_not_end_the_chat(fake_service) -> None:
    output = chat(fake_service, ["", "/help", "/frobnicate", "政治建和部 2024 年的员额资源是多少？"])
    assert "/show 3.115" in output
    assert "unknown command /frobnicate" in output
    assert "47 270.9" in output


def test_a_failure_while_answering_is_reported_and_the_chat_goes_on(fake_service) -> None:
    """The FAKE service fails part-way through an answer whose question contains its fail marker."""
    from tests.qa.conftest import FAIL_MARKER

    output = chat(fake_service, [f"员额 {FAIL_MARKER}", "政治建和部 2024 年的员额资源是多少？"])
    assert "the index was closed while answering" in output
    assert "47 270.9" in output


def test_keyboard_interrupt_at_the_prompt_ends_the_chat_cleanly(fake_service) -> None:
    def read_line(prompt: str) -> str:
        raise KeyboardInterrupt

    console = Console(record=True, width=120)
    run_chat(fake_service, console=console, read_line=read_line)
    assert "bye" in console.export_text()


@pytest.mark.slow
def test_a_chat_with_the_real_service_answers_follows_up_and_shows_units() -> None:
    """The REAL answer service over the bundled document."""
    from budgetqa.qa.service import QAService
    from budgetqa.settings import Settings

    service = QAService.open(Settings.from_env())
    output = chat(
        service,
        ["政治建和部 2024 年的员额资源是多少？", "/show 表 3.24", "/lang en", "/show 3.144", "/history"],
    )
    assert "47 270.9" in output
    assert "表 3.24" in output
    assert "775 326 200" in output  # ¶3.144 shown
    assert "history (chat-" in output
