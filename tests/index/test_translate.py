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
    FIRST_PROMPT_RETRIES,
    SAMPLED_RETRIES,
    TranslationCache,
    translate_segment,
    translate_segments,
)
from budgetqa.index.translate_prompt import SYSTEM_PROMPT, build_prompt, clean_reply
from budgetqa.index.translate_repair import AMEND_SYSTEM
from budgetqa.index.translation_checks import source_terms
from budgetqa.ingest.english import EnglishVersions, Segment, SegmentKind, read_versions, user_path

MADE_UP = Segment("paragraph:9.1", SegmentKind.PARAGRAPH, "2030 年示例办事处有 7 个员额和 1.5 亿美元经费。")
RIGHT = "In 2030, the example office has 7 posts and US$150 million in funds."
WRONG = "In 2030, the example office has 7 posts and $1.5 billion in funds."


# two deterministic attempts, then the sampled retries of the retry prompt and of the first prompt
ATTEMPTS_IN_ALL = 2 + len(SAMPLED_RETRIES) + len(FIRST_PROMPT_RETRIES)


class FakeTranslator:
    """A FAKE translator: returns scripted replies in order and records the prompts and samplings it got."""

    model_sha256 = "f" * 64

    def __init__(self, replies: list[str], amended: list[str] | None = None) -> None:
        self.replies = list(replies)
        self.amended = list(amended or [])  # replies to an omission repair ("" when none is scripted)
        self.prompts: list[str] = []
        self.systems: list[str] = []
        self.samplings: list[object] = []
        self.amend_prompts: list[str] = []

    def complete(self, system: str, turns, *, max_tokens: int, sampling=None) -> str:
        if system == AMEND_SYSTEM:
            self.amend_prompts.append("\n".join(turn.content for turn in turns))
            return self.amended.pop(0) if self.amended else ""
        assert system.startswith(SYSTEM_PROMPT) and max_tokens > 0 and [turn.role for turn in turns] == ["user"]
        self.prompts.append("\n".join(turn.content for turn in turns))
        self.systems.append(system)
        self.samplings.append(sampling)
        return self.replies.pop(0)


def test_the_prompt_gives_figures_in_english_notation_and_the_official_terms() -> None:
    prepared = "2030 年示例办事处有 7 个员额和 US$150 million经费。"
    prompt = build_prompt(MADE_UP.kind, prepared, source_terms(prepared, load_glossary()))
    assert "US$150 million" in prompt.user and "亿" not in prompt.user
    assert "员额 = posts" in prompt.system and "员额 = posts" not in prompt.user


def test_a_failed_translation_is_retried_once_with_its_failure_named() -> None:
    fake = FakeTranslator([WRONG, RIGHT])
    version = translate_segment(MADE_UP, fake, load_glossary())
    assert version.passed and version.english == RIGHT and version.attempts == 2
    assert "Take care" not in fake.prompts[0]
    assert "the figure 150 million of the source is missing" in fake.prompts[1]
    assert WRONG not in fake.prompts[1]  # a small model given its rejected text writes it back


def test_enumeration_markers_are_kept_as_written_and_items_end_as_the_chinese_ones_do() -> None:
    """A made-up lead-in and two items: the model is not given the markers, and the one it writes
    ("(a)" for "(b)") is replaced; the English items end with a semicolon where the Chinese ones do."""
    segment = Segment("paragraph:9.6", SegmentKind.PARAGRAPH, "示例办事处将：\n(a) 协助会员国；\n(b) 提交 7 份报告。")
    fake = FakeTranslator(["The example office will:", "Assist Member States.", "(a) Submit 7 reports."])
    version = translate_segment(segment, fake, load_glossary())
    assert version.passed, version.failures
    assert version.english == "The example office will:\n(a) Assist Member States;\n(b) Submit 7 reports."
    assert all("(a)" not in prompt and "(b)" not in prompt for prompt in fake.prompts)


