"""Property tests of the reference parser: every written form of a reference names the same block.

References are generated for any section (1–99) and number, written the ways the document and its
English edition print them ("第3.115段", "¶3.115", "表 3.27 (1)", "Figure 3.XIV", "附件三", "annex III"),
in random case and full width, and must parse to the same (kind, ref).
"""

from __future__ import annotations

import os
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from budgetqa.ingest.model import BlockKind
from budgetqa.ingest.numerals import int_to_chinese, int_to_roman
from budgetqa.ingest.refs import BlockReference, find_citations, format_label, parse_citation

# Examples per property; BUDGETQA_FUZZ_SCALE=20 runs twenty times as many (a longer search, by hand).
SCALE = int(os.environ.get("BUDGETQA_FUZZ_SCALE", "1"))


def fuzz(examples: int) -> settings:
    """Bounded examples and no deadline: the whole file runs in seconds on a shared machine."""
    return settings(max_examples=examples * SCALE, deadline=None)


FUZZ = fuzz(150)

P, T, F, A, W = BlockKind.PARAGRAPH, BlockKind.TABLE, BlockKind.FIGURE, BlockKind.ANNEX, BlockKind.FOREWORD

sections = st.integers(min_value=1, max_value=99)
numbers = st.integers(min_value=1, max_value=999)
ordinals = st.integers(min_value=1, max_value=99)


