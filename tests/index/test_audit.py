"""The consistency audit of the bundled A/78/6 (Sect. 3): every finding, each checked by hand against the text.

Each row of FINDINGS was read in the document (``budgetqa show "表 3.68"``, ``budgetqa show 附件四``):
the line printed, what the other side gives, and why.  The audit must report exactly these.
"""

from __future__ import annotations

import json
import time

import pytest
from typer.testing import CliRunner

from budgetqa.cli import app
from budgetqa.index.audit import run_audit
from budgetqa.index.audit_model import Check, FindingClass

# (check, class, kind, ref, line, row, column, printed, expected)
FINDINGS = [
    # 表 3.24, 3.27, 3.53, 3.75: a 2022 expenditure total one printed unit off the sum of its rows
    ("row_sum", "rounding", "table", "3.24", 3924, "共计", "2022 年支出", "47 859.0", 47858.9),
    ("row_sum", "rounding", "table", "3.27", 4071, "小计(1)", "2022 年支出", "47 859.0", 47859.1),
    ("row_sum", "rounding", "table", "3.27", 4115, "共计", "2022 年支出", "85 104.2", 85104.3),
    ("row_sum", "rounding", "table", "3.53", 7085, "共计", "2022 年支出", "3 402.4", 3402.5),
    # 表 3.56 共计: 84.2 ÷ 3 282.0 = 2.57 %, printed 2.5
    ("percentage", "discrepancy", "table", "3.56", 7227, "共计", "变动: 百分比", "2.5", 2.57),
    # 表 3.68 (2): a decrease of 128.4 on 9 076.0, its percentage printed 1.4 instead of (1.4)
    ("sign", "discrepancy", "table", "3.68", 8313, "工作方案", "变动: 百分比", "1.4", -1.41),
    ("sign", "discrepancy", "table", "3.68", 8315, "小计(2)", "变动: 百分比", "1.4", -1.41),
    # 表 3.68 共计 "9 359.5 10 292.5 337.9 — 9 954.6": the sources' subtotals give 9 182.8, 10 484.1 and
    # (529.5); 10 292.5 − 337.9 = 9 954.6, so the change lacks its parentheses, and no percentage is printed
    ("percentage", "discrepancy", "table", "3.68", 8337, "共计", "变动: 百分比", "—", -3.28),
    ("row_sum", "discrepancy", "table", "3.68", 8337, "共计", "2022 年支出", "9 359.5", 9182.8),
    ("row_sum", "discrepancy", "table", "3.68", 8337, "共计", "2023 年估计", "10 292.5", 10484.1),
    ("row_sum", "discrepancy", "table", "3.68", 8337, "共计", "变动: 共计", "337.9", -529.5),
    ("sign", "discrepancy", "table", "3.68", 8337, "共计", "变动: 共计", "337.9", -337.9),
    ("row_sum", "rounding", "table", "3.75", 9310, "共计", "2022 年支出", "1 630.3", 1630.4),
    # 表 3.80: posts grow by 20 on 22, 4 on 11, 24 on 33, the percentage column prints "—"
    ("percentage", "discrepancy", "table", "3.80", 9543, "专业及以上职类", "变动: 百分比", "—", 90.91),
    ("percentage", "discrepancy", "table", "3.80", 9545, "一般事务及有关职类", "变动: 百分比", "—", 36.36),
    ("percentage", "discrepancy", "table", "3.80", 9547, "共计", "变动: 百分比", "—", 72.73),
    # 附件三 UNOCT: "改划政策、知识管理和协调处 11 个员额" (line 11145) and "拟议改划的 11 个员额" (11149) agree with
    # the rows under it, 7 P-4 (11173) + 3 P-3 (11210) + 1 GS (OL) (11234) = 11, but its reason says "这 4 个员额"
    ("annex_posts", "discrepancy", "annex", "三", 11169, "改划政策、知识管理和协调处 11个员额", "说明 / 变动原因",
     "这 4 个员额", 11.0),
    # 附件四 UNOAU all sources against 表 3.68 共计 (the annex's own row adds up)
    ("same_figure", "discrepancy", "annex", "四", 11518, "联合国驻非洲联盟办事处", "2023 年估计", "10 484.1", 10292.5),
    ("same_figure", "discrepancy", "annex", "四", 11518, "联合国驻非洲联盟办事处", "2024 年差异", "(529.5)", 337.9),
    # 附件四 UNOCT all sources: 29 662.5 where 10 112.1 + 19 540.4 = 29 652.5 (表 3.78 prints 29 652.5), and a
    # difference of (37 789.0) where the sources give (37 759.0) and 29 662.5 − 67 411.5 = (37 749.0)
    ("change", "discrepancy", "annex", "四", 11520, "反恐怖主义办公室", "2024 年差异", "(37 789.0)", -37749.0),
    ("column_sum", "discrepancy", "annex", "四", 11520, "反恐怖主义办公室", "2024 年估计", "29 662.5", 29652.5),
    ("column_sum", "discrepancy", "annex", "四", 11520, "反恐怖主义办公室", "2024 年差异", "(37 789.0)", -37759.0),
    ("same_figure", "discrepancy", "annex", "四", 11520, "反恐怖主义办公室", "2024 年估计", "29 662.5", 29652.5),
    ("same_figure", "discrepancy", "annex", "四", 11520, "反恐怖主义办公室", "2024 年差异", "(37 789.0)", -37759.0),
    # 附件四 共计 carries the UNOCT figures: its sources give 972 079.2 and (34 437.4)
    ("change", "discrepancy", "annex", "四", 11522, "共计", "2024 年差异", "(34 467.4)", -34427.4),
    ("column_sum", "discrepancy", "annex", "四", 11522, "共计", "2024 年估计", "972 089.2", 972079.2),
    ("column_sum", "discrepancy", "annex", "四", 11522, "共计", "2024 年差异", "(34 467.4)", -34437.4),
]


