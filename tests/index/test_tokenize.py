"""Lexical tokens: symbols and grades whole, numbers that meet in any form, stopwords gone."""

from __future__ import annotations

import re
import time

import pytest

from budgetqa.data import bundled_document_path
from budgetqa.index.glossary import load_glossary
from budgetqa.index.tokenize import (
    USERDICT_RESOURCE,
    number_tokens,
    render_userdict,
    tokenize,
    tokenize_query,
    warm_up,
)


def _number_tokens(text: str) -> set[str]:
    return {t for t in tokenize(text) if t.startswith("num:")}


def test_the_five_ways_of_writing_the_dppa_total_share_a_number_token() -> None:
    forms = ["51 212 800", "51,212,800", "51.2 million", "5 121.28 万", "51 212.8 千美元"]
    shared = set.intersection(*(_number_tokens(form) for form in forms))
    assert "num:512" in shared


def test_exact_forms_of_a_figure_share_its_full_canonical_token() -> None:
    forms = ["51 212 800 美元", "51,212,800", "5 121.28 万", "51 212.8 千美元", "USD 51,212.8 thousand"]
    assert all("num:512128" in _number_tokens(form) for form in forms)


def test_a_figure_rounded_half_up_meets_the_exact_one() -> None:
    assert "num:473" in _number_tokens("47 270.9")  # "47.3 million"
    assert number_tokens(51_212_800) == ["num:512128", "num:51", "num:512", "num:5121"]


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("第 72/262 C 号决议", "72/262c"),
        ("resolution 72/262C", "72/262c"),
        ("S/PRST/2021/2", "s/prst/2021/2"),
        ("报告(A/77/83)", "a/77/83"),
        ("第 1267 (1999)号决议", "1267(1999)"),
        ("1267(1999)", "1267(1999)"),
        ("大会第 1514(XV)号决议", "1514(xv)"),
        ("第 ES-10/17 号决议", "es-10/17"),
        ("1 个 P-4", "p-4"),
        ("a P4 post", "p-4"),
        ("86 个 GS (OL)", "gs(ol)"),
        ("GS(OL)", "gs(ol)"),
        ("21 个 P-2/1", "p-2/1"),
        ("COVID-19 疫情", "covid-19"),
    ],
)
def test_symbols_and_grades_stay_single_tokens(text: str, token: str) -> None:
    tokens = tokenize(text)
    assert token in tokens
    assert not {"262", "c", "p", "gs", "ol", "prst"} & set(tokens)


def test_a_resolution_with_a_letter_also_meets_a_question_without_it() -> None:
    assert "72/262" in tokenize("72/262 C")


def test_years_are_their_own_tokens() -> None:
    tokens = tokenize("2024 年估计与 2022-2023 年")
    assert {"2024", "2022", "2023"} <= set(tokens)
    assert not any(t.startswith("num:202") for t in tokens)


def test_stopwords_question_words_and_punctuation_are_removed() -> None:
    tokens = tokenize("政治建和部 2024 年的员额资源是多少？What is the total for posts?")
    assert not {"的", "是", "多少", "？", "?", "what", "is", "the", "for", "年"} & set(tokens)
    assert {"员额", "2024", "total", "post"} <= set(tokens)


def test_a_chinese_short_form_also_emits_the_full_term() -> None:
    assert "政治和建设和平事务部" in tokenize("政治建和部")
    assert "反恐怖主义办公室" in tokenize("反恐办的预算")


def test_long_official_names_also_give_their_parts() -> None:
    tokens = tokenize("给予殖民地国家和人民独立宣言执行情况特别委员会")
    assert {"给予殖民地国家和人民独立宣言执行情况特别委员会", "特别委员会", "独立宣言"} <= set(tokens)


def test_words_broken_across_pdf_lines_are_joined() -> None:
    assert "政治建和部" in tokenize("政治建\n和部")


def test_an_english_query_gains_the_tokens_of_its_chinese_expansion() -> None:
    tokens = tokenize_query("How many posts does the UNOAU have at P-4?", load_glossary())
    assert {"post", "unoau", "p-4", "员额", "联非办"} <= set(tokens)
    assert len(tokens) == len(set(tokens))


def test_the_packaged_user_dictionary_is_up_to_date_with_the_glossary() -> None:
    from importlib import resources

    current = resources.files("budgetqa.index").joinpath("resources", USERDICT_RESOURCE).read_text("utf-8")
    assert render_userdict(load_glossary(), current) == current, (
        "userdict.txt is stale: run `python -m budgetqa.index.tokenize`"
    )


def test_tokenising_the_whole_document_takes_under_three_seconds() -> None:
    warm_up()
    text = bundled_document_path().read_text("utf-8")
    start = time.perf_counter()
    tokens = tokenize(text)
    elapsed = time.perf_counter() - start
    assert elapsed < 3.0
    assert len(tokens) > 30_000
    assert all(t and not re.fullmatch(r"\W+", t) for t in tokens)