@pytest.mark.parametrize(
    ("number", "chinese", "reply"),
    [("12.", "示例委员会会议", "Meetings of the example committee"), ("(3)", "示例资源", "Example resources")],
)
def test_the_number_of_a_numbered_label_is_kept_as_written(number: str, chinese: str, reply: str) -> None:
    """Made-up labels numbered "12." and "(3)": the model is not given the number, and its English gets it back."""
    label = Segment(f"label:{number} {chinese}", SegmentKind.LABEL, f"{number} {chinese}")
    fake = FakeTranslator([reply])
    version = translate_segment(label, fake, load_glossary())
    assert version.passed and version.english == f"{number} {reply}"
    assert number not in fake.prompts[0]


def test_a_cached_failure_that_only_lost_its_leading_number_passes_when_checked_again(tmp_path: Path) -> None:
    """A FAKE cached version of a made-up "(3)" label, rejected because its English lacks the number
    (made before such numbers were kept as written): checked again, it gets the number back and
    passes, with no model call."""
    label = Segment("label:(3) 示例资源", SegmentKind.LABEL, "(3) 示例资源")
    made = translate_segment(label, FakeTranslator(["Example resources"]), load_glossary())
    old = made.model_copy(update={"english": None, "rejected": "Example resources", "failures": ["the figure (3) …"]})
    cache = TranslationCache(tmp_path, FakeTranslator.model_sha256)
    cache.put(old)
    (kept,) = translate_segments([label], FakeTranslator([]), load_glossary(), cache, retry_failed=True)
    assert kept.cached and kept.version.passed and kept.version.english == "(3) Example resources"


def test_after_the_sampled_retries_the_first_prompt_is_sampled_without_failures_or_names_in_english() -> None:
    """A made-up sentence whose name the FAKE model drops until the last retries: the retry prompt, at
    temperature 0 and sampled, names the failure and writes the name in English in the text; the
    first prompt sampled afterwards gives the Chinese as it stands, and its reply passes."""
    segment = Segment("paragraph:9.11", SegmentKind.PARAGRAPH, "政治建和部将在 2030 年举办示例活动。")
    dropped = "In 2030, the Department will hold example events."
    kept = "In 2030, the Department of Political and Peacebuilding Affairs will hold example events."
    fake = FakeTranslator([dropped] * (2 + len(SAMPLED_RETRIES)) + [kept])
    version = translate_segment(segment, fake, load_glossary())
    assert version.passed and version.english == kept
    assert fake.samplings[-1] == FIRST_PROMPT_RETRIES[0]
    assert all("Take care" in prompt and "Peacebuilding" in prompt for prompt in fake.prompts[1:-1])
    assert fake.prompts[-1] == fake.prompts[0]
    assert not set(SAMPLED_RETRIES) & set(FIRST_PROMPT_RETRIES)


def test_a_retry_gives_only_proper_names_in_english_in_the_text_not_common_words() -> None:
    """决定 ("decision") is also the verb "decide": a retry names it but does not write it into the text."""
    segment = Segment("paragraph:9.8", SegmentKind.PARAGRAPH, "政治建和部将酌情决定在 2030 年开展的活动。")
    fake = FakeTranslator(["In 2030, the Department will hold events."] * ATTEMPTS_IN_ALL)
    translate_segment(segment, fake, load_glossary())
    text = fake.prompts[1].split("Chinese text:\n", 1)[1]
    assert "Department of Political and Peacebuilding Affairs" in text and "决定" in text


def test_a_translation_that_fails_every_attempt_is_kept_as_not_translated() -> None:
    fake = FakeTranslator([WRONG] * ATTEMPTS_IN_ALL)
    version = translate_segment(MADE_UP, fake, load_glossary())
    assert version.english is None and not version.passed
    assert version.rejected == WRONG and version.attempts == ATTEMPTS_IN_ALL + 1  # and one omission repair
    assert len(fake.amend_prompts) == 1
    assert any("1.5 billion" in failure for failure in version.failures)


def test_only_a_reply_that_failed_twice_at_temperature_0_is_retried_with_sampling() -> None:
    fake = FakeTranslator([WRONG, WRONG, WRONG, RIGHT])
    version = translate_segment(MADE_UP, fake, load_glossary())
    assert version.passed and version.english == RIGHT and version.attempts == 5  # an omission repair before
    assert fake.samplings[:2] == [None, None]
    assert list(fake.samplings[2:]) == list(SAMPLED_RETRIES[:2])
    assert len({sampling.seed for sampling in SAMPLED_RETRIES}) == len(SAMPLED_RETRIES)  # type: ignore[attr-defined]
    assert translate_segment(MADE_UP, FakeTranslator([RIGHT]), load_glossary()).attempts == 1


