"""Fragment repair: Chinese left in a translation is translated on its own in its sentence.

Driven by a FAKE translator (scripted replies per prompt kind) over a made-up segment that does not
come from the real document.
"""

from __future__ import annotations

from pathlib import Path

from budgetqa.index.english_sentences import sentence_around
from budgetqa.index.glossary import load_glossary
from budgetqa.index.translate import (
    FIRST_PROMPT_RETRIES,
    SAMPLED_RETRIES,
    TranslationCache,
    translate_segment,
    translate_segments,
)
from budgetqa.index.translate_prompt import SYSTEM_PROMPT
from budgetqa.index.translate_repair import AMEND_SYSTEM, REPAIR_SYSTEM, clean_fragment, repair_fragments
from budgetqa.ingest.english import Segment, SegmentKind

MADE_UP = Segment("paragraph:9.2", SegmentKind.PARAGRAPH, "2030 年示例办事处以 7 个员额和 1.5 亿美元经费加强联络工作。")
LEFT = "In 2030, the example office strengthened its 联络 work, with 7 posts, at a cost of US$150 million."
FIXED = "In 2030, the example office strengthened its liaison work, with 7 posts, at a cost of US$150 million."


class FakeTranslator:
    """A FAKE translator: scripted replies for full translations and for fragments, recorded apart."""

    model_sha256 = "f" * 64

    def __init__(self, full: list[str], fragments: list[str]) -> None:
        self.full, self.fragments = list(full), list(fragments)
        self.full_prompts: list[str] = []
        self.fragment_prompts: list[str] = []

    def complete(self, system: str, turns, *, max_tokens: int, sampling=None) -> str:
        prompt = "\n".join(turn.content for turn in turns)
        if system == REPAIR_SYSTEM:
            assert max_tokens < 40  # a fragment prompt asks for a few words only
            self.fragment_prompts.append(prompt)
            return self.fragments.pop(0)
        if system == AMEND_SYSTEM:
            return ""  # no omission repair is scripted here
        assert system.startswith(SYSTEM_PROMPT)
        self.full_prompts.append(prompt)
        return self.full.pop(0)


def test_the_sentence_around_a_run_is_found() -> None:
    assert sentence_around(LEFT, LEFT.index("联络"), LEFT.index("联络") + 2) == LEFT
    assert sentence_around("A b. C 联络 d. E.", 7, 9) == "C 联络 d."


def test_a_fragment_reply_must_be_a_short_english_phrase() -> None:
    assert clean_fragment(" “liaison” ") == "liaison"
    assert clean_fragment("English: liaison.") == "liaison"
    assert clean_fragment("联络") is None
    assert clean_fragment("") is None
    assert clean_fragment("The Chinese word means liaison, which is used for contacts between the two offices") is None


def test_chinese_left_is_repaired_by_a_fragment_prompt_not_a_full_retry() -> None:
    fake = FakeTranslator([LEFT], ["liaison"])
    version = translate_segment(MADE_UP, fake, load_glossary())
    assert version.passed and version.english == FIXED
    assert len(fake.full_prompts) == 1 and len(fake.fragment_prompts) == 1
    assert "Chinese words: 联络" in fake.fragment_prompts[0] and LEFT in fake.fragment_prompts[0]


def test_a_repair_that_does_not_pass_every_check_is_not_kept() -> None:
    fake = FakeTranslator([LEFT, FIXED], ["liaison 8 posts"])  # a figure not in the source
    version = translate_segment(MADE_UP, fake, load_glossary())
    assert version.english == FIXED and version.attempts == 2  # the full retry made it
    assert repair_fragments("No Chinese here.", fake) is None


def test_a_cached_failure_with_chinese_left_is_repaired_before_it_is_translated_again(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path, FakeTranslator.model_sha256)
    tries = 2 + len(SAMPLED_RETRIES) + len(FIRST_PROMPT_RETRIES)
    list(translate_segments([MADE_UP], FakeTranslator([LEFT] * tries, ["联络"] * tries), load_glossary(), cache))
    assert not cache.get(MADE_UP).passed and cache.get(MADE_UP).rejected == LEFT
    fake = FakeTranslator([], ["liaison"])
    steps = list(translate_segments([MADE_UP], fake, load_glossary(), cache, retry_failed=True))
    assert steps[0].version.passed and steps[0].version.english == FIXED and not fake.full_prompts
    assert cache.get(MADE_UP).english == FIXED


def test_repair_only_repairs_cached_failures_and_never_translates_in_full(tmp_path: Path) -> None:
    other = Segment("paragraph:9.3", SegmentKind.PARAGRAPH, "2031 年示例办事处有 8 个员额。")
    cache = TranslationCache(tmp_path, FakeTranslator.model_sha256)
    wrong = "In 2031, the example office has 9 posts."
    tries = 2 + len(SAMPLED_RETRIES) + len(FIRST_PROMPT_RETRIES)
    seed = FakeTranslator([LEFT] * tries + [wrong] * tries, ["联络"] * tries)
    list(translate_segments([MADE_UP, other], seed, load_glossary(), cache))
    fake = FakeTranslator([], ["liaison"])
    steps = list(translate_segments([MADE_UP, other], fake, load_glossary(), cache, retry_failed=True, repair_only=True))
    assert [step.version.passed for step in steps] == [True, False] and not fake.full_prompts
