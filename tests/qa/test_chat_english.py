"""`/lang en` in the terminal chat: `/show` switches to the unit's English version.

The chat talks to the FAKE answer service of ``conftest.py``; the English comes from FAKE versions
made here (placeholder text "FAKE English of ¶3.144") over the real document's segments.
"""

from __future__ import annotations

from rich.console import Console

from budgetqa.ingest.english import EnglishVersions, document_segments
from budgetqa.ingest.english_view import EnglishReader
from budgetqa.qa.chat import run_chat
from tests.english_fakes import fake_version

FAKE_ENGLISH = "FAKE English of paragraph 3.144"


def _reader(document) -> EnglishReader:
    segments = document_segments(document)
    paragraph = next(segment for segment in segments if segment.uid == "paragraph:3.144")
    fake = fake_version(paragraph, FAKE_ENGLISH)
    return EnglishReader(document, EnglishVersions(segments, [fake]))


def _chat(service, lines: list[str], english: EnglishReader | None) -> str:
    console = Console(record=True, width=240)
    queue = list(lines)

    def read_line(prompt: str) -> str:
        if not queue:
            raise EOFError
        return queue.pop(0)

    run_chat(service, console=console, read_line=read_line, english=english)
    return console.export_text()


def test_lang_en_switches_show_to_the_english_version(fake_service, document) -> None:
    output = _chat(fake_service, ["/show 3.144", "/lang en", "/show 3.144", "/lang zh", "/show 3.144"], _reader(document))
    chinese_shown = output.count("拟议 2024 年特别政治任务经费")
    assert chinese_shown == 2 and output.count(FAKE_ENGLISH) == 1
    assert "Machine translation" in output


def test_a_unit_without_an_english_version_is_shown_in_chinese_and_said_so(fake_service, document) -> None:
    output = _chat(fake_service, ["/lang en", "/show 表 3.24"], _reader(document))
    assert "without a checked English version are shown in Chinese" in output


def test_without_english_versions_show_stays_chinese(fake_service) -> None:
    output = _chat(fake_service, ["/lang en", "/show 3.144"], None)
    assert "拟议 2024 年特别政治任务经费" in output and "Machine translation" not in output