def test_a_retry_gives_a_name_the_first_attempt_shortened_in_english_in_the_text() -> None:
    segment = Segment("paragraph:9.4", SegmentKind.PARAGRAPH, "政治建和部在 2030 年有 7 个员额。")
    short = "In 2030, the Department had 7 posts."
    right = "In 2030, the Department of Political and Peacebuilding Affairs had 7 posts."
    fake = FakeTranslator([short, right])
    version = translate_segment(segment, fake, load_glossary())
    assert version.passed and version.english == right
    assert "政治建和部" in fake.prompts[0]
    text = fake.prompts[1].split("Chinese text:\n", 1)[1]
    assert "Department of Political and Peacebuilding Affairs 在 2030 年" in text and "政治建和部" not in text


def test_a_paragraph_of_several_sentences_is_translated_and_retried_sentence_by_sentence() -> None:
    """A made-up paragraph of two sentences on two lines: the second sentence fails once, and only
    it is translated again; the English keeps the source's line break and order."""
    segment = Segment("paragraph:9.5", SegmentKind.PARAGRAPH, "示例办事处有 7 个员额。\n2030 年费用为 1.5 亿美元。")
    fake = FakeTranslator(["The example office has 7 posts.", "The cost is US$150 million.", "In 2030, the cost is US$150 million."])
    version = translate_segment(segment, fake, load_glossary())
    assert version.passed and version.english == "The example office has 7 posts.\nIn 2030, the cost is US$150 million."
    assert version.attempts == 2 and len(fake.prompts) == 3
    assert "one sentence of a paragraph" in fake.prompts[0] and "7 个员额" in fake.prompts[0]
    assert "2030" in fake.prompts[2] and "7 个员额" not in fake.prompts[2]


def test_clean_reply_removes_labels_quotes_fences_and_the_prompt_written_back() -> None:
    assert clean_reply('English translation: "Posts"') == "Posts"
    assert clean_reply("```\nPosts\n```") == "Posts"
    assert clean_reply("Posts of the office.\nChinese text:\n员额") == "Posts of the office."
    assert clean_reply("Posts.\nGlossary (where …):\n- 员额 = posts") == "Posts."
    assert clean_reply("Take care, a first translation got these wrong:\n- …\nEnglish translation: Posts.") == "Posts."


