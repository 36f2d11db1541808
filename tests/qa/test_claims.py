"""Prose verification: a sentence naming a body, year or symbol that no cited text contains is unsupported.

The cited texts here are FAKE sentences written for the test; the glossary is the real one (its
entries are the UN's names, not the document's statements).
"""

from __future__ import annotations

import pytest

from budgetqa.index.glossary import load_glossary
from budgetqa.qa.claims import check_claims, sentences

GLOSSARY = load_glossary()
CITED = ["反恐办 2024 年拟设 57 个员额，依据第 71/291 号决议。"]  # FAKE


@pytest.mark.parametrize(
    ("answer", "language"),
    [
        ("反恐办 2024 年拟设 57 个员额。", "zh"),
        ("UNOCT proposes 57 posts for 2024.", "en"),
        ("The Office of Counter-Terrorism proposes 57 posts, under resolution 71/291.", "en"),
    ],
)
def test_a_sentence_whose_names_years_and_symbols_are_cited_is_supported(answer, language):
    assert check_claims(answer, CITED, GLOSSARY, language).supported


@pytest.mark.parametrize(
    ("answer", "language", "missing"),
    [
        ("UNOCT proposes 57 posts for 2025.", "en", "2025"),
        ("UNOCT proposes 57 posts under resolution 72/284.", "en", "72/284"),
        ("UNSCO proposes 57 posts for 2024.", "en", "UNSCO"),
        ("The Counter-Terrorism Steering Board proposes 57 posts.", "en", "Counter-Terrorism Steering Board"),
        ("联合国和平观察委员会 2024 年拟设 57 个员额。", "zh", "联合国和平观察委员会"),
    ],
)
def test_a_sentence_naming_what_no_cited_text_contains_is_unsupported(answer, language, missing):
    check = check_claims(answer, CITED, GLOSSARY, language)
    assert not check.supported
    assert any(missing in term for claim in check.unsupported for term in claim.missing), check


def test_a_name_the_question_asks_about_is_not_required_in_the_cited_text():
    answer = "UNSCO's figure is not printed here; UNOCT proposes 57 posts for 2024."
    assert not check_claims(answer, CITED, GLOSSARY, "en").supported
    assert check_claims(answer, CITED, GLOSSARY, "en", question="What about UNSCO?").supported


def test_sentences_split_at_chinese_and_english_stops():
    assert sentences("反恐办有 57 个员额。它在 2024 年增加。UNOCT grew. It has 57 posts.") == [
        "反恐办有 57 个员额。",
        "它在 2024 年增加。",
        "UNOCT grew.",
        "It has 57 posts.",
    ]
