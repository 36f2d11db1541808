"""The bilingual glossary: every Chinese form is the document's own, and it translates both ways."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache

import pytest

from budgetqa.data import bundled_document_path
from budgetqa.index.glossary import (
    CATEGORIES,
    Glossary,
    GlossaryError,
    load_glossary,
    parse_glossary,
)


@cache
def _document_without_whitespace() -> str:
    text = bundled_document_path().read_text("utf-8")
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _squeeze(form: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", form))


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary()


def test_every_chinese_term_and_declared_variant_occurs_in_the_document(glossary: Glossary) -> None:
    document = _document_without_whitespace()
    missing = [
        (entry.zh, form)
        for entry in glossary.entries
        for form in entry.zh_forms
        if _squeeze(form) not in document
    ]
    assert missing == [], f"glossary forms not in A/78/6 (Sect. 3): {missing}"


def test_the_glossary_holds_several_hundred_entries_in_every_category(glossary: Glossary) -> None:
    assert len(glossary.entries) >= 400
    counts = Counter(entry.category for entry in glossary.entries)
    assert set(counts) == CATEGORIES
    assert counts["org"] >= 100 and counts["budget"] >= 100 and counts["geo"] >= 80


def test_each_chinese_term_is_listed_once(glossary: Glossary) -> None:
    duplicates = [zh for zh, n in Counter(e.zh for e in glossary.entries).items() if n > 1]
    assert duplicates == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("DPPA", {"政治和建设和平事务部", "政治建和部"}),
        ("What is the UNOAU budget?", {"联合国驻非洲联盟办事处", "联非办"}),
        ("UNOCT staff", {"反恐怖主义办公室", "反恐办"}),
        ("the UN Office to the African Union", {"联合国驻非洲联盟办事处"}),
        ("UNRoD claims", {"损失登记册", "索赔"}),
        ("ACABQ recommendations", {"行政和预算问题咨询委员会", "行预咨委会"}),
        ("posts at the P4 level", {"员额", "P-4"}),
        ("GS (OL) posts", {"一般事务人员(其他职等)"}),
        ("Palestinian Rights Committee", {"巴勒斯坦人民行使不可剥夺权利委员会"}),
        ("Arab League", {"阿拉伯国家联盟", "阿盟"}),
        ("travel of staff", {"工作人员差旅"}),
        ("Special political mission", {"特别政治任务"}),
        ("recosting", {"重计费用"}),
        ("the New Agenda for Peace", {"新和平纲领"}),
    ],
)
def test_english_phrases_and_abbreviations_expand_into_the_documents_chinese_terms(
    glossary: Glossary, query: str, expected: set[str]
) -> None:
    assert expected <= set(glossary.expand_english(query))


def test_longest_english_phrase_wins_over_its_parts(glossary: Glossary) -> None:
    assert glossary.expand_english("Special Committee on Decolonization")[0] == (
        "给予殖民地国家和人民独立宣言执行情况特别委员会"
    )
    assert "非员额资源" in glossary.expand_english("non-post resources")


def test_short_abbreviations_match_only_in_capitals(glossary: Glossary) -> None:
    assert "非洲联盟" in glossary.expand_english("AU summit")
    assert "非洲联盟" not in glossary.expand_english("au revoir")


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("员额", "Posts"),
        ("2024 年估计(重计费用前)", "2024 estimate (before recosting)"),
        ("次级方案 3", "Subprogramme 3"),
        ("2023 年批款", "2023 appropriation"),
        ("新的/\n扩大的任务", "New/expanded mandates"),
        ("一般事务人员(其他职等)", "General Service (Other level)"),
        ("(千美元)", "(thousands of United States dollars)"),
        ("图 3.十四", "Figure 3.XIV"),
        ("第 3 款 政治事务", "Section 3 political affairs"),
        ("277 个员额", "277 posts"),
        ("小计(C)", "Subtotal (C)"),
        ("总表：按资金来源和构成部分列示的 2024 年拟议员额", "Overall: 2024 proposed posts by source of funding and component"),
    ],
)
def test_english_label_renders_table_labels_and_headings(glossary: Glossary, zh: str, en: str) -> None:
    assert glossary.english_label(zh) == en


def test_english_label_keeps_unknown_chinese_as_it_is(glossary: Glossary) -> None:
    assert glossary.english_label("罗斯玛丽·迪卡洛") == "罗斯玛丽·迪卡洛"


def test_gloss_pairs_the_terms_of_a_chinese_quote_with_their_english(glossary: Glossary) -> None:
    pairs = glossary.gloss("政治建和部将与和平行动部一道，为特别政治任务提供支助")
    assert pairs == [
        ("政治建和部", "Department of Political and Peacebuilding Affairs"),
        ("和平行动部", "Department of Peace Operations"),
        ("特别政治任务", "special political missions"),
    ]


def test_a_malformed_glossary_line_names_the_line() -> None:
    text = "zh\ten\tabbr_en\tabbr_zh\tcategory\tvariants\ten_variants\n员额\tposts\t\t\tbudgte\t\t\n"
    with pytest.raises(GlossaryError, match=r"glossary.tsv:2: unknown category 'budgte'"):
        parse_glossary(text)


def test_count_nouns_name_what_a_question_counts_but_neither_expand_queries_nor_gloss(glossary: Glossary) -> None:
    assert glossary.chinese_for("meetings") == "会议" and glossary.chinese_for("Member States") == "会员国"
    assert "会议" not in glossary.expand_english("How many meetings did the Fourth Committee hold?")
    assert "Fourth Committee" in [entry.en for entry in glossary.match_english("Fourth Committee meetings")]
    assert [zh for zh, _ in glossary.gloss("第四委员会举行了 9 次会议")] == ["第四委员会"]


def test_a_name_that_ends_in_the_word_for_assembly_is_not_the_general_assembly(glossary: Glossary) -> None:
    """大会 alone is the General Assembly, which the translation check enforces; where it heads another
    name (a congress, a parliamentary assembly, a general meeting) the longer name is the term, so an
    English version is not required to say "General Assembly" there."""
    assert [zh for zh, _ in glossary.gloss("示例报告提交大会第八十届会议")] == ["大会"]
    for text, name in [
        ("示例组织举办全球恐怖主义受害者大会", "Global Congress of Victims of Terrorism"),
        ("给予地中海议会大会观察员地位", "Parliamentary Assembly of the Mediterranean"),
        ("示例组织之间两年一度的合作大会", "general meeting on cooperation"),
    ]:
        english = [en for _, en in glossary.gloss(text)]
        assert name in english and "General Assembly" not in english, text