@pytest.fixture(scope="module")
def report(document):
    return run_audit(document)


def test_the_audit_reports_exactly_the_findings_checked_by_hand(report):
    found = [
        (f.check.value, f.finding_class.value, f.printed.kind.value, f.printed.ref, f.printed.line, f.printed.row,
         f.printed.column, f.printed.text, round(f.expected, 2))
        for f in report.findings
    ]
    assert found == FINDINGS


def test_each_finding_cites_both_sides_and_the_printed_line_shows_its_figure(report, document):
    for finding in report.findings:
        assert finding.other, finding.id
        for side in (finding.printed, *finding.other):
            line = "".join(document.lines[side.line - 1].split())
            assert "".join(side.text.split()) in line or side.text == "—", (finding.id, side)


def test_the_unoct_all_sources_total_in_the_annex_is_a_discrepancy_against_its_parts(report):
    (finding,) = [f for f in report.about(body="UNOCT") if f.check is Check.COLUMN_SUM and f.printed.text == "29 662.5"]
    assert finding.finding_class is FindingClass.DISCREPANCY
    assert [o.text for o in finding.other] == ["10 112.1", "—", "19 540.4"]
    assert round(finding.difference, 1) == 10.0


def test_a_table_whose_figures_all_agree_has_no_finding(report):
    assert report.about(table="3.26") == [] and report.about(table="3.29") == []


def test_the_audit_runs_in_under_five_seconds_with_the_parse(document):
    from budgetqa.data import bundled_document_path
    from budgetqa.ingest.parser import parse_document

    started = time.perf_counter()
    run_audit(parse_document(bundled_document_path()))
    assert time.perf_counter() - started < 5.0


def test_budgetqa_check_json_lists_the_findings_with_both_sides():
    result = CliRunner().invoke(app, ["check", "--json", "--table", "3.68"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["counts"] == {"rounding": 0, "discrepancy": 9}
    first = data["findings"][0]
    assert {"printed", "other", "expected", "difference", "class", "formula"} <= set(first)


def test_budgetqa_check_markdown_in_english_glosses_the_labels():
    result = CliRunner().invoke(app, ["check", "--format", "markdown", "--lang", "en", "--body", "UNOCT", "--only", "discrepancy"])
    assert result.exit_code == 0, result.output
    assert "Annex IV \\| Office of Counter-Terrorism" in result.stdout  # "|" escaped in a markdown cell
    assert "29 662.5" in result.stdout and "29 652.5" in result.stdout


def test_budgetqa_check_refuses_an_unknown_table_with_exit_code_2():
    result = CliRunner().invoke(app, ["check", "--table", "3.999"])
    assert result.exit_code == 2
    assert "no table 3.999" in result.output