def full_width(text: str) -> str:
    """The full-width form a Chinese input method types: "３．１１５"."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def spelled(draw: st.DrawFn, form: str) -> str:
    """A form in random case, sometimes typed full width."""
    text = "".join(c.upper() if draw(st.booleans()) else c for c in form)
    return full_width(text) if draw(st.booleans()) else text


PARAGRAPH_FORMS = [
    "{s}.{n}",
    "第{s}.{n}段",
    "第 {s}.{n} 段",
    "{s}.{n}段",
    "para. {s}.{n}",
    "para {s}.{n}",
    "paragraph {s}.{n}",
    "¶{s}.{n}",
    "¶ {s}.{n}",
    "§{s}.{n}",
    "see para. {s}.{n}",
    "“{s}.{n}”",
]


@FUZZ
@given(sections, numbers, st.sampled_from(PARAGRAPH_FORMS), st.data())
@example(3, 115, "第{s}.{n}段", None)
def test_every_written_form_of_a_paragraph_parses_to_it(section, number, form, data):
    text = form.format(s=section, n=number)
    if data is not None:
        text = data.draw(spelled(text))
    assert parse_citation(text) == BlockReference(P, f"{section}.{number}")


TABLE_FORMS = [
    ("表{s}.{n}", None),
    ("表 {s}.{n}", None),
    ("table {s}.{n}", None),
    ("Table {s}.{n}", None),
    ("tab. {s}.{n}", None),
    ("见表 {s}.{n}", None),
    ("表 {s}.{n} ({p})", "p"),
    ("表{s}.{n}({p})", "p"),
    ("table {s}.{n}({p})", "p"),
    ("Table {s}.{n} ({p})", "p"),
    ("table {s}.{n}, part {p}", "p"),
]


@FUZZ
@given(sections, numbers, st.integers(min_value=1, max_value=9), st.sampled_from(TABLE_FORMS), st.data())
@example(3, 27, 1, ("表 {s}.{n} ({p})", "p"), None)
def test_every_written_form_of_a_table_parses_to_it(section, number, part, form, data):
    pattern, has_part = form
    text = pattern.format(s=section, n=number, p=part)
    if data is not None:
        text = data.draw(spelled(text))
    assert parse_citation(text) == BlockReference(T, f"{section}.{number}", f"({part})" if has_part else None)


FIGURE_FORMS = [
    "图{s}.{cn}",
    "图 {s}.{cn}",
    "图 {s}.{n}",
    "figure {s}.{n}",
    "Figure {s}.{roman}",
    "figure {s}.{roman}",
    "fig. {s}.{n}",
    "Fig {s}.{roman}",
    "chart {s}.{n}",
    "图表 {s}.{cn}",
]


@FUZZ
@given(sections, numbers, st.sampled_from(FIGURE_FORMS), st.data())
@example(3, 14, "图{s}.{cn}", None)
@example(3, 14, "Figure {s}.{roman}", None)
def test_every_written_form_of_a_figure_parses_to_its_chinese_numeral(section, number, form, data):
    text = form.format(s=section, n=number, cn=int_to_chinese(number), roman=int_to_roman(number))
    if data is not None:
        text = data.draw(spelled(text))
    assert parse_citation(text) == BlockReference(F, f"{section}.{int_to_chinese(number)}")


ANNEX_FORMS = [
    "附件{cn}",
    "附件 {cn}",
    "附件{n}",
    "annex {roman}",
    "Annex {roman}",
    "annex {n}",
    "ANNEX {roman}.",
]


@FUZZ
@given(ordinals, st.sampled_from(ANNEX_FORMS), st.data())
@example(3, "附件{cn}", None)
@example(3, "annex {roman}", None)
def test_every_written_form_of_an_annex_parses_to_its_chinese_numeral(number, form, data):
    text = form.format(n=number, cn=int_to_chinese(number), roman=int_to_roman(number))
    if data is not None:
        text = data.draw(spelled(text))
    assert parse_citation(text) == BlockReference(A, int_to_chinese(number))


citations = st.one_of(
    st.builds(lambda s, n: BlockReference(P, f"{s}.{n}"), sections, numbers),
    st.builds(
        lambda s, n, p: BlockReference(T, f"{s}.{n}", p),
        sections,
        numbers,
        st.sampled_from([None, "(1)", "(2)", "(9)"]),
    ),
    st.builds(lambda s, n: BlockReference(F, f"{s}.{int_to_chinese(n)}"), sections, numbers),
    st.builds(lambda n: BlockReference(A, int_to_chinese(n)), ordinals),
    st.builds(lambda n: BlockReference(W, int_to_chinese(n)), st.integers(min_value=1, max_value=20)),
)


@FUZZ
@given(citations, st.sampled_from(["zh", "en"]))
@example(BlockReference(F, "3.十四"), "en")
@example(BlockReference(T, "3.27", "(1)"), "zh")
def test_a_printed_label_parses_back_to_its_citation(citation, lang):
    assert parse_citation(citation.label(lang)) == citation


@FUZZ
@given(
    citations,
    st.sampled_from(["zh", "en"]),
    st.sampled_from([("请参看", "中的数字。"), ("What does ", " say about posts?"), ("(见", ")"), ("", "")]),
)
@example(BlockReference(A, "一"), "en", ("请参看", "中的数字。"))  # "Annex I中" was not recognised
@example(BlockReference(W, "四"), "en", ("请参看", "中的数字。"))
def test_a_label_inside_a_sentence_is_found(citation, lang, context):
    before, after = context
    assert find_citations(f"{before}{citation.label(lang)}{after}") == [citation]


@FUZZ
@given(
    st.sampled_from([P, T, F, A, W]),
    st.integers(min_value=1, max_value=99),
    st.integers(min_value=1, max_value=999),
)
def test_a_label_in_any_numeral_form_is_the_label_of_the_canonical_ref(kind, section, number):
    """format_label("3.14") and format_label("3.十四") of a figure are one label; annex "3" is "附件三"."""
    if kind in (A, W):
        forms = [str(number), int_to_chinese(number)]
    elif kind is F:
        forms = [f"{section}.{number}", f"{section}.{int_to_chinese(number)}"]
    else:
        forms = [f"{section}.{number}"]
    for lang in ("zh", "en"):
        assert len({format_label(kind, form, lang) for form in forms}) == 1


any_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("0123456789.()¶§第段表图附件前言一二三十百零两 ,、和至to-–ivxlcdmIVX")),
        st.characters(),
    ),
    max_size=60,
)


@fuzz(400)
@given(any_text)
@example("表 3.27 至 3.99999")
@example("附件 ²")
@example("图 3.十十十")
def test_any_text_parses_to_citations_that_print_and_parse_back(text):
    whole = parse_citation(text)
    found = find_citations(text) + find_citations(text, section=3)
    for citation in [whole, *found]:
        if citation is None or (citation.kind is W and not citation.ref):
            continue
        assert parse_citation(citation.label("zh")) == citation
        assert parse_citation(citation.label("en")) == citation


@fuzz(200)
@given(st.sampled_from(list(BlockKind)), st.text(max_size=20), st.sampled_from(["zh", "en"]))
@example(F, "3.99999", "zh")
@example(A, "10000", "en")
@example(A, "²", "zh")
@example(F, "3.²", "en")
def test_format_label_prints_any_ref_without_failing(kind, ref, lang):
    label = format_label(kind, ref, lang)
    assert isinstance(label, str) and label


def test_format_label_rejects_an_unknown_language_with_the_choices():
    try:
        format_label(P, "3.115", "fr")
    except ValueError as error:
        assert "'zh' or 'en'" in str(error)
    else:
        raise AssertionError("format_label accepted 'fr'")


def test_full_width_helper_types_what_an_input_method_types():
    assert unicodedata.normalize("NFKC", full_width("表 3.27 (1)")) == "表 3.27 (1)"
    assert full_width("3.115") == "３．１１５"
