"""The resource overview of the bundled A/78/6 (Sect. 3): every figure a cited fact, the percentage
computed from two of them, audit findings beside the figures they concern, and the chart a real PNG."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetqa.cli import app
from budgetqa.ingest.budget import FundingSource, Measure
from budgetqa.ingest.model import BlockKind


@pytest.fixture(scope="module")
def overview(document):
    from budgetqa.qa.overview import Overview

    return Overview.of(document)


def test_every_figure_is_a_fact_printed_on_its_cited_line(overview, document):
    assert overview.years == (2023, 2024)
    for line in overview.lines:
        for fact in line.facts:
            printed = "".join(document.lines[fact.source.line - 1].split())
            assert "".join(fact.printed.split()) in printed, (fact.id, fact.source.line)


def test_unoct_regular_budget_2023_to_2024_with_its_percentage(overview):
    line = overview.line("UNOCT", FundingSource.REGULAR_BUDGET, Measure.MONEY)
    assert (line.base.printed, line.final.printed, line.change.printed) == ("5 807.8", "10 112.1", "4 304.3")
    assert line.base.source.kind is BlockKind.ANNEX and line.base.source.ref == "四"
    assert round(line.percent, 1) == 74.1
    assert line.percent_formula() == "4 304.3 ÷ 5 807.8 × 100 = 74.1"


def test_the_section_and_every_body_have_their_all_sources_and_posts_lines(overview):
    keys = {line.body.key for line in overview.lines}
    assert keys == {"DPPA", "SPM", "UNSCO", "UNRoD", "UNOAU", "UNOCT", "SECTION"}
    section = overview.line("SECTION", FundingSource.ALL, Measure.POSTS)
    assert (section.base.printed, section.final.printed) == ("5 120", "5 137")


def test_a_figure_the_audit_finds_inconsistent_carries_the_finding(overview):
    unoct = overview.line("UNOCT", FundingSource.ALL, Measure.MONEY)
    assert unoct.final.printed == "29 662.5"
    assert any(f.printed.fact == unoct.final.id for f in unoct.flags)
    assert overview.line("DPPA", FundingSource.ALL, Measure.MONEY).flags == ()


def test_one_body_in_english_markdown(overview):
    from budgetqa.qa.overview_render import markdown

    text = markdown(overview.for_body("UNOAU"), "en")
    assert "| UNOAU | other assessed resources | resources (USD thousand) | 9,076.0 | 8,947.6 | −128.4 | −1.4% |" in text
    assert "Annex IV, line 11518" in text


def test_the_chart_is_a_png_with_labelled_bars(overview):
    from matplotlib.image import imread

    from budgetqa.qa.overview_chart import cjk_font, render

    chart = render(overview, "zh")
    assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")
    height, width, _ = imread(io.BytesIO(chart.png)).shape
    assert width > 1000 and height > 800
    assert chart.lang == ("zh" if cjk_font() else "en")
    assert bool(chart.warnings) == (cjk_font() is None)


def test_budgetqa_overview_json_and_chart(tmp_path: Path):
    chart = tmp_path / "overview.png"
    result = CliRunner().invoke(app, ["overview", "--body", "反恐办", "--lang", "en", "--format", "json", "--chart", str(chart)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout[: result.stdout.rindex("}") + 1])
    funding = {(line["funding"], line["measure"]): line for line in data["lines"]}
    posts = funding[("regular_budget", "posts")]
    assert (posts["base"]["printed"], posts["final"]["printed"], posts["percent"]) == ("33", "57", 72.7)
    assert posts["final"]["cite"] == "Annex IV, line 11540"
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_budgetqa_overview_refuses_an_unknown_body():
    result = CliRunner().invoke(app, ["overview", "--body", "Department of Magic"])
    assert result.exit_code == 2
    assert "unknown body" in result.output


def test_a_long_body_name_is_wrapped_to_fit_its_panel_title():
    from budgetqa.qa.overview_chart import TITLE_CHARS_EN, TITLE_CHARS_ZH, wrap_title

    english = wrap_title("United Nations Register of Damage Caused by the Construction of the Wall in the Occupied Palestinian Territory", "en")
    assert len(english.splitlines()) == 3 and max(len(line) for line in english.splitlines()) <= TITLE_CHARS_EN
    chinese = wrap_title("甲" * 40, "zh")
    assert chinese.splitlines() == ["甲" * 20, "甲" * 20] and TITLE_CHARS_ZH < 40
    assert wrap_title("反恐怖主义办公室", "zh") == "反恐怖主义办公室"