def test_a_reply_labelling_its_own_translations_fails_the_echo_check() -> None:
    from budgetqa.index.translation_checks import prompt_failures

    assert prompt_failures('First translation:\n"Posts"\nCorrect translation:\n"Posts"')
    assert prompt_failures("Revised translation: Posts of the office.")
    assert not prompt_failures("The Office supports the translation of its reports into six languages.")


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
    list(translate_segments([MADE_UP], FakeTranslator([WRONG] * ATTEMPTS_IN_ALL), load_glossary(), cache))
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

        def complete(self, system: str, turns, *, max_tokens: int, sampling=None) -> str:
            LabelTranslator.calls += 1
            chinese = turns[0].content.split("Chinese text:\n", 1)[1].split("\n", 1)[0]
            return load_glossary().english_label(chinese)

    monkeypatch.setenv("BUDGETQA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(translate_commands, "_open_translator", lambda model, settings, threads: LabelTranslator())
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


def test_the_terms_are_given_in_the_system_prompt_never_as_a_list_to_write_back() -> None:
    terms = source_terms("示例办事处有 7 个员额", load_glossary())
    assert terms
    failures = ['the English repeats the prompt ("Glossary ("); give only the translation']
    for prompt in (build_prompt(MADE_UP.kind, "2030 年示例办事处有 7 个员额", terms, failures),
                   build_prompt(MADE_UP.kind, "2030 年示例办事处有 7 个员额", terms)):
        assert "Glossary" not in prompt.user and "\n- " not in prompt.user
        assert f"{terms[0].chinese} = {terms[0].english}" in prompt.system and prompt.system.startswith(SYSTEM_PROMPT)
        assert prompt.user.endswith("English translation:") and "2030 年示例办事处有 7 个员额" in prompt.user


def test_a_long_label_is_given_the_english_caption_of_its_table_as_context(tmp_path: Path) -> None:
    """A made-up table caption (translated first) and a long made-up row label of that table."""
    caption = Segment("caption:9.9", SegmentKind.CAPTION, "表 9.9 示例办事处：应交付产出")
    label = Segment("label:x", SegmentKind.LABEL, "为示例办事处的全部工作人员举办关于调解的讲习班", caption.text)
    short = Segment("label:y", SegmentKind.LABEL, "示例讲习班", caption.text)
    fake = FakeTranslator(["Table 9.9 Example office: deliverables", "Workshops on mediation for all staff of the example office", "Example workshops"])
    steps = list(translate_segments([caption, label, short], fake, load_glossary(), TranslationCache(tmp_path, fake.model_sha256)))
    assert all(step.version.passed for step in steps)
    assert "“Table 9.9 Example office: deliverables”" in fake.systems[1]
    assert "comes from the table" not in fake.systems[0] and "comes from the table" not in fake.systems[2]


def test_a_cached_checked_version_that_fails_a_newer_check_is_not_kept(tmp_path: Path) -> None:
    """A FAKE cached version that passed when it was made but loses an item marker, which the current
    checks reject: it is not shown, and a run that retries failures translates it again."""
    segment = Segment("paragraph:9.7", SegmentKind.PARAGRAPH, "示例办事处将：\n(a) 协助会员国；\n(b) 提交 7 份报告。")
    made = translate_segment(segment, FakeTranslator(["It will:", "Assist Member States.", "Submit 7 reports."]), load_glossary())
    assert made.passed
    old = made.model_copy(update={"english": (made.english or "").replace("(b)", "(a)")})
    cache = TranslationCache(tmp_path, FakeTranslator.model_sha256)
    cache.put(old)
    (kept,) = translate_segments([segment], FakeTranslator([]), load_glossary(), cache)
    assert kept.cached and not kept.version.passed and kept.version.rejected == old.english
    fake = FakeTranslator(["It will:", "Assist Member States.", "Submit 7 reports."])
    (again,) = translate_segments([segment], fake, load_glossary(), cache, retry_failed=True)
    assert again.version.passed and again.version.english == made.english


def test_a_retry_translates_again_only_the_pieces_of_a_segment_that_have_no_checked_english(tmp_path: Path) -> None:
    """A made-up paragraph of two sentences whose second fails every attempt: retried, its first
    sentence's checked English comes from the cache and only the second goes to the FAKE model."""
    segment = Segment("paragraph:9.9", SegmentKind.PARAGRAPH, "示例办事处有 7 个员额。示例办事处将在 2030 年开会。")
    cache = TranslationCache(tmp_path, FakeTranslator.model_sha256)
    first = FakeTranslator(["The example office has 7 posts.", *["The example office will meet."] * ATTEMPTS_IN_ALL])
    (made,) = translate_segments([segment], first, load_glossary(), cache)
    assert not made.version.passed and not first.replies
    again = FakeTranslator(["The example office will meet in 2030."])
    (retried,) = translate_segments([segment], again, load_glossary(), cache, retry_failed=True)
    assert retried.version.passed
    assert retried.version.english == "The example office has 7 posts. The example office will meet in 2030."
    assert len(again.prompts) == 1 and "7 个员额" not in again.prompts[0]


def test_a_sentence_that_fails_twice_at_temperature_0_is_translated_clause_by_clause() -> None:
    """A made-up sentence of two clauses: both whole attempts drop its year, the clauses translated one
    by one keep it, and are joined into one sentence before any sampled retry."""
    segment = Segment("paragraph:9.10", SegmentKind.PARAGRAPH, "示例办事处将增加 7 个员额，并将于 2030 年开展示例工作。")
    dropped = "The example office will add 7 posts and carry out example work."
    fake = FakeTranslator([dropped, dropped, "The example office will add 7 posts.", "And will carry out example work in 2030."])
    version = translate_segment(segment, fake, load_glossary())
    assert version.passed, version.failures
    assert version.english == "The example office will add 7 posts, and will carry out example work in 2030."
    assert version.attempts == 5 and fake.samplings == [None] * 4  # the omission repair, unscripted, came first
    assert "2030" not in fake.prompts[2] and "7" not in fake.prompts[3]


def test_a_name_or_year_left_out_twice_is_put_in_by_the_omission_repair_before_any_other_retry() -> None:
    """A made-up sentence: both attempts at temperature 0 drop its year and a place name; the model is
    given its English back with what it left out, and the amended English passes every check."""
    segment = Segment("label:示例", SegmentKind.LABEL, "2030 年在包括东耶路撒冷在内的地区举办 7 次示例活动")
    dropped = "7 example events held in the region"
    amended = "7 example events held in 2030 in the region, including East Jerusalem"
    fake = FakeTranslator([dropped, dropped], amended=[amended])
    version = translate_segment(segment, fake, load_glossary())
    assert version.passed and version.english == amended and version.attempts == 3
    (prompt,) = fake.amend_prompts
    assert dropped in prompt and "“East Jerusalem”" in prompt and "“2030”" in prompt
    still = FakeTranslator([dropped] * ATTEMPTS_IN_ALL, amended=[dropped])
    assert not translate_segment(segment, still, load_glossary()).passed  # the amended English is checked too


def test_recheck_checks_every_version_of_a_file_again_without_the_model(document, tmp_path: Path, monkeypatch) -> None:
    """`budgetqa translate --recheck` on a copy of the real shipped file: no model is opened, the
    shipped versions already pass, and a version edited to move a year into another sentence is
    kept as not translated with its reason, the file rewritten."""
    from budgetqa.cli import app
    from budgetqa.index import translate_commands
    from budgetqa.ingest.english import document_segments, shipped_paths

    def no_model(*args: object) -> None:
        raise AssertionError("--recheck must not open the model")

    monkeypatch.setenv("BUDGETQA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(translate_commands, "_open_translator", no_model)
    (shipped,) = [path for path in shipped_paths() if path.name == "A_78_6_Sect3_en.jsonl"]
    copy = tmp_path / "versions.jsonl"
    copy.write_bytes(shipped.read_bytes())
    args = ["translate", "--recheck", "--out", str(copy)]
    unchanged = CliRunner().invoke(app, args)
    assert unchanged.exit_code == 0, unchanged.output
    assert "0 checked before now fail" in unchanged.output and copy.read_bytes() == shipped.read_bytes()

    # a checked paragraph of two sentences or more, its first year moved into the sentence before it
    versions = read_versions(copy)
    texts = {segment.uid: segment.text for segment in document_segments(document)}
    target = next(
        v
        for v in versions
        if v.passed and v.kind is SegmentKind.PARAGRAPH and v.english and "\n" not in v.english
        and v.english.count(". ") >= 1 and "2022" in v.english.split(". ", 1)[1] and "2022" not in v.english.split(". ", 1)[0]
        and texts[v.uid].count("。") >= 2
    )
    first, rest = target.english.split(". ", 1)
    edited = f"{first} in 2022. {rest.replace('2022', 'that year', 1)}"
    copy.write_text(
        "".join(
            (v.model_copy(update={"english": edited}) if v.uid == target.uid else v).model_dump_json() + "\n"
            for v in versions
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "1 checked before now fail" in result.output and target.uid in result.output
    (after,) = [v for v in read_versions(copy) if v.uid == target.uid]
    assert after.english is None and after.rejected == edited and any("sentence" in f for f in after.failures)


def test_translate_segment_option_translates_only_the_named_segments(document, tmp_path: Path, monkeypatch) -> None:
    """With a FAKE translator (the glossary's English label of each text): `--segment` picks the
    segments by uid; an unknown uid is an error that says where to find them."""
    from budgetqa.cli import app
    from budgetqa.index import translate_commands

    class LabelTranslator:
        model_sha256 = "f" * 64

        def complete(self, system: str, turns, *, max_tokens: int, sampling=None) -> str:
            chinese = turns[0].content.split("Chinese text:\n", 1)[1].split("\n", 1)[0]
            return load_glossary().english_label(chinese)

    monkeypatch.setenv("BUDGETQA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(translate_commands, "_open_translator", lambda model, settings, threads: LabelTranslator())
    out = tmp_path / "versions.jsonl"
    wanted = [f"caption:{document.tables[1].ref}", f"caption:{document.tables[4].ref}"]
    args = ["translate", "--out", str(out), *(f"--segment={uid}" for uid in wanted)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert [v.uid for v in read_versions(out)] == wanted
    # a later run keeps the file's lines in their places and adds its own after them
    first = f"caption:{document.tables[0].ref}"
    again = CliRunner().invoke(app, ["translate", "--out", str(out), f"--segment={first}", f"--segment={wanted[1]}"])
    assert again.exit_code == 0, again.output
    assert [v.uid for v in read_versions(out)] == [*wanted, first]
    wrong = CliRunner().invoke(app, ["translate", "--out", str(out), "--segment=paragraph:99.1"])
    assert wrong.exit_code == 2 and "--status" in wrong.output


def test_an_annex_sentence_wrapped_over_lines_is_one_piece_and_its_rows_stay_lines() -> None:
    """A made-up annex: a note wrapped at the column's width is put back together and translated as
    its sentences; a grade row, a figure row and a column heading stay lines of their own."""
    from budgetqa.index.translate_pieces import annex_lines, source_pieces

    text = (
        "示例办事处组织结构\n"
        "a 示例办事处设在示例城市，通过示例司司长向副秘书长报告\n"
        "工作。示例科负责协调。\n"
        "1 P-4\n"
        "示例科 1 007.0 1 007.0 —\n"
        "示例股 2 000.0 2 000.0 —\n"
        "员额 职等 说明 变动原因\n"
        "拟议设立的员额将加强示例科的能力，以便更好地支持示例\n"
        "员额 职等 说明 变动原因\n"
        "工作。\n"
    )
    assert [number for number, _ in annex_lines(text)] == [0, 1, 3, 4, 5, 6, 7, 8, 9]
    segment = Segment("annex:九#0", SegmentKind.ANNEX, text)
    pieces = [(piece.line, piece.text) for piece in source_pieces(segment)]
    assert (1, "a 示例办事处设在示例城市，通过示例司司长向副秘书长报告工作。") in pieces
    assert (1, "示例科负责协调。") in pieces
    assert (3, "1 P-4") in pieces and (4, "示例科 1 007.0 1 007.0 —") in pieces
    assert (8, "员额 职等 说明 变动原因") in pieces and (9, "工作。") in pieces  # a heading is never joined


def test_the_real_annexes_are_cut_into_whole_sentences_not_wrapped_lines(document) -> None:
    """On the real document: most of the annexes' prose (the notes, the reasons for post changes, the
    follow-up actions) is cut into sentences that end with a full stop, a semicolon or a colon,
    and no piece puts two rows of figures together."""
    from budgetqa.index.translate_pieces import source_pieces
    from budgetqa.ingest.english import document_segments

    annexes = [segment for segment in document_segments(document) if segment.kind is SegmentKind.ANNEX]
    pieces = [piece.text for segment in annexes for piece in source_pieces(segment) if piece.translated]
    prose = [text for text in pieces if len(text) >= 40 and not text[-1].isdigit() and not text.endswith(")")]
    assert len(prose) >= 80  # cut line by line, the annexes had 22 such lines: most wrapped lines are about 25 characters
    # A sentence that goes on past a page (a column heading printed between) or a segment still ends mid-word.
    assert sum(text.endswith(("。", "；", "：")) for text in prose) >= 0.8 * len(prose)
    assert not any(text.count(" — — — ") > 1 for text in pieces)


def test_again_translates_a_checked_segment_anew_sentences_and_all(tmp_path: Path) -> None:
    """A made-up paragraph of two sentences, checked and cached with its sentences: translated again
    only when named in `again`, and then each sentence goes to the model, none from the cache."""
    segment = Segment("paragraph:9.20", SegmentKind.PARAGRAPH, "示例办事处有 7 个员额。费用为 1.5 亿美元。")
    cache = TranslationCache(tmp_path, FakeTranslator.model_sha256)
    first = ["The example office has 7 posts.", "The cost is US$150 million."]
    list(translate_segments([segment], FakeTranslator(first), load_glossary(), cache))
    assert list(translate_segments([segment], FakeTranslator([]), load_glossary(), cache, retry_failed=True))[0].cached
    fake = FakeTranslator(["The example office holds 7 posts.", "It costs US$150 million."])
    (step,) = translate_segments([segment], fake, load_glossary(), cache, again=frozenset({segment.uid}))
    assert not step.cached and len(fake.prompts) == 2
    assert step.version.english == "The example office holds 7 posts. It costs US$150 million."
    assert cache.get(segment) == step.version


def test_a_text_of_glossary_names_and_figures_only_is_rendered_from_the_glossary_without_the_model() -> None:
    """Made-up lines of an annex: a box of an organigram, a total, a row label with made-up figures are
    written from the glossary (no model call); a line whose Chinese runs two terms together is not."""
    from budgetqa.index.translate import names_only_english

    glossary = load_glossary()
    segment = Segment("annex:九#1", SegmentKind.ANNEX, "区域事务科\n共计：7 共计：3\n联合国驻非洲联盟办事处 1 234.5 1 234.5 —\n1 P-4")
    version = translate_segment(segment, FakeTranslator([]), glossary)
    assert version.passed and version.attempts == 0
    assert version.english == (
        "Regional Affairs Section\nTotal: 7 total: 3\nUnited Nations Office to the African Union 1 234.5 1 234.5 —\n1 P-4"
    )
    assert names_only_english("改划区域事务科 5 个员额", glossary) is None
    assert names_only_english("1 P-4", glossary) is None  # nothing to translate


def test_a_clause_joined_to_another_starts_in_lower_case_unless_it_starts_with_a_name() -> None:
    from budgetqa.index.translate import name_leads
    from budgetqa.index.translate_pieces import join_clauses

    names = name_leads(load_glossary())
    joined = join_clauses(
        "甲，乙，丙，丁。",
        ["The example office will use solar energy.", "Reduce its use of fuel.", "Member States will help.", "Increase efficiency."],
        names,
    )
    assert joined == "The example office will use solar energy, reduce its use of fuel, Member States will help, increase efficiency."


def test_an_annex_is_checked_against_its_sentences_put_back_together() -> None:
    """A made-up annex note wrapped over two lines and a row: its English has the note on one line, and
    the whole is checked against the source laid out the same way."""
    from budgetqa.index.translate_pieces import checked_text

    text = "a 示例办事处设在示例城市，通过示例司司长向副秘书长报告\n工作，共有 7 个员额。\n1 P-4"
    segment = Segment("annex:九#2", SegmentKind.ANNEX, text)
    assert checked_text(segment) == "a 示例办事处设在示例城市，通过示例司司长向副秘书长报告工作，共有 7 个员额。\n1 P-4"
    assert checked_text(MADE_UP) == MADE_UP.text


def test_an_annex_name_cut_by_a_narrow_column_is_put_back_together() -> None:
    from budgetqa.index.translate_pieces import annex_lines

    assert annex_lines("1 个示例干事(P-4) 改叙为高级联\n络干事(P-5)\n区域事务科\n协调科") == [
        (0, "1 个示例干事(P-4) 改叙为高级联络干事(P-5)"),
        (2, "区域事务科"),
        (3, "协调科"),
    ]


def test_a_leading_document_symbol_is_kept_as_written_and_un_is_written_out() -> None:
    """A made-up mandate title that starts with a document symbol: the model is not given the symbol
    (it dropped one), which is put back in front of its English; its "UN" is written out."""
    segment = Segment("mandate:示例", SegmentKind.MANDATE, "S/2030/1 示例办事处的任务")
    fake = FakeTranslator(["The mandate of the UN example office"])
    version = translate_segment(segment, fake, load_glossary())
    assert version.passed and version.english == "S/2030/1 The mandate of the United Nations example office"
    assert "S/2030/1" not in fake.prompts[0]
    assert clean_reply("UN-Women and the UN's partners") == "UN-Women and the United Nations' partners"
