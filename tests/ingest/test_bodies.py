"""Bodies of the section and the names readers call them by, in Chinese and English."""

from __future__ import annotations

import pytest

from budgetqa.ingest.bodies import SECTION_KEY, BodyRegistry


@pytest.fixture(scope="module")
def registry(document) -> BodyRegistry:
    return BodyRegistry.of(document)


def test_every_part_is_a_body_and_the_section_is_one_more(registry, document) -> None:
    keys = [body.key for body in registry.bodies]
    assert keys == ["DPPA", "SPM", "UNSCO", "UNRoD", "UNOAU", "UNOCT", SECTION_KEY]
    assert [body.part for body in registry.bodies[:-1]] == [part.number for part in document.parts]
    assert registry.section.is_section and registry.section.part is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("政治和建设和平事务部", "DPPA"),
        ("政治建和部", "DPPA"),
        ("DPPA", "DPPA"),
        ("Department of Political and Peacebuilding Affairs", "DPPA"),
        ("特别政治任务", "SPM"),
        ("special political missions", "SPM"),
        ("中东特协办", "UNSCO"),
        ("UNSCO", "UNSCO"),
        ("损失登记册", "UNRoD"),
        ("Register of Damage", "UNRoD"),
        ("联非办", "UNOAU"),
        ("联合国驻非洲联盟办事处", "UNOAU"),
        ("UNOAU", "UNOAU"),
        ("Office to the African Union", "UNOAU"),
        ("反恐办", "UNOCT"),
        ("反恐怖主义办公室", "UNOCT"),
        ("UNOCT", "UNOCT"),
        ("office of counter-terrorism", "UNOCT"),
        ("第 3 款", SECTION_KEY),
        ("第3款", SECTION_KEY),
        ("Section 3", SECTION_KEY),
    ],
)
def test_a_name_or_abbreviation_in_either_language_resolves_to_its_body(registry, text: str, key: str) -> None:
    assert [body.key for body in registry.find(text)] == [key]


def test_bodies_are_found_inside_a_question_in_order_of_mention(registry) -> None:
    found = registry.find("How do the posts of UNOCT compare with 政治建和部 and the Office to the African Union?")
    assert [body.key for body in found] == ["UNOCT", "DPPA", "UNOAU"]


def test_a_full_title_is_one_body_not_the_short_forms_inside_it(registry) -> None:
    assert [b.key for b in registry.find("联合国中东和平进程特别协调员办事处 2024 年的员额")] == ["UNSCO"]


def test_an_abbreviation_inside_a_longer_word_is_not_a_body(registry) -> None:
    assert registry.find("OCTOBER 2023 and the DPPAS") == []


def test_each_body_has_an_english_name_without_chinese(registry) -> None:
    for body in registry.bodies:
        assert body.name_en and not any("\u4e00" <= ch <= "\u9fff" for ch in body.name_en)
    assert registry.by_key("UNOCT").label("en") == "Office of Counter-Terrorism"
    assert registry.by_key("UNOCT").label("zh") == "反恐怖主义办公室"


def test_a_part_numeral_gives_its_body_and_an_unknown_key_is_refused(registry) -> None:
    assert registry.by_part("五").key == "UNOAU"
    assert registry.by_part(None).key == SECTION_KEY
    with pytest.raises(KeyError, match="known: DPPA"):
        registry.by_key("UNDP")
