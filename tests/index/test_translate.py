"""Translating segments: the prompt, the retry with the failures named, the cache, the command.

The unit tests drive the translation with a FAKE translator (scripted replies) over made-up
segments that do not come from the real document; the command test runs on the real document with a
fake translator; the last test uses the real local model and is marked ``llm``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetqa.index.glossary import load_glossary
from budgetqa.index.translate import (
    SYSTEM_PROMPT,
    TranslationCache,
    build_prompt,
    clean_reply,
    translate_segment,
    translate_segments,
)
from budgetqa.index.translation_checks import source_terms
from budgetqa.ingest.english import EnglishVersions, Segment, SegmentKind, read_versions, user_path

MADE_UP = Segment("paragraph:9.1", SegmentKind.PARAGRAPH, "2030 年示例办事处有 7 个员额，费用为 1.5 亿美元。")
RIGHT = "In 2030, the example office has 7 posts, at a cost of US$150 million."
WRONG = "In 2030, the example office has 7 posts, at a cost of $1.5 billion."


class FakeTranslator:
    """A FAKE translator: returns scripted replies in order and records the prompts it got."""

    model_sha256 = "f" * 64

    def __init__(self, replies: list[str]) -> None:
        self.replies = list(replies)
        self.prompts: list[str] = []

    def complete(self, system: str, turns, *, max_tokens: int) -> str:
        assert system == SYSTEM_PROMPT and max_tokens > 0 and [turn.role for turn in turns] == ["user"]
        self.prompts.append("\n".join(turn.content for turn in turns))
        return self.replies.pop(0)


def test_the_prompt_gives_figures_in_english_notation_and_the_official_terms() -> None:
    prepared = "2030 年示例办事处有 7 个员额，费用为 US$150 million。"
    prompt = build_prompt(MADE_UP, prepared, source_terms(prepared, load_glossary()))
    assert "US$150 million" in prompt.user and "亿" not in prompt.user
    assert "- 员额 = posts" in prompt.user


def test_a_failed_translation_is_retried_once_with_its_failure_named() -> None:
    fake = FakeTranslator([WRONG, RIGHT])
    version = translate_segment(MADE_UP, fake, load_glossary())
    assert version.passed and version.english == RIGHT and version.attempts == 2
    assert "Take care" not in fake.prompts[0]
    assert "the figure 150 million of the source is missing" in fake.prompts[1]
    assert WRONG not in fake.prompts[1]  # a small model given its rejected text writes it back


def test_a_translation_that_fails_twice_is_kept_as_not_translated() -> None:
    fake = FakeTranslator([WRONG, WRONG])
    version = translate_segment(MADE_UP, fake, load_glossary())
    assert version.english is None and not version.passed
    assert version.rejected == WRONG and version.attempts == 2
    assert any("1.5 billion" in failure for failure in version.failures)


def test_clean_reply_removes_labels_quotes_fences_and_the_prompt_written_back() -> None:
    assert clean_reply('English translation: "Posts"') == "Posts"
    assert clean_reply("```\nPosts\n```") == "Posts"
    assert clean_reply("Posts of the office.\nChinese text:\n员额") == "Posts of the office."
    assert clean_reply("Posts.\nGlossary (where …):\n- 员额 = posts") == "Posts."
    assert clean_reply("Take care, a first translation got these wrong:\n- …\nEnglish translation: Posts.") == "Posts."


def test_chinese_glossary_terms_left_in_the_reply_are_put_into_english() -> None:
    fake = FakeTranslator([RIGHT.replace("posts", "员额")])
    version = translate_segment(MADE_UP, fake, load_glossary())
    assert version.passed and version.english == RIGHT


def test_a_killed_run_resumes_from_the_cache(tmp_path: Path) -> None:
    second = Segment("label:示例标签", SegmentKind.LABEL, "示例员额")
    cache = TranslationCache(tmp_path, FakeTranslator.model_sha256)
    run = translate_segments([MADE_UP, second], FakeTranslator([RIGHT]), load_glossary(), cache)
    first_step = next(run)  # the run is "killed" after its first segment
    assert not first_step.cached and first_step.total_chars == len(MADE_UP.text) + len(second.text)
    resumed = FakeTranslator(["Example posts"])
    steps = list(translate_segments([MADE_UP, second], resumed, load_glossary(), cache))
    assert [step.cached for step in steps] == [True, False]
    assert len(resumed.prompts) == 1 and steps[1].version.english == "Example posts"
    assert steps[0].version == first_step.version


def test_a_cached_failure_is_translated_again_only_when_asked(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path, FakeTranslator.model_sha256)
    list(translate_segments([MADE_UP], FakeTranslator([WRONG, WRONG]), load_glossary(), cache))
    assert list(translate_segments([MADE_UP], FakeTranslator([]), load_glossary(), cache))[0].cached
    again = list(translate_segments([MADE_UP], FakeTranslator([RIGHT]), load_glossary(), cache, retry_failed=True))
    assert again[0].version.passed


def test_translate_command_writes_checked_versions_and_resumes(document, tmp_path: Path, monkeypatch) -> None:
    """End to end on the real document with a FAKE translator that answers every caption with the
    glossary's English label: the file gets one checked or rejected line per caption, and a second
    run takes every one from the cache."""
    from budgetqa.cli import app
    from budgetqa.index import translate_commands

    class LabelTranslator:
        model_sha256 = "e" * 64
        calls = 0

        def complete(self, system: str, turns, *, max_tokens: int) -> str:
            LabelTranslator.calls += 1
            chinese = turns[0].content.split("Chinese text:\n", 1)[1].split("\n", 1)[0]
            return load_glossary().english_label(chinese)

    monkeypatch.setenv("BUDGETQA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(translate_commands, "_open_translator", lambda model, settings: LabelTranslator())
    out = user_path(tmp_path / "cache", document)  # the default output: the cache's file for the document
    args = ["translate", "--kind", "caption", "--limit", "3"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    versions = read_versions(out)
    assert [v.uid for v in versions] == [f"caption:{t.ref}" for t in document.tables[:3]]
    assert all(v.model_sha256 == "e" * 64 and v.checks for v in versions)
    calls = LabelTranslator.calls
    second = CliRunner().invoke(app, args)
    assert second.exit_code == 0 and LabelTranslator.calls == calls
    assert [json.loads(line) for line in out.read_text().splitlines()] == [v.model_dump(mode="json") for v in versions]
    loaded = EnglishVersions.load(document, cache_dir=tmp_path / "cache")
    for version in versions:
        assert loaded.get(version.uid) == version.english
        assert loaded.version(version.uid) == version


@pytest.mark.llm
def test_the_local_model_translates_a_real_paragraph_with_its_figures(document, tmp_path: Path) -> None:
    from budgetqa.index.llama_translator import LlamaTranslator
    from budgetqa.ingest.english import document_segments
    from budgetqa.qa.local_model import QWEN_SHA256, assemble_qwen_gguf
    from budgetqa.settings import Settings

    translator = LlamaTranslator(assemble_qwen_gguf(Settings.from_env().models_dir), QWEN_SHA256)
    segment = next(s for s in document_segments(document) if s.uid == "paragraph:3.228")
    version = translate_segment(segment, translator, load_glossary())
    assert version.passed, (version.failures, version.rejected)
    assert "1,007,000" in (version.english or "")


def test_a_cached_failure_that_passes_the_current_checks_is_kept_without_translating(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path, FakeTranslator.model_sha256)
    old = translate_segment(MADE_UP, FakeTranslator([WRONG, RIGHT.replace("posts", "员额")]), load_glossary())
    assert old.passed  # the glossary term left in Chinese is put into English now
    failed = old.model_copy(update={"english": None, "rejected": RIGHT, "checks": {**old.checks, "terms": False}})
    cache.put(failed)  # as an older version of the checks left it
    steps = list(translate_segments([MADE_UP], FakeTranslator([]), load_glossary(), cache, retry_failed=True))
    assert steps[0].version.passed and steps[0].version.english == RIGHT
    assert cache.get(MADE_UP).passed


def test_a_segment_the_cache_lacks_is_taken_from_an_earlier_file_and_rechecked(tmp_path: Path) -> None:
    """A version in the file being written or the shipped file (same text, same model), made before a
    check was added, is re-checked with the current checks and kept without a model call."""
    made = translate_segment(MADE_UP, FakeTranslator([RIGHT]), load_glossary())
    older = made.model_copy(update={"checks": {name: ok for name, ok in made.checks.items() if name != "no_prompt"}})
    assert not older.passed  # a check was added since it was made
    cache = TranslationCache(tmp_path, FakeTranslator.model_sha256)
    steps = list(translate_segments([MADE_UP], FakeTranslator([]), load_glossary(), cache, earlier=[older]))
    assert steps[0].cached and steps[0].version == made
    assert cache.get(MADE_UP) == made


def test_an_earlier_version_by_another_model_or_of_another_text_is_not_reused(tmp_path: Path) -> None:
    made = translate_segment(MADE_UP, FakeTranslator([RIGHT]), load_glossary())
    other_model = made.model_copy(update={"model_sha256": "0" * 64})
    other_text = made.model_copy(update={"source_sha256": "1" * 64})
    cache = TranslationCache(tmp_path, FakeTranslator.model_sha256)
    fake = FakeTranslator([RIGHT])
    steps = list(translate_segments([MADE_UP], fake, load_glossary(), cache, earlier=[other_model, other_text]))
    assert not steps[0].cached and len(fake.prompts) == 1


def test_an_earlier_rejected_attempt_that_now_passes_is_kept(tmp_path: Path) -> None:
    made = translate_segment(MADE_UP, FakeTranslator([RIGHT]), load_glossary())
    rejected = made.model_copy(update={"english": None, "rejected": RIGHT, "checks": {**made.checks, "terms": False}})
    cache = TranslationCache(tmp_path, FakeTranslator.model_sha256)
    steps = list(translate_segments([MADE_UP], FakeTranslator([]), load_glossary(), cache, earlier=[rejected]))
    assert steps[0].version.passed and steps[0].version.english == RIGHT


def test_a_retry_after_the_glossary_was_written_back_gives_the_terms_in_the_system_prompt() -> None:
    terms = source_terms("示例办事处有 7 个员额", load_glossary())
    assert terms
    failures = ['the English repeats the prompt ("Glossary ("); give only the translation']
    prompt = build_prompt(MADE_UP, "2030 年示例办事处有 7 个员额", terms, failures)
    assert "Glossary" not in prompt.user and "\n- " not in prompt.user
    assert f"{terms[0].chinese} = {terms[0].english}" in prompt.system and prompt.system.startswith(SYSTEM_PROMPT)
    assert prompt.user.endswith("English translation:") and "2030 年示例办事处有 7 个员额" in prompt.user
