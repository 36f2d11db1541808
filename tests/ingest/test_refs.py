"""Citations: every way a user writes a reference finds the block the document numbers that way."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from functools import lru_cache

import pytest

from budgetqa.ingest.model import (
    Annex,
    BlockKind,
    Document,
    Figure,
    Foreword,
    LineSpan,
    Misprint,
    Paragraph,
    ParseReport,
    Table,
    Unit,
)
from budgetqa.ingest.refs import (
    AmbiguousReference,
    BlockReference,
    RefIndex,
    UnknownReference,
    find_citations,
    format_label,
    lookup,
    nearest,
    parse_citation,
    resolve,
)

P, T, F, A, W = BlockKind.PARAGRAPH, BlockKind.TABLE, BlockKind.FIGURE, BlockKind.ANNEX, BlockKind.FOREWORD


# --------------------------------------------------------------------------------------------------
# Recognising a reference that is the whole input
# --------------------------------------------------------------------------------------------------

WHOLE_FORMS = [
    # paragraphs
    ("3.115", BlockReference(P, "3.115")),
    ("第3.115段", BlockReference(P, "3.115")),
    ("第 3.115 段", BlockReference(P, "3.115")),
    ("3.115段", BlockReference(P, "3.115")),
    ("para. 3.115", BlockReference(P, "3.115")),
    ("para 3.115", BlockReference(P, "3.115")),
    ("Para. 3.115", BlockReference(P, "3.115")),
    ("paragraph 3.115", BlockReference(P, "3.115")),
    ("Paragraph 3.115.", BlockReference(P, "3.115")),
    ("¶3.115", BlockReference(P, "3.115")),
    ("¶ 3.115", BlockReference(P, "3.115")),
    ("§3.115", BlockReference(P, "3.115")),
    ("３．１１５", BlockReference(P, "3.115")),
    ("第３．１１５段。", BlockReference(P, "3.115")),
    ("see para. 3.115", BlockReference(P, "3.115")),
    ("“3.115”", BlockReference(P, "3.115")),
    # tables
    ("表3.27", BlockReference(T, "3.27")),
    ("表 3.27", BlockReference(T, "3.27")),
    ("表 3.27 (1)", BlockReference(T, "3.27", "(1)")),
    ("表3.27(2)", BlockReference(T, "3.27", "(2)")),
    ("表３．２７（１）", BlockReference(T, "3.27", "(1)")),
    ("table 3.27", BlockReference(T, "3.27")),
    ("Table 3.27(1)", BlockReference(T, "3.27", "(1)")),
    ("TABLE 3.27 (2)?", BlockReference(T, "3.27", "(2)")),
    ("table 3.27, part 1", BlockReference(T, "3.27", "(1)")),
    ("见表 3.27", BlockReference(T, "3.27")),
    # figures: always the Chinese numeral the document prints
    ("图3.十四", BlockReference(F, "3.十四")),
    ("图 3.十四", BlockReference(F, "3.十四")),
    ("图 3.14", BlockReference(F, "3.十四")),
    ("figure 3.14", BlockReference(F, "3.十四")),
    ("Figure 3.XIV", BlockReference(F, "3.十四")),
    ("figure 3.xiv", BlockReference(F, "3.十四")),
    ("fig. 3.14", BlockReference(F, "3.十四")),
    ("Fig 3.34", BlockReference(F, "3.三十四")),
    ("图 3.三十四", BlockReference(F, "3.三十四")),
    # annexes
    ("附件三", BlockReference(A, "三")),
    ("附件 3", BlockReference(A, "三")),
    ("附件３", BlockReference(A, "三")),
    ("annex III", BlockReference(A, "三")),
    ("Annex 3", BlockReference(A, "三")),
    ("ANNEX iv", BlockReference(A, "四")),
    # forewords
    ("前言", BlockReference(W, "")),
    ("foreword", BlockReference(W, "")),
    ("前言 一", BlockReference(W, "一")),
    ("foreword to part II", BlockReference(W, "二")),
    ("Foreword (part 3)", BlockReference(W, "三")),
    ("第二部分前言", BlockReference(W, "二")),
    ("part V foreword", BlockReference(W, "五")),
]


@pytest.mark.parametrize(("text", "expected"), WHOLE_FORMS, ids=[text for text, _ in WHOLE_FORMS])
def test_every_written_form_of_a_reference_parses_to_the_documents_own_ref(
    text: str, expected: BlockReference
) -> None:
    assert parse_citation(text) == expected


NOT_REFERENCES = [
    "2023",
    "3.7 million dollars",
    "3.7 million",
    "3.5%",
    "what is the budget",
    "what does paragraph 3.115 say",  # a question about a reference, not the reference alone
    "3.1150",
    "3.05",
    "表 3.27 至 3.29",  # several references
    "",
    "   ",
    "table",
    "annex",
    "图 3.",
]


@pytest.mark.parametrize("text", NOT_REFERENCES)
def test_text_that_is_not_just_one_reference_parses_to_none(text: str) -> None:
    assert parse_citation(text) is None


# --------------------------------------------------------------------------------------------------
# References inside a question
# --------------------------------------------------------------------------------------------------

QUESTIONS = [
    ("what does paragraph 3.115 say", [BlockReference(P, "3.115")]),
    ("What does para. 3.115 say about recosting?", [BlockReference(P, "3.115")]),
    ("show table 3.27", [BlockReference(T, "3.27")]),
    ("Could you bring up table 3.31?", [BlockReference(T, "3.31")]),
    ("第3.41段写了什么？", [BlockReference(P, "3.41")]),
    ("第 3.115 段说了什么", [BlockReference(P, "3.115")]),
    ("图 3.十四 显示什么", [BlockReference(F, "3.十四")]),
    ("What does figure 3.XIV show?", [BlockReference(F, "3.十四")]),
    ("What is in annex III?", [BlockReference(A, "三")]),
    ("附件三列出了什么？", [BlockReference(A, "三")]),
    ("what is 3.115 about?", [BlockReference(P, "3.115")]),
    ("3.115讲了什么", [BlockReference(P, "3.115")]),
    ("表 3.27 (1) 中 2024 年的共计是多少？", [BlockReference(T, "3.27", "(1)")]),
    ("Compare tables 3.27 and 3.28.", [BlockReference(T, "3.27"), BlockReference(T, "3.28")]),
    (
        "见表 3.27 至 3.29 和图 3.十四",
        [BlockReference(T, "3.27"), BlockReference(T, "3.28"), BlockReference(T, "3.29"), BlockReference(F, "3.十四")],
    ),
    ("如表 3.27 (1)和 3.28 (1)所示", [BlockReference(T, "3.27", "(1)"), BlockReference(T, "3.28", "(1)")]),
    (
        "summarise paragraphs 3.115 to 3.117 and annex III",
        [BlockReference(P, "3.115"), BlockReference(P, "3.116"), BlockReference(P, "3.117"), BlockReference(A, "三")],
    ),
    ("who signed the foreword to part II?", [BlockReference(W, "二")]),
    ("第二部分的前言由谁签署", [BlockReference(W, "二")]),
    ("Table 3.27 and table 3.27 again", [BlockReference(T, "3.27")]),
]


@pytest.mark.parametrize(("question", "expected"), QUESTIONS, ids=[q for q, _ in QUESTIONS])
def test_references_inside_a_question_are_found_in_order(question: str, expected: list[BlockReference]) -> None:
    assert find_citations(question, section=3) == expected


QUANTITIES = [
    "How is the 3.7 million spent in 2023?",
    "what is the budget for 2024",
    "Why did posts increase by 3.2?",
    "the 3.5% rise in non-post resources",
    "资源增加 3.2 是为什么",
    "约 3.5 百万美元用于什么",
    "What changed between 2022 and 2023?",
    "a cost of US$ 3.1 per unit",
    "version 3.1150 of the plan",
    "What does the annex in the report cover?",
    "Who wrote the foreword?",  # no part: the foreword is not identified
    "Resolution 72/199 and S/2016/595",
]


@pytest.mark.parametrize("question", QUANTITIES)
def test_numbers_that_are_quantities_or_dates_are_not_references(question: str) -> None:
    assert find_citations(question, section=3) == []


def test_a_bare_number_of_another_section_is_not_a_paragraph_of_this_one() -> None:
    assert find_citations("What is in 4.12?", section=3) == []
    assert find_citations("What is in 4.12?", section=4) == [BlockReference(P, "4.12")]
    assert find_citations("paragraph 4.12", section=3) == [BlockReference(P, "4.12")]  # explicit: kept


# --------------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------------

LABELS = [
    (P, "3.115", "¶3.115", "para. 3.115"),
    (T, "3.27", "表 3.27", "Table 3.27"),
    (F, "3.十四", "图 3.十四", "Figure 3.14"),
    (F, "3.三十四", "图 3.三十四", "Figure 3.34"),
    (A, "三", "附件三", "Annex III"),
    (A, "附件四", "附件四", "Annex IV"),
    (W, "一", "前言 一", "Foreword, part I"),
]


@pytest.mark.parametrize(("kind", "ref", "zh", "en"), LABELS)
def test_labels_are_printed_the_way_each_edition_numbers_blocks(
    kind: BlockKind, ref: str, zh: str, en: str
) -> None:
    assert format_label(kind, ref) == zh
    assert format_label(kind, ref, "en") == en
    assert parse_citation(zh) == parse_citation(en)


def test_a_table_part_is_kept_in_the_citation_label() -> None:
    assert BlockReference(T, "3.27", "(1)").label() == "表 3.27 (1)"
    assert BlockReference(T, "3.27", "(1)").label("en") == "Table 3.27 (1)"


# --------------------------------------------------------------------------------------------------
# Resolving against a small hand-built document
# --------------------------------------------------------------------------------------------------


class HandBuiltDocument(Document):
    """A hand-built fixture: a few blocks of a section 3, whose units are listed directly.

    It stands in for a parsed document so that resolving can be specified independently of the
    parser; the real document is tested further below.
    """

    fixture_units: list[Unit]

    def units(self) -> Iterator[Unit]:
        yield from self.fixture_units


def _unit(kind: BlockKind, ref: str, first: int, title: str = "") -> Unit:
    return Unit(kind, ref, title or ref, f"text of {kind.value} {ref}", LineSpan(first, first + 2), [], "一")


def _hand_built_document() -> HandBuiltDocument:
    paragraph_refs = [f"3.{n}" for n in range(1, 11)] + ["3.260", "3.261", "3.262", "3.263", "3.270", "3.271"]
    paragraphs = [
        Paragraph(
            ref, "3.62" if ref == "3.262" else ref, f"text {ref}", LineSpan(i * 10, i * 10 + 3), [], "一"
        )
        for i, ref in enumerate(paragraph_refs, start=1)
    ]
    tables = [
        Table(
            "3.27",
            "总表",
            "千美元",
            [],
            [],
            [],
            LineSpan(400, 450),
            [],
            "一",
            sub_parts=["(1) 经常预算", "(2) 预算外"],
        ),
        *[
            Table(f"3.{n}", "表", None, [], [], [], LineSpan(500 + n, 500 + n), [], "一")
            for n in (28, 78, 79, 80)
        ],
    ]
    figures = [
        Figure(f"3.{name}", number, "图", LineSpan(600 + number, 600 + number), [], "一")
        for name, number in (("十三", 13), ("十四", 14), ("三十三", 33), ("三十四", 34))
    ]
    annexes = [
        Annex(name, index, f"附件{name}", "", LineSpan(700 + index, 700 + index))
        for name, index in (("一", 1), ("二", 2), ("三", 3), ("四", 4))
    ]
    forewords = [
        Foreword(part, "…", "署名", "职务", LineSpan(800 + i, 800 + i)) for i, part in enumerate("一二")
    ]
    units = (
        [_unit(P, p.ref, p.lines.first) for p in paragraphs]
        + [_unit(T, t.ref, t.lines.first) for t in tables]
        + [_unit(F, f.ref, f.lines.first) for f in figures]
        + [_unit(A, a.ref, a.lines.first) for a in annexes]  # unit refs as the model prints them: "三"
        + [_unit(W, f.ref, f.lines.first) for f in forewords]  # "一"
    )
    document = HandBuiltDocument(
        symbol="A/78/6 (Sect. 3)",
        section_number=3,
        title="政治事务",
        source_sha256="0" * 64,
        lines=[],
        parts=[],
        headings=[],
        paragraphs=paragraphs,
        tables=tables,
        figures=figures,
        forewords=forewords,
        mandates=[],
        annexes=annexes,
        footnotes=[],
        report=ParseReport(misprints=[Misprint("3.62", "3.262", 130)]),
    )
    document.fixture_units = units
    return document


@pytest.fixture(scope="module")
def small() -> HandBuiltDocument:
    return _hand_built_document()


@pytest.mark.parametrize(
    ("text", "kind", "ref"),
    [
        ("para 3.7", P, "3.7"),
        ("表 3.27 (1)", T, "3.27"),
        ("Table 3.27(2)", T, "3.27"),
        ("figure 3.14", F, "3.十四"),
        ("Figure 3.XXXIV", F, "3.三十四"),
        ("annex III", A, "三"),
        ("附件 4", A, "四"),
        ("foreword to part II", W, "二"),
    ],
)
def test_each_form_resolves_to_its_unit(
    small: HandBuiltDocument, text: str, kind: BlockKind, ref: str
) -> None:
    citation = parse_citation(text)
    assert citation is not None
    unit = resolve(small, citation)
    assert (unit.kind, unit.ref) == (kind, ref)


def test_a_misprinted_paragraph_number_resolves_when_no_paragraph_carries_it(
    small: HandBuiltDocument,
) -> None:
    assert resolve(small, BlockReference(P, "3.62")).ref == "3.262"


def test_a_misprinted_number_that_a_real_paragraph_carries_resolves_to_that_paragraph(
    small: HandBuiltDocument,
) -> None:
    fixed = _hand_built_document()
    fixed.fixture_units.append(_unit(P, "3.62", 5))
    assert resolve(fixed, BlockReference(P, "3.62")).lines == LineSpan(5, 7)


def test_an_unknown_table_names_the_nearest_tables(small: HandBuiltDocument) -> None:
    with pytest.raises(UnknownReference) as caught:
        resolve(small, parse_citation("table 3.81"))  # type: ignore[arg-type]
    assert caught.value.suggestions == ["表 3.80", "表 3.79", "表 3.78"]
    assert (
        str(caught.value) == "No table 3.81 (表 3.81) in A/78/6 (Sect. 3); nearest: 表 3.80, 表 3.79, 表 3.78"
    )


def test_an_unknown_paragraph_names_the_nearest_paragraphs(small: HandBuiltDocument) -> None:
    assert nearest(small, BlockReference(P, "3.272")) == ["¶3.271", "¶3.270", "¶3.263"]
    assert nearest(small, BlockReference(P, "3.265"), k=2) == ["¶3.263", "¶3.262"]


def test_an_unknown_figure_is_named_in_both_numerals(small: HandBuiltDocument) -> None:
    with pytest.raises(UnknownReference) as caught:
        resolve(small, parse_citation("figure 3.35"))  # type: ignore[arg-type]
    assert caught.value.suggestions[0] == "图 3.三十四"
    assert "figure 3.35 (图 3.三十五)" in str(caught.value)


def test_an_unknown_annex_names_the_nearest_annexes(small: HandBuiltDocument) -> None:
    assert nearest(small, BlockReference(A, "五"), k=2) == ["附件四", "附件三"]


def test_a_table_part_the_table_does_not_have_is_unknown(small: HandBuiltDocument) -> None:
    with pytest.raises(UnknownReference) as caught:
        resolve(small, BlockReference(T, "3.27", "(3)"))
    assert caught.value.suggestions == ["表 3.27 (1)", "表 3.27 (2)"]


def test_a_foreword_without_its_part_is_ambiguous_when_there_are_several(small: HandBuiltDocument) -> None:
    with pytest.raises(AmbiguousReference) as caught:
        resolve(small, BlockReference(W, ""))
    assert caught.value.suggestions == ["前言 一", "前言 二"]


def test_lookup_resolves_every_reference_of_a_question_and_reports_the_missing_ones(
    small: HandBuiltDocument,
) -> None:
    found = lookup(small, "Compare table 3.27 with table 3.81 and paragraph 3.7")
    assert [unit.id for unit in found.units] == ["table:3.27", "paragraph:3.7"]
    assert [error.citation for error in found.unknown] == [BlockReference(T, "3.81")]
    assert not found.whole
    assert lookup(small, "表 3.27").whole


def test_a_ref_index_answers_repeated_lookups_without_rendering_units_again(small: HandBuiltDocument) -> None:
    index = RefIndex(small)
    assert index.resolve(BlockReference(F, "3.十三")).lines == LineSpan(613, 615)
    assert len(list(index)) == len(small.fixture_units)


# --------------------------------------------------------------------------------------------------
# The real bundled document (needs the parser)
# --------------------------------------------------------------------------------------------------

needs_parser = pytest.mark.skipif(
    importlib.util.find_spec("budgetqa.ingest.parser") is None,
    reason="budgetqa.ingest.parser not written yet",
)


@lru_cache(maxsize=1)
def _real() -> RefIndex:
    from budgetqa.data import bundled_document_path
    from budgetqa.ingest.parser import parse_document

    return RefIndex(parse_document(bundled_document_path()))


def _real_rendering(*kinds: BlockKind) -> RefIndex:
    """The real document's index; skips while ingest/units.py does not yet render units of `kinds`."""
    index = _real()
    rendered = {unit.kind for unit in index}
    missing = [kind.value for kind in kinds if kind not in rendered]
    if missing:
        pytest.skip(f"ingest/units.py renders no {', '.join(missing)} units yet")
    return index


