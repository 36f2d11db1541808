"""Write the analyst notebook (03_analyst.ipynb) from its cells, so that it is reviewed as code.

    .venv/bin/python notebooks/make_analyst_notebook.py      # rewrites notebooks/03_analyst.ipynb

The test suite executes it top to bottom (tests/eval/test_analyst_notebook.py).
"""

from __future__ import annotations

from make_notebooks import SETUP, write  # the sibling script: same setup cell, same writer
from nbformat.v4 import new_code_cell, new_markdown_cell

NAME = "03_analyst.ipynb"

ANALYST = [
    new_markdown_cell(
        "# Analyst tools on the budget facts\n\n"
        "What a budget analyst does by hand with a calculator, done over the typed tables and facts of "
        "A/78/6 (Sect. 3): the **consistency audit** (do the totals add up, does 2023 plus the change give "
        "2024, is the same figure the same wherever it is printed), **tables as data** and the **resource "
        "overview** by body and funding source, with its chart. Everything runs offline in seconds."
    ),
    new_code_cell(SETUP),
    new_code_cell(
        """\
from budgetqa.index.audit import run_audit
from budgetqa.index.audit_report import sentence
from budgetqa.index.glossary import load_glossary
from budgetqa.ingest.parser import parse_document
from budgetqa.settings import Settings

document = parse_document(Settings.from_env().document_path())
glossary = load_glossary()
report = run_audit(document)
print(f"{document.symbol}: {len(report.findings)} findings {report.counts()} in {report.seconds:.2f} s")"""
    ),
    new_markdown_cell(
        "## 1. The audit\n\nEach finding cites the printed figure and the figures it is set against, the two values, "
        "the difference, and a class: **rounding** (within the printed precision) or a real **discrepancy**."
    ),
    new_code_cell(
        """\
pd.DataFrame(
    [
        {
            "class": f.finding_class.value,
            "check": f.check.value,
            "printed at": f.printed.place("en"),
            "printed": f.printed.text,
            "expected": round(f.expected, 2),
            "difference": round(f.difference, 2),
        }
        for f in report.findings
    ]
)"""
    ),
    new_markdown_cell(
        "The overview annex (附件四) prints the Office of Counter-Terrorism's all-sources total for 2024 as "
        "29 662.5 thousand dollars; its regular budget and extrabudgetary parts add up to 29 652.5, which is "
        "also what table 3.78 prints:"
    ),
    new_code_cell(
        """\
for finding in report.about(body="UNOCT"):
    if finding.printed.text == "29 662.5":
        print("•", sentence(finding, "en", glossary))"""
    ),
    new_markdown_cell(
        "## 2. Tables as data\n\n`Table.to_pandas()` gives a table with typed numeric columns (a printed nil is 0, "
        "a blank cell NaN); `budgetqa tables --format xlsx|csv|parquet` writes all of them."
    ),
    new_code_cell(
        """\
frame = document.table("3.68").to_pandas()
frame[["sub_part", "label", "2022 年支出", "2023 年估计", "2023 年批款", "变动: 共计", "2024 年估计(重计费用前)"]]"""
    ),
    new_code_cell(
        """\
# The audit's first 3.68 finding, by hand: the 2023 figures of the three sources' subtotals against the total
subtotals = frame[frame["label"].str.startswith("小计")]
by_hand = subtotals[["2023 年估计", "2023 年批款"]].sum(axis=1, min_count=1).sum()
printed = frame.loc[frame["label"] == "共计", "2023 年估计"].item()
print(f"subtotals add up to {by_hand:,.1f}; the total row prints {printed:,.1f}")"""
    ),
    new_markdown_cell(
        "## 3. The resource overview\n\nResources by funding source and posts, 2023 against 2024, for every body and the "
        "section. Every figure is a printed fact with its citation; the percentage is computed from two of them; a figure "
        "the audit doubts is marked."
    ),
    new_code_cell(
        """\
from budgetqa.qa.overview import Overview
from budgetqa.qa.overview_render import cells, headers

overview = Overview.of(document, audit=report)
table = pd.DataFrame([cells(line, "en") for line in overview.shown()], columns=headers(overview, "en"))
table[table["Measure"].str.startswith("resources")]"""
    ),
    new_code_cell(
        """\
from IPython.display import Image, display

from budgetqa.qa.overview_chart import render

chart = render(overview, "zh")
for warning in chart.warnings:
    print("note:", warning)
display(Image(chart.png))"""
    ),
]


def main() -> None:
    print(write(NAME, ANALYST))


if __name__ == "__main__":
    main()
