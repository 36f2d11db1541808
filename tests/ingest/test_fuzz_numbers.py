"""Property tests of the number normaliser: every way the document or a user prints a figure reads back.

Figures are generated as decimal strings (integer part, decimal digits), printed the ways the
document prints them ("47 278.1", "(7.2)", "25.5%", "2.315 亿") and the ways users type them
("47,278.1", "51.2 million"), and must parse back to the float of the plain decimal string.
"""

from __future__ import annotations

import math
import os

from hypothesis import example, given, settings
from hypothesis import strategies as st

from budgetqa.ingest.numeric import NIL_MARKS, find_numbers, is_nil, parse_number, same_figure

# Examples per property; BUDGETQA_FUZZ_SCALE=20 runs twenty times as many (a longer search, by hand).
SCALE = int(os.environ.get("BUDGETQA_FUZZ_SCALE", "1"))


def fuzz(examples: int) -> settings:
    """Bounded examples and no deadline: the whole file runs in seconds on a shared machine."""
    return settings(max_examples=examples * SCALE, deadline=None)


FUZZ = fuzz(150)

integers = st.integers(min_value=0, max_value=10**12)
decimals = st.one_of(st.just(""), st.text(alphabet="0123456789", min_size=1, max_size=3))


def group(integer: int, separator: str) -> str:
    """Thousands grouped as the document prints them: 47278 → "47 278"."""
    digits = str(integer)
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(groups)


def printed(integer: int, fraction: str, separator: str) -> str:
    return group(integer, separator) + (f".{fraction}" if fraction else "")


def plain(integer: int, fraction: str) -> float:
    return float(f"{integer}.{fraction}" if fraction else str(integer))


@FUZZ
@given(integers, decimals, st.sampled_from([" ", ",", "\u00a0", ""]))
@example(47278, "1", " ")
@example(51212800, "", ",")
def test_a_grouped_number_parses_back_to_its_value(integer, fraction, separator):
    assert parse_number(printed(integer, fraction, separator)) == plain(integer, fraction)


@FUZZ
@given(integers, decimals, st.sampled_from(["({})", "-{}", "−{}", "({})%", "({}%)", "-{}%"]))
@example(7, "2", "({})")
@example(7, "2", "({})%")  # "(7.2)%" was read as no number at all
def test_a_negative_number_parses_back_negative(integer, fraction, form):
    text = form.format(printed(integer, fraction, " "))
    value = parse_number(text)
    assert value == -plain(integer, fraction)


@FUZZ
@given(integers, decimals)
@example(25, "5")
def test_a_percentage_parses_to_its_number_of_percent(integer, fraction):
    assert parse_number(printed(integer, fraction, " ") + "%") == plain(integer, fraction)


@fuzz(20)
@given(st.sampled_from(sorted(NIL_MARKS)), st.sampled_from(["", " ", "  "]))
def test_nil_marks_parse_to_none(mark, padding):
    assert parse_number(padding + mark + padding) is None
    assert is_nil(padding + mark)


@fuzz(100)
@given(st.text(alphabet="0123456789naifyte_+-.()%,— x", max_size=12))
@example("nan")
@example("inf")
@example("Infinity")
@example("1e5")
@example("1_000")
@example("--5")
def test_a_parsed_number_is_always_a_finite_figure_made_of_digits(text):
    """Python's float() accepts "nan", "inf", "1e5", "1_000": none of them is a printed figure."""
    value = parse_number(text)
    if value is not None:
        assert math.isfinite(value)
        assert any(char.isdigit() for char in text)
        assert not any(char in text for char in "naifyte_+")


MAGNITUDES = [("亿", 1e8), ("万", 1e4), ("千", 1e3), (" million", 1e6), (" billion", 1e9), (" thousand", 1e3)]


@FUZZ
@given(
    st.integers(min_value=0, max_value=99_999),
    decimals,
    st.sampled_from(MAGNITUDES),
    st.sampled_from([" ", ""]),
)
@example(2, "315", ("亿", 1e8), " ")
@example(5121, "28", ("万", 1e4), " ")
@example(51, "2", (" million", 1e6), "")
def test_a_number_with_a_magnitude_word_is_scaled(integer, fraction, magnitude, gap):
    word, factor = magnitude
    number = printed(integer, fraction, " ")
    spacing = gap if word.isascii() is False else ""  # English words carry their own space
    mentions = find_numbers(f"预算为 {number}{spacing}{word}美元。")
    assert len(mentions) == 1
    assert mentions[0].value == plain(integer, fraction)
    assert math.isclose(mentions[0].scaled, plain(integer, fraction) * factor)


@FUZZ
@given(integers, decimals, st.sampled_from(["{}", "({})", "{}%"]))
def test_a_printed_number_in_a_sentence_is_found_with_its_span(integer, fraction, form):
    number = form.format(printed(integer, fraction, " "))
    text = f"员额 {number} 美元，用于"
    mentions = find_numbers(text)
    assert [text[m.start : m.end] for m in mentions] == [number]
    assert mentions[0].value == parse_number(number)


@fuzz(300)
@given(st.text(max_size=80))
@example("(7.2)%(")
@example("1" * 400)
def test_find_numbers_never_fails_on_any_text_and_reports_true_spans(text):
    for mention in find_numbers(text):
        assert text[mention.start : mention.end] == mention.text
        assert math.isfinite(mention.value) and math.isfinite(mention.scaled)


figures = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@FUZZ
@given(figures)
def test_same_figure_is_reflexive(value):
    assert same_figure(value, value)


@FUZZ
@given(st.floats(min_value=1e-3, max_value=1e9), st.sampled_from([1.0, 1e3, 1e6, 1e-3, 1e-6]))
@example(51212.8, 1e3)
def test_same_figure_holds_both_ways_across_a_unit_change(value, factor):
    assert same_figure(value, value * factor)
    assert same_figure(value * factor, value)


@FUZZ
@given(st.integers(min_value=1000, max_value=10**12), st.integers(min_value=1000, max_value=10**12))
@example(51212800, 51212)
def test_same_figure_is_symmetric_for_whole_figures(a, b):
    """Whole figures of four digits and more are never roundings of one another: the relation is symmetric."""
    assert same_figure(a, b) == same_figure(b, a)


@FUZZ
@given(st.floats(min_value=1, max_value=1e6), st.integers(min_value=0, max_value=2))
@example(53.4, 0)
@example(51212800, 0)
def test_a_rounded_figure_is_the_same_figure_as_the_exact_one(exact, places):
    written = round(exact, places)
    if written == 0:
        return
    assert same_figure(written, exact)


def test_a_figure_more_precise_than_the_printed_one_is_not_supported_by_it():
    """The verifier relies on this: "53.4" is not backed by a document that prints "53"."""
    assert same_figure(53, 53.4)
    assert not same_figure(53.4, 53)