@needs_parser
@pytest.mark.parametrize(
    ("text", "kind", "ref"),
    [
        ("表 3.27 (1)", T, "3.27"),
        ("Table 3.27(2)", T, "3.27"),
        ("figure 3.14", F, "3.十四"),
        ("图 3.三十四", F, "3.三十四"),
        ("para 3.115", P, "3.115"),
        ("第 3.262 段", P, "3.262"),
        ("3.1", P, "3.1"),
        ("¶3.271", P, "3.271"),
        ("table 3.80", T, "3.80"),
    ],
)
def test_references_to_the_real_document_resolve(text: str, kind: BlockKind, ref: str) -> None:
    citation = parse_citation(text)
    assert citation is not None
    unit = _real_rendering(kind).resolve(citation)
    assert (unit.kind, unit.ref) == (kind, ref)


@needs_parser
def test_annex_iii_of_the_real_document_resolves() -> None:
    unit = _real_rendering(A).resolve(parse_citation("annex III"))  # type: ignore[arg-type]
    assert unit.kind is A
    assert "三" in unit.ref


@needs_parser
def test_paragraph_3_115_has_a_line_span_on_the_lines_that_print_it() -> None:
    index = _real()
    unit = index.resolve(BlockReference(P, "3.115"))
    assert isinstance(unit.lines, LineSpan)
    assert unit.lines.first == 4014  # " 3.115 如表 3.27 (1)和 3.28 (1)所示，…"; 表 3.27 starts at 4019
    assert 4016 <= unit.lines.last <= 4018
    assert "51 212 800" in index.document.source_text(unit.lines)


@needs_parser
def test_the_printed_3_62_resolves_to_the_real_paragraph_3_62_because_it_collides() -> None:
    unit = _real().resolve(BlockReference(P, "3.62"))
    assert unit.ref == "3.62"
    assert unit.lines.first == 2514


@needs_parser
def test_the_real_document_ends_its_tables_at_3_80_and_its_paragraphs_at_3_271() -> None:
    index = _real_rendering(T, F)
    assert index.nearest(BlockReference(T, "3.81")) == ["表 3.80", "表 3.79", "表 3.78"]
    assert index.nearest(BlockReference(P, "3.272"), k=2) == ["¶3.271", "¶3.270"]
    with pytest.raises(UnknownReference, match="nearest: 图 3.三十四"):
        index.resolve(BlockReference(F, "3.三十五"))


@needs_parser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_label_of_the_real_document_resolves_back_to_its_unit(lang: str) -> None:
    index = _real()
    for unit in index:
        if unit.kind not in (P, T, F, A):
            continue
        citation = parse_citation(format_label(unit.kind, unit.ref, lang))
        assert citation is not None, unit.id
        assert index.resolve(citation) == unit
