"""Property tests of the parser: a PDF-to-text extraction damaged the ways extractions are damaged.

Starting from the bundled A/78/6 (Sect. 3) and the synthetic section 29, each example breaks lines of
paragraph text at random places, inserts hyperlink lines ("https://undocs.org/zh/A/78/6(Sect.3)"),
running heads and feet of a page ("第 3 款 政治事务" … "17/136 23-08138"), blank lines and form feeds
before random lines, and may end lines with CRLF.  Every paragraph must come back with its number, in
order, with its text (compared without whitespace), and every inserted piece of debris must be counted
as removed.  Arbitrary text, including shuffled lines of the real document, may only be refused with
:class:`DocumentError`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from budgetqa.data import bundled_document_path
from budgetqa.ingest.lines import clean_source
from budgetqa.ingest.model import Document
from budgetqa.ingest.numerals import int_to_chinese
from budgetqa.ingest.parser import DocumentError, parse_text

# Examples per property; BUDGETQA_FUZZ_SCALE=20 runs twenty times as many (a longer search, by hand).
SCALE = int(os.environ.get("BUDGETQA_FUZZ_SCALE", "1"))


def fuzz(examples: int) -> settings:
    """Bounded examples and no deadline: the whole file runs in seconds on a shared machine."""
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


SYNTHETIC = Path(__file__).parent / "fixtures" / "synthetic_section_29_zh.txt"

# A continuation line must not begin like a marker of its own: a number (paragraph start, table row,
# chart value), a list item "(a)", a part "二." or a footnote rule.
_MARKER_START = re.compile(r"^(?:[\d(（㈠-㈩_]|[一二三四五六七八九十]+\.)")
_MIN_PIECE = 13  # longer than any chart label (12 characters), so a piece is never taken for one


def squeeze(text: str) -> str:
    """Text without whitespace: how paragraph texts are compared."""
    return "".join(text.split())


@dataclass(frozen=True)
class Base:
    """A source document, its parse, the lines that carry content and where paragraph lines may break."""

    name: str
    lines: tuple[str, ...]
    document: Document
    kept: tuple[int, ...]  # 0-based indexes of the lines that are neither blank nor debris
    breaks: tuple[tuple[int, tuple[int, ...]], ...]  # (line index, offsets where it may break)


def _break_offsets(line: str, first_of_paragraph: bool) -> tuple[int, ...]:
    if len(line) - len(line.lstrip(" ")) >= 2 and not first_of_paragraph:
        return ()
    # The first line of a paragraph printed over several lines is a full line of prose after its
    # number (a misprinted number is recognised by that prose); break it after the number's own text.
    after_number = re.match(r"^\s*\d+\.\d+\s+", line) if first_of_paragraph else None
    offsets = []
    for offset in range(1, len(line)):
        left, right = line[:offset], line[offset:].lstrip()
        if after_number and len(left[after_number.end() :].strip()) < _MIN_PIECE:
            continue
        if (
            len(left.strip()) >= _MIN_PIECE
            and len(right.strip()) >= _MIN_PIECE
            and not _MARKER_START.match(right)
        ):
            offsets.append(offset)
    return tuple(offsets)


@cache
def base(name: str) -> Base:
    path = bundled_document_path() if name == "A/78/6 (Sect. 3)" else SYNTHETIC
    text = path.read_text(encoding="utf-8")
    lines = tuple(text.split("\n"))
    document = parse_text(text)
    kept = tuple(line.number - 1 for line in clean_source(list(lines)).lines)
    kept_set = set(kept)
    breaks = []
    for paragraph in document.paragraphs:
        body = squeeze(paragraph.text)
        for number in range(paragraph.lines.first, paragraph.lines.last + 1):
            index = number - 1
            line = lines[index].rstrip("\r")
            if index not in kept_set or len(line.strip()) < 2 * _MIN_PIECE:
                continue
            first = number == paragraph.lines.first
            if not first and squeeze(line) not in body:
                continue  # chart values or other debris printed inside the paragraph
            offsets = _break_offsets(line, first)
            if offsets:
                breaks.append((index, offsets))
    return Base(name, lines, document, kept, tuple(breaks))


BASES = ["A/78/6 (Sect. 3)", "synthetic section 29"]

urls = st.builds(
    lambda scheme, host, path, pad: f"{scheme}{host}/{path}{pad}",
    st.sampled_from(["https://", "http://", "HTTPS://"]),
    st.sampled_from(["undocs.org", "www.un.org", "documents.un.org"]),
    st.sampled_from(
        ["zh/A/78/6(Sect.3)", "ch/A/RES/46/232", "zh/A/77/7", "ch/A/RES/72/262c", "en/S/RES/2719(2023)"]
    ),
    st.sampled_from(["", " ", "  "]),
) | st.sampled_from(["www.un.org/peacebuilding", "https://undocs.org/zh/A/78/6(Sect.3)/Add.1"])


@st.composite
def page_break(draw: st.DrawFn, section: int, title: str) -> list[str]:
    """A running head, blank lines and a page foot, as the extraction prints them between pages."""
    head = draw(
        st.sampled_from(
            [f"第 {section} 款 {title} ", f"第{section}款 {title}", "第二编 政治事务 ", "第二十七编 全球传播"]
        )
    )
    page, total = draw(st.integers(min_value=1, max_value=135)), 136
    job = draw(st.sampled_from(["23-08138", "23-09999"]))
    foot = draw(st.sampled_from([f"{page}/{total} {job} ", f"{job} {page}/{total} "]))
    gap = draw(st.sampled_from([[], [" "], ["", " ", ""]]))
    return [head, *gap, foot]


@dataclass(frozen=True)
class Damage:
    """What was done to a source: lines broken, debris inserted, line endings."""

    text: str
    urls: int
    pages: int
    description: list[str]


@st.composite
def damaged(draw: st.DrawFn, source: Base) -> Damage:
    split: dict[int, int] = {}
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        index, offsets = draw(st.sampled_from(source.breaks))
        split.setdefault(index, draw(st.sampled_from(offsets)))
    inserted: dict[int, list[list[str]]] = {}
    feeds: set[int] = set()
    counts = {"url": 0, "page": 0}
    document = source.document
    positions = st.sampled_from([*source.kept, len(source.lines)])
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        where = draw(positions)
        kind = draw(st.sampled_from(["url", "page", "blank", "form feed"]))
        if kind == "url":
            inserted.setdefault(where, []).append([draw(urls)])
            counts["url"] += 1
        elif kind == "page":
            inserted.setdefault(where, []).append(draw(page_break(document.section_number, document.title)))
            counts["page"] += 1
        elif kind == "blank":
            inserted.setdefault(where, []).append([draw(st.sampled_from(["", " ", "\t"]))])
        elif where < len(source.lines):
            feeds.add(where)
    out: list[str] = []
    for index, line in enumerate(source.lines):
        for piece in inserted.get(index, []):
            out.extend(piece)
        line = ("\f" if index in feeds else "") + line
        if index in split:
            out.extend(
                [line[: split[index] + (index in feeds)], line[split[index] + (index in feeds) :].lstrip()]
            )
        else:
            out.append(line)
    for piece in inserted.get(len(source.lines), []):
        out.extend(piece)
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    description = [f"break line {i + 1} at {o}" for i, o in sorted(split.items())]
    description += [f"insert {pieces} before line {i + 1}" for i, pieces in sorted(inserted.items())]
    description += [f"form feed before line {i + 1}" for i in sorted(feeds)]
    return Damage(ending.join(out), counts["url"], counts["page"], description)


def assert_survives(source: Base, damage: Damage) -> None:
    parsed = parse_text(damage.text)
    expected = source.document
    assert [p.ref for p in parsed.paragraphs] == [p.ref for p in expected.paragraphs], damage.description
    for got, want in zip(parsed.paragraphs, expected.paragraphs, strict=True):
        assert squeeze(got.text) == squeeze(want.text), (want.ref, damage.description)
    assert [t.ref for t in parsed.tables] == [t.ref for t in expected.tables], damage.description
    assert [f.ref for f in parsed.figures] == [f.ref for f in expected.figures], damage.description
    misprints = [(m.printed, m.corrected) for m in parsed.report.misprints]
    assert misprints == [(m.printed, m.corrected) for m in expected.report.misprints], damage.description
    removed, before = parsed.report.debris_removed, expected.report.debris_removed
    assert removed.get("url", 0) == before.get("url", 0) + damage.urls, damage.description
    assert removed.get("page_header", 0) == before.get("page_header", 0) + damage.pages, damage.description
    assert removed.get("page_footer", 0) == before.get("page_footer", 0) + damage.pages, damage.description


@fuzz(25)
@given(st.data())
def test_paragraphs_of_the_real_document_survive_line_breaks_and_debris(data):
    source = base(BASES[0])
    assert_survives(source, data.draw(damaged(source)))


@fuzz(60)
@given(st.data())
def test_paragraphs_of_the_synthetic_section_survive_line_breaks_and_debris(data):
    source = base(BASES[1])
    assert_survives(source, data.draw(damaged(source)))


def test_the_bases_offer_breaks_in_most_paragraphs():
    """The generator can reach most paragraphs: a property over none of them would prove nothing."""
    for name in BASES:
        source = base(name)
        broken = {i for i, _ in source.breaks}
        paragraphs_reached = {
            p.ref
            for p in source.document.paragraphs
            if any(p.lines.first - 1 <= i < p.lines.last for i in broken)
        }
        assert len(paragraphs_reached) >= 0.6 * len(source.document.paragraphs), name


# --------------------------------------------------------------------------------------------------
# Arbitrary text: refused with DocumentError or parsed, never anything else
# --------------------------------------------------------------------------------------------------


@cache
def real_lines() -> tuple[str, ...]:
    return base(BASES[0]).lines + base(BASES[1]).lines


structural = st.sampled_from(
    [
        " 3.1 政治和建设和平事务部负责处理秘书处与在世界各地维护和平与安全有关的所有事项。",
        " 3.2 本部的任务来自大会第 46/232 号决议。",
        "第 3 款 政治事务 ",
        "17/136 23-08138 ",
        "表 3.1 ",
        "图 3.一 ",
        "附件一 ",
        "前言 ",
        "  立法授权 ",
        " 二. 特别政治任务 ",
        "  A. 2024 年拟议方案计划和 2022 年方案执行情况 ",
        "次级方案 1 ",
        "_______________",
        "员额 1 000.0 1 100.0 1 200.0 ",
        " 共计 1 200.0 1 310.0 1 420.0 ",
        "(a) 会员国",
        "5",
        "P-4",
    ]
)


@fuzz(150)
@given(
    st.lists(
        st.one_of(
            st.builds(
                lambda i: real_lines()[i % len(real_lines())], st.integers(min_value=0, max_value=20_000)
            ),
            structural,
            st.text(max_size=40),
        ),
        max_size=120,
    )
)
@example([])
@example(["", " ", "\t"])
@example(["第 3 款 政治事务 ", "17/136 23-08138 "])
@example(["第 3 款 政治事务 ", " 3.1 政治事务。", "表 3.1 ", "图 3.一 ", "附件一 "])
@example(
    [
        "附件一 ",
        " 3.1 政治和建设和平事务部负责处理秘书处与在世界各地维护和平的所有事项。",
        "第 3 款 政治事务 ",
    ]
)
def test_any_text_is_parsed_or_refused_with_a_document_error(lines):
    try:
        document = parse_text("\n".join(lines))
    except DocumentError as error:
        assert str(error)
        return
    assert document.paragraphs
    assert [p.ref for p in document.paragraphs] == [
        f"{document.section_number}.{n}" for n in range(1, len(document.paragraphs) + 1)
    ]


@fuzz(60)
@given(st.text(max_size=300))
@example("\x00")
@example("\ufeff")
@example("第 3 款 政治事务\n3.1 \udcff")  # a lone surrogate made hashing the text fail
@example("\r\r\n\u2028\u2029\x85")
def test_any_characters_are_parsed_or_refused_with_a_document_error(text):
    try:
        parse_text(text)
    except DocumentError as error:
        assert str(error)


@fuzz(20)
@given(st.integers(min_value=1, max_value=99), st.integers(min_value=1, max_value=9))
def test_a_section_is_parsed_whatever_its_number(section, part):
    """Nothing in the parser is specific to section 3: the synthetic section renumbered still parses."""
    text = (
        SYNTHETIC.read_text(encoding="utf-8")
        .replace("29.", f"{section}.")
        .replace("第 29 款", f"第 {section} 款")
    )
    text = text.replace("一. 全球", f"{int_to_chinese(part)}. 全球")
    document = parse_text(text)
    assert document.section_number == section
    assert [p.ref for p in document.paragraphs] == [f"{section}.{n}" for n in range(1, 7)]


# --------------------------------------------------------------------------------------------------
# Regressions the properties found (kept as plain examples: the damage is drawn inside the test)
# --------------------------------------------------------------------------------------------------


def test_a_form_feed_before_an_indented_heading_keeps_it_a_heading():
    """pdftotext begins a page with a form feed; "\\f  应交付产出" was read as text of ¶29.3."""
    source = base(BASES[1])
    lines = list(source.lines)
    index = next(i for i, line in enumerate(lines) if line.strip() == "应交付产出")
    lines[index] = "\f" + lines[index]
    document = parse_text("\n".join(lines))
    assert document.paragraph("29.3").text == source.document.paragraph("29.3").text
    assert "应交付产出" in [heading.text for heading in document.headings]
